/** The audit log: a hash chain of entries, indexed by check receipt and by the subjects they concern. */
import type { AuditEntry, AuditEntryInput } from '../../audit/index.js';

export interface AuditQuery {
  limit: number;
  /** Keyset pagination, newest first: entries with seq below this. */
  before?: number;
  actions?: string[];
  subjectId?: string;
  /** Only entries by this actor (`key:k_…`, `oidc:<sub>`, `cli:<user>`, …), exactly. */
  actor?: string;
  /** Only entries at or after this instant. */
  from?: number;
  /** Only entries before this instant (exclusive). */
  to?: number;
}

/** A row of the receipt index: the check decided under `receipt` is audit entry `seq`. */
export interface ReceiptIndexRow {
  receipt: string;
  seq: number;
}

/** What the access-log index is keyed by: a subject, a UTC day (days since the epoch), an actor and a key. */
export interface SubjectDayKey {
  subjectId: string;
  day: number;
  actor: string;
  key: string;
}

/** A row of the access-log index: the first entry about the subject that day by that actor under that key. */
export interface SubjectDayRow extends SubjectDayKey {
  seq: number;
}

export interface AuditPort {
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
  scanAudit(fromSeq?: number): AsyncIterable<AuditEntry>;
  auditHead(): Promise<{ seq: number; hash: string } | null>;
  /**
   * The rows of both indexes (receipts, and subject-days for access logs) that point at entries
   * `fromSeq` to `toSeq`, ordered by seq: what `audit verify` compares with the chain. The indexes
   * sit outside the hashes, so the chain alone cannot vouch for them.
   */
  auditIndexRows(fromSeq: number, toSeq: number): Promise<{ receipts: ReceiptIndexRow[]; subjectDays: SubjectDayRow[] }>;
  /** The access-log index rows with these keys, for those that have one. */
  findSubjectDays(keys: SubjectDayKey[]): Promise<SubjectDayRow[]>;
}
