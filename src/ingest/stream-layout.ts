/**
 * The layout of stream ingestion on NATS JetStream, as pure functions: stream and subject names,
 * the partition a record line goes to, the message id that lets JetStream drop a publisher's
 * retries, and the shape of a dead letter. No I/O here; `stream.ts` does the talking.
 */
import { fieldPointer, recordId, type Rejection } from './resolve.js';
import { maskRids } from '../ids/rid-finder.js';

export interface StreamLayout {
  /** The stream of record lines, e.g. `XY_RECORDS`. */
  stream: string;
  /** Partition subjects are `<subjectPrefix>.<n>` for n in 0..partitions-1. */
  subjectPrefix: string;
  partitions: number;
  /** The dead-letter stream, e.g. `XY_RECORDS_DEAD`, on the single subject `deadSubject`. */
  deadStream: string;
  deadSubject: string;
}

export const DEFAULT_PARTITIONS = 16;

/** Headers of the messages on the stream and of the dead letters. */
export const HEADERS = {
  /** The sending source (catalog code); the worker ingests the line as this source. */
  source: 'Xy-Source',
  /** Why a dead letter was refused: the same text the API would answer. */
  reason: 'Xy-Reason',
  /** Which field: a JSON pointer into the record line, as the API gives it (`/facts/ground`, `/` for the whole line). */
  field: 'Xy-Field',
  /** Where the refused message was: its subject and its sequence in the records stream. */
  originalSubject: 'Xy-Original-Subject',
  originalSeq: 'Xy-Original-Seq',
} as const;

const NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The layout for a deployment. A `prefix` (letters, digits, `-`, `_`) gives a separate set of
 * streams and subjects on the same server, for tests or for a second deployment.
 */
export function streamLayout(opts: { prefix?: string; partitions?: number } = {}): StreamLayout {
  const partitions = opts.partitions ?? DEFAULT_PARTITIONS;
  if (!Number.isInteger(partitions) || partitions < 1 || partitions > 1024) throw new RangeError('partitions must be a whole number from 1 to 1024');
  const p = opts.prefix;
  if (p !== undefined && !NAME.test(p)) throw new RangeError('a stream prefix holds only letters, digits, - and _ (at most 64)');
  const stream = p ? `${p.toUpperCase()}_XY_RECORDS` : 'XY_RECORDS';
  const subjectPrefix = p ? `${p}.xy.records` : 'xy.records';
  return { stream, subjectPrefix, partitions, deadStream: `${stream}_DEAD`, deadSubject: `${subjectPrefix}.dead` };
}

/** Every partition subject. The stream lists them one by one, so `….dead` overlaps none of them. */
export function partitionSubjects(layout: StreamLayout): string[] {
  return Array.from({ length: layout.partitions }, (_, i) => `${layout.subjectPrefix}.${i}`);
}

/**
 * The partition of a subject reference: FNV-1a (32 bits) of its UTF-8 bytes, modulo the number of
 * partitions. Stable across processes, versions and machines, so every line about a subject (named
 * the same way) lands on one partition, in order.
 */
export function partitionOf(subjectRef: unknown, partitions: number): number {
  const text = typeof subjectRef === 'string' ? subjectRef.trim() : '';
  let h = 0x811c9dc5;
  for (const b of Buffer.from(text, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % partitions;
}

/** The subject a record line is published on. */
export function subjectFor(layout: StreamLayout, line: unknown): string {
  const ref = line && typeof line === 'object' ? (line as { subject?: unknown }).subject : undefined;
  return `${layout.subjectPrefix}.${partitionOf(ref, layout.partitions)}`;
}

/**
 * The JetStream message id of a record line: the record id that (source, externalId) determines.
 * A resend within the stream's duplicate window is dropped by JetStream; one after it is a
 * `duplicate` at ingestion. It is a hash, so no identifier in the externalId reaches NATS headers.
 */
export function messageId(source: string, line: unknown): string | undefined {
  const externalId = line && typeof line === 'object' ? (line as { externalId?: unknown }).externalId : undefined;
  return typeof externalId === 'string' && externalId.length > 0 ? recordId(source, externalId) : undefined;
}

export interface DeadLetter {
  subject: string;
  /** Makes a dead letter published twice (a crash before the original was terminated) land once. */
  msgID: string;
  headers: [string, string][];
  payload: Uint8Array;
}

/** The dead letter for a refused message: the original payload, with the reason and the field in headers. */
export function deadLetter(
  layout: StreamLayout,
  original: { subject: string; seq: number; source: string | null; payload: Uint8Array },
  rejection: Pick<Rejection, 'field' | 'reason'>,
): DeadLetter {
  // Header values cannot hold line breaks.
  const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');
  const headers: [string, string][] = [
    [HEADERS.reason, oneLine(rejection.reason)],
    [HEADERS.field, fieldPointer(rejection.field)],
    [HEADERS.originalSubject, original.subject],
    [HEADERS.originalSeq, String(original.seq)],
  ];
  if (original.source) headers.push([HEADERS.source, oneLine(original.source)]);
  // Dead letters are kept for weeks: an ID number in the line is kept masked, never in clear.
  return { subject: layout.deadSubject, msgID: `dead:${layout.stream}:${original.seq}`, headers: headers.map(([k, v]) => [k, maskIdNumbers(v)]), payload: maskIdNumbersIn(original.payload) };
}

// Only what is a valid ID number (check digit, date) is masked: an all-digit credit code is public.
const maskIdNumbers = maskRids;

/** The payload with every 18-character ID number masked (the bytes unchanged when there is none). */
function maskIdNumbersIn(payload: Uint8Array): Uint8Array {
  const text = new TextDecoder().decode(payload);
  const masked = maskIdNumbers(text);
  return masked === text ? payload : new TextEncoder().encode(masked);
}
