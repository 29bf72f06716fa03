/**
 * The cases use case: due process. Objections (file, extend, decide), repair applications (apply,
 * decide) and credit commitments (make, report a breach), for every door. The process core
 * (`process/objections.ts`, `repairs.ts`, `commitments.ts`) decides each step; this module loads
 * the case and its record, stores the step with its effects in one transaction (only if the case
 * is unchanged since it was read), and derives the subject's new state; `write()` brings the gate
 * up to date before the caller hears back.
 */
import { randomBytes } from 'node:crypto';
import { AUDIT } from '../audit/actions.js';
import type { AuditEntryInput } from '../audit/index.js';
import type { Instant } from '../domain/types.js';
import { Ingestor } from '../ingest/ingestor.js';
import { breachCommitment as breachRule, makeCommitment as makeRule, type Commitment } from '../process/commitments.js';
import { currentStatus, decideObjection as decideObjectionRule, extendObjection as extendRule, fileObjection as fileRule, type CaseStep, type Objection, type ObjectionDecision, type StepResult } from '../process/objections.js';
import { applicationRefusals, applyForRepair as applyRule, decideRepair as decideRepairRule, repairability, type Repair, type RepairRefusal } from '../process/repairs.js';
import { CaseConflictError, type CaseEffects, type CaseRow, type EvidenceRow } from '../store/port.js';
import { scopeAllows, type Caller } from './access.js';
import { write, type App } from './context.js';
import { deriveDirty, outbox } from './derive.js';
import { AppError, conflict, invalid, notFound } from './errors.js';
import { noIdNumber } from './checks.js';
import { withIsoInstants } from './json.js';
import { logReadOf, requiredPurpose, requireSubject } from './subjects.js';
import { pastRetention } from './tick.js';

const newId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

type AnyCase = { id: string; subjectId: string; status: string; deadline?: Instant };

/** A step the process core refused: the case is not in a state that allows it. */
function unwrap<C>(r: StepResult<C>): CaseStep<C> {
  if (!r.ok) throw conflict(`${r.error.field}: ${r.error.reason}`, r.error.field);
  return r.value;
}

/** A case of `kind` by id; a subject sees only its own (another's is not found). */
async function loadCase<D>(app: App, id: string, kind: CaseRow['kind'], caller?: Pick<Caller, 'role' | 'subjectId'>): Promise<CaseRow & { doc: D }> {
  const c = await app.ctx.store.getCase(id);
  if (!c || c.kind !== kind || (caller?.role === 'subject' && caller.subjectId !== c.subjectId)) throw notFound(`no ${kind} has this id`, 'id');
  return c as CaseRow & { doc: D };
}

/** Stores a step if the case is still in `expectStatus` (null: it must not exist yet), then derives. */
async function commitStep(app: App, kind: CaseRow['kind'], step: CaseStep<AnyCase>, createdAt: Instant, audit: AuditEntryInput, expectStatus: string | null, newCases?: CaseEffects['newCases']): Promise<void> {
  const c = step.case;
  try {
    await app.ctx.store.saveCase({ id: c.id, kind, subjectId: c.subjectId, status: c.status, deadline: c.deadline ?? null, createdAt, doc: c as unknown as Record<string, unknown> }, { expectStatus, statuses: step.statuses, notices: outbox(step.notices), audit, newCases });
  } catch (e) {
    if (e instanceof CaseConflictError) throw conflict(`${e.message}; read it again before acting on it`);
    throw e;
  }
  await deriveDirty(app.ctx, app.ctx.catalog, app.now(), 1000);
}

/** The open case of `kind` on a record, if any. */
async function openCaseOn(app: App, kind: CaseRow['kind'], subjectId: string, recordId: string): Promise<string | null> {
  const open = await app.ctx.store.listCases({ kind, statuses: ['open'], subjectId, limit: 1000 });
  return open.find((c) => (c.doc as { recordId?: string }).recordId === recordId)?.id ?? null;
}

/** The subject a caller acts for: a subject acts for itself; staff act for the record's subject. */
function actingFor(caller: Caller, recordSubject: string): string {
  if (caller.role === 'subject' && caller.subjectId !== recordSubject) throw notFound('no record of yours has this id', '/recordId');
  return recordSubject;
}

