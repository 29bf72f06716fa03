/**
 * Catalog types: the document as authors write it (`CatalogDoc`), and the compiled form the
 * engine runs (`Catalog`). docs/catalog.md is the reference for every field.
 */
import type { ErrorObject } from 'ajv';
import type { Duration } from '../domain/time.js';
import type { Area, Decision, Lang, LegalRole, LocalText, MeasureEffect, SubjectKind } from '../domain/types.js';

export type { Lang, LocalText } from '../domain/types.js';

/**
 * A citation of the laws register: a law by id, and the article (or articles) relied on. Articles
 * are named as the register names them: `"17"`, `"III.8"`, `"attachment-1"`.
 */
export interface Citation {
  law: string;
  art: string | string[];
}

/** One article of a law in the register. */
export interface ArticleDoc {
  art: string;
  /** How the article is cited in each language, when it is not a numbered article (`附件1`, `attachment 1`). */
  label?: LocalText;
  /** What the article provides, in a line. */
  about?: LocalText;
  /** The article applies to persons under 18 (a list citing it may hold them). */
  minors?: boolean;
  /** The longest publicity or listing period the article allows, when it sets one (ISO-8601). */
  maxPeriod?: string;
}

/** A law, regulation or policy document in the laws register. */
export interface LawDoc {
  id: string;
  title: LocalText;
  issuer: LocalText;
  /** Date of the text relied on (YYYY-MM-DD, or YYYY when only the year is known). */
  date: string;
  /** Known only from secondary reports: say so wherever it is cited. */
  reported?: boolean;
  /** Where it is law (GB/T 2260 code); absent in the national register. */
  jurisdiction?: string;
  articles: ArticleDoc[];
}

/** A category of permitted data (the national category registry). */
export interface CategoryDoc {
  code: string;
  name: LocalText;
}

/** One element of the data dictionary: what a record's fact may be. */
export interface DataElementDoc {
  /** The element's code, which is the fact's name in a record (`caseNo`). */
  code: string;
  name: LocalText;
  description?: LocalText;
  category: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  /** A closed list of values (strings), for `type: string`. */
  enum?: string[];
  /** What each value of `enum` is called, in both languages (a value is a code: people read its name). */
  enumNames?: Record<string, LocalText>;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  legalBasis: Citation[];
}

/** The review a deployment's dictionary extension went through (who, when, with what note). */
export interface ReviewDoc {
  by: string;
  on: string;
  note?: string;
}

/** One measure of the national basic list of dishonesty punishment measures. */
export interface NationalMeasureDoc {
  code: string;
  name: LocalText;
  /** Imposed by law or State Council decision; a management measure of public bodies; or a market measure. */
  group: 'law' | 'management' | 'market';
  /** The effects a catalog measure under it may have. */
  effects: MeasureEffect[];
  legalBasis: Citation[];
}

/** An action domain, by code prefix, on which no credit measure may act. */
export interface ProtectedActionDoc {
  prefix: string;
  name: LocalText;
  legalBasis: Citation[];
}

/**
 * The national layer (catalogs/national/): the laws register, the category registry, the data
 * dictionary, the national list of measures and the protected action domains. Every catalog loads
 * on top of it and cannot change it.
 */
export interface NationalDoc {
  id: string;
  version: string;
  laws: LawDoc[];
  categories: CategoryDoc[];
  dataElements: DataElementDoc[];
  nationalMeasures: NationalMeasureDoc[];
  protectedActions: ProtectedActionDoc[];
}

export interface SourceDoc {
  code: string;
  name: LocalText;
  recordTypes: string[];
  /** The subject kinds this source may register (with their legal roles), if any. */
  registers?: SubjectKind[];
  legalBasis: Citation[];
}

/**
 * A deployment's own identifier scheme (a staff number, a local licence number): subjects may be
 * named `code:value` only if the catalog registers `code` here. The national schemes (`cn-rid`,
 * `cn-uscc`) need no registration.
 */
export interface IdentifierSchemeDoc {
  code: string;
  name: LocalText;
  subjects: SubjectKind[];
  legalBasis: Citation[];
}

export interface ActionDoc {
  code: string;
  name: LocalText;
  unknownSubject?: Decision;
}

export interface PublicityDoc {
  when?: string;
  min: string;
  max: string;
}

/** Whether a record must carry a fact. */
export type FactUse = 'required' | 'optional';

export interface RecordTypeDoc {
  code: string;
  name: LocalText;
  area: Area;
  subjects: SubjectKind[];
  category: string;
  polarity: 'negative' | 'positive' | 'neutral';
  remedy?: boolean;
  retention: string;
  publicity?: PublicityDoc[];
  public?: boolean;
  legalBasis: Citation[];
  /** The facts a record carries: data-element codes from the dictionary, each required or optional. */
  facts: Record<string, FactUse>;
}

