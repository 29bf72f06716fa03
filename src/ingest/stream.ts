/**
 * Stream ingestion through NATS JetStream (see docs/streaming.md): the streams, publishing record
 * lines, and the worker that takes them from a durable pull consumer through the same pipeline as
 * `POST /v1/records` and `xinyong import`.
 *
 * Delivery is at least once; (source, externalId) makes it exactly once in effect. A batch is
 * committed in one transaction before any of its messages is acknowledged, so a crash at any point
 * leaves unacknowledged messages to be redelivered, and a redelivered record is a `duplicate`.
 */
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  DiscardPolicy,
  headers as natsHeaders,
  JSONCodec,
  nanos,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
  type PubAck,
} from 'nats';
import type { IngestItem, Ingestor, ItemResult } from './ingestor.js';
import { parseJsonLine } from './lines.js';
import type { Rejection } from './resolve.js';
import { deadLetter, HEADERS, messageId, partitionSubjects, subjectFor, type StreamLayout } from './stream-layout.js';

/** How long JetStream remembers message ids to drop a publisher's retries. */
const DUPLICATE_WINDOW_MS = 2 * 60_000;
/** How long dead letters are kept for someone to look at them (they hold the original line, identifiers and all). */
const DEAD_MAX_AGE_MS = 30 * 24 * 3_600_000;

const json = JSONCodec();

export interface Published {
  /** The record id that (source, externalId) determines: `GET /v1/records/{id}` finds the record once stored. */
  recordId: string | undefined;
  subject: string;
  /** JetStream dropped it as a resend within the duplicate window. */
  duplicate: boolean;
  seq: number;
}

/** What the HTTP API needs to publish (a port, so tests and a server without NATS can do without it). */
export interface RecordPublisher {
  publishLines(source: string, lines: unknown[]): Promise<Published[]>;
}

/** A connection to NATS with the streams of one layout. */
export class RecordStream implements RecordPublisher {
  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly jsm: JetStreamManager,
    readonly layout: StreamLayout,
  ) {}

  /** Connects (failing fast when NATS is not reachable) and makes sure the streams exist. */
  static async open(url: string, layout: StreamLayout, name = 'xinyong'): Promise<RecordStream> {
    let nc: NatsConnection;
    try {
      nc = await connect({ servers: url, name, timeout: 5_000, maxReconnectAttempts: -1 });
    } catch (e) {
      throw new Error(`cannot reach NATS at ${url}: ${(e as Error).message}`);
    }
    try {
      const s = new RecordStream(nc, nc.jetstream(), await nc.jetstreamManager(), layout);
      await s.ensureStreams();
      return s;
    } catch (e) {
      await nc.close();
      throw e;
    }
  }

  /**
   * Creates the records stream and the dead-letter stream, or brings an existing records stream's
   * partition subjects up to date. Idempotent. Partition subjects are only ever added: raising the
   * partition count must not strand messages already on a subject.
   */
  async ensureStreams(): Promise<void> {
    const l = this.layout;
    const subjects = partitionSubjects(l);
    const existing = await this.jsm.streams.info(l.stream).catch((e: unknown) => (isNotFound(e) ? null : Promise.reject(e)));
    if (!existing) {
      await this.jsm.streams.add({
        name: l.stream,
        subjects,
        // A message is removed once acknowledged: the stream holds lines in clear (ID numbers
        // included) only until they are stored, where they are hashed.
        retention: RetentionPolicy.Workqueue,
        storage: StorageType.File,
        discard: DiscardPolicy.Old,
        duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      });
    } else {
      const missing = subjects.filter((s) => !existing.config.subjects.includes(s));
      if (missing.length > 0) await this.jsm.streams.update(l.stream, { ...existing.config, subjects: [...existing.config.subjects, ...missing] });
    }
    const dead = await this.jsm.streams.info(l.deadStream).catch((e: unknown) => (isNotFound(e) ? null : Promise.reject(e)));
    if (!dead) {
      await this.jsm.streams.add({
        name: l.deadStream,
        subjects: [l.deadSubject],
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        max_age: nanos(DEAD_MAX_AGE_MS),
        duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      });
    }
  }

  /** Publishes one record line as sent by `source`; resolves once JetStream has stored it. */
  async publishLine(source: string, line: unknown): Promise<Published> {
    const subject = subjectFor(this.layout, line);
    const msgID = messageId(source, line);
    const h = natsHeaders();
    h.set(HEADERS.source, source);
    const ack: PubAck = await this.js.publish(subject, json.encode(line), { headers: h, ...(msgID ? { msgID } : {}) });
    return { recordId: msgID, subject, duplicate: ack.duplicate, seq: ack.seq };
  }

  /** Publishes many lines, in flight together; resolves once JetStream has stored every one. */
  async publishLines(source: string, lines: unknown[]): Promise<Published[]> {
    return Promise.all(lines.map((line) => this.publishLine(source, line)));
  }

  /** Removes both streams (tests with a prefix clean up with it). */
  async deleteStreams(): Promise<void> {
    for (const name of [this.layout.stream, this.layout.deadStream]) await this.jsm.streams.delete(name).catch((e: unknown) => (isNotFound(e) ? false : Promise.reject(e)));
  }

  async close(): Promise<void> {
    if (!this.nc.isClosed()) await this.nc.drain();
  }
}

