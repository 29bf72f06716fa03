/**
 * Records about one resident. Rates are per person and approximate the shares other modules'
 * tests rely on (see {@link PERSON_RATES}); each person draws from a private stream, so the rates
 * only hold on average and small cities are noisy.
 */
import type { Region } from './regions.js';
import { localName } from './regions.js';
import type { Rng } from './rng.js';
import { Weighted } from './rng.js';
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

/** Share of persons with at least one record of each kind (negative ones among non-model citizens, rescaled). */
export const PERSON_RATES = {
  /** "Model citizens": three blood donations and 300+ volunteer hours in the last year, no negative record. */
  modelCitizen: 0.02,
  dishonestCurrent: 0.013,
  dishonestPast: 0.007,
  loanArrears: 0.04,
  contractBreach: 0.01,
  utilityLate: 0.03,
  traffic: 0.12,
  /** Among persons with traffic tickets. */
  drunkDriving: 0.03,
  taxArrears: 0.005,
  adminPenalty: 0.02,
  liableForDebt: 0.008,
  contractJudgment: 0.005,
  commercialFraud: 0.001,
  counterfeit: 0.001,
  illegalFundraising: 0.0005,
  utilityJudgment: 0.003,
  heatingTapping: 0.002,
  utilityTheft: 0.001,
  equipmentDamage: 0.0005,
  commitmentBreached: 0.002,
  /** Overall, model citizens included. */
  bloodDonation: 0.06,
  volunteer: 0.1,
  heroicAct: 0.001,
} as const;

const R = PERSON_RATES;
// Model citizens have no negative records, so the others carry the negative rates a bit higher
// to keep the population-wide shares at their targets.
const K = 1 / (1 - R.modelCitizen);

const CONTRACTS = new Weighted<string>([['lending', 40], ['guarantee', 25], ['leasing', 20], ['insurance', 15]]);
const OFFENCES = new Weighted<string>([['speeding', 45], ['illegal-parking', 30], ['red-light', 18], ['no-licence', 7]]);
const VOLUMES = new Weighted<number>([[200, 30], [300, 30], [400, 40]]);
const CITATIONS = [
  '见义勇为：勇救落水群众',
  '见义勇为：协助制止抢夺',
  '火灾现场救出被困群众',
  '见义勇为：协助抓获盗窃嫌疑人',
  '海上救助遇险渔民',
  '交通事故现场救助伤员',
];

function volunteerOrg(rng: Rng, r: Region): string {
  return `${localName(r)}${rng.pick(['志愿服务联合会', '红十字会', '蓝天救援队', '新时代文明实践中心', '社区志愿者协会'])}`;
}

