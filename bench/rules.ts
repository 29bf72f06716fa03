/**
 * Rule evaluation: the default catalog's civic-points and enterprise-class rules over synthetic
 * records, in our engine (compiled CEL, as scoring runs it), json-rules-engine, @gorules/zen-engine
 * and hand-written JS. All engines must agree on the points before any rate is reported.
 */
import { createRequire } from 'node:module';
import { Engine, type RuleProperties } from 'json-rules-engine';
import { defaultCatalogDir } from '../src/app/paths.js';
import { toNumber } from '../src/catalog/cel.js';
import { loadCatalogDir } from '../src/app/catalog-files.js';
import { formatIssue, type Catalog, type CelRecord, type CompiledRule } from '../src/catalog/types.js';
import type { CreditRecord, SubjectKind } from '../src/domain/types.js';
import { evaluateSubject } from '../src/scoring/evaluate.js';
import { safeBool } from '../src/scoring/working-set.js';
import {
  NOW,
  cityRecords,
  figure,
  fmtInt,
  fmtRate,
  log,
  printFigure,
  rate,
  recordsPerPerson,
  scaled,
  timeAsync,
  timeSync,
  type BenchResult,
  type CityRecords,
  type Figure,
} from './common.js';

// zen-engine is a CommonJS native addon; load it the way Node resolves it for this package.
const require = createRequire(import.meta.url);

interface ZenDecision {
  evaluate(context: unknown): Promise<{ result: unknown }>;
}
interface ZenEngineCtor {
  new (): { createDecision(content: object): ZenDecision; dispose(): void };
}

/** The two schemes under test and the subject kind each scores. */
const SCHEMES = ['civic-points', 'enterprise-class'] as const;
const KINDS: ReadonlySet<SubjectKind> = new Set(['person', 'enterprise']);
const ENTERPRISES_PER_PERSON = 0.1;

// ---------------------------------------------------------------------------------------------
// The catalog's rules in a neutral form that each peer engine is built from. The translation
// knows exactly the CEL shapes the default catalog uses and refuses anything else, so a new
// catalog rule cannot silently drop out of the comparison.

interface Cond {
  fact: string;
  op: '==' | '!=';
  value: string;
}

type Points =
  | { k: 'const'; n: number }
  | { k: 'mul'; factor: number; fact: string }
  /** `f >= atLeast ? cap : f / div` (integer division when f is a CEL int). */
  | { k: 'capDiv'; fact: string; atLeast: number; cap: number; div: number; int: boolean };

interface RuleSpec {
  id: string;
  scheme: string;
  kind: SubjectKind;
  type: string;
  when: Cond | null;
  points: Points | null;
}

function specsOf(catalog: Catalog): RuleSpec[] {
  const out: RuleSpec[] = [];
  for (const code of SCHEMES) {
    const scheme = catalog.schemes.find((s) => s.code === code);
    if (!scheme) throw new Error(`the default catalog has no scheme ${code}`);
    for (const kind of scheme.subjects) {
      for (const r of scheme.doc.rules) {
        const factsSchema = catalog.recordTypes.get(r.on)?.doc.facts as { properties?: Record<string, { type?: string }> } | undefined;
        const isInt = (f: string) => factsSchema?.properties?.[f]?.type === 'integer';
        out.push({ id: r.id, scheme: code, kind, type: r.on, when: r.when === undefined ? null : condOf(r.when, r.id), points: r.points === undefined ? null : pointsOf(r.points, r.id, isInt) });
      }
    }
  }
  return out;
}

function condOf(src: string, id: string): Cond {
  const m = /^record\.facts\.(\w+) (==|!=) '([^']*)'$/.exec(src.trim());
  if (!m) throw new Error(`bench/rules.ts cannot translate the condition of rule ${id}: ${src}`);
  return { fact: m[1], op: m[2] as Cond['op'], value: m[3] };
}

