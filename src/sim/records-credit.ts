/**
 * Records the default catalog 2026.2 added: the serious-dishonesty listing decisions of the social
 * credit authority, and the two other grounds of the abnormal-operations directory (an order to
 * disclose ignored, false information published), each with the remedy that ends it. Drawn from
 * streams of their own (`STREAM.personCredit`, `STREAM.organisationCredit`), so the rest of the
 * city is the same as before they were added. See {@link SERIOUS_DISHONESTY_RATES} and
 * {@link DIRECTORY_GROUND_RATES}.
 */
import { DAY_MS } from '../domain/time.js';
import type { Instant } from '../domain/types.js';
import type { Ctx, Draft } from './records-common.js';
import type { Region } from './regions.js';
import { localName } from './regions.js';
import type { Rng } from './rng.js';

/**
 * Share of the serious conduct in a subject's other records that the credit authority decides to
 * list as serious dishonesty (Guobanfa [2020] No. 49, III; Shandong Art. 29). A listing rests on a
 * decision of its own, made some weeks after the conduct was sanctioned, and only for grave cases:
 * most serious penalties, frauds and illegal fundraising lead to none.
 */
export const SERIOUS_DISHONESTY_RATES = {
  /** Among serious administrative penalties (minor and general ones never lead to a decision). */
  seriousPenalty: 0.3,
  /** Among pyramid selling and commercial fraud sanctions. */
  commercialFraud: 0.5,
  /** Among illegal fundraising decisions. */
  illegalFundraising: 0.6,
  /** Days from the sanction to the listing decision. */
  delayDays: [14, 90] as readonly [number, number],
} as const;

/** Share of enterprises with each of the two rarer grounds of the directory, and of those remedied. */
export const DIRECTORY_GROUND_RATES = {
  /** Did not disclose the information the regulator ordered it to, in the time set. */
  disclosureOrderIgnored: 0.002,
  /** Among those: disclosed later, which ends the entry (remedy disclosure-made). */
  disclosureMade: 0.6,
  /** Published false information, or hid the truth, in what it disclosed. */
  falseInformation: 0.0015,
  /** Among those: corrected later, which ends the entry (remedy information-corrected). */
  informationCorrected: 0.4,
} as const;

const S = SERIOUS_DISHONESTY_RATES;
const D = DIRECTORY_GROUND_RATES;

// Penalties of these authorities concern food, drug, product, environmental, transport or work
// safety: the ground that the conduct endangered life or safety. Others are refusals of a legal
// obligation (public order, urban management, building, land, culture).
const SAFETY_AUTHORITIES = ['市场监督管理局', '生态环境局', '应急管理局', '交通运输局'];

function groundOfPenalty(authority: string): string {
  return SAFETY_AUTHORITIES.some((a) => authority.endsWith(a)) ? 'endangers-life-or-safety' : 'refuses-legal-obligations';
}

/** The listing decision `after` a sanction, or null when the authority would not have decided yet. */
function decision(rng: Rng, ctx: Ctx, r: Region, after: Instant, seriousGround: string): Draft | null {
  const at = after + rng.int(S.delayDays[0], S.delayDays[1]) * DAY_MS;
  if (at >= ctx.clock.latest) return null;
  return {
    type: 'credit.serious-dishonesty-decision',
    at,
    facts: { decisionNo: ctx.num.decisionNo(r, '信用认', at), authority: `${localName(r)}社会信用体系建设领导小组办公室`, seriousGround },
  };
}

/**
 * Serious-dishonesty listing decisions following the serious conduct in `drafts` (a person's or an
 * enterprise's other records): a serious penalty, commercial fraud or illegal fundraising.
 */
export function seriousDishonestyDecisions(rng: Rng, ctx: Ctx, r: Region, drafts: readonly Draft[]): Draft[] {
  const out: Draft[] = [];
  for (const d of drafts) {
    let p = 0;
    let ground = 'disrupts-fair-competition';
    if (d.type === 'admin.penalty' && d.facts.severity === 'serious') {
      p = S.seriousPenalty;
      ground = groundOfPenalty(String(d.facts.authority));
    } else if (d.type === 'market.commercial-fraud') p = S.commercialFraud;
    else if (d.type === 'finance.illegal-fundraising') p = S.illegalFundraising;
    if (p === 0 || !rng.chance(p)) continue;
    const x = decision(rng, ctx, r, d.at, ground);
    if (x) out.push(x);
  }
  return out;
}

/**
 * The two rarer grounds of the abnormal-operations directory for one enterprise, each with the
 * remedy of its own ground when it is remedied (another remedy would not end the entry).
 */
export function directoryGrounds(rng: Rng, ctx: Ctx, r: Region): Draft[] {
  const { clock, num } = ctx;
  const out: Draft[] = [];
  const ground = (type: string, pRemedy: number, remedy: string) => {
    const at = rng.between(clock.start, clock.latest - DAY_MS);
    out.push({ type, at, facts: { decisionNo: num.decisionNo(r, '市监异', at) } });
    if (rng.chance(pRemedy)) {
      out.push({ type: 'market.abnormal-operations-remedied', at: rng.between(at + DAY_MS, Math.min(at + 300 * DAY_MS, clock.latest)), facts: { remedy } });
    }
  };
  if (rng.chance(D.disclosureOrderIgnored)) ground('market.disclosure-order-ignored', D.disclosureMade, 'disclosure-made');
  if (rng.chance(D.falseInformation)) ground('market.false-information', D.informationCorrected, 'information-corrected');
  return out;
}
