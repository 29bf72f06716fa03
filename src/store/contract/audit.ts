/** The contract of the audit port: the hash chain, receipts, pages by subject and action. */
import { describe, expect, it } from 'vitest';
import { verifyChain, type AuditEntry } from '../../audit/index.js';
import type { Store } from '../port/index.js';
import { audit, batch, collect, DAY, type MakeStore, sid, subject, T, useFreshStore } from './fixtures.js';

export function auditContract(name: string, make: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    useFreshStore(make, (s) => (store = s));

    describe('audit log', () => {
      it('appendAudit numbers and links entries; the chain verifies; the head is the last entry', async () => {
        expect(await store.auditHead()).toBeNull();
        expect(await store.appendAudit([])).toEqual([]);
        const first = await store.appendAudit([audit('a.one', { n: 1 }), audit('a.two', { n: 2, nested: { x: [1, 'y'] } }, sid('p1'))]);
        expect(first.map((e) => e.seq)).toEqual([1, 2]);
        expect(first[0].prevHash).toBe('0'.repeat(64));
        expect(first[1].prevHash).toBe(first[0].hash);
        expect(await store.auditHead()).toEqual({ seq: 2, hash: first[1].hash });

        // Writes of other methods join the same chain.
        await store.setMeta('x', 'y');
        await store.ingest(batch({ subjects: [subject('p1', 'person')] }));
        const more = await store.appendAudit([audit('a.three', null), audit('a.four', { s: '中文' })]);
        expect(more.map((e) => e.seq)).toEqual([4, 5]);

        const all: AuditEntry[] = await collect(store.scanAudit());
        expect(all.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
        for (let i = 1; i < all.length; i++) expect(all[i].prevHash).toBe(all[i - 1].hash);
        expect(all[0]).toEqual(first[0]);
        expect(all[1]).toEqual(first[1]);
        expect(all[4]).toEqual(more[1]);
        const v = verifyChain(all);
        expect(v).toEqual({ ok: true, count: 5, head: more[1].hash });
        expect(await store.auditHead()).toEqual({ seq: 5, hash: more[1].hash });

        expect((await collect(store.scanAudit(4))).map((e) => e.seq)).toEqual([4, 5]);
        expect(await collect(store.scanAudit(6))).toEqual([]);
      });

      it('a long chain is scanned completely and verifies', async () => {
        const inputs = Array.from({ length: 2500 }, (_, i) => audit('bulk', { i }));
        await store.appendAudit(inputs.slice(0, 1200));
        await store.appendAudit(inputs.slice(1200));
        const all = await collect(store.scanAudit());
        expect(all).toHaveLength(2500);
        expect(all.map((e) => (e.data as { i: number }).i)).toEqual(inputs.map((_, i) => i));
        expect(verifyChain(all)).toMatchObject({ ok: true, count: 2500 });
      });
    });

    describe('receipts and audit pages', () => {
      it('indexes check receipts and finds the entry that holds the decision', async () => {
        const [a, b] = await store.appendAudit([
          audit('check.decided', { receipt: 'rc_one', decision: 'deny' }, sid('p1')),
          audit('check.decided', { receipt: 'rc_two', decision: 'allow' }),
        ]);
        await store.appendAudit([audit('subject.read', { receipt: 'rc_not_a_check' })]);
        expect((await store.findReceipt('rc_one'))?.seq).toBe(a.seq);
        expect((await store.findReceipt('rc_two'))?.data).toEqual({ receipt: 'rc_two', decision: 'allow' });
        expect(b.hash).toBe((await store.findReceipt('rc_two'))?.hash);
        expect(await store.findReceipt('rc_not_a_check')).toBeNull();
        expect(await store.findReceipt('rc_missing')).toBeNull();
      });

      it('pages the audit log newest first, by subject and by action', async () => {
        const p1 = sid('p1');
        const p2 = sid('p2');
        await store.appendAudit([
          audit('subject.read', { purpose: 'a' }, p1),
          audit('subject.read', { purpose: 'b' }, p2),
          audit('check.decided', { receipt: 'rc_x' }, p1),
          audit('list.read', { purpose: 'c' }, p1),
        ]);
        const mine = await store.auditPage({ limit: 10, subjectId: p1 });
        expect(mine.map((e) => e.action)).toEqual(['list.read', 'check.decided', 'subject.read']);
        const reads = await store.auditPage({ limit: 10, subjectId: p1, actions: ['subject.read', 'list.read'] });
        expect(reads.map((e) => (e.data as { purpose: string }).purpose)).toEqual(['c', 'a']);
        const first = await store.auditPage({ limit: 2 });
        expect(first).toHaveLength(2);
        const next = await store.auditPage({ limit: 2, before: first[1].seq });
        expect(next.map((e) => e.seq)).toEqual([first[1].seq - 1, first[1].seq - 2]);
        expect(first[0].seq).toBeGreaterThan(first[1].seq);
      });

      it('pages the audit log by actor and by a range of instants (from inclusive, to exclusive)', async () => {
        const [a, b, c, d] = await store.appendAudit([
          { ...audit('key.created', { id: 'k_1' }), actor: 'cli:ops', at: T - DAY },
          { ...audit('key.revoked', { id: 'k_1' }), actor: 'key:k_2', at: T },
          { ...audit('key.created', { id: 'k_3' }), actor: 'cli:ops', at: T + DAY - 1 },
          { ...audit('key.created', { id: 'k_4' }), actor: 'cli:ops', at: T + DAY },
        ]);
        expect((await store.auditPage({ limit: 10, actor: 'cli:ops' })).map((e) => e.seq)).toEqual([d.seq, c.seq, a.seq]);
        expect((await store.auditPage({ limit: 10, from: T, to: T + DAY })).map((e) => e.seq)).toEqual([c.seq, b.seq]);
        expect((await store.auditPage({ limit: 10, actor: 'cli:ops', from: T, to: T + DAY, actions: ['key.created'] })).map((e) => e.seq)).toEqual([c.seq]);
        expect((await store.auditPage({ limit: 1, actor: 'cli:ops', before: d.seq })).map((e) => e.seq)).toEqual([c.seq]);
        expect(await store.auditPage({ limit: 10, actor: 'cli:nobody' })).toEqual([]);
      });

      it('indexes an entry under further subjects for their access logs', async () => {
        const [e] = await store.appendAudit([{ ...audit('check.decided', { receipt: 'rc_batch', items: [sid('p1'), sid('p2')] }), subjects: [sid('p1'), sid('p2')] }]);
        await store.appendAudit([audit('subject.read', { purpose: 'x' }, sid('p1'))]);
        expect((await store.auditPage({ limit: 10, subjectId: sid('p2') })).map((x) => x.seq)).toEqual([e.seq]);
        expect((await store.auditPage({ limit: 10, subjectId: sid('p1') })).map((x) => x.action)).toEqual(['subject.read', 'check.decided']);
        expect((await store.auditPage({ limit: 10, subjectId: sid('p1'), actions: ['check.decided'] })).map((x) => x.seq)).toEqual([e.seq]);
        // The same actor checking the same subjects for the same key that day adds no index rows;
        // another key (another action checked) or another day does.
        const [same] = await store.appendAudit([{ ...audit('check.decided', { receipt: 'rc_again' }), subjects: [sid('p2')] }]);
        const [other] = await store.appendAudit([{ ...audit('check.decided', { receipt: 'rc_other' }), subjects: [sid('p2')], subjectsKey: 'procurement.bid' }]);
        const [later] = await store.appendAudit([{ ...audit('check.decided', { receipt: 'rc_later' }), at: T + DAY, subjects: [sid('p2')] }]);
        const p2 = (await store.auditPage({ limit: 10, subjectId: sid('p2') })).map((x) => x.seq);
        expect(p2).toEqual([later.seq, other.seq, e.seq]);
        expect(p2).not.toContain(same.seq);
        // The index is not part of the hashed entry: the chain still verifies.
        expect(verifyChain(await collect(store.scanAudit())).ok).toBe(true);
      });

      it('reads both indexes back by entry range, and access-log rows by key, for audit verify', async () => {
        expect(await store.auditIndexRows(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)).toEqual({ receipts: [], subjectDays: [] });
        const day = Math.floor(T / DAY);
        const [a, , b, c] = await store.appendAudit([
          audit('check.decided', { receipt: 'rc_a' }, sid('p1')),
          audit('subject.read', { purpose: 'x' }, sid('p1')),
          { ...audit('check.decided', { receipt: 'rc_b', batch: true }), subjects: [sid('p2'), sid('p1')], subjectsKey: 'procurement.bid' },
          { ...audit('receipt.read', { receipt: 'rc_b', purpose: 'y' }), actor: 'test:reviewer', subjects: [sid('p2')], subjectsKey: 'rc_b' },
        ]);
        const all = await store.auditIndexRows(a.seq, c.seq);
        expect(all.receipts).toEqual([
          { receipt: 'rc_a', seq: a.seq },
          { receipt: 'rc_b', seq: b.seq },
        ]);
        // Ordered by seq, then subject.
        const p1 = { subjectId: sid('p1'), day, actor: 'test:contract', key: 'procurement.bid', seq: b.seq };
        const p2 = { subjectId: sid('p2'), day, actor: 'test:contract', key: 'procurement.bid', seq: b.seq };
        const read = { subjectId: sid('p2'), day, actor: 'test:reviewer', key: 'rc_b', seq: c.seq };
        expect(all.subjectDays).toEqual([...[p1, p2].sort((x, y) => (x.subjectId < y.subjectId ? -1 : 1)), read]);
        // A range holds only the rows pointing into it.
        expect(await store.auditIndexRows(c.seq, c.seq)).toEqual({ receipts: [], subjectDays: [read] });
        expect(await store.auditIndexRows(c.seq + 1, Number.MAX_SAFE_INTEGER)).toEqual({ receipts: [], subjectDays: [] });
        // By key: the rows there are, none for keys without one.
        const { seq: _s, ...k1 } = p1;
        const { seq: _r, ...k2 } = read;
        const found = await store.findSubjectDays([k1, { ...k1, day: day + 1 }, k2, { ...k2, actor: 'someone-else' }]);
        expect(found.sort((x, y) => x.seq - y.seq || (x.actor < y.actor ? -1 : 1))).toEqual([p1, read]);
        expect(await store.findSubjectDays([])).toEqual([]);
      });
    });
  });
}