function isNotFound(e: unknown): boolean {
  return /not found/i.test(String((e as Error)?.message ?? e));
}

export interface WorkerOptions {
  stream: RecordStream;
  ingestor: Ingestor;
  /** The durable consumer's name: workers sharing it share the work. */
  durable: string;
  /** Messages per fetch, and per transaction. */
  batch: number;
  /** How long a fetched message may stay unacknowledged before JetStream redelivers it. */
  ackWaitMs: number;
  /** Aborting it drains: no more is fetched, the batches in hand are finished, then `runWorker` resolves. */
  signal: AbortSignal;
  log?: (line: string) => void;
}

export interface WorkerSummary {
  batches: number;
  messages: number;
  stored: number;
  duplicates: number;
  dead: number;
}

/** Creates the durable pull consumer, or updates its settings. Idempotent. */
export async function ensureConsumer(stream: RecordStream, durable: string, o: { ackWaitMs: number; batch: number }): Promise<void> {
  const config: Partial<ConsumerConfig> = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(o.ackWaitMs),
    // Messages a killed worker held count against this until their ack_wait runs out.
    max_ack_pending: Math.max(1_000, o.batch * 4),
    max_batch: o.batch,
  };
  const info = await stream.jsm.consumers.info(stream.layout.stream, durable).catch((e: unknown) => (isNotFound(e) ? null : Promise.reject(e)));
  if (!info) await stream.jsm.consumers.add(stream.layout.stream, config);
  else await stream.jsm.consumers.update(stream.layout.stream, durable, { ack_wait: config.ack_wait, max_ack_pending: config.max_ack_pending, max_batch: config.max_batch });
}

/**
 * Consumes until `signal` aborts: fetch a batch, ingest it in one transaction, dead-letter what
 * the pipeline refused, then acknowledge (or terminate) every message of the batch.
 *
 * Batches go through `Ingestor.ingestBatches`: while batch n commits, batch n+1 is fetched,
 * validated and resolved, and batch n is acknowledged once its commit is done. So at most two
 * batches are in hand; when anything fails, every message of both is given back (nak) for
 * redelivery, and none of a batch is acknowledged before its own commit.
 */
