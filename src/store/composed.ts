/**
 * A `Store` assembled from one part per sub-port: every method is the part's, called on it. Each
 * adapter builds its parts over one shared connection (`sqlite/db.ts`, `postgres/db.ts`) and
 * extends this with what is its own (the SQLite file handle, the PostgreSQL pool, the optional
 * methods it implements).
 */
import type { AuditEntry, AuditEntryInput } from '../audit/index.js';
import type { CreditRecord, Instant, ListEntry, Relation, StatusChange, Subject, SubjectKind } from '../domain/types.js';
import type {
  ApiKeyRow, ApiKeysPort, AuditPort, AuditQuery, ReceiptIndexRow, SubjectDayKey, SubjectDayRow, CaseEffects, CaseQuery, CaseRow, CasesPort, CatalogPort, CatalogVersionRow, PublicationApproval, PublicationRequestRow, PublicationRequestStatus, ChangeFeedPort, EntryQuery,
  EvidenceRow, ExpiredRecords, ExpireRecords, IngestBatch, IngestResult, LifecyclePort, NoticeRow, RecordsPort, RetentionCandidate, SaveStates, StatePort, StatsPort,
  Store, StoredState, StoreSummary, SubjectBasic, SubjectSearch,
} from './port/index.js';
import type { FlowPeriod, FlowQuery } from './port/stats.js';
import type { LatestRecords } from './port/records.js';
import type { LatestEntries } from './port/state.js';

/** The parts of a store, one per sub-port. */
export interface StoreParts {
  lifecycle: LifecyclePort;
  catalog: CatalogPort;
  records: RecordsPort;
  state: StatePort;
  feed: ChangeFeedPort;
  audit: AuditPort;
  stats: StatsPort;
  cases: CasesPort;
  keys: ApiKeysPort;
}

/**
 * The optional methods (`runExclusive`, `watchStateChanges`) are not passed on here: a store has
 * them only when its adapter says so, since callers test for them.
 */
export abstract class ComposedStore<P extends StoreParts = StoreParts> implements Store {
  readonly dialect: P['lifecycle']['dialect'];

  constructor(protected readonly parts: P) {
    this.dialect = parts.lifecycle.dialect;
  }

  // ---- lifecycle

  migrate(): Promise<void> {
    return this.parts.lifecycle.migrate();
  }

  close(): Promise<void> {
    return this.parts.lifecycle.close();
  }

  getMeta(key: string): Promise<string | null> {
    return this.parts.lifecycle.getMeta(key);
  }

  setMeta(key: string, value: string): Promise<void> {
    return this.parts.lifecycle.setMeta(key, value);
  }

  // ---- catalog versions

  saveCatalogVersion(row: CatalogVersionRow, audit: AuditEntryInput): Promise<void> {
    return this.parts.catalog.saveCatalogVersion(row, audit);
  }

  publishCatalogVersion(catalogId: string, version: string, at: Instant, audit: AuditEntryInput | AuditEntryInput[], approval?: PublicationApproval): Promise<boolean> {
    return this.parts.catalog.publishCatalogVersion(catalogId, version, at, audit, approval);
  }

  addPublicationRequest(row: PublicationRequestRow, audit: AuditEntryInput): Promise<boolean> {
    return this.parts.catalog.addPublicationRequest(row, audit);
  }

  closePublicationRequest(id: string, close: { status: 'rejected' | 'withdrawn'; by: string; at: Instant; reason: string | null }, audit: AuditEntryInput): Promise<boolean> {
    return this.parts.catalog.closePublicationRequest(id, close, audit);
  }

  getPublicationRequest(id: string): Promise<PublicationRequestRow | null> {
    return this.parts.catalog.getPublicationRequest(id);
  }

  listPublicationRequests(q?: { status?: PublicationRequestStatus; limit?: number }): Promise<PublicationRequestRow[]> {
    return this.parts.catalog.listPublicationRequests(q);
  }

  getCatalogVersion(catalogId: string, version: string): Promise<CatalogVersionRow | null> {
    return this.parts.catalog.getCatalogVersion(catalogId, version);
  }

  listCatalogVersions(): Promise<Omit<CatalogVersionRow, 'doc'>[]> {
    return this.parts.catalog.listCatalogVersions();
  }

