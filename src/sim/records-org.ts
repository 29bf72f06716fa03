/**
 * Records about organisations: enterprises (market regulation, tax, finance, courts) and public
 * bodies (institutions and government organs, whose typical failures are contract defaults and
 * unperformed judgments). Rates are per organisation; see {@link ENTERPRISE_RATES} and
 * {@link PUBLIC_BODY_RATES}.
 */
import { DAY_MS } from '../domain/time.js';
import { counterpartyName } from './names.js';
import { localName, type Region } from './regions.js';
import type { Rng } from './rng.js';
import type { Ctx, Draft } from './records-common.js';
import {
  adminPenalty,
  commitmentBreached,
  debtorStory,
  dishonestDebtor,
  loanArrears,
  marketSanction,
  taxArrears,
  utilityLate,
} from './records-common.js';

/** Share of enterprises with at least one record of each kind. */
export const ENTERPRISE_RATES = {
  /** Missed an annual report in the last three years (about half remedy it later). */
  annualReportMissed: 0.01,
  /** Missed one 3–3.5 years ago and never remedied: due to escalate to the serious list. */
  annualReportStale: 0.003,
  unreachable: 0.003,
  dishonestCurrent: 0.0056,
  dishonestPast: 0.0024,
  taxArrears: 0.02,
  adminPenalty: 0.08,
  loanArrears: 0.03,
  commercialFraud: 0.0015,
  counterfeit: 0.005,
  commitmentBreached: 0.005,
  utilityLate: 0.02,
} as const;

/** Share of institutions and government organs with at least one record of each kind. */
export const PUBLIC_BODY_RATES = {
  adminPenalty: 0.05,
  contractDefault: 0.05,
  judgmentUnperformed: 0.03,
  /** Among unperformed judgments. */
  judgmentLaterPerformed: 0.4,
  commitmentBreached: 0.02,
  dishonestCurrent: 0.007,
  dishonestPast: 0.003,
} as const;

const E = ENTERPRISE_RATES;
const P = PUBLIC_BODY_RATES;

/**
 * The annual report for `year` is due by 30 June of the next year, so a listing on date L
 * concerns the last year whose deadline had passed by L.
 */
function reportYearFor(at: number): number {
  const d = new Date(at);
  const y = d.getUTCFullYear();
  return d.getUTCMonth() >= 6 ? y - 1 : y - 2;
}

/** Abnormal-operations listing for a missed report, with an optional later remedy. */
function annualReportMissed(rng: Rng, ctx: Ctx, stale: boolean): Draft[] {
  const { clock } = ctx;
  const out: Draft[] = [];
  if (stale) {
    // 3 to 3.5 years ago: older than the three-year escalation threshold, never remedied.
    const at = rng.between(clock.start - 183 * DAY_MS, clock.start - DAY_MS);
    out.push({ type: 'market.annual-report-missed', at, facts: { year: reportYearFor(at) } });
    return out;
  }
  const at = rng.between(clock.start, clock.latest - DAY_MS);
  out.push({ type: 'market.annual-report-missed', at, facts: { year: reportYearFor(at) } });
  if (rng.chance(0.5)) {
    out.push({
      type: 'market.abnormal-operations-remedied',
      at: rng.between(at + DAY_MS, Math.min(at + 400 * DAY_MS, clock.latest)),
      // The remedy of this ground: filing the report (another remedy would not end the entry).
      facts: { remedy: 'report-filed' },
    });
  }
  return out;
}

/** All records of one enterprise, unsorted. */
export function enterpriseRecords(rng: Rng, ctx: Ctx, r: Region): Draft[] {
  const { clock, num } = ctx;
  const out: Draft[] = [];
  const u = rng.float();
  if (u < E.annualReportStale) out.push(...annualReportMissed(rng, ctx, true));
  else if (u < E.annualReportStale + E.annualReportMissed) out.push(...annualReportMissed(rng, ctx, false));
  if (rng.chance(E.unreachable)) {
    const at = rng.between(clock.start, clock.latest - DAY_MS);
    out.push({ type: 'market.unreachable-at-address', at, facts: { decisionNo: num.decisionNo(r, '市监异', at) } });
    if (rng.chance(0.3)) {
      out.push({
        type: 'market.abnormal-operations-remedied',
        at: rng.between(at + DAY_MS, Math.min(at + 300 * DAY_MS, clock.latest)),
        facts: { remedy: 'address-verified' },
      });
    }
  }
  const story = debtorStory(rng, E.dishonestCurrent, E.dishonestPast);
  if (story) out.push(...dishonestDebtor(rng, ctx, r, story, [20_000, 50_000_000]));
  if (rng.chance(E.taxArrears)) out.push(...taxArrears(rng, ctx, false, [1_000, 500_000], 0.5));
  if (rng.chance(E.adminPenalty)) out.push(adminPenalty(rng, ctx, r, false, [50, 45, 5]));
  if (rng.chance(E.loanArrears)) out.push(loanArrears(rng, ctx, r));
  if (rng.chance(E.commercialFraud)) out.push(marketSanction(rng, ctx, r, 'market.commercial-fraud'));
  if (rng.chance(E.counterfeit)) out.push(marketSanction(rng, ctx, r, 'market.counterfeit-goods'));
  if (rng.chance(E.commitmentBreached)) out.push(commitmentBreached(rng, ctx, r, false));
  if (rng.chance(E.utilityLate)) out.push(utilityLate(rng, ctx, 12));
  return out;
}

