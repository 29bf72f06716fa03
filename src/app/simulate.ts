/**
 * The simulate use case (issue 18, item 1): what publishing catalog version B instead of version A
 * would change, at one instant, for every subject, from the same records. Nothing is written: no
 * state, no notice, no audit entry; the store is only read, page by page, as `deriveAll` reads it.
 *
 * `Simulation` is the pure core: fed one subject at a time (its records, its age, the entries that
 * reach it through legal roles), it derives the subject's state under both versions with the same
 * `evaluateSubject` the engine uses, decides every action with the same `GateIndex`, and tallies
 * the differences. `simulateVersions` is the shell that reads the store and resolves versions.
 */
import { AUDIT } from '../audit/actions.js';
import type { Catalog } from '../catalog/types.js';
import type { CreditRecord, Decision, Instant, ListEntry, Relation, SubjectState } from '../domain/types.js';
import { GateIndex } from '../gate/index.js';
import { evaluateSubject, relatedEntries } from '../scoring/index.js';
import type { SubjectBasic } from '../store/port.js';
import { catalogAt, compileDoc, storedVersion } from './catalog.js';
import type { App } from './context.js';
import { adulthood, type DeriveFrom } from './derive.js';
import { readPurpose } from './subjects.js';

/** How many example subjects a change keeps, at most. */
export const EXAMPLES_PER_CHANGE = 20;

/** A record and rule that count for a subject under one version and not (or not so) under the other. */
export interface Difference {
  /** Which version it counts under: `a` only, `b` only. */
  in: 'a' | 'b';
  ruleId: string;
  recordId?: string;
  recordType?: string;
  /** For a scheme rule: the points it contributes. */
  points?: number;
  /** For a list entry: its list and status. */
  list?: string;
  status?: string;
  /** For a measure applied by the gate. */
  measure?: string;
}

export interface Example {
  subjectId: string;
  kind: string;
  /** What it was under A and is under B (a grade, a decision, listed or not). */
  from: string | null;
  to: string | null;
  differences: Difference[];
}

/**
 * A change counted over subjects: how many, by subject kind, by the area of the records that make
 * the difference (`(none)` when no record does: a grade band moved), and the first examples (in
 * subject id order). Room is left for more breakdowns (province, city) beside these.
 */
export interface Change {
  count: number;
  byKind: Record<string, number>;
  byArea: Record<string, number>;
  examples: Example[];
}

export interface SchemeReport {
  scheme: string;
  /** When the scheme exists in only one of the versions. */
  onlyIn?: 'a' | 'b';
  /** Every grade of either version, best first; `(none)` for a subject the scheme does not grade under one version. */
  grades: string[];
  /** from (grade under A) → to (grade under B) → subjects; the diagonal is the subjects whose grade stays. */
  matrix: Record<string, Record<string, number>>;
  /** The subjects whose grade changes, one change per (from, to) pair that occurs. */
  transitions: (Change & { from: string; to: string })[];
}

export interface ListReport {
  list: string;
  onlyIn?: 'a' | 'b';
  /** Subjects on the list (an own entry active or pending) at the instant, under A and under B. */
  before: number;
  after: number;
  joining: Change;
  leaving: Change;
}

export interface ActionReport {
  action: string;
  onlyIn?: 'a' | 'b';
  /** from (decision under A) → to (decision under B) → subjects; empty for an action in one version only. */
  decisions: Record<string, Record<string, number>>;
  /** Denied under B, not under A. */
  newlyDenied: Change;
  /** Allowed under B, denied or sent to review under A. */
  newlyAllowed: Change;
  /** Sent to review under B, allowed or denied under A. */
  newlyReview: Change;
}

export interface RuleReport {
  /** `scheme` rules score; `list` rules put subjects on a list. */
  kind: 'scheme' | 'list';
  /** The scheme or list the rule belongs to. */
  owner: string;
  ruleId: string;
  onlyIn?: 'a' | 'b';
  /** Matches at the instant: contributions that count (scheme), entries active or pending (list); and the subjects they are of. */
  before: { matches: number; subjects: number };
  after: { matches: number; subjects: number };
  /** Subjects the rule matches under B and not under A, and the reverse. */
  gained: Change;
  lost: Change;
}

