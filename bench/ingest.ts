/**
 * Ingest: the synthetic city through the real pipeline (validation, identifier hashing and
 * encryption, idempotent insert, audit, incremental scoring) against raw prepared-statement
 * INSERTs of exactly the rows the pipeline stored, into the same schema with the same pragmas and
 * the same batch per transaction.
 */
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { createKeyFileFor } from '../src/app/key-file.js';
import { publishCatalog } from '../src/app/publish.js';
import { defaultCatalogDir } from '../src/app/paths.js';
import { loadCatalogDir } from '../src/app/catalog-files.js';
import { formatIssue, type Catalog } from '../src/catalog/types.js';
import { Keyring, parseSubjectRef } from '../src/ids/index.js';
import { Ingestor, type IngestItem } from '../src/ingest/ingestor.js';
import type { RecordLine, SubjectLine } from '../src/ingest/lines.js';
import { recordId, resolveRecordLine, resolveSubjectLine } from '../src/ingest/resolve.js';
import type { CityItem } from '../src/sim/index.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import type { Store } from '../src/store/port.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { NOW, cityItems, figure, fmtInt, instrument, log, median, printFigure, rate, recordsPerPerson, scaled, share, tempDir, type BenchResult } from './common.js';

export const BATCH = 1000;
const ENTERPRISES_PER_PERSON = 0.1;

/** The database the pipeline built: rescore and check run on it. */
export interface IngestedDb {
  path: string;
  catalog: Catalog;
  records: number;
  subjects: number;
  remove(): void;
}

export function defaultCatalog(): Catalog {
  const r = loadCatalogDir(defaultCatalogDir());
  if (!r.ok) throw new Error(`the default catalog does not load:\n${r.error.map(formatIssue).join('\n')}`);
  return r.value;
}

export function sizeCity(): { persons: number; enterprises: number } {
  const target = scaled(100_000, 2_000);
  const perPerson = recordsPerPerson(new Set(['person', 'enterprise', 'institution', 'government']), ENTERPRISES_PER_PERSON);
  const persons = Math.ceil(target / perPerson);
  return { persons, enterprises: Math.round(persons * ENTERPRISES_PER_PERSON) };
}

/** Feeds the items through `Ingestor.ingestBatches` as `xinyong import` does (derivation every 10,000 lines, then a flush); returns milliseconds. */
export async function ingestAll(store: Store, catalog: Catalog, keyring: Keyring, items: readonly CityItem[], opts: { derive?: boolean } = {}): Promise<number> {
  // The same settings as `xinyong import`: incremental scoring grouped every 10,000 lines (or none: a back-fill that leaves it to the dirty queue).
  const derive = opts.derive !== false;
  const ingestor = new Ingestor(store, catalog, keyring, { now: () => NOW, actor: 'bench', ...(derive ? { deriveEvery: 10_000, deriveInBackground: true } : { deriveEachBatch: false }) });
  const t0 = performance.now();
  let rejected = 0;
  let first: unknown = null;
  function* batches(): Generator<IngestItem[]> {
    for (let i = 0; i < items.length; i += BATCH) {
      const batch: IngestItem[] = [];
      for (let j = i; j < Math.min(items.length, i + BATCH); j++) batch.push({ source: items[j].source, line: items[j].line });
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
  });
  if (derive) await ingestor.flush();
  const ms = performance.now() - t0;
  if (rejected > 0) throw new Error(`the pipeline rejected ${rejected} city lines (first: ${JSON.stringify(first)})`);
  return ms;
}

/**
 * The validation and resolution the pipeline does per line (catalog checks, identifier parsing,
 * HMAC, masking, encryption), alone, without a store: one part of the pipeline's time.
 */
function resolveOnly(catalog: Catalog, keyring: Keyring, items: readonly CityItem[]): number {
  const t0 = performance.now();
  let bad = 0;
  for (const it of items) {
    const r = it.source === null ? resolveSubjectLine(it.line as SubjectLine, keyring, NOW) : resolveRecordLine(it.line, it.source, catalog, keyring, NOW);
    if (!r.ok) bad++;
  }
  const ms = performance.now() - t0;
  if (bad > 0) throw new Error(`${bad} city lines do not resolve`);
  return ms;
}

