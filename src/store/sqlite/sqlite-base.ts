/**
 * The SQLite adapter's foundation: the connection, statements, transactions and migrations, meta,
 * the audit chain, catalog versions and API keys. `SqliteStore` (sqlite-store.ts) adds subjects,
 * records and derived state on top; the layers only split a long file, the port is the class.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { chainEntries, type AuditEntry, type AuditEntryInput } from '../../audit/index.js';
import type { Instant, StatusChange } from '../../domain/types.js';
import type { ApiKeyRow, AuditQuery, CatalogVersionRow } from '../port.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { auditFrom, catalogFrom, catalogHeadFrom, keyFrom } from '../rows.js';

export type Row = Record<string, unknown>;

export const IN_JSON = '(SELECT value FROM json_each(?))';
/** Marks a subject dirty; marking it again bumps its mark, so an in-flight derivation will not clear it. */
export const DIRTY_SQL = 'INSERT INTO dirty_subjects (subject_id, since) VALUES (?, ?) ON CONFLICT(subject_id) DO UPDATE SET mark = mark + 1';

export abstract class SqliteBase {
  readonly dialect = 'sqlite' as const;
  readonly db: Database.Database;
  protected readonly stmts = new Map<string, Database.Statement>();

  constructor(readonly path: string) {
    const fresh = path !== ':memory:' && !existsSync(path);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // Names, masked identifiers and records: readable by the service's user only.
    if (fresh) chmodSync(path, 0o600);
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit that returned survives a power cut too, not only a killed process.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
  }

  protected readonly rawStmts = new Map<string, Database.Statement>();
  /** Subject-day index keys this connection has written (see appendAuditSync). */
  protected readonly indexed = new Set<string>();

