/**
 * Every refusal of issue 15 ("Lawful by construction", must-show 1): each catalog differs from a
 * valid one in exactly one item and is refused with exactly the issue expected, as
 * `file: item.field: reason`. The valid catalog is the real cn-demo (catalogs/cn-demo/), or cn-demo
 * with one valid addition (a reviewed dictionary extension; protected actions declared with no
 * measure on them), each shown to load first. Then two properties: an extension that names
 * prohibited data anywhere is always refused, and so is any fact that is not in the dictionary.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nationalLayer, readCatalogDir } from '../app/catalog-files.js';
import { compileCatalog } from './compile.js';
import { loadCatalogDoc } from './load.js';
import { CJK_TERMS, PROHIBITED_CATEGORIES, prohibitedCategory } from './prohibited.js';
import { formatIssue, type ActionDoc, type CatalogDoc, type DataElementDoc, type LawDoc, type ListDoc, type MeasureDoc, type RecordTypeDoc } from './types.js';

const layer = nationalLayer();
if (!layer.ok) throw new Error(layer.error.map(formatIssue).join('\n'));
const national = layer.value;
const read = readCatalogDir(join(import.meta.dirname, '../../catalogs/cn-demo'));
if (!read.ok) throw new Error(read.error.map(formatIssue).join('\n'));

/** A catalog as its files: name → parsed YAML. */
type Files = Record<string, Partial<CatalogDoc>>;

const DEMO: Files = Object.fromEntries(read.value.map((f) => [f.name, f.doc as Partial<CatalogDoc>]));

/** The issues a catalog loads with, formatted; none when it loads. Files in name order, as on disk. */
function issues(files: Files): string[] {
  const r = compileCatalog(
    Object.keys(files).sort().map((name) => ({ name, doc: files[name] })),
    national,
  );
  return r.ok ? [] : r.error.map(formatIssue);
}