  getPublishedCatalog(at?: Instant): Promise<CatalogVersionRow | null> {
    return this.parts.catalog.getPublishedCatalog(at);
  }

  publishedCatalogRef(at?: Instant): Promise<{ catalogId: string; version: string } | null> {
    return this.parts.catalog.publishedCatalogRef(at);
  }

  // ---- subjects and records

  ingest(batch: IngestBatch): Promise<IngestResult> {
    return this.parts.records.ingest(batch);
  }

  getSubject(id: string): Promise<Subject | null> {
    return this.parts.records.getSubject(id);
  }

  findSubjectByHash(hash: string): Promise<string | null> {
    return this.parts.records.findSubjectByHash(hash);
  }

  subjectsBasic(ids: string[]): Promise<Map<string, SubjectBasic>> {
    return this.parts.records.subjectsBasic(ids);
  }

  relationsOfOrgs(orgIds: string[], at?: Instant): Promise<Relation[]> {
    return this.parts.records.relationsOfOrgs(orgIds, at);
  }

  relationsOfPersons(personIds: string[], at?: Instant): Promise<Relation[]> {
    return this.parts.records.relationsOfPersons(personIds, at);
  }

  ridCiphertexts(personIds: string[]): Promise<Map<string, string>> {
    return this.parts.records.ridCiphertexts(personIds);
  }

  getRecord(id: string): Promise<CreditRecord | null> {
    return this.parts.records.getRecord(id);
  }

  recordsOf(subjectIds: string[]): Promise<Map<string, CreditRecord[]>> {
    return this.parts.records.recordsOf(subjectIds);
  }

  recordsBetween(firstId: string, lastId: string): Promise<Map<string, CreditRecord[]>> {
    return this.parts.records.recordsBetween(firstId, lastId);
  }

  addRecordStatus(recordId: string, change: StatusChange, audit: AuditEntryInput): Promise<void> {
    return this.parts.records.addRecordStatus(recordId, change, audit);
  }

  retentionCandidates(q: { type: string; occurredBefore: Instant; after?: { occurredAt: Instant; id: string }; limit: number }): Promise<RetentionCandidate[]> {
    return this.parts.records.retentionCandidates(q);
  }

  latestRecords(q: LatestRecords): Promise<CreditRecord[]> {
    return this.parts.records.latestRecords(q);
  }

  expireRecords(e: ExpireRecords): Promise<ExpiredRecords> {
    return this.parts.records.expireRecords(e);
  }

  searchSubjects(q: SubjectSearch & { after?: string; limit: number }): Promise<Subject[]> {
    return this.parts.records.searchSubjects(q);
  }

  countSubjects(q: SubjectSearch & { max: number }): Promise<number> {
    return this.parts.records.countSubjects(q);
  }

  // ---- derived state

  dirtySubjects(limit: number): Promise<string[]> {
    return this.parts.state.dirtySubjects(limit);
  }

  markDirty(subjectIds: string[]): Promise<void> {
    return this.parts.state.markDirty(subjectIds);
  }

  dirtyMarks(subjectIds: string[]): Promise<Map<string, number>> {
    return this.parts.state.dirtyMarks(subjectIds);
  }

  dueSubjects(now: Instant, limit: number): Promise<string[]> {
    return this.parts.state.dueSubjects(now, limit);
  }

  saveStates(save: SaveStates): Promise<void> {
    return this.parts.state.saveStates(save);
  }

  getState(subjectId: string): Promise<StoredState | null> {
    return this.parts.state.getState(subjectId);
  }

  enforceableEntries(subjectIds: string[]): Promise<ListEntry[]> {
    return this.parts.state.enforceableEntries(subjectIds);
  }

  listEntries(q: EntryQuery): Promise<ListEntry[]> {
    return this.parts.state.listEntries(q);
  }

  latestEntries(q: LatestEntries): Promise<ListEntry[]> {
    return this.parts.state.latestEntries(q);
  }

  scanSubjects(pageSize: number): AsyncIterable<(SubjectBasic & { stateHash: string | null })[]> {
    return this.parts.state.scanSubjects(pageSize);
  }

  scanEnforceableEntries(): AsyncIterable<ListEntry> {
    return this.parts.state.scanEnforceableEntries();
  }