export interface ExitDoc {
  on: string;
  when?: string;
}

export interface RuleDoc {
  id: string;
  on: string;
  when?: string;
  points?: string | number;
  capGrade?: string;
  countsFor?: string;
  exit?: ExitDoc;
  legalBasis: Citation[];
}

export interface GradeBandDoc {
  grade: string;
  min?: number;
}

export interface SchemeDoc {
  code: string;
  name: LocalText;
  subjects: SubjectKind[];
  base: number;
  min?: number;
  max?: number;
  grades: GradeBandDoc[];
  legalBasis: Citation[];
  rules: RuleDoc[];
}

export interface GradeCondDoc {
  scheme: string;
  in: string[];
}

export interface ExtensionDoc {
  on: string;
  when?: string;
  years: string | number;
  max: string;
}

export interface EntryRuleDoc {
  id: string;
  legalBasis?: Citation[];
  on?: string;
  when?: string;
  duration?: string;
  exit?: ExitDoc;
  extension?: ExtensionDoc;
  grade?: GradeCondDoc;
  escalatedFrom?: { list: string; after: string };
}

export interface ListDoc {
  code: string;
  name: LocalText;
  color: 'black' | 'red';
  subjects: SubjectKind[];
  authority: LocalText;
  legalBasis: Citation[];
  effect: 'on-decision' | 'after-notice';
  noticePeriod?: string;
  extendsTo?: LegalRole[];
  public?: boolean;
  /**
   * What an objection to the record behind an entry does while it is pending: `flags` (default)
   * keeps the entry in force, marked disputed; `suspends` suspends it until the objection is decided.
   */
  objection?: 'flags' | 'suspends';
  entries: EntryRuleDoc[];
}

export interface MeasureDoc {
  code: string;
  name: LocalText;
  list?: string;
  grade?: GradeCondDoc;
  action: string;
  effect: MeasureEffect;
  /** The measure of the national basic list this one applies (required for deny, limit and review). */
  national?: string;
  authority: LocalText;
  legalBasis: Citation[];
  appeal?: LocalText;
  params?: Record<string, unknown>;
}

/** The merged catalog document, as stored with each catalog version. */
/** Due-process periods, in working days (defaults: 3, 7 and 3). */
export interface DueProcessDoc {
  objectionDays?: number;
  objectionDaysExtended?: number;
  repairDays?: number;
  legalBasis: Citation[];
}

export interface CatalogDoc {
  id: string;
  version: string;
  title?: LocalText;
  description?: LocalText;
  /** `national`, or a province, prefecture or county by its GB/T 2260 code. */
  jurisdiction: string;
  dueProcess?: DueProcessDoc;
  /** The deployment's own laws (local regulations, municipal standards), on top of the national register. */
  laws?: LawDoc[];
  /** The deployment's reviewed extension of the data dictionary, with its review. */
  dataElements?: DataElementDoc[];
  dataElementsReview?: ReviewDoc;
  /** The national layer the catalog was loaded on, as it was then (so a stored version explains itself). */
  national: NationalDoc;
  /** A deployment's own identifier schemes (absent when it has none). */
  identifierSchemes?: IdentifierSchemeDoc[];
  sources: SourceDoc[];
  actions: ActionDoc[];
  recordTypes: RecordTypeDoc[];
  schemes: SchemeDoc[];
  lists: ListDoc[];
  measures: MeasureDoc[];
}

export const CATALOG_SECTIONS = ['laws', 'dataElements', 'identifierSchemes', 'sources', 'actions', 'recordTypes', 'schemes', 'lists', 'measures'] as const;
export type CatalogSection = (typeof CATALOG_SECTIONS)[number];

/** One problem found while loading a catalog: where (file, item, field) and why. */
export interface CatalogIssue {
  file: string;
  /** e.g. `recordTypes[court.dishonest-debtor-decision]` or `schemes[civic-points].rules[loan-arrears]`. */
  item: string;
  field?: string;
  message: string;
  /**
   * What is wrong, as a stable name a client can say in its reader's language (the message is
   * English): for a shape problem the JSON Schema keyword broken (`required`, `minLength`…) or
   * `noBasis`, `duration`; `params` holds what the message quotes (`field`, `limit`, `value`).
   */
  rule?: string;
  params?: Record<string, string | number>;
}

/** One issue as text; a multi-line message (a CEL excerpt with its caret) continues indented. */
export function formatIssue(i: CatalogIssue): string {
  return `${i.file}: ${i.item}${i.field ? `.${i.field}` : ''}: ${i.message}`.replace(/\n/g, '\n      ');
}

// ---------------------------------------------------------------------------------------------
// Compiled form

/** A compiled CEL expression: evaluates against a context of plain objects (facts typed for CEL). */
export type CelFn = (ctx: CelContext) => unknown;

