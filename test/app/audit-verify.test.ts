/**
 * `audit verify` vouches for the indexes kept beside the hash chain (issue 16, finding 9), on
 * SQLite and PostgreSQL: the receipt index (`check_receipts`) and the access-log index
 * (`audit_subject_days`) sit outside the hashes, so an edit to either passed the chain's check
 * while `GET /v1/checks/{receipt}` served another's check and people's access logs went empty.
 * Every edit an attacker with the database can make to them is now named by verify, and the
 * reads that use them never serve what the chain does not say.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditPage, verifyAudit } from '../../src/app/audit.js';
import { check, checkBatch, readReceipt } from '../../src/app/checks.js';
import { createApp, openContext, type App, type AppContext } from '../../src/app/context.js';
import { buildDemo } from '../../src/app/demo.js';
import { readOwnRecord } from '../../src/app/reads.js';
import { dropSchemas, freshPgUrl, requirePostgres, TEST_PG_URL } from '../../src/store/postgres/test-db.js';

const NOW = Date.UTC(2026, 10, 27, 8, 0, 0);
const AIR = 'transport.air.ticket';
const dir = mkdtempSync(join(tmpdir(), 'xy-audit-verify-'));
const pgDb = freshPgUrl('xy_av');

afterAll(async () => {
  await dropSchemas([pgDb.schema]);
  rmSync(dir, { recursive: true, force: true });
});

/** Runs SQL on the database behind the store, as someone with access to its files would. */
type Sql = (sql: string, args?: unknown[]) => Promise<Record<string, unknown>[]>;

function sqliteSql(path: string): { sql: Sql; close: () => void } {
  const db = new Database(path);
  return {
    sql: async (q, args = []) => (/^\s*select/i.test(q) ? (db.prepare(q).all(...args) as Record<string, unknown>[]) : (db.prepare(q).run(...args), [])),
    close: () => db.close(),
  };
}