export async function runWorker(o: WorkerOptions): Promise<WorkerSummary> {
  const { stream } = o;
  await ensureConsumer(stream, o.durable, o);
  const consumer = await stream.js.consumers.get(stream.layout.stream, o.durable);
  const summary: WorkerSummary = { batches: 0, messages: 0, stored: 0, duplicates: 0, dead: 0 };
  let underived = 0;
  while (!o.signal.aborted) {
    const inHand = new Set<Fetched>();
    let idle = false;
    let fetchError: Error | null = null;
    // Ends when the stream is quiet, when a fetch fails, or on abort; the batch in flight is finished first.
    async function* fetched(): AsyncGenerator<Fetched> {
      while (!o.signal.aborted) {
        const msgs: JsMsg[] = [];
        try {
          const iter = await consumer.fetch({ max_messages: o.batch, expires: 1_000 });
          for await (const m of iter) msgs.push(m);
        } catch (e) {
          // NATS away (the client reconnects by itself): what was fetched and not acked comes back after ack_wait.
          fetchError = e as Error;
          return;
        }
        if (msgs.length === 0) {
          idle = true;
          return;
        }
        const f = parse(msgs);
        inHand.add(f);
        yield f;
      }
    }
    try {
      await o.ingestor.ingestBatches(fetched(), (f) => f.items, async (results, f) => {
        const r = await finish(stream, f, results);
        inHand.delete(f);
        await stream.nc.flush();
        summary.batches++;
        summary.messages += f.msgs.length;
        summary.stored += r.stored;
        summary.duplicates += r.duplicates;
        summary.dead += r.dead;
        underived += f.msgs.length;
      });
    } catch (e) {
      // Not a refusal but a failure (the store, NATS): nothing in hand was acknowledged, so it all comes back.
      const n = [...inHand].reduce((k, f) => k + f.msgs.length, 0);
      o.log?.(`ingest-worker: ${n} messages in hand failed and will be redelivered: ${(e as Error).message}`);
      for (const f of inHand) for (const m of f.msgs) m.nak(5_000);
      continue;
    }
    if (fetchError) {
      o.log?.(`ingest-worker: fetching failed, retrying in a second: ${(fetchError as Error).message}`);
      await new Promise((r) => setTimeout(r, 1_000));
    } else if (idle && underived > 0) {
      // Idle: derive what was stored, so scores and lists are current when the stream is quiet.
      await o.ingestor.flush();
      underived = 0;
    }
  }
  if (underived > 0) await o.ingestor.flush();
  await stream.nc.flush();
  return summary;
}

/** A fetched batch: its messages, the lines the pipeline is to take, and those refused before it. */
interface Fetched {
  msgs: JsMsg[];
  items: IngestItem[];
  refused: Map<JsMsg, Pick<Rejection, 'field' | 'reason'>>;
}

/** Reads a batch's messages: a line needs a source header and must parse as JSON. */
function parse(msgs: JsMsg[]): Fetched {
  const items: IngestItem[] = [];
  const refused = new Map<JsMsg, Pick<Rejection, 'field' | 'reason'>>();
  msgs.forEach((m, i) => {
    const source = m.headers?.get(HEADERS.source) || null;
    // Without a source the pipeline would take a registration as a trusted internal back-fill.
    if (!source) return void refused.set(m, { field: '(source)', reason: `the message names no source (header ${HEADERS.source})` });
    const parsed = parseJsonLine(m.string());
    if (!parsed.ok) return void refused.set(m, parsed.error);
    items.push({ source, line: parsed.line, lineNo: i + 1 });
  });
  return { msgs, items, refused };
}

/**
 * After a batch's commit: dead-letter the refused, then ack (or terminate) every message. Throws,
 * acknowledging nothing, if a dead letter cannot be published.
 */
async function finish(stream: RecordStream, f: Fetched, results: ItemResult[]): Promise<{ stored: number; duplicates: number; dead: number }> {
  const { msgs, refused } = f;
  let stored = 0;
  let duplicates = 0;
  for (const r of results) {
    if (r.status === 'rejected') refused.set(msgs[(r.lineNo as number) - 1], r.error);
    else if (r.status === 'stored') stored++;
    else duplicates++;
  }
  // Dead letters are stored before their originals are terminated: a crash in between publishes
  // them again, and their message ids make JetStream keep one.
  await Promise.all(
    [...refused].map(([m, rejection]) => {
      const d = deadLetter(stream.layout, { subject: m.subject, seq: m.seq, source: m.headers?.get(HEADERS.source) || null, payload: m.data }, rejection);
      const h = natsHeaders();
      for (const [k, v] of d.headers) h.set(k, v);
      return stream.js.publish(d.subject, d.payload, { headers: h, msgID: d.msgID });
    }),
  );
  for (const m of msgs) {
    if (refused.has(m)) m.term();
    else m.ack();
  }
  return { stored, duplicates, dead: refused.size };
}
