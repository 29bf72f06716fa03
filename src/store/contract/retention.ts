/**
 * The contract of retention in the records port: finding the records still held that may have
 * reached the end of their retention (`retentionCandidates`), and expiring them (`expireRecords`):
 * the status `expired`, the facts deleted, the identifier ciphertext deleted once nothing needs
 * it, a tombstone on the audit chain; and what ingestion does afterwards with an expired record
 * or subject.
 */
import { describe, expect, it } from 'vitest';
import { verifyChain } from '../../audit/index.js';
import type { StatusChange, Subject } from '../../domain/types.js';
import type { ExpiredRecords, ExpireRecords, Store } from '../port/index.js';
import { allDirty, auditCount, batch, collect, DAY, explicitChanges, hex, type MakeStore, record, save, state, subject, T, useFreshStore } from './fixtures.js';

const CHANGE: Omit<StatusChange, 'status'> = { at: T, actor: 'system:retention', reason: 'retention period ended' };

/** The tombstone callback the tick use case passes, recording what it was told. */
function tombstone(seen?: ExpiredRecords[]): ExpireRecords['audit'] {
  return (d) => {
    seen?.push(d);
    return { at: T, actor: 'system:retention', action: 'records.expired', subjectId: null, data: { records: [...d.records].sort(), identifiersDeleted: d.identifiersDeleted } };
  };
}

/** A person identified by an ID number, kept as keyed hash, masked form and ciphertext. */
function person(label: string, opts: Partial<Subject> = {}): Subject {
  return subject(label, 'person', { identifiers: [{ scheme: 'cn-rid', hash: hex(`h-${label}`, 64), masked: '110101********4514', encrypted: `v1.iv-${label}.tag.ct` }], ...opts });
}

