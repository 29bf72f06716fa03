/**
 * `xinyong ingest-worker`: takes record lines from NATS JetStream into the store until SIGTERM or
 * SIGINT, then finishes the batches in hand and exits. Any number may run on one durable consumer.
 */
import type { AppContext } from '../app/context.js';
import { Ingestor } from '../ingest/ingestor.js';
import { RecordStream, runWorker, type WorkerSummary } from '../ingest/stream.js';
import { streamLayout } from '../ingest/stream-layout.js';

export interface IngestWorkerOptions {
  nats: string;
  partitions: number;
  batch: number;
  durable: string;
  prefix?: string;
  ackWait: number;
}

export async function ingestWorker(ctx: AppContext, o: IngestWorkerOptions, log: (line: string) => void): Promise<WorkerSummary> {
  const layout = streamLayout({ prefix: o.prefix, partitions: o.partitions });
  const stream = await RecordStream.open(o.nats, layout, `xinyong ingest-worker ${o.durable}`);
  const stop = new AbortController();
  const onSignal = (signal: string) => {
    log(`ingest-worker: ${signal}: finishing the batches in hand, then stopping`);
    stop.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  try {
    // Derivation is grouped every 10,000 lines (and whenever the stream goes quiet); the dirty
    // outbox keeps that crash-safe, as for `xinyong import`.
    const ingestor = new Ingestor(ctx.store, ctx.catalog, ctx.keyring, { now: () => Date.now(), actor: 'ingest-worker', deriveEvery: 10_000, deriveInBackground: true });
    log(`ingest-worker: consuming ${layout.stream} (${layout.partitions} partitions) from ${o.nats} as ${o.durable}, ${o.batch} per batch; dead letters to ${layout.deadSubject}`);
    return await runWorker({ stream, ingestor, durable: o.durable, batch: o.batch, ackWaitMs: o.ackWait * 1000, signal: stop.signal, log });
  } finally {
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGINT', onSignal);
    await stream.close();
  }
}
