/**
 * The national layer (issue 15, item 3): the laws register, the category registry, the data
 * dictionary, the national basic list of measures and the protected action domains, shipped as data
 * in catalogs/national/. Every catalog loads on top of it and no catalog can change it. Pure: the
 * shell reads the files.
 */
import { Ajv } from 'ajv';
import type { Result } from '../domain/types.js';
import { nationalFileSchema } from './catalog-schema.js';
import { extensionProblems } from './dictionary.js';
import { citationProblem, lawProblems } from './laws.js';
import { PROTECTED_ACTION_DOMAINS } from './limits.js';
import type { CatalogIssue, NationalDoc } from './types.js';

/** One file as read from disk: its name (for messages) and its parsed YAML. */
export interface LayerFile {
  name: string;
  doc: unknown;
}

const validate = new Ajv({ allErrors: true, strict: true }).compile(nationalFileSchema);

const SECTIONS = ['laws', 'categories', 'dataElements', 'nationalMeasures', 'protectedActions'] as const;

/** Merges and checks the files of the national layer. */
export function compileNational(files: LayerFile[]): Result<NationalDoc, CatalogIssue[]> {
  const issues: CatalogIssue[] = [];
  const n: NationalDoc = { id: '', version: '', laws: [], categories: [], dataElements: [], nationalMeasures: [], protectedActions: [] };
  const origin = new Map<object, string>();
  for (const f of files) {
    if (f.doc === null || f.doc === undefined) continue;
    if (!validate(f.doc)) {
      for (const e of validate.errors ?? []) issues.push({ file: f.name, item: e.instancePath || 'national', message: e.message ?? 'is invalid' });
      continue;
    }
    const d = f.doc as Partial<NationalDoc>;
    if (d.id) n.id = d.id;
    if (d.version) n.version = d.version;
    for (const s of SECTIONS) for (const item of (d[s] ?? []) as object[]) {
      origin.set(item, f.name);
      (n[s] as object[]).push(item);
    }
  }
  if (!n.id || !n.version) issues.push({ file: '(national)', item: 'header', message: 'the national layer needs an id and a version' });
  if (issues.length) return { ok: false, error: issues };
  issues.push(...nationalIssues(n, (x) => origin.get(x) ?? '(national)'));
  return issues.length ? { ok: false, error: issues } : { ok: true, value: n };
}

/** The problems of a national layer: codes twice, citations that do not resolve, a missing protected domain. */
export function nationalIssues(n: NationalDoc, where: (item: object) => string = () => '(national)'): CatalogIssue[] {
  const out: CatalogIssue[] = [];
  const at = (item: object, name: string, field: string | undefined, message: string) => out.push({ file: where(item), item: name, field, message });
  const laws = new Map(n.laws.map((l) => [l.id, l]));
  const dup = <T extends object>(xs: T[], key: (x: T) => string, section: string) => {
    const seen = new Set<string>();
    for (const x of xs) {
      if (seen.has(key(x))) at(x, `${section}[${key(x)}]`, undefined, `duplicate code '${key(x)}'`);
      seen.add(key(x));
    }
  };
  dup(n.laws, (x) => x.id, 'laws');
  dup(n.categories, (x) => x.code, 'categories');
  dup(n.dataElements, (x) => x.code, 'dataElements');
  dup(n.nationalMeasures, (x) => x.code, 'nationalMeasures');
  for (const l of n.laws) {
    for (const p of lawProblems(l)) at(l, `laws[${l.id}]`, p.field, p.message);
    if (l.jurisdiction) at(l, `laws[${l.id}]`, 'jurisdiction', 'a law of the national register is national: it names no jurisdiction');
  }
  const cite = (item: object, name: string, cites: unknown) => {
    const why = citationProblem(cites, laws);
    if (why) at(item, name, 'legalBasis', why);
  };
  for (const e of n.dataElements) cite(e, `dataElements[${e.code}]`, e.legalBasis);
  for (const m of n.nationalMeasures) cite(m, `nationalMeasures[${m.code}]`, m.legalBasis);
  for (const p of n.protectedActions) cite(p, `protectedActions[${p.prefix}]`, p.legalBasis);
  // The national dictionary passes the same net as any extension.
  for (const p of extensionProblems(n.dataElements, new Map(), n.categories)) at(p.element, `dataElements[${p.element.code}]`, p.field, p.message);
  for (const d of PROTECTED_ACTION_DOMAINS) {
    if (!n.protectedActions.some((p) => p.prefix === d.prefix)) at(n, 'protectedActions', undefined, `'${d.prefix}' (${d.need}) must be a protected domain`);
  }
  return out;
}
