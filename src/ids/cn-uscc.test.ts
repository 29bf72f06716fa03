import { describe, expect, it } from 'vitest';
import { USCC_ALPHABET, orgCodeCheckChar, usccCheckChar, usccSubjectKind, validateUscc } from './cn-uscc.js';

const VALID = '91110000600037341L';

/** Completes 17 characters with a correct overall check character. */
const withCheck = (first17: string): string => first17 + usccCheckChar(first17);
/** Completes the 8-character org-code body and the overall check, for a code that passes both checks. */
const build = (head8: string, org8: string): string => withCheck(head8 + org8 + orgCodeCheckChar(org8));

describe('check characters', () => {
  it('has the 31-character alphabet without I, O, S, V, Z', () => {
    expect(USCC_ALPHABET).toHaveLength(31);
    for (const c of 'IOSVZ') expect(USCC_ALPHABET).not.toContain(c);
  });

  it('computes the overall check character of the reference code', () => {
    expect(usccCheckChar(VALID.slice(0, 17))).toBe('L');
  });

  it('computes GB 11714 org-code check characters, including X and 0', () => {
    expect(orgCodeCheckChar('60003734')).toBe('1');
    // Search for bodies that hit the two special cases so both mappings are exercised.
    const bodies = Array.from({ length: 200 }, (_, i) => String(10000000 + i));
    const checks = new Set(bodies.map(orgCodeCheckChar));
    expect(checks).toContain('X');
    expect(checks).toContain('0');
    // A letter counts with its Latin value: A = 10.
    const sum = 10 * 3 + 0 * 7 + 0 + 0 + 0 + 0 + 0 + 0;
    const c = 11 - (sum % 11);
    expect(orgCodeCheckChar('A0000000')).toBe(c === 10 ? 'X' : c === 11 ? '0' : String(c));
  });
});

describe('validateUscc', () => {
  it('accepts the reference code and splits it', () => {
    expect(validateUscc(VALID)).toEqual({
      ok: true,
      value: { value: VALID, department: '9', entityType: '1', region: '110000' },
    });
  });

  it('trims and upper-cases', () => {
    const r = validateUscc(` ${VALID.toLowerCase()} `);
    expect(r.ok && r.value.value).toBe(VALID);
  });

  it('refuses a corrupted code with the expected check character', () => {
    const r = validateUscc('91110000600037342L');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/check character is L but should be [0-9A-Y]/);
  });

  it('refuses wrong length, letters outside the alphabet and a non-numeric region', () => {
    expect(validateUscc(VALID.slice(0, 17))).toEqual({ ok: false, error: expect.stringContaining('this one has 17') });
    expect(validateUscc('91110000600037341I')).toEqual({ ok: false, error: expect.stringContaining("character 18 ('I')") });
    expect(validateUscc(build('9111000A', '60003734'))).toEqual({
      ok: false,
      error: expect.stringContaining('six-digit region code'),
    });
  });

  it('reports a failing embedded organisation code as its own reason', () => {
    // Overall check correct, org-code check wrong: the shape of an early pilot code.
    const pilot = withCheck('91110000' + '60003734' + '2');
    const r = validateUscc(pilot);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain('organisation code 600037342 fails its GB 11714 check');
    expect(!r.ok && r.error).not.toMatch(/^check character/);
  });
});

describe('usccSubjectKind', () => {
  it('maps departments and entity types to subject kinds', () => {
    expect(usccSubjectKind(VALID)).toBe('enterprise');
    expect(usccSubjectKind(build('92370000', '12345678'))).toBe('enterprise');
    expect(usccSubjectKind(build('93370000', '12345678'))).toBe('enterprise');
    expect(usccSubjectKind(build('11100000', '00001345'))).toBe('government');
    expect(usccSubjectKind(build('12100000', '40000123'))).toBe('institution');
    expect(usccSubjectKind(build('13100000', '40000123'))).toBe('institution');
    expect(usccSubjectKind(build('19100000', '40000123'))).toBe('institution');
    expect(usccSubjectKind(build('51100000', '50000123'))).toBe('institution');
    expect(usccSubjectKind(build('31110000', '50000123'))).toBe('institution');
  });
});
