/**
 * Shared pieces of the benchmark suite: timing (warm-up, median of runs), the result shape that
 * run.ts prints and writes to BENCHMARKS.md, sizes scaled by BENCH_SCALE, and the synthetic city
 * turned into the shapes each benchmark needs.
 *
 * Absolute times on a shared machine are noise; every figure here is a ratio against a peer that
 * runs in the same process, in the same run, on the same data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Catalog } from '../src/catalog/types.js';
import type { CreditRecord, Instant, SubjectKind } from '../src/domain/types.js';
import type { RecordLine, SubjectLine } from '../src/ingest/lines.js';
import { usccSubjectKind } from '../src/ids/index.js';
import { generateCity, type CityItem } from '../src/sim/index.js';

/** Every size in the suite is multiplied by BENCH_SCALE (default 1). */
export const SCALE = (() => {
  const v = Number(process.env.BENCH_SCALE ?? '1');
  if (!Number.isFinite(v) || v <= 0) throw new Error(`BENCH_SCALE must be a positive number, got ${process.env.BENCH_SCALE}`);
  return v;
})();

export const scaled = (n: number, min = 1): number => Math.max(min, Math.round(n * SCALE));

/** The instant the synthetic city is built at, fixed so runs compare. */
export const NOW: Instant = Date.UTC(2026, 0, 15, 12);
export const SEED = 7;

// ---------------------------------------------------------------------------------------------
// Results

/** One line of a benchmark's table: our rate next to a peer's, measured in the same run. */
export interface Figure {
  /** What is compared, e.g. "rule loop vs json-rules-engine". */
  measure: string;
  ours: { label: string; rate: number };
  peer: { label: string; rate: number };
  unit: string;
  /** ours.rate / peer.rate */
  ratio: number;
  /** Minimum ratio we aim for; absent for figures given for information. */
  goal?: number;
  /**
   * An absolute goal on our own figure, besides or instead of a ratio: a floor on a rate
   * (`min`, inclusive) or a ceiling on a latency (`max`, exclusive).
   */
  bound?: { min?: number; max?: number };
  /**
   * Lower is better (latencies). The ratio is then peer / ours, so that a ratio above 1× still
   * means ahead of the peer and every ratio in the report reads the same way.
   */
  lowerIsBetter?: boolean;
  /** How to print ours and the peer (default `fmtRate`). */
  fmt?: (x: number) => string;
  note?: string;
}

export interface BenchResult {
  key: string;
  title: string;
  /** What was measured, on which data, how. */
  setup: string[];
  figures: Figure[];
  /** Extra measurements without a peer (sizes, memory), shown as a small table. */
  facts?: { name: string; value: string }[];
  /** Diagnosis, caveats. */
  notes?: string[];
  seconds: number;
}

export function figure(
  measure: string,
  unit: string,
  ours: { label: string; rate: number },
  peer: { label: string; rate: number },
  goal?: number,
  note?: string,
  more: Pick<Figure, 'bound' | 'lowerIsBetter' | 'fmt'> = {},
): Figure {
  const ratio = more.lowerIsBetter ? peer.rate / ours.rate : ours.rate / peer.rate;
  return { measure, unit, ours, peer, ratio, goal, note, ...more };
}

/** Whether a figure meets its goals (ratio and absolute bound alike); null when it has none. */
export const passed = (f: Figure): boolean | null => {
  if (f.goal === undefined && f.bound === undefined) return null;
  const b = f.bound;
  return (f.goal === undefined || f.ratio >= f.goal) && (b?.min === undefined || f.ours.rate >= b.min) && (b?.max === undefined || f.ours.rate < b.max);
};

/** A figure's value as printed: its own format or `fmtRate`, with the unit. */
export const fmtValue = (f: Figure, x: number): string => `${(f.fmt ?? fmtRate)(x)} ${f.unit}`;

/** The goals of a figure as the report writes them ("≥ 0.25×; ours < 5 ms"); null when it has none. */
export function goalText(f: Figure): string | null {
  const parts: string[] = [];
  if (f.goal !== undefined) parts.push(`≥ ${f.goal}×`);
  if (f.bound?.min !== undefined) parts.push(`ours ≥ ${fmtValue(f, f.bound.min)}`);
  if (f.bound?.max !== undefined) parts.push(`ours < ${fmtValue(f, f.bound.max)}`);
  return parts.length ? parts.join('; ') : null;
}

