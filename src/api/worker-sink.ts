/**
 * Sends audit entries to the receipt writer's thread (receipt-worker.ts) and resolves when they
 * are committed. Used by `xinyong serve` on SQLite; tests use the main connection directly.
 */
import { Worker } from 'node:worker_threads';
import type { AuditEntryInput } from '../audit/index.js';

export class WorkerSink {
  private readonly worker: Worker;
  /** Set once the thread has died: appends then go to `fallback` on this thread. */
  private dead = false;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  constructor(
    dbPath: string,
    /** Where entries go if the writer thread dies (the main connection): slower, never lost. */
    private readonly fallback: (entries: AuditEntryInput[]) => Promise<unknown>,
  ) {
    this.worker = new Worker(new URL('./receipt-worker.js', import.meta.url), { workerData: { dbPath } });
    this.worker.on('message', (m: { id?: number; ok?: boolean; error?: { message: string; code?: string } }) => {
      if (m.id === undefined) return;
      const w = this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id);
      if (this.waiting.size === 0) this.worker.unref();
      if (m.ok) w.resolve();
      else w.reject(Object.assign(new Error(m.error?.message ?? 'receipt writer failed'), { code: m.error?.code }));
    });
    const die = (err: Error) => {
      if (this.dead) return;
      this.dead = true;
      // What it had not confirmed is rejected, and the receipt log retries it through the fallback.
      for (const w of this.waiting.values()) w.reject(Object.assign(err, { code: 'SQLITE_WRITER_DIED' }));
      this.waiting.clear();
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`the receipt writer thread exited (${code})`)));
    // An idle writer must not keep a finished process alive; one with work waiting must, or a
    // shutdown could exit before the last receipts are committed.
    this.worker.unref();
  }

  append = (entries: AuditEntryInput[]): Promise<unknown> =>
    this.dead ? this.fallback(entries) : new Promise<void>((resolve, reject) => {
      const id = ++this.seq;
      this.waiting.set(id, { resolve, reject });
      this.worker.ref();
      // As a JSON string: for plain data, one stringify here is much cheaper than a structured clone.
      this.worker.postMessage({ id, json: JSON.stringify(entries) });
    });

  /** Closes the writer's connection (after the last append has been answered) and ends the thread. */
  async close(): Promise<void> {
    if (this.dead) return;
    await new Promise<void>((resolve) => {
      const done = (m: { closed?: boolean }) => {
        if (m.closed) {
          this.worker.off('message', done);
          resolve();
        }
      };
      this.worker.on('message', done);
      this.worker.ref();
      this.worker.postMessage({ close: true });
    });
    await this.worker.terminate();
  }
}
