/** Catalog versions and their publications on PostgreSQL. */
import type { AuditEntryInput } from '../../audit/index.js';
import type { Instant } from '../../domain/types.js';
import type { CatalogPort, CatalogVersionRow, PublicationApproval, PublicationRequestRow, PublicationRequestStatus } from '../port/index.js';
import { catalogFrom, catalogHeadFrom, publicationRequestFrom } from '../rows.js';
import type { PostgresDb } from './db.js';

export class PostgresCatalog implements CatalogPort {
  constructor(private readonly db: PostgresDb) {}

  async saveCatalogVersion(row: CatalogVersionRow, audit: AuditEntryInput): Promise<void> {
    await this.db.tx(async (c) => {
      await c.query(
        `INSERT INTO catalog_versions (catalog_id, version, status, hash, doc, created_at, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (catalog_id, version) DO UPDATE SET status = excluded.status, hash = excluded.hash, doc = excluded.doc, published_at = excluded.published_at
         WHERE catalog_versions.status = 'draft'`,
        [row.catalogId, row.version, row.status, row.hash, JSON.stringify(row.doc), row.createdAt, row.publishedAt],
      );
      await this.db.appendAuditTx(c, [audit]);
    });
  }

  async publishCatalogVersion(catalogId: string, version: string, at: Instant, audit: AuditEntryInput | AuditEntryInput[], approval?: PublicationApproval): Promise<boolean> {
    return this.db.tx(async (c) => {
      if (approval) {
        // The request must still be pending and the stored version still the document it names.
        const decided = await c.query(
          `UPDATE catalog_publication_requests SET status = 'approved', decided_by = $1, decided_at = $2
           WHERE id = $3 AND status = 'pending' AND catalog_id = $4 AND version = $5
             AND hash = (SELECT hash FROM catalog_versions WHERE catalog_id = $4 AND version = $5)`,
          [approval.by, approval.at, approval.requestId, catalogId, version],
        );
        if (decided.rowCount === 0) return false;
      }
      // published_at keeps the first publication; every publication (a rollback too) is an event.
      await c.query("UPDATE catalog_versions SET status = 'published', published_at = COALESCE(published_at, $1) WHERE catalog_id = $2 AND version = $3", [at, catalogId, version]);
      await c.query('INSERT INTO catalog_publications (catalog_id, version, published_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [catalogId, version, at]);
      await this.db.appendAuditTx(c, Array.isArray(audit) ? audit : [audit]);
      return true;
    });
  }

  async addPublicationRequest(row: PublicationRequestRow, audit: AuditEntryInput): Promise<boolean> {
    return this.db.tx(async (c) => {
      const r = await c.query(
        `INSERT INTO catalog_publication_requests (id, catalog_id, version, hash, rollback, replaces, requested_by, requested_at, note, status, decided_by, decided_at, reason)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'pending', NULL, NULL, NULL) ON CONFLICT DO NOTHING`,
        [row.id, row.catalogId, row.version, row.hash, row.rollback, row.replaces, row.requestedBy, row.requestedAt, row.note],
      );
      if (r.rowCount === 0) return false;
      await this.db.appendAuditTx(c, [audit]);
      return true;
    });
  }

  async closePublicationRequest(id: string, close: { status: 'rejected' | 'withdrawn'; by: string; at: Instant; reason: string | null }, audit: AuditEntryInput): Promise<boolean> {
    return this.db.tx(async (c) => {
      const r = await c.query("UPDATE catalog_publication_requests SET status = $1, decided_by = $2, decided_at = $3, reason = $4 WHERE id = $5 AND status = 'pending'", [close.status, close.by, close.at, close.reason, id]);
      if (r.rowCount === 0) return false;
      await this.db.appendAuditTx(c, [audit]);
      return true;
    });
  }

  async getPublicationRequest(id: string): Promise<PublicationRequestRow | null> {
    const r = await this.db.one('SELECT * FROM catalog_publication_requests WHERE id = $1', [id]);
    return r ? publicationRequestFrom(r) : null;
  }

  async listPublicationRequests(q: { status?: PublicationRequestStatus; limit?: number } = {}): Promise<PublicationRequestRow[]> {
    const rows = await this.db.q('SELECT * FROM catalog_publication_requests WHERE ($1::text IS NULL OR status = $1) ORDER BY requested_at DESC, id DESC LIMIT $2', [q.status ?? null, q.limit ?? 100]);
    return rows.map(publicationRequestFrom);
  }

  async getCatalogVersion(catalogId: string, version: string): Promise<CatalogVersionRow | null> {
    const r = await this.db.one('SELECT * FROM catalog_versions WHERE catalog_id = $1 AND version = $2', [catalogId, version]);
    return r ? catalogFrom(r) : null;
  }

  async listCatalogVersions(): Promise<Omit<CatalogVersionRow, 'doc'>[]> {
    const rows = await this.db.q('SELECT catalog_id, version, status, hash, created_at, published_at FROM catalog_versions ORDER BY created_at, version');
    return rows.map(catalogHeadFrom);
  }

  async getPublishedCatalog(at?: Instant): Promise<CatalogVersionRow | null> {
    const r = await this.db.one(
      `SELECT v.* FROM catalog_publications p JOIN catalog_versions v ON v.catalog_id = p.catalog_id AND v.version = p.version
       WHERE p.published_at <= $1 ORDER BY p.published_at DESC, p.id DESC LIMIT 1`,
      [at ?? Number.MAX_SAFE_INTEGER],
    );
    return r ? catalogFrom(r) : null;
  }

  async publishedCatalogRef(at?: Instant): Promise<{ catalogId: string; version: string } | null> {
    const r = await this.db.one('SELECT catalog_id, version FROM catalog_publications WHERE published_at <= $1 ORDER BY published_at DESC, id DESC LIMIT 1', [at ?? Number.MAX_SAFE_INTEGER]);
    return r ? { catalogId: r.catalog_id as string, version: r.version as string } : null;
  }
}
