/**
 * Credit commitments (信用承诺): a subject's signed promise, made to obtain an approval or to
 * repair credit. A breach, reported by a source, becomes a `commitment.breached` record. Pure:
 * the shell passes the clock and stores what these return.
 */
import type { Instant, Result } from '../domain/types.js';
import type { Refusal } from './objections.js';

export interface Commitment {
  id: string;
  subjectId: string;
  madeAt: Instant;
  madeBy: string;
  /** What the subject promises, in their words. */
  text: string;
  /** The approval or repair it was made for. */
  purpose: string;
  breachedAt?: Instant;
}

/** A new commitment. */
export function makeCommitment(o: { id: string; subjectId: string; text: string; purpose: string; by: string; at: Instant }): Commitment {
  return { id: o.id, subjectId: o.subjectId, madeAt: o.at, madeBy: o.by, text: o.text, purpose: o.purpose };
}

/**
 * A breach reported at `at` of conduct at `occurredAt`: once per commitment, and never before the
 * commitment was made. `conflict` tells a refusal about the case's state from one about the input.
 */
export function breachCommitment(c: Commitment, o: { at: Instant; occurredAt: Instant }): Result<Commitment & { status: 'breached' }, Refusal & { conflict?: true }> {
  if (c.breachedAt !== undefined) return { ok: false, error: { field: '/', reason: 'the breach was reported already', conflict: true } };
  if (!(o.occurredAt >= c.madeAt)) return { ok: false, error: { field: '/occurredAt', reason: 'a breach cannot precede the commitment' } };
  return { ok: true, value: { ...c, breachedAt: o.at, status: 'breached' } };
}
