/**
 * The one ID-number finder: where a resident identity number stands in free text. Used by every
 * door that takes free text (record lines, purposes, reasons, references, request ids), by the
 * redaction of URLs and error messages, and by the web app, which imports this module alone.
 *
 * Two questions, two functions: `containsRid` asks whether a text holds a VALID number (check
 * character and birth date), anywhere, including inside a longer run of digits (a number behind
 * a case-year prefix, `(2026)011010519491231002X`); `maskRidShapes` masks every run SHAPED like
 * one (17 digits and a digit or X), valid or not, for text that is shown or logged.
 */
import { validateRid } from './cn-rid.js';
import { maskIdentifier } from './mask.js';

/** An 18-character run shaped like a resident ID number. */
export const RID_SHAPE = /\d{17}[\dXx]/g;

/** Runs of characters an ID number is made of, 18 or longer: every 18-character window in one is a candidate. */
const RID_RUNS = /[\dXx]{18,}/g;

/** Every valid ID number in `text`, at any position, in order of appearance (overlapping windows included). */
export function ridsIn(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(RID_RUNS)) {
    const run = m[0];
    for (let i = 0; i + 18 <= run.length; i++) {
      const w = run.slice(i, i + 18);
      // An X stands only last; a window with one inside is not a number.
      if (/^\d{17}[\dXx]$/.test(w) && validateRid(w).ok) found.push(w);
    }
  }
  return found;
}

/** Whether a text contains a valid resident identity number anywhere. */
export function containsRid(text: string): boolean {
  return ridsIn(text).length > 0;
}

/** The text with every valid ID number in it masked (`110101********002X`), other digits kept. */
export function maskRids(text: string): string {
  let out = text;
  for (const n of new Set(ridsIn(text))) out = out.split(n).join(maskIdentifier('cn-rid', n));
  return out;
}

/** The text with every run shaped like an ID number masked, valid or not: for what is shown or logged. */
export function maskRidShapes(text: string): string {
  return text.replace(RID_SHAPE, (m) => maskIdentifier('cn-rid', m));
}
