/**
 * The gate: an in-memory index of who is on which list, and `check(subject, action)`.
 * No I/O on the check path; the shell feeds the index from the store and keeps it current.
 */
import type { Catalog, CompiledMeasure } from '../catalog/types.js';
import type { AppliedMeasure, CheckResult, Decision, EntryReason, Instant, LegalRole, ListEntry } from '../domain/types.js';
import { withheldWhileBlack } from '../scoring/red-black.js';

/** What the gate keeps of a list entry: just enough to decide and to explain. */
class GateEntry {
  constructor(
    readonly id: string,
    readonly listIndex: number,
    readonly since: Instant,
    /** Infinity while the entry lasts until an exit. */
    readonly until: Instant,
    readonly reasons: EntryReason[],
    readonly via: { subjectId: string; role: LegalRole } | undefined,
  ) {}
}

interface SubjectGate {
  entries: GateEntry[];
  /** Grades by scheme, kept only for schemes that some measure refers to. */
  grades: Map<string, string> | null;
  /** Whether some entry is on a black list and the subject's own (not through a legal role). */
  black: boolean;
}

const EMPTY: SubjectGate = Object.freeze({ entries: [], grades: null, black: false }) as SubjectGate;

/** What the gate keeps of a measure: its list's index (-1 for a grade), and whether a black entry withholds it. */
interface MeasureInfo {
  li: number;
  withheld: boolean;
}

export class GateIndex {
  private readonly subjects = new Map<string, SubjectGate>();
  private readonly gradeSchemes: Set<string>;
  private readonly listIndex: Map<string, number>;
  private readonly measureInfo: Map<CompiledMeasure, MeasureInfo>;
  /** By list index: whether the list is black. */
  private readonly blackList: boolean[];

  constructor(readonly catalog: Catalog) {
    this.gradeSchemes = new Set(catalog.measures.filter((m) => m.grade).map((m) => (m.grade as { scheme: string }).scheme));
    this.listIndex = new Map(catalog.lists.map((l) => [l.code, l.index]));
    this.measureInfo = new Map(catalog.measures.map((m) => [m, { li: m.list ? (this.listIndex.get(m.list) ?? -1) : -1, withheld: withheldWhileBlack(catalog, m) }]));
    this.blackList = [];
    for (const l of catalog.lists) this.blackList[l.index] = l.doc.color === 'black';
  }

  /** Declares subjects as known (a check on them answers `known: true`). */
  addSubject(subjectId: string): void {
    if (!this.subjects.has(subjectId)) this.subjects.set(subjectId, EMPTY);
  }

  /**
   * Replaces a subject's enforceable entries (own and through legal roles). Ended entries are
   * dropped here: the gate only answers about what can still apply.
   */
  setEntries(subjectId: string, entries: readonly ListEntry[]): void {
    const cur = this.subjects.get(subjectId) ?? EMPTY;
    const kept: GateEntry[] = [];
    let black = false;
    for (const e of entries) {
      if (e.status !== 'active' && e.status !== 'pending') continue;
      const li = this.listIndex.get(e.list);
      if (li === undefined) continue;
      kept.push(new GateEntry(e.id, li, e.since, e.until ?? Infinity, e.reasons, e.via));
      if (this.blackList[li] && !e.via) black = true;
    }
    this.store(subjectId, { entries: kept, grades: cur.grades, black });
  }

  /** Records a subject's grades (only those a measure can act on are kept). */
  setGrades(subjectId: string, grades: Iterable<{ scheme: string; grade: string }>): void {
    const cur = this.subjects.get(subjectId) ?? EMPTY;
    let m: Map<string, string> | null = null;
    for (const g of grades) {
      if (!this.gradeSchemes.has(g.scheme)) continue;
      if (!this.catalog.measures.some((x) => x.grade?.scheme === g.scheme && x.grade.in.has(g.grade))) continue;
      (m ??= new Map()).set(g.scheme, g.grade);
    }
    this.store(subjectId, { entries: cur.entries, grades: m, black: cur.black });
  }

