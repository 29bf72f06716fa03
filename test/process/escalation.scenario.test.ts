/**
 * Escalation by time (issue 4, must-show 4): an enterprise three years in the abnormal-operations
 * directory without remedy moves to the serious illegal and dishonest list, and its legal
 * representative may then not be appointed elsewhere for 3 years (the legal-representative ban). Applied by `tick` as the server's due loop
 * does; dated exactly, whenever the tick runs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../../src/api/server.js';
import { tick } from '../../src/app/tick.js';
import { createApiKey } from '../../src/app/keys.js';
import { NOW, clockedScenario, type Fixture } from '../api/fixture.js';

const scenario = clockedScenario();
const clock = scenario.clock;
let f: Fixture;
let s: Server;
beforeAll(async () => {
  ({ f, s } = scenario);
});

const APPOINT = 'market.appointment.legal-representative';

describe('escalation after three years unremedied', () => {
  it('moves the enterprise to the serious list and binds its legal representative, dated when it fell due', async () => {
    const listed = new Set((await f.ctx.store.listEntries({ list: 'abnormal-operations', limit: 100_000 })).map((e) => e.subjectId));
    let org: string | undefined;
    let rep: string | undefined;
    for await (const page of f.ctx.store.scanSubjects(1000)) {
      const orgs = page.filter((x) => x.kind === 'enterprise' && !listed.has(x.id)).map((x) => x.id);
      const rel = (await f.ctx.store.relationsOfOrgs(orgs)).find((r) => r.role === 'legal-representative');
      if (rel) ({ subjectId: org, personId: rep } = rel);
      if (org) break;
    }
    if (!org || !rep) throw new Error('no unlisted enterprise with a legal representative in the fixture city');
    const samr = (await createApiKey(f.ctx.store, { name: 'market regulator', role: 'source', source: 'samr' }, NOW, 'test')).key;
    const checker = f.keys.checker;
    const check = async (at?: string) => (await s.app.inject({ method: 'POST', url: '/v1/checks', headers: { authorization: `Bearer ${checker}` }, payload: { subject: rep, action: APPOINT, ...(at ? { at } : {}) } })).json();

    clock.now = Date.parse('2026-11-27T10:00:00+08:00');
    const r = await s.app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${samr}` }, payload: { externalId: 'esc-1', type: 'market.annual-report-missed', subject: org, occurredAt: '2026-11-27', facts: { year: 2025 } } });
    expect(r.statusCode, r.body).toBe(201);
    const before = await check();
    expect(before.measures.map((m: { measure: string }) => m.measure)).not.toContain('serious-illegal-no-legal-representative');

    // The server was down for a long while; on start, what fell due is applied as of now.
    clock.now = Date.parse('2030-01-15T09:00:00+08:00');
    const ids = new Set<string>();
    const done = await tick(f.ctx, clock.now, (d) => d.forEach((id) => ids.add(id)));
    expect(done.due).toBeGreaterThan(0);
    await s.svc.feed.catchUp();
    const after = await check();
    expect(['review', 'deny']).toContain(after.decision);
    const m = after.measures.find((x: { measure: string }) => x.measure === 'serious-illegal-no-legal-representative');
    expect(m).toMatchObject({ list: 'legal-representative-ban', via: { subjectId: org, role: 'legal-representative' } });
    // Dated when it fell due: notice period (10 days, from when the record was sent) plus three
    // years, not when the tick ran.
    expect(Date.parse(m.since)).toBe(Date.parse('2026-11-27T10:00:00+08:00') + 10 * 86_400_000 + (365 * 3 + 1) * 86_400_000);

    // Exact as-of: a year in, there was no serious listing; and a second tick changes nothing.
    expect((await check('2027-12-01T00:00:00Z')).measures.map((x: { measure: string }) => x.measure)).not.toContain('serious-illegal-no-legal-representative');
    expect((await tick(f.ctx, clock.now)).due).toBe(0);
    // The ban lasts 3 years from the escalation; the enterprise stays on the serious list for 5.
    const end = new Date(Date.parse(m.since) + (365 * 3 + 1) * 86_400_000).toISOString();
    expect((await check(end)).measures.map((x: { measure: string }) => x.measure)).not.toContain('serious-illegal-no-legal-representative');
  });
});
