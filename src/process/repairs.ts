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

/**
 * Why a repair is not possible, as a stable code a client can say in its reader's language:
 * - `not-yours`: the record is about someone else; `from-grade`: a list entry that follows from a grade;
 * - `not-negative`: only a negative record is repaired;
 * - `status`: the record is no longer in effect (`status` says what it is);
 * - `no-publicity`: its type has no publicity period, so it is not repaired on application: it
 *   ends with its period, its retention, or the remedy records in `exits`;
 * - `too-early`: the minimum publicity period (`min`) ends at `from`; repair is possible from then;
 * - `pending`: an application for it (`repair`) is still open;
 * - `no-obligation`, `no-commitment`, `commitment-not-yours`, `commitment-breached`,
 *   `commitment-later`: the application itself lacks what it needs.
 */
export type RepairWhy = 'from-grade' | 'not-yours' | 'not-negative' | 'status' | 'no-publicity' | 'too-early' | 'pending' | 'no-obligation' | 'no-commitment' | 'commitment-not-yours' | 'commitment-breached' | 'commitment-later';

/** One reason a repair application may not be made, for people (`reason`) and for clients (`why` and its values). */
export interface RepairRefusal extends Refusal {
  why: RepairWhy;
  /** `status`: the record's status now. */
  status?: string;
  /** `too-early`: the minimum publicity period, and when it ends (repair is possible from then). */
  min?: string;
  from?: Instant;
  /** `no-publicity`: the remedy record types that end the list entries this record causes. */
  exits?: string[];
  /** `pending`: the open application. */
  repair?: string;
}

/** Whether a subject may apply to repair a record now, and if not, why and from when. */
export interface Repairability {
  possible: boolean;
  /** When only time stands in the way: the instant repair becomes possible. */
  from?: Instant;
  reasons: RepairRefusal[];
}

/** The remedy record types that end the list entries a record of this type causes. */
function exitsOf(catalog: Catalog, type: string): string[] {
  const out = new Set<string>();
  for (const l of catalog.lists) for (const r of l.entryRules) if (r.on === type && r.exit) out.add(r.exit.on);
  return [...out];
}

/**
 * Every reason the record itself may not be repaired by `subjectId` at `at` (the catalog decides:
 * a negative record type with publicity tiers, past the minimum period of its tier), with
 * `openRepair` the id of an application on it still open. Empty when it may.
 */
export function recordRefusals(catalog: Catalog, rec: CreditRecord, subjectId: string, at: Instant, openRepair: string | null = null): RepairRefusal[] {
  if (rec.subjectId !== subjectId) return [{ field: '/recordId', why: 'not-yours', reason: 'is not a record about this subject' }];
  const out: RepairRefusal[] = [];
  const rt = catalog.recordTypes.get(rec.type);
  if (!rt || rt.doc.polarity !== 'negative') out.push({ field: '/recordId', why: 'not-negative', reason: 'only a negative record can be repaired' });
  const status = currentStatus(rec, at);
  if (status !== 'active' && status !== 'disputed') out.push({ field: '/recordId', why: 'status', status, reason: `the record is ${status}` });
  if (out.length > 0) return out;
  const tier = publicityTier(catalog, rec);
  if (!tier) {
    const exits = exitsOf(catalog, rec.type);
    out.push({
      field: '/recordId',
      why: 'no-publicity',
      exits,
      reason: `${rec.type} has no publicity period, so it is not repaired on application: it ends with its period or retention${exits.length ? `, or when a record of ${exits.join(' or ')} is sent` : ''}`,
    });
  } else {
    const earliest = addDuration(rec.occurredAt, tier.min);
    const day = new Date(earliest).toISOString().slice(0, 10);
    if (at < earliest) out.push({ field: '/recordId', why: 'too-early', min: tier.min.text, from: earliest, reason: `the minimum publicity period (${tier.min.text}) ends on ${day}; repair is possible from then` });
  }
  if (openRepair) out.push({ field: '/recordId', why: 'pending', repair: openRepair, reason: `repair application ${openRepair} for this record is still open` });
  return out;
}

/** Whether the record may be repaired now, and if not, why and (when only time stands in the way) from when. */
export function repairability(catalog: Catalog, rec: CreditRecord, subjectId: string, at: Instant, openRepair: string | null = null): Repairability {
  const reasons = recordRefusals(catalog, rec, subjectId, at, openRepair);
  const onlyTime = reasons.length > 0 && reasons.every((r) => r.why === 'too-early');
  return { possible: reasons.length === 0, ...(onlyTime ? { from: reasons[0].from } : {}), reasons };
}

/** Every reason the application itself (its statement and commitment) may not be made; empty when it may. */
export function applicationRefusals(subjectId: string, commitment: Commitment | null, obligationMet: string, at: Instant): RepairRefusal[] {
  const out: RepairRefusal[] = [];
  if (!obligationMet.trim()) out.push({ field: '/obligationMet', why: 'no-obligation', reason: 'say how the obligation was met (a payment reference or a document number)' });
  if (!commitment) out.push({ field: '/commitmentId', why: 'no-commitment', reason: 'a credit commitment must be on file: make one with POST /v1/commitments, or give `commitment` with the application' });
  else if (commitment.subjectId !== subjectId) out.push({ field: '/commitmentId', why: 'commitment-not-yours', reason: 'the commitment is not this subject’s' });
  else if (commitment.breachedAt !== undefined) out.push({ field: '/commitmentId', why: 'commitment-breached', reason: 'the commitment was breached' });
  else if (commitment.madeAt > at) out.push({ field: '/commitmentId', why: 'commitment-later', reason: 'the commitment was made after the application' });
  return out;
}

/** Every reason an application may not be made now; empty when it may. */
export function repairRefusals(catalog: Catalog, rec: CreditRecord, subjectId: string, commitment: Commitment | null, obligationMet: string, at: Instant): RepairRefusal[] {
  const onRecord = recordRefusals(catalog, rec, subjectId, at);
  if (onRecord[0]?.why === 'not-yours') return onRecord;
  return [...onRecord, ...applicationRefusals(subjectId, commitment, obligationMet, at)];
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
}): StepResult<Repair> | { ok: false; refusals: RepairRefusal[] } {
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
