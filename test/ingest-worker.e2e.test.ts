/**
 * The ingest worker end to end, as an operator runs it (`node bin/xinyong.js ingest-worker`),
 * against the NATS JetStream server of the machine (nats://127.0.0.1:4222, or XY_TEST_NATS):
 * 100,000 good record lines and 50 malformed ones are published, the worker is killed with
 * SIGKILL twice along the way and restarted, and in the end the database holds exactly the
 * 100,000 records and the dead-letter stream exactly the 50, each with its reason.
 *
 * NATS not running is a failure, not a skip. Streams and the consumer carry a per-run prefix and
 * are deleted at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { headers as natsHeaders } from 'nats';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalogDirOrThrow } from '../src/app/catalog-files.js';
import { defaultCatalogDir } from '../src/app/paths.js';
import { orgCodeCheckChar, usccCheckChar } from '../src/ids/cn-uscc.js';
import { recordId } from '../src/ingest/resolve.js';
import { RecordStream } from '../src/ingest/stream.js';
import { HEADERS, streamLayout } from '../src/ingest/stream-layout.js';

const NATS = process.env.XY_TEST_NATS ?? 'nats://127.0.0.1:4222';
const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'xinyong.js');
const PREFIX = `e2e${process.pid}${Date.now().toString(36)}`;
const DURABLE = `${PREFIX}-ingest`;
const layout = streamLayout({ prefix: PREFIX });
const GOOD = 100_000;
const ENTERPRISES = 5_000;
const SOURCE = 'utilities';

const dir = mkdtempSync(join(tmpdir(), 'xy-stream-'));
const DB = join(dir, 'stream.db');
let stream: RecordStream;
let unreachable: Error | null = null;

/** A valid unified social credit code for enterprise number i. */
function uscc(i: number): string {
  const org8 = String(10_000_000 + i);
  const first17 = `91350100${org8}${orgCodeCheckChar(org8)}`;
  return first17 + usccCheckChar(first17);
}

function goodLine(n: number) {
  return {
    externalId: `late-${n}`,
    type: 'utility.late-payment',
    subject: `cn-uscc:${uscc(n % ENTERPRISES)}`,
    occurredAt: '2026-10-01',
    facts: { utility: ['water', 'electricity', 'gas', 'heating'][n % 4], months: 1 + (n % 12) },
  };
}

/** The catalog the worker runs (the default one), as it names itself in a refusal. */
const DEMO = (() => {
  const c = loadCatalogDirOrThrow(defaultCatalogDir());
  return `${c.id}@${c.version}`;
})();

