/**
 * `npm run bench`: runs every benchmark in sequence, prints each figure next to its peer, and
 * writes BENCHMARKS.md. Environment:
 * - BENCH_SCALE: multiplies every size (default 1; e.g. 0.1 for a quick look);
 * - BENCH_ONLY: comma-separated subset of rules, ingest, rescore, check, http, pgingest, stream,
 *   freshness, province-sqlite, province-postgres, or province for both (default: all); pgingest,
 *   stream, freshness and province-postgres need PostgreSQL (BENCH_PG_URL, default the local
 *   server), stream also NATS JetStream (BENCH_NATS_URL, default the local server); the province runs
 *   also read BENCH_PROVINCE_SCALE (bench/province.ts);
 * - BENCH_OUT: where to write the report (default: BENCHMARKS.md at the package root; "-" for none).
 *   A run of a subset keeps the other sections (and their summary rows) of the report it replaces;
 *   every section says when it was measured;
 * - BENCH_HTTP_CPU_PROF: a directory; the http benchmark then runs its server under
 *   `node --cpu-prof` and leaves the profile there (figures measured so are not comparable).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, type as osType, release } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../src/app/paths.js';
import { benchCheck } from './check.js';
import { benchFreshness } from './freshness.js';
import { SCALE, fmtRatio, fmtValue, goalText, log, passed, type BenchResult } from './common.js';
import { benchHttp } from './http.js';
import { benchIngest, type IngestedDb } from './ingest.js';
import { benchPgIngest } from './pg-ingest.js';
import { PROVINCE_TITLES, benchProvince } from './province.js';
import { benchRescore } from './rescore.js';
import { benchRules } from './rules.js';
import { benchStream } from './stream.js';

const ALL = ['rules', 'ingest', 'rescore', 'check', 'http', 'pgingest', 'stream', 'freshness', 'province-sqlite', 'province-postgres'] as const;
/** Names that stand for several benchmarks in BENCH_ONLY. */
const GROUPS: Record<string, Key[]> = { province: ['province-sqlite', 'province-postgres'] };
type Key = (typeof ALL)[number];

/** Section titles, which are also how a report's sections are found again. */
const TITLES: Record<Key, string> = {
  rules: 'Rule evaluation',
  ingest: 'Ingest',
  rescore: 'Full rescore',
  check: 'In-process check()',
  http: 'HTTP checks',
  pgingest: 'PostgreSQL ingest',
  stream: 'Stream ingestion (NATS JetStream)',
  freshness: 'Gate freshness across processes',
  'province-sqlite': PROVINCE_TITLES.sqlite,
  'province-postgres': PROVINCE_TITLES.postgres,
};

function selected(): Set<Key> {
  const v = process.env.BENCH_ONLY;
  if (!v) return new Set(ALL);
  const keys = v.split(',').map((s) => s.trim()).filter(Boolean);
  const out = new Set<Key>();
  for (const k of keys) {
    if (GROUPS[k]) GROUPS[k].forEach((g) => out.add(g));
    else if ((ALL as readonly string[]).includes(k)) out.add(k as Key);
    else throw new Error(`BENCH_ONLY: unknown benchmark '${k}' (have: ${[...ALL, ...Object.keys(GROUPS)].join(', ')})`);
  }
  return out;
}