/** The record an objection is about: given, or the one that caused the given list entry. */
async function recordToObjectTo(app: App, caller: Caller, b: { recordId?: string; entryId?: string; subject?: string }): Promise<string> {
  if ((b.recordId === undefined) === (b.entryId === undefined)) throw invalid('give either recordId or entryId', '/recordId');
  if (b.recordId !== undefined) return b.recordId;
  const subjectId = caller.role === 'subject' ? (caller.subjectId as string) : b.subject ? await requireSubject(app, b.subject, '/subject') : null;
  if (!subjectId) throw invalid('with entryId, name the subject whose entry it is', '/subject');
  const st = await app.ctx.store.getState(subjectId);
  const entry = st?.state.entries.find((e) => e.id === b.entryId);
  if (!entry) throw notFound('no list entry of this subject has this id', '/entryId');
  const cause = entry.reasons.find((r) => r.recordId)?.recordId;
  if (!cause) throw conflict('this entry follows from a grade, not a record: object to the records behind the grade', '/entryId');
  return cause;
}

/**
 * Objects to a record, or to a list entry (the record that caused it). The record is flagged
 * `disputed` at once; the credit office must decide within the catalog's working days. A subject
 * objects to their own records; a reviewer may file for a subject.
 */
export async function fileObjection(app: App, caller: Caller, b: { recordId?: string; entryId?: string; subject?: string; reasons: string; attachments?: string[] }): Promise<Objection> {
  noIdNumber(b.reasons, '/reasons');
  for (const [i, a] of (b.attachments ?? []).entries()) noIdNumber(a, `/attachments/${i}`);
  return write(app, async () => {
    const recordId = await recordToObjectTo(app, caller, b);
    const rec = await app.ctx.store.getRecord(recordId);
    if (!rec) throw notFound('no record has this id', '/recordId');
    const subjectId = actingFor(caller, rec.subjectId);
    // One objection per record: once one is upheld, the decision stands (a further challenge
    // goes to the authority that made the record, or to court), so refiling cannot keep
    // suspending an entry.
    const earlier = (await app.ctx.store.listCases({ kind: 'objection', subjectId, limit: 10_000 })).find((c) => (c.doc as { recordId?: string }).recordId === rec.id && c.status === 'upheld');
    if (earlier) throw conflict(`objection ${earlier.id} to this record was upheld; challenge the record with the authority that made it`, '/recordId');
    const at = app.now();
    const step = unwrap(fileRule({ id: newId('ob'), record: rec, subjectId, reasons: b.reasons, attachments: b.attachments ?? [], by: caller.actor, at, calendar: app.calendar, days: app.ctx.catalog.dueProcess.objectionDays }));
    await commitStep(app, 'objection', step, at, { at, actor: caller.actor, action: AUDIT.objectionFiled, subjectId, data: { objection: step.case.id, record: rec.id, deadline: step.case.deadline } }, null);
    return step.case;
  });
}

/** Extends an objection's deadline to the catalog's extended period (another unit must verify). */
export async function extendObjection(app: App, caller: Pick<Caller, 'actor'>, id: string): Promise<Objection> {
  return write(app, async () => {
    const c = await loadCase<Objection>(app, id, 'objection');
    const at = app.now();
    const step = unwrap(extendRule(c.doc, at, app.calendar, app.ctx.catalog.dueProcess.objectionDaysExtended));
    // Who extended it and when, for the case's history.
    step.case = { ...step.case, extendedAt: at, extendedBy: caller.actor } as Objection;
    await commitStep(app, 'objection', step, c.createdAt, { at, actor: caller.actor, action: AUDIT.objectionExtended, subjectId: c.subjectId, data: { objection: c.id, deadline: step.case.deadline } }, c.status);
    return step.case;
  });
}

/**
 * Decides an objection. `upheld`: the record stands. `revoked`: it is treated as never true.
 * `corrected`: a corrected record (same source, type, subject and date, the new facts) replaces it.
 */
