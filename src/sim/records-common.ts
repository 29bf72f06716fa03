/**
 * Building blocks shared by person and organisation records: the time windows, document numbers
 * that look like the real ones, the source of each record type, and the generators for record
 * families that every kind of subject can have (court lists, penalties, commitments).
 */
import { DAY_MS, addYears } from '../domain/time.js';
import type { Instant } from '../domain/types.js';
import type { Region } from './regions.js';
import { courtCode, courtName, docAbbr, localName } from './regions.js';
import type { Rng } from './rng.js';
import { Weighted } from './rng.js';

/** A record before it gets its source and external id. */
export interface Draft {
  type: string;
  at: Instant;
  facts: Record<string, unknown>;
}

/** The instants every generator measures from. */
export interface Clock {
  now: Instant;
  /** Latest allowed occurrence: strictly before `now`. */
  latest: Instant;
  /** Three years before now: the span of ordinary records. */
  start: Instant;
  oneYearAgo: Instant;
  twoYearsAgo: Instant;
}

/** The clock for `now`. */
export function clockAt(now: Instant): Clock {
  return {
    now,
    latest: now - 1000,
    start: addYears(now, -3),
    oneYearAgo: addYears(now, -1),
    twoYearsAgo: addYears(now, -2),
  };
}

// Source of each record-type family (the prefix before the dot), as the sources are named in the
// default catalog. admin.penalty comes from the penalty-publicity feed, commitments from finance,
// serious-dishonesty listing decisions from the social credit authority.
const SOURCES: Record<string, string> = {
  court: 'spc',
  tax: 'sat',
  market: 'samr',
  finance: 'pboc-crc',
  admin: 'penalties',
  government: 'finance-dept',
  commitment: 'finance-dept',
  utility: 'utilities',
  traffic: 'traffic-police',
  civic: 'civic-affairs',
  credit: 'credit-authority',
};

/** The source that sends records of a type. */
export function sourceOf(type: string): string {
  const s = SOURCES[type.slice(0, type.indexOf('.'))];
  if (!s) throw new Error(`no source for record type ${type}`);
  return s;
}

const yearOf = (at: Instant): number => new Date(at).getUTCFullYear();

/**
 * Deterministic serial numbers. Counters advance in generation order, which is itself
 * deterministic, so every number is unique and reproducible without any global lookup.
 */
export class Numbering {
  private readonly counters = new Map<string, number>();

  /** The next number under `key`, starting at `start`. */
  next(key: string, start = 1): number {
    const n = this.counters.get(key) ?? start;
    this.counters.set(key, n + 1);
    return n;
  }

  /** `spc-0000001`: unique per source. */
  externalId(source: string): string {
    return `${source}-${String(this.next(`ext|${source}`)).padStart(7, '0')}`;
  }

  /**
   * A court case number such as `(2025)鲁1082执1234号`. The case is filed up to four months
   * before the decision, so its year may precede the decision's.
   */
  caseNo(rng: Rng, r: Region, decidedAt: Instant, kind: '执' | '民初'): string {
    const year = yearOf(decidedAt - rng.int(0, 120) * DAY_MS);
    const court = courtCode(r);
    return `(${year})${court}${kind}${this.next(`case|${court}|${year}|${kind}`, 101)}号`;
  }

  /** An administrative decision number such as `荣市监处罚〔2024〕37号`. */
  decisionNo(r: Region, agencyAbbr: string, at: Instant): string {
    const year = yearOf(at);
    return `${docAbbr(r)}${agencyAbbr}〔${year}〕${this.next(`dec|${r.code}|${agencyAbbr}|${year}`, 11)}号`;
  }

  /** A 16-digit traffic penalty decision number: region, two-digit year, serial. */
  ticketNo(r: Region, at: Instant): string {
    const yy = String(yearOf(at) % 100).padStart(2, '0');
    return `${r.code}${yy}${String(this.next(`ticket|${r.code}`, 1)).padStart(8, '0')}`;
  }

  /** A credit-commitment identifier: `CM-371082-2024-000123`. */
  commitmentId(r: Region, at: Instant): string {
    const year = yearOf(at);
    return `CM-${r.code}-${year}-${String(this.next(`cm|${r.code}|${year}`)).padStart(6, '0')}`;
  }
}

/** Everything a record generator needs besides its own stream. */
export interface Ctx {
  clock: Clock;
  num: Numbering;
}