/** A record as CEL sees it. Integer facts are BigInt (CEL `int`), numbers are JS numbers (`double`). */
export interface CelRecord {
  type: string;
  source: string;
  facts: Record<string, unknown>;
}

export interface CelContext {
  record: CelRecord;
  later?: CelRecord;
}

/** Validates a record's facts against its type's schema; `errors` describes the last failure. */
export interface FactsValidator {
  (data: unknown): boolean;
  errors: ErrorObject[] | null;
}

export interface CompiledRecordType {
  doc: RecordTypeDoc;
  /** The JSON Schema of its facts, built from the data dictionary. */
  schema: Record<string, unknown>;
  /** Its legal basis as text, in both languages. */
  basis: LocalText;
  retention: Duration;
  validateFacts: FactsValidator;
  /** Converts JSON facts into CEL-typed facts (integers to BigInt). */
  toCel(facts: Record<string, unknown>): Record<string, unknown>;
  publicity: { when: CelFn | null; min: Duration; max: Duration }[];
}

export interface CompiledExit {
  on: string;
  when: CelFn | null;
}

export interface CompiledRule {
  id: string;
  scheme: string;
  on: string;
  when: CelFn | null;
  /** Constant points are folded at load; `null` means a rule that only caps. */
  points: number | CelFn | null;
  capGrade: string | null;
  countsFor: Duration | null;
  exit: CompiledExit | null;
  legalBasis: string;
}

export interface CompiledScheme {
  doc: SchemeDoc;
  code: string;
  subjects: ReadonlySet<SubjectKind>;
  rules: CompiledRule[];
  /** Grades best first; index = rank (0 best). */
  grades: string[];
  rank: Map<string, number>;
}

export interface CompiledEntryRule {
  id: string;
  list: string;
  legalBasis: string;
  kind: 'record' | 'grade' | 'escalation';
  on: string | null;
  when: CelFn | null;
  duration: Duration | null;
  exit: CompiledExit | null;
  extension: { on: string; when: CelFn | null; years: number | CelFn; max: Duration } | null;
  grade: { scheme: string; in: ReadonlySet<string> } | null;
  escalatedFrom: { list: string; after: Duration } | null;
}

export interface CompiledList {
  doc: ListDoc;
  code: string;
  basis: LocalText;
  /** Position in `Catalog.lists`; the gate uses it as a compact key. */
  index: number;
  subjects: ReadonlySet<SubjectKind>;
  noticePeriod: Duration | null;
  entryRules: CompiledEntryRule[];
  /**
   * Whether the list may hold a person for conduct before their 18th birthday: only when its legal
   * basis cites an article that applies to minors (issue 15, item 6). Otherwise such conduct is
   * neither scored by a person scheme nor listed.
   */
  minors: boolean;
}

export interface CompiledMeasure {
  doc: MeasureDoc;
  code: string;
  basis: LocalText;
  action: string;
  effect: MeasureEffect;
  list: string | null;
  grade: { scheme: string; in: ReadonlySet<string> } | null;
}

/** A loaded, validated, compiled catalog version. Immutable once built. */
export interface Catalog {
  id: string;
  version: string;
  /** Due-process periods in working days, with the defaults filled in. */
  dueProcess: { objectionDays: number; objectionDaysExtended: number; repairDays: number };
  /** SHA-256 of the canonical JSON of `doc`: two loads of the same policy have the same hash. */
  hash: string;
  doc: CatalogDoc;
  /** `national`, or the GB/T 2260 code of the province, prefecture or county the catalog is law in. */
  jurisdiction: string;
  /** The laws register: the national layer's and the catalog's own. */
  laws: ReadonlyMap<string, LawDoc>;
  /** The data dictionary: the national layer's elements and the catalog's reviewed extension. */
  dataElements: ReadonlyMap<string, DataElementDoc>;
  /** A legal basis as text, in either language. */
  basisText(cites: readonly Citation[], lang?: Lang): string;
  /** Every identifier scheme a subject may be named by: the national ones and the catalog's own. */
  identifierSchemes: ReadonlySet<string>;
  sources: Map<string, SourceDoc & { allows(type: string): boolean }>;
  actions: Map<string, ActionDoc>;
  recordTypes: Map<string, CompiledRecordType>;
  schemes: CompiledScheme[];
  /** Rules by the record type they apply to. */
  rulesByType: Map<string, CompiledRule[]>;
  /** Lists in evaluation order (escalation sources before targets). */
  lists: CompiledList[];
  listsByCode: Map<string, CompiledList>;
  /** Record-based entry rules by record type. */
  entryRulesByType: Map<string, CompiledEntryRule[]>;
  measures: CompiledMeasure[];
  measuresByAction: Map<string, CompiledMeasure[]>;
}
