import { beforeAll, describe, expect, it } from 'vitest';
import { parseInstant } from '../domain/time.js';
import type { SubjectKind } from '../domain/types.js';
import { usccSubjectKind, validateRid, validateUscc } from '../ids/index.js';
import type { RecordLine, SubjectLine } from '../ingest/lines.js';
import { isSubjectLine } from '../ingest/lines.js';
import { type CityItem, type CityOptions, REGIONS, citySize, generateCity, regionName } from './index.js';

const NOW = Date.UTC(2026, 4, 15, 8, 0, 0);
const OPTS: CityOptions = { persons: 5000, enterprises: 600, seed: 7, now: NOW };

// The record-type table of the brief, written out independently of the generator.
type Field = { t: 'string' | 'number' | 'integer'; req: boolean; oneOf?: readonly string[]; min?: number; max?: number };
const str = (oneOf?: readonly string[], req = true): Field => ({ t: 'string', req, oneOf });
const num = (req = true): Field => ({ t: 'number', req });
const int = (min?: number, max?: number, req = true): Field => ({ t: 'integer', req, min, max });
const ANY: SubjectKind[] = ['person', 'enterprise', 'institution', 'government'];
const PE: SubjectKind[] = ['person', 'enterprise'];
const GOV: SubjectKind[] = ['institution', 'government'];
const GROUNDS = ['refuses-despite-ability', 'obstructs', 'evades', 'false-asset-report', 'breaches-consumption-order', 'breaks-settlement'];
const UTIL = ['water', 'electricity', 'gas', 'heating'];
const SPEC: Record<string, { kinds: SubjectKind[]; facts: Record<string, Field> }> = {
  'court.dishonest-debtor-decision': { kinds: ANY, facts: { caseNo: str(), court: str(), ground: str(GROUNDS), obligationYuan: num(false) } },
  'court.obligation-performed': { kinds: ANY, facts: { caseNo: str(), how: str(['full-performance', 'settlement-performed', 'enforcement-ended'], false) } },
  'court.listing-extended': { kinds: ANY, facts: { caseNo: str(), years: int(1, 3), reason: str(['violence-or-threats', 'repeated-conduct']) } },
  'court.high-consumption-order': { kinds: ANY, facts: { caseNo: str(), court: str() } },
  'court.liable-for-unpaid-debt': { kinds: PE, facts: { caseNo: str(), amountYuan: num() } },
  'court.contract-breach-judgment': { kinds: PE, facts: { caseNo: str() } },
  'finance.loan-arrears': { kinds: PE, facts: { cycles: int(1, 120), lender: str() } },
  'finance.contract-breach': { kinds: PE, facts: { contract: str(['lending', 'guarantee', 'leasing', 'insurance']) } },
  'finance.illegal-fundraising': { kinds: PE, facts: { decisionNo: str() } },
  'market.commercial-fraud': { kinds: PE, facts: { conduct: str(['pyramid-selling', 'commercial-fraud']), decisionNo: str() } },
  'market.counterfeit-goods': { kinds: PE, facts: { decisionNo: str(), product: str(undefined, false) } },
  'market.annual-report-missed': { kinds: ['enterprise'], facts: { year: int(2000, 2026) } },
  'market.unreachable-at-address': { kinds: ['enterprise'], facts: { decisionNo: str() } },
  'market.disclosure-order-ignored': { kinds: ['enterprise'], facts: { decisionNo: str() } },
  'market.false-information': { kinds: ['enterprise'], facts: { decisionNo: str() } },
  'credit.serious-dishonesty-decision': {
    kinds: PE,
    facts: { decisionNo: str(), authority: str(), seriousGround: str(['endangers-life-or-safety', 'disrupts-fair-competition', 'refuses-legal-obligations', 'refuses-defence-duties']) },
  },
  'market.abnormal-operations-remedied': {
    kinds: ['enterprise'],
    facts: { remedy: str(['report-filed', 'disclosure-made', 'address-verified', 'information-corrected']) },
  },
  'tax.arrears': { kinds: PE, facts: { amountYuan: num(), taxType: str() } },
  'tax.arrears-settled': { kinds: PE, facts: { amountYuan: num() } },
  'admin.penalty': { kinds: ANY, facts: { severity: str(['minor', 'general', 'serious']), decisionNo: str(), authority: str() } },
  'admin.licence': { kinds: ['enterprise', 'institution', 'government'], facts: { licenceItem: str(), decisionNo: str(), authority: str(), validUntil: str(undefined, false) } },
  'government.contract-default': { kinds: GOV, facts: { counterparty: str(), amountYuan: num() } },
  'government.judgment-unperformed': { kinds: GOV, facts: { caseNo: str() } },
  'commitment.breached': { kinds: ANY, facts: { commitmentId: str(), approval: str() } },
  'utility.late-payment': { kinds: PE, facts: { utility: str(UTIL), months: int(1, 60) } },
  'utility.arrears-judgment': { kinds: PE, facts: { caseNo: str(), utility: str(UTIL) } },
  'utility.heating-tapping': { kinds: PE, facts: { decisionNo: str() } },
  'utility.theft': { kinds: PE, facts: { utility: str(UTIL), decisionNo: str() } },
  'utility.equipment-damage': { kinds: PE, facts: { decisionNo: str() } },
  'traffic.violation': {
    kinds: ['person'],
    facts: { offence: str(['speeding', 'red-light', 'illegal-parking', 'no-licence', 'drunk-driving']), ticketNo: str() },
  },
  'civic.blood-donation': { kinds: ['person'], facts: { volumeMl: int(200, 400, false) } },
  'civic.volunteer-service': { kinds: ['person'], facts: { hours: int(1), organisation: str(undefined, false) } },
  'civic.heroic-act': { kinds: ['person'], facts: { citation: str() } },
};
const SOURCE_BY_PREFIX: Record<string, string> = {
  court: 'spc', tax: 'sat', market: 'samr', finance: 'pboc-crc', admin: 'penalties',
  government: 'finance-dept', commitment: 'finance-dept', utility: 'utilities', traffic: 'traffic-police', civic: 'civic-affairs',
  credit: 'credit-authority',
};

