/**
 * Checks over HTTP: `POST /v1/checks` driven by autocannon against a Redis `SISMEMBER` of the same
 * deny set at the same concurrency, and `POST /v1/checks:batch` of 10,000 subjects against one
 * `SMISMEMBER` of the same 10,000 ids.
 *
 * The server runs as `xinyong serve` in a child process (logging at `warn`, so no request lines),
 * on a demo city built by `xinyong demo --no-serve`, with a checker key from `xinyong keys create`:
 * exactly what an operator would run. The load generators (autocannon, the Redis client loops,
 * fetch for the batches) run in this process; redis-server is its own process. Both peers thus
 * share the machine's cores with their load generator alike. A bare `node:http` server answering
 * from a `Set` of the same ids, in a child process of its own, gives the floor that any Node HTTP
 * service meets on this machine (for information).
 *
 * Peers are measured in interleaved rounds, so that a noisy neighbour hurts them alike.
 * Redis must be running at 127.0.0.1:6379; if it is not, this benchmark fails rather than skip.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createClient } from 'redis';
import { openContext } from '../src/app/context.js';
import { freePort } from '../src/app/free-port.js';
import { packageRoot } from '../src/app/paths.js';
import { gateFromStore } from './check.js';
import { SEED, figure, fmtInt, log, mulberry32, printFigure, scaled, share, tempDir, type BenchResult, type Figure } from './common.js';

const ACTION = 'transport.air.ticket';
const REDIS_URL = 'redis://127.0.0.1:6379';
const REDIS_START = 'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log';

/** In-flight requests for single checks: autocannon connections, and Redis client loops. */
const CONNECTIONS = 10;
/** Interleaved rounds, and seconds of each peer's run in a round. */
const ROUNDS = 2;
const SINGLE_SECONDS = 4;
/** Subjects per batch, batches in flight, seconds of each batch run in a round. */
const BATCH = 10_000;
const BATCH_IN_FLIGHT = [1, 2] as const;
const BATCH_SECONDS = 2.5;
/** Share of checked subjects that the gate denies (the rest: known subjects it allows). */
const DENIED_SHARE = 0.1;
/** Distinct requests autocannon cycles through (every connection starts from the first). */
const DISTINCT_REQUESTS = 4096;

const ms2 = (x: number) => x.toFixed(2);

// ---------------------------------------------------------------------------------------------
// Latencies, recorded exactly (autocannon's own histogram keeps whole milliseconds)

interface LatencySummary {
  n: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

class Latencies {
  private xs = new Float64Array(1 << 16);
  n = 0;

  add(ms: number): void {
    if (this.n === this.xs.length) {
      const b = new Float64Array(this.xs.length * 2);
      b.set(this.xs);
      this.xs = b;
    }
    this.xs[this.n++] = ms;
  }

  summary(): LatencySummary {
    if (this.n === 0) throw new Error('no latencies recorded');
    const s = this.xs.slice(0, this.n).sort();
    const q = (p: number) => s[Math.min(this.n - 1, Math.max(0, Math.ceil(p * this.n) - 1))];
    let sum = 0;
    for (let i = 0; i < this.n; i++) sum += s[i];
    return { n: this.n, mean: sum / this.n, p50: q(0.5), p90: q(0.9), p99: q(0.99), p999: q(0.999), max: s[this.n - 1] };
  }
}

// ---------------------------------------------------------------------------------------------
// CPU time of the processes involved, to show how the two cores were shared

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds (user + system, all threads) a process has used, from /proc; null off Linux. */
function procCpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK;
  } catch {
    return null;
  }
}

const ownCpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

type CpuProbe = () => Promise<number | null>;

/** One peer's measurements, accumulated over the rounds. */
class Tally {
  readonly lat = new Latencies();
  /** Operations completed: requests, or subject-checks for batches. */
  units = 0;
  seconds = 0;
  private serverCpu: number | null = 0;
  private clientCpu = 0;
  /** autocannon's own p99 (whole milliseconds; worst round) and response bytes, when autocannon drove it. */
  cannonP99 = 0;
  bytes = 0;

  get rate(): number {
    return this.units / this.seconds;
  }

