/**
 * Parsing of subject references as they arrive from sources, the API and the CLI: either an
 * internal id or a `scheme:value` identifier. Errors never quote the reference, because it may be a
 * person's full identity number.
 */
import type { Result } from '../domain/types.js';
import { err, ok } from '../domain/types.js';
import { validateRid } from './cn-rid.js';
import { validateUscc } from './cn-uscc.js';

/** A parsed subject reference; identifier values are normalised, so they hash consistently. */
export type SubjectRef = { type: 'internal'; id: string } | { type: 'identifier'; scheme: string; value: string };

const INTERNAL_ID = /^s_[a-z0-9]{8,40}$/;

/** The identifier schemes the law defines: resident identity numbers and unified social credit codes. */
export const NATIONAL_SCHEMES = ['cn-rid', 'cn-uscc'] as const;

/** Whether `ref` is an internal id as written (`s_…`), with no parsing: the fast path of batch checks. */
export const isInternalId = (ref: string): boolean => INTERNAL_ID.test(ref);
const SCHEME = /^[a-z][a-z0-9-]{1,31}$/;
const MAX_VALUE_CHARS = 64;
// "Printable": no control, format, surrogate, private-use or unassigned code points, which could
// hide differences between two values that look the same on screen.
const PRINTABLE = /^[^\p{C}]+$/u;

/**
 * Parses `s_…` (an internal id), `cn-rid:…`, `cn-uscc:…` (validated and normalised), or a
 * deployment's own `scheme:value`. Surrounding whitespace is ignored, as refs often come from CSV.
 */
export function parseSubjectRef(ref: string): Result<SubjectRef, string> {
  if (typeof ref !== 'string') return err('a subject reference must be a string');
  const r = ref.trim();
  if (r.length === 0) return err('the subject reference is empty');
  if (r.startsWith('s_') && !r.includes(':')) {
    return INTERNAL_ID.test(r)
      ? ok({ type: 'internal', id: r })
      : err('an internal subject id is s_ followed by 8 to 40 lower-case letters or digits');
  }
  const colon = r.indexOf(':');
  if (colon < 0) return err('a subject reference is an internal id (s_…) or an identifier written scheme:value');
  const scheme = r.slice(0, colon);
  const value = r.slice(colon + 1);
  if (!SCHEME.test(scheme)) {
    // The unrecognised prefix could itself be an identity number pasted the wrong way round.
    return err('the identifier scheme must be 2 to 32 lower-case letters, digits or hyphens, starting with a letter');
  }
  if (scheme === 'cn-rid') {
    const v = validateRid(value);
    return v.ok ? ok({ type: 'identifier', scheme, value: v.value.value }) : err(`cn-rid: ${v.error}`);
  }
  if (scheme === 'cn-uscc') {
    const v = validateUscc(value);
    return v.ok ? ok({ type: 'identifier', scheme, value: v.value.value }) : err(`cn-uscc: ${v.error}`);
  }
  if (value.length === 0) return err(`${scheme}: the value is empty`);
  if (Array.from(value).length > MAX_VALUE_CHARS) return err(`${scheme}: the value is longer than ${MAX_VALUE_CHARS} characters`);
  if (!PRINTABLE.test(value)) return err(`${scheme}: the value contains control or invisible characters`);
  return ok({ type: 'identifier', scheme, value });
}
