/**
 * What the contract suites of the sub-ports share: subjects, records, entries, states and audit
 * inputs to store, and small readers of what was stored. Ids are hashes of labels, so their order
 * differs from creation order.
 */
import { createHash } from 'node:crypto';
import { afterEach, beforeEach } from 'vitest';
import type { AuditEntryInput } from '../../audit/index.js';
import type { CatalogDoc } from '../../catalog/types.js';
import type { CreditRecord, EntryStatus, Instant, ListEntry, Relation, SchemeResult, StatusChange, Subject, SubjectKind, SubjectState } from '../../domain/types.js';
import type { CatalogVersionRow, IngestBatch, SaveStates, Store } from '../port/index.js';

/** Returns a fresh, empty store each time (migrations not yet applied). */
export type MakeStore = () => Promise<Store>;

/**
 * Gives each test of the enclosing \`describe\` a fresh store from \`make\`, migrated, through \`set\`;
 * closes it after the test.
 */
export function useFreshStore(make: MakeStore, set: (store: Store) => void): void {
  let store: Store | undefined;

  beforeEach(async () => {
    store = await make();
    set(store);
    await store.migrate();
  });

  afterEach(async () => {
    await store?.close();
  });
}


export const T: Instant = Date.UTC(2026, 4, 15, 8, 0, 0);
export const DAY = 86_400_000;

export const hex = (s: string, n = 24) => createHash('sha256').update(s).digest('hex').slice(0, n);
/** Ids whose order differs from creation order, so that "in id order" means something. */
export const sid = (label: string) => `s_${hex(`subject:${label}`)}`;
export const eid = (label: string) => `e_${hex(`entry:${label}`)}`;
export const rid = (source: string, externalId: string) => `r_${hex(`record:${source}:${externalId}`)}`;

export function subject(label: string, kind: SubjectKind, opts: Partial<Subject> = {}): Subject {
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

export function record(subjectId: string, externalId: string, opts: Partial<CreditRecord> = {}): CreditRecord {
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

export function entry(label: string, list: string, subjectId: string, status: EntryStatus, opts: Partial<ListEntry> = {}): ListEntry {
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

export function scheme(code: string, score: number, grade: string): SchemeResult {
  return { scheme: code, score, grade, base: 1000, breakdown: [] };
}

export function state(subjectId: string, schemes: SchemeResult[], entries: ListEntry[] = [], asOf = T): SubjectState {
  return { subjectId, asOf, catalogVersion: '2026.1', schemes, entries, nextChangeAt: T + 365 * DAY };
}

export function audit(action: string, data: unknown = {}, subjectId: string | null = null): AuditEntryInput {
  return { at: T, actor: 'test:contract', action, subjectId, data };
}

/** The audit callback the ingestion pipeline uses: nothing to say when nothing happened. */
export function ingestAudit(seen?: { inserted: number; duplicates: number; subjects: number }[]): IngestBatch['audit'] {
  return ({ inserted, duplicates, subjects }) => {
    seen?.push({ inserted: inserted.length, duplicates, subjects });
    if (inserted.length === 0 && subjects === 0) return null;
    return { at: T, actor: 'test:contract', action: 'records.ingested', subjectId: null, data: { inserted: inserted.map((r) => r.id).sort(), duplicates, subjects } };
  };
}

export function batch(b: Partial<Omit<IngestBatch, 'audit'>>, auditFn: IngestBatch['audit'] = ingestAudit()): IngestBatch {
  return { subjects: b.subjects ?? [], relations: b.relations ?? [], records: b.records ?? [], replaceRelationsOf: b.replaceRelationsOf, at: b.at, audit: auditFn };
}

export function save(s: Partial<SaveStates>): SaveStates {
  return { states: s.states ?? [], related: s.related ?? [], clearDirty: s.clearDirty ?? [], audit: s.audit ?? null, hashes: s.hashes };
}

export function catalogDoc(version: string, title = `contract catalog ${version}`): CatalogDoc {
  const national = { id: 'national', version: '1', laws: [], categories: [], dataElements: [], nationalMeasures: [], protectedActions: [] };
  return { id: 'contract', version, title: { 'zh-CN': title, en: title }, jurisdiction: 'national', national, sources: [], actions: [], recordTypes: [], schemes: [], lists: [], measures: [] };
}

export function catalogRow(version: string, createdAt: Instant): CatalogVersionRow {
  return { catalogId: 'contract', version, status: 'draft', hash: hex(`catalog:${version}`, 64), doc: catalogDoc(version), createdAt, publishedAt: null };
}

export async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

export async function auditCount(store: Store): Promise<number> {
  return (await collect(store.scanAudit())).length;
}

export async function allDirty(store: Store): Promise<string[]> {
  return (await store.dirtySubjects(1_000_000)).slice().sort();
}

/**
 * A record's status history as the caller wrote it. The port allows the history to start with the
 * implicit `active` at `recordedAt` (domain/types.ts) or to leave it out; nothing else may differ.
 */
export function explicitChanges(rec: CreditRecord): StatusChange[] {
  const s = rec.statuses;
  if (s.length > 0 && s[0].status === 'active' && s[0].at === rec.recordedAt) return s.slice(1);
  return s;
}

export const byId = <X extends { id: string }>(xs: X[]) => xs.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
export const nonZero = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).filter(([, n]) => n !== 0));
export const relKey = (r: Relation) => `${r.subjectId}|${r.role}|${r.personId}`;
