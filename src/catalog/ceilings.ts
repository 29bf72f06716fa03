/**
 * Ceilings on periods (issue 15, item 3; ../shared/reference/mechanics.md §4 and §9):
 *
 * - **publicity and listing**: a list entry, a scoring rule and a publicity tier last at most 5 years,
 *   unless an article they cite sets another limit (`maxPeriod` in the laws register; the smallest
 *   applies). An item with no period of its own lasts until its exit or until its record's retention
 *   ends, so then the retention is held to the ceiling;
 * - **retention**: a record is kept at most 5 years after the longest effect it can have ends (its
 *   rules, its list entries and their extensions and escalations, its publicity; for a remedy or an
 *   extension, the items it ends or extends);
 * - **remedies outlive what they end**: a remedy is kept at least as long as the records whose items
 *   it ends, or an item would come back when the remedy is deleted.
 *
 * Periods are compared by adding them to one fixed instant. Pure.
 */
import { addDuration, parseDuration, type Duration } from '../domain/time.js';
import { citedArticles, renderBasis } from './laws.js';
import type { Citation, CompiledList, CompiledRecordType, CompiledScheme, LawDoc } from './types.js';

/** The ceiling when no cited article sets one, and the retention allowed past an item's effect. */
export const DEFAULT_CEILING = 'P5Y';
export const RETENTION_AFTER_EFFECT = 'P5Y';

const EPOCH = Date.UTC(2000, 0, 1);
const ms = (d: Duration) => addDuration(EPOCH, d) - EPOCH;
const dur = (text: string) => {
  const d = parseDuration(text);
  if (!d.ok) throw new Error(d.error);
  return d.value;
};

export interface CeilingIssue {
  item: object;
  name: string;
  field: string;
  message: string;
}

interface Input {
  recordTypes: ReadonlyMap<string, CompiledRecordType>;
  schemes: readonly CompiledScheme[];
  lists: readonly CompiledList[];
  laws: ReadonlyMap<string, LawDoc>;
}

