/**
 * Minors (issue 15, item 6): conduct before a person's 18th birthday is scored by no scheme and
 * lists them only on a list for minors. The core rule, pure: the caller passes the instant the
 * person turned 18.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogDir } from '../app/catalog-files.js';
import { formatIssue, type Catalog, type CompiledList } from '../catalog/types.js';
import { addYears } from '../domain/time.js';
import type { CreditRecord, Instant, SubjectKind } from '../domain/types.js';
import { ridCheckChar } from '../ids/index.js';
import { evaluateSubject } from './evaluate.js';
import { adultFrom, adultFromRid } from './minors.js';

const loaded = loadCatalogDir(join(import.meta.dirname, '../../catalogs/cn-demo'));
if (!loaded.ok) throw new Error(loaded.error.map(formatIssue).join('\n'));
const catalog: Catalog = loaded.value;

/** An instant from ISO 8601 text; a bare date is 00:00 UTC. */
const T = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
let n = 0;
/** A record of the person, recorded when it occurred. */
const rec = (type: string, occurredAt: string | Instant, facts: Record<string, unknown>): CreditRecord => {
  const at = typeof occurredAt === 'number' ? occurredAt : T(occurredAt);
  n++;
  return { id: `r_minor${n}`, source: 'test', externalId: `m${n}`, type, area: catalog.recordTypes.get(type)!.doc.area, subjectId: person.id, occurredAt: at, recordedAt: at, facts, catalogVersion: catalog.version, statuses: [] };
};

/** Born 15 March 2012: 14 in 2026, and 18 from 00:00 Beijing time on 16 March 2030. */
const BORN = '2012-03-15';
const ADULT = T('2030-03-16T00:00:00+08:00');
const person = { id: 's_minor000001', kind: 'person' as SubjectKind, createdAt: T('2020-01-01') };
const enterprise = { id: 's_enterprise01', kind: 'enterprise' as SubjectKind, createdAt: T('2020-01-01') };

const stateOf = (records: CreditRecord[], asOf: Instant | string, opts: { adultFrom?: Instant; subject?: typeof person; catalog?: Catalog } = {}) =>
  evaluateSubject(opts.catalog ?? catalog, { subject: opts.subject ?? person, records, asOf: typeof asOf === 'number' ? asOf : T(asOf), adultFrom: 'adultFrom' in opts ? opts.adultFrom : ADULT });
const civic = (s: ReturnType<typeof stateOf>) => s.schemes.find((x) => x.scheme === 'civic-points')!;
const lists = (s: ReturnType<typeof stateOf>) => s.entries.filter((e) => e.status === 'active' || e.status === 'pending').map((e) => e.list);

/** The catalog with some lists changed (`minors`, or the subject kinds they hold). */
function withLists(changes: Record<string, Partial<CompiledList>>): Catalog {
  const lists = catalog.lists.map((l) => (changes[l.code] ? { ...l, ...changes[l.code] } : l));
  return { ...catalog, lists, listsByCode: new Map(lists.map((l) => [l.code, l])) };
}

const theft = (at: string | Instant) => rec('utility.theft', at, { utility: 'electricity', decisionNo: `U-${n}` });
const debtor = (at: string | Instant) => rec('court.dishonest-debtor-decision', at, { caseNo: `(2026)鲁1082执${n}号`, court: 'Rongcheng Court', ground: 'obstructs' });

describe('when a person turns 18', () => {
  it('is 00:00 China Standard Time on the day after the 18th birthday', () => {
    expect(adultFrom(BORN)).toBe(ADULT);
    expect(new Date(adultFrom(BORN)).toISOString()).toBe('2030-03-15T16:00:00.000Z');
    expect(adultFrom('2007-12-31')).toBe(T('2026-01-01T00:00:00+08:00'));
  });

  it('for a birthday of 29 February, is 2 March in a common year', () => {
    expect(adultFrom('2008-02-29')).toBe(T('2026-03-02T00:00:00+08:00'));
    // (An 18th birthday of someone born on 29 February never falls in a leap year.)
    expect(adultFrom('2006-02-28')).toBe(T('2024-02-29T00:00:00+08:00'));
    expect(adultFrom('2006-03-01')).toBe(T('2024-03-02T00:00:00+08:00'));
  });

  it('is read from a resident identity number, and unknown for anything without its shape and a real birth date', () => {
    const number = (ymd: string) => `110105${ymd}123` + ridCheckChar(`110105${ymd}123`);
    expect(adultFromRid(number(BORN.replaceAll('-', '')))).toBe(ADULT);
    expect(adultFromRid(number('20080229'))).toBe(adultFrom('2008-02-29'));
    for (const bad of [number('20130229'), number('20121301'), number('18991231'), number('20120315').slice(0, 17), '11010520120315123Y', 'SZ-000123', '']) expect(adultFromRid(bad), bad).toBeNull();
  });
});

