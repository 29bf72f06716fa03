/**
 * The contract of the Store port, as one vitest suite that every adapter runs (DESIGN.md §4:
 * "The tests of the Store port are one suite, run against every adapter"). It speaks only through
 * the port, so the SQLite and PostgreSQL adapters are held to exactly the same behaviour.
 *
 * `make` returns a fresh, empty store each time (migrations not yet applied).
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyChain, type AuditEntry, type AuditEntryInput } from '../audit/index.js';
import type { CatalogDoc } from '../catalog/types.js';
import type { CreditRecord, EntryStatus, Instant, ListEntry, Relation, SchemeResult, StatusChange, Subject, SubjectKind, SubjectState } from '../domain/types.js';
import type { CatalogVersionRow, IngestBatch, NoticeRow, SaveStates, Store } from './port.js';

const T: Instant = Date.UTC(2026, 4, 15, 8, 0, 0);
const DAY = 86_400_000;

const hex = (s: string, n = 24) => createHash('sha256').update(s).digest('hex').slice(0, n);
/** Ids whose order differs from creation order, so that "in id order" means something. */
const sid = (label: string) => `s_${hex(`subject:${label}`)}`;
const eid = (label: string) => `e_${hex(`entry:${label}`)}`;
const rid = (source: string, externalId: string) => `r_${hex(`record:${source}:${externalId}`)}`;

function subject(label: string, kind: SubjectKind, opts: Partial<Subject> = {}): Subject {
  return {
    id: sid(label),
    kind,
    name: `name of ${label}`,
    region: '110101',
    createdAt: T,
    identifiers: [{ scheme: kind === 'person' ? 'cn-rid' : 'cn-uscc', hash: hex(`hash:${label}`, 64), masked: `masked-${label}` }],
    ...opts,
  };
}

function record(subjectId: string, externalId: string, opts: Partial<CreditRecord> = {}): CreditRecord {
  const source = opts.source ?? 'pboc-crc';
  return {
    id: rid(source, externalId),
    source,
    externalId,
    type: 'finance.loan-arrears',
    area: 'commercial',
    subjectId,
    occurredAt: T - 30 * DAY,
    recordedAt: T,
    facts: { cycles: 3, lender: 'Bank of Test', nested: { a: [1, 2.5, 'x'] } },
    catalogVersion: '2026.1',
    statuses: [],
    ...opts,
  };
}

function entry(label: string, list: string, subjectId: string, status: EntryStatus, opts: Partial<ListEntry> = {}): ListEntry {
  return {
    id: eid(label),
    list,
    subjectId,
    status,
    since: T - 10 * DAY,
    decidedAt: T - 10 * DAY,
    until: T + 700 * DAY,
    reasons: [{ recordId: rid('spc', label), recordType: 'court.dishonest-debtor-decision', ruleId: 'grounds-2-6', legalBasis: 'SPC Art. 1' }],
    catalogVersion: '2026.1',
    ...opts,
  };
}

function scheme(code: string, score: number, grade: string): SchemeResult {
  return { scheme: code, score, grade, base: 1000, breakdown: [] };
}

function state(subjectId: string, schemes: SchemeResult[], entries: ListEntry[] = [], asOf = T): SubjectState {
  return { subjectId, asOf, catalogVersion: '2026.1', schemes, entries, nextChangeAt: T + 365 * DAY };
}

function audit(action: string, data: unknown = {}, subjectId: string | null = null): AuditEntryInput {
  return { at: T, actor: 'test:contract', action, subjectId, data };
}

/** The audit callback the ingestion pipeline uses: nothing to say when nothing happened. */
function ingestAudit(seen?: { inserted: number; duplicates: number; subjects: number }[]): IngestBatch['audit'] {
  return ({ inserted, duplicates, subjects }) => {
    seen?.push({ inserted: inserted.length, duplicates, subjects });
    if (inserted.length === 0 && subjects === 0) return null;
    return { at: T, actor: 'test:contract', action: 'records.ingested', subjectId: null, data: { inserted: inserted.map((r) => r.id).sort(), duplicates, subjects } };
  };
}

function batch(b: Partial<Omit<IngestBatch, 'audit'>>, auditFn: IngestBatch['audit'] = ingestAudit()): IngestBatch {
  return { subjects: b.subjects ?? [], relations: b.relations ?? [], records: b.records ?? [], replaceRelationsOf: b.replaceRelationsOf, at: b.at, audit: auditFn };
}

function save(s: Partial<SaveStates>): SaveStates {
  return { states: s.states ?? [], related: s.related ?? [], clearDirty: s.clearDirty ?? [], audit: s.audit ?? null, hashes: s.hashes };
}

function catalogDoc(version: string, title = `contract catalog ${version}`): CatalogDoc {
  return { id: 'contract', version, title, sources: [], actions: [], recordTypes: [], schemes: [], lists: [], measures: [] };
}

function catalogRow(version: string, createdAt: Instant): CatalogVersionRow {
  return { catalogId: 'contract', version, status: 'draft', hash: hex(`catalog:${version}`, 64), doc: catalogDoc(version), createdAt, publishedAt: null };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function auditCount(store: Store): Promise<number> {
  return (await collect(store.scanAudit())).length;
}

async function allDirty(store: Store): Promise<string[]> {
  return (await store.dirtySubjects(1_000_000)).slice().sort();
}

/**
 * A record's status history as the caller wrote it. The port allows the history to start with the
 * implicit `active` at `recordedAt` (domain/types.ts) or to leave it out; nothing else may differ.
 */
function explicitChanges(rec: CreditRecord): StatusChange[] {
  const s = rec.statuses;
  if (s.length > 0 && s[0].status === 'active' && s[0].at === rec.recordedAt) return s.slice(1);
  return s;
}

const byId = <X extends { id: string }>(xs: X[]) => xs.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const nonZero = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).filter(([, n]) => n !== 0));
const relKey = (r: Relation) => `${r.subjectId}|${r.role}|${r.personId}`;

