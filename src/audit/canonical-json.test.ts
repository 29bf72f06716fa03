import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';

/** A seeded generator of JSON values: nested objects and arrays, unicode keys, awkward numbers. */
function gen(seed: number) {
  let x = seed >>> 0;
  const rnd = () => ((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)];
  const strs = ['', 'a', 'é', '€', '😀', 'Z', '\u0000', '"', '\\', '\n', '\u2028', 'ab', '10', '1', 'b', '\ud83d\ude00x', '信用', 'ﬀ', 'A'];
  const nums = [0, -0, 1, -1, 1.5, 1e21, 1e-7, 123456789.123, 2 ** 53, -(2 ** 31), 0.1 + 0.2, 5e-324, 1.7976931348623157e308];
  const value = (depth: number): unknown => {
    const r = rnd();
    if (depth > 3 || r < 0.3) return pick<unknown>([pick(strs), pick(nums), true, false, null]);
    if (r < 0.6) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = 0; i < Math.floor(rnd() * 5); i++) o[pick(strs) + pick(strs)] = value(depth + 1);
    return o;
  };
  return value;
}

describe('canonicalJson', () => {
  it('writes exactly what the canonicalize package writes, on 5,000 generated values', () => {
    const value = gen(20261128);
    for (let i = 0; i < 5000; i++) {
      const v = value(0);
      expect(canonicalJson(v)).toBe(canonicalize(v));
    }
  });

  it('sorts keys by UTF-16 code units and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: [undefined, 2], '€': 0, '😀': 1, c: undefined })).toBe('{"a":[null,2],"b":1,"€":0,"😀":1}');
  });

  it('refuses what JSON cannot carry faithfully', () => {
    expect(() => canonicalJson({ a: NaN })).toThrow(/not a JSON number/);
    expect(() => canonicalJson(['\ud800'])).toThrow(/lone surrogate/);
    expect(() => canonicalJson({ ['\udc00']: 1 })).toThrow(/lone surrogate/);
    expect(() => canonicalJson(10n)).toThrow(/bigint/);
  });
});
