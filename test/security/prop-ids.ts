/**
 * Resident identity numbers for the property suite: arbitraries that draw valid numbers and write
 * them the ways people and systems do (full-width, separated, inside longer runs of digits, in
 * Chinese numerals…), a ledger of every number a request carried, and the search for them in
 * bytes and text afterwards.
 */
import fc from 'fast-check';
import { orgCodeCheckChar, ridCheckChar, usccCheckChar } from '../../src/ids/index.js';
import { scanRids } from '../../src/ids/rid-finder.js';

/** Address codes (GB/T 2260) for drawn numbers: any six digits not starting with 0 pass validation; these are real ones. */
const REGIONS = ['110101', '110105', '120103', '310101', '320102', '330106', '370102', '371002', '440106', '510104', '650102'];

/**
 * Every number the arbitraries below have drawn (a superset of those sent): what the leak search
 * looks for, whatever the ID-number finder under test makes of them.
 */
export const DRAWN = new Set<string>();

/** A valid resident identity number: region, a real birth date from 1930 to 2012, a sequence and its check character. */
export const ridArb: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom(...REGIONS), fc.integer({ min: Date.UTC(1930, 0, 1) / 86_400_000, max: Date.UTC(2012, 11, 31) / 86_400_000 }), fc.integer({ min: 0, max: 999 }))
  .map(([region, day, seq]) => {
    const d = new Date(day * 86_400_000);
    const first17 = `${region}${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}${String(seq).padStart(3, '0')}`;
    const rid = first17 + ridCheckChar(first17);
    DRAWN.add(rid);
    return rid;
  });

/** A valid unified social credit code: department 9 (enterprise), 12 (institution) or 11 (government). */
export const usccArb = (prefix: '91' | '12' | '11' = '91'): fc.Arbitrary<string> =>
  fc.tuple(fc.constantFrom('110000', '310000', '371002', '440100'), fc.integer({ min: 10_000_000, max: 99_999_999 })).map(([region, n]) => {
    const org8 = String(n);
    const first17 = `${prefix}${region}${org8}${orgCodeCheckChar(org8)}`;
    return first17 + usccCheckChar(first17);
  });

const FULL_WIDTH = (s: string) => s.replace(/[0-9X]/g, (c) => (c === 'X' ? 'Ｘ' : String.fromCharCode(0xff10 + Number(c))));
const CHINESE = '〇一二三四五六七八九';

/** The ways a number is written in free text, each as it stands in the string sent. */
export const RID_FORMS: Record<string, (n: string) => string> = {
  plain: (n) => n,
  lowerX: (n) => n.replace('X', 'x'),
  fullWidth: FULL_WIDTH,
  spaced: (n) => `${n.slice(0, 6)} ${n.slice(6, 14)} ${n.slice(14)}`,
  hyphens: (n) => `${n.slice(0, 6)}-${n.slice(6, 14)}-${n.slice(14)}`,
  ideographicSpace: (n) => `${n.slice(0, 6)}\u3000${n.slice(6, 14)}\u3000${n.slice(14)}`,
  zeroWidth: (n) => `${n.slice(0, 9)}\u200b${n.slice(9)}`,
  leadingDigit: (n) => `0${n}`,
  trailingDigits: (n) => `${n}42`,
  caseNumber: (n) => `(2026)${n}号`,
  chinese: (n) => n.replace(/[0-9]/g, (c) => CHINESE[Number(c)]),
  fullWidthSpaced: (n) => FULL_WIDTH(`${n.slice(0, 6)} ${n.slice(6, 14)} ${n.slice(14)}`),
};

/** A number written one of the ways above: the normalised number and the text that carries it. */
export interface CarriedRid {
  rid: string;
  form: string;
  text: string;
}

export const carriedRidArb: fc.Arbitrary<CarriedRid> = fc
  .tuple(ridArb, fc.constantFrom(...Object.keys(RID_FORMS)), fc.constantFrom('', '身份证号 ', 'ID ', 'tel:', '张三', 'see '), fc.constantFrom('', ' 的案件', '.', ' ok', '号'))
  .map(([rid, form, pre, post]) => ({ rid, form, text: `${pre}${RID_FORMS[form](rid)}${post}` }));

/**
 * Every number a request carried, however written. The suite records each request's numbers
 * before sending it (`note`), from the whole request: path, headers and body.
 */
export class RidLedger {
  readonly rids = new Set<string>();

  /** Records every valid number in any string of `value` (deep), however written. */
  note(value: unknown): void {
    const stack: unknown[] = [value];
    while (stack.length) {
      const v = stack.pop();
      if (typeof v === 'string') {
        for (const h of scanRids(v, true)) this.rids.add(h.value);
      } else if (Array.isArray(v)) stack.push(...v);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) stack.push(k, x);
    }
  }
}

/**
 * Where a JSON value carries a valid ID number (however written) other than in a subject
 * reference (`subject`, an item of `subjects`), which is hashed and never kept in clear: paths,
 * for a failure message. Keys count, since a key is stored as much as a value is.
 */
export function ridsOutsideSubjects(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return scanRids(value, true).length ? [path || '/'] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => (path.endsWith('/subjects') ? [] : ridsOutsideSubjects(v, `${path}/${i}`)));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => (scanRids(k, true).length ? [`${path}/(a key)`] : k === 'subject' && typeof v === 'string' ? [] : ridsOutsideSubjects(v, `${path}/${k}`)));
  return [];
}

/** How a number is named in a failure message: never in clear, even in test output. */
export const mask = (rid: string) => `${rid.slice(0, 6)}********${rid.slice(14)}`;

const CHINESE_VALUE: Record<string, string> = { 〇: '0', 零: '0', 一: '1', 二: '2', 三: '3', 四: '4', 五: '5', 六: '6', 七: '7', 八: '8', 九: '9' };

/**
 * The numbers of `wanted` that stand in `text` in any of the forms above, found without the
 * finder under test: full-width digits and Chinese numerals read as digits, separators and
 * zero-width characters dropped, then every 18-character window of every run of digits looked up.
 * (Dropping separators joins neighbouring numbers into runs: more windows, none of them wrongly
 * a drawn number.)
 */
export function ridsStandingIn(text: string, wanted: ReadonlySet<string>): string[] {
  const t = text
    .replace(/[\uff10-\uff19]/g, (c) => String(c.charCodeAt(0) - 0xff10))
    .replace(/[〇零一二三四五六七八九]/g, (c) => CHINESE_VALUE[c])
    .replace(/[Ｘｘx]/g, 'X')
    .replace(/[\s\-\u3000\u200b-\u200d\u2060\ufeff]/g, '');
  const found = new Set<string>();
  for (const m of t.matchAll(/[0-9X]{18,}/g)) {
    const run = m[0];
    for (let i = 0; i + 18 <= run.length; i++) {
      const w = run.slice(i, i + 18);
      if (wanted.has(w)) found.add(w);
    }
  }
  return [...found].map(mask);
}

/** Every number the suite may have sent: drawn by the arbitraries, or found in a request by the finder. */
export const everyNumber = (ledger: RidLedger): Set<string> => new Set([...DRAWN, ...ledger.rids]);