/** A deep copy of `base` with one edit. */
function variant(base: Files, edit: (f: Files) => void): Files {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

const refused = (edit: (f: Files) => void, base: Files = DEMO) => issues(variant(base, edit));

/** A test of one refusal: `base` with `edit` loads with exactly the issues `expected`. */
function refusal(name: string, edit: (f: Files) => void, expected: string[], base: Files = DEMO): void {
  it(name, () => expect(refused(edit, base)).toEqual(expected));
}

const byCode = <T extends { code: string }>(xs: T[] | undefined, code: string): T => {
  const x = xs?.find((i) => i.code === code);
  if (!x) throw new Error(`no ${code}`);
  return x;
};
const recordType = (f: Files, code: string): RecordTypeDoc => byCode(f['record-types.yaml'].recordTypes, code);
const list = (f: Files, code: string): ListDoc => byCode(f['lists.yaml'].lists, code);
const measure = (f: Files, code: string): MeasureDoc => byCode(f['measures.yaml'].measures, code);
const law = (f: Files, id: string): LawDoc => {
  const l = f['laws.yaml'].laws?.find((x) => x.id === id);
  if (!l) throw new Error(`no law ${id}`);
  return l;
};
const entry = (f: Files, code: string, id: string) => {
  const e = list(f, code).entries.find((x) => x.id === id);
  if (!e) throw new Error(`no entry ${id}`);
  return e;
};

/** A reviewed extension of the dictionary, in a file of its own, with one harmless element. */
const EXTENSION_FILE = 'data-elements.yaml';
const parkingZone: DataElementDoc = {
  code: 'parkingZone',
  name: { 'zh-CN': '停车区域', en: 'Parking zone' },
  description: { 'zh-CN': '违法停车发生的区域类型', en: 'The kind of place where a vehicle was parked' },
  category: 'traffic-safety',
  type: 'string',
  enum: ['street', 'car-park'],
  legalBasis: [{ law: 'planning-outline-2014', art: 'II' }],
};
const extension = (element: DataElementDoc = parkingZone): Partial<CatalogDoc> => ({
  dataElementsReview: { by: 'Rongcheng credit data review panel', on: '2026-11-30', note: 'checked against the national basic catalog' },
  dataElements: [structuredClone(element)],
});
const WITH_EXTENSION: Files = { ...structuredClone(DEMO), [EXTENSION_FILE]: extension() };
const element = (f: Files): DataElementDoc => f[EXTENSION_FILE].dataElements?.[0] as DataElementDoc;

/** Sets one text of an element: its code, a name or description in one language, or a further enum value. */
function setText(e: DataElementDoc, field: string, text: string): void {
  if (field === 'code') e.code = text;
  else if (field === 'enum') e.enum = [...(e.enum ?? []), text];
  else {
    const [key, lang] = field.split('.') as ['name' | 'description', 'en' | 'zh-CN'];
    e[key]![lang] = text;
  }
}

/** Actions under each protected domain, declared with no measure on them (which is lawful). */
const PROTECTED: ActionDoc[] = [
  { code: 'social-security.pension', name: { 'zh-CN': '领取养老金', en: 'Draw a pension' } },
  { code: 'medical.basic-care.admission', name: { 'zh-CN': '基本医疗住院', en: 'Hospital admission under basic medical care' } },
  { code: 'legal-aid.application', name: { 'zh-CN': '申请法律援助', en: 'Apply for legal aid' } },
];
const WITH_PROTECTED_ACTIONS = variant(DEMO, (f) => f['actions.yaml'].actions?.push(...structuredClone(PROTECTED)));

const CATEGORIES = national.categories.map((c) => c.code).join(', ');
const MEASURES = national.nationalMeasures.map((m) => m.code).join(', ');
const NOT_IN_DICTIONARY = "is not in the data dictionary: a fact must be a data element of the national layer or of the catalog's reviewed extension";
const CEILING = 'the ceiling on publicity and listing (5 years unless a cited article sets another limit)';
const NOT_IN_REGISTER = '(laws: declare it with its title, issuer, date and articles)';

describe('the valid catalogs the refusals start from', () => {
  it('cn-demo loads', () => expect(issues(DEMO)).toEqual([]));
  it('cn-demo with a reviewed dictionary extension in a file of its own loads', () => expect(issues(WITH_EXTENSION)).toEqual([]));

  it('a stored catalog with a dictionary extension compiles again as it was (same hash), and a fact of the extension is a fact', () => {
    const withFact = variant(WITH_EXTENSION, (f) => (recordType(f, 'traffic.violation').facts.parkingZone = 'optional'));
    const r = compileCatalog(Object.keys(withFact).sort().map((name) => ({ name, doc: withFact[name] })), national);
    if (!r.ok) throw new Error(r.error.map(formatIssue).join('\n'));
    const again = loadCatalogDoc(structuredClone(r.value.doc));
    expect(again.ok && again.value.hash).toBe(r.value.hash);
    expect(again.ok && Object.keys((again.value.recordTypes.get('traffic.violation')?.schema.properties ?? {}) as object)).toContain('parkingZone');
  });

  refusal("a header field in a file without the header (it would be dropped)", (f) => (f['lists.yaml'].dueProcess = { objectionDays: 30, legalBasis: [{ law: 'guobanfa-2020-49', art: 'V' }] }), [
    "lists.yaml: header.dueProcess: 'dueProcess' belongs in the file with the header (id and version); here it would be ignored",
  ]);
  it('cn-demo with protected actions declared (and no measure on them) loads', () => expect(issues(WITH_PROTECTED_ACTIONS)).toEqual([]));
});

describe('permitted data elements, not forbidden words (item 1)', () => {
  it.each([
    ['named for a prohibited category', 'nationality', `, and 'nationality' names prohibited data (ethnicity)`],
    ['named for a prohibited category in Chinese', '民族', `, and '民族' names prohibited data (ethnicity)`],
    ['with a harmless name', 'shoeSize', ''],
  ])('a fact that is not in the dictionary, %s', (_, fact, tail) => {
    expect(refused((f) => (recordType(f, 'traffic.violation').facts[fact] = 'required'))).toEqual([
      `record-types.yaml: recordTypes[traffic.violation].facts.${fact}: '${fact}' ${NOT_IN_DICTIONARY}${tail}`,
    ]);
  });

  refusal("a data element of another category than the record type's", (f) => (recordType(f, 'traffic.violation').facts.utility = 'optional'), [
    "record-types.yaml: recordTypes[traffic.violation].facts.utility: 'utility' is a data element of category 'utility-payment', not of this record type's category 'traffic-safety'",
  ]);

  refusal('a record type whose category is not in the registry (reported once, not again on each fact)', (f) => (recordType(f, 'traffic.violation').category = 'road-traffic'), [
    `record-types.yaml: recordTypes[traffic.violation].category: 'road-traffic' is not a category of the national registry (${CATEGORIES})`,
  ]);

  refusal('a record type whose category is prohibited data', (f) => (recordType(f, 'traffic.violation').category = 'religion'), [
    "record-types.yaml: recordTypes[traffic.violation].category: 'religion' is prohibited data (religion); xinyong does not collect it",
  ]);

  it('an extension that adds nationality with an enum of ethnic groups, on every text that names it', () => {
    const nationality: DataElementDoc = { code: 'nationality', name: { 'zh-CN': '民族', en: 'Nationality' }, category: 'traffic-safety', type: 'string', enum: ['han', 'uyghur'], legalBasis: [{ law: 'planning-outline-2014', art: 'II' }] };
    const why = 'names prohibited data (ethnicity); no layer may add it to the dictionary';
    expect(refused((f) => (f[EXTENSION_FILE] = extension(nationality)), WITH_EXTENSION)).toEqual([
      `data-elements.yaml: dataElements[nationality].code: 'nationality' ${why}`,
      `data-elements.yaml: dataElements[nationality].name.en: 'Nationality' ${why}`,
      `data-elements.yaml: dataElements[nationality].name.zh-CN: '民族' ${why}`,
      `data-elements.yaml: dataElements[nationality].enum: 'han' ${why}`,
      `data-elements.yaml: dataElements[nationality].enum: 'uyghur' ${why}`,
    ]);
  });

  it.each([
    ['a Chinese synonym in its name', 'name.zh-CN', '民族', 'ethnicity'],
    ['a pinyin synonym as its code', 'code', 'zongjiao', 'religion'],
    ['a synonym in its English name', 'name.en', 'Faith of the driver', 'religion'],
    ['a synonym in its description', 'description.en', 'Whereabouts of the vehicle', 'location traces'],
    ['a Chinese synonym in its description', 'description.zh-CN', '驾驶人的宗教信仰', 'religion'],
  ])('an extension element with %s', (_, field, text, category) => {
    const code = field === 'code' ? text : 'parkingZone';
    expect(refused((f) => setText(element(f), field, text), WITH_EXTENSION)).toEqual([`data-elements.yaml: dataElements[${code}].${field}: '${text}' names prohibited data (${category}); no layer may add it to the dictionary`]);
  });

  refusal('an extension value that names an ethnic group', (f) => setText(element(f), 'enum', 'uyghur'), [
    "data-elements.yaml: dataElements[parkingZone].enum: 'uyghur' names prohibited data (ethnicity); no layer may add it to the dictionary",
  ], WITH_EXTENSION);

  refusal('an extension without its review', (f) => delete f[EXTENSION_FILE].dataElementsReview, [
    'data-elements.yaml: dataElements.dataElementsReview: an extension of the data dictionary needs its review (dataElementsReview: by, on), in the same file',
  ], WITH_EXTENSION);

  it('an extension mixed into a file with other sections', () => {
    expect(
      refused((f) => {
        Object.assign(f['sources.yaml'], f[EXTENSION_FILE]);
        delete f[EXTENSION_FILE];
      }, WITH_EXTENSION),
    ).toEqual(['sources.yaml: dataElements: an extension of the data dictionary must be a file of its own; this one also has sources']);
  });

  it('a second file extending the dictionary', () => {
    const minutes: DataElementDoc = { code: 'parkingMinutes', name: { 'zh-CN': '停车时长（分钟）', en: 'Minutes parked' }, category: 'traffic-safety', type: 'integer', minimum: 0, legalBasis: [{ law: 'planning-outline-2014', art: 'II' }] };
    expect(refused((f) => (f['traffic-elements.yaml'] = extension(minutes)), WITH_EXTENSION)).toEqual([
      'traffic-elements.yaml: dataElementsReview: only one file may extend the data dictionary',
    ]);
  });

  refusal('an extension that redefines a national element', (f) => (element(f).code = 'caseNo'), [
    "data-elements.yaml: dataElements[caseNo].code: 'caseNo' is a national data element; an extension cannot redefine it",
  ], WITH_EXTENSION);

  refusal('an extension element of a category that is not in the registry', (f) => (element(f).category = 'parking'), [
    `data-elements.yaml: dataElements[parkingZone].category: 'parking' is not a category of the national registry (${CATEGORIES})`,
  ], WITH_EXTENSION);

  refusal('an extension element that cites no law', (f) => (element(f).legalBasis = []), [
    'data-elements.yaml: dataElements[parkingZone].legalBasis: cites no law: give at least one { law, art } from the laws register',
  ], WITH_EXTENSION);

  it('every other name and title passes the net: a list named in English or Chinese for a prohibited category, a catalog title', () => {
    expect(refused((f) => (list(f, 'aaa-citizens').name.en = 'Religious affiliation list'))).toEqual([
      "lists.yaml: lists[aaa-citizens].name.en: 'Religious affiliation list' names prohibited data (religion); xinyong does not collect it",
    ]);
    expect(refused((f) => (list(f, 'aaa-citizens').name['zh-CN'] = '宗教信徒名单'))).toEqual([
      "lists.yaml: lists[aaa-citizens].name.zh-CN: '宗教信徒名单' names prohibited data (religion); xinyong does not collect it",
    ]);
    expect(refused((f) => f['catalog.yaml'].title && (f['catalog.yaml'].title.en = 'Ethnic affairs catalog'))).toEqual([
      "catalog.yaml: header.title.en: 'Ethnic affairs catalog' names prohibited data (ethnicity); xinyong does not collect it",
    ]);
  });
});

describe('a real legal basis (item 2)', () => {
  const spc = (f: Files) => list(f, 'spc-dishonest-debtors');
  it.each([
    ['an empty list', [], 'legalBasis: cites no law: give at least one { law, art } from the laws register'],
    ['blank text', ' ', "legalBasis: ' ' is no citation: a legal basis is a list of { law, art } citing the laws register"],
    ['a placeholder as text', 'TBD', "legalBasis: 'TBD' is no citation: a legal basis is a list of { law, art } citing the laws register"],
    ['a placeholder as the law', [{ law: 'TBD', art: '1' }], "legalBasis[0].law: 'TBD' is not the id of a law: ids in the laws register are lower case (letters, digits and hyphens)"],
    ['a law that is not in the register', [{ law: 'tbd', art: '1' }], `legalBasis: cites 'tbd', which is not in the laws register ${NOT_IN_REGISTER}`],
    ['an article the register does not list', [{ law: 'spc-dishonest-debtors', art: '99' }], "legalBasis: cites article '99' of 'spc-dishonest-debtors', which the register does not list (it lists 1, 2, 10)"],
    ['a blank article', [{ law: 'spc-dishonest-debtors', art: '' }], "legalBasis[0].art: '' is not an article as the register names them (such as '17', 'III.8' or 'attachment-1'), nor a list of them"],
  ])('%s', (_, basis, message) => {
    expect(refused((f) => (spc(f).legalBasis = basis as never))).toEqual([`lists.yaml: lists[spc-dishonest-debtors].${message}`]);
  });

  refusal('the due-process periods citing a law that is not in the register (named in the file of the header)', (f) => f['catalog.yaml'].dueProcess && (f['catalog.yaml'].dueProcess.legalBasis = [{ law: 'todo', art: '39' }]), [
    `catalog.yaml: dueProcess.legalBasis: cites 'todo', which is not in the laws register ${NOT_IN_REGISTER}`,
  ]);

  it.each([
    ['title', 'en', 'TBD', "'TBD' is a placeholder, not the title of a law or policy: give its title as issued"],
    ['title', 'zh-CN', '待定', "'待定' is a placeholder, not the title of a law or policy: give its title as issued"],
    ['title', 'en', ' ', 'is blank: give the title of the law or policy as issued'],
    ['issuer', 'en', 'n/a', "'n/a' is a placeholder, not the body that issued the law or policy: name it"],
  ] as const)('a law of the catalog whose %s (%s) is %j', (field, lang, text, message) => {
    expect(refused((f) => (law(f, 'shandong-social-credit')[field][lang] = text))).toEqual([`laws.yaml: laws[shandong-social-credit].${field}.${lang}: ${message}`]);
  });

  refusal('a law of the catalog with an article named by a placeholder', (f) => law(f, 'shandong-social-credit').articles.push({ art: 'TBD' }), [
    "laws.yaml: laws[shandong-social-credit].articles[TBD]: 'TBD' is a placeholder, not an article: name the article (or section) as the law numbers it",
  ]);

  refusal('a law of the catalog that redefines one of the national register', (f) => f['laws.yaml'].laws?.push({ ...structuredClone(law(f, 'rongcheng-personal-credit')), id: 'civil-code' }), [
    "laws.yaml: laws[civil-code].id: 'civil-code' is a law of the national register; a catalog cannot redefine it",
  ]);
});

describe('layers and jurisdictions (item 3)', () => {
  refusal('a local law that names no jurisdiction', (f) => delete law(f, 'shandong-social-credit').jurisdiction, [
    'laws.yaml: laws[shandong-social-credit].jurisdiction: a law of a catalog names the jurisdiction it is law in (GB/T 2260 code); national law belongs in catalogs/national/',
  ]);

  refusal("a local law of a jurisdiction that does not contain the catalog's (Suqian's in a Rongcheng catalog)", (f) => (law(f, 'rongcheng-personal-credit').jurisdiction = '321300'), [
    "laws.yaml: laws[rongcheng-personal-credit].jurisdiction: '321300' (江苏省宿迁市) is not law in this catalog's jurisdiction '371082' (山东省威海市荣成市)",
  ]);

  refusal('a local law of a jurisdiction that GB/T 2260 does not have', (f) => (law(f, 'rongcheng-personal-credit').jurisdiction = '371099'), [
    "laws.yaml: laws[rongcheng-personal-credit].jurisdiction: '371099' is no administrative division of GB/T 2260: give the six-digit code of the province, prefecture or county the law is law in",
  ]);

  refusal('a catalog of a jurisdiction that GB/T 2260 does not have (its laws are not compared with it)', (f) => (f['catalog.yaml'].jurisdiction = '379999'), [
    "catalog.yaml: header.jurisdiction: '379999' is no administrative division of GB/T 2260: give 'national' or the six-digit code of a province, prefecture or county",
  ]);

  refusal('a catalog that names no jurisdiction', (f) => delete f['catalog.yaml'].jurisdiction, [
    "catalog.yaml: header.jurisdiction: the header needs a jurisdiction: 'national', or the GB/T 2260 code of a province, prefecture or county",
  ]);

  it.each(['catalog.yaml', 'measures.yaml'])('a catalog file (%s) that writes the national layer', (file) => {
    expect(refused((f) => ((f[file] as Record<string, unknown>).national = structuredClone(national)))).toEqual([
      `${file}: national: the national layer comes from catalogs/national/ and cannot be written in a catalog`,
    ]);
  });

  refusal('a deny measure that names no measure of the national list', (f) => delete measure(f, 'spc-dishonest-no-flights').national, [
    `measures.yaml: measures[spc-dishonest-no-flights].national: a 'deny' measure punishes: name the measure of the national basic list it applies (national: one of ${MEASURES})`,
  ]);

  refusal('a measure that is not on the national list', (f) => (measure(f, 'spc-dishonest-no-flights').national = 'law.high-consumption.yacht'), [
    "measures.yaml: measures[spc-dishonest-no-flights].national: 'law.high-consumption.yacht' is not on the national basic list of measures, which no catalog can extend",
  ]);

  refusal('an effect the national measure does not allow', (f) => (measure(f, 'spc-dishonest-no-flights').effect = 'limit'), [
    "measures.yaml: measures[spc-dishonest-no-flights].effect: 'law.high-consumption.air' (Restriction on air travel) allows deny, not 'limit'",
  ]);
});

describe('protected needs (item 4)', () => {
  it.each([
    ['social-security.pension', 'social security'],
    ['medical.basic-care.admission', 'basic medical care'],
    ['legal-aid.application', 'legal aid'],
  ])('a deny measure on %s', (action, need) => {
    expect(refused((f) => (measure(f, 'spc-dishonest-no-flights').action = action), WITH_PROTECTED_ACTIONS)).toEqual([
      `measures.yaml: measures[spc-dishonest-no-flights].action: '${action}' is ${need}, a protected need: no credit measure may act on it`,
    ]);
  });

  refusal('a limit measure on a protected action', (f) => (measure(f, 'class-c-higher-inspection').action = 'medical.basic-care.admission'), [
    "measures.yaml: measures[class-c-higher-inspection].action: 'medical.basic-care.admission' is basic medical care, a protected need: no credit measure may act on it",
  ], WITH_PROTECTED_ACTIONS);
});

describe('ceilings on periods (item 3)', () => {
  refusal('a list entry of P6Y (the ceiling is 5 years)', (f) => (entry(f, 'spc-dishonest-debtors', 'ground-refuses').duration = 'P6Y'), [
    `lists.yaml: lists[spc-dishonest-debtors].entries[ground-refuses].duration: P6Y is longer than P5Y, ${CEILING}`,
  ]);

  refusal('a black-list entry of P999Y', (f) => (entry(f, 'major-tax-violators', 'major-arrears').duration = 'P999Y'), [
    `lists.yaml: lists[major-tax-violators].entries[major-arrears].duration: P999Y is longer than P5Y, ${CEILING}`,
  ]);

  refusal("an entry that ends only on its exit, on a record kept longer than the ceiling", (f) => delete entry(f, 'spc-high-consumption', 'consumption-order').duration, [
    `lists.yaml: lists[spc-high-consumption].entries[consumption-order].exit: has no period of its own, so it lasts until its exit or until the record's retention (P10Y) ends, longer than P5Y, ${CEILING}: give it a period of at most P5Y`,
  ]);

  refusal('a scoring rule that counts for P6Y', (f) => (byCode(f['schemes.yaml'].schemes, 'civic-points').rules.find((r) => r.id === 'tax-arrears')!.countsFor = 'P6Y'), [
    `schemes.yaml: schemes[civic-points].rules[tax-arrears].countsFor: P6Y is longer than P5Y, ${CEILING}`,
  ]);

  // admin.penalty cites the NDRC rules on publicity periods, whose article sets 3 years, not 5.
  refusal('a publicity tier of P4Y, past the 3 years the cited article allows', (f) => (recordType(f, 'admin.penalty').publicity![2].max = 'P4Y'), [
    'record-types.yaml: recordTypes[admin.penalty].publicity[2].max: P4Y is longer than P3Y, the limit that NDRC (2019) rules on publicity of administrative penalty information on credit websites, the rules on publicity periods sets',
  ]);

  refusal('a retention of P9999Y (and the remedy that ends its items is not blamed for being shorter)', (f) => (recordType(f, 'tax.arrears').retention = 'P9999Y'), [
    'record-types.yaml: recordTypes[tax.arrears].retention: P9999Y is more than P5Y after the longest effect a record of this type can have ends: keep it at most about 8 years',
  ]);

  refusal('a remedy kept for less time than the records whose items it ends', (f) => (recordType(f, 'tax.arrears-settled').retention = 'P1Y'), [
    "record-types.yaml: recordTypes[tax.arrears-settled].retention: P1Y is shorter than the retention of 'tax.arrears' (P5Y), whose items this remedy ends: once the remedy is deleted, the item would come back",
  ]);
});

describe('red and black exclude each other (item 5), exits that can be met (item 8)', () => {
  refusal('a red list on the base grade', (f) => (entry(f, 'aaa-citizens', 'grade-aaa').grade = { scheme: 'civic-points', in: ['AAA', 'AA', 'A'] }), [
    "lists.yaml: lists[aaa-citizens].entries[grade-aaa].grade.in: includes 'A', the grade of the base score of 'civic-points' (1000), which every subject has before any record: a red list must be earned, by a positive record or a grade above the base",
  ]);

  refusal("a 'pardon' exit on a condition that can never hold (an amount below the element's minimum of 0)", (f) => (entry(f, 'major-tax-violators', 'major-arrears').exit = { on: 'tax.arrears-settled', when: 'later.facts.amountYuan < 0.0' }), [
    'lists.yaml: lists[major-tax-violators].entries[major-arrears].exit.when: can never hold for facts that tax.arrears and tax.arrears-settled allow (no witness among the facts their schemas allow), so the exit could never be met',
  ]);
});

// ---- properties

const NEUTRAL = ['driver', 'vehicle', 'permit', 'zone', 'level', 'record'];
const NEUTRAL_ZH = ['车辆', '记录'];
const title = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
const camel = (parts: string[]) => parts.map((p, i) => (i === 0 ? p : title(p))).join('');

/** A prohibited word (English, pinyin, with its synonyms), or a stem run into a longer word, with its category. */
const latinTerm = fc.oneof(
  fc.constantFrom(...PROHIBITED_CATEGORIES.flatMap((c) => c.words.map((w) => ({ parts: w.split('-'), category: c.category })))),
  fc.tuple(fc.constantFrom(...PROHIBITED_CATEGORIES.flatMap((c) => c.stems.map((s) => ({ s, category: c.category })))), fc.integer({ min: 0, max: 99 })).map(([{ s, category }, n]) => ({ parts: [`${s}${n}`], category })),
);
const cjkTerm = fc.constantFrom(...CJK_TERMS.flatMap((c) => c.terms.map((t) => ({ text: t, category: c.category }))));

/** One text of an element made to name prohibited data: which field, what text, which category. */
const prohibitedText = fc.oneof(
  fc.tuple(latinTerm, fc.constantFrom(...NEUTRAL), fc.constantFrom(...NEUTRAL)).map(([t, a, b]) => ({ field: 'code', text: camel([a, ...t.parts, b]), category: t.category })),
  fc
    .tuple(latinTerm, fc.constantFrom('name.en', 'description.en', 'enum'), fc.constantFrom(...NEUTRAL), fc.constantFrom(' ', '-', '_'), fc.constantFrom<(s: string) => string>((s) => s, (s) => s.toUpperCase(), title))
    .map(([t, field, a, sep, cased]) => ({ field, text: [a, cased(t.parts.join('-'))].join(sep), category: t.category })),
  fc.tuple(cjkTerm, fc.constantFrom('name.zh-CN', 'description.zh-CN'), fc.constantFrom(...NEUTRAL_ZH), fc.constantFrom(...NEUTRAL_ZH)).map(([t, field, a, b]) => ({ field, text: `${a}${t.text}${b}`, category: t.category })),
);

describe('properties', () => {
  it('an extension element that names prohibited data in any of its texts is always refused, naming the category', () => {
    fc.assert(
      fc.property(prohibitedText, ({ field, text, category }) => {
        const found = refused((f) => setText(element(f), field, text), WITH_EXTENSION);
        const code = field === 'code' ? text : parkingZone.code;
        expect(found).toEqual([`data-elements.yaml: dataElements[${code}].${field}: '${text}' names prohibited data (${category}); no layer may add it to the dictionary`]);
      }),
      { numRuns: 60 },
    );
  });

  it('a fact that is not in the dictionary is always refused, whatever its name', () => {
    const elements = new Set(national.dataElements.map((e) => e.code));
    const fact = fc
      .oneof(
        fc.stringMatching(/^[a-z][A-Za-z0-9]{0,40}$/),
        fc.string({ minLength: 1, maxLength: 40 }),
        prohibitedText.filter((t) => t.field === 'code').map((t) => t.text),
      )
      .filter((c) => !elements.has(c) && c !== '__proto__');
    fc.assert(
      fc.property(fact, fc.constantFrom('required', 'optional'), (code, use) => {
        const banned = prohibitedCategory(code);
        const found = refused((f) => (recordType(f, 'traffic.violation').facts = { ...recordType(f, 'traffic.violation').facts, [code]: use }));
        expect(found).toEqual([
          formatIssue({ file: 'record-types.yaml', item: 'recordTypes[traffic.violation]', field: `facts.${code}`, message: `'${code}' ${NOT_IN_DICTIONARY}${banned ? `, and '${code}' names prohibited data (${banned})` : ''}` }),
        ]);
      }),
      { numRuns: 60 },
    );
  });
});