describe("a minor's conduct", () => {
  it('changes no civic score: no points, no breakdown entry, nothing to wait for', () => {
    const r = theft('2026-05-10');
    const s = stateOf([r], '2026-06-01');
    expect(civic(s)).toMatchObject({ score: 1000, grade: 'A', breakdown: [] });
    expect(s.nextChangeAt).toBeNull();
    // The same record about an adult deducts; so does it when the age is unknown.
    expect(civic(stateOf([r], '2026-06-01', { adultFrom: T('2000-01-01') })).score).toBe(940);
    expect(civic(stateOf([r], '2026-06-01', { adultFrom: undefined })).score).toBe(940);
  });

  it('is judged at the time of the conduct: on the 18th birthday still a minor, from the next day an adult, whatever asOf', () => {
    const onBirthday = theft('2030-03-15T20:00:00+08:00');
    const nextDay = theft('2030-03-16T00:00:00+08:00');
    const later = T('2030-06-01');
    expect(civic(stateOf([onBirthday], later)).score).toBe(1000);
    expect(civic(stateOf([nextDay], later)).breakdown.map((b) => b.recordId)).toEqual([nextDay.id]);
    // Years later, the teenage record still counts for nothing.
    const teen = theft('2027-01-10');
    expect(civic(stateOf([teen, nextDay], later)).score).toBe(940);
  });

  it('caps no grade, and earns no merit either: the person is not scored', () => {
    const dui = rec('traffic.violation', '2029-06-15', { offence: 'drunk-driving', ticketNo: 'T1' });
    const blood = rec('civic.blood-donation', '2029-07-01', { volumeMl: 300 });
    const s = civic(stateOf([dui, blood], '2029-08-01'));
    expect(s).toMatchObject({ score: 1000, grade: 'A', breakdown: [] });
    expect(s.cappedBy).toBeUndefined();
    expect(civic(stateOf([dui], '2029-08-01', { adultFrom: T('2000-01-01') }))).toMatchObject({ grade: 'C' });
  });

  it('lists the person on no list whose basis does not apply to minors', () => {
    const d = debtor('2026-02-01');
    const s = stateOf([d], '2026-06-01');
    expect(s.entries).toEqual([]);
    expect(civic(s).score).toBe(1000);
    const adult = stateOf([d], '2026-06-01', { adultFrom: T('2000-01-01') });
    expect(lists(adult)).toEqual(expect.arrayContaining(['spc-dishonest-debtors', 'spc-high-consumption']));
  });

  it('lists them on a list for minors (`minors: true`), and still scores nothing', () => {
    const forMinors = withLists({ 'spc-dishonest-debtors': { minors: true } });
    const d = debtor('2026-02-01');
    const s = stateOf([d], '2026-06-01', { catalog: forMinors });
    expect(lists(s)).toEqual(['spc-dishonest-debtors']);
    expect(s.entries[0].reasons[0]).toMatchObject({ recordId: d.id });
    expect(civic(s).score).toBe(1000);
  });

  it('beside a teenage record that neither scores nor lists, a later adult record does both', () => {
    const teen = debtor('2029-01-10');
    const adult = debtor('2030-04-01');
    const s = stateOf([teen, adult], '2030-05-01');
    expect(s.entries.map((e) => e.reasons[0].recordId)).toEqual(expect.arrayContaining([adult.id]));
    expect(s.entries.some((e) => e.reasons.some((r) => r.recordId === teen.id))).toBe(false);
    expect(civic(s).breakdown.map((b) => b.recordId)).toEqual([adult.id]);
  });

  it('escalates only to a list for minors', () => {
    // A person-held copy of the abnormal-operations directory that takes minors, escalating to
    // one that does not: the entry stays where it is.
    const both: Partial<CompiledList> = { subjects: new Set<SubjectKind>(['person', 'enterprise']) };
    const cat = withLists({ 'abnormal-operations': { ...both, minors: true }, 'serious-illegal-dishonest-enterprises': both });
    const m = rec('market.annual-report-missed', '2026-07-01', { year: 2025 });
    const [src] = stateOf([m], '2026-08-01', { catalog: cat }).entries;
    expect(src.list).toBe('abnormal-operations');
    const after = stateOf([m], addYears(src.since, 3), { catalog: cat });
    expect(after.entries.map((e) => [e.list, e.status])).toEqual([['abnormal-operations', 'active']]);
    // Both lists for minors: it escalates as it would for an adult.
    const all = withLists({ 'abnormal-operations': { ...both, minors: true }, 'serious-illegal-dishonest-enterprises': { ...both, minors: true } });
    expect(lists(stateOf([m], addYears(src.since, 3), { catalog: all }))).toEqual(['serious-illegal-dishonest-enterprises']);
  });

  it('means nothing for an organisation', () => {
    const r = theft('2026-05-10');
    const org = { ...enterprise };
    const s = stateOf([{ ...r, subjectId: org.id }], '2026-06-01', { subject: org, adultFrom: T('2099-01-01') });
    expect(s.schemes.find((x) => x.scheme === 'enterprise-class')?.breakdown.map((b) => b.recordId)).toEqual([r.id]);
  });
});