export async function decideObjection(app: App, caller: Pick<Caller, 'actor'>, id: string, d: { decision: ObjectionDecision; reason: string; facts?: Record<string, unknown> }): Promise<Objection> {
  noIdNumber(d.reason, '/reason');
  return write(app, async () => {
    const c = await loadCase<Objection>(app, id, 'objection');
    const rec = await app.ctx.store.getRecord(c.doc.recordId);
    if (!rec) throw notFound('the disputed record no longer exists');
    const at = app.now();
    const step = unwrap(decideObjectionRule(c.doc, { decision: d.decision, reason: d.reason, by: caller.actor, at, correctedFacts: d.facts, recordStatus: currentStatus(rec, at) }));
    if (d.decision === 'corrected') {
      // The corrected record's id is fixed by the objection, so a retry finds it stored (a
      // duplicate) rather than adding another.
      const ingestor = new Ingestor(app.ctx.store, app.ctx.catalog, app.ctx.keyring, { now: () => at, actor: caller.actor, deriveEachBatch: false });
      const [r] = await ingestor.ingestBatch([{ source: rec.source, line: { externalId: `corr-${c.id}`, type: rec.type, subject: rec.subjectId, occurredAt: new Date(rec.occurredAt).toISOString(), facts: d.facts } }]);
      if (r.status === 'rejected') {
        const inFacts = r.error.field.startsWith('facts');
        throw inFacts ? invalid(`${r.error.field}: ${r.error.reason}`, '/' + r.error.field.split('.').join('/')) : conflict(`${r.error.field}: ${r.error.reason}`, '/');
      }
    }
    await commitStep(app, 'objection', step, c.createdAt, { at, actor: caller.actor, action: AUDIT.objectionDecided, subjectId: c.subjectId, data: { objection: c.id, record: c.doc.recordId, decision: d.decision, reason: d.reason } }, c.status);
    return step.case;
  });
}

/** A credit commitment, made by a subject. */
export async function makeCommitment(app: App, caller: Caller, b: { text: string; purpose: string }): Promise<Commitment> {
  noIdNumber(b.text, '/text');
  noIdNumber(b.purpose, '/purpose');
  const at = app.now();
  const cm = makeRule({ id: newId('cm'), subjectId: caller.subjectId as string, text: b.text, purpose: b.purpose, by: caller.actor, at });
  await app.ctx.store.saveCase(
    { id: cm.id, kind: 'commitment', subjectId: cm.subjectId, status: 'made', deadline: null, createdAt: at, doc: cm as unknown as Record<string, unknown> },
    { audit: { at, actor: caller.actor, action: AUDIT.commitmentMade, subjectId: cm.subjectId, data: { commitment: cm.id, purpose: cm.purpose } } },
  );
  return cm;
}

/** A source reports a breach of a commitment: it becomes a `commitment.breached` record, once per commitment. */
export async function breachCommitment(app: App, caller: Caller, id: string, b: { approval: string; occurredAt?: Instant }): Promise<Commitment & { record: string | undefined }> {
  noIdNumber(b.approval, '/approval');
  if (!scopeAllows(caller.scopes, 'commitment.breached')) throw new AppError('XY_ERR_OUT_OF_SCOPE', 'this key’s scopes do not cover commitment.breached', { field: '/' });
  return write(app, async () => {
    const c = await loadCase<Commitment>(app, id, 'commitment');
    const at = app.now();
    const occurredAt = b.occurredAt ?? at;
    const r0 = breachRule(c.doc, { at, occurredAt });
    if (!r0.ok) throw r0.error.conflict ? conflict(r0.error.reason) : invalid(`occurredAt: ${r0.error.reason}`, r0.error.field);
    const ingestor = new Ingestor(app.ctx.store, app.ctx.catalog, app.ctx.keyring, { now: () => at, actor: caller.actor, deriveEachBatch: false });
    // One breach record per commitment (its id is fixed by the commitment).
    const [r] = await ingestor.ingestBatch([{ source: caller.source as string, line: { externalId: `commitment-breach-${c.id}`, type: 'commitment.breached', subject: c.subjectId, occurredAt: new Date(occurredAt).toISOString(), facts: { commitmentId: c.id, approval: b.approval } } }]);
    if (r.status === 'rejected') throw new AppError(r.error.forbidden ? 'XY_ERR_OUT_OF_SCOPE' : 'XY_ERR_VALIDATION', `${r.error.field}: ${r.error.reason}`, { field: `/${r.error.field}` });
    const { status: _s, ...doc } = r0.value;
    const step: CaseStep<Commitment & { status: string }> = { case: r0.value, statuses: [], notices: [] };
    await commitStep(app, 'commitment', step, c.createdAt, { at, actor: caller.actor, action: AUDIT.commitmentBreached, subjectId: c.subjectId, data: { commitment: c.id, record: r.recordId } }, c.status);
    return { ...doc, record: r.recordId };
  });
}

