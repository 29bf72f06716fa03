/**
 * PostgreSQL ingest: the synthetic city through the real pipeline into the PostgreSQL adapter
 * (validation, identifier hashing and encryption, idempotent insert, audit, incremental scoring),
 * against a raw COPY of exactly the rows the pipeline stored, into the same schema, with one
 * transaction per batch of the same lines.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { publishCatalog } from '../src/app/publish.js';
import type { Catalog } from '../src/catalog/types.js';
import { Keyring } from '../src/ids/index.js';
import type { CityItem } from '../src/sim/index.js';
import { PG_MIGRATIONS } from '../src/store/postgres/migrations.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { NOW, cityItems, figure, fmtInt, instrument, log, median, printFigure, rate, share, type BenchResult } from './common.js';
import { BATCH, defaultCatalog, ingestAll, sizeCity } from './ingest.js';

/** The server the benchmark uses: BENCH_PG_URL, or the machine's own. */
export const BENCH_PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A fresh schema for one run, and a function that drops it. */
export async function benchSchema(name: string): Promise<{ url: string; schema: string; drop: () => Promise<void> }> {
  const schema = `xy_bench_${name}_${process.pid}`;
  const admin = new pg.Client({ connectionString: BENCH_PG_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
  const u = new URL(BENCH_PG_URL);
  u.searchParams.set('schema', schema);
  return {
    url: u.toString(),
    schema,
    drop: async () => {
      const c = new pg.Client({ connectionString: BENCH_PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** A `PostgresStore` on a fresh schema, migrated, with `catalog` published; `close` drops the schema. */
export async function freshPgStore(name: string, catalog: Catalog): Promise<{ store: PostgresStore; close: () => Promise<void> }> {
  const db = await benchSchema(name);
  const store = new PostgresStore(db.url);
  const close = async () => {
    await store.close();
    await db.drop();
  };
  try {
    await store.migrate();
    await publishCatalog(store, catalog, NOW, 'bench');
  } catch (e) {
    await close();
    throw e;
  }
  return { store, close };
}

/** Every table the pipeline writes, in an order that satisfies the foreign keys. */
const TABLES = [
  'subjects', 'subject_identifiers', 'relations', 'record_keys', 'records', 'record_status', 'dirty_subjects', 'notices',
  'audit_log', 'audit_subject_days', 'check_receipts', 'subject_states', 'list_entries', 'state_changes',
];

/** The rows of every table the pipeline wrote, as COPY text lines, read back from its database. */
async function dump(store: PostgresStore): Promise<{ table: string; rows: string[] }[]> {
  const out: { table: string; rows: string[] }[] = [];
  const c = await store.pool.connect();
  try {
    for (const table of TABLES) {
      let text = '';
      const stream = c.query(copyTo(`COPY ${table} TO STDOUT`));
      stream.setEncoding('utf8');
      for await (const chunk of stream) text += chunk;
      const rows = text.split('\n');
      rows.pop();
      if (rows.length) out.push({ table, rows });
    }
  } finally {
    c.release();
  }
  return out;
}

/**
 * COPY of the same rows into a fresh schema made by the same migration, in `transactions`
 * transactions of equal numbers of rows (tables in foreign-key order); returns milliseconds.
 */
async function rawCopy(tables: { table: string; rows: string[] }[], transactions: number): Promise<number> {
  const db = await benchSchema('raw');
  const c = new pg.Client({ connectionString: BENCH_PG_URL });
  await c.connect();
  try {
    await c.query(`CREATE SCHEMA ${db.schema}`);
    await c.query(`SET search_path TO ${db.schema}`);
    for (const m of PG_MIGRATIONS) await c.query(m.sql);
    const flat = tables.flatMap((t) => t.rows.map((r) => [t.table, r] as const));
    const per = Math.ceil(flat.length / transactions);
    const t0 = performance.now();
    for (let i = 0; i < flat.length; i += per) {
      await c.query('BEGIN');
      const slice = flat.slice(i, i + per);
      for (let j = 0; j < slice.length; ) {
        const table = slice[j][0];
        let k = j;
        while (k < slice.length && slice[k][0] === table) k++;
        const text = slice.slice(j, k).map((x) => x[1] + '\n').join('');
        await pipeline(Readable.from([text]), c.query(copyFrom(`COPY ${table} FROM STDIN`)));
        j = k;
      }
      await c.query('COMMIT');
    }
    return performance.now() - t0;
  } finally {
    await c.end();
    await db.drop();
  }
}

/** Medians of 3 raw COPYs of a database's rows, in as many transactions as the pipeline used batches. */
async function rawMedian(store: PostgresStore, transactions: number): Promise<{ ms: number; rows: number; times: number[] }> {
  const tables = await dump(store);
  const times: number[] = [];
  for (let k = 0; k < 3; k++) times.push(await rawCopy(tables, transactions));
  return { ms: median(times), rows: tables.reduce((n, t) => n + t.rows.length, 0), times };
}

/** The same lines through the pipeline without scoring (subjects stay marked dirty for a later drain). */
async function ingestOnly(catalog: Catalog, items: readonly CityItem[]): Promise<{ ms: number; raw: { ms: number; rows: number; times: number[] } }> {
  const { store, close } = await freshPgStore('alone', catalog);
  try {
    const ms = await ingestAll(store, catalog, Keyring.random(), items, { derive: false });
    return { ms, raw: await rawMedian(store, Math.ceil(items.length / BATCH)) };
  } finally {
    await close();
  }
}

export async function benchPgIngest(): Promise<BenchResult> {
  const t0 = performance.now();
  const catalog = defaultCatalog();
  const { persons, enterprises } = sizeCity();
  const city = cityItems(persons, enterprises);
  const N = city.records;
  const batches = Math.ceil(city.items.length / BATCH);
  log(`  ${fmtInt(city.items.length)} lines: ${fmtInt(city.subjects)} subject registrations, ${fmtInt(N)} records; batches of ${BATCH}`);
  const { store, close } = await freshPgStore('ingest', catalog);
  try {
    const DERIVE = ['dirtySubjects', 'subjectsBasic', 'recordsOf', 'relationsOfOrgs', 'saveStates'];
    const probe = instrument(store, ['ingest', ...DERIVE]);
    const oursMs = await ingestAll(store, catalog, Keyring.random(), city.items);
    probe.restore();
    const insertMs = probe.ms.ingest;
    const deriveMs = DERIVE.reduce((n, k) => n + probe.ms[k], 0);
    const counts = (await store.pool.query('SELECT (SELECT COUNT(*) FROM records) AS r, (SELECT COUNT(*) FROM subject_states) AS s, (SELECT COUNT(*) FROM list_entries) AS e')).rows[0] as Record<string, number>;
    if (counts.r !== N) throw new Error(`the pipeline stored ${counts.r} records, expected ${N}`);
    log(`  pipeline: ${(oursMs / 1000).toFixed(1)} s — store.ingest ${(insertMs / 1000).toFixed(1)} s, scoring store calls ${(deriveMs / 1000).toFixed(1)} s`);
    const raw = await rawMedian(store, batches);
    log(`  raw COPY of its ${fmtInt(raw.rows)} rows: ${raw.times.map((t) => (t / 1000).toFixed(2)).join(' / ')} s`);
    const alone = await ingestOnly(catalog, city.items);
    log(`  ingest alone (scoring deferred): ${(alone.ms / 1000).toFixed(1)} s; raw COPY of its ${fmtInt(alone.raw.rows)} rows: ${alone.raw.times.map((t) => (t / 1000).toFixed(2)).join(' / ')} s`);
    const g = figure('ingest vs raw COPY of the same rows', 'records/s', { label: 'ours: Ingestor.ingestBatches, scoring deferred', rate: rate(N, alone.ms) }, { label: 'raw COPY', rate: rate(N, alone.raw.ms) }, 0.4);
    const f = figure('ingest with incremental scoring vs raw COPY of the same rows', 'records/s', { label: 'ours: ingest + scoring', rate: rate(N, oursMs) }, { label: 'raw COPY', rate: rate(N, raw.ms) }, 0.4);
    printFigure(g);
    printFigure(f);
    const version = (await store.pool.query('SHOW server_version')).rows[0].server_version as string;
    return {
      key: 'pgingest',
      title: 'PostgreSQL ingest',
      setup: [
        `The synthetic city of the Ingest section (seed 7): ${fmtInt(city.subjects)} subject registrations and ${fmtInt(N)} records, ${fmtInt(city.items.length)} lines in generator order, in ${fmtInt(batches)} batches of ${BATCH} lines, into PostgreSQL ${version} on this machine (a fresh schema per run; default settings, synchronous_commit on), which shares the 2 cores with the client.`,
        '**ours**: `Ingestor.ingestBatches`, the path of `xinyong import` (`POST /v1/records` takes the same steps a batch at a time; the ingest worker as import does), into `PostgresStore`: validation, identifier HMAC and encryption, of the next batch while this one commits; per batch one transaction with subjects, identifiers and roles through `unnest` arrays, record keys claimed by (source, externalId), the claimed records by COPY, dirty marks, a "record added" notice per record, and the audit entry under the append lock. Two runs: with scoring deferred to the dirty queue (`deriveEachBatch: false`, as a bulk back-fill runs), and with the incremental scoring of `xinyong import` (every 10,000 lines, on a second connection while the following batches are stored, and a final flush, timed): states, list entries and the change feed.',
        `**raw**: one connection COPYing every row the run left in the database (subjects, identifiers, roles, record keys, records, dirty marks, notices, audit entries; with scoring also states, list entries and the change feed), read back with COPY TO beforehand, into a fresh schema made by the same migration, in as many transactions as the run had batches, tables in foreign-key order. Median of 3 runs.`,
        'Rates count records; both sides also store the same subjects and every other row. The ratio is the share of the raw rate the pipeline keeps.',
      ],
      figures: [g, f],
      facts: [
        { name: 'ingest alone: wall time / raw COPY of its rows (median of 3)', value: `${(alone.ms / 1000).toFixed(1)} s / ${(alone.raw.ms / 1000).toFixed(2)} s (${fmtInt(alone.raw.rows)} rows)` },
        { name: 'with scoring: wall time / raw COPY of its rows (median of 3)', value: `${(oursMs / 1000).toFixed(1)} s / ${(raw.ms / 1000).toFixed(2)} s (${fmtInt(raw.rows)} rows)` },
        { name: 'with scoring: in `store.ingest` (wall time, during which the next batch is prepared)', value: `${(insertMs / 1000).toFixed(1)} s (${share(insertMs, oursMs)})` },
        { name: 'with scoring: in the store calls of incremental scoring (beside the ingest, on a second connection: the two shares overlap)', value: `${(deriveMs / 1000).toFixed(1)} s (${share(deriveMs, oursMs)}), of which saveStates ${(probe.ms.saveStates / 1000).toFixed(1)} s` },
        { name: 'derived rows written', value: `${fmtInt(counts.s)} subject states, ${fmtInt(counts.e)} list entries` },
      ],
      notes: [],
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await close();
  }
}