function pointsOf(src: string | number, id: string, isInt: (f: string) => boolean): Points {
  const s = String(src).trim();
  if (/^-?\d+(\.\d+)?$/.test(s)) return { k: 'const', n: Number(s) };
  let m = /^(-?\d+) \* record\.facts\.(\w+)$/.exec(s);
  if (m) return { k: 'mul', factor: Number(m[1]), fact: m[2] };
  m = /^record\.facts\.(\w+) >= (\d+) \? (-?\d+) : record\.facts\.(\w+) \/ (\d+)$/.exec(s);
  if (m && m[1] === m[4]) return { k: 'capDiv', fact: m[1], atLeast: Number(m[2]), cap: Number(m[3]), div: Number(m[5]), int: isInt(m[1]) };
  throw new Error(`bench/rules.ts cannot translate the points of rule ${id}: ${s}`);
}

function applyPoints(p: Points | null, facts: Record<string, unknown>): number {
  if (p === null) return 0;
  if (p.k === 'const') return p.n;
  const v = facts[p.fact] as number;
  if (p.k === 'mul') return p.factor * v;
  if (v >= p.atLeast) return p.cap;
  return p.int ? Math.trunc(v / p.div) : v / p.div;
}

// ---------------------------------------------------------------------------------------------
// What every engine returns for a set of records: equal tallies mean equal points per record
// (up to an astronomically unlikely coincidence in the weighted sum).

interface Tally {
  total: number;
  weighted: number;
  matches: number;
}

const newTally = (): Tally => ({ total: 0, weighted: 0, matches: 0 });
const weightOf = (i: number) => (i % 13) + 1;

function sameTally(a: Tally, b: Tally): boolean {
  return a.total === b.total && a.weighted === b.weighted && a.matches === b.matches;
}

const showTally = (t: Tally) => `total ${t.total}, weighted ${t.weighted}, matches ${t.matches}`;

// ---------------------------------------------------------------------------------------------
// Ours: the per-record work of scoring's `contributions` (schemes.ts): the compiled rules of the
// record's type, the scheme filter, the CEL view built once (toCel), the compiled `when`, and
// the points (a folded constant or compiled CEL, converted with toNumber).

function ourPoints(rule: CompiledRule, cel: CelRecord): number {
  const p = rule.points;
  if (p === null) return 0;
  if (typeof p === 'number') return p;
  try {
    const n = toNumber(p({ record: cel }));
    return Number.isFinite(n) ? n : 0;
  } catch {
    return 0;
  }
}

