import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogDir } from '../app/catalog-files.js';
import { formatIssue } from '../catalog/types.js';
import type { ListEntry } from '../domain/types.js';
import { GateIndex } from './gate-index.js';

const loaded = loadCatalogDir(join(import.meta.dirname, '../../catalogs/cn-demo'));
if (!loaded.ok) throw new Error(loaded.error.map(formatIssue).join('\n'));
const catalog = loaded.value;

const DAY = 86_400_000;
const t0 = Date.UTC(2026, 0, 5);
const entry = (over: Partial<ListEntry>): ListEntry => ({
  id: 'e_1', list: 'spc-dishonest-debtors', subjectId: 's_debtor', status: 'active', since: t0, decidedAt: t0, until: t0 + 730 * DAY,
  reasons: [{ recordId: 'r_1', recordType: 'court.dishonest-debtor-decision', ruleId: 'grounds-2-6', legalBasis: 'SPC 2017 Art. 1' }],
  catalogVersion: catalog.version, ...over,
});

describe('GateIndex.check', () => {
  const gate = new GateIndex(catalog);
  gate.addSubject('s_debtor');
  gate.setEntries('s_debtor', [entry({})]);
  gate.addSubject('s_clean');

  it('denies a listed subject a flight, with measure, list, dates, authority and legal basis', () => {
    const r = gate.check('s_debtor', 'transport.air.ticket', t0 + DAY);
    expect(r.decision).toBe('deny');
    expect(r.known).toBe(true);
    const m = r.measures.find((x) => x.list === 'spc-dishonest-debtors')!;
    const def = catalog.measures.find((x) => x.code === m.measure)!;
    expect(def.action).toBe('transport.air.ticket');
    expect(m).toMatchObject({ effect: 'deny', entryId: 'e_1', since: t0, until: t0 + 730 * DAY, authority: def.doc.authority, legalBasis: def.basis });
    expect(m.reasons[0].recordId).toBe('r_1');
  });

  it('allows a subject on no list, and one whose entry has not begun or has ended', () => {
    expect(gate.check('s_clean', 'transport.air.ticket', t0).decision).toBe('allow');
    expect(gate.check('s_debtor', 'transport.air.ticket', t0 - 1).decision).toBe('allow');
    expect(gate.check('s_debtor', 'transport.air.ticket', t0 + 730 * DAY).decision).toBe('allow');
  });

  it('answers known: false for an unknown subject, with the action\'s default', () => {
    const r = gate.check('s_nobody', 'transport.air.ticket', t0);
    expect(r).toMatchObject({ decision: 'allow', known: false, measures: [] });
    const bid = catalog.actions.get('procurement.bid')!;
    expect(gate.check('s_nobody', 'procurement.bid', t0).decision).toBe(bid.unknownSubject ?? 'allow');
  });

  it('does not enforce pending, exited or suspended entries', () => {
    const g = new GateIndex(catalog);
    g.setEntries('s_x', [entry({ status: 'pending', since: t0 + 10 * DAY }), entry({ id: 'e_2', status: 'exited', endedAt: t0 + DAY }), entry({ id: 'e_3', status: 'suspended' })]);
    expect(g.check('s_x', 'transport.air.ticket', t0 + 2 * DAY).decision).toBe('allow');
    // A pending entry applies once its notice period has run (the index compares instants).
    expect(g.check('s_x', 'transport.air.ticket', t0 + 11 * DAY).decision).toBe('deny');
  });

  it('binds a legal representative through the organisation, saying so', () => {
    const g = new GateIndex(catalog);
    g.setEntries('s_rep', [entry({ id: 'e_via', subjectId: 's_rep', via: { subjectId: 's_company', role: 'legal-representative' } })]);
    const r = g.check('s_rep', 'transport.rail.high-speed', t0 + DAY);
    expect(r.decision).toBe('deny');
    expect(r.measures[0].via).toEqual({ subjectId: 's_company', role: 'legal-representative' });
  });

  it('reports rewards with allow, for grade-based measures and red lists', () => {
    const g = new GateIndex(catalog);
    g.setEntries('s_model', [entry({ id: 'e_aaa', list: 'aaa-citizens', until: null, reasons: [{ ruleId: 'grade-aaa', legalBasis: 'x', grade: { scheme: 'civic-points', grade: 'AAA' } }] })]);
    const r = g.check('s_model', 'utility.heating.discount', t0 + DAY);
    expect(r.decision).toBe('allow');
    expect(r.measures.map((m) => m.effect)).toContain('reward');
    expect(r.measures.find((m) => m.effect === 'reward')?.params).toBeDefined();
    const d = new GateIndex(catalog);
    d.setGrades('s_poor', [{ scheme: 'enterprise-class', grade: 'D' }]);
    const insp = d.check('s_poor', 'inspection.random-selection', t0);
    expect(insp.measures.length).toBeGreaterThan(0);
    expect(d.check('s_poor', 'inspection.random-selection', t0).measures[0].reasons[0].grade).toEqual({ scheme: 'enterprise-class', grade: 'D' });
  });

  it('returns review when the strongest applicable effect is review', () => {
    const g = new GateIndex(catalog);
    g.setEntries('s_ab', [entry({ id: 'e_ab', list: 'abnormal-operations', until: null })]);
    expect(g.check('s_ab', 'procurement.bid', t0 + DAY).decision).toBe('review');
  });

  it('replaces entries on update and counts what it holds', () => {
    const g = new GateIndex(catalog);
    g.setEntries('s_a', [entry({})]);
    g.addSubject('s_b');
    expect(g.stats()).toEqual({ subjects: 2, withEntries: 1, entries: 1 });
    g.setEntries('s_a', []);
    expect(g.check('s_a', 'transport.air.ticket', t0 + DAY).decision).toBe('allow');
    expect(g.stats().withEntries).toBe(0);
  });
});
