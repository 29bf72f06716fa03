import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openContext, type AppContext } from '../app/context.js';
import { packageRoot } from '../app/paths.js';
import type { CreditRecord } from '../domain/types.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { generateImport, type GeneratedImport } from '../../test/fixtures/import-file.js';
import { importFile, rejectFilePath } from './file-import.js';
import { Ingestor } from './ingestor.js';
import { recordId } from './resolve.js';

const T = Date.UTC(2026, 4, 15, 8, 0, 0);
const RID = '110101199003074514';
const RID2 = '360426199101010071';
const USCC = '91110000600037341L';

const root = mkdtempSync(join(tmpdir(), 'xinyong-file-import-'));
let n = 0;
const freshDir = () => {
  const d = join(root, `case-${++n}`);
  mkdirSync(d, { recursive: true });
  return d;
};
afterAll(() => rmSync(root, { recursive: true, force: true }));

interface RejectLine {
  line: number;
  externalId?: string;
  field: string;
  reason: string;
}

function readRejects(path: string): { text: string; rows: RejectLine[] } {
  const text = readFileSync(path, 'utf8');
  return { text, rows: text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as RejectLine) };
}

function expectNoClearRids(text: string, rids: string[]) {
  for (const r of rids) expect(text, `a full cn-rid (${r.slice(0, 6)}…) appears in clear`).not.toContain(r);
}

async function allRecords(store: SqliteStore | AppContext['store']): Promise<CreditRecord[]> {
  const ids: string[] = [];
  for await (const page of store.scanSubjects(500)) ids.push(...page.map((s) => s.id));
  const m = await store.recordsOf(ids);
  return [...m.values()].flat();
}

