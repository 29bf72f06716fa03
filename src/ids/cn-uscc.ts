/**
 * Unified social credit codes (GB 32100-2015). Codes are public registry data, so reasons may quote
 * them; they are still kept short and specific because importers show them to operators per line.
 */
import type { Result, SubjectKind } from '../domain/types.js';
import { err, ok } from '../domain/types.js';

/** The 31 characters of a unified social credit code; a character's value is its index here. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

/** A unified social credit code that passed every structural and checksum test. */
export interface UsccInfo {
  /** Normalised: trimmed and upper-cased. */
  value: string;
  /** Position 1: the registering department (9 = market regulation). */
  department: string;
  /** Position 2: the entity type within that department. */
  entityType: string;
  /** Positions 3–8: GB/T 2260 administrative division. */
  region: string;
}

const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

/**
 * The GB 32100 check character for the first 17 characters of a code.
 * Throws on characters outside {@link USCC_ALPHABET}: {@link validateUscc} checks those first.
 */
export function usccCheckChar(first17: string): string {
  if (first17.length !== 17) throw new RangeError('usccCheckChar needs exactly 17 characters');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_ALPHABET.indexOf(first17[i]);
    if (v < 0) throw new RangeError(`usccCheckChar: '${first17[i]}' is not in the code alphabet`);
    sum += v * USCC_WEIGHTS[i];
  }
  return USCC_ALPHABET[(31 - (sum % 31)) % 31];
}

/**
 * The GB 11714 check character for the first 8 characters of an organisation code. Unlike the
 * credit code, letters here take their plain Latin values (A=10 … Z=35), because the organisation
 * code predates the credit-code alphabet.
 */
export function orgCodeCheckChar(first8: string): string {
  if (!/^[0-9A-Z]{8}$/.test(first8)) throw new RangeError('orgCodeCheckChar needs 8 characters from 0-9 and A-Z');
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += parseInt(first8[i], 36) * ORG_WEIGHTS[i];
  const c = 11 - (sum % 11);
  return c === 10 ? 'X' : c === 11 ? '0' : String(c);
}

/**
 * Validates a unified social credit code. The overall check character is tested before the embedded
 * organisation code, so an org-code failure is reported only for codes whose own checksum holds:
 * those are the early pilot codes that GB 32100 grandfathered, and an operator needs to tell them
 * apart from typos to decide on an override.
 */
export function validateUscc(value: string): Result<UsccInfo, string> {
  if (typeof value !== 'string') return err('a unified social credit code must be a string');
  const v = value.trim().toUpperCase();
  if (v.length !== 18) return err(`a unified social credit code has 18 characters, this one has ${v.length}`);
  for (let i = 0; i < 18; i++) {
    if (!USCC_ALPHABET.includes(v[i])) {
      return err(
        `character ${i + 1} ('${v[i]}') is not allowed in a unified social credit code ` +
          `(only 0-9 and A-Y without I, O, S, V, Z)`,
      );
    }
  }
  const region = v.slice(2, 8);
  if (!/^\d{6}$/.test(region)) return err(`positions 3–8 must be a six-digit region code, got ${region}`);

  const expected = usccCheckChar(v.slice(0, 17));
  if (v[17] !== expected) return err(`check character is ${v[17]} but should be ${expected} (code ${v})`);

  const org = v.slice(8, 17);
  const orgExpected = orgCodeCheckChar(org.slice(0, 8));
  if (org[8] !== orgExpected) {
    return err(
      `embedded organisation code ${org} fails its GB 11714 check (last character is ${org[8]} but should be ` +
        `${orgExpected}); the code's own check character is correct, which happens with some early pilot codes`,
    );
  }
  return ok({ value: v, department: v[0], entityType: v[1], region });
}

/**
 * The subject kind implied by a code's registering department and entity type. Only
 * market-regulation registrations (department 9: enterprises, individual businesses, farmers'
 * cooperatives) are market actors; state organs (11) are government; everything else (public
 * institutions, social organisations, law firms, religious bodies …) is an institution.
 */
export function usccSubjectKind(value: string): SubjectKind {
  const v = value.trim().toUpperCase();
  if (v.startsWith('11')) return 'government';
  if (v[0] === '9') return 'enterprise';
  return 'institution';
}
