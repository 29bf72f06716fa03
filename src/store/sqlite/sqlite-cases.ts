/**
 * Due-process cases (objections, repairs, commitments) and the notice outbox, on the SQLite
 * connection of `SqliteBase`.
 */
import type { CaseEffects, CaseQuery, CaseRow, NoticeRow } from '../port.js';
import { CaseConflictError } from '../port.js';
import type { Instant } from '../../domain/types.js';
import { IN_JSON, SqliteBase, type Row } from './sqlite-base.js';
import { caseFrom, noticeFrom } from '../rows.js';

export abstract class SqliteCases extends SqliteBase {
  // ---- due-process cases and the notice outbox

  protected addNoticesSync(notices: NoticeRow[]): void {
    const ins = this.st('INSERT INTO notices (id, subject_id, kind, created_at, payload, status, attempts, next_attempt_at, last_error, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING');
    for (const n of notices) ins.run(n.id, n.subjectId, n.kind, n.createdAt, JSON.stringify(n.payload), n.status, n.attempts, n.nextAttemptAt, n.lastError, n.deliveredAt);
  }

  async saveCase(c: CaseRow, effects: CaseEffects): Promise<void> {
    this.tx(() => {
      if (effects.expectStatus !== undefined) {
        const cur = this.st('SELECT status FROM cases WHERE id = ?').get(c.id) as Row | undefined;
        const found = cur ? (cur.status as string) : null;
        if (found !== effects.expectStatus) throw new CaseConflictError(c.id, found);
      }
      this.st(
        `INSERT INTO cases (id, kind, subject_id, status, deadline, created_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, deadline = excluded.deadline, doc = excluded.doc`,
      ).run(c.id, c.kind, c.subjectId, c.status, c.deadline, c.createdAt, JSON.stringify(c.doc));
      for (const { recordId, change } of effects.statuses ?? []) this.addRecordStatusSync(recordId, change);
      this.addNoticesSync(effects.notices ?? []);
      this.appendAuditSync([effects.audit]);
    });
  }

  async getCase(id: string): Promise<CaseRow | null> {
    const r = this.st('SELECT * FROM cases WHERE id = ?').get(id) as Row | undefined;
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
    const rows = this.st(`SELECT * FROM cases WHERE ${sql} ORDER BY deadline IS NULL, deadline, created_at, id LIMIT ?`).all(...args, q.limit) as Row[];
    return rows.map((r) => caseFrom(r));
  }

  async countCases(q: Omit<CaseQuery, 'limit'>): Promise<number> {
    const { sql, args } = this.caseWhere(q);
    return (this.st(`SELECT COUNT(*) AS n FROM cases WHERE ${sql}`).get(...args) as Row).n as number;
  }

  async addNotices(notices: NoticeRow[]): Promise<void> {
    if (notices.length) this.tx(() => this.addNoticesSync(notices));
  }

  async dueNotices(now: Instant, limit: number): Promise<NoticeRow[]> {
    return (this.st("SELECT * FROM notices WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at, id LIMIT ?").all(now, limit) as Row[]).map((r) => noticeFrom(r));
  }

  async updateNotice(id: string, p: Pick<NoticeRow, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'deliveredAt'>): Promise<void> {
    this.st('UPDATE notices SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, delivered_at = ? WHERE id = ?').run(p.status, p.attempts, p.nextAttemptAt, p.lastError, p.deliveredAt, id);
  }

  async listNotices(q: { subjectId?: string; status?: NoticeRow['status']; limit: number }): Promise<NoticeRow[]> {
    const where: string[] = ['1 = 1'];
    const args: unknown[] = [];
    if (q.subjectId !== undefined) (where.push('subject_id = ?'), args.push(q.subjectId));
    if (q.status !== undefined) (where.push('status = ?'), args.push(q.status));
    return (this.st(`SELECT * FROM notices WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`).all(...args, q.limit) as Row[]).map((r) => noticeFrom(r));
  }

}