function machine(): { node: string; cpu: string; cores: number; memory: string; os: string } {
  const c = cpus();
  return {
    node: process.version,
    cpu: c[0]?.model.trim() ?? 'unknown',
    cores: c.length,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${osType()} ${release()}`,
  };
}

/** The parts of an earlier report that a partial run keeps: its date, summary rows and sections by title. */
interface Previous {
  date: string;
  summaryRows: Map<string, string[]>;
  sections: Map<string, string[]>;
}

function parseReport(text: string): Previous {
  const date = /^- Date: (.+)$/m.exec(text)?.[1] ?? 'an earlier run';
  const summaryRows = new Map<string, string[]>();
  const sections = new Map<string, string[]>();
  let title: string | null = null;
  let block: string[] = [];
  const close = () => {
    if (title === null) return;
    while (block.length && block[block.length - 1].trim() === '') block.pop();
    if (title === 'Summary') {
      for (const row of block) {
        if (!row.startsWith('| ') || row.startsWith('| Benchmark |')) continue;
        const bench = row.split('|')[1].trim();
        summaryRows.set(bench, [...(summaryRows.get(bench) ?? []), row]);
      }
    } else sections.set(title, block);
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('## ')) {
      close();
      title = line.slice(3).trim();
      block = [line];
    } else if (title !== null) block.push(line);
  }
  close();
  return { date, summaryRows, sections };
}

/** A section kept from an earlier report, its footer saying when it was measured (if it did not already). */
function keptSection(lines: string[], date: string): string[] {
  return lines.map((l) => (/^_\d+ s\._$/.test(l) ? `${l.slice(0, -2)}; measured ${date}._` : l));
}

function report(results: BenchResult[], started: Date, seconds: number, previous: Previous | null): string {
  const m = machine();
  const ran = new Set(results.map((r) => r.title));
  const kept = previous ? ALL.map((k) => TITLES[k]).filter((t) => !ran.has(t) && previous.sections.has(t)) : [];
  const out: string[] = [];
  out.push('# Benchmarks', '');
  out.push('<!-- Generated by `npm run bench` (bench/run.ts). Do not edit by hand: run it again. -->', '');
  out.push(
    'Every figure is a ratio against a peer measured in the same run, in the same process, on the same data ' +
      '(the HTTP section measures servers in their own processes on the same machine: see its setup). ' +
      'Absolute rates on a shared machine are noise and are shown only to make the ratios checkable; read the ratio column. ' +
      'See DESIGN.md §9.',
    '',
  );
  out.push(`- Date: ${started.toISOString()}`);
  out.push(`- Node: ${m.node} (${m.os})`);
  out.push(`- CPU: ${m.cores} × ${m.cpu}; memory ${m.memory}`);
  out.push(`- BENCH_SCALE: ${SCALE}; whole run ${seconds.toFixed(0)} s`);
  if (kept.length) out.push(`- This run measured ${results.map((r) => r.title).join(', ')}; kept from the report of ${previous?.date} (not re-run): ${kept.join(', ')}`);
  out.push('');

  out.push('## Summary', '');
  out.push('| Benchmark | Measure | Ratio | Goal | Result |', '|---|---|---:|---:|---|');
  const byTitle = new Map(results.map((r) => [r.title, r]));
  const titles = ALL.map((k) => TITLES[k]).filter((t) => byTitle.has(t) || kept.includes(t));
  for (const t of titles) {
    const r = byTitle.get(t);
    if (!r) {
      out.push(...(previous?.summaryRows.get(t) ?? []));
      continue;
    }
    for (const f of r.figures) {
      const ok = passed(f);
      if (ok === null) continue;
      out.push(`| ${r.title} | ${f.measure} | ${fmtRatio(f.ratio)} | ${goalText(f)} | ${ok ? 'pass' : '**miss**'} |`);
    }
  }
  out.push('');

  for (const t of titles) {
    const r = byTitle.get(t);
    if (!r) {
      out.push(...keptSection(previous?.sections.get(t) ?? [], previous?.date ?? ''), '');
      continue;
    }
    out.push(`## ${r.title}`, '');
    for (const s of r.setup) out.push(`- ${s}`);
    out.push('');
    out.push('| Measure | Ours | Peer | Ratio | Goal | Result |', '|---|---:|---:|---:|---:|---|');
    for (const f of r.figures) {
      const ok = passed(f);
      const res = ok === null ? 'info' : ok ? 'pass' : '**miss**';
      out.push(`| ${f.measure} | ${f.ours.label}: ${fmtValue(f, f.ours.rate)} | ${f.peer.label}: ${fmtValue(f, f.peer.rate)} | ${fmtRatio(f.ratio)} | ${goalText(f) ?? '—'} | ${res} |`);
    }
    out.push('');
    if (r.facts?.length) {
      out.push('| Also measured | Value |', '|---|---|');
      for (const f of r.facts) out.push(`| ${f.name} | ${f.value} |`);
      out.push('');
    }
    for (const n of r.notes ?? []) out.push(`${n}`, '');
    out.push(`_${r.seconds.toFixed(0)} s; measured ${started.toISOString()}._`, '');
  }
  return out.join('\n');
}

async function main() {
  const only = selected();
  const started = new Date();
  const t0 = performance.now();
  const m = machine();
  log(`xinyong benchmarks — node ${m.node}, ${m.cores} × ${m.cpu}, BENCH_SCALE=${SCALE}`);
  const results: BenchResult[] = [];
  const run = async (key: Key, fn: () => Promise<BenchResult>) => {
    if (!only.has(key)) return;
    log(`\n▶ ${TITLES[key]}`);
    const r = await fn();
    if (r.title !== TITLES[key]) throw new Error(`benchmark ${key} titled its result '${r.title}', not '${TITLES[key]}'`);
    results.push(r);
    log(`  (${r.seconds.toFixed(0)} s)`);
  };

  await run('rules', benchRules);

  // Ingest builds the database that rescore and check run on; without it they build their own.
  let db: IngestedDb | null = null;
  try {
    await run('ingest', async () => {
      const r = await benchIngest();
      db = r.db;
      return r.result;
    });
    await run('rescore', () => benchRescore(db));
    await run('check', () => benchCheck(db));
  } finally {
    (db as IngestedDb | null)?.remove();
  }
  await run('http', benchHttp);
  await run('pgingest', benchPgIngest);
  await run('stream', benchStream);
  await run('freshness', benchFreshness);
  await run('province-sqlite', () => benchProvince('sqlite'));
  await run('province-postgres', () => benchProvince('postgres'));

  const seconds = (performance.now() - t0) / 1000;
  log('\nSummary');
  for (const r of results) {
    for (const f of r.figures) {
      const ok = passed(f);
      if (ok === null) continue;
      log(`  ${ok ? 'PASS' : 'MISS'}  ${r.title}: ${f.measure}: ${fmtRatio(f.ratio)} (goal ${goalText(f)}; ${fmtValue(f, f.ours.rate)} vs ${fmtValue(f, f.peer.rate)})`);
    }
  }
  const target = process.env.BENCH_OUT ?? join(packageRoot(), 'BENCHMARKS.md');
  if (target !== '-') {
    // A partial run keeps what it did not measure; a full run starts afresh.
    const partial = ALL.some((k) => !only.has(k));
    const previous = partial && existsSync(target) ? parseReport(readFileSync(target, 'utf8')) : null;
    writeFileSync(target, report(results, started, seconds, previous));
    log(`\nWrote ${target} (${seconds.toFixed(0)} s in all).`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
