/**
 * Scores and grades: each rule that matches a record contributes points (or a grade cap) over an
 * interval of valid time. The score at any instant is the base plus what counts then, so the
 * same contributions answer "what is the score now", "since when has it been AAA" and "when does
 * it change next". Pure.
 */
import { toNumber } from '../catalog/cel.js';
import type { Catalog, CompiledRule, CompiledScheme } from '../catalog/types.js';
import { addDuration } from '../domain/time.js';
import type { BreakdownEntry, Instant, SchemeResult } from '../domain/types.js';
import { safeBool, type WorkingSet, type WorkRecord } from './working-set.js';

/** A rule's contribution over [from, until). */
export interface Contribution {
  w: WorkRecord;
  rule: CompiledRule;
  points: number;
  capRank: number | null;
  from: Instant;
  /** Infinity while it lasts until an exit not yet met (never beyond retention, so finite in practice). */
  until: Instant;
}

function pointsOf(rule: CompiledRule, ws: WorkingSet, w: WorkRecord): number {
  const p = rule.points;
  if (p === null) return 0;
  if (typeof p === 'number') return p;
  try {
    const n = toNumber(p({ record: ws.cel(w) }));
    return Number.isFinite(n) ? n : 0;
  } catch {
    return 0;
  }
}

/** All contributions of one scheme, whether or not they count at `asOf`. */
export function contributions(scheme: CompiledScheme, catalog: Catalog, ws: WorkingSet): Contribution[] {
  const out: Contribution[] = [];
  for (const w of ws.records) {
    const rules = catalog.rulesByType.get(w.rec.type);
    // A minor's conduct is scored by no scheme: no points, no grade cap (minors.ts).
    if (!rules || ws.minorConduct(w)) continue;
    for (const rule of rules) {
      if (rule.scheme !== scheme.code) continue;
      if (rule.when && !safeBool(rule.when, { record: ws.cel(w) })) continue;
      let until = w.end;
      if (rule.countsFor) until = Math.min(until, addDuration(w.at, rule.countsFor));
      const exit = ws.firstExit(w, rule.exit);
      if (exit) until = Math.min(until, exit.at);
      if (until <= w.at) continue;
      out.push({
        w,
        rule,
        points: pointsOf(rule, ws, w),
        capRank: rule.capGrade === null ? null : (scheme.rank.get(rule.capGrade) ?? null),
        from: w.at,
        until,
      });
    }
  }
  return out;
}

/** Score and grade rank at instant `t` from the contributions. */
export function gradeAt(scheme: CompiledScheme, cs: readonly Contribution[], t: Instant): { score: number; rank: number; cap: Contribution | null } {
  let score = scheme.doc.base;
  let cap: Contribution | null = null;
  for (const c of cs) {
    if (c.from <= t && t < c.until) {
      score += c.points;
      if (c.capRank !== null && (cap === null || c.capRank > (cap.capRank as number))) cap = c;
    }
  }
  score = clamp(score, scheme.doc.min, scheme.doc.max);
  let rank = scheme.grades.length - 1;
  const bands = scheme.doc.grades;
  for (let i = 0; i < bands.length; i++) {
    const min = bands[i].min;
    if (min === undefined || score >= min) {
      rank = i;
      break;
    }
  }
  if (cap && (cap.capRank as number) > rank) rank = cap.capRank as number;
  else if (cap) cap = null; // the cap did not bind
  return { score, rank, cap };
}

function clamp(n: number, min?: number, max?: number): number {
  // Points may be fractional (a double expression); scores are kept to two decimals.
  let v = Math.round(n * 100) / 100;
  if (min !== undefined && v < min) v = min;
  if (max !== undefined && v > max) v = max;
  return v;
}

/** The scheme's result at `asOf`, with one breakdown entry per contribution that counts then. */
export function schemeResult(scheme: CompiledScheme, cs: readonly Contribution[], asOf: Instant): SchemeResult {
  const { score, rank, cap } = gradeAt(scheme, cs, asOf);
  const breakdown: BreakdownEntry[] = [];
  for (const c of cs) {
    if (!(c.from <= asOf && asOf < c.until)) continue;
    const b: BreakdownEntry = {
      recordId: c.w.rec.id,
      recordType: c.w.rec.type,
      ruleId: c.rule.id,
      points: c.points,
      legalBasis: c.rule.legalBasis,
      from: c.from,
      until: c.until === Infinity ? null : c.until,
    };
    if (c.rule.capGrade) b.capGrade = c.rule.capGrade;
    if (c.w.disputed) b.disputed = true;
    breakdown.push(b);
  }
  const r: SchemeResult = { scheme: scheme.code, score, grade: scheme.grades[rank], base: scheme.doc.base, breakdown };
  if (cap) r.cappedBy = { ruleId: cap.rule.id, recordId: cap.w.rec.id, grade: cap.rule.capGrade as string };
  return r;
}

/**
 * The maximal run of time around `asOf` during which the grade is in `grades`, computed from the
 * contributions' boundaries. `start` is -Infinity when it has held since before any record.
 */
export function gradeRun(
  scheme: CompiledScheme,
  cs: readonly Contribution[],
  asOf: Instant,
  grades: ReadonlySet<string>,
): { start: Instant; end: Instant } | null {
  const inSet = (t: Instant) => grades.has(scheme.grades[gradeAt(scheme, cs, t).rank]);
  if (!inSet(asOf)) return null;
  const points = new Set<number>();
  for (const c of cs) {
    points.add(c.from);
    if (c.until !== Infinity) points.add(c.until);
  }
  const sorted = [...points].sort((a, b) => a - b);
  let start = -Infinity;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const b = sorted[i];
    if (b > asOf) continue;
    // The grade is constant on [b, next boundary); just before b it may differ.
    if (!inSet(b - 1)) {
      start = b;
      break;
    }
  }
  let end = Infinity;
  for (const b of sorted) {
    if (b <= asOf) continue;
    if (!inSet(b)) {
      end = b;
      break;
    }
  }
  return { start, end };
}
