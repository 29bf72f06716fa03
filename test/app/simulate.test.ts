/**
 * Simulating a catalog change (issue 18, must-shows 1 and 2): a rule's deduction doubled and a
 * list entry rule that no longer matches, simulated on a small fixed city, give the counts an expectation worked
 * out here by hand from the version in force confirms; a version against itself changes nothing,
 * and decides as an exact check of each subject does (legal roles included); and a simulation
 * writes nothing (every table's row count and the audit chain's head unchanged).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftVersion, compileDoc } from '../../src/app/catalog.js';
import { decideAt } from '../../src/app/checks.js';
import { createApp, openContext, type App, type AppContext } from '../../src/app/context.js';
import { buildDemo } from '../../src/app/demo.js';
import { adulthood } from '../../src/app/derive.js';
import { simulateVersions, type SimulationReport } from '../../src/app/simulate.js';
import type { Catalog, CatalogDoc } from '../../src/catalog/types.js';
import type { CreditRecord, SubjectState } from '../../src/domain/types.js';
import { GateIndex } from '../../src/gate/index.js';
import { evaluateSubject } from '../../src/scoring/index.js';
import type { SubjectBasic } from '../../src/store/port.js';

const NOW = Date.UTC(2026, 10, 27, 8, 0, 0);
const SCHEME = 'civic-points';
const LIST = 'abnormal-operations';
const dir = mkdtempSync(join(tmpdir(), 'xy-simulate-'));
let ctx: AppContext;
let app: App;
/** Every subject with its records and, under the version in force, its state. */
const city: { s: SubjectBasic; records: CreditRecord[]; state: SubjectState }[] = [];

beforeAll(async () => {
  ctx = await openContext({ db: join(dir, 'x.db'), now: NOW, actor: 'test' });
  await buildDemo(ctx, { persons: 1500, enterprises: 250, seed: 7, now: NOW, ifEmpty: false, progress: false });
  app = createApp(ctx, { now: () => NOW });
  const subjects: SubjectBasic[] = [];
  for await (const page of ctx.store.scanSubjects(1000)) subjects.push(...page.map((s) => ({ id: s.id, kind: s.kind, createdAt: s.createdAt })));
  const records = await ctx.store.recordsOf(subjects.map((s) => s.id));
  const adults = await adulthood(ctx, subjects, records);
  for (const s of subjects) {
    const recs = records.get(s.id) ?? [];
    city.push({ s, records: recs, state: evaluateSubject(ctx.catalog, { subject: s, records: recs, asOf: NOW, adultFrom: adults.get(s.id) }) });
  }
}, 180_000);

