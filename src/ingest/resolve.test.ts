import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogDir } from '../app/catalog-files.js';
import type { Catalog } from '../catalog/types.js';
import { Keyring, maskIdentifier } from '../ids/index.js';
import { packageRoot } from '../app/paths.js';
import { badCheckRid, enterpriseUscc, governmentUscc, personRid } from '../../test/fixtures/identities.js';
import type { SubjectLine } from './lines.js';
import { recordId, resolveRecordLine, resolveSubjectLine, type Rejection } from './resolve.js';

const T = Date.UTC(2026, 4, 15, 8, 0, 0);
const DAY = 86_400_000;
const RID = '110101199003074514';
const RID2 = '360426199101010071';
const RID_X = '11010519491231002X';
const USCC = '91110000600037341L';

let catalog: Catalog;
const keyring = Keyring.fromSecret(Buffer.alloc(32, 7));

beforeAll(() => {
  const r = loadCatalogDir(join(packageRoot(), 'catalogs', 'cn-demo'));
  if (!r.ok) throw new Error(`cn-demo does not load: ${JSON.stringify(r.error)}`);
  catalog = r.value;
});

function loanLine(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { externalId: 'L-1', type: 'finance.loan-arrears', subject: `cn-rid:${RID}`, occurredAt: '2026-03-01', facts: { cycles: 3, lender: 'Bank of Rongcheng' }, ...over };
}

function rejectRecord(line: unknown, source = 'pboc-crc', now = T): Rejection {
  const r = resolveRecordLine(line, source, catalog, keyring, now);
  if (r.ok) throw new Error(`expected a rejection, got ${JSON.stringify(r.value.record)}`);
  return r.error;
}

function rejectSubject(line: Record<string, unknown>): Rejection {
  const r = resolveSubjectLine(line as unknown as SubjectLine, keyring, T);
  if (r.ok) throw new Error(`expected a rejection, got ${JSON.stringify(r.value.subject)}`);
  return r.error;
}

/** Every full identity number a test line carries; none may come back in a rejection. */
const CLEAR = [RID, RID2, RID_X, badCheckRid(3), personRid(3)];
function expectNoClearRid(e: Rejection) {
  const text = JSON.stringify(e);
  for (const id of CLEAR) {
    expect(text).not.toContain(id);
    // Not even the 17 digits that determine it.
    expect(text).not.toContain(id.slice(0, 17));
  }
}

