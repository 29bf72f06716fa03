/**
 * PostgreSQL ingest: the synthetic city through the real pipeline into the PostgreSQL adapter
 * (validation, identifier hashing and encryption, idempotent insert, audit, incremental scoring),
 * against a raw COPY of exactly the rows the pipeline stored, into the same schema, with one
 * transaction per batch of the same lines.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { publishCatalog } from '../src/app/context.js';
import { Keyring } from '../src/ids/index.js';
import { Ingestor, type IngestItem } from '../src/ingest/ingestor.js';
import type { CityItem } from '../src/sim/index.js';
import { PG_MIGRATIONS } from '../src/store/postgres/migrations.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { NOW, cityItems, figure, fmtInt, instrument, log, median, printFigure, rate, share, type BenchResult } from './common.js';
import { BATCH, defaultCatalog, ingestAll, sizeCity, storedKey } from './ingest.js';

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

type Table = 'subjects' | 'subject_identifiers' | 'relations' | 'records';
const COLUMNS: Record<Table, string[]> = {
  subjects: ['subject_id', 'kind', 'name', 'region', 'created_at'],
  subject_identifiers: ['hash', 'subject_id', 'scheme', 'masked', 'encrypted'],
  relations: ['subject_id', 'role', 'person_id', 'since', 'until'],
  records: ['subject_id', 'id', 'source', 'external_id', 'type', 'area', 'occurred_at', 'recorded_at', 'facts', 'catalog_version'],
};

const esc = (v: unknown): string =>
  v === null || v === undefined ? '\\N' : String(v).replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));

/** Per batch of lines, the COPY text of each table: exactly the rows the pipeline stored for them. */
async function rowsOf(store: PostgresStore, keyring: Keyring, items: readonly CityItem[]): Promise<Map<Table, string>[]> {
  const all = async (sql: string) => (await store.pool.query(sql)).rows as Record<string, unknown>[];
  const group = (rows: Record<string, unknown>[], key: string) => {
    const m = new Map<string, Record<string, unknown>[]>();
    for (const r of rows) {
      const k = r[key] as string;
      const a = m.get(k);
      if (a) a.push(r);
      else m.set(k, [r]);
    }
    return m;
  };
  const subjects = group(await all('SELECT * FROM subjects'), 'subject_id');
  const idents = group(await all('SELECT * FROM subject_identifiers'), 'subject_id');
  const relations = group(await all('SELECT * FROM relations'), 'subject_id');
  const records = group(await all('SELECT * FROM records'), 'id');
  const line = (t: Table, r: Record<string, unknown>) => COLUMNS[t].map((c) => esc(r[c])).join('\t') + '\n';
  const batches: Map<Table, string>[] = [];
  for (let i = 0; i < items.length; i += BATCH) {
    const b = new Map<Table, string[]>(Object.keys(COLUMNS).map((t) => [t as Table, []]));
    for (let j = i; j < Math.min(items.length, i + BATCH); j++) {
      const key = storedKey(items[j], keyring);
      if ('subject' in key) {
        const id = key.subject;
        const s = subjects.get(id)?.[0];
        if (!s) throw new Error(`subject ${id} is not in the pipeline's database`);
        b.get('subjects')!.push(line('subjects', s));
        for (const x of idents.get(id) ?? []) b.get('subject_identifiers')!.push(line('subject_identifiers', x));
        for (const x of relations.get(id) ?? []) b.get('relations')!.push(line('relations', x));
      } else {
        const r = records.get(key.record)?.[0];
        if (!r) throw new Error(`record ${key.record} is not in the pipeline's database`);
        b.get('records')!.push(line('records', r));
      }
    }
    batches.push(new Map([...b].map(([t, ls]) => [t, ls.join('')])));
  }
  return batches;
}

/** COPY of the prepared rows into a fresh schema, one transaction per batch; returns milliseconds. */
async function rawCopy(batches: Map<Table, string>[]): Promise<number> {
  const db = await benchSchema('raw');
  const c = new pg.Client({ connectionString: BENCH_PG_URL });
  await c.connect();
  try {
    await c.query(`CREATE SCHEMA ${db.schema}`);
    await c.query(`SET search_path TO ${db.schema}`);
    for (const m of PG_MIGRATIONS) await c.query(m.sql);
    const t0 = performance.now();
    for (const b of batches) {
      await c.query('BEGIN');
      for (const [t, text] of b) {
        if (text) await pipeline(Readable.from([text]), c.query(copyFrom(`COPY ${t} (${COLUMNS[t].join(', ')}) FROM STDIN`)));
      }
      await c.query('COMMIT');
    }
    return performance.now() - t0;
  } finally {
    await c.end();
    await db.drop();
  }
}

/** The same lines through the pipeline without scoring (subjects stay marked dirty for a later drain); returns milliseconds. */
async function ingestOnly(catalog: ReturnType<typeof defaultCatalog>, items: readonly CityItem[]): Promise<number> {
  const db = await benchSchema('alone');
  const store = new PostgresStore(db.url);
  try {
    await store.migrate();
    await publishCatalog(store, catalog, NOW, 'bench');
    const ingestor = new Ingestor(store, catalog, Keyring.random(), { now: () => NOW, actor: 'bench', deriveEachBatch: false });
    const t0 = performance.now();
    for (let i = 0; i < items.length; i += BATCH) {
      const batch: IngestItem[] = items.slice(i, i + BATCH).map((it) => ({ source: it.source, line: it.line }));
      for (const r of await ingestor.ingestBatch(batch)) if (r.status === 'rejected') throw new Error(`the pipeline rejected a city line: ${JSON.stringify(r.error)}`);
    }
    return performance.now() - t0;
  } finally {
    await store.close();
    await db.drop();
  }
}

