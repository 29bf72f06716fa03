import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogDir, nationalLayer } from '../app/catalog-files.js';
import { compileCatalog } from './compile.js';
import { formatIssue, type CatalogDoc, type Citation, type ListDoc, type LocalText, type RecordTypeDoc } from './types.js';
import { diffCatalogs } from './diff.js';

const DEMO = join(import.meta.dirname, '../../catalogs/cn-demo');
const layer = nationalLayer();
if (!layer.ok) throw new Error(layer.error.map(formatIssue).join('\n'));
const national = layer.value;

/** A copy of cn-demo with one file edited. */
function variant(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'xy-cat-'));
  cpSync(DEMO, dir, { recursive: true });
  const p = join(dir, file);
  const before = readFileSync(p, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(p, after);
  return dir;
}

function issuesOf(dir: string): string[] {
  const r = loadCatalogDir(dir);
  expect(r.ok).toBe(false);
  return r.ok ? [] : r.error.map(formatIssue);
}

describe('cn-demo', () => {
  const r = loadCatalogDir(DEMO);
  if (!r.ok) throw new Error(r.error.map(formatIssue).join('\n'));
  const c = r.value;

  it('loads, with the codes integrations rely on', () => {
    expect(c.id).toBe('cn-demo');
    for (const code of [
      'court.dishonest-debtor-decision', 'court.obligation-performed', 'finance.loan-arrears', 'tax.arrears', 'admin.penalty',
      'market.annual-report-missed', 'traffic.violation', 'civic.blood-donation', 'civic.volunteer-service', 'government.contract-default',
    ]) expect(c.recordTypes.has(code), code).toBe(true);
    for (const l of ['spc-dishonest-debtors', 'spc-high-consumption', 'abnormal-operations', 'serious-illegal-dishonest-enterprises', 'aaa-citizens']) {
      expect(c.listsByCode.has(l), l).toBe(true);
    }
    expect(c.schemes.map((s) => s.code)).toEqual(expect.arrayContaining(['civic-points', 'enterprise-class', 'government-integrity']));
    for (const a of ['transport.air.ticket', 'transport.rail.high-speed', 'procurement.bid', 'hotel.star-rated', 'utility.heating.discount']) {
      expect(c.measuresByAction.get(a)?.length ?? 0, a).toBeGreaterThan(0);
    }
  });

  it('covers all four areas and subject kinds, with at least 20 record types and 15 measures', () => {
    const types = [...c.recordTypes.values()];
    expect(types.length).toBeGreaterThanOrEqual(20);
    expect(new Set(types.map((t) => t.doc.area))).toEqual(new Set(['government', 'commercial', 'societal', 'judicial']));
    expect(new Set(types.flatMap((t) => t.doc.subjects))).toEqual(new Set(['person', 'enterprise', 'institution', 'government']));
    expect(c.measures.length).toBeGreaterThanOrEqual(15);
  });

  it('types integer facts as CEL int, so loan arrears deduct 10 per cycle', () => {
    const rule = c.rulesByType.get('finance.loan-arrears')?.find((x) => x.scheme === 'civic-points');
    expect(typeof rule?.points).toBe('function');
    const rt = c.recordTypes.get('finance.loan-arrears')!;
    const v = (rule!.points as (x: unknown) => unknown)({ record: { type: 'finance.loan-arrears', source: 'x', facts: rt.toCel({ cycles: 3, lender: 'b' }) } });
    expect(v).toBe(-30n);
  });

  it('orders escalation sources before targets', () => {
    const idx = (code: string) => c.lists.findIndex((l) => l.code === code);
    expect(idx('abnormal-operations')).toBeLessThan(idx('serious-illegal-dishonest-enterprises'));
  });

  it('has a stable hash', () => {
    const again = loadCatalogDir(DEMO);
    expect(again.ok && again.value.hash).toBe(c.hash);
  });
});

