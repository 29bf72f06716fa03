/** The audit chain on SQLite: appends (see `SqliteDb.appendAuditSync`), receipts, pages and scans. */
import type { AuditEntry, AuditEntryInput } from '../../audit/index.js';
import type { AuditPort, AuditQuery } from '../port/index.js';
import { auditFrom } from '../rows.js';
import { IN_JSON, type Row, type SqliteDb } from './db.js';

export class SqliteAudit implements AuditPort {
  constructor(private readonly db: SqliteDb) {}

  async appendAudit(inputs: AuditEntryInput[]): Promise<AuditEntry[]> {
    try {
      return this.db.tx(() => this.db.appendAuditSync(inputs));
    } catch (err) {
      // The transaction rolled back: forget index keys it may have noted as written.
      this.db.indexed.clear();
      throw err;
    }
  }

  async findReceipt(receipt: string): Promise<AuditEntry | null> {
    const r = this.db.st('SELECT a.* FROM check_receipts c JOIN audit_log a ON a.seq = c.audit_seq WHERE c.receipt = ?').get(receipt) as Row | undefined;
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
    const rows = this.db.st(`SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`).all(...args, q.limit) as Row[];
    return rows.map((r) => auditFrom(r));
  }

  async auditHead(): Promise<{ seq: number; hash: string } | null> {
    const r = this.db.st('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as Row | undefined;
    return r ? { seq: r.seq as number, hash: r.hash as string } : null;
  }

  async *scanAudit(fromSeq = 1): AsyncIterable<AuditEntry> {
    let seq = fromSeq - 1;
    const page = this.db.st('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 2000');
    for (;;) {
      const rows = page.all(seq) as Row[];
      if (rows.length === 0) return;
      for (const r of rows) {
        seq = r.seq as number;
        yield auditFrom(r);
      }
    }
  }
}
