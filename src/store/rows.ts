/**
 * Rows as both adapters read them (snake_case columns, JSON kept as text, instants as epoch-ms
 * numbers) turned into the port's types. One place, so that SQLite and PostgreSQL cannot drift.
 */
import canonicalize from 'canonicalize';
import type { AuditEntry } from '../audit/index.js';
import type { CreditRecord, ListEntry, Relation, StatusChange, Subject, SubjectKind } from '../domain/types.js';
import type { ApiKeyRow, CaseRow, CatalogVersionRow, EvidenceRow, EvidenceType, KeyRole, NoticeRow, PublicationRequestRow, SubjectDayRow } from './port.js';

export type Row = Record<string, unknown>;

const orNull = <T>(v: unknown): T | null => (v as T | null | undefined) ?? null;

/** A subject row (`id`, `kind`, `name`, `region`, `created_at`) with its identifier rows. */
export function subjectFrom(r: Row, idents: Row[]): Subject {
  return {
    id: r.id as string,
    kind: r.kind as SubjectKind,
    name: r.name as string,
    region: r.region as string,
    createdAt: r.created_at as number,
    identifiers: idents.map((i) => {
      const out: Subject['identifiers'][number] = { scheme: i.scheme as string, hash: i.hash as string, masked: i.masked as string };
      if (i.encrypted) out.encrypted = i.encrypted as string;
      return out;
    }),
  };
}

export function relationFrom(r: Row): Relation {
  const rel: Relation = { subjectId: r.subject_id as string, role: r.role as Relation['role'], personId: r.person_id as string, since: r.since as number };
  if (r.until !== null && r.until !== undefined) rel.until = r.until as number;
  return rel;
}

/** A record row; its status history is filled in by the caller. */
export function recordFrom(r: Row): CreditRecord {
  return {
    id: r.id as string,
    source: r.source as string,
    externalId: r.external_id as string,
    type: r.type as string,
    area: r.area as CreditRecord['area'],
    subjectId: r.subject_id as string,
    occurredAt: r.occurred_at as number,
    recordedAt: r.recorded_at as number,
    facts: JSON.parse(r.facts as string),
    catalogVersion: r.catalog_version as string,
    statuses: [],
  };
}

export function statusFrom(r: Row): StatusChange {
  return { status: r.status as StatusChange['status'], at: r.at as number, actor: r.actor as string, reason: r.reason as string };
}

export function entryFrom(r: Row): ListEntry {
  const e: ListEntry = {
    id: r.id as string,
    list: r.list as string,
    subjectId: r.subject_id as string,
    status: r.status as ListEntry['status'],
    since: r.since as number,
    decidedAt: r.decided_at as number,
    until: orNull<number>(r.until),
    reasons: JSON.parse(r.reasons as string),
    catalogVersion: r.catalog_version as string,
  };
  if (r.ended_at !== null) e.endedAt = r.ended_at as number;
  if (r.end_reason !== null) e.endReason = r.end_reason as string;
  if (r.via_subject_id) e.via = { subjectId: r.via_subject_id as string, role: r.via_role as Relation['role'] };
  return e;
}

export function auditFrom(r: Row): AuditEntry {
  return {
    seq: r.seq as number,
    at: r.at as number,
    actor: r.actor as string,
    action: r.action as string,
    subjectId: orNull<string>(r.subject_id),
    data: JSON.parse(r.data as string),
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
  };
}

export function subjectDayFrom(r: Row): SubjectDayRow {
  return { subjectId: r.subject_id as string, day: r.day as number, actor: r.actor as string, key: r.key as string, seq: r.seq as number };
}

export function keyFrom(r: Row): ApiKeyRow {
  return {
    id: r.id as string,
    name: r.name as string,
    role: r.role as KeyRole,
    scopes: JSON.parse(r.scopes as string) as string[],
    source: orNull<string>(r.source),
    subjectId: orNull<string>(r.subject_id),
    secretHash: r.secret_hash as string,
    createdAt: r.created_at as number,
    createdBy: r.created_by as string,
    revokedAt: orNull<number>(r.revoked_at),
  };
}

