/** The contract of the change feed port. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../port/index.js';
import { batch, type MakeStore, save, scheme, state, subject, useFreshStore } from './fixtures.js';

export function feedContract(name: string, make: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    useFreshStore(make, (s) => (store = s));

    describe('change feed', () => {
      it('feeds every saved state to readers of the change feed, in order, from any position', async () => {
        const p1 = subject('p1', 'person');
        const p2 = subject('p2', 'person');
        await store.ingest(batch({ subjects: [p1, p2] }));
        const head0 = await store.stateChangeHead();
        expect(await store.stateChangesSince(head0, 100)).toEqual({ seq: head0, subjectIds: [], firstSeq: null });
        await store.saveStates(save({ states: [state(p1.id, [scheme('civic-points', 1000, 'A')])] }));
        await store.saveStates(save({ states: [state(p2.id, [scheme('civic-points', 990, 'A')]), state(p1.id, [scheme('civic-points', 980, 'A')])] }));
        const all = await store.stateChangesSince(head0, 100);
        expect(all.subjectIds.sort()).toEqual([p1.id, p2.id].sort());
        expect(all.seq).toBe(await store.stateChangeHead());
        const first = await store.stateChangesSince(head0, 1);
        expect(first.subjectIds).toEqual([p1.id]);
        const rest = await store.stateChangesSince(first.seq, 100);
        expect(rest.subjectIds.sort()).toEqual([p1.id, p2.id].sort());
        expect(first.firstSeq).toBe(head0 + 1);
        expect(await store.pruneStateChanges(Date.now() + 60_000)).toBe(3);
        expect((await store.stateChangesSince(head0, 100)).subjectIds).toEqual([]);
        // The position keeps rising after a prune, so a reader never re-reads or skips.
        await store.saveStates(save({ states: [state(p2.id, [scheme('civic-points', 970, 'A')])] }));
        expect(await store.stateChangeHead()).toBeGreaterThan(all.seq);
        // A reader that had seen only the first change now finds a gap: it must rebuild.
        expect((await store.stateChangesSince(first.seq, 100)).firstSeq).toBeGreaterThan(first.seq + 1);
      });
    });
  });
}