  get requests(): number {
    return this.lat.n;
  }

  /** Cores busy on average: the server (or redis-server), and this process (the load generator). */
  cores(): string {
    const s = this.serverCpu === null ? '?' : (this.serverCpu / this.seconds).toFixed(2);
    return `server ${s}, load generator ${(this.clientCpu / this.seconds).toFixed(2)}`;
  }

  /** Starts timing a run; the returned function closes it. */
  async start(serverCpu: CpuProbe): Promise<() => Promise<void>> {
    const s0 = await serverCpu();
    const c0 = ownCpuSeconds();
    const t0 = performance.now();
    return async () => {
      this.seconds += (performance.now() - t0) / 1000;
      this.clientCpu += ownCpuSeconds() - c0;
      const s1 = await serverCpu();
      this.serverCpu = this.serverCpu === null || s0 === null || s1 === null ? null : this.serverCpu + (s1 - s0);
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Load generators

/** autocannon against a running server: the given requests in turn on every connection. A null tally: warm-up. */
async function cannon(into: Tally | null, url: string, requests: autocannon.Request[], seconds: number, serverCpu: CpuProbe): Promise<void> {
  const t = into ?? new Tally();
  let bad = 0;
  const stop = await t.start(serverCpu);
  const inst = autocannon({ url, connections: CONNECTIONS, duration: seconds, pipelining: 1, timeout: 10, requests });
  inst.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    if (status === 200) {
      t.lat.add(ms);
      t.units++;
    } else bad++;
  });
  const res = await inst;
  await stop();
  if (res.errors || res.timeouts || res.non2xx || bad) {
    throw new Error(`autocannon against ${url}: ${res.errors} errors, ${res.timeouts} timeouts, ${res.non2xx} non-2xx responses (${JSON.stringify(res.statusCodeStats)})`);
  }
  t.cannonP99 = Math.max(t.cannonP99, res.latency.p99);
  t.bytes += res.throughput.total;
}

/**
 * `concurrency` async loops, each awaiting one operation at a time over `items` (each loop from its
 * own offset) until `seconds` have passed. `op` returns how many units it did. A null tally: warm-up.
 */
async function loops<T>(into: Tally | null, items: readonly T[], concurrency: number, seconds: number, op: (x: T, loop: number) => Promise<number>, serverCpu: CpuProbe): Promise<void> {
  const t = into ?? new Tally();
  const stop = await t.start(serverCpu);
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, k) => {
      let i = Math.floor((k * items.length) / concurrency);
      while (performance.now() < end) {
        const x = items[i++ % items.length];
        const t0 = performance.now();
        const done = await op(x, k); // not `t.units += await …`: that reads `units` before awaiting
        t.lat.add(performance.now() - t0);
        t.units += done;
      }
    }),
  );
  await stop();
}

// ---------------------------------------------------------------------------------------------
// Servers in their own processes

interface ServerProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

const bin = () => join(packageRoot(), 'bin', 'xinyong.js');

