/**
 * Notice before effect (issue 15, item 7): on an after-notice list the notice period counts from
 * when xinyong recorded the record, never from `occurredAt`, so a late record gets its full notice;
 * the listing still counts its duration from the decision, so lateness does not lengthen it; an
 * on-decision list takes effect at the decision whenever it was recorded; and a question as of an
 * instant before the record was recorded does not see it at all.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogDir } from '../app/catalog-files.js';
import { formatIssue } from '../catalog/types.js';
import { addDuration } from '../domain/time.js';
import type { CreditRecord, SubjectKind } from '../domain/types.js';
import { evaluateSubject } from './evaluate.js';

const loaded = loadCatalogDir(join(import.meta.dirname, '../../catalogs/cn-demo'));
if (!loaded.ok) throw new Error(loaded.error.map(formatIssue).join('\n'));
const catalog = loaded.value;
const at = (iso: string) => Date.parse(iso);
const DAY = 86_400_000;

const enterprise = { id: 's_late', kind: 'enterprise' as SubjectKind, createdAt: at('2020-01-01T00:00:00Z') };
const late = (type: string, occurredAt: string, recordedAt: string, facts: Record<string, unknown>): CreditRecord => ({
  id: `r_${type}_${occurredAt}`, source: 'test', externalId: `${type}-${occurredAt}`, type, area: catalog.recordTypes.get(type)!.doc.area, subjectId: enterprise.id,
  occurredAt: at(occurredAt), recordedAt: at(recordedAt), facts, catalogVersion: catalog.version, statuses: [],
});
const entry = (records: CreditRecord[], asOf: string, list: string) => evaluateSubject(catalog, { subject: enterprise, records, asOf: at(asOf) }).entries.find((e) => e.list === list);
// The listing decision of the credit authority, the only way onto the serious-dishonesty list
// (after notice), and the serious penalty behind it, both sent 17 days late.
const penalty = late('admin.penalty', '2026-11-10T02:00:00Z', '2026-11-27T02:00:00Z', { severity: 'serious', decisionNo: 'HZ-17', authority: 'Hangzhou SAMR' });
const decision = late('credit.serious-dishonesty-decision', '2026-11-10T02:00:00Z', '2026-11-27T02:00:00Z', { decisionNo: 'HZ-XY-17', authority: 'Hangzhou credit authority', seriousGround: 'disrupts-fair-competition' });

describe('a record sent 17 days after the decision', () => {
  const notice = catalog.listsByCode.get('serious-dishonesty')!.noticePeriod!;

  it('gets its full notice period, counted from when it was recorded', () => {
    const e = entry([decision], '2026-11-27T03:00:00Z', 'serious-dishonesty')!;
    expect(e).toMatchObject({ status: 'pending', decidedAt: decision.occurredAt, since: addDuration(decision.recordedAt, notice) });
    expect(e.since - decision.recordedAt).toBe(10 * DAY);
    // Not in effect where the old rule (from occurredAt) would have put it…
    expect(entry([decision], '2026-12-06T00:00:00Z', 'serious-dishonesty')!.status).toBe('pending');
    // …only once ten days have passed since xinyong learnt of it.
    expect(entry([decision], new Date(e.since - 1).toISOString(), 'serious-dishonesty')!.status).toBe('pending');
    expect(entry([decision], new Date(e.since).toISOString(), 'serious-dishonesty')!.status).toBe('active');
    // The penalty alone lists no one: only a listing decision does.
    expect(entry([penalty], '2026-12-31T00:00:00Z', 'serious-dishonesty')).toBeUndefined();
  });

  it('is not listed for longer because it came late: the duration counts from the decision', () => {
    const e = entry([decision], '2026-11-27T03:00:00Z', 'serious-dishonesty')!;
    expect(e.until).toBe(addDuration(addDuration(decision.occurredAt, notice), { text: 'P3Y', years: 3, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 }));
  });

  it('is unknown as of any instant before it was recorded', () => {
    const s = evaluateSubject(catalog, { subject: enterprise, records: [penalty, decision], asOf: penalty.recordedAt - 1 });
    expect(s.entries).toEqual([]);
    expect(s.schemes.find((x) => x.scheme === 'enterprise-class')!.breakdown).toEqual([]);
  });

  it('on an on-decision list takes effect at the decision, as the court decided', () => {
    const d = late('court.dishonest-debtor-decision', '2026-11-10T02:00:00Z', '2026-11-27T02:00:00Z', { caseNo: 'C-17', court: 'Hangzhou Court', ground: 'evades' });
    expect(entry([d], '2026-11-27T03:00:00Z', 'spc-dishonest-debtors')).toMatchObject({ status: 'active', since: d.occurredAt, decidedAt: d.occurredAt });
  });

  it('sent after its listing period would have ended is never in force', () => {
    const old = late('credit.serious-dishonesty-decision', '2022-01-10T00:00:00Z', '2026-11-27T00:00:00Z', { decisionNo: 'OLD-1', authority: 'Credit authority', seriousGround: 'refuses-legal-obligations' });
    const e = entry([old], '2026-11-27T01:00:00Z', 'serious-dishonesty')!;
    expect(e.status).toBe('expired');
    expect(e.endedAt!).toBeLessThan(e.since);
  });

  it('escalates three years after it took effect, not after its decision', () => {
    const missed = late('market.annual-report-missed', '2026-07-01T00:00:00Z', '2026-07-18T00:00:00Z', { year: 2025 });
    const src = entry([missed], '2026-07-18T01:00:00Z', 'abnormal-operations')!;
    expect(src.since).toBe(at('2026-07-28T00:00:00Z'));
    expect(entry([missed], '2029-07-20T00:00:00Z', 'serious-illegal-dishonest-enterprises')).toBeUndefined();
    expect(entry([missed], '2029-07-28T00:00:00Z', 'serious-illegal-dishonest-enterprises')).toMatchObject({ status: 'active', since: at('2029-07-28T00:00:00Z') });
  });
});
