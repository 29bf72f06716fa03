/**
 * The one ID-number finder: where a resident identity number stands in free text. Used by every
 * door that takes free text (the API's preValidation hook over every string of a request, the
 * CLI's check of every option and argument, record lines, catalog documents, request ids), by the
 * redaction of URLs, error messages and dead letters, and by the web app, which imports this
 * module alone.
 *
 * How a number is found, however it is written:
 *
 * - **any form of a digit**: full-width `１`, other scripts' decimal digits (`١`, `१`), what
 *   NFKC makes a digit (`①`, `¹`, mathematical digits) and Chinese numerals (`一`, `〇`, `壹`);
 *   the check character `X` as `x`, `Ｘ`, `ｘ`, `×` or a Cyrillic `Х`;
 * - **separators inside**: spaces of any width (`110105 19491231 002X`), hyphens and dashes
 *   (`110105-19491231-002X`), dots, middle dots, slashes, underscores and commas, in any number,
 *   and invisible characters (zero-width spaces, joiners, combining marks), which are skipped;
 * - **anywhere in a longer run**: every 18-character window of a run of digits is a candidate,
 *   so digits before (`(2026)011010519491231002X`) or after it do not hide it.
 *
 * Which way it errs. Finding is generous: every window, every spelling above. Deciding is by the
 * number's own rules, the same that make `cn-rid:…` a valid reference (`validateRid`): an address
 * code not starting with 0, a real birth date from 1900 to 2100, and the right check character.
 * The check character is what keeps a long case, order or account number usable (one random
 * 18-digit window in eleven has a right check character, and few of those a real date at
 * positions 7–14). A number whose check character is wrong is no one's number and is let through;
 * the first-generation 15-digit numbers (no check character; retired in 2013) are not looked for,
 * since every 15-digit order or case number that starts with a date would be refused.
 *
 * Two questions, two functions: `containsRid` asks whether a text holds a VALID number;
 * `maskRidShapes` masks, in text that is shown or logged, every run SHAPED like one (17 digits and
 * a digit or X, valid or not, written without separators) and every valid one however written.
 */
import { validateRid } from './cn-rid.js';
import { maskIdentifier } from './mask.js';

/** An 18-character run shaped like a resident ID number (ASCII, no separators). */
export const RID_SHAPE = /\d{17}[\dXx]/g;

/** Where a number stands in the original text (UTF-16 offsets), and what it is, normalised. */
export interface RidHit {
  value: string;
  start: number;
  end: number;
  /** Valid (check character, date, address); otherwise only shaped like one. */
  valid: boolean;
  /** Written as 18 characters in a row, with no separator or invisible character between. */
  contiguous: boolean;
}

const CHINESE_DIGITS: Record<string, string> = {
  '〇': '0', 零: '0', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9',
  壹: '1', 贰: '2', 貳: '2', 叁: '3', 叄: '3', 參: '3', 肆: '4', 伍: '5', 陆: '6', 陸: '6', 柒: '7', 捌: '8', 玖: '9',
};
const X_FORMS = new Set(['X', 'x', '×', 'Х', 'х']);
/** Separators people and systems write inside a number (after NFKC: full-width forms are ASCII by then). */
const SEPARATOR = /^[\s\p{Pd}.·・‧_/\\,、]$/u;
/** Skipped as if absent: format characters (zero-width space, joiners, BOM, soft hyphen) and combining marks. */
const INVISIBLE = /^[\p{Cf}\p{M}]$/u;
const DECIMAL = /^\p{Nd}$/u;

/** The value 0–9 of a decimal digit of any script: its offset from the zero of its block of ten. */
const decimalValues = new Map<number, string>();
function decimalValue(cp: number): string {
  const known = decimalValues.get(cp);
  if (known !== undefined) return known;
  // Blocks of ten start at their zero, and blocks that follow each other (the mathematical digits)
  // each start at one: the offset from the start of the whole run of digits, modulo 10.
  let start = cp;
  while (start > 0 && cp - start < 100 && DECIMAL.test(String.fromCodePoint(start - 1))) start--;
  const v = String((cp - start) % 10);
  decimalValues.set(cp, v);
  return v;
}

/** A CJK unified ideograph: a stop unless it is a Chinese numeral (the common case in Chinese text, decided without a regex). */
const isIdeograph = (code: number) => code >= 0x4e00 && code <= 0x9fff;

