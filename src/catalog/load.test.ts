import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogDir } from '../app/catalog-files.js';
import { compileCatalog } from './compile.js';
import { formatIssue, type CatalogDoc } from './types.js';
import { diffCatalogs } from './diff.js';

const DEMO = join(import.meta.dirname, '../../catalogs/cn-demo');

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
    const dir = variant('record-types.yaml', (t) => t.replace(/category: road-traffic/, 'category: religion'));
    const issues = issuesOf(dir);
    expect(issues.join('\n')).toMatch(/record-types\.yaml: recordTypes\[traffic\.violation\]\.category: 'religion' is prohibited data \(religion\)/);
  });

  it.each([
    ['ethnic-origin', 'ethnicity'], ['political_opinion', 'political opinion'], ['healthRecords', 'health'], ['genetic-data', 'genetic data'],
    ['biometric', 'biometric data'], ['sex-life', 'sex life'], ['social-relationships', 'social relationships'], ['reading-habits', 'reading'],
    ['online-speech', 'speech or expression'], ['location-traces', 'location traces'],
  ])('category %s (%s)', (cat, named) => {
    const dir = variant('record-types.yaml', (t) => t.replace(/category: road-traffic/, `category: ${cat}`));
    expect(issuesOf(dir).join('\n')).toContain(`(${named})`);
  });

  it('a prohibited fact name inside an allowed category', () => {
    const dir = variant('record-types.yaml', (t) => t.replace(/ticketNo:/, 'religion: { type: string }\n        ticketNo:'));
    expect(issuesOf(dir).join('\n')).toMatch(/recordTypes\[traffic\.violation\]\.facts\.properties\.religion: .*prohibited/);
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

  it('a CEL type error (int * double) at load time', () => {
    const dir = variant('record-types.yaml', (t) => t.replace(/cycles:\s*\{?\s*type: integer/, (m) => m.replace('integer', 'number')));
    expect(issuesOf(dir).join('\n')).toMatch(/rules\[loan-arrears\]\.points: CEL error: no such overload: int \* double/);
  });

  // A basis that cites a law and an article (a one-letter basis is refused as citing nothing).
  const LAW = 'Test Regulations (2026), Art. 1';
  const base = (): CatalogDoc => ({
    id: 't', version: '1', sources: [{ code: 'court', name: 'Court', recordTypes: ['x.*'], legalBasis: LAW }], actions: [{ code: 'a', name: 'A' }], schemes: [], measures: [],
    recordTypes: [
      { code: 'x.bad', name: 'Bad', area: 'judicial', subjects: ['person'], category: 'c', polarity: 'negative', retention: 'P5Y', legalBasis: LAW, facts: { type: 'object', properties: { caseNo: { type: 'string' } } } },
      { code: 'x.done', name: 'Done', area: 'judicial', subjects: ['person'], category: 'c', polarity: 'positive', remedy: true, retention: 'P5Y', legalBasis: LAW, facts: { type: 'object', properties: { caseNo: { type: 'string' } } } },
      { code: 'x.other', name: 'Other', area: 'judicial', subjects: ['person'], category: 'c', polarity: 'negative', retention: 'P5Y', legalBasis: LAW, facts: { type: 'object' } },
    ],
    lists: [],
  });
  const compile = (d: CatalogDoc) => {
    const r = compileCatalog([{ name: 'c.yaml', doc: d }]);
    return r.ok ? [] : r.error.map(formatIssue);
  };

  it.each([
    ['a nested property', { type: 'object', properties: { driver: { type: 'object', properties: { religion: { type: 'string' } } } } }, /facts\.properties\.driver\.properties\.religion: .*prohibited data \(religion\)/],
    ['an array item property', { type: 'object', properties: { list: { type: 'array', items: { type: 'object', properties: { healthStatus: { type: 'string' } } } } } }, /prohibited data \(health\)/],
    ['an allOf branch', { type: 'object', allOf: [{ properties: { ethnicity: { type: 'string' } } }] }, /prohibited data \(ethnicity\)/],
    ['patternProperties', { type: 'object', patternProperties: { '^x': { type: 'string' } } }, /patternProperties: is not allowed/],
    ['an open object', { type: 'object', additionalProperties: true }, /additionalProperties: must be false/],
    ['coordinates', { type: 'object', properties: { latitude: { type: 'number' } } }, /prohibited data \(location traces\)/],
    ['a condition name', { type: 'object', properties: { 'hiv-status': { type: 'string' } } }, /prohibited data \(health\)/],
  ])('prohibited data in %s of a facts schema', (_name, facts, pattern) => {
    const d = base();
    d.recordTypes[2].facts = facts as Record<string, unknown>;
    expect(compile(d).join('\n')).toMatch(pattern);
  });

  it('prohibited data named by a record type\'s code or name, or in Chinese', () => {
    const d = base();
    d.recordTypes[2].code = 'civic.religious-attendance';
    expect(compile(d).join('\n')).toMatch(/recordTypes\[civic\.religious-attendance\]\.code: .*prohibited data \(religion\)/);
    const d2 = base();
    d2.recordTypes[2].category = '宗教信仰';
    expect(compile(d2).join('\n')).toMatch(/prohibited data \(religion\)/);
  });

  it('a black-list entry that never ends', () => {
    const d = base();
    d.lists.push({ code: 'l', name: 'L', color: 'black', subjects: ['person'], authority: 'A', legalBasis: LAW, effect: 'on-decision', entries: [{ id: 'e', on: 'x.bad' }] });
    expect(compile(d).join('\n')).toMatch(/lists\[l\]\.entries\[e\]: a black-list entry must end/);
  });

  it('an exit on something the subject cannot do', () => {
    const d = base();
    d.lists.push({ code: 'l', name: 'L', color: 'black', subjects: ['person'], authority: 'A', legalBasis: LAW, effect: 'on-decision', entries: [{ id: 'e', on: 'x.bad', exit: { on: 'x.other' } }] });
    expect(compile(d).join('\n')).toMatch(/exit\.on: 'x\.other' is not a remedy record type/);
  });

  it('a deducting rule that never ends, but accepts one that ends on performance', () => {
    const d = base();
    d.schemes.push({ code: 's', name: 'S', subjects: ['person'], base: 100, grades: [{ grade: 'A', min: 90 }, { grade: 'B' }], legalBasis: LAW, rules: [{ id: 'r', on: 'x.bad', points: '-10', legalBasis: LAW }] });
    expect(compile(d).join('\n')).toMatch(/rules\[r\]: a rule that deducts or caps must end/);
    d.schemes[0].rules[0].exit = { on: 'x.done', when: 'later.facts.caseNo == record.facts.caseNo' };
    expect(compile(d)).toEqual([]);
  });

  it('a black list or a deny measure on a band that holds the base grade (everyone, for ever)', () => {
    const d = base();
    d.schemes.push({ code: 's', name: 'S', subjects: ['person'], base: 100, grades: [{ grade: 'A', min: 90 }, { grade: 'B' }], legalBasis: LAW, rules: [] });
    d.lists.push({ code: 'l', name: 'L', color: 'black', subjects: ['person'], authority: 'A', legalBasis: LAW, effect: 'on-decision', entries: [{ id: 'g', grade: { scheme: 's', in: ['A'] } }] });
    d.measures.push({ code: 'm', name: 'M', grade: { scheme: 's', in: ['A', 'B'] }, action: 'a', effect: 'deny', authority: 'A', legalBasis: LAW });
    const issues = compile(d).join('\n');
    expect(issues).toMatch(/lists\[l\]\.entries\[g\]\.grade\.in: includes 'A', the grade of the base score/);
    expect(issues).toMatch(/measures\[m\]\.grade\.in: includes 'A'/);
  });

  it('an exit that can never be met: a constant false condition, or a remedy the subject cannot have', () => {
    const d = base();
    d.lists.push({ code: 'l', name: 'L', color: 'black', subjects: ['person'], authority: 'A', legalBasis: LAW, effect: 'on-decision', entries: [{ id: 'e', on: 'x.bad', exit: { on: 'x.done', when: 'false' } }] });
    expect(compile(d).join('\n')).toMatch(/exit\.when: can never hold/);
    const d2 = base();
    d2.recordTypes[1].subjects = ['enterprise'];
    d2.lists.push({ code: 'l', name: 'L', color: 'black', subjects: ['person'], authority: 'A', legalBasis: LAW, effect: 'on-decision', entries: [{ id: 'e', on: 'x.bad', exit: { on: 'x.done' } }] });
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
    d.lists.push({ code: 'l', name: 'L', color: 'black', subjects: ['person'], authority: 'A', legalBasis: LAW, effect: 'on-decision', extendsTo: ['friend' as 'principal'], entries: [{ id: 'e', on: 'x.bad', duration: 'P1Y' }] });
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
    b.version = '2026.2';
    b.measures = b.measures.filter((m) => m.code !== b.measures[0].code);
    b.schemes[0].base = 900;
    b.actions.push({ code: 'new.action', name: 'New' });
    const rule = b.schemes[0].rules[0];
    rule.points = '-999';
    const d = diffCatalogs(a, b);
    expect(d.header).toEqual([{ field: 'version', from: a.version, to: '2026.2' }]);
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
