/** The contract of the stats port: the summary. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../port/index.js';
import { audit, auditCount, batch, DAY, entry, type MakeStore, nonZero, record, save, scheme, state, subject, T, useFreshStore } from './fixtures.js';

export function statsContract(name: string, make: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    useFreshStore(make, (s) => (store = s));

    describe('summary', () => {
      it('counts subjects by kind, records by area, province and type, list sizes, breakdown and flows, grades and audit entries', async () => {
        const empty = await store.summary();
        expect(empty.records).toBe(0);
        expect(empty.recordsByProvince).toEqual({});
        expect(empty.listFlows).toEqual({});
        expect(nonZero(empty.subjectsByKind as Record<string, number>)).toEqual({});

        const p1 = subject('p1', 'person');
        const p2 = subject('p2', 'person', { region: '110105' });
        const p3 = subject('p3', 'person');
        const e1 = subject('e1', 'enterprise', { region: '370211' });
        const e2 = subject('e2', 'enterprise');
        // Known without a region: its records count under `unknown`.
        const g1 = subject('g1', 'government', { region: '' });
        await store.ingest(
          batch({
            subjects: [p1, p2, p3, e1, e2, g1],
            records: [
              record(p1.id, 'r1'),
              record(p2.id, 'r2'),
              record(e1.id, 'r3', { source: 'spc', type: 'court.dishonest-debtor-decision', area: 'judicial', facts: { caseNo: 'c1', court: 'x', ground: 'evades' } }),
              record(g1.id, 'r4', { source: 'finance-dept', type: 'government.contract-default', area: 'government', facts: { counterparty: 'y', amountYuan: 10 } }),
            ],
          }),
        );
        await store.saveStates(
          save({
            states: [
              state(p1.id, [scheme('civic-points', 970, 'A')], [entry('p1-l1', 'l1', p1.id, 'pending'), entry('p1-l2', 'l2', p1.id, 'suspended')]),
              state(p2.id, [scheme('civic-points', 900, 'B')], [entry('p2-l2', 'l2', p2.id, 'expired', { since: T - 400 * DAY, endedAt: T - 5 * DAY, endReason: 'expired' })]),
              // Ended a millisecond before May began (so in April); e1-l3 began as May did.
              state(p3.id, [scheme('civic-points', 1000, 'A')], [entry('p3-l1', 'l1', p3.id, 'exited', { since: T - 100 * DAY, endedAt: Date.UTC(2026, 4, 1) - 1, endReason: 'exit' })]),
              state(e1.id, [scheme('enterprise-class', 70, 'B')], [entry('e1-l1', 'l1', e1.id, 'active'), entry('e1-l3', 'l3', e1.id, 'active', { since: Date.UTC(2026, 4, 1) })]),
              state(e2.id, [scheme('enterprise-class', 95, 'A')]),
            ],
            related: [{ ownerId: e1.id, entries: [entry('e1-l1-p2', 'l1', p2.id, 'active', { via: { subjectId: e1.id, role: 'legal-representative' } })] }],
            audit: audit('state.derived'),
          }),
        );
        await store.appendAudit([audit('x')]);

        const s = await store.summary();
        expect(s.subjectsByKind).toMatchObject({ person: 3, enterprise: 2, government: 1 });
        expect(s.subjectsByKind.institution ?? 0).toBe(0);
        expect(s.records).toBe(4);
        expect(nonZero(s.recordsByArea)).toEqual({ commercial: 2, judicial: 1, government: 1 });
        expect(nonZero(s.recordsByType)).toEqual({ 'finance.loan-arrears': 2, 'court.dishonest-debtor-decision': 1, 'government.contract-default': 1 });
        expect(nonZero(s.recordsByProvince)).toEqual({ '110000': 2, '370000': 1, unknown: 1 });
        // Entries that began and ended, by UTC month; related entries (via a role) are entries too.
        expect(s.listFlows).toEqual({
          l1: [
            { month: '2026-02', inflow: 1, outflow: 0 },
            { month: '2026-04', inflow: 0, outflow: 1 },
            { month: '2026-05', inflow: 3, outflow: 0 },
          ],
          l2: [
            { month: '2025-04', inflow: 1, outflow: 0 },
            { month: '2026-05', inflow: 1, outflow: 1 },
          ],
          l3: [{ month: '2026-05', inflow: 1, outflow: 0 }],
        });
        expect(nonZero(s.listSizes)).toEqual({ l1: 3, l3: 1 });
        expect(Object.fromEntries(Object.entries(s.listBreakdown).map(([k, v]) => [k, nonZero(v)]).filter(([, v]) => Object.keys(v).length > 0))).toEqual({
          l1: { person: 1, enterprise: 1, 'via-role': 1 },
          l3: { enterprise: 1 },
        });
        expect(s.grades).toEqual({ 'civic-points': { A: 2, B: 1 }, 'enterprise-class': { A: 1, B: 1 } });
        expect(s.auditEntries).toBe(await auditCount(store));
        expect(s.auditEntries).toBeGreaterThanOrEqual(3);
      });

      it('counts list flows by UTC day or month, from an instant on', async () => {
        const p1 = subject('p1', 'person');
        const p2 = subject('p2', 'person');
        await store.ingest(batch({ subjects: [p1, p2], records: [record(p1.id, 'r1'), record(p2.id, 'r2')] }));
        const may1 = Date.UTC(2026, 4, 1);
        await store.saveStates(
          save({
            states: [
              state(p1.id, [], [entry('p1-l1', 'l1', p1.id, 'active', { since: may1 + 3 * 3600_000 }), entry('p1-l2', 'l2', p1.id, 'exited', { since: may1 - 40 * DAY, endedAt: may1 + DAY, endReason: 'exit' })]),
              state(p2.id, [], [entry('p2-l1', 'l1', p2.id, 'active', { since: may1 + 20 * 3600_000 })]),
            ],
            audit: audit('state.derived'),
          }),
        );
        expect(await store.listFlows({ from: null, bucket: 'day' })).toEqual({
          l1: [{ period: '2026-05-01', inflow: 2, outflow: 0 }],
          l2: [
            { period: '2026-03-22', inflow: 1, outflow: 0 },
            { period: '2026-05-02', inflow: 0, outflow: 1 },
          ],
        });
        // From an instant: only what began or ended at or after it.
        expect(await store.listFlows({ from: may1, bucket: 'month' })).toEqual({
          l1: [{ period: '2026-05', inflow: 2, outflow: 0 }],
          l2: [{ period: '2026-05', inflow: 0, outflow: 1 }],
        });
        expect(await store.listFlows({ from: may1 + 21 * 3600_000, bucket: 'day' })).toEqual({ l2: [{ period: '2026-05-02', inflow: 0, outflow: 1 }] });
      });
    });
  });
}
