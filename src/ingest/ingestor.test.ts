import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openContext, type AppContext } from '../app/context.js';
import { verifyChain } from '../audit/index.js';
import { enterpriseUscc, personRid } from '../../test/fixtures/identities.js';
import { Ingestor, type IngestItem, type ItemResult } from './ingestor.js';
import { recordId } from './resolve.js';
import { deriveDirty } from '../app/derive.js';
import type { Store } from '../store/port.js';

const T = Date.UTC(2026, 4, 15, 8, 0, 0);
const RID = '110101199003074514';
const RID2 = '360426199101010071';
const USCC = '91110000600037341L';

const root = mkdtempSync(join(tmpdir(), 'xinyong-ingestor-'));
let n = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

let ctx: AppContext;
beforeEach(async () => {
  ctx = await openContext({ db: join(root, `db-${++n}`, 'x.db'), now: T, actor: 'test' });
});
afterEach(async () => {
  await ctx.close();
});

const ingestor = (opts: { deriveEachBatch?: boolean } = {}) => new Ingestor(ctx.store, ctx.catalog, ctx.keyring, { now: () => T, actor: 'test:ingest', ...opts });
const pid = (rid: string) => ctx.keyring.subjectId('cn-rid', rid);
const oid = (uscc: string) => ctx.keyring.subjectId('cn-uscc', uscc);

function loan(externalId: string, subject: string, cycles = 3, occurredAt = '2026-04-01'): IngestItem {
  return { source: 'pboc-crc', line: { externalId, type: 'finance.loan-arrears', subject, occurredAt, facts: { cycles, lender: 'Bank of Weihai' } } };
}

function statusOf(r: ItemResult) {
  return r.status === 'rejected' ? `rejected:${r.error.field}` : r.status;
}

async function civicPoints(subjectId: string) {
  const st = await ctx.store.getState(subjectId);
  return st?.state.schemes.find((s) => s.scheme === 'civic-points');
}

