/** The contract of the cases port: due-process cases and the notice outbox. */
import { describe, expect, it } from 'vitest';
import type { Instant } from '../../domain/types.js';
import { CaseConflictError, EvidenceLimitError, type EvidenceRow, type NoticeRow, type Store } from '../port/index.js';
import { allDirty, audit, auditCount, batch, DAY, type MakeStore, record, save, sid, state, subject, T, useFreshStore } from './fixtures.js';

const CHANGE = { at: T, actor: 'system:retention', reason: 'retention period ended' };

export function casesContract(name: string, make: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    useFreshStore(make, (s) => (store = s));

    describe('due-process cases and the notice outbox', () => {
      const notice = (id: string, subjectId: string | null, at: Instant, extra: Partial<NoticeRow> = {}): NoticeRow => ({
        id, subjectId, kind: 'objection.decided', createdAt: at, payload: { id }, status: 'pending', attempts: 0, nextAttemptAt: at, lastError: null, deliveredAt: null, ...extra,
      });

      it('saves a case with its record status changes, notices and audit entry in one go, and finds it by queue', async () => {
        const p1 = subject('p1', 'person');
        const r1 = record(p1.id, 'ob-1');
        await store.ingest(batch({ subjects: [p1], records: [r1] }));
        await store.saveStates(save({ states: [state(p1.id, [])], clearDirty: [{ id: p1.id }] }));
        const before = await auditCount(store);
        const c = { id: 'ob_1', kind: 'objection' as const, subjectId: p1.id, status: 'open', deadline: T + 3 * DAY, createdAt: T, doc: { target: { kind: 'record', id: r1.id }, reasons: 'not mine' } };
        await store.saveCase(c, {
          statuses: [{ recordId: r1.id, change: { status: 'disputed', at: T, actor: 'key:k_s', reason: 'objection ob_1' } }],
          notices: [notice('n_1', p1.id, T)],
          audit: audit('objection.filed', { id: 'ob_1' }, p1.id),
        });
        expect(await store.getCase('ob_1')).toEqual(c);
        expect((await store.getRecord(r1.id))?.statuses.map((x) => x.status)).toContain('disputed');
        expect(await allDirty(store)).toEqual([p1.id]);
        expect(await auditCount(store)).toBe(before + 1);
        expect((await store.listCases({ kind: 'objection', statuses: ['open'], limit: 10 })).map((x) => x.id)).toEqual(['ob_1']);
        expect(await store.listCases({ kind: 'objection', deadlineBefore: T + 3 * DAY, limit: 10 })).toEqual([]);
        expect((await store.listCases({ kind: 'objection', deadlineBefore: T + 3 * DAY + 1, limit: 10 })).map((x) => x.id)).toEqual(['ob_1']);
        expect(await store.listCases({ kind: 'repair', limit: 10 })).toEqual([]);
        expect(await store.countCases({ kind: 'objection', statuses: ['open'] })).toBe(1);
        expect(await store.countCases({ kind: 'objection', statuses: ['open'], deadlineBefore: T + 3 * DAY })).toBe(0);
        expect(await store.countCases({ kind: 'objection', statuses: ['open'], deadlineBefore: T + 3 * DAY + 1 })).toBe(1);
        expect(await store.countCases({ kind: 'objection', subjectId: sid('p2') })).toBe(0);
        expect(await store.countCases({ kind: 'repair' })).toBe(0);
        // Deciding replaces the document and status, keeping when it was created.
        await store.saveCase({ ...c, status: 'revoked', doc: { ...c.doc, decision: 'revoked' } }, { audit: audit('objection.decided', { id: 'ob_1' }, p1.id) });
        expect(await store.getCase('ob_1')).toMatchObject({ status: 'revoked', createdAt: T, doc: { decision: 'revoked' } });
        expect(await store.listCases({ kind: 'objection', statuses: ['open'], limit: 10 })).toEqual([]);
        expect(await store.countCases({ kind: 'objection', statuses: ['open'] })).toBe(0);
        expect(await store.countCases({ kind: 'objection' })).toBe(1);
      });

      it('a failing effect leaves nothing behind', async () => {
        const p1 = subject('p1', 'person');
        await store.ingest(batch({ subjects: [p1] }));
        const before = await auditCount(store);
        await expect(
          store.saveCase(
            { id: 'ob_x', kind: 'objection', subjectId: p1.id, status: 'open', deadline: T, createdAt: T, doc: {} },
            { statuses: [{ recordId: 'r_missing', change: { status: 'disputed', at: T, actor: 'a', reason: 'b' } }], notices: [notice('n_x', p1.id, T)], audit: audit('objection.filed') },
          ),
        ).rejects.toThrow();
        expect(await store.getCase('ob_x')).toBeNull();
        expect(await store.listNotices({ limit: 10 })).toEqual([]);
        expect(await auditCount(store)).toBe(before);
      });

      it('stores the new cases of a step with it, or none of them when the step is refused', async () => {
        const p1 = subject('p1', 'person');
        await store.ingest(batch({ subjects: [p1] }));
        const before = await auditCount(store);
        const cm = { id: 'cm_1', kind: 'commitment' as const, subjectId: p1.id, status: 'made', deadline: null, createdAt: T, doc: { text: 'I will keep the rules.' } };
        const rp = { id: 'rp_1', kind: 'repair' as const, subjectId: p1.id, status: 'open', deadline: T + 3 * DAY, createdAt: T, doc: { commitmentId: 'cm_1' } };
        // The repair must be new, but it exists: nothing of the step is written, the commitment neither.
        await store.saveCase({ ...rp, id: 'rp_0' }, { audit: audit('repair.applied', { id: 'rp_0' }, p1.id) });
        await expect(store.saveCase({ ...rp, id: 'rp_0' }, { expectStatus: null, newCases: [{ case: cm, audit: audit('commitment.made', { id: 'cm_1' }, p1.id) }], audit: audit('repair.applied', { id: 'rp_0' }, p1.id) })).rejects.toThrow(CaseConflictError);
        expect(await store.getCase('cm_1')).toBeNull();
        expect(await auditCount(store)).toBe(before + 1);
        // Accepted: both, with both audit entries.
        await store.saveCase(rp, { expectStatus: null, newCases: [{ case: cm, audit: audit('commitment.made', { id: 'cm_1' }, p1.id) }], audit: audit('repair.applied', { id: 'rp_1' }, p1.id) });
        expect(await store.getCase('cm_1')).toEqual(cm);
        expect(await store.getCase('rp_1')).toEqual(rp);
        expect(await auditCount(store)).toBe(before + 3);
        // A new case that exists already refuses the step.
        await expect(store.saveCase({ ...rp, id: 'rp_2' }, { expectStatus: null, newCases: [{ case: cm, audit: audit('commitment.made', { id: 'cm_1' }, p1.id) }], audit: audit('repair.applied', { id: 'rp_2' }, p1.id) })).rejects.toThrow(CaseConflictError);
        expect(await store.getCase('rp_2')).toBeNull();
        expect(await auditCount(store)).toBe(before + 3);
      });

      it('filters the queue by deadline range, assignee and the source of the record', async () => {
        const p1 = subject('p1', 'person');
        const r1 = record(p1.id, 'f-1');
        const r2 = record(p1.id, 'f-2', { source: 'court', type: 'finance.other' });
        await store.ingest(batch({ subjects: [p1], records: [r1, r2] }));
        const mk = (id: string, recordId: string, deadline: number, assignedTo?: string) => ({ id, kind: 'objection' as const, subjectId: p1.id, status: 'open', deadline, createdAt: T, doc: { recordId, ...(assignedTo ? { assignedTo } : {}) } });
        await store.saveCase(mk('ob_a', r1.id, T + DAY, 'key:k_me'), { audit: audit('objection.filed') });
        await store.saveCase(mk('ob_b', r2.id, T + 3 * DAY, 'key:k_other'), { audit: audit('objection.filed') });
        await store.saveCase(mk('ob_c', r1.id, T + 5 * DAY), { audit: audit('objection.filed') });
        const ids = async (q: Parameters<Store['listCases']>[0]) => (await store.listCases(q)).map((c) => c.id);
        expect(await ids({ kind: 'objection', assignedTo: 'key:k_me', limit: 10 })).toEqual(['ob_a']);
        expect(await ids({ kind: 'objection', source: r2.source, limit: 10 })).toEqual(['ob_b']);
        expect(await ids({ kind: 'objection', source: r1.source, limit: 10 })).toEqual(['ob_a', 'ob_c']);
        expect(await ids({ kind: 'objection', source: 'nobody', limit: 10 })).toEqual([]);
        // Due soon: from (inclusive) to before (exclusive).
        expect(await ids({ kind: 'objection', deadlineFrom: T + DAY, deadlineBefore: T + 5 * DAY, limit: 10 })).toEqual(['ob_a', 'ob_b']);
        expect(await ids({ kind: 'objection', deadlineFrom: T + DAY + 1, limit: 10 })).toEqual(['ob_b', 'ob_c']);
        expect(await store.countCases({ kind: 'objection', source: r1.source, assignedTo: 'key:k_me' })).toBe(1);
      });

      it('stores evidence with its hash while the case is open, up to a limit, and deletes it when the record expires', async () => {
        const p1 = subject('p1', 'person');
        const r1 = record(p1.id, 'ev-1', { occurredAt: T - 400 * DAY });
        const r2 = record(p1.id, 'ev-2');
        await store.ingest(batch({ subjects: [p1], records: [r1, r2] }));
        const open = (id: string, recordId: string) => ({ id, kind: 'objection' as const, subjectId: p1.id, status: 'open', deadline: T + DAY, createdAt: T, doc: { recordId } });
        await store.saveCase(open('ob_1', r1.id), { audit: audit('objection.filed') });
        await store.saveCase(open('ob_2', r2.id), { audit: audit('objection.filed') });
        const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x00, 0xff, 0x10]);
        const ev = (id: string, caseId: string, recordId: string, at = T): EvidenceRow => ({ id, caseId, subjectId: p1.id, recordId, filename: `${id}.pdf`, contentType: 'application/pdf', size: bytes.length, sha256: 'ab'.repeat(32), uploadedAt: at, uploadedBy: 'key:k_s' });
        const before = await auditCount(store);
        await store.addEvidence(ev('ev_2', 'ob_1', r1.id, T + 1), bytes, { maxPerCase: 2, audit: audit('evidence.added', {}, p1.id) });
        await store.addEvidence(ev('ev_1', 'ob_1', r1.id, T + 1), bytes, { maxPerCase: 2, audit: audit('evidence.added', {}, p1.id) });
        await store.addEvidence(ev('ev_3', 'ob_2', r2.id), bytes, { maxPerCase: 2, audit: audit('evidence.added', {}, p1.id) });
        expect(await auditCount(store)).toBe(before + 3);
        // Oldest first, then by id; without the bytes.
        expect(await store.listEvidence('ob_1')).toEqual([ev('ev_1', 'ob_1', r1.id, T + 1), ev('ev_2', 'ob_1', r1.id, T + 1)]);
        const got = await store.getEvidence('ob_1', 'ev_1');
        expect(got && [...got.content]).toEqual([...bytes]);
        expect(await store.getEvidence('ob_2', 'ev_1')).toBeNull();
        // The limit, and a case no longer open: nothing written, no audit entry.
        await expect(store.addEvidence(ev('ev_4', 'ob_1', r1.id), bytes, { maxPerCase: 2, audit: audit('evidence.added') })).rejects.toThrow(EvidenceLimitError);
        await store.saveCase({ ...open('ob_2', r2.id), status: 'upheld' }, { audit: audit('objection.decided') });
        await expect(store.addEvidence(ev('ev_5', 'ob_2', r2.id), bytes, { maxPerCase: 2, audit: audit('evidence.added') })).rejects.toThrow(CaseConflictError);
        await expect(store.addEvidence(ev('ev_6', 'ob_none', r2.id), bytes, { maxPerCase: 2, audit: audit('evidence.added') })).rejects.toThrow(CaseConflictError);
        expect(await auditCount(store)).toBe(before + 4);
        expect((await store.listEvidence('ob_2')).map((e) => e.id)).toEqual(['ev_3']);
        // The record of ob_1 expires: its evidence goes with its facts, the other case's stays.
        const done = await store.expireRecords({ records: [r1], change: CHANGE, audit: (d) => ({ at: T, actor: 'system:retention', action: 'records.expired', subjectId: null, data: d }) });
        expect(done.evidenceDeleted).toEqual(['ev_1', 'ev_2']);
        expect(await store.listEvidence('ob_1')).toEqual([]);
        expect(await store.getEvidence('ob_1', 'ev_1')).toBeNull();
        expect((await store.listEvidence('ob_2')).map((e) => e.id)).toEqual(['ev_3']);
      });

      it('delivers notices in due order, keeps attempts, and never adds one twice', async () => {
        await store.addNotices([notice('n_2', null, T + 2), notice('n_1', 's_x', T + 1), notice('n_3', 's_x', T + 5)]);
        await store.addNotices([notice('n_1', 's_x', T + 1, { payload: { changed: true } })]);
        expect((await store.dueNotices(T + 2, 10)).map((n) => n.id)).toEqual(['n_1', 'n_2']);
        await store.updateNotice('n_1', { status: 'pending', attempts: 1, nextAttemptAt: T + 100, lastError: 'HTTP 503', deliveredAt: null });
        await store.updateNotice('n_2', { status: 'delivered', attempts: 1, nextAttemptAt: T + 2, lastError: null, deliveredAt: T + 3 });
        expect((await store.dueNotices(T + 10, 10)).map((n) => n.id)).toEqual(['n_3']);
        expect((await store.dueNotices(T + 100, 10)).map((n) => [n.id, n.attempts, n.lastError])).toEqual([
          ['n_3', 0, null],
          ['n_1', 1, 'HTTP 503'],
        ]);
        expect((await store.listNotices({ subjectId: 's_x', limit: 10 })).map((n) => n.id)).toEqual(['n_3', 'n_1']);
        expect((await store.listNotices({ status: 'delivered', limit: 10 })).map((n) => n.id)).toEqual(['n_2']);
        expect((await store.listNotices({ subjectId: 's_x', limit: 10 }))[1].payload).toEqual({ id: 'n_1' });
      });
    });
  });
}
