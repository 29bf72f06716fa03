/**
 * An unknown action is refused naming the ones there are, as an unknown list is, through every
 * door: a check's action (now, and at a past instant under the catalog then in force) and an
 * audit-log filter by action, over HTTP and in the CLI. A typo must never read as "no entries".
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT } from '../../src/audit/actions.js';
import { buildServer, type Server } from '../../src/api/server.js';
import { decideAt } from '../../src/app/checks.js';
import { createApp, openContext, type AppContext } from '../../src/app/context.js';
import { createApiKey } from '../../src/app/keys.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'xinyong.js');
const NOW = Date.UTC(2026, 10, 27, 8);
const dir = mkdtempSync(join(tmpdir(), 'xy-unknown-action-'));
const DB = join(dir, 'x.db');
let ctx: AppContext;
let server: Server;
const keys: Record<'checker' | 'admin', string> = { checker: '', admin: '' };

beforeAll(async () => {
  ctx = await openContext({ db: DB, now: NOW, actor: 'test' });
  for (const role of ['checker', 'admin'] as const) keys[role] = (await createApiKey(ctx.store, { name: `test ${role}`, role }, NOW, 'test')).key;
  server = await buildServer({ ctx, now: () => NOW, logLevel: 'silent', refreshEveryMs: 0, syncEveryMs: 0 });
}, 60_000);
afterAll(async () => {
  await server?.app.close();
  await ctx?.close();
  rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => spawnSync(process.execPath, [BIN, '--db', DB, ...args], { encoding: 'utf8' });
const ACTIONS = () => [...ctx.catalog.actions.keys()];

describe('an unknown action names the valid ones (issue 16 finding 15)', () => {
  it('a check over HTTP and in the CLI, now and at a past instant', async () => {
    for (const payload of [{ subject: 's_0000000000000000deadbeef', action: 'fly.to.moon' }, { subject: 's_0000000000000000deadbeef', action: 'fly.to.moon', at: '2026-01-01T00:00:00Z' }]) {
      const r = await server.app.inject({ method: 'POST', url: '/v1/checks', headers: { authorization: `Bearer ${keys.checker}` }, payload });
      expect(r.statusCode).toBe(400);
      expect(r.json()).toMatchObject({ code: 'XY_ERR_UNKNOWN_ACTION', field: '/action', detail: expect.stringContaining(ACTIONS().join(', ')) });
    }
    const c = cli(['check', '--subject', 's_0000000000000000deadbeef', '--action', 'fly.to.moon', '--json']);
    expect(c.status).toBe(1);
    expect(JSON.parse(c.stderr)).toMatchObject({ code: 'XY_ERR_UNKNOWN_ACTION', error: expect.stringContaining(ACTIONS().join(', ')) });
    // Under the catalog in force at the instant asked about (the door checks today's first).
    await expect(decideAt(createApp(ctx, { now: () => NOW }), null, 'fly.to.moon', NOW)).rejects.toMatchObject({
      code: 'XY_ERR_UNKNOWN_ACTION',
      message: `unknown action 'fly.to.moon' in catalog ${ctx.catalog.id}@${ctx.catalog.version}, in force at ${new Date(NOW).toISOString()}; it has: ${ACTIONS().join(', ')}`,
    });
  });

  it('an audit-log filter by action, over HTTP and in the CLI, instead of no entries', async () => {
    const all = Object.values(AUDIT).join(', ');
    const r = await server.app.inject({ method: 'GET', url: '/v1/audit?action=check.decidd', headers: { authorization: `Bearer ${keys.admin}` } });
    expect(r.statusCode).toBe(400);
    expect(r.json()).toMatchObject({ code: 'XY_ERR_VALIDATION', field: 'querystring:/action', detail: `unknown audit action 'check.decidd'; the audit log records: ${all}` });
    expect((await server.app.inject({ method: 'GET', url: '/v1/audit?action=check.decided', headers: { authorization: `Bearer ${keys.admin}` } })).statusCode).toBe(200);
    const c = cli(['audit', 'log', '--action', 'check.decidd']);
    expect(c.status).toBe(1);
    expect(c.stdout).toBe('');
    expect(c.stderr).toBe(`xinyong: unknown audit action 'check.decidd'; the audit log records: ${all}\n`);
    expect(cli(['audit', 'log', '--action', 'key.created']).status).toBe(0);
  });
});