/** All records of one institution or government organ, unsorted. */
export function publicBodyRecords(rng: Rng, ctx: Ctx, r: Region): Draft[] {
  const { clock, num } = ctx;
  const out: Draft[] = [];
  if (rng.chance(P.adminPenalty)) out.push(adminPenalty(rng, ctx, r, false, [50, 40, 10]));
  if (rng.chance(P.contractDefault)) {
    out.push({
      type: 'government.contract-default',
      at: rng.between(clock.start, clock.latest),
      facts: { counterparty: counterpartyName(rng, r), amountYuan: rng.amount(10_000, 20_000_000) },
    });
  }
  if (rng.chance(P.judgmentUnperformed)) {
    const at = rng.between(clock.start, clock.latest - 2 * DAY_MS);
    const caseNo = num.caseNo(rng, r, at, '执');
    out.push({ type: 'government.judgment-unperformed', at, facts: { caseNo } });
    if (rng.chance(P.judgmentLaterPerformed)) {
      out.push({
        type: 'court.obligation-performed',
        at: rng.between(at + DAY_MS, Math.min(at + 300 * DAY_MS, clock.latest)),
        facts: { caseNo, how: rng.chance(0.7) ? 'full-performance' : 'settlement-performed' },
      });
    }
  }
  if (rng.chance(P.commitmentBreached)) out.push(commitmentBreached(rng, ctx, r, false));
  const story = debtorStory(rng, P.dishonestCurrent, P.dishonestPast);
  if (story) out.push(...dishonestDebtor(rng, ctx, r, story, [50_000, 20_000_000]));
  return out;
}

/** Share of organisations granted at least one administrative licence in the three years, and the most any gets. */
export const LICENCE_RATES = { enterprise: 0.35, publicBody: 0.15, most: 3 } as const;

// [agency, decision-number abbreviation, licences it grants, whether public bodies apply for them too]
const LICENSING: readonly (readonly [string, string, readonly string[], boolean])[] = [
  ['市场监督管理局', '市监许', ['食品经营许可', '食品生产许可', '药品经营许可'], false],
  ['生态环境局', '环许', ['排污许可'], true],
  ['交通运输局', '交运许', ['道路运输经营许可', '道路货物运输经营许可'], false],
  ['住房和城乡建设局', '建许', ['建筑工程施工许可', '建筑业企业资质许可'], false],
  ['自然资源局', '自然资许', ['建设用地规划许可', '建设工程规划许可'], true],
  ['水务局', '水许', ['取水许可'], true],
  ['应急管理局', '应急许', ['危险化学品经营许可', '安全生产许可'], false],
  ['文化和旅游局', '文旅许', ['旅行社业务经营许可', '娱乐场所经营许可'], false],
  ['人力资源和社会保障局', '人社许', ['人力资源服务许可', '劳务派遣经营许可'], false],
];
const PUBLIC_BODY_LICENSING = LICENSING.filter((l) => l[3]);

/**
 * Administrative licences granted to an organisation (the licensing half of the double publicity,
 * 双公示): none for most, one to three for some, each valid for five years. City builds draw them
 * from a stream of their own, so adding them changed no other record of the city.
 */
export function adminLicences(rng: Rng, ctx: Ctx, r: Region, enterprise: boolean): Draft[] {
  if (!rng.chance(enterprise ? LICENCE_RATES.enterprise : LICENCE_RATES.publicBody)) return [];
  const n = rng.int(1, LICENCE_RATES.most);
  const out: Draft[] = [];
  for (let i = 0; i < n; i++) {
    const [agency, abbr, items] = rng.pick(enterprise ? LICENSING : PUBLIC_BODY_LICENSING);
    const at = rng.between(ctx.clock.start, ctx.clock.latest);
    const validUntil = new Date(at);
    validUntil.setUTCFullYear(validUntil.getUTCFullYear() + 5);
    out.push({
      type: 'admin.licence',
      at,
      facts: { licenceItem: rng.pick(items), decisionNo: ctx.num.decisionNo(r, abbr, at), authority: `${localName(r)}${agency}`, validUntil: validUntil.toISOString().slice(0, 10) },
    });
  }
  return out;
}
