/**
 * The Store port: everything the shell persists, behind one async interface so that the embedded
 * SQLite adapter and a PostgreSQL adapter are interchangeable. The contract suite in `contract/`
 * runs against every adapter.
 *
 * `Store` is the union of sub-ports by concern, one file each here; each adapter implements them
 * in files of the same names (`sqlite/records.ts` ↔ `postgres/records.ts`, …), and the contract
 * suite is split the same way (`contract/records.ts`, …).
 *
 * Atomicity is per method: each write method is one transaction, including its audit entry, so
 * an audit entry exists exactly when the write it describes does.
 */
import type { ApiKeysPort } from './keys.js';
import type { AuditPort } from './audit.js';
import type { CasesPort } from './cases.js';
import type { CatalogPort } from './catalog.js';
import type { ChangeFeedPort } from './feed.js';
import type { LifecyclePort } from './lifecycle.js';
import type { RecordsPort } from './records.js';
import type { StatePort } from './state.js';
import type { StatsPort } from './stats.js';

export type { LifecyclePort } from './lifecycle.js';
export type { CatalogPort, CatalogVersionRow, PublicationApproval, PublicationRequestRow, PublicationRequestStatus } from './catalog.js';
export type { ExpiredRecords, ExpireRecords, IngestBatch, IngestResult, RecordsPort, RetentionCandidate, SubjectBasic, SubjectSearch } from './records.js';
export type { EntryQuery, SaveStates, StatePort, StoredState } from './state.js';
export type { ChangeFeedPort } from './feed.js';
export type { AuditPort, AuditQuery, ReceiptIndexRow, SubjectDayKey, SubjectDayRow } from './audit.js';
export type { ListFlow, StatsPort, StoreSummary } from './stats.js';
export { CaseConflictError, EvidenceLimitError, type CaseEffects, type CaseQuery, type CaseRow, type CasesPort, type EvidenceRow, type EvidenceType, type NoticeRow } from './cases.js';
export { KEY_ROLES, type ApiKeyRow, type ApiKeysPort, type KeyRole } from './keys.js';

export interface Store extends LifecyclePort, CatalogPort, RecordsPort, StatePort, ChangeFeedPort, AuditPort, StatsPort, CasesPort, ApiKeysPort {}
