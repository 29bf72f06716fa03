/**
 * Notices: what the outbox holds before the shell delivers it. Pure: a notice is data with a
 * deterministic id (kind, subject, instant and payload), so producing it twice stores it once.
 * Also the webhook delivery policy: the signature, and when to try again.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Instant } from '../domain/types.js';

export interface NoticeDraft {
  id: string;
  kind: string;
  /** The subject told (null: a notice to the source or the credit office). */
  subjectId: string | null;
  createdAt: Instant;
  payload: Record<string, unknown>;
}

export function notice(kind: string, subjectId: string | null, at: Instant, payload: Record<string, unknown>, key?: string): NoticeDraft {
  // `key`: an id that already identifies the event (a record's id for "record added"), which
  // spares hashing the payload on the ingest path.
  const id = key !== undefined ? `n_${kind}_${key}` : 'n_' + createHash('sha256').update(JSON.stringify([kind, subjectId, at, payload])).digest('hex').slice(0, 24);
  return { id, kind, subjectId, createdAt: at, payload: { kind, subjectId, at: new Date(at).toISOString(), ...payload } };
}

/**
 * Tries before a notice is dead-lettered: with the waits below, about five hours of trying, so a
 * receiver down for an afternoon still gets everything.
 */
export const MAX_ATTEMPTS = 16;

/**
 * When to try again after `attempts` failed tries: 2^(attempts−1) seconds (1 s, 2 s, 4 s … capped
 * at an hour), with up to a quarter more drawn from `jitter` (0–1) so retries do not arrive
 * together. Null once the tries are used up: the notice is dead-lettered.
 */
export function nextAttempt(now: Instant, attempts: number, jitter: number): Instant | null {
  if (attempts >= MAX_ATTEMPTS) return null;
  const base = Math.min(3_600_000, 1000 * 2 ** Math.max(0, attempts - 1));
  return now + base + Math.floor(base * 0.25 * Math.min(1, Math.max(0, jitter)));
}

/**
 * The webhook signature: HMAC-SHA256 over `<timestamp>.<body>` with the shared secret, hex, sent
 * as `x-xinyong-signature: v1=<hex>` with `x-xinyong-timestamp: <unix seconds>`. A receiver
 * recomputes it, compares in constant time, and refuses stale timestamps (replays).
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}
