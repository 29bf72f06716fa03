/** Subjects, their legal roles (relations) and credit records with their status histories. */
import type { AuditEntryInput } from '../../audit/index.js';
import type { CreditRecord, Instant, Relation, StatusChange, Subject, SubjectKind } from '../../domain/types.js';
import type { NoticeRow } from './cases.js';

/** A page of `latestRecords`. */
export interface LatestRecords {
  types: string[];
  kinds: SubjectKind[];
  occurredFrom: Instant;
  occurredBefore: Instant;
  before?: { occurredAt: Instant; id: string };
  limit: number;
}

/** What scoring needs to know of a subject. */
export type SubjectBasic = Pick<Subject, 'id' | 'kind' | 'createdAt'>;

/** A search by name: subjects of `kinds` by part of their name; with `persons`, persons by their whole name. */
export interface SubjectSearch {
  name: string;
  kinds: SubjectKind[];
  persons?: boolean;
}

export interface IngestBatch {
  /**
   * Inserted when new; an existing subject keeps its id and gains a name or region it lacked. A
   * subject without a name (known only from a record) is stored only if a record or a role of
   * this batch that is stored refers to it: a rejected line leaves nothing behind. An existing
   * subject whose identifier ciphertext was deleted at the end of retention gets it back when a
   * record of this batch about it is stored, or a role of this batch names it.
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

/** A record still held, as deciding whether its retention has ended needs it: no facts. */
export interface RetentionCandidate {
  id: string;
  subjectId: string;
  type: string;
  occurredAt: Instant;
}

/** What `expireRecords` ends, and how it says so. */
export interface ExpireRecords {
  /** Records whose retention has ended; those expired already (by an earlier or concurrent run) are skipped. */
  records: Pick<RetentionCandidate, 'id' | 'subjectId'>[];
  /** The `expired` status change appended to each: when, by whom, why. */
  change: Omit<StatusChange, 'status'>;
  /** The tombstone, built from what was actually expired, written in the same transaction (not at all when nothing was). */
  audit: (done: ExpiredRecords) => AuditEntryInput;
}

export interface ExpiredRecords {
  /** The records expired by this call. */
  records: string[];
  /** Subjects whose identifier ciphertext this call deleted (their keyed hash and masked form stay). */
  identifiersDeleted: string[];
  /** Evidence files of cases about these records, deleted with their facts (absent when none). */
  evidenceDeleted?: string[];
}

export interface RecordsPort {
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
  /**
   * The `cn-rid` ciphertext of each of `personIds` that still has one (retention deletes it once
   * nothing needs it), by subject id: what derivation decrypts, in memory, to tell a minor's
   * conduct from an adult's. Subjects without one are absent.
   */
  ridCiphertexts(personIds: string[]): Promise<Map<string, string>>;
  getRecord(id: string): Promise<CreditRecord | null>;
  /** All records of each subject, with their status histories. */
  recordsOf(subjectIds: string[]): Promise<Map<string, CreditRecord[]>>;
  /** All records (with status histories) of the subjects whose ids lie in [firstId, lastId]. */
  recordsBetween(firstId: string, lastId: string): Promise<Map<string, CreditRecord[]>>;
  /** Appends a status change (records are never updated in place). */
  addRecordStatus(recordId: string, change: StatusChange, audit: AuditEntryInput): Promise<void>;

  /**
   * Records of `type` still held (not expired) that occurred before `occurredBefore`, oldest
   * first (by `occurredAt`, then id), after the keyset `after`, at most `limit`.
   */
  retentionCandidates(q: { type: string; occurredBefore: Instant; after?: { occurredAt: Instant; id: string }; limit: number }): Promise<RetentionCandidate[]>;
  /**
   * Records of `types` still held (not expired), of subjects of `kinds`, that occurred in
   * [`occurredFrom`, `occurredBefore`), newest first (by `occurredAt`, then id, both descending),
   * after the keyset `before` (the last record of the page before), at most `limit`; each with its
   * status history. The public notice of licences and penalties pages through it.
   */
  latestRecords(q: LatestRecords): Promise<CreditRecord[]>;
  /**
   * Ends records at the end of their retention, in one transaction: appends the `expired` status
   * change to each record not yet expired, replaces its facts by `{}` (id, source, type, subject,
   * dates and status history stay, so the audit chain and old receipts still make sense), marks
   * its subject dirty; then deletes the identifier ciphertext of each of those subjects that has
   * no record left unexpired and holds no legal role in force (keyed hash and masked form stay, so
   * a later record links up); and appends the tombstone. The deleted bytes leave the database
   * file: SQLite overwrites them (secure_delete) and truncates the WAL after the transaction;
   * PostgreSQL leaves dead row versions until VACUUM.
   */
  expireRecords(e: ExpireRecords): Promise<ExpiredRecords>;

  /**
   * Subjects found by name, by name then id: those of `kinds` whose name contains `name`
   * (case-insensitive for Latin letters, `%` and `_` taken literally) and, with `persons`, the
   * persons whose whole name is `name` (exactly: a person is found by their name, not browsed by a
   * part of it; an index on persons' names serves it). `after` is the id of the last subject of the
   * page before.
   */
  searchSubjects(q: SubjectSearch & { after?: string; limit: number }): Promise<Subject[]>;

  /** How many subjects `searchSubjects` would find in all, counting no further than `max`. */
  countSubjects(q: SubjectSearch & { max: number }): Promise<number>;
}