export interface SimulationReport {
  /** The version compared against (`id@version`) and the one simulated. */
  a: string;
  b: string;
  asOf: Instant;
  subjects: number;
  subjectsByKind: Record<string, number>;
  /** Subjects for whom anything reported changes (a grade, a list, a decision, a rule's match). */
  changed: number;
  schemes: SchemeReport[];
  lists: ListReport[];
  actions: ActionReport[];
  rules: RuleReport[];
  /**
   * Persons left out of the examples because no purpose was given (showing a person as an example
   * is a read of their data: with a purpose, each is in their access log as `simulation.read`).
   */
  personExamplesWithheld?: number;
}

const NONE = '(none)';

function change(): Change {
  return { count: 0, byKind: {}, byArea: {}, examples: [] };
}

const inc = (m: Record<string, number>, k: string, n = 1) => {
  m[k] = (m[k] ?? 0) + n;
};

/** Union of two key lists, `a`'s order first. */
function union(a: readonly string[], b: readonly string[]): string[] {
  const out = [...a];
  for (const k of b) if (!out.includes(k)) out.push(k);
  return out;
}

const onlyIn = (inA: boolean, inB: boolean): 'a' | 'b' | undefined => (inA && inB ? undefined : inA ? 'a' : 'b');

/** An entry the gate enforces at `asOf`, and a list counts as the subject's (its own, not through a role). */
const listed = (e: ListEntry) => !e.via && (e.status === 'active' || e.status === 'pending');

interface Side {
  state: SubjectState;
  related: ListEntry[];
  decisions: Map<string, { decision: Decision; measures: Difference[] }>;
}

/** The subject's gate, as the engine's: a reused index per version, keyed by one placeholder id. */
const SLOT = '(simulated)';

/**
 * The pure core: add subjects one by one (in id order, for stable examples), then `report()`.
 * Deterministic: the same subjects, records and versions give the same report.
 */
export class Simulation {
  private readonly gates: [GateIndex, GateIndex];
  private readonly schemes = new Map<string, SchemeReport>();
  private readonly lists = new Map<string, ListReport>();
  private readonly actions = new Map<string, ActionReport>();
  private readonly rules = new Map<string, RuleReport>();
  private subjects = 0;
  private readonly byKind: Record<string, number> = {};
  private changedSubjects = 0;
  private readonly areaOf: (type: string) => string;

  constructor(readonly a: Catalog, readonly b: Catalog, readonly asOf: Instant, readonly examples = EXAMPLES_PER_CHANGE) {
    this.gates = [new GateIndex(a), new GateIndex(b)];
    this.areaOf = (type) => b.recordTypes.get(type)?.doc.area ?? a.recordTypes.get(type)?.doc.area ?? NONE;
    for (const code of union(a.schemes.map((s) => s.code), b.schemes.map((s) => s.code))) {
      const sa = a.schemes.find((s) => s.code === code);
      const sb = b.schemes.find((s) => s.code === code);
      this.schemes.set(code, { scheme: code, ...opt(onlyIn(!!sa, !!sb)), grades: [...union(sa?.grades ?? [], sb?.grades ?? []), NONE], matrix: {}, transitions: [] });
      for (const [s, side] of [[sa, 'a'], [sb, 'b']] as const) for (const r of s?.rules ?? []) this.rule('scheme', code, r.id, side);
    }
    for (const code of union(a.lists.map((l) => l.code), b.lists.map((l) => l.code))) {
      const la = a.listsByCode.get(code);
      const lb = b.listsByCode.get(code);
      this.lists.set(code, { list: code, ...opt(onlyIn(!!la, !!lb)), before: 0, after: 0, joining: change(), leaving: change() });
      for (const [l, side] of [[la, 'a'], [lb, 'b']] as const) for (const r of l?.entryRules ?? []) this.rule('list', code, r.id, side);
    }
    for (const code of union([...a.actions.keys()], [...b.actions.keys()])) {
      this.actions.set(code, { action: code, ...opt(onlyIn(a.actions.has(code), b.actions.has(code))), decisions: {}, newlyDenied: change(), newlyAllowed: change(), newlyReview: change() });
    }
  }

