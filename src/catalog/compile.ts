/**
 * Validates and compiles catalog files into a `Catalog`. Pure: the caller reads the files.
 *
 * Three passes, each reporting every problem it finds rather than stopping at the first:
 * 1. the shape of each file (JSON Schema), so errors can name the file;
 * 2. the lines we hold: legal basis, prohibited data, finite retention, every negative item ends;
 * 3. references between items and CEL compilation with type checking.
 */
import { createHash } from 'node:crypto';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import canonicalizeModule from 'canonicalize';
import { parseDuration, type Duration } from '../domain/time.js';
import { maskRids, ridInValue } from '../ids/rid-finder.js';
import { NATIONAL_SCHEMES } from '../ids/subject-ref.js';
import type { Result } from '../domain/types.js';
import { catalogFileSchema } from './catalog-schema.js';
import { CelCompiler, integerFields, toNumber, type CelExpect, type CelScope } from './cel.js';
import { checkCeilings } from './ceilings.js';
import { extensionProblems, factsSchema } from './dictionary.js';
import { jurisdictionName } from './jurisdiction.js';
import { citationProblem, citedArticles, lawAppliesIn, lawProblems, renderBasis } from './laws.js';
import { limitIssues } from './limits.js';
import { findWitness } from './witness.js';
import { prohibitedCategory } from './prohibited.js';
import {
  CATALOG_SECTIONS,
  type Catalog,
  type CatalogDoc,
  type CatalogIssue,
  type CelFn,
  type Citation,
  type DataElementDoc,
  type LawDoc,
  type LocalText,
  type NationalDoc,
  type CompiledEntryRule,
  type CompiledExit,
  type CompiledList,
  type CompiledMeasure,
  type CompiledRecordType,
  type CompiledRule,
  type CompiledScheme,
  type ExitDoc,
  type FactsValidator,
  type ListDoc,
  type RecordTypeDoc,
} from './types.js';

// CJS/ESM interop: these packages export their main function as `default` under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;
const canonicalize = ((canonicalizeModule as unknown as { default?: unknown }).default ?? canonicalizeModule) as (
  v: unknown,
) => string | undefined;

/** One catalog file as read from disk: its name (for messages) and its parsed YAML. */
export interface CatalogFile {
  name: string;
  doc: unknown;
}

const fileValidator = new Ajv({ allErrors: true, strict: true }).compile(catalogFileSchema);

/** An Ajv for facts schemas: each record type's schema is compiled once. */
function factsAjv() {
  const ajv = new Ajv({ allErrors: false, strict: false, coerceTypes: false });
  addFormats(ajv);
  return ajv;
}

type Origin = { file: string };

/**
 * Compiles a catalog's files on top of the national layer. The national layer is not the author's
 * to write: it comes from catalogs/national/ (or, for a stored version, as it was stored).
 */
export function compileCatalog(files: CatalogFile[], national: NationalDoc): Result<Catalog, CatalogIssue[]> {
  const issues: CatalogIssue[] = [];
  const merged: CatalogDoc = { id: '', version: '', jurisdiction: '', national, sources: [], actions: [], recordTypes: [], schemes: [], lists: [], measures: [] };
  const origin = new Map<object, Origin>();
  const headerFiles: string[] = [];

  // ---- pass 1: shape, per file
  for (const f of files) {
    if (f.doc === null || f.doc === undefined) continue; // empty file
    // Said before the shape check, which would only call `national` an unknown field; the rest of
    // the file is still checked.
    let doc = f.doc;
    if (typeof doc === 'object' && !Array.isArray(doc) && 'national' in doc) {
      issues.push({ file: f.name, item: 'national', message: 'the national layer comes from catalogs/national/ and cannot be written in a catalog' });
      const { national: _national, ...rest } = doc as Record<string, unknown>;
      doc = rest;
    }
    if (!fileValidator(doc)) {
      for (const e of shapeErrors(fileValidator.errors ?? [])) issues.push(shapeIssue({ name: f.name, doc }, e));
      if (typeof doc === 'object' && 'id' in (doc as object)) headerFiles.push(f.name);
      continue;
    }
    const d = doc as Partial<CatalogDoc>;
    // The dictionary is extended only in a file of its own, with the review it went through.
    if (d.dataElements !== undefined || d.dataElementsReview !== undefined) {
      const others = Object.keys(d).filter((k) => k !== 'dataElements' && k !== 'dataElementsReview');
      if (!d.dataElementsReview) issues.push({ file: f.name, item: 'dataElements', field: 'dataElementsReview', message: 'an extension of the data dictionary needs its review (dataElementsReview: by, on), in the same file' });
      if (others.length) issues.push({ file: f.name, item: 'dataElements', message: `an extension of the data dictionary must be a file of its own; this one also has ${others.join(', ')}` });
      if (merged.dataElementsReview && d.dataElementsReview) issues.push({ file: f.name, item: 'dataElementsReview', message: 'only one file may extend the data dictionary' });
      if (d.dataElementsReview) merged.dataElementsReview = d.dataElementsReview;
    }
    if (d.id !== undefined || d.version !== undefined) {
      headerFiles.push(f.name);
      merged.id = d.id ?? '';
      merged.version = d.version ?? '';
      if (d.title) merged.title = d.title;
      if (d.description) merged.description = d.description;
      if (d.dueProcess) merged.dueProcess = d.dueProcess;
      if (d.jurisdiction) merged.jurisdiction = d.jurisdiction;
      if (!d.jurisdiction) issues.push({ file: f.name, item: 'header', field: 'jurisdiction', message: "the header needs a jurisdiction: 'national', or the GB/T 2260 code of a province, prefecture or county" });
      if (!d.id) issues.push({ file: f.name, item: 'header', field: 'id', message: 'the header needs an id' });
      if (!d.version) issues.push({ file: f.name, item: 'header', field: 'version', message: 'the header needs a version' });
    } else {
      // Header fields belong to the header's file: elsewhere they would be dropped without a word.
      for (const k of ['title', 'description', 'jurisdiction', 'dueProcess'] as const) {
        if (d[k] !== undefined) issues.push({ file: f.name, item: 'header', field: k, message: `'${k}' belongs in the file with the header (id and version); here it would be ignored` });
      }
    }
    for (const s of CATALOG_SECTIONS) {
      for (const item of (d[s] ?? []) as object[]) {
        origin.set(item, { file: f.name });
        // An optional section is in the document only when some file has it (the hash stays as it was).
        ((merged[s] ??= []) as object[]).push(item);
      }
    }
  }
  if (files.length === 0) issues.push({ file: '(catalog)', item: 'header', message: 'no catalog files (*.yaml) found' });
  else if (headerFiles.length === 0) issues.push({ file: '(catalog)', item: 'header', message: 'no file carries the header (id and version)' });
  else if (headerFiles.length > 1) {
    issues.push({ file: headerFiles[1], item: 'header', message: `the header (id, version) also appears in ${headerFiles[0]}; exactly one file may carry it` });
  }
  if (issues.length > 0) return { ok: false, error: issues };

  // The header's own items (its title, jurisdiction and due process) are found in the file that carries it.
  origin.set(merged, { file: headerFiles[0] });
  if (merged.dueProcess) origin.set(merged.dueProcess, { file: headerFiles[0] });
  const where = (item: object) => origin.get(item)?.file ?? '(catalog)';
  const c = new Compiler(merged, national, where, issues);
  const catalog = c.run();
  if (issues.length > 0 || !catalog) return { ok: false, error: issues };
  return { ok: true, value: catalog };
}

