/** Due-process cases (objections, repairs, commitments) and the notice outbox. */
import type { AuditEntryInput } from '../../audit/index.js';
import type { Instant, StatusChange } from '../../domain/types.js';

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
  /** Only cases whose deadline is at or after this instant (with `deadlineBefore`: due soon). */
  deadlineFrom?: Instant;
  /** Only cases assigned to this actor (the case document's `assignedTo`). */
  assignedTo?: string;
  /** Only cases about a record from this source (authority). */
  source?: string;
  limit: number;
}

/** The content types evidence may have, as the file's own bytes say (never the uploader's header). */
export type EvidenceType = 'application/pdf' | 'image/png' | 'image/jpeg';

/** A file a subject gave in support of an objection or repair application (its bytes are stored apart). */
export interface EvidenceRow {
  id: string;
  caseId: string;
  subjectId: string;
  /** The record the case is about: the evidence is deleted when that record's retention ends. */
  recordId: string;
  filename: string;
  contentType: EvidenceType;
  size: number;
  /** SHA-256 of the bytes, hex: stored with them, checked on every download. */
  sha256: string;
  uploadedAt: Instant;
  uploadedBy: string;
}

/** Thrown by `addEvidence` when the case holds `max` files already. */
export class EvidenceLimitError extends Error {
  constructor(readonly caseId: string, readonly max: number) {
    super(`case ${caseId} holds ${max} files already`);
  }
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
  /**
   * Other cases the same step creates (a commitment made with a repair application), each with its
   * audit entry: written first, in the same transaction, and each must not exist yet.
   */
  newCases?: { case: CaseRow; audit: AuditEntryInput }[];
}

export interface CasesPort {
  /** Inserts or replaces a case, with its effects, in one transaction. */
  saveCase(c: CaseRow, effects: CaseEffects): Promise<void>;
  getCase(id: string): Promise<CaseRow | null>;
  /** Cases by kind, oldest deadline first (then oldest first). */
  listCases(q: CaseQuery): Promise<CaseRow[]>;
  /** How many cases `listCases` would find without a limit. */
  countCases(q: Omit<CaseQuery, 'limit'>): Promise<number>;

  /**
   * Stores a file of evidence with its audit entry, in one transaction, if the case is still open
   * (else `CaseConflictError`) and holds fewer than `maxPerCase` files (else `EvidenceLimitError`).
   */
  addEvidence(e: EvidenceRow, content: Uint8Array, o: { maxPerCase: number; audit: AuditEntryInput }): Promise<void>;
  /** The evidence of a case, oldest first, without the bytes. */
  listEvidence(caseId: string): Promise<EvidenceRow[]>;
  /** One file of a case's evidence, with its bytes. */
  getEvidence(caseId: string, id: string): Promise<(EvidenceRow & { content: Uint8Array }) | null>;

  /** Adds notices to the outbox (derivations add theirs through this too). */
  addNotices(notices: NoticeRow[]): Promise<void>;
  /** Pending notices due at `now`, oldest first. */
  dueNotices(now: Instant, limit: number): Promise<NoticeRow[]>;
  /** Records a delivery attempt's outcome. */
  updateNotice(id: string, patch: Pick<NoticeRow, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'deliveredAt'>): Promise<void>;
  /** Notices of one subject (newest first), or of every subject with `subjectId` null. */
  listNotices(q: { subjectId?: string; status?: NoticeRow['status']; limit: number }): Promise<NoticeRow[]>;
}
