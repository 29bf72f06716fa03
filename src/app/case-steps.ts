/**
 * The reviewer's steps on a case — extend or decide an objection, decide a repair — shared by the
 * HTTP API and the CLI: load the case and its record, let the process core decide, store the step
 * (only if the case is unchanged) with its effects, and derive the subject's new state. The
 * caller holds whatever lock it has and updates its gate with the ids returned.
 */
import type { AuditEntryInput } from '../audit/index.js';
import type { Instant } from '../domain/types.js';
import { Ingestor } from '../ingest/ingestor.js';
import { drainDirty, outbox } from '../ingest/rescore.js';
import type { WorkingCalendar } from '../process/calendar.js';
import { currentStatus, decideObjection, extendObjection, type CaseStep, type Objection, type ObjectionDecision, type StepResult } from '../process/objections.js';
import { decideRepair, type Repair } from '../process/repairs.js';
import { CaseConflictError, type CaseRow } from '../store/port.js';
import type { AppContext } from './context.js';

/** An expected refusal of a step, for the shell to show (HTTP: 404, 409 or 400; CLI: a message). */
export class StepError extends Error {
  constructor(
    readonly kind: 'not-found' | 'conflict' | 'validation',
    message: string,
    readonly field = '/',
  ) {
    super(message);
  }
}

export interface StepEnv {
  ctx: AppContext;
  calendar: WorkingCalendar;
  at: Instant;
  actor: string;
}

type AnyCase = { id: string; subjectId: string; status: string; deadline?: Instant };

function unwrap<C>(r: StepResult<C>): CaseStep<C> {
  if (!r.ok) throw new StepError('conflict', `${r.error.field}: ${r.error.reason}`, r.error.field);
  return r.value;
}

export async function loadCase<D>(ctx: AppContext, id: string, kind: CaseRow['kind']): Promise<CaseRow & { doc: D }> {
  const c = await ctx.store.getCase(id);
  if (!c || c.kind !== kind) throw new StepError('not-found', `no ${kind} has this id`, 'id');
  return c as CaseRow & { doc: D };
}

/** Stores a step if the case is still in `expectStatus`, then derives; returns the subjects derived. */
export async function commitStep(ctx: AppContext, kind: CaseRow['kind'], step: CaseStep<AnyCase>, createdAt: Instant, audit: AuditEntryInput, expectStatus: string | null, now: Instant): Promise<string[]> {
  const c = step.case;
  try {
    await ctx.store.saveCase({ id: c.id, kind, subjectId: c.subjectId, status: c.status, deadline: c.deadline ?? null, createdAt, doc: c as unknown as Record<string, unknown> }, { expectStatus, statuses: step.statuses, notices: outbox(step.notices), audit });
  } catch (e) {
    if (e instanceof CaseConflictError) throw new StepError('conflict', `${e.message}; read it again before acting on it`);
    throw e;
  }
  const derived = new Set<string>();
  await drainDirty(ctx.store, ctx.catalog, now, 1000, (ids) => ids.forEach((id) => derived.add(id)));
  return [...derived];
}

export async function extendObjectionStep(env: StepEnv, id: string): Promise<{ case: Objection; derived: string[] }> {
  const c = await loadCase<Objection>(env.ctx, id, 'objection');
  const step = unwrap(extendObjection(c.doc, env.at, env.calendar, env.ctx.catalog.dueProcess.objectionDaysExtended));
  const derived = await commitStep(env.ctx, 'objection', step, c.createdAt, { at: env.at, actor: env.actor, action: 'objection.extended', subjectId: c.subjectId, data: { objection: c.id, deadline: step.case.deadline } }, c.status, env.at);
  return { case: step.case, derived };
}

export async function decideObjectionStep(env: StepEnv, id: string, d: { decision: ObjectionDecision; reason: string; facts?: Record<string, unknown> }): Promise<{ case: Objection; derived: string[] }> {
  const c = await loadCase<Objection>(env.ctx, id, 'objection');
  const rec = await env.ctx.store.getRecord(c.doc.recordId);
  if (!rec) throw new StepError('not-found', 'the disputed record no longer exists');
  const step = unwrap(decideObjection(c.doc, { decision: d.decision, reason: d.reason, by: env.actor, at: env.at, correctedFacts: d.facts, recordStatus: currentStatus(rec, env.at) }));
  if (d.decision === 'corrected') {
    // The corrected record: same source, type, subject and date, the new facts; its id is fixed
    // by the objection, so a retry finds it stored (a duplicate) rather than adding another.
    const ingestor = new Ingestor(env.ctx.store, env.ctx.catalog, env.ctx.keyring, { now: () => env.at, actor: env.actor, deriveEachBatch: false });
    const [r] = await ingestor.ingestBatch([{ source: rec.source, line: { externalId: `corr-${c.id}`, type: rec.type, subject: rec.subjectId, occurredAt: new Date(rec.occurredAt).toISOString(), facts: d.facts } }]);
    if (r.status === 'rejected') {
      const inFacts = r.error.field.startsWith('facts');
      throw new StepError(inFacts ? 'validation' : 'conflict', `${r.error.field}: ${r.error.reason}`, inFacts ? '/' + r.error.field.split('.').join('/') : '/');
    }
  }
  const derived = await commitStep(env.ctx, 'objection', step, c.createdAt, { at: env.at, actor: env.actor, action: 'objection.decided', subjectId: c.subjectId, data: { objection: c.id, record: c.doc.recordId, decision: d.decision, reason: d.reason } }, c.status, env.at);
  return { case: step.case, derived };
}

/** The open case of `kind` on a record, if any. */
export async function openCaseOn(ctx: AppContext, kind: CaseRow['kind'], subjectId: string, recordId: string): Promise<string | null> {
  const open = await ctx.store.listCases({ kind, statuses: ['open'], subjectId, limit: 1000 });
  return open.find((c) => (c.doc as { recordId?: string }).recordId === recordId)?.id ?? null;
}

export async function decideRepairStep(env: StepEnv, id: string, d: { approve: boolean; reason: string }): Promise<{ case: Repair; derived: string[] }> {
  const c = await loadCase<Repair>(env.ctx, id, 'repair');
  const rec = await env.ctx.store.getRecord(c.doc.recordId);
  if (!rec) throw new StepError('not-found', 'the record no longer exists');
  const openObjection = await openCaseOn(env.ctx, 'objection', c.subjectId, rec.id);
  const step = unwrap(decideRepair(c.doc, { approve: d.approve, reason: d.reason, by: env.actor, at: env.at, recordStatus: currentStatus(rec, env.at), openObjection }));
  const derived = await commitStep(env.ctx, 'repair', step, c.createdAt, { at: env.at, actor: env.actor, action: 'repair.decided', subjectId: c.subjectId, data: { repair: c.id, record: c.doc.recordId, approved: d.approve } }, c.status, env.at);
  return { case: step.case, derived };
}