/** The refusal of a repair application: the record's own reasons first (422), else the application's (400); every reason in `errors`. */
function repairRefused(onRecord: RepairRefusal[], onApplication: RepairRefusal[]): AppError {
  // Instants as the API shows them (a problem's extras are sent as they are).
  const errors = withIsoInstants([...onRecord, ...onApplication]) as RepairRefusal[];
  const reasons = errors.map((e) => e.reason).join('; ');
  if (onRecord.length > 0) return new AppError('XY_ERR_NOT_REPAIRABLE', `the record cannot be repaired now: ${reasons}`, { field: errors[0].field, errors });
  return invalid(`the application cannot be made: ${reasons}`, errors[0].field, { errors });
}

/**
 * Applies to repair a record. The catalog decides whether the record may be repaired now (a
 * negative record type with publicity tiers, past the minimum period of its tier, in effect, with
 * no application on it open); the application needs a statement of how the obligation was met and
 * a credit commitment: one on file (`commitmentId`), or one made with it (`commitment`). Every
 * condition is checked before anything is written, and the commitment, the application, its
 * notice and their audit entries are stored in one transaction: a refused application leaves
 * nothing behind (`XY_ERR_NOT_REPAIRABLE` for the record's reasons, `XY_ERR_VALIDATION` for the
 * application's, each reason in `errors`).
 */
export async function applyForRepair(app: App, caller: Caller, b: { recordId: string; commitmentId?: string; commitment?: { text: string; purpose?: string }; obligationMet: string }): Promise<Repair> {
  noIdNumber(b.obligationMet, '/obligationMet');
  if ((b.commitmentId === undefined) === (b.commitment === undefined)) throw invalid('give either commitmentId (a commitment on file) or commitment (one made with this application)', '/commitmentId');
  if (b.commitment) {
    noIdNumber(b.commitment.text, '/commitment/text');
    if (b.commitment.purpose !== undefined) noIdNumber(b.commitment.purpose, '/commitment/purpose');
  }
  return write(app, async () => {
    const rec = await app.ctx.store.getRecord(b.recordId);
    if (!rec) throw notFound('no record has this id', '/recordId');
    const subjectId = actingFor(caller, rec.subjectId);
    const at = app.now();
    const id = newId('rp');
    const pending = await openCaseOn(app, 'repair', subjectId, rec.id);
    const onRecord = repairability(app.ctx.catalog, rec, subjectId, at, pending).reasons;
    // A commitment made with the application exists only if the application is stored.
    const made = b.commitment ? makeRule({ id: newId('cm'), subjectId, text: b.commitment.text, purpose: b.commitment.purpose ?? `repair ${id}`, by: caller.actor, at }) : null;
    const cm = b.commitmentId !== undefined ? await app.ctx.store.getCase(b.commitmentId) : null;
    const commitment = made ?? (cm && cm.kind === 'commitment' ? (cm.doc as unknown as Commitment) : null);
    const onApplication = applicationRefusals(subjectId, commitment, b.obligationMet, at).map((e) => (made && e.field === '/commitmentId' ? { ...e, field: '/commitment' } : e));
    if (onRecord.length > 0 || onApplication.length > 0) throw repairRefused(onRecord, onApplication);
    const r = applyRule({ id, catalog: app.ctx.catalog, record: rec, subjectId, commitment, obligationMet: b.obligationMet, by: caller.actor, at, calendar: app.calendar, days: app.ctx.catalog.dueProcess.repairDays });
    if (!r.ok) throw repairRefused('refusals' in r ? r.refusals : [{ ...r.error, why: 'status' }], []);
    const newCases: CaseEffects['newCases'] = made
      ? [{ case: { id: made.id, kind: 'commitment', subjectId, status: 'made', deadline: null, createdAt: at, doc: made as unknown as Record<string, unknown> }, audit: { at, actor: caller.actor, action: AUDIT.commitmentMade, subjectId, data: { commitment: made.id, purpose: made.purpose } } }]
      : undefined;
    await commitStep(app, 'repair', r.value, at, { at, actor: caller.actor, action: AUDIT.repairApplied, subjectId, data: { repair: r.value.case.id, record: rec.id } }, null, newCases);
    return r.value.case;
  });
}

