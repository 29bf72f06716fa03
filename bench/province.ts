/**
 * Province-sized run (issue 6): 1 M persons, 100 k enterprises and 10 M records built, scored and
 * listed on SQLite and on PostgreSQL, at ¼, ½ and 1× that size, each run in a process of its own
 * (bench/province-run.ts) so that its peak RSS is its own. The peer of each figure is the same
 * store at ¼ size in the same run: cost that grows linearly keeps the per-record rate, a ratio
 * of 1.0.
 *
 * Each store is a benchmark of its own (`province-sqlite`, `province-postgres`; `BENCH_ONLY=province`
 * runs both), with its own section in BENCHMARKS.md: at the full size a store's three runs take
 * hours, and a report can then keep one store's section while the other is measured again.
 *
 * Environment, besides BENCH_SCALE (which multiplies every size):
 * - BENCH_PROVINCE_SCALE: a further factor on the sizes (default 1; e.g. 0.01 for a quick look);
 * - BENCH_PROVINCE_BATCH: lines per batch, as `xinyong import --batch-size` (default 1000, its default);
 * - BENCH_PG_URL: the PostgreSQL server (default postgres://postgres@127.0.0.1:5432/postgres); each
 *   run gets a fresh database `xy_bench_province_<persons>`, dropped afterwards.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { SCALE, figure, fmtInt, log, printFigure, rate, tempDir, type BenchResult, type Figure } from './common.js';

/** What one run (bench/province-run.ts) reports, as one JSON line. */
export interface ProvinceRun {
  store: 'sqlite' | 'postgres';
  persons: number;
  enterprises: number;
  /** Every registered subject: persons, enterprises, institutions, government organs. */
  subjects: number;
  records: number;
  /** The generator's `routine` option: mean extra everyday records per subject. */
  routinePerSubject: number;
  batch: number;
  deriveEvery: number;
  /** Ingest with incremental scoring and listing, and the final flush: the city built, scored and listed. */
  buildMs: number;
  /** CPU time (user + system) of the run's process during the build, garbage-collector threads included; below `buildMs`, the process waited (for storage, or for the database server). */
  buildCpuMs: number;
  /** Bytes the run's process had written to storage during the build (Linux /proc/self/io; SQLite only, the PostgreSQL server writes in its own processes). */
  buildWrittenBytes: number | null;
  /** Of `buildMs`: the city generator producing the lines. */
  generateMs: number;
  /** Of `buildMs`: inside `store.ingest` (one transaction per batch). */
  ingestMs: number;
  ingestCalls: number;
  /** Of `buildMs`: inside `Ingestor.flush` (deriveDirty: read, evaluate, save states and entries). */
  deriveMs: number;
  deriveCalls: number;
  /** Of `deriveMs`: the store's reads (dirty subjects and marks, subjects, records, relations, entries). */
  deriveReadMs: number;
  /** Of `deriveMs`: `store.saveStates`. */
  saveStatesMs: number;
  saveStatesCalls: number;
  /** A full `deriveAll` after the build; null when not run. */
  rescoreMs: number | null;
  summaryMs: number;
  /** Grades given, summed over the schemes (one per subject with the default catalog). */
  scored: number;
  /** Subjects with a pending or active entry, summed over the lists (`summary().listSizes`). */
  listed: number;
  listSizes: Record<string, number>;
  /** `process.resourceUsage().maxRSS` of the run's process, in bytes. */
  peakRssBytes: number;
  dbBytes: number;
}

type StoreName = ProvinceRun['store'];

const BASE = { persons: 1_000_000, enterprises: 100_000, records: 10_000_000 };
const FRACTIONS = [0.25, 0.5, 1] as const;
const FRACTION_NAME: Record<number, string> = { 0.25: '¼', 0.5: '½', 1: '1×' };
/**
 * Lines per batch (one transaction) and the derivation interval: those of `xinyong import`
 * (its `--batch-size` default, overridable with BENCH_PROVINCE_BATCH as `--batch-size` is, and its
 * fixed 10,000).
 */
const BATCH = (() => {
  const v = Number(process.env.BENCH_PROVINCE_BATCH ?? '1000');
  if (!Number.isSafeInteger(v) || v < 1) throw new Error(`BENCH_PROVINCE_BATCH must be a positive integer, got ${process.env.BENCH_PROVINCE_BATCH}`);
  return v;
})();
const DERIVE_EVERY = 10_000;
const LINEARITY_GOAL = 0.8;

const PROVINCE_SCALE = (() => {
  const v = Number(process.env.BENCH_PROVINCE_SCALE ?? '1');
  if (!Number.isFinite(v) || v <= 0) throw new Error(`BENCH_PROVINCE_SCALE must be a positive number, got ${process.env.BENCH_PROVINCE_SCALE}`);
  return v;
})();

const PG_URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface Size {
  fraction: number;
  persons: number;
  enterprises: number;
  records: number;
}

