/**
 * Retention enforced (issue 15, item 9), through the HTTP API with a controlled clock, on SQLite:
 * when a record's retention ends, the serving process's due loop sets it `expired`, deletes its
 * facts (the bytes leave the database file and its WAL) and the ciphertext of an identifier
 * nothing needs any more, and chains a tombstone; the audit chain still verifies, and no view
 * shows the record. A later record about the person links up by keyed hash.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import { applyDue, tick } from '../../src/app/tick.js';
import { ridCheckChar } from '../../src/ids/cn-rid.js';
import { NOW, clockedScenario } from '../api/fixture.js';

const scenario = clockedScenario();

/** A valid resident identity number no one in the fixture city has. */
const rid = (seq: string) => {
  const first17 = `11010119850312${seq}`;
  return first17 + ridCheckChar(first17);
};
const PURPOSE = 'retention scenario';

describe('retention enforced', () => {
  it('a record past retention is expired by the due loop: its facts and its subject’s ciphertext leave the database files, no view shows it, and the audit chain verifies', async () => {
    const { f, s, clock } = scenario;
    clock.now = NOW;
    const civic = (await createApiKey(f.ctx.store, { name: 'civil affairs office', role: 'source', source: 'civic-affairs' }, NOW, 'test')).key;
    const as = (key: string) => ({ authorization: `Bearer ${key}` });
    const send = async (line: object) => {
      const r = await s.app.inject({ method: 'POST', url: '/v1/records', headers: as(civic), payload: line });
      expect(r.statusCode, r.body).toBe(201);
      return r.json().results[0] as { recordId: string; subjectId: string };
    };
    const files = [join(f.dir, 'x.db'), join(f.dir, 'x.db-wal')];
    const inFiles = (needle: string) => files.some((p) => existsSync(p) && readFileSync(p).includes(needle));

    // A heroic act of a person known only from this record (P3Y retention, ending 2026-12-01),
    // and one of another person that is still held then.
    const PROBE = 'Citation probe 5e1f: rescued two children from the Yangting reservoir';
    const KEPT = 'Citation probe 8c2d: stopped a runaway bus on Renmin Road';
    const person = `cn-rid:${rid('731')}`;
    const gone = await send({ externalId: 'retention-1', type: 'civic.heroic-act', subject: person, occurredAt: '2023-12-01', facts: { citation: PROBE } });
    const kept = await send({ externalId: 'retention-2', type: 'civic.heroic-act', subject: `cn-rid:${rid('742')}`, occurredAt: '2024-06-01', facts: { citation: KEPT } });
    const stored = await f.ctx.store.getSubject(gone.subjectId);
    const ciphertext = stored?.identifiers[0].encrypted as string;
    expect(ciphertext).toMatch(/^v1\./);

    const readRecord = (id: string) => s.app.inject({ method: 'GET', url: `/v1/records/${id}?purpose=${encodeURIComponent(PURPOSE)}`, headers: as(f.keys.reviewer) });
    const timeline = async (id: string) =>
      ((await s.app.inject({ method: 'GET', url: `/v1/subjects/${id}?purpose=${encodeURIComponent(PURPOSE)}`, headers: as(f.keys.reviewer) })).json().timeline as { id: string }[]).map((t) => t.id);
    const before = await readRecord(gone.recordId);
    expect(before.statusCode).toBe(200);
    expect(before.json().facts).toEqual({ citation: PROBE });
    expect(await timeline(gone.subjectId)).toEqual([gone.recordId]);
    for (const needle of [PROBE, KEPT, ciphertext]) expect(inFiles(needle), needle).toBe(true);

    // Retention has ended, and the due loop has not run yet: no view shows the record already.
    clock.now = Date.parse('2026-12-01T00:00:00Z');
    expect((await readRecord(gone.recordId)).statusCode).toBe(404);
    expect(await timeline(gone.subjectId)).toEqual([]);

    // The serving process's minute loop expires it.
    clock.now = Date.parse('2026-12-01T00:01:00Z');
    await applyDue(s.svc);
    const rec = await f.ctx.store.getRecord(gone.recordId);
    expect(rec).toMatchObject({ id: gone.recordId, type: 'civic.heroic-act', subjectId: gone.subjectId, occurredAt: Date.parse('2023-12-01'), facts: {} });
    expect(rec?.statuses.at(-1)).toEqual({ status: 'expired', at: clock.now, actor: 'system:retention', reason: 'retention period ended' });
    expect((await f.ctx.store.getRecord(kept.recordId))?.facts).toEqual({ citation: KEPT });

    // Gone from the database file and its WAL: the facts and the ciphertext; the keyed hash stays.
    expect(inFiles(PROBE)).toBe(false);
    expect(inFiles(ciphertext)).toBe(false);
    expect(inFiles(KEPT)).toBe(true);
    const after = await f.ctx.store.getSubject(gone.subjectId);
    expect(after?.identifiers).toEqual([{ scheme: 'cn-rid', hash: stored?.identifiers[0].hash, masked: stored?.identifiers[0].masked }]);

    // No view shows it: the record is not found, the timeline leaves it out.
    const read = await readRecord(gone.recordId);
    expect(read.statusCode).toBe(404);
    expect(read.json().detail).toMatch(/expired/);
    expect(await timeline(gone.subjectId)).toEqual([]);
    expect(await timeline(kept.subjectId)).toEqual([kept.recordId]);

    // The tombstone is on the chain, and the chain verifies.
    const audit = (await s.app.inject({ method: 'GET', url: '/v1/audit?action=records.expired&limit=1000', headers: as(f.keys.admin) })).json().entries as { actor: string; data: Record<string, unknown> }[];
    const mine = audit.find((e) => (e.data.records as string[]).includes(gone.recordId));
    expect(mine).toMatchObject({ actor: 'system:retention', data: { reason: 'retention period ended', recordType: 'civic.heroic-act', retention: 'P3Y' } });
    expect(mine?.data.subjects).toContain(gone.subjectId);
    expect(mine?.data.identifiersDeleted).toContain(gone.subjectId);
    expect(audit.some((e) => (e.data.records as string[]).includes(kept.recordId))).toBe(false);
    const verified = (await s.app.inject({ method: 'GET', url: '/v1/audit:verify', headers: as(f.keys.admin) })).json();
    expect(verified, JSON.stringify(verified)).toMatchObject({ ok: true });

    // Idempotent: a second tick expires nothing and writes no tombstone.
    const again = await tick(f.ctx, clock.now);
    expect(again.expired).toBe(0);
    const audit2 = (await s.app.inject({ method: 'GET', url: '/v1/audit?action=records.expired&limit=1000', headers: as(f.keys.admin) })).json().entries;
    expect(audit2).toHaveLength(audit.length);

    // A later record about the same person links up by keyed hash, and the ciphertext is back.
    const later = await send({ externalId: 'retention-3', type: 'civic.heroic-act', subject: person, occurredAt: '2026-11-30', facts: { citation: 'Citation 2026-11: helped at a fire' } });
    expect(later.subjectId).toBe(gone.subjectId);
    expect((await f.ctx.store.getSubject(gone.subjectId))?.identifiers[0].encrypted).toMatch(/^v1\./);
    expect(await timeline(gone.subjectId)).toEqual([later.recordId]);
  });
});
