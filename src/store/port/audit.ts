/** The audit log: a hash chain of entries, indexed by check receipt and by the subjects they concern. */
import type { AuditEntry, AuditEntryInput } from '../../audit/index.js';

export interface AuditQuery {
  limit: number;
  /** Keyset pagination, newest first: entries with seq below this. */
  before?: number;
  actions?: string[];
  subjectId?: string;
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
}
