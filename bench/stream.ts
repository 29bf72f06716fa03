/**
 * Stream ingestion: the synthetic city's records published to NATS JetStream and stored by the
 * ingest worker (`runWorker`, the loop of `xinyong ingest-worker`) into PostgreSQL, against the
 * same records through the path of `xinyong import` (`Ingestor.ingestBatches`) into the same kind
 * of database, in the same run. Both score as they go (every 10,000 lines, and at the end), so
 * the ratio is what the stream costs on top of the pipeline: fetching, acknowledging, and how the
 * worker overlaps its steps.
 *
 * Environment: BENCH_PG_URL (bench/pg-ingest.ts) and BENCH_NATS_URL (default nats://127.0.0.1:4222).
 */
import type { Catalog } from '../src/catalog/types.js';
import { Keyring } from '../src/ids/index.js';
import { Ingestor } from '../src/ingest/ingestor.js';
import { RecordStream, runWorker, type WorkerSummary } from '../src/ingest/stream.js';
import { DEFAULT_PARTITIONS, streamLayout } from '../src/ingest/stream-layout.js';
import type { CityItem } from '../src/sim/index.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { NOW, cityItems, figure, fmtInt, log, median, printFigure, rate, type BenchResult } from './common.js';
import { BATCH, defaultCatalog, ingestAll, sizeCity } from './ingest.js';
import { freshPgStore } from './pg-ingest.js';

const NATS_URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222';
/** `xinyong ingest-worker --batch`'s default: messages per fetch and per transaction. */
const WORKER_BATCH = 500;
/** Lines per `publishLines` call, all in flight together. */
const PUBLISH_CHUNK = 1000;
const ROUNDS = 3;
const GOAL = 0.8;

/** A fresh database with the catalog and the city's subjects registered and scored (not timed). */
async function registered(name: string, catalog: Catalog, keyring: Keyring, registrations: readonly CityItem[]) {
  const db = await freshPgStore(name, catalog);
  await ingestAll(db.store, catalog, keyring, registrations);
  return db;
}

async function countRecords(store: PostgresStore): Promise<number> {
  return Number((await store.pool.query('SELECT COUNT(*)::int AS n FROM records')).rows[0].n);
}

/** The records through `xinyong import`'s path, scoring as they go: milliseconds. */
async function viaImport(catalog: Catalog, registrations: readonly CityItem[], records: readonly CityItem[]): Promise<number> {
  const keyring = Keyring.random();
  const db = await registered('simport', catalog, keyring, registrations);
  try {
    const ms = await ingestAll(db.store, catalog, keyring, records);
    const n = await countRecords(db.store);
    if (n !== records.length) throw new Error(`the import path stored ${n} records, expected ${records.length}`);
    return ms;
  } finally {
    await db.close();
  }
}

interface WorkerRun {
  publishMs: number;
  /** From the worker's start to its last acknowledgement, plus its final scoring flush. */
  workerMs: number;
  finalFlushMs: number;
  summary: WorkerSummary;
}

/** The records published to a fresh stream, then stored by one worker: milliseconds of each. */
async function viaWorker(catalog: Catalog, registrations: readonly CityItem[], records: readonly CityItem[], round: number): Promise<WorkerRun> {
  const keyring = Keyring.random();
  const db = await registered('sworker', catalog, keyring, registrations);
  const layout = streamLayout({ prefix: `bench${process.pid}r${round}`, partitions: DEFAULT_PARTITIONS });
  const stream = await RecordStream.open(NATS_URL, layout, 'xinyong bench');
  const durable = 'bench-ingest';
  try {
    const p0 = performance.now();
    for (let i = 0; i < records.length; ) {
      const source = records[i].source as string;
      const lines: unknown[] = [];
      while (i < records.length && records[i].source === source && lines.length < PUBLISH_CHUNK) lines.push(records[i++].line);
      const acks = await stream.publishLines(source, lines);
      if (acks.some((a) => a.duplicate)) throw new Error('JetStream dropped a city line as a duplicate: the city has repeated (source, externalId) pairs');
    }
    const publishMs = performance.now() - p0;

    // The settings of `xinyong ingest-worker`, on the bench's fixed clock.
    const ingestor = new Ingestor(db.store, catalog, keyring, { now: () => NOW, actor: 'ingest-worker', deriveEvery: 10_000, deriveInBackground: true });
    let finalFlushMs = 0;
    const flush = ingestor.flush.bind(ingestor);
    ingestor.flush = async (now) => {
      const t = performance.now();
      await flush(now);
      finalFlushMs = performance.now() - t;
    };
    const stop = new AbortController();
    const t0 = performance.now();
    const running = runWorker({ stream, ingestor, durable, batch: WORKER_BATCH, ackWaitMs: 60_000, signal: stop.signal, log: (l) => log(`    ${l}`) });
    // Done when every message is acknowledged: then the worker is stopped, and its final flush
    // (which an idle worker runs after an empty fetch) is added; the wait for that fetch is not.
    let ackedMs = 0;
    for (;;) {
      await new Promise((r) => setTimeout(r, 10));
      const info = await stream.jsm.consumers.info(layout.stream, durable).catch(() => null);
      if (info && info.num_pending === 0 && info.num_ack_pending === 0 && info.delivered.stream_seq >= records.length) {
        ackedMs = performance.now() - t0;
        break;
      }
    }
    stop.abort();
    const summary = await running;
    const n = await countRecords(db.store);
    if (n !== records.length || summary.stored !== records.length || summary.dead !== 0) {
      throw new Error(`the worker stored ${n} records (summary: ${JSON.stringify(summary)}), expected ${records.length} and no dead letters`);
    }
    return { publishMs, workerMs: ackedMs + finalFlushMs, finalFlushMs, summary };
  } finally {
    await stream.deleteStreams();
    await stream.close();
    await db.close();
  }
}

