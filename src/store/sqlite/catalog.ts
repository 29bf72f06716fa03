/** Catalog versions and their publications on SQLite. */
import type { AuditEntryInput } from '../../audit/index.js';
import type { Instant } from '../../domain/types.js';
import type { CatalogPort, CatalogVersionRow, PublicationApproval, PublicationRequestRow, PublicationRequestStatus } from '../port/index.js';
import { catalogFrom, catalogHeadFrom, publicationRequestFrom } from '../rows.js';
import type { Row, SqliteDb } from './db.js';

export class SqliteCatalog implements CatalogPort {
  constructor(private readonly db: SqliteDb) {}

  async saveCatalogVersion(row: CatalogVersionRow, audit: AuditEntryInput): Promise<void> {
    this.db.tx(() => {
      this.db.st(
        `INSERT INTO catalog_versions (catalog_id, version, status, hash, doc, created_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(catalog_id, version) DO UPDATE SET status = excluded.status, hash = excluded.hash, doc = excluded.doc, published_at = excluded.published_at
         WHERE catalog_versions.status = 'draft'`,
      ).run(row.catalogId, row.version, row.status, row.hash, JSON.stringify(row.doc), row.createdAt, row.publishedAt);
      this.db.appendAuditSync([audit]);
    });
  }

  async publishCatalogVersion(catalogId: string, version: string, at: Instant, audit: AuditEntryInput | AuditEntryInput[], approval?: PublicationApproval): Promise<boolean> {
    return this.db.tx(() => {
      if (approval) {
        // The request must still be pending and the stored version still the document it names.
        const decided = this.db
          .st(
            `UPDATE catalog_publication_requests SET status = 'approved', decided_by = ?, decided_at = ?
             WHERE id = ? AND status = 'pending' AND catalog_id = ? AND version = ?
               AND hash = (SELECT hash FROM catalog_versions WHERE catalog_id = ? AND version = ?)`,
          )
          .run(approval.by, approval.at, approval.requestId, catalogId, version, catalogId, version);
        if (decided.changes === 0) return false;
      }
      // published_at keeps the first publication; every publication (a rollback too) is an event.
      this.db.st("UPDATE catalog_versions SET status = 'published', published_at = COALESCE(published_at, ?) WHERE catalog_id = ? AND version = ?").run(at, catalogId, version);
      this.db.st('INSERT OR IGNORE INTO catalog_publications (catalog_id, version, published_at) VALUES (?, ?, ?)').run(catalogId, version, at);
      this.db.appendAuditSync(Array.isArray(audit) ? audit : [audit]);
      return true;
    });
  }

  async addPublicationRequest(row: PublicationRequestRow, audit: AuditEntryInput): Promise<boolean> {
    return this.db.tx(() => {
      const r = this.db
        .st(
          `INSERT INTO catalog_publication_requests (id, catalog_id, version, hash, rollback, replaces, requested_by, requested_at, note, status, decided_by, decided_at, reason)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL, NULL, NULL) ON CONFLICT DO NOTHING`,
        )
        .run(row.id, row.catalogId, row.version, row.hash, row.rollback ? 1 : 0, row.replaces, row.requestedBy, row.requestedAt, row.note);
      if (r.changes === 0) return false;
      this.db.appendAuditSync([audit]);
      return true;
    });
  }

  async closePublicationRequest(id: string, close: { status: 'rejected' | 'withdrawn'; by: string; at: Instant; reason: string | null }, audit: AuditEntryInput): Promise<boolean> {
    return this.db.tx(() => {
      const r = this.db.st("UPDATE catalog_publication_requests SET status = ?, decided_by = ?, decided_at = ?, reason = ? WHERE id = ? AND status = 'pending'").run(close.status, close.by, close.at, close.reason, id);
      if (r.changes === 0) return false;
      this.db.appendAuditSync([audit]);
      return true;
    });
  }

  async getPublicationRequest(id: string): Promise<PublicationRequestRow | null> {
    const r = this.db.st('SELECT * FROM catalog_publication_requests WHERE id = ?').get(id) as Row | undefined;
    return r ? publicationRequestFrom(r) : null;
  }

  async listPublicationRequests(q: { status?: PublicationRequestStatus; limit?: number } = {}): Promise<PublicationRequestRow[]> {
    const rows = this.db
      .st(`SELECT * FROM catalog_publication_requests WHERE (? IS NULL OR status = ?) ORDER BY requested_at DESC, id DESC LIMIT ?`)
      .all(q.status ?? null, q.status ?? null, q.limit ?? 100) as Row[];
    return rows.map(publicationRequestFrom);
  }

  async getCatalogVersion(catalogId: string, version: string): Promise<CatalogVersionRow | null> {
    const r = this.db.st('SELECT * FROM catalog_versions WHERE catalog_id = ? AND version = ?').get(catalogId, version) as Row | undefined;
    return r ? catalogFrom(r) : null;
  }

  async listCatalogVersions(): Promise<Omit<CatalogVersionRow, 'doc'>[]> {
    const rows = this.db.st('SELECT catalog_id, version, status, hash, created_at, published_at FROM catalog_versions ORDER BY created_at, version').all() as Row[];
    return rows.map(catalogHeadFrom);
  }

  async getPublishedCatalog(at?: Instant): Promise<CatalogVersionRow | null> {
    const r = this.db.st(
      `SELECT v.* FROM catalog_publications p JOIN catalog_versions v ON v.catalog_id = p.catalog_id AND v.version = p.version
       WHERE p.published_at <= ? ORDER BY p.published_at DESC, p.rowid DESC LIMIT 1`,
    ).get(at ?? Number.MAX_SAFE_INTEGER) as Row | undefined;
    return r ? catalogFrom(r) : null;
  }

  async publishedCatalogRef(at?: Instant): Promise<{ catalogId: string; version: string } | null> {
    const r = this.db.st('SELECT catalog_id, version FROM catalog_publications WHERE published_at <= ? ORDER BY published_at DESC, rowid DESC LIMIT 1').get(at ?? Number.MAX_SAFE_INTEGER) as Row | undefined;
    return r ? { catalogId: r.catalog_id as string, version: r.version as string } : null;
  }
}