/**
 * Ajv's errors, with the errors of the branches of an `anyOf` left out: the `anyOf` error says it
 * once (an article that is neither text nor a list of texts is one problem, not three).
 */
function shapeErrors(errors: ErrorObject[]): ErrorObject[] {
  const anyOf = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  return errors.filter((e) => !anyOf.some((p) => e.schemaPath.startsWith(p)));
}

/** A path into a file as the loader names it: items by their code or id rather than by index where it can (`lists[x].name`). */
function namedParts(doc: unknown, path: string[]): string[] {
  let node: unknown = doc;
  const parts: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    node = (node as Record<string, unknown>)?.[key];
    if (/^\d+$/.test(key) && node && typeof node === 'object') {
      const n = node as Record<string, unknown>;
      const name = (n.code ?? n.id ?? n.grade ?? key) as string;
      parts[parts.length - 1] = `${parts[parts.length - 1]}[${name}]`;
    } else parts.push(key);
  }
  return parts;
}

/**
 * A new catalog's texts must not hold a resident identity number, in any language, anywhere
 * (issue 16, finding 5): a catalog is stored and published as it is written, and shown to every
 * reader. One issue per file, where the first stands, its value never repeated (a code or key
 * holding one is masked). Run on drafts and directories, not on versions already stored, which
 * must still load.
 */
export function idNumberIssues(files: readonly CatalogFile[]): CatalogIssue[] {
  const issues: CatalogIssue[] = [];
  for (const f of files) {
    const hit = ridInValue(f.doc);
    if (!hit) continue;
    // The item is the innermost one named by code (`lists[x]`), or the header; the field is the rest (`name.en`).
    const parts = namedParts(f.doc, hit.path.map(String)).map((p) => maskRids(p));
    let at = parts.length;
    while (at > 0 && !parts[at - 1].includes('[')) at--;
    const item = at > 0 ? parts.slice(0, at).join('.') : 'header';
    const field = parts.slice(at).join('.');
    issues.push({ file: f.name, item, ...(field ? { field } : {}), message: `${hit.key ? 'has a key that holds' : 'must not contain'} a resident identity number: a catalog is published and shown to every reader` });
  }
  return issues;
}

