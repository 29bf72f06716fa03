/**
 * One run of the province-sized benchmark, in a process of its own so that its peak RSS is the
 * run's alone. Started by bench/province.ts; also runnable by hand (after `npm run build`):
 *
 *   node dist/bench/province-run.js --db /tmp/p.db --persons 100000 --enterprises 10000 --records 1000000
 *   node dist/bench/province-run.js --db postgres://postgres@127.0.0.1:5432/xy_p --persons …
 *
 * Options: `--batch <lines per transaction>` (default 1000, `xinyong import --batch-size`),
 * `--derive-every <lines>` (default 10,000, as `xinyong import`), `--no-rescore`.
 *
 * Opens the store with `openStore` (SQLite for a path, PostgreSQL for a URL), migrates, publishes
 * the default catalog, and streams the seeded synthetic city through `Ingestor.ingestBatches` with
 * the settings of `xinyong import` (except that derivation runs in line, so that its share of the
 * time can be measured), then flushes: every subject is then scored and its list
 * entries saved ("built, scored and listed"; registration marks a subject dirty, so this includes
 * those without records). Then, timed apart, a full `deriveAll` (what a catalog change costs at
 * this size) and `store.summary()` (the console's overview). The city is generated as it is fed,
 * never held in memory, so peak RSS is the pipeline's. Prints one JSON line, a `ProvinceRun`.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { publishCatalog } from '../src/app/publish.js';
import type { SubjectKind } from '../src/domain/types.js';
import { Keyring } from '../src/ids/index.js';
import { Ingestor, type IngestItem } from '../src/ingest/ingestor.js';
import { deriveAll } from '../src/app/derive.js';
import { citySize, generateCity } from '../src/sim/index.js';
import { isPostgresUrl, openStore } from '../src/store/open.js';
import { NOW, SEED, instrument, recordsPerPerson } from './common.js';
import { defaultCatalog } from './ingest.js';
import type { ProvinceRun } from './province.js';

const ALL_KINDS = new Set<SubjectKind>(['person', 'enterprise', 'institution', 'government']);

function options() {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      persons: { type: 'string' },
      enterprises: { type: 'string' },
      records: { type: 'string' },
      batch: { type: 'string', default: '1000' },
      'derive-every': { type: 'string', default: '10000' },
      'no-rescore': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const int = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min}, got ${v ?? '(nothing)'}`);
    return n;
  };
  if (!values.db) throw new Error('--db <file or postgres:// URL> is required');
  return {
    db: values.db,
    persons: int('persons', values.persons, 1),
    enterprises: int('enterprises', values.enterprises, 0),
    records: int('records', values.records, 0),
    batch: int('batch', values.batch, 1),
    deriveEvery: int('derive-every', values['derive-every'], 0),
    rescore: !values['no-rescore'],
  };
}

const progress = (msg: string) => process.stderr.write(`    ${msg}\n`);
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/**
 * The mean number of routine records per subject that brings the city to `records` in all: the
 * demo city's own records per person come from a seeded pilot (as the ingest benchmark sizes its
 * city), the rest are routine records spread over every subject.
 */
function routineFor(persons: number, enterprises: number, records: number): { routine: number; subjects: number; expected: number } {
  const size = citySize({ persons, enterprises, seed: SEED, now: NOW });
  const subjects = size.persons + size.enterprises + size.institutions + size.governments;
  const demo = recordsPerPerson(ALL_KINDS, enterprises / persons) * persons;
  const routine = Math.max(0, (records - demo) / subjects);
  return { routine, subjects, expected: Math.round(demo + routine * subjects) };
}

/** Bytes the database takes on disk: the SQLite file and its WAL, or `pg_database_size`. */
async function databaseBytes(db: string): Promise<number> {
  if (isPostgresUrl(db)) {
    const c = new pg.Client({ connectionString: db });
    await c.connect();
    try {
      const r = await c.query<{ n: string }>('SELECT pg_database_size(current_database())::text AS n');
      return Number(r.rows[0].n);
    } finally {
      await c.end();
    }
  }
  let n = 0;
  for (const suffix of ['', '-wal']) {
    try {
      n += statSync(db + suffix).size;
    } catch {
      // No WAL left after a clean close.
    }
  }
  return n;
}