describe('resolveRecordLine: rejections name the field and the reason', () => {
  const cases: { name: string; line: Record<string, unknown>; source?: string; field: string; reason: RegExp }[] = [
    { name: 'unknown record type', line: loanLine({ type: 'finance.loan-arrear' }), field: 'type', reason: /is not a record type of catalog cn-demo/ },
    { name: 'source not authorised for the type', line: loanLine(), source: 'sat', field: 'type', reason: /not authorised/ },
    { name: 'invalid cn-rid (bad check character)', line: loanLine({ subject: `cn-rid:${badCheckRid(3)}` }), field: 'subject', reason: /check character/ },
    { name: 'an ID number as externalId', line: loanLine({ externalId: 'loan-110101199003074514' }), field: 'externalId', reason: /must not contain a resident identity number/ },
    { name: 'an ID number inside a fact', line: loanLine({ facts: { cycles: 2, lender: 'guarantor 110101199003074514' } }), field: 'facts.lender', reason: /must not contain a resident identity number/ },
    { name: 'an ID number behind a leading digit in externalId', line: loanLine({ externalId: '(2026)0110101199003074514' }), field: 'externalId', reason: /must not contain a resident identity number/ },
    { name: 'an ID number with separators inside a fact', line: loanLine({ facts: { cycles: 2, lender: 'guarantor 110101-19900307-4514' } }), field: 'facts.lender', reason: /must not contain a resident identity number/ },
    { name: 'an ID number as a fact name', line: loanLine({ facts: { cycles: 2, lender: 'B', '110101199003074514': 'x' } }), field: 'facts.(unknown field)', reason: /not a fact/ },
    { name: 'cn-rid with an impossible birth date', line: loanLine({ subject: 'cn-rid:110101199002304512' }), field: 'subject', reason: /birth date \(positions 7–14\) is not a real date/ },
    { name: 'invalid cn-uscc', line: loanLine({ subject: 'cn-uscc:91110000600037341X' }), field: 'subject', reason: /check character/ },
    { name: 'subject that is no reference at all', line: loanLine({ subject: 'Zhang San' }), field: 'subject', reason: /.+/ },
    { name: 'missing subject', line: loanLine({ subject: undefined }), field: 'subject', reason: /.+/ },
    { name: 'impossible date 2026-02-30', line: loanLine({ occurredAt: '2026-02-30' }), field: 'occurredAt', reason: /day 30/ },
    { name: 'date-time without offset', line: loanLine({ occurredAt: '2026-03-01T08:00:00' }), field: 'occurredAt', reason: /offset/ },
    { name: 'occurredAt not a string', line: loanLine({ occurredAt: 1767225600000 }), field: 'occurredAt', reason: /ISO-8601/ },
    { name: 'future date', line: loanLine({ occurredAt: '2026-05-16' }), field: 'occurredAt', reason: /future/ },
    { name: 'future date-time with offset', line: loanLine({ occurredAt: '2026-05-15T17:00:00+08:00' }), field: 'occurredAt', reason: /future/ },
    { name: 'facts: missing required fact', line: loanLine({ facts: { lender: 'Bank' } }), field: 'facts.cycles', reason: /required/ },
    { name: 'facts: wrong type (string for integer)', line: loanLine({ facts: { cycles: '3', lender: 'Bank' } }), field: 'facts.cycles', reason: /integer/ },
    { name: 'facts: wrong type (fraction for integer)', line: loanLine({ facts: { cycles: 2.5, lender: 'Bank' } }), field: 'facts.cycles', reason: /integer/ },
    { name: 'facts: out of range', line: loanLine({ facts: { cycles: 0, lender: 'Bank' } }), field: 'facts.cycles', reason: /.+/ },
    { name: 'facts: unknown fact', line: loanLine({ facts: { cycles: 3, lender: 'Bank', rate: 0.05 } }), field: 'facts.rate', reason: /not a fact/ },
    {
      name: 'facts: value outside the enum',
      line: { externalId: 'D-1', type: 'court.dishonest-debtor-decision', subject: `cn-rid:${RID}`, occurredAt: '2026-03-01', facts: { caseNo: 'c', court: 'x', ground: 'rude' } },
      source: 'spc',
      field: 'facts.ground',
      reason: /must be one of: refuses-despite-ability/,
    },
    { name: 'facts not an object', line: loanLine({ facts: [3, 'Bank'] }), field: 'facts', reason: /object/ },
    { name: 'missing facts', line: loanLine({ facts: undefined }), field: 'facts', reason: /object/ },
    {
      name: 'subject kind mismatch (traffic.violation for an enterprise)',
      line: { externalId: 'V-1', type: 'traffic.violation', subject: `cn-uscc:${USCC}`, occurredAt: '2026-03-01', facts: { offence: 'speeding', ticketNo: 't-1' } },
      source: 'traffic-police',
      field: 'subject',
      reason: /person.*not a enterprise|not an? enterprise/,
    },
    {
      name: 'subject kind mismatch (loan arrears for a government body)',
      line: loanLine({ subject: `cn-uscc:${governmentUscc(5)}` }),
      field: 'subject',
      reason: /government/,
    },
    { name: 'unknown line field', line: loanLine({ amount: 5 }), field: 'amount', reason: /not a field/ },
    { name: 'missing externalId', line: loanLine({ externalId: undefined }), field: 'externalId', reason: /non-empty/ },
    { name: 'empty externalId', line: loanLine({ externalId: '' }), field: 'externalId', reason: /non-empty/ },
    { name: 'overlong externalId', line: loanLine({ externalId: 'x'.repeat(201) }), field: 'externalId', reason: /200/ },
  ];

  for (const c of cases) {
    it(c.name, () => {
      const line = Object.fromEntries(Object.entries(c.line).filter(([, v]) => v !== undefined));
      const e = rejectRecord(line, c.source);
      expect(e.field).toBe(c.field);
      expect(e.reason).toMatch(c.reason);
      expectNoClearRid(e);
    });
  }

  it('a line that is not an object is rejected as a whole', () => {
    for (const l of [null, 'text', 42, [loanLine()]]) {
      expect(rejectRecord(l).field).toBe('(line)');
    }
  });

  it('an unknown source is rejected', () => {
    expect(rejectRecord(loanLine(), 'nobody')).toMatchObject({ field: '(source)' });
  });

  it('the invalid-identifier reason shows at most the masked form', () => {
    const bad = badCheckRid(3);
    const e = rejectRecord(loanLine({ subject: `cn-rid:${bad}` }));
    expect(e.reason).toContain(maskIdentifier('cn-rid', bad));
  });

  // A CSV with shifted columns puts the identity number where the type or the date belongs; the
  // rejection (written to the reject file and shown to operators) must not repeat it.
  const swapped: [string, Record<string, unknown>][] = [
    ['type', loanLine({ type: `cn-rid:${RID}`, subject: 'finance.loan-arrears' })],
    ['occurredAt (bare number)', loanLine({ occurredAt: RID, subject: '2026-03-01' })],
    ['occurredAt (scheme:value)', loanLine({ occurredAt: `cn-rid:${RID2}`, subject: '2026-03-01' })],
  ];
  for (const [where, line] of swapped) {
    it(`no rejection echoes a cn-rid in clear, even when a source puts it in ${where}`, () => {
      const e = rejectRecord(line);
      expect(e.field).toBe(where.split(' ')[0]);
      expectNoClearRid(e);
    });
  }
});