async function freshStore(path: string, catalog: Catalog): Promise<SqliteStore> {
  const store = new SqliteStore(path);
  await store.migrate();
  await publishCatalog(store, catalog, NOW, 'bench');
  return store;
}

/**
 * A fresh keyring whose key file sits beside the database, so that the rescore benchmark's
 * `openContext` opens it with the key its identifiers were encrypted under (and derivation reads
 * persons' ages from them, as a real deployment does).
 */
function keyringFor(dbPath: string): Keyring {
  const secret = randomBytes(32);
  createKeyFileFor(dbPath, secret);
  return Keyring.fromSecret(secret);
}

/** Builds the database through the pipeline without measuring (when ingest is not benchmarked). */
export async function buildDb(): Promise<IngestedDb> {
  const catalog = defaultCatalog();
  const { persons, enterprises } = sizeCity();
  const city = cityItems(persons, enterprises);
  const tmp = tempDir('db');
  const store = await freshStore(tmp.path('city.db'), catalog);
  await ingestAll(store, catalog, keyringFor(tmp.path('city.db')), city.items);
  await store.close();
  return { path: tmp.path('city.db'), catalog, records: city.records, subjects: city.subjects, remove: tmp.remove };
}

// ---------------------------------------------------------------------------------------------
// The raw peer

/** What a city line stored: the subject id of a registration, or the record id of a record line. */
export function storedKey(it: CityItem, keyring: Keyring): { subject: string } | { record: string } {
  if (it.source !== null) return { record: recordId(it.source, (it.line as RecordLine).externalId) };
  const ref = parseSubjectRef((it.line as SubjectLine).subject);
  if (!ref.ok || ref.value.type !== 'identifier') throw new Error(`bad city subject ${(it.line as SubjectLine).subject}`);
  return { subject: keyring.subjectId(ref.value.scheme, ref.value.value) };
}

type Op = { stmt: 'subject' | 'ident' | 'relation' | 'record'; args: unknown[] };

/**
 * The rows the pipeline stored for each item, in item order, read back from its database: a
 * subject line is its subject row, identifier row and relation rows; a record line its record row.
 */
function rowsOf(path: string, keyring: Keyring, items: readonly CityItem[]): Op[][] {
  const db = new Database(path, { readonly: true });
  type Row = Record<string, unknown>;
  const subjects = new Map<string, Row>();
  for (const r of db.prepare('SELECT * FROM subjects').iterate() as IterableIterator<Row>) subjects.set(r.id as string, r);
  const idents = new Map<string, Row[]>();
  for (const r of db.prepare('SELECT * FROM subject_identifiers').iterate() as IterableIterator<Row>) {
    const a = idents.get(r.subject_id as string);
    if (a) a.push(r);
    else idents.set(r.subject_id as string, [r]);
  }
  const relations = new Map<string, Row[]>();
  for (const r of db.prepare('SELECT * FROM relations').iterate() as IterableIterator<Row>) {
    const a = relations.get(r.subject_id as string);
    if (a) a.push(r);
    else relations.set(r.subject_id as string, [r]);
  }
  const records = new Map<string, Row>();
  for (const r of db.prepare('SELECT * FROM records').iterate() as IterableIterator<Row>) records.set(r.id as string, r);
  db.close();

  const batches: Op[][] = [];
  for (let i = 0; i < items.length; i += BATCH) {
    const ops: Op[] = [];
    for (let j = i; j < Math.min(items.length, i + BATCH); j++) {
      const it = items[j];
      const key = storedKey(it, keyring);
      if ('subject' in key) {
        const id = key.subject;
        const s = subjects.get(id);
        if (!s) throw new Error(`subject ${id} is not in the pipeline's database`);
        ops.push({ stmt: 'subject', args: [s.id, s.kind, s.name, s.region, s.created_at] });
        for (const x of idents.get(id) ?? []) ops.push({ stmt: 'ident', args: [x.hash, x.subject_id, x.scheme, x.masked, x.encrypted] });
        for (const x of relations.get(id) ?? []) ops.push({ stmt: 'relation', args: [x.subject_id, x.role, x.person_id, x.since, x.until] });
      } else {
        const r = records.get(key.record);
        if (!r) throw new Error(`record ${key.record} is not in the pipeline's database`);
        ops.push({
          stmt: 'record',
          args: [r.id, r.subject_id, r.source, r.external_id, r.type, r.area, r.occurred_at, r.recorded_at, r.facts, r.catalog_version],
        });
      }
    }
    batches.push(ops);
  }
  return batches;
}