  private store(subjectId: string, g: SubjectGate) {
    this.subjects.set(subjectId, g.entries.length === 0 && g.grades === null ? EMPTY : g);
  }

  hasAction(action: string): boolean {
    return this.catalog.actions.has(action);
  }

  /** Counts for monitoring and the memory benchmark. */
  stats(): { subjects: number; withEntries: number; entries: number } {
    let withEntries = 0;
    let entries = 0;
    for (const g of this.subjects.values()) {
      if (g.entries.length > 0) withEntries++;
      entries += g.entries.length;
    }
    return { subjects: this.subjects.size, withEntries, entries };
  }

  /**
   * May `subjectId` do `action` at instant `at`? `deny` if any applicable measure denies,
   * else `review` if any asks for review, else `allow` (rewards, limits and priorities are
   * reported alongside). An unknown subject gets the action's `unknownSubject` decision.
   * While a black-list entry of the subject's own is in effect at `at`, no red-list measure and no
   * reward on a good grade applies (red and black exclude each other; scoring/red-black.ts).
   * The caller checks `hasAction` first.
   */
  check(subjectId: string | null, action: string, at: Instant): CheckResult {
    const g = subjectId === null ? undefined : this.subjects.get(subjectId);
    if (g === undefined) {
      const d = this.catalog.actions.get(action)?.unknownSubject ?? 'allow';
      return { decision: d, known: false, action, at, measures: [] };
    }
    const measures = this.catalog.measuresByAction.get(action);
    const applied: AppliedMeasure[] = [];
    let decision: Decision = 'allow';
    if (measures && (g.entries.length > 0 || g.grades !== null)) {
      for (const m of measures) {
        const { li, withheld } = this.measureInfo.get(m) as MeasureInfo;
        if (withheld && g.black && this.blackAt(g, at)) continue;
        if (li >= 0) {
          for (const e of g.entries) {
            if (e.listIndex !== li || e.since > at || at >= e.until) continue;
            applied.push(this.applied(m, e));
            decision = combine(decision, m.effect);
          }
        } else if (m.grade && g.grades) {
          const grade = g.grades.get(m.grade.scheme);
          if (grade !== undefined && m.grade.in.has(grade)) {
            applied.push({
              measure: m.code,
              effect: m.effect,
              authority: m.doc.authority,
              legalBasis: m.basis,
              appeal: m.doc.appeal,
              reasons: [{ ruleId: `grade:${m.grade.scheme}`, legalBasis: m.basis.en, grade: { scheme: m.grade.scheme, grade } }],
              params: m.doc.params,
            });
            decision = combine(decision, m.effect);
          }
        }
      }
    }
    return { decision, known: true, subjectId: subjectId as string, action, at, measures: applied };
  }

  /** Whether a black-list entry of the subject's own is in effect at `at`. */
  private blackAt(g: SubjectGate, at: Instant): boolean {
    for (const e of g.entries) if (this.blackList[e.listIndex] && e.via === undefined && e.since <= at && at < e.until) return true;
    return false;
  }

  private applied(m: CompiledMeasure, e: GateEntry): AppliedMeasure {
    const a: AppliedMeasure = {
      measure: m.code,
      effect: m.effect,
      list: m.list as string,
      entryId: e.id,
      since: e.since,
      until: e.until === Infinity ? null : e.until,
      authority: m.doc.authority,
      legalBasis: m.basis,
      reasons: e.reasons,
    };
    if (m.doc.appeal) a.appeal = m.doc.appeal;
    if (e.via) a.via = e.via;
    if (m.doc.params) a.params = m.doc.params;
    return a;
  }
}

function combine(d: Decision, effect: string): Decision {
  if (effect === 'deny') return 'deny';
  if (effect === 'review' && d === 'allow') return 'review';
  return d;
}
