/**
 * The reads use case: a subject's record as of an instant, list entries, one record, the access
 * log, notices, searches, public views and city figures. Every read of a person's data needs a
 * purpose and is written to the audit log here, once, whichever door it came through; identifiers
 * are only ever shown masked.
 */
import { ACCESS_ACTIONS, AUDIT } from '../audit/actions.js';
import type { AuditEntryInput } from '../audit/index.js';
import { onlyAbout } from './audit-index.js';
import { regionName } from '../catalog/region.js';
import type { Catalog } from '../catalog/types.js';
import { ORG_KINDS, type CreditRecord, type Instant, type ListEntry, type LocalText, type RecordStatus, type StatusChange, type Subject, type SubjectState } from '../domain/types.js';
import { validateUscc } from '../ids/index.js';
import { publicView } from '../process/public-view.js';
import { evaluateSubject, relatedEntries, statusAt } from '../scoring/index.js';
import { withheldWhileBlack } from '../scoring/red-black.js';
import type { CaseRow, NoticeRow, StoreSummary } from '../store/port.js';
import type { Caller } from './access.js';
import { catalogAt } from './catalog.js';
import { repairOptions } from './repair-options.js';
import { batchDecisionFor } from './receipts.js';
import { pastRetention } from './tick.js';
import { adulthood } from './derive.js';
import type { App } from './context.js';
import { AppError, invalid, notFound } from './errors.js';
import { logReadOf, readPurpose, refsInQuery, requiredPurpose, requireSubject, resolveRef } from './subjects.js';

export interface MeasureInForce {
  measure: string;
  action: string;
  effect: string;
  list?: string;
  entryId?: string;
  grade?: string;
  authority: LocalText;
  legalBasis: LocalText;
}

export interface SubjectView {
  /** `regionName`: the full name of the GB/T 2260 `region` (`regionName` in catalog/region.ts). */
  subject: Omit<Subject, 'identifiers'> & { regionName: LocalText | null; identifiers: { scheme: string; masked: string }[] };
  asOf: Instant;
  catalog: string;
  state: SubjectState;
  /** Entries that reach this subject through a legal role in an organisation. */
  related: ListEntry[];
  measures: MeasureInForce[];
  records: number;
  /** The records known at `asOf`, newest `occurredAt` first, without their facts. */
  timeline: TimelineItem[];
}

/** A record in a subject's timeline: what happened, when it was learnt, and its status then. */
export interface TimelineItem {
  id: string;
  type: string;
  area: CreditRecord['area'];
  source: string;
  occurredAt: Instant;
  recordedAt: Instant;
  /** The status in effect at the view's `asOf`. */
  status: RecordStatus;
  /** The status history up to `asOf`, oldest first. */
  statuses: StatusChange[];
}

/**
 * The records known at `asOf` as a timeline (facts stay behind `GET /v1/records/{id}`). `gone`
 * says which records are past their retention now: they are left out, whatever `asOf` is.
 */
