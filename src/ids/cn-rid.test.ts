import { describe, expect, it } from 'vitest';
import { ridCheckChar, validateRid } from './cn-rid.js';

/** Builds a number with a correct check character, so a test can isolate one other defect. */
const withCheck = (first17: string): string => first17 + ridCheckChar(first17);

describe('ridCheckChar', () => {
  it('computes ISO 7064 MOD 11-2 for the reference examples', () => {
    expect(ridCheckChar('36042619910101007')).toBe('1');
    expect(ridCheckChar('11010519491231002')).toBe('X');
    expect(ridCheckChar('11010119900307451')).toBe('4');
  });

  it('refuses anything but 17 digits', () => {
    expect(() => ridCheckChar('1101011990030745')).toThrow(RangeError);
    expect(() => ridCheckChar('1101011990030745A')).toThrow(RangeError);
  });
});

describe('validateRid', () => {
  it('accepts the three reference numbers and decodes them', () => {
    expect(validateRid('360426199101010071')).toEqual({
      ok: true,
      value: { value: '360426199101010071', address: '360426', birthDate: '1991-01-01', sex: 'male' },
    });
    expect(validateRid('11010519491231002X')).toEqual({
      ok: true,
      value: { value: '11010519491231002X', address: '110105', birthDate: '1949-12-31', sex: 'female' },
    });
    expect(validateRid('110101199003074514')).toEqual({
      ok: true,
      value: { value: '110101199003074514', address: '110101', birthDate: '1990-03-07', sex: 'male' },
    });
  });

  it('trims and upper-cases a trailing x', () => {
    const r = validateRid('  11010519491231002x \n');
    expect(r.ok && r.value.value).toBe('11010519491231002X');
  });

  it('names a wrong check character without echoing the number', () => {
    const r = validateRid('110101199003074513');
    expect(r).toEqual({ ok: false, error: expect.stringContaining('check character is 3 but should be 4') });
    expect(!r.ok && r.error).not.toContain('110101199003074513');
    expect(!r.ok && r.error).toContain('110101********4513');
  });

  it('refuses an impossible birth date even when the check character matches', () => {
    const v = withCheck('11010119990230451');
    const r = validateRid(v);
    expect(r).toEqual({ ok: false, error: expect.stringContaining('birth date (positions 7–14) is not a real date') });
    expect(!r.ok && r.error).not.toContain(v);
    // The date and the masked form together would spell out the whole number.
    expect(!r.ok && r.error).not.toContain('19990230');
    expect(!r.ok && r.error).not.toContain('1999-02-30');
  });

  it('accepts 29 February only in leap years', () => {
    expect(validateRid(withCheck('11010120000229451')).ok).toBe(true);
    expect(validateRid(withCheck('11010119000229451')).ok).toBe(false); // 1900 is not a leap year
    expect(validateRid(withCheck('11010120010229451')).ok).toBe(false);
  });

  it('refuses birth dates before 1900 and after 2100', () => {
    const early = validateRid(withCheck('11010118991231451'));
    expect(!early.ok && early.error).toContain('before 1900-01-01');
    expect(validateRid(withCheck('11010119000101451')).ok).toBe(true);
    expect(validateRid(withCheck('11010121001231451')).ok).toBe(true);
    const late = validateRid(withCheck('11010121010101451'));
    expect(!late.ok && late.error).toContain('after 2100');
  });

  it('refuses wrong lengths, saying how long the input was and nothing else', () => {
    const r = validateRid('11010119900307451');
    expect(r).toEqual({ ok: false, error: 'a resident identity number has 18 characters, this one has 17' });
    expect(validateRid('1101011990030745144').ok).toBe(false);
    expect(validateRid('').ok).toBe(false);
  });

  it('refuses non-digits, a bad last character and an address code starting with 0', () => {
    expect(validateRid('11010119900307A514')).toEqual({ ok: false, error: expect.stringContaining('positions 1–17') });
    expect(validateRid('11010119900307451Y')).toEqual({ ok: false, error: expect.stringContaining('digit or X') });
    expect(validateRid(withCheck('01010119900307451'))).toEqual({
      ok: false,
      error: expect.stringContaining('address code cannot start with 0'),
    });
  });

  it('reads sex from the parity of position 17', () => {
    const female = validateRid(withCheck('11010119900307452'));
    expect(female.ok && female.value.sex).toBe('female');
  });
});
