/** The contract of the records port: ingest, subjects, relations, records and their status histories, search. */
import { describe, expect, it } from 'vitest';
import type { Relation, StatusChange, Subject, SubjectKind } from '../../domain/types.js';
import type { IngestBatch, Store } from '../port/index.js';
import { allDirty, audit, auditCount, batch, byId, collect, DAY, explicitChanges, hex, ingestAudit, type MakeStore, record, relKey, rid, save, sid, state, subject, T, useFreshStore } from './fixtures.js';

export function recordsContract(name: string, make: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    useFreshStore(make, (s) => (store = s));

    describe('ingest', () => {
      it('stores new subjects with their identifiers and marks them dirty', async () => {
        const p = subject('p1', 'person', { identifiers: [{ scheme: 'cn-rid', hash: hex('h-p1', 64), masked: '110101********4514', encrypted: 'v1.aaa.bbb.ccc' }] });
        const e = subject('e1', 'enterprise', { region: '110000' });
        const res = await store.ingest(batch({ subjects: [p, e] }));
        expect(res).toMatchObject({ inserted: [], duplicates: 0 });
        expect([...res.changedSubjects].sort()).toEqual([p.id, e.id].sort());
        const again = await store.ingest(batch({ subjects: [p, e] }));
        expect(again.changedSubjects).toEqual([]);
        expect(await store.getSubject(p.id)).toEqual(p);
        expect(await store.getSubject(e.id)).toEqual(e);
        expect(await store.getSubject(sid('nobody'))).toBeNull();
        expect(await allDirty(store)).toEqual([p.id, e.id].sort());
      });

      it('an existing subject keeps its id and gains a name or region it lacked, never overwritten by empty', async () => {
        const bare = subject('p1', 'person', { name: '', region: '' });
        // Known only from a record: stored with that record…
        await store.ingest(batch({ subjects: [bare], records: [record(bare.id, 'bare-1')] }));
        expect((await store.getSubject(bare.id))?.name).toBe('');
        // …but not on its own: a subject with no name, no record and no role is not kept.
        const lone = subject('lone', 'person', { name: '' });
        await store.ingest(batch({ subjects: [lone] }));
        expect(await store.getSubject(lone.id)).toBeNull();

        await store.ingest(batch({ subjects: [{ ...bare, name: 'Zhang San', createdAt: T + DAY }] }));
        let got = await store.getSubject(bare.id);
        expect(got?.name).toBe('Zhang San');
        expect(got?.createdAt).toBe(T);

        await store.ingest(batch({ subjects: [{ ...bare, name: '', region: '310101' }], records: [record(bare.id, 'bare-2')] }));
        got = await store.getSubject(bare.id);
        expect(got?.name).toBe('Zhang San');
        expect(got?.region).toBe('310101');
        expect(got?.kind).toBe('person');
      });

      it('a region the subject already has is not replaced by a later reference', async () => {
        // A registry registered the person in Shanghai; a record naming them by cn-rid carries the
        // (older) address code of the number, which must not move them back.
        const p = subject('p1', 'person', { name: 'Li Si', region: '310101' });
        await store.ingest(batch({ subjects: [p] }));
        await store.ingest(batch({ subjects: [{ ...p, name: '', region: '110101' }] }));
        const got = await store.getSubject(p.id);
        expect(got?.region).toBe('310101');
        expect(got?.name).toBe('Li Si');
      });

      it('stores relations, queryable from either side', async () => {
        const e1 = subject('e1', 'enterprise');
        const e2 = subject('e2', 'enterprise');
        const p1 = subject('p1', 'person');
        const p2 = subject('p2', 'person');
        const rels: Relation[] = [
          { subjectId: e1.id, role: 'legal-representative', personId: p1.id },
          { subjectId: e1.id, role: 'actual-controller', personId: p2.id },
          { subjectId: e2.id, role: 'principal', personId: p1.id },
        ];
        await store.ingest(batch({ subjects: [e1, e2, p1, p2], relations: rels }));
        // The same relation twice is stored once.
        await store.ingest(batch({ relations: [rels[0]] }));

        expect((await store.relationsOfOrgs([e1.id])).map(relKey).sort()).toEqual([rels[0], rels[1]].map(relKey).sort());
        expect((await store.relationsOfOrgs([e1.id, e2.id])).map(relKey).sort()).toEqual(rels.map(relKey).sort());
        expect((await store.relationsOfPersons([p1.id])).map(relKey).sort()).toEqual([rels[0], rels[2]].map(relKey).sort());
        expect((await store.relationsOfPersons([p2.id])).map(relKey)).toEqual([relKey(rels[1])]);
        expect(await store.relationsOfOrgs([p1.id])).toEqual([]);
        expect(await store.relationsOfPersons([])).toEqual([]);

        // A registration that lists e1's roles in full ends the roles it no longer lists…
        const ended = Date.now() + 60_000;
        const res = await store.ingest(batch({ relations: [rels[1]], replaceRelationsOf: [e1.id], at: ended }));
        expect(res.changedSubjects).toEqual([e1.id]);
        expect((await store.relationsOfOrgs([e1.id])).map(relKey)).toEqual([relKey(rels[1])]);
        // …but the past keeps them: just before, p1 still held the role.
        expect((await store.relationsOfOrgs([e1.id], ended - 1)).map(relKey).sort()).toEqual([rels[0], rels[1]].map(relKey).sort());
        expect((await store.relationsOfPersons([p1.id], ended)).map(relKey)).toEqual([relKey(rels[2])]);
        expect((await store.relationsOfPersons([p1.id], ended)).every((r) => r.until === undefined)).toBe(true);

        // Reappointed later: a new period, and the first one is still there.
        const again = ended + 60_000;
        await store.ingest(batch({ relations: [rels[0], rels[1]], replaceRelationsOf: [e1.id], at: again }));
        expect((await store.relationsOfOrgs([e1.id], ended - 1)).map(relKey).sort()).toEqual([rels[0], rels[1]].map(relKey).sort());
        expect((await store.relationsOfOrgs([e1.id], ended + 1)).map(relKey)).toEqual([relKey(rels[1])]);
        expect((await store.relationsOfOrgs([e1.id])).map(relKey).sort()).toEqual([rels[0], rels[1]].map(relKey).sort());
        expect((await store.relationsOfOrgs([e2.id])).map(relKey)).toEqual([relKey(rels[2])]);
        expect(await store.dirtySubjects(100)).toContain(e1.id);
      });

      it('a new relation marks the organisation for rescoring', async () => {
        const e1 = subject('e1', 'enterprise');
        const p1 = subject('p1', 'person');
        await store.ingest(batch({ subjects: [e1, p1] }));
        await store.saveStates(save({ states: [state(e1.id, []), state(p1.id, [])], clearDirty: [{ id: e1.id }, { id: p1.id }] }));
        expect(await allDirty(store)).toEqual([]);
        await store.ingest(batch({ relations: [{ subjectId: e1.id, role: 'legal-representative', personId: p1.id }] }));
        expect(await allDirty(store)).toContain(e1.id);
      });

      it('inserts a record once per (source, externalId); a repeat is a duplicate', async () => {
        const p = subject('p1', 'person');
        const r1 = record(p.id, 'x-1');
        const first = await store.ingest(batch({ subjects: [p], records: [r1] }));
        expect(first).toMatchObject({ inserted: [r1], duplicates: 0 });

        // Same source and externalId, even with different content: still the same record, reported as a conflict.
        const again = await store.ingest(batch({ records: [{ ...r1, facts: { cycles: 9, lender: 'Other' } }] }));
        expect(again).toMatchObject({ inserted: [], duplicates: 0, conflicts: [0] });
        // An identical resend (facts in another key order) is a plain duplicate.
        const same = await store.ingest(batch({ records: [{ ...r1, facts: Object.fromEntries(Object.entries(r1.facts).reverse()) }] }));
        expect(same).toMatchObject({ inserted: [], duplicates: 1, conflicts: [] });
        expect(await store.getRecord(r1.id)).toMatchObject({ facts: r1.facts });

        // The same externalId from another source is another record.
        const r2 = record(p.id, 'x-1', { source: 'utilities', type: 'utility.late-payment', area: 'societal', facts: { utility: 'water', months: 2 } });
        const other = await store.ingest(batch({ records: [r2] }));
        expect(other).toMatchObject({ inserted: [r2], duplicates: 0 });
        expect((await store.summary()).records).toBe(2);
      });

      it('a repeat inside one batch is a duplicate too', async () => {
        const p = subject('p1', 'person');
        const r1 = record(p.id, 'x-1');
        const res = await store.ingest(batch({ subjects: [p], records: [r1, { ...r1 }, record(p.id, 'x-2')] }));
        expect(res.inserted.map((r) => r.externalId)).toEqual(['x-1', 'x-2']);
        expect(res.duplicates).toBe(1);
        expect((await store.summary()).records).toBe(2);
      });

      it('getRecord round-trips a record; unknown ids are null', async () => {
        const p = subject('p1', 'person');
        const r1 = record(p.id, 'x-1', { occurredAt: T - 400 * DAY, recordedAt: T - DAY });
        await store.ingest(batch({ subjects: [p], records: [r1] }));
        const got = await store.getRecord(r1.id);
        expect(got && { ...got, statuses: explicitChanges(got) }).toEqual(r1);
        expect(await store.getRecord(rid('pboc-crc', 'nope'))).toBeNull();
      });

      it('marks the subjects of inserted records dirty, not those of duplicates', async () => {
        const p1 = subject('p1', 'person');
        const p2 = subject('p2', 'person');
        await store.ingest(batch({ subjects: [p1, p2], records: [record(p2.id, 'x-2')] }));
        await store.saveStates(save({ states: [state(p1.id, []), state(p2.id, [])], clearDirty: [{ id: p1.id }, { id: p2.id }] }));
        expect(await allDirty(store)).toEqual([]);

        await store.ingest(batch({ records: [record(p1.id, 'x-1'), record(p2.id, 'x-2')] }));
        expect(await allDirty(store)).toEqual([p1.id]);
      });

      it('writes the audit callback entry in the same transaction, describing what was stored', async () => {
        const seen: { inserted: number; duplicates: number; subjects: number }[] = [];
        const p = subject('p1', 'person');
        const r1 = record(p.id, 'x-1');
        const r2 = record(p.id, 'x-2');
        const n0 = await auditCount(store);

        await store.ingest(batch({ subjects: [p], records: [r1, r2] }, ingestAudit(seen)));
        expect(seen).toEqual([{ inserted: 2, duplicates: 0, subjects: 1 }]);
        const entries = await collect(store.scanAudit());
        expect(entries.length).toBe(n0 + 1);
        expect(entries[entries.length - 1]).toMatchObject({ action: 'records.ingested', data: { inserted: [r1.id, r2.id].sort(), duplicates: 0, subjects: 1 } });

        // Nothing inserted and no subjects: the callback says nothing, and nothing is written.
        await store.ingest(batch({ records: [r1] }, ingestAudit(seen)));
        expect(seen[1]).toEqual({ inserted: 0, duplicates: 1, subjects: 0 });
        expect(await auditCount(store)).toBe(n0 + 1);
      });

      it('a failing audit callback rolls the whole batch back', async () => {
        const p = subject('p1', 'person');
        const n0 = await auditCount(store);
        const failing: IngestBatch['audit'] = () => {
          throw new Error('audit unavailable');
        };
        await expect(store.ingest(batch({ subjects: [p], records: [record(p.id, 'x-1')] }, failing))).rejects.toThrow('audit unavailable');
        expect(await store.getSubject(p.id)).toBeNull();
        expect(await store.getRecord(rid('pboc-crc', 'x-1'))).toBeNull();
        expect(await allDirty(store)).toEqual([]);
        expect(await auditCount(store)).toBe(n0);
        // And the batch can be sent again in full.
        const res = await store.ingest(batch({ subjects: [p], records: [record(p.id, 'x-1')] }));
        expect(res.inserted).toHaveLength(1);
      });

      it('findSubjectByHash resolves every identifier of a subject; unknown hashes are null', async () => {
        const e = subject('e1', 'enterprise', {
          identifiers: [
            { scheme: 'cn-uscc', hash: hex('h-e1-uscc', 64), masked: '91110000600037341L' },
            { scheme: 'org-code', hash: hex('h-e1-org', 64), masked: '60**1' },
          ],
        });
        await store.ingest(batch({ subjects: [e, subject('p1', 'person')] }));
        expect(await store.findSubjectByHash(hex('h-e1-uscc', 64))).toBe(e.id);
        expect(await store.findSubjectByHash(hex('h-e1-org', 64))).toBe(e.id);
        expect(await store.findSubjectByHash(hex('hash:p1', 64))).toBe(sid('p1'));
        expect(await store.findSubjectByHash(hex('h-unknown', 64))).toBeNull();
      });

      it('subjectsBasic returns kind and creation instant of the subjects that exist', async () => {
        const p = subject('p1', 'person', { createdAt: T - DAY });
        const g = subject('g1', 'government', { createdAt: T - 2 * DAY });
        await store.ingest(batch({ subjects: [p, g] }));
        const m = await store.subjectsBasic([p.id, g.id, sid('missing')]);
        expect(m.size).toBe(2);
        expect(m.get(p.id)).toEqual({ id: p.id, kind: 'person', createdAt: T - DAY });
        expect(m.get(g.id)).toEqual({ id: g.id, kind: 'government', createdAt: T - 2 * DAY });
        expect((await store.subjectsBasic([])).size).toBe(0);
      });

      it('ridCiphertexts returns the cn-rid ciphertext of the persons that have one, and no other', async () => {
        const p = subject('p1', 'person', { identifiers: [{ scheme: 'cn-rid', hash: hex('h-p1', 64), masked: '110101********4514', encrypted: 'v1.iv-p1.tag.ct' }] });
        const own = subject('p2', 'person', { identifiers: [{ scheme: 'sz-resident', hash: hex('h-p2', 64), masked: 'sz-***', encrypted: 'v1.iv-p2.tag.ct' }] });
        const bare = subject('p3', 'person');
        const e = subject('e1', 'enterprise');
        await store.ingest(batch({ subjects: [p, own, bare, e] }));
        const m = await store.ridCiphertexts([p.id, own.id, bare.id, e.id, sid('missing')]);
        expect([...m]).toEqual([[p.id, 'v1.iv-p1.tag.ct']]);
        expect((await store.ridCiphertexts([])).size).toBe(0);
      });
    });

    describe('records and their status history', () => {
      it('recordsOf returns every record of each subject, and an empty list for subjects without any', async () => {
        const p1 = subject('p1', 'person');
        const p2 = subject('p2', 'person');
        const p3 = subject('p3', 'person');
        const recs = [record(p1.id, 'a'), record(p1.id, 'b', { occurredAt: T - 90 * DAY }), record(p2.id, 'c')];
        await store.ingest(batch({ subjects: [p1, p2, p3], records: recs }));
        const m = await store.recordsOf([p1.id, p2.id, p3.id]);
        expect(byId(m.get(p1.id) ?? []).map((r) => ({ ...r, statuses: explicitChanges(r) }))).toEqual(byId([recs[0], recs[1]]));
        expect((m.get(p2.id) ?? []).map((r) => r.id)).toEqual([recs[2].id]);
        expect(m.get(p3.id)).toEqual([]);
        expect((await store.recordsOf([])).size).toBe(0);
      });

      it('latestRecords: records of the types and kinds asked, held and in the window, newest first, in keyset pages, with their histories', async () => {
        const e1 = subject('e1', 'enterprise');
        const i1 = subject('i1', 'institution');
        const p1 = subject('p1', 'person');
        const pen = (who: Subject, x: string, daysAgo: number, type = 'admin.penalty') => record(who.id, x, { source: 'penalties', type, area: 'government', occurredAt: T - daysAgo * DAY, facts: { severity: 'general', decisionNo: x, authority: 'A' } });
        const r1 = pen(e1, 'r1', 10);
        const r2 = pen(i1, 'r2', 5);
        const r3 = pen(e1, 'r3', 5);
        const old = pen(e1, 'old', 400);
        const lic = pen(i1, 'lic', 3, 'admin.licence');
        const other = pen(e1, 'other', 2, 'finance.loan-arrears');
        const person = pen(p1, 'person', 1);
        await store.ingest(batch({ subjects: [e1, i1, p1], records: [r1, r2, r3, old, lic, other, person] }));
        await store.addRecordStatus(r1.id, { status: 'revoked', at: T, actor: 'reviewer:x', reason: 'quashed' }, audit('record.status', { status: 'revoked' }, e1.id));
        const q = { types: ['admin.penalty', 'admin.licence'], kinds: ['enterprise', 'institution'] as Subject['kind'][], occurredFrom: T - 365 * DAY, occurredBefore: T + 1, limit: 10 };
        const tied = [r2, r3].sort((x, y) => (x.id < y.id ? 1 : -1));
        const all = await store.latestRecords(q);
        expect(all.map((r) => r.id)).toEqual([lic, ...tied, r1].map((r) => r.id));
        // Each with its status history, as recordsOf has it.
        expect(all[3].statuses.at(-1)).toMatchObject({ status: 'revoked', reason: 'quashed' });
        expect(all[3].facts).toEqual(r1.facts);
        const first = await store.latestRecords({ ...q, limit: 2 });
        expect(first.map((r) => r.id)).toEqual([lic.id, tied[0].id]);
        const rest = await store.latestRecords({ ...q, before: { occurredAt: first[1].occurredAt, id: first[1].id } });
        expect(rest.map((r) => r.id)).toEqual([tied[1].id, r1.id]);
        expect((await store.latestRecords({ ...q, kinds: ['person'] })).map((r) => r.id)).toEqual([person.id]);
        expect((await store.latestRecords({ ...q, occurredFrom: T - 500 * DAY, occurredBefore: T - 6 * DAY })).map((r) => r.id)).toEqual([r1.id, old.id]);
        expect(await store.latestRecords({ ...q, types: [] })).toEqual([]);
      });

      it('addRecordStatus appends to the history in order, marks the subject dirty and audits', async () => {
        const p1 = subject('p1', 'person');
        const p2 = subject('p2', 'person');
        const r1 = record(p1.id, 'a');
        const r2 = record(p2.id, 'b');
        await store.ingest(batch({ subjects: [p1, p2], records: [r1, r2] }));
        await store.saveStates(save({ states: [state(p1.id, []), state(p2.id, [])], clearDirty: [{ id: p1.id }, { id: p2.id }] }));
        expect(await allDirty(store)).toEqual([]);
        const n0 = await auditCount(store);

        const changes: StatusChange[] = [
          { status: 'disputed', at: T + DAY, actor: 'subject', reason: 'objection o_1 filed' },
          { status: 'active', at: T + 5 * DAY, actor: 'reviewer:wang', reason: 'objection dismissed' },
          { status: 'repaired', at: T + 40 * DAY, actor: 'reviewer:li', reason: 'repair approved' },
        ];
        for (const c of changes) await store.addRecordStatus(r1.id, c, audit('record.status', { status: c.status }, p1.id));

        const got = await store.getRecord(r1.id);
        expect(got && explicitChanges(got)).toEqual(changes);
        const viaSubject = (await store.recordsOf([p1.id])).get(p1.id) ?? [];
        expect(viaSubject.map(explicitChanges)).toEqual([changes]);
        // The other record is untouched.
        const other = await store.getRecord(r2.id);
        expect(other && explicitChanges(other)).toEqual([]);

        expect(await allDirty(store)).toEqual([p1.id]);
        const entries = await collect(store.scanAudit());
        expect(entries.length).toBe(n0 + 3);
        expect(entries.slice(-3).map((e) => e.data)).toEqual(changes.map((c) => ({ status: c.status })));
      });

      it('addRecordStatus on an unknown record fails and writes nothing', async () => {
        const n0 = await auditCount(store);
        await expect(
          store.addRecordStatus(rid('pboc-crc', 'ghost'), { status: 'revoked', at: T, actor: 'x', reason: 'y' }, audit('record.status')),
        ).rejects.toThrow();
        expect(await auditCount(store)).toBe(n0);
      });

      it('recordsBetween returns the records of the subjects in an id range, with statuses', async () => {
        const ps = ['rb-a', 'rb-b', 'rb-c'].map((k) => subject(k, 'person'));
        const sorted = byId(ps);
        await store.ingest(batch({ subjects: ps, records: sorted.map((p, i) => record(p.id, `rb-${i}`)) }));
        const inner = await store.recordsBetween(sorted[0].id, sorted[1].id);
        expect([...inner.keys()].sort()).toEqual([sorted[0].id, sorted[1].id]);
        expect(inner.get(sorted[0].id)?.[0].externalId).toBe('rb-0');
        expect((await store.recordsBetween(sorted[2].id, sorted[2].id)).get(sorted[2].id)).toHaveLength(1);
      });
    });

    describe('search', () => {
      it('searches subjects by part of their name, within the kinds asked for, treating % and _ literally', async () => {
        await store.ingest(
          batch({
            subjects: [
              subject('acme', 'enterprise', { name: 'Acme Trading Co.' }),
              subject('acme-p', 'person', { name: 'Acme Person' }),
              subject('pct', 'enterprise', { name: '100% Real_Goods Ltd' }),
              subject('hz', 'government', { name: '杭州市财政局' }),
            ],
          }),
        );
        const orgs = ['enterprise', 'institution', 'government'] as SubjectKind[];
        expect((await store.searchSubjects({ name: 'acme', kinds: orgs, limit: 10 })).map((s) => s.name)).toEqual(['Acme Trading Co.']);
        expect((await store.searchSubjects({ name: '财政', kinds: orgs, limit: 10 })).map((s) => s.name)).toEqual(['杭州市财政局']);
        expect((await store.searchSubjects({ name: '%', kinds: orgs, limit: 10 })).map((s) => s.name)).toEqual(['100% Real_Goods Ltd']);
        expect((await store.searchSubjects({ name: 'e_l', kinds: orgs, limit: 10 })).length).toBe(0);
        const found = await store.searchSubjects({ name: 'Acme', kinds: ['person'], limit: 10 });
        expect(found.map((s) => s.id)).toEqual([sid('acme-p')]);
        expect(found[0].identifiers[0].masked).toBe('masked-acme-p');
      });

      it('finds persons by their whole name only when asked, alongside organisations by part of theirs, paged by id after id, and counts them up to a cap', async () => {
        await store.ingest(
          batch({
            subjects: [
              subject('zs-1', 'person', { name: '张三' }),
              subject('zs-2', 'person', { name: '张三' }),
              subject('zs-3', 'person', { name: '张三丰' }),
              subject('zs-org', 'enterprise', { name: '张三有限公司' }),
              subject('zs-org2', 'enterprise', { name: '李四张三商行' }),
            ],
          }),
        );
        const orgs = ['enterprise', 'institution', 'government'] as SubjectKind[];
        // Without `persons`, no person: organisations by part of their name, by name.
        expect((await store.searchSubjects({ name: '张三', kinds: orgs, limit: 10 })).map((s) => s.name)).toEqual(['张三有限公司', '李四张三商行']);
        // With it, the persons whose whole name it is (not 张三丰), ordered by name then id with the organisations.
        const all = await store.searchSubjects({ name: '张三', kinds: orgs, persons: true, limit: 10 });
        const twins = byId([subject('zs-1', 'person'), subject('zs-2', 'person')]).map((s) => s.id);
        expect(all.map((s) => s.id)).toEqual([...twins, sid('zs-org'), sid('zs-org2')]);
        expect(all[0].identifiers[0].masked).toBe(`masked-${all[0].id === sid('zs-1') ? 'zs-1' : 'zs-2'}`);
        expect((await store.searchSubjects({ name: '张', kinds: [], persons: true, limit: 10 })).length).toBe(0);
        // Paged: each page starts after the last id of the one before, and the pages make up the whole.
        const p1 = await store.searchSubjects({ name: '张三', kinds: orgs, persons: true, limit: 3 });
        const p2 = await store.searchSubjects({ name: '张三', kinds: orgs, persons: true, after: p1[p1.length - 1].id, limit: 3 });
        expect([...p1, ...p2].map((s) => s.id)).toEqual(all.map((s) => s.id));
        expect(p2.length).toBe(1);
        expect(await store.searchSubjects({ name: '张三', kinds: orgs, persons: true, after: p2[0].id, limit: 3 })).toEqual([]);
        // Counted in all, or up to `max`.
        expect(await store.countSubjects({ name: '张三', kinds: orgs, persons: true, max: 100 })).toBe(4);
        expect(await store.countSubjects({ name: '张三', kinds: orgs, max: 100 })).toBe(2);
        expect(await store.countSubjects({ name: '张三', kinds: [], persons: true, max: 100 })).toBe(2);
        expect(await store.countSubjects({ name: '张三', kinds: orgs, persons: true, max: 3 })).toBe(3);
        expect(await store.countSubjects({ name: '王五', kinds: orgs, persons: true, max: 100 })).toBe(0);
      });
    });
  });
}
