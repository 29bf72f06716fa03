/** The audit chain on PostgreSQL: appends (see `PostgresDb.appendAuditTx`), receipts, pages and scans. */
import type { AuditEntry, AuditEntryInput } from '../../audit/index.js';
import type { AuditPort, AuditQuery, ReceiptIndexRow, SubjectDayKey, SubjectDayRow } from '../port/index.js';
import { auditFrom, subjectDayFrom } from '../rows.js';
import type { PostgresDb } from './db.js';

export class PostgresAudit implements AuditPort {
  constructor(private readonly db: PostgresDb) {}

  async appendAudit(inputs: AuditEntryInput[]): Promise<AuditEntry[]> {
    if (inputs.length === 0) return [];
    return this.db.tx((c) => this.db.appendAuditTx(c, inputs));
  }

  async findReceipt(receipt: string): Promise<AuditEntry | null> {
    const r = await this.db.one('SELECT a.* FROM check_receipts c JOIN audit_log a ON a.seq = c.audit_seq WHERE c.receipt = $1', [receipt]);
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
    if (q.actor !== undefined) (args.push(q.actor), where.push(`actor = $${args.length}`));
    if (q.from !== undefined) (args.push(q.from), where.push(`at >= $${args.length}`));
    if (q.to !== undefined) (args.push(q.to), where.push(`at < $${args.length}`));
    args.push(q.limit);
    const rows = await this.db.q(`SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT $${args.length}`, args);
    return rows.map((r) => auditFrom(r));
  }

  async auditHead(): Promise<{ seq: number; hash: string } | null> {
    const r = await this.db.one('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1');
    return r ? { seq: r.seq as number, hash: r.hash as string } : null;
  }

  async auditIndexRows(fromSeq: number, toSeq: number): Promise<{ receipts: ReceiptIndexRow[]; subjectDays: SubjectDayRow[] }> {
    const receipts = await this.db.q('SELECT receipt, audit_seq AS seq FROM check_receipts WHERE audit_seq BETWEEN $1 AND $2 ORDER BY audit_seq, receipt', [fromSeq, toSeq]);
    const days = await this.db.q('SELECT subject_id, day, actor, key, seq FROM audit_subject_days WHERE seq BETWEEN $1 AND $2 ORDER BY seq, subject_id', [fromSeq, toSeq]);
    return { receipts: receipts.map((r) => ({ receipt: r.receipt as string, seq: r.seq as number })), subjectDays: days.map(subjectDayFrom) };
  }

  async findSubjectDays(keys: SubjectDayKey[]): Promise<SubjectDayRow[]> {
    if (keys.length === 0) return [];
    const rows = await this.db.q(
      `SELECT d.subject_id, d.day, d.actor, d.key, d.seq FROM unnest($1::text[], $2::int[], $3::text[], $4::text[]) AS k(subject_id, day, actor, key)
       JOIN audit_subject_days d ON d.subject_id = k.subject_id AND d.day = k.day AND d.actor = k.actor AND d.key = k.key`,
      [keys.map((k) => k.subjectId), keys.map((k) => k.day), keys.map((k) => k.actor), keys.map((k) => k.key)],
    );
    return rows.map(subjectDayFrom);
  }

  async *scanAudit(fromSeq = 1): AsyncIterable<AuditEntry> {
    let seq = fromSeq - 1;
    for (;;) {
      const rows = await this.db.q('SELECT * FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT 2000', [seq]);
      if (rows.length === 0) return;
      for (const r of rows) {
        seq = r.seq as number;
        yield auditFrom(r);
      }
    }
  }
}