export function catalogFrom(r: Row): CatalogVersionRow {
  return {
    catalogId: r.catalog_id as string,
    version: r.version as string,
    status: r.status as CatalogVersionRow['status'],
    hash: r.hash as string,
    doc: JSON.parse(r.doc as string),
    createdAt: r.created_at as number,
    publishedAt: orNull<number>(r.published_at),
  };
}

/** A catalog version row without its document (listings). */
export function catalogHeadFrom(r: Row): Omit<CatalogVersionRow, 'doc'> {
  const { doc: _doc, ...rest } = catalogFrom({ ...r, doc: 'null' });
  return rest;
}

/** A request to publish a catalog version (`rollback` is 0/1 on SQLite, a boolean on PostgreSQL). */
export function publicationRequestFrom(r: Row): PublicationRequestRow {
  return {
    id: r.id as string,
    catalogId: r.catalog_id as string,
    version: r.version as string,
    hash: r.hash as string,
    rollback: r.rollback === true || r.rollback === 1,
    replaces: orNull<string>(r.replaces),
    requestedBy: r.requested_by as string,
    requestedAt: Number(r.requested_at),
    note: orNull<string>(r.note),
    status: r.status as PublicationRequestRow['status'],
    decidedBy: orNull<string>(r.decided_by),
    decidedAt: r.decided_at === null || r.decided_at === undefined ? null : Number(r.decided_at),
    reason: orNull<string>(r.reason),
  };
}

export function caseFrom(r: Row): CaseRow {
  return { id: r.id as string, kind: r.kind as CaseRow['kind'], subjectId: r.subject_id as string, status: r.status as string, deadline: orNull<number>(r.deadline), createdAt: r.created_at as number, doc: JSON.parse(r.doc as string) };
}

/** The columns of `case_evidence` but its bytes, for listings. */
export const EVIDENCE_COLUMNS = 'id, case_id, subject_id, record_id, filename, content_type, size, sha256, uploaded_at, uploaded_by';

export function evidenceFrom(r: Row): EvidenceRow {
  return {
    id: r.id as string,
    caseId: r.case_id as string,
    subjectId: r.subject_id as string,
    recordId: r.record_id as string,
    filename: r.filename as string,
    contentType: r.content_type as EvidenceType,
    size: Number(r.size),
    sha256: r.sha256 as string,
    uploadedAt: Number(r.uploaded_at),
    uploadedBy: r.uploaded_by as string,
  };
}

export function noticeFrom(r: Row): NoticeRow {
  return {
    id: r.id as string,
    subjectId: orNull<string>(r.subject_id),
    kind: r.kind as string,
    createdAt: r.created_at as number,
    payload: JSON.parse(r.payload as string),
    status: r.status as NoticeRow['status'],
    attempts: r.attempts as number,
    nextAttemptAt: r.next_attempt_at as number,
    lastError: orNull<string>(r.last_error),
    deliveredAt: orNull<number>(r.delivered_at),
  };
}

/** The content a resent record is compared on (facts canonically): the same is a duplicate, else a conflict. */
export type RecordContent = Pick<CreditRecord, 'type' | 'subjectId' | 'occurredAt' | 'facts'>;

/**
 * Whether a stored record (a row's `type`, `subject_id`, `occurred_at`, `facts` text and
 * `expired_at`, or a record) says the same as a resent one. The facts of an expired record are
 * gone, so a resend of it is compared on the rest: the same is a duplicate, not a conflict.
 */
export function sameRecordContent(stored: Row | RecordContent, rec: CreditRecord): boolean {
  const row = 'subject_id' in stored;
  const s: RecordContent = row ? { type: stored.type as string, subjectId: stored.subject_id as string, occurredAt: stored.occurred_at as number, facts: JSON.parse(stored.facts as string) } : (stored as RecordContent);
  const expired = row && (stored as Row).expired_at !== null && (stored as Row).expired_at !== undefined;
  return s.type === rec.type && s.subjectId === rec.subjectId && s.occurredAt === rec.occurredAt && (expired || canonicalize(s.facts) === canonicalize(rec.facts));
}