/** Bytes this process has caused to be written to storage so far (Linux `/proc/self/io`), or null. */
function writtenBytes(): number | null {
  try {
    const m = /^write_bytes: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

async function main() {
  const o = options();
  const catalog = defaultCatalog();
  const { routine, subjects, expected } = routineFor(o.persons, o.enterprises, o.records);
  progress(`${o.persons} persons, ${o.enterprises} enterprises, ${subjects} subjects in all; ${routine.toFixed(3)} routine records per subject for ~${expected} records; batches of ${o.batch}, derivation every ${o.deriveEvery} lines`);

  const store = await openStore(o.db);
  await store.migrate();
  await publishCatalog(store, catalog, NOW, 'bench');
  const keyring = Keyring.random();
  const ingestor = new Ingestor(store, catalog, keyring, { now: () => NOW, actor: 'bench', deriveEvery: o.deriveEvery });

  // Where the time goes: the store's write, the incremental derivation (Ingestor.flush, which
  // each commit calls through `this`), and within it the store's reads and saveStates.
  const READS = ['dirtySubjects', 'dirtyMarks', 'subjectsBasic', 'recordsOf', 'relationsOfOrgs', 'enforceableEntries'];
  const probe = instrument(store, ['ingest', ...READS, 'saveStates']);
  const flushProbe = instrument(ingestor, ['flush']);

  let lines = 0;
  let records = 0;
  let rejected = 0;
  let first: unknown = null;
  let generateMs = 0;
  let nextReport = 0.1;
  const totalLines = subjects + expected;
  const city = generateCity({ persons: o.persons, enterprises: o.enterprises, seed: SEED, now: NOW, routine });
  const w0 = writtenBytes();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  function* batches(): Generator<IngestItem[]> {
    for (;;) {
      const g0 = performance.now();
      const batch: IngestItem[] = [];
      while (batch.length < o.batch) {
        const r = city.next();
        if (r.done) break;
        batch.push({ source: r.value.source, line: r.value.line });
        if (r.value.source !== null) records++;
      }
      generateMs += performance.now() - g0;
      if (batch.length === 0) return;
      yield batch;
    }
  }
  // As `xinyong import` does: the next batch is resolved while this one commits.
  await ingestor.ingestBatches(batches(), (b) => b, (results) => {
    for (const r of results) {
      if (r.status === 'rejected') {
        rejected++;
        first ??= r.error;
      }
    }
    lines += results.length;
    if (lines / totalLines >= nextReport) {
      const ms = performance.now() - t0;
      progress(`${Math.round((lines / totalLines) * 100)}%: ${lines} lines in ${sec(ms)} (${Math.round((lines * 1000) / ms)} lines/s)`);
      nextReport += 0.1;
    }
  });
  await ingestor.flush();
  const buildMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const w1 = writtenBytes();
  flushProbe.restore();
  probe.restore();
  if (rejected > 0) throw new Error(`the pipeline rejected ${rejected} city lines (first: ${JSON.stringify(first)})`);
  const leftDirty = (await store.dirtySubjects(1)).length;
  if (leftDirty > 0) throw new Error('subjects are still dirty after the final flush: not every subject was scored');
  const readMs = READS.reduce((n, k) => n + probe.ms[k], 0);
  progress(`built in ${sec(buildMs)}: generation ${sec(generateMs)}, store.ingest ${sec(probe.ms.ingest)}, derivation ${sec(flushProbe.ms.flush)} (reads ${sec(readMs)}, saveStates ${sec(probe.ms.saveStates)})`);

  let rescoreMs: number | null = null;
  let rescored = 0;
  if (o.rescore) {
    const r0 = performance.now();
    rescored = await deriveAll({ store, keyring }, catalog, NOW);
    rescoreMs = performance.now() - r0;
    progress(`deriveAll: ${rescored} subjects in ${sec(rescoreMs)}`);
  }
  const s0 = performance.now();
  const summary = await store.summary();
  const summaryMs = performance.now() - s0;
  await store.close();
  const storedSubjects = Object.values(summary.subjectsByKind).reduce((a, b) => a + b, 0);
  if (summary.records !== records) throw new Error(`the store holds ${summary.records} records; the city sent ${records}`);
  if (storedSubjects !== subjects) throw new Error(`the store holds ${storedSubjects} subjects; the city registered ${subjects}`);
  if (o.rescore && rescored !== subjects) throw new Error(`deriveAll rescored ${rescored} subjects, expected ${subjects}`);

  const out: ProvinceRun = {
    store: isPostgresUrl(o.db) ? 'postgres' : 'sqlite',
    persons: o.persons,
    enterprises: o.enterprises,
    subjects,
    records,
    routinePerSubject: routine,
    batch: o.batch,
    deriveEvery: o.deriveEvery,
    buildMs,
    buildCpuMs: (cpu.user + cpu.system) / 1000,
    // The PostgreSQL server writes in its own processes: nothing to count here.
    buildWrittenBytes: isPostgresUrl(o.db) || w0 === null || w1 === null ? null : w1 - w0,
    generateMs,
    ingestMs: probe.ms.ingest,
    ingestCalls: probe.calls.ingest,
    deriveMs: flushProbe.ms.flush,
    deriveCalls: flushProbe.calls.flush,
    deriveReadMs: readMs,
    saveStatesMs: probe.ms.saveStates,
    saveStatesCalls: probe.calls.saveStates,
    rescoreMs,
    summaryMs,
    scored: Object.values(summary.grades).reduce((n, g) => n + Object.values(g).reduce((a, b) => a + b, 0), 0),
    listed: Object.values(summary.listSizes).reduce((a, b) => a + b, 0),
    listSizes: summary.listSizes,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    dbBytes: await databaseBytes(o.db),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
