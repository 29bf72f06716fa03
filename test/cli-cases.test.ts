/**
 * `xinyong cases` and `xinyong notices` through the built CLI: the review queue (with its overdue
 * marker) and the notice outbox, after an objection filed over HTTP.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, type Fixture } from './api/fixture.js';

const BIN = join(import.meta.dirname, '..', 'bin', 'xinyong.js');
let f: Fixture;
let objection: string;

beforeAll(async () => {
  f = await makeFixture();
  const me = (await f.req({ method: 'GET', url: '/v1/me', role: 'subject' })).json();
  const recordId = me.record.state.entries[0].reasons[0].recordId;
  const r = await f.req({ method: 'POST', url: '/v1/objections', role: 'subject', payload: { recordId, reasons: 'This case was settled.' } });
  expect(r.statusCode).toBe(201);
  objection = r.json().id;
  await f.server.app.close();
}, 60_000);
afterAll(async () => f?.close());

const cli = (args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, '--db', join(f.dir, 'x.db'), ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout;
};

describe('xinyong cases and notices', () => {
  it('lists the open objection with its deadline, and the overdue queue by the real clock', () => {
    const rows = JSON.parse(cli(['cases', '--kind', 'objection', '--json'])) as { id: string; status: string; deadline: string }[];
    expect(rows.map((c) => [c.id, c.status])).toEqual([[objection, 'open']]);
    // Filed on Friday 27 November 2026 (the fixture's clock): due at the end of Wednesday 2 December, Beijing time.
    expect(rows[0].deadline).toBe('2026-12-02T16:00:00.000Z');
    const overdue = cli(['cases', '--overdue']);
    if (Date.now() > Date.parse(rows[0].deadline)) expect(overdue).toContain('OVERDUE');
    else expect(overdue).toBe('No objections overdue.\n');
  });

  it('shows the notices the subject was sent, and their delivery state', () => {
    const rows = JSON.parse(cli(['notices', '--subject', f.person, '--json'])) as { kind: string; status: string }[];
    expect(rows.map((n) => n.kind)).toContain('objection.filed');
    expect(rows.every((n) => n.status === 'pending')).toBe(true);
  });

  it('a reviewer decides the objection from the command line; a second decision is refused', () => {
    const out = cli(['objection-decide', objection, '--decision', 'revoked', '--reason', 'the court withdrew the listing']);
    expect(out).toContain(`Decided ${objection}: revoked`);
    const rows = JSON.parse(cli(['cases', '--status', 'revoked', '--json'])) as { id: string }[];
    expect(rows.map((c) => c.id)).toEqual([objection]);
    const again = spawnSync(process.execPath, [BIN, '--db', join(f.dir, 'x.db'), 'objection-decide', objection, '--decision', 'upheld', '--reason', 'second thoughts'], { encoding: 'utf8' });
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/decided already/);
  });
});
