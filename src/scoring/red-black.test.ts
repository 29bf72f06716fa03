/**
 * A red list is earned (issue 15, item 5): the base grade alone never puts a subject on a red
 * list, and the loader refuses a red list that the base grade reaches.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogDir, readCatalogDir } from '../app/catalog-files.js';
import { compileCatalog } from '../catalog/compile.js';
import { formatIssue, type Catalog, type CatalogDoc } from '../catalog/types.js';
import type { SubjectKind } from '../domain/types.js';
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
  return compileCatalog(files.value);
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
