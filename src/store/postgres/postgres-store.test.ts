import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntryInput } from '../../audit/index.js';
import { verifyChain } from '../../audit/index.js';
import { storeContract } from '../contract/index.js';
import { CITUS_PLAN, PG_MIGRATIONS, citusPlanSql } from './migrations.js';
import { APPEND_LOCK, exclusiveLockKey, parseUrl, hidePassword } from './db.js';
import { PostgresStore } from './postgres-store.js';
import { TEST_PG_URL, dropSchemas, freshPgUrl, requirePostgres } from './test-db.js';

const T = Date.UTC(2026, 4, 15, 8, 0, 0);
const schemas: string[] = [];
const fresh = () => {
  const { url, schema } = freshPgUrl();
  schemas.push(schema);
  return url;
};

beforeAll(requirePostgres);
afterAll(() => dropSchemas(schemas));

storeContract('postgres', async () => new PostgresStore(fresh()));

describe('PostgresStore specifics', () => {
  const open: PostgresStore[] = [];
  const track = (s: PostgresStore) => (open.push(s), s);
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  it('records every migration in schema_migrations, once, in its own schema', async () => {
    const url = fresh();
    const store = track(new PostgresStore(url));
    await store.migrate();
    await store.migrate();
    const rows = (await store.pool.query('SELECT version, name FROM schema_migrations ORDER BY version')).rows;
    expect(rows).toEqual(PG_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    const where = (await store.pool.query("SELECT table_schema FROM information_schema.tables WHERE table_name = 'records' AND table_schema = $1", [store.schema])).rows;
    expect(where).toEqual([{ table_schema: store.schema }]);
  });

  it('two processes migrating at once apply each migration once', async () => {
    const url = fresh();
    const a = track(new PostgresStore(url));
    const b = track(new PostgresStore(url));
    await Promise.all([a.migrate(), b.migrate()]);
    expect((await a.pool.query('SELECT COUNT(*)::int AS n FROM schema_migrations')).rows[0].n).toBe(PG_MIGRATIONS.length);
  });

  it('every primary and unique key of a distributed table holds its distribution column (what Citus requires)', async () => {
    const store = track(new PostgresStore(fresh()));
    await store.migrate();
    const tables = (await store.pool.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name <> 'schema_migrations'", [store.schema])).rows.map((r) => r.table_name as string);
    // Every table has a place in the plan.
    expect(tables.sort()).toEqual(Object.keys(CITUS_PLAN).sort());
    const keys = (
      await store.pool.query(
        `SELECT t.relname AS table, i.relname AS index, array_agg(a.attname::text) AS columns
         FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(x.indkey)
         WHERE n.nspname = $1 AND x.indisunique GROUP BY 1, 2`,
        [store.schema],
      )
    ).rows as { table: string; index: string; columns: string[] }[];
    let checked = 0;
    for (const k of keys) {
      const plan = CITUS_PLAN[k.table];
      if (plan && 'distributeBy' in plan) {
        expect(k.columns, `${k.table}.${k.index}`).toContain(plan.distributeBy);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(13);
    // Foreign keys between distributed tables must join on the distribution column.
    const fks = (
      await store.pool.query(
        `SELECT c.conrelid::regclass::text AS from, c.confrelid::regclass::text AS to, (SELECT array_agg(attname::text) FROM pg_attribute WHERE attrelid = c.conrelid AND attnum = ANY(c.conkey)) AS columns
         FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = $1 AND c.contype = 'f'`,
        [store.schema],
      )
    ).rows as { from: string; to: string; columns: string[] }[];
    expect(fks.length).toBeGreaterThan(0);
    for (const fk of fks) expect(fk.columns, `${fk.from} → ${fk.to}`).toContain('subject_id');
    expect(citusPlanSql()).toContain("SELECT create_distributed_table('records', 'subject_id', colocate_with => 'subjects');");
    expect(citusPlanSql()).toContain("SELECT create_reference_table('catalog_versions');");
  });

  it('appends from two connections at once keep one unbroken audit chain', async () => {
    const url = fresh();
    const a = track(new PostgresStore(url));
    await a.migrate();
    const b = track(new PostgresStore(url));
    const entry = (i: number): AuditEntryInput => ({ at: T + i, actor: 'test', action: 'x.happened', subjectId: null, data: { i } });
    await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).appendAudit([entry(i), entry(i + 1000)])));
    const entries = [];
    for await (const e of a.scanAudit()) entries.push(e);
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 80 }, (_, i) => i + 1));
    expect(verifyChain(entries).ok).toBe(true);
  });

  it('two processes registering the same new subject at once both succeed: the one that loses the race runs again', async () => {
    const url = fresh();
    const a = track(new PostgresStore(url));
    await a.migrate();
    const b = track(new PostgresStore(url));
    const s = { id: 's_00000000000000000000beef', kind: 'person' as const, name: 'Li Si', region: '370100', createdAt: T, identifiers: [{ scheme: 'cn-rid', hash: 'c'.repeat(64), masked: '370102********0013' }] };
    const rec = (i: number) => ({ id: `r_${String(i).padStart(24, '0')}`, source: 'pboc-crc', externalId: `race-${i}`, type: 'finance.loan-arrears', area: 'commercial' as const, subjectId: s.id, occurredAt: T, recordedAt: T, facts: { i }, catalogVersion: '1', statuses: [] });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).ingest({ subjects: [s], relations: [], records: [rec(i)], audit: () => null, notices: (ins) => ins.map((r) => ({ id: `n_${r.id}`, subjectId: r.subjectId, kind: 'record.added', createdAt: T, payload: {}, status: 'pending' as const, attempts: 0, nextAttemptAt: T, lastError: null, deliveredAt: null })) })));
    expect(results.every((r) => r.inserted.length === 1)).toBe(true);
    expect((await a.pool.query('SELECT COUNT(*)::int AS n FROM subjects')).rows[0].n).toBe(1);
    expect((await a.pool.query('SELECT COUNT(*)::int AS n FROM subject_identifiers')).rows[0].n).toBe(1);
    expect((await a.recordsOf([s.id])).get(s.id)).toHaveLength(12);
    expect(await a.listNotices({ subjectId: s.id, limit: 100 })).toHaveLength(12);
  });

  it('a derivation clearing dirty marks beside an ingest marking them does not deadlock', async () => {
    // Ingest marks subjects dirty in subject order; saveStates must lock them in the same order,
    // whatever order its caller lists them in (here the reverse), or the two deadlock.
    const url = fresh();
    const a = track(new PostgresStore(url));
    await a.migrate();
    const b = track(new PostgresStore(url));
    const ids = Array.from({ length: 300 }, (_, i) => `s_${String(i).padStart(24, '0')}`);
    const subjects = ids.map((id) => ({ id, kind: 'person' as const, name: 'P', region: '370100', createdAt: T, identifiers: [] }));
    await a.ingest({ subjects, relations: [], records: [], audit: () => null });
    const rec = (id: string, round: number) => ({ id: `r_${id.slice(2, 20)}${String(round).padStart(6, '0')}`, source: 'pboc-crc', externalId: `${id}-${round}`, type: 'finance.loan-arrears', area: 'commercial' as const, subjectId: id, occurredAt: T, recordedAt: T, facts: { round }, catalogVersion: '1', statuses: [] });
    const reversed = [...ids].reverse();
    for (let round = 0; round < 15; round++) {
      const marks = await b.dirtyMarks(reversed);
      await Promise.all([
        a.ingest({ subjects: [], relations: [], records: ids.map((id) => rec(id, round)), audit: () => null }),
        b.saveStates({
          states: reversed.map((subjectId) => ({ subjectId, asOf: T, catalogVersion: '1', schemes: [], entries: [], nextChangeAt: null })),
          related: [],
          clearDirty: reversed.map((id) => ({ id, mark: marks.get(id) })),
          audit: null,
        }),
      ]);
    }
    expect((await a.pool.query('SELECT COUNT(*)::int AS n FROM records')).rows[0].n).toBe(15 * ids.length);
  });

  it('LISTEN wakes a watcher when another connection saves states', async () => {
    const url = fresh();
    const a = track(new PostgresStore(url));
    await a.migrate();
    const b = track(new PostgresStore(url));
    const s = { id: 's_0123456789abcdef01234567', kind: 'person' as const, name: 'Zhang San', region: '110101', createdAt: T, identifiers: [] };
    await a.ingest({ subjects: [s], relations: [], records: [], audit: () => null });
    let woken = 0;
    const stop = await b.watchStateChanges(() => woken++);
    try {
      const head = await b.stateChangeHead();
      await a.saveStates({ states: [{ subjectId: s.id, asOf: T, catalogVersion: '1', schemes: [], entries: [], nextChangeAt: null }], related: [], clearDirty: [], audit: null });
      await expect.poll(() => woken, { timeout: 5000 }).toBeGreaterThan(0);
      expect((await b.stateChangesSince(head, 10)).subjectIds).toEqual([s.id]);
    } finally {
      await stop();
    }
  });

  it('a connection lost mid-transaction fails that write, not the process, and the next write reconnects', async () => {
    const store = track(new PostgresStore(fresh()));
    await store.migrate();
    // The pool's one connection, which the next transaction takes.
    const pid = (await store.pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
    const entry = (i: number): AuditEntryInput => ({ at: T + i, actor: 'test', action: 'x.happened', subjectId: null, data: { i } });
    // Hold the append lock, so that the store's transaction waits inside it; then end its session.
    const blocker = new pg.Client({ connectionString: TEST_PG_URL });
    await blocker.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
      const write = store.appendAudit([entry(1)]);
      write.catch(() => undefined);
      await expect.poll(async () => (await blocker.query('SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1', [pid])).rows[0]?.wait_event_type, { timeout: 5000 }).toBe('Lock');
      await blocker.query('SELECT pg_terminate_backend($1)', [pid]);
      await expect(write).rejects.toThrow(/terminat/);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
    }
    await store.appendAudit([entry(2)]);
    const entries = [];
    for await (const e of store.scanAudit()) entries.push(e);
    expect(entries.map((e) => e.data)).toEqual([{ i: 2 }]);
  });

  it('runExclusive: while one process runs work of a name, another skips it at once; then it may run', async () => {
    const url = fresh();
    const a = track(new PostgresStore(url));
    const b = track(new PostgresStore(url));
    const other = track(new PostgresStore(fresh()));
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const first = a.runExclusive('due', async () => {
      started();
      await held;
      return 'a';
    });
    await running;
    let ranB = false;
    expect(await b.runExclusive('due', async () => (ranB = true))).toEqual({ ran: false });
    expect(ranB).toBe(false);
    // Another name, or the same name in another schema, is not held up.
    expect(await b.runExclusive('other-work', async () => 'b')).toEqual({ ran: true, value: 'b' });
    expect(await other.runExclusive('due', async () => 'c')).toEqual({ ran: true, value: 'c' });
    release();
    expect(await first).toEqual({ ran: true, value: 'a' });
    expect(await b.runExclusive('due', async () => 'b')).toEqual({ ran: true, value: 'b' });
    // A failure inside frees the name too.
    await expect(a.runExclusive('due', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await b.runExclusive('due', async () => 'again')).toEqual({ ran: true, value: 'again' });
  });

  it('runExclusive: a process that dies holding a name frees it with its session', async () => {
    const url = fresh();
    const a = track(new PostgresStore(url));
    const b = track(new PostgresStore(url));
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    let finish!: () => void;
    const first = a.runExclusive('due', async () => {
      started();
      await new Promise<void>((r) => (finish = r));
      return 'a';
    });
    await running;
    expect(await b.runExclusive('due', async () => 'b')).toEqual({ ran: false });
    // The session holding the lock ends, as a killed process's would (pg_locks names a bigint key by its two halves).
    const key = BigInt.asUintN(64, BigInt(exclusiveLockKey(a.schema, 'due')));
    const killed = await b.pool.query<{ ok: boolean }>(
      "SELECT pg_terminate_backend(pid) AS ok FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1",
      [(key >> 32n).toString(), (key & 0xffffffffn).toString()],
    );
    expect(killed.rows).toEqual([{ ok: true }]);
    await expect.poll(async () => (await b.runExclusive('due', async () => 'b')).ran, { timeout: 5000 }).toBe(true);
    // The work that lost its lock finishes without bringing its process down.
    finish();
    expect(await first).toEqual({ ran: true, value: 'a' });
    expect(await a.runExclusive('due', async () => 'a again')).toEqual({ ran: true, value: 'a again' });
  });

  it('keeps the password out of what it shows, and the schema out of what it sends', () => {
    expect(hidePassword('postgres://xy:s3cret@db.example:5432/xinyong')).toBe('postgres://xy:***@db.example:5432/xinyong');
    expect(parseUrl('postgres://h/db?schema=xy_a&sslmode=require')).toEqual({ connectionString: 'postgres://h/db?sslmode=require', schema: 'xy_a' });
    expect(() => parseUrl('postgres://h/db?schema=x;drop')).toThrow(/identifier/);
  });

  it('the test server is the one configured', async () => {
    const c = new pg.Client({ connectionString: TEST_PG_URL });
    await c.connect();
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await c.end();
  });
});