function typeErrors(r: RecordLine): string[] {
  const spec = SPEC[r.type];
  if (!spec) return [`unknown type ${r.type}`];
  const errors: string[] = [];
  for (const key of Object.keys(r.facts)) if (!(key in spec.facts)) errors.push(`${r.type}: unexpected fact ${key}`);
  for (const [key, f] of Object.entries(spec.facts)) {
    const v = r.facts[key];
    if (v === undefined) {
      if (f.req) errors.push(`${r.type}: missing ${key}`);
      continue;
    }
    const okType =
      f.t === 'string' ? typeof v === 'string' && v.length > 0 : f.t === 'integer' ? Number.isInteger(v) : typeof v === 'number' && Number.isFinite(v);
    if (!okType) errors.push(`${r.type}.${key}: ${JSON.stringify(v)} is not a ${f.t}`);
    if (f.oneOf && !f.oneOf.includes(v as string)) errors.push(`${r.type}.${key}: ${String(v)} not allowed`);
    if (f.min !== undefined && (v as number) < f.min) errors.push(`${r.type}.${key}: ${String(v)} < ${f.min}`);
    if (f.max !== undefined && (v as number) > f.max) errors.push(`${r.type}.${key}: ${String(v)} > ${f.max}`);
  }
  return errors;
}

function ageAt(birth: string, now: number): number {
  const d = new Date(now);
  const [y, m, day] = birth.split('-').map(Number);
  const hadBirthday = d.getUTCMonth() + 1 > m || (d.getUTCMonth() + 1 === m && d.getUTCDate() >= day);
  return d.getUTCFullYear() - y - (hadBirthday ? 0 : 1);
}

