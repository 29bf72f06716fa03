/**
 * Objections (Guobanfa [2019] No. 35, Art. 39; NDRC Order No. 58): a subject disputes a record;
 * it is flagged `disputed` at once; the credit office answers within 3 working days, or 7 when
 * another unit must verify; the reviewer upholds the record, corrects it or revokes it. Pure: each
 * step returns the new case and the effects (record status changes, notices) for the shell to
 * store in one transaction.
 */
import type { CreditRecord, Instant, StatusChange } from '../domain/types.js';
import type { WorkingCalendar } from './calendar.js';
import { notice, type NoticeDraft } from './notices.js';

export const OBJECTION_DAYS = 3;
export const OBJECTION_DAYS_EXTENDED = 7;

export type ObjectionStatus = 'open' | 'upheld' | 'corrected' | 'revoked';
export type ObjectionDecision = Exclude<ObjectionStatus, 'open'>;

export interface Objection {
  id: string;
  subjectId: string;
  recordId: string;
  recordType: string;
  filedAt: Instant;
  filedBy: string;
  reasons: string;
  /** References to supporting documents (URLs or document numbers), never the documents. */
  attachments: string[];
  status: ObjectionStatus;
  deadline: Instant;
  extended: boolean;
  decision?: { at: Instant; by: string; reason: string; correctedFacts?: Record<string, unknown> };
}

export interface CaseStep<C> {
  case: C;
  statuses: { recordId: string; change: StatusChange }[];
  notices: NoticeDraft[];
}

export type Refusal = { field: string; reason: string };
export type StepResult<C> = { ok: true; value: CaseStep<C> } | { ok: false; error: Refusal };

/** The status a record has now: the last change, or active. */
export function currentStatus(rec: CreditRecord, at: Instant): string {
  let s = 'active';
  for (const c of rec.statuses) if (c.at <= at) s = c.status;
  return s;
}

export function fileObjection(input: {
  id: string;
  record: CreditRecord;
  subjectId: string;
  reasons: string;
  attachments: string[];
  by: string;
  at: Instant;
  calendar: WorkingCalendar;
  /** Working days to decide (the catalog's setting; default 3). */
  days?: number;
}): StepResult<Objection> {
  const { record, at } = input;
  if (record.subjectId !== input.subjectId) return { ok: false, error: { field: '/recordId', reason: 'is not a record about this subject' } };
  const status = currentStatus(record, at);
  if (status !== 'active') return { ok: false, error: { field: '/recordId', reason: `the record is ${status}; only an active record can be disputed` } };
  const o: Objection = {
    id: input.id,
    subjectId: input.subjectId,
    recordId: record.id,
    recordType: record.type,
    filedAt: at,
    filedBy: input.by,
    reasons: input.reasons,
    attachments: input.attachments,
    status: 'open',
    deadline: input.calendar.addWorkingDays(at, input.days ?? OBJECTION_DAYS),
    extended: false,
  };
  return {
    ok: true,
    value: {
      case: o,
      // Flagged at once, so the dispute shows in the subject view and in check reasons.
      statuses: [{ recordId: record.id, change: { status: 'disputed', at, actor: input.by, reason: `objection ${o.id}` } }],
      notices: [notice('objection.filed', o.subjectId, at, { objection: o.id, record: o.recordId, deadline: new Date(o.deadline).toISOString() }), notice('objection.filed.source', null, at, { objection: o.id, record: o.recordId, source: record.source, deadline: new Date(o.deadline).toISOString() })],
    },
  };
}

/** Another unit must verify: the deadline becomes 7 working days from filing (once). */
export function extendObjection(o: Objection, at: Instant, calendar: WorkingCalendar, days = OBJECTION_DAYS_EXTENDED): StepResult<Objection> {
  if (o.status !== 'open') return { ok: false, error: { field: '/', reason: `the objection is ${o.status}` } };
  if (o.extended) return { ok: false, error: { field: '/', reason: 'the deadline was extended already' } };
  // An extension is decided within the first deadline, not used to clear an overdue case afterwards.
  if (at > o.deadline) return { ok: false, error: { field: '/', reason: 'the deadline has passed; decide the objection (it is overdue) rather than extend it' } };
  const next: Objection = { ...o, extended: true, deadline: calendar.addWorkingDays(o.filedAt, days) };
  return { ok: true, value: { case: next, statuses: [], notices: [notice('objection.extended', o.subjectId, at, { objection: o.id, deadline: new Date(next.deadline).toISOString() })] } };
}

/**
 * The reviewer's decision. `upheld`: the record stands (active again); `revoked`: it is treated as
 * never true; `corrected`: it is replaced by a corrected record (the shell stores the new facts
 * as a record of the same type) and stops counting itself.
 */
export function decideObjection(o: Objection, d: { decision: ObjectionDecision; reason: string; by: string; at: Instant; correctedFacts?: Record<string, unknown>; recordStatus: string }): StepResult<Objection> {
  if (o.status !== 'open') return { ok: false, error: { field: '/', reason: `the objection was decided already (${o.status})` } };
  // The record may have moved on (repaired, say): a decision must not write over that.
  if (d.recordStatus !== 'disputed') return { ok: false, error: { field: '/', reason: `the record is ${d.recordStatus} now, no longer disputed; the objection has nothing left to decide` } };
  if (d.decision === 'corrected' && !d.correctedFacts) return { ok: false, error: { field: '/facts', reason: 'a correction needs the corrected facts' } };
  if (d.decision !== 'corrected' && d.correctedFacts) return { ok: false, error: { field: '/facts', reason: 'only a correction carries facts' } };
  const next: Objection = { ...o, status: d.decision, decision: { at: d.at, by: d.by, reason: d.reason, ...(d.correctedFacts ? { correctedFacts: d.correctedFacts } : {}) } };
  const status = d.decision === 'upheld' ? 'active' : d.decision;
  return {
    ok: true,
    value: {
      case: next,
      statuses: [{ recordId: o.recordId, change: { status, at: d.at, actor: d.by, reason: `objection ${o.id} ${d.decision}: ${d.reason}` } }],
      notices: [notice('objection.decided', o.subjectId, d.at, { objection: o.id, record: o.recordId, decision: d.decision, reason: d.reason, late: d.at > o.deadline })],
    },
  };
}