/** Approves or refuses a repair application; on approval the record is `repaired`. */
export async function decideRepair(app: App, caller: Pick<Caller, 'actor'>, id: string, d: { approve: boolean; reason: string }): Promise<Repair> {
  noIdNumber(d.reason, '/reason');
  return write(app, async () => {
    const c = await loadCase<Repair>(app, id, 'repair');
    const rec = await app.ctx.store.getRecord(c.doc.recordId);
    if (!rec) throw notFound('the record no longer exists');
    const openObjection = await openCaseOn(app, 'objection', c.subjectId, rec.id);
    const at = app.now();
    const step = unwrap(decideRepairRule(c.doc, { approve: d.approve, reason: d.reason, by: caller.actor, at, recordStatus: currentStatus(rec, at), openObjection }));
    await commitStep(app, 'repair', step, c.createdAt, { at, actor: caller.actor, action: AUDIT.repairDecided, subjectId: c.subjectId, data: { repair: c.id, record: c.doc.recordId, approved: d.approve } }, c.status);
    return step.case;
  });
}

export const CASE_KINDS = ['objection', 'repair', 'commitment'] as const;

/** The review queue's filters, as the API's query parameters and the CLI's options give them. */
export interface CaseFilters {
  status?: string;
  /** Open and past the deadline now. */
  overdue?: boolean;
  /** Open, not yet overdue, and due within `DUE_SOON_DAYS` working days. */
  dueSoon?: boolean;
  subject?: string;
  /** The source (authority) of the record the case is about. */
  source?: string;
  /** Assigned to this actor; `me`: to the caller. */
  assigned?: string;
}

/** "Due soon": the deadline falls within this many working days from now. */
export const DUE_SOON_DAYS = 2;

/**
 * The cases of one kind the review queue's filters select, by deadline, logging nothing: a subject
 * sees only their own; `overdue` is open and past its deadline now, `dueSoon` open and due within
 * `DUE_SOON_DAYS` working days. The JSON listing and the CSV export both read through it.
 */
export async function findCases(app: App, caller: Pick<Caller, 'role' | 'subjectId' | 'actor'>, kind: CaseRow['kind'], q: CaseFilters, limit: number): Promise<{ rows: CaseRow[]; now: Instant; subjectId: string | undefined }> {
  if (q.overdue && q.dueSoon) throw invalid('overdue and dueSoon exclude each other: a case is one or the other', 'dueSoon');
  if (q.source !== undefined && !app.ctx.catalog.sources.has(q.source)) throw invalid(`source: the catalog has no source ${q.source}`, 'source');
  const subjectId = caller.role === 'subject' ? (caller.subjectId as string) : q.subject !== undefined ? await requireSubject(app, q.subject, 'subject') : undefined;
  const now = app.now();
  const open = q.overdue || q.dueSoon;
  const rows = await app.ctx.store.listCases({
    kind,
    statuses: open ? ['open'] : q.status ? [q.status] : undefined,
    subjectId,
    deadlineBefore: q.overdue ? now : q.dueSoon ? app.calendar.addWorkingDays(now, DUE_SOON_DAYS) : undefined,
    deadlineFrom: q.dueSoon ? now : undefined,
    assignedTo: q.assigned === 'me' ? caller.actor : q.assigned,
    source: q.source,
    limit,
  });
  return { rows, now, subjectId };
}

/**
 * Cases of a kind, oldest deadline first; `overdue` gives the open ones past their deadline. A
 * subject sees their own. Staff asking for one subject's cases read that person's reasons: with a
 * purpose, in their access log (issue 16, finding 6); the queue of every subject names them by
 * internal id only.
 */
export async function listCases(app: App, caller: Pick<Caller, 'role' | 'subjectId' | 'actor'>, kind: CaseRow['kind'], q: CaseFilters & { limit?: number; purpose?: string }): Promise<{ rows: CaseRow[]; now: Instant }> {
  const byStaff = caller.role !== 'subject' && q.subject !== undefined;
  const purpose = byStaff ? requiredPurpose(q.purpose, `the ${kind}s`) : undefined;
  const { rows, now, subjectId } = await findCases(app, caller, kind, q, q.limit ?? 100);
  if (purpose !== undefined && subjectId !== undefined) await logReadOf(app, subjectId, { actor: caller.actor, action: AUDIT.casesRead, purpose, data: { kind, cases: rows.length } });
  return { rows, now };
}

/** Who handles a case and what was done to it besides the process core's steps, kept in its document. */
export interface Handling {
  assignedTo?: string;
  assignedAt?: Instant;
  assignedBy?: string;
  assignments?: { to: string; by: string; at: Instant }[];
  extendedAt?: Instant;
  extendedBy?: string;
}

