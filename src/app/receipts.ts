/**
 * Decision receipts: every check is answered at once and written to the audit chain in batches
 * (DESIGN §7: no I/O on the check path). A receipt is readable the moment it is issued, from
 * memory until its batch is committed and from the store after. `close()` flushes what is left,
 * so a clean shutdown loses none.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEntryInput } from '../audit/index.js';
import type { Store } from '../store/port.js';
import { isStoreUnreachable } from './errors.js';

export interface ReceiptLogOptions {
  /** Where batches are written (default: the store's `appendAudit` on this thread). */
  sink?: (entries: AuditEntryInput[]) => Promise<unknown>;
  /** Flush at most this long after the first unflushed receipt (ms). */
  intervalMs?: number;
  /** Flush as soon as this many receipts wait. */
  maxPending?: number;
  /**
   * Subject-checks that may wait to be written (a batch weighs its size). Above it, `admit` makes
   * new checks wait for the writer, so memory stays bounded and a shutdown flush stays short.
   */
  maxWeight?: number;
  onError?: (err: unknown) => void;
}

export class ReceiptLog {
  private pending = new Map<string, AuditEntryInput>();
  /** The batch being written: still answerable until it is committed. */
  private inFlight = new Map<string, AuditEntryInput>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private closed = false;
  /** Receipts set aside because they could not be written at all (a bug upstream; reported through onError). */
  rejected = 0;

  constructor(
    private readonly store: Store,
    private readonly opts: ReceiptLogOptions = {},
  ) {}

  private write(entries: AuditEntryInput[]): Promise<unknown> {
    return this.opts.sink ? this.opts.sink(entries) : this.store.appendAudit(entries);
  }

  /** Resolves when `weight` more subject-checks may wait for the writer. */
  async admit(weight: number): Promise<void> {
    const max = this.opts.maxWeight ?? 1_000_000;
    while (this.weight > 0 && this.weight + weight > max) await this.flush();
  }

  private weight = 0;
  private readonly weights = new Map<string, number>();

  /** Queues a `check.decided` entry whose data carries `receipt`; `weight` is its number of subject-checks. */
  add(receipt: string, entry: AuditEntryInput, weight = 1): void {
    this.pending.set(receipt, entry);
    if (weight !== 1) this.weights.set(receipt, weight);
    this.weight += weight;
    if (this.pending.size >= (this.opts.maxPending ?? 5000)) this.flushInBackground();
    else if (this.timer === null && !this.closed) {
      this.timer = setTimeout(() => this.flushInBackground(), this.opts.intervalMs ?? 100);
      this.timer.unref();
    }
  }

  /** A receipt left the log (written, or set aside): its weight no longer counts. */
  private release(receipt: string): void {
    this.weight -= this.weights.get(receipt) ?? 1;
    this.weights.delete(receipt);
  }

  private flushInBackground(): void {
    // Failures are reported through onError and retried; nothing to do with the rejection here.
    this.flush().catch(() => undefined);
  }

  /** A receipt not yet committed. */
  peek(receipt: string): AuditEntryInput | undefined {
    return this.pending.get(receipt) ?? this.inFlight.get(receipt);
  }

  get size(): number {
    return this.pending.size + this.inFlight.size;
  }

  /** Commits every waiting receipt in one transaction. Concurrent calls share one flush at a time. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    this.inFlight = batch;
    this.flushing = (async () => {
      try {
        try {
          await this.write([...batch.values()]);
          for (const r of batch.keys()) this.release(r);
        } catch (err) {
          if (isStorageError(err)) throw err;
          // Not the disk: some entry cannot be written at all. Write the others one by one and set
          // the bad ones aside (reported), so one cannot hold back every receipt after it.
          for (const [receipt, e] of batch) {
            try {
              await this.write([e]);
              batch.delete(receipt);
              this.release(receipt);
            } catch (one) {
              if (isStorageError(one)) throw one;
              batch.delete(receipt);
              this.release(receipt);
              this.rejected++;
              this.opts.onError?.(new Error(`receipt ${receipt} cannot be written to the audit log and was set aside: ${(one as Error).message}`));
            }
          }
        }
      } catch (err) {
        // Put them back in front of newer ones: nothing is dropped, the next flush retries.
        this.pending = new Map([...batch, ...this.pending]);
        this.opts.onError?.(err);
        if (!this.closed && this.timer === null) {
          this.timer = setTimeout(() => this.flushInBackground(), 1000);
          this.timer.unref();
        }
        throw err;
      } finally {
        this.inFlight = new Map();
        this.flushing = null;
      }
    })();
    await this.flushing;
  }

  /** Flushes and stops scheduling; call before closing the store. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }
}

/**
 * A failure of the store itself (busy, I/O, full, unreachable), worth retrying, as opposed to an
 * entry it cannot take. A PostgreSQL server that is down or failing over must keep receipts
 * waiting, never set them aside.
 */
export function isStorageError(err: unknown): boolean {
  if (isStoreUnreachable(err)) return true;
  const code = (err as { code?: unknown } | null)?.code;
  // SQLite's codes, I/O errnos, and PostgreSQL SQLSTATEs; not Node's ERR_* (bugs, not the store).
  return typeof code === 'string' && (code.startsWith('SQLITE_') || /^E(IO|NOSPC|BUSY|AGAIN|ACCES|ROFS|MFILE|NFILE)$/.test(code) || /^[0-9A-Z]{5}$/.test(code));
}

/**
 * `rc_` + 12 hex digits of the millisecond clock + 20 random hex digits: unguessable, and in time
 * order, so the receipt index grows at its end instead of touching a random page per insert.
 */
export const newReceipt = () => 'rc_' + Date.now().toString(16).padStart(12, '0') + randomUUID().replaceAll('-', '').slice(12);

/** The decision a batch receipt recorded about `subjectId`, or null when it did not check them. */
export function batchDecisionFor(data: Record<string, unknown>, subjectId: string): string | null {
  const checked = typeof data.checked === 'string' ? data.checked.split('\n') : undefined;
  const i = checked?.indexOf(subjectId) ?? -1;
  if (i < 0) return null;
  const ex = (data.results as { index: number; decision: string }[] | undefined)?.find((r) => r.index === i);
  return ex ? ex.decision : 'allow';
}
