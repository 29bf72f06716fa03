/** Catalog versions and their publications on PostgreSQL. */
import type { AuditEntryInput } from '../../audit/index.js';
import type { Instant } from '../../domain/types.js';
import type { CatalogPort, CatalogVersionRow } from '../port/index.js';
import { catalogFrom, catalogHeadFrom } from '../rows.js';
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

  async publishCatalogVersion(catalogId: string, version: string, at: Instant, audit: AuditEntryInput): Promise<void> {
    await this.db.tx(async (c) => {
      // published_at keeps the first publication; every publication (a rollback too) is an event.
      await c.query("UPDATE catalog_versions SET status = 'published', published_at = COALESCE(published_at, $1) WHERE catalog_id = $2 AND version = $3", [at, catalogId, version]);
      await c.query('INSERT INTO catalog_publications (catalog_id, version, published_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [catalogId, version, at]);
      await this.db.appendAuditTx(c, [audit]);
    });
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