export function storeContract(name: string, make: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;

    beforeEach(async () => {
      store = await make();
      await store.migrate();
    });

    afterEach(async () => {
      await store?.close();
    });

    describe('migrations and meta', () => {
      it('migrate is idempotent and keeps data', async () => {
        await store.setMeta('k', 'v1');
        await store.migrate();
        await store.migrate();
        expect(await store.getMeta('k')).toBe('v1');
      });

      it('meta: missing keys are null, set stores and overwrites', async () => {
        expect(await store.getMeta('nope')).toBeNull();
        await store.setMeta('a', '1');
        await store.setMeta('b', '2');
        await store.setMeta('a', '3');
        expect(await store.getMeta('a')).toBe('3');
        expect(await store.getMeta('b')).toBe('2');
      });
    });

    describe('catalog versions', () => {
      it('saves a draft, publishes it, and lists versions without their documents', async () => {
        expect(await store.getPublishedCatalog()).toBeNull();
        expect(await store.listCatalogVersions()).toEqual([]);
        const before = await auditCount(store);

        await store.saveCatalogVersion(catalogRow('1', T), audit('catalog.drafted', { version: '1' }));
        const draft = await store.getCatalogVersion('contract', '1');
        expect(draft).toEqual(catalogRow('1', T));
        expect(await store.getPublishedCatalog()).toBeNull();
        expect(await store.getCatalogVersion('contract', '2')).toBeNull();
        expect(await store.getCatalogVersion('other', '1')).toBeNull();

        await store.publishCatalogVersion('contract', '1', T + 1000, audit('catalog.published', { version: '1' }));
        const pub = await store.getCatalogVersion('contract', '1');
        expect(pub).toEqual({ ...catalogRow('1', T), status: 'published', publishedAt: T + 1000 });
        expect(await store.getPublishedCatalog()).toEqual(pub);

        const listed = await store.listCatalogVersions();
        expect(listed).toEqual([{ catalogId: 'contract', version: '1', status: 'published', hash: catalogRow('1', T).hash, createdAt: T, publishedAt: T + 1000 }]);
        expect(listed[0]).not.toHaveProperty('doc');

        const entries = await collect(store.scanAudit());
        expect(entries.length - before).toBe(2);
        expect(entries.slice(-2).map((e) => e.action)).toEqual(['catalog.drafted', 'catalog.published']);
      });

      it('the latest published version wins; drafts never count as published', async () => {
        await store.saveCatalogVersion(catalogRow('1', T), audit('catalog.drafted'));
        await store.publishCatalogVersion('contract', '1', T + 1 * DAY, audit('catalog.published'));
        await store.saveCatalogVersion(catalogRow('2', T + 2 * DAY), audit('catalog.drafted'));
        await store.publishCatalogVersion('contract', '2', T + 3 * DAY, audit('catalog.published'));
        await store.saveCatalogVersion(catalogRow('3', T + 4 * DAY), audit('catalog.drafted'));

        const pub = await store.getPublishedCatalog();
        expect(pub?.version).toBe('2');
        expect(pub?.doc).toEqual(catalogDoc('2'));
        expect(await store.publishedCatalogRef()).toEqual({ catalogId: 'contract', version: '2' });
        expect(await store.publishedCatalogRef(T + 2 * DAY)).toEqual({ catalogId: 'contract', version: '1' });
        expect(await store.publishedCatalogRef(T)).toBeNull();

        const listed = await store.listCatalogVersions();
        expect(listed.map((r) => [r.version, r.status]).sort()).toEqual([
          ['1', 'published'],
          ['2', 'published'],
          ['3', 'draft'],
        ]);
      });

      it('a draft can be replaced, a published version cannot', async () => {
        await store.saveCatalogVersion(catalogRow('1', T), audit('catalog.drafted'));
        const changed = { ...catalogRow('1', T), hash: 'f'.repeat(64), doc: catalogDoc('1', 'second draft') };
        await store.saveCatalogVersion(changed, audit('catalog.drafted'));
        expect(await store.getCatalogVersion('contract', '1')).toEqual(changed);

        await store.publishCatalogVersion('contract', '1', T + DAY, audit('catalog.published'));
        const published = await store.getCatalogVersion('contract', '1');
        const attempt = { ...catalogRow('1', T), hash: 'e'.repeat(64), doc: catalogDoc('1', 'rewritten after publication') };
        await store.saveCatalogVersion(attempt, audit('catalog.drafted')).catch(() => undefined);
        expect(await store.getCatalogVersion('contract', '1')).toEqual(published);
      });
    });

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
    });

    describe('derived state', () => {
      async function subjects(...s: Subject[]) {
        await store.ingest(batch({ subjects: s }));
      }

      it('dirty subjects: markDirty adds, the limit is honoured, saveStates clears', async () => {
        const ps = ['p1', 'p2', 'p3', 'p4'].map((l) => subject(l, 'person'));
        await subjects(...ps);
        await store.saveStates(save({ states: ps.map((p) => state(p.id, [])), clearDirty: ps.map((p) => ({ id: p.id })) }));
        expect(await allDirty(store)).toEqual([]);

        await store.markDirty([ps[0].id, ps[2].id]);
        await store.markDirty([ps[2].id, ps[3].id]);
        expect(await allDirty(store)).toEqual([ps[0].id, ps[2].id, ps[3].id].sort());
        const two = await store.dirtySubjects(2);
        expect(two).toHaveLength(2);
        expect(new Set(two).size).toBe(2);

        await store.saveStates(save({ states: [state(ps[2].id, [])], clearDirty: [{ id: ps[2].id }] }));
        expect(await allDirty(store)).toEqual([ps[0].id, ps[3].id].sort());
        // clearDirty is what clears, not the state itself.
        await store.saveStates(save({ states: [state(ps[0].id, [])] }));
        expect(await allDirty(store)).toEqual([ps[0].id, ps[3].id].sort());
      });

      it('getState returns what was saved; unknown or never-scored subjects are null', async () => {
        const p = subject('p1', 'person');
        await subjects(p);
        expect(await store.getState(p.id)).toBeNull();
        const s = state(p.id, [scheme('civic-points', 970, 'A')], [entry('p1-a', 'spc-dishonest-debtors', p.id, 'active')]);
        s.schemes[0].breakdown = [{ recordId: rid('x', 'y'), recordType: 'finance.loan-arrears', ruleId: 'loan-arrears', points: -30, legalBasis: 'basis', from: T - DAY, until: T + 700 * DAY }];
        await store.saveStates(save({ states: [s], clearDirty: [{ id: p.id }] }));
        expect(await store.getState(p.id)).toEqual({ state: s, related: [] });
        expect(await store.getState(sid('ghost'))).toBeNull();
      });

      it("saveStates replaces a subject's own entries and keeps optional entry fields", async () => {
        const p = subject('p1', 'person');
        await subjects(p);
        const e1 = entry('p1-1', 'spc-dishonest-debtors', p.id, 'active');
        const e2 = entry('p1-2', 'spc-high-consumption', p.id, 'pending', { until: null });
        await store.saveStates(save({ states: [state(p.id, [scheme('civic-points', 1000, 'A')], [e1, e2])] }));
        expect(byId((await store.getState(p.id))?.state.entries ?? [])).toEqual(byId([e1, e2]));

        const e3 = entry('p1-3', 'spc-dishonest-debtors', p.id, 'exited', { endedAt: T + DAY, endReason: 'obligation performed' });
        await store.saveStates(save({ states: [state(p.id, [scheme('civic-points', 990, 'A')], [e3], T + DAY)] }));
        const got = await store.getState(p.id);
        expect(got?.state.entries).toEqual([e3]);
        expect(got?.state.asOf).toBe(T + DAY);
        expect(got?.state.schemes[0].score).toBe(990);
      });

      it("related entries are stored under the person, returned as `related`, and replaced per owner", async () => {
        const e1 = subject('e1', 'enterprise');
        const e2 = subject('e2', 'enterprise');
        const p = subject('p1', 'person');
        await subjects(e1, e2, p);
        const own = entry('e1-own', 'spc-dishonest-debtors', e1.id, 'active');
        const rel1 = entry('e1-rel-p1', 'spc-dishonest-debtors', p.id, 'active', { via: { subjectId: e1.id, role: 'legal-representative' } });
        const rel2 = entry('e2-rel-p1', 'serious-dishonesty', p.id, 'pending', { via: { subjectId: e2.id, role: 'actual-controller' } });
        const pOwn = entry('p1-own', 'spc-high-consumption', p.id, 'active');
        await store.saveStates(
          save({
            states: [state(e1.id, [scheme('enterprise-class', 80, 'B')], [own]), state(e2.id, []), state(p.id, [scheme('civic-points', 1000, 'A')], [pOwn])],
            related: [
              { ownerId: e1.id, entries: [rel1] },
              { ownerId: e2.id, entries: [rel2] },
            ],
          }),
        );
        let ps = await store.getState(p.id);
        expect(ps?.state.entries).toEqual([pOwn]);
        expect(byId(ps?.related ?? [])).toEqual(byId([rel1, rel2]));
        // The organisation's own state shows only its own entries.
        expect((await store.getState(e1.id))?.state.entries).toEqual([own]);
        expect((await store.getState(e1.id))?.related).toEqual([]);

        // Rescoring the person replaces its own entries, not those owned by the organisations.
        await store.saveStates(save({ states: [state(p.id, [scheme('civic-points', 1000, 'A')], [])] }));
        ps = await store.getState(p.id);
        expect(ps?.state.entries).toEqual([]);
        expect(byId(ps?.related ?? [])).toEqual(byId([rel1, rel2]));

        // A new save by e1 replaces e1's related entries only.
        const rel1b = { ...rel1, status: 'exited' as const, endedAt: T + DAY, endReason: 'performed' };
        await store.saveStates(save({ states: [state(e1.id, [scheme('enterprise-class', 90, 'A')], [])], related: [{ ownerId: e1.id, entries: [rel1b] }] }));
        ps = await store.getState(p.id);
        expect(byId(ps?.related ?? [])).toEqual(byId([rel1b, rel2]));
        await store.saveStates(save({ related: [{ ownerId: e2.id, entries: [] }] }));
        expect((await store.getState(p.id))?.related).toEqual([rel1b]);
      });

      it('enforceableEntries returns only pending and active entries, own and related', async () => {
        const e1 = subject('e1', 'enterprise');
        const p1 = subject('p1', 'person');
        const p2 = subject('p2', 'person');
        await subjects(e1, p1, p2);
        const statuses: EntryStatus[] = ['pending', 'active', 'suspended', 'exited', 'expired', 'escalated'];
        const p1Own = statuses.map((s) => entry(`p1-${s}`, 'spc-dishonest-debtors', p1.id, s));
        const p1Rel = entry('e1-rel-p1', 'spc-high-consumption', p1.id, 'active', { via: { subjectId: e1.id, role: 'legal-representative' } });
        const p1RelEnded = entry('e1-rel-p1-old', 'spc-high-consumption', p1.id, 'expired', { via: { subjectId: e1.id, role: 'legal-representative' } });
        const p2Own = entry('p2-active', 'spc-dishonest-debtors', p2.id, 'active');
        await store.saveStates(
          save({
            states: [state(p1.id, [], p1Own), state(p2.id, [], [p2Own]), state(e1.id, [])],
            related: [{ ownerId: e1.id, entries: [p1Rel, p1RelEnded] }],
          }),
        );
        expect(byId(await store.enforceableEntries([p1.id]))).toEqual(byId([p1Own[0], p1Own[1], p1Rel]));
        expect(byId(await store.enforceableEntries([p1.id, p2.id]))).toEqual(byId([p1Own[0], p1Own[1], p1Rel, p2Own]));
        expect(await store.enforceableEntries([e1.id])).toEqual([]);
        expect(await store.enforceableEntries([])).toEqual([]);
      });

      it('listEntries pages by id without overlaps or gaps, and filters by list and status', async () => {
        const ps = Array.from({ length: 6 }, (_, i) => subject(`p${i}`, 'person'));
        await subjects(...ps);
        const statuses: EntryStatus[] = ['active', 'pending', 'exited', 'active', 'suspended', 'active', 'expired'];
        const all: ListEntry[] = [];
        const states = ps.map((p, pi) => {
          const es = Array.from({ length: 4 }, (_, k) => entry(`L-${pi}-${k}`, 'list-a', p.id, statuses[(pi * 4 + k) % statuses.length]));
          es.push(entry(`M-${pi}`, 'list-b', p.id, 'active'));
          all.push(...es);
          return state(p.id, [], es);
        });
        await store.saveStates(save({ states }));

        const expected = byId(all.filter((e) => e.list === 'list-a' && (e.status === 'pending' || e.status === 'active')));
        expect(expected.length).toBeGreaterThan(10);
        const pages: ListEntry[][] = [];
        let after: string | undefined;
        for (;;) {
          const page = await store.listEntries({ list: 'list-a', limit: 4, after });
          expect(page.length).toBeLessThanOrEqual(4);
          if (page.length === 0) break;
          pages.push(page);
          after = page[page.length - 1].id;
          expect(pages.length).toBeLessThan(50);
        }
        const flat = pages.flat();
        expect(flat).toEqual(expected);
        expect(pages.slice(0, -1).every((p) => p.length === 4)).toBe(true);

        const exited = await store.listEntries({ list: 'list-a', statuses: ['exited', 'expired'], limit: 100 });
        expect(exited).toEqual(byId(all.filter((e) => e.list === 'list-a' && (e.status === 'exited' || e.status === 'expired'))));
        expect((await store.listEntries({ list: 'list-b', limit: 100 })).map((e) => e.id)).toEqual(byId(all.filter((e) => e.list === 'list-b')).map((e) => e.id));
        expect(await store.listEntries({ list: 'no-such-list', limit: 100 })).toEqual([]);
      });

      it('scanSubjects covers every subject once, in id order, in pages', async () => {
        const kinds: SubjectKind[] = ['person', 'enterprise', 'institution', 'government'];
        const ss = Array.from({ length: 23 }, (_, i) => subject(`scan-${i}`, kinds[i % 4], { createdAt: T + i }));
        // Inserted in several batches, not in id order.
        await subjects(...ss.slice(0, 10));
        await subjects(...ss.slice(10));
        const pages = await collect(store.scanSubjects(5));
        for (const p of pages) {
          expect(p.length).toBeGreaterThan(0);
          expect(p.length).toBeLessThanOrEqual(5);
        }
        const flat = pages.flat();
        expect(flat).toEqual(byId(ss).map((s) => ({ id: s.id, kind: s.kind, createdAt: s.createdAt, stateHash: null })));
        expect(pages.length).toBeGreaterThanOrEqual(5);
        expect(await collect(store.scanSubjects(100))).toEqual([flat]);
        // The stored state's hash comes with its subject.
        await store.saveStates(save({ states: [state(ss[3].id, [])], hashes: ['h-3'] }));
        expect((await collect(store.scanSubjects(100))).flat().find((x) => x.id === ss[3].id)?.stateHash).toBe('h-3');
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

      it('a subject marked dirty again while it was being scored stays dirty', async () => {
        const p = subject('race', 'person');
        await store.ingest(batch({ subjects: [p], records: [record(p.id, 'race-1')] }));
        const marks = await store.dirtyMarks([p.id]);
        expect(marks.has(p.id)).toBe(true);
        // A new record lands after the marks (and records) were read…
        await store.ingest(batch({ records: [record(p.id, 'race-2')] }));
        // …so saving the state derived from the earlier read must not clear it.
        await store.saveStates(save({ states: [state(p.id, [])], clearDirty: [{ id: p.id, mark: marks.get(p.id) }] }));
        expect(await store.dirtySubjects(100)).toContain(p.id);
        const now = await store.dirtyMarks([p.id]);
        await store.saveStates(save({ states: [state(p.id, [])], clearDirty: [{ id: p.id, mark: now.get(p.id) }] }));
        expect(await store.dirtySubjects(100)).not.toContain(p.id);
      });

      it('scanEnforceableEntries yields every pending or active entry, own and related', async () => {
        const e1 = subject('e1', 'enterprise');
        const p1 = subject('p1', 'person');
        await subjects(e1, p1);
        const es = [
          entry('a', 'l1', e1.id, 'active'),
          entry('b', 'l1', e1.id, 'exited'),
          entry('c', 'l2', p1.id, 'pending'),
          entry('d', 'l2', p1.id, 'suspended'),
        ];
        const rel = entry('e', 'l1', p1.id, 'active', { via: { subjectId: e1.id, role: 'principal' } });
        await store.saveStates(save({ states: [state(e1.id, [], es.slice(0, 2)), state(p1.id, [], es.slice(2))], related: [{ ownerId: e1.id, entries: [rel] }] }));
        expect(byId(await collect(store.scanEnforceableEntries()))).toEqual(byId([es[0], es[2], rel]));
      });

      it('scanGrades yields the grades of every scored subject', async () => {
        const p1 = subject('p1', 'person');
        const p2 = subject('p2', 'person');
        const e1 = subject('e1', 'enterprise');
        const g1 = subject('g1', 'government');
        await subjects(p1, p2, e1, g1);
        await store.saveStates(
          save({
            states: [
              state(p1.id, [scheme('civic-points', 1060, 'AAA')]),
              state(p2.id, [scheme('civic-points', 900, 'B')]),
              state(e1.id, [scheme('enterprise-class', 95, 'A'), scheme('tax-credit', 80, 'B')]),
            ],
          }),
        );
        await store.saveStates(save({ states: [state(p2.id, [scheme('civic-points', 700, 'C')])] }));
        const grades = (await collect(store.scanGrades())).sort((a, b) => (a.subjectId < b.subjectId ? -1 : 1));
        expect(grades).toEqual(
          [
            { subjectId: p1.id, grades: { 'civic-points': 'AAA' } },
            { subjectId: p2.id, grades: { 'civic-points': 'C' } },
            { subjectId: e1.id, grades: { 'enterprise-class': 'A', 'tax-credit': 'B' } },
          ].sort((a, b) => (a.subjectId < b.subjectId ? -1 : 1)),
        );
      });
    });

    describe('audit log', () => {
      it('appendAudit numbers and links entries; the chain verifies; the head is the last entry', async () => {
        expect(await store.auditHead()).toBeNull();
        expect(await store.appendAudit([])).toEqual([]);
        const first = await store.appendAudit([audit('a.one', { n: 1 }), audit('a.two', { n: 2, nested: { x: [1, 'y'] } }, sid('p1'))]);
        expect(first.map((e) => e.seq)).toEqual([1, 2]);
        expect(first[0].prevHash).toBe('0'.repeat(64));
        expect(first[1].prevHash).toBe(first[0].hash);
        expect(await store.auditHead()).toEqual({ seq: 2, hash: first[1].hash });

        // Writes of other methods join the same chain.
        await store.setMeta('x', 'y');
        await store.ingest(batch({ subjects: [subject('p1', 'person')] }));
        const more = await store.appendAudit([audit('a.three', null), audit('a.four', { s: '中文' })]);
        expect(more.map((e) => e.seq)).toEqual([4, 5]);

        const all: AuditEntry[] = await collect(store.scanAudit());
        expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
        for (let i = 1; i < all.length; i++) expect(all[i].prevHash).toBe(all[i - 1].hash);
        expect(all[0]).toEqual(first[0]);
        expect(all[1]).toEqual(first[1]);
        expect(all[4]).toEqual(more[1]);
        const v = verifyChain(all);
        expect(v).toEqual({ ok: true, count: 5, head: more[1].hash });
        expect(await store.auditHead()).toEqual({ seq: 5, hash: more[1].hash });

        expect((await collect(store.scanAudit(4))).map((e) => e.seq)).toEqual([4, 5]);
        expect(await collect(store.scanAudit(6))).toEqual([]);
      });

      it('a long chain is scanned completely and verifies', async () => {
        const inputs = Array.from({ length: 2500 }, (_, i) => audit('bulk', { i }));
        await store.appendAudit(inputs.slice(0, 1200));
        await store.appendAudit(inputs.slice(1200));
        const all = await collect(store.scanAudit());
        expect(all).toHaveLength(2500);
        expect(all.map((e) => (e.data as { i: number }).i)).toEqual(inputs.map((_, i) => i));
        expect(verifyChain(all)).toMatchObject({ ok: true, count: 2500 });
      });
    });

    describe('summary', () => {
      it('counts subjects by kind, records by area, province and type, list sizes, breakdown and flows, grades and audit entries', async () => {
        const empty = await store.summary();
        expect(empty.records).toBe(0);
        expect(empty.recordsByProvince).toEqual({});
        expect(empty.listFlows).toEqual({});
        expect(nonZero(empty.subjectsByKind as Record<string, number>)).toEqual({});

        const p1 = subject('p1', 'person');
        const p2 = subject('p2', 'person', { region: '110105' });
        const p3 = subject('p3', 'person');
        const e1 = subject('e1', 'enterprise', { region: '370211' });
        const e2 = subject('e2', 'enterprise');
        // Known without a region: its records count under `unknown`.
        const g1 = subject('g1', 'government', { region: '' });
        await store.ingest(
          batch({
            subjects: [p1, p2, p3, e1, e2, g1],
            records: [
              record(p1.id, 'r1'),
              record(p2.id, 'r2'),
              record(e1.id, 'r3', { source: 'spc', type: 'court.dishonest-debtor-decision', area: 'judicial', facts: { caseNo: 'c1', court: 'x', ground: 'evades' } }),
              record(g1.id, 'r4', { source: 'finance-dept', type: 'government.contract-default', area: 'government', facts: { counterparty: 'y', amountYuan: 10 } }),
            ],
          }),
        );
        await store.saveStates(
          save({
            states: [
              state(p1.id, [scheme('civic-points', 970, 'A')], [entry('p1-l1', 'l1', p1.id, 'pending'), entry('p1-l2', 'l2', p1.id, 'suspended')]),
              state(p2.id, [scheme('civic-points', 900, 'B')], [entry('p2-l2', 'l2', p2.id, 'expired', { since: T - 400 * DAY, endedAt: T - 5 * DAY, endReason: 'expired' })]),
              // Ended a millisecond before May began (so in April); e1-l3 began as May did.
              state(p3.id, [scheme('civic-points', 1000, 'A')], [entry('p3-l1', 'l1', p3.id, 'exited', { since: T - 100 * DAY, endedAt: Date.UTC(2026, 4, 1) - 1, endReason: 'exit' })]),
              state(e1.id, [scheme('enterprise-class', 70, 'B')], [entry('e1-l1', 'l1', e1.id, 'active'), entry('e1-l3', 'l3', e1.id, 'active', { since: Date.UTC(2026, 4, 1) })]),
              state(e2.id, [scheme('enterprise-class', 95, 'A')]),
            ],
            related: [{ ownerId: e1.id, entries: [entry('e1-l1-p2', 'l1', p2.id, 'active', { via: { subjectId: e1.id, role: 'legal-representative' } })] }],
            audit: audit('state.derived'),
          }),
        );
        await store.appendAudit([audit('x')]);

        const s = await store.summary();
        expect(s.subjectsByKind).toMatchObject({ person: 3, enterprise: 2, government: 1 });
        expect(s.subjectsByKind.institution ?? 0).toBe(0);
        expect(s.records).toBe(4);
        expect(nonZero(s.recordsByArea)).toEqual({ commercial: 2, judicial: 1, government: 1 });
        expect(nonZero(s.recordsByType)).toEqual({ 'finance.loan-arrears': 2, 'court.dishonest-debtor-decision': 1, 'government.contract-default': 1 });
        expect(nonZero(s.recordsByProvince)).toEqual({ '110000': 2, '370000': 1, unknown: 1 });
        // Entries that began and ended, by UTC month; related entries (via a role) are entries too.
        expect(s.listFlows).toEqual({
          l1: [
            { month: '2026-02', inflow: 1, outflow: 0 },
            { month: '2026-04', inflow: 0, outflow: 1 },
            { month: '2026-05', inflow: 3, outflow: 0 },
          ],
          l2: [
            { month: '2025-04', inflow: 1, outflow: 0 },
            { month: '2026-05', inflow: 1, outflow: 1 },
          ],
          l3: [{ month: '2026-05', inflow: 1, outflow: 0 }],
        });
        expect(nonZero(s.listSizes)).toEqual({ l1: 3, l3: 1 });
        expect(Object.fromEntries(Object.entries(s.listBreakdown).map(([k, v]) => [k, nonZero(v)]).filter(([, v]) => Object.keys(v).length > 0))).toEqual({
          l1: { person: 1, enterprise: 1, 'via-role': 1 },
          l3: { enterprise: 1 },
        });
        expect(s.grades).toEqual({ 'civic-points': { A: 2, B: 1 }, 'enterprise-class': { A: 1, B: 1 } });
        expect(s.auditEntries).toBe(await auditCount(store));
        expect(s.auditEntries).toBeGreaterThanOrEqual(3);
      });
    });

    describe('receipts, audit pages, search and API keys', () => {
      it('indexes check receipts and finds the entry that holds the decision', async () => {
        const [a, b] = await store.appendAudit([
          audit('check.decided', { receipt: 'rc_one', decision: 'deny' }, sid('p1')),
          audit('check.decided', { receipt: 'rc_two', decision: 'allow' }),
        ]);
        await store.appendAudit([audit('subject.read', { receipt: 'rc_not_a_check' })]);
        expect((await store.findReceipt('rc_one'))?.seq).toBe(a.seq);
        expect((await store.findReceipt('rc_two'))?.data).toEqual({ receipt: 'rc_two', decision: 'allow' });
        expect(b.hash).toBe((await store.findReceipt('rc_two'))?.hash);
        expect(await store.findReceipt('rc_not_a_check')).toBeNull();
        expect(await store.findReceipt('rc_missing')).toBeNull();
      });

      it('pages the audit log newest first, by subject and by action', async () => {
        const p1 = sid('p1');
        const p2 = sid('p2');
        await store.appendAudit([
          audit('subject.read', { purpose: 'a' }, p1),
          audit('subject.read', { purpose: 'b' }, p2),
          audit('check.decided', { receipt: 'rc_x' }, p1),
          audit('list.read', { purpose: 'c' }, p1),
        ]);
        const mine = await store.auditPage({ limit: 10, subjectId: p1 });
        expect(mine.map((e) => e.action)).toEqual(['list.read', 'check.decided', 'subject.read']);
        const reads = await store.auditPage({ limit: 10, subjectId: p1, actions: ['subject.read', 'list.read'] });
        expect(reads.map((e) => (e.data as { purpose: string }).purpose)).toEqual(['c', 'a']);
        const first = await store.auditPage({ limit: 2 });
        expect(first).toHaveLength(2);
        const next = await store.auditPage({ limit: 2, before: first[1].seq });
        expect(next.map((e) => e.seq)).toEqual([first[1].seq - 1, first[1].seq - 2]);
        expect(first[0].seq).toBeGreaterThan(first[1].seq);
      });

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

      it('indexes an entry under further subjects for their access logs', async () => {
        const [e] = await store.appendAudit([{ ...audit('check.decided', { receipt: 'rc_batch', items: [sid('p1'), sid('p2')] }), subjects: [sid('p1'), sid('p2')] }]);
        await store.appendAudit([audit('subject.read', { purpose: 'x' }, sid('p1'))]);
        expect((await store.auditPage({ limit: 10, subjectId: sid('p2') })).map((x) => x.seq)).toEqual([e.seq]);
        expect((await store.auditPage({ limit: 10, subjectId: sid('p1') })).map((x) => x.action)).toEqual(['subject.read', 'check.decided']);
        expect((await store.auditPage({ limit: 10, subjectId: sid('p1'), actions: ['check.decided'] })).map((x) => x.seq)).toEqual([e.seq]);
        // The same actor checking the same subjects for the same key that day adds no index rows;
        // another key (another action checked) or another day does.
        const [same] = await store.appendAudit([{ ...audit('check.decided', { receipt: 'rc_again' }), subjects: [sid('p2')] }]);
        const [other] = await store.appendAudit([{ ...audit('check.decided', { receipt: 'rc_other' }), subjects: [sid('p2')], subjectsKey: 'procurement.bid' }]);
        const [later] = await store.appendAudit([{ ...audit('check.decided', { receipt: 'rc_later' }), at: T + DAY, subjects: [sid('p2')] }]);
        const p2 = (await store.auditPage({ limit: 10, subjectId: sid('p2') })).map((x) => x.seq);
        expect(p2).toEqual([later.seq, other.seq, e.seq]);
        expect(p2).not.toContain(same.seq);
        // The index is not part of the hashed entry: the chain still verifies.
        expect(verifyChain(await collect(store.scanAudit())).ok).toBe(true);
      });

      it('feeds every saved state to readers of the change feed, in order, from any position', async () => {
        const p1 = subject('p1', 'person');
        const p2 = subject('p2', 'person');
        await store.ingest(batch({ subjects: [p1, p2] }));
        const head0 = await store.stateChangeHead();
        expect(await store.stateChangesSince(head0, 100)).toEqual({ seq: head0, subjectIds: [], firstSeq: null });
        await store.saveStates(save({ states: [state(p1.id, [scheme('civic-points', 1000, 'A')])] }));
        await store.saveStates(save({ states: [state(p2.id, [scheme('civic-points', 990, 'A')]), state(p1.id, [scheme('civic-points', 980, 'A')])] }));
        const all = await store.stateChangesSince(head0, 100);
        expect(all.subjectIds.sort()).toEqual([p1.id, p2.id].sort());
        expect(all.seq).toBe(await store.stateChangeHead());
        const first = await store.stateChangesSince(head0, 1);
        expect(first.subjectIds).toEqual([p1.id]);
        const rest = await store.stateChangesSince(first.seq, 100);
        expect(rest.subjectIds.sort()).toEqual([p1.id, p2.id].sort());
        expect(first.firstSeq).toBe(head0 + 1);
        expect(await store.pruneStateChanges(Date.now() + 60_000)).toBe(3);
        expect((await store.stateChangesSince(head0, 100)).subjectIds).toEqual([]);
        // The position keeps rising after a prune, so a reader never re-reads or skips.
        await store.saveStates(save({ states: [state(p2.id, [scheme('civic-points', 970, 'A')])] }));
        expect(await store.stateChangeHead()).toBeGreaterThan(all.seq);
        // A reader that had seen only the first change now finds a gap: it must rebuild.
        expect((await store.stateChangesSince(first.seq, 100)).firstSeq).toBeGreaterThan(first.seq + 1);
      });

      it('creates, lists and revokes API keys, auditing each, and revokes only once', async () => {
        const key = {
          id: 'k_0123456789ab',
          name: 'ticketing',
          role: 'checker' as const,
          scopes: ['transport.air.ticket'],
          source: null,
          subjectId: null,
          secretHash: hex('secret', 64),
          createdAt: T,
          createdBy: 'test',
          revokedAt: null,
        };
        const before = await auditCount(store);
        await store.createApiKey(key, audit('key.created', { id: key.id }));
        await store.createApiKey({ ...key, id: 'k_source', role: 'source', source: 'spc', scopes: [] }, audit('key.created', { id: 'k_source' }));
        expect(await store.getApiKey(key.id)).toEqual(key);
        expect(await store.getApiKey('k_nope')).toBeNull();
        expect((await store.listApiKeys()).map((k) => k.id).sort()).toEqual(['k_0123456789ab', 'k_source']);
        expect(await store.revokeApiKey(key.id, T + DAY, audit('key.revoked', { id: key.id }))).toBe(true);
        expect(await store.revokeApiKey(key.id, T + 2 * DAY, audit('key.revoked', { id: key.id }))).toBe(false);
        expect(await store.revokeApiKey('k_nope', T, audit('key.revoked', { id: 'k_nope' }))).toBe(false);
        expect((await store.getApiKey(key.id))?.revokedAt).toBe(T + DAY);
        expect(await auditCount(store)).toBe(before + 3);
      });
    });

    describe('due-process cases and the notice outbox', () => {
      const notice = (id: string, subjectId: string | null, at: Instant, extra: Partial<NoticeRow> = {}): NoticeRow => ({
        id, subjectId, kind: 'objection.decided', createdAt: at, payload: { id }, status: 'pending', attempts: 0, nextAttemptAt: at, lastError: null, deliveredAt: null, ...extra,
      });

      it('saves a case with its record status changes, notices and audit entry in one go, and finds it by queue', async () => {
        const p1 = subject('p1', 'person');
        const r1 = record(p1.id, 'ob-1');
        await store.ingest(batch({ subjects: [p1], records: [r1] }));
        await store.saveStates(save({ states: [state(p1.id, [])], clearDirty: [{ id: p1.id }] }));
        const before = await auditCount(store);
        const c = { id: 'ob_1', kind: 'objection' as const, subjectId: p1.id, status: 'open', deadline: T + 3 * DAY, createdAt: T, doc: { target: { kind: 'record', id: r1.id }, reasons: 'not mine' } };
        await store.saveCase(c, {
          statuses: [{ recordId: r1.id, change: { status: 'disputed', at: T, actor: 'key:k_s', reason: 'objection ob_1' } }],
          notices: [notice('n_1', p1.id, T)],
          audit: audit('objection.filed', { id: 'ob_1' }, p1.id),
        });
        expect(await store.getCase('ob_1')).toEqual(c);
        expect((await store.getRecord(r1.id))?.statuses.map((x) => x.status)).toContain('disputed');
        expect(await allDirty(store)).toEqual([p1.id]);
        expect(await auditCount(store)).toBe(before + 1);
        expect((await store.listCases({ kind: 'objection', statuses: ['open'], limit: 10 })).map((x) => x.id)).toEqual(['ob_1']);
        expect(await store.listCases({ kind: 'objection', deadlineBefore: T + 3 * DAY, limit: 10 })).toEqual([]);
        expect((await store.listCases({ kind: 'objection', deadlineBefore: T + 3 * DAY + 1, limit: 10 })).map((x) => x.id)).toEqual(['ob_1']);
        expect(await store.listCases({ kind: 'repair', limit: 10 })).toEqual([]);
        expect(await store.countCases({ kind: 'objection', statuses: ['open'] })).toBe(1);
        expect(await store.countCases({ kind: 'objection', statuses: ['open'], deadlineBefore: T + 3 * DAY })).toBe(0);
        expect(await store.countCases({ kind: 'objection', statuses: ['open'], deadlineBefore: T + 3 * DAY + 1 })).toBe(1);
        expect(await store.countCases({ kind: 'objection', subjectId: sid('p2') })).toBe(0);
        expect(await store.countCases({ kind: 'repair' })).toBe(0);
        // Deciding replaces the document and status, keeping when it was created.
        await store.saveCase({ ...c, status: 'revoked', doc: { ...c.doc, decision: 'revoked' } }, { audit: audit('objection.decided', { id: 'ob_1' }, p1.id) });
        expect(await store.getCase('ob_1')).toMatchObject({ status: 'revoked', createdAt: T, doc: { decision: 'revoked' } });
        expect(await store.listCases({ kind: 'objection', statuses: ['open'], limit: 10 })).toEqual([]);
        expect(await store.countCases({ kind: 'objection', statuses: ['open'] })).toBe(0);
        expect(await store.countCases({ kind: 'objection' })).toBe(1);
      });

      it('a failing effect leaves nothing behind', async () => {
        const p1 = subject('p1', 'person');
        await store.ingest(batch({ subjects: [p1] }));
        const before = await auditCount(store);
        await expect(
          store.saveCase(
            { id: 'ob_x', kind: 'objection', subjectId: p1.id, status: 'open', deadline: T, createdAt: T, doc: {} },
            { statuses: [{ recordId: 'r_missing', change: { status: 'disputed', at: T, actor: 'a', reason: 'b' } }], notices: [notice('n_x', p1.id, T)], audit: audit('objection.filed') },
          ),
        ).rejects.toThrow();
        expect(await store.getCase('ob_x')).toBeNull();
        expect(await store.listNotices({ limit: 10 })).toEqual([]);
        expect(await auditCount(store)).toBe(before);
      });

      it('delivers notices in due order, keeps attempts, and never adds one twice', async () => {
        await store.addNotices([notice('n_2', null, T + 2), notice('n_1', 's_x', T + 1), notice('n_3', 's_x', T + 5)]);
        await store.addNotices([notice('n_1', 's_x', T + 1, { payload: { changed: true } })]);
        expect((await store.dueNotices(T + 2, 10)).map((n) => n.id)).toEqual(['n_1', 'n_2']);
        await store.updateNotice('n_1', { status: 'pending', attempts: 1, nextAttemptAt: T + 100, lastError: 'HTTP 503', deliveredAt: null });
        await store.updateNotice('n_2', { status: 'delivered', attempts: 1, nextAttemptAt: T + 2, lastError: null, deliveredAt: T + 3 });
        expect((await store.dueNotices(T + 10, 10)).map((n) => n.id)).toEqual(['n_3']);
        expect((await store.dueNotices(T + 100, 10)).map((n) => [n.id, n.attempts, n.lastError])).toEqual([
          ['n_3', 0, null],
          ['n_1', 1, 'HTTP 503'],
        ]);
        expect((await store.listNotices({ subjectId: 's_x', limit: 10 })).map((n) => n.id)).toEqual(['n_3', 'n_1']);
        expect((await store.listNotices({ status: 'delivered', limit: 10 })).map((n) => n.id)).toEqual(['n_2']);
        expect((await store.listNotices({ subjectId: 's_x', limit: 10 }))[1].payload).toEqual({ id: 'n_1' });
      });
    });
  });
}
