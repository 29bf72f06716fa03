import { describe, expect, it } from 'vitest';
import type { ListEntry, SubjectState } from '../domain/types.js';
import { loadCatalogDirOrThrow } from './catalog-files.js';
import { defaultCatalogDir } from './paths.js';
import { measuresInForce } from './reads.js';

const catalog = loadCatalogDirOrThrow(defaultCatalogDir());
const T = Date.UTC(2026, 10, 27);
const entry = (list: string, id: string): ListEntry => ({ id, list, subjectId: 's_test00000001', status: 'active', since: T - 86_400_000, decidedAt: T - 86_400_000, until: null, reasons: [], catalogVersion: catalog.version });
const state = (entries: ListEntry[]): SubjectState => ({ subjectId: 's_test00000001', asOf: T, catalogVersion: catalog.version, schemes: [], entries, nextChangeAt: null });

describe('measuresInForce (the subject view)', () => {
  it('shows a red list’s reward, but not while a black-list entry of the subject’s own is in effect, as the gate decides', () => {
    const red = entry('aaa-citizens', 'e_red');
    const black = entry('spc-dishonest-debtors', 'e_black');
    const alone = measuresInForce(catalog, state([red]), [], T).map((m) => m.measure);
    expect(alone).toContain('aaa-heating-discount');
    const both = measuresInForce(catalog, state([red, black]), [], T);
    expect(both.map((m) => m.measure)).not.toContain('aaa-heating-discount');
    expect(both.some((m) => m.list === 'spc-dishonest-debtors' && m.effect === 'deny')).toBe(true);
    // An organisation's entry reaching the person through a role binds them to its measures, no more.
    const via = { ...black, via: { subjectId: 's_org000000001', role: 'legal-representative' as const } };
    expect(measuresInForce(catalog, state([red]), [via], T).map((m) => m.measure)).toContain('aaa-heating-discount');
  });
});
