/** Due-process cases (objections, repairs, commitments) and the notice outbox on SQLite. */
import type { Instant } from '../../domain/types.js';
import { CaseConflictError, type CaseEffects, type CaseQuery, type CaseRow, type CasesPort, type NoticeRow } from '../port/index.js';
import { caseFrom, noticeFrom } from '../rows.js';
import { IN_JSON, type Row, type SqliteDb } from './db.js';

export class SqliteCases implements CasesPort {
  constructor(private readonly db: SqliteDb) {}

  async saveCase(c: CaseRow, effects: CaseEffects): Promise<void> {
    this.db.tx(() => {
      if (effects.expectStatus !== undefined) {
        const cur = this.db.st('SELECT status FROM cases WHERE id = ?').get(c.id) as Row | undefined;
        const found = cur ? (cur.status as string) : null;
        if (found !== effects.expectStatus) throw new CaseConflictError(c.id, found);
      }
      for (const n of effects.newCases ?? []) {
        const cur = this.db.st('SELECT status FROM cases WHERE id = ?').get(n.case.id) as Row | undefined;
        if (cur) throw new CaseConflictError(n.case.id, cur.status as string);
        this.db
          .st('INSERT INTO cases (id, kind, subject_id, status, deadline, created_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)')
          .run(n.case.id, n.case.kind, n.case.subjectId, n.case.status, n.case.deadline, n.case.createdAt, JSON.stringify(n.case.doc));
      }
      this.db.st(
        `INSERT INTO cases (id, kind, subject_id, status, deadline, created_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, deadline = excluded.deadline, doc = excluded.doc`,
      ).run(c.id, c.kind, c.subjectId, c.status, c.deadline, c.createdAt, JSON.stringify(c.doc));
      for (const { recordId, change } of effects.statuses ?? []) this.db.addRecordStatusSync(recordId, change);
      this.db.addNoticesSync(effects.notices ?? []);
      this.db.appendAuditSync([...(effects.newCases ?? []).map((n) => n.audit), effects.audit]);
    });
  }

  async getCase(id: string): Promise<CaseRow | null> {
    const r = this.db.st('SELECT * FROM cases WHERE id = ?').get(id) as Row | undefined;
    return r ? caseFrom(r) : null;
  }

  /** The WHERE clause (and its arguments) of a case query. */
  private caseWhere(q: Omit<CaseQuery, 'limit'>): { sql: string; args: unknown[] } {
    const where = ['kind = ?'];
    const args: unknown[] = [q.kind];
    if (q.statuses?.length) (where.push(`status IN ${IN_JSON}`), args.push(JSON.stringify(q.statuses)));
    if (q.subjectId !== undefined) (where.push('subject_id = ?'), args.push(q.subjectId));
    if (q.deadlineBefore !== undefined) (where.push('deadline IS NOT NULL AND deadline < ?'), args.push(q.deadlineBefore));
    return { sql: where.join(' AND '), args };
  }

  async listCases(q: CaseQuery): Promise<CaseRow[]> {
    const { sql, args } = this.caseWhere(q);
    const rows = this.db.st(`SELECT * FROM cases WHERE ${sql} ORDER BY deadline IS NULL, deadline, created_at, id LIMIT ?`).all(...args, q.limit) as Row[];
    return rows.map((r) => caseFrom(r));
  }

  async countCases(q: Omit<CaseQuery, 'limit'>): Promise<number> {
    const { sql, args } = this.caseWhere(q);
    return (this.db.st(`SELECT COUNT(*) AS n FROM cases WHERE ${sql}`).get(...args) as Row).n as number;
  }

  async addNotices(notices: NoticeRow[]): Promise<void> {
    if (notices.length) this.db.tx(() => this.db.addNoticesSync(notices));
  }

  async dueNotices(now: Instant, limit: number): Promise<NoticeRow[]> {
    return (this.db.st("SELECT * FROM notices WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at, id LIMIT ?").all(now, limit) as Row[]).map((r) => noticeFrom(r));
  }

  async updateNotice(id: string, p: Pick<NoticeRow, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'deliveredAt'>): Promise<void> {
    this.db.st('UPDATE notices SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, delivered_at = ? WHERE id = ?').run(p.status, p.attempts, p.nextAttemptAt, p.lastError, p.deliveredAt, id);
  }

  async listNotices(q: { subjectId?: string; status?: NoticeRow['status']; limit: number }): Promise<NoticeRow[]> {
    const where: string[] = ['1 = 1'];
    const args: unknown[] = [];
    if (q.subjectId !== undefined) (where.push('subject_id = ?'), args.push(q.subjectId));
    if (q.status !== undefined) (where.push('status = ?'), args.push(q.status));
    return (this.db.st(`SELECT * FROM notices WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`).all(...args, q.limit) as Row[]).map((r) => noticeFrom(r));
  }
}