  private rule(kind: 'scheme' | 'list', owner: string, ruleId: string, side: 'a' | 'b') {
    const key = `${kind}:${owner}:${ruleId}`;
    let r = this.rules.get(key);
    if (!r) {
      r = { kind, owner, ruleId, onlyIn: side, before: { matches: 0, subjects: 0 }, after: { matches: 0, subjects: 0 }, gained: change(), lost: change() };
      this.rules.set(key, r);
    } else if (r.onlyIn !== side) delete r.onlyIn;
  }

  /**
   * Adds one subject: all its records (those recorded after the instant are ignored), when it
   * turned 18 if a person whose age is known, and the entries of organisations that reach it
   * through legal roles it holds, as derived under A and under B.
   */
  add(subject: SubjectBasic, records: readonly CreditRecord[], adultFrom?: Instant, related: { a: ListEntry[]; b: ListEntry[] } = { a: [], b: [] }): void {
    this.subjects++;
    inc(this.byKind, subject.kind);
    const A = this.side(0, subject, records, adultFrom, related.a);
    const B = this.side(1, subject, records, adultFrom, related.b);
    let changed = false;
    const count = (c: Change, from: string | null, to: string | null, diffs: Difference[]) => {
      changed = true;
      c.count++;
      inc(c.byKind, subject.kind);
      const areas = new Set(diffs.map((d) => (d.recordType ? this.areaOf(d.recordType) : NONE)));
      if (areas.size === 0) areas.add(NONE);
      for (const area of areas) inc(c.byArea, area);
      if (c.examples.length < this.examples) c.examples.push({ subjectId: subject.id, kind: subject.kind, from, to, differences: diffs });
    };

    // Grades.
    for (const rep of this.schemes.values()) {
      const ga = A.state.schemes.find((s) => s.scheme === rep.scheme);
      const gb = B.state.schemes.find((s) => s.scheme === rep.scheme);
      if (!ga && !gb) continue;
      const from = ga?.grade ?? NONE;
      const to = gb?.grade ?? NONE;
      inc((rep.matrix[from] ??= {}), to);
      if (from === to) continue;
      let t = rep.transitions.find((x) => x.from === from && x.to === to);
      if (!t) rep.transitions.push((t = { from, to, ...change() }));
      const key = (x: { recordId: string; ruleId: string; points: number }) => `${x.recordId}\u0000${x.ruleId}\u0000${x.points}`;
      const inB = new Set((gb?.breakdown ?? []).map(key));
      const inA = new Set((ga?.breakdown ?? []).map(key));
      const diffs: Difference[] = [
        ...(ga?.breakdown ?? []).filter((x) => !inB.has(key(x))).map((x) => ({ in: 'a' as const, ruleId: x.ruleId, recordId: x.recordId, recordType: x.recordType, points: x.points })),
        ...(gb?.breakdown ?? []).filter((x) => !inA.has(key(x))).map((x) => ({ in: 'b' as const, ruleId: x.ruleId, recordId: x.recordId, recordType: x.recordType, points: x.points })),
      ];
      count(t, from, to, diffs);
    }

    // Lists.
    for (const rep of this.lists.values()) {
      const ea = A.state.entries.filter((e) => e.list === rep.list && listed(e));
      const eb = B.state.entries.filter((e) => e.list === rep.list && listed(e));
      if (ea.length) rep.before++;
      if (eb.length) rep.after++;
      if (ea.length > 0 === eb.length > 0) continue;
      const diffs = [...ea.map((e) => entryDiff('a', e)), ...eb.map((e) => entryDiff('b', e))];
      if (eb.length) count(rep.joining, null, rep.list, diffs);
      else count(rep.leaving, rep.list, null, diffs);
    }

    // Decisions.
    for (const rep of this.actions.values()) {
      const da = A.decisions.get(rep.action);
      const db = B.decisions.get(rep.action);
      if (!da || !db) continue;
      inc((rep.decisions[da.decision] ??= {}), db.decision);
      if (da.decision === db.decision) continue;
      const sig = (d: Difference) => `${d.measure}\u0000${d.recordId ?? ''}\u0000${d.ruleId}`;
      const sa = new Set(da.measures.map(sig));
      const sb = new Set(db.measures.map(sig));
      const diffs = [...da.measures.filter((d) => !sb.has(sig(d))), ...db.measures.filter((d) => !sa.has(sig(d)))];
      const c = db.decision === 'deny' ? rep.newlyDenied : db.decision === 'allow' ? rep.newlyAllowed : rep.newlyReview;
      count(c, da.decision, db.decision, diffs);
    }

    // Rules.
    const ma = this.matches(A.state, 'a');
    const mb = this.matches(B.state, 'b');
    for (const [key, rep] of this.rules) {
      const xa = ma.get(key) ?? [];
      const xb = mb.get(key) ?? [];
      rep.before.matches += xa.length;
      rep.after.matches += xb.length;
      if (xa.length) rep.before.subjects++;
      if (xb.length) rep.after.subjects++;
      if (xa.length > 0 === xb.length > 0) continue;
      if (xb.length) count(rep.gained, null, rep.ruleId, xb);
      else count(rep.lost, rep.ruleId, null, xa);
    }
    if (changed) this.changedSubjects++;
  }

