/**
 * The SQLite adapter's connection, shared by its parts (one file per sub-port): the database
 * handle and its pragmas, prepared statements, write transactions, and what several parts write
 * inside their transactions (the audit chain, record status changes, notices).
 *
 * better-sqlite3 is synchronous; the port is async so that PostgreSQL fits behind it. Each write
 * method runs in one synchronous transaction, so no other work can interleave with it.
 */
import { AUDIT } from '../../audit/actions.js';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { chainEntries, type AuditEntry, type AuditEntryInput } from '../../audit/index.js';
import type { StatusChange } from '../../domain/types.js';
import type { NoticeRow } from '../port/index.js';

export type Row = Record<string, unknown>;

export const IN_JSON = '(SELECT value FROM json_each(?))';
/** Marks a subject dirty; marking it again bumps its mark, so an in-flight derivation will not clear it. */
export const DIRTY_SQL = 'INSERT INTO dirty_subjects (subject_id, since) VALUES (?, ?) ON CONFLICT(subject_id) DO UPDATE SET mark = mark + 1';

export class SqliteDb {
  readonly handle: Database.Database;
  private readonly stmts = new Map<string, Database.Statement>();

  constructor(readonly path: string) {
    const fresh = path !== ':memory:' && !existsSync(path);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.handle = new Database(path);
    // Names, masked identifiers and records: readable by the service's user only.
    if (fresh) chmodSync(path, 0o600);
    this.handle.pragma('journal_mode = WAL');
    // FULL: a commit that returned survives a power cut too, not only a killed process.
    this.handle.pragma('synchronous = FULL');
    this.handle.pragma('foreign_keys = ON');
    // Deleted and moved content is overwritten with zeros, not left in free space: the facts of a
    // record past its retention must leave the file (with the WAL truncated after expiring them),
    // and a page split would otherwise leave stale copies of rows in the page it split.
    this.handle.pragma('secure_delete = ON');
    this.handle.pragma('busy_timeout = 5000');
  }

  private readonly rawStmts = new Map<string, Database.Statement>();
  /** Subject-day index keys this connection has written (see appendAuditSync). */
  readonly indexed = new Set<string>();

  /**
   * Runs `fn` in a write transaction taken at BEGIN IMMEDIATE: a transaction that reads and then
   * writes (the audit head, say) must not fail with SQLITE_BUSY when another process (a CLI
   * import beside a running server) writes at the same moment; it waits for busy_timeout instead.
   */
  tx<T>(fn: () => T): T {
    return this.handle.transaction(fn).immediate();
  }

  /** A prepared statement returning rows as arrays. */
  rawSt(sql: string): Database.Statement {
    let s = this.rawStmts.get(sql);
    if (!s) {
      s = this.handle.prepare(sql).raw(true);
      this.rawStmts.set(sql, s);
    }
    return s;
  }

  st(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.handle.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  // ---- audit (callers hold the transaction)

  appendAuditSync(inputs: AuditEntryInput[]): AuditEntry[] {
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
      const receipt = e.action === AUDIT.checkDecided ? (e.data as { receipt?: unknown } | null)?.receipt : undefined;
      if (typeof receipt === 'string') rc.run(receipt, e.seq);
    }
    return entries;
  }

  // ---- record status and notices (callers hold the transaction)

  addRecordStatusSync(recordId: string, change: StatusChange): void {
    const r = this.st('SELECT subject_id FROM records WHERE id = ?').get(recordId) as Row | undefined;
    if (!r) throw new Error(`no record ${recordId}`);
    const seq = ((this.st('SELECT MAX(seq) AS m FROM record_status WHERE record_id = ?').get(recordId) as Row).m as number | null) ?? 0;
    this.st('INSERT INTO record_status (record_id, subject_id, seq, status, at, actor, reason) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      recordId, r.subject_id, seq + 1, change.status, change.at, change.actor, change.reason,
    );
    this.st(DIRTY_SQL).run(r.subject_id, change.at);
  }

  addNoticesSync(notices: NoticeRow[]): void {
    const ins = this.st('INSERT INTO notices (id, subject_id, kind, created_at, payload, status, attempts, next_attempt_at, last_error, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING');
    for (const n of notices) ins.run(n.id, n.subjectId, n.kind, n.createdAt, JSON.stringify(n.payload), n.status, n.attempts, n.nextAttemptAt, n.lastError, n.deliveredAt);
  }
}
