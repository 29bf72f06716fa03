/**
 * The PostgreSQL adapter's connection, shared by its parts (one file per sub-port): the pool,
 * transactions, and what several parts write inside their transactions (the audit chain, dirty
 * marks, record status changes, notices), with the helpers for connection strings and COPY.
 *
 * Many processes may share one database (several API processes, import and stream workers), so
 * whatever must be in one order across them is appended under one transaction-scoped advisory
 * lock, taken as late as possible: the audit chain (its head is read under the lock) and the
 * state change feed (its sequence numbers are then handed out in commit order, so a reader that
 * has seen number n has seen everything before it).
 */
import { AUDIT } from '../../audit/actions.js';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { chainEntries, type AuditEntry, type AuditEntryInput } from '../../audit/index.js';
import type { Instant, StatusChange } from '../../domain/types.js';
import type { NoticeRow } from '../port/index.js';
import { hidePassword } from '../url.js';

export { hidePassword };

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

export class PostgresDb {
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
  async withClient<T>(fn: (c: Client, conn: { broken?: Error }) => Promise<T>): Promise<T> {
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
  async tx<T>(fn: (c: Client) => Promise<T>): Promise<T> {
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

  async q(sql: string, args: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, args)).rows;
  }

  async one(sql: string, args: unknown[] = []): Promise<Row | undefined> {
    return (await this.pool.query(sql, args)).rows[0];
  }

  // ---- audit (callers hold the transaction)

  async appendAuditTx(c: Client, inputs: AuditEntryInput[]): Promise<AuditEntry[]> {
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
      const receipt = e.action === AUDIT.checkDecided ? (e.data as { receipt?: unknown } | null)?.receipt : undefined;
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

  // ---- record status and dirty marks (callers hold the transaction)

  /**
   * Marks subjects dirty: new ones with the first instant given, marked ones bumped by how often
   * they appear (an in-flight derivation then does not clear them). Sorted, so that concurrent
   * writers lock rows in one order and cannot deadlock on them.
   */
  async markDirtyTx(c: Client, marks: [id: string, since: Instant][]): Promise<void> {
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

  async addRecordStatusTx(c: Client, recordId: string, change: StatusChange): Promise<void> {
    // The record's row lock orders concurrent status changes of one record.
    const r = (await c.query('SELECT subject_id FROM records WHERE id = $1 FOR UPDATE', [recordId])).rows[0] as Row | undefined;
    if (!r) throw new Error(`no record ${recordId}`);
    const m = (await c.query('SELECT MAX(seq) AS m FROM record_status WHERE subject_id = $1 AND record_id = $2', [r.subject_id, recordId])).rows[0] as Row;
    await c.query('INSERT INTO record_status (subject_id, record_id, seq, status, at, actor, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
      r.subject_id, recordId, ((m.m as number | null) ?? 0) + 1, change.status, change.at, change.actor, change.reason,
    ]);
    await this.markDirtyTx(c, [[r.subject_id as string, change.at]]);
  }

  // ---- notices (callers hold the transaction)

  async addNoticesTx(c: Client, notices: NoticeRow[]): Promise<void> {
    if (notices.length === 0) return;
    const col = <K extends keyof NoticeRow>(k: K) => notices.map((n) => n[k]);
    await c.query(
      `INSERT INTO notices (id, subject_id, kind, created_at, payload, status, attempts, next_attempt_at, last_error, delivered_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::int[], $8::bigint[], $9::text[], $10::bigint[])
       ON CONFLICT (id) DO NOTHING`,
      [col('id'), col('subjectId'), col('kind'), col('createdAt'), notices.map((n) => JSON.stringify(n.payload)), col('status'), col('attempts'), col('nextAttemptAt'), col('lastError'), col('deliveredAt')],
    );
  }
}
