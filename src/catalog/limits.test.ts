/**
 * The limits no catalog may cross (issue 15, items 2, 4 and 8): each refusal is shown on a copy of
 * cn-demo that differs from it in exactly that item, with the exact issue (file, item, field,
 * reason); cn-demo itself crosses none. (src/catalog/refusals.test.ts shows every refusal on the
 * catalog's own files.)
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogDir, nationalLayer } from '../app/catalog-files.js';
import { compileCatalog } from './compile.js';
import { citationProblem, placeholderBasis } from './laws.js';
import { protectedNeed } from './limits.js';
import type { CatalogDoc, CatalogIssue } from './types.js';

const DEMO = join(import.meta.dirname, '../../catalogs/cn-demo');
const demo = loadCatalogDir(DEMO);
const layer = nationalLayer();
if (!demo.ok || !layer.ok) throw new Error('cn-demo does not load');
const national = layer.value;

/** cn-demo as one document (without the national layer it was loaded on), edited; the issues it loads with. */
function issues(edit: (d: CatalogDoc) => void): CatalogIssue[] {
  const { national: _national, ...doc } = structuredClone((demo as { value: { doc: CatalogDoc } }).value.doc);
  edit(doc as CatalogDoc);
  const r = compileCatalog([{ name: 'catalog.yaml', doc }], national);
  return r.ok ? [] : r.error;
}

const issue = (item: string, field: string, message: string): CatalogIssue => ({ file: 'catalog.yaml', item, field, message });

/** The items the placeholder tests edit: the first rule, entry rule, measure, source and record type of cn-demo. */
function items(): string[] {
  const d = (demo as { value: { doc: CatalogDoc } }).value.doc;
  return [`schemes[${d.schemes[0].code}].rules[${d.schemes[0].rules[0].id}]`, `lists[${d.lists[0].code}].entries[${d.lists[0].entries[0].id}]`, `measures[${d.measures[0].code}]`, `sources[${d.sources[0].code}]`, `recordTypes[${d.recordTypes[0].code}]`];
}

describe('a real legal basis', () => {
  it('cn-demo has one for every item', () => {
    expect(issues(() => {})).toEqual([]);
  });

  const noCitation = (text: string) => `'${text}' is no citation: a legal basis is a list of { law, art } citing the laws register`;
  it.each([
    [' ', 'legalBasis', noCitation(' ')],
    ['TBD', 'legalBasis', noCitation('TBD')],
    ['n/a', 'legalBasis', noCitation('n/a')],
    ['待定', 'legalBasis', noCitation('待定')],
    [[], 'legalBasis', 'cites no law: give at least one { law, art } from the laws register'],
    [[{ law: 'todo', art: '1' }], 'legalBasis', "cites 'todo', which is not in the laws register (laws: declare it with its title, issuer, date and articles)"],
    [[{ law: 'spc-dishonest-debtors', art: 'TBD' }], 'legalBasis', "cites article 'TBD' of 'spc-dishonest-debtors', which the register does not list (it lists 1, 2, 10)"],
    [[{ law: 'N/A', art: '1' }], 'legalBasis[0].law', "'N/A' is not the id of a law: ids in the laws register are lower case (letters, digits and hyphens)"],
  ])('refuses %j as a list’s basis', (basis, field, message) => {
    const at = field.startsWith('legalBasis[0]') ? ['lists[spc-dishonest-debtors].legalBasis[0]', field.slice('legalBasis[0].'.length)] : ['lists[spc-dishonest-debtors]', field];
    expect(issues((d) => (d.lists.find((l) => l.code === 'spc-dishonest-debtors')!.legalBasis = basis as never))).toEqual([issue(at[0], at[1], message)]);
  });

  it('refuses a placeholder wherever a basis stands: a rule, an entry rule, a measure, a source, a record type', () => {
    const found = issues((d) => {
      d.schemes[0].rules[0].legalBasis = 'TBD' as never;
      d.lists[0].entries[0].legalBasis = 'tbd' as never;
      d.measures[0].legalBasis = 'n.a.' as never;
      d.sources[0].legalBasis = '暂无' as never;
      d.recordTypes[0].legalBasis = 'none' as never;
    });
    expect(found.map((i) => i.item).sort()).toEqual(items().sort());
    expect(found.every((i) => i.field === 'legalBasis')).toBe(true);
  });

  it('refuses, wherever a basis stands, a citation the register does not hold', () => {
    const found = issues((d) => {
      d.schemes[0].rules[0].legalBasis = [{ law: 'tbd', art: '1' }];
      d.lists[0].entries[0].legalBasis = [{ law: 'spc-dishonest-debtors', art: 'tbd' }];
      d.measures[0].legalBasis = [{ law: 'n-a', art: '1' }];
      d.sources[0].legalBasis = [{ law: 'zanwu', art: '1' }];
      d.recordTypes[0].legalBasis = [{ law: 'spc-dishonest-debtors', art: 'none' }];
    });
    expect(found.map((i) => i.item).sort()).toEqual(items().sort());
    expect(found.every((i) => i.field === 'legalBasis' && /^cites /.test(i.message))).toBe(true);
  });

  it('lets a citation through', () => {
    expect(placeholderBasis('Enterprise Information Publicity Interim Regulations (2014), Art. 17')).toBeNull();
    expect(placeholderBasis('《企业信息公示暂行条例》第十七条')).toBeNull();
    expect(citationProblem([{ law: 'enterprise-publicity', art: ['8', '17'] }], new Map(national.laws.map((l) => [l.id, l])))).toBeNull();
  });
});

