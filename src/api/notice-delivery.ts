/**
 * Webhook delivery of the notice outbox. Each due notice is POSTed as JSON to one URL, signed
 * (`signWebhook`, process/notices.ts); a 2xx marks it delivered, anything else schedules a retry
 * with backoff (`nextAttempt`) until MAX_ATTEMPTS, then dead-letters it.
 *
 * Delivery is AT-LEAST-ONCE. All state is in the store: a notice stays pending until a 2xx has
 * been recorded, so a restart (or a crash between the receiver's 2xx and our update, or a timeout
 * after the receiver acted) sends it again with the same `x-xinyong-notice` id. Receivers must
 * dedupe by that id, and verify the raw body with `verifyWebhook` before parsing it.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Instant } from '../domain/types.js';
import { MAX_ATTEMPTS, nextAttempt, signWebhook } from '../process/notices.js';
import type { NoticeRow, Store } from '../store/port.js';

export interface NoticeDeliveryOptions {
  url: string;
  secret: string;
  now?: () => Instant;
  /** Per request (ms); a receiver slower than this counts as a failure. */
  timeoutMs?: number;
  /** Notices taken per `deliverDue` call. */
  batch?: number;
  /** Jitter source (0–1) for the retry schedule. */
  random?: () => number;
  fetch?: typeof fetch;
  /** Told of each failed attempt and each dead-lettering (an Error naming the notice, never its payload). */
  onError?: (err: unknown) => void;
}

export interface DeliveryResult {
  delivered: number;
  /** Failed and scheduled for another try. */
  failed: number;
  /** Failed for the last time (status 'dead'). */
  dead: number;
}

export class NoticeDelivery {
  private readonly now: () => Instant;
  private readonly doFetch: typeof fetch;
  private running: Promise<DeliveryResult> | null = null;
  private closed = false;

  constructor(
    private readonly store: Store,
    private readonly opts: NoticeDeliveryOptions,
  ) {
    // Refused at startup rather than failing every attempt until the notices die.
    const u = new URL(opts.url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`webhook URL must be http(s), not ${u.protocol}`);
    if (opts.secret.length < 16) throw new Error('webhook secret must be at least 16 characters');
    this.now = opts.now ?? Date.now;
    this.doFetch = opts.fetch ?? fetch;
  }

  /**
   * Tries every due notice once, in due order, one at a time. Overlapping calls share one run, so
   * two timer ticks never send the same notice twice in this process. Rejects only when the store
   * fails; the notice at hand then stays pending and is sent again later.
   */
  deliverDue(): Promise<DeliveryResult> {
    this.running ??= this.run().finally(() => (this.running = null));
    return this.running;
  }

  /** Stops after the notice in flight and waits for it; call before closing the store. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running?.catch(() => undefined);
  }

  private async run(): Promise<DeliveryResult> {
    const result: DeliveryResult = { delivered: 0, failed: 0, dead: 0 };
    if (this.closed) return result;
    const due = await this.store.dueNotices(this.now(), this.opts.batch ?? 50);
    for (const n of due) {
      if (this.closed) break;
      const error = await this.post(n);
      const at = this.now();
      const attempts = n.attempts + 1;
      if (error === null) {
        await this.store.updateNotice(n.id, { status: 'delivered', attempts, nextAttemptAt: n.nextAttemptAt, lastError: null, deliveredAt: at });
        result.delivered++;
        continue;
      }
      const next = nextAttempt(at, attempts, (this.opts.random ?? Math.random)());
      await this.store.updateNotice(n.id, { status: next === null ? 'dead' : 'pending', attempts, nextAttemptAt: next ?? at, lastError: error, deliveredAt: null });
      if (next === null) result.dead++;
      else result.failed++;
      const what = next === null ? `dead-lettered after ${attempts} of ${MAX_ATTEMPTS} attempts` : `attempt ${attempts} failed; next at ${new Date(next).toISOString()}`;
      this.opts.onError?.(new Error(`notice ${n.id} (${n.kind}): ${error}; ${what}`));
    }
    return result;
  }

  /** One POST; null on a 2xx, else why not (a status or an error, never a body). */
  private async post(n: NoticeRow): Promise<string | null> {
    const body = JSON.stringify({ id: n.id, kind: n.kind, subjectId: n.subjectId, createdAt: new Date(n.createdAt).toISOString(), payload: n.payload });
    const ts = Math.floor(this.now() / 1000);
    const timeoutMs = this.opts.timeoutMs ?? 10_000;
    try {
      const res = await this.doFetch(this.opts.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-xinyong-notice': n.id, 'x-xinyong-timestamp': String(ts), 'x-xinyong-signature': signWebhook(this.opts.secret, ts, body) },
        body,
        // A redirect is a failure: a signed notice is not forwarded to wherever a Location points.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The response body is never read (nothing of it is stored); release the connection.
      await res.body?.cancel().catch(() => undefined);
      return res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`;
    } catch (err) {
      const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError') return `timeout after ${timeoutMs} ms`;
      return String(e.cause?.code ?? e.cause?.message ?? e.message ?? err).slice(0, 200);
    }
  }
}

/**
 * For receivers: whether `body` (the raw request body, as received) was signed with `secret` at
 * a timestamp within `toleranceSeconds` of `nowSeconds` either way. Stale timestamps are refused
 * so a captured request cannot be replayed later; the compare takes constant time.
 */
export function verifyWebhook(
  secret: string,
  timestampHeader: string | string[] | null | undefined,
  signatureHeader: string | string[] | null | undefined,
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  if (typeof timestampHeader !== 'string' || typeof signatureHeader !== 'string' || !/^\d{1,12}$/.test(timestampHeader)) return false;
  const ts = Number(timestampHeader);
  if (Math.abs(nowSeconds - ts) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, ts, body));
  const given = Buffer.from(signatureHeader);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