/** The kind of a case by its id's prefix (`ob_`, `rp_`); cases of other kinds are not handled in the queue. */
export function queueKind(id: string): 'objection' | 'repair' {
  if (id.startsWith('ob_')) return 'objection';
  if (id.startsWith('rp_')) return 'repair';
  throw notFound('no objection or repair application has this id', 'id');
}

/** An objection or repair application by id, as its caller may see it (a subject only their own). */
export async function loadQueueCase(app: App, id: string, caller?: Pick<Caller, 'role' | 'subjectId'>): Promise<CaseRow & { kind: 'objection' | 'repair'; doc: (Objection | Repair) & Handling }> {
  return (await loadCase(app, id, queueKind(id), caller)) as CaseRow & { kind: 'objection' | 'repair'; doc: (Objection | Repair) & Handling };
}

/** An actor to assign a case to: as the audit log names actors; an API key must be a live reviewer's or admin's. */
async function assignee(app: App, to: string): Promise<string> {
  if (!/^(key|oidc|dev|cli):[A-Za-z0-9._@-]{1,120}$/.test(to)) throw invalid('to: name the reviewer as the audit log does (key:k_…, oidc:…, dev:…, cli:…)', '/to');
  if (to.startsWith('key:')) {
    const k = await app.ctx.store.getApiKey(to.slice(4));
    if (!k || k.revokedAt !== null || (k.role !== 'reviewer' && k.role !== 'admin')) throw invalid('to: no live reviewer or admin key has this id', '/to');
  }
  return to;
}

/**
 * Assigns an open case to a reviewer: to the caller (`take`), or to another (`to`). Kept in the
 * case with who assigned it and when (each assignment in its history), audited as `case.assigned`,
 * only while the case is still open.
 */
export async function assignCase(app: App, caller: Pick<Caller, 'actor'>, id: string, o: { to?: string }): Promise<CaseRow['doc'] & Handling> {
  const to = o.to === undefined ? caller.actor : await assignee(app, o.to);
  return write(app, async () => {
    const c = await loadQueueCase(app, id);
    if (c.status !== 'open') throw conflict(`case ${id} is ${c.status}: only an open case is assigned`, '/');
    const at = app.now();
    const doc = { ...c.doc, assignedTo: to, assignedAt: at, assignedBy: caller.actor, assignments: [...(c.doc.assignments ?? []), { to, by: caller.actor, at }] };
    try {
      await app.ctx.store.saveCase({ ...c, doc: doc as unknown as Record<string, unknown> }, { expectStatus: 'open', audit: { at, actor: caller.actor, action: AUDIT.caseAssigned, subjectId: c.subjectId, data: { case: id, to } } });
    } catch (e) {
      if (e instanceof CaseConflictError) throw conflict(`${e.message}; read it again before acting on it`);
      throw e;
    }
    return doc;
  });
}

/** One event of a case's history: who did what, when. */
export interface CaseEvent {
  event: 'filed' | 'applied' | 'evidence' | 'assigned' | 'extended' | 'decided';
  at: Instant;
  by: string;
  to?: string;
  file?: string;
  outcome?: string;
  reason?: string;
}

/** A case's history from its document and its evidence, oldest first. */
export function caseHistory(kind: 'objection' | 'repair', status: string, doc: (Objection | Repair) & Handling, evidence: readonly EvidenceRow[]): CaseEvent[] {
  const o = doc as Partial<Objection> & Partial<Repair> & Handling;
  const events: CaseEvent[] = [kind === 'objection' ? { event: 'filed', at: o.filedAt as Instant, by: o.filedBy as string } : { event: 'applied', at: o.appliedAt as Instant, by: o.appliedBy as string }];
  for (const e of evidence) events.push({ event: 'evidence', at: e.uploadedAt, by: e.uploadedBy, file: e.filename });
  for (const a of o.assignments ?? []) events.push({ event: 'assigned', at: a.at, by: a.by, to: a.to });
  if (o.extendedAt !== undefined) events.push({ event: 'extended', at: o.extendedAt, by: o.extendedBy as string });
  if (o.decision) events.push({ event: 'decided', at: o.decision.at, by: o.decision.by, outcome: status, reason: o.decision.reason });
  return events.sort((a, b) => a.at - b.at);
}

/**
 * One objection or repair application with what a reviewer needs to decide it: the record it is
 * about (null once expired), the list entries that record caused, the subject's statement, the
 * evidence (without its bytes), the history, and the deadline in working days. Staff give a
 * purpose, and the read is in the person's access log (`cases.read`); a subject reads their own.
 */
