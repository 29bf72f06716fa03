/**
 * The functional core's main entry: `(subject, records, catalog, asOf) → SubjectState`.
 * No clock, no I/O: the same inputs give the same state, which is what lets the store rebuild
 * everything derived from the records alone.
 */
import type { Catalog } from '../catalog/types.js';
import type { CreditRecord, Instant, SchemeResult, Subject, SubjectState } from '../domain/types.js';
import { listEntries } from './lists.js';
import { contributions, schemeResult, type Contribution } from './schemes.js';
import { WorkingSet } from './working-set.js';

export interface EvaluateInput {
  subject: Pick<Subject, 'id' | 'kind' | 'createdAt'>;
  /** All records of the subject (any order); those recorded after `asOf` are ignored. */
  records: readonly CreditRecord[];
  asOf: Instant;
  /**
   * For a person whose age is known, the instant they turned 18 (`adultFrom` in minors.ts): their
   * conduct before it is scored by no scheme and lists them only on a list for minors. Computed
   * by the caller from the identifier, in memory, and never stored; absent when the age is
   * unknown (the person is then scored as an adult). Ignored for organisations.
   */
  adultFrom?: Instant;
}

export function evaluateSubject(catalog: Catalog, input: EvaluateInput): SubjectState {
  const ws = new WorkingSet(catalog, input.records, input.asOf, input.subject.kind === 'person' ? input.adultFrom : undefined);
  const schemes: SchemeResult[] = [];
  const byScheme = new Map<string, Contribution[]>();
  let next = Infinity;
  for (const scheme of catalog.schemes) {
    if (!scheme.subjects.has(input.subject.kind)) continue;
    const cs = contributions(scheme, catalog, ws);
    byScheme.set(scheme.code, cs);
    schemes.push(schemeResult(scheme, cs, input.asOf));
    for (const c of cs) {
      // A contribution can also start after asOf (a record dated slightly ahead of our clock).
      if (c.from > input.asOf && c.from < next) next = c.from;
      if (c.until > input.asOf && c.until < next) next = c.until;
    }
  }
  const lists = listEntries(catalog, { subject: input.subject, ws, contributions: byScheme });
  if (lists.nextChangeAt < next) next = lists.nextChangeAt;
  return {
    subjectId: input.subject.id,
    asOf: input.asOf,
    catalogVersion: catalog.version,
    schemes,
    entries: lists.entries,
    nextChangeAt: next === Infinity ? null : next,
  };
}
