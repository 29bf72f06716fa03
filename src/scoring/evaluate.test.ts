import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogDir } from '../app/catalog-files.js';
import { formatIssue, type Catalog } from '../catalog/types.js';
import { addDuration, parseDuration, parseInstant } from '../domain/time.js';
import type { CreditRecord, StatusChange, SubjectKind } from '../domain/types.js';
import { evaluateSubject } from './evaluate.js';
import { relatedEntries } from './lists.js';

const loaded = loadCatalogDir(join(import.meta.dirname, '../../catalogs/cn-demo'));
if (!loaded.ok) throw new Error(loaded.error.map(formatIssue).join('\n'));
const catalog: Catalog = loaded.value;

const T = (s: string) => {
  const r = parseInstant(s);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const plus = (at: number, d: string) => {
  const p = parseDuration(d);
  if (!p.ok) throw new Error(p.error);
  return addDuration(at, p.value);
};

let n = 0;
function rec(type: string, occurredAt: string, facts: Record<string, unknown>, opts: { recordedAt?: string; statuses?: StatusChange[]; subjectId?: string } = {}): CreditRecord {
  n++;
  return {
    id: `r_test${String(n).padStart(6, '0')}`,
    source: 'test',
    externalId: `x${n}`,
    type,
    area: catalog.recordTypes.get(type)!.doc.area,
    subjectId: opts.subjectId ?? 's_person00001',
    occurredAt: T(occurredAt),
    recordedAt: opts.recordedAt ? T(opts.recordedAt) : T(occurredAt),
    facts,
    catalogVersion: catalog.version,
    statuses: opts.statuses ?? [],
  };
}

const person = { id: 's_person00001', kind: 'person' as SubjectKind, createdAt: T('2020-01-01') };
const enterprise = { id: 's_enterprise01', kind: 'enterprise' as SubjectKind, createdAt: T('2020-01-01') };
const evalAt = (records: CreditRecord[], asOf: string, subject = person) => evaluateSubject(catalog, { subject, records, asOf: T(asOf) });
const civic = (s: ReturnType<typeof evalAt>) => s.schemes.find((x) => x.scheme === 'civic-points')!;
const entriesOf = (s: ReturnType<typeof evalAt>, list: string) => s.entries.filter((e) => e.list === list);

describe('civic points (Rongcheng)', () => {
  it('starts at base 1000, grade A, with no records', () => {
    const s = evalAt([], '2026-06-01');
    expect(civic(s)).toMatchObject({ score: 1000, grade: 'A', breakdown: [] });
  });

  it('deducts 10 per monthly cycle of loan arrears, with an explained breakdown', () => {
    const r = rec('finance.loan-arrears', '2026-01-10', { cycles: 7, lender: 'Bank' });
    const c = civic(evalAt([r], '2026-06-01'));
    expect(c.score).toBe(930);
    expect(c.grade).toBe('B'); // below 960 moves a person from A to B
    expect(c.breakdown).toHaveLength(1);
    const b = c.breakdown[0];
    expect(b).toMatchObject({ recordId: r.id, ruleId: 'loan-arrears', points: -70 });
    expect(b.legalBasis).toMatch(/Rongcheng/);
    const rule = catalog.rulesByType.get('finance.loan-arrears')!.find((x) => x.scheme === 'civic-points')!;
    expect(b.until).toBe(addDuration(r.occurredAt, rule.countsFor!));
  });

  it('stops counting a deduction when its period ends', () => {
    const r = rec('finance.loan-arrears', '2026-01-10', { cycles: 2, lender: 'Bank' });
    const rule = catalog.rulesByType.get('finance.loan-arrears')!.find((x) => x.scheme === 'civic-points')!;
    const end = addDuration(r.occurredAt, rule.countsFor!);
    expect(civic(evaluateSubject(catalog, { subject: person, records: [r], asOf: end - 1 })).score).toBe(980);
    const after = evaluateSubject(catalog, { subject: person, records: [r], asOf: end });
    expect(civic(after).score).toBe(1000);
    expect(evaluateSubject(catalog, { subject: person, records: [r], asOf: end - 1 }).nextChangeAt).toBe(end);
  });

  it('caps the grade at C for drunk driving whatever the points', () => {
    const donations = [1, 2, 3, 4, 5, 6].map((i) => rec('civic.blood-donation', `2026-0${i}-01`, { volumeMl: 300 }));
    const dui = rec('traffic.violation', '2026-06-15', { offence: 'drunk-driving', ticketNo: 'T1' });
    const c = civic(evalAt([...donations, dui], '2026-07-01'));
    expect(c.score).toBeGreaterThanOrEqual(1050);
    expect(c.grade).toBe('C');
    expect(c.cappedBy).toMatchObject({ recordId: dui.id, grade: 'C' });
  });

  it('reaches AAA with additions and enters the aaa-citizens red list since the instant it got there', () => {
    const recs = [
      rec('civic.heroic-act', '2026-01-05', { citation: 'Rescued a child from the sea' }),
      rec('civic.blood-donation', '2026-02-01', { volumeMl: 300 }),
      rec('civic.volunteer-service', '2026-03-01', { hours: 120 }),
    ];
    const s = evalAt(recs, '2026-06-01');
    expect(civic(s).score).toBe(1050);
    expect(civic(s).grade).toBe('AAA');
    const [e] = entriesOf(s, 'aaa-citizens');
    expect(e.status).toBe('active');
    expect(e.since).toBe(T('2026-03-01')); // the volunteer hours tipped it over 1050
    expect(e.reasons[0].grade).toEqual({ scheme: 'civic-points', grade: 'AAA' });
    expect(e.until).not.toBeNull(); // additions expire, so AAA ends unless renewed
    expect(evaluateSubject(catalog, { subject: person, records: recs, asOf: e.until! }).entries.filter((x) => x.list === 'aaa-citizens')).toEqual([]);
  });

  it('ignores what was not yet known at the as-of instant (transaction time)', () => {
    const r = rec('finance.loan-arrears', '2026-01-10', { cycles: 5, lender: 'Bank' }, { recordedAt: '2026-03-01' });
    expect(civic(evalAt([r], '2026-02-01')).score).toBe(1000);
    expect(civic(evalAt([r], '2026-03-02')).score).toBe(950);
  });

  it('drops a revoked record from that instant on, but not from the past', () => {
    const r = rec('finance.loan-arrears', '2026-01-10', { cycles: 5, lender: 'Bank' }, { statuses: [{ status: 'revoked', at: T('2026-04-01'), actor: 'reviewer', reason: 'wrong person' }] });
    expect(civic(evalAt([r], '2026-03-01')).score).toBe(950);
    expect(civic(evalAt([r], '2026-04-02')).score).toBe(1000);
  });

  it('flags a disputed record in the breakdown while it still counts', () => {
    const r = rec('finance.loan-arrears', '2026-01-10', { cycles: 1, lender: 'Bank' }, { statuses: [{ status: 'disputed', at: T('2026-02-01'), actor: 'subject', reason: 'objection' }] });
    const c = civic(evalAt([r], '2026-03-01'));
    expect(c.score).toBe(990);
    expect(c.breakdown[0].disputed).toBe(true);
  });

  it('reports when a contribution dated ahead of the clock starts counting', () => {
    const r = rec('finance.loan-arrears', '2026-03-01T00:03:00Z', { cycles: 2, lender: 'B' }, { recordedAt: '2026-03-01T00:00:00Z' });
    const s = evaluateSubject(catalog, { subject: person, records: [r], asOf: T('2026-03-01T00:00:00Z') });
    expect(civic(s).score).toBe(1000);
    expect(s.nextChangeAt).toBe(r.occurredAt);
  });

  it('is deterministic: the same inputs give the same state', () => {
    const recs = [rec('finance.loan-arrears', '2026-01-10', { cycles: 2, lender: 'B' }), rec('court.dishonest-debtor-decision', '2026-02-01', { caseNo: 'C1', court: 'X', ground: 'evades' })];
    expect(evalAt(recs, '2026-06-01')).toEqual(evalAt([...recs].reverse(), '2026-06-01'));
  });
});

describe('spc-dishonest-debtors', () => {
  const decision = (ground: string, at = '2026-01-05', caseNo = '(2026)鲁1082执1号') => rec('court.dishonest-debtor-decision', at, { caseNo, court: 'Rongcheng Court', ground });

  it('lists on ground 2–6 for two years from the decision, effective at once', () => {
    const d = decision('obstructs');
    const [e] = entriesOf(evalAt([d], '2026-01-06'), 'spc-dishonest-debtors');
    expect(e).toMatchObject({ status: 'active', since: d.occurredAt, until: plus(d.occurredAt, 'P2Y') });
    expect(e.reasons[0]).toMatchObject({ recordId: d.id, ruleId: 'grounds-2-6' });
    const [later] = entriesOf(evaluateSubject(catalog, { subject: person, records: [d], asOf: plus(d.occurredAt, 'P2Y') }), 'spc-dishonest-debtors');
    expect(later.status).toBe('expired');
  });

  it('keeps ground 1 until performance, then exits', () => {
    const d = decision('refuses-despite-ability');
    const [open] = entriesOf(evalAt([d], '2027-06-01'), 'spc-dishonest-debtors');
    expect(open.status).toBe('active');
    // It ends on performance, and at the latest at the 5-year ceiling on listing (Shandong Art. 38).
    expect(open.until).toBe(plus(d.occurredAt, 'P5Y'));
    expect(open.until!).toBeLessThan(addDuration(d.occurredAt, catalog.recordTypes.get('court.dishonest-debtor-decision')!.retention));
    const p = rec('court.obligation-performed', '2027-07-01', { caseNo: '(2026)鲁1082执1号', how: 'full-performance' });
    const [closed] = entriesOf(evalAt([d, p], '2027-07-02'), 'spc-dishonest-debtors');
    expect(closed.status).toBe('exited');
    expect(closed.endedAt).toBe(p.occurredAt);
    expect(closed.endReason).toContain(p.id);
    // Performance of a different case does not end it.
    const other = rec('court.obligation-performed', '2027-07-01', { caseNo: 'another', how: 'full-performance' });
    expect(entriesOf(evalAt([d, other], '2027-07-02'), 'spc-dishonest-debtors')[0].status).toBe('active');
  });

  it('extends grounds 2–6 by the years the court orders, at most 3 in all', () => {
    const d = decision('obstructs');
    const ext = (years: number, at: string) => rec('court.listing-extended', at, { caseNo: '(2026)鲁1082执1号', years, reason: 'violence-or-threats' });
    const [e1] = entriesOf(evalAt([d, ext(1, '2027-01-01')], '2027-02-01'), 'spc-dishonest-debtors');
    expect(e1.until).toBe(plus(plus(d.occurredAt, 'P2Y'), 'P1Y'));
    const [e3] = entriesOf(evalAt([d, ext(2, '2027-01-01'), ext(3, '2027-06-01')], '2027-07-01'), 'spc-dishonest-debtors');
    expect(e3.until).toBe(plus(plus(d.occurredAt, 'P2Y'), 'P3Y'));
  });

  it('does not let an extension decided after the entry ended revive it', () => {
    const d = decision('obstructs');
    const late = rec('court.listing-extended', '2028-06-01', { caseNo: '(2026)鲁1082执1号', years: 1, reason: 'repeated-conduct' });
    const [e] = entriesOf(evalAt([d, late], '2028-07-01'), 'spc-dishonest-debtors');
    expect(e.status).toBe('expired');
    expect(e.until).toBe(plus(d.occurredAt, 'P2Y'));
  });

  it('extends to the legal representative and principal of a listed organisation', () => {
    const d = rec('court.dishonest-debtor-decision', '2026-01-05', { caseNo: 'C9', court: 'X', ground: 'evades' }, { subjectId: enterprise.id });
    const s = evaluateSubject(catalog, { subject: enterprise, records: [d], asOf: T('2026-02-01') });
    const rel = relatedEntries(catalog, s.entries, [
      { subjectId: enterprise.id, role: 'legal-representative', personId: 's_rep' },
      { subjectId: enterprise.id, role: 'actual-controller', personId: 's_controller' },
    ]);
    const spc = rel.filter((e) => e.list === 'spc-dishonest-debtors');
    expect(spc.map((e) => e.subjectId)).toEqual(['s_rep']); // spc extends to legal-representative and principal, not actual controllers
    expect(spc[0].via).toEqual({ subjectId: enterprise.id, role: 'legal-representative' });
    expect(spc[0].until).toBe(entriesOf(s, 'spc-dishonest-debtors')[0].until);
  });
});

describe('objections and list entries', () => {
  const decision = (statuses: StatusChange[] = []) => rec('court.dishonest-debtor-decision', '2026-01-05', { caseNo: 'OBJ-1', court: 'C', ground: 'evades' }, { statuses });
  const disputed = [{ status: 'disputed' as const, at: T('2026-02-01'), actor: 'subject', reason: 'objection ob_1' }];

  it('a list that flags keeps the entry in force, its reason marked disputed', () => {
    const [e] = entriesOf(evalAt([decision(disputed)], '2026-02-02'), 'spc-dishonest-debtors');
    expect(e.status).toBe('active');
    expect(e.reasons[0].disputed).toBe(true);
  });

  it('a list that suspends holds the entry while the objection is pending, and only then', () => {
    const suspending: Catalog = { ...catalog, lists: catalog.lists.map((l) => (l.code === 'spc-dishonest-debtors' ? { ...l, doc: { ...l.doc, objection: 'suspends' as const } } : l)) };
    const at = (records: CreditRecord[], asOf: string) => evaluateSubject(suspending, { subject: person, records, asOf: T(asOf) }).entries.filter((e) => e.list === 'spc-dishonest-debtors');
    expect(at([decision(disputed)], '2026-01-20')[0].status).toBe('active');
    expect(at([decision(disputed)], '2026-02-02')[0].status).toBe('suspended');
    const upheld = [...disputed, { status: 'active' as const, at: T('2026-02-04'), actor: 'reviewer', reason: 'upheld' }];
    expect(at([decision(upheld)], '2026-02-05')[0].status).toBe('active');
  });
});

describe('abnormal operations and escalation', () => {
  const missed = () => rec('market.annual-report-missed', '2022-07-01', { year: 2021 }, { subjectId: enterprise.id });

  it('is pending during the notice period, then active', () => {
    const m = missed();
    const list = catalog.listsByCode.get('abnormal-operations')!;
    const [pending] = entriesOf(evaluateSubject(catalog, { subject: enterprise, records: [m], asOf: m.occurredAt + 1 }), 'abnormal-operations');
    expect(pending.status).toBe('pending');
    expect(pending.since).toBe(addDuration(m.occurredAt, list.noticePeriod!));
    expect(entriesOf(evaluateSubject(catalog, { subject: enterprise, records: [m], asOf: pending.since }), 'abnormal-operations')[0].status).toBe('active');
  });

  it('exits on remedy', () => {
    const m = missed();
    const fix = rec('market.abnormal-operations-remedied', '2023-01-10', { remedy: 'report-filed' }, { subjectId: enterprise.id });
    const s = evaluateSubject(catalog, { subject: enterprise, records: [m, fix], asOf: T('2026-01-01') });
    expect(entriesOf(s, 'abnormal-operations')[0].status).toBe('exited');
    expect(entriesOf(s, 'serious-illegal-dishonest-enterprises')).toEqual([]);
  });

  it('escalates after 3 years unremedied to serious-illegal-dishonest-enterprises for 5 years', () => {
    const m = missed();
    const [src] = entriesOf(evaluateSubject(catalog, { subject: enterprise, records: [m], asOf: T('2023-01-01') }), 'abnormal-operations');
    const at = plus(src.since, 'P3Y');
    const before = evaluateSubject(catalog, { subject: enterprise, records: [m], asOf: at - 1 });
    expect(entriesOf(before, 'serious-illegal-dishonest-enterprises')).toEqual([]);
    expect(before.nextChangeAt).toBe(at);
    const after = evaluateSubject(catalog, { subject: enterprise, records: [m], asOf: at });
    expect(entriesOf(after, 'abnormal-operations')[0]).toMatchObject({ status: 'escalated', endedAt: at, endReason: 'escalated to serious-illegal-dishonest-enterprises and legal-representative-ban after P3Y without remedy' });
    const [serious] = entriesOf(after, 'serious-illegal-dishonest-enterprises');
    expect(serious).toMatchObject({ status: 'active', since: at, until: plus(at, 'P5Y') });
    expect(serious.reasons[0].escalatedFrom).toBe(src.id);
    expect(serious.reasons.some((r) => r.recordId === m.id)).toBe(true);
    // Its legal representative may not lead another enterprise for 3 years: a list of its own,
    // which ends while the enterprise stays on the serious list.
    const [ban] = entriesOf(after, 'legal-representative-ban');
    expect(ban).toMatchObject({ status: 'active', since: at, until: plus(at, 'P3Y') });
    expect(ban.reasons[0].escalatedFrom).toBe(src.id);
    const rel = relatedEntries(catalog, after.entries, [{ subjectId: enterprise.id, role: 'legal-representative', personId: 's_rep' }]);
    expect(rel.map((e) => e.list)).toEqual(['legal-representative-ban']);
  });

  it('ends an escalated entry when the record behind it is repaired', () => {
    const m = missed();
    const [src] = entriesOf(evaluateSubject(catalog, { subject: enterprise, records: [m], asOf: T('2023-01-01') }), 'abnormal-operations');
    const at = plus(src.since, 'P3Y');
    const repairedAt = at + 30 * 86_400_000;
    const repaired = { ...m, statuses: [{ status: 'repaired' as const, at: repairedAt, actor: 'reviewer', reason: 'repair approved' }] };
    const [serious] = entriesOf(evaluateSubject(catalog, { subject: enterprise, records: [repaired], asOf: repairedAt + 1 }), 'serious-illegal-dishonest-enterprises');
    expect(serious).toMatchObject({ status: 'exited', endedAt: repairedAt, endReason: 'credit repaired' });
  });
});

describe('enterprise class', () => {
  it('classes A–D by deduction from 100', () => {
    const recs = [
      rec('admin.penalty', '2026-01-01', { severity: 'general', decisionNo: 'D1', authority: 'SAMR' }, { subjectId: enterprise.id }),
      rec('tax.arrears', '2026-02-01', { amountYuan: 5000.5, taxType: 'VAT' }, { subjectId: enterprise.id }),
    ];
    const s = evaluateSubject(catalog, { subject: enterprise, records: recs, asOf: T('2026-03-01') });
    const ec = s.schemes.find((x) => x.scheme === 'enterprise-class')!;
    expect(ec.score).toBe(100 - 10 - 15);
    expect(ec.grade).toBe('B');
    expect(s.schemes.map((x) => x.scheme)).toEqual(['enterprise-class']); // persons' points do not apply to enterprises
  });
});
