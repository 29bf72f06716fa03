/** Catalog versions: drafts, publications, and the version in force at an instant. */
import type { AuditEntryInput } from '../../audit/index.js';
import type { CatalogDoc } from '../../catalog/types.js';
import type { Instant } from '../../domain/types.js';

export interface CatalogVersionRow {
  catalogId: string;
  version: string;
  status: 'draft' | 'published';
  hash: string;
  doc: CatalogDoc;
  createdAt: Instant;
  publishedAt: Instant | null;
}

/** Where a request to publish a catalog version stands (four eyes: docs/catalog.md, "Publishing"). */
export type PublicationRequestStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

/**
 * A request to put a stored catalog version in force, bound to its document by `hash`, and how it
 * was decided: approved (and so published) or rejected by another person, or withdrawn by its
 * requester. `rollback`: the version had been published before (an earlier one put back).
 */
export interface PublicationRequestRow {
  id: string;
  catalogId: string;
  version: string;
  hash: string;
  rollback: boolean;
  /** The version in force when it was requested (`id@version`), or null. */
  replaces: string | null;
  requestedBy: string;
  requestedAt: Instant;
  note: string | null;
  status: PublicationRequestStatus;
  decidedBy: string | null;
  decidedAt: Instant | null;
  reason: string | null;
}

/** The approval a publication carries: the request it decides, who approved it and when. */
export interface PublicationApproval {
  requestId: string;
  by: string;
  at: Instant;
}

export interface CatalogPort {
  saveCatalogVersion(row: CatalogVersionRow, audit: AuditEntryInput): Promise<void>;
  /**
   * Puts a version in force at `at`. With `approval`, in the same transaction the request moves
   * from pending to approved, provided it is still pending and the stored version still has the
   * request's hash; otherwise nothing is written and the answer is false.
   */
  publishCatalogVersion(catalogId: string, version: string, at: Instant, audit: AuditEntryInput | AuditEntryInput[], approval?: PublicationApproval): Promise<boolean>;
  /** Stores a pending request; false (nothing written) when the version already has a pending one. */
  addPublicationRequest(row: PublicationRequestRow, audit: AuditEntryInput): Promise<boolean>;
  /** Rejects or withdraws a pending request; false (nothing written) when it is no longer pending. */
  closePublicationRequest(id: string, close: { status: 'rejected' | 'withdrawn'; by: string; at: Instant; reason: string | null }, audit: AuditEntryInput): Promise<boolean>;
  getPublicationRequest(id: string): Promise<PublicationRequestRow | null>;
  /** Requests, newest first, optionally of one status. */
  listPublicationRequests(q?: { status?: PublicationRequestStatus; limit?: number }): Promise<PublicationRequestRow[]>;
  getCatalogVersion(catalogId: string, version: string): Promise<CatalogVersionRow | null>;
  listCatalogVersions(): Promise<Omit<CatalogVersionRow, 'doc'>[]>;
  /** The version in force at `at` (default: now): the one most recently published at or before it. */
  getPublishedCatalog(at?: Instant): Promise<CatalogVersionRow | null>;
  /** Which version is in force at `at` (default: now), without its document: cheap enough to poll. */
  publishedCatalogRef(at?: Instant): Promise<{ catalogId: string; version: string } | null>;
}