  /** The matches of each rule at the instant, by `kind:owner:rule`, as differences of one side. */
  private matches(state: SubjectState, who: 'a' | 'b'): Map<string, Difference[]> {
    const out = new Map<string, Difference[]>();
    const put = (key: string, d: Difference) => {
      const l = out.get(key);
      if (l) l.push(d);
      else out.set(key, [d]);
    };
    for (const s of state.schemes) for (const x of s.breakdown) put(`scheme:${s.scheme}:${x.ruleId}`, { in: who, ruleId: x.ruleId, recordId: x.recordId, recordType: x.recordType, points: x.points });
    for (const e of state.entries) if (listed(e) && e.reasons.length) put(`list:${e.list}:${e.reasons[0].ruleId}`, entryDiff(who, e));
    return out;
  }

  private side(i: 0 | 1, subject: SubjectBasic, records: readonly CreditRecord[], adultFrom: Instant | undefined, related: ListEntry[]): Side {
    const catalog = i === 0 ? this.a : this.b;
    const state = evaluateSubject(catalog, { subject, records, asOf: this.asOf, adultFrom });
    const gate = this.gates[i];
    gate.setEntries(SLOT, [...state.entries, ...related]);
    gate.setGrades(SLOT, state.schemes);
    const decisions = new Map<string, { decision: Decision; measures: Difference[] }>();
    for (const action of catalog.actions.keys()) {
      const r = gate.check(SLOT, action, this.asOf);
      decisions.set(action, {
        decision: r.decision,
        measures: r.measures.map((m) => {
          const reason = m.reasons[0];
          const d: Difference = { in: i === 0 ? 'a' : 'b', measure: m.measure, ruleId: reason?.ruleId ?? m.measure };
          if (reason?.recordId) d.recordId = reason.recordId;
          if (reason?.recordType) d.recordType = reason.recordType;
          if (m.list) d.list = m.list;
          return d;
        }),
      });
    }
    return { state, related, decisions };
  }

  report(): SimulationReport {
    return {
      a: `${this.a.id}@${this.a.version}`,
      b: `${this.b.id}@${this.b.version}`,
      asOf: this.asOf,
      subjects: this.subjects,
      subjectsByKind: this.byKind,
      changed: this.changedSubjects,
      schemes: [...this.schemes.values()],
      lists: [...this.lists.values()],
      actions: [...this.actions.values()],
      rules: [...this.rules.values()],
    };
  }
}

function opt(v: 'a' | 'b' | undefined): { onlyIn?: 'a' | 'b' } {
  return v ? { onlyIn: v } : {};
}

function entryDiff(side: 'a' | 'b', e: ListEntry): Difference {
  const r = e.reasons[0];
  const d: Difference = { in: side, ruleId: r?.ruleId ?? '', list: e.list, status: e.status };
  const rec = e.reasons.find((x) => x.recordId);
  if (rec?.recordId) d.recordId = rec.recordId;
  if (rec?.recordType) d.recordType = rec.recordType;
  return d;
}

/**
 * Simulates `b` against `a` at `asOf` over every subject in the store, reading it page by page
 * (each page's records in one range scan) and writing nothing. Organisations are read first, so
 * that the entries reaching persons through the legal roles they hold at `asOf` are known when
 * the persons are.
 */