function shapeIssue(f: CatalogFile, e: ErrorObject): CatalogIssue {
  const path = e.instancePath.split('/').filter(Boolean);
  let item = 'header';
  const parts = namedParts(f.doc, path);
  let field: string | undefined;
  let message = e.message ?? 'is invalid';
  // What is wrong, by name, for a client to say in its reader's language.
  // Left out where the message says more than the keyword would (a legal basis, a citation, a CEL expression).
  let rule: string | undefined = e.keyword;
  const limit = (e.params as { limit?: unknown }).limit;
  const params: Record<string, string | number> = typeof limit === 'number' ? { limit } : {};
  if (e.keyword === 'required') {
    const missing = (e.params as { missingProperty: string }).missingProperty;
    field = missing;
    params.field = missing;
    if (missing === 'legalBasis') rule = 'noBasis';
    message =
      missing === 'legalBasis'
        ? 'has no legalBasis: every item must name the law or policy it rests on'
        : `is missing the required field '${missing}'`;
  } else if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    params.field = extra;
    message = `has an unknown field '${extra}' (see docs/catalog.md)`;
  } else if (e.keyword === 'pattern' && (e.params as { pattern: string }).pattern === '^P') {
    const value = valueAt(f.doc, path);
    rule = 'duration';
    params.value = String(value);
    message = `'${String(value)}' is not an ISO-8601 duration (a finite period such as P2Y, P6M or P10D)`;
  } else if (e.keyword === 'enum') {
    message = `must be one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
  } else if (path[path.length - 1] === 'legalBasis' && (e.keyword === 'minItems' || e.keyword === 'type')) {
    rule = undefined;
    // A blank or placeholder basis written as text, or an empty list: no citation at all.
    const value = valueAt(f.doc, path);
    message =
      e.keyword === 'minItems' ? (citationProblem([], new Map()) as string)
      : typeof value === 'string' ? `'${value}' is no citation: a legal basis is a list of { law, art } citing the laws register`
      : 'must be a list of { law, art } citing the laws register';
  } else if (path[path.length - 2] === 'legalBasis' || path[path.length - 3] === 'legalBasis') {
    rule = undefined;
    const value = valueAt(f.doc, path);
    const key = path[path.length - 1];
    if (key === 'law' && e.keyword === 'pattern') message = `'${String(value)}' is not the id of a law: ids in the laws register are lower case (letters, digits and hyphens)`;
    if (key === 'art' && e.keyword === 'anyOf') message = `${typeof value === 'string' ? `'${value}'` : JSON.stringify(value)} is not an article as the register names them (such as '17', 'III.8' or 'attachment-1'), nor a list of them`;
  } else if (e.keyword === 'anyOf') {
    rule = undefined;
    message = 'must be a CEL expression (text) or a number';
  }
  if (parts.length > 0) {
    // The last part is a field name unless it names an item.
    const last = parts[parts.length - 1];
    if (!last.includes('[') && e.keyword !== 'required' && e.keyword !== 'additionalProperties') {
      field = parts.pop();
    }
    item = parts.join('.') || 'header';
  }
  return { file: f.name, item, field, message, ...(rule ? { rule } : {}), ...(rule && Object.keys(params).length ? { params } : {}) };
}

/** The value at a path of keys in a parsed file. */
function valueAt(doc: unknown, path: string[]): unknown {
  return path.reduce<unknown>((n, k) => (n as Record<string, unknown>)?.[k], doc);
}

/** Holds the merged document while it is checked and compiled. */
class Compiler {
  private readonly cel = new CelCompiler();
  private readonly ajv = factsAjv();
  private readonly recordTypes = new Map<string, CompiledRecordType>();
  /** Whether some source may send a record type (set once the sources are read). */
  private sendable: (type: string) => boolean = () => true;

  private readonly laws: Map<string, LawDoc>;
  private readonly elements: Map<string, DataElementDoc>;

  constructor(
    private readonly doc: CatalogDoc,
    private readonly national: NationalDoc,
    private readonly where: (item: object) => string,
    private readonly issues: CatalogIssue[],
  ) {
    this.laws = new Map(national.laws.map((l) => [l.id, l]));
    this.elements = new Map(national.dataElements.map((e) => [e.code, e]));
  }

  /** A legal basis as English text (what explanations and stored reasons carry). */
  private basisEn(cites: Citation[] | undefined): string {
    return renderBasis(cites ?? [], this.laws, 'en');
  }

  /** A legal basis as text in both languages (what doors show). */
  private basis(cites: Citation[] | undefined): LocalText {
    return { 'zh-CN': renderBasis(cites ?? [], this.laws, 'zh-CN'), en: renderBasis(cites ?? [], this.laws, 'en') };
  }

  /** The deployment's own laws, on top of the national register. */
  private ownLaws() {
    const d = this.doc;
    for (const l of d.laws ?? []) {
      const name = `laws[${l.id}]`;
      if (this.laws.has(l.id)) {
        this.issue(l, name, 'id', this.national.laws.some((x) => x.id === l.id) ? `'${l.id}' is a law of the national register; a catalog cannot redefine it` : `duplicate law '${l.id}'`);
        continue;
      }
      for (const p of lawProblems(l)) this.issue(l, name, p.field, p.message);
      if (!l.jurisdiction) this.issue(l, name, 'jurisdiction', 'a law of a catalog names the jurisdiction it is law in (GB/T 2260 code); national law belongs in catalogs/national/');
      else if (!jurisdictionName(l.jurisdiction)) this.issue(l, name, 'jurisdiction', `'${l.jurisdiction}' is no administrative division of GB/T 2260: give the six-digit code of the province, prefecture or county the law is law in`);
      // Against a catalog jurisdiction that is no division (reported on the header), nothing can be compared.
      else if (jurisdictionName(d.jurisdiction) !== null && !lawAppliesIn(l.jurisdiction, d.jurisdiction)) {
        this.issue(l, name, 'jurisdiction', `'${l.jurisdiction}' (${jurisdictionName(l.jurisdiction) ?? 'no such division'}) is not law in this catalog's jurisdiction '${d.jurisdiction}' (${jurisdictionName(d.jurisdiction) ?? 'no such division'})`);
      }
      this.laws.set(l.id, l);
    }
  }

  /** The reviewed extension of the dictionary. */
  private extension() {
    const ext = this.doc.dataElements ?? [];
    for (const p of extensionProblems(ext, this.elements, this.national.categories)) this.issue(p.element, `dataElements[${p.element.code}]`, p.field, p.message);
    this.unique(ext, (e) => e.code, 'dataElements');
    for (const e of ext) if (!this.elements.has(e.code)) this.elements.set(e.code, e);
  }

  /** Every name and title of the catalog passes the prohibited-data net (actions and measures name decisions, not data). */
  private namesNet() {
    const d = this.doc;
    const check = (item: object, name: string, field: string, text: LocalText | undefined) => {
      for (const lang of ['en', 'zh-CN'] as const) {
        const t = text?.[lang];
        const banned = t ? prohibitedCategory(t) : null;
        if (banned) this.issue(item, name, `${field}.${lang}`, `'${t}' names prohibited data (${banned}); xinyong does not collect it`);
      }
    };
    if (d.title) check(d, 'header', 'title', d.title);
    for (const x of d.identifierSchemes ?? []) check(x, `identifierSchemes[${x.code}]`, 'name', x.name);
    for (const x of d.sources) check(x, `sources[${x.code}]`, 'name', x.name);
    for (const x of d.schemes) check(x, `schemes[${x.code}]`, 'name', x.name);
    for (const x of d.lists) check(x, `lists[${x.code}]`, 'name', x.name);
  }

  private issue(item: object, name: string, field: string | undefined, message: string) {
    this.issues.push({ file: this.where(item), item: name, field, message });
  }

  private duration(item: object, name: string, field: string, text: string | undefined): Duration | null {
    if (text === undefined) return null;
    const d = parseDuration(text);
    if (!d.ok) {
      this.issue(item, name, field, d.error);
      return null;
    }
    return d.value;
  }

  private unique<T extends object>(items: T[], key: (t: T) => string, section: string) {
    const seen = new Set<string>();
    for (const it of items) {
      const k = key(it);
      if (seen.has(k)) this.issue(it, `${section}[${k}]`, undefined, `duplicate code '${k}'`);
      seen.add(k);
    }
  }

  private expr(item: object, name: string, field: string, src: string | number | undefined, scope: CelScope, key: string, expect: CelExpect): CelFn | number | null {
    if (src === undefined) return null;
    const out = this.cel.compile(src, scope, key, expect);
    if (!out.ok) {
      this.issue(item, name, field, `CEL error: ${out.message}`);
      return null;
    }
    if (expect === 'number' && out.constant !== undefined) {
      const n = toNumber(out.constant);
      if (!Number.isFinite(n)) {
        this.issue(item, name, field, 'does not evaluate to a finite number');
        return null;
      }
      return n;
    }
    return out.fn;
  }

  private facts(code: string): Record<string, unknown> {
    return this.recordTypes.get(code)?.schema ?? {};
  }

  private exitOf(item: object, name: string, exit: ExitDoc | undefined, on: string | null, kinds?: ReadonlySet<string>): CompiledExit | null {
    if (!exit) return null;
    const rt = this.recordTypes.get(exit.on);
    if (!rt) {
      this.issue(item, name, 'exit.on', `unknown record type '${exit.on}'`);
      return null;
    }
    if (!rt.doc.remedy) {
      this.issue(item, name, 'exit.on', `'${exit.on}' is not a remedy record type (remedy: true): an exit must be something the subject can do`);
    }
    // The subject must be able to have the remedy record at all.
    const own = on ? this.recordTypes.get(on)?.doc.subjects : undefined;
    const must = (own ?? [...(kinds ?? [])]).filter((k) => !kinds || kinds.has(k));
    const cannot = must.filter((k) => !rt.doc.subjects.includes(k as never));
    if (cannot.length > 0) this.issue(item, name, 'exit.on', `'${exit.on}' never concerns ${cannot.join(', ')}, so such a subject could never meet this exit`);
    if (exit.when !== undefined && !/\b(record|later)\b/.test(exit.when)) {
      const c = this.cel.compile(exit.when, { record: {} }, '(constant)', 'bool');
      if (c.ok && c.constant === false) this.issue(item, name, 'exit.when', 'can never hold, so the exit can never be met');
    }
    // Someone must be able to send the remedy: a record type no source may send never arrives.
    if (!this.sendable(exit.on)) this.issue(item, name, 'exit.on', `no source may send '${exit.on}', so the exit could never be met`);
    const scope: CelScope = { record: on ? this.facts(on) : {}, later: rt.schema };
    const when = this.expr(item, name, 'exit.when', exit.when, scope, `${on}|${exit.on}`, 'bool');
    // The condition must hold for some facts the schemas allow (a witness), or the exit is a wall.
    if (typeof when === 'function' && exit.when !== undefined && !findWitness(when, exit.when, { record: scope.record, recordType: on ?? '', later: rt.schema, laterType: exit.on })) {
      this.issue(item, name, 'exit.when', `can never hold for facts that ${on ? `${on} and ` : ''}${exit.on} allow (no witness among the facts their schemas allow), so the exit could never be met`);
    }
    return { on: exit.on, when: typeof when === 'function' ? when : null };
  }

  run(): Catalog | null {
    const d = this.doc;
    this.unique(d.identifierSchemes ?? [], (s) => s.code, 'identifierSchemes');
    for (const x of d.identifierSchemes ?? []) {
      if ((NATIONAL_SCHEMES as readonly string[]).includes(x.code)) this.issue(x, `identifierSchemes[${x.code}]`, 'code', `'${x.code}' is a national scheme, defined by law, and cannot be redeclared`);
    }
    this.unique(d.sources, (s) => s.code, 'sources');
    if (d.jurisdiction && !jurisdictionName(d.jurisdiction)) {
      this.issue(d, 'header', 'jurisdiction', `'${d.jurisdiction}' is no administrative division of GB/T 2260: give 'national' or the six-digit code of a province, prefecture or county`);
    }
    this.ownLaws();
    this.extension();
    this.namesNet();
    for (const i of limitIssues(d, this.laws, this.national.protectedActions)) this.issue(i.item, i.name, i.field, i.message);
    this.unique(d.actions, (s) => s.code, 'actions');
    this.unique(d.recordTypes, (s) => s.code, 'recordTypes');
    this.unique(d.schemes, (s) => s.code, 'schemes');
    this.unique(d.lists, (s) => s.code, 'lists');
    this.unique(d.measures, (s) => s.code, 'measures');

    for (const rt of d.recordTypes) this.recordType(rt);

    const sources = new Map<string, Catalog['sources'] extends Map<string, infer V> ? V : never>();
    for (const s of d.sources) {
      const patterns = s.recordTypes;
      for (const p of patterns) {
        const matches = p.endsWith('*') ? [...this.recordTypes.keys()].some((k) => k.startsWith(p.slice(0, -1))) : this.recordTypes.has(p);
        if (!matches) this.issue(s, `sources[${s.code}]`, 'recordTypes', `'${p}' matches no declared record type`);
      }
      const allows = (type: string) => patterns.some((p) => (p.endsWith('*') ? type.startsWith(p.slice(0, -1)) : type === p));
      sources.set(s.code, { ...s, allows });
    }
    const actions = new Map(d.actions.map((a) => [a.code, a]));
    this.sendable = (type) => [...sources.values()].some((src) => src.allows(type));

    const schemes = d.schemes.map((s) => this.scheme(s));
    const rulesByType = new Map<string, CompiledRule[]>();
    for (const s of schemes) for (const r of s.rules) push(rulesByType, r.on, r);

    const lists = this.lists(d.lists, schemes);
    for (const i of redListsOnBaseGrade(lists, schemes)) this.issue(i.list.doc, i.item, 'grade.in', i.message);
    const listsByCode = new Map(lists.map((l) => [l.code, l]));
    const entryRulesByType = new Map<string, CompiledEntryRule[]>();
    for (const l of lists) for (const e of l.entryRules) if (e.on) push(entryRulesByType, e.on, e);

    const measures: CompiledMeasure[] = [];
    const measuresByAction = new Map<string, CompiledMeasure[]>();
    for (const m of d.measures) {
      const name = `measures[${m.code}]`;
      if (!actions.has(m.action)) this.issue(m, name, 'action', `unknown action '${m.action}' (declare it under actions)`);
      if ((m.list ? 1 : 0) + (m.grade ? 1 : 0) !== 1) this.issue(m, name, undefined, 'needs exactly one of list or grade');
      if (m.list && !listsByCode.has(m.list)) this.issue(m, name, 'list', `unknown list '${m.list}'`);
      const grade = m.grade ? this.gradeCond(m, name, m.grade, schemes) : null;
      const gs = m.grade ? schemes.find((x) => x.code === m.grade?.scheme) : undefined;
      if (grade && gs && ['deny', 'review', 'limit'].includes(m.effect) && grade.in.has(baseGrade(gs))) {
        this.issue(m, name, 'grade.in', `includes '${baseGrade(gs)}', the grade of the base score: a '${m.effect}' measure must not bind subjects with no adverse record`);
      }
      this.nationalMeasure(m, name);
      const cm: CompiledMeasure = { doc: m, code: m.code, basis: this.basis(m.legalBasis), action: m.action, effect: m.effect, list: m.list ?? null, grade };
      measures.push(cm);
      push(measuresByAction, m.action, cm);
    }
    for (const i of checkCeilings({ recordTypes: this.recordTypes, schemes, lists, laws: this.laws })) this.issue(i.item, i.name, i.field, i.message);
    if (this.issues.length > 0) return null;
    const laws = this.laws;
    return {
      id: d.id,
      version: d.version,
      jurisdiction: d.jurisdiction,
      laws,
      dataElements: this.elements,
      basisText: (cites, lang = 'en') => renderBasis(cites, laws, lang),
      hash: catalogHash(d),
      doc: d,
      dueProcess: { objectionDays: d.dueProcess?.objectionDays ?? 3, objectionDaysExtended: d.dueProcess?.objectionDaysExtended ?? 7, repairDays: d.dueProcess?.repairDays ?? 3 },
      identifierSchemes: new Set([...NATIONAL_SCHEMES, ...(d.identifierSchemes ?? []).map((x) => x.code)]),
      sources,
      actions,
      recordTypes: this.recordTypes,
      schemes,
      rulesByType,
      lists,
      listsByCode,
      entryRulesByType,
      measures,
      measuresByAction,
    };
  }

  private recordType(rt: RecordTypeDoc) {
    const name = `recordTypes[${rt.code}]`;
    const registered = this.national.categories.some((c) => c.code === rt.category);
    if (!registered) {
      const banned = prohibitedCategory(rt.category);
      this.issue(rt, name, 'category', banned ? `'${rt.category}' is prohibited data (${banned}); xinyong does not collect it` : `'${rt.category}' is not a category of the national registry (${this.national.categories.map((c) => c.code).join(', ')})`);
    }
    // The code and name say what is collected as plainly as the category does.
    for (const [field, text] of [['code', rt.code], ['name.en', rt.name.en], ['name.zh-CN', rt.name['zh-CN']]] as const) {
      const b = prohibitedCategory(text);
      if (b) this.issue(rt, name, field, `'${text}' names prohibited data (${b}); xinyong does not collect it`);
    }
    const retention = this.duration(rt, name, 'retention', rt.retention);
    // A category that is refused is reported once, not again on every fact of another category.
    const built = factsSchema(rt.facts, registered ? rt.category : null, this.elements);
    for (const p of built.problems) this.issue(rt, name, p.field, p.message);
    const facts = built.schema;
    // The schema is checked now; compiling it waits for the first record (most commands never ingest).
    if (!this.ajv.validateSchema(facts)) {
      this.issue(rt, name, 'facts', `invalid JSON Schema: ${this.ajv.errorsText(this.ajv.errors)}`);
      return;
    }
    const ajv = this.ajv;
    let compiled: ValidateFunction | null = null;
    const validateFacts: FactsValidator = Object.assign(
      (data: unknown) => {
        compiled ??= ajv.compile(facts);
        const ok = compiled(data) as boolean;
        validateFacts.errors = compiled.errors ?? null;
        return ok;
      },
      { errors: null as ErrorObject[] | null },
    );
    const ints = integerFields(facts);
    const toCel =
      ints.length === 0
        ? (f: Record<string, unknown>) => f
        : (f: Record<string, unknown>) => {
            const out = { ...f };
            for (const k of ints) if (typeof out[k] === 'number') out[k] = BigInt(out[k] as number);
            return out;
          };
    const crt: CompiledRecordType = { doc: rt, schema: facts, basis: this.basis(rt.legalBasis), retention: retention ?? (null as unknown as Duration), validateFacts, toCel, publicity: [] };
    this.recordTypes.set(rt.code, crt);
    (rt.publicity ?? []).forEach((p, i) => {
      const f = `publicity[${i}]`;
      const min = this.duration(rt, name, `${f}.min`, p.min);
      const max = this.duration(rt, name, `${f}.max`, p.max);
      const when = this.expr(rt, name, `${f}.when`, p.when, { record: facts }, rt.code, 'bool');
      if (min && max) crt.publicity.push({ when: typeof when === 'function' ? when : null, min, max });
    });
  }

  /**
   * A measure that denies, limits or sends to review punishes, and may only apply a measure of the
   * national basic list (Guobanfa [2020] No. 49), with an effect that measure allows.
   */
  private nationalMeasure(m: CatalogDoc['measures'][number], name: string) {
    const punitive = m.effect === 'deny' || m.effect === 'limit' || m.effect === 'review';
    if (m.national === undefined) {
      if (punitive) this.issue(m, name, 'national', `a '${m.effect}' measure punishes: name the measure of the national basic list it applies (national: one of ${this.national.nationalMeasures.map((x) => x.code).join(', ')})`);
      return;
    }
    const nm = this.national.nationalMeasures.find((x) => x.code === m.national);
    if (!nm) {
      this.issue(m, name, 'national', `'${m.national}' is not on the national basic list of measures, which no catalog can extend`);
      return;
    }
    if (!nm.effects.includes(m.effect)) this.issue(m, name, 'effect', `'${m.national}' (${nm.name.en}) allows ${nm.effects.join(', ')}, not '${m.effect}'`);
  }

  private scheme(s: CompiledScheme['doc']): CompiledScheme {
    const name = `schemes[${s.code}]`;
    const grades = s.grades.map((g) => g.grade);
    s.grades.forEach((g, i) => {
      const last = i === s.grades.length - 1;
      if (!last && g.min === undefined) this.issue(s, name, `grades[${g.grade}]`, 'every band but the last needs min');
      if (i > 0 && g.min !== undefined && s.grades[i - 1].min !== undefined && g.min >= (s.grades[i - 1].min as number)) {
        this.issue(s, name, `grades[${g.grade}]`, 'bands must be listed best first, with strictly decreasing min');
      }
    });
    if (new Set(grades).size !== grades.length) this.issue(s, name, 'grades', 'duplicate grade');
    const rank = new Map(grades.map((g, i) => [g, i]));
    const kinds = new Set(s.subjects);
    const ids = new Set<string>();
    const rules: CompiledRule[] = [];
    for (const r of s.rules) {
      const rn = `${name}.rules[${r.id}]`;
      if (ids.has(r.id)) this.issue(s, rn, undefined, `duplicate rule id '${r.id}'`);
      ids.add(r.id);
      const rt = this.recordTypes.get(r.on);
      if (!rt) {
        this.issue(s, rn, 'on', `unknown record type '${r.on}'`);
        continue;
      }
      if (!rt.doc.subjects.some((k) => kinds.has(k))) {
        this.issue(s, rn, 'on', `'${r.on}' concerns ${rt.doc.subjects.join(', ')}, none of which this scheme scores`);
      }
      const scope = { record: rt.schema };
      const when = this.expr(s, rn, 'when', r.when, scope, r.on, 'bool');
      const points = this.expr(s, rn, 'points', r.points, scope, r.on, 'number');
      if (r.points === undefined && r.capGrade === undefined) this.issue(s, rn, undefined, 'needs points or capGrade');
      if (r.capGrade !== undefined && !rank.has(r.capGrade)) this.issue(s, rn, 'capGrade', `unknown grade '${r.capGrade}'`);
      const countsFor = this.duration(s, rn, 'countsFor', r.countsFor);
      const exit = this.exitOf(s, rn, r.exit, r.on, kinds);
      const adverse = r.capGrade !== undefined || (r.points !== undefined && !(typeof points === 'number' && points > 0));
      if (adverse && !countsFor && !exit) {
        this.issue(s, rn, undefined, 'a rule that deducts or caps must end: give countsFor (a finite period) or an exit on a remedy record type');
      }
      rules.push({
        id: r.id,
        scheme: s.code,
        on: r.on,
        when: typeof when === 'function' ? when : null,
        points: r.points === undefined ? null : points,
        capGrade: r.capGrade ?? null,
        countsFor,
        exit,
        legalBasis: this.basisEn(r.legalBasis),
      });
    }
    return { doc: s, code: s.code, subjects: kinds, rules, grades, rank };
  }

  private gradeCond(item: object, name: string, g: { scheme: string; in: string[] }, schemes: CompiledScheme[]) {
    const s = schemes.find((x) => x.code === g.scheme);
    if (!s) {
      this.issue(item, name, 'grade.scheme', `unknown scheme '${g.scheme}'`);
      return null;
    }
    for (const gr of g.in) if (!s.rank.has(gr)) this.issue(item, name, 'grade.in', `scheme '${g.scheme}' has no grade '${gr}'`);
    return { scheme: g.scheme, in: new Set(g.in) };
  }

  private lists(docs: ListDoc[], schemes: CompiledScheme[]): CompiledList[] {
    const codes = new Set(docs.map((l) => l.code));
    const out: CompiledList[] = [];
    for (const l of docs) {
      const name = `lists[${l.code}]`;
      if (l.effect === 'after-notice' && !l.noticePeriod) this.issue(l, name, 'noticePeriod', "an 'after-notice' list needs a noticePeriod");
      const noticePeriod = this.duration(l, name, 'noticePeriod', l.noticePeriod);
      const kinds = new Set(l.subjects);
      const entryRules: CompiledEntryRule[] = [];
      const ids = new Set<string>();
      for (const e of l.entries) {
        const en = `${name}.entries[${e.id}]`;
        if (ids.has(e.id)) this.issue(l, en, undefined, `duplicate entry id '${e.id}'`);
        ids.add(e.id);
        const triggers = (e.on ? 1 : 0) + (e.grade ? 1 : 0) + (e.escalatedFrom ? 1 : 0);
        if (triggers !== 1) {
          this.issue(l, en, undefined, 'needs exactly one trigger: on (a record type), grade, or escalatedFrom');
          continue;
        }
        const duration = this.duration(l, en, 'duration', e.duration);
        const base: CompiledEntryRule = {
          id: e.id,
          list: l.code,
          legalBasis: this.basisEn(e.legalBasis ?? l.legalBasis),
          kind: e.on ? 'record' : e.grade ? 'grade' : 'escalation',
          on: e.on ?? null,
          when: null,
          duration,
          exit: null,
          extension: null,
          grade: null,
          escalatedFrom: null,
        };
        if (e.on) {
          const rt = this.recordTypes.get(e.on);
          if (!rt) {
            this.issue(l, en, 'on', `unknown record type '${e.on}'`);
            continue;
          }
          if (!rt.doc.subjects.some((k) => kinds.has(k))) this.issue(l, en, 'on', `'${e.on}' concerns none of this list's subject kinds`);
          const when = this.expr(l, en, 'when', e.when, { record: rt.schema }, e.on, 'bool');
          base.when = typeof when === 'function' ? when : null;
          base.exit = this.exitOf(l, en, e.exit, e.on, kinds);
          if (e.extension) {
            const x = e.extension;
            const xt = this.recordTypes.get(x.on);
            if (!xt) this.issue(l, en, 'extension.on', `unknown record type '${x.on}'`);
            const scope = { record: rt.schema, later: xt?.schema ?? {} };
            const xwhen = this.expr(l, en, 'extension.when', x.when, scope, `${e.on}|${x.on}`, 'bool');
            const years = this.expr(l, en, 'extension.years', x.years, scope, `${e.on}|${x.on}`, 'number');
            const max = this.duration(l, en, 'extension.max', x.max);
            if (!duration) this.issue(l, en, 'extension', 'only an entry with a duration can be extended');
            if (xt && years !== null && max) base.extension = { on: x.on, when: typeof xwhen === 'function' ? xwhen : null, years, max };
          }
          if (l.color === 'black' && !duration && !base.exit) {
            this.issue(l, en, undefined, 'a black-list entry must end: give a duration, or an exit on a remedy record type');
          }
        } else if (e.grade) {
          base.grade = this.gradeCond(l, en, e.grade, schemes);
          const s = schemes.find((x) => x.code === e.grade?.scheme);
          // Every subject starts at the base grade: a black list on it would hold everyone, for ever.
          if (l.color === 'black' && s && base.grade?.in.has(baseGrade(s))) {
            this.issue(l, en, 'grade.in', `includes '${baseGrade(s)}', the grade of the base score: a black list must not hold subjects with no adverse record`);
          }
          if (s && ![...s.subjects].some((k) => kinds.has(k))) this.issue(l, en, 'grade.scheme', 'the scheme scores none of this list\'s subject kinds');
        } else if (e.escalatedFrom) {
          const after = this.duration(l, en, 'escalatedFrom.after', e.escalatedFrom.after);
          if (!codes.has(e.escalatedFrom.list)) this.issue(l, en, 'escalatedFrom.list', `unknown list '${e.escalatedFrom.list}'`);
          if (e.escalatedFrom.list === l.code) this.issue(l, en, 'escalatedFrom.list', 'a list cannot escalate into itself');
          if (!duration) this.issue(l, en, 'duration', 'an escalation entry needs a duration');
          if (after) base.escalatedFrom = { list: e.escalatedFrom.list, after };
        }
        entryRules.push(base);
      }
      // A list may hold a person for conduct before 18 only if it cites an article that applies to minors.
      const minors = [l.legalBasis, ...l.entries.map((e) => e.legalBasis ?? [])].some((c) => citedArticles(c, this.laws).some((a) => a.minors === true));
      out.push({ doc: l, code: l.code, basis: this.basis(l.legalBasis), index: 0, subjects: kinds, noticePeriod, entryRules, minors });
    }
    // Escalation sources must be evaluated before their targets.
    const ordered: CompiledList[] = [];
    const byCode = new Map(out.map((l) => [l.code, l]));
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (l: CompiledList) => {
      if (state.get(l.code) === 'done') return;
      if (state.get(l.code) === 'visiting') {
        this.issue(l.doc, `lists[${l.code}]`, 'entries', 'escalation cycle');
        return;
      }
      state.set(l.code, 'visiting');
      for (const e of l.entryRules) if (e.escalatedFrom) { const src = byCode.get(e.escalatedFrom.list); if (src) visit(src); }
      state.set(l.code, 'done');
      ordered.push(l);
    };
    out.forEach(visit);
    ordered.forEach((l, i) => (l.index = i));
    return ordered;
  }
}

