import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, type Fixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture();
}, 60_000);
afterAll(async () => f?.close());

describe('fixture', () => {
  it('denies a flight to a listed enterprise, with a receipt', async () => {
    const r = await f.req({ method: 'POST', url: '/v1/checks', role: 'checker', payload: { subject: f.org.ref, action: 'transport.air.ticket' } });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ decision: 'deny', known: true, subjectId: f.org.id });
  });
});
