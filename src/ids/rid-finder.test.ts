import { describe, expect, it } from 'vitest';
import { ridCheckChar } from './cn-rid.js';
import { containsRid, maskRids, maskRidShapes, ridInValue, ridsIn } from './rid-finder.js';

const RID = '11010519491231002X';
const RID2 = '110101199003074514';
const FULL = (s: string) => s.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const withCheck = (first17: string) => first17 + ridCheckChar(first17);

describe('containsRid finds a valid number however it is written (issue 16 finding 2)', () => {
  const variants: [string, string][] = [
    ['on its own', RID],
    ['lower-case x', RID.toLowerCase()],
    ['behind a leading digit', `(2026)0${RID}`],
    ['behind many digits', `1234567890123${RID}`],
    ['before trailing digits', `${RID2}2026`],
    ['between digits on both sides', `99${RID2}99`],
    ['inside Chinese text', `张三${RID}号`],
    ['with spaces', '110105 19491231 002X'],
    ['with several spaces and tabs', '110105  \t19491231   002X'],
    ['with an ideographic space', '110105\u300019491231\u3000002X'],
    ['with a no-break space', '110105\u00a019491231\u00a0002X'],
    ['with hyphens', '110105-19491231-002X'],
    ['with en and em dashes and a minus sign', '110105–19491231—002X'],
    ['with full-width hyphens', '110105－19491231－002X'],
    ['with dots', '110.105.194.912.310.02X'],
    ['with slashes and underscores', '110105/19491231_002X'],
    ['a space between every character', RID.split('').join(' ')],
    ['full-width digits and X', FULL(RID)],
    ['full-width with a lower-case ｘ', FULL(RID).replace('Ｘ', 'ｘ')],
    ['full-width inside Chinese text, behind a full-width digit', `案号１${FULL(RID)}`],
    ['mixed widths', '１１０１０５19491231００２x'],
    ['zero-width spaces inside', RID.split('').join('\u200b')],
    ['a soft hyphen and a word joiner inside', '110105\u00ad19491231\u2060002X'],
    ['Arabic-Indic digits', '١١٠١٠٥١٩٤٩١٢٣١٠٠٢X'],
    ['Devanagari digits', '११०१०५१९४९१२३१००२X'],
    ['Chinese numerals', '一一〇一〇五一九四九一二三一〇〇二X'],
    ['circled digits', '①①0①0⑤①⑨④⑨①②③①00②X'],
    ['the multiplication sign as X', '11010519491231002×'],
    ['in a URL-ish value', `https://x.example/p?id=${RID}`],
  ];
  for (const [name, text] of variants) {
    it(name, () => {
      expect(containsRid(text)).toBe(true);
      expect(ridsIn(text)).toContain(name.startsWith('before trailing') || name.startsWith('between digits') ? RID2 : RID);
    });
  }
});

describe('containsRid lets through what is not anyone’s number', () => {
  it('a wrong check character, an impossible date, an address starting with 0', () => {
    expect(containsRid('110105194912310021')).toBe(false);
    expect(containsRid(withCheck('11010519491331002'))).toBe(false);
    expect(containsRid(withCheck('01010519491231002'))).toBe(false);
    expect(containsRid(withCheck('11010518491231002'))).toBe(false);
  });

  it('long case, order and account numbers with no valid number in any window', () => {
    // Decided: a 20-digit case number is free text unless one of its three 18-digit windows is a
    // valid number (right check character and a real birth date); these are not.
    for (const n of ['20261207000000012345', '62220212345678901234', '1234567890123456789', '00000000000000000000', '99999999999999999999']) expect(containsRid(n)).toBe(false);
  });

  it('short numbers, dates and times, and numbers too far apart to be one', () => {
    expect(containsRid('2026-12-07T08:00:00.000Z')).toBe(false);
    expect(containsRid('phone 13800138000, ext. 1234')).toBe(false);
    expect(containsRid('110105 and 19491231 and 002X')).toBe(false);
    expect(containsRid('')).toBe(false);
    expect(containsRid('第一二三条')).toBe(false);
  });

  it('an ID number split by letters or punctuation that is not a separator', () => {
    expect(containsRid('110105a19491231b002X')).toBe(false);
    expect(containsRid('110105(19491231)002X')).toBe(false);
  });

  it('is fast on a megabyte of digits', () => {
    const t0 = performance.now();
    expect(containsRid('7'.repeat(1_000_000))).toBe(false);
    expect(performance.now() - t0).toBeLessThan(3000);
  });
});

describe('masking', () => {
  it('maskRids masks valid numbers however written, and leaves other digits', () => {
    expect(maskRids(`call ${RID} now`)).toBe('call 110105********002X now');
    expect(maskRids('no. 110105-19491231-002X.')).toBe('no. 110105********002X.');
    expect(maskRids(`full ${FULL(RID)}`)).toBe('full 110105********002X');
    expect(maskRids('order 12345678901234567890')).toBe('order 12345678901234567890');
    expect(maskRids(`${RID}/${RID2}`)).not.toMatch(/19491231|19900307/);
  });

  it('maskRidShapes masks any 18-character shape too, for logs', () => {
    expect(maskRidShapes('/v1/x/123456789012345678')).toBe('/v1/x/123456********5678');
    expect(maskRidShapes(`a ${FULL(RID)} b`)).toBe('a 110105********002X b');
    expect(maskRidShapes('110105 19491231 002X')).toBe('110105********002X');
    expect(maskRidShapes('12345')).toBe('12345');
  });
});

describe('ridInValue', () => {
  it('names the first string or key holding a number, and skips what the caller exempts', () => {
    expect(ridInValue({ a: 'x', b: [{ c: `y ${RID}` }] })).toEqual({ path: ['b', 0, 'c'], key: false });
    expect(ridInValue({ facts: { [RID]: 1 } })).toEqual({ path: ['facts', RID], key: true });
    expect(ridInValue({ subject: `cn-rid:${RID}`, name: 'ok' }, (p) => p[0] === 'subject')).toBeNull();
    expect(ridInValue({ subject: `cn-rid:${RID}`, name: FULL(RID) }, (p) => p[0] === 'subject')).toEqual({ path: ['name'], key: false });
    expect(ridInValue(42)).toBeNull();
  });

  it('walks values nested 10,000 deep', () => {
    let v: unknown = RID;
    for (let i = 0; i < 10_000; i++) v = [v];
    expect(ridInValue(v)?.path.length).toBe(10_000);
  });
});