/** `ctx.store` with some of its methods replaced (the others bound to it). */
function storeWith(over: Partial<Store>): Store {
  return new Proxy(ctx.store, {
    get(target, prop, receiver) {
      if (Object.hasOwn(over, prop)) return over[prop as keyof Store];
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

describe('Ingestor', () => {
  it('gives every line a result: stored, duplicate or rejected with the field', async () => {
    const ing = ingestor();
    const items: IngestItem[] = [
      { ...loan('A-1', `cn-rid:${RID}`), lineNo: 1 },
      { ...loan('A-2', `cn-rid:${RID2}`, 5), lineNo: 2 },
      { source: 'pboc-crc', line: { externalId: 'A-3', type: 'finance.loan-arrears', subject: `cn-rid:${RID}`, occurredAt: '2026-02-30', facts: { cycles: 1, lender: 'x' } }, lineNo: 3 },
      { source: 'pboc-crc', line: { externalId: 'A-4', type: 'tax.arrears', subject: `cn-rid:${RID}`, occurredAt: '2026-01-01', facts: { amountYuan: 10, taxType: 'vat' } }, lineNo: 4 },
      { ...loan('A-5', `cn-uscc:${USCC}`, 2), lineNo: 5 },
    ];
    const first = await ing.ingestBatch(items);
    expect(first.map(statusOf)).toEqual(['stored', 'stored', 'rejected:occurredAt', 'rejected:type', 'stored']);
    expect(first.map((r) => r.lineNo)).toEqual([1, 2, 3, 4, 5]);
    expect(first[0]).toMatchObject({ recordId: recordId('pboc-crc', 'A-1'), subjectId: pid(RID) });
    expect(first[4]).toMatchObject({ recordId: recordId('pboc-crc', 'A-5'), subjectId: oid(USCC) });

    const second = await ing.ingestBatch([{ ...loan('A-1', `cn-rid:${RID}`), lineNo: 7 }, { ...loan('A-6', `cn-rid:${RID}`, 1), lineNo: 8 }]);
    expect(second.map(statusOf)).toEqual(['duplicate', 'stored']);
    expect(second[0]).toMatchObject({ lineNo: 7, recordId: recordId('pboc-crc', 'A-1') });

    const s = await ctx.store.summary();
    expect(s.records).toBe(4);
    expect(s.subjectsByKind).toMatchObject({ person: 2, enterprise: 1 });
  });

  it('a line repeated inside one batch is stored once and reported once as stored', async () => {
    const res = await ingestor().ingestBatch([loan('B-1', `cn-rid:${RID}`), loan('B-1', `cn-rid:${RID}`)]);
    expect((await ctx.store.summary()).records).toBe(1);
    expect(res.map(statusOf)).toEqual(['stored', 'duplicate']);
  });

  it('is idempotent: the same batch twice stores nothing the second time', async () => {
    const ing = ingestor();
    const items: IngestItem[] = [
      loan('C-1', `cn-rid:${RID}`),
      loan('C-2', `cn-rid:${RID2}`, 2),
      loan('C-3', `cn-uscc:${USCC}`, 4),
      { source: 'spc', line: { externalId: 'C-4', type: 'court.dishonest-debtor-decision', subject: `cn-uscc:${USCC}`, occurredAt: '2026-04-20', facts: { caseNo: '(2026)鲁1082执1号', court: 'Rongcheng People’s Court', ground: 'evades' } } },
    ];
    const first = await ing.ingestBatch(items);
    expect(first.map(statusOf)).toEqual(['stored', 'stored', 'stored', 'stored']);
    const summary = await ctx.store.summary();
    const states = await Promise.all([pid(RID), pid(RID2), oid(USCC)].map((id) => ctx.store.getState(id)));
    const records = await ctx.store.recordsOf([pid(RID), pid(RID2), oid(USCC)]);

    const second = await ing.ingestBatch(items);
    expect(second.map(statusOf)).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate']);
    expect(second.map((r) => r.status !== 'rejected' && r.recordId)).toEqual(first.map((r) => r.status !== 'rejected' && r.recordId));

    const after = await ctx.store.summary();
    expect({ ...after, auditEntries: 0 }).toEqual({ ...summary, auditEntries: 0 });
    expect(await Promise.all([pid(RID), pid(RID2), oid(USCC)].map((id) => ctx.store.getState(id)))).toEqual(states);
    expect(await ctx.store.recordsOf([pid(RID), pid(RID2), oid(USCC)])).toEqual(records);
    expect(await ctx.store.dirtySubjects(10)).toEqual([]);
  });

  it('re-sending a known registration is reported as a duplicate, not as stored again', async () => {
    const ing = ingestor();
    const regLine: IngestItem = { source: null, line: { kind: 'subject', subject: `cn-uscc:${USCC}`, name: 'Weihai Trading Co., Ltd.', relations: [{ role: 'legal-representative', subject: `cn-rid:${RID}` }] } };
    expect((await ing.ingestBatch([regLine])).map(statusOf)).toEqual(['stored']);
    const summary = await ctx.store.summary();
    expect((await ing.ingestBatch([regLine])).map(statusOf)).toEqual(['duplicate']);
    expect({ ...(await ctx.store.summary()), auditEntries: 0 }).toEqual({ ...summary, auditEntries: 0 });
  });

  it('a dishonest-debtor decision against an enterprise reaches its legal representative', async () => {
    const ing = ingestor();
    const reg = await ing.ingestBatch([
      { source: null, lineNo: 1, line: { kind: 'subject', subject: `cn-uscc:${USCC}`, name: 'Weihai Trading Co., Ltd.', relations: [{ role: 'legal-representative', subject: `cn-rid:${RID}` }] } },
      { source: null, lineNo: 2, line: { kind: 'subject', subject: `cn-rid:${RID}`, name: 'Zhang San' } },
      { source: null, lineNo: 3, line: { kind: 'subject', subject: `cn-rid:${RID2}`, name: 'Li Si' } },
    ]);
    expect(reg.map(statusOf)).toEqual(['stored', 'stored', 'stored']);
    expect(await ctx.store.relationsOfPersons([pid(RID)])).toMatchObject([{ subjectId: oid(USCC), role: 'legal-representative', personId: pid(RID) }]);
    expect((await ctx.store.getSubject(oid(USCC)))?.name).toBe('Weihai Trading Co., Ltd.');
    expect((await ctx.store.getState(pid(RID)))?.related).toEqual([]);

    const res = await ing.ingestBatch([
      { source: 'spc', line: { externalId: 'D-1', type: 'court.dishonest-debtor-decision', subject: `cn-uscc:${USCC}`, occurredAt: '2026-04-20', facts: { caseNo: '(2026)鲁1082执7号', court: 'Rongcheng People’s Court', ground: 'evades' } } },
    ]);
    expect(res.map(statusOf)).toEqual(['stored']);

    const org = await ctx.store.getState(oid(USCC));
    const orgEntry = org?.state.entries.find((e) => e.list === 'spc-dishonest-debtors');
    expect(orgEntry).toMatchObject({ subjectId: oid(USCC), status: 'active', since: Date.UTC(2026, 3, 20) });

    const rep = await ctx.store.getState(pid(RID));
    const related = rep?.related.find((e) => e.list === 'spc-dishonest-debtors');
    expect(related).toMatchObject({ subjectId: pid(RID), status: 'active', via: { subjectId: oid(USCC), role: 'legal-representative' } });
    expect(related?.reasons.map((r) => r.recordId)).toEqual([recordId('spc', 'D-1')]);
    // The person's own record is clean: the entry reaches them only through the role.
    expect(rep?.state.entries.filter((e) => e.list === 'spc-dishonest-debtors')).toEqual([]);
    expect((await ctx.store.enforceableEntries([pid(RID)])).map((e) => e.list)).toContain('spc-dishonest-debtors');
    // Someone without a role is not affected.
    expect((await ctx.store.getState(pid(RID2)))?.related).toEqual([]);
    expect(await ctx.store.enforceableEntries([pid(RID2)])).toEqual([]);
  });

  it('a role registered after the listing still brings the entry to the person', async () => {
    const ing = ingestor();
    await ing.ingestBatch([
      { source: 'spc', line: { externalId: 'D-2', type: 'court.dishonest-debtor-decision', subject: `cn-uscc:${USCC}`, occurredAt: '2026-04-20', facts: { caseNo: 'c-2', court: 'x', ground: 'obstructs' } } },
    ]);
    await ing.ingestBatch([{ source: null, line: { kind: 'subject', subject: `cn-uscc:${USCC}`, name: 'Weihai Trading Co., Ltd.', relations: [{ role: 'legal-representative', subject: `cn-rid:${RID2}` }] } }]);
    const rep = await ctx.store.getState(pid(RID2));
    expect(rep?.related.map((e) => [e.list, e.via?.role])).toContainEqual(['spc-dishonest-debtors', 'legal-representative']);
  });

  it('rejects records about unknown internal subjects and about subjects of the wrong kind', async () => {
    const ing = ingestor();
    await ing.ingestBatch([{ source: null, line: { kind: 'subject', subject: `cn-uscc:${enterpriseUscc(4)}`, name: 'Ent 4' } }]);
    const res = await ing.ingestBatch([
      loan('E-1', 's_0123456789abcdef01234567'),
      { source: 'traffic-police', line: { externalId: 'E-2', type: 'traffic.violation', subject: oid(enterpriseUscc(4)), occurredAt: '2026-04-01', facts: { offence: 'speeding', ticketNo: 't' } } },
      loan('E-3', oid(enterpriseUscc(4))),
    ]);
    expect(res.map(statusOf)).toEqual(['rejected:subject', 'rejected:subject', 'stored']);
    expect(res[0].status === 'rejected' && res[0].error.reason).toMatch(/unknown subject/);
    expect(res[1].status === 'rejected' && res[1].error.reason).toMatch(/enterprise/);
    expect((await ctx.store.summary()).records).toBe(1);
    expect(await ctx.store.getSubject('s_0123456789abcdef01234567')).toBeNull();
  });

  it('a record line naming a registered person by cn-rid does not undo the registered name or region', async () => {
    const ing = ingestor();
    await ing.ingestBatch([{ source: null, line: { kind: 'subject', subject: `cn-rid:${RID}`, name: 'Zhang San', region: '310101' } }]);
    await ing.ingestBatch([loan('F-1', `cn-rid:${RID}`)]);
    const s = await ctx.store.getSubject(pid(RID));
    expect(s?.name).toBe('Zhang San');
    expect(s?.region).toBe('310101');
  });

  it('derives state after each batch: loan arrears of 3 cycles cost 30 civic points', async () => {
    const res = await ingestor().ingestBatch([loan('G-1', `cn-rid:${RID}`, 3)]);
    expect(res.map(statusOf)).toEqual(['stored']);
    const cp = await civicPoints(pid(RID));
    expect(cp?.base).toBe(1000);
    expect(cp?.score).toBe(970);
    expect(cp?.breakdown.map((b) => [b.recordId, b.ruleId, b.points])).toEqual([[recordId('pboc-crc', 'G-1'), 'loan-arrears', -30]]);
    expect((await ctx.store.getState(pid(RID)))?.state.asOf).toBe(T);
    expect(await ctx.store.dirtySubjects(10)).toEqual([]);
  });

  it('writes one audit entry per batch that stored something, and the chain verifies', async () => {
    const ing = ingestor();
    const count = async () => {
      const out = [];
      for await (const e of ctx.store.scanAudit()) out.push(e);
      return out;
    };
    const before = (await count()).length;
    await ing.ingestBatch([loan('H-1', `cn-rid:${RID}`), loan('H-2', `cn-rid:${RID2}`)]);
    const entries = await count();
    const ingested = entries.slice(before).filter((e) => e.action === 'records.ingested');
    expect(ingested).toHaveLength(1);
    expect(ingested[0]).toMatchObject({ at: T, actor: 'test:ingest', data: { inserted: 2, duplicates: 0, bySource: { 'pboc-crc': 2 } } });
    // The audit log never carries an identity number in clear.
    expect(JSON.stringify(entries)).not.toContain(RID);
    expect(JSON.stringify(entries)).not.toContain(RID2);
    expect(verifyChain(entries)).toMatchObject({ ok: true, count: entries.length });

    // A batch of rejected lines writes nothing.
    const n1 = (await count()).length;
    await ing.ingestBatch([{ source: 'pboc-crc', line: { nonsense: true } }]);
    expect((await count()).length).toBe(n1);
  });

  it('a crash between ingest and derivation loses nothing: the dirty subjects are drained later', async () => {
    // The person exists and has been scored (base score, no records).
    await ingestor().ingestBatch([{ source: null, line: { kind: 'subject', subject: `cn-rid:${RID}`, name: 'Zhang San' } }]);
    expect((await civicPoints(pid(RID)))?.score).toBe(1000);
    expect(await ctx.store.dirtySubjects(10)).toEqual([]);

    // Records committed, derivation not run: what a process killed right after the commit leaves.
    const res = await ingestor({ deriveEachBatch: false }).ingestBatch([loan('K-1', `cn-rid:${RID}`, 3), loan('K-2', `cn-rid:${RID2}`, 1)]);
    expect(res.map(statusOf)).toEqual(['stored', 'stored']);
    expect((await ctx.store.dirtySubjects(10)).sort()).toEqual([pid(RID), pid(RID2)].sort());
    const stale = await civicPoints(pid(RID));
    expect(stale?.score).toBe(1000);
    expect(stale?.breakdown.map((b) => b.recordId)).not.toContain(recordId('pboc-crc', 'K-1'));
    expect(await ctx.store.getState(pid(RID2))).toBeNull();

    const drained = await deriveDirty(ctx, ctx.catalog, T);
    expect(drained).toBe(2);
    expect(await ctx.store.dirtySubjects(10)).toEqual([]);
    expect((await civicPoints(pid(RID)))?.score).toBe(970);
    expect((await civicPoints(pid(RID2)))?.score).toBe(990);
    expect(await deriveDirty(ctx, ctx.catalog, T)).toBe(0);
  });

  it('state derived over several batches counts every record of every subject', async () => {
    const ing = ingestor();
    const persons = Array.from({ length: 30 }, (_, i) => personRid(i));
    for (let b = 0; b < 3; b++) {
      await ing.ingestBatch(persons.map((p, i) => loan(`M-${b}-${i}`, `cn-rid:${p}`, 1 + ((i + b) % 4), `2026-0${b + 1}-1${i % 10}`)));
    }
    for (const [i, p] of persons.entries()) {
      const expected = 1000 - 10 * [0, 1, 2].reduce((s, b) => s + 1 + ((i + b) % 4), 0);
      expect((await civicPoints(pid(p)))?.score).toBe(expected);
    }
  });

  it('rejects a resend of a stored record with different content, naming the field', async () => {
    const ing = ingestor();
    expect((await ing.ingestBatch([loan('CF-1', `cn-rid:${RID}`, 2)])).map(statusOf)).toEqual(['stored']);
    const changed = await ing.ingestBatch([loan('CF-1', `cn-rid:${RID}`, 5)]);
    expect(changed[0]).toMatchObject({ status: 'rejected', error: { field: 'externalId', reason: expect.stringMatching(/different content/) } });
    expect((await ing.ingestBatch([loan('CF-1', `cn-rid:${RID}`, 2)])).map(statusOf)).toEqual(['duplicate']);
    // Within one batch each copy is judged on its own: new, changed, identical.
    const mixed = await ing.ingestBatch([loan('CF-2', `cn-rid:${RID}`, 1), loan('CF-2', `cn-rid:${RID}`, 4), loan('CF-2', `cn-rid:${RID}`, 1)]);
    expect(mixed.map(statusOf)).toEqual(['stored', 'rejected:externalId', 'duplicate']);
  });

  it('a re-registration listing the current legal roles ends the old ones, unbinding the former representative', async () => {
    const ing = ingestor();
    const reg = (rid: string) => ({ source: null, line: { kind: 'subject', subject: `cn-uscc:${USCC}`, name: 'Haixing Trading', relations: [{ role: 'legal-representative', subject: `cn-rid:${rid}` }] } });
    await ing.ingestBatch([reg(RID), { source: 'spc', line: { externalId: 'D-REL', type: 'court.dishonest-debtor-decision', subject: `cn-uscc:${USCC}`, occurredAt: '2026-01-05', facts: { caseNo: 'C-REL', court: 'X', ground: 'evades' } } }]);
    const listed = async (rid: string) => ((await ctx.store.getState(pid(rid)))?.related ?? []).some((e) => e.list === 'spc-dishonest-debtors');
    expect(await listed(RID)).toBe(true);
    const res = await ing.ingestBatch([reg(RID2)]);
    expect(res[0].status).toBe('stored');
    expect(await listed(RID)).toBe(false);
    expect(await listed(RID2)).toBe(true);
    // Omitting relations leaves them as they are.
    await ing.ingestBatch([{ source: null, line: { kind: 'subject', subject: `cn-uscc:${USCC}`, name: 'Haixing Trading Co.' } }]);
    expect(await listed(RID2)).toBe(true);
  });

  it('a line rejected as a changed resend leaves no subject behind', async () => {
    const ing = ingestor();
    await ing.ingestBatch([loan('NS-1', `cn-rid:${RID}`, 1)]);
    const res = await ing.ingestBatch([loan('NS-1', `cn-rid:${RID2}`, 1)]);
    expect(res.map(statusOf)).toEqual(['rejected:externalId']);
    expect(await ctx.store.getSubject(pid(RID2))).toBeNull();
  });

  describe('ingestBatches', () => {
    const batchesOf = (items: IngestItem[], size: number) => Array.from({ length: Math.ceil(items.length / size) }, (_, k) => items.slice(k * size, (k + 1) * size));

    it('gives the results ingestBatch gives, batch by batch in order, and the same stored state', async () => {
      const persons = [RID, RID2];
      const items: IngestItem[] = [];
      for (let k = 0; k < 12; k++) items.push({ ...loan(`P-${k}`, `cn-rid:${persons[k % 2]}`, 1 + (k % 3)), lineNo: k + 1 });
      items.push({ ...loan('P-3', `cn-rid:${RID}`, 9), lineNo: 13 }); // a changed resend of P-3
      items.push({ source: 'pboc-crc', line: { externalId: 'P-bad', type: 'finance.loan-arrears', subject: `cn-rid:${RID}`, occurredAt: 'yesterday', facts: { cycles: 1, lender: 'x' } }, lineNo: 14 });
      const seen: { results: ItemResult[]; first: number | undefined }[] = [];
      await ingestor().ingestBatches(batchesOf(items, 4), (b) => b, (results, b) => {
        seen.push({ results, first: b[0].lineNo });
      });
      expect(seen.map((s) => s.first)).toEqual([1, 5, 9, 13]);
      const pipelined = seen.flatMap((s) => s.results);
      expect(pipelined.map((r) => r.lineNo)).toEqual(items.map((i) => i.lineNo));
      expect(pipelined.map(statusOf)).toEqual([...Array(12).fill('stored'), 'rejected:externalId', 'rejected:occurredAt']);
      const pipelinedPoints = await civicPoints(pid(RID));
      // Subject ids depend on the database's key: compare them as the persons they stand for.
      const byPerson = (rs: ItemResult[]) => rs.map((r) => (r.status === 'rejected' ? r : { ...r, subjectId: r.subjectId === pid(RID) ? 'RID' : r.subjectId === pid(RID2) ? 'RID2' : r.subjectId }));
      const pipelinedByPerson = byPerson(pipelined);

      // The same lines one ingestBatch at a time, into a fresh database.
      await ctx.close();
      ctx = await openContext({ db: join(root, `db-${++n}`, 'x.db'), now: T, actor: 'test' });
      const sequential: ItemResult[] = [];
      for (const b of batchesOf(items, 4)) sequential.push(...(await ingestor().ingestBatch(b)));
      expect(pipelinedByPerson).toEqual(byPerson(sequential));
      expect(pipelinedPoints?.score).toBeLessThan(1000);
      expect((await civicPoints(pid(RID)))?.score).toBe(pipelinedPoints?.score);
    });

    it('resolves batch n+1 while batch n commits, and finds a subject that batch n registered', async () => {
      // A store whose ingest waits until released: while batch 1 is held, batch 2 is prepared.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let ingests = 0;
      const store = storeWith({
        ingest: async (...args) => {
          if (++ingests === 1) await held;
          return ctx.store.ingest(...args);
        },
      });
      let clockReads = 0;
      const ing = new Ingestor(store, ctx.catalog, ctx.keyring, { now: () => (clockReads++, T), actor: 'test:ingest' });
      const reg = { source: null, line: { kind: 'subject', subject: `cn-uscc:${USCC}`, name: 'Haixing Trading' } };
      const org = oid(USCC);
      const batches = [[reg], [{ source: 'samr', line: { externalId: 'AR-1', type: 'market.annual-report-missed', subject: org, occurredAt: '2026-03-01', facts: { year: 2025 } } }]];
      const order: string[] = [];
      const run = ing.ingestBatches(batches, (b) => b, (results) => {
        order.push(results.map(statusOf).join());
      });
      // Batch 1 is in the store and held there; batch 2 gets prepared meanwhile (its clock read).
      await vi.waitFor(() => expect(clockReads).toBeGreaterThanOrEqual(2));
      expect(ingests).toBe(1);
      expect(order).toEqual([]);
      release();
      await run;
      // Batch 2's record names the organisation by its internal id: it was looked up after batch 1 committed.
      expect(order).toEqual(['stored', 'stored']);
    });

    it('with deriveInBackground, stores the next batch while a due derivation runs, and flush waits for it', async () => {
      // A store whose saveStates waits until released: the derivation is held while batch 2 is stored.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      const calls: string[] = [];
      const store = storeWith({
        saveStates: async (...args) => {
          calls.push('saveStates');
          await held;
          return ctx.store.saveStates(...args);
        },
        ingest: async (...args) => {
          calls.push('ingest');
          return ctx.store.ingest(...args);
        },
      });
      const ing = new Ingestor(store, ctx.catalog, ctx.keyring, { now: () => T, actor: 'test:ingest', deriveEvery: 2, deriveInBackground: true });
      const batches = [[loan('G-1', `cn-rid:${RID}`), loan('G-2', `cn-rid:${RID2}`)], [loan('G-3', `cn-rid:${RID}`, 5)]];
      const seen: string[][] = [];
      await ing.ingestBatches(batches, (b) => b, (results) => void seen.push(results.map(statusOf)));
      // Batch 1 made a derivation due; batch 2 was stored while it waited in saveStates (held
      // until released below: without the background derivation, ingestBatches would not return).
      expect(seen).toEqual([['stored', 'stored'], ['stored']]);
      await vi.waitFor(() => expect(calls.filter((c) => c === 'saveStates')).toHaveLength(1));
      expect(calls.filter((c) => c === 'ingest')).toHaveLength(2);
      let flushed = false;
      const flushing = ing.flush().then(() => (flushed = true));
      await new Promise((r) => setTimeout(r, 20));
      expect(flushed).toBe(false);
      release();
      await flushing;
      expect(await ctx.store.dirtySubjects(10)).toEqual([]);
      // The state holds all three records, G-3 included, though it was stored during the first derivation.
      const points = await civicPoints(pid(RID));
      expect(points?.breakdown.map((b) => b.recordId).sort()).toEqual([recordId('pboc-crc', 'G-1'), recordId('pboc-crc', 'G-3')].sort());
    });

    it('with deriveInBackground, an error of the derivation is thrown by the next flush', async () => {
      const failing = storeWith({ saveStates: async () => Promise.reject(new Error('disk full')) });
      const unhandled: unknown[] = [];
      const onUnhandled = (e: unknown) => unhandled.push(e);
      process.on('unhandledRejection', onUnhandled);
      try {
        const ing = new Ingestor(failing, ctx.catalog, ctx.keyring, { now: () => T, actor: 'test:ingest', deriveEvery: 1, deriveInBackground: true });
        expect((await ing.ingestBatch([loan('H-1', `cn-rid:${RID}`)])).map(statusOf)).toEqual(['stored']);
        await new Promise((r) => setTimeout(r, 20));
        await expect(ing.flush()).rejects.toThrow('disk full');
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
      expect(unhandled).toEqual([]);
      // The record is stored and its subject still marked dirty: nothing is lost.
      expect(await ctx.store.dirtySubjects(10)).toEqual([pid(RID)]);
    });

    it('waits for the batch in flight before passing on an error, which leaves nothing unhandled', async () => {
      const failing = storeWith({ ingest: async () => Promise.reject(new Error('disk full')) });
      const ing = new Ingestor(failing, ctx.catalog, ctx.keyring, { now: () => T, actor: 'test:ingest' });
      const unhandled: unknown[] = [];
      const onUnhandled = (e: unknown) => unhandled.push(e);
      process.on('unhandledRejection', onUnhandled);
      let delivered = 0;
      try {
        await expect(ing.ingestBatches([[loan('E-1', `cn-rid:${RID}`)], [loan('E-2', `cn-rid:${RID}`)], [loan('E-3', `cn-rid:${RID}`)]], (b) => b, () => void delivered++)).rejects.toThrow('disk full');
        await new Promise((r) => setTimeout(r, 20));
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
      expect(delivered).toBe(0);
      expect(unhandled).toEqual([]);
    });
  });
});
