/**
 * Resident identity numbers (GB 11643-1999). The number reveals birth date, sex and place of
 * registration, so no message built here ever carries the full value: callers log these reasons.
 */
import type { Result } from '../domain/types.js';
import { err, ok } from '../domain/types.js';
import { maskIdentifier } from './mask.js';

/** A resident identity number that passed every structural and checksum test. */
export interface RidInfo {
  /** Normalised: trimmed, trailing `x` upper-cased. Hash this, never the raw input. */
  value: string;
  /** Positions 1–6, a GB/T 2260 administrative division. */
  address: string;
  /** `YYYY-MM-DD`. */
  birthDate: string;
  sex: 'male' | 'female';
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';

/**
 * The ISO 7064 MOD 11-2 check character for the first 17 digits of a resident identity number.
 * Throws on anything but 17 digits: that is a caller bug, since {@link validateRid} checks first.
 */
export function ridCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('ridCheckChar needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * WEIGHTS[i];
  return CHECK_CHARS[sum % 11];
}

// Birth dates outside this window are typos, not people; the upper bound only guards against
// obviously garbled years, since the registry itself issues numbers at birth.
const MIN_YEAR = 1900;
const MAX_YEAR = 2100;

/**
 * Validates a resident identity number and extracts what it encodes. Checks run from structure to
 * checksum so that the reason names the most specific defect (an impossible date is reported as
 * such even when the check character happens to match).
 */
export function validateRid(value: string): Result<RidInfo, string> {
  if (typeof value !== 'string') return err('a resident identity number must be a string');
  let v = value.trim();
  if (v.endsWith('x')) v = v.slice(0, -1) + 'X';
  // Masking needs a plausible shape; for anything else we say only what is wrong, never the value.
  const shown = v.length === 18 ? ` (${maskIdentifier('cn-rid', v)})` : '';

  if (v.length !== 18) return err(`a resident identity number has 18 characters, this one has ${v.length}`);
  if (!/^\d{17}$/.test(v.slice(0, 17))) return err(`positions 1–17 must all be digits${shown}`);
  if (!/^[\dX]$/.test(v[17])) return err(`the last character must be a digit or X${shown}`);

  const address = v.slice(0, 6);
  if (address[0] === '0') return err(`address code cannot start with 0${shown}`);

  const y = Number(v.slice(6, 10));
  const m = Number(v.slice(10, 12));
  const d = Number(v.slice(12, 14));
  const birthDate = `${v.slice(6, 10)}-${v.slice(10, 12)}-${v.slice(12, 14)}`;
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) {
    // Never the date and the mask together: between them they are the whole number.
    return err(`the birth date (positions 7–14) is not a real date${shown}`);
  }
  if (y < MIN_YEAR) return err(`the birth date (positions 7–14) is before ${MIN_YEAR}-01-01${shown}`);
  if (y > MAX_YEAR) return err(`the birth date (positions 7–14) is after ${MAX_YEAR}${shown}`);

  const expected = ridCheckChar(v.slice(0, 17));
  if (v[17] !== expected) return err(`check character is ${v[17]} but should be ${expected}${shown}`);

  const sex = (v.charCodeAt(16) - 48) % 2 === 1 ? 'male' : 'female';
  return ok({ value: v, address, birthDate, sex });
}

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one; UTC keeps it independent of the host zone.
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