describe('generateCity', () => {
  let items: CityItem[];
  let subjects: SubjectLine[];
  let records: { source: string; line: RecordLine }[];
  let kindOf: Map<string, SubjectKind>;

  beforeAll(() => {
    items = [...generateCity(OPTS)];
    subjects = items.filter((i) => isSubjectLine(i.line)).map((i) => i.line as SubjectLine);
    records = items.filter((i) => !isSubjectLine(i.line)).map((i) => ({ source: i.source as string, line: i.line as RecordLine }));
    kindOf = new Map(subjects.map((s) => [s.subject, s.subjectKind as SubjectKind]));
  });

  it('is deterministic, and the seed matters', () => {
    const small = { persons: 800, enterprises: 80, seed: 11, now: NOW };
    expect([...generateCity(small)]).toEqual([...generateCity(small)]);
    expect(JSON.stringify([...generateCity({ ...small, seed: 12 })])).not.toEqual(JSON.stringify([...generateCity(small)]));
  });

  it('applies the default sizes and refuses impossible cities', () => {
    expect(citySize(OPTS)).toEqual({ persons: 5000, enterprises: 600, institutions: 60, governments: 30 });
    expect(citySize({ persons: 1, enterprises: 0, seed: 1, now: NOW })).toMatchObject({ institutions: 3, governments: 3 });
    expect(() => citySize({ persons: 0, enterprises: 1, seed: 1, now: NOW })).toThrow(RangeError);
    expect(() => citySize({ persons: -1, enterprises: 0, seed: 1, now: NOW })).toThrow(RangeError);
    expect(() => citySize({ persons: 1, enterprises: 0, seed: 1.5, now: NOW })).toThrow(RangeError);
  });

  it('emits persons, then organisations, then records', () => {
    const phase = items.map((i) => (!isSubjectLine(i.line) ? 2 : i.line.subjectKind === 'person' ? 0 : 1));
    expect(phase.slice(0, 5000).every((p) => p === 0)).toBe(true);
    expect(phase.slice(5000, 5690).every((p) => p === 1)).toBe(true);
    expect(phase.slice(5690).every((p) => p === 2)).toBe(true);
    for (const i of items) expect(i.source === null).toBe(isSubjectLine(i.line));
  });

  it('issues valid, unique resident numbers for adults of 18–80 in real regions', () => {
    const persons = subjects.filter((s) => s.subjectKind === 'person');
    expect(persons).toHaveLength(5000);
    expect(new Set(persons.map((p) => p.subject)).size).toBe(5000);
    let men = 0;
    for (const p of persons) {
      expect(p.subject.startsWith('cn-rid:')).toBe(true);
      const v = validateRid(p.subject.slice(7));
      if (!v.ok) throw new Error(v.error);
      expect(v.value.address).toBe(p.region);
      expect(regionName(p.region!)).toBeDefined();
      const age = ageAt(v.value.birthDate, NOW);
      expect(age).toBeGreaterThanOrEqual(18);
      expect(age).toBeLessThanOrEqual(80);
      expect(p.name.length).toBeGreaterThanOrEqual(2);
      if (v.value.sex === 'male') men++;
    }
    expect(men / 5000).toBeGreaterThan(0.45);
    expect(men / 5000).toBeLessThan(0.55);
    const weihai = persons.filter((p) => p.region!.startsWith('3710')).length / 5000;
    expect(weihai).toBeGreaterThan(0.5);
  });

  it('issues valid, unique credit codes with the right entity type and region', () => {
    const orgs = subjects.filter((s) => s.subjectKind !== 'person');
    expect(new Set(orgs.map((o) => o.subject)).size).toBe(orgs.length);
    expect(new Set(orgs.map((o) => o.subject.slice(17, 26))).size).toBe(orgs.length);
    const codes = new Set(REGIONS.map((r) => r.code));
    for (const o of orgs) {
      const v = validateUscc(o.subject.slice(8));
      if (!v.ok) throw new Error(v.error);
      expect(usccSubjectKind(v.value.value)).toBe(o.subjectKind);
      expect(v.value.region).toBe(o.region);
      expect(codes.has(o.region!)).toBe(true);
      const prefix = v.value.value.slice(0, 2);
      if (o.subjectKind === 'enterprise') expect(['91', '92', '93']).toContain(prefix);
      else expect(prefix).toBe(o.subjectKind === 'institution' ? '12' : '11');
    }
    expect(new Set(orgs.map((o) => o.name)).size).toBe(orgs.length);
  });

  it('gives every organisation one legal representative, all relations pointing to earlier persons', () => {
    const seen = new Set<string>();
    for (const s of subjects) {
      if (s.subjectKind === 'person') {
        seen.add(s.subject);
        continue;
      }
      const rels = s.relations ?? [];
      expect(rels.filter((r) => r.role === 'legal-representative')).toHaveLength(1);
      for (const r of rels) {
        expect(seen.has(r.subject)).toBe(true);
        if (s.subjectKind !== 'enterprise') expect(r.role).toBe('legal-representative');
      }
    }
  });

  it('writes records whose facts have exactly the catalogued fields and types', () => {
    const errors = records.flatMap((r) => typeErrors(r.line));
    expect(errors.slice(0, 10)).toEqual([]);
    for (const { line } of records) expect(SPEC[line.type].kinds).toContain(kindOf.get(line.subject));
    expect(new Set(records.map((r) => r.line.type)).size).toBeGreaterThanOrEqual(25);
  });

  it('names the right source and a unique external id per source', () => {
    const ids = new Set<string>();
    for (const { source, line } of records) {
      expect(source).toBe(SOURCE_BY_PREFIX[line.type.split('.')[0]]);
      expect(line.externalId).toMatch(new RegExp(`^${source}-\\d{7,}$`));
      expect(ids.has(`${source}|${line.externalId}`)).toBe(false);
      ids.add(`${source}|${line.externalId}`);
    }
  });

  it('dates every record strictly before now and within 3.5 years', () => {
    const floor = NOW - 3.5 * 365.25 * 86_400_000;
    for (const { line } of records) {
      expect(line.occurredAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/);
      const at = parseInstant(line.occurredAt);
      if (!at.ok) throw new Error(at.error);
      expect(at.value).toBeLessThan(NOW);
      expect(at.value).toBeGreaterThan(floor);
    }
  });

  it('ties follow-ups to an earlier case of the same subject', () => {
    const cases = new Map<string, number>();
    for (const { line } of records) {
      const caseNo = line.facts.caseNo as string | undefined;
      const at = Date.parse(line.occurredAt);
      if (line.type === 'court.dishonest-debtor-decision' || line.type === 'government.judgment-unperformed') {
        expect(cases.has(caseNo!)).toBe(false);
        cases.set(`${line.subject}|${caseNo}`, at);
        cases.set(caseNo!, at);
      } else if (['court.obligation-performed', 'court.high-consumption-order', 'court.listing-extended'].includes(line.type)) {
        const decided = cases.get(`${line.subject}|${caseNo}`);
        expect(decided).toBeDefined();
        expect(at).toBeGreaterThanOrEqual(decided!);
      }
    }
  });

  it('remedies each ground of the abnormal-operations directory with its own remedy, after it', () => {
    // The remedy that ends each ground (cn-demo lists.yaml): any other would leave the entry in force.
    const GROUND: Record<string, string> = {
      'report-filed': 'market.annual-report-missed',
      'disclosure-made': 'market.disclosure-order-ignored',
      'information-corrected': 'market.false-information',
      'address-verified': 'market.unreachable-at-address',
    };
    const seen = new Map<string, number>();
    const remedied = new Set<string>();
    for (const { line } of records) {
      const at = Date.parse(line.occurredAt);
      if (line.type === 'market.abnormal-operations-remedied') {
        const ground = GROUND[line.facts.remedy as string];
        const since = seen.get(`${line.subject}|${ground}`);
        expect(since, `${line.subject} ${String(line.facts.remedy)}`).toBeDefined();
        expect(at).toBeGreaterThan(since!);
        remedied.add(ground);
      } else if (Object.values(GROUND).includes(line.type)) seen.set(`${line.subject}|${line.type}`, at);
    }
    // The common grounds occur and are remedied in a city of this size (the rarer ones: rates.test.ts).
    expect(remedied).toContain('market.annual-report-missed');
    expect(remedied).toContain('market.unreachable-at-address');
  });

  it('lists as serious dishonesty only by a decision some weeks after a serious penalty, fraud or illegal fundraising', () => {
    const decisions = records.filter((r) => r.line.type === 'credit.serious-dishonesty-decision');
    expect(decisions.length).toBeGreaterThan(0);
    const kinds = new Set(decisions.map((d) => kindOf.get(d.line.subject)));
    expect([...kinds].sort()).toEqual(['enterprise', 'person']);
    const serious = (l: RecordLine) =>
      (l.type === 'admin.penalty' && l.facts.severity === 'serious') || l.type === 'market.commercial-fraud' || l.type === 'finance.illegal-fundraising';
    for (const { source, line } of decisions) {
      expect(source).toBe('credit-authority');
      const at = Date.parse(line.occurredAt);
      const grounds = records.filter((r) => r.line.subject === line.subject && serious(r.line)).map((r) => at - Date.parse(r.line.occurredAt));
      expect(grounds.some((d) => d >= 14 * 86_400_000 && d <= 90 * 86_400_000), line.subject).toBe(true);
    }
    // A small share of the serious conduct, not all of it.
    const conduct = new Set(records.filter((r) => serious(r.line)).map((r) => r.line.subject));
    expect(decisions.length).toBeLessThan(conduct.size);
  });

  it('keeps the annual-report year before the listing date', () => {
    for (const { line } of records.filter((r) => r.line.type === 'market.annual-report-missed')) {
      expect(line.facts.year as number).toBeLessThan(new Date(line.occurredAt).getUTCFullYear());
    }
  });
});

