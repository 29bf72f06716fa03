/**
 * The database out of reach (PostgreSQL down, restarting or failing over): a write answers 503
 * with Retry-After and changes nothing, checks go on from the gate in memory, and their receipts
 * wait for the database instead of being set aside.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/port.js';
import { makeFixture, type Fixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture({ server: { receipts: { intervalMs: 60_000 } } });
});
afterAll(async () => f?.close());

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

describe('the database out of reach', () => {
  it('a write is 503 with Retry-After; checks are answered; receipts wait and are written once it is back', async () => {
    const store = f.ctx.store as Store & Record<string, unknown>;
    const saved = { ingest: store.ingest, appendAudit: store.appendAudit };
    store.ingest = async () => {
      throw refused();
    };
    store.appendAudit = async () => {
      throw refused();
    };
    try {
      const w = await f.req({ method: 'POST', url: '/v1/records', role: 'source', payload: { externalId: 'down-1', type: 'court.dishonest-debtor-decision', subject: f.clean, occurredAt: '2026-11-10', facts: { caseNo: 'D-1', court: 'Court', ground: 'evades' } } });
      expect(w.statusCode).toBe(503);
      expect(w.headers['retry-after']).toBe('1');
      expect(w.json()).toMatchObject({ code: 'XY_ERR_UNAVAILABLE', detail: expect.stringMatching(/cannot be reached/) });
      const c = await f.req({ method: 'POST', url: '/v1/checks', role: 'checker', payload: { subject: f.org.id, action: 'transport.air.ticket' } });
      expect(c.statusCode).toBe(200);
      expect(c.json().decision).toBe('deny');
      await expect(f.server.svc.receipts.flush()).rejects.toThrow(/ECONNREFUSED/);
      expect(f.server.svc.receipts.rejected).toBe(0);
      expect(f.server.svc.receipts.size).toBeGreaterThan(0);
    } finally {
      Object.assign(store, saved);
    }
    const receipt = (await f.req({ method: 'POST', url: '/v1/checks', role: 'checker', payload: { subject: f.org.id, action: 'transport.air.ticket' } })).json().receipt as string;
    await f.server.svc.receipts.flush();
    expect(f.server.svc.receipts.size).toBe(0);
    expect(await f.ctx.store.findReceipt(receipt)).not.toBeNull();
    // Nothing of the refused write was stored.
    expect((await f.ctx.store.recordsOf([f.clean])).get(f.clean)?.some((r) => r.externalId === 'down-1')).toBe(false);
  });
});
