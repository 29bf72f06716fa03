/**
 * Opening a shared PostgreSQL database (`--db postgres://…`): every process must hash identifiers
 * with the same key, so a process with another key file is refused before it writes anything.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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

    // Its key file gone (a process started elsewhere without a copy): refused, and no new key written.
    const gone = join(dir, 'gone.key');
    await expect(openContext({ db: url, keyFile: gone, now: NOW, actor: 'test' })).rejects.toMatchObject({ code: 'XY_ERR_CONFLICT', message: expect.stringContaining(`the identifier key file ${gone} is missing, and this database was built with a key`) });
    expect(existsSync(gone)).toBe(false);
  });

  it('a database the server does not have is refused, naming it, and no key file is made (issue 16 finding 15)', async () => {
    const missing = new URL(url);
    missing.pathname = '/xy_no_such_database';
    const key = join(dir, 'never.key');
    const e = await openContext({ db: missing.toString(), keyFile: key, now: NOW, actor: 'test', create: false }).catch((err: unknown) => err);
    expect(e).toMatchObject({ code: 'XY_ERR_DATABASE_MISSING' });
    expect((e as Error).message).toMatch(/^the PostgreSQL server of postgres:\/\/\S+\/xy_no_such_database\S* has no database 'xy_no_such_database': check --db \(or DATABASE_URL\), or create the database on the server \(`createdb xy_no_such_database`\)/);
    expect(existsSync(key)).toBe(false);
  });
});
