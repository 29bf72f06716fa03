/**
 * Red and black exclude each other (Guobanfa [2019] No. 35; Guofa [2016] No. 33): a subject with
 * a black-list entry of its own in effect is on no red list and gets no reward. Pure.
 *
 * Where it is decided:
 * - red-list entries, here, where entries are derived (`listEntries` calls
 *   `excludeRedWhileBlack`), so the stored state, the subject view, the as-of path and the gate
 *   all see the same entries;
 * - rewards on a grade (a `reward` or `priority` measure on a good grade), in the gate, which is
 *   where grade measures apply; `withheldWhileBlack` says which measures those are.
 *
 * The choices:
 * - Only an entry in effect excludes: `active`, or `pending` from its `since`. A pending entry
 *   (an after-notice list during its notice period) does not yet: the subject may still object,
 *   and notice comes before effect. A red entry that is in force ends (`until`) when a pending
 *   black entry takes effect. A `suspended` entry (objection open) is not in effect.
 * - Only the subject's own entries exclude. An organisation's entry that binds a person through a
 *   legal role (`via`) binds them to that list's measures, no more: it does not make the person
 *   dishonest (Guobanfa [2020] No. 49, proportionality).
 * - After a black entry ends, a red entry counts again from that end, not from before it.
 */
import type { Catalog, CompiledMeasure } from '../catalog/types.js';
import type { Instant, ListEntry } from '../domain/types.js';
import { gradeAt } from './schemes.js';

const colorOf = (catalog: Catalog, list: string) => catalog.listsByCode.get(list)?.doc.color;

/**
 * Takes red-list entries out while a black-list entry of the subject's own is in effect at
 * `asOf`, starts them again after the last black entry that ended before `asOf`, and ends them
 * when a later black entry takes effect. `renamed(e, since)` gives a grade-based entry's id for a
 * new start (its id is derived from it). Returns the entries and the next instant this changes.
 */
export function excludeRedWhileBlack(
  catalog: Catalog,
  entries: ListEntry[],
  asOf: Instant,
  renamed: (e: ListEntry, since: Instant) => string,
): { entries: ListEntry[]; nextChangeAt: Instant } {
  let spans: [Instant, Instant][] | null = null;
  for (const e of entries) {
    if (e.via || e.status === 'suspended' || colorOf(catalog, e.list) !== 'black') continue;
    const end = e.endedAt ?? e.until ?? Infinity;
    if (end > e.since) (spans ??= []).push([e.since, end]);
  }
  if (spans === null) return { entries, nextChangeAt: Infinity };
  let next = Infinity;
  const out: ListEntry[] = [];
  for (const e of entries) {
    if ((e.status !== 'active' && e.status !== 'pending') || colorOf(catalog, e.list) !== 'red') {
      out.push(e);
      continue;
    }
    let since = e.since;
    let until = e.until ?? Infinity;
    let excluded = false;
    for (const [from, to] of spans) {
      if (from <= asOf && asOf < to) {
        excluded = true;
        if (to < next) next = to;
      } else if (to <= asOf) since = Math.max(since, to);
      else until = Math.min(until, from);
    }
    if (excluded || until <= since) continue;
    if (until > asOf && until < next) next = until;
    if (since === e.since && until === (e.until ?? Infinity)) {
      out.push(e);
      continue;
    }
    const grade = e.reasons.some((r) => r.grade);
    out.push({ ...e, id: grade && since !== e.since ? renamed(e, since) : e.id, since, decidedAt: grade ? since : e.decidedAt, until: until === Infinity ? null : until });
  }
  return { entries: out, nextChangeAt: next };
}

/**
 * Whether a black-list entry in effect withholds the measure: every measure of a red list, and a
 * `reward` or `priority` on a grade condition that holds a grade at or above its scheme's base
 * grade (what a subject with no adverse record has). A `priority` on poor grades only (more
 * inspections for classes C and D) is a burden and still applies.
 */
export function withheldWhileBlack(catalog: Catalog, m: CompiledMeasure): boolean {
  if (m.list) return colorOf(catalog, m.list) === 'red';
  if (!m.grade || (m.effect !== 'reward' && m.effect !== 'priority')) return false;
  const scheme = catalog.schemes.find((s) => s.code === m.grade?.scheme);
  if (!scheme) return false;
  const base = gradeAt(scheme, [], 0).rank;
  for (const g of m.grade.in) if ((scheme.rank.get(g) ?? Infinity) <= base) return true;
  return false;
}
