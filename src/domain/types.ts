/**
 * Core vocabulary shared by every part of xinyong. Names follow the glossary in DESIGN.md §3.
 *
 * Instants are epoch milliseconds (UTC) everywhere inside the engine: they compare and sort
 * cheaply, and they map one-to-one onto a BIGINT column in PostgreSQL. ISO-8601 strings appear
 * only at the edges (CLI, files, HTTP).
 */

/** Epoch milliseconds, UTC. */
export type Instant = number;

export const SUBJECT_KINDS = ['person', 'enterprise', 'institution', 'government'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];
/** The kinds that are organisations: everything but persons. */
export const ORG_KINDS: readonly SubjectKind[] = ['enterprise', 'institution', 'government'];

export const AREAS = ['government', 'commercial', 'societal', 'judicial'] as const;
/** The four areas of "sincerity" of the 2014 Planning Outline; every record type has one. */
export type Area = (typeof AREAS)[number];

/** The only relations that may link subjects (DEVELOPERS.md, line 2). */
export const LEGAL_ROLES = ['legal-representative', 'actual-controller', 'principal'] as const;
export type LegalRole = (typeof LEGAL_ROLES)[number];

export const RECORD_STATUSES = ['active', 'disputed', 'corrected', 'revoked', 'repaired', 'expired'] as const;
export type RecordStatus = (typeof RECORD_STATUSES)[number];

/** Statuses under which a record still counts towards scores and lists. */
export const COUNTING_STATUSES: ReadonlySet<RecordStatus> = new Set(['active', 'disputed']);

export const ENTRY_STATUSES = ['pending', 'active', 'suspended', 'exited', 'expired', 'escalated'] as const;
export type EntryStatus = (typeof ENTRY_STATUSES)[number];

export const MEASURE_EFFECTS = ['deny', 'review', 'limit', 'reward', 'priority'] as const;
export type MeasureEffect = (typeof MEASURE_EFFECTS)[number];

export type Decision = 'allow' | 'deny' | 'review';

/** Text a user sees, in both languages (DEVELOPERS.md, line 8); each door shows the reader's. */
export interface LocalText {
  'zh-CN': string;
  en: string;
}
export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** Whether a value is a `LocalText` (an object with exactly the two languages). */
export function isLocalText(v: unknown): v is LocalText {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const k = Object.keys(v);
  return k.length === 2 && typeof (v as LocalText).en === 'string' && typeof (v as LocalText)['zh-CN'] === 'string';
}

/**
 * Replaces every `LocalText` in a value (at any depth) with the text of one language: what a door
 * does just before it shows a result. Returns a new value; plain data passes unchanged.
 */
export function localize<T>(v: T, lang: Lang): Localized<T> {
  if (isLocalText(v)) return v[lang] as Localized<T>;
  if (Array.isArray(v)) return v.map((x) => localize(x, lang)) as Localized<T>;
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = localize(x, lang);
    return out as Localized<T>;
  }
  return v as Localized<T>;
}

/** A type with every `LocalText` in it shown as a string. */
export type Localized<T> = T extends LocalText
  ? string
  : T extends readonly (infer U)[]
    ? Localized<U>[]
    : T extends Map<unknown, unknown> | Set<unknown> | ((...a: never[]) => unknown)
      ? T
      : T extends object
        ? { [K in keyof T]: Localized<T[K]> }
        : T;

/** An identifier as `scheme:value`, e.g. `cn-rid:110101199003074514`. Never stored in clear for persons. */
export interface IdentifierRef {
  scheme: string;
  value: string;
}

/** A subject's identifier as the store keeps it: keyed hash, masked form, and optionally the encrypted value. */
export interface StoredIdentifier {
  scheme: string;
  /** HMAC-SHA256 of `scheme:value`, hex. The lookup key. */
  hash: string;
  /** Display form, e.g. `110101********4514`. */
  masked: string;
  /** AES-256-GCM ciphertext of the value (`v1.<iv>.<tag>.<ciphertext>`, base64url parts), for reviewers only. */
  encrypted?: string;
}

export interface Relation {
  /** The organisation. */
  subjectId: string;
  role: LegalRole;
  /** The person who holds the role. */
  personId: string;
  /** When the role began to be known to hold (transaction time of its registration). */
  since?: Instant;
  /** When it ended (a later registration no longer listed it); absent while it holds. */
  until?: Instant;
}

