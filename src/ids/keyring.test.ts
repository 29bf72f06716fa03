import { createDecipheriv, createHmac, hkdfSync } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Keyring } from './keyring.js';

const secretA = Buffer.alloc(32, 1);
const secretB = Buffer.alloc(32, 2);

describe('Keyring', () => {
  it('hashes deterministically under one secret', () => {
    const a1 = Keyring.fromSecret(secretA);
    const a2 = Keyring.fromSecret(Buffer.from(secretA));
    const h = a1.hash('cn-rid', '110101199003074514');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(a2.hash('cn-rid', '110101199003074514')).toBe(h);
  });

  it('gives different hashes under different secrets, schemes and values', () => {
    const a = Keyring.fromSecret(secretA);
    const b = Keyring.fromSecret(secretB);
    const h = a.hash('cn-rid', '110101199003074514');
    expect(b.hash('cn-rid', '110101199003074514')).not.toBe(h);
    expect(a.hash('staff', '110101199003074514')).not.toBe(h);
    expect(a.hash('cn-rid', '360426199101010071')).not.toBe(h);
  });

  it('derives subject ids from the hash', () => {
    const k = Keyring.fromSecret(secretA);
    const id = k.subjectId('cn-uscc', '91110000600037341L');
    expect(id).toBe('s_' + k.hash('cn-uscc', '91110000600037341L').slice(0, 24));
    expect(id).toMatch(/^s_[0-9a-f]{24}$/);
  });

  it('refuses short secrets', () => {
    expect(() => Keyring.fromSecret(Buffer.alloc(31))).toThrow(/at least 32 bytes/);
  });

  it('round-trips encryption, with a fresh IV each time', () => {
    const k = Keyring.random();
    for (const text of ['110101199003074514', '', '张三 ✓']) {
      const t = k.encrypt(text);
      expect(t).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/);
      expect(k.decrypt(t)).toBe(text);
    }
    expect(k.encrypt('same')).not.toBe(k.encrypt('same'));
  });

  it('does not put the plaintext in the token', () => {
    const t = Keyring.random().encrypt('110101199003074514');
    expect(t).not.toContain('110101199003074514');
    expect(t).not.toContain(Buffer.from('110101199003074514').toString('base64url'));
  });

  it('detects tampering with ciphertext, tag or IV', () => {
    const k = Keyring.fromSecret(secretA);
    const [v, iv, tag, ct] = k.encrypt('110101199003074514').split('.');
    const flip = (s: string): string => {
      const b = Buffer.from(s, 'base64url');
      b[0] ^= 1;
      return b.toString('base64url');
    };
    for (const bad of [[v, iv, tag, flip(ct)], [v, iv, flip(tag), ct], [v, flip(iv), tag, ct]]) {
      expect(() => k.decrypt(bad.join('.'))).toThrow(/altered or was encrypted under a different key/);
    }
  });

  it('refuses a token from another key, or a malformed one', () => {
    const t = Keyring.fromSecret(secretA).encrypt('x');
    expect(() => Keyring.fromSecret(secretB).decrypt(t)).toThrow(/different key/);
    const k = Keyring.fromSecret(secretA);
    expect(() => k.decrypt('garbage')).toThrow(/not a v1/);
    expect(() => k.decrypt(t.replace(/^v1/, 'v2'))).toThrow(/not a v1/);
    const [v, iv, tag, ct] = t.split('.');
    expect(() => k.decrypt([v, iv, tag.slice(0, 8), ct].join('.'))).toThrow(/wrong-sized/);
  });

  it('derives two distinct keys with HKDF-SHA256 under the documented info strings', () => {
    // Recomputed independently, so another implementation can re-derive the same keys from the file.
    const derive = (info: string): Buffer => Buffer.from(hkdfSync('sha256', secretA, Buffer.alloc(0), info, 32));
    const hmacKey = derive('xinyong/hmac/v1');
    const encKey = derive('xinyong/enc/v1');
    expect(hmacKey.equals(encKey)).toBe(false);

    const k = Keyring.fromSecret(secretA);
    expect(k.hash('cn-rid', '110101199003074514')).toBe(
      createHmac('sha256', hmacKey).update('cn-rid:110101199003074514').digest('hex'),
    );
    const [, iv, tag, ct] = k.encrypt('secret value').split('.');
    const d = createDecipheriv('aes-256-gcm', encKey, Buffer.from(iv, 'base64url'));
    d.setAuthTag(Buffer.from(tag, 'base64url'));
    expect(Buffer.concat([d.update(Buffer.from(ct, 'base64url')), d.final()]).toString()).toBe('secret value');
  });

  it('does not reveal key material when printed', () => {
    const k = Keyring.fromSecret(secretA);
    const shown = inspect(k, { showHidden: true, depth: 5 }) + JSON.stringify(k);
    expect(shown).not.toContain(secretA.toString('hex'));
    expect(shown).not.toMatch(/[0-9a-f]{64}/);
  });

  it('hashes quickly enough for bulk ingest', () => {
    const k = Keyring.random();
    const n = 20_000;
    const start = performance.now();
    for (let i = 0; i < n; i++) k.hash('cn-rid', String(110101199003074514n + BigInt(i)));
    const perHashUs = ((performance.now() - start) * 1000) / n;
    expect(perHashUs).toBeLessThan(50);
  });
});