export async function simulateAll(from: DeriveFrom, a: Catalog, b: Catalog, asOf: Instant, onProgress?: (done: number) => void, pageSize = 2000): Promise<SimulationReport> {
  const { store } = from;
  const sim = new Simulation(a, b, asOf);
  const related = new Map<string, { a: ListEntry[]; b: ListEntry[] }>();
  for await (const page of store.scanSubjects(pageSize)) {
    const orgs = page.filter((s) => s.kind !== 'person' && s.createdAt <= asOf);
    if (orgs.length === 0) continue;
    const byOrg = new Map<string, Relation[]>();
    for (const r of await store.relationsOfOrgs(orgs.map((s) => s.id), asOf)) {
      const l = byOrg.get(r.subjectId);
      if (l) l.push(r);
      else byOrg.set(r.subjectId, [r]);
    }
    if (byOrg.size === 0) continue;
    const records = await store.recordsOf([...byOrg.keys()]);
    for (const org of orgs) {
      const rels = byOrg.get(org.id);
      if (!rels) continue;
      for (const [catalog, side] of [[a, 'a'], [b, 'b']] as const) {
        const state = evaluateSubject(catalog, { subject: org, records: records.get(org.id) ?? [], asOf });
        for (const e of relatedEntries(catalog, state.entries, rels)) {
          let r = related.get(e.subjectId);
          if (!r) related.set(e.subjectId, (r = { a: [], b: [] }));
          r[side].push(e);
        }
      }
    }
  }
  let n = 0;
  for await (const page of store.scanSubjects(pageSize)) {
    // A subject registered after the instant was not known then.
    const known = page.filter((s) => s.createdAt <= asOf);
    if (known.length > 0) {
      const records = await store.recordsBetween(known[0].id, known[known.length - 1].id);
      const adults = await adulthood(from, known, records);
      for (const s of known) sim.add({ id: s.id, kind: s.kind, createdAt: s.createdAt }, records.get(s.id) ?? [], adults.get(s.id), related.get(s.id));
    }
    n += page.length;
    onProgress?.(n);
  }
  return sim.report();
}

/** What to simulate: a stored version (`id@version`, or a version of the catalog in force), or a compiled catalog (a draft directory). */
export type SimulationTarget = { ref: string } | { catalog: Catalog };

/**
 * Simulates a draft or stored version against another stored version (`against`), or against the
 * catalog in force at `asOf` (default: now). Writes nothing, audits nothing.
 */
export async function simulateVersions(app: App, o: { target: SimulationTarget; against?: string; asOf?: Instant; onProgress?: (done: number) => void; purpose?: string; actor?: string }): Promise<SimulationReport> {
  // Persons' examples are a read of their data: only with a purpose, checked before any work.
  const purpose = o.purpose === undefined || o.purpose === '' ? undefined : readPurpose(o.purpose);
  const asOf = o.asOf ?? app.now();
  const b = 'catalog' in o.target ? o.target.catalog : compileDoc((await storedVersion(app, o.target.ref, 'version')).doc);
  const a = o.against !== undefined ? compileDoc((await storedVersion(app, o.against, 'against')).doc) : await catalogAt(app, asOf);
  const report = await simulateAll(app.ctx, a, b, asOf, o.onProgress);
  const persons = new Set<string>();
  forEachChange(report, (c) => {
    for (const e of c.examples) if (e.kind === 'person') persons.add(e.subjectId);
  });
  if (purpose === undefined) {
    forEachChange(report, (c) => {
      c.examples = c.examples.filter((e) => e.kind !== 'person');
    });
    report.personExamplesWithheld = persons.size;
  } else if (persons.size > 0) {
    const at = app.now();
    const actor = o.actor ?? 'system';
    await app.ctx.store.appendAudit([...persons].sort().map((subjectId) => ({ at, actor, action: AUDIT.simulationRead, subjectId, data: { purpose, simulated: report.b, against: report.a } })));
  }
  return report;
}

/** Every change of a report (a grade transition, list joins and leaves, decisions, rule gains and losses), wherever it is. */
function forEachChange(v: unknown, f: (c: Change) => void): void {
  if (Array.isArray(v)) for (const x of v) forEachChange(x, f);
  else if (v && typeof v === 'object') {
    if (Array.isArray((v as Change).examples) && typeof (v as Change).count === 'number') f(v as Change);
    for (const x of Object.values(v)) if (x && typeof x === 'object') forEachChange(x, f);
  }
}
