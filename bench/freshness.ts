/**
 * Gate freshness across processes: the time from a listing committed through one API process to
 * its enforcement by another process on the same database. Two `xinyong serve` processes run on
 * one PostgreSQL database (B is woken by LISTEN/NOTIFY), and, as the peer, two on one SQLite file
 * (B follows the change feed by polling it every second, the default `syncEveryMs`).
 *
 * Each sample: a court's dishonest-debtor decision about a person no list reaches is POSTed to A
 * (201: committed and listed there), while B is asked `transport.air.ticket` for that person in
 * a tight loop until it answers deny. The delay counts from the moment the POST was sent (the
 * commit happens after that), so it is an upper bound on commit-to-enforcement.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { freePort } from '../src/app/free-port.js';
import { packageRoot } from '../src/app/paths.js';
import { figure, fmtInt, log, median, printFigure, scaled, type BenchResult } from './common.js';
import { BENCH_PG_URL, benchSchema } from './pg-ingest.js';

const BIN = join(packageRoot(), 'bin', 'xinyong.js');
const AIR = 'transport.air.ticket';

interface Pair {
  a: string;
  b: string;
  keys: Record<string, string>;
  persons: string[];
  stop(): Promise<void>;
}

function cli(args: string[], cwd: string): void {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 600_000 });
  if (r.status !== 0) throw new Error(`xinyong ${args.join(' ')} failed: ${r.stderr}`);
}

async function serve(dbArgs: string[], cwd: string, children: ChildProcess[]): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, ...dbArgs, 'serve', '--port', String(port), '--log-level', 'warn'], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
      if (out.includes('xinyong is serving')) resolve(`http://localhost:${port}`);
    });
    child.on('exit', (code) => reject(new Error(`serve exited (${code}) before listening`)));
  });
}

/** Builds a demo city behind `dbArgs`, starts two servers on it and finds persons no list reaches. */
async function pair(dbArgs: string[], dir: string, unlisted: () => Promise<string[]>): Promise<Pair> {
  cli([...dbArgs, 'demo', '--persons', String(scaled(4000, 500)), '--enterprises', String(scaled(400, 50)), '--no-serve'], dir);
  const keys: Record<string, string> = {};
  for (const line of readFileSync(join(dir, 'demo-keys.env'), 'utf8').split('\n')) {
    const m = /^XY_([A-Z]+)_KEY=(\S+)$/.exec(line);
    if (m) keys[m[1].toLowerCase()] = m[2];
  }
  const children: ChildProcess[] = [];
  const [a, b] = await Promise.all([serve(dbArgs, dir, children), serve(dbArgs, dir, children)]);
  return {
    a,
    b,
    keys,
    persons: await unlisted(),
    stop: async () => {
      for (const c of children) c.kill('SIGTERM');
      await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
    },
  };
}

async function post(url: string, key: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const j = (await r.json()) as Record<string, unknown>;
  if (r.status >= 300) throw new Error(`${url}: ${r.status} ${JSON.stringify(j)}`);
  return j;
}

/** Delays (ms) from sending each listing to A until B denies, for `n` persons. */
async function measure(p: Pair, n: number, tag: string): Promise<number[]> {
  const occurredAt = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
  const out: number[] = [];
  const check = async (person: string) => (await post(`${p.b}/v1/checks`, p.keys.checker, { subject: person, action: AIR })).decision;
  for (const person of p.persons.slice(0, n)) {
    if ((await check(person)) !== 'allow') continue;
    const t0 = performance.now();
    const sent = post(`${p.a}/v1/records`, p.keys.source, { externalId: `fresh-${tag}-${person}`, type: 'court.dishonest-debtor-decision', subject: person, occurredAt, facts: { caseNo: `F-${person}`, court: 'Court', ground: 'evades' } });
    for (;;) {
      if ((await check(person)) === 'deny') break;
      if (performance.now() - t0 > 30_000) throw new Error(`process B never enforced the listing of ${person}`);
    }
    out.push(performance.now() - t0);
    await sent;
  }
  if (out.length < n / 2) throw new Error(`only ${out.length} of ${n} persons were allowed before listing`);
  return out;
}

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)];
};

