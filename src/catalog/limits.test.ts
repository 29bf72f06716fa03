/**
 * The limits no catalog may cross (issue 15, items 2 and 4): each refusal is shown on a copy of
 * cn-demo that differs from it in exactly that item, with the exact issue (file, item, field,
 * reason); cn-demo itself crosses none.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogDir } from '../app/catalog-files.js';
import { compileCatalog } from './compile.js';
import { placeholderBasis, protectedNeed } from './limits.js';
import type { CatalogDoc, CatalogIssue } from './types.js';

const DEMO = join(import.meta.dirname, '../../catalogs/cn-demo');
const demo = loadCatalogDir(DEMO);
if (!demo.ok) throw new Error('cn-demo does not load');

/** cn-demo as one document, edited; the issues it loads with (none expected for cn-demo itself). */
function issues(edit: (d: CatalogDoc) => void): CatalogIssue[] {
  const doc = structuredClone((demo as { value: { doc: CatalogDoc } }).value.doc);
  edit(doc);
  const r = compileCatalog([{ name: 'catalog.yaml', doc }]);
  return r.ok ? [] : r.error;
}

const issue = (item: string, field: string, message: string): CatalogIssue => ({ file: 'catalog.yaml', item, field, message });

describe('a real legal basis', () => {
  it('cn-demo has one for every item', () => {
    expect(issues(() => {})).toEqual([]);
  });

  it.each([
    [' ', 'is blank: every item must cite the law or policy it rests on'],
    ['TBD', "'TBD' is a placeholder, not a legal basis: cite the law or policy and its article"],
    ['n/a', "'n/a' is a placeholder, not a legal basis: cite the law or policy and its article"],
    ['To do', "'To do' is a placeholder, not a legal basis: cite the law or policy and its article"],
    ['待定', "'待定' is a placeholder, not a legal basis: cite the law or policy and its article"],
    ['Art. 1', "'Art. 1' cites no law or policy: name it and its article"],
  ])('refuses %j as a list’s basis', (basis, message) => {
    expect(issues((d) => (d.lists.find((l) => l.code === 'spc-dishonest-debtors')!.legalBasis = basis))).toEqual([issue('lists[spc-dishonest-debtors]', 'legalBasis', message)]);
  });

  it('refuses a placeholder wherever a basis stands: a rule, an entry rule, a measure, a source, a record type', () => {
    const found = issues((d) => {
      d.schemes[0].rules[0].legalBasis = 'TBD';
      d.lists[0].entries[0].legalBasis = 'tbd';
      d.measures[0].legalBasis = 'n.a.';
      d.sources[0].legalBasis = '暂无';
      d.recordTypes[0].legalBasis = 'none';
    });
    const d = (demo as { value: { doc: CatalogDoc } }).value.doc;
    expect(found.map((i) => i.item).sort()).toEqual(
      [`schemes[${d.schemes[0].code}].rules[${d.schemes[0].rules[0].id}]`, `lists[${d.lists[0].code}].entries[${d.lists[0].entries[0].id}]`, `measures[${d.measures[0].code}]`, `sources[${d.sources[0].code}]`, `recordTypes[${d.recordTypes[0].code}]`].sort(),
    );
    expect(found.every((i) => i.field === 'legalBasis')).toBe(true);
  });

  it('lets a citation through', () => {
    expect(placeholderBasis('Enterprise Information Publicity Interim Regulations (2014), Art. 17')).toBeNull();
    expect(placeholderBasis('《企业信息公示暂行条例》第十七条')).toBeNull();
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
        d.actions.push({ code: 'medical.basic-care.admission', name: 'Hospital admission' });
        d.measures.find((m) => m.code === 'spc-dishonest-no-flights')!.action = 'medical.basic-care.admission';
      }),
    ).toEqual([issue('measures[spc-dishonest-no-flights]', 'action', "'medical.basic-care.admission' is basic medical care, a protected need: no credit measure may act on it")]);
    const reward = (demo as { value: { doc: CatalogDoc } }).value.doc.measures.find((m) => m.effect === 'reward')!;
    expect(
      issues((d) => {
        d.actions.push({ code: 'education.compulsory.enrolment', name: 'School enrolment' });
        d.measures.find((m) => m.code === reward.code)!.action = 'education.compulsory.enrolment';
      }),
    ).toEqual([issue(`measures[${reward.code}]`, 'action', "'education.compulsory.enrolment' is compulsory education, a protected need: no credit measure may act on it")]);
  });

  it('refuses a protected action that denies or reviews a subject xinyong does not know', () => {
    expect(issues((d) => d.actions.push({ code: 'social-security.pension', name: 'Pension', unknownSubject: 'review' }))).toEqual([
      issue('actions[social-security.pension]', 'unknownSubject', "'social-security.pension' is social security, a protected need: a subject xinyong does not know must be allowed"),
    ]);
  });
});
