/**
 * Synthetic national identifiers. A person's identity is packed into one 31-bit integer (region
 * index, birth day, sequence number) so that a million residents cost 4 MB instead of a million
 * strings; the 18-character number is rebuilt from it when a line needs it.
 */
import { DAY_MS, addYears } from '../domain/time.js';
import type { Instant } from '../domain/types.js';
import { USCC_ALPHABET, orgCodeCheckChar, ridCheckChar, usccCheckChar } from '../ids/index.js';
import { REGIONS } from './regions.js';
import type { Rng } from './rng.js';

// Packing: region index (6 bits) · birth-day offset (15 bits, ~89 years) · sequence (10 bits).
const SEQ_BITS = 1024;
const DAY_SPAN = 32768;

/** The window of birth days that make a person 18–80 years old at `now` (UTC calendar). */
export interface BirthWindow {
  /** Epoch day (days since 1970-01-01) of the earliest birth date: the day after turning 81 would fall. */
  firstDay: number;
  /** Epoch day of the latest birth date: exactly 18 today. */
  lastDay: number;
}

/** The birth window for adults aged 18 to 80 on the UTC date of `now`. */
export function birthWindow(now: Instant): BirthWindow {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  return {
    firstDay: Math.floor(addYears(today, -81) / DAY_MS) + 1,
    lastDay: Math.floor(addYears(today, -18) / DAY_MS),
  };
}

/** A packed person identity. */
export interface PersonId {
  regionIndex: number;
  /** Days after the window's first day. */
  dayOffset: number;
  /** Three-digit sequence number; odd for men, even for women (GB 11643). */
  seq: number;
}

/** Packs an identity into a non-negative integer below 2^31. */
export function packPerson(p: PersonId): number {
  return (p.regionIndex * DAY_SPAN + p.dayOffset) * SEQ_BITS + p.seq;
}

/** Inverse of {@link packPerson}. */
export function unpackPerson(packed: number): PersonId {
  const seq = packed % SEQ_BITS;
  const rest = (packed - seq) / SEQ_BITS;
  return { regionIndex: Math.floor(rest / DAY_SPAN), dayOffset: rest % DAY_SPAN, seq };
}

/**
 * Draws a fresh identity: region by weight, birth day uniform over the window, sequence of the
 * right parity for the sex. The caller retries on collision, which stays rare because each
 * (region, day, sex) has 499 or 500 sequence numbers.
 */
export function drawPerson(rng: Rng, regionIndex: number, window: BirthWindow, male: boolean): PersonId {
  const dayOffset = rng.int(0, window.lastDay - window.firstDay);
  // Men 001..999 odd, women 002..998 even; 000 is never issued.
  const seq = male ? rng.int(0, 499) * 2 + 1 : rng.int(1, 499) * 2;
  return { regionIndex, dayOffset, seq };
}

/** The resident identity number for a packed identity. */
export function ridOf(packed: number, window: BirthWindow): string {
  const p = unpackPerson(packed);
  const birth = new Date((window.firstDay + p.dayOffset) * DAY_MS);
  const ymd =
    String(birth.getUTCFullYear()).padStart(4, '0') +
    String(birth.getUTCMonth() + 1).padStart(2, '0') +
    String(birth.getUTCDate()).padStart(2, '0');
  const first17 = REGIONS[p.regionIndex].code + ymd + String(p.seq).padStart(3, '0');
  return first17 + ridCheckChar(first17);
}

const DIGITS = '0123456789';
// Letters of the credit-code alphabet, for the `MA…` organisation codes issued since 2015.
const CODE_CHARS = USCC_ALPHABET;

/**
 * A unified social credit code with a valid embedded GB 11714 organisation code and a valid
 * overall check character. `takenOrgCodes` holds the organisation-code parts already issued, so
 * two subjects never share one even across regions.
 */
export function drawUscc(rng: Rng, prefix: string, region: string, takenOrgCodes: Set<string>): string {
  for (;;) {
    let body = '';
    if (prefix[0] === '9' && rng.chance(0.85)) {
      // New-style registrations: "MA" followed by six characters from the code alphabet.
      body = 'MA';
      while (body.length < 8) body += CODE_CHARS[rng.int(0, CODE_CHARS.length - 1)];
    } else {
      // Older organisation codes are all digits.
      while (body.length < 8) body += DIGITS[rng.int(0, 9)];
    }
    const orgCheck = orgCodeCheckChar(body);
    // GB 11714 yields 0-9 or X, all inside the credit-code alphabet; the guard keeps that an invariant.
    if (!USCC_ALPHABET.includes(orgCheck)) continue;
    const org = body + orgCheck;
    if (takenOrgCodes.has(org)) continue;
    takenOrgCodes.add(org);
    const first17 = prefix + region + org;
    return first17 + usccCheckChar(first17);
  }
}
