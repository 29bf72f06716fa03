import { describe, expect, it } from 'vitest';
import type { Catalog } from '../catalog/types.js';
import type { ListEntry, SubjectState } from '../domain/types.js';
import { listingNotices } from './listing-notices.js';

const text = (en: string, zh: string) => ({ 'zh-CN': zh, en });
const catalog = {
  listsByCode: new Map([['l', { doc: { name: text('A list', '某名单'), authority: text('Auth', '某机关'), legalBasis: [{ law: 'x', art: '1' }] }, basis: text('Art. 1', '第1条') }]]),
  recordTypes: new Map(),
} as unknown as Catalog;
const entry = (status: ListEntry['status'], extra: Partial<ListEntry> = {}): ListEntry => ({
  id: 'e_1', list: 'l', subjectId: 's_1', status, since: 1000, decidedAt: 500, until: 9000, reasons: [{ recordId: 'r_1', ruleId: 'x', legalBasis: 'Art. 1' }], catalogVersion: '1', ...extra,
});
const state = (entries: ListEntry[]): SubjectState => ({ subjectId: 's_1', asOf: 2000, catalogVersion: '1', schemes: [], entries, nextChangeAt: null });

describe('listingNotices', () => {
  it('tells of a pending listing with its effective date, then of it taking effect, then of its end', () => {
    const pending = listingNotices(catalog, [], [state([entry('pending')])]);
    expect(pending.map((n) => n.kind)).toEqual(['listing.pending']);
    expect(pending[0].payload).toMatchObject({ effectiveFrom: new Date(1000).toISOString(), authority: text('Auth', '某机关'), legalBasis: text('Art. 1', '第1条') });
    // How to object, in both languages, naming the list's authority.
    expect(pending[0].payload.howToObject).toEqual({ en: expect.stringContaining('through Auth by'), 'zh-CN': expect.stringContaining('向某机关') });
    expect(listingNotices(catalog, [entry('pending')], [state([entry('active')])]).map((n) => n.kind)).toEqual(['listing.effective']);
    const ended = listingNotices(catalog, [entry('active')], [state([entry('exited', { endedAt: 1500, endReason: 'exit' } as Partial<ListEntry>)])]);
    expect(ended.map((n) => [n.kind, n.createdAt])).toEqual([['listing.ended', 1500]]);
  });

  it('says nothing when nothing changed, and the same change twice gives the same notice', () => {
    expect(listingNotices(catalog, [entry('active')], [state([entry('active')])])).toEqual([]);
    expect(listingNotices(catalog, [], [state([entry('active')])])).toEqual(listingNotices(catalog, [], [state([entry('active')])]));
  });

  it('tells of an entry withdrawn with its record, and ignores entries that reach a person through a role', () => {
    expect(listingNotices(catalog, [entry('active')], [state([])]).map((n) => [n.kind, n.payload.status])).toEqual([['listing.ended', 'withdrawn']]);
    expect(listingNotices(catalog, [entry('active', { via: { subjectId: 's_org', role: 'legal-representative' } })], [state([])])).toEqual([]);
  });
});