// ---------------------------------------------------------------------------------------------
// Timing

export interface Timing<T> {
  /** Milliseconds of each measured run. */
  runs: number[];
  median: number;
  /** The value the last run returned (a checksum, so that no work can be optimised away). */
  value: T;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times measured; returns the median. */
export function timeSync<T>(fn: () => T, runs = 5, warmup = 1): Timing<T> {
  let value = undefined as T;
  for (let i = 0; i < warmup; i++) value = fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = fn();
    times.push(performance.now() - t0);
  }
  return { runs: times, median: median(times), value };
}

export async function timeAsync<T>(fn: () => Promise<T>, runs = 5, warmup = 1): Promise<Timing<T>> {
  let value = undefined as T;
  for (let i = 0; i < warmup; i++) value = await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = await fn();
    times.push(performance.now() - t0);
  }
  return { runs: times, median: median(times), value };
}

/** Items per second from a count and milliseconds. */
export const rate = (n: number, ms: number): number => (n * 1000) / ms;

export function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('run with node --expose-gc (npm run bench does)');
  // Several passes: weak references and finalisers can free more on the second one.
  for (let i = 0; i < 4; i++) g();
}

export function log(msg: string): void {
  process.stdout.write(`${msg}\n`);
}

export function fmtRate(r: number): string {
  if (r >= 1e6) return `${(r / 1e6).toFixed(2)} M`;
  if (r >= 1e3) return `${(r / 1e3).toFixed(1)} k`;
  return r.toFixed(1);
}

export function fmtRatio(x: number): string {
  if (x >= 100) return `${x.toFixed(0)}×`;
  if (x >= 10) return `${x.toFixed(1)}×`;
  return `${x.toFixed(2)}×`;
}

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Prints a figure next to its peer as soon as it is measured. */
export function printFigure(f: Figure): void {
  const ok = passed(f);
  const verdict = ok === null ? '' : `  goal ${goalText(f)}: ${ok ? 'PASS' : 'MISS'}`;
  log(`  ${f.measure}: ${f.ours.label} ${fmtValue(f, f.ours.rate)} vs ${f.peer.label} ${fmtValue(f, f.peer.rate)} → ${fmtRatio(f.ratio)}${verdict}`);
}

// ---------------------------------------------------------------------------------------------
// Temporary databases

export interface TempDir {
  dir: string;
  path(name: string): string;
  /** Removes a database file with its WAL and shared-memory files. */
  removeFile(path: string): void;
  remove(): void;
}