describe('the loader refuses', () => {
  it('a prohibited data category, naming file, item and category', () => {
    const dir = variant('record-types.yaml', (t) => t.replace(/category: traffic-safety/, 'category: religion'));
    expect(issuesOf(dir)).toEqual(["record-types.yaml: recordTypes[traffic.violation].category: 'religion' is prohibited data (religion); xinyong does not collect it"]);
  });

  it.each([
    ['ethnic-origin', 'ethnicity'], ['political_opinion', 'political opinion'], ['healthRecords', 'health'], ['genetic-data', 'genetic data'],
    ['biometric', 'biometric data'], ['sex-life', 'sex life'], ['social-relationships', 'social relationships'], ['reading-habits', 'reading'],
    ['online-speech', 'speech or expression'], ['location-traces', 'location traces'],
  ])('category %s (%s)', (cat, named) => {
    const dir = variant('record-types.yaml', (t) => t.replace(/category: traffic-safety/, `category: ${cat}`));
    expect(issuesOf(dir)).toEqual([`record-types.yaml: recordTypes[traffic.violation].category: '${cat}' is prohibited data (${named}); xinyong does not collect it`]);
  });

  it('a prohibited fact name inside an allowed category: it is not in the dictionary, and the issue names the category', () => {
    const dir = variant('record-types.yaml', (t) => t.replace(/ticketNo: required/, 'religion: required\n      ticketNo: required'));
    expect(issuesOf(dir)).toEqual([
      "record-types.yaml: recordTypes[traffic.violation].facts.religion: 'religion' is not in the data dictionary: a fact must be a data element of the national layer or of the catalog's reviewed extension, and 'religion' names prohibited data (religion)",
    ]);
  });

  it('a rule without legalBasis', () => {
    const dir = variant('schemes.yaml', (t) => {
      const i = t.indexOf('legalBasis', t.indexOf('id: loan-arrears'));
      const eol = t.indexOf('\n', i);
      return t.slice(0, t.lastIndexOf('\n', i) + 1) + t.slice(eol + 1);
    });
    expect(issuesOf(dir).join('\n')).toMatch(/schemes\.yaml: schemes\[civic-points\]\.rules\[loan-arrears\]\.legalBasis: has no legalBasis/);
  });

  it('a CEL syntax error, with its position', () => {
    const dir = variant('schemes.yaml', (t) => t.replace(/-10 \* record\.facts\.cycles/, '-10 * (record.facts.cycles'));
    expect(issuesOf(dir).join('\n')).toMatch(/rules\[loan-arrears\]\.points: CEL error: .*\^/s);
  });

  it('a CEL type error (double * int: cycles is an integer element of the dictionary) at load time', () => {
    const dir = variant('schemes.yaml', (t) => t.replace(/-10 \* record\.facts\.cycles/, '-10.0 * record.facts.cycles'));
    expect(issuesOf(dir).join('\n')).toMatch(/rules\[loan-arrears\]\.points: CEL error: no such overload: double \* int/);
  });

  // A minimal catalog on the national layer: its items cite national laws, its facts are national data elements.
  const LAW: Citation[] = [{ law: 'spc-dishonest-debtors', art: '1' }];
  const text = (en: string): LocalText => ({ 'zh-CN': en, en });
  const recordType = (code: string, more: Partial<RecordTypeDoc> = {}): RecordTypeDoc => ({
    code, name: text(code), area: 'judicial', subjects: ['person'], category: 'judgment-performance', polarity: 'negative', retention: 'P5Y', legalBasis: LAW, facts: { caseNo: 'required' }, ...more,
  });
  const list = (entries: ListDoc['entries'], more: Partial<ListDoc> = {}): ListDoc => ({
    code: 'l', name: text('L'), color: 'black', subjects: ['person'], authority: text('A'), legalBasis: LAW, effect: 'on-decision', entries, ...more,
  });
  const base = (): Omit<CatalogDoc, 'national'> => ({
    id: 't', version: '1', jurisdiction: 'national',
    sources: [{ code: 'court', name: text('Court'), recordTypes: ['x.*'], legalBasis: LAW }], actions: [{ code: 'a', name: text('A') }], schemes: [], measures: [],
    recordTypes: [recordType('x.bad'), recordType('x.done', { polarity: 'positive', remedy: true }), recordType('x.other', { facts: {} })],
    lists: [],
  });
  const compile = (d: Omit<CatalogDoc, 'national'>) => {
    const r = compileCatalog([{ name: 'c.yaml', doc: d }], national);
    return r.ok ? [] : r.error.map(formatIssue);
  };

  it('the minimal catalog loads', () => {
    expect(compile(base())).toEqual([]);
  });

  it.each([
    ['a dotted name', 'driver.religion', 'religion'],
    ['a camel-case name', 'healthStatus', 'health'],
    ['a run-together name', 'ethnicgroup', 'ethnicity'],
    ['coordinates', 'latitude', 'location traces'],
    ['a condition name', 'hiv-status', 'health'],
    ['a Chinese name', '宗教信仰', 'religion'],
    ['a pinyin name', 'zongjiao', 'religion'],
  ])('prohibited data as a fact (%s), whatever it is called: not in the dictionary', (_name, fact, category) => {
    const d = base();
    d.recordTypes[2].facts = { [fact]: 'optional' };
    expect(compile(d)).toEqual([
      `c.yaml: recordTypes[x.other].facts.${fact}: '${fact}' is not in the data dictionary: a fact must be a data element of the national layer or of the catalog's reviewed extension, and '${fact}' names prohibited data (${category})`,
    ]);
  });

  it('a facts schema written out instead of codes from the dictionary (an open object, pattern properties)', () => {
    const d = base();
    d.recordTypes[2].facts = { type: 'object', patternProperties: { '^x': { type: 'string' } } } as never;
    expect(compile(d)).toEqual([
      'c.yaml: recordTypes[x.other].facts.type: must be one of: required, optional',
      'c.yaml: recordTypes[x.other].facts.patternProperties: must be one of: required, optional',
    ]);
  });

  it('prohibited data named by a record type\'s code or name, or in Chinese', () => {
    const d = base();
    d.recordTypes[2].code = 'civic.religious-attendance';
    expect(compile(d).join('\n')).toMatch(/recordTypes\[civic\.religious-attendance\]\.code: .*prohibited data \(religion\)/);
    const d2 = base();
    d2.recordTypes[2].category = '宗教信仰';
    expect(compile(d2)).toEqual(["c.yaml: recordTypes[x.other].category: '宗教信仰' is prohibited data (religion); xinyong does not collect it"]);
  });

  it('a black-list entry that never ends', () => {
    const d = base();
    d.lists.push(list([{ id: 'e', on: 'x.bad' }]));
    expect(compile(d).join('\n')).toMatch(/lists\[l\]\.entries\[e\]: a black-list entry must end/);
  });

  it('an exit on something the subject cannot do', () => {
    const d = base();
    d.lists.push(list([{ id: 'e', on: 'x.bad', exit: { on: 'x.other' } }]));
    expect(compile(d).join('\n')).toMatch(/exit\.on: 'x\.other' is not a remedy record type/);
  });

  it('a deducting rule that never ends, but accepts one that ends on performance', () => {
    const d = base();
    d.schemes.push({ code: 's', name: text('S'), subjects: ['person'], base: 100, grades: [{ grade: 'A', min: 90 }, { grade: 'B' }], legalBasis: LAW, rules: [{ id: 'r', on: 'x.bad', points: '-10', legalBasis: LAW }] });
    expect(compile(d).join('\n')).toMatch(/rules\[r\]: a rule that deducts or caps must end/);
    d.schemes[0].rules[0].exit = { on: 'x.done', when: 'later.facts.caseNo == record.facts.caseNo' };
    expect(compile(d)).toEqual([]);
  });

  it('a black list or a deny measure on a band that holds the base grade (everyone, for ever)', () => {
    const d = base();
    d.schemes.push({ code: 's', name: text('S'), subjects: ['person'], base: 100, grades: [{ grade: 'A', min: 90 }, { grade: 'B' }], legalBasis: LAW, rules: [] });
    d.lists.push(list([{ id: 'g', grade: { scheme: 's', in: ['A'] } }]));
    d.measures.push({ code: 'm', name: text('M'), grade: { scheme: 's', in: ['A', 'B'] }, action: 'a', effect: 'deny', national: 'law.procurement.exclusion', authority: text('A'), legalBasis: LAW });
    expect(compile(d)).toEqual([
      "c.yaml: lists[l].entries[g].grade.in: includes 'A', the grade of the base score: a black list must not hold subjects with no adverse record",
      "c.yaml: measures[m].grade.in: includes 'A', the grade of the base score: a 'deny' measure must not bind subjects with no adverse record",
    ]);
  });

  it('an exit that can never be met: a constant false condition, or a remedy the subject cannot have', () => {
    const d = base();
    d.lists.push(list([{ id: 'e', on: 'x.bad', exit: { on: 'x.done', when: 'false' } }]));
    expect(compile(d).join('\n')).toMatch(/exit\.when: can never hold/);
    const d2 = base();
    d2.recordTypes[1].subjects = ['enterprise'];
    d2.lists.push(list([{ id: 'e', on: 'x.bad', exit: { on: 'x.done' } }]));
    expect(compile(d2).join('\n')).toMatch(/exit\.on: 'x\.done' never concerns person/);
  });

  it('a record type without a finite retention', () => {
    const d = base();
    d.recordTypes[0].retention = 'forever';
    expect(compile(d).join('\n')).toMatch(/recordTypes\[x\.bad\]\.retention: 'forever' is not an ISO-8601 duration/);
    const d2 = base();
    delete (d2.recordTypes[0] as unknown as Record<string, unknown>).retention;
    expect(compile(d2).join('\n')).toMatch(/recordTypes\[x\.bad\]\.retention: is missing the required field 'retention'/);
  });

  it('a relation other than the legal roles', () => {
    const d = base();
    d.lists.push(list([{ id: 'e', on: 'x.bad', duration: 'P1Y' }], { extendsTo: ['friend' as 'principal'] }));
    expect(compile(d).join('\n')).toMatch(/extendsTo.*must be one of: legal-representative, actual-controller, principal/);
  });

  it('an unknown field (a typo must not silently disable a safeguard)', () => {
    const d = base();
    (d.recordTypes[0] as unknown as Record<string, unknown>).retension = 'P1Y';
    expect(compile(d).join('\n')).toMatch(/unknown field 'retension'/);
  });
});

