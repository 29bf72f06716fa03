/** Due-process cases (objections, repairs, commitments) and the notice outbox on PostgreSQL. */
import type { Instant } from '../../domain/types.js';
import type { AuditEntryInput } from '../../audit/index.js';
import { CaseConflictError, EvidenceLimitError, type CaseEffects, type CaseQuery, type CaseRow, type CasesPort, type EvidenceRow, type NoticeRow } from '../port/index.js';
import { caseFrom, EVIDENCE_COLUMNS, evidenceFrom, noticeFrom } from '../rows.js';
import type { PostgresDb, Row } from './db.js';

export class PostgresCases implements CasesPort {
  constructor(private readonly db: PostgresDb) {}

  async saveCase(cs: CaseRow, effects: CaseEffects): Promise<void> {
    await this.db.tx(async (c) => {
      if (effects.expectStatus !== undefined) {
        // FOR UPDATE: two decisions on one case, in two processes, take turns here.
        const cur = (await c.query('SELECT status FROM cases WHERE id = $1 FOR UPDATE', [cs.id])).rows[0] as Row | undefined;
        const found = cur ? (cur.status as string) : null;
        if (found !== effects.expectStatus) throw new CaseConflictError(cs.id, found);
      }
      for (const n of effects.newCases ?? []) {
        const made = await c.query(
          'INSERT INTO cases (subject_id, id, kind, status, deadline, created_at, doc) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (subject_id, id) DO NOTHING',
          [n.case.subjectId, n.case.id, n.case.kind, n.case.status, n.case.deadline, n.case.createdAt, JSON.stringify(n.case.doc)],
        );
        if (made.rowCount === 0) throw new CaseConflictError(n.case.id, (await c.query('SELECT status FROM cases WHERE id = $1', [n.case.id])).rows[0]?.status ?? null);
      }
      const res = await c.query(
        `INSERT INTO cases (subject_id, id, kind, status, deadline, created_at, doc) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (subject_id, id) DO ${effects.expectStatus === null ? 'NOTHING' : 'UPDATE SET status = excluded.status, deadline = excluded.deadline, doc = excluded.doc'}`,
        [cs.subjectId, cs.id, cs.kind, cs.status, cs.deadline, cs.createdAt, JSON.stringify(cs.doc)],
      );
      // A case that must be new, created meanwhile by another process.
      if (effects.expectStatus === null && res.rowCount === 0) throw new CaseConflictError(cs.id, (await c.query('SELECT status FROM cases WHERE id = $1', [cs.id])).rows[0]?.status ?? null);
      for (const { recordId, change } of effects.statuses ?? []) await this.db.addRecordStatusTx(c, recordId, change);
      await this.db.addNoticesTx(c, effects.notices ?? []);
      await this.db.appendAuditTx(c, [...(effects.newCases ?? []).map((n) => n.audit), effects.audit]);
    });
  }

  async getCase(id: string): Promise<CaseRow | null> {
    const r = await this.db.one('SELECT * FROM cases WHERE id = $1', [id]);
    return r ? caseFrom(r) : null;
  }

  /** The WHERE clause (and its arguments) of a case query. */
  private caseWhere(q: Omit<CaseQuery, 'limit'>): { sql: string; args: unknown[] } {
    const args: unknown[] = [q.kind];
    const where = ['kind = $1'];
    if (q.statuses?.length) (args.push(q.statuses), where.push(`status = ANY($${args.length}::text[])`));
    if (q.subjectId !== undefined) (args.push(q.subjectId), where.push(`subject_id = $${args.length}`));
    if (q.deadlineBefore !== undefined) (args.push(q.deadlineBefore), where.push(`deadline IS NOT NULL AND deadline < $${args.length}`));
    if (q.deadlineFrom !== undefined) (args.push(q.deadlineFrom), where.push(`deadline IS NOT NULL AND deadline >= $${args.length}`));
    if (q.assignedTo !== undefined) (args.push(q.assignedTo), where.push(`(doc::jsonb ->> 'assignedTo') = $${args.length}`));
    if (q.source !== undefined) (args.push(q.source), where.push(`EXISTS (SELECT 1 FROM records r WHERE r.subject_id = cases.subject_id AND r.id = (cases.doc::jsonb ->> 'recordId') AND r.source = $${args.length})`));
    return { sql: where.join(' AND '), args };
  }

