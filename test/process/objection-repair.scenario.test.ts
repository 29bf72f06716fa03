/**
 * Objections and repairs through the HTTP API with a controlled clock (issue 4, must-shows 2 and 3).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import type { Server } from '../../src/api/server.js';
import { tick } from '../../src/app/tick.js';
import { NOW, clockedScenario, type Fixture } from '../api/fixture.js';

const scenario = clockedScenario();
const clock = scenario.clock;
let f: Fixture;
let s: Server;
beforeAll(async () => {
  ({ f, s } = scenario);
});

type Role = 'source' | 'checker' | 'reviewer' | 'subject';
const req = (role: Role | string, method: 'GET' | 'POST', url: string, payload?: object) =>
  s.app.inject({ method, url, headers: { authorization: `Bearer ${role.startsWith('xy_') ? role : f.keys[role as Role]}` }, ...(payload ? { payload } : {}) });
const AIR = 'transport.air.ticket';

describe('objection', () => {
  it('flags the record at once, the reviewer revokes it, everything is restored and the subject is told; an undecided one turns overdue', async () => {
    clock.now = Date.parse('2026-11-27T10:00:00+08:00'); // a Friday
    const me = (await req('subject', 'GET', '/v1/me')).json();
    const entry = me.record.state.entries.find((e: { list: string; status: string }) => e.list === 'spc-dishonest-debtors' && e.status === 'active');
    const recordId = entry.reasons[0].recordId as string;
    const before = me.record.state.schemes.map((x: { scheme: string; score: number; grade: string }) => [x.scheme, x.score, x.grade]);
    expect((await req('checker', 'POST', '/v1/checks', { subject: f.person, action: AIR })).json().decision).toBe('deny');

    const filed = await req('subject', 'POST', '/v1/objections', { recordId, reasons: 'The judgment was performed in full before the listing.', attachments: ['court receipt (2026) 88'] });
    expect(filed.statusCode).toBe(201);
    const ob = filed.json();
    // Friday 27 Nov: Mon 30, Tue 1 and Wed 2 Dec are the 3 working days.
    expect(ob).toMatchObject({ status: 'open', deadline: new Date(Date.parse('2026-12-03T00:00:00+08:00')).toISOString() });
    // Flagged at once: in the record view and in the reasons of a check.
    const check = (await req('checker', 'POST', '/v1/checks', { subject: f.person, action: AIR })).json();
    expect(check.measures.some((m: { reasons: { recordId: string; disputed?: boolean }[] }) => m.reasons.some((r) => r.recordId === recordId && r.disputed === true))).toBe(true);

    clock.now = Date.parse('2026-12-01T15:00:00+08:00');
    const decided = await req('reviewer', 'POST', `/v1/objections/${ob.id}:decide`, { decision: 'revoked', reason: 'The court confirms the listing was made in error.' });
    expect(decided.statusCode).toBe(200);
    expect(decided.json()).toMatchObject({ status: 'revoked' });

    const after = (await req('subject', 'GET', '/v1/me')).json();
    expect(after.record.state.entries.filter((e: { reasons: { recordId: string }[] }) => e.reasons.some((r) => r.recordId === recordId))).toEqual([]);
    const restored = after.record.state.schemes.map((x: { scheme: string; score: number; grade: string }) => [x.scheme, x.score, x.grade]);
    // The court decision no longer counts: the score is at least what it was, and the listing is gone.
    for (const [i, [scheme, score]] of restored.entries()) expect([scheme, score >= before[i][1]]).toEqual([before[i][0], true]);
    // No measure rests on the revoked record any more (others, on other records, may remain).
    const now = (await req('checker', 'POST', '/v1/checks', { subject: f.person, action: AIR })).json();
    expect(now.measures.flatMap((m: { reasons: { recordId: string }[] }) => m.reasons.map((r) => r.recordId))).not.toContain(recordId);
    expect(now.measures.some((m: { list: string }) => m.list === 'spc-dishonest-debtors')).toBe(after.record.state.entries.some((e: { list: string; status: string }) => e.list === 'spc-dishonest-debtors' && e.status === 'active'));

    const notices = await f.ctx.store.listNotices({ subjectId: f.person, limit: 20 });
    expect(notices.map((n) => n.kind)).toEqual(expect.arrayContaining(['objection.filed', 'objection.decided']));
    expect(notices.find((n) => n.kind === 'objection.decided')?.payload).toMatchObject({ decision: 'revoked', objection: ob.id });
    // And the subject reads them in their own record.
    const mine = (await req('subject', 'GET', '/v1/me')).json().notices as { kind: string; decision?: string }[];
    expect(mine).toContainEqual(expect.objectContaining({ kind: 'objection.decided', decision: 'revoked' }));

    // A second objection, left undecided past its deadline, is in the overdue queue.
    const rec2 = await req('source', 'POST', '/v1/records', { externalId: 'ob-scn-2', type: 'court.dishonest-debtor-decision', subject: f.person, occurredAt: '2026-11-30', facts: { caseNo: 'OB-2', court: 'C', ground: 'evades' } });
    const late = await req('subject', 'POST', '/v1/objections', { recordId: rec2.json().results[0].recordId, reasons: 'Not my case.' });
    expect((await req('reviewer', 'GET', '/v1/objections?overdue=true')).json().objections).toEqual([]);
    clock.now = Date.parse('2026-12-09T09:00:00+08:00');
    const overdue = (await req('reviewer', 'GET', '/v1/objections?overdue=true')).json().objections;
    expect(overdue.map((o: { id: string; overdue: boolean }) => [o.id, o.overdue])).toEqual([[late.json().id, true]]);
    // And it escalates: the credit office and the subject are told, once however often the loop runs.
    expect((await tick(f.ctx, clock.now)).overdue).toBe(1);
    await tick(f.ctx, clock.now + 60_000);
    const escalated = (await f.ctx.store.listNotices({ limit: 200 })).filter((n) => n.kind === 'objection.overdue');
    expect(escalated.map((n) => n.subjectId).sort()).toEqual([f.person, null].sort());
  });
});

describe('repair', () => {
  it('refuses a general penalty before 3 months with the reason, approves it after 3 months with a commitment; a serious one stays public at 5 months and leaves at 3 years', async () => {
    // The listed enterprise, with a key of its own as a subject.
    const org = f.org.id;
    const orgKey = (await createApiKey(f.ctx.store, { name: 'enterprise self-service', role: 'subject', subjectId: org }, NOW, 'test')).key;
    const penalties = (await createApiKey(f.ctx.store, { name: 'penalty feed', role: 'source', source: 'penalties' }, NOW, 'test')).key;
    clock.now = Date.parse('2026-01-10T10:00:00+08:00');
    const general = await req(penalties, 'POST', '/v1/records', { externalId: 'pen-general-1', type: 'admin.penalty', subject: f.org.ref, occurredAt: '2026-01-10', facts: { severity: 'general', decisionNo: 'HZ-2026-7', authority: 'Hangzhou SAMR' } });
    const serious = await req(penalties, 'POST', '/v1/records', { externalId: 'pen-serious-1', type: 'admin.penalty', subject: f.org.ref, occurredAt: '2026-01-10', facts: { severity: 'serious', decisionNo: 'HZ-2026-8', authority: 'Hangzhou SAMR' } });
    const gId = general.json().results[0].recordId;
    const sId = serious.json().results[0].recordId;
    expect([general.statusCode, serious.statusCode]).toEqual([201, 201]);

    clock.now = Date.parse('2026-02-20T10:00:00+08:00');
    const commitment = await req(orgKey, 'POST', '/v1/commitments', { text: 'We will comply with product labelling rules and accept inspection.', purpose: 'credit repair of HZ-2026-7' });
    expect(commitment.statusCode).toBe(201);
    const cm = commitment.json().id;
    const early = await req(orgKey, 'POST', '/v1/repairs', { recordId: gId, commitmentId: cm, obligationMet: 'fine paid, receipt 2026-0211' });
    expect(early.statusCode).toBe(422);
    expect(early.json()).toMatchObject({ code: 'XY_ERR_NOT_REPAIRABLE' });
    expect(early.json().errors).toEqual([expect.objectContaining({ field: '/recordId', why: 'too-early', min: 'P3M', from: '2026-04-10T00:00:00.000Z', reason: expect.stringContaining('minimum publicity period (P3M) ends on 2026-04-10') })]);

    clock.now = Date.parse('2026-04-15T10:00:00+08:00');
    const applied = await req(orgKey, 'POST', '/v1/repairs', { recordId: gId, commitmentId: cm, obligationMet: 'fine paid, receipt 2026-0211' });
    expect(applied.statusCode).toBe(201);
    const publicBefore = (await s.app.inject({ method: 'GET', url: `/public/v1/subjects/${f.org.ref}` })).json();
    expect(publicBefore.records.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining([gId, sId]));
    const approved = await req('reviewer', 'POST', `/v1/repairs/${applied.json().id}:decide`, { approve: true, reason: 'Fine paid and commitment on file.' });
    expect(approved.json()).toMatchObject({ status: 'approved' });
    const publicAfter = (await s.app.inject({ method: 'GET', url: `/public/v1/subjects/${f.org.ref}` })).json();
    expect(publicAfter.records.map((r: { id: string }) => r.id)).not.toContain(gId);
    const view = (await req('reviewer', 'GET', `/v1/subjects/${org}?purpose=repair%20check`)).json();
    const counted = view.state.schemes.flatMap((x: { breakdown: { recordId: string; until: string | null }[] }) => x.breakdown).filter((b: { recordId: string }) => b.recordId === gId);
    for (const b of counted) expect(Date.parse(b.until as string)).toBeLessThanOrEqual(clock.now);

    // The serious penalty: still public at 5 months, gone after 3 years.
    clock.now = Date.parse('2026-06-10T10:00:00+08:00');
    expect((await s.app.inject({ method: 'GET', url: `/public/v1/subjects/${f.org.ref}` })).json().records.map((r: { id: string }) => r.id)).toContain(sId);
    clock.now = Date.parse('2029-01-11T10:00:00+08:00');
    expect((await s.app.inject({ method: 'GET', url: `/public/v1/subjects/${f.org.ref}` })).json().records.map((r: { id: string }) => r.id)).not.toContain(sId);
  });
});