const GROUNDS = new Weighted<string>([
  ['refuses-despite-ability', 45],
  ['evades', 25],
  ['obstructs', 10],
  ['false-asset-report', 10],
  ['breaches-consumption-order', 5],
  ['breaks-settlement', 5],
]);
// Grounds 2–6 only: the ones whose listing expires after a fixed period.
const FIXED_TERM_GROUNDS = new Weighted<string>([
  ['evades', 25],
  ['obstructs', 10],
  ['false-asset-report', 10],
  ['breaches-consumption-order', 5],
  ['breaks-settlement', 5],
]);

/**
 * How a dishonest-debtor listing unfolds:
 * - `current`: still listed at `now` (decided in the last two years, or on ground 1 and never performed);
 * - `performed`: the obligation was fully performed 1–300 days after the decision;
 * - `expired`: a fixed-term ground decided more than two years ago, never performed.
 */
export type DebtorStory = 'current' | 'performed' | 'expired';

/** A dishonest-debtor decision with its follow-ups (high-consumption order, extension, performance). */
export function dishonestDebtor(
  rng: Rng,
  ctx: Ctx,
  r: Region,
  story: DebtorStory,
  obligation: readonly [number, number],
): Draft[] {
  const { clock, num } = ctx;
  const week = 7 * DAY_MS;
  let ground: string;
  let at: Instant;
  if (story === 'expired') {
    ground = FIXED_TERM_GROUNDS.pick(rng);
    at = rng.between(clock.start, clock.twoYearsAgo - week);
  } else {
    ground = GROUNDS.pick(rng);
    if (story === 'performed') at = rng.between(clock.start, clock.latest - 2 * DAY_MS);
    // Ground 1 lasts until performance, so some current ones are older than two years.
    else if (ground === 'refuses-despite-ability' && rng.chance(0.25)) at = rng.between(clock.start, clock.twoYearsAgo);
    else at = rng.between(clock.twoYearsAgo + week, clock.latest);
  }
  const caseNo = num.caseNo(rng, r, at, '执');
  const court = courtName(r);
  const out: Draft[] = [
    {
      type: 'court.dishonest-debtor-decision',
      at,
      facts: { caseNo, court, ground, obligationYuan: rng.amount(obligation[0], obligation[1]) },
    },
  ];
  if (rng.chance(0.3)) {
    out.push({ type: 'court.high-consumption-order', at: rng.between(at, Math.min(at + 30 * DAY_MS, clock.latest)), facts: { caseNo, court } });
  }
  if (story === 'current' && ground === 'obstructs' && rng.chance(0.05)) {
    out.push({
      type: 'court.listing-extended',
      at: rng.between(at, clock.latest),
      facts: { caseNo, years: rng.int(1, 3), reason: rng.chance(0.5) ? 'violence-or-threats' : 'repeated-conduct' },
    });
  }
  if (story === 'performed') {
    out.push({
      type: 'court.obligation-performed',
      at: rng.between(at + DAY_MS, Math.min(at + 300 * DAY_MS, clock.latest)),
      facts: { caseNo, how: 'full-performance' },
    });
  }
  return out;
}

/** Draws a debtor story with the given probabilities of current and past listings, or null. */
export function debtorStory(rng: Rng, pCurrent: number, pPast: number): DebtorStory | null {
  const u = rng.float();
  if (u < pCurrent) return 'current';
  if (u < pCurrent + pPast) return rng.chance(0.5) ? 'performed' : 'expired';
  return null;
}

// [agency, decision-number abbreviation, weight for persons, weight for organisations]
const AGENCIES: readonly (readonly [string, string, number, number])[] = [
  ['公安局', '公(治)决字', 3, 0],
  ['城市管理局', '城管罚决字', 2, 1],
  ['市场监督管理局', '市监处罚', 2, 4],
  ['生态环境局', '环罚字', 1, 2],
  ['交通运输局', '交运罚', 1, 1],
  ['文化和旅游局', '文旅罚', 0.5, 0.5],
  ['应急管理局', '应急罚', 0, 2],
  ['住房和城乡建设局', '建罚字', 0, 1],
  ['自然资源局', '自然资罚', 0, 1],
];
const PERSON_AGENCIES = new Weighted(AGENCIES.filter((a) => a[2] > 0).map((a) => [a, a[2]] as const));
const ORG_AGENCIES = new Weighted(AGENCIES.filter((a) => a[3] > 0).map((a) => [a, a[3]] as const));

