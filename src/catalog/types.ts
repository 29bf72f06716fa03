/**
 * Catalog types: the document as authors write it (`CatalogDoc`), and the compiled form the
 * engine runs (`Catalog`). docs/catalog.md is the reference for every field.
 */
import type { ErrorObject } from 'ajv';
import type { Duration } from '../domain/time.js';
import type { Area, Decision, LegalRole, MeasureEffect, SubjectKind } from '../domain/types.js';

export interface SourceDoc {
  code: string;
  name: string;
  recordTypes: string[];
  /** The subject kinds this source may register (with their legal roles), if any. */
  registers?: SubjectKind[];
  legalBasis: string;
}

/**
 * A deployment's own identifier scheme (a staff number, a local licence number): subjects may be
 * named `code:value` only if the catalog registers `code` here. The national schemes (`cn-rid`,
 * `cn-uscc`) need no registration.
 */
export interface IdentifierSchemeDoc {
  code: string;
  name: string;
  subjects: SubjectKind[];
  legalBasis: string;
}

export interface ActionDoc {
  code: string;
  name: string;
  unknownSubject?: Decision;
}

export interface PublicityDoc {
  when?: string;
  min: string;
  max: string;
}

export interface RecordTypeDoc {
  code: string;
  name: string;
  area: Area;
  subjects: SubjectKind[];
  category: string;
  polarity: 'negative' | 'positive' | 'neutral';
  remedy?: boolean;
  retention: string;
  publicity?: PublicityDoc[];
  public?: boolean;
  legalBasis: string;
  facts: Record<string, unknown>;
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
  legalBasis: string;
}

export interface GradeBandDoc {
  grade: string;
  min?: number;
}

export interface SchemeDoc {
  code: string;
  name: string;
  subjects: SubjectKind[];
  base: number;
  min?: number;
  max?: number;
  grades: GradeBandDoc[];
  legalBasis: string;
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
  legalBasis?: string;
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
  name: string;
  color: 'black' | 'red';
  subjects: SubjectKind[];
  authority: string;
  legalBasis: string;
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
  name: string;
  list?: string;
  grade?: GradeCondDoc;
  action: string;
  effect: MeasureEffect;
  authority: string;
  legalBasis: string;
  appeal?: string;
  params?: Record<string, unknown>;
}

/** The merged catalog document, as stored with each catalog version. */
/** Due-process periods, in working days (defaults: 3, 7 and 3). */
export interface DueProcessDoc {
  objectionDays?: number;
  objectionDaysExtended?: number;
  repairDays?: number;
  legalBasis: string;
}

export interface CatalogDoc {
  id: string;
  version: string;
  title?: string;
  description?: string;
  dueProcess?: DueProcessDoc;
  /** A deployment's own identifier schemes (absent when it has none). */
  identifierSchemes?: IdentifierSchemeDoc[];
  sources: SourceDoc[];
  actions: ActionDoc[];
  recordTypes: RecordTypeDoc[];
  schemes: SchemeDoc[];
  lists: ListDoc[];
  measures: MeasureDoc[];
}

export const CATALOG_SECTIONS = ['identifierSchemes', 'sources', 'actions', 'recordTypes', 'schemes', 'lists', 'measures'] as const;
export type CatalogSection = (typeof CATALOG_SECTIONS)[number];

/** One problem found while loading a catalog: where (file, item, field) and why. */
export interface CatalogIssue {
  file: string;
  /** e.g. `recordTypes[court.dishonest-debtor-decision]` or `schemes[civic-points].rules[loan-arrears]`. */
  item: string;
  field?: string;
  message: string;
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
