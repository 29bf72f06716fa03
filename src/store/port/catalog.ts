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

export interface CatalogPort {
  saveCatalogVersion(row: CatalogVersionRow, audit: AuditEntryInput): Promise<void>;
  publishCatalogVersion(catalogId: string, version: string, at: Instant, audit: AuditEntryInput): Promise<void>;
  getCatalogVersion(catalogId: string, version: string): Promise<CatalogVersionRow | null>;
  listCatalogVersions(): Promise<Omit<CatalogVersionRow, 'doc'>[]>;
  /** The version in force at `at` (default: now): the one most recently published at or before it. */
  getPublishedCatalog(at?: Instant): Promise<CatalogVersionRow | null>;
  /** Which version is in force at `at` (default: now), without its document: cheap enough to poll. */
  publishedCatalogRef(at?: Instant): Promise<{ catalogId: string; version: string } | null>;
}
