/** API keys on SQLite. */
import type { AuditEntryInput } from '../../audit/index.js';
import type { Instant } from '../../domain/types.js';
import type { ApiKeyRow, ApiKeysPort } from '../port/index.js';
import { keyFrom } from '../rows.js';
import type { Row, SqliteDb } from './db.js';

export class SqliteKeys implements ApiKeysPort {
  constructor(private readonly db: SqliteDb) {}

  async createApiKey(k: ApiKeyRow, audit: AuditEntryInput): Promise<void> {
    this.db.tx(() => {
      this.db.st('INSERT INTO api_keys (id, name, role, scopes, source, subject_id, secret_hash, created_at, created_by, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        k.id, k.name, k.role, JSON.stringify(k.scopes), k.source, k.subjectId, k.secretHash, k.createdAt, k.createdBy, k.revokedAt,
      );
      this.db.appendAuditSync([audit]);
    });
  }

  async getApiKey(id: string): Promise<ApiKeyRow | null> {
    const r = this.db.st('SELECT * FROM api_keys WHERE id = ?').get(id) as Row | undefined;
    return r ? keyFrom(r) : null;
  }

  async listApiKeys(): Promise<ApiKeyRow[]> {
    return (this.db.st('SELECT * FROM api_keys ORDER BY created_at, id').all() as Row[]).map((r) => keyFrom(r));
  }

  async revokeApiKey(id: string, at: Instant, audit: AuditEntryInput): Promise<boolean> {
    return this.db.tx(() => {
      const changed = this.db.st('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes > 0;
      if (changed) this.db.appendAuditSync([audit]);
      return changed;
    });
  }
}
