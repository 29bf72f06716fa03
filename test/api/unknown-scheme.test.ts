/** Through the API: a mistyped identifier scheme is a 400 naming the schemes there are, in every door that takes a subject. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, type Fixture } from './fixture.js';

const TYPO = 'cn-usc:91371083MA67DMMJ0Q';
let f: Fixture;
beforeAll(async () => {
  f = await makeFixture({ persons: 1500, enterprises: 200 });
}, 120_000);
afterAll(async () => f?.close());

describe('an unknown identifier scheme', () => {
  it('is 400 XY_ERR_UNKNOWN_SCHEME for a check, a batch, a subject read and a public lookup, never an allow for an unknown subject', async () => {
    const one = await f.req({ method: 'POST', url: '/v1/checks', role: 'checker', payload: { subject: TYPO, action: 'transport.air.ticket' } });
    expect(one.statusCode).toBe(400);
    expect(one.json()).toMatchObject({ code: 'XY_ERR_UNKNOWN_SCHEME', field: '/subject', schemes: ['cn-rid', 'cn-uscc'] });
    expect(one.json().detail).toContain('cn-rid, cn-uscc');
    const batch = await f.req({ method: 'POST', url: '/v1/checks:batch', role: 'checker', payload: { action: 'transport.air.ticket', subjects: [f.org.ref, TYPO] } });
    expect(batch.statusCode).toBe(400);
    expect(batch.json()).toMatchObject({ code: 'XY_ERR_UNKNOWN_SCHEME', field: '/subjects/1' });
    const read = await f.req({ method: 'GET', url: `/v1/subjects/${TYPO}?purpose=case%20review`, role: 'reviewer' });
    expect(read.json()).toMatchObject({ status: 400, code: 'XY_ERR_UNKNOWN_SCHEME' });
    const pub = await f.req({ method: 'GET', url: `/public/v1/subjects/${TYPO}` });
    expect(pub.json()).toMatchObject({ status: 400, code: 'XY_ERR_UNKNOWN_SCHEME' });
    // A record about it is rejected, naming the field.
    const rec = await f.req({ method: 'POST', url: '/v1/records', role: 'source', payload: { externalId: 'typo-api-1', type: 'court.dishonest-debtor-decision', subject: TYPO, occurredAt: '2026-11-20', facts: { caseNo: 'T-1', court: 'C', ground: 'evades' } } });
    expect(rec.json()).toMatchObject({ status: 400, code: 'XY_ERR_VALIDATION', field: '/subject' });
    // A reviewer's search for text that merely looks like a reference searches names instead.
    expect((await f.req({ method: 'GET', url: '/v1/subjects?q=abc:def', role: 'reviewer' })).statusCode).toBe(200);
  });
});
