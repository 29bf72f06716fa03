/**
 * `xinyong keys create|list|revoke` through the built CLI: a key is shown once, stored only as a
 * hash, listed without its secret, and refused by a server after revocation.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openContext } from '../src/app/context.js';
import { buildServer } from '../src/api/server.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'xinyong.js');
const dir = mkdtempSync(join(tmpdir(), 'xy-keys-'));
const DB = join(dir, 'x.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// An empty database: only demo and import make one unasked.
beforeAll(() => {
  const r = spawnSync(process.execPath, [BIN, '--db', DB, '--create', 'keys', 'list'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
});

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, '--db', DB, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('xinyong keys', () => {
  it('creates a key shown once, lists it without the secret, revokes it, and a server then refuses it', async () => {
    const c = run(['keys', 'create', '--role', 'checker', '--name', 'Hangzhou East ticket office', '--scope', 'transport.rail.high-speed', '--json']);
    expect(c.code, c.stderr).toBe(0);
    const created = JSON.parse(c.stdout) as { key: string; id: string; role: string; scopes: string[] };
    expect(created.key).toMatch(/^xy_k_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created).toMatchObject({ role: 'checker', scopes: ['transport.rail.high-speed'] });

    const secret = created.key.slice(18);
    expect(readFileSync(DB).includes(Buffer.from(secret))).toBe(false);

    const human = run(['keys', 'list']);
    expect(human.stdout).toContain(created.id);
    expect(human.stdout).toContain('Hangzhou East ticket office');
    expect(human.stdout).not.toContain(secret);
    const listed = JSON.parse(run(['keys', 'list', '--json']).stdout) as Record<string, unknown>[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).not.toHaveProperty('secretHash');

    const ctx = await openContext({ db: DB, now: Date.now(), actor: 'test' });
    try {
      const body = { subject: 's_0000000000000000deadbeef', action: 'transport.rail.high-speed' };
      const before = await buildServer({ ctx, logLevel: 'silent', refreshEveryMs: 0 });
      expect((await before.app.inject({ method: 'POST', url: '/v1/checks', headers: { authorization: `Bearer ${created.key}` }, payload: body })).statusCode).toBe(200);
      await before.app.close();

      expect(run(['keys', 'revoke', created.id]).code).toBe(0);
      const again = run(['keys', 'revoke', created.id]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already revoked/);

      const after = await buildServer({ ctx, logLevel: 'silent', refreshEveryMs: 0 });
      expect((await after.app.inject({ method: 'POST', url: '/v1/checks', headers: { authorization: `Bearer ${created.key}` }, payload: body })).statusCode).toBe(401);
      await after.app.close();
    } finally {
      await ctx.close();
    }
  });

  it('refuses a source key without a catalog source, a subject key without a subject, and an unknown role', () => {
    expect(run(['keys', 'create', '--role', 'source', '--name', 'x']).stderr).toMatch(/--source, one of: .*spc/);
    expect(run(['keys', 'create', '--role', 'subject', '--name', 'x']).stderr).toMatch(/--subject/);
    expect(run(['keys', 'create', '--role', 'root', '--name', 'x']).stderr).toMatch(/unknown role 'root'/);
    expect(run(['keys', 'create', '--role', 'checker', '--name', 'x', '--scope', 'fly.to.moon']).stderr).toMatch(/unknown action 'fly.to.moon'/);
    expect(run(['keys', 'create', '--role', 'source', '--source', 'spc', '--name', 'x', '--scope', 'tax.*']).stderr).toMatch(/covers no record type that source 'spc' may send/);
    expect(run(['keys', 'create', '--role', 'checker', '--source', 'spc', '--name', 'x']).stderr).toMatch(/--source is only for source keys/);
    expect(run(['keys', 'create', '--role', 'source', '--source', 'spc', '--name', 'narrow', '--scope', 'court.obligation-performed']).code).toBe(0);
  });

  it('takes register or register:<kind> as a source key scope only for kinds its source registers (issue 16 finding 8)', () => {
    expect(run(['keys', 'create', '--role', 'source', '--source', 'spc', '--name', 'x', '--scope', 'register']).stderr).toMatch(/source 'spc' registers no subjects/);
    expect(run(['keys', 'create', '--role', 'source', '--source', 'samr', '--name', 'x', '--scope', 'register:person']).stderr).toMatch(/source 'samr' registers only enterprise/);
    const ok = run(['keys', 'create', '--role', 'source', '--source', 'samr', '--name', 'samr registry', '--scope', 'register:enterprise', 'market.*', '--json']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ scopes: ['register:enterprise', 'market.*'] });
  });
});
