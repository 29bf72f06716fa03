/** The audit chain on SQLite: appends (see `SqliteDb.appendAuditSync`), receipts, pages and scans. */
import type { AuditEntry, AuditEntryInput } from '../../audit/index.js';
import type { AuditPort, AuditQuery, ReceiptIndexRow, SubjectDayKey, SubjectDayRow } from '../port/index.js';
import { auditFrom, subjectDayFrom } from '../rows.js';
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
    if (q.actor !== undefined) (where.push('actor = ?'), args.push(q.actor));
    if (q.from !== undefined) (where.push('at >= ?'), args.push(q.from));
    if (q.to !== undefined) (where.push('at < ?'), args.push(q.to));
    const rows = this.db.st(`SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`).all(...args, q.limit) as Row[];
    return rows.map((r) => auditFrom(r));
  }

  async auditHead(): Promise<{ seq: number; hash: string } | null> {
    const r = this.db.st('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as Row | undefined;
    return r ? { seq: r.seq as number, hash: r.hash as string } : null;
  }

  async auditIndexRows(fromSeq: number, toSeq: number): Promise<{ receipts: ReceiptIndexRow[]; subjectDays: SubjectDayRow[] }> {
    const receipts = this.db.st('SELECT receipt, audit_seq AS seq FROM check_receipts WHERE audit_seq BETWEEN ? AND ? ORDER BY audit_seq, receipt').all(fromSeq, toSeq) as ReceiptIndexRow[];
    const days = this.db.st('SELECT subject_id, day, actor, key, seq FROM audit_subject_days WHERE seq BETWEEN ? AND ? ORDER BY seq, subject_id').all(fromSeq, toSeq) as Row[];
    return { receipts, subjectDays: days.map(subjectDayFrom) };
  }

  async findSubjectDays(keys: SubjectDayKey[]): Promise<SubjectDayRow[]> {
    if (keys.length === 0) return [];
    const rows = this.db
      .st(
        `SELECT d.subject_id, d.day, d.actor, d.key, d.seq FROM json_each(?) j
         JOIN audit_subject_days d ON d.subject_id = json_extract(j.value, '$[0]') AND d.day = json_extract(j.value, '$[1]') AND d.actor = json_extract(j.value, '$[2]') AND d.key = json_extract(j.value, '$[3]')`,
      )
      .all(JSON.stringify(keys.map((k) => [k.subjectId, k.day, k.actor, k.key]))) as Row[];
    return rows.map(subjectDayFrom);
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