export async function benchFreshness(): Promise<BenchResult> {
  const t0 = performance.now();
  const N_PG = 200;
  const N_SQLITE = 40;
  const dir = mkdtempSync(join(tmpdir(), 'xy-fresh-'));
  const pgDir = join(dir, 'pg');
  const liteDir = join(dir, 'sqlite');
  const db = await benchSchema('fresh');
  const pgArgs = ['--db', db.url, '--key-file', join(pgDir, 'shared.key')];
  const liteArgs = ['--db', join(liteDir, 'city.db')];
  /** Persons no list reaches; `key` is the subjects table's id column (`subject_id` on PostgreSQL, `id` on SQLite). */
  const unlistedSql = (schema: string, key: string) =>
    `SELECT ${key} AS id FROM ${schema}subjects x WHERE kind = 'person' AND NOT EXISTS (SELECT 1 FROM ${schema}list_entries e WHERE e.subject_id = x.${key}) ORDER BY 1 LIMIT 400`;
  let pgPair: Pair | null = null;
  let litePair: Pair | null = null;
  try {
    for (const d of [pgDir, liteDir]) mkdirSync(d, { recursive: true });
    pgPair = await pair(pgArgs, pgDir, async () => {
      const c = new pg.Client({ connectionString: BENCH_PG_URL });
      await c.connect();
      const rows = (await c.query(unlistedSql(`${db.schema}.`, 'subject_id'))).rows.map((r) => r.id as string);
      await c.end();
      return rows;
    });
    log(`  PostgreSQL: two servers up; ${fmtInt(N_PG)} listings…`);
    const pgDelays = await measure(pgPair, N_PG, 'pg');
    await pgPair.stop();
    pgPair = null;
    litePair = await pair(liteArgs, liteDir, async () => {
      const d = new Database(join(liteDir, 'city.db'), { readonly: true });
      const rows = (d.prepare(unlistedSql('', 'id')).all() as { id: string }[]).map((r) => r.id);
      d.close();
      return rows;
    });
    log(`  SQLite: two servers up; ${fmtInt(N_SQLITE)} listings…`);
    const liteDelays = await measure(litePair, N_SQLITE, 'lite');
    const ms = (x: number) => x.toFixed(1);
    const figs = [
      figure('median, listing via A to enforcement by B', 'ms', { label: 'PostgreSQL, LISTEN/NOTIFY', rate: median(pgDelays) }, { label: 'SQLite file, feed polled every 1 s', rate: median(liteDelays) }, undefined, undefined, { lowerIsBetter: true, fmt: ms, bound: { max: 100 } }),
      figure('p99, listing via A to enforcement by B', 'ms', { label: 'PostgreSQL, LISTEN/NOTIFY', rate: pct(pgDelays, 0.99) }, { label: 'SQLite file, feed polled every 1 s', rate: pct(liteDelays, 0.99) }, undefined, undefined, { lowerIsBetter: true, fmt: ms, bound: { max: 1000 } }),
    ];
    for (const f of figs) printFigure(f);
    return {
      key: 'freshness',
      title: 'Gate freshness across processes',
      setup: [
        `Two \`xinyong serve\` processes on one database, each with its own in-memory gate, on a demo city of ${fmtInt(scaled(4000, 500))} persons and ${fmtInt(scaled(400, 50))} enterprises built by \`xinyong demo --no-serve\`: on PostgreSQL (one schema, a shared \`--key-file\`), and as the peer on one SQLite file.`,
        `Per sample, a court's dishonest-debtor decision about a person no list reached is POSTed to process A (which lists the person in the same request), while process B is asked \`${AIR}\` for that person in a loop until it denies. The delay counts from sending the POST, so it is an upper bound on commit-to-enforcement (it includes A's request and B's check, about a millisecond each).`,
        `PostgreSQL: B LISTENs on \`xy_state_changes\`, which \`saveStates\` notifies on commit, and then reads the change feed. SQLite: B reads the change feed every second (\`syncEveryMs\`, default 1000). ${fmtInt(N_PG)} samples on PostgreSQL, ${fmtInt(N_SQLITE)} on SQLite, one after the other.`,
      ],
      figures: figs,
      facts: [
        { name: 'PostgreSQL: min / median / p90 / p99 / max', value: [Math.min(...pgDelays), median(pgDelays), pct(pgDelays, 0.9), pct(pgDelays, 0.99), Math.max(...pgDelays)].map(ms).join(' / ') + ' ms' },
        { name: 'SQLite: min / median / p90 / p99 / max', value: [Math.min(...liteDelays), median(liteDelays), pct(liteDelays, 0.9), pct(liteDelays, 0.99), Math.max(...liteDelays)].map(ms).join(' / ') + ' ms' },
        { name: 'samples', value: `${pgDelays.length} (PostgreSQL), ${liteDelays.length} (SQLite)` },
      ],
      notes: ['A process whose notification connection drops still polls the feed every second, and reconnects; it then reads the feed at once (docs/scale.md, failure modes).'],
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await pgPair?.stop();
    await litePair?.stop();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