export function timelineAt(records: readonly CreditRecord[], asOf: Instant, gone: (r: CreditRecord) => boolean = () => false): TimelineItem[] {
  return records
    .filter((r) => r.recordedAt <= asOf && !gone(r))
    .map((r) => ({
      id: r.id,
      type: r.type,
      area: r.area,
      source: r.source,
      occurredAt: r.occurredAt,
      recordedAt: r.recordedAt,
      status: statusAt(r, asOf) as RecordStatus,
      statuses: r.statuses.filter((c) => c.at <= asOf),
    }))
    .sort((a, b) => b.occurredAt - a.occurredAt || b.recordedAt - a.recordedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The measures a subject's entries and grades bring at `asOf`, as the gate applies them: while a
 * black-list entry of the subject's own is in effect, no red-list measure and no reward or
 * priority for a good grade.
 */
export function measuresInForce(catalog: Catalog, state: SubjectState, related: ListEntry[], asOf: Instant): MeasureInForce[] {
  const out: MeasureInForce[] = [];
  const live = [...state.entries, ...related].filter((e) => e.status === 'active' && e.since <= asOf && (e.until === null || asOf < e.until));
  const black = state.entries.some((e) => e.status === 'active' && e.since <= asOf && (e.until === null || asOf < e.until) && catalog.listsByCode.get(e.list)?.doc.color === 'black');
  for (const m of catalog.measures) {
    if (black && withheldWhileBlack(catalog, m)) continue;
    const base = { measure: m.code, action: m.action, effect: m.effect, authority: m.doc.authority, legalBasis: m.basis };
    if (m.list) for (const e of live) if (e.list === m.list) out.push({ ...base, list: m.list, entryId: e.id });
    if (m.grade) {
      const g = state.schemes.find((s) => s.scheme === m.grade?.scheme)?.grade;
      if (g && m.grade.in.has(g)) out.push({ ...base, grade: `${m.grade.scheme}:${g}` });
    }
  }
  return out;
}

/**
 * A subject's state exactly as of `asOf`: the records known then, the catalog in force then,
 * and the entries that reached it through the legal roles it held then. `records` are all of the
 * subject's records as stored, later ones too (the caller cuts them at `asOf` as it needs).
 */
export async function liveState(
  app: App,
  subject: Pick<Subject, 'id' | 'kind' | 'createdAt'>,
  asOf: Instant,
): Promise<{ catalog: Catalog; state: SubjectState; related: ListEntry[]; records: CreditRecord[] }> {
  const { store } = app.ctx;
  const catalog = await catalogAt(app, asOf);
  const records = (await store.recordsOf([subject.id])).get(subject.id) ?? [];
  const adultFrom = (await adulthood(app.ctx, [subject], new Map([[subject.id, records]]))).get(subject.id);
  const state = evaluateSubject(catalog, { subject, records, asOf, adultFrom });
  const related: ListEntry[] = [];
  if (subject.kind === 'person') {
    // The roles held at `asOf`, so an answer about the past binds whoever held the role then.
    const rels = await store.relationsOfPersons([subject.id], asOf);
    const orgIds = [...new Set(rels.map((r) => r.subjectId))];
    if (orgIds.length) {
      const basics = await store.subjectsBasic(orgIds);
      const orgRecords = await store.recordsOf(orgIds);
      for (const orgId of orgIds) {
        const org = basics.get(orgId);
        if (!org) continue;
        const orgState = evaluateSubject(catalog, { subject: org, records: orgRecords.get(orgId) ?? [], asOf });
        related.push(...relatedEntries(catalog, orgState.entries, rels.filter((r) => r.subjectId === orgId && r.personId === subject.id)));
      }
    }
  }
  return { catalog, state, related, records };
}

/**
 * A subject as of `asOf`, computed from the records known then (so an as-of read is exact, not
 * the last stored snapshot). A read of a person's record by anyone but the person is logged with
 * its purpose (`purpose: null` is the person's own read, which is not).
 */
async function subjectView(app: App, id: string, asOf: Instant, access: { actor: string; purpose: string | null }): Promise<SubjectView> {
  const subject = await app.ctx.store.getSubject(id);
  if (!subject) throw notFound('no subject has this reference', 'ref');
  const { catalog, state, related, records: all } = await liveState(app, subject, asOf);
  const now = app.now();
  const timeline = timelineAt(all, asOf, (r) => pastRetention(app.ctx.catalog, r, now));
  if (subject.kind === 'person' && access.purpose !== null) {
    await app.ctx.store.appendAudit([{ at: app.now(), actor: access.actor, action: AUDIT.subjectRead, subjectId: id, data: { purpose: access.purpose, asOf } }]);
  }
  return {
    subject: { ...subject, regionName: regionName(subject.region), identifiers: subject.identifiers.map((i) => ({ scheme: i.scheme, masked: i.masked })) },
    asOf,
    catalog: `${catalog.id}@${catalog.version}`,
    state,
    related,
    measures: measuresInForce(catalog, state, related, asOf),
    records: timeline.length,
    timeline,
  };
}

/** An access-log line: who read the record or checked the subject, when and why. */
export interface AccessLogItem {
  at: Instant;
  action: string;
  by: { name: string; role: string; id?: string };
  purpose: string | null;
  /** For a check: the action it was about (its `purpose` is `check: <action>`, in English), so a reader can be told it in their language. */
  checkedAction?: string;
  decision?: unknown;
  receipt?: unknown;
}

/**
 * Every read of a subject's record (with its purpose) and every check about it, newest first:
 * the access log the subject sees at /v1/me and a reviewer sees with the record.
 */
export async function accessLogOf(app: App, id: string, limit: number): Promise<AccessLogItem[]> {
  // Checks are written to the chain in batches: the log shows one made a moment ago too.
  await app.receipts.flush();
  const found = await app.ctx.store.auditPage({ limit, subjectId: id, actions: [...ACCESS_ACTIONS] });
  // The access-log index is outside the hash chain: show only entries the chain says are about them.
  const entries = await onlyAbout(app.ctx.store, found, id);
  const keys = new Map((await app.ctx.store.listApiKeys()).map((k) => [`key:${k.id}`, k]));
  return entries.map((e) => {
    const d = (e.data ?? {}) as Record<string, unknown>;
    const key = keys.get(e.actor);
    return {
      at: e.at,
      action: e.action,
      by: key ? { name: key.name, role: key.role, id: key.id } : { name: e.actor, role: e.actor.split(':')[0] },
      purpose: typeof d.purpose === 'string' ? d.purpose : e.action === AUDIT.checkDecided ? `check: ${String(d.action)}` : null,
      ...(e.action === AUDIT.checkDecided ? { decision: d.batch === true ? batchDecisionFor(d, id) : d.decision, receipt: d.receipt, ...(typeof d.action === 'string' ? { checkedAction: d.action } : {}) } : {}),
    };
  });
}

/** A reviewer's (or operator's) read of a subject's record, with its purpose, and the record's access log. */
export async function readSubject(app: App, o: { ref: string; asOf?: Instant; purpose: string; actor: string; accessLog?: number }): Promise<SubjectView & { accessLog?: AccessLogItem[] }> {
  const purpose = readPurpose(o.purpose);
  const id = await requireSubject(app, o.ref, 'ref');
  const view = await subjectView(app, id, o.asOf ?? app.now(), { actor: o.actor, purpose });
  // Who read this record and why, and the checks made about it (this read included): what the subject sees.
  return o.accessLog ? { ...view, accessLog: await accessLogOf(app, id, o.accessLog) } : view;
}

/** A subject's own record, the access log of others' reads, and the notices sent to them. Reading one's own record is not logged. */
export async function readOwnRecord(app: App, o: { subjectId: string; asOf?: Instant; limit: number }) {
  const view = await subjectView(app, o.subjectId, o.asOf ?? app.now(), { actor: '', purpose: null }).catch((e) => {
    if (e instanceof AppError && e.kind === 'not-found') throw notFound('your subject record no longer exists');
    throw e;
  });
  const accessLog = await accessLogOf(app, o.subjectId, o.limit);
  // What the subject has been told (listings, records added, objections, repairs), newest first.
  const notices = (await app.ctx.store.listNotices({ subjectId: o.subjectId, limit: o.limit })).map((n) => ({ id: n.id, kind: n.kind, at: n.createdAt, ...n.payload, delivery: n.status }));
  // Whether each record in effect and each list entry may be repaired now, and if not why and from when.
  const { records, entries } = await repairOptions(app, o.subjectId);
  return { record: view, accessLog, notices, repair: { records, entries } };
}

/** Who a list shows: organisations by name and code (public registry data); persons only by a masked identifier. */
export interface ListedSubject {
  kind: string;
  name: string | null;
  identifier: string | null;
  region: string;
  regionName: LocalText | null;
}

export const ALL_ENTRY_STATUSES: ListEntry['status'][] = ['pending', 'active', 'suspended', 'exited', 'expired', 'escalated'];

/** A page of a list's entries with who is listed (`listEntries` without its logging: a caller logs the read). */
export async function listEntriesPage(app: App, o: { list: string; limit: number; after?: string; all?: boolean }): Promise<{ list: string; entries: (ListEntry & { subject: ListedSubject | null })[]; next: string | null }> {
  const { store, catalog } = app.ctx;
  if (!catalog.listsByCode.has(o.list)) throw notFound(`the catalog in force has no list '${o.list}'; it has: ${[...catalog.listsByCode.keys()].join(', ')}`, 'code');
  const entries = await store.listEntries({ list: o.list, limit: o.limit, after: o.after, statuses: o.all ? ALL_ENTRY_STATUSES : undefined });
  const who: Record<string, ListedSubject> = {};
  for (const id of new Set(entries.map((e) => e.subjectId))) {
    const s = await store.getSubject(id);
    if (s) who[id] = { kind: s.kind, name: s.kind === 'person' ? null : s.name, identifier: s.identifiers[0]?.masked ?? null, region: s.region, regionName: regionName(s.region) };
  }
  const next = entries.length === o.limit && entries.length > 0 ? entries[entries.length - 1].id : null;
  return { list: o.list, entries: entries.map((e) => ({ ...e, subject: who[e.subjectId] ?? null })), next };
}

/**
 * Entries of a list, in id order (pending and active; with `all`, ended ones too), with who is
 * listed. Each person shown gets the read, with its purpose, in their own access log.
 */
export async function listEntries(app: App, o: { list: string; limit: number; after?: string; all?: boolean; purpose: string; actor: string }): Promise<{ list: string; entries: (ListEntry & { subject: ListedSubject | null })[]; next: string | null }> {
  const purpose = readPurpose(o.purpose);
  const page = await listEntriesPage(app, o);
  const now = app.now();
  const persons = new Set(page.entries.filter((e) => e.subject?.kind === 'person').map((e) => e.subjectId));
  const reads: AuditEntryInput[] = [...persons].map((id) => ({ at: now, actor: o.actor, action: AUDIT.listRead, subjectId: id, data: { list: o.list, purpose } }));
  if (reads.length > 0) await app.ctx.store.appendAudit(reads);
  return page;
}

/**
 * One record with its status history. A source sees only what it sent; a read of a person's record
 * is logged with its purpose. A record past its retention is not found: its facts are deleted (or
 * about to be, at the next tick), and what is kept of it (id, type, subject, dates, status
 * history) serves the audit chain and old receipts, not reads.
 */
export async function readRecord(app: App, caller: Caller, o: { id: string; purpose: string }): Promise<CreditRecord> {
  const purpose = readPurpose(o.purpose);
  const { store } = app.ctx;
  const rec = await store.getRecord(o.id);
  if (!rec || (caller.role === 'source' && rec.source !== caller.source)) throw notFound('no record has this id', 'id');
  if (pastRetention(app.ctx.catalog, rec, app.now())) throw notFound('this record has expired: its retention period ended and its facts were deleted', 'id');
  const subject = (await store.subjectsBasic([rec.subjectId])).get(rec.subjectId);
  if (subject?.kind === 'person') {
    await store.appendAudit([{ at: app.now(), actor: caller.actor, action: AUDIT.recordRead, subjectId: rec.subjectId, data: { record: rec.id, purpose } }]);
  }
  return rec;
}

/** A subject as a search shows it: a person by name only to a reviewer who gave a purpose, identifiers masked. */
export interface SearchResult {
  id: string;
  kind: Subject['kind'];
  name: string | null;
  region: string;
  regionName: LocalText | null;
  identifiers: { scheme: string; masked: string }[];
}

const searchResult = (s: Subject, personsNamed: boolean): SearchResult => ({
  id: s.id,
  kind: s.kind,
  name: s.kind === 'person' && !personsNamed ? null : s.name,
  region: s.region,
  regionName: regionName(s.region),
  identifiers: s.identifiers.map((i) => ({ scheme: i.scheme, masked: i.masked })),
});

/** A search counts its matches up to this many; past it the count says `countCapped`. */
export const SEARCH_COUNT_MAX = 10_000;

/** A page of a search, the number found in all (up to `SEARCH_COUNT_MAX`), and the cursor of the next page. */
export interface SearchPage {
  results: SearchResult[];
  count: number;
  countCapped: boolean;
  next: string | null;
}

/**
 * A page of a reviewer's search (`searchSubjects` without its logging: a caller logs the read).
 * Organisations whose name contains `q`; with a purpose, persons whose whole name is `q`, shown by
 * name; when `q` is a subject reference or a bare code or ID number, the subject it names first
 * (on the first page), of any kind. A name of a person searched without a purpose is refused,
 * naming `purpose`. By name then id; `after` is the last id of the page before.
 */
export async function searchPage(app: App, o: SearchFor & { limit: number; after?: string; purpose?: string }): Promise<SearchPage> {
  if (o.scheme !== undefined || o.grade !== undefined) return gradePage(app, o);
  if (o.q === undefined) throw invalid('q is required: part of a name or a subject reference (or scheme and grade, for the subjects holding a grade)', 'q');
  const q = o.q.trim();
  const purpose = o.purpose === undefined || o.purpose === '' ? undefined : readPurpose(o.purpose);
  const refs = refsInQuery(q);
  const { store } = app.ctx;
  // A reference or a code is not a name: it finds the subject it names, not persons called so.
  const persons = refs.length === 0 && purpose !== undefined;
  if (refs.length === 0 && purpose === undefined && (await store.countSubjects({ name: q, kinds: [], persons: true, max: 1 })) > 0) {
    throw invalid('q is the name of a person: persons are found by name only with `purpose`, why you look for them; it is logged, and shown to each person found', 'purpose');
  }
  const named: Subject[] = [];
  for (const ref of refs) {
    // A search text that only looks like a reference (`abc:def`) is searched as a name.
    const id = await resolveRef(app, ref, 'q').catch((e) => {
      if (e instanceof AppError && e.code === 'XY_ERR_UNKNOWN_SCHEME') return null;
      throw e;
    });
    const s = id ? await store.getSubject(id) : null;
    if (s && !named.some((x) => x.id === s.id)) named.push(s);
  }
  const search = { name: q, kinds: [...ORG_KINDS], persons };
  const found = (await store.searchSubjects({ ...search, after: o.after, limit: o.limit + 1 + named.length })).filter((s) => !named.some((x) => x.id === s.id));
  const page = found.slice(0, o.limit);
  const counted = named.length + (await store.countSubjects({ ...search, max: SEARCH_COUNT_MAX + 1 }));
  return {
    results: [...(o.after === undefined ? named : []), ...page].map((s) => searchResult(s, purpose !== undefined)),
    count: Math.min(counted, SEARCH_COUNT_MAX),
    countCapped: counted > SEARCH_COUNT_MAX,
    next: found.length > o.limit ? page[page.length - 1].id : null,
  };
}

/**
 * The subjects holding `grade` of `scheme` now (the bars of the overview's grade charts), by id:
 * persons by name only with a purpose, as a search shows them. `after` is the last id of the page
 * before. A scheme the catalog in force does not have, or a grade it does not give, is refused
 * naming the field.
 */
async function gradePage(app: App, o: SearchFor & { limit: number; after?: string; purpose?: string }): Promise<SearchPage> {
  if (o.q !== undefined) throw invalid('q and scheme/grade exclude each other: search by name or reference, or list the subjects holding a grade', 'q');
  if (o.scheme === undefined) throw invalid('scheme is required with grade', 'scheme');
  if (o.grade === undefined) throw invalid('grade is required with scheme', 'grade');
  const scheme = app.ctx.catalog.schemes.find((x) => x.code === o.scheme);
  if (!scheme) throw invalid(`scheme: the catalog in force has no scheme ${o.scheme}`, 'scheme');
  if (!scheme.grades.includes(o.grade)) throw invalid(`grade: scheme ${o.scheme} gives the grades ${scheme.grades.join(', ')}`, 'grade');
  const purpose = o.purpose === undefined || o.purpose === '' ? undefined : readPurpose(o.purpose);
  const ids: string[] = [];
  for await (const g of app.ctx.store.scanGrades()) if (g.grades[scheme.code] === o.grade) ids.push(g.subjectId);
  ids.sort();
  const after = o.after;
  const from = after === undefined ? 0 : ids.findIndex((id) => id > after);
  const start = from < 0 ? ids.length : from;
  const pageIds = ids.slice(start, start + o.limit);
  const subjects = await Promise.all(pageIds.map((id) => app.ctx.store.getSubject(id)));
  return {
    results: subjects.filter((x): x is Subject => x !== null).map((x) => searchResult(x, purpose !== undefined)),
    count: Math.min(ids.length, SEARCH_COUNT_MAX),
    countCapped: ids.length > SEARCH_COUNT_MAX,
    next: start + o.limit < ids.length ? pageIds[pageIds.length - 1] : null,
  };
}

/** What a reviewer looks for: part of a name or a reference (`q`), or the subjects holding a grade (`scheme` and `grade`). */
export interface SearchFor {
  q?: string;
  scheme?: string;
  grade?: string;
}

/**
 * A reviewer's search (`searchPage`). Without a purpose it reads no one's data: persons appear
 * only when a reference names them, without a name, and nothing is logged. With one, each person
 * shown (by name) has the search, with its purpose, in their access log (`search.read`).
 */
export async function searchSubjects(app: App, o: SearchFor & { limit: number; after?: string; purpose?: string; actor: string }): Promise<SearchPage> {
  const page = await searchPage(app, o);
  if (o.purpose !== undefined && o.purpose !== '') {
    const purpose = readPurpose(o.purpose);
    const now = app.now();
    const reads: AuditEntryInput[] = page.results.filter((s) => s.kind === 'person').map((s) => ({ at: now, actor: o.actor, action: AUDIT.searchRead, subjectId: s.id, data: { purpose } }));
    if (reads.length > 0) await app.ctx.store.appendAudit(reads);
  }
  return page;
}

/** The public search: organisations by name or unified social credit code; persons never. */
export async function publicSearch(app: App, o: { q: string; limit: number }) {
  const q = o.q.trim();
  const code = q.toUpperCase();
  const summary = (s: Subject) => ({ id: s.id, kind: s.kind, name: s.name, region: s.region, regionName: regionName(s.region), identifiers: s.identifiers.map((i) => ({ scheme: i.scheme, value: i.masked })) });
  if (code.length === 18 && validateUscc(code).ok) {
    const id = await resolveRef(app, `cn-uscc:${code}`, 'q');
    const s = id ? await app.ctx.store.getSubject(id) : null;
    return s && s.kind !== 'person' ? [summary(s)] : [];
  }
  return (await app.ctx.store.searchSubjects({ name: q, kinds: [...ORG_KINDS], limit: o.limit })).map(summary);
}

/**
 * The public record of an organisation, or of a person given their full ID number and exact name
 * together (so the portal cannot be used to browse persons); the person's lookup is in their
 * access log. Anything else is not found.
 */
export async function publicSubject(app: App, o: { ref: string; name?: string }) {
  const { store } = app.ctx;
  const ref = o.ref.trim();
  const none = () => notFound('no public record matches', 'ref');
  const id = await resolveRef(app, ref, 'ref');
  const s = id ? await store.getSubject(id) : null;
  if (!s) throw none();
  const now = app.now();
  if (s.kind === 'person') {
    // A person known only from records has no name on file: then there is no name to match,
    // and a blank one must not stand in for it.
    const given = o.name?.trim() ?? '';
    if (!ref.startsWith('cn-rid:') || given === '' || s.name.trim() === '' || given !== s.name.trim()) throw none();
    await store.appendAudit([{ at: now, actor: 'public', action: AUDIT.publicRead, subjectId: s.id, data: { purpose: 'public lookup by ID number and name' } }]);
  }
  const state = await store.getState(s.id);
  const entries = state ? [...state.state.entries, ...state.related] : [];
  const records = s.kind === 'person' ? [] : ((await store.recordsOf([s.id])).get(s.id) ?? []);
  return publicView(app.ctx.catalog, s, entries, records, now);
}

/**
 * The notice outbox: what subjects and sources are told, and its delivery state. The notices of
 * one subject are a read of that person's data: with a purpose, in their access log.
 */
export async function listNotices(app: App, o: { subject?: string; status?: NoticeRow['status']; limit: number; purpose?: string; actor: string }): Promise<NoticeRow[]> {
  const purpose = o.subject !== undefined ? requiredPurpose(o.purpose, 'the notices') : undefined;
  const subjectId = o.subject !== undefined ? await requireSubject(app, o.subject, 'subject') : undefined;
  const rows = await app.ctx.store.listNotices({ subjectId, status: o.status, limit: o.limit });
  if (purpose !== undefined && subjectId !== undefined) await logReadOf(app, subjectId, { actor: o.actor, action: AUDIT.noticesRead, purpose, data: { notices: rows.length } });
  return rows;
}

/** Figures of the whole city (counts only: no subject is named, nothing is added to an access log). */
export async function cityFigures(app: App): Promise<{ asOf: Instant; catalog: Catalog; summary: StoreSummary; cases: Record<'objections' | 'repairs', { open: number; overdue: number }> }> {
  const now = app.now();
  const { store } = app.ctx;
  const queue = async (kind: CaseRow['kind']) => ({ open: await store.countCases({ kind, statuses: ['open'] }), overdue: await store.countCases({ kind, statuses: ['open'], deadlineBefore: now }) });
  const summary = await store.summary();
  return { asOf: now, catalog: app.ctx.catalog, summary, cases: { objections: await queue('objection'), repairs: await queue('repair') } };
}

/** The city's summary (the demo prints it). */
export function summary(app: App): Promise<StoreSummary> {
  return app.ctx.store.summary();
}