export interface Subject {
  /** Opaque internal id, `s_…`. */
  id: string;
  kind: SubjectKind;
  name: string;
  /** GB/T 2260 administrative division code (six digits). */
  region: string;
  identifiers: StoredIdentifier[];
  createdAt: Instant;
}

/** One status change of a record: records are never updated in place. */
export interface StatusChange {
  status: RecordStatus;
  at: Instant;
  actor: string;
  reason: string;
}

/** One fact about one subject from one source. */
export interface CreditRecord {
  /** `r_…`, derived from (source, externalId). */
  id: string;
  source: string;
  externalId: string;
  type: string;
  /** The record type's area, kept with the record so statistics need no catalog. */
  area: Area;
  subjectId: string;
  /** Valid time: when the conduct happened. */
  occurredAt: Instant;
  /** Transaction time: when xinyong learnt of it. */
  recordedAt: Instant;
  facts: Record<string, unknown>;
  /** The catalog version the record was validated and scored under. */
  catalogVersion: string;
  /** Status history, oldest first; the first entry is `active` at `recordedAt`. */
  statuses: StatusChange[];
}

/** One contribution to a scheme's score: which record, which rule, how much, why, and until when. */
export interface BreakdownEntry {
  recordId: string;
  recordType: string;
  ruleId: string;
  points: number;
  /** Grade cap imposed by the rule, if any. */
  capGrade?: string;
  legalBasis: string;
  from: Instant;
  /** When the contribution stops counting; `null` only if it ends on an exit condition not yet met. */
  until: Instant | null;
  /** Set when the record is under objection. */
  disputed?: boolean;
}

export interface SchemeResult {
  scheme: string;
  score: number;
  grade: string;
  base: number;
  /** The cap that bound the grade, if one did. */
  cappedBy?: { ruleId: string; recordId: string; grade: string };
  breakdown: BreakdownEntry[];
}

/** Why a subject is on a list: the record and the entry rule that put it there. */
export interface EntryReason {
  recordId?: string;
  recordType?: string;
  ruleId: string;
  legalBasis: string;
  /** For grade-based entries: the scheme and grade. */
  grade?: { scheme: string; grade: string };
  /** For escalations: the entry it came from. */
  escalatedFrom?: string;
  disputed?: boolean;
}

export interface ListEntry {
  /** Deterministic id: `e_…` from list, subject, rule and first record. */
  id: string;
  list: string;
  subjectId: string;
  status: EntryStatus;
  /** When the entry takes effect (for `after-notice` lists, after the notice period). */
  since: Instant;
  /** When the decision that started it was made (equals `since` for `on-decision` lists). */
  decidedAt: Instant;
  /** When it ends; `null` while it lasts until an exit condition is met. */
  until: Instant | null;
  /** Set when the entry has ended: exit, expiry or escalation. */
  endedAt?: Instant;
  endReason?: string;
  reasons: EntryReason[];
  /** For entries that reach a person through a legal role in an organisation. */
  via?: { subjectId: string; role: LegalRole };
  catalogVersion: string;
}

/** Everything derived for one subject, as of one instant, under one catalog version. */
export interface SubjectState {
  subjectId: string;
  asOf: Instant;
  catalogVersion: string;
  schemes: SchemeResult[];
  entries: ListEntry[];
  /** The next instant at which this state changes by the passage of time alone (`null`: never). */
  nextChangeAt: Instant | null;
}

/** What a check answers. */
export interface CheckResult {
  decision: Decision;
  known: boolean;
  subjectId?: string;
  action: string;
  at: Instant;
  measures: AppliedMeasure[];
}

export interface AppliedMeasure {
  measure: string;
  effect: MeasureEffect;
  list?: string;
  entryId?: string;
  since?: Instant;
  until?: Instant | null;
  authority: LocalText;
  legalBasis: LocalText;
  appeal?: LocalText;
  reasons: EntryReason[];
  via?: { subjectId: string; role: LegalRole };
  params?: Record<string, unknown>;
}

/** A value-or-error result for expected failures in the core (exceptions are for bugs and I/O). */
export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