describe('protected needs', () => {
  it('names the protected domains by prefix, and nothing else', () => {
    expect(protectedNeed('medical.basic-care.admission')).toBe('basic medical care');
    expect(protectedNeed('social-security.pension')).toBe('social security');
    expect(protectedNeed('education.compulsory.enrolment')).toBe('compulsory education');
    expect(protectedNeed('basic-living.allowance')).toBe('basic living needs');
    expect(protectedNeed('legal-aid.application')).toBe('legal aid');
    expect(protectedNeed('education.private-school-fees')).toBeNull();
    expect(protectedNeed('medical.cosmetic-surgery')).toBeNull();
  });

  it('refuses a deny measure on basic medical care, and any measure on compulsory education', () => {
    expect(
      issues((d) => {
        d.actions.push({ code: 'medical.basic-care.admission', name: { 'zh-CN': '住院', en: 'Hospital admission' } });
        d.measures.find((m) => m.code === 'spc-dishonest-no-flights')!.action = 'medical.basic-care.admission';
      }),
    ).toEqual([issue('measures[spc-dishonest-no-flights]', 'action', "'medical.basic-care.admission' is basic medical care, a protected need: no credit measure may act on it")]);
    const reward = (demo as { value: { doc: CatalogDoc } }).value.doc.measures.find((m) => m.effect === 'reward')!;
    expect(
      issues((d) => {
        d.actions.push({ code: 'education.compulsory.enrolment', name: { 'zh-CN': '入学', en: 'School enrolment' } });
        d.measures.find((m) => m.code === reward.code)!.action = 'education.compulsory.enrolment';
      }),
    ).toEqual([issue(`measures[${reward.code}]`, 'action', "'education.compulsory.enrolment' is compulsory education, a protected need: no credit measure may act on it")]);
  });

  it('refuses a protected action that denies or reviews a subject xinyong does not know', () => {
    expect(issues((d) => d.actions.push({ code: 'social-security.pension', name: { 'zh-CN': '养老金', en: 'Pension' }, unknownSubject: 'review' }))).toEqual([
      issue('actions[social-security.pension]', 'unknownSubject', "'social-security.pension' is social security, a protected need: a subject xinyong does not know must be allowed"),
    ]);
  });
});

describe('exits that can be met (issue 15 item 8)', () => {
  const listOf = (d: CatalogDoc, code: string) => d.lists.find((l) => l.code === code)!;
  const entry = (d: CatalogDoc, list: string, id: string) => listOf(d, list).entries.find((e) => e.id === id)!;

  it('accepts the exits of cn-demo, and conditions a witness can meet: the same case, a bound the schema allows, a literal', () => {
    expect(issues(() => {})).toEqual([]);
    expect(issues((d) => (entry(d, 'major-tax-violators', 'major-arrears').exit = { on: 'tax.arrears-settled', when: 'later.facts.amountYuan >= record.facts.amountYuan' }))).toEqual([]);
    expect(issues((d) => (entry(d, 'major-tax-violators', 'major-arrears').exit = { on: 'tax.arrears-settled', when: 'later.facts.amountYuan == 123456.75' }))).toEqual([]);
    expect(issues((d) => (entry(d, 'major-tax-violators', 'major-arrears').exit = { on: 'tax.arrears-settled', when: 'later.facts.amountYuan >= 0.0' }))).toEqual([]);
  });

  it('refuses a condition that contradicts the remedy’s facts schema: an amount below its minimum of 0', () => {
    expect(issues((d) => (entry(d, 'major-tax-violators', 'major-arrears').exit = { on: 'tax.arrears-settled', when: 'later.facts.amountYuan < 0.0' }))).toEqual([
      issue('lists[major-tax-violators].entries[major-arrears]', 'exit.when', 'can never hold for facts that tax.arrears and tax.arrears-settled allow (no witness among the facts their schemas allow), so the exit could never be met'),
    ]);
  });

  it('refuses a condition on a value the remedy’s enum does not have (a self-declared “pardon”)', () => {
    const d0 = (demo as { value: { doc: CatalogDoc } }).value.doc;
    const list = d0.lists.find((l) => l.entries.some((e) => e.exit?.on === 'court.obligation-performed'))!;
    const e0 = list.entries.find((e) => e.exit?.on === 'court.obligation-performed')!;
    expect(
      issues((d) => (entry(d, list.code, e0.id).exit = { on: 'court.obligation-performed', when: 'later.facts.caseNo == record.facts.caseNo && later.facts.how == "pardon"' })),
    ).toEqual([issue(`lists[${list.code}].entries[${e0.id}]`, 'exit.when', `can never hold for facts that ${e0.on} and court.obligation-performed allow (no witness among the facts their schemas allow), so the exit could never be met`)]);
  });

  it('refuses an exit on a remedy no source may send', () => {
    expect(
      issues((d) => {
        const sat = d.sources.find((s) => s.recordTypes.includes('tax.*'))!;
        sat.recordTypes = ['tax.arrears'];
      }),
    ).toEqual([issue('lists[major-tax-violators].entries[major-arrears]', 'exit.on', "no source may send 'tax.arrears-settled', so the exit could never be met")]);
  });
});
