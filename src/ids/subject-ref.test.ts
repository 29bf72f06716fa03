import { describe, expect, it } from 'vitest';
import { parseSubjectRef } from './subject-ref.js';

describe('parseSubjectRef', () => {
  it('accepts internal ids', () => {
    expect(parseSubjectRef('s_0123abcd')).toEqual({ ok: true, value: { type: 'internal', id: 's_0123abcd' } });
    expect(parseSubjectRef('s_' + 'a'.repeat(40)).ok).toBe(true);
  });

  it('refuses malformed internal ids', () => {
    for (const bad of ['s_abc', 's_' + 'a'.repeat(41), 's_ABCDEFGH', 's_abcd-efgh']) {
      expect(parseSubjectRef(bad)).toEqual({ ok: false, error: expect.stringContaining('internal subject id') });
    }
  });

  it('validates and normalises cn-rid values', () => {
    expect(parseSubjectRef('cn-rid:11010519491231002x')).toEqual({
      ok: true,
      value: { type: 'identifier', scheme: 'cn-rid', value: '11010519491231002X' },
    });
  });

  it('reports an invalid cn-rid without echoing it', () => {
    const r = parseSubjectRef('cn-rid:110101199003074513');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/^cn-rid: check character is 3 but should be 4/);
    expect(!r.ok && r.error).not.toContain('110101199003074513');
  });

  it('validates and normalises cn-uscc values', () => {
    expect(parseSubjectRef('cn-uscc:91110000600037341l')).toEqual({
      ok: true,
      value: { type: 'identifier', scheme: 'cn-uscc', value: '91110000600037341L' },
    });
    expect(parseSubjectRef('cn-uscc:91110000600037342L').ok).toBe(false);
  });

  it('accepts deployment schemes with a printable value', () => {
    expect(parseSubjectRef('hk-id:A123456(7)')).toEqual({
      ok: true,
      value: { type: 'identifier', scheme: 'hk-id', value: 'A123456(7)' },
    });
  });

  it('refuses bad deployment schemes and values', () => {
    expect(parseSubjectRef('x:1').ok).toBe(false); // scheme too short
    expect(parseSubjectRef('Passport:E1').ok).toBe(false);
    expect(parseSubjectRef('1abc:E1').ok).toBe(false);
    expect(parseSubjectRef('staff:')).toEqual({ ok: false, error: 'staff: the value is empty' });
    expect(parseSubjectRef('staff:' + 'a'.repeat(65))).toEqual({ ok: false, error: expect.stringContaining('longer than 64') });
    expect(parseSubjectRef('staff:' + 'a'.repeat(64)).ok).toBe(true);
    expect(parseSubjectRef('staff:a\u0000b')).toEqual({ ok: false, error: expect.stringContaining('control') });
    expect(parseSubjectRef('staff:a\u200bb').ok).toBe(false);
  });

  it('never echoes a bare or misplaced identity number', () => {
    for (const ref of ['110101199003074514', '110101199003074514:cn-rid', 'CN-RID:110101199003074514', '']) {
      const r = parseSubjectRef(ref);
      expect(r.ok).toBe(false);
      expect(!r.ok && r.error).not.toContain('110101199003074514');
    }
  });
});