describe('diffCatalogs', () => {
  it('reports added, removed and changed items', () => {
    const r = loadCatalogDir(DEMO);
    if (!r.ok) throw new Error('load');
    const a = r.value.doc;
    const b: CatalogDoc = structuredClone(a);
    b.version = '2026.99';
    b.measures = b.measures.filter((m) => m.code !== b.measures[0].code);
    b.schemes[0].base = 900;
    b.actions.push({ code: 'new.action', name: { 'zh-CN': '新', en: 'New' } });
    const rule = b.schemes[0].rules[0];
    rule.points = '-999';
    const d = diffCatalogs(a, b);
    expect(d.header).toEqual([{ field: 'version', from: a.version, to: '2026.99' }]);
    expect(d.changes).toEqual(expect.arrayContaining([
      { section: 'measures', code: a.measures[0].code, change: 'removed' },
      { section: 'actions', code: 'new.action', change: 'added' },
      expect.objectContaining({ section: 'schemes', code: a.schemes[0].code, change: 'changed', fields: expect.arrayContaining([expect.objectContaining({ field: 'base', to: 900 })]) }),
    ]));
    // One changed rule is reported as that rule's field, not as the whole rules list.
    const scheme = d.changes.find((c) => c.section === 'schemes')!;
    expect(scheme.fields).toContainEqual({ field: `rules[${rule.id}].points`, from: a.schemes[0].rules[0].points, to: '-999' });
    expect(scheme.fields?.some((f) => f.field === 'rules')).toBe(false);
  });
});
