/**
 * Credit repair is decided from the catalog before anything is written (issue 17, bug 3): a subject
 * sees which of their records and entries may be repaired now, and if not why and from when; an
 * application on a record that cannot be repaired is `422 XY_ERR_NOT_REPAIRABLE` with the reasons,
 * and leaves nothing behind, not even the commitment made with it; an application that may be made
 * stores its commitment with it, in one transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import { makeFixture, NOW, type Fixture } from './fixture.js';

let f: Fixture;
let penalties: string;
beforeAll(async () => {
  f = await makeFixture();
  penalties = (await createApiKey(f.ctx.store, { name: 'penalty feed', role: 'source', source: 'penalties' }, NOW, 'test')).key;
}, 60_000);
afterAll(async () => f?.close());

const as = (role: 'subject' | 'reviewer', method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) => f.req({ role, method, url, ...(payload === undefined ? {} : { payload }) });

/** What a refusal must leave unchanged: cases of every kind, audit entries and notices. */
async function footprint() {
  const { store } = f.ctx;
  return {
    commitments: await store.countCases({ kind: 'commitment' }),
    repairs: await store.countCases({ kind: 'repair' }),
    audit: (await store.summary()).auditEntries,
    notices: (await store.listNotices({ subjectId: f.person, limit: 10_000 })).length,
  };
}

async function penalty(externalId: string, severity: string, occurredAt: string): Promise<string> {
  const r = await f.app.inject({
    method: 'POST',
    url: '/v1/records',
    headers: { authorization: `Bearer ${penalties}` },
    payload: { externalId, type: 'admin.penalty', subject: f.person, occurredAt, facts: { severity, decisionNo: externalId, authority: 'SAMR' } },
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().results[0].recordId;
}

describe('repair eligibility', () => {
  it('says per record and per entry whether repair is possible now, and if not why and from when', async () => {
    const general = await penalty('rep-general-1', 'general', '2026-11-01');
    const el = await as('subject', 'GET', '/v1/repairs/eligibility');
    expect(el.statusCode, el.body).toBe(200);
    const body = el.json();
    // The court's listing decision has no publicity period: it ends on performance, not on application.
    const court = body.records.find((r: { recordType: string }) => r.recordType === 'court.dishonest-debtor-decision');
    expect(court).toMatchObject({ possible: false, reasons: [expect.objectContaining({ why: 'no-publicity', exits: expect.arrayContaining(['court.obligation-performed']) })] });
    const entry = body.entries.find((e: { list: string }) => e.list === 'spc-dishonest-debtors');
    expect(entry).toMatchObject({ possible: false, recordId: expect.any(String), reasons: [expect.objectContaining({ why: 'no-publicity' })] });
    // A general penalty: possible after its minimum publicity of 3 months, and the date is given.
    expect(body.records.find((r: { recordId: string }) => r.recordId === general)).toMatchObject({ possible: false, from: '2027-02-01T00:00:00.000Z', reasons: [expect.objectContaining({ why: 'too-early', min: 'P3M', from: '2027-02-01T00:00:00.000Z' })] });
    // The subject's own view says the same.
    const me = (await as('subject', 'GET', '/v1/me')).json();
    expect(me.repair).toEqual({ records: body.records, entries: body.entries });
    // Reviewers and others do not read it: it is the subject's own view.
    expect((await as('reviewer', 'GET', '/v1/repairs/eligibility')).statusCode).toBe(403);
  });

  it('refuses an application on a record that cannot be repaired with 422 and the reasons, and stores nothing, not even the commitment', async () => {
    const court = (await as('subject', 'GET', '/v1/repairs/eligibility')).json().records.find((r: { recordType: string }) => r.recordType === 'court.dishonest-debtor-decision').recordId;
    const early = await penalty('rep-general-2', 'general', '2026-11-20');
    for (const recordId of [court, early]) {
      const before = await footprint();
      const r = await as('subject', 'POST', '/v1/repairs', { recordId, commitment: { text: 'I will pay what I owe and keep the rules.' }, obligationMet: 'paid in full, receipt 7' });
      expect(r.statusCode, r.body).toBe(422);
      expect(r.json()).toMatchObject({ code: 'XY_ERR_NOT_REPAIRABLE', title: 'The record cannot be repaired now', field: '/recordId' });
      expect(r.json().detail).toMatch(recordId === court ? /has no publicity period.*court\.obligation-performed/ : /ends on 2027-02-20; repair is possible from then/);
      expect(await footprint()).toEqual(before);
    }
    // With a commitment on file, the same: the refusal changes nothing.
    const cm = (await as('subject', 'POST', '/v1/commitments', { text: 'I will keep the rules from now on.', purpose: 'repair' })).json().id;
    const before = await footprint();
    const r = await as('subject', 'POST', '/v1/repairs', { recordId: early, commitmentId: cm, obligationMet: ' ' });
    expect([r.statusCode, r.json().code, r.json().errors.map((e: { why: string }) => e.why)]).toEqual([422, 'XY_ERR_NOT_REPAIRABLE', ['too-early', 'no-obligation']]);
    expect(await footprint()).toEqual(before);
  });

  it('an application missing only its statement is 400 and stores nothing; a valid one stores the commitment made with it, in the same step', async () => {
    const minor = await penalty('rep-minor-1', 'minor', '2026-11-01');
    expect((await as('subject', 'GET', '/v1/repairs/eligibility')).json().records.find((r: { recordId: string }) => r.recordId === minor)).toMatchObject({ possible: true, reasons: [] });
    const before = await footprint();
    const blank = await as('subject', 'POST', '/v1/repairs', { recordId: minor, commitment: { text: 'I will keep the rules from now on.' }, obligationMet: ' ' });
    expect([blank.statusCode, blank.json().code, blank.json().field]).toEqual([400, 'XY_ERR_VALIDATION', '/obligationMet']);
    expect(await footprint()).toEqual(before);
    const both = await as('subject', 'POST', '/v1/repairs', { recordId: minor, obligationMet: 'fine paid' });
    expect([both.statusCode, both.json().field]).toEqual([400, '/commitmentId']);

    const ok = await as('subject', 'POST', '/v1/repairs', { recordId: minor, commitment: { text: 'I will keep the rules from now on.' }, obligationMet: 'fine paid, receipt 9' });
    expect(ok.statusCode, ok.body).toBe(201);
    const rp = ok.json();
    const cm = await f.ctx.store.getCase(rp.commitmentId);
    expect(cm).toMatchObject({ kind: 'commitment', subjectId: f.person, doc: { text: 'I will keep the rules from now on.', purpose: `repair ${rp.id}` } });
    expect(await footprint()).toMatchObject({ commitments: before.commitments + 1, repairs: before.repairs + 1, audit: before.audit + 2 });
    // Now an application is open: not possible again until it is decided.
    const again = (await as('subject', 'GET', '/v1/repairs/eligibility')).json().records.find((r: { recordId: string }) => r.recordId === minor);
    expect(again).toMatchObject({ possible: false, reasons: [expect.objectContaining({ why: 'pending', repair: rp.id })] });
  });
});
