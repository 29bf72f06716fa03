import { DIRECTORY_GROUND_RATES, SERIOUS_DISHONESTY_RATES } from './records-credit.js';
import { ENTERPRISE_RATES } from './records-org.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { addYears } from '../domain/time.js';
import type { RecordLine, SubjectLine } from '../ingest/lines.js';
import { isSubjectLine } from '../ingest/lines.js';
import { generateCity } from './index.js';

const NOW = Date.UTC(2026, 4, 15, 8, 0, 0);
const DECISION = 'credit.serious-dishonesty-decision';
const PERSONS = 20_000;
const ENTERPRISES = 2_000;

/** Per subject: its kind and its records. */
interface Dossier {
  kind: string;
  records: RecordLine[];
}

/**
 * "Currently listed" computed from the lines alone: a dishonest-debtor decision not followed by a
 * performance of the same case, and either made within two years or on ground 1 (which lasts
 * until performance).
 */
function currentlyListed(d: Dossier): boolean {
  const performed = new Set(d.records.filter((r) => r.type === 'court.obligation-performed').map((r) => r.facts.caseNo));
  const twoYears = addYears(NOW, -2);
  return d.records.some(
    (r) =>
      r.type === 'court.dishonest-debtor-decision' &&
      !performed.has(r.facts.caseNo) &&
      (Date.parse(r.occurredAt) >= twoYears || r.facts.ground === 'refuses-despite-ability'),
  );
}