function oursLoop(catalog: Catalog, records: readonly CreditRecord[], kinds: readonly SubjectKind[], idx: readonly number[] | null): Tally {
  const t = newTally();
  const schemeOf: Partial<Record<SubjectKind, string>> = { person: 'civic-points', enterprise: 'enterprise-class' };
  const n = idx ? idx.length : records.length;
  for (let j = 0; j < n; j++) {
    const i = idx ? idx[j] : j;
    const rec = records[i];
    const rt = catalog.recordTypes.get(rec.type);
    if (!rt) continue;
    const rules = catalog.rulesByType.get(rec.type);
    if (!rules) continue;
    const code = schemeOf[kinds[i]];
    let cel: CelRecord | null = null;
    let p = 0;
    for (const rule of rules) {
      if (rule.scheme !== code) continue;
      cel ??= { type: rec.type, source: rec.source, facts: rt.toCel(rec.facts) };
      if (rule.when && !safeBool(rule.when, { record: cel })) continue;
      p += ourPoints(rule, cel);
      t.matches++;
    }
    t.total += p;
    t.weighted += p * weightOf(j);
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Hand-written JS: what a developer who skipped rule engines would write.

function handWritten(records: readonly CreditRecord[], kinds: readonly SubjectKind[], idx: readonly number[] | null): Tally {
  const t = newTally();
  const n = idx ? idx.length : records.length;
  for (let j = 0; j < n; j++) {
    const i = idx ? idx[j] : j;
    const rec = records[i];
    const f = rec.facts as Record<string, number & string>;
    let p = 0;
    let m = 1;
    if (kinds[i] === 'person') {
      switch (rec.type) {
        case 'finance.contract-breach': p = -20; break;
        case 'court.contract-breach-judgment': p = -50; break;
        case 'finance.loan-arrears': p = -10 * f.cycles; break;
        case 'finance.illegal-fundraising': p = -40; break;
        case 'court.liable-for-unpaid-debt': p = -30; break;
        case 'market.commercial-fraud': p = -30; break;
        case 'market.counterfeit-goods': p = -30; break;
        case 'utility.late-payment': p = -20; break;
        case 'utility.arrears-judgment': p = -50; break;
        case 'utility.heating-tapping': p = -50; break;
        case 'utility.theft': p = -60; break;
        case 'utility.equipment-damage': p = -100; break;
        case 'traffic.violation': p = -5; break; // both rules (drunk driving or not) deduct 5
        case 'court.dishonest-debtor-decision': p = -100; break;
        case 'tax.arrears': p = -20; break;
        case 'admin.penalty':
          if (f.severity === 'general') p = -10;
          else if (f.severity === 'serious') p = -50;
          else m = 0;
          break;
        case 'commitment.breached': p = -30; break;
        case 'civic.blood-donation': p = 10; break;
        case 'civic.volunteer-service': p = f.hours >= 100 ? 10 : Math.trunc(f.hours / 10); break;
        case 'civic.heroic-act': p = 30; break;
        default: m = 0;
      }
    } else if (kinds[i] === 'enterprise') {
      switch (rec.type) {
        case 'admin.penalty': p = f.severity === 'minor' ? -2 : f.severity === 'general' ? -10 : -40; break;
        case 'tax.arrears': p = -15; break;
        case 'market.annual-report-missed': p = -10; break;
        case 'market.unreachable-at-address': p = -20; break;
        case 'finance.loan-arrears': p = -2 * f.cycles; break;
        case 'market.commercial-fraud': p = -30; break;
        case 'market.counterfeit-goods': p = -30; break;
        case 'court.dishonest-debtor-decision': p = -60; break;
        case 'commitment.breached': p = -20; break;
        case 'utility.late-payment':
        case 'utility.arrears-judgment':
        case 'utility.heating-tapping':
        case 'utility.theft':
        case 'utility.equipment-damage':
          p = -5;
          break;
        default: m = 0;
      }
    } else m = 0;
    t.total += p;
    t.weighted += p * weightOf(j);
    t.matches += m;
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// json-rules-engine: one Engine, one rule per catalog rule (two for the capped-division one),
// facts = the record's fields. Conditions carry priorities so the type test runs first: the
// best configuration we know for this engine. Computed points travel as event params.

interface JreParams {
  rule: string;
  points: Points | null;
}

function jreEngine(specs: readonly RuleSpec[]): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const s of specs) {
    const base = [
      { fact: 'type', operator: 'equal', value: s.type, priority: 3 },
      { fact: 'kind', operator: 'equal', value: s.kind, priority: 2 },
    ];
    if (s.when) base.push({ fact: s.when.fact, operator: s.when.op === '==' ? 'equal' : 'notEqual', value: s.when.value, priority: 1 });
    const rule = (extra: object[], points: Points | null, suffix = ''): RuleProperties => ({
      name: `${s.scheme}/${s.id}${suffix}`,
      conditions: { all: [...base, ...extra] as never },
      event: { type: 'points', params: { rule: s.id, points } satisfies JreParams },
    });
    if (s.points?.k === 'capDiv') {
      const p = s.points;
      engine.addRule(rule([{ fact: p.fact, operator: 'greaterThanInclusive', value: p.atLeast, priority: 1 }], { k: 'const', n: p.cap }, ':cap'));
      // Below the threshold the original points apply, i.e. the division branch.
      engine.addRule(rule([{ fact: p.fact, operator: 'lessThan', value: p.atLeast, priority: 1 }], p, ':div'));
    } else engine.addRule(rule([], s.points));
  }
  return engine;
}

async function jreRun(engine: Engine, records: readonly CreditRecord[], kinds: readonly SubjectKind[], idx: readonly number[]): Promise<Tally> {
  const t = newTally();
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j];
    const rec = records[i];
    const { events } = await engine.run({ type: rec.type, kind: kinds[i], ...rec.facts });
    let p = 0;
    for (const e of events) {
      p += applyPoints((e.params as JreParams).points, rec.facts);
      t.matches++;
    }
    t.total += p;
    t.weighted += p * weightOf(j);
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// zen-engine: one JDM decision table (hit policy collect): columns type, kind and a condition
// expression; outputs the rule id and the points expression.

function zenExpr(p: Points | null): string {
  if (p === null) return '0';
  if (p.k === 'const') return String(p.n);
  if (p.k === 'mul') return `${p.factor} * facts.${p.fact}`;
  const div = p.int ? `trunc(facts.${p.fact} / ${p.div})` : `facts.${p.fact} / ${p.div}`;
  return `facts.${p.fact} >= ${p.atLeast} ? ${p.cap} : ${div}`;
}

function zenJdm(specs: readonly RuleSpec[], loop: boolean): object {
  const rules = specs.map((s, i) => ({
    _id: `r${i}`,
    iType: JSON.stringify(s.type),
    iKind: JSON.stringify(s.kind),
    iWhen: s.when ? `facts.${s.when.fact} ${s.when.op} ${JSON.stringify(s.when.value)}` : '',
    oRule: JSON.stringify(`${s.scheme}/${s.id}`),
    oPoints: zenExpr(s.points),
  }));
  return {
    nodes: [
      { id: 'in', type: 'inputNode', name: 'request', position: { x: 0, y: 0 } },
      {
        id: 'table',
        type: 'decisionTableNode',
        name: 'points',
        position: { x: 200, y: 0 },
        content: {
          hitPolicy: 'collect',
          ...(loop ? { inputField: 'records', outputPath: 'out', executionMode: 'loop' } : {}),
          inputs: [
            { id: 'iType', name: 'type', field: 'type' },
            { id: 'iKind', name: 'kind', field: 'kind' },
            { id: 'iWhen', name: 'when' },
          ],
          outputs: [
            { id: 'oRule', name: 'rule', field: 'rule' },
            { id: 'oPoints', name: 'points', field: 'points' },
          ],
          rules,
        },
      },
      { id: 'out', type: 'outputNode', name: 'response', position: { x: 400, y: 0 } },
    ],
    edges: [
      { id: 'e1', sourceId: 'in', targetId: 'table', type: 'edge' },
      { id: 'e2', sourceId: 'table', targetId: 'out', type: 'edge' },
    ],
  };
}

function addZen(t: Tally, j: number, hits: { points: number }[]) {
  let p = 0;
  for (const h of hits) {
    p += h.points;
    t.matches++;
  }
  t.total += p;
  t.weighted += p * weightOf(j);
}

const zenInput = (rec: CreditRecord, kind: SubjectKind) => ({ type: rec.type, kind, facts: rec.facts });

/** One `evaluate` per record, `inFlight` at a time (the async native call is the only API). */
async function zenPerRecord(d: ZenDecision, records: readonly CreditRecord[], kinds: readonly SubjectKind[], idx: readonly number[], inFlight: number): Promise<Tally> {
  const t = newTally();
  for (let start = 0; start < idx.length; start += inFlight) {
    const end = Math.min(idx.length, start + inFlight);
    const ps: Promise<{ result: unknown }>[] = [];
    for (let j = start; j < end; j++) ps.push(d.evaluate(zenInput(records[idx[j]], kinds[idx[j]])));
    const rs = await Promise.all(ps);
    for (let j = start; j < end; j++) addZen(t, j, rs[j - start].result as { points: number }[]);
  }
  return t;
}

/** The table in loop mode: one `evaluate` per `batch` records. */
async function zenLoop(d: ZenDecision, records: readonly CreditRecord[], kinds: readonly SubjectKind[], idx: readonly number[], batch: number): Promise<Tally> {
  const t = newTally();
  for (let start = 0; start < idx.length; start += batch) {
    const end = Math.min(idx.length, start + batch);
    const input = [];
    for (let j = start; j < end; j++) input.push(zenInput(records[idx[j]], kinds[idx[j]]));
    const r = (await d.evaluate({ records: input })).result as { out: { points: number }[][] };
    for (let j = start; j < end; j++) addZen(t, j, r.out[j - start]);
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// evaluateSubject: the whole scoring core per subject (working set, all schemes of the kind,
// periods, exits, lists), over subjects grouping the records.

interface SubjectInput {
  subject: { id: string; kind: SubjectKind; createdAt: number };
  records: CreditRecord[];
}

function subjectInputs(city: CityRecords, pick: (k: number) => boolean): SubjectInput[] {
  const out: SubjectInput[] = [];
  city.subjects.forEach((s, k) => {
    if (!pick(k)) return;
    out.push({ subject: { id: s.id, kind: s.kind, createdAt: s.createdAt }, records: city.records.slice(s.first, s.first + s.count) });
  });
  return out;
}

function evaluateAll(catalog: Catalog, inputs: readonly SubjectInput[]): number {
  let sum = 0;
  for (const i of inputs) {
    const st = evaluateSubject(catalog, { subject: i.subject, records: i.records, asOf: NOW });
    for (const s of st.schemes) sum += s.score;
    sum += st.entries.length;
  }
  return sum;
}

// ---------------------------------------------------------------------------------------------

export async function benchRules(): Promise<BenchResult> {
  const t0 = performance.now();
  const loaded = loadCatalogDir(defaultCatalogDir());
  if (!loaded.ok) throw new Error(`the default catalog does not load:\n${loaded.error.map(formatIssue).join('\n')}`);
  const catalog = loaded.value;
  const specs = specsOf(catalog);

  const target = scaled(1_000_000, 10_000);
  const perPerson = recordsPerPerson(KINDS, ENTERPRISES_PER_PERSON);
  const persons = Math.ceil(target / perPerson);
  log(`  generating the city: ${fmtInt(persons)} persons, ${fmtInt(persons * ENTERPRISES_PER_PERSON)} enterprises (≈${fmtInt(target)} records)…`);
  const city = cityRecords(catalog, { persons, enterprises: Math.round(persons * ENTERPRISES_PER_PERSON), keepKinds: KINDS });
  const { records, kinds } = city;
  const N = records.length;
  const mix = new Map<string, number>();
  for (const r of records) mix.set(r.type, (mix.get(r.type) ?? 0) + 1);
  const scored = records.filter((r) => catalog.rulesByType.has(r.type)).length;
  log(`  ${fmtInt(N)} records of ${fmtInt(city.subjects.length)} subjects (${mix.size} types; ${((scored / N) * 100).toFixed(1)}% of a type with a rule)`);

  // The subset the slow peers run on: whole subjects, every k-th, so that evaluateSubject can run
  // on exactly the same records and the type mix stays the city's.
  const subsetTarget = scaled(10_000, 2_000);
  const every = Math.max(1, Math.round(N / subsetTarget));
  const pickSubject = (k: number) => k % every === 0;
  const subIdx: number[] = [];
  city.subjects.forEach((s, k) => {
    if (pickSubject(k)) for (let i = s.first; i < s.first + s.count; i++) subIdx.push(i);
  });
  const subInputs = subjectInputs(city, pickSubject);
  const S = subIdx.length;
  log(`  peer subset: ${fmtInt(S)} records of ${fmtInt(subInputs.length)} subjects (one subject in ${every})`);

  // ---- agreement first: no rate counts unless every engine gives the same points
  const jre = jreEngine(specs);
  const { ZenEngine } = require('@gorules/zen-engine') as { ZenEngine: ZenEngineCtor };
  const zen = new ZenEngine();
  const zenOne = zen.createDecision(zenJdm(specs, false));
  const zenMany = zen.createDecision(zenJdm(specs, true));
  const ZEN_IN_FLIGHT = 128;
  const ZEN_BATCH = 1000;

  const agree: { name: string; tally: Tally }[] = [
    { name: 'ours (compiled CEL)', tally: oursLoop(catalog, records, kinds, subIdx) },
    { name: 'hand-written JS', tally: handWritten(records, kinds, subIdx) },
    { name: 'json-rules-engine', tally: await jreRun(jre, records, kinds, subIdx) },
    { name: 'zen-engine (per record)', tally: await zenPerRecord(zenOne, records, kinds, subIdx, ZEN_IN_FLIGHT) },
    { name: 'zen-engine (loop table)', tally: await zenLoop(zenMany, records, kinds, subIdx, ZEN_BATCH) },
  ];
  const notes: string[] = [];
  const mismatches = agree.filter((a) => !sameTally(a.tally, agree[0].tally));
  for (const a of agree) log(`  agreement on the subset — ${a.name}: ${showTally(a.tally)}`);
  const fullOurs = oursLoop(catalog, records, kinds, null);
  const fullHand = handWritten(records, kinds, null);
  log(`  agreement on all ${fmtInt(N)} — ours: ${showTally(fullOurs)}; hand-written: ${showTally(fullHand)}`);
  if (!sameTally(fullOurs, fullHand)) mismatches.push({ name: 'hand-written JS (all records)', tally: fullHand });
  if (mismatches.length > 0) {
    const msg = `!!! POINTS MISMATCH: ${mismatches.map((m) => `${m.name} (${showTally(m.tally)})`).join('; ')} differ from ours (${showTally(agree[0].tally)})`;
    log(msg);
    notes.push(`**${msg}**`);
    process.exitCode = 1;
  } else notes.push(`All five evaluations agree on the points: ${showTally(agree[0].tally)} on the subset; ${showTally(fullOurs)} on all ${fmtInt(N)} records.`);

  // ---- all records first: ours and hand-written JS (the peers would take minutes). These passes
  // also bring our code to its optimised tiers before the short subset runs below.
  const oursAll = timeSync(() => oursLoop(catalog, records, kinds, null), 5, 1);
  const handAll = timeSync(() => handWritten(records, kinds, null), 5, 1);
  const allInputs = subjectInputs(city, () => true);
  // Warm up on a slice; a full pass costs seconds.
  timeSync(() => evaluateAll(catalog, allInputs.slice(0, Math.ceil(allInputs.length / 10))), 1, 0);
  const evalAll = timeSync(() => evaluateAll(catalog, allInputs), 3, 0);
  const rAll = (ms: number) => rate(N, ms);
  const figures: Figure[] = [
    figure(`rule loop vs hand-written JS (all ${fmtInt(N)})`, 'records/s', { label: 'ours: rule loop', rate: rAll(oursAll.median) }, { label: 'hand-written JS', rate: rAll(handAll.median) }),
    figure(`evaluateSubject vs hand-written JS (all ${fmtInt(N)})`, 'records/s', { label: 'ours: evaluateSubject', rate: rAll(evalAll.median) }, { label: 'hand-written JS', rate: rAll(handAll.median) }),
  ];
  for (const f of figures) printFigure(f);

  // ---- the subset: ours and every peer on the same records
  const oursSub = timeSync(() => oursLoop(catalog, records, kinds, subIdx), 9, 3);
  const evalSub = timeSync(() => evaluateAll(catalog, subInputs), 5, 2);
  // The agreement pass above was the peers' warm-up.
  const jreT = await timeAsync(() => jreRun(jre, records, kinds, subIdx), 3, 0);
  const zenOneT = await timeAsync(() => zenPerRecord(zenOne, records, kinds, subIdx, ZEN_IN_FLIGHT), 3, 0);
  const zenManyT = await timeAsync(() => zenLoop(zenMany, records, kinds, subIdx, ZEN_BATCH), 3, 0);
  zen.dispose();

  const r = (ms: number) => rate(S, ms);
  const zenBest = Math.min(zenOneT.median, zenManyT.median);
  const zenLabel = zenBest === zenManyT.median ? `zen-engine (loop table, ${ZEN_BATCH}/call)` : `zen-engine (per record, ${ZEN_IN_FLIGHT} in flight)`;
  const oursRule = { label: 'ours: rule loop', rate: r(oursSub.median) };
  const oursEval = { label: 'ours: evaluateSubject', rate: r(evalSub.median) };
  figures.unshift(
    figure('rule loop vs json-rules-engine', 'records/s', oursRule, { label: 'json-rules-engine', rate: r(jreT.median) }, 20),
    figure('rule loop vs zen-engine', 'records/s', oursRule, { label: zenLabel, rate: r(zenBest) }, 5),
    figure('evaluateSubject vs json-rules-engine', 'records/s', oursEval, { label: 'json-rules-engine', rate: r(jreT.median) }, 20),
    figure('evaluateSubject vs zen-engine', 'records/s', oursEval, { label: zenLabel, rate: r(zenBest) }, 5),
  );
  for (const f of figures.slice(0, 4)) printFigure(f);


  const typeMix = [...mix].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([t, n]) => `${t} ${((n / N) * 100).toFixed(1)}%`).join(', ');
  return {
    key: 'rules',
    title: 'Rule evaluation',
    setup: [
      `The default catalog's civic-points (persons) and enterprise-class (enterprises) rules: ${specs.length} rules over ${new Set(specs.map((s) => s.type)).size} record types.`,
      `${fmtInt(N)} records of ${fmtInt(city.subjects.length)} persons and enterprises from the synthetic city (seed 7), as CreditRecords; type mix: ${typeMix}, … (${mix.size} types, ${((scored / N) * 100).toFixed(1)}% of a type that has a rule).`,
      `Peers run on a subset of ${fmtInt(S)} records (one subject in ${every}, with all its records); ours runs on the same subset for the ratio, and on all records against hand-written JS.`,
      '**ours: rule loop** is the per-record work of `contributions()` in src/scoring/schemes.ts: `rulesByType`, the scheme filter, the CEL view (`toCel`, integers to BigInt) built once per record, the compiled `when` through `safeBool`, and the folded constant or compiled CEL `points` through `toNumber`.',
      '**ours: evaluateSubject** is the whole scoring core per subject (working set, every scheme of the kind, periods, exits, list entries); its rate counts the same records, so it is a stricter comparison than the peers deserve.',
      '**json-rules-engine**: one `Engine`, one rule per catalog rule (the capped division as two), conditions `type`, `kind` and the `when` fact with priorities so that the type test runs first, facts = the record\'s fields, points computed from the event params; awaited per record.',
      `**zen-engine**: one JDM decision table, hit policy collect, columns type, kind and the condition as an expression, outputs rule id and points expression. Measured per record (${ZEN_IN_FLIGHT} evaluations in flight: it is async-only) and in loop mode (${ZEN_BATCH} records per evaluate); the faster mode is the peer.`,
      '**hand-written JS**: a `switch` on the type per subject kind with the same conditions and points.',
      'Ratios are medians of 3–9 runs after warm-up. Every engine must produce the same total points, weighted checksum and number of matches before any rate is reported.',
    ],
    figures,
    facts: [
      { name: 'records (all)', value: fmtInt(N) },
      { name: 'records (peer subset)', value: fmtInt(S) },
      { name: 'ours: rule loop, all records', value: `${fmtRate(rAll(oursAll.median))} records/s` },
      { name: 'ours: evaluateSubject, all records', value: `${fmtRate(rAll(evalAll.median))} records/s (${fmtRate(rate(allInputs.length, evalAll.median))} subjects/s)` },
      { name: 'zen-engine per record / loop table', value: `${fmtRate(r(zenOneT.median))} / ${fmtRate(r(zenManyT.median))} records/s` },
    ],
    notes,
    seconds: (performance.now() - t0) / 1000,
  };
}
