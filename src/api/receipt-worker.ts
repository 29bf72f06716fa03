/**
 * The receipt writer's thread: its own connection to the store, on which it hashes decision
 * receipts into the audit chain and commits them. Hashing and the commit's disk sync happen here,
 * so they never hold up the event loop that answers checks. The chain head is read inside each
 * write transaction (BEGIN IMMEDIATE), so this connection and the main one append in turn.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AuditEntryInput } from '../audit/index.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';

interface Job {
  id: number;
  /** The entries, as JSON. */
  json: string;
}

const store = new SqliteStore((workerData as { dbPath: string }).dbPath);
const port = parentPort;
if (!port) throw new Error('receipt-worker runs as a worker thread');

port.on('message', (msg: Job | { close: true }) => {
  if ('close' in msg) {
    void store.close().then(() => port.postMessage({ closed: true }));
    return;
  }
  store.appendAudit(JSON.parse(msg.json) as AuditEntryInput[]).then(
    () => port.postMessage({ id: msg.id, ok: true }),
    (err: unknown) => port.postMessage({ id: msg.id, ok: false, error: { message: (err as Error)?.message ?? String(err), code: (err as { code?: unknown })?.code } }),
  );
});
