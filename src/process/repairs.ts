/**
 * Credit repair (NDRC Order No. 58, 2023): once the minimum publicity period of a record has
 * passed, with the obligation met and a credit commitment made, the subject may apply to end its
 * publicity; the credit office decides within 3 working days. On approval the record is
 * `repaired`: it stops counting, leaves public view, and the list entries it caused end. Pure.
 */
import type { Catalog } from '../catalog/types.js';
import { addDuration } from '../domain/time.js';
import type { CreditRecord, Instant } from '../domain/types.js';
import { safeBool } from '../scoring/working-set.js';
import type { WorkingCalendar } from './calendar.js';
import { notice } from './notices.js';
import { currentStatus, type CaseStep, type Refusal, type StepResult } from './objections.js';
import type { Commitment } from './commitments.js';

export const REPAIR_DAYS = 3;

export interface Repair {
  id: string;
  subjectId: string;
  recordId: string;
  recordType: string;
  appliedAt: Instant;
  appliedBy: string;
  commitmentId: string;
  /** What the applicant says about meeting the obligation (a payment reference, a court document). */
  obligationMet: string;
  status: 'open' | 'approved' | 'refused';
  deadline: Instant;
  decision?: { at: Instant; by: string; reason: string };
}

/** The first publicity tier of a record's type that applies to it, if the type has tiers. */
function publicityTier(catalog: Catalog, rec: CreditRecord) {
  const rt = catalog.recordTypes.get(rec.type);
  if (!rt) return null;
  const cel = { type: rec.type, source: rec.source, facts: rt.toCel(rec.facts) };
  return rt.publicity.find((p) => p.when === null || safeBool(p.when, { record: cel })) ?? null;
}

/** Every reason an application may not be made now; empty when it may. */
export function repairRefusals(catalog: Catalog, rec: CreditRecord, subjectId: string, commitment: Commitment | null, obligationMet: string, at: Instant): Refusal[] {
  const out: Refusal[] = [];
  if (rec.subjectId !== subjectId) return [{ field: '/recordId', reason: 'is not a record about this subject' }];
  const rt = catalog.recordTypes.get(rec.type);
  if (!rt || rt.doc.polarity !== 'negative') out.push({ field: '/recordId', reason: 'only a negative record can be repaired' });
  const status = currentStatus(rec, at);
  if (status !== 'active' && status !== 'disputed') out.push({ field: '/recordId', reason: `the record is ${status}` });
  const tier = publicityTier(catalog, rec);
  if (!tier) out.push({ field: '/recordId', reason: `${rec.type} has no publicity period, so there is nothing to repair early` });
  else {
    const earliest = addDuration(rec.occurredAt, tier.min);
    if (at < earliest) out.push({ field: '/recordId', reason: `the minimum publicity period (${tier.min.text}) ends on ${new Date(earliest).toISOString().slice(0, 10)}; apply after it` });
  }
  if (!obligationMet.trim()) out.push({ field: '/obligationMet', reason: 'say how the obligation was met (a payment reference or a document number)' });
  if (!commitment) out.push({ field: '/commitmentId', reason: 'a credit commitment must be on file: make one with POST /v1/commitments' });
  else if (commitment.subjectId !== subjectId) out.push({ field: '/commitmentId', reason: 'the commitment is not this subject’s' });
  else if (commitment.breachedAt !== undefined) out.push({ field: '/commitmentId', reason: 'the commitment was breached' });
  else if (commitment.madeAt > at) out.push({ field: '/commitmentId', reason: 'the commitment was made after the application' });
  return out;
}

export function applyForRepair(input: {
  id: string;
  catalog: Catalog;
  record: CreditRecord;
  subjectId: string;
  commitment: Commitment | null;
  obligationMet: string;
  by: string;
  at: Instant;
  calendar: WorkingCalendar;
  /** Working days to decide (the catalog's setting; default 3). */
  days?: number;
}): StepResult<Repair> | { ok: false; refusals: Refusal[] } {
  const refusals = repairRefusals(input.catalog, input.record, input.subjectId, input.commitment, input.obligationMet, input.at);
  if (refusals.length > 0) return { ok: false, refusals };
  const r: Repair = {
    id: input.id,
    subjectId: input.subjectId,
    recordId: input.record.id,
    recordType: input.record.type,
    appliedAt: input.at,
    appliedBy: input.by,
    commitmentId: (input.commitment as Commitment).id,
    obligationMet: input.obligationMet,
    status: 'open',
    deadline: input.calendar.addWorkingDays(input.at, input.days ?? REPAIR_DAYS),
  };
  return { ok: true, value: { case: r, statuses: [], notices: [notice('repair.applied', r.subjectId, input.at, { repair: r.id, record: r.recordId, deadline: new Date(r.deadline).toISOString() })] } };
}

export function decideRepair(r: Repair, d: { approve: boolean; reason: string; by: string; at: Instant; recordStatus: string; openObjection: string | null }): StepResult<Repair> {
  if (r.status !== 'open') return { ok: false, error: { field: '/', reason: `the application was decided already (${r.status})` } };
  if (d.approve && d.recordStatus !== 'active' && d.recordStatus !== 'disputed') return { ok: false, error: { field: '/', reason: `the record is ${d.recordStatus} now; there is nothing to repair` } };
  if (d.approve && d.openObjection) return { ok: false, error: { field: '/', reason: `objection ${d.openObjection} on this record is still open; decide it first` } };
  const next: Repair = { ...r, status: d.approve ? 'approved' : 'refused', decision: { at: d.at, by: d.by, reason: d.reason } };
  const step: CaseStep<Repair> = {
    case: next,
    statuses: d.approve ? [{ recordId: r.recordId, change: { status: 'repaired', at: d.at, actor: d.by, reason: `repair ${r.id}: ${d.reason}` } }] : [],
    notices: [notice('repair.decided', r.subjectId, d.at, { repair: r.id, record: r.recordId, decision: next.status, reason: d.reason })],
  };
  return { ok: true, value: step };
}
