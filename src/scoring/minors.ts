/**
 * Minors (issue 15, item 6): a person's conduct before they turn 18 is scored by no scheme and
 * puts them on no list, unless the list's legal basis cites an article that applies to minors
 * (`CompiledList.minors`). Pure: the shell learns the birth date from the person's resident
 * identity number, in memory, and passes only the instant computed here; neither is ever stored.
 */
import type { Instant } from '../domain/types.js';

/** China Standard Time: the birth date in a resident identity number is a date in Beijing. */
const CST_OFFSET_MS = 8 * 3_600_000;

/**
 * The instant from which a person born on `YYYY-MM-DD` is 18: 00:00 China Standard Time on the
 * day after their 18th birthday. A full year of age (周岁) counts "from the day after the
 * birthday" (SPC Interpretation on juvenile criminal cases, Fa Shi [2006] No. 1, Art. 2), so
 * conduct on the 18th birthday itself is still a minor's. For a birthday of 29 February the day
 * after falls on 2 March in a common year (1 March is taken as the birthday): the later reading,
 * which favours the person.
 */
export function adultFrom(birthDate: string): Instant {
  return turns18(Number(birthDate.slice(0, 4)), Number(birthDate.slice(5, 7)), Number(birthDate.slice(8, 10)));
}

function turns18(y: number, m: number, d: number): Instant {
  // Date.UTC rolls 30 February over into March, which is the reading chosen above.
  return Date.UTC(y + 18, m - 1, d + 1) - CST_OFFSET_MS;
}

/** Positions 1–17 digits, then a digit or X: the shape of a resident identity number. */
const RID_SHAPE = /^\d{17}[\dX]$/;

/**
 * {@link adultFrom} for a resident identity number, or `null` when the value does not have one's
 * shape and a real birth date (a deployment's own scheme, a damaged value): the age is then
 * unknown and the person is scored as an adult. The number passed `validateRid` when it was
 * ingested and comes back from authenticated encryption, so only what the birth date needs is
 * checked here, on the derivation path of every person with records.
 */
export function adultFromRid(rid: string): Instant | null {
  if (!RID_SHAPE.test(rid)) return null;
  const y = Number(rid.slice(6, 10));
  const m = Number(rid.slice(10, 12));
  const d = Number(rid.slice(12, 14));
  const born = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d) return null;
  return turns18(y, m, d);
}
