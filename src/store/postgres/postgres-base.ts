/**
 * The PostgreSQL adapter's foundation: the pool, transactions and migrations, meta, the audit
 * chain, catalog versions, API keys, due-process cases and the notice outbox. `PostgresStore`
 * (postgres-store.ts) adds subjects, records and derived state; the split only shortens files.
 *
 * Many processes may share one database (several API processes, import and stream workers), so
 * whatever must be in one order across them is appended under one transaction-scoped advisory
 * lock, taken as late as possible: the audit chain (its head is read under the lock) and the
 * state change feed (its sequence numbers are then handed out in commit order, so a reader that
 * has seen number n has seen everything before it).
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { chainEntries, type AuditEntry, type AuditEntryInput } from '../../audit/index.js';
import type { Instant, StatusChange } from '../../domain/types.js';
import type { ApiKeyRow, AuditQuery, CaseEffects, CaseQuery, CaseRow, CatalogVersionRow, NoticeRow } from '../port.js';
import { CaseConflictError } from '../port.js';
import { PG_MIGRATIONS } from './migrations.js';
import { auditFrom, caseFrom, catalogFrom, catalogHeadFrom, keyFrom, noticeFrom } from '../rows.js';

export type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Client = pg.PoolClient;

/** The advisory lock key that orders appends to the audit chain and the change feed ("xinyong"). */
export const APPEND_LOCK = 0x78696e796f6e67;
/** The advisory lock key of `runExclusive(name)` in a schema: 64 bits of a hash of both. */
export function exclusiveLockKey(schema: string | null, name: string): string {
  return createHash('sha256').update(`xinyong:${schema ?? ''}:${name}`).digest().readBigInt64BE(0).toString();
}

/** The channel `saveStates` notifies on commit; API processes LISTEN to it. */
export const STATE_CHANNEL = 'xy_state_changes';

/** BIGINT (int8) as a JS number: every BIGINT here is an epoch-ms instant or a sequence number, far below 2^53. */
const TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

/** A connection string without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/**
 * Splits the adapter's own `schema` parameter off a connection string: `?schema=name` puts every
 * table in that schema (created by `migrate`), so several stores can share one database.
 */
export function parseUrl(url: string): { connectionString: string; schema: string | null } {
  const u = new URL(url);
  const schema = u.searchParams.get('schema');
  u.searchParams.delete('schema');
  if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`schema must be a lower-case SQL identifier, got '${schema}'`);
  return { connectionString: u.toString(), schema };
}

/** A value in COPY's text format: backslash, tab, newline and carriage return escaped; `\N` is NULL. */
export function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  if (typeof v === 'number') return String(v);
  return String(v).replace(/[\\\t\n\r]/g, (ch) => (ch === '\\' ? '\\\\' : ch === '\t' ? '\\t' : ch === '\n' ? '\\n' : '\\r'));
}

/**
 * COPYs rows into a table: the fastest way in for rows that cannot conflict. A row that does
 * (another process stored it meanwhile) fails the statement with a unique violation; `tx` callers
 * that COPY retry then (see `PostgresStore.ingest`).
 */
export async function copyRows(c: Client, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const text = rows.map((r) => r.map(copyText).join('\t') + '\n').join('');
  await pipeline(Readable.from([text]), c.query(copyFrom(`COPY ${table} (${columns.join(', ')}) FROM STDIN`)));
}

export abstract class PostgresBase {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;
  readonly schema: string | null;
  readonly connectionString: string;

  constructor(readonly url: string, opts: { max?: number } = {}) {
    const { connectionString, schema } = parseUrl(url);
    this.schema = schema;
    this.connectionString = connectionString;
    this.pool = new pg.Pool({
      connectionString,
      max: opts.max ?? 8,
      types: TYPES,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
      application_name: 'xinyong',
    });
    // An idle connection that the server drops (a restart, a failover) is an error on the pool;
    // the pool replaces it, and the next query reconnects.
    this.pool.on('error', () => {});
  }

  /**
   * A connection of the pool for `fn`, released afterwards, or closed if it failed. A connection
   * lost while held (a restart, a failover) fails the query in hand, and is also reported on the
   * connection, which the pool stops listening to while it is checked out: unheard, that report
   * would bring the process down. So it is heard here, and recorded in `conn.broken`.
   */
  private async withClient<T>(fn: (c: Client, conn: { broken?: Error }) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    const conn: { broken?: Error } = {};
    const onError = (e: Error) => (conn.broken = e);
    c.on('error', onError);
    try {
      return await fn(c, conn);
    } finally {
      c.off('error', onError);
      c.release(conn.broken);
    }
  }

