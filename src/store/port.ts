/**
 * The Store port: everything the shell persists, behind one async interface so that the embedded
 * SQLite adapter and a PostgreSQL adapter are interchangeable. The contract suite in
 * `store-contract.ts` runs against every adapter.
 *
 * Atomicity is per method: each write method is one transaction, including its audit entry, so
 * an audit entry exists exactly when the write it describes does.
 */
import type { AuditEntry, AuditEntryInput } from '../audit/index.js';
import type { CatalogDoc } from '../catalog/types.js';
import type { CreditRecord, Instant, ListEntry, Relation, StatusChange, Subject, SubjectKind, SubjectState } from '../domain/types.js';

export interface CatalogVersionRow {
  catalogId: string;
  version: string;
  status: 'draft' | 'published';
  hash: string;
  doc: CatalogDoc;
  createdAt: Instant;
  publishedAt: Instant | null;
}

/** What scoring needs to know of a subject. */
export type SubjectBasic = Pick<Subject, 'id' | 'kind' | 'createdAt'>;

export interface IngestBatch {
  /**
   * Inserted when new; an existing subject keeps its id and gains a name or region it lacked. A
   * subject without a name (known only from a record) is stored only if a record or a role of
   * this batch that is stored refers to it: a rejected line leaves nothing behind.
   */
  subjects: Subject[];
  relations: Relation[];
  /**
   * Organisations whose registration listed their legal roles in full: any current role of
   * theirs not in `relations` ends now (which unbinds the person from here on).
   */
  replaceRelationsOf?: string[];
  /** Transaction time of the batch: when new roles begin and replaced ones end (default: the clock). */
  at?: Instant;
  /** Inserted unless (source, externalId) exists already: that is what makes ingestion idempotent. */
  records: CreditRecord[];
  /** Built after the insert, so it can say what was actually stored. Written in the same transaction. */
  audit: (result: { inserted: CreditRecord[]; duplicates: number; subjects: number }) => AuditEntryInput | null;
  /** Notices about what was stored (a record added), written in the same transaction. */
  notices?: (inserted: CreditRecord[]) => NoticeRow[];
}

export interface IngestResult {
  inserted: CreditRecord[];
  duplicates: number;
  /**
   * Positions in `records` of duplicates whose content differs from the stored record (a source
   * changing history). They are not counted in `duplicates`.
   */
  conflicts: number[];
  /** Subjects that were created, re-registered with new details, or gained a legal role. */
  changedSubjects: string[];
}

export interface SaveStates {
  states: SubjectState[];
  /** Entries that bind persons through an organisation, replacing all earlier ones owned by `ownerId`. */
  related: { ownerId: string; entries: ListEntry[] }[];
  /**
   * Subjects whose pending rescore this save completes. With a `mark` (from `dirtyMarks`, read
   * before their records were), a subject marked again since then stays dirty.
   */
  clearDirty: { id: string; mark?: number }[];
  /** Notices the change owes its subjects (a listing pending, in effect, ended), written with it. */
  notices?: NoticeRow[];
  /** A hash of each state's content, parallel to `states`, kept so an unchanged state need not be rewritten. */
  hashes?: string[];
  audit: AuditEntryInput | null;
}

export interface StoredState {
  state: SubjectState;
  /** Entries that reach this subject through a legal role in an organisation. */
  related: ListEntry[];
}

export interface StoreSummary {
  subjectsByKind: Record<SubjectKind, number>;
  records: number;
  recordsByArea: Record<string, number>;
  /**
   * Records by the province of their subject: the first two digits of its GB/T 2260 `region`
   * followed by `0000` (`370000`); `unknown` for subjects whose region is not known.
   */
  recordsByProvince: Record<string, number>;
  recordsByType: Record<string, number>;
  /** Subjects with a pending or active entry, by list. */
  listSizes: Record<string, number>;
  /** Per list: subjects listed directly, by kind, and persons bound through a legal role (`via-role`). */
  listBreakdown: Record<string, Record<string, number>>;
  /**
   * Per list, per calendar month (UTC, `YYYY-MM`, ascending): entries that began (`since`) that
   * month and entries that ended (`endedAt`) that month. Only months with one or the other.
   */
  listFlows: Record<string, ListFlow[]>;
  /** Grade distribution per scheme. */
  grades: Record<string, Record<string, number>>;
  auditEntries: number;
}

export interface ListFlow {
  month: string;
  inflow: number;
  outflow: number;
}

export interface EntryQuery {
  list: string;
  statuses?: ListEntry['status'][];
  limit: number;
  /** Keyset pagination: entries with id greater than this. */
  after?: string;
}

/** The roles an API key or a signed-in user can hold (DESIGN §1); `public` needs no credential. */
export const KEY_ROLES = ['source', 'checker', 'reviewer', 'author', 'admin', 'subject'] as const;
export type KeyRole = (typeof KEY_ROLES)[number];