describe('resolveRecordLine: accepted lines', () => {
  it('keeps integer facts as integers and fills the record from the catalog and the clock', () => {
    const r = resolveRecordLine(loanLine({ occurredAt: '2026-03-01T08:30:00+08:00' }), 'pboc-crc', catalog, keyring, T);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const rec = r.value.record;
    expect(rec.facts).toEqual({ cycles: 3, lender: 'Bank of Rongcheng' });
    expect(Number.isInteger(rec.facts.cycles)).toBe(true);
    expect(rec).toMatchObject({
      id: recordId('pboc-crc', 'L-1'),
      source: 'pboc-crc',
      externalId: 'L-1',
      type: 'finance.loan-arrears',
      area: 'commercial',
      occurredAt: Date.UTC(2026, 2, 1, 0, 30),
      recordedAt: T,
      catalogVersion: catalog.version,
      statuses: [],
    });
    expect(rec.subjectId).toBe(keyring.subjectId('cn-rid', RID));
  });

  it('a date without time is midnight UTC; a record may be dated "now"', () => {
    const r = resolveRecordLine(loanLine({ occurredAt: '2026-05-15' }), 'pboc-crc', catalog, keyring, T);
    expect(r.ok && r.value.record.occurredAt).toBe(Date.UTC(2026, 4, 15));
    const now = resolveRecordLine(loanLine({ occurredAt: new Date(T).toISOString() }), 'pboc-crc', catalog, keyring, T);
    expect(now.ok).toBe(true);
  });

  it('record ids depend on source and externalId only', () => {
    const a = resolveRecordLine(loanLine(), 'pboc-crc', catalog, keyring, T);
    const b = resolveRecordLine(loanLine({ facts: { cycles: 9, lender: 'x' }, occurredAt: '2025-01-01' }), 'pboc-crc', catalog, keyring, T + DAY);
    const c = resolveRecordLine(loanLine({ externalId: 'L-2' }), 'pboc-crc', catalog, keyring, T);
    if (!a.ok || !b.ok || !c.ok) throw new Error('expected all to resolve');
    expect(a.value.record.id).toBe(b.value.record.id);
    expect(c.value.record.id).not.toBe(a.value.record.id);
    expect(a.value.record.id).toMatch(/^r_[0-9a-f]+$/);
  });

  it('a cn-rid subject is a person in the region of its address code, masked, hashed and encrypted', () => {
    const r = resolveRecordLine(loanLine({ subject: `cn-rid:${RID2}` }), 'pboc-crc', catalog, keyring, T);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const s = r.value.subject;
    if (s.kind !== 'identified') throw new Error('expected an identified subject');
    expect(s.subject.kind).toBe('person');
    expect(s.subject.region).toBe('360426');
    expect(s.subject.id).toBe(keyring.subjectId('cn-rid', RID2));
    expect(s.subject.id).not.toContain(RID2);
    expect(s.subject.createdAt).toBe(T);
    expect(s.subject.identifiers).toHaveLength(1);
    const ident = s.subject.identifiers[0];
    expect(ident.scheme).toBe('cn-rid');
    expect(ident.masked).toBe('360426********0071');
    expect(ident.hash).toBe(keyring.hash('cn-rid', RID2));
    expect(ident.encrypted).toBeDefined();
    expect(ident.encrypted).not.toContain(RID2);
    expect(keyring.decrypt(ident.encrypted as string)).toBe(RID2);
    // Another keyring can neither decrypt it nor produce the same hash.
    const other = Keyring.fromSecret(Buffer.alloc(32, 8));
    expect(() => other.decrypt(ident.encrypted as string)).toThrow();
    expect(other.hash('cn-rid', RID2)).not.toBe(ident.hash);
    // Nothing in the resolved subject carries the number in clear.
    expect(JSON.stringify(s.subject)).not.toContain(RID2);
  });

  it('a lower-case x check character is normalised, so both spellings are one subject', () => {
    const upper = resolveRecordLine(loanLine({ subject: `cn-rid:${RID_X}` }), 'pboc-crc', catalog, keyring, T);
    const lower = resolveRecordLine(loanLine({ subject: `cn-rid:${RID_X.toLowerCase()}` }), 'pboc-crc', catalog, keyring, T);
    if (!upper.ok || !lower.ok) throw new Error('expected both to resolve');
    expect(lower.value.record.subjectId).toBe(upper.value.record.subjectId);
  });

  it('a cn-uscc 91… subject is an enterprise in the code’s region, not encrypted', () => {
    const r = resolveRecordLine(loanLine({ subject: `cn-uscc:${USCC}` }), 'pboc-crc', catalog, keyring, T);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const s = r.value.subject;
    if (s.kind !== 'identified') throw new Error('expected an identified subject');
    expect(s.subject.kind).toBe('enterprise');
    expect(s.subject.region).toBe('110000');
    expect(s.subject.identifiers).toEqual([{ scheme: 'cn-uscc', hash: keyring.hash('cn-uscc', USCC), masked: USCC }]);
    expect(r.value.record.subjectId).toBe(keyring.subjectId('cn-uscc', USCC));
  });

  it('an 11… credit code is a government body', () => {
    const g = governmentUscc(2);
    const r = resolveRecordLine(
      { externalId: 'G-1', type: 'government.contract-default', subject: `cn-uscc:${g}`, occurredAt: '2026-01-10', facts: { counterparty: 'Builder Ltd', amountYuan: 125000.5 } },
      'finance-dept',
      catalog,
      keyring,
      T,
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.subject.kind === 'identified' && r.value.subject.subject.kind).toBe('government');
  });

  it('an internal s_… id is left for the caller to look up', () => {
    const id = keyring.subjectId('cn-uscc', enterpriseUscc(1));
    const r = resolveRecordLine(loanLine({ subject: id }), 'pboc-crc', catalog, keyring, T);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.subject).toEqual({ kind: 'existing', id });
    expect(r.value.record.subjectId).toBe(id);
  });
});

