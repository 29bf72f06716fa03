/**
 * The ingest worker's loop (`runWorker`) in process, against the NATS JetStream server of the
 * machine (nats://127.0.0.1:4222, or XY_TEST_NATS; not running is a failure, not a skip): the next
 * batch is fetched while one commits, no message is acknowledged before its own batch's commit,
 * and a failed commit gives back every message in hand. `ingest-worker.e2e.test.ts` kills the real
 * process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openContext, type AppContext } from '../src/app/context.js';
import { orgCodeCheckChar, usccCheckChar } from '../src/ids/cn-uscc.js';
import { Ingestor } from '../src/ingest/ingestor.js';
import { RecordStream, runWorker, type WorkerSummary } from '../src/ingest/stream.js';
import { streamLayout } from '../src/ingest/stream-layout.js';
import type { IngestBatch, IngestResult } from '../src/store/port.js';

const NATS = process.env.XY_TEST_NATS ?? 'nats://127.0.0.1:4222';
const NOW = Date.UTC(2026, 10, 1, 12);
const BATCH = 100;
let run = 0;

function uscc(i: number): string {
  const org8 = String(20_000_000 + i);
  const first17 = `91350100${org8}${orgCodeCheckChar(org8)}`;
  return first17 + usccCheckChar(first17);
}

const line = (n: number) => ({
  externalId: `late-${n}`,
  type: 'utility.late-payment',
  subject: `cn-uscc:${uscc(n % 50)}`,
  occurredAt: '2026-10-01',
  facts: { utility: 'water', months: 1 + (n % 12) },
});

let dir: string;
let ctx: AppContext;
let stream: RecordStream;
let durable: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xy-worker-'));
  ctx = await openContext({ db: join(dir, 'w.db'), now: NOW, actor: 'test' });
  const prefix = `w${process.pid}${Date.now().toString(36)}${run++}`;
  durable = `${prefix}-ingest`;
  // Fails the test with the reason when NATS is not running.
  stream = await RecordStream.open(NATS, streamLayout({ prefix, partitions: 2 }), 'xinyong worker test');
});

afterEach(async () => {
  if (stream) {
    await stream.deleteStreams();
    await stream.close();
  }
  await ctx?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function publish(n: number): Promise<void> {
  await stream.publishLines('utilities', Array.from({ length: n }, (_, i) => line(i)));
}

/** The durable consumer's counts; -1 before the worker has created it. */
async function consumerState(): Promise<{ pending: number; ackPending: number }> {
  const info = await stream.jsm.consumers.info(stream.layout.stream, durable).catch(() => null);
  return info ? { pending: info.num_pending, ackPending: info.num_ack_pending } : { pending: -1, ackPending: -1 };
}

async function until(what: string, cond: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const storedRecords = async () => (await ctx.store.summary()).records;

function startWorker(log: string[] = []): { stop: () => Promise<WorkerSummary> } {
  const ingestor = new Ingestor(ctx.store, ctx.catalog, ctx.keyring, { now: () => NOW, actor: 'ingest-worker', deriveEvery: 10_000 });
  const ac = new AbortController();
  const running = runWorker({ stream, ingestor, durable, batch: BATCH, ackWaitMs: 30_000, signal: ac.signal, log: (l) => log.push(l) });
  return {
    stop: async () => {
      ac.abort();
      return running;
    },
  };
}

describe('runWorker', () => {
  it('fetches the next batch while one commits, holds at most two, and acknowledges a batch only after its commit', { timeout: 30_000 }, async () => {
    await publish(3 * BATCH);
    const store = ctx.store as unknown as { ingest: (b: IngestBatch) => Promise<IngestResult> };
    const orig = store.ingest.bind(ctx.store);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let calls = 0;
    store.ingest = async (b) => {
      if (calls++ === 0) await held;
      return orig(b);
    };
    try {
      const w = startWorker();
      // Batch 1 is inside the store's ingest, uncommitted; batch 2 has been fetched behind it.
      await until('two batches in hand', async () => calls === 1 && (await consumerState()).ackPending === 2 * BATCH);
      await new Promise((r) => setTimeout(r, 300));
      expect(await consumerState()).toEqual({ pending: BATCH, ackPending: 2 * BATCH });
      expect(calls).toBe(1);
      expect(await storedRecords()).toBe(0);
      release();
      await until('every message acknowledged', async () => {
        const s = await consumerState();
        return s.pending === 0 && s.ackPending === 0;
      });
      const summary = await w.stop();
      expect(summary).toMatchObject({ batches: 3, messages: 3 * BATCH, stored: 3 * BATCH, duplicates: 0, dead: 0 });
      expect(await storedRecords()).toBe(3 * BATCH);
    } finally {
      delete (store as { ingest?: unknown }).ingest;
    }
  });

  it('gives back both batches in hand when a commit fails; they come back and are stored once', { timeout: 30_000 }, async () => {
    await publish(3 * BATCH);
    const store = ctx.store as unknown as { ingest: (b: IngestBatch) => Promise<IngestResult> };
    const orig = store.ingest.bind(ctx.store);
    let calls = 0;
    store.ingest = async (b) => {
      if (calls++ === 0) {
        // Fails once batch 2 is fetched behind it, so that both are in hand.
        await until('batch 2 fetched', async () => (await consumerState()).ackPending === 2 * BATCH);
        throw new Error('disk full');
      }
      return orig(b);
    };
    const log: string[] = [];
    try {
      const w = startWorker(log);
      await until('every record stored', async () => (await storedRecords()) === 3 * BATCH);
      await until('every message acknowledged', async () => {
        const s = await consumerState();
        return s.pending === 0 && s.ackPending === 0;
      });
      const summary = await w.stop();
      expect(log.some((l) => l.includes(`${2 * BATCH} messages in hand failed and will be redelivered: disk full`))).toBe(true);
      // Nothing of the failed batches was committed, so their redelivery stores them: no duplicates.
      expect(summary).toMatchObject({ messages: 3 * BATCH, stored: 3 * BATCH, duplicates: 0, dead: 0 });
      expect(await storedRecords()).toBe(3 * BATCH);
    } finally {
      delete (store as { ingest?: unknown }).ingest;
    }
  });
});