export interface ApiKeyRow {
  /** The public part of the key (`k_…`), also its primary key. */
  id: string;
  name: string;
  role: KeyRole;
  /** Record-type globs for a source, actions for a checker; empty means all the role allows. */
  scopes: string[];
  /** The catalog source a source key sends as. */
  source: string | null;
  /** The subject a subject key belongs to. */
  subjectId: string | null;
  /** SHA-256 (hex) of the secret part. The secret itself is never stored. */
  secretHash: string;
  createdAt: Instant;
  createdBy: string;
  revokedAt: Instant | null;
}

export interface AuditQuery {
  limit: number;
  /** Keyset pagination, newest first: entries with seq below this. */
  before?: number;
  actions?: string[];
  subjectId?: string;
}

/** A due-process case (objection, repair application, commitment), as the process core shapes it. */
export interface CaseRow<Doc = Record<string, unknown>> {
  id: string;
  kind: 'objection' | 'repair' | 'commitment';
  subjectId: string;
  status: string;
  /** When it must be decided by (objections and repairs). */
  deadline: Instant | null;
  createdAt: Instant;
  doc: Doc;
}

export interface CaseQuery {
  kind: CaseRow['kind'];
  statuses?: string[];
  subjectId?: string;
  /** Only cases whose deadline is before this instant (the overdue queue). */
  deadlineBefore?: Instant;
  limit: number;
}

/** A notice in the outbox. */
export interface NoticeRow {
  id: string;
  subjectId: string | null;
  kind: string;
  createdAt: Instant;
  payload: Record<string, unknown>;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  nextAttemptAt: Instant;
  lastError: string | null;
  deliveredAt: Instant | null;
}

/** Thrown by `saveCase` when the case is no longer in the status the step was decided from. */
export class CaseConflictError extends Error {
  constructor(readonly caseId: string, readonly found: string | null) {
    super(found === null ? `case ${caseId} does not exist` : `case ${caseId} is ${found} now`);
  }
}

/** What a case decision changes, written in the case's transaction. */
export interface CaseEffects {
  /**
   * The status the case must still have (null: it must not exist yet); otherwise nothing is
   * written and `CaseConflictError` is thrown. Guards against two decisions racing, across processes.
   */
  expectStatus?: string | null;
  /** Status changes of records (a dispute flag, a revocation, a repair), which mark their subjects dirty. */
  statuses?: { recordId: string; change: StatusChange }[];
  notices?: NoticeRow[];
  audit: AuditEntryInput;
}