export function retentionContract(name: string, make: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    useFreshStore(make, (s) => (store = s));

    const expire = (records: { id: string; subjectId: string }[], seen?: ExpiredRecords[]) => store.expireRecords({ records, change: CHANGE, audit: tombstone(seen) });

    describe('retention', () => {
      it('retentionCandidates: records of the type still held that occurred before the bound, oldest first, then by id, in pages', async () => {
        const p = person('p1');
        const q = person('p2');
        const recs = [
          record(p.id, 'a', { occurredAt: T - 300 * DAY }),
          record(q.id, 'b', { occurredAt: T - 200 * DAY }),
          record(p.id, 'c', { occurredAt: T - 200 * DAY }),
          record(q.id, 'd', { occurredAt: T - 100 * DAY }),
          record(p.id, 'late', { occurredAt: T - 10 * DAY }),
          record(p.id, 'other-type', { occurredAt: T - 300 * DAY, type: 'finance.other', source: 'pboc-crc' }),
        ];
        await store.ingest(batch({ subjects: [p, q], records: recs }));
        const type = 'finance.loan-arrears';
        const all = await store.retentionCandidates({ type, occurredBefore: T - 50 * DAY, limit: 100 });
        // Same instant: by id.
        const same = [recs[1], recs[2]].sort((x, y) => (x.id < y.id ? -1 : 1));
        const expected = [recs[0], ...same, recs[3]];
        expect(all).toEqual(expected.map((r) => ({ id: r.id, subjectId: r.subjectId, type, occurredAt: r.occurredAt })));
        // The bound is exclusive.
        expect((await store.retentionCandidates({ type, occurredBefore: T - 100 * DAY, limit: 100 })).map((r) => r.id)).toEqual(expected.slice(0, 3).map((r) => r.id));
        // Pages: after the last one seen, by (occurredAt, id).
        const first = await store.retentionCandidates({ type, occurredBefore: T - 50 * DAY, limit: 2 });
        expect(first.map((r) => r.id)).toEqual(expected.slice(0, 2).map((r) => r.id));
        const rest = await store.retentionCandidates({ type, occurredBefore: T - 50 * DAY, limit: 2, after: first[1] });
        expect(rest.map((r) => r.id)).toEqual(expected.slice(2).map((r) => r.id));
        expect(await store.retentionCandidates({ type, occurredBefore: T - 50 * DAY, limit: 2, after: rest[1] })).toEqual([]);
        expect(await store.retentionCandidates({ type: 'no.such-type', occurredBefore: T, limit: 10 })).toEqual([]);

        // Expired records are no longer candidates.
        await expire([recs[0]]);
        expect((await store.retentionCandidates({ type, occurredBefore: T - 50 * DAY, limit: 100 })).map((r) => r.id)).toEqual(expected.slice(1).map((r) => r.id));
      });

      it('expireRecords appends the status expired, deletes the facts, keeps the rest, marks the subject dirty and chains a tombstone', async () => {
        const p = person('p1');
        const r1 = record(p.id, 'x-1', { occurredAt: T - 400 * DAY });
        const r2 = record(p.id, 'x-2', { occurredAt: T - 300 * DAY });
        const keep = record(p.id, 'x-3', { occurredAt: T - 10 * DAY });
        await store.ingest(batch({ subjects: [p], records: [r1, r2, keep] }));
        const disputed: StatusChange = { status: 'disputed', at: T - DAY, actor: 'subject', reason: 'objection filed' };
        await store.addRecordStatus(r2.id, disputed, { at: T - DAY, actor: 'test', action: 'objection.filed', subjectId: p.id, data: {} });
        await store.saveStates(save({ states: [state(p.id, [])], clearDirty: [{ id: p.id }] }));
        expect(await allDirty(store)).toEqual([]);
        const n0 = await auditCount(store);

        const seen: ExpiredRecords[] = [];
        const done = await expire([r1, r2], seen);
        expect([...done.records].sort()).toEqual([r1.id, r2.id].sort());
        // The ciphertext stays: x-3 is still held.
        expect(done.identifiersDeleted).toEqual([]);
        expect(seen).toEqual([done]);

        for (const [r, before] of [[r1, []], [r2, [disputed]]] as const) {
          const got = await store.getRecord(r.id);
          expect(got).toMatchObject({ id: r.id, source: r.source, externalId: r.externalId, type: r.type, area: r.area, subjectId: p.id, occurredAt: r.occurredAt, recordedAt: r.recordedAt, catalogVersion: r.catalogVersion, facts: {} });
          expect(explicitChanges(got!)).toEqual([...before, { status: 'expired', ...CHANGE }]);
        }
        const held = (await store.recordsOf([p.id])).get(p.id)!;
        expect(held.find((r) => r.id === keep.id)?.facts).toEqual(keep.facts);
        expect(held.find((r) => r.id === r1.id)?.facts).toEqual({});
        expect((await store.recordsBetween(p.id, p.id)).get(p.id)!.find((r) => r.id === r1.id)?.facts).toEqual({});
        expect(await allDirty(store)).toEqual([p.id]);

        const entries = await collect(store.scanAudit());
        expect(entries.length).toBe(n0 + 1);
        expect(entries[entries.length - 1]).toMatchObject({ action: 'records.expired', data: { records: [r1.id, r2.id].sort(), identifiersDeleted: [] } });
        expect(verifyChain(entries).ok).toBe(true);
      });

      it('is idempotent: expiring again changes nothing and writes no tombstone', async () => {
        const p = person('p1');
        const r1 = record(p.id, 'x-1');
        await store.ingest(batch({ subjects: [p], records: [r1] }));
        await expire([r1]);
        const n0 = await auditCount(store);
        const again = await expire([r1]);
        expect(again).toEqual({ records: [], identifiersDeleted: [] });
        expect(await auditCount(store)).toBe(n0);
        expect(explicitChanges((await store.getRecord(r1.id))!)).toHaveLength(1);
        expect(await expire([])).toEqual({ records: [], identifiersDeleted: [] });
      });

      it('a failing tombstone rolls the whole batch back', async () => {
        const p = person('p1');
        const r1 = record(p.id, 'x-1');
        await store.ingest(batch({ subjects: [p], records: [r1] }));
        const n0 = await auditCount(store);
        await expect(
          store.expireRecords({ records: [r1], change: CHANGE, audit: () => { throw new Error('audit unavailable'); } }),
        ).rejects.toThrow('audit unavailable');
        const got = await store.getRecord(r1.id);
        expect(got?.facts).toEqual(r1.facts);
        expect(explicitChanges(got!)).toEqual([]);
        expect((await store.getSubject(p.id))?.identifiers[0].encrypted).toBe(p.identifiers[0].encrypted);
        expect(await auditCount(store)).toBe(n0);
      });

      it('deletes the identifier ciphertext with the last record still held, keeping the keyed hash and masked form', async () => {
        const p = person('p1');
        const r1 = record(p.id, 'x-1');
        const r2 = record(p.id, 'x-2');
        await store.ingest(batch({ subjects: [p], records: [r1, r2] }));
        expect((await expire([r1])).identifiersDeleted).toEqual([]);
        expect((await store.getSubject(p.id))?.identifiers[0].encrypted).toBe(p.identifiers[0].encrypted);

        const seen: ExpiredRecords[] = [];
        expect(await expire([r2], seen)).toEqual({ records: [r2.id], identifiersDeleted: [p.id] });
        const got = await store.getSubject(p.id);
        expect(got?.identifiers).toEqual([{ scheme: 'cn-rid', hash: p.identifiers[0].hash, masked: p.identifiers[0].masked }]);
        expect(got).toMatchObject({ id: p.id, kind: 'person', name: p.name });
        // The keyed hash still finds the subject, so a later record links up.
        expect(await store.findSubjectByHash(p.identifiers[0].hash)).toBe(p.id);
        const last = (await collect(store.scanAudit())).at(-1);
        expect(last).toMatchObject({ action: 'records.expired', data: { records: [r2.id], identifiersDeleted: [p.id] } });
      });

      it('keeps the ciphertext of a person holding a legal role in force; deletes it once the role has ended', async () => {
        const org = subject('e1', 'enterprise');
        const rep = person('rep');
        const former = person('former');
        const rRep = record(rep.id, 'rep-1');
        const rFormer = record(former.id, 'former-1');
        await store.ingest(batch({
          subjects: [org, rep, former],
          relations: [{ subjectId: org.id, role: 'legal-representative', personId: rep.id }, { subjectId: org.id, role: 'principal', personId: former.id }],
          records: [rRep, rFormer],
          at: T - 100 * DAY,
        }));
        // A later registration of the organisation no longer lists the former principal.
        await store.ingest(batch({ subjects: [org], relations: [{ subjectId: org.id, role: 'legal-representative', personId: rep.id }], replaceRelationsOf: [org.id], at: T - 50 * DAY }));

        const done = await expire([rRep, rFormer]);
        expect([...done.records].sort()).toEqual([rRep.id, rFormer.id].sort());
        expect(done.identifiersDeleted).toEqual([former.id]);
        expect((await store.getSubject(rep.id))?.identifiers[0].encrypted).toBe(rep.identifiers[0].encrypted);
        expect((await store.getSubject(former.id))?.identifiers[0].encrypted).toBeUndefined();
        // Organisations' codes have no ciphertext, and theirs is untouched.
        expect(await store.getSubject(org.id)).toEqual(org);
      });

      it('a later record about the subject gives the ciphertext back; a resend of an expired record is a duplicate', async () => {
        const p = person('p1');
        const r1 = record(p.id, 'x-1');
        await store.ingest(batch({ subjects: [p], records: [r1] }));
        await expire([r1]);
        expect((await store.getSubject(p.id))?.identifiers[0].encrypted).toBeUndefined();
        expect((await store.ridCiphertexts([p.id])).size).toBe(0);

        // The source sends the expired record again (facts as they were, or not): nothing changes.
        const resend = await store.ingest(batch({ subjects: [{ ...p, name: '' }], records: [r1, { ...r1, facts: { cycles: 9 } }] }));
        expect(resend).toMatchObject({ inserted: [], duplicates: 2, conflicts: [] });
        expect((await store.getRecord(r1.id))?.facts).toEqual({});
        expect((await store.getSubject(p.id))?.identifiers[0].encrypted).toBeUndefined();
        // A different record under the same key is still a conflict.
        expect((await store.ingest(batch({ records: [{ ...r1, occurredAt: r1.occurredAt + DAY }] }))).conflicts).toEqual([0]);

        // A new record about the person: the keyed hash links it up, and the ciphertext comes back.
        const r2 = record(p.id, 'x-2');
        const res = await store.ingest(batch({ subjects: [{ ...p, name: '' }], records: [r2] }));
        expect(res.inserted.map((r) => r.id)).toEqual([r2.id]);
        expect(await store.getSubject(p.id)).toEqual(p);
      });

      it('a role naming the person again gives the ciphertext back', async () => {
        const org = subject('e1', 'enterprise');
        const p = person('p1');
        const r1 = record(p.id, 'x-1');
        await store.ingest(batch({ subjects: [org, p], records: [r1] }));
        await expire([r1]);
        expect((await store.getSubject(p.id))?.identifiers[0].encrypted).toBeUndefined();
        await store.ingest(batch({ subjects: [org, { ...p, name: '' }], relations: [{ subjectId: org.id, role: 'legal-representative', personId: p.id }] }));
        expect((await store.getSubject(p.id))?.identifiers[0].encrypted).toBe(p.identifiers[0].encrypted);
      });

      it('the summary counts only the records still held', async () => {
        const p = person('p1');
        const r1 = record(p.id, 'x-1');
        const r2 = record(p.id, 'x-2', { type: 'court.dishonest-debtor-decision', area: 'judicial' });
        await store.ingest(batch({ subjects: [p], records: [r1, r2] }));
        await expire([r2]);
        const s = await store.summary();
        expect(s.records).toBe(1);
        expect(s.recordsByType).toEqual({ 'finance.loan-arrears': 1 });
        expect(s.recordsByArea).toEqual({ commercial: 1 });
        expect(s.recordsByProvince).toEqual({ '110000': 1 });
      });
    });
  });
}
