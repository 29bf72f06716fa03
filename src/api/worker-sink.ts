/**
 * Sends audit entries to the receipt writer's thread (receipt-worker.ts) and resolves when they
 * are committed. Used by `xinyong serve` on SQLite; tests use the main connection directly.
 */
import { Worker } from 'node:worker_threads';
import type { AuditEntryInput } from '../audit/index.js';

export class WorkerSink {
  private readonly worker: Worker;
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  constructor(dbPath: string) {
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
    this.worker.on('error', (err) => {
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
    });
    // An idle writer must not keep a finished process alive; one with work waiting must, or a
    // shutdown could exit before the last receipts are committed.
    this.worker.unref();
  }

  append = (entries: AuditEntryInput[]): Promise<void> =>
    new Promise((resolve, reject) => {
      const id = ++this.seq;
      this.waiting.set(id, { resolve, reject });
      this.worker.ref();
      // As a JSON string: for plain data, one stringify here is much cheaper than a structured clone.
      this.worker.postMessage({ id, json: JSON.stringify(entries) });
    });

  /** Closes the writer's connection (after the last append has been answered) and ends the thread. */
  async close(): Promise<void> {
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
