/**
 * Everyday records, for cities denser than the demo (the province-sized benchmark needs about nine
 * records per subject; the demo city has fewer than one). A real platform's volume is dominated by
 * routine traffic tickets, volunteering sessions, blood donations and minor administrative
 * penalties, so those are what is added: none of them lists a subject, caps a grade, or carries
 * much weight in a score, so the lists and grade shares of the city stay close to the demo's
 * while the record count, and the scoring work per subject, grow. See {@link ROUTINE_MIX}.
 */
import type { Region } from './regions.js';
import { localName } from './regions.js';
import type { Rng } from './rng.js';
import { Weighted } from './rng.js';
import type { Ctx, Draft } from './records-common.js';
import { adminPenalty } from './records-common.js';

/** Shares of a person's routine records by type (organisations get minor administrative penalties only). */
export const ROUTINE_MIX = {
  /** Speeding, parking, red light, no licence: never drunk driving, which caps the civic grade. */
  traffic: 0.55,
  /** Short sessions (2–8 hours), worth under a point each. */
  volunteer: 0.35,
  bloodDonation: 0.1,
} as const;

const KINDS = new Weighted<'traffic' | 'volunteer' | 'bloodDonation'>([
  ['traffic', ROUTINE_MIX.traffic],
  ['volunteer', ROUTINE_MIX.volunteer],
  ['bloodDonation', ROUTINE_MIX.bloodDonation],
]);
const OFFENCES = new Weighted<string>([['speeding', 45], ['illegal-parking', 30], ['red-light', 18], ['no-licence', 7]]);
const VOLUMES = new Weighted<number>([[200, 30], [300, 30], [400, 40]]);
const ORGANISATIONS = ['志愿服务联合会', '红十字会', '新时代文明实践中心', '社区志愿者协会'];
const MINOR: readonly [number, number, number] = [1, 0, 0];

/** Routine records of one person: Poisson(`mean`) of them, spread over the three years. */
export function personRoutine(rng: Rng, ctx: Ctx, r: Region, mean: number): Draft[] {
  const { clock, num } = ctx;
  const out: Draft[] = [];
  const n = rng.poisson(mean);
  for (let i = 0; i < n; i++) {
    const at = rng.between(clock.start, clock.latest);
    const kind = KINDS.pick(rng);
    if (kind === 'traffic') out.push({ type: 'traffic.violation', at, facts: { offence: OFFENCES.pick(rng), ticketNo: num.ticketNo(r, at) } });
    else if (kind === 'volunteer') out.push({ type: 'civic.volunteer-service', at, facts: { hours: rng.int(2, 8), organisation: `${localName(r)}${rng.pick(ORGANISATIONS)}` } });
    else out.push({ type: 'civic.blood-donation', at, facts: { volumeMl: VOLUMES.pick(rng) } });
  }
  return out;
}

/** Routine records of one organisation: Poisson(`mean`) minor administrative penalties. */
export function organisationRoutine(rng: Rng, ctx: Ctx, r: Region, mean: number): Draft[] {
  const n = rng.poisson(mean);
  const out: Draft[] = [];
  for (let i = 0; i < n; i++) out.push(adminPenalty(rng, ctx, r, false, MINOR));
  return out;
}