export async function benchPgIngest(): Promise<BenchResult> {
  const t0 = performance.now();
  const catalog = defaultCatalog();
  const { persons, enterprises } = sizeCity();
  const city = cityItems(persons, enterprises);
  const N = city.records;
  log(`  ${fmtInt(city.items.length)} lines: ${fmtInt(city.subjects)} subject registrations, ${fmtInt(N)} records; batches of ${BATCH}`);
  const db = await benchSchema('ingest');
  const store = new PostgresStore(db.url);
  try {
    await store.migrate();
    await publishCatalog(store, catalog, NOW, 'bench');
    const keyring = Keyring.random();
    const DERIVE = ['dirtySubjects', 'subjectsBasic', 'recordsOf', 'relationsOfOrgs', 'saveStates'];
    const probe = instrument(store, ['ingest', ...DERIVE]);
    const oursMs = await ingestAll(store, catalog, keyring, city.items);
    probe.restore();
    const insertMs = probe.ms.ingest;
    const deriveMs = DERIVE.reduce((n, k) => n + probe.ms[k], 0);
    const counts = (await store.pool.query('SELECT (SELECT COUNT(*) FROM records) AS r, (SELECT COUNT(*) FROM subject_states) AS s, (SELECT COUNT(*) FROM list_entries) AS e')).rows[0] as Record<string, number>;
    if (counts.r !== N) throw new Error(`the pipeline stored ${counts.r} records, expected ${N}`);
    log(`  pipeline: ${(oursMs / 1000).toFixed(1)} s — store.ingest ${(insertMs / 1000).toFixed(1)} s, scoring store calls ${(deriveMs / 1000).toFixed(1)} s`);
    const batches = await rowsOf(store, keyring, city.items);
    const rawTimes: number[] = [];
    for (let k = 0; k < 3; k++) rawTimes.push(await rawCopy(batches));
    const rawMs = median(rawTimes);
    log(`  raw COPY: ${rawTimes.map((t) => (t / 1000).toFixed(2)).join(' / ')} s`);
    const aloneMs = await ingestOnly(catalog, city.items);
    log(`  ingest alone (scoring deferred): ${(aloneMs / 1000).toFixed(1)} s`);
    const f = figure('pipeline with scoring vs raw COPY', 'records/s', { label: 'ours: ingest + incremental scoring', rate: rate(N, oursMs) }, { label: 'raw COPY', rate: rate(N, rawMs) }, 0.4);
    const g = figure('ingest alone vs raw COPY', 'records/s', { label: 'ours: ingest, scoring deferred to the dirty queue', rate: rate(N, aloneMs) }, { label: 'raw COPY', rate: rate(N, rawMs) }, 0.4);
    printFigure(f);
    printFigure(g);
    return {
      key: 'pgingest',
      title: 'PostgreSQL ingest',
      setup: [
        `The synthetic city of the Ingest section (seed 7): ${fmtInt(city.subjects)} subject registrations and ${fmtInt(N)} records, ${fmtInt(city.items.length)} lines in generator order, in batches of ${BATCH} lines, into PostgreSQL ${(await store.pool.query('SHOW server_version')).rows[0].server_version} on this machine (a fresh schema per run; default settings, synchronous_commit on).`,
        '**ours**: `Ingestor.ingestBatch` with the settings of `xinyong import` (incremental scoring every 10,000 lines and a final flush, all timed) into `PostgresStore`: validation, identifier HMAC and encryption, subjects and roles through `unnest` arrays, records through COPY into a staging table and then claimed by (source, externalId), dirty marks, audit entry under the append lock; then scoring of every touched subject, its state and list entries saved.',
        '**ours, ingest alone**: the same, with `deriveEachBatch: false` (as `xinyong demo` and a bulk back-fill run it): records, subjects, roles, dirty marks, notices and audit are stored; scoring is left to the dirty queue, which a running server or the next `xinyong` command drains.',
        '**raw**: one connection COPYing exactly the rows the pipeline stored in subjects, subject_identifiers, relations and records (read back from its database and formatted beforehand) into a fresh schema made by the same migration, one transaction per batch of the same lines. Median of 3 runs.',
        'Rates count records; both sides also store the same subjects. The ratio is the share of the raw rate the pipeline keeps.',
      ],
      figures: [f, g],
      facts: [
        { name: 'pipeline wall time', value: `${(oursMs / 1000).toFixed(1)} s` },
        { name: 'ingest alone wall time', value: `${(aloneMs / 1000).toFixed(1)} s` },
        { name: 'raw COPY wall time (median of 3)', value: `${(rawMs / 1000).toFixed(2)} s` },
        { name: 'pipeline: in `store.ingest`', value: `${(insertMs / 1000).toFixed(1)} s (${share(insertMs, oursMs)})` },
        { name: 'pipeline: in the store calls of incremental scoring', value: `${(deriveMs / 1000).toFixed(1)} s (${share(deriveMs, oursMs)}), of which saveStates ${(probe.ms.saveStates / 1000).toFixed(1)} s` },
        { name: 'derived rows the pipeline also wrote', value: `${fmtInt(counts.s)} subject states, ${fmtInt(counts.e)} list entries` },
      ],
      notes: [],
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await store.close();
    await db.drop();
  }
}