describe('synthetic city rates (20,000 persons, 2,000 enterprises, seed 7)', () => {
  const dossiers = new Map<string, Dossier>();
  const share = (kind: string, test: (d: Dossier) => boolean): number => {
    const all = [...dossiers.values()].filter((d) => d.kind === kind);
    return all.filter(test).length / all.length;
  };
  const has = (type: string) => (d: Dossier) => d.records.some((r) => r.type === type);

  beforeAll(() => {
    for (const { line } of generateCity({ persons: PERSONS, enterprises: ENTERPRISES, seed: 7, now: NOW })) {
      if (isSubjectLine(line)) dossiers.set(line.subject, { kind: (line as SubjectLine).subjectKind!, records: [] });
      else dossiers.get(line.subject)!.records.push(line);
    }
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
    const lastYear = addYears(NOW, -1);
    const inLastYear = (r: RecordLine) => Date.parse(r.occurredAt) >= lastYear;
    // Printed so that the measured rates can be quoted; the assertions below bound them.
    console.log(
      [
        `persons currently listed dishonest: ${pct(share('person', currentlyListed))}`,
        `persons with a past (performed or expired) listing: ${pct(share('person', (d) => has('court.dishonest-debtor-decision')(d) && !currentlyListed(d)))}`,
        `persons loan arrears: ${pct(share('person', has('finance.loan-arrears')))}`,
        `persons traffic: ${pct(share('person', has('traffic.violation')))}`,
        `persons utility late: ${pct(share('person', has('utility.late-payment')))}`,
        `persons admin penalty: ${pct(share('person', has('admin.penalty')))}`,
        `persons blood donation in last year: ${pct(share('person', (d) => d.records.some((r) => r.type === 'civic.blood-donation' && inLastYear(r))))}`,
        `persons volunteering: ${pct(share('person', has('civic.volunteer-service')))}`,
        `persons model citizens: ${pct(share('person', modelCitizen))}`,
        `enterprises currently listed dishonest: ${pct(share('enterprise', currentlyListed))}`,
        `enterprises annual report missed: ${pct(share('enterprise', has('market.annual-report-missed')))}`,
        `enterprises stale unremedied report: ${pct(share('enterprise', staleReport))}`,
        `enterprises tax arrears: ${pct(share('enterprise', has('tax.arrears')))}`,
        `enterprises admin penalty: ${pct(share('enterprise', has('admin.penalty')))}`,
        `enterprises loan arrears: ${pct(share('enterprise', has('finance.loan-arrears')))}`,
        `enterprises disclosure order ignored: ${pct(share('enterprise', has('market.disclosure-order-ignored')))}`,
        `enterprises false information: ${pct(share('enterprise', has('market.false-information')))}`,
        `persons with a serious-dishonesty decision: ${pct(share('person', has(DECISION)))}`,
        `enterprises with a serious-dishonesty decision: ${pct(share('enterprise', has(DECISION)))}`,
      ].join('\n'),
    );
  });

  const modelCitizen = (d: Dossier): boolean => {
    const since = addYears(NOW, -1);
    const recent = d.records.filter((r) => Date.parse(r.occurredAt) >= since);
    const donations = recent.filter((r) => r.type === 'civic.blood-donation').length;
    const hours = recent.filter((r) => r.type === 'civic.volunteer-service').reduce((s, r) => s + (r.facts.hours as number), 0);
    return donations >= 3 && hours >= 300;
  };
  const staleReport = (d: Dossier): boolean =>
    d.records.some((r) => r.type === 'market.annual-report-missed' && Date.parse(r.occurredAt) < addYears(NOW, -3)) &&
    !d.records.some((r) => r.type === 'market.abnormal-operations-remedied');

  it('lists about 1.3% of persons as dishonest debtors now, and about 0.7% in the past', () => {
    expect(share('person', currentlyListed)).toBeGreaterThan(0.009);
    expect(share('person', currentlyListed)).toBeLessThan(0.018);
    const past = share('person', (d) => has('court.dishonest-debtor-decision')(d) && !currentlyListed(d));
    expect(past).toBeGreaterThan(0.004);
    expect(past).toBeLessThan(0.011);
  });

  it('gives persons the other conduct at roughly the target rates', () => {
    const near = (type: string, target: number, tol: number) => {
      expect(Math.abs(share('person', has(type)) - target), type).toBeLessThan(tol);
    };
    near('finance.loan-arrears', 0.04, 0.008);
    near('finance.contract-breach', 0.01, 0.004);
    near('utility.late-payment', 0.03, 0.007);
    near('traffic.violation', 0.12, 0.015);
    near('admin.penalty', 0.02, 0.006);
    near('court.liable-for-unpaid-debt', 0.008, 0.004);
    near('civic.volunteer-service', 0.1, 0.015);
    near('civic.blood-donation', 0.06, 0.01);
    const drunk = share('person', (d) => d.records.some((r) => r.facts.offence === 'drunk-driving'));
    expect(drunk).toBeGreaterThan(0.001);
    expect(drunk).toBeLessThan(0.008);
  });

  it('has a model-citizen cohort of about 2% that can reach AAA', () => {
    expect(share('person', modelCitizen)).toBeGreaterThan(0.015);
    expect(share('person', modelCitizen)).toBeLessThan(0.026);
    // Model citizens carry no negative record.
    const negative = (d: Dossier) => d.records.some((r) => !r.type.startsWith('civic.'));
    expect(share('person', (d) => modelCitizen(d) && negative(d))).toBeLessThan(0.001);
  });

  it('gives enterprises market, tax and court records at roughly the target rates', () => {
    const rate = (test: (d: Dossier) => boolean) => share('enterprise', test);
    // Within a factor of the declared targets (2,000 enterprises make small shares noisy).
    const near = (v: number, target: number) => {
      expect(v).toBeGreaterThan(target * 0.5);
      expect(v).toBeLessThan(target * 1.6);
    };
    near(rate(has('market.annual-report-missed')), ENTERPRISE_RATES.annualReportMissed + ENTERPRISE_RATES.annualReportStale);
    expect(rate(staleReport)).toBeGreaterThan(0.0005);
    expect(rate(staleReport)).toBeLessThan(ENTERPRISE_RATES.annualReportStale * 3);
    near(rate(has('tax.arrears')), ENTERPRISE_RATES.taxArrears);
    expect(rate(has('admin.penalty'))).toBeGreaterThan(0.06);
    expect(rate(has('admin.penalty'))).toBeLessThan(0.1);
    expect(rate(currentlyListed)).toBeGreaterThan(0.001);
    expect(rate(currentlyListed)).toBeLessThan(0.015);
    // About half of tax arrears are settled later.
    const settled = rate(has('tax.arrears-settled')) / rate(has('tax.arrears'));
    expect(settled).toBeGreaterThan(0.3);
    expect(settled).toBeLessThan(0.7);
  });

  it('lists a small share of the serious conduct as serious dishonesty, by a decision weeks later', () => {
    const serious = (r: RecordLine) =>
      (r.type === 'admin.penalty' && r.facts.severity === 'serious') || r.type === 'market.commercial-fraud' || r.type === 'finance.illegal-fundraising';
    for (const kind of ['person', 'enterprise']) {
      const decided = share(kind, has(DECISION));
      const conduct = share(kind, (d) => d.records.some(serious));
      expect(decided, kind).toBeGreaterThan(0);
      // At most the highest rate among the kinds of conduct, at least a tenth of the lowest.
      expect(decided / conduct, kind).toBeLessThan(SERIOUS_DISHONESTY_RATES.illegalFundraising);
      expect(decided / conduct, kind).toBeGreaterThan(SERIOUS_DISHONESTY_RATES.seriousPenalty / 10);
    }
    // Well under the 0.35% of persons the list held when any serious penalty, fraud or illegal
    // fundraising put them on it.
    expect(share('person', has(DECISION))).toBeLessThan(0.002);
    // Only persons and enterprises, and never a model citizen.
    const pub = [...dossiers.values()].filter((d) => d.kind !== 'person' && d.kind !== 'enterprise');
    expect(pub.some(has(DECISION))).toBe(false);
    expect(share('person', (d) => modelCitizen(d) && has(DECISION)(d))).toBe(0);
  });

  it('gives enterprises the rarer directory grounds, each remedied by its own remedy', () => {
    const rate = (test: (d: Dossier) => boolean) => share('enterprise', test);
    const disclosure = rate(has('market.disclosure-order-ignored'));
    const falseInfo = rate(has('market.false-information'));
    // Rare: a handful among 2,000 enterprises, far fewer than missed annual reports.
    expect(disclosure).toBeGreaterThan(0);
    expect(disclosure).toBeLessThan(DIRECTORY_GROUND_RATES.disclosureOrderIgnored * 3);
    expect(falseInfo).toBeGreaterThan(0);
    expect(falseInfo).toBeLessThan(DIRECTORY_GROUND_RATES.falseInformation * 3);
    expect(disclosure + falseInfo).toBeLessThan(rate(has('market.annual-report-missed')) / 2);
    const remedy = (value: string) => (d: Dossier) => d.records.some((r) => r.type === 'market.abnormal-operations-remedied' && r.facts.remedy === value);
    expect(rate(remedy('disclosure-made'))).toBeGreaterThan(0);
    expect(rate(remedy('information-corrected'))).toBeGreaterThan(0);
    expect(rate(remedy('disclosure-made'))).toBeLessThanOrEqual(disclosure);
    expect(rate(remedy('information-corrected'))).toBeLessThanOrEqual(falseInfo);
  });

  it('gives public bodies only public-body records', () => {
    const pub = [...dossiers.values()].filter((d) => d.kind === 'institution' || d.kind === 'government');
    expect(pub.length).toBe(300);
    const types = new Set(pub.flatMap((d) => d.records.map((r) => r.type)));
    for (const t of types) expect(t).toMatch(/^(admin|government|commitment|court)\./);
  });
});

describe('synthetic city at scale', () => {
  it('streams 200,000 persons quickly without holding the records', () => {
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let n = 0;
    const t0 = performance.now();
    for (const item of generateCity({ persons: 200_000, enterprises: 20_000, seed: 3, now: NOW })) {
      if (item.line) n++;
      if ((n & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    const seconds = (performance.now() - t0) / 1000;
    console.log(`200,000 persons + 20,000 enterprises: ${n} lines in ${seconds.toFixed(1)} s, heap peak +${((peak - before) / 1e6).toFixed(0)} MB`);
    expect(n).toBeGreaterThan(350_000);
    expect(seconds).toBeLessThan(20);
    expect(peak - before).toBeLessThan(400e6);
  });
});
