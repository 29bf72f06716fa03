/**
 * What a listing notice names, from the default catalog (Shenzhen 2023, Art. 78): the measures,
 * the exit conditions, the objection deadline and how to object; when it is dated; and why a red
 * entry taken away by a black one is gone.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogDirOrThrow } from '../../src/app/catalog-files.js';
import type { ListEntry, SubjectState } from '../../src/domain/types.js';
import { listingNotices } from '../../src/process/listing-notices.js';

const catalog = loadCatalogDirOrThrow(join(import.meta.dirname, '../../catalogs/cn-demo'));
const DAY = 86_400_000;
const decided = Date.parse('2026-07-01T00:00:00Z');
const recorded = decided + 17 * DAY;
const since = recorded + 10 * DAY;
const iso = (t: number) => new Date(t).toISOString();

const abnormal: ListEntry = {
  id: 'e_ab', list: 'abnormal-operations', subjectId: 's_e', status: 'pending', since, decidedAt: decided, until: decided + 5 * 365 * DAY,
  reasons: [{ recordId: 'r_1', recordType: 'market.annual-report-missed', ruleId: 'annual-report-missed', legalBasis: 'x' }], catalogVersion: catalog.version,
};
const aaa: ListEntry = {
  id: 'e_aaa', list: 'aaa-citizens', subjectId: 's_p', status: 'active', since: decided, decidedAt: decided, until: decided + 200 * DAY,
  reasons: [{ ruleId: 'grade-aaa', legalBasis: 'x', grade: { scheme: 'civic-points', grade: 'AAA' } }], catalogVersion: catalog.version,
};
const state = (subjectId: string, entries: ListEntry[], asOf: number): SubjectState => ({ subjectId, asOf, catalogVersion: catalog.version, schemes: [], entries, nextChangeAt: null });

describe('a listing.pending notice', () => {
  const [n] = listingNotices(catalog, [], [state('s_e', [abnormal], recorded)]);

  it('is dated when the notice period began: when the record was recorded, not decided', () => {
    expect(n).toMatchObject({ kind: 'listing.pending', createdAt: recorded });
  });

  it('names the measures, the exits, the objection deadline and how to object', () => {
    expect(n.payload).toMatchObject({
      list: 'abnormal-operations',
      effectiveFrom: iso(since),
      until: iso(abnormal.until!),
      measures: [{
        measure: 'abnormal-operations-procurement-review',
        name: { en: 'Bids from enterprises in the abnormal-operations directory are reviewed', 'zh-CN': '列入经营异常名录企业的投标须经审查' },
        action: 'procurement.bid',
        effect: 'review',
      }],
      alsoBinds: [],
      // Each ground is left by its own remedy: a missed report by a report filed.
      exits: [{
        recordType: 'market.abnormal-operations-remedied',
        name: { en: 'Grounds for the abnormal-operations directory remedied', 'zh-CN': '列入经营异常名录的情形已消除' },
        when: "later.facts.remedy == 'report-filed'",
      }],
      objectionDeadline: iso(since),
      objectionSuspends: true,
    });
    expect((n.payload.exitConditions as { en: string }[]).map((c) => c.en)).toEqual([
      `a record of "Grounds for the abnormal-operations directory remedied" (market.abnormal-operations-remedied) for which later.facts.remedy == 'report-filed' ends it`,
      `it ends on ${iso(abnormal.until!)} at the latest`,
      'it ends if the record behind it is revoked or corrected on objection, or repaired',
    ]);
    expect((n.payload.exitConditions as { 'zh-CN': string }[])[0]['zh-CN']).toBe(
      "出现“列入经营异常名录的情形已消除”（market.abnormal-operations-remedied）记录（条件：later.facts.remedy == 'report-filed'）时终止",
    );
    expect((n.payload.howToObject as { en: string }).en).toBe(
      `Object to the record behind this listing with POST /v1/objections, on the portal's "My credit record" page, or through State Administration for Market Regulation by ${iso(since)}, before the listing takes effect. On this list an objection suspends the listing until it is decided. An objection is answered in 3 working days, or 7 if another unit must verify.`,
    );
    expect((n.payload.howToObject as { 'zh-CN': string })['zh-CN']).toContain('向国家市场监督管理总局');
  });
});

describe('a red listing', () => {
  it('takes effect with a notice naming its rewards and that it lasts while the grade holds and no black entry is in effect', () => {
    const [n] = listingNotices(catalog, [], [state('s_p', [aaa], decided)]);
    expect(n.kind).toBe('listing.effective');
    expect((n.payload.measures as { measure: string }[]).map((m) => m.measure)).toEqual(['aaa-heating-discount', 'aaa-deposit-free-bikes', 'aaa-loan-priority']);
    expect((n.payload.exitConditions as { en: string }[]).map((c) => c.en)).toEqual([
      `it lasts while your grade in civic-points is AAA: as the records known now stand, until ${iso(aaa.until!)}`,
      'it does not apply while a black-list entry of your own is in effect (red and black exclude each other)',
    ]);
  });

  it('taken away by a black entry in effect, is told as withdrawn naming the black entry', () => {
    const black: ListEntry = { ...abnormal, id: 'e_tax', subjectId: 's_p', list: 'major-tax-violators', status: 'active', since: decided + 10 * DAY, reasons: [{ recordId: 'r_2', ruleId: 'major-arrears', legalBasis: 'x' }] };
    const ended = listingNotices(catalog, [aaa], [state('s_p', [black], decided + 11 * DAY)]).find((x) => x.kind === 'listing.ended');
    expect(ended?.payload).toMatchObject({ list: 'aaa-citizens', status: 'withdrawn', reason: expect.stringMatching(/^taken off this red list while on the black list major-tax-violators \(entry e_tax\)/) });
    // A grade lost, with no black entry, says so.
    expect(listingNotices(catalog, [aaa], [state('s_p', [], decided + 11 * DAY)])[0].payload.reason).toBe('the grade it rests on no longer holds');
  });
});