/** The 50 malformed messages: what is published, and the dead letter the worker must make of it. */
const MALFORMED: { externalId: string; payload: string; field: string; reason: string }[] = [
  ...Array.from({ length: 20 }, (_, i) => ({
    externalId: `bad-months-${i}`,
    payload: JSON.stringify({ ...goodLine(i), externalId: `bad-months-${i}`, facts: { utility: 'gas', months: 0 } }),
    field: '/facts/months',
    reason: 'must be >= 1',
  })),
  ...Array.from({ length: 10 }, (_, i) => ({
    externalId: `bad-type-${i}`,
    payload: JSON.stringify({ ...goodLine(i), externalId: `bad-type-${i}`, type: 'utility.unknown' }),
    field: '/type',
    reason: `is not a record type of catalog ${DEMO}`,
  })),
  ...Array.from({ length: 10 }, (_, i) => ({
    externalId: `not-ours-${i}`,
    payload: JSON.stringify({ ...goodLine(i), externalId: `not-ours-${i}`, type: 'court.high-consumption-order', facts: { caseNo: `(2026)闽0102执${i}号`, court: '福州市鼓楼区人民法院' } }),
    field: '/type',
    reason: "source 'utilities' is not authorised to send court.high-consumption-order",
  })),
  ...Array.from({ length: 10 }, (_, i) => ({
    externalId: `bad-json-${i}`,
    payload: `{"externalId":"bad-json-${i}",`,
    field: '/',
    reason: `invalid JSON: syntax error at position ${`{"externalId":"bad-json-${i}",`.length}`,
  })),
];

async function publishMalformed(from: number, to: number) {
  const enc = new TextEncoder();
  await Promise.all(
    MALFORMED.slice(from, to).map((m, i) => {
      const h = natsHeaders();
      h.set(HEADERS.source, SOURCE);
      return stream.js.publish(`${layout.subjectPrefix}.${i % layout.partitions}`, enc.encode(m.payload), { headers: h, msgID: `malformed-${PREFIX}-${from + i}` });
    }),
  );
}

/** Publishes good lines from..to-1, a thousand in flight at a time; returns how many JetStream called duplicates. */
async function publishGood(from: number, to: number): Promise<number> {
  let duplicates = 0;
  for (let i = from; i < to; i += 1000) {
    const lines = Array.from({ length: Math.min(1000, to - i) }, (_, k) => goodLine(i + k));
    duplicates += (await stream.publishLines(SOURCE, lines)).filter((p) => p.duplicate).length;
  }
  return duplicates;
}

interface Worker {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  out: () => string;
}

function startWorker(): Worker {
  const child = spawn(process.execPath, [BIN, '--db', DB, '--create', 'ingest-worker', '--nats', NATS, '--stream-prefix', PREFIX, '--durable', DURABLE, '--batch', '500', '--ack-wait', '4'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (d) => (text += d));
  child.stderr?.on('data', (d) => (text += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, exited, out: () => text };
}

function storedCount(): number {
  if (!existsSync(DB)) return 0;
  const db = new Database(DB, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return (db.prepare('SELECT count(*) AS n FROM records').get() as { n: number } | undefined)?.n ?? 0;
  } catch {
    return 0; // not migrated yet
  } finally {
    db.close();
  }
}

async function until(what: string, cond: () => Promise<boolean> | boolean, timeoutMs: number, w?: Worker): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what} (${storedCount()} stored)${w ? `; worker said:\n${w.out()}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does it first)');
  try {
    stream = await RecordStream.open(NATS, layout, 'xinyong e2e test');
  } catch (e) {
    unreachable = e as Error;
  }
});

// The test fails (not skips), naming the URL, when NATS is not running.
beforeEach(() => {
  if (unreachable) throw unreachable;
});

afterAll(async () => {
  if (stream) {
    await stream.deleteStreams();
    await stream.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('xinyong ingest-worker', () => {
  it('stores exactly the 100,000 good records through two kill -9s, and dead-letters the 50 malformed with their reasons', { timeout: 240_000 }, async () => {
    const t0 = Date.now();
    // Half the lines (and half the malformed) are waiting before the first worker starts.
    expect(await publishGood(0, GOOD / 2)).toBe(0);
    await publishMalformed(0, 25);

    let w = startWorker();
    const rest = (async () => {
      expect(await publishGood(GOOD / 2, GOOD)).toBe(0);
      await publishMalformed(25, 50);
      // A publisher retrying lines it already sent: JetStream drops them inside its duplicate window.
      return publishGood(GOOD - 1000, GOOD);
    })();

    for (const threshold of [20_000, 55_000]) {
      await until(`${threshold} records stored`, () => storedCount() >= threshold, 120_000, w);
      w.child.kill('SIGKILL');
      expect(await w.exited).toEqual({ code: null, signal: 'SIGKILL' });
      w = startWorker();
    }
    expect(await rest).toBe(1000);

    const dead = () => stream.jsm.streams.info(layout.deadStream).then((i) => i.state.messages);
    const idle = async () => {
      const c = await stream.jsm.consumers.info(layout.stream, DURABLE);
      return c.num_pending === 0 && c.num_ack_pending === 0;
    };
    await until('the stream to be drained', async () => storedCount() === GOOD && (await dead()) === MALFORMED.length && (await idle()), 150_000, w);

    // SIGTERM drains and exits cleanly.
    w.child.kill('SIGTERM');
    expect((await w.exited).code).toBe(0);
    const seconds = (Date.now() - t0) / 1000;
    console.log(`ingest-worker e2e: ${GOOD} records and ${MALFORMED.length} malformed, 2 kill -9s, in ${seconds.toFixed(1)} s`);

    const db = new Database(DB, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) AS n, count(DISTINCT external_id) AS d FROM records').get()).toEqual({ n: GOOD, d: GOOD });
      expect(db.prepare("SELECT count(*) AS n FROM records WHERE source = 'utilities' AND type = 'utility.late-payment'").get()).toEqual({ n: GOOD });
      expect(db.prepare("SELECT count(*) AS n FROM records WHERE external_id NOT LIKE 'late-%'").get()).toEqual({ n: 0 });
      // The record id is the one (source, externalId) determines: the tracking id of an async send.
      expect(db.prepare("SELECT id FROM records WHERE external_id = 'late-77'").get()).toEqual({ id: recordId(SOURCE, 'late-77') });
      // Every subject touched was derived: nothing is left marked dirty.
      expect(db.prepare('SELECT count(*) AS n FROM dirty_subjects').get()).toEqual({ n: 0 });
      expect(db.prepare("SELECT count(*) AS n FROM subjects WHERE kind = 'enterprise'").get()).toEqual({ n: ENTERPRISES });
    } finally {
      db.close();
    }

    // Acknowledged and terminated messages leave the work queue.
    expect((await stream.jsm.streams.info(layout.stream)).state.messages).toBe(0);

    // Each malformed message is in the dead-letter stream once, with its payload, field and reason.
    const got = new Map<string, { field: string; reason: string; source: string; payload: string }>();
    const dec = new TextDecoder();
    for (let seq = 1; seq <= MALFORMED.length; seq++) {
      const m = await stream.jsm.streams.getMessage(layout.deadStream, { seq });
      const payload = dec.decode(m.data);
      const externalId = /"externalId":"([^"]+)"/.exec(payload)?.[1] as string;
      expect(got.has(externalId)).toBe(false);
      got.set(externalId, { field: m.header.get(HEADERS.field), reason: m.header.get(HEADERS.reason), source: m.header.get(HEADERS.source), payload });
      expect(m.header.get(HEADERS.originalSubject)).toMatch(new RegExp(`^${PREFIX}\\.xy\\.records\\.\\d+$`));
    }
    expect([...got.keys()].sort()).toEqual(MALFORMED.map((m) => m.externalId).sort());
    for (const m of MALFORMED) expect(got.get(m.externalId)).toEqual({ field: m.field, reason: m.reason, source: SOURCE, payload: m.payload });

    // Crashing mid-batch never broke the audit chain.
    const verify = spawnSync(process.execPath, [BIN, '--db', DB, 'audit', 'verify', '--json'], { encoding: 'utf8' });
    expect(verify.status).toBe(0);
    expect(JSON.parse(verify.stdout).ok).toBe(true);
  });
});