export async function benchStream(): Promise<BenchResult> {
  const t0 = performance.now();
  const catalog = defaultCatalog();
  const { persons, enterprises } = sizeCity();
  const city = cityItems(persons, enterprises);
  const registrations = city.items.filter((it) => it.source === null);
  const records = city.items.filter((it) => it.source !== null);
  log(`  ${fmtInt(registrations.length)} subjects registered beforehand; ${fmtInt(records.length)} records, published to ${NATS_URL} in ${DEFAULT_PARTITIONS} partitions`);

  const importMs: number[] = [];
  const workers: WorkerRun[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    importMs.push(await viaImport(catalog, registrations, records));
    log(`    import path: ${(importMs[round] / 1000).toFixed(1)} s`);
    const w = await viaWorker(catalog, registrations, records, round);
    workers.push(w);
    log(`    published in ${(w.publishMs / 1000).toFixed(1)} s; worker ${(w.workerMs / 1000).toFixed(1)} s (final flush ${(w.finalFlushMs / 1000).toFixed(1)} s), ${w.summary.batches} batches`);
  }
  const imp = median(importMs);
  const wk = median(workers.map((w) => w.workerMs));
  const pub = median(workers.map((w) => w.publishMs));
  const N = records.length;
  const f = figure(
    'ingest worker vs the import path, scoring as they go',
    'records/s',
    { label: `ours: ingest-worker (batches of ${WORKER_BATCH})`, rate: rate(N, wk) },
    { label: `xinyong import's path (batches of ${BATCH})`, rate: rate(N, imp) },
    GOAL,
  );
  printFigure(f);
  return {
    key: 'stream',
    title: 'Stream ingestion (NATS JetStream)',
    setup: [
      `The records of the synthetic city of the Ingest section (seed 7): ${fmtInt(N)} records about ${fmtInt(registrations.length)} subjects, who are registered and scored beforehand (not timed), into PostgreSQL on this machine (a fresh schema per run). NATS ${NATS_URL}, on the same 2 cores, file storage.`,
      `**ours**: the records published to a fresh records stream (${DEFAULT_PARTITIONS} partitions by subject, ${fmtInt(PUBLISH_CHUNK)} publishes in flight, each awaited until JetStream stored it), then one worker, \`runWorker\` with the settings of \`xinyong ingest-worker\` (a durable pull consumer, ${WORKER_BATCH} messages per fetch and transaction, an ack only after the commit, scoring every 10,000 lines). Timed from the worker's start until JetStream reports every message acknowledged, plus the worker's final scoring flush (which an idle worker runs after an empty fetch; the wait for that fetch is left out).`,
      `**peer**: the same records through \`Ingestor.ingestBatches\` with the settings of \`xinyong import\` (${BATCH} lines per transaction, the next batch resolved while one commits, scoring every 10,000 lines, and a final flush, timed).`,
      `Both check that exactly ${fmtInt(N)} records are stored (and, for the worker, that none went to dead letters). Medians of ${ROUNDS} rounds, each round the import first, then the worker.`,
    ],
    figures: [f],
    facts: [
      { name: 'publishing (not in the ratio)', value: `${(pub / 1000).toFixed(1)} s: ${fmtInt(rate(N, pub))} records/s` },
      { name: 'worker, per round', value: workers.map((w) => `${(w.workerMs / 1000).toFixed(1)} s (final flush ${(w.finalFlushMs / 1000).toFixed(1)} s, ${w.summary.batches} batches)`).join('; ') },
      { name: 'import path, per round', value: importMs.map((m) => `${(m / 1000).toFixed(1)} s`).join('; ') },
    ],
    notes: [],
    seconds: (performance.now() - t0) / 1000,
  };
}