export function checkCeilings(c: Input): CeilingIssue[] {
  const out: CeilingIssue[] = [];
  const ceilingOf = (cites: readonly Citation[] | undefined): { ms: number; text: string; why: string } => {
    let best: { ms: number; text: string; why: string } | null = null;
    for (const cite of cites ?? []) {
      for (const a of citedArticles([cite], c.laws)) {
        if (!a.maxPeriod) continue;
        const p = parseDuration(a.maxPeriod);
        if (p.ok && (!best || ms(p.value) < best.ms)) best = { ms: ms(p.value), text: a.maxPeriod, why: `the limit that ${renderBasis([{ law: cite.law, art: a.art }], c.laws, 'en')} sets` };
      }
    }
    return best ?? { ms: ms(dur(DEFAULT_CEILING)), text: DEFAULT_CEILING, why: 'the ceiling on publicity and listing (5 years unless a cited article sets another limit)' };
  };
  /** The longest effect each record type can have, in ms; remedies and extensions get the span of what they end or extend. */
  const span = new Map<string, number>();
  const raise = (type: string, v: number) => span.set(type, Math.max(span.get(type) ?? 0, v));
  /** Record types whose items a remedy ends: the remedy must be kept as long as they are. */
  const ends = new Map<string, Set<string>>();
  const noteExit = (remedy: string | undefined, of: string) => {
    if (!remedy) return;
    if (!ends.has(remedy)) ends.set(remedy, new Set());
    ends.get(remedy)?.add(of);
  };

  const bounded = (item: object, name: string, field: string, type: string | null, period: number | null, periodText: string | null, cites: readonly Citation[] | undefined) => {
    const ceil = ceilingOf(cites);
    const rt = type ? c.recordTypes.get(type) : undefined;
    if (period !== null) {
      if (period > ceil.ms) out.push({ item, name, field, message: `${periodText} is longer than ${ceil.text}, ${ceil.why}` });
      return period;
    }
    // No period of its own: it lasts until its exit, or until the record's retention ends.
    if (rt?.retention && ms(rt.retention) > ceil.ms) {
      out.push({ item, name, field, message: `has no period of its own, so it lasts until its exit or until the record's retention (${rt.retention.text}) ends, longer than ${ceil.text}, ${ceil.why}: give it a period of at most ${ceil.text}` });
    }
    return rt?.retention ? Math.min(ms(rt.retention), ceil.ms) : ceil.ms;
  };

  for (const s of c.schemes) {
    for (const r of s.rules) {
      const doc = s.doc.rules.find((x) => x.id === r.id);
      const adverse = r.capGrade !== null || (r.points !== null && !(typeof r.points === 'number' && r.points > 0));
      const p = r.countsFor ? ms(r.countsFor) : null;
      const v = adverse || p !== null ? bounded(s.doc, `schemes[${s.code}].rules[${r.id}]`, 'countsFor', r.on, p, r.countsFor?.text ?? null, doc?.legalBasis) : 0;
      raise(r.on, v);
      if (r.exit) {
        raise(r.exit.on, v);
        noteExit(r.exit.on, r.on);
      }
    }
  }
  const entrySpan = new Map<string, number>(); // list code → longest entry
  for (const l of c.lists) {
    for (const e of l.entryRules) {
      const doc = l.doc.entries.find((x) => x.id === e.id);
      const cites = doc?.legalBasis ?? l.doc.legalBasis;
      const name = `lists[${l.code}].entries[${e.id}]`;
      let p: number | null = null;
      let text: string | null = null;
      if (e.duration) {
        p = ms(e.duration);
        text = e.duration.text;
        if (e.extension) {
          p += ms(e.extension.max);
          text = `${e.duration.text} with up to ${e.extension.max.text} of extension`;
        }
      }
      if (e.kind === 'grade' && p === null) continue; // a grade entry lasts while the grade does
      const v = bounded(l.doc, name, e.duration ? 'duration' : 'exit', e.on, p, text, cites);
      entrySpan.set(l.code, Math.max(entrySpan.get(l.code) ?? 0, v));
      if (e.on) raise(e.on, v);
      if (e.extension) raise(e.extension.on, v);
      if (e.exit && e.on) {
        raise(e.exit.on, v);
        noteExit(e.exit.on, e.on);
      }
    }
  }
  // An escalation keeps the source records in effect for `after` and then the target's period.
  for (const l of c.lists) {
    for (const e of l.entryRules) {
      if (!e.escalatedFrom || !e.duration) continue;
      const src = c.lists.find((x) => x.code === e.escalatedFrom?.list);
      for (const se of src?.entryRules ?? []) if (se.on) raise(se.on, ms(e.escalatedFrom.after) + ms(e.duration));
    }
  }
  for (const rt of c.recordTypes.values()) {
    for (const p of rt.publicity) raise(rt.doc.code, ms(p.max));
    rt.doc.publicity?.forEach((p, i) => {
      const v = parseDuration(p.max);
      if (v.ok) bounded(rt.doc, `recordTypes[${rt.doc.code}]`, `publicity[${i}].max`, rt.doc.code, ms(v.value), p.max, rt.doc.legalBasis);
    });
  }
  const after = ms(dur(RETENTION_AFTER_EFFECT));
  const overlong = (rt: CompiledRecordType) => !!rt.retention && ms(rt.retention) > (span.get(rt.doc.code) ?? 0) + after;
  for (const rt of c.recordTypes.values()) {
    if (!rt.retention) continue;
    const effect = span.get(rt.doc.code) ?? 0;
    if (overlong(rt)) {
      const years = Math.round(((effect + after) / (365.25 * 86_400_000)) * 10) / 10;
      out.push({
        item: rt.doc,
        name: `recordTypes[${rt.doc.code}]`,
        field: 'retention',
        message: `${rt.retention.text} is more than ${RETENTION_AFTER_EFFECT} after the longest effect a record of this type can have ends: keep it at most about ${years} years`,
      });
    }
    for (const of of ends.get(rt.doc.code) ?? []) {
      const other = c.recordTypes.get(of);
      // A retention refused as too long is no measure for the remedy's: that one issue says it.
      if (other?.retention && !overlong(other) && ms(other.retention) > ms(rt.retention)) {
        out.push({
          item: rt.doc,
          name: `recordTypes[${rt.doc.code}]`,
          field: 'retention',
          message: `${rt.retention.text} is shorter than the retention of '${of}' (${other.retention.text}), whose items this remedy ends: once the remedy is deleted, the item would come back`,
        });
      }
    }
  }
  return out;
}
