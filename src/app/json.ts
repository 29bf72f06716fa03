/**
 * JSON as the CLI and the API show it: instants (epoch ms inside) as ISO-8601 strings, the form
 * both accept as input.
 */

/** Fields that hold instants. */
export const INSTANT_FIELDS = new Set(['since', 'until', 'decidedAt', 'endedAt', 'asOf', 'at', 'from', 'occurredAt', 'recordedAt', 'createdAt', 'nextChangeAt', 'publishedAt', 'revokedAt', 'askedAt', 'expiresAt', 'publicUntil', 'deadline', 'filedAt', 'appliedAt', 'madeAt', 'breachedAt']);

/** JSON.stringify replacer: instants as ISO-8601. */
export const isoInstants = (k: string, v: unknown) => (INSTANT_FIELDS.has(k) && typeof v === 'number' && Number.isFinite(v) ? new Date(v).toISOString() : v);

/** A deep copy with instants as ISO-8601 strings. */
export function withIsoInstants<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, isoInstants));
}

let isoAt = NaN;
let isoText = '';
/** An instant as ISO-8601; the last one is remembered, since a busy second asks for the same "now" often. */
export const iso = (t: number): string => {
  if (t !== isoAt) {
    isoText = new Date(t).toISOString();
    isoAt = t;
  }
  return isoText;
};