afterAll(async () => {
  await app?.receipts.close();
  await ctx?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The catalog in force with another version and `edit` applied to a copy of its document. */
function variant(version: string, edit: (doc: CatalogDoc) => void): Catalog {
  const doc = structuredClone(ctx.catalog.doc) as CatalogDoc;
  doc.version = version;
  edit(doc);
  return compileDoc(doc);
}

/**
 * By hand, for a civic-points rule whose points are doubled: each person's score under the version
 * in force, the rule's points once more, in the scheme's bounds, graded by its bands (a grade cap
 * that bound still binds). Grade under A → grade under B → persons, and how many move.
 */
function doubled(ruleId: string): { matrix: Record<string, Record<string, number>>; moved: number } {
  const scheme = ctx.catalog.schemes.find((s) => s.code === SCHEME)!;
  const doc = scheme.doc;
  const matrix: Record<string, Record<string, number>> = {};
  let moved = 0;
  for (const { state } of city) {
    const res = state.schemes.find((x) => x.scheme === SCHEME);
    if (!res) continue;
    const raw = doc.base + res.breakdown.reduce((k, x) => k + x.points * (x.ruleId === ruleId ? 2 : 1), 0);
    const score = Math.min(doc.max ?? Infinity, Math.max(doc.min ?? -Infinity, Math.round(raw * 100) / 100));
    let rank = doc.grades.findIndex((g) => g.min === undefined || score >= g.min);
    if (res.cappedBy) rank = Math.max(rank, scheme.rank.get(res.cappedBy.grade)!);
    const to = doc.grades[rank].grade;
    (matrix[res.grade] ??= {})[to] = (matrix[res.grade]?.[to] ?? 0) + 1;
    if (to !== res.grade) moved++;
  }
  return { matrix, moved };
}

/** Every count a report gives of a change, summed: zero when nothing changes. */
function changes(r: SimulationReport): number {
  let n = r.changed;
  for (const s of r.schemes) n += s.transitions.reduce((k, t) => k + t.count, 0);
  for (const l of r.lists) n += l.joining.count + l.leaving.count + Math.abs(l.before - l.after);
  for (const a of r.actions) n += a.newlyDenied.count + a.newlyAllowed.count + a.newlyReview.count;
  for (const x of r.rules) n += x.gained.count + x.lost.count + Math.abs(x.before.matches - x.after.matches);
  return n;
}

/** Row counts of every table of the SQLite database, and the audit chain's head. */
async function footprint() {
  const db = new Database(join(dir, 'x.db'), { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
    const rows = Object.fromEntries(tables.map((t) => [t.name, (db.prepare(`SELECT count(*) AS n FROM "${t.name}"`).get() as { n: number }).n]));
    return { rows, head: await ctx.store.auditHead() };
  } finally {
    db.close();
  }
}

describe('catalog simulate', () => {
  it('a deduction doubled moves exactly the grades a hand count expects, and nothing else of the rule', async () => {
    // The rule whose doubling moves the most persons' grades (by the hand count).
    const ids = ctx.catalog.schemes.find((x) => x.code === SCHEME)!.rules.filter((x) => x.points !== null).map((x) => x.id);
    const ruleId = ids.map((id) => [id, doubled(id).moved] as const).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0][0];
    const b = variant('2026.2-double', (doc) => {
      const rule = doc.schemes!.find((s) => s.code === SCHEME)!.rules.find((r) => r.id === ruleId)!;
      rule.points = `2 * (${rule.points})`;
    });
    await draftVersion(app, b.doc, 'test');
    const before = await footprint();
    // Without a purpose: no person is shown as an example, and nothing at all is written.
    const blind = await simulateVersions(app, { target: { ref: `cn-demo@${b.version}` } });
    expect(await footprint()).toEqual(before);
    expect(blind.personExamplesWithheld).toBeGreaterThan(0);
    expect(blind.schemes.find((x) => x.scheme === SCHEME)!.transitions.every((t) => t.examples.length === 0 && t.count > 0)).toBe(true);
    // With one: the persons shown, and only they, have the simulation in their access log, with the purpose.
    const r = await simulateVersions(app, { target: { ref: `cn-demo@${b.version}` }, purpose: '评估扣分加倍的影响', actor: 'cli:tester' });
    expect(r.personExamplesWithheld).toBeUndefined();
    const shown = new Set(r.schemes.flatMap((x) => x.transitions.flatMap((t) => t.examples.map((e) => e.subjectId))));
    const logged = (await ctx.store.auditPage({ actions: ['simulation.read'], limit: 10_000 })).filter((e) => e.seq > (before.head?.seq ?? 0));
    expect(new Set(logged.map((e) => e.subjectId))).toEqual(shown);
    expect(logged.every((e) => e.actor === 'cli:tester' && (e.data as { purpose: string }).purpose === '评估扣分加倍的影响')).toBe(true);
    await expect(simulateVersions(app, { target: { ref: `cn-demo@${b.version}` }, purpose: '身份证号 110105198703045627' })).rejects.toThrow(/purpose/);

    const { matrix: expected, moved } = doubled(ruleId);
    const rep = r.schemes.find((x) => x.scheme === SCHEME)!;
    expect(moved).toBeGreaterThan(0);
    expect(rep.matrix).toEqual(expected);
    expect(rep.transitions.reduce((k, t) => k + t.count, 0)).toBe(moved);
    for (const t of rep.transitions) {
      expect(t.byKind).toEqual({ person: t.count });
      expect(t.examples.length).toBe(Math.min(20, t.count));
      // Each example names the rule's contributions that differ, under both versions.
      for (const e of t.examples) expect(e.differences.length > 0 && e.differences.every((d) => d.ruleId === ruleId)).toBe(true);
    }
    // The rule matches the same records; only what they weigh changed.
    const rule = r.rules.find((x) => x.kind === 'scheme' && x.owner === SCHEME && x.ruleId === ruleId)!;
    expect(rule.before).toEqual(rule.after);
    expect(rule.before.matches).toBe(city.reduce((k, { state }) => k + (state.schemes.find((x) => x.scheme === SCHEME)?.breakdown.filter((x) => x.ruleId === ruleId).length ?? 0), 0));
    expect(rule.gained.count + rule.lost.count).toBe(0);
    expect(r.subjects).toBe(city.length);
    expect(r.a).toBe(`cn-demo@${ctx.catalog.version}`);
    expect(r.b).toBe(`cn-demo@2026.2-double`);
  }, 120_000);

  it('a list entry rule that no longer matches: those on the list by it alone leave it, and decisions on its measures follow', async () => {
    const list = ctx.catalog.listsByCode.get(LIST)!;
    // The record rule with the most subjects on the list now.
    const by = new Map<string, number>();
    for (const { state } of city) for (const e of state.entries) if (e.list === LIST && !e.via && (e.status === 'active' || e.status === 'pending')) by.set(e.reasons[0].ruleId, (by.get(e.reasons[0].ruleId) ?? 0) + 1);
    const ruleId = [...by].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0][0];
    expect(list.entryRules.find((x) => x.id === ruleId)?.kind).toBe('record');
    const b = variant('2026.2-drop', (doc) => {
      const l = doc.lists!.find((x) => x.code === LIST)!;
      // Its condition never holds (dropping it would leave its record type's retention unjustified).
      l.entries.find((x) => x.id === ruleId)!.when = 'false';
    });
    const before = await footprint();
    const r = await simulateVersions(app, { target: { catalog: b } });
    expect(await footprint()).toEqual(before);

    let on = 0;
    let leaving = 0;
    for (const { state } of city) {
      const mine = state.entries.filter((e) => e.list === LIST && !e.via && (e.status === 'active' || e.status === 'pending'));
      if (mine.length === 0) continue;
      on++;
      if (mine.every((e) => e.reasons[0].ruleId === ruleId)) leaving++;
    }
    const rep = r.lists.find((x) => x.list === LIST)!;
    expect(leaving).toBeGreaterThan(0);
    expect(rep.before).toBe(on);
    expect(rep.after).toBe(on - leaving);
    expect(rep.leaving.count).toBe(leaving);
    expect(rep.joining.count).toBe(0);
    const rule = r.rules.find((x) => x.kind === 'list' && x.owner === LIST && x.ruleId === ruleId)!;
    expect(rule.after).toEqual({ matches: 0, subjects: 0 });
    expect(rule.lost.count).toBe(rule.before.subjects);
    expect(rule.lost.byArea).toEqual({ [ctx.catalog.recordTypes.get(list.entryRules.find((x) => x.id === ruleId)!.on!)!.doc.area]: rule.before.subjects });
    // Its measure sends a bid to review: those it alone sent there are now allowed, as the gate
    // of the version in force says of each leaving subject.
    const measure = ctx.catalog.measures.find((m) => m.list === LIST && m.effect === 'review')!;
    const gate = new GateIndex(ctx.catalog);
    let allowed = 0;
    for (const { s, state } of city) {
      const mine = state.entries.filter((e) => e.list === LIST && !e.via && (e.status === 'active' || e.status === 'pending'));
      if (mine.length === 0 || !mine.every((e) => e.reasons[0].ruleId === ruleId)) continue;
      gate.setEntries(s.id, state.entries);
      gate.setGrades(s.id, state.schemes);
      const d = gate.check(s.id, measure.action, NOW);
      if (d.decision === 'review' && d.measures.every((m) => m.list === LIST)) allowed++;
    }
    const action = r.actions.find((x) => x.action === measure.action)!;
    expect(allowed).toBeGreaterThan(0);
    expect(action.newlyAllowed.count).toBe(allowed);
    expect(action.newlyDenied.count + action.newlyReview.count).toBe(0);
    expect(action.decisions.review.allow).toBe(allowed);
    for (const e of action.newlyAllowed.examples) expect(e.differences).toContainEqual(expect.objectContaining({ in: 'a', measure: measure.code, ruleId, list: LIST }));
  }, 120_000);

  it('a version against itself reports zero changes', async () => {
    const before = await footprint();
    const r = await simulateVersions(app, { target: { ref: `cn-demo@${ctx.catalog.version}` }, against: `cn-demo@${ctx.catalog.version}` });
    expect(await footprint()).toEqual(before);
    expect(changes(r)).toBe(0);
    expect(r.subjects).toBe(city.length);
    // The diagonal holds every graded subject.
    const rep = r.schemes.find((x) => x.scheme === SCHEME)!;
    const graded = city.filter(({ state }) => state.schemes.some((x) => x.scheme === SCHEME)).length;
    expect(Object.entries(rep.matrix).reduce((k, [from, row]) => k + (row[from] ?? 0), 0)).toBe(graded);
    expect(r.rules.every((x) => x.onlyIn === undefined)).toBe(true);
    // Its decisions are the engine's: an exact check of each subject at the instant (which counts
    // the entries of organisations reaching persons through their legal roles) decides the same.
    const action = 'transport.air.ticket';
    const exact: Record<string, number> = {};
    let viaRole = 0;
    for (const { s } of city) {
      const { result } = await decideAt(app, s.id, action, NOW);
      exact[result.decision] = (exact[result.decision] ?? 0) + 1;
      if (result.decision === 'deny' && result.measures.some((m) => m.via)) viaRole++;
    }
    const decisions = r.actions.find((x) => x.action === action)!.decisions;
    expect(Object.fromEntries(Object.entries(decisions).map(([d, row]) => [d, row[d]]))).toEqual(exact);
    expect(exact.deny).toBeGreaterThan(0);
    expect(viaRole).toBeGreaterThan(0);
  }, 120_000);
});
