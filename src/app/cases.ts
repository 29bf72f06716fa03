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
import { CaseConflictError, type CaseEffects, type CaseRow } from '../store/port.js';
import { scopeAllows, type Caller } from './access.js';
import { write, type App } from './context.js';
import { deriveDirty, outbox } from './derive.js';
import { AppError, conflict, invalid, notFound } from './errors.js';
import { noIdNumber } from './checks.js';
import { withIsoInstants } from './json.js';
import { logReadOf, requiredPurpose, requireSubject } from './subjects.js';

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

/**
 * The cases of one kind the review queue's filters select, by deadline, logging nothing: a subject
 * sees only their own; `overdue` is open and past its deadline now. The JSON listing and the CSV
 * export both read through it.
 */
export async function findCases(app: App, caller: Pick<Caller, 'role' | 'subjectId'>, kind: CaseRow['kind'], q: { status?: string; overdue?: boolean; subject?: string }, limit: number): Promise<{ rows: CaseRow[]; now: Instant; subjectId: string | undefined }> {
  const subjectId = caller.role === 'subject' ? (caller.subjectId as string) : q.subject !== undefined ? await requireSubject(app, q.subject, 'subject') : undefined;
  const now = app.now();
  const rows = await app.ctx.store.listCases({ kind, statuses: q.overdue ? ['open'] : q.status ? [q.status] : undefined, subjectId, deadlineBefore: q.overdue ? now : undefined, limit });
  return { rows, now, subjectId };
}

/**
 * Cases of a kind, oldest deadline first; `overdue` gives the open ones past their deadline. A
 * subject sees their own. Staff asking for one subject's cases read that person's reasons: with a
 * purpose, in their access log (issue 16, finding 6); the queue of every subject names them by
 * internal id only.
 */
export async function listCases(app: App, caller: Pick<Caller, 'role' | 'subjectId' | 'actor'>, kind: CaseRow['kind'], q: { status?: string; overdue?: boolean; subject?: string; limit?: number; purpose?: string }): Promise<{ rows: CaseRow[]; now: Instant }> {
  const byStaff = caller.role !== 'subject' && q.subject !== undefined;
  const purpose = byStaff ? requiredPurpose(q.purpose, `the ${kind}s`) : undefined;
  const { rows, now, subjectId } = await findCases(app, caller, kind, q, q.limit ?? 100);
  if (purpose !== undefined && subjectId !== undefined) await logReadOf(app, subjectId, { actor: caller.actor, action: AUDIT.casesRead, purpose, data: { kind, cases: rows.length } });
  return { rows, now };
}
