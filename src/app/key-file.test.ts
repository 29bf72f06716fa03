import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { keyFilePath, loadOrCreateKeyring } from './key-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xinyong-key-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const posix = process.platform !== 'win32';

describe('keyFilePath', () => {
  it('puts the key next to the database', () => {
    expect(keyFilePath('/var/lib/xinyong/x.db')).toBe('/var/lib/xinyong/x.db.key');
    expect(keyFilePath(':memory:')).toBe(':memory:');
  });
});

describe('loadOrCreateKeyring', () => {
  it('creates a 0600 key file of 64 hex characters and a newline', () => {
    const db = join(dir, 'x.db');
    const r = loadOrCreateKeyring(db);
    expect(r.created).toBe(true);
    expect(r.path).toBe(`${db}.key`);
    expect(readFileSync(r.path, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    if (posix) expect(statSync(r.path).mode & 0o777).toBe(0o600);
  });

  it('reuses the key on the next call', () => {
    const db = join(dir, 'x.db');
    const first = loadOrCreateKeyring(db);
    const second = loadOrCreateKeyring(db);
    expect(second.created).toBe(false);
    expect(second.keyring.hash('cn-rid', '110101199003074514')).toBe(first.keyring.hash('cn-rid', '110101199003074514'));
    expect(second.keyring.decrypt(first.keyring.encrypt('hello'))).toBe('hello');
  });

  it('creates missing parent directories and leaves no temporary files', () => {
    const db = join(dir, 'nested', 'deeper', 'x.db');
    const r = loadOrCreateKeyring(db);
    expect(r.created).toBe(true);
    expect(readFileSync(r.path, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(readdirSync(join(dir, 'nested', 'deeper'))).toEqual(['x.db.key']);
  });

  it.runIf(posix)('refuses a key file readable by others, telling the operator to chmod 600', () => {
    const db = join(dir, 'x.db');
    const { path } = loadOrCreateKeyring(db);
    const before = readFileSync(path, 'utf8');
    chmodSync(path, 0o644);
    expect(() => loadOrCreateKeyring(db)).toThrow(/chmod 600/);
    // Refusing must not replace the key.
    expect(readFileSync(path, 'utf8')).toBe(before);
    chmodSync(path, 0o640);
    expect(() => loadOrCreateKeyring(db)).toThrow(/mode 0640/);
  });

  it('refuses a malformed key file without quoting it', () => {
    const db = join(dir, 'x.db');
    const path = keyFilePath(db);
    const almost = 'ab'.repeat(31) + 'zz\n';
    writeFileSync(path, almost, { mode: 0o600 });
    let message = '';
    try {
      loadOrCreateKeyring(db);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/malformed: expected 64 hexadecimal characters/);
    expect(message).not.toContain('abab');
  });

  it('accepts a key written without a trailing newline and reads the same key', () => {
    const db = join(dir, 'x.db');
    const hex = 'a1'.repeat(32);
    writeFileSync(keyFilePath(db), hex, { mode: 0o600 });
    const a = loadOrCreateKeyring(db);
    writeFileSync(keyFilePath(db), hex + '\n', { mode: 0o600 });
    const b = loadOrCreateKeyring(db);
    expect(a.created).toBe(false);
    expect(a.keyring.hash('x', 'y')).toBe(b.keyring.hash('x', 'y'));
  });

  it('gives :memory: databases a fresh random keyring and touches no file', () => {
    const a = loadOrCreateKeyring(':memory:');
    const b = loadOrCreateKeyring(':memory:');
    expect(a.created).toBe(true);
    expect(a.path).toBe(':memory:');
    expect(a.keyring.hash('x', 'y')).not.toBe(b.keyring.hash('x', 'y'));
  });
});
