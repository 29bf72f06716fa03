/**
 * The records use case: record lines (and subject registrations) from a source, one at a time,
 * in batches, from a file, or through the ingestion stream. Each line is checked in full by the
 * ingestion pipeline (`ingest/`), which names the field and reason of a rejection; good lines are
 * stored even when others in the batch are rejected; a resend is a duplicate, a changed resend is
 * refused. What a line changes is derived before the sender hears back.
 */
import { Ingestor, type ItemResult } from '../ingest/ingestor.js';
import { importFile, type ImportSummary } from '../ingest/file-import.js';
import { fieldPointer, resolveRecordLine } from '../ingest/resolve.js';
import { RecordStream, runWorker, type RecordPublisher, type WorkerSummary } from '../ingest/stream.js';
import { streamLayout } from '../ingest/stream-layout.js';
import { isRegisterScope, registrationAllowed, scopeAllows, type Caller } from './access.js';
import { write, type App } from './context.js';
import { AppError, invalid } from './errors.js';

const OUT_OF_SCOPE = 'this key’s scopes do not cover this record type';
const NO_REGISTER_SCOPE = 'this key’s scopes do not cover registrations: registering or renaming a subject needs the scope register or register:<kind>';

/** The outcome of one line of a batch. */
export type LineResult =
  | { index: number; status: 'stored' | 'duplicate'; recordId?: string; subjectId?: string }
  | { index: number; status: 'rejected'; field: string; reason: string; conflict?: true; forbidden?: true };

/** The outcome of one line sent to the stream. */
export type PublishResult = { index: number; status: 'accepted'; recordId: string } | { index: number; status: 'rejected'; field: string; reason: string; forbidden?: true };

/** The type a line names, if it names one. */
const typeOf = (line: unknown) => (line && typeof line === 'object' ? (line as { type?: unknown }).type : undefined);
/** Whether a line is a subject registration. */
const isRegistration = (line: unknown) => !!line && typeof line === 'object' && (line as { kind?: unknown }).kind === 'subject';

/**
 * Stores a batch of lines from a source, as far as the caller's scopes allow each record type.
 * Each line gets a result; the gate is current with what was stored before this returns.
 */
export async function ingestLines(app: App, caller: Pick<Caller, 'actor' | 'scopes' | 'source'>, lines: unknown[], max: number): Promise<{ stored: number; duplicates: number; rejected: number; results: LineResult[] }> {
  if (lines.length > max) throw new AppError('XY_ERR_BATCH_TOO_LARGE', `a batch holds at most ${max} records; this one has ${lines.length}: split it`, { field: '/records', max });
  const source = caller.source as string;
  const now = app.now();
  // Registrations are refused unless a scope names them (checked by kind once the subject is
  // resolved); a key with record-type scopes only registers and renames no one.
  const mayRegisterAny = caller.scopes.length === 0 || caller.scopes.some((s) => s === '*' || isRegisterScope(s));
  const outOfScope = new Map<number, { field: string; reason: string }>();
  const items = lines.map((line, i) => {
    const type = typeOf(line);
    if (isRegistration(line)) {
      if (!mayRegisterAny) outOfScope.set(i, { field: '/kind', reason: NO_REGISTER_SCOPE });
    } else if (typeof type === 'string' && !scopeAllows(caller.scopes, type)) outOfScope.set(i, { field: '/type', reason: OUT_OF_SCOPE });
    return { source, line, lineNo: i + 1 };
  });
  const accepted = items.filter((_, i) => !outOfScope.has(i));
  const stored = await write(app, async () => {
    const ingestor = new Ingestor(app.ctx.store, app.ctx.catalog, app.ctx.keyring, { now: () => now, actor: caller.actor, mayRegister: (kind) => registrationAllowed(caller.scopes, kind) });
    return accepted.length > 0 ? ingestor.ingestBatch(accepted) : [];
  });
  const byLine = new Map<number, ItemResult>(stored.map((r) => [(r.lineNo as number) - 1, r]));
  const results = items.map((_, i): LineResult => {
    const refused = outOfScope.get(i);
    if (refused) return { index: i, status: 'rejected', ...refused, forbidden: true };
    const r = byLine.get(i) as ItemResult;
    if (r.status === 'rejected') return { index: i, status: 'rejected', field: fieldPointer(r.error.field), reason: r.error.reason, ...(r.error.conflict ? { conflict: true as const } : {}), ...(r.error.forbidden ? { forbidden: true as const } : {}) };
    return { index: i, status: r.status, recordId: r.recordId, subjectId: r.subjectId };
  });
  const count = (s: string) => results.filter((r) => r.status === s).length;
  return { stored: count('stored'), duplicates: count('duplicate'), rejected: count('rejected'), results };
}

/** The refusal a single rejected line stands for, when one line was sent on its own. */
export function lineRefusal(r: Extract<LineResult, { status: 'rejected' }> | Extract<PublishResult, { status: 'rejected' }>): AppError {
  const code = 'conflict' in r && r.conflict ? 'XY_ERR_CONFLICT' : r.forbidden ? 'XY_ERR_OUT_OF_SCOPE' : 'XY_ERR_VALIDATION';
  return new AppError(code, `${r.field}: ${r.reason}`, { field: r.field ?? '/' });
}