/**
 * Red and black exclude each other, and a reward must be earned (Guobanfa [2019] No. 35): a red
 * list on a grade needs a grade strictly above the base grade, the one every subject has before
 * any record. Refuses a grade-based red-list entry whose grades include its scheme's base grade.
 */
function redListsOnBaseGrade(lists: CompiledList[], schemes: CompiledScheme[]): { list: CompiledList; item: string; message: string }[] {
  const out: { list: CompiledList; item: string; message: string }[] = [];
  for (const l of lists) {
    if (l.doc.color !== 'red') continue;
    for (const e of l.entryRules) {
      const s = e.grade ? schemes.find((x) => x.code === e.grade?.scheme) : undefined;
      if (!s || !e.grade?.in.has(baseGrade(s))) continue;
      out.push({
        list: l,
        item: `lists[${l.code}].entries[${e.id}]`,
        message: `includes '${baseGrade(s)}', the grade of the base score of '${s.code}' (${s.doc.base}), which every subject has before any record: a red list must be earned, by a positive record or a grade above the base`,
      });
    }
  }
  return out;
}

/** The grade of a scheme's base score (before any record). */
function baseGrade(s: CompiledScheme): string {
  let score = s.doc.base;
  if (s.doc.min !== undefined && score < s.doc.min) score = s.doc.min;
  if (s.doc.max !== undefined && score > s.doc.max) score = s.doc.max;
  const i = s.doc.grades.findIndex((g) => g.min === undefined || score >= g.min);
  return s.grades[i < 0 ? s.grades.length - 1 : i];
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const a = m.get(k);
  if (a) a.push(v);
  else m.set(k, [v]);
}

/** SHA-256 of the canonical JSON (RFC 8785) of a catalog document. */
export function catalogHash(doc: CatalogDoc): string {
  return createHash('sha256').update(canonicalize(doc) ?? '').digest('hex');
}