describe('importFile (NDJSON)', () => {
  let ctx: AppContext;
  let dir: string;
  let gen: GeneratedImport;
  let file: string;

  beforeEach(async () => {
    dir = freshDir();
    ctx = await openContext({ db: join(dir, 'x.db'), now: T, actor: 'test' });
    gen = generateImport(1000, '2026-06-01');
    file = join(dir, 'spc.ndjson');
    writeFileSync(file, gen.text);
  });
  afterEach(async () => {
    await ctx.close();
  });

  const run = () => importFile({ path: file, source: 'spc', ingestor: new Ingestor(ctx.store, ctx.catalog, ctx.keyring, { now: () => T, actor: 'source:spc' }), catalog: ctx.catalog, batchSize: 250 });

  it('stores the good lines, rejects the bad ones to a reject file, and a rerun stores nothing twice', async () => {
    expect(gen.good).toHaveLength(1000);
    expect(gen.bad).toHaveLength(10);

    const first = await run();
    expect(first).toEqual({ lines: 1010, stored: 1000, duplicates: 0, rejected: 10, rejectFile: rejectFilePath(file) });

    expect(existsSync(rejectFilePath(file))).toBe(true);
    const { text, rows } = readRejects(rejectFilePath(file));
    expect(rows).toHaveLength(10);
    expect(rows.map((r) => [r.line, r.field]).sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual(gen.bad.map((b) => [b.lineNo, b.field]));
    for (const r of rows) {
      expect(typeof r.reason).toBe('string');
      expect(r.reason.length).toBeGreaterThan(5);
    }
    const byLine = new Map(rows.map((r) => [r.line, r]));
    for (const b of gen.bad) if (b.externalId) expect(byLine.get(b.lineNo)?.externalId).toBe(b.externalId);
    expectNoClearRids(text, gen.rids);

    const s1 = await ctx.store.summary();
    expect(s1.records).toBe(1000);
    const stored = await allRecords(ctx.store);
    expect(stored.map((r) => r.externalId).sort()).toEqual([...gen.good].sort());
    expect(new Set(stored.map((r) => r.source))).toEqual(new Set(['spc']));
    expect(new Set(stored.map((r) => r.type)).size).toBe(6);
    expect(s1.subjectsByKind.person).toBeGreaterThan(100);
    expect(s1.subjectsByKind.enterprise).toBe(40);
    // Every subject was derived after the last batch.
    expect(await ctx.store.dirtySubjects(10)).toEqual([]);

    const second = await run();
    expect(second).toEqual({ lines: 1010, stored: 0, duplicates: 1000, rejected: 10, rejectFile: rejectFilePath(file) });
    expect(readRejects(rejectFilePath(file)).rows).toHaveLength(10);
    const s2 = await ctx.store.summary();
    expect(s2.records).toBe(1000);
    expect({ ...s2, auditEntries: 0 }).toEqual({ ...s1, auditEntries: 0 });
    expect(await allRecords(ctx.store)).toHaveLength(1000);
  });

  it('the reject file is replaced by each run and absent when nothing is rejected', async () => {
    await run();
    expect(existsSync(rejectFilePath(file))).toBe(true);
    const clean = join(dir, 'clean.ndjson');
    writeFileSync(clean, generateImport(40).text.split('\n').filter((l) => l.includes('"spc-')).join('\n') + '\n');
    writeFileSync(rejectFilePath(clean), 'stale\n');
    const s = await importFile({ path: clean, source: 'spc', ingestor: new Ingestor(ctx.store, ctx.catalog, ctx.keyring, { now: () => T }), catalog: ctx.catalog });
    expect(s).toMatchObject({ lines: 40, stored: 0, duplicates: 40, rejected: 0, rejectFile: null });
    expect(existsSync(rejectFilePath(clean))).toBe(false);
  });

  it('skips blank lines but keeps the line numbers of the file', async () => {
    const f = join(dir, 'blank.ndjson');
    const good = JSON.stringify({ externalId: 'b-1', type: 'court.contract-breach-judgment', subject: `cn-rid:${RID}`, occurredAt: '2026-01-01', facts: { caseNo: 'x' } });
    writeFileSync(f, `\n${good}\n\n   \n{"externalId":"b-2"}\n`);
    const s = await importFile({ path: f, source: 'spc', ingestor: new Ingestor(ctx.store, ctx.catalog, ctx.keyring, { now: () => T }), catalog: ctx.catalog });
    expect(s).toMatchObject({ lines: 2, stored: 1, rejected: 1 });
    expect(readRejects(rejectFilePath(f)).rows.map((r) => r.line)).toEqual([5]);
  });

  it('does not echo an externalId that carries an ID number into the reject file', async () => {
    const f = join(dir, 'rid-id.ndjson');
    writeFileSync(f, JSON.stringify({ externalId: `x-${RID}`, type: 'court.contract-breach-judgment', subject: `cn-rid:${RID2}`, occurredAt: '2026-01-01', facts: { caseNo: 'c' } }) + '\n');
    const s = await importFile({ path: f, source: 'spc', ingestor: new Ingestor(ctx.store, ctx.catalog, ctx.keyring, { now: () => T }), catalog: ctx.catalog });
    expect(s).toMatchObject({ rejected: 1 });
    const { text, rows } = readRejects(rejectFilePath(f));
    expect(rows[0]).toMatchObject({ line: 1, field: 'externalId' });
    expectNoClearRids(text, [RID, RID2]);
  });

  it('ignores a byte-order mark and writes rejects in line order', async () => {
    const f = join(dir, 'bom.ndjson');
    const line = (id: string, cycles: unknown) => JSON.stringify({ externalId: id, type: 'court.contract-breach-judgment', subject: `cn-rid:${RID}`, occurredAt: '2026-01-01', facts: { caseNo: String(cycles) } });
    writeFileSync(f, `\ufeff${line('o-1', 1)}\n{"externalId":"o-2","type":"nope"}\n{broken json\n${line('o-4', 4)}\n`);
    const s = await importFile({ path: f, source: 'spc', ingestor: new Ingestor(ctx.store, ctx.catalog, ctx.keyring, { now: () => T }), catalog: ctx.catalog });
    expect(s).toMatchObject({ lines: 4, stored: 2, rejected: 2 });
    expect(readRejects(rejectFilePath(f)).rows.map((r) => [r.line, r.field])).toEqual([[2, 'type'], [3, '(line)']]);
  });
});

describe('importFile (CSV)', () => {
  let ctx: AppContext;
  let dir: string;
  beforeEach(async () => {
    dir = freshDir();
    ctx = await openContext({ db: join(dir, 'x.db'), now: T, actor: 'test' });
  });
  afterEach(async () => {
    await ctx.close();
  });
  const run = (path: string) => importFile({ path, source: 'pboc-crc', ingestor: new Ingestor(ctx.store, ctx.catalog, ctx.keyring, { now: () => T }), catalog: ctx.catalog, batchSize: 2 });

  it('imports fact columns typed by the record type: integers become integers', async () => {
    const f = join(dir, 'loans.csv');
    writeFileSync(
      f,
      [
        'externalId,type,subject,occurredAt,facts.cycles,facts.lender',
        `L-1,finance.loan-arrears,cn-rid:${RID},2026-04-01,3,Bank of Weihai`,
        `L-2,finance.loan-arrears,cn-rid:${RID2},2026-04-02T09:00:00+08:00,1,"Rural Bank, Rongcheng"`,
        `L-3,finance.loan-arrears,cn-uscc:${USCC},2026-04-03,12,Bank of Weihai`,
        `L-4,finance.loan-arrears,cn-rid:${RID},2026-04-04,2.5,Bank of Weihai`,
        `L-5,finance.loan-arrears,cn-rid:${RID},2026-04-05,,Bank of Weihai`,
        `L-6,finance.loan-arrears,cn-rid:${RID},2026-02-30,1,Bank of Weihai`,
      ].join('\n') + '\n',
    );
    const s = await run(f);
    expect(s).toEqual({ lines: 6, stored: 3, duplicates: 0, rejected: 3, rejectFile: rejectFilePath(f) });

    const r1 = await ctx.store.getRecord(recordId('pboc-crc', 'L-1'));
    expect(r1?.facts).toEqual({ cycles: 3, lender: 'Bank of Weihai' });
    expect(Number.isInteger(r1?.facts.cycles)).toBe(true);
    expect((await ctx.store.getRecord(recordId('pboc-crc', 'L-2')))?.facts).toEqual({ cycles: 1, lender: 'Rural Bank, Rongcheng' });
    expect((await ctx.store.getRecord(recordId('pboc-crc', 'L-2')))?.occurredAt).toBe(Date.UTC(2026, 3, 2, 1));
    expect((await ctx.store.getRecord(recordId('pboc-crc', 'L-3')))?.facts.cycles).toBe(12);

    // The integers reached the CEL rule `-10 * record.facts.cycles` as ints.
    const score = async (rid: string) => (await ctx.store.getState(ctx.keyring.subjectId('cn-rid', rid)))?.state.schemes.find((x) => x.scheme === 'civic-points')?.score;
    expect(await score(RID)).toBe(970);
    expect(await score(RID2)).toBe(990);

    const { text, rows } = readRejects(rejectFilePath(f));
    expect(rows.map((r) => [r.line, r.externalId, r.field])).toEqual([
      [5, 'L-4', 'facts.cycles'],
      [6, 'L-5', 'facts.cycles'],
      [7, 'L-6', 'occurredAt'],
    ]);
    expectNoClearRids(text, [RID, RID2]);
  });

  it('a fact column that is not a number is rejected naming that fact', async () => {
    const f = join(dir, 'nan.csv');
    writeFileSync(f, ['externalId,type,subject,occurredAt,facts.cycles,facts.lender', `N-1,finance.loan-arrears,cn-rid:${RID},2026-04-01,three,Bank`].join('\n') + '\n');
    const s = await run(f);
    expect(s).toMatchObject({ stored: 0, rejected: 1 });
    const { text, rows } = readRejects(rejectFilePath(f));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ line: 2, externalId: 'N-1', field: 'facts.cycles' });
    expectNoClearRids(text, [RID]);
  });

  it('rejects an unknown column and a boolean that is not true or false, like NDJSON does', async () => {
    const f = join(dir, 'extra.csv');
    writeFileSync(f, ['externalId,type,subject,occurredAt,facts.cycles,facts.lender,phone', `X-1,finance.loan-arrears,cn-rid:${RID},2026-04-01,1,Bank,123`].join('\n') + '\n');
    expect(await run(f)).toMatchObject({ stored: 0, rejected: 1 });
    expect(readRejects(rejectFilePath(f)).rows[0]).toMatchObject({ line: 2, externalId: 'X-1', field: 'phone' });
  });

  it('rejects a malformed row on its own line without quoting it, and imports the rest', async () => {
    const f = join(dir, 'bad-quote.csv');
    writeFileSync(f, ['externalId,type,subject,occurredAt,facts.cycles,facts.lender', `Q-1,finance.loan-arrears,cn-rid:${RID},2026-04-01,1,Bank`, `Q-2,finance.loan-arrears,cn-rid:${RID2} "x,2026-04-01,1,Bank`, `Q-3,finance.loan-arrears,cn-rid:${RID2},2026-04-02,1,Bank`].join('\n') + '\n');
    const s = await run(f);
    expect(s).toMatchObject({ stored: 2, rejected: 1 });
    const { text, rows } = readRejects(rejectFilePath(f));
    expect(rows[0]).toMatchObject({ line: 3, field: '(line)' });
    expectNoClearRids(text, [RID, RID2]);
  });

  it('accepts facts as one JSON column too', async () => {
    const f = join(dir, 'json-facts.csv');
    writeFileSync(f, ['externalId,type,subject,occurredAt,facts', `J-1,finance.loan-arrears,cn-rid:${RID},2026-04-01,"{""cycles"": 4, ""lender"": ""Bank""}"`].join('\n') + '\n');
    const s = await run(f);
    expect(s).toMatchObject({ stored: 1, rejected: 0 });
    expect((await ctx.store.getRecord(recordId('pboc-crc', 'J-1')))?.facts).toEqual({ cycles: 4, lender: 'Bank' });
  });
});