describe('occurredAt as a bare date', () => {
  it("accepts today's date in Beijing while UTC is still on yesterday, but not tomorrow's", () => {
    const at = Date.UTC(2026, 4, 31, 19, 0); // 03:00 on 1 June in Beijing
    const line = (d: string) => ({ externalId: `d-${d}`, type: 'finance.loan-arrears', subject: 'cn-rid:110101199003074514', occurredAt: d, facts: { cycles: 1, lender: 'B' } });
    expect(resolveRecordLine(line('2026-06-01'), 'pboc-crc', catalog, keyring, at).ok).toBe(true);
    const r = resolveRecordLine(line('2026-06-02'), 'pboc-crc', catalog, keyring, at);
    expect(!r.ok && r.error).toMatchObject({ field: 'occurredAt', reason: 'is in the future' });
  });
});

describe('resolveSubjectLine', () => {
  const reg = (over: Record<string, unknown> = {}) => ({ kind: 'subject', subject: `cn-uscc:${USCC}`, name: 'Rongcheng Trading Co., Ltd.', ...over });

  it('registers an organisation with its legal roles', () => {
    const r = resolveSubjectLine(
      reg({ relations: [{ role: 'legal-representative', subject: `cn-rid:${RID}` }, { role: 'actual-controller', subject: `cn-rid:${RID2}` }] }) as unknown as SubjectLine,
      keyring,
      T,
    );
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.subject).toMatchObject({ id: keyring.subjectId('cn-uscc', USCC), kind: 'enterprise', name: 'Rongcheng Trading Co., Ltd.', region: '110000', createdAt: T });
    expect(r.value.relations.map((x) => [x.role, x.person.id, x.person.kind, x.person.region])).toEqual([
      ['legal-representative', keyring.subjectId('cn-rid', RID), 'person', '110101'],
      ['actual-controller', keyring.subjectId('cn-rid', RID2), 'person', '360426'],
    ]);
    expect(keyring.decrypt(r.value.relations[0].person.identifiers[0].encrypted as string)).toBe(RID);
  });

  it('registers a person, with a region that overrides the address code', () => {
    const r = resolveSubjectLine({ kind: 'subject', subject: `cn-rid:${RID}`, name: ' Zhang San ', region: '310101' }, keyring, T);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.subject).toMatchObject({ kind: 'person', name: 'Zhang San', region: '310101' });
    expect(r.value.relations).toEqual([]);
  });

  it('accepts a subjectKind that agrees with the identifier', () => {
    const r = resolveSubjectLine(reg({ subjectKind: 'enterprise' }) as unknown as SubjectLine, keyring, T);
    expect(r.ok && r.value.subject.kind).toBe('enterprise');
  });

  const cases: { name: string; line: Record<string, unknown>; field: string; reason: RegExp }[] = [
    { name: 'unknown field', line: reg({ phone: '123' }), field: 'phone', reason: /not a field/ },
    { name: 'missing name', line: reg({ name: undefined }), field: 'name', reason: /non-empty/ },
    { name: 'blank name', line: reg({ name: '   ' }), field: 'name', reason: /non-empty/ },
    { name: 'invalid cn-rid', line: { kind: 'subject', subject: `cn-rid:${badCheckRid(3)}`, name: 'x' }, field: 'subject', reason: /check character/ },
    { name: 'internal id instead of an identifier', line: reg({ subject: 's_0123456789abcdef01234567' }), field: 'subject', reason: /needs an identifier/ },
    { name: 'subjectKind institution for a 91 enterprise code', line: reg({ subjectKind: 'institution' }), field: 'subjectKind', reason: /does not match the identifier, which names an enterprise/ },
    { name: 'subjectKind person for a credit code', line: reg({ subjectKind: 'person' }), field: 'subjectKind', reason: /does not match/ },
    { name: 'subjectKind enterprise for a cn-rid', line: { kind: 'subject', subject: `cn-rid:${RID}`, name: 'x', subjectKind: 'enterprise' }, field: 'subjectKind', reason: /does not match/ },
    { name: 'unknown subjectKind', line: reg({ subjectKind: 'alien' }), field: 'subjectKind', reason: /must be one of/ },
    { name: 'bad region', line: reg({ region: '0101' }), field: 'region', reason: /six-digit/ },
    { name: 'relations not a list', line: reg({ relations: { role: 'principal' } }), field: 'relations', reason: /list/ },
    { name: 'relations of a person', line: { kind: 'subject', subject: `cn-rid:${RID}`, name: 'x', relations: [{ role: 'principal', subject: `cn-rid:${RID2}` }] }, field: 'relations', reason: /organisations/ },
    { name: 'a relation that is not a legal role', line: reg({ relations: [{ role: 'spouse', subject: `cn-rid:${RID}` }] }), field: 'relations[0].role', reason: /legal-representative/ },
    { name: 'a relation to an organisation', line: reg({ relations: [{ role: 'principal', subject: `cn-uscc:${enterpriseUscc(9)}` }] }), field: 'relations[0].subject', reason: /person/ },
    // Issue 16 finding 3: a registration's name was stored (and shown in public search) unchecked.
    { name: 'an ID number in the name', line: reg({ name: `名${RID}` }), field: 'name', reason: /must not contain a resident identity number/ },
    { name: 'an ID number in the name, full-width and spaced', line: reg({ name: `张三 ${RID.slice(0, 6)} ${RID.slice(6).replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0))}` }), field: 'name', reason: /must not contain a resident identity number/ },
    { name: 'an ID number behind a leading digit in the name', line: reg({ name: `(2026)0${RID}` }), field: 'name', reason: /must not contain a resident identity number/ },
    { name: 'an ID number in a relation’s role', line: reg({ relations: [{ role: `principal ${RID}`, subject: `cn-rid:${RID}` }] }), field: 'relations[0].role', reason: /must not contain a resident identity number/ },
    {
      name: 'a relation with an invalid cn-rid',
      line: reg({ relations: [{ role: 'principal', subject: `cn-rid:${RID}` }, { role: 'legal-representative', subject: `cn-rid:${badCheckRid(3)}` }] }),
      field: 'relations[1].subject',
      reason: /check character/,
    },
  ];
  for (const c of cases) {
    it(`rejects: ${c.name}`, () => {
      const line = Object.fromEntries(Object.entries(c.line).filter(([, v]) => v !== undefined));
      const e = rejectSubject(line);
      expect(e.field).toBe(c.field);
      expect(e.reason).toMatch(c.reason);
      expectNoClearRid(e);
    });
  }
});