export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  /** Applies pending migrations (idempotent). */
  migrate(): Promise<void>;
  close(): Promise<void>;

  getMeta(key: string): Promise<string | null>;
  setMeta(key: string, value: string): Promise<void>;

  saveCatalogVersion(row: CatalogVersionRow, audit: AuditEntryInput): Promise<void>;
  publishCatalogVersion(catalogId: string, version: string, at: Instant, audit: AuditEntryInput): Promise<void>;
  getCatalogVersion(catalogId: string, version: string): Promise<CatalogVersionRow | null>;
  listCatalogVersions(): Promise<Omit<CatalogVersionRow, 'doc'>[]>;
  /** The version in force at `at` (default: now): the one most recently published at or before it. */
  getPublishedCatalog(at?: Instant): Promise<CatalogVersionRow | null>;
  /** Which version is in force at `at` (default: now), without its document: cheap enough to poll. */
  publishedCatalogRef(at?: Instant): Promise<{ catalogId: string; version: string } | null>;

  /** Stores subjects, relations and records atomically, marking affected subjects for rescoring. */
  ingest(batch: IngestBatch): Promise<IngestResult>;
  getSubject(id: string): Promise<Subject | null>;
  /** Resolves an identifier's keyed hash to a subject id. */
  findSubjectByHash(hash: string): Promise<string | null>;
  /** Kind and creation instant of the subjects that exist among `ids`. */
  subjectsBasic(ids: string[]): Promise<Map<string, SubjectBasic>>;
  /** Relations where the organisation is one of `orgIds`: those holding at `at`, or now by default. */
  relationsOfOrgs(orgIds: string[], at?: Instant): Promise<Relation[]>;
  /** Relations where the person is one of `personIds`: those holding at `at`, or now by default. */
  relationsOfPersons(personIds: string[], at?: Instant): Promise<Relation[]>;
  getRecord(id: string): Promise<CreditRecord | null>;
  /** All records of each subject, with their status histories. */
  recordsOf(subjectIds: string[]): Promise<Map<string, CreditRecord[]>>;
  /** Appends a status change (records are never updated in place). */
  addRecordStatus(recordId: string, change: StatusChange, audit: AuditEntryInput): Promise<void>;

  /** Subjects marked for rescoring, oldest first. */
  dirtySubjects(limit: number): Promise<string[]>;
  markDirty(subjectIds: string[]): Promise<void>;
  /** The current dirty marks of these subjects (those not dirty are absent). */
  dirtyMarks(subjectIds: string[]): Promise<Map<string, number>>;
  /** Subjects whose stored state changes by the passage of time at or before `now` (escalation, expiry, …). */
  dueSubjects(now: Instant, limit: number): Promise<string[]>;
  saveStates(save: SaveStates): Promise<void>;
  getState(subjectId: string): Promise<StoredState | null>;
  /** Pending and active entries of these subjects, own and related. */
  enforceableEntries(subjectIds: string[]): Promise<ListEntry[]>;
  listEntries(q: EntryQuery): Promise<ListEntry[]>;

  /** Subjects in id order, in pages, with the hash of their stored state (for rescore and gate rebuilds). */
  scanSubjects(pageSize: number): AsyncIterable<(SubjectBasic & { stateHash: string | null })[]>;
  /** All records (with status histories) of the subjects whose ids lie in [firstId, lastId]. */
  recordsBetween(firstId: string, lastId: string): Promise<Map<string, CreditRecord[]>>;
  /** Every pending or active entry (gate rebuild). */
  scanEnforceableEntries(): AsyncIterable<ListEntry>;
  /** Grades of every scored subject (gate rebuild). */
  scanGrades(): AsyncIterable<{ subjectId: string; grades: Record<string, string> }>;

  /**
   * Appends to the hash chain in one transaction. A `check.decided` entry whose data carries a
   * `receipt` is indexed by it.
   */
  appendAudit(entries: AuditEntryInput[]): Promise<AuditEntry[]>;
  /** The audit entry holding the check decided under `receipt`. */
  findReceipt(receipt: string): Promise<AuditEntry | null>;
  /**
   * Audit entries, newest first, optionally of some actions or about one subject (an entry is
   * about a subject when its `subjectId` is that subject, or when it is the first entry that day
   * by its actor, under its `subjectsKey`, whose `subjects` name that subject).
   */
  auditPage(q: AuditQuery): Promise<AuditEntry[]>;

  /**
   * The change feed: the subjects whose stored state was saved after `afterSeq`, oldest first,
   * with the feed position reached and the first position returned (above `afterSeq + 1` when rows
   * were pruned: the reader missed changes and must rebuild). Every `saveStates` adds to it.
   */
  stateChangesSince(afterSeq: number, limit: number): Promise<{ seq: number; subjectIds: string[]; firstSeq: number | null }>;
  /**
   * Optional: calls `onChange` soon after any process commits a `saveStates` (PostgreSQL: LISTEN
   * on the channel `saveStates` notifies). A reader then follows the feed at once instead of at
   * its next poll. Returns a function that stops watching.
   */
  watchStateChanges?(onChange: () => void, onError?: (err: Error) => void): Promise<() => Promise<void>>;
  /**
   * Runs `fn` unless another process on the same database is running work of the same `name`;
   * then returns `{ ran: false }` at once, without waiting. For periodic work that every server
   * would otherwise repeat (applying what falls due). A store that one process owns need not
   * implement it: callers then simply run `fn`.
   */
  runExclusive?<T>(name: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>;
  /** The feed position now (0 when empty). */
  stateChangeHead(): Promise<number>;
  /** Drops feed rows older than `before` (readers that far behind rebuild instead). */
  pruneStateChanges(before: Instant): Promise<number>;
  scanAudit(fromSeq?: number): AsyncIterable<AuditEntry>;
  auditHead(): Promise<{ seq: number; hash: string } | null>;

  summary(): Promise<StoreSummary>;

  /** Subjects of `kinds` whose name contains `name` (case-insensitive for Latin letters), by name. */
  searchSubjects(q: { name: string; kinds: SubjectKind[]; limit: number }): Promise<Subject[]>;

  /** Inserts or replaces a case, with its effects, in one transaction. */
  saveCase(c: CaseRow, effects: CaseEffects): Promise<void>;
  getCase(id: string): Promise<CaseRow | null>;
  /** Cases by kind, oldest deadline first (then oldest first). */
  listCases(q: CaseQuery): Promise<CaseRow[]>;
  /** How many cases `listCases` would find without a limit. */
  countCases(q: Omit<CaseQuery, 'limit'>): Promise<number>;

  /** Adds notices to the outbox (derivations add theirs through this too). */
  addNotices(notices: NoticeRow[]): Promise<void>;
  /** Pending notices due at `now`, oldest first. */
  dueNotices(now: Instant, limit: number): Promise<NoticeRow[]>;
  /** Records a delivery attempt's outcome. */
  updateNotice(id: string, patch: Pick<NoticeRow, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'deliveredAt'>): Promise<void>;
  /** Notices of one subject (newest first), or of every subject with `subjectId` null. */
  listNotices(q: { subjectId?: string; status?: NoticeRow['status']; limit: number }): Promise<NoticeRow[]>;

  createApiKey(row: ApiKeyRow, audit: AuditEntryInput): Promise<void>;
  getApiKey(id: string): Promise<ApiKeyRow | null>;
  listApiKeys(): Promise<ApiKeyRow[]>;
  /** Revokes a key; false when there is no such key or it was revoked already. */
  revokeApiKey(id: string, at: Instant, audit: AuditEntryInput): Promise<boolean>;
}