/** Opens a database the way SqliteStore does (same pragmas) with the same schema. */
export function rawDatabase(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  for (const m of SQLITE_MIGRATIONS) db.exec(m.sql);
  return db;
}

function rawInsert(path: string, batches: readonly Op[][]): number {
  const db = rawDatabase(path);
  const st = {
    subject: db.prepare('INSERT INTO subjects (id, kind, name, region, created_at) VALUES (?, ?, ?, ?, ?)'),
    ident: db.prepare('INSERT INTO subject_identifiers (hash, subject_id, scheme, masked, encrypted) VALUES (?, ?, ?, ?, ?)'),
    relation: db.prepare('INSERT INTO relations (subject_id, role, person_id, since, until) VALUES (?, ?, ?, ?, ?)'),
    record: db.prepare(
      'INSERT INTO records (id, subject_id, source, external_id, type, area, occurred_at, recorded_at, facts, catalog_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
  };
  const tx = db.transaction((ops: readonly Op[]) => {
    for (const o of ops) st[o.stmt].run(...o.args);
  });
  const t0 = performance.now();
  for (const b of batches) tx(b);
  const ms = performance.now() - t0;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return ms;
}

// ---------------------------------------------------------------------------------------------

export async function benchIngest(): Promise<{ result: BenchResult; db: IngestedDb }> {
  const t0 = performance.now();
  const catalog = defaultCatalog();
  const { persons, enterprises } = sizeCity();
  log(`  generating the city: ${fmtInt(persons)} persons, ${fmtInt(enterprises)} enterprises…`);
  const city = cityItems(persons, enterprises);
  const N = city.records;
  log(`  ${fmtInt(city.items.length)} lines: ${fmtInt(city.subjects)} subject registrations, ${fmtInt(N)} records; batches of ${BATCH}`);

  const tmp = tempDir('ingest');
  const dbPath = tmp.path('city.db');
  const keyring = keyringFor(dbPath);
  const db: IngestedDb = { path: dbPath, catalog, records: N, subjects: city.subjects, remove: tmp.remove };
  try {
    const store = await freshStore(dbPath, catalog);
    const DERIVE = ['dirtySubjects', 'subjectsBasic', 'recordsOf', 'relationsOfOrgs', 'ridCiphertexts', 'saveStates'];
    const probe = instrument(store, ['ingest', ...DERIVE]);
    const oursMs = await ingestAll(store, catalog, keyring, city.items);
    probe.restore();
    const insertMs = probe.ms.ingest;
    const deriveMs = DERIVE.reduce((n, k) => n + probe.ms[k], 0);
    const saveMs = probe.ms.saveStates;
    const resolveMs = resolveOnly(catalog, keyring, city.items);
    const counts = store.db.prepare('SELECT (SELECT COUNT(*) FROM records) AS r, (SELECT COUNT(*) FROM subject_states) AS s, (SELECT COUNT(*) FROM list_entries) AS e, (SELECT COUNT(*) FROM audit_log) AS a').get() as Record<string, number>;
    await store.close();
    if (counts.r !== N) throw new Error(`the pipeline stored ${counts.r} records, expected ${N}`);
    log(`  pipeline: ${(oursMs / 1000).toFixed(1)} s — store.ingest ${(insertMs / 1000).toFixed(1)} s, scoring store calls ${(deriveMs / 1000).toFixed(1)} s, resolution alone ${(resolveMs / 1000).toFixed(1)} s (${fmtInt(counts.s)} subject states, ${fmtInt(counts.e)} list entries, ${fmtInt(counts.a)} audit entries written)`);

    const batches = rowsOf(dbPath, keyring, city.items);
    const rawRows = batches.reduce((n, b) => n + b.length, 0);
    const rawTimes: number[] = [];
    for (let k = 0; k < 3; k++) {
      const p = tmp.path(`raw-${k}.db`);
      rawTimes.push(rawInsert(p, batches));
      tmp.removeFile(p);
    }
    const rawMs = median(rawTimes);
    log(`  raw INSERT: ${rawTimes.map((t) => (t / 1000).toFixed(2)).join(' / ')} s (${fmtInt(rawRows)} rows)`);

    const f = figure(
      'pipeline vs raw INSERT',
      'records/s',
      { label: 'ours: Ingestor.ingestBatches', rate: rate(N, oursMs) },
      { label: 'raw better-sqlite3 INSERT', rate: rate(N, rawMs) },
      0.4,
    );
    printFigure(f);
    const result: BenchResult = {
      key: 'ingest',
      title: 'Ingest',
      setup: [
        `The synthetic city (seed 7): ${fmtInt(city.subjects)} subject registrations and ${fmtInt(N)} records, ${fmtInt(city.items.length)} lines in generator order, in batches of ${BATCH} lines.`,
        '**ours**: `Ingestor.ingestBatches` with the settings of `xinyong import` (incremental scoring of the touched subjects every 10,000 lines, run while the following batches are stored, and a final flush, all timed) into a fresh `SqliteStore` on a temporary file: validation against the catalog, identifier HMAC and AES-GCM encryption, idempotent insert, audit entry, then `deriveDirty` scores every touched subject and saves its state and list entries.',
        `**raw**: better-sqlite3 prepared \`INSERT\`s of exactly the rows the pipeline stored in subjects, subject_identifiers, relations and records (${fmtInt(rawRows)} rows), prepared in memory beforehand, into the same schema (the same migration) with the same pragmas (WAL, synchronous=FULL, foreign_keys=ON), one transaction per ${BATCH} lines. Median of 3 runs, each into a fresh file.`,
        'Rates count records; both sides also store the same subjects. The ratio is the share of the raw rate that the pipeline keeps.',
      ],
      figures: [f],
      facts: [
        { name: 'lines (subjects + records)', value: fmtInt(city.items.length) },
        { name: 'pipeline wall time', value: `${(oursMs / 1000).toFixed(1)} s` },
        { name: 'raw wall time (median of 3)', value: `${(rawMs / 1000).toFixed(2)} s` },
        { name: 'pipeline: in `store.ingest` (validated rows, dirty marks, audit; one transaction per batch)', value: `${(insertMs / 1000).toFixed(1)} s (${share(insertMs, oursMs)})` },
        { name: 'pipeline: in the store calls of incremental scoring (dirtySubjects, subjectsBasic, recordsOf, relationsOfOrgs, saveStates)', value: `${(deriveMs / 1000).toFixed(1)} s (${share(deriveMs, oursMs)}), of which saveStates ${(saveMs / 1000).toFixed(1)} s in ${fmtInt(probe.calls.saveStates)} transactions` },
        { name: 'validation and identifier resolution of every line alone (resolveSubjectLine / resolveRecordLine, no store)', value: `${(resolveMs / 1000).toFixed(1)} s (${share(resolveMs, oursMs)} of the pipeline's time)` },
        { name: 'rest of the pipeline (scoring CPU: evaluateSubject, digests; batching)', value: `${(Math.max(0, oursMs - insertMs - deriveMs - resolveMs) / 1000).toFixed(1)} s (${share(Math.max(0, oursMs - insertMs - deriveMs - resolveMs), oursMs)})` },
        { name: 'derived rows the pipeline also wrote', value: `${fmtInt(counts.s)} subject states, ${fmtInt(counts.e)} list entries, ${fmtInt(counts.a)} audit entries` },
      ],
      notes: [],
      seconds: (performance.now() - t0) / 1000,
    };
    return { result, db };
  } catch (e) {
    tmp.remove();
    throw e;
  }
}
