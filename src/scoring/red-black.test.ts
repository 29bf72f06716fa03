/**
 * Red and black exclude each other, and a red list is earned (issue 15, item 5): the base grade
 * alone never puts a subject on a red list, the loader refuses a red list that the base grade
 * reaches, and while a subject has a black-list entry of its own in effect it is on no red list
 * and the gate gives it no reward.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogDir, nationalLayer, readCatalogDir } from '../app/catalog-files.js';
import { compileCatalog } from '../catalog/compile.js';
import { formatIssue, type Catalog, type CatalogDoc } from '../catalog/types.js';
import type { CreditRecord, ListEntry, StatusChange, SubjectKind } from '../domain/types.js';
import { GateIndex } from '../gate/gate-index.js';
import { evaluateSubject } from './evaluate.js';
import { gradeAt } from './schemes.js';

const DEMO = join(import.meta.dirname, '../../catalogs/cn-demo');
const loaded = loadCatalogDir(DEMO);
if (!loaded.ok) throw new Error(loaded.error.map(formatIssue).join('\n'));
const catalog: Catalog = loaded.value;

/** A date or date-time in UTC (ISO 8601). */
const T = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
const KINDS: SubjectKind[] = ['person', 'enterprise', 'institution', 'government'];
const redLists = catalog.lists.filter((l) => l.doc.color === 'red');

describe('the base grade', () => {
  it('puts no subject of any kind on a red list, at any instant', () => {
    expect(redLists.length).toBeGreaterThan(0);
    for (const kind of KINDS) {
      for (const asOf of ['2020-01-01', '2026-06-01', '2040-12-31']) {
        const s = evaluateSubject(catalog, { subject: { id: `s_${kind}`, kind, createdAt: T('2019-01-01') }, records: [], asOf: T(asOf) });
        expect(s.entries, `${kind} at ${asOf}`).toEqual([]);
      }
    }
  });

  it('is in no grade condition of a red list of the default catalog', () => {
    for (const l of redLists) {
      for (const e of l.entryRules) {
        if (!e.grade) continue;
        const scheme = catalog.schemes.find((s) => s.code === e.grade!.scheme)!;
        const base = scheme.grades[gradeAt(scheme, [], 0).rank];
        expect(e.grade.in.has(base), `${l.code}.${e.id} on ${scheme.code} (base grade ${base})`).toBe(false);
      }
    }
  });

  it('of an enterprise is class B: class A needs a score above the base of 100', () => {
    const s = evaluateSubject(catalog, { subject: { id: 's_e', kind: 'enterprise', createdAt: T('2020-01-01') }, records: [], asOf: T('2026-06-01') });
    expect(s.schemes.find((x) => x.scheme === 'enterprise-class')).toMatchObject({ score: 100, grade: 'B' });
    const ec = catalog.schemes.find((x) => x.code === 'enterprise-class')!;
    expect(ec.doc.grades.find((g) => g.grade === 'A')!.min).toBeGreaterThan(ec.doc.base);
  });
});

/** cn-demo compiled with the document of one file edited in memory. */
function compiledWith(file: string, edit: (doc: CatalogDoc) => void) {
  const files = readCatalogDir(DEMO);
  if (!files.ok) throw new Error('read');
  const f = files.value.find((x) => x.name === file)!;
  edit(f.doc as CatalogDoc);
  const national = nationalLayer();
  if (!national.ok) throw new Error('national layer');
  return compileCatalog(files.value, national.value);
}
const gradeRule = (doc: CatalogDoc, list: string) => doc.lists.find((l) => l.code === list)!.entries[0].grade!;

