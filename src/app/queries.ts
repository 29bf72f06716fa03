/**
 * Read paths shared by the CLI and (later) the HTTP API: resolve a subject reference, show a
 * subject as of an instant, check an action. Reads of a person's record and every check are
 * written to the audit log.
 */
import { randomBytes } from 'node:crypto';
import type { Catalog } from '../catalog/types.js';
import type { CheckResult, CreditRecord, Instant, ListEntry, RecordStatus, StatusChange, Subject, SubjectState } from '../domain/types.js';
import { GateIndex } from '../gate/index.js';
import { parseSubjectRef } from '../ids/index.js';
import { evaluateSubject, relatedEntries, statusAt } from '../scoring/index.js';
import { loadCatalogDoc } from '../catalog/load.js';
import type { AppContext } from './context.js';
import { withIsoInstants } from './json.js';

export type Resolved = { ok: true; id: string } | { ok: false; reason: string; known?: false };

/** Resolves `s_…`, `cn-rid:…`, `cn-uscc:…` or `scheme:value` to an internal id. Unknown → `ok: false, known: false`. */
export async function resolveSubject(ctx: AppContext, ref: string): Promise<Resolved> {
  const p = parseSubjectRef(ref);
  if (!p.ok) return { ok: false, reason: p.error };
  if (p.value.type === 'internal') {
    const s = await ctx.store.subjectsBasic([p.value.id]);
    return s.has(p.value.id) ? { ok: true, id: p.value.id } : { ok: false, reason: 'no such subject', known: false };
  }
  const id = await ctx.store.findSubjectByHash(ctx.keyring.hash(p.value.scheme, p.value.value));
  return id ? { ok: true, id } : { ok: false, reason: 'no such subject', known: false };
}

export interface MeasureInForce {
  measure: string;
  action: string;
  effect: string;
  list?: string;
  entryId?: string;
  grade?: string;
  authority: string;
  legalBasis: string;
}