export async function caseDetail(app: App, caller: Pick<Caller, 'role' | 'subjectId' | 'actor'>, id: string, o: { purpose?: string }) {
  const purpose = caller.role === 'subject' ? undefined : requiredPurpose(o.purpose, 'a case');
  const c = await loadQueueCase(app, id, caller);
  const now = app.now();
  const { store } = app.ctx;
  const [rec, st, evidence, subject] = await Promise.all([store.getRecord(c.doc.recordId), store.getState(c.subjectId), store.listEvidence(c.id), store.getSubject(c.subjectId)]);
  if (purpose !== undefined) await logReadOf(app, c.subjectId, { actor: caller.actor, action: AUDIT.casesRead, purpose, data: { kind: c.kind, case: c.id } });
  const record = rec && !pastRetention(app.ctx.catalog, rec, now) ? rec : null;
  const overdue = c.status === 'open' && c.deadline !== null && c.deadline < now;
  return {
    kind: c.kind,
    case: { ...c.doc, status: c.status, overdue },
    subject: subject ? { id: subject.id, kind: subject.kind, name: subject.name, region: subject.region, identifiers: subject.identifiers.map((i) => ({ scheme: i.scheme, masked: i.masked })) } : null,
    record,
    entries: (st?.state.entries ?? []).filter((e) => e.reasons.some((r) => r.recordId === c.doc.recordId)),
    statement: c.kind === 'objection' ? { reasons: (c.doc as Objection).reasons, attachments: (c.doc as Objection).attachments } : { obligationMet: (c.doc as Repair).obligationMet, commitmentId: (c.doc as Repair).commitmentId },
    evidence,
    history: caseHistory(c.kind, c.status, c.doc, evidence),
    deadline: c.deadline === null ? null : { at: c.deadline, overdue, workingDaysLeft: c.status === 'open' && !overdue ? app.calendar.workingDaysBetween(now, c.deadline) : null, extended: (c.doc as Partial<Objection>).extended ?? false },
  };
}

/** The most cases one bulk decision takes. */
export const BULK_MAX = 100;

/** The outcome of one case in a bulk decision: decided, or why not. */
export type BulkResult = { id: string; ok: true; status: string } | { id: string; ok: false; code: string; detail: string; field?: string };

/**
 * Decides several cases of one kind with one outcome and one reason, each on its own (its own
 * transaction, derivation and audit entry, as if decided alone). A case that cannot be decided
 * (not found, decided already, changed meanwhile) is reported with its error and the rest go on.
 * A correction needs each record's facts, so it is not a bulk outcome.
 */
export async function decideCases(app: App, caller: Pick<Caller, 'actor'>, kind: 'objection' | 'repair', b: { ids: string[]; decision: string; reason: string }): Promise<{ decided: number; failed: number; results: BulkResult[] }> {
  const outcomes = kind === 'objection' ? ['upheld', 'revoked'] : ['approve', 'refuse'];
  if (!outcomes.includes(b.decision)) throw invalid(`decision: one of ${outcomes.join(', ')} for several cases at once${kind === 'objection' ? ' (a correction is decided case by case, with its facts)' : ''}`, '/decision');
  if (b.ids.length === 0 || b.ids.length > BULK_MAX) throw invalid(`ids: give 1 to ${BULK_MAX} cases`, '/ids');
  const twice = b.ids.find((id, i) => b.ids.indexOf(id) !== i);
  if (twice !== undefined) throw invalid(`ids: ${twice} is listed twice`, '/ids');
  noIdNumber(b.reason, '/reason');
  const results: BulkResult[] = [];
  for (const id of b.ids) {
    try {
      const done =
        kind === 'objection' ? await decideObjection(app, caller, id, { decision: b.decision as ObjectionDecision, reason: b.reason }) : await decideRepair(app, caller, id, { approve: b.decision === 'approve', reason: b.reason });
      results.push({ id, ok: true, status: done.status });
    } catch (e) {
      if (!(e instanceof AppError) || e.kind === 'internal' || e.kind === 'unavailable') throw e;
      results.push({ id, ok: false, code: e.code, detail: e.message, ...(e.extra.field ? { field: e.extra.field } : {}) });
    }
  }
  return { decided: results.filter((r) => r.ok).length, failed: results.filter((r) => !r.ok).length, results };
}