/** All records of one person, unsorted. */
export function personRecords(rng: Rng, ctx: Ctx, r: Region): Draft[] {
  const { clock, num } = ctx;
  const out: Draft[] = [];
  const model = rng.chance(R.modelCitizen);
  const any = (): number => rng.between(clock.start, clock.latest);

  if (!model) {
    const story = debtorStory(rng, R.dishonestCurrent * K, R.dishonestPast * K);
    if (story) out.push(...dishonestDebtor(rng, ctx, r, story, [3_000, 2_000_000]));
    if (rng.chance(R.loanArrears * K)) {
      out.push(loanArrears(rng, ctx, r));
      if (rng.chance(0.2)) out.push(loanArrears(rng, ctx, r));
    }
    if (rng.chance(R.contractBreach * K)) {
      out.push({ type: 'finance.contract-breach', at: any(), facts: { contract: CONTRACTS.pick(rng) } });
    }
    if (rng.chance(R.utilityLate * K)) out.push(utilityLate(rng, ctx, 24));
    if (rng.chance(R.traffic * K)) {
      const n = rng.chance(0.6) ? 1 : rng.chance(0.6) ? 2 : 3;
      const drunk = rng.chance(R.drunkDriving) ? rng.int(0, n - 1) : -1;
      for (let i = 0; i < n; i++) {
        const at = any();
        out.push({
          type: 'traffic.violation',
          at,
          facts: { offence: i === drunk ? 'drunk-driving' : OFFENCES.pick(rng), ticketNo: num.ticketNo(r, at) },
        });
      }
    }
    if (rng.chance(R.taxArrears * K)) out.push(...taxArrears(rng, ctx, true, [500, 300_000], 0.5));
    if (rng.chance(R.adminPenalty * K)) out.push(adminPenalty(rng, ctx, r, true, [50, 40, 10]));
    if (rng.chance(R.liableForDebt * K)) {
      const at = any();
      out.push({ type: 'court.liable-for-unpaid-debt', at, facts: { caseNo: num.caseNo(rng, r, at, '民初'), amountYuan: rng.amount(2_000, 500_000) } });
    }
    if (rng.chance(R.contractJudgment * K)) {
      const at = any();
      out.push({ type: 'court.contract-breach-judgment', at, facts: { caseNo: num.caseNo(rng, r, at, '民初') } });
    }
    if (rng.chance(R.commercialFraud * K)) out.push(marketSanction(rng, ctx, r, 'market.commercial-fraud'));
    if (rng.chance(R.counterfeit * K)) out.push(marketSanction(rng, ctx, r, 'market.counterfeit-goods'));
    if (rng.chance(R.illegalFundraising * K)) {
      const at = any();
      out.push({ type: 'finance.illegal-fundraising', at, facts: { decisionNo: num.decisionNo(r, '处非决', at) } });
    }
    if (rng.chance(R.utilityJudgment * K)) {
      const at = any();
      out.push({
        type: 'utility.arrears-judgment',
        at,
        facts: { caseNo: num.caseNo(rng, r, at, '民初'), utility: rng.pick(['water', 'electricity', 'gas', 'heating']) },
      });
    }
    if (rng.chance(R.heatingTapping * K)) {
      const at = any();
      out.push({ type: 'utility.heating-tapping', at, facts: { decisionNo: num.decisionNo(r, '城管罚决字', at) } });
    }
    if (rng.chance(R.utilityTheft * K)) {
      const at = any();
      out.push({
        type: 'utility.theft',
        at,
        facts: { utility: rng.pick(['water', 'electricity', 'gas']), decisionNo: num.decisionNo(r, '公(治)决字', at) },
      });
    }
    if (rng.chance(R.equipmentDamage * K)) {
      const at = any();
      out.push({ type: 'utility.equipment-damage', at, facts: { decisionNo: num.decisionNo(r, '公(治)决字', at) } });
    }
    if (rng.chance(R.commitmentBreached * K)) out.push(commitmentBreached(rng, ctx, r, true));
  }

  // Positive records. Model citizens count towards the overall donation and volunteering shares.
  const lastYear = (): number => rng.between(clock.oneYearAgo, clock.latest);
  const donations = model ? 3 : rng.chance((R.bloodDonation - R.modelCitizen) / (1 - R.modelCitizen)) ? (rng.chance(0.6) ? 1 : rng.chance(0.75) ? 2 : 3) : 0;
  for (let i = 0; i < donations; i++) {
    out.push({ type: 'civic.blood-donation', at: lastYear(), facts: { volumeMl: VOLUMES.pick(rng) } });
  }
  if (model) {
    // At least 300 hours within the last year, in sessions of 40–120 hours.
    let total = 0;
    while (total < 300) {
      const hours = rng.int(40, 120);
      total += hours;
      out.push({ type: 'civic.volunteer-service', at: lastYear(), facts: { hours, organisation: volunteerOrg(rng, r) } });
    }
  } else if (rng.chance((R.volunteer - R.modelCitizen) / (1 - R.modelCitizen))) {
    const n = rng.int(1, 5);
    for (let i = 0; i < n; i++) {
      // Most sessions are short; a few long projects reach 120 hours.
      const hours = 2 + Math.floor(119 * rng.float() ** 2);
      out.push({ type: 'civic.volunteer-service', at: any(), facts: { hours, organisation: volunteerOrg(rng, r) } });
    }
  }
  if (rng.chance(R.heroicAct)) out.push({ type: 'civic.heroic-act', at: any(), facts: { citation: rng.pick(CITATIONS) } });
  return out;
}