async function pgSql(schema: string): Promise<{ sql: Sql; close: () => Promise<void> }> {
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  await c.query(`SET search_path TO ${schema}`);
  const numbered = (q: string) => {
    let i = 0;
    return q.replace(/\?/g, () => `$${++i}`);
  };
  return { sql: async (q, args = []) => (await c.query(numbered(q), args)).rows, close: () => c.end() };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`audit verify checks the indexes beside the chain (${dialect})`, () => {
    let ctx: AppContext;
    let app: App;
    let sql: Sql;
    let closeSql: () => unknown;
    let persons: string[];
    const rc: Record<string, string> = {};

    beforeAll(async () => {
      if (dialect === 'postgres') await requirePostgres();
      const db = dialect === 'sqlite' ? join(dir, 'x.db') : pgDb.url;
      ctx = await openContext({ db, keyFile: join(dir, `${dialect}.key`), now: NOW, actor: 'test' });
      await buildDemo(ctx, { persons: 300, enterprises: 40, seed: 7, now: NOW, ifEmpty: false, progress: false });
      app = createApp(ctx, { now: () => NOW });
      persons = [];
      for await (const page of ctx.store.scanSubjects(100)) for (const s of page) if (s.kind === 'person' && persons.length < 4) persons.push(s.id);
      const me = { actor: 'key:k_000000000001', role: 'checker' as const, scopes: [] };
      const other = { ...me, actor: 'key:k_000000000002' };
      rc.mine = (await check(app, me, { subject: persons[0], action: AIR })).receipt;
      rc.theirs = (await check(app, other, { subject: persons[1], action: AIR })).receipt;
      rc.batch = (await checkBatch(app, me, { action: AIR, subjects: [persons[2], persons[3], 'cn-rid:110101199003074514'], max: 100 })).receipt;
      await app.receipts.flush();
      // A reviewer reads the batch: filed in both persons' access logs under the receipt.
      await readReceipt(app, { actor: 'key:k_000000000003', role: 'reviewer' }, { receipt: rc.batch, purpose: 'audit sample 7' });
      const s = dialect === 'sqlite' ? sqliteSql(join(dir, 'x.db')) : await pgSql(pgDb.schema);
      sql = s.sql;
      closeSql = s.close;
    }, 180_000);

    afterAll(async () => {
      await closeSql?.();
      await app?.receipts.close();
      await ctx?.close();
    });

    const seqOf = async (receipt: string) => Number((await sql('SELECT audit_seq FROM check_receipts WHERE receipt = ?', [receipt]))[0].audit_seq);
    const accessLog = async (id: string) => (await readOwnRecord(app, { subjectId: id, limit: 50 })).accessLog;

    it('a database nobody edited verifies, indexes included', async () => {
      const v = await verifyAudit(app);
      expect(v.ok, JSON.stringify(v)).toBe(true);
      expect((await accessLog(persons[2])).map((x) => x.action)).toEqual(['receipt.read', 'check.decided']);
    });

    it('a receipt sent to another check: verify names it, and the receipt is not served', async () => {
      const mine = await seqOf(rc.mine);
      const theirs = await seqOf(rc.theirs);
      await sql('UPDATE check_receipts SET audit_seq = ? WHERE receipt = ?', [theirs, rc.mine]);
      try {
        const v = await verifyAudit(app);
        expect(v).toMatchObject({ ok: false, problem: { index: true, reason: expect.stringContaining(rc.mine) } });
        // Never the other's check, whoever asks.
        await expect(readReceipt(app, { actor: 'key:k_000000000001', role: 'checker' }, { receipt: rc.mine })).rejects.toThrow(/not its check/);
        await expect(readReceipt(app, { actor: 'key:k_000000000002', role: 'checker' }, { receipt: rc.mine })).rejects.toThrow(/not its check/);
      } finally {
        await sql('UPDATE check_receipts SET audit_seq = ? WHERE receipt = ?', [mine, rc.mine]);
      }
      expect((await verifyAudit(app)).ok).toBe(true);
    });

    it('a receipt dropped from the index, or one forged onto an entry that is no check: named', async () => {
      const mine = await seqOf(rc.mine);
      await sql('DELETE FROM check_receipts WHERE receipt = ?', [rc.mine]);
      try {
        expect(await verifyAudit(app)).toMatchObject({ ok: false, problem: { seq: mine, index: true, reason: expect.stringContaining('missing from the receipt index') } });
      } finally {
        await sql('INSERT INTO check_receipts (receipt, audit_seq) VALUES (?, ?)', [rc.mine, mine]);
      }
      await sql('INSERT INTO check_receipts (receipt, audit_seq) VALUES (?, ?)', ['rc_00000000000000000000000000000000', 1]);
      try {
        expect(await verifyAudit(app)).toMatchObject({ ok: false, problem: { seq: 1, index: true } });
      } finally {
        await sql('DELETE FROM check_receipts WHERE receipt = ?', ['rc_00000000000000000000000000000000']);
      }
      const head = (await ctx.store.auditHead())!.seq;
      await sql('INSERT INTO check_receipts (receipt, audit_seq) VALUES (?, ?)', ['rc_00000000000000000000000000000001', head + 5]);
      try {
        expect(await verifyAudit(app)).toMatchObject({ ok: false, problem: { seq: head + 5, index: true } });
      } finally {
        await sql('DELETE FROM check_receipts WHERE receipt = ?', ['rc_00000000000000000000000000000001']);
      }
      expect((await verifyAudit(app)).ok).toBe(true);
    });

    it('access-log rows deleted: verify names the entry and whose log it is missing from', async () => {
      const rows = await sql('SELECT subject_id, day, actor, key, seq FROM audit_subject_days WHERE subject_id = ?', [persons[3]]);
      expect(rows).toHaveLength(2);
      await sql('DELETE FROM audit_subject_days WHERE subject_id = ?', [persons[3]]);
      try {
        expect(await accessLog(persons[3])).toEqual([]);
        const v = await verifyAudit(app);
        expect(v).toMatchObject({ ok: false, problem: { index: true, reason: expect.stringContaining(`missing from the access log of ${persons[3]}`) } });
      } finally {
        for (const r of rows) await sql('INSERT INTO audit_subject_days (subject_id, day, actor, key, seq) VALUES (?, ?, ?, ?, ?)', [r.subject_id, r.day, r.actor, r.key, r.seq]);
      }
      expect((await verifyAudit(app)).ok).toBe(true);
    });

    it('an access-log row pointed at another entry: verify names it, and the person is not shown it', async () => {
      const theirs = await seqOf(rc.theirs);
      const [row] = await sql('SELECT subject_id, day, actor, key, seq FROM audit_subject_days WHERE subject_id = ? AND key = ?', [persons[2], AIR]);
      await sql('UPDATE audit_subject_days SET seq = ? WHERE subject_id = ? AND key = ?', [theirs, persons[2], AIR]);
      try {
        expect(await verifyAudit(app)).toMatchObject({ ok: false, problem: { index: true, seq: theirs } });
        // The other person's check is not in this person's access log.
        expect((await accessLog(persons[2])).map((x) => x.receipt)).not.toContain(rc.theirs);
      } finally {
        await sql('UPDATE audit_subject_days SET seq = ? WHERE subject_id = ? AND key = ?', [row.seq, persons[2], AIR]);
      }
      // A row for someone the entry is not about.
      await sql('INSERT INTO audit_subject_days (subject_id, day, actor, key, seq) VALUES (?, ?, ?, ?, ?)', [persons[0], row.day, row.actor, AIR, row.seq]);
      try {
        expect(await verifyAudit(app)).toMatchObject({ ok: false, problem: { index: true, seq: Number(row.seq), reason: expect.stringContaining(persons[0]) } });
        // Neither the person nor an admin paging the log by subject is shown the batch they were not in.
        expect((await accessLog(persons[0])).map((x) => x.receipt)).toEqual([rc.mine]);
        expect((await auditPage(app, { limit: 50, subject: persons[0], purpose: 'index check', by: 'test' })).entries.map((e) => (e.data as { receipt?: string }).receipt)).toEqual([rc.mine]);
      } finally {
        await sql('DELETE FROM audit_subject_days WHERE subject_id = ? AND key = ?', [persons[0], AIR]);
      }
      expect((await verifyAudit(app)).ok).toBe(true);
    });
  });
}