/** An administrative penalty with the given severity weights [minor, general, serious]. */
export function adminPenalty(rng: Rng, ctx: Ctx, r: Region, person: boolean, sev: readonly [number, number, number]): Draft {
  const [agency, abbr] = (person ? PERSON_AGENCIES : ORG_AGENCIES).pick(rng);
  const at = rng.between(ctx.clock.start, ctx.clock.latest);
  const u = rng.float() * (sev[0] + sev[1] + sev[2]);
  const severity = u < sev[0] ? 'minor' : u < sev[0] + sev[1] ? 'general' : 'serious';
  return {
    type: 'admin.penalty',
    at,
    facts: { severity, decisionNo: ctx.num.decisionNo(r, abbr, at), authority: `${localName(r)}${agency}` },
  };
}

const PERSON_APPROVALS = ['个体工商户登记', '职业资格认定', '户籍迁移办理', '居住证办理', '渔业船员证书核发'];
const ORG_APPROVALS = [
  '食品经营许可', '建设工程规划许可', '道路运输经营许可', '排污许可', '特种设备使用登记', '施工许可',
  '取水许可', '渔业捕捞许可', '出版物经营许可', '人力资源服务许可',
];

/** A breached credit commitment: an approval granted on a promise that was not kept. */
export function commitmentBreached(rng: Rng, ctx: Ctx, r: Region, person: boolean): Draft {
  const at = rng.between(ctx.clock.start, ctx.clock.latest);
  return {
    type: 'commitment.breached',
    at,
    facts: { commitmentId: ctx.num.commitmentId(r, at), approval: rng.pick(person ? PERSON_APPROVALS : ORG_APPROVALS) },
  };
}

const TAX_TYPES_PERSON = ['个人所得税', '房产税', '契税', '车船税'];
const TAX_TYPES_ORG = ['增值税', '企业所得税', '城镇土地使用税', '房产税', '印花税', '城市维护建设税'];

/** Tax arrears, settled in full later with probability `pSettled`. */
export function taxArrears(rng: Rng, ctx: Ctx, person: boolean, range: readonly [number, number], pSettled: number): Draft[] {
  const at = rng.between(ctx.clock.start, ctx.clock.latest);
  const amountYuan = rng.amount(range[0], range[1]);
  const out: Draft[] = [
    { type: 'tax.arrears', at, facts: { amountYuan, taxType: rng.pick(person ? TAX_TYPES_PERSON : TAX_TYPES_ORG) } },
  ];
  if (at + 5 * DAY_MS < ctx.clock.latest && rng.chance(pSettled)) {
    out.push({ type: 'tax.arrears-settled', at: rng.between(at + 5 * DAY_MS, Math.min(at + 300 * DAY_MS, ctx.clock.latest)), facts: { amountYuan } });
  }
  return out;
}

const CYCLES = new Weighted<number>([[1, 45], [2, 30], [3, 10], [4, 7], [5, 5], [6, 3]]);
const BANKS = ['中国工商银行', '中国农业银行', '中国银行', '中国建设银行', '交通银行', '威海市商业银行', '农村商业银行', '邮政储蓄银行'];

/** Loan or credit-card arrears: mostly one or two monthly cycles. */
export function loanArrears(rng: Rng, ctx: Ctx, r: Region): Draft {
  const bank = rng.pick(BANKS);
  const lender = bank === '农村商业银行' ? `${localName(r)}${bank}` : `${bank}${localName(r)}支行`;
  return { type: 'finance.loan-arrears', at: rng.between(ctx.clock.start, ctx.clock.latest), facts: { cycles: CYCLES.pick(rng), lender } };
}

const UTILITIES = ['water', 'electricity', 'gas', 'heating'] as const;

/** Late public-service fees over 1–`maxMonths` months (short arrears are far more common). */
export function utilityLate(rng: Rng, ctx: Ctx, maxMonths: number): Draft {
  const months = 1 + Math.floor(maxMonths * rng.float() ** 3);
  return { type: 'utility.late-payment', at: rng.between(ctx.clock.start, ctx.clock.latest), facts: { utility: rng.pick(UTILITIES), months } };
}

/** A generic market-regulation sanction (fraud or counterfeits), with its decision number. */
export function marketSanction(rng: Rng, ctx: Ctx, r: Region, type: 'market.commercial-fraud' | 'market.counterfeit-goods'): Draft {
  const at = rng.between(ctx.clock.start, ctx.clock.latest);
  const decisionNo = ctx.num.decisionNo(r, '市监处罚', at);
  if (type === 'market.commercial-fraud') {
    return { type, at, facts: { conduct: rng.chance(0.3) ? 'pyramid-selling' : 'commercial-fraud', decisionNo } };
  }
  return { type, at, facts: { decisionNo, product: rng.pick(['白酒', '化妆品', '运动鞋', '手机配件', '润滑油', '服装', '箱包', '农药']) } };
}