/**
 * Checks each line as far as it can be checked without the store (shape, type, source, facts,
 * dates, subject reference: the pipeline's own first stage, with its reasons) and publishes the
 * good ones to the stream. What needs the store (an `s_…` subject that must exist, a changed
 * resend) is decided by the worker, which dead-letters what it refuses.
 */
export async function publishLines(app: App, stream: RecordPublisher | null, caller: Pick<Caller, 'scopes' | 'source'>, lines: unknown[], max: number): Promise<{ accepted: number; rejected: number; results: PublishResult[] }> {
  if (lines.length > max) throw new AppError('XY_ERR_BATCH_TOO_LARGE', `a batch holds at most ${max} records; this one has ${lines.length}: split it`, { field: '/records', max });
  if (!stream) throw new AppError('XY_ERR_STREAM_UNAVAILABLE', 'this server publishes to no stream: it runs without --nats; send the records without async=true', { field: 'querystring:/async' });
  const source = caller.source as string;
  const now = app.now();
  const results: PublishResult[] = [];
  const good: { index: number; line: unknown }[] = [];
  lines.forEach((line, index) => {
    const l = line && typeof line === 'object' ? (line as { type?: unknown; kind?: unknown }) : {};
    if (typeof l.type === 'string' && !scopeAllows(caller.scopes, l.type)) return void results.push({ index, status: 'rejected', field: '/type', reason: OUT_OF_SCOPE, forbidden: true });
    if (l.kind === 'subject') return void results.push({ index, status: 'rejected', field: '/kind', reason: 'subject registrations are not sent asynchronously; send them without async=true' });
    const r = resolveRecordLine(line, source, app.ctx.catalog, app.ctx.keyring, now);
    if (!r.ok) return void results.push({ index, status: 'rejected', field: fieldPointer(r.error.field), reason: r.error.reason, ...(r.error.forbidden ? { forbidden: true as const } : {}) });
    good.push({ index, line });
  });
  let published;
  try {
    published = await stream.publishLines(source, good.map((g) => g.line));
  } catch (e) {
    // Lines published before the failure are on the stream; resending them all is safe (idempotent).
    throw new AppError('XY_ERR_STREAM_UNAVAILABLE', `the stream did not take the records (${(e as Error).message}); resend them, or send them without async=true`);
  }
  good.forEach((g, i) => results.push({ index: g.index, status: 'accepted', recordId: published[i].recordId as string }));
  results.sort((a, b) => a.index - b.index);
  const rejected = results.filter((r) => r.status === 'rejected').length;
  return { accepted: results.length - rejected, rejected, results };
}

/**
 * Imports an NDJSON or CSV file from a source. Derivation is grouped every 10,000 lines (or left
 * to the end with `scoreAtEnd`); the dirty marks keep that crash-safe: the next command that
 * opens the database derives what a killed import left.
 */
export async function importRecordFile(app: App, o: { path: string; source: string; batchSize: number; format?: 'ndjson' | 'csv'; scoreAtEnd?: boolean; progress: boolean }): Promise<ImportSummary> {
  const { catalog } = app.ctx;
  if (!catalog.sources.has(o.source)) throw invalid(`unknown source '${o.source}'; the catalog declares: ${[...catalog.sources.keys()].join(', ')}`, 'source');
  const ingestor = new Ingestor(app.ctx.store, catalog, app.ctx.keyring, { now: () => Date.now(), actor: `source:${o.source}`, ...(o.scoreAtEnd ? { deriveEachBatch: false } : { deriveEvery: 10_000, deriveInBackground: true }) });
  return importFile({ path: o.path, source: o.source, ingestor, catalog, batchSize: Math.max(1, o.batchSize), progress: o.progress, format: o.format });
}

export interface IngestWorkerOptions {
  nats: string;
  partitions: number;
  batch: number;
  durable: string;
  prefix?: string;
  ackWait: number;
}

/**
 * Stores record lines from NATS JetStream until `signal` aborts, then finishes the batches in
 * hand: a durable pull consumer, a transaction per batch, an ack only after the commit, refused
 * lines to the dead-letter subject with their reason.
 */
export async function runIngestWorker(app: App, o: IngestWorkerOptions, signal: AbortSignal, log: (line: string) => void): Promise<WorkerSummary> {
  const layout = streamLayout({ prefix: o.prefix, partitions: o.partitions });
  const stream = await RecordStream.open(o.nats, layout, `xinyong ingest-worker ${o.durable}`);
  try {
    // Derivation is grouped every 10,000 lines (and whenever the stream goes quiet); the dirty
    // outbox keeps that crash-safe, as for `xinyong import`.
    const ingestor = new Ingestor(app.ctx.store, app.ctx.catalog, app.ctx.keyring, { now: () => Date.now(), actor: 'ingest-worker', deriveEvery: 10_000, deriveInBackground: true });
    log(`ingest-worker: consuming ${layout.stream} (${layout.partitions} partitions) from ${o.nats} as ${o.durable}, ${o.batch} per batch; dead letters to ${layout.deadSubject}`);
    return await runWorker({ stream, ingestor, durable: o.durable, batch: o.batch, ackWaitMs: o.ackWait * 1000, signal, log });
  } finally {
    await stream.close();
  }
}
