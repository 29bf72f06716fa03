/**
 * Opening a shared PostgreSQL database (`--db postgres://…`): every process must hash identifiers
 * with the same key, so a process with another key file is refused before it writes anything.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContext } from '../../src/app/context.js';
import { dropSchemas, freshPgUrl, requirePostgres } from '../../src/store/postgres/test-db.js';

const NOW = Date.UTC(2026, 10, 1);
const dir = mkdtempSync(join(tmpdir(), 'xy-shared-'));
const { url, schema } = freshPgUrl('xy_ctx');

beforeAll(requirePostgres);
afterAll(async () => {
  await dropSchemas([schema]);
  rmSync(dir, { recursive: true, force: true });
});

describe('a shared PostgreSQL database', () => {
  it('opens for every process with the same key file, refuses one with another, and never names the password', async () => {
    const key = join(dir, 'a.key');
    const first = await openContext({ db: url, keyFile: key, now: NOW, actor: 'test' });
    expect(first.keyCreated).toBe(true);
    expect(first.store.dialect).toBe('postgres');
    expect(first.catalog.id).toBe('cn-demo');
    await first.close();

    const again = await openContext({ db: url, keyFile: key, now: NOW, actor: 'test' });
    expect(again.keyCreated).toBe(false);
    expect(again.keyPath).toBe(key);
    await again.close();

    const other = join(dir, 'b.key');
    writeFileSync(other, 'ab'.repeat(32) + '\n', { mode: 0o600 });
    await expect(openContext({ db: url, keyFile: other, now: NOW, actor: 'test' })).rejects.toThrow(/not the key this database was built with/);

    const withPassword = new URL(url);
    withPassword.password = 'hunter2';
    const ctx = await openContext({ db: withPassword.toString(), keyFile: key, now: NOW, actor: 'test' }).catch((e: Error) => e);
    // trust auth accepts any password here; whichever way it went, the password is not shown.
    const shown = ctx instanceof Error ? ctx.message : ctx.dbPath;
    expect(shown).not.toContain('hunter2');
    if (!(ctx instanceof Error)) await ctx.close();
  });
});