  scanGrades(): AsyncIterable<{ subjectId: string; grades: Record<string, string> }> {
    return this.parts.state.scanGrades();
  }

  // ---- the change feed

  stateChangesSince(afterSeq: number, limit: number): Promise<{ seq: number; subjectIds: string[]; firstSeq: number | null }> {
    return this.parts.feed.stateChangesSince(afterSeq, limit);
  }

  stateChangeHead(): Promise<number> {
    return this.parts.feed.stateChangeHead();
  }

  pruneStateChanges(before: Instant): Promise<number> {
    return this.parts.feed.pruneStateChanges(before);
  }

  // ---- the audit log

  appendAudit(entries: AuditEntryInput[]): Promise<AuditEntry[]> {
    return this.parts.audit.appendAudit(entries);
  }

  findReceipt(receipt: string): Promise<AuditEntry | null> {
    return this.parts.audit.findReceipt(receipt);
  }

  auditPage(q: AuditQuery): Promise<AuditEntry[]> {
    return this.parts.audit.auditPage(q);
  }

  scanAudit(fromSeq?: number): AsyncIterable<AuditEntry> {
    return this.parts.audit.scanAudit(fromSeq);
  }

  auditHead(): Promise<{ seq: number; hash: string } | null> {
    return this.parts.audit.auditHead();
  }

  auditIndexRows(fromSeq: number, toSeq: number): Promise<{ receipts: ReceiptIndexRow[]; subjectDays: SubjectDayRow[] }> {
    return this.parts.audit.auditIndexRows(fromSeq, toSeq);
  }

  findSubjectDays(keys: SubjectDayKey[]): Promise<SubjectDayRow[]> {
    return this.parts.audit.findSubjectDays(keys);
  }

  // ---- statistics

  summary(): Promise<StoreSummary> {
    return this.parts.stats.summary();
  }

  listFlows(q: FlowQuery): Promise<Record<string, FlowPeriod[]>> {
    return this.parts.stats.listFlows(q);
  }

  // ---- due-process cases and the notice outbox

  saveCase(c: CaseRow, effects: CaseEffects): Promise<void> {
    return this.parts.cases.saveCase(c, effects);
  }

  getCase(id: string): Promise<CaseRow | null> {
    return this.parts.cases.getCase(id);
  }

  listCases(q: CaseQuery): Promise<CaseRow[]> {
    return this.parts.cases.listCases(q);
  }

  countCases(q: Omit<CaseQuery, 'limit'>): Promise<number> {
    return this.parts.cases.countCases(q);
  }

  addEvidence(e: EvidenceRow, content: Uint8Array, o: { maxPerCase: number; audit: AuditEntryInput }): Promise<void> {
    return this.parts.cases.addEvidence(e, content, o);
  }

  listEvidence(caseId: string): Promise<EvidenceRow[]> {
    return this.parts.cases.listEvidence(caseId);
  }

  getEvidence(caseId: string, id: string): Promise<(EvidenceRow & { content: Uint8Array }) | null> {
    return this.parts.cases.getEvidence(caseId, id);
  }

  addNotices(notices: NoticeRow[]): Promise<void> {
    return this.parts.cases.addNotices(notices);
  }

  dueNotices(now: Instant, limit: number): Promise<NoticeRow[]> {
    return this.parts.cases.dueNotices(now, limit);
  }

  updateNotice(id: string, patch: Pick<NoticeRow, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'deliveredAt'>): Promise<void> {
    return this.parts.cases.updateNotice(id, patch);
  }

  listNotices(q: { subjectId?: string; status?: NoticeRow['status']; limit: number }): Promise<NoticeRow[]> {
    return this.parts.cases.listNotices(q);
  }

  // ---- API keys

  createApiKey(row: ApiKeyRow, audit: AuditEntryInput): Promise<void> {
    return this.parts.keys.createApiKey(row, audit);
  }

  getApiKey(id: string): Promise<ApiKeyRow | null> {
    return this.parts.keys.getApiKey(id);
  }

  listApiKeys(): Promise<ApiKeyRow[]> {
    return this.parts.keys.listApiKeys();
  }

  revokeApiKey(id: string, at: Instant, audit: AuditEntryInput): Promise<boolean> {
    return this.parts.keys.revokeApiKey(id, at, audit);
  }
}