describe('generateCity with routine records', () => {
  const small: CityOptions = { persons: 2000, enterprises: 200, seed: 5, now: NOW };
  const ROUTINE = 6;
  let plain: CityItem[];
  let dense: CityItem[];
  const recordsOf = (items: CityItem[]) => items.filter((i) => !isSubjectLine(i.line)).map((i) => ({ source: i.source as string, line: i.line as RecordLine }));
  // Types and severities that only the demo's own draws produce: the ones lists and grade caps hang on.
  const weighty = (items: CityItem[]) => {
    const n = new Map<string, number>();
    for (const { line } of recordsOf(items)) {
      if (['traffic.violation', 'civic.volunteer-service', 'civic.blood-donation'].includes(line.type) && line.facts.offence !== 'drunk-driving') continue;
      if (line.type === 'admin.penalty' && line.facts.severity === 'minor') continue;
      const k = line.type === 'traffic.violation' ? 'drunk-driving' : line.type === 'admin.penalty' ? `penalty:${String(line.facts.severity)}` : line.type;
      n.set(k, (n.get(k) ?? 0) + 1);
    }
    return Object.fromEntries([...n].sort());
  };

  beforeAll(() => {
    plain = [...generateCity(small)];
    dense = [...generateCity({ ...small, routine: ROUTINE })];
  });

  it('is the demo city when the option is 0, and refuses a negative or non-finite mean', () => {
    expect([...generateCity({ ...small, routine: 0 })]).toEqual(plain);
    expect(() => citySize({ ...small, routine: -1 })).toThrow(RangeError);
    expect(() => citySize({ ...small, routine: Number.NaN })).toThrow(RangeError);
    expect([...generateCity({ ...small, routine: ROUTINE })]).toEqual(dense);
  });

  it('adds about `routine` records per subject, and registers the same subjects', () => {
    const subjectsOf = (items: CityItem[]) => items.filter((i) => isSubjectLine(i.line)).map((i) => i.line);
    expect(subjectsOf(dense)).toEqual(subjectsOf(plain));
    const subjects = citySize(small);
    const n = subjects.persons + subjects.enterprises + subjects.institutions + subjects.governments;
    const added = recordsOf(dense).length - recordsOf(plain).length;
    expect(added / n).toBeGreaterThan(ROUTINE * 0.95);
    expect(added / n).toBeLessThan(ROUTINE * 1.05);
  });

  it('adds only catalogued, valid, dated records that list no one: the weighty records are the same', () => {
    const kindOf = new Map(dense.filter((i) => isSubjectLine(i.line)).map((i) => [(i.line as SubjectLine).subject, (i.line as SubjectLine).subjectKind as SubjectKind]));
    const ids = new Set<string>();
    for (const { source, line } of recordsOf(dense)) {
      expect(typeErrors(line)).toEqual([]);
      expect(SPEC[line.type].kinds).toContain(kindOf.get(line.subject));
      expect(source).toBe(SOURCE_BY_PREFIX[line.type.split('.')[0]]);
      expect(ids.has(`${source}|${line.externalId}`)).toBe(false);
      ids.add(`${source}|${line.externalId}`);
      const at = Date.parse(line.occurredAt);
      expect(at).toBeLessThan(NOW);
      expect(at).toBeGreaterThan(NOW - 3.5 * 365.25 * 86_400_000);
    }
    expect(weighty(dense)).toEqual(weighty(plain));
  });
});