describe('xinyong import, killed with SIGKILL and run again', () => {
  const bin = join(packageRoot(), 'bin', 'xinyong.js');
  const built = join(packageRoot(), 'dist', 'src', 'cli', 'main.js');

  function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], { cwd: packageRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  function countRecords(db: string): number | null {
    let ro: Database.Database | null = null;
    try {
      ro = new Database(db, { readonly: true, fileMustExist: true });
      return (ro.prepare('SELECT COUNT(*) AS n FROM records').get() as { n: number }).n;
    } catch {
      return null; // not created or not migrated yet
    } finally {
      ro?.close();
    }
  }

  /** Starts an import and SIGKILLs it once at least `after`, but not all, records are committed. */
  async function importAndKill(db: string, file: string, after: number): Promise<{ killedAt: number; exitedEarly: boolean }> {
    const child = spawn(process.execPath, [bin, '--db', db, '--json', 'import', '--source', 'spc', file, '--batch-size', '50'], { cwd: packageRoot(), stdio: 'ignore' });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    let done = false;
    void exited.then(() => (done = true));
    const deadline = Date.now() + 50_000;
    while (!done && Date.now() < deadline) {
      const c = countRecords(db);
      if (c !== null && c >= after && c < 1000) {
        child.kill('SIGKILL');
        const how = await exited;
        expect(how.signal).toBe('SIGKILL');
        return { killedAt: c, exitedEarly: false };
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    if (!done) child.kill('SIGKILL');
    await exited;
    return { killedAt: countRecords(db) ?? 0, exitedEarly: true };
  }

  it('ends with every good line stored exactly once and every subject derived', async () => {
    expect(existsSync(built), `${built} is missing: build the CLI first (npm run build); this test runs the real command`).toBe(true);
    const dir = freshDir();
    const gen = generateImport(1000);
    const file = join(dir, 'spc.ndjson');
    writeFileSync(file, gen.text);

    // Catch the import in flight; on a fast machine it may finish first, so try a few fresh databases.
    let db = '';
    let killed: { killedAt: number; exitedEarly: boolean } = { killedAt: 0, exitedEarly: true };
    // Several batches in, so that committed records, derived states and the audit chain all exist.
    for (let attempt = 0; attempt < 4 && killed.exitedEarly; attempt++) {
      db = join(dir, `attempt-${attempt}`, 'x.db');
      killed = await importAndKill(db, file, attempt < 2 ? 300 : 1);
    }
    expect(killed.exitedEarly, 'the import always finished before it could be killed').toBe(false);
    const committed = countRecords(db) ?? 0;
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(1000);
    // Nothing seen committed before the kill was lost by it.
    expect(committed).toBeGreaterThanOrEqual(killed.killedAt);

    const rerun = await runCli(['--db', db, '--json', 'import', '--source', 'spc', file, '--batch-size', '50']);
    expect(rerun.code, rerun.stderr).toBe(0);
    const summary = JSON.parse(rerun.stdout) as { lines: number; stored: number; duplicates: number; rejected: number; rejectFile: string | null };
    expect(summary).toMatchObject({ lines: 1010, stored: 1000 - committed, duplicates: committed, rejected: 10 });

    const { text, rows } = readRejects(rejectFilePath(file));
    expect(rows.map((r) => [r.line, r.field]).sort((a, b) => (a[0] as number) - (b[0] as number))).toEqual(gen.bad.map((b) => [b.lineNo, b.field]));
    expectNoClearRids(text, gen.rids);

    const verify = await runCli(['--db', db, '--json', 'audit', 'verify']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true });

    const store = new SqliteStore(db);
    try {
      await store.migrate();
      expect((await store.summary()).records).toBe(1000);
      const recs = await allRecords(store);
      expect(recs).toHaveLength(1000);
      expect(recs.map((r) => r.externalId).sort()).toEqual([...gen.good].sort());
      expect(await store.dirtySubjects(10)).toEqual([]);
      // Every subject's stored state was derived after its last record was recorded.
      const bySubject = new Map<string, number>();
      for (const r of recs) bySubject.set(r.subjectId, Math.max(bySubject.get(r.subjectId) ?? 0, r.recordedAt));
      for await (const page of store.scanSubjects(500)) {
        for (const s of page) {
          const st = await store.getState(s.id);
          expect(st, `subject ${s.id} has no derived state`).not.toBeNull();
          expect(st?.state.asOf).toBeGreaterThanOrEqual(bySubject.get(s.id) ?? 0);
        }
      }
    } finally {
      await store.close();
    }
  }, 120_000);
});