  async listCases(q: CaseQuery): Promise<CaseRow[]> {
    const { sql, args } = this.caseWhere(q);
    const rows = await this.db.q(`SELECT * FROM cases WHERE ${sql} ORDER BY deadline IS NULL, deadline, created_at, id LIMIT $${args.length + 1}`, [...args, q.limit]);
    return rows.map((r) => caseFrom(r));
  }

  async countCases(q: Omit<CaseQuery, 'limit'>): Promise<number> {
    const { sql, args } = this.caseWhere(q);
    return (await this.db.one(`SELECT COUNT(*) AS n FROM cases WHERE ${sql}`, args))!.n as number;
  }

  async addEvidence(e: EvidenceRow, content: Uint8Array, o: { maxPerCase: number; audit: AuditEntryInput }): Promise<void> {
    await this.db.tx(async (c) => {
      // FOR UPDATE: a decision and an upload, or two uploads, on one case take turns here.
      const cur = (await c.query('SELECT status FROM cases WHERE subject_id = $1 AND id = $2 FOR UPDATE', [e.subjectId, e.caseId])).rows[0] as Row | undefined;
      if (cur?.status !== 'open') throw new CaseConflictError(e.caseId, cur ? (cur.status as string) : null);
      const n = Number((await c.query('SELECT COUNT(*) AS n FROM case_evidence WHERE subject_id = $1 AND case_id = $2', [e.subjectId, e.caseId])).rows[0].n);
      if (n >= o.maxPerCase) throw new EvidenceLimitError(e.caseId, o.maxPerCase);
      await c.query(
        'INSERT INTO case_evidence (subject_id, id, case_id, record_id, filename, content_type, size, sha256, uploaded_at, uploaded_by, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
        [e.subjectId, e.id, e.caseId, e.recordId, e.filename, e.contentType, e.size, e.sha256, e.uploadedAt, e.uploadedBy, Buffer.from(content)],
      );
      await this.db.appendAuditTx(c, [o.audit]);
    });
  }

  async listEvidence(caseId: string): Promise<EvidenceRow[]> {
    return (await this.db.q(`SELECT ${EVIDENCE_COLUMNS} FROM case_evidence WHERE case_id = $1 ORDER BY uploaded_at, id`, [caseId])).map((r) => evidenceFrom(r));
  }

  async getEvidence(caseId: string, id: string): Promise<(EvidenceRow & { content: Uint8Array }) | null> {
    const r = await this.db.one('SELECT * FROM case_evidence WHERE case_id = $1 AND id = $2', [caseId, id]);
    return r ? { ...evidenceFrom(r), content: new Uint8Array(r.content as Buffer) } : null;
  }

  async addNotices(notices: NoticeRow[]): Promise<void> {
    if (notices.length) await this.db.tx((c) => this.db.addNoticesTx(c, notices));
  }

  async dueNotices(now: Instant, limit: number): Promise<NoticeRow[]> {
    return (await this.db.q("SELECT * FROM notices WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, created_at, id LIMIT $2", [now, limit])).map((r) => noticeFrom(r));
  }

  async updateNotice(id: string, p: Pick<NoticeRow, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'deliveredAt'>): Promise<void> {
    await this.db.q('UPDATE notices SET status = $1, attempts = $2, next_attempt_at = $3, last_error = $4, delivered_at = $5 WHERE id = $6', [p.status, p.attempts, p.nextAttemptAt, p.lastError, p.deliveredAt, id]);
  }

  async listNotices(q: { subjectId?: string; status?: NoticeRow['status']; limit: number }): Promise<NoticeRow[]> {
    const args: unknown[] = [];
    const where: string[] = ['TRUE'];
    if (q.subjectId !== undefined) (args.push(q.subjectId), where.push(`subject_id = $${args.length}`));
    if (q.status !== undefined) (args.push(q.status), where.push(`status = $${args.length}`));
    args.push(q.limit);
    return (await this.db.q(`SELECT * FROM notices WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${args.length}`, args)).map((r) => noticeFrom(r));
  }
}
