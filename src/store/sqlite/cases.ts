/** Due-process cases (objections, repairs, commitments) and the notice outbox on SQLite. */
import type { Instant } from '../../domain/types.js';
import type { AuditEntryInput } from '../../audit/index.js';
import { CaseConflictError, EvidenceLimitError, type CaseEffects, type CaseQuery, type CaseRow, type CasesPort, type EvidenceRow, type NoticeRow } from '../port/index.js';
import { caseFrom, EVIDENCE_COLUMNS, evidenceFrom, noticeFrom } from '../rows.js';
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
    if (q.deadlineFrom !== undefined) (where.push('deadline IS NOT NULL AND deadline >= ?'), args.push(q.deadlineFrom));
    if (q.assignedTo !== undefined) (where.push("json_extract(doc, '$.assignedTo') = ?"), args.push(q.assignedTo));
    if (q.source !== undefined) (where.push("EXISTS (SELECT 1 FROM records r WHERE r.id = json_extract(cases.doc, '$.recordId') AND r.source = ?)"), args.push(q.source));
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

  async addEvidence(e: EvidenceRow, content: Uint8Array, o: { maxPerCase: number; audit: AuditEntryInput }): Promise<void> {
    this.db.tx(() => {
      const cur = this.db.st('SELECT status FROM cases WHERE id = ?').get(e.caseId) as Row | undefined;
      if (cur?.status !== 'open') throw new CaseConflictError(e.caseId, cur ? (cur.status as string) : null);
      const n = (this.db.st('SELECT COUNT(*) AS n FROM case_evidence WHERE case_id = ?').get(e.caseId) as Row).n as number;
      if (n >= o.maxPerCase) throw new EvidenceLimitError(e.caseId, o.maxPerCase);
      this.db
        .st('INSERT INTO case_evidence (id, case_id, subject_id, record_id, filename, content_type, size, sha256, uploaded_at, uploaded_by, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(e.id, e.caseId, e.subjectId, e.recordId, e.filename, e.contentType, e.size, e.sha256, e.uploadedAt, e.uploadedBy, Buffer.from(content));
      this.db.appendAuditSync([o.audit]);
    });
  }

  async listEvidence(caseId: string): Promise<EvidenceRow[]> {
    return (this.db.st(`SELECT ${EVIDENCE_COLUMNS} FROM case_evidence WHERE case_id = ? ORDER BY uploaded_at, id`).all(caseId) as Row[]).map((r) => evidenceFrom(r));
  }

  async getEvidence(caseId: string, id: string): Promise<(EvidenceRow & { content: Uint8Array }) | null> {
    const r = this.db.st('SELECT * FROM case_evidence WHERE case_id = ? AND id = ?').get(caseId, id) as Row | undefined;
    return r ? { ...evidenceFrom(r), content: new Uint8Array(r.content as Buffer) } : null;
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