  /**
   * Runs `fn` in a write transaction taken at BEGIN IMMEDIATE: a transaction that reads and then
   * writes (the audit head, say) must not fail with SQLITE_BUSY when another process (a CLI
   * import beside a running server) writes at the same moment; it waits for busy_timeout instead.
   */
  protected tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** A prepared statement returning rows as arrays. */
  protected rawSt(sql: string): Database.Statement {
    let s = this.rawStmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql).raw(true);
      this.rawStmts.set(sql, s);
    }
    return s;
  }

  protected st(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  async migrate(): Promise<void> {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const done = new Set((this.db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => r.version as number));
    for (const m of SQLITE_MIGRATIONS) {
      if (done.has(m.version)) continue;
      this.tx(() => {
        this.db.exec(m.sql);
        this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      });
    }
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }

  async getMeta(key: string): Promise<string | null> {
    const r = this.st('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined;
    return r ? (r.value as string) : null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.st('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  // ---- audit (callers hold the transaction)

  protected appendAuditSync(inputs: AuditEntryInput[]): AuditEntry[] {
    if (inputs.length === 0) return [];
    const head = this.st('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as Row | undefined;
    const entries = chainEntries(head ? { seq: head.seq as number, hash: head.hash as string } : null, inputs);
    const ins = this.st('INSERT INTO audit_log (seq, at, actor, action, subject_id, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const rc = this.st('INSERT INTO check_receipts (receipt, audit_seq) VALUES (?, ?)');
    const about = this.st('INSERT OR IGNORE INTO audit_subject_days (subject_id, day, actor, key, seq) VALUES (?, ?, ?, ?, ?)');
    for (const [i, e] of entries.entries()) {
      ins.run(e.seq, e.at, e.actor, e.action, e.subjectId, JSON.stringify(e.data), e.prevHash, e.hash);
      const subjects = inputs[i].subjects;
      if (subjects?.length) {
        const day = Math.floor(e.at / 86_400_000);
        const key = inputs[i].subjectsKey ?? e.action;
        // Repeats (the same screening run again the same day) are skipped in memory, not looked up.
        const prefix = `${day}|${e.actor}|${key}|`;
        if (this.indexed.size > 500_000) this.indexed.clear();
        for (const id of subjects) {
          const k = prefix + id;
          if (this.indexed.has(k)) continue;
          this.indexed.add(k);
          about.run(id, day, e.actor, key, e.seq);
        }
      }
      const receipt = e.action === 'check.decided' ? (e.data as { receipt?: unknown } | null)?.receipt : undefined;
      if (typeof receipt === 'string') rc.run(receipt, e.seq);
    }
    return entries;
  }

  async appendAudit(inputs: AuditEntryInput[]): Promise<AuditEntry[]> {
    try {
      return this.tx(() => this.appendAuditSync(inputs));
    } catch (err) {
      // The transaction rolled back: forget index keys it may have noted as written.
      this.indexed.clear();
      throw err;
    }
  }

  async findReceipt(receipt: string): Promise<AuditEntry | null> {
    const r = this.st('SELECT a.* FROM check_receipts c JOIN audit_log a ON a.seq = c.audit_seq WHERE c.receipt = ?').get(receipt) as Row | undefined;
    return r ? auditFrom(r) : null;
  }

  async auditPage(q: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = ['seq < ?'];
    const args: unknown[] = [q.before ?? Number.MAX_SAFE_INTEGER];
    if (q.subjectId !== undefined) {
      where.push('(subject_id = ? OR seq IN (SELECT seq FROM audit_subject_days WHERE subject_id = ?))');
      args.push(q.subjectId, q.subjectId);
    }
    if (q.actions?.length) (where.push(`action IN ${IN_JSON}`), args.push(JSON.stringify(q.actions)));
    const rows = this.st(`SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`).all(...args, q.limit) as Row[];
    return rows.map((r) => auditFrom(r));
  }

  async auditHead(): Promise<{ seq: number; hash: string } | null> {
    const r = this.st('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as Row | undefined;
    return r ? { seq: r.seq as number, hash: r.hash as string } : null;
  }

  async *scanAudit(fromSeq = 1): AsyncIterable<AuditEntry> {
    let seq = fromSeq - 1;
    const page = this.st('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 2000');
    for (;;) {
      const rows = page.all(seq) as Row[];
      if (rows.length === 0) return;
      for (const r of rows) {
        seq = r.seq as number;
        yield auditFrom(r);
      }
    }
  }

  // ---- API keys

  async createApiKey(k: ApiKeyRow, audit: AuditEntryInput): Promise<void> {
    this.tx(() => {
      this.st('INSERT INTO api_keys (id, name, role, scopes, source, subject_id, secret_hash, created_at, created_by, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        k.id, k.name, k.role, JSON.stringify(k.scopes), k.source, k.subjectId, k.secretHash, k.createdAt, k.createdBy, k.revokedAt,
      );
      this.appendAuditSync([audit]);
    });
  }

  async getApiKey(id: string): Promise<ApiKeyRow | null> {
    const r = this.st('SELECT * FROM api_keys WHERE id = ?').get(id) as Row | undefined;
    return r ? keyFrom(r) : null;
  }

  async listApiKeys(): Promise<ApiKeyRow[]> {
    return (this.st('SELECT * FROM api_keys ORDER BY created_at, id').all() as Row[]).map((r) => keyFrom(r));
  }

  async revokeApiKey(id: string, at: Instant, audit: AuditEntryInput): Promise<boolean> {
    return this.tx(() => {
      const changed = this.st('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes > 0;
      if (changed) this.appendAuditSync([audit]);
      return changed;
    });
  }

  // ---- catalog versions

  async saveCatalogVersion(row: CatalogVersionRow, audit: AuditEntryInput): Promise<void> {
    this.tx(() => {
      this.st(
        `INSERT INTO catalog_versions (catalog_id, version, status, hash, doc, created_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(catalog_id, version) DO UPDATE SET status = excluded.status, hash = excluded.hash, doc = excluded.doc, published_at = excluded.published_at
         WHERE catalog_versions.status = 'draft'`,
      ).run(row.catalogId, row.version, row.status, row.hash, JSON.stringify(row.doc), row.createdAt, row.publishedAt);
      this.appendAuditSync([audit]);
    });
  }

  async publishCatalogVersion(catalogId: string, version: string, at: Instant, audit: AuditEntryInput): Promise<void> {
    this.tx(() => {
      // published_at keeps the first publication; every publication (a rollback too) is an event.
      this.st("UPDATE catalog_versions SET status = 'published', published_at = COALESCE(published_at, ?) WHERE catalog_id = ? AND version = ?").run(at, catalogId, version);
      this.st('INSERT OR IGNORE INTO catalog_publications (catalog_id, version, published_at) VALUES (?, ?, ?)').run(catalogId, version, at);
      this.appendAuditSync([audit]);
    });
  }

  async getCatalogVersion(catalogId: string, version: string): Promise<CatalogVersionRow | null> {
    const r = this.st('SELECT * FROM catalog_versions WHERE catalog_id = ? AND version = ?').get(catalogId, version) as Row | undefined;
    return r ? catalogFrom(r) : null;
  }

  async listCatalogVersions(): Promise<Omit<CatalogVersionRow, 'doc'>[]> {
    const rows = this.st('SELECT catalog_id, version, status, hash, created_at, published_at FROM catalog_versions ORDER BY created_at, version').all() as Row[];
    return rows.map(catalogHeadFrom);
  }

  async getPublishedCatalog(at?: Instant): Promise<CatalogVersionRow | null> {
    const r = this.st(
      `SELECT v.* FROM catalog_publications p JOIN catalog_versions v ON v.catalog_id = p.catalog_id AND v.version = p.version
       WHERE p.published_at <= ? ORDER BY p.published_at DESC, p.rowid DESC LIMIT 1`,
    ).get(at ?? Number.MAX_SAFE_INTEGER) as Row | undefined;
    return r ? catalogFrom(r) : null;
  }

  async publishedCatalogRef(at?: Instant): Promise<{ catalogId: string; version: string } | null> {
    const r = this.st('SELECT catalog_id, version FROM catalog_publications WHERE published_at <= ? ORDER BY published_at DESC, rowid DESC LIMIT 1').get(at ?? Number.MAX_SAFE_INTEGER) as Row | undefined;
    return r ? { catalogId: r.catalog_id as string, version: r.version as string } : null;
  }

  protected addRecordStatusSync(recordId: string, change: StatusChange): void {
    const r = this.st('SELECT subject_id FROM records WHERE id = ?').get(recordId) as Row | undefined;
    if (!r) throw new Error(`no record ${recordId}`);
    const seq = ((this.st('SELECT MAX(seq) AS m FROM record_status WHERE record_id = ?').get(recordId) as Row).m as number | null) ?? 0;
    this.st('INSERT INTO record_status (record_id, subject_id, seq, status, at, actor, reason) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      recordId, r.subject_id, seq + 1, change.status, change.at, change.actor, change.reason,
    );
    this.st(DIRTY_SQL).run(r.subject_id, change.at);
  }
}