describe('the loader', () => {
  it('refuses a red list on a grade that includes the base grade, naming file, item and field', () => {
    // Class A from 90 again: the base of 100 would be class A, and every enterprise on the red list.
    const r = compiledWith('schemes.yaml', (d) => (d.schemes.find((x) => x.code === 'enterprise-class')!.grades[0].min = 90));
    expect(r.ok).toBe(false);
    const issues = r.ok ? [] : r.error.map(formatIssue);
    expect(issues).toEqual([
      "lists.yaml: lists[a-class-enterprises].entries[class-a].grade.in: includes 'A', the grade of the base score of 'enterprise-class' (100), which every subject has before any record: a red list must be earned, by a positive record or a grade above the base",
    ]);
  });

  it('refuses AAA citizens widened to grade A, the grade of 1000 points', () => {
    const r = compiledWith('lists.yaml', (d) => (gradeRule(d, 'aaa-citizens').in = ['AAA', 'AA', 'A']));
    expect(r.ok ? [] : r.error.map((i) => `${i.item}.${i.field}`)).toEqual(['lists[aaa-citizens].entries[grade-aaa].grade.in']);
  });

  it('accepts a red list on grades above the base only', () => {
    const r = compiledWith('lists.yaml', (d) => (gradeRule(d, 'aaa-citizens').in = ['AAA', 'AA']));
    expect(r.ok).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------
// A model citizen: heroic act (+30) and blood donations (+10 each, for a year) well above AAA.

const DAY = 86_400_000;
const person = { id: 's_model', kind: 'person' as SubjectKind, createdAt: T('2025-01-01') };
let seq = 0;
const record = (type: string, occurredAt: string, facts: Record<string, unknown>, statuses: StatusChange[] = []): CreditRecord => ({
  id: `r_rb${++seq}`, source: 'test', externalId: `rb${seq}`, type, area: catalog.recordTypes.get(type)!.doc.area, subjectId: person.id,
  occurredAt: T(occurredAt), recordedAt: T(occurredAt), facts, catalogVersion: catalog.version, statuses,
});
const merits = () => [
  record('civic.heroic-act', '2026-01-05', { citation: 'Rescued a child from the sea' }),
  ...['01-10', '01-20', '02-01', '02-10', '02-20', '03-01', '03-10'].map((d) => record('civic.blood-donation', `2026-${d}`, { volumeMl: 300 })),
];
const stateAt = (records: CreditRecord[], asOf: string) => evaluateSubject(catalog, { subject: person, records, asOf: T(asOf) });
const on = (entries: ListEntry[], list: string) => entries.filter((e) => e.list === list && (e.status === 'active' || e.status === 'pending'));

describe('a black-list entry in effect', () => {
  const arrears = () => record('tax.arrears', '2026-04-01', { amountYuan: 250000.0, taxType: 'individual income tax' });

  it('takes the subject off every red list while it lasts, and the red entry starts again after it ends', () => {
    const m = merits();
    const before = stateAt(m, '2026-03-20');
    expect(before.schemes[0].grade).toBe('AAA');
    const [red] = on(before.entries, 'aaa-citizens');
    expect(red.status).toBe('active');

    const a = arrears();
    const listed = stateAt([...m, a], '2026-04-15');
    expect(listed.schemes[0].grade).toBe('AAA'); // still AAA on points: 1100 − 20
    expect(on(listed.entries, 'major-tax-violators')).toHaveLength(1);
    expect(on(listed.entries, 'aaa-citizens')).toEqual([]);
    // The state is derived again when the black entry can next change (its end, or an exit).
    const black = on(listed.entries, 'major-tax-violators')[0];
    expect(listed.nextChangeAt).toBeLessThanOrEqual(black.until!);

    const settled = record('tax.arrears-settled', '2026-05-01', { amountYuan: 250000.0 });
    const after = stateAt([...m, a, settled], '2026-05-10');
    expect(after.entries.find((e) => e.id === black.id)).toMatchObject({ status: 'exited', endedAt: T('2026-05-01') });
    const [back] = on(after.entries, 'aaa-citizens');
    expect(back).toMatchObject({ status: 'active', since: T('2026-05-01'), decidedAt: T('2026-05-01') });
    expect(back.id).not.toBe(red.id); // a new run on the red list, with its own id

    // Exact at any instant: as of before the arrears, the red entry was there.
    expect(on(stateAt([...m, a, settled], '2026-03-20').entries, 'aaa-citizens')).toEqual([red]);
  });

  it('only once in effect: a pending black entry ends the red entry when it takes effect', () => {
    const m = merits();
    // A listing decision: the serious-dishonesty list gives 10 days' notice.
    const decision = record('credit.serious-dishonesty-decision', '2026-03-15', { decisionNo: 'XY-1', authority: 'Rongcheng credit authority', seriousGround: 'disrupts-fair-competition' });
    const during = stateAt([...m, decision], '2026-03-20');
    const [black] = on(during.entries, 'serious-dishonesty');
    expect(black).toMatchObject({ status: 'pending', since: T('2026-03-25') });
    const [red] = on(during.entries, 'aaa-citizens');
    expect(red).toMatchObject({ status: 'active', until: black.since });
    expect(during.nextChangeAt).toBe(black.since);
    expect(on(stateAt([...m, decision], '2026-03-25').entries, 'aaa-citizens')).toEqual([]);
  });

  it('a suspended black entry (objection open on a list that suspends) does not exclude', () => {
    const m = merits();
    const disputed: StatusChange[] = [{ status: 'disputed', at: T('2026-03-16'), actor: 'subject', reason: 'objection ob_1' }];
    const decision = record('credit.serious-dishonesty-decision', '2026-03-15', { decisionNo: 'XY-2', authority: 'Rongcheng credit authority', seriousGround: 'disrupts-fair-competition' }, disputed);
    const s = stateAt([...m, decision], '2026-04-01');
    expect(s.entries.find((e) => e.list === 'serious-dishonesty')?.status).toBe('suspended');
    expect(on(s.entries, 'aaa-citizens')).toHaveLength(1);
  });
});

describe('the gate', () => {
  const t0 = T('2026-06-01');
  const black = (over: Partial<ListEntry> = {}): ListEntry => ({
    id: 'e_black', list: 'major-tax-violators', subjectId: 's_x', status: 'active', since: t0, decidedAt: t0, until: t0 + 1000 * DAY,
    reasons: [{ recordId: 'r_1', recordType: 'tax.arrears', ruleId: 'major-arrears', legalBasis: 'SAT' }], catalogVersion: catalog.version, ...over,
  });
  const red: ListEntry = { ...black(), id: 'e_red', list: 'aaa-citizens', until: null, reasons: [{ ruleId: 'grade-aaa', legalBasis: 'x', grade: { scheme: 'civic-points', grade: 'AAA' } }] };
  const rewards = (g: GateIndex, at: number) => g.check('s_x', 'utility.heating.discount', at).measures.map((m) => m.measure);

  it('withholds red-list measures while a black entry of the subject is in effect, not before', () => {
    const g = new GateIndex(catalog);
    g.setEntries('s_x', [red, black({ status: 'pending', since: t0 + 10 * DAY })]);
    expect(rewards(g, t0 + DAY)).toEqual(['aaa-heating-discount']);
    expect(rewards(g, t0 + 10 * DAY)).toEqual([]);
    // An organisation's entry that binds the person through a legal role does not.
    g.setEntries('s_x', [red, black({ via: { subjectId: 's_org', role: 'legal-representative' } })]);
    expect(rewards(g, t0 + DAY)).toEqual(['aaa-heating-discount']);
  });

  it('withholds a reward on a good grade, but not a burden on a poor one', () => {
    const withReward = compiledWith('measures.yaml', (d) => d.measures.push({ ...d.measures.find((m) => m.code === 'aaa-heating-discount')!, code: 'aa-test-reward', list: undefined, grade: { scheme: 'civic-points', in: ['AAA', 'AA'] } }));
    if (!withReward.ok) throw new Error(withReward.error.map(formatIssue).join('\n'));
    const g = new GateIndex(withReward.value);
    g.setGrades('s_x', [{ scheme: 'civic-points', grade: 'AA' }]);
    expect(g.check('s_x', 'utility.heating.discount', t0 + DAY).measures.map((m) => m.measure)).toEqual(['aa-test-reward']);
    g.setEntries('s_x', [black()]);
    expect(g.check('s_x', 'utility.heating.discount', t0 + DAY).measures).toEqual([]);
    expect(g.check('s_x', 'utility.heating.discount', t0 - DAY).measures.map((m) => m.measure)).toEqual(['aa-test-reward']);

    // More inspections for class D is a burden: a listed class-D enterprise still gets it.
    const d = new GateIndex(catalog);
    d.setGrades('s_d', [{ scheme: 'enterprise-class', grade: 'D' }]);
    d.setEntries('s_d', [black({ subjectId: 's_d' })]);
    expect(d.check('s_d', 'inspection.random-selection', t0 + DAY).measures.map((m) => m.measure)).toEqual(['class-d-full-inspection']);
  });
});