export function tempDir(prefix: string): TempDir {
  const dir = mkdtempSync(join(tmpdir(), `xinyong-bench-${prefix}-`));
  return {
    dir,
    path: (name: string) => join(dir, name),
    removeFile: (path: string) => {
      for (const suffix of ['', '-wal', '-shm', '.key']) rmSync(path + suffix, { force: true });
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness for the benchmarks' own choices (never Math.random: runs must compare).

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// The synthetic city as plain CreditRecords (no store, no keyring): for the pure benchmarks.

export interface CitySubject {
  id: string;
  kind: SubjectKind;
  createdAt: Instant;
  /** Index of its first record in `records`, and how many it has (records come grouped by subject). */
  first: number;
  count: number;
}

export interface CityRecords {
  records: CreditRecord[];
  /** Subject kind of each record, parallel to `records`. */
  kinds: SubjectKind[];
  /** Subjects that have at least one kept record. */
  subjects: CitySubject[];
  /** Subject registrations seen (including those without records). */
  registered: number;
}

/**
 * Generates a city and keeps the records of subjects of `keepKinds` as CreditRecords, the way the
 * store hands them to scoring: valid time from the line, recorded a day later (as the demo does),
 * no status changes. Subject ids are the identifier references themselves: scoring never looks
 * inside them.
 */
export function cityRecords(catalog: Catalog, opts: { persons: number; enterprises: number; keepKinds: ReadonlySet<SubjectKind> }): CityRecords {
  const records: CreditRecord[] = [];
  const kinds: SubjectKind[] = [];
  const subjects: CitySubject[] = [];
  const registeredAt = NOW - 3 * 366 * 86_400_000;
  let registered = 0;
  let current: CitySubject | null = null;
  for (const item of generateCity({ persons: opts.persons, enterprises: opts.enterprises, seed: SEED, now: NOW })) {
    if (item.source === null) {
      const s = item.line as SubjectLine;
      registered++;
      if (kindOfRef(s.subject) !== s.subjectKind) throw new Error(`the city registers ${s.subject} as a ${s.subjectKind}`);
      continue;
    }
    const line = item.line as RecordLine;
    const kind = kindOfRef(line.subject);
    if (!opts.keepKinds.has(kind)) continue;
    const rt = catalog.recordTypes.get(line.type);
    if (!rt) throw new Error(`the city sent a record of type ${line.type}, which the catalog does not declare`);
    const occurredAt = Date.parse(line.occurredAt);
    if (current === null || current.id !== line.subject) {
      current = { id: line.subject, kind, createdAt: registeredAt, first: records.length, count: 0 };
      subjects.push(current);
    }
    current.count++;
    records.push({
      id: `r_${records.length.toString(16).padStart(12, '0')}`,
      source: item.source,
      externalId: line.externalId,
      type: line.type,
      area: rt.doc.area,
      subjectId: line.subject,
      occurredAt,
      recordedAt: Math.min(NOW, occurredAt + 86_400_000),
      facts: line.facts,
      catalogVersion: catalog.version,
      statuses: [],
    });
    kinds.push(kind);
  }
  return { records, kinds, subjects, registered };
}

/**
 * The kind of subject an identifier names, without a lookup table (a million-entry map costs more
 * garbage-collector time than the rest of the generation): what resolve.ts derives as well.
 */
function kindOfRef(ref: string): SubjectKind {
  if (ref.startsWith('cn-rid:')) return 'person';
  if (ref.startsWith('cn-uscc:')) return usccSubjectKind(ref.slice('cn-uscc:'.length));
  throw new Error(`the city uses an identifier scheme the benchmarks do not know: ${ref.slice(0, ref.indexOf(':'))}`);
}

/** The city as ingest items, in the order the generator sends them. */
export function cityItems(persons: number, enterprises: number): { items: CityItem[]; records: number; subjects: number } {
  const items: CityItem[] = [];
  let records = 0;
  for (const item of generateCity({ persons, enterprises, seed: SEED, now: NOW })) {
    items.push(item);
    if (item.source !== null) records++;
  }
  return { items, records, subjects: items.length - records };
}

/**
 * Records per subject the city generates, from a small pilot: lets a benchmark size the city
 * for a target number of records without generating it twice.
 */
export function recordsPerPerson(keepKinds: ReadonlySet<SubjectKind>, enterprisesPerPerson: number): number {
  const persons = 20_000;
  let n = 0;
  for (const item of generateCity({ persons, enterprises: Math.round(persons * enterprisesPerPerson), seed: SEED + 1, now: NOW })) {
    if (item.source !== null && keepKinds.has(kindOfRef((item.line as RecordLine).subject))) n++;
  }
  return n / persons;
}

// ---------------------------------------------------------------------------------------------
// Where the time goes: wall time spent inside some async methods of an object (the store), for
// the breakdowns in the report. The wrappers cost a promise each, which is noise at these sizes.

export interface Instrumented {
  /** Milliseconds spent in each method so far. */
  ms: Record<string, number>;
  calls: Record<string, number>;
  reset(): void;
  restore(): void;
}

export function instrument(obj: object, names: readonly string[]): Instrumented {
  const target = obj as Record<string, unknown>;
  const ms: Record<string, number> = {};
  const calls: Record<string, number> = {};
  const originals = new Map<string, unknown>();
  for (const name of names) {
    const fn = target[name];
    if (typeof fn !== 'function') throw new Error(`cannot instrument ${name}: not a method`);
    originals.set(name, fn);
    ms[name] = 0;
    calls[name] = 0;
    target[name] = async function (this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      try {
        return await (fn as (...a: unknown[]) => Promise<unknown>).apply(obj, args);
      } finally {
        ms[name] += performance.now() - t0;
        calls[name]++;
      }
    };
  }
  return {
    ms,
    calls,
    reset: () => {
      for (const n of names) {
        ms[n] = 0;
        calls[n] = 0;
      }
    },
    restore: () => {
      // Deleting the own property brings back the prototype's method.
      for (const n of names) delete target[n];
    },
  };
}

export const share = (part: number, whole: number): string => `${((part / whole) * 100).toFixed(0)}%`;
