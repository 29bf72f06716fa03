/** The contract of the state port: dirty marks, stored states and their entries, the rebuild scans. */
import { describe, expect, it } from 'vitest';
import type { EntryStatus, ListEntry, Subject, SubjectKind } from '../../domain/types.js';
import type { Store } from '../port/index.js';
import { allDirty, batch, byId, collect, DAY, entry, type MakeStore, record, rid, save, scheme, sid, state, subject, T, useFreshStore } from './fixtures.js';

export function stateContract(name: string, make: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    useFreshStore(make, (s) => (store = s));

    describe('derived state', () => {
      async function subjects(...s: Subject[]) {
        await store.ingest(batch({ subjects: s }));
      }

      it('dirty subjects: markDirty adds, the limit is honoured, saveStates clears', async () => {
        const ps = ['p1', 'p2', 'p3', 'p4'].map((l) => subject(l, 'person'));
        await subjects(...ps);
        await store.saveStates(save({ states: ps.map((p) => state(p.id, [])), clearDirty: ps.map((p) => ({ id: p.id })) }));
        expect(await allDirty(store)).toEqual([]);

        await store.markDirty([ps[0].id, ps[2].id]);
        await store.markDirty([ps[2].id, ps[3].id]);
        expect(await allDirty(store)).toEqual([ps[0].id, ps[2].id, ps[3].id].sort());
        const two = await store.dirtySubjects(2);
        expect(two).toHaveLength(2);
        expect(new Set(two).size).toBe(2);

        await store.saveStates(save({ states: [state(ps[2].id, [])], clearDirty: [{ id: ps[2].id }] }));
        expect(await allDirty(store)).toEqual([ps[0].id, ps[3].id].sort());
        // clearDirty is what clears, not the state itself.
        await store.saveStates(save({ states: [state(ps[0].id, [])] }));
        expect(await allDirty(store)).toEqual([ps[0].id, ps[3].id].sort());
      });

      it('getState returns what was saved; unknown or never-scored subjects are null', async () => {
        const p = subject('p1', 'person');
        await subjects(p);
        expect(await store.getState(p.id)).toBeNull();
        const s = state(p.id, [scheme('civic-points', 970, 'A')], [entry('p1-a', 'spc-dishonest-debtors', p.id, 'active')]);
        s.schemes[0].breakdown = [{ recordId: rid('x', 'y'), recordType: 'finance.loan-arrears', ruleId: 'loan-arrears', points: -30, legalBasis: 'basis', from: T - DAY, until: T + 700 * DAY }];
        await store.saveStates(save({ states: [s], clearDirty: [{ id: p.id }] }));
        expect(await store.getState(p.id)).toEqual({ state: s, related: [] });
        expect(await store.getState(sid('ghost'))).toBeNull();
      });

      it("saveStates replaces a subject's own entries and keeps optional entry fields", async () => {
        const p = subject('p1', 'person');
        await subjects(p);
        const e1 = entry('p1-1', 'spc-dishonest-debtors', p.id, 'active');
        const e2 = entry('p1-2', 'spc-high-consumption', p.id, 'pending', { until: null });
        await store.saveStates(save({ states: [state(p.id, [scheme('civic-points', 1000, 'A')], [e1, e2])] }));
        expect(byId((await store.getState(p.id))?.state.entries ?? [])).toEqual(byId([e1, e2]));

        const e3 = entry('p1-3', 'spc-dishonest-debtors', p.id, 'exited', { endedAt: T + DAY, endReason: 'obligation performed' });
        await store.saveStates(save({ states: [state(p.id, [scheme('civic-points', 990, 'A')], [e3], T + DAY)] }));
        const got = await store.getState(p.id);
        expect(got?.state.entries).toEqual([e3]);
        expect(got?.state.asOf).toBe(T + DAY);
        expect(got?.state.schemes[0].score).toBe(990);
      });

      it("related entries are stored under the person, returned as `related`, and replaced per owner", async () => {
        const e1 = subject('e1', 'enterprise');
        const e2 = subject('e2', 'enterprise');
        const p = subject('p1', 'person');
        await subjects(e1, e2, p);
        const own = entry('e1-own', 'spc-dishonest-debtors', e1.id, 'active');
        const rel1 = entry('e1-rel-p1', 'spc-dishonest-debtors', p.id, 'active', { via: { subjectId: e1.id, role: 'legal-representative' } });
        const rel2 = entry('e2-rel-p1', 'serious-dishonesty', p.id, 'pending', { via: { subjectId: e2.id, role: 'actual-controller' } });
        const pOwn = entry('p1-own', 'spc-high-consumption', p.id, 'active');
        await store.saveStates(
          save({
            states: [state(e1.id, [scheme('enterprise-class', 80, 'B')], [own]), state(e2.id, []), state(p.id, [scheme('civic-points', 1000, 'A')], [pOwn])],
            related: [
              { ownerId: e1.id, entries: [rel1] },
              { ownerId: e2.id, entries: [rel2] },
            ],
          }),
        );
        let ps = await store.getState(p.id);
        expect(ps?.state.entries).toEqual([pOwn]);
        expect(byId(ps?.related ?? [])).toEqual(byId([rel1, rel2]));
        // The organisation's own state shows only its own entries.
        expect((await store.getState(e1.id))?.state.entries).toEqual([own]);
        expect((await store.getState(e1.id))?.related).toEqual([]);

        // Rescoring the person replaces its own entries, not those owned by the organisations.
        await store.saveStates(save({ states: [state(p.id, [scheme('civic-points', 1000, 'A')], [])] }));
        ps = await store.getState(p.id);
        expect(ps?.state.entries).toEqual([]);
        expect(byId(ps?.related ?? [])).toEqual(byId([rel1, rel2]));

        // A new save by e1 replaces e1's related entries only.
        const rel1b = { ...rel1, status: 'exited' as const, endedAt: T + DAY, endReason: 'performed' };
        await store.saveStates(save({ states: [state(e1.id, [scheme('enterprise-class', 90, 'A')], [])], related: [{ ownerId: e1.id, entries: [rel1b] }] }));
        ps = await store.getState(p.id);
        expect(byId(ps?.related ?? [])).toEqual(byId([rel1b, rel2]));
        await store.saveStates(save({ related: [{ ownerId: e2.id, entries: [] }] }));
        expect((await store.getState(p.id))?.related).toEqual([rel1b]);
      });

      it('enforceableEntries returns only pending and active entries, own and related', async () => {
        const e1 = subject('e1', 'enterprise');
        const p1 = subject('p1', 'person');
        const p2 = subject('p2', 'person');
        await subjects(e1, p1, p2);
        const statuses: EntryStatus[] = ['pending', 'active', 'suspended', 'exited', 'expired', 'escalated'];
        const p1Own = statuses.map((s) => entry(`p1-${s}`, 'spc-dishonest-debtors', p1.id, s));
        const p1Rel = entry('e1-rel-p1', 'spc-high-consumption', p1.id, 'active', { via: { subjectId: e1.id, role: 'legal-representative' } });
        const p1RelEnded = entry('e1-rel-p1-old', 'spc-high-consumption', p1.id, 'expired', { via: { subjectId: e1.id, role: 'legal-representative' } });
        const p2Own = entry('p2-active', 'spc-dishonest-debtors', p2.id, 'active');
        await store.saveStates(
          save({
            states: [state(p1.id, [], p1Own), state(p2.id, [], [p2Own]), state(e1.id, [])],
            related: [{ ownerId: e1.id, entries: [p1Rel, p1RelEnded] }],
          }),
        );
        expect(byId(await store.enforceableEntries([p1.id]))).toEqual(byId([p1Own[0], p1Own[1], p1Rel]));
        expect(byId(await store.enforceableEntries([p1.id, p2.id]))).toEqual(byId([p1Own[0], p1Own[1], p1Rel, p2Own]));
        expect(await store.enforceableEntries([e1.id])).toEqual([]);
        expect(await store.enforceableEntries([])).toEqual([]);
      });

      it('listEntries pages by id without overlaps or gaps, and filters by list and status', async () => {
        const ps = Array.from({ length: 6 }, (_, i) => subject(`p${i}`, 'person'));
        await subjects(...ps);
        const statuses: EntryStatus[] = ['active', 'pending', 'exited', 'active', 'suspended', 'active', 'expired'];
        const all: ListEntry[] = [];
        const states = ps.map((p, pi) => {
          const es = Array.from({ length: 4 }, (_, k) => entry(`L-${pi}-${k}`, 'list-a', p.id, statuses[(pi * 4 + k) % statuses.length]));
          es.push(entry(`M-${pi}`, 'list-b', p.id, 'active'));
          all.push(...es);
          return state(p.id, [], es);
        });
        await store.saveStates(save({ states }));

        const expected = byId(all.filter((e) => e.list === 'list-a' && (e.status === 'pending' || e.status === 'active')));
        expect(expected.length).toBeGreaterThan(10);
        const pages: ListEntry[][] = [];
        let after: string | undefined;
        for (;;) {
          const page = await store.listEntries({ list: 'list-a', limit: 4, after });
          expect(page.length).toBeLessThanOrEqual(4);
          if (page.length === 0) break;
          pages.push(page);
          after = page[page.length - 1].id;
          expect(pages.length).toBeLessThan(50);
        }
        const flat = pages.flat();
        expect(flat).toEqual(expected);
        expect(pages.slice(0, -1).every((p) => p.length === 4)).toBe(true);

        const exited = await store.listEntries({ list: 'list-a', statuses: ['exited', 'expired'], limit: 100 });
        expect(exited).toEqual(byId(all.filter((e) => e.list === 'list-a' && (e.status === 'exited' || e.status === 'expired'))));
        expect((await store.listEntries({ list: 'list-b', limit: 100 })).map((e) => e.id)).toEqual(byId(all.filter((e) => e.list === 'list-b')).map((e) => e.id));
        expect(await store.listEntries({ list: 'no-such-list', limit: 100 })).toEqual([]);
      });

      it('scanSubjects covers every subject once, in id order, in pages', async () => {
        const kinds: SubjectKind[] = ['person', 'enterprise', 'institution', 'government'];
        const ss = Array.from({ length: 23 }, (_, i) => subject(`scan-${i}`, kinds[i % 4], { createdAt: T + i }));
        // Inserted in several batches, not in id order.
        await subjects(...ss.slice(0, 10));
        await subjects(...ss.slice(10));
        const pages = await collect(store.scanSubjects(5));
        for (const p of pages) {
          expect(p.length).toBeGreaterThan(0);
          expect(p.length).toBeLessThanOrEqual(5);
        }
        const flat = pages.flat();
        expect(flat).toEqual(byId(ss).map((s) => ({ id: s.id, kind: s.kind, createdAt: s.createdAt, stateHash: null })));
        expect(pages.length).toBeGreaterThanOrEqual(5);
        expect(await collect(store.scanSubjects(100))).toEqual([flat]);
        // The stored state's hash comes with its subject.
        await store.saveStates(save({ states: [state(ss[3].id, [])], hashes: ['h-3'] }));
        expect((await collect(store.scanSubjects(100))).flat().find((x) => x.id === ss[3].id)?.stateHash).toBe('h-3');
      });

      it('a subject marked dirty again while it was being scored stays dirty', async () => {
        const p = subject('race', 'person');
        await store.ingest(batch({ subjects: [p], records: [record(p.id, 'race-1')] }));
        const marks = await store.dirtyMarks([p.id]);
        expect(marks.has(p.id)).toBe(true);
        // A new record lands after the marks (and records) were read…
        await store.ingest(batch({ records: [record(p.id, 'race-2')] }));
        // …so saving the state derived from the earlier read must not clear it.
        await store.saveStates(save({ states: [state(p.id, [])], clearDirty: [{ id: p.id, mark: marks.get(p.id) }] }));
        expect(await store.dirtySubjects(100)).toContain(p.id);
        const now = await store.dirtyMarks([p.id]);
        await store.saveStates(save({ states: [state(p.id, [])], clearDirty: [{ id: p.id, mark: now.get(p.id) }] }));
        expect(await store.dirtySubjects(100)).not.toContain(p.id);
      });

      it('scanEnforceableEntries yields every pending or active entry, own and related', async () => {
        const e1 = subject('e1', 'enterprise');
        const p1 = subject('p1', 'person');
        await subjects(e1, p1);
        const es = [
          entry('a', 'l1', e1.id, 'active'),
          entry('b', 'l1', e1.id, 'exited'),
          entry('c', 'l2', p1.id, 'pending'),
          entry('d', 'l2', p1.id, 'suspended'),
        ];
        const rel = entry('e', 'l1', p1.id, 'active', { via: { subjectId: e1.id, role: 'principal' } });
        await store.saveStates(save({ states: [state(e1.id, [], es.slice(0, 2)), state(p1.id, [], es.slice(2))], related: [{ ownerId: e1.id, entries: [rel] }] }));
        expect(byId(await collect(store.scanEnforceableEntries()))).toEqual(byId([es[0], es[2], rel]));
      });

      it('latestEntries: own entries of the lists, status and kinds asked, in effect by then, newest first, in keyset pages', async () => {
        const e1 = subject('e1', 'enterprise');
        const e2 = subject('e2', 'enterprise');
        const g1 = subject('g1', 'government');
        const p = subject('p1', 'person');
        await subjects(e1, e2, g1, p);
        const at = (label: string, list: string, who: Subject, status: EntryStatus, since: number, opts: Partial<ListEntry> = {}) => entry(label, list, who.id, status, { since, decidedAt: since, ...opts });
        const a1 = at('a1', 'spc-dishonest-debtors', e1, 'active', T - 10 * DAY);
        const a2 = at('a2', 'spc-dishonest-debtors', e2, 'active', T - 5 * DAY);
        // Same instant as a2: the id breaks the tie, descending.
        const a3 = at('a3', 'abnormal-operations', g1, 'active', T - 5 * DAY);
        const future = at('future', 'abnormal-operations', e1, 'active', T + DAY);
        const ended = at('ended', 'spc-dishonest-debtors', e2, 'exited', T - 2 * DAY, { endedAt: T - DAY, endReason: 'performed' });
        const pending = at('pending', 'abnormal-operations', e2, 'pending', T - 3 * DAY);
        const otherList = at('other', 'aaa-citizens', e1, 'active', T - DAY);
        const person = at('person', 'spc-dishonest-debtors', p, 'active', T - DAY);
        const related = at('related', 'spc-dishonest-debtors', p, 'active', T - 4 * DAY, { via: { subjectId: e1.id, role: 'legal-representative' } });
        await store.saveStates(
          save({
            states: [state(e1.id, [], [a1, future, otherList]), state(e2.id, [], [a2, ended, pending]), state(g1.id, [], [a3]), state(p.id, [], [person])],
            related: [{ ownerId: e1.id, entries: [related] }],
          }),
        );
        const q = { lists: ['spc-dishonest-debtors', 'abnormal-operations'], status: 'active' as const, kinds: ['enterprise', 'government'] as SubjectKind[], sinceAtMost: T, limit: 10 };
        const tied = [a2, a3].sort((x, y) => (x.id < y.id ? 1 : -1));
        expect((await store.latestEntries(q)).map((e) => e.id)).toEqual([...tied, a1].map((e) => e.id));
        // Pages: the keyset is the last entry of the page before, ties included.
        const first = await store.latestEntries({ ...q, limit: 1 });
        expect(first.map((e) => e.id)).toEqual([tied[0].id]);
        const second = await store.latestEntries({ ...q, limit: 1, before: { since: first[0].since, id: first[0].id } });
        expect(second.map((e) => e.id)).toEqual([tied[1].id]);
        const third = await store.latestEntries({ ...q, limit: 5, before: { since: second[0].since, id: second[0].id } });
        expect(third).toEqual([a1]);
        // Persons only when asked, and never through an organisation.
        expect((await store.latestEntries({ ...q, kinds: ['person'] })).map((e) => e.id)).toEqual([person.id]);
        expect((await store.latestEntries({ ...q, sinceAtMost: T + DAY })).map((e) => e.id)).toEqual([future.id, ...tied.map((e) => e.id), a1.id]);
        expect((await store.latestEntries({ ...q, status: 'pending' })).map((e) => e.id)).toEqual([pending.id]);
        expect(await store.latestEntries({ ...q, lists: [] })).toEqual([]);
      });

      it('scanGrades yields the grades of every scored subject', async () => {
        const p1 = subject('p1', 'person');
        const p2 = subject('p2', 'person');
        const e1 = subject('e1', 'enterprise');
        const g1 = subject('g1', 'government');
        await subjects(p1, p2, e1, g1);
        await store.saveStates(
          save({
            states: [
              state(p1.id, [scheme('civic-points', 1060, 'AAA')]),
              state(p2.id, [scheme('civic-points', 900, 'B')]),
              state(e1.id, [scheme('enterprise-class', 95, 'A'), scheme('tax-credit', 80, 'B')]),
            ],
          }),
        );
        await store.saveStates(save({ states: [state(p2.id, [scheme('civic-points', 700, 'C')])] }));
        const grades = (await collect(store.scanGrades())).sort((a, b) => (a.subjectId < b.subjectId ? -1 : 1));
        expect(grades).toEqual(
          [
            { subjectId: p1.id, grades: { 'civic-points': 'AAA' } },
            { subjectId: p2.id, grades: { 'civic-points': 'C' } },
            { subjectId: e1.id, grades: { 'enterprise-class': 'A', 'tax-credit': 'B' } },
          ].sort((a, b) => (a.subjectId < b.subjectId ? -1 : 1)),
        );
      });
    });
  });
}