type Kind = 'id' | 'sep' | 'skip' | 'stop';
type Class = { kind: Kind; chars: string };

const STOP: Class = { kind: 'stop', chars: '' };
const SEP: Class = { kind: 'sep', chars: '' };
const SKIP: Class = { kind: 'skip', chars: '' };
const ID = (chars: string): Class => ({ kind: 'id', chars });
/** ASCII, decided once: a digit, X, a separator or a stop. */
const ASCII: Class[] = Array.from({ length: 128 }, (_, c) => {
  const ch = String.fromCharCode(c);
  if (c >= 48 && c <= 57) return ID(ch);
  if (ch === 'X' || ch === 'x') return ID('X');
  return SEPARATOR.test(ch) ? SEP : STOP;
});

/** What one code point is to the scanner: ID characters (one or more, as NFKC may expand it), a separator, invisible, or a stop. */
function classify(ch: string): Class {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return ASCII[code];
  if (CHINESE_DIGITS[ch]) return ID(CHINESE_DIGITS[ch]);
  if (isIdeograph(code)) return STOP;
  if (X_FORMS.has(ch)) return ID('X');
  if (DECIMAL.test(ch)) return ID(decimalValue(ch.codePointAt(0) as number));
  if (INVISIBLE.test(ch)) return SKIP;
  if (SEPARATOR.test(ch)) return SEP;
  const n = ch.normalize('NFKC');
  if (n !== ch) {
    // `①` is 1, `⑩` is 10, `１` is 1, `Ｘ` is X, `　` (ideographic space) a space, `－` a hyphen.
    let chars = '';
    let sep = false;
    for (const m of n) {
      const k = classify(m);
      if (k.kind === 'stop') return STOP;
      if (k.kind === 'id') chars += k.chars;
      else if (k.kind === 'sep') sep = true;
    }
    if (chars) return ID(chars);
    return sep ? SEP : SKIP;
  }
  return STOP;
}

/** Cheap tests the window of `s` at `i` must pass before the full validation (most windows of a long number fail here): address, year, month, day. */
function plausible(s: string, i: number): boolean {
  const d = (k: number) => s.charCodeAt(i + k) - 48;
  if (d(0) === 0) return false;
  const century = d(6) * 10 + d(7);
  if (!(century === 19 || century === 20 || (century === 21 && d(8) === 0 && d(9) === 0))) return false;
  const month = d(10) * 10 + d(11);
  const day = d(12) * 10 + d(13);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/** Whether `text` could hold a number at all: 18 characters that could be ID characters (ASCII letters and punctuation, and ideographs other than numerals, cannot). */
function mayHold(text: string): boolean {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 48 && c <= 57) || c === 88 || c === 120) n++;
    // Counted twice: NFKC makes `⑩` or `㉑` two digits.
    else if (c >= 0x80 && (!isIdeograph(c) || CHINESE_DIGITS[text[i]] !== undefined)) n += 2;
    if (n >= 18) return true;
  }
  return false;
}

/**
 * Every candidate in `text`: each 18-character window of each run of ID characters (runs go on
 * across separators and invisible characters), shaped as 17 digits and a digit or X. With
 * `validOnly`, only the valid ones (the cheap path: most windows fail on their date at once).
 */
export function scanRids(text: string, validOnly = false): RidHit[] {
  if (!mayHold(text)) return [];
  const hits: RidHit[] = [];
  // The current run: its characters, where each stands, and whether a separator stood before it.
  let chars = '';
  const starts: number[] = [];
  const ends: number[] = [];
  const gapBefore: boolean[] = [];
  let gap = false;
  const flush = () => {
    // Where the last X at or before each position is (an X stands only last in a number).
    const lastX = new Int32Array(chars.length);
    for (let k = 0, x = -1; k < chars.length; k++) lastX[k] = chars.charCodeAt(k) === 88 ? (x = k) : x;
    for (let i = 0; i + 18 <= chars.length; i++) {
      const likely = plausible(chars, i);
      if (validOnly && !likely) continue;
      const shaped = lastX[i + 16] < i;
      const valid = shaped && likely && validateRid(chars.slice(i, i + 18)).ok;
      if (!valid && (validOnly || !shaped)) continue;
      const w = chars.slice(i, i + 18);
      let contiguous = true;
      for (let k = i + 1; k < i + 18 && contiguous; k++) if (gapBefore[k] || starts[k] !== ends[k - 1]) contiguous = false;
      hits.push({ value: w, start: starts[i], end: ends[i + 17], valid, contiguous });
    }
    chars = '';
    starts.length = 0;
    ends.length = 0;
    gapBefore.length = 0;
    gap = false;
  };
  for (let i = 0; i < text.length; ) {
    const start = i;
    const code = text.charCodeAt(i);
    let k: Class;
    if (code < 0x80) {
      k = ASCII[code];
      i++;
    } else {
      const cp = text.codePointAt(i) as number;
      i += cp > 0xffff ? 2 : 1;
      k = classify(String.fromCodePoint(cp));
    }
    if (k.kind === 'stop') {
      if (chars.length > 0) flush();
      gap = false;
      continue;
    }
    if (k.kind !== 'id') {
      if (chars.length > 0) gap = true;
      continue;
    }
    chars += k.chars;
    for (let j = 0; j < k.chars.length; j++) {
      starts.push(start);
      ends.push(i);
      gapBefore.push(gap || j > 0);
    }
    gap = false;
  }
  flush();
  return hits;
}