function sizes(): Size[] {
  const k = SCALE * PROVINCE_SCALE;
  return FRACTIONS.map((f) => ({
    fraction: f,
    persons: Math.max(100, Math.round(BASE.persons * k * f)),
    enterprises: Math.max(10, Math.round(BASE.enterprises * k * f)),
    records: Math.max(1000, Math.round(BASE.records * k * f)),
  }));
}

/** Starts bench/province-run.js on `db`, its progress on our stderr; resolves to its JSON line. */
function runChild(db: string, size: Size): Promise<ProvinceRun> {
  const script = fileURLToPath(new URL('./province-run.js', import.meta.url));
  const args = [script, '--db', db, '--persons', String(size.persons), '--enterprises', String(size.enterprises), '--records', String(size.records), '--batch', String(BATCH), '--derive-every', String(DERIVE_EVERY)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) return reject(new Error(`province run on ${db} failed (${signal ?? `exit code ${code}`}); its output is above`));
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as ProvinceRun);
      } catch {
        reject(new Error(`province run on ${db} printed no result line: ${last.slice(0, 200)}`));
      }
    });
  });
}

/**
 * Whether the PostgreSQL adapter has been built. Only its absence skips the PostgreSQL leg; once it
 * exists, every failure (server down, adapter error) fails the benchmark.
 */