export interface SubjectView {
  subject: Omit<Subject, 'identifiers'> & { identifiers: { scheme: string; masked: string }[] };
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

/** The records known at `asOf` as a timeline (facts stay behind `GET /v1/records/{id}`). */
export function timelineAt(records: readonly CreditRecord[], asOf: Instant): TimelineItem[] {
  return records
    .filter((r) => r.recordedAt <= asOf)
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

/** The measures a subject's entries and grades bring at `asOf`. */
export function measuresInForce(catalog: Catalog, state: SubjectState, related: ListEntry[], asOf: Instant): MeasureInForce[] {
  const out: MeasureInForce[] = [];
  const live = [...state.entries, ...related].filter((e) => e.status === 'active' && e.since <= asOf && (e.until === null || asOf < e.until));
  for (const m of catalog.measures) {
    const base = { measure: m.code, action: m.action, effect: m.effect, authority: m.doc.authority, legalBasis: m.doc.legalBasis };
    if (m.list) for (const e of live) if (e.list === m.list) out.push({ ...base, list: m.list, entryId: e.id });
    if (m.grade) {
      const g = state.schemes.find((s) => s.scheme === m.grade?.scheme)?.grade;
      if (g && m.grade.in.has(g)) out.push({ ...base, grade: `${m.grade.scheme}:${g}` });
    }
  }
  return out;
}

/** The catalog in force at `at`: the current one, or an earlier published version (compiled once). */
export async function catalogAt(ctx: AppContext, at: Instant): Promise<Catalog> {
  const row = await ctx.store.getPublishedCatalog(at);
  if (!row || (row.catalogId === ctx.catalog.id && row.version === ctx.catalog.version)) return ctx.catalog;
  const key = `${row.catalogId}@${row.version}`;
  let c = compiledVersions.get(key);
  if (!c) {
    const r = loadCatalogDoc(row.doc);
    if (!r.ok) return ctx.catalog; // a stored version always compiled when it was published
    c = r.value;
    compiledVersions.set(key, c);
  }
  return c;
}
const compiledVersions = new Map<string, Catalog>();

/** A stored catalog version by `id@version` (compiled once), or null when there is none. */
export async function catalogByRef(ctx: AppContext, ref: string): Promise<Catalog | null> {
  if (ref === `${ctx.catalog.id}@${ctx.catalog.version}`) return ctx.catalog;
  const hit = compiledVersions.get(ref);
  if (hit) return hit;
  const at = ref.lastIndexOf('@');
  const row = at > 0 ? await ctx.store.getCatalogVersion(ref.slice(0, at), ref.slice(at + 1)) : null;
  if (!row) return null;
  const r = loadCatalogDoc(row.doc);
  if (!r.ok) return null;
  compiledVersions.set(ref, r.value);
  return r.value;
}

/**
 * A subject's state exactly as of `asOf`: the records known then, the catalog in force then,
 * and the entries that reached it through the legal roles it held then. `records` are all of the
 * subject's records as stored, later ones too (the caller cuts them at `asOf` as it needs).
 */
export async function liveState(
  ctx: AppContext,
  subject: Pick<Subject, 'id' | 'kind' | 'createdAt'>,
  asOf: Instant,
): Promise<{ catalog: Catalog; state: SubjectState; related: ListEntry[]; records: CreditRecord[] }> {
  const catalog = await catalogAt(ctx, asOf);
  const records = (await ctx.store.recordsOf([subject.id])).get(subject.id) ?? [];
  const state = evaluateSubject(catalog, { subject, records, asOf });
  const related: ListEntry[] = [];
  if (subject.kind === 'person') {
    // The roles held at `asOf`, so an answer about the past binds whoever held the role then.
    const rels = await ctx.store.relationsOfPersons([subject.id], asOf);
    const orgIds = [...new Set(rels.map((r) => r.subjectId))];
    if (orgIds.length) {
      const basics = await ctx.store.subjectsBasic(orgIds);
      const orgRecords = await ctx.store.recordsOf(orgIds);
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
 * A subject as of `asOf`, computed from the records known then (so `--as-of` is exact, not
 * the last stored snapshot). Logs the read when the subject is a person.
 */
export async function subjectView(ctx: AppContext, id: string, asOf: Instant, access: { actor: string; purpose: string; now: Instant; log?: boolean }): Promise<SubjectView | null> {
  const subject = await ctx.store.getSubject(id);
  if (!subject) return null;
  const { catalog, state, related, records: all } = await liveState(ctx, subject, asOf);
  const timeline = timelineAt(all, asOf);
  if (subject.kind === 'person' && access.log !== false) {
    await ctx.store.appendAudit([{ at: access.now, actor: access.actor, action: 'subject.read', subjectId: id, data: { purpose: access.purpose, asOf } }]);
  }
  return {
    subject: { ...subject, identifiers: subject.identifiers.map((i) => ({ scheme: i.scheme, masked: i.masked })) },
    asOf,
    catalog: `${catalog.id}@${catalog.version}`,
    state,
    related,
    measures: measuresInForce(catalog, state, related, asOf),
    records: timeline.length,
    timeline,
  };
}

export interface CheckOutcome extends CheckResult {
  receipt: string;
  catalog: string;
}

/**
 * Decides a check exactly as of `at`: the catalog in force then, the records known then and the
 * roles held then. `subjectId` null (or a subject registered after `at`) answers as unknown.
 * The server answers checks about the present from its in-memory index instead.
 */
export async function decideAt(ctx: AppContext, subjectId: string | null, action: string, at: Instant): Promise<{ result: CheckResult; catalog: string } | { error: string }> {
  const catalog = await catalogAt(ctx, at);
  const gate = new GateIndex(catalog);
  if (!gate.hasAction(action)) return { error: `unknown action '${action}' (catalog ${catalog.id}@${catalog.version})` };
  let known: string | null = null;
  if (subjectId !== null) {
    const subject = (await ctx.store.subjectsBasic([subjectId])).get(subjectId);
    // A subject registered after `at` was not known then.
    if (subject && subject.createdAt <= at) {
      known = subjectId;
      const live = await liveState(ctx, subject, at);
      gate.addSubject(subjectId);
      gate.setEntries(subjectId, [...live.state.entries, ...live.related]);
      gate.setGrades(subjectId, live.state.schemes);
    }
  }
  return { result: gate.check(known, action, at), catalog: `${catalog.id}@${catalog.version}` };
}

/**
 * Checks one subject at instant `at` and writes the decision receipt to the audit log (dated
 * `now`, the moment the question was asked).
 */
export async function checkAction(ctx: AppContext, ref: string, action: string, at: Instant, actor: string, now: Instant = at): Promise<CheckOutcome | { error: string }> {
  const r = await resolveSubject(ctx, ref);
  if (!r.ok && r.known !== false) return { error: r.reason };
  const d = await decideAt(ctx, r.ok ? r.id : null, action, at);
  if ('error' in d) return d;
  const receipt = 'rc_' + randomBytes(16).toString('hex');
  const outcome: CheckOutcome = { ...d.result, receipt, catalog: d.catalog };
  await ctx.store.appendAudit([{ at: now, actor, action: 'check.decided', subjectId: d.result.known ? (d.result.subjectId ?? null) : null, data: withIsoInstants(outcome) }]);
  return outcome;
}
