/**
 * Due-process steps that must be refused: deciding twice (also when the requests race), deciding
 * an objection after the record moved on, a second open repair, extending past the deadline, a
 * breach before its commitment or outside the key's scopes, and ID numbers in free text.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import type { Server } from '../../src/api/server.js';
import { ridCheckChar } from '../../src/ids/index.js';
import { NOW, clockedScenario, type Fixture } from '../api/fixture.js';

const scenario = clockedScenario();
const clock = scenario.clock;
let f: Fixture;
let s: Server;
let penalties = '';
beforeAll(async () => {
  ({ f, s } = scenario);
  penalties = (await createApiKey(f.ctx.store, { name: 'penalties', role: 'source', source: 'penalties' }, NOW, 'test')).key;
});

const call = (key: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  s.app.inject({ method, url, headers: { authorization: `Bearer ${key.startsWith('xy_') ? key : f.keys[key as 'subject']}` }, ...(payload ? { payload } : {}) });
let n = 0;
async function penalty(severity = 'minor') {
  const r = await call(penalties, 'POST', '/v1/records', { externalId: `guard-${++n}`, type: 'admin.penalty', subject: f.person, occurredAt: '2026-11-01', facts: { severity, decisionNo: `G-${n}`, authority: 'A' } });
  return r.json().results[0].recordId as string;
}
const RID = '11010519900307123' + ridCheckChar('11010519900307123');

describe('due-process guards', () => {
  it('two decisions on one objection, even racing: one wins, the other is a conflict', async () => {
    const ob = (await call('subject', 'POST', '/v1/objections', { recordId: await penalty(), reasons: 'not mine' })).json().id;
    const [a, b] = await Promise.all([
      call('reviewer', 'POST', `/v1/objections/${ob}:decide`, { decision: 'revoked', reason: 'error' }),
      call('reviewer', 'POST', `/v1/objections/${ob}:decide`, { decision: 'upheld', reason: 'stands' }),
    ]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
  });

  it('a repair approved while an objection is open is refused; an objection cannot be decided over a repaired record', async () => {
    const rec = await penalty();
    const cm = (await call('subject', 'POST', '/v1/commitments', { text: 'I will comply with the rules.', purpose: 'repair' })).json().id;
    const ob = (await call('subject', 'POST', '/v1/objections', { recordId: rec, reasons: 'disputed amount' })).json().id;
    const applied = await call('subject', 'POST', '/v1/repairs', { recordId: rec, commitmentId: cm, obligationMet: 'paid' });
    expect(applied.statusCode, applied.body).toBe(201);
    const rp = applied.json().id;
    const early = await call('reviewer', 'POST', `/v1/repairs/${rp}:decide`, { approve: true, reason: 'looks fine' });
    expect(early.statusCode).toBe(409);
    expect(early.json().detail).toContain(`objection ${ob}`);
    // A second application while the first is open: the record cannot be repaired now, and why.
    const second = await call('subject', 'POST', '/v1/repairs', { recordId: rec, commitmentId: cm, obligationMet: 'paid' });
    expect([second.statusCode, second.json().code, second.json().errors?.[0]]).toEqual([422, 'XY_ERR_NOT_REPAIRABLE', expect.objectContaining({ why: 'pending', repair: rp })]);
    expect((await call('reviewer', 'POST', `/v1/objections/${ob}:decide`, { decision: 'upheld', reason: 'stands' })).statusCode).toBe(200);
    expect((await call('reviewer', 'POST', `/v1/repairs/${rp}:decide`, { approve: true, reason: 'paid' })).statusCode).toBe(200);
    // A later objection on the repaired record is refused at filing.
    expect((await call('subject', 'POST', '/v1/objections', { recordId: rec, reasons: 'again' })).statusCode).toBe(409);
  });

  it('an upheld objection is not refiled (it cannot keep an entry suspended)', async () => {
    const rec = await penalty();
    const ob = (await call('subject', 'POST', '/v1/objections', { recordId: rec, reasons: 'first try' })).json().id;
    expect((await call('reviewer', 'POST', `/v1/objections/${ob}:decide`, { decision: 'upheld', reason: 'the record stands' })).statusCode).toBe(200);
    const again = await call('subject', 'POST', '/v1/objections', { recordId: rec, reasons: 'second try' });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toContain('was upheld');
  });

  it('an overdue objection is decided, not extended', async () => {
    const ob = (await call('subject', 'POST', '/v1/objections', { recordId: await penalty(), reasons: 'wrong authority' })).json();
    clock.now = Date.parse(ob.deadline) + 1;
    const r = await call('reviewer', 'POST', `/v1/objections/${ob.id}:extend`);
    expect(r.statusCode).toBe(409);
    expect(r.json().detail).toContain('overdue');
    clock.now = NOW;
  });

  it('a breach is refused before its commitment and outside the key’s scopes, and reported once', async () => {
    const cm = (await call('subject', 'POST', '/v1/commitments', { text: 'I will keep the permit terms.', purpose: 'permit 7' })).json().id;
    const finance = (await createApiKey(f.ctx.store, { name: 'finance', role: 'source', source: 'finance-dept' }, NOW, 'test')).key;
    const narrow = (await createApiKey(f.ctx.store, { name: 'finance contracts', role: 'source', source: 'finance-dept', scopes: ['government.*'] }, NOW, 'test')).key;
    expect((await call(narrow, 'POST', `/v1/commitments/${cm}:breach`, { approval: 'permit 7' })).statusCode).toBe(403);
    expect((await call(finance, 'POST', `/v1/commitments/${cm}:breach`, { approval: 'permit 7', occurredAt: '2020-01-01' })).statusCode).toBe(400);
    expect((await call(finance, 'POST', `/v1/commitments/${cm}:breach`, { approval: 'permit 7' })).statusCode).toBe(201);
    expect((await call(finance, 'POST', `/v1/commitments/${cm}:breach`, { approval: 'permit 7' })).statusCode).toBe(409);
  });

  it('free text carrying an ID number is refused, naming the field, and never echoed', async () => {
    const check = await call('checker', 'POST', '/v1/checks', { subject: f.org.ref, action: 'transport.air.ticket', reference: `passenger ${RID}` });
    expect(check.statusCode).toBe(400);
    expect(check.json().field).toBe('/reference');
    expect(check.body).not.toContain(RID);
    const ob = await call('subject', 'POST', '/v1/objections', { recordId: await penalty(), reasons: `my number is ${RID}` });
    expect(ob.json()).toMatchObject({ status: 400, field: '/reasons' });
    const read = await call('reviewer', 'GET', `/v1/subjects/${f.person}?purpose=${encodeURIComponent(`call ${RID}`)}`);
    expect(read.json()).toMatchObject({ status: 400, field: 'querystring:/purpose' });
  });

  it('a person with no name on file cannot be looked up publicly by ID number alone', async () => {
    const rid = '33010219850101123' + ridCheckChar('33010219850101123');
    const r = await call('source', 'POST', '/v1/records', { externalId: 'guard-noname', type: 'court.dishonest-debtor-decision', subject: `cn-rid:${rid}`, occurredAt: '2026-11-01', facts: { caseNo: 'NN-1', court: 'C', ground: 'evades' } });
    expect(r.statusCode).toBe(201);
    for (const name of ['%20', '', 'x']) expect((await s.app.inject({ method: 'GET', url: `/public/v1/subjects/cn-rid:${rid}?name=${name}` })).statusCode).toBe(name === '' ? 400 : 404);
  });
});

describe('objecting to a list entry, and asOf on checks', () => {
  it('an objection to a list entry is an objection to the record that caused it', async () => {
    const me = (await call('subject', 'GET', '/v1/me')).json();
    const entry = me.record.state.entries.find((e: { status: string; reasons: { recordId?: string }[] }) => e.status === 'active' && e.reasons[0]?.recordId);
    const r = await call('subject', 'POST', '/v1/objections', { entryId: entry.id, reasons: 'the listing is wrong' });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().recordId).toBe(entry.reasons[0].recordId);
    expect((await call('subject', 'POST', '/v1/objections', { reasons: 'neither given' })).statusCode).toBe(400);
  });

  it('a check takes asOf as well as at, not both', async () => {
    const a = await call('checker', 'POST', '/v1/checks', { subject: f.org.ref, action: 'transport.air.ticket', asOf: '2026-11-20T00:00:00Z' });
    expect(a.statusCode).toBe(200);
    expect(a.json().at).toBe('2026-11-20T00:00:00.000Z');
    expect((await call('checker', 'POST', '/v1/checks', { subject: f.org.ref, action: 'transport.air.ticket', asOf: '2026-11-20', at: '2026-11-20' })).statusCode).toBe(400);
  });
});