function postgresAdapterPresent(): boolean {
  return existsSync(fileURLToPath(new URL('../src/store/postgres/postgres-store.js', import.meta.url)));
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A run in a fresh database on the PostgreSQL server, dropped afterwards. */
async function runPostgres(size: Size): Promise<ProvinceRun> {
  const name = `xy_bench_province_${size.persons}`;
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  try {
    return await runChild(url.toString(), size);
  } finally {
    await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

async function runSqlite(size: Size): Promise<ProvinceRun> {
  const tmp = tempDir('province');
  try {
    return await runChild(tmp.path('province.db'), size);
  } finally {
    tmp.remove();
  }
}

const fmtBytes = (n: number): string => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(2)} GiB` : `${(n / 2 ** 20).toFixed(0)} MiB`);
const fmtS = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const pct = (part: number, whole: number): string => `${Math.round((part / whole) * 100)}%`;
const sizeName = (r: ProvinceRun, f: number): string => `${FRACTION_NAME[f]} (${fmtInt(r.persons)} persons, ${fmtInt(r.enterprises)} enterprises, ${fmtInt(r.records)} records)`;

function describeRun(r: ProvinceRun): string {
  const rest = r.buildMs - r.generateMs - r.ingestMs - r.deriveMs;
  return [
    `build ${fmtS(r.buildMs)}, ${fmtInt(rate(r.records, r.buildMs))} records/s, CPU time ${(r.buildCpuMs / r.buildMs).toFixed(2)}× wall${r.buildWrittenBytes === null ? '' : `, ${fmtInt(r.buildWrittenBytes / r.records / 1024)} KiB written per record`}`,
    `(generation ${pct(r.generateMs, r.buildMs)}, validation and resolution outside a commit ${pct(rest, r.buildMs)}, store.ingest ${pct(r.ingestMs, r.buildMs)}, derivation ${pct(r.deriveMs, r.buildMs)}: reads ${pct(r.deriveReadMs, r.buildMs)}, saveStates ${pct(r.saveStatesMs, r.buildMs)} in ${fmtInt(r.saveStatesCalls)} transactions);`,
    r.rescoreMs === null ? '' : `deriveAll ${fmtS(r.rescoreMs)} (${fmtInt(rate(r.records, r.rescoreMs))} records/s);`,
    `summary ${fmtS(r.summaryMs)}; peak RSS ${fmtBytes(r.peakRssBytes)}; database ${fmtBytes(r.dbBytes)} (${fmtInt(r.dbBytes / r.records)} B/record);`,
    `${fmtInt(r.scored)} grades, ${fmtInt(r.listed)} listings pending or active`,
  ]
    .filter(Boolean)
    .join(' ');
}

/** Section titles, one per store (bench/run.ts finds a kept section by its title). */
export const PROVINCE_TITLES: Record<StoreName, string> = {
  sqlite: 'Province-sized run: SQLite',
  postgres: 'Province-sized run: PostgreSQL',
};

/** The province-sized run on one store: its three sizes, each in a process of its own. */
export async function benchProvince(store: StoreName): Promise<BenchResult> {
  const t0 = performance.now();
  const plan = sizes();
  const title = PROVINCE_TITLES[store];
  const notes: string[] = [];
  if (store === 'postgres' && !postgresAdapterPresent()) {
    const msg = 'Skipped: the PostgreSQL Store adapter (src/store/postgres/postgres-store.ts) is not built yet. Once it exists, this benchmark runs and any failure fails it.';
    log(`  ${msg}`);
    return { key: `province-${store}`, title, setup: [], figures: [], facts: [], notes: [`**${msg}**`], seconds: 0 };
  }
  const by = new Map<number, ProvinceRun>();
  for (const size of plan) {
    log(`  ${store} ${FRACTION_NAME[size.fraction]}: ${fmtInt(size.persons)} persons, ${fmtInt(size.enterprises)} enterprises, ${fmtInt(size.records)} records…`);
    const r = store === 'sqlite' ? await runSqlite(size) : await runPostgres(size);
    by.set(size.fraction, r);
    log(`    ${describeRun(r)}`);
  }

  const rateLabel = (r: ProvinceRun, f: number, ms: number) => ({ label: `${FRACTION_NAME[f]}, ${fmtInt(r.records)} records in ${fmtS(ms)}`, rate: rate(r.records, ms) });
  const q = by.get(0.25) as ProvinceRun;
  const h = by.get(0.5) as ProvinceRun;
  const one = by.get(1) as ProvinceRun;
  const figures: Figure[] = [
    figure('build, ½ vs ¼ (per-record rate)', 'records/s', rateLabel(h, 0.5, h.buildMs), rateLabel(q, 0.25, q.buildMs)),
    figure('build, 1× vs ¼ (per-record rate)', 'records/s', rateLabel(one, 1, one.buildMs), rateLabel(q, 0.25, q.buildMs), LINEARITY_GOAL),
  ];
  if (one.rescoreMs !== null && q.rescoreMs !== null) {
    figures.push(figure('full rescore, 1× vs ¼ (per-record rate)', 'records/s', rateLabel(one, 1, one.rescoreMs), rateLabel(q, 0.25, q.rescoreMs), LINEARITY_GOAL));
  }
  const facts = FRACTIONS.map((f) => ({ name: sizeName(by.get(f) as ProvinceRun, f), value: describeRun(by.get(f) as ProvinceRun) }));
  for (const f of figures) printFigure(f);

  const k = SCALE * PROVINCE_SCALE;
  if (k !== 1) {
    notes.push(`Reduced size: ${k} of the province (BENCH_SCALE ${SCALE} × BENCH_PROVINCE_SCALE ${PROVINCE_SCALE}). Not the province-sized run of issue 6; run with both at 1 for that.`);
  }
  const stated =
    store === 'sqlite'
      ? '**Store**: `SqliteStore` on a temporary file (WAL, synchronous=FULL, as the adapter sets them).'
      : `**Store**: the PostgreSQL adapter on a fresh database \`xy_bench_province_<persons>\` created for the run on ${new URL(PG_URL).host} and dropped after it.`;
  return {
    key: `province-${store}`,
    title,
    setup: [
      `Sizes: ¼, ½ and 1× of ${fmtInt(BASE.persons * k)} persons, ${fmtInt(BASE.enterprises * k)} enterprises (with public institutions and government organs at the generator's defaults, a tenth and a twentieth of the enterprises) and ${fmtInt(BASE.records * k)} records${k === 1 ? ': the province of issue 6' : ` (the province of issue 6 × ${k})`}.`,
      `The synthetic city (seed 7) with the generator's \`routine\` option at ${one.routinePerSubject.toFixed(2)} records per subject: the demo city's own records (fewer than one per subject) plus everyday ones (traffic tickets, volunteering, blood donations; minor administrative penalties for organisations) that list no one, so the lists keep the demo's shares. Every record passes the pipeline's validation; the run fails on any rejection.`,
      `Each run in a process of its own (\`dist/bench/province-run.js\`): \`openStore\`, migrations, the default catalog published, then the city streamed from the generator (never held in memory) through \`Ingestor.ingestBatches\` with the settings of \`xinyong import\`: ${fmtInt(BATCH)} lines per batch (one transaction), the next batch validated and resolved while one commits (so the shares of time below overlap: store.ingest and derivation are wall times during which the next batch is being prepared), incremental scoring of the touched subjects every ${fmtInt(DERIVE_EVERY)} lines (in line: \`xinyong import\` now runs it while the following batches are stored, but in line its share of the time can be measured), notices to subjects on, then a final flush. **build** is the wall time from the first line to the end of the flush, the generator's time included: every subject is then scored and its list entries saved (a registration marks its subject for scoring, so this covers subjects without records). The run checks that no subject is left unscored.`,
      '**full rescore**: then `deriveAll(store, catalog, asOf)` over every subject, timed apart: the pass a catalog change starts. States are unchanged here, so it reads and evaluates everything and writes only what changed, which is little; a catalog change that moves every grade would also write every state.',
      "**peak RSS**: `process.resourceUsage().maxRSS` of the run's process over its whole life. **database**: the SQLite file with its WAL after closing, or `pg_database_size`. **CPU time**: user + system time of the run's process during the build over its wall time (the garbage collector's threads can take it above 1×; below 1×, the process waited for storage or for the PostgreSQL server). **written**: bytes the run's process wrote to storage during the build (`/proc/self/io`; SQLite only).",
      stated,
      `Linearity: each figure divides the per-record rate (records/s) at a size by the rate on the same store at ¼ in the same run. 1.0 is linear; below it cost grows faster than the size. Goal for 1× vs ¼: ≥ ${LINEARITY_GOAL}, per-record throughput at 1× at least ${LINEARITY_GOAL * 100}% of that at ¼.`,
    ],
    figures,
    facts,
    notes,
    seconds: (performance.now() - t0) / 1000,
  };
}