/** Every valid ID number in `text`, normalised (ASCII, upper-case X), in order of appearance (overlapping windows included). */
export function ridsIn(text: string): string[] {
  return scanRids(text, true).map((h) => h.value);
}

/** Whether a text contains a valid resident identity number anywhere, however it is written. */
export function containsRid(text: string): boolean {
  return scanRids(text, true).length > 0;
}

/** `text` with the given ranges (merged where they overlap) replaced by the masked form of what they hold. */
function maskRanges(text: string, hits: RidHit[]): string {
  if (hits.length === 0) return text;
  const sorted = [...hits].sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const h of sorted) {
    const last = merged[merged.length - 1];
    if (last && h.start < last.end) last.end = Math.max(last.end, h.end);
    else merged.push({ start: h.start, end: h.end });
  }
  let out = '';
  let at = 0;
  for (const r of merged) {
    // The ID characters of the range, normalised, masked as one number (first 6 and last 4 kept).
    const chars = scanChars(text.slice(r.start, r.end));
    out += text.slice(at, r.start) + maskIdentifier('cn-rid', chars);
    at = r.end;
  }
  return out + text.slice(at);
}

/** The ID characters of a text, normalised, separators and everything else left out. */
function scanChars(text: string): string {
  let out = '';
  for (const ch of text) {
    const k = classify(ch);
    if (k.kind === 'id') out += k.chars;
  }
  return out;
}

/** The text with every valid ID number in it masked (`110105********002X`), other digits kept. */
export function maskRids(text: string): string {
  return maskRanges(text, scanRids(text, true));
}

/**
 * The text with every run shaped like an ID number masked, valid or not, and every valid number
 * however written: for what is shown or logged.
 */
export function maskRidShapes(text: string): string {
  return maskRanges(
    text,
    scanRids(text).filter((h) => h.valid || h.contiguous),
  );
}

/** A step of a path into a JSON value: an object key or an array index. */
export type PathStep = string | number;

/**
 * The first place in a JSON value where an ID number stands: a string, or an object's key (a key
 * is stored as much as a value is). `skip` exempts a string at a path (a subject reference, which
 * is hashed and never kept in clear). Iterative: values can nest 10,000 deep.
 */
export function ridInValue(value: unknown, skip?: (path: PathStep[], s: string) => boolean): { path: PathStep[]; key: boolean } | null {
  interface Node {
    v: unknown;
    key: PathStep | null;
    up: Node | null;
  }
  const pathOf = (n: Node): PathStep[] => {
    const p: PathStep[] = [];
    for (let x: Node | null = n; x && x.key !== null; x = x.up) p.push(x.key);
    return p.reverse();
  };
  const stack: Node[] = [{ v: value, key: null, up: null }];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if (typeof n.v === 'string') {
      if (containsRid(n.v) && !(skip && skip(pathOf(n), n.v))) return { path: pathOf(n), key: false };
    } else if (Array.isArray(n.v)) {
      for (let i = n.v.length - 1; i >= 0; i--) stack.push({ v: n.v[i], key: i, up: n });
    } else if (n.v && typeof n.v === 'object') {
      const entries = Object.entries(n.v);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, v] = entries[i];
        const node = { v, key: k, up: n };
        if (containsRid(k)) return { path: pathOf(node), key: true };
        stack.push(node);
      }
    }
  }
  return null;
}