function cli(args: string[]): string {
  try {
    return execFileSync(process.execPath, [bin(), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`xinyong ${args.join(' ')} failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

/** Spawns `node <args>` (given a free port through `args(port)`) and waits until it answers GET /healthz with 200. */
async function startServer(name: string, args: (port: number) => string[]): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, args(port), { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString('utf8')).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exit;
    clearTimeout(timer);
  };
  const deadline = performance.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`${name} exited before it was ready (${JSON.stringify(exited)}):\n${output}`);
    try {
      const r = await fetch(`${url}/healthz`);
      await r.arrayBuffer();
      if (r.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`${name} did not answer /healthz within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid as number,
    stop: async () => {
      await stop();
      const e = exited as { code: number | null; signal: NodeJS.Signals | null } | null;
      if (e && e.code !== 0 && e.signal !== 'SIGTERM') log(`  (${name} exited with ${JSON.stringify(e)}: ${output.slice(-2000)})`);
    },
  };
}

/**
 * The floor: a bare node:http server that parses the same request body and answers
 * `{decision, subjectId}` from a Set of the denied ids, or `{count, results}` of those for a body
 * with `subjects` (argv: port, file of ids as JSON).
 */
const BARE_SERVER = `
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
const denied = new Set(JSON.parse(readFileSync(process.argv[2], 'utf8')));
createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const raw = Buffer.concat(chunks).toString('utf8');
    const q = raw ? JSON.parse(raw) : {};
    const answer = (s) => ({ decision: denied.has(s) ? 'deny' : 'allow', subjectId: s });
    const body = JSON.stringify(Array.isArray(q.subjects) ? { count: q.subjects.length, results: q.subjects.map(answer) } : answer(q.subject));
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
}).listen(Number(process.argv[1]), '127.0.0.1');
`;

// ---------------------------------------------------------------------------------------------
// Redis

/** A client that fails at once when Redis is not there, and does not reconnect behind our back. */
const newRedisClient = () => createClient({ url: REDIS_URL, socket: { connectTimeout: 3000, reconnectStrategy: false } });
type Redis = ReturnType<typeof newRedisClient>;

async function connectRedis(): Promise<Redis> {
  const client = newRedisClient();
  let lastError: unknown = null;
  client.on('error', (e) => {
    lastError = e;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    try {
      client.destroy();
    } catch {
      // never opened
    }
    const why = e instanceof Error ? e.message : String(e ?? lastError);
    throw new Error(`the http benchmark needs Redis at ${REDIS_URL} and cannot reach it (${why}). Start it with:\n  ${REDIS_START}`);
  }
  return client;
}

async function redisCpuSeconds(client: Redis): Promise<number | null> {
  const info = await client.info('cpu');
  const get = (k: string) => Number(new RegExp(`^${k}:([0-9.]+)`, 'm').exec(info)?.[1] ?? NaN);
  const s = get('used_cpu_sys') + get('used_cpu_user');
  return Number.isFinite(s) ? s : null;
}

// ---------------------------------------------------------------------------------------------
// The city and who is denied

interface Population {
  /** Known subjects the gate denies `ACTION`, and the rest of the known subjects. */
  denied: string[];
  allowed: string[];
  /** Enterprises by `cn-uscc:` reference, split the same way. */
  orgsDenied: string[];
  orgsAllowed: string[];
  gate: { subjects: number; withEntries: number; entries: number };
}

/** Builds the gate from the database as the server does, and asks it who is denied the action. */
async function population(db: string): Promise<Population> {
  const ctx = await openContext({ db, now: Date.now(), actor: 'bench' });
  try {
    const { gate, known } = await gateFromStore(ctx.store, ctx.catalog);
    const now = Date.now();
    const denied: string[] = [];
    const allowed: string[] = [];
    for (const id of known) (gate.check(id, ACTION, now).decision === 'deny' ? denied : allowed).push(id);
    const deniedSet = new Set(denied);
    const enterprises: string[] = [];
    for await (const page of ctx.store.scanSubjects(5000)) for (const s of page) if (s.kind === 'enterprise') enterprises.push(s.id);
    const orgsDenied: string[] = [];
    const orgsAllowed: string[] = [];
    for (const id of enterprises) {
      const s = await ctx.store.getSubject(id);
      const uscc = s?.identifiers.find((i) => i.scheme === 'cn-uscc')?.masked; // cn-uscc codes are public: "masked" is the code
      if (!uscc) continue;
      (deniedSet.has(id) ? orgsDenied : orgsAllowed).push(`cn-uscc:${uscc}`);
    }
    return { denied, allowed, orgsDenied, orgsAllowed, gate: gate.stats() };
  } finally {
    await ctx.close();
  }
}

/** `n` picks, `DENIED_SHARE` of them from `denied`, the rest from `allowed`, with a fixed seed. */
function mix(denied: readonly string[], allowed: readonly string[], n: number, seed: number): string[] {
  if (denied.length === 0 || allowed.length === 0) throw new Error('the benchmark city has no denied or no allowed subjects; raise its size');
  const rnd = mulberry32(seed);
  return Array.from({ length: n }, () => (rnd() < DENIED_SHARE ? denied[Math.floor(rnd() * denied.length)] : allowed[Math.floor(rnd() * allowed.length)]));
}

// ---------------------------------------------------------------------------------------------

export async function benchHttp(): Promise<BenchResult> {
  const t0 = performance.now();
  const redis = await connectRedis();
  const pool: Redis[] = [];
  const setKey = `xinyong-bench:${process.pid}:${Date.now().toString(36)}:denied`;
  const tmp = tempDir('http');
  const servers: ServerProcess[] = [];
  try {
    const redisVersion = /^redis_version:(\S+)/m.exec(await redis.info('server'))?.[1] ?? '?';

    // ---- the city, a checker key, and who is denied the action
    const persons = scaled(20_000, 2_000);
    const enterprises = scaled(2_000, 200);
    const db = tmp.path('city.db');
    const tb = performance.now();
    cli(['demo', '--db', db, '--persons', String(persons), '--enterprises', String(enterprises), '--seed', String(SEED), '--no-serve', '--json']);
    const buildSeconds = (performance.now() - tb) / 1000;
    const key = (JSON.parse(cli(['keys', 'create', '--role', 'checker', '--name', 'bench', '--json', '--db', db])) as { key: string }).key;
    const pop = await population(db);
    log(
      `  demo city (${fmtInt(persons)} persons, ${fmtInt(enterprises)} enterprises) built in ${buildSeconds.toFixed(1)} s: ${fmtInt(pop.gate.subjects)} subjects, ${fmtInt(pop.gate.withEntries)} listed; ${fmtInt(pop.denied.length)} denied '${ACTION}' (${fmtInt(pop.orgsDenied.length)} of them enterprises)`,
    );

    // ---- the peers' data: the denied ids as a Redis set (expiring, in case this process dies), and as a file for the bare server
    for (let i = 0; i < pop.denied.length; i += 1000) await redis.sAdd(setKey, pop.denied.slice(i, i + 1000));
    await redis.expire(setKey, 3600);
    const card = await redis.sCard(setKey);
    if (card !== pop.denied.length) throw new Error(`Redis set ${setKey} holds ${card} ids, expected ${pop.denied.length}`);
    const deniedFile = tmp.path('denied.json');
    writeFileSync(deniedFile, JSON.stringify(pop.denied));

    const profDir = process.env.BENCH_HTTP_CPU_PROF || undefined;
    const flags = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
    const srv = await startServer('xinyong serve', (port) => [...flags, bin(), 'serve', '--db', db, '--port', String(port), '--host', '127.0.0.1', '--log-level', 'warn']);
    servers.push(srv);
    const bare = await startServer('the bare node:http server', (port) => ['--input-type=module', '-e', BARE_SERVER, String(port), deniedFile]);
    servers.push(bare);
    const serverCpu: CpuProbe = async () => procCpuSeconds(srv.pid);
    const bareCpu: CpuProbe = async () => procCpuSeconds(bare.pid);
    const redisCpu: CpuProbe = () => redisCpuSeconds(redis);
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

    // ---- the requests, and a check that the peers give the same answers
    const ids = mix(pop.denied, pop.allowed, DISTINCT_REQUESTS, 1001);
    const orgs = mix(pop.orgsDenied, pop.orgsAllowed, DISTINCT_REQUESTS, 1002);
    const deniedSet = new Set([...pop.denied, ...pop.orgsDenied]);
    const asRequests = (subjects: string[]): autocannon.Request[] => subjects.map((subject) => ({ method: 'POST', path: '/v1/checks', headers, body: JSON.stringify({ subject, action: ACTION }) }));
    for (const subject of [...ids.slice(0, 200), ...orgs.slice(0, 100)]) {
      const r = await fetch(`${srv.url}/v1/checks`, { method: 'POST', headers, body: JSON.stringify({ subject, action: ACTION }) });
      const body = (await r.json()) as { decision?: string };
      if (r.status !== 200) throw new Error(`POST /v1/checks answered ${r.status}: ${JSON.stringify(body)}`);
      const denied = deniedSet.has(subject);
      if ((body.decision === 'deny') !== denied) throw new Error(`POST /v1/checks answered ${body.decision} for ${subject}, which the gate built here ${denied ? 'denies' : 'allows'}`);
      if (!subject.startsWith('s_')) continue;
      if ((await redis.sIsMember(setKey, subject)) !== (denied ? 1 : 0)) throw new Error(`SISMEMBER disagrees about ${subject}`);
      const b = (await (await fetch(bare.url, { method: 'POST', body: JSON.stringify({ subject, action: ACTION }) })).json()) as { decision?: string };
      if ((b.decision === 'deny') !== denied) throw new Error(`the bare server disagrees about ${subject}`);
    }

    // ---- single checks, in interleaved rounds after a warm-up of each
    log(`  single checks: ${CONNECTIONS} in flight; ${ROUNDS} interleaved rounds of ${SINGLE_SECONDS} s per peer…`);
    const idReqs = asRequests(ids);
    const orgReqs = asRequests(orgs);
    const sismember = (id: string) => redis.sIsMember(setKey, id).then(() => 1);
    for (let k = 0; k < CONNECTIONS; k++) pool.push(await connectRedis());
    const sismemberPooled = (id: string, k: number) => pool[k].sIsMember(setKey, id).then(() => 1);
    const single = new Tally();
    const singleOrg = new Tally();
    const bareT = new Tally();
    const rSingle = new Tally();
    const rPooled = new Tally();
    await cannon(null, srv.url, idReqs, 3, serverCpu);
    await cannon(null, srv.url, orgReqs, 1, serverCpu);
    await cannon(null, bare.url, idReqs, 1, bareCpu);
    await loops(null, ids, CONNECTIONS, 1, sismember, redisCpu);
    await loops(null, ids, CONNECTIONS, 0.5, sismemberPooled, redisCpu);
    for (let round = 0; round < ROUNDS; round++) {
      await cannon(single, srv.url, idReqs, SINGLE_SECONDS, serverCpu);
      await loops(rSingle, ids, CONNECTIONS, SINGLE_SECONDS, sismember, redisCpu);
      await cannon(singleOrg, srv.url, orgReqs, SINGLE_SECONDS, serverCpu);
      await cannon(bareT, bare.url, idReqs, SINGLE_SECONDS / 2, bareCpu);
      await loops(rPooled, ids, CONNECTIONS, SINGLE_SECONDS / 2, sismemberPooled, redisCpu);
    }
    const line = (t: Tally) => {
      const l = t.lat.summary();
      return `${fmtInt(t.rate)}/s, p50 ${ms2(l.p50)} ms, p99 ${ms2(l.p99)} ms, max ${ms2(l.max)} ms; cores: ${t.cores()}`;
    };
    log(`    POST /v1/checks (s_ ids): ${line(single)}`);
    log(`    POST /v1/checks (cn-uscc refs): ${line(singleOrg)}`);
    log(`    Redis SISMEMBER (one client, ${CONNECTIONS} in flight): ${line(rSingle)}`);
    log(`    Redis SISMEMBER (${CONNECTIONS} clients, one in flight each): ${line(rPooled)}`);
    log(`    bare node:http + Set.has: ${line(bareT)}`);

    const figures: Figure[] = [];
    const push = (f: Figure) => {
      printFigure(f);
      figures.push(f);
    };
    const p99 = (t: Tally) => t.lat.summary().p99;
    const peerSingle = { label: `Redis SISMEMBER (${CONNECTIONS} in flight)`, rate: rSingle.rate };
    const latencyFigure = (what: string, ours: Tally, peerLabel: string, peer: Tally, bound?: { max: number }) =>
      figure(what, 'ms', { label: 'ours', rate: p99(ours) }, { label: peerLabel, rate: p99(peer) }, undefined, undefined, { lowerIsBetter: true, bound, fmt: ms2 });
    push(figure(`POST /v1/checks by s_ id, ${CONNECTIONS} connections: throughput`, 'checks/s', { label: 'ours', rate: single.rate }, peerSingle, 0.25));
    push(latencyFigure(`POST /v1/checks by s_ id, ${CONNECTIONS} connections: p99 latency`, single, 'Redis SISMEMBER', rSingle, { max: 5 }));
    push(figure(`POST /v1/checks by cn-uscc reference, ${CONNECTIONS} connections: throughput`, 'checks/s', { label: 'ours', rate: singleOrg.rate }, peerSingle));
    push(latencyFigure(`POST /v1/checks by cn-uscc reference, ${CONNECTIONS} connections: p99 latency`, singleOrg, 'Redis SISMEMBER', rSingle));
    push(figure(`POST /v1/checks by s_ id vs the HTTP floor, ${CONNECTIONS} connections: throughput`, 'checks/s', { label: 'ours', rate: single.rate }, { label: 'bare node:http + Set.has', rate: bareT.rate }));

    // ---- batches of 10,000 internal ids
    const batchIds = Array.from({ length: 8 }, (_, b) => mix(pop.denied, pop.allowed, BATCH, 2000 + b));
    const bodies = batchIds.map((subjects) => JSON.stringify({ action: ACTION, subjects }));
    let batchResponseBytes = 0;
    {
      const r = await fetch(`${srv.url}/v1/checks:batch`, { method: 'POST', headers, body: bodies[0] });
      const raw = Buffer.from(await r.arrayBuffer());
      batchResponseBytes = raw.byteLength;
      const body = JSON.parse(raw.toString('utf8')) as { count?: number; results?: { decision: string }[] };
      if (r.status !== 200) throw new Error(`POST /v1/checks:batch answered ${r.status}: ${raw.toString('utf8').slice(0, 2000)}`);
      const denies = body.results?.filter((x) => x.decision === 'deny').length;
      const expected = batchIds[0].filter((id) => deniedSet.has(id)).length;
      const members = (await redis.smIsMember(setKey, batchIds[0])).reduce((n: number, x) => n + Number(x), 0);
      if (body.count !== BATCH || denies !== expected || members !== expected) throw new Error(`the batch check disagrees: count ${body.count}, ${denies} denied, ${members} in the Redis set, ${expected} expected`);
    }
    const postBatch = async (body: string) => {
      const r = await fetch(`${srv.url}/v1/checks:batch`, { method: 'POST', headers, body });
      if (r.status !== 200) throw new Error(`POST /v1/checks:batch answered ${r.status}: ${(await r.text()).slice(0, 2000)}`);
      await r.arrayBuffer();
      return BATCH;
    };
    const smismember = (ids: string[]) => redis.smIsMember(setKey, ids).then(() => BATCH);
    log(`  batches of ${fmtInt(BATCH)}: ${BATCH_IN_FLIGHT.join(' and ')} in flight; ${ROUNDS} interleaved rounds of ${BATCH_SECONDS} s per peer…`);
    const postBare = async (body: string) => {
      const r = await fetch(bare.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await r.arrayBuffer();
      return BATCH;
    };
    const batch: { inFlight: number; ours: Tally; peer: Tally; bare: Tally }[] = [];
    for (const c of BATCH_IN_FLIGHT) {
      const ours = new Tally();
      const peer = new Tally();
      const bareB = new Tally();
      await loops(null, bodies, c, 1.5, postBatch, serverCpu);
      await loops(null, batchIds, c, 0.5, smismember, redisCpu);
      await loops(null, bodies, c, 0.5, postBare, bareCpu);
      for (let round = 0; round < ROUNDS; round++) {
        await loops(ours, bodies, c, BATCH_SECONDS, postBatch, serverCpu);
        await loops(peer, batchIds, c, BATCH_SECONDS, smismember, redisCpu);
        await loops(bareB, bodies, c, BATCH_SECONDS / 2, postBare, bareCpu);
      }
      const lo = ours.lat.summary();
      const lp = peer.lat.summary();
      log(`    ${c} in flight: ours ${fmtInt(ours.rate)} subject-checks/s (batch p50 ${ms2(lo.p50)} ms, p99 ${ms2(lo.p99)} ms; cores: ${ours.cores()}); SMISMEMBER ${fmtInt(peer.rate)} (p50 ${ms2(lp.p50)} ms, p99 ${ms2(lp.p99)} ms; cores: ${peer.cores()})`);
      log(`      bare node:http batch: ${fmtInt(bareB.rate)} subject-checks/s (p50 ${ms2(bareB.lat.summary().p50)} ms)`);
      batch.push({ inFlight: c, ours, peer, bare: bareB });
      push(
        figure(`POST /v1/checks:batch of ${fmtInt(BATCH)} s_ ids, ${c} in flight`, 'subject-checks/s', { label: 'ours', rate: ours.rate }, { label: `Redis SMISMEMBER (${fmtInt(BATCH)} ids)`, rate: peer.rate }, undefined, undefined, {
          bound: { min: 1_000_000 },
        }),
      );
      push(figure(`POST /v1/checks:batch of ${fmtInt(BATCH)} s_ ids, ${c} in flight, vs the JSON-over-HTTP floor`, 'subject-checks/s', { label: 'ours', rate: ours.rate }, { label: 'bare node:http + Set.has', rate: bareB.rate }));
    }

    for (const s of servers.splice(0)) await s.stop();
    const c = cpus();
    const deniedShare = (xs: string[]) => share(xs.filter((x) => deniedSet.has(x)).length, xs.length);
    const lat = (t: Tally) => {
      const l = t.lat.summary();
      return `p50 ${ms2(l.p50)}, p90 ${ms2(l.p90)}, p99 ${ms2(l.p99)}, p99.9 ${ms2(l.p999)}, max ${ms2(l.max)} ms`;
    };
    const secs = (s: number) => `${ROUNDS} × ${s} s`;
    return {
      key: 'http',
      title: 'HTTP checks',
      setup: [
        `Machine: ${c.length} × ${c[0]?.model.trim() ?? 'unknown'}, shared by each server and its load generator: \`xinyong serve\` (one Node process) with autocannon or fetch (this process); \`redis-server\` ${redisVersion} (its own process) with the node-redis client loops (this process). The "cores" facts below show how each run split the machine. Absolute rates depend on that split and on neighbours; the peers run in interleaved rounds so that both see the same conditions.`,
        `Server: \`xinyong serve --log-level warn\` in a child process, so no request log lines were written during the measurement (only warnings and errors), on a demo city built by \`xinyong demo --persons ${fmtInt(persons)} --enterprises ${fmtInt(enterprises)} --seed ${SEED} --no-serve\` (${fmtInt(pop.gate.subjects)} subjects, ${fmtInt(pop.gate.withEntries)} listed, ${fmtInt(pop.denied.length)} denied '${ACTION}'), with a checker key from \`xinyong keys create --role checker\`. Every answer carries the measures with their reasons, legal basis and appeal route, and a receipt that the server writes to the audit chain in batches; the time-driven refresh (every 60 s) stays on as in production.`,
        `**Single checks** (\`POST /v1/checks\`, body \`{subject, action: '${ACTION}'}\`): autocannon (programmatic API) with ${CONNECTIONS} connections, one request in flight on each (no pipelining); warm-up, then ${secs(SINGLE_SECONDS)} measured, over ${fmtInt(DISTINCT_REQUESTS)} distinct requests drawn with a fixed seed: ${deniedShare(ids)} subjects the gate denies, the rest known subjects it allows, by internal \`s_\` id; a second run by \`cn-uscc:\` reference of enterprises (${deniedShare(orgs)} denied). Latency is every response's, recorded exactly from autocannon's response events (its own histogram keeps whole milliseconds).`,
        `**peer, single**: Redis \`SISMEMBER\` of the same ids against a set of the ${fmtInt(pop.denied.length)} denied ids, through one node-redis client (\`createClient\`, defaults) driven by ${CONNECTIONS} async loops that each await one command at a time (${CONNECTIONS} in flight, as autocannon's ${CONNECTIONS} connections; node-redis pipelines them on its one connection), ${secs(SINGLE_SECONDS)} measured; latency timed around each await. Redis answers membership only: no measures, reasons or receipts. The \`cn-uscc\` rows use the same Redis run as peer.`,
        `**HTTP floor** (information): a bare \`node:http\` server in a child process that parses the same request body and answers \`{decision, subjectId}\` from a \`Set\` of the denied ids, driven by the same autocannon requests (${secs(SINGLE_SECONDS / 2)}): what any Node HTTP service meets on this machine.`,
        `**Batch checks** (\`POST /v1/checks:batch\`, ${fmtInt(BATCH)} internal ids per batch, ${deniedShare(batchIds.flat())} denied, 8 distinct batches in turn): ${BATCH_IN_FLIGHT.join(' and ')} batches in flight through fetch (undici, keep-alive), the response read in full; ${secs(BATCH_SECONDS)} each after a warm-up. **peer**: one \`SMISMEMBER\` of the same ${fmtInt(BATCH)} ids per batch, as many in flight, interleaved. The bare \`node:http\` server also answers the same batch bodies with \`{decision, subjectId}\` per subject (${secs(BATCH_SECONDS / 2)}), for information: the JSON-over-HTTP floor.`,
        'Goals: single-check throughput ≥ 25% of Redis; single-check p99 below 5 ms; batches ≥ 1,000,000 subject-checks/s. Latency ratios are Redis / ours, so that above 1× means ahead, as everywhere in this report.',
      ],
      figures,
      facts: [
        { name: `single, s_ ids: ours latency (${fmtInt(single.requests)} requests)`, value: lat(single) },
        { name: `single, cn-uscc refs: ours latency (${fmtInt(singleOrg.requests)} requests)`, value: lat(singleOrg) },
        { name: `single: Redis SISMEMBER latency (${fmtInt(rSingle.requests)} commands)`, value: lat(rSingle) },
        { name: `single: bare node:http + Set.has (${fmtInt(bareT.requests)} requests)`, value: `${fmtInt(bareT.rate)} req/s, ${lat(bareT)}; cores: ${bareT.cores()}` },
        { name: `single: Redis SISMEMBER with ${CONNECTIONS} clients, one command in flight on each (${secs(SINGLE_SECONDS / 2)})`, value: `${fmtInt(rPooled.rate)} ops/s, ${lat(rPooled)}; cores: ${rPooled.cores()}` },
        { name: 'single: cores busy, ours by s_ id / by cn-uscc / Redis SISMEMBER', value: `${single.cores()} / ${singleOrg.cores()} / ${rSingle.cores()}` },
        { name: 'single: autocannon’s own p99 (whole ms, worst round), s_ / cn-uscc', value: `${single.cannonP99} / ${singleOrg.cannonP99} ms` },
        { name: 'single: mean response size with headers, s_ / cn-uscc / bare', value: `${fmtInt(single.bytes / single.requests)} / ${fmtInt(singleOrg.bytes / singleOrg.requests)} / ${fmtInt(bareT.bytes / bareT.requests)} bytes` },
        { name: `batch: request / response body of ${fmtInt(BATCH)} subjects`, value: `${fmtInt(Buffer.byteLength(bodies[0]))} / ${fmtInt(batchResponseBytes)} bytes` },
        ...batch.flatMap(({ inFlight, ours, peer, bare: b }) => [
          { name: `batch, ${inFlight} in flight: ours per batch (${fmtInt(ours.requests)} batches)`, value: `${lat(ours)}; cores: ${ours.cores()}` },
          { name: `batch, ${inFlight} in flight: SMISMEMBER per batch (${fmtInt(peer.requests)} commands)`, value: `${lat(peer)}; cores: ${peer.cores()}` },
          { name: `batch, ${inFlight} in flight: bare node:http, same body, \`{decision, subjectId}\` per subject (${fmtInt(b.requests)} batches)`, value: `${fmtInt(b.rate)} subject-checks/s; ${lat(b)}; cores: ${b.cores()}` },
        ]),
        { name: 'demo city build (`xinyong demo --no-serve`)', value: `${buildSeconds.toFixed(1)} s` },
      ],
      notes: profDir ? [`The server ran under \`node --cpu-prof\` (profile in ${profDir}): these figures are not comparable with others.`] : [],
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    for (const s of servers) await s.stop();
    try {
      await redis.del(setKey);
    } finally {
      for (const p of pool) p.destroy();
      redis.destroy();
      tmp.remove();
    }
  }
}