  /** Runs `fn` in one transaction on one connection; rolls back on any error. */
  protected async tx<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    return this.withClient(async (c, conn) => {
      try {
        await c.query('BEGIN');
        const out = await fn(c);
        await c.query('COMMIT');
        return out;
      } catch (err) {
        if (!conn.broken) await c.query('ROLLBACK').catch((e: Error) => (conn.broken = e));
        throw err;
      }
    });
  }

  /**
   * A session advisory lock named by this schema and `name`, held on a connection of its own
   * while `fn` runs (on any connections). `pg_try_advisory_lock` does not wait: a process that
   * finds it taken skips its turn. A process that dies loses its session, and so its lock; so
   * does one whose lock connection drops (a failover), and `fn` then finishes unguarded, which
   * is harmless for work that may be repeated.
   */
  async runExclusive<T>(name: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    const key = exclusiveLockKey(this.schema, name);
    return this.withClient(async (c, conn) => {
      const locked = (await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key])).rows[0].ok;
      if (!locked) return { ran: false };
      try {
        return { ran: true, value: await fn() };
      } finally {
        // A failed unlock closes the connection, which ends the lock too.
        if (!conn.broken) await c.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch((e: Error) => (conn.broken = e));
      }
    });
  }

  protected async q(sql: string, args: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, args)).rows;
  }

  protected async one(sql: string, args: unknown[] = []): Promise<Row | undefined> {
    return (await this.pool.query(sql, args)).rows[0];
  }

  async migrate(): Promise<void> {
    await this.tx(async (c) => {
      // One migrator at a time, whichever process starts first.
      await c.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK + 1]);
      if (this.schema) {
        await c.query(`CREATE SCHEMA IF NOT EXISTS ${this.schema}`);
        await c.query(`SET LOCAL search_path TO ${this.schema}`);
      }
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      const done = new Set((await c.query('SELECT version FROM schema_migrations')).rows.map((r: Row) => r.version as number));
      for (const m of PG_MIGRATIONS) {
        if (done.has(m.version)) continue;
        await c.query(m.sql);
        await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
  }

  async getMeta(key: string): Promise<string | null> {
    const r = await this.one('SELECT value FROM meta WHERE key = $1', [key]);
    return r ? (r.value as string) : null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.q('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  // ---- audit (callers hold the transaction)

  protected async appendAuditTx(c: Client, inputs: AuditEntryInput[]): Promise<AuditEntry[]> {
    if (inputs.length === 0) return [];
    await c.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
    const head = (await c.query('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1')).rows[0] as Row | undefined;
    const entries = chainEntries(head ? { seq: head.seq as number, hash: head.hash as string } : null, inputs);
    await c.query(
      `INSERT INTO audit_log (seq, at, actor, action, subject_id, data, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])`,
      [
        entries.map((e) => e.seq), entries.map((e) => e.at), entries.map((e) => e.actor), entries.map((e) => e.action),
        entries.map((e) => e.subjectId), entries.map((e) => JSON.stringify(e.data)), entries.map((e) => e.prevHash), entries.map((e) => e.hash),
      ],
    );
    const receipts: [string, number][] = [];
    const days = new Map<string, [string, number, string, string, number]>();
    for (const [i, e] of entries.entries()) {
      const subjects = inputs[i].subjects;
      if (subjects?.length) {
        const day = Math.floor(e.at / 86_400_000);
        const key = inputs[i].subjectsKey ?? e.action;
        for (const id of subjects) {
          const k = `${id}|${day}|${e.actor}|${key}`;
          if (!days.has(k)) days.set(k, [id, day, e.actor, key, e.seq]);
        }
      }
      const receipt = e.action === 'check.decided' ? (e.data as { receipt?: unknown } | null)?.receipt : undefined;
      if (typeof receipt === 'string') receipts.push([receipt, e.seq]);
    }
    if (receipts.length) {
      await c.query('INSERT INTO check_receipts (receipt, audit_seq) SELECT * FROM unnest($1::text[], $2::bigint[])', [receipts.map((r) => r[0]), receipts.map((r) => r[1])]);
    }
    if (days.size) {
      const rows = [...days.values()];
      await c.query(
        `INSERT INTO audit_subject_days (subject_id, day, actor, key, seq) SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bigint[])
         ON CONFLICT DO NOTHING`,
        [rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]), rows.map((r) => r[3]), rows.map((r) => r[4])],
      );
    }
    return entries;
  }

  async appendAudit(inputs: AuditEntryInput[]): Promise<AuditEntry[]> {
    if (inputs.length === 0) return [];
    return this.tx((c) => this.appendAuditTx(c, inputs));
  }

  async findReceipt(receipt: string): Promise<AuditEntry | null> {
    const r = await this.one('SELECT a.* FROM check_receipts c JOIN audit_log a ON a.seq = c.audit_seq WHERE c.receipt = $1', [receipt]);
    return r ? auditFrom(r) : null;
  }

  async auditPage(q: AuditQuery): Promise<AuditEntry[]> {
    const args: unknown[] = [q.before ?? Number.MAX_SAFE_INTEGER];
    const where: string[] = ['seq < $1'];
    if (q.subjectId !== undefined) {
      args.push(q.subjectId);
      where.push(`(subject_id = $${args.length} OR seq IN (SELECT seq FROM audit_subject_days WHERE subject_id = $${args.length}))`);
    }
    if (q.actions?.length) (args.push(q.actions), where.push(`action = ANY($${args.length}::text[])`));
    args.push(q.limit);
    const rows = await this.q(`SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${args.length}`, args);
    return rows.map((r) => auditFrom(r));
  }

  async auditHead(): Promise<{ seq: number; hash: string } | null> {
    const r = await this.one('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    return r ? { seq: r.seq as number, hash: r.hash as string } : null;
  }

  async *scanAudit(fromSeq = 1): AsyncIterable<AuditEntry> {
    let seq = fromSeq - 1;
    for (;;) {
      const rows = await this.q('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 2000', [seq]);
      if (rows.length === 0) return;
      for (const r of rows) {
        seq = r.seq as number;
        yield auditFrom(r);
      }
    }
  }

  // ---- API keys

  async createApiKey(k: ApiKeyRow, audit: AuditEntryInput): Promise<void> {
    await this.tx(async (c) => {
      await c.query(
        'INSERT INTO api_keys (id, name, role, scopes, source, subject_id, secret_hash, created_at, created_by, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
        [k.id, k.name, k.role, JSON.stringify(k.scopes), k.source, k.subjectId, k.secretHash, k.createdAt, k.createdBy, k.revokedAt],
      );
      await this.appendAuditTx(c, [audit]);
    });
  }

  async getApiKey(id: string): Promise<ApiKeyRow | null> {
    const r = await this.one('SELECT * FROM api_keys WHERE id = $1', [id]);
    return r ? keyFrom(r) : null;
  }

  async listApiKeys(): Promise<ApiKeyRow[]> {
    return (await this.q('SELECT * FROM api_keys ORDER BY created_at, id')).map((r) => keyFrom(r));
  }

  async revokeApiKey(id: string, at: Instant, audit: AuditEntryInput): Promise<boolean> {
    return this.tx(async (c) => {
      const changed = ((await c.query('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [at, id])).rowCount ?? 0) > 0;
      if (changed) await this.appendAuditTx(c, [audit]);
      return changed;
    });
  }

  // ---- catalog versions

  async saveCatalogVersion(row: CatalogVersionRow, audit: AuditEntryInput): Promise<void> {
    await this.tx(async (c) => {
      await c.query(
        `INSERT INTO catalog_versions (catalog_id, version, status, hash, doc, created_at, published_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (catalog_id, version) DO UPDATE SET status = excluded.status, hash = excluded.hash, doc = excluded.doc, published_at = excluded.published_at
         WHERE catalog_versions.status = 'draft'`,
        [row.catalogId, row.version, row.status, row.hash, JSON.stringify(row.doc), row.createdAt, row.publishedAt],
      );
      await this.appendAuditTx(c, [audit]);
    });
  }

  async publishCatalogVersion(catalogId: string, version: string, at: Instant, audit: AuditEntryInput): Promise<void> {
    await this.tx(async (c) => {
      // published_at keeps the first publication; every publication (a rollback too) is an event.
      await c.query("UPDATE catalog_versions SET status = 'published', published_at = COALESCE(published_at, $1) WHERE catalog_id = $2 AND version = $3", [at, catalogId, version]);
      await c.query('INSERT INTO catalog_publications (catalog_id, version, published_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [catalogId, version, at]);
      await this.appendAuditTx(c, [audit]);
    });
  }

  async getCatalogVersion(catalogId: string, version: string): Promise<CatalogVersionRow | null> {
    const r = await this.one('SELECT * FROM catalog_versions WHERE catalog_id = $1 AND version = $2', [catalogId, version]);
    return r ? catalogFrom(r) : null;
  }

  async listCatalogVersions(): Promise<Omit<CatalogVersionRow, 'doc'>[]> {
    const rows = await this.q('SELECT catalog_id, version, status, hash, created_at, published_at FROM catalog_versions ORDER BY created_at, version');
    return rows.map(catalogHeadFrom);
  }

  async getPublishedCatalog(at?: Instant): Promise<CatalogVersionRow | null> {
    const r = await this.one(
      `SELECT v.* FROM catalog_publications p JOIN catalog_versions v ON v.catalog_id = p.catalog_id AND v.version = p.version
       WHERE p.published_at <= $1 ORDER BY p.published_at DESC, p.id DESC LIMIT 1`,
      [at ?? Number.MAX_SAFE_INTEGER],
    );
    return r ? catalogFrom(r) : null;
  }

  async publishedCatalogRef(at?: Instant): Promise<{ catalogId: string; version: string } | null> {
    const r = await this.one('SELECT catalog_id, version FROM catalog_publications WHERE published_at <= $1 ORDER BY published_at DESC, id DESC LIMIT 1', [at ?? Number.MAX_SAFE_INTEGER]);
    return r ? { catalogId: r.catalog_id as string, version: r.version as string } : null;
  }

  // ---- record status and dirty marks (callers hold the transaction)

  /**
   * Marks subjects dirty: new ones with the first instant given, marked ones bumped by how often
   * they appear (an in-flight derivation then does not clear them). Sorted, so that concurrent
   * writers lock rows in one order and cannot deadlock on them.
   */
  protected async markDirtyTx(c: Client, marks: [id: string, since: Instant][]): Promise<void> {
    if (marks.length === 0) return;
    const by = new Map<string, { since: Instant; n: number }>();
    for (const [id, since] of marks) {
      const m = by.get(id);
      if (m) m.n++;
      else by.set(id, { since, n: 1 });
    }
    const ids = [...by.keys()].sort();
    await c.query(
      `INSERT INTO dirty_subjects (subject_id, since, mark) SELECT * FROM unnest($1::text[], $2::bigint[], $3::int[])
       ON CONFLICT (subject_id) DO UPDATE SET mark = dirty_subjects.mark + excluded.mark`,
      [ids, ids.map((id) => by.get(id)!.since), ids.map((id) => by.get(id)!.n)],
    );
  }

  protected async addRecordStatusTx(c: Client, recordId: string, change: StatusChange): Promise<void> {
    // The record's row lock orders concurrent status changes of one record.
    const r = (await c.query('SELECT subject_id FROM records WHERE id = $1 FOR UPDATE', [recordId])).rows[0] as Row | undefined;
    if (!r) throw new Error(`no record ${recordId}`);
    const m = (await c.query('SELECT MAX(seq) AS m FROM record_status WHERE subject_id = $1 AND record_id = $2', [r.subject_id, recordId])).rows[0] as Row;
    await c.query('INSERT INTO record_status (subject_id, record_id, seq, status, at, actor, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      r.subject_id, recordId, ((m.m as number | null) ?? 0) + 1, change.status, change.at, change.actor, change.reason,
    ]);
    await this.markDirtyTx(c, [[r.subject_id as string, change.at]]);
  }

  // ---- due-process cases and the notice outbox

  protected async addNoticesTx(c: Client, notices: NoticeRow[]): Promise<void> {
    if (notices.length === 0) return;
    const col = <K extends keyof NoticeRow>(k: K) => notices.map((n) => n[k]);
    await c.query(
      `INSERT INTO notices (id, subject_id, kind, created_at, payload, status, attempts, next_attempt_at, last_error, delivered_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::int[], $8::bigint[], $9::text[], $10::bigint[])
       ON CONFLICT (id) DO NOTHING`,
      [col('id'), col('subjectId'), col('kind'), col('createdAt'), notices.map((n) => JSON.stringify(n.payload)), col('status'), col('attempts'), col('nextAttemptAt'), col('lastError'), col('deliveredAt')],
    );
  }

  async saveCase(cs: CaseRow, effects: CaseEffects): Promise<void> {
    await this.tx(async (c) => {
      if (effects.expectStatus !== undefined) {
        // FOR UPDATE: two decisions on one case, in two processes, take turns here.
        const cur = (await c.query('SELECT status FROM cases WHERE id = $1 FOR UPDATE', [cs.id])).rows[0] as Row | undefined;
        const found = cur ? (cur.status as string) : null;
        if (found !== effects.expectStatus) throw new CaseConflictError(cs.id, found);
      }
      const res = await c.query(
        `INSERT INTO cases (subject_id, id, kind, status, deadline, created_at, doc) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (subject_id, id) DO ${effects.expectStatus === null ? 'NOTHING' : 'UPDATE SET status = excluded.status, deadline = excluded.deadline, doc = excluded.doc'}`,
        [cs.subjectId, cs.id, cs.kind, cs.status, cs.deadline, cs.createdAt, JSON.stringify(cs.doc)],
      );
      // A case that must be new, created meanwhile by another process.
      if (effects.expectStatus === null && res.rowCount === 0) throw new CaseConflictError(cs.id, (await c.query('SELECT status FROM cases WHERE id = $1', [cs.id])).rows[0]?.status ?? null);
      for (const { recordId, change } of effects.statuses ?? []) await this.addRecordStatusTx(c, recordId, change);
      await this.addNoticesTx(c, effects.notices ?? []);
      await this.appendAuditTx(c, [effects.audit]);
    });
  }

  async getCase(id: string): Promise<CaseRow | null> {
    const r = await this.one('SELECT * FROM cases WHERE id = $1', [id]);
    return r ? caseFrom(r) : null;
  }

  /** The WHERE clause (and its arguments) of a case query. */
  private caseWhere(q: Omit<CaseQuery, 'limit'>): { sql: string; args: unknown[] } {
    const args: unknown[] = [q.kind];
    const where = ['kind = $1'];
    if (q.statuses?.length) (args.push(q.statuses), where.push(`status = ANY($${args.length}::text[])`));
    if (q.subjectId !== undefined) (args.push(q.subjectId), where.push(`subject_id = $${args.length}`));
    if (q.deadlineBefore !== undefined) (args.push(q.deadlineBefore), where.push(`deadline IS NOT NULL AND deadline < $${args.length}`));
    return { sql: where.join(' AND '), args };
  }

  async listCases(q: CaseQuery): Promise<CaseRow[]> {
    const { sql, args } = this.caseWhere(q);
    const rows = await this.q(`SELECT * FROM cases WHERE ${sql} ORDER BY deadline IS NULL, deadline, created_at, id LIMIT $${args.length + 1}`, [...args, q.limit]);
    return rows.map((r) => caseFrom(r));
  }

  async countCases(q: Omit<CaseQuery, 'limit'>): Promise<number> {
    const { sql, args } = this.caseWhere(q);
    return (await this.one(`SELECT COUNT(*) AS n FROM cases WHERE ${sql}`, args))!.n as number;
  }

  async addNotices(notices: NoticeRow[]): Promise<void> {
    if (notices.length) await this.tx((c) => this.addNoticesTx(c, notices));
  }

  async dueNotices(now: Instant, limit: number): Promise<NoticeRow[]> {
    return (await this.q("SELECT * FROM notices WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, created_at, id LIMIT $2", [now, limit])).map((r) => noticeFrom(r));
  }

  async updateNotice(id: string, p: Pick<NoticeRow, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'deliveredAt'>): Promise<void> {
    await this.q('UPDATE notices SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4, delivered_at = $5 WHERE id = $6', [p.status, p.attempts, p.nextAttemptAt, p.lastError, p.deliveredAt, id]);
  }

  async listNotices(q: { subjectId?: string; status?: NoticeRow['status']; limit: number }): Promise<NoticeRow[]> {
    const args: unknown[] = [];
    const where: string[] = ['TRUE'];
    if (q.subjectId !== undefined) (args.push(q.subjectId), where.push(`subject_id = $${args.length}`));
    if (q.status !== undefined) (args.push(q.status), where.push(`status = $${args.length}`));
    args.push(q.limit);
    return (await this.q(`SELECT * FROM notices WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${args.length}`, args)).map((r) => noticeFrom(r));
  }
}
