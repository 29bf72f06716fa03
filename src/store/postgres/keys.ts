/** API keys on PostgreSQL. */
import type { AuditEntryInput } from '../../audit/index.js';
import type { Instant } from '../../domain/types.js';
import type { ApiKeyRow, ApiKeysPort } from '../port/index.js';
import { keyFrom } from '../rows.js';
import type { PostgresDb } from './db.js';

export class PostgresKeys implements ApiKeysPort {
  constructor(private readonly db: PostgresDb) {}

  async createApiKey(k: ApiKeyRow, audit: AuditEntryInput): Promise<void> {
    await this.db.tx(async (c) => {
      await c.query(
        'INSERT INTO api_keys (id, name, role, scopes, source, subject_id, secret_hash, created_at, created_by, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
        [k.id, k.name, k.role, JSON.stringify(k.scopes), k.source, k.subjectId, k.secretHash, k.createdAt, k.createdBy, k.revokedAt],
      );
      await this.db.appendAuditTx(c, [audit]);
    });
  }

  async getApiKey(id: string): Promise<ApiKeyRow | null> {
    const r = await this.db.one('SELECT * FROM api_keys WHERE id = $1', [id]);
    return r ? keyFrom(r) : null;
  }

  async listApiKeys(): Promise<ApiKeyRow[]> {
    return (await this.db.q('SELECT * FROM api_keys ORDER BY created_at, id')).map((r) => keyFrom(r));
  }

  async revokeApiKey(id: string, at: Instant, audit: AuditEntryInput): Promise<boolean> {
    return this.db.tx(async (c) => {
      const changed = ((await c.query('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])).rowCount ?? 0) > 0;
      if (changed) await this.db.appendAuditTx(c, [audit]);
      return changed;
    });
  }
}
