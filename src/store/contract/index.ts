/**
 * The contract of the Store port, as one vitest suite that every adapter runs (DESIGN.md §4:
 * "The tests of the Store port are one suite, run against every adapter"). It speaks only through
 * the port, so the SQLite and PostgreSQL adapters are held to exactly the same behaviour.
 *
 * The suite is split by sub-port, like the port (`port/`) and the adapters: one file each here.
 * `make` returns a fresh, empty store each time (migrations not yet applied).
 */
import { auditContract } from './audit.js';
import { casesContract } from './cases.js';
import { catalogContract } from './catalog.js';
import { feedContract } from './feed.js';
import type { MakeStore } from './fixtures.js';
import { keysContract } from './keys.js';
import { lifecycleContract } from './lifecycle.js';
import { recordsContract } from './records.js';
import { retentionContract } from './retention.js';
import { stateContract } from './state.js';
import { statsContract } from './stats.js';

export function storeContract(name: string, make: MakeStore): void {
  lifecycleContract(name, make);
  catalogContract(name, make);
  recordsContract(name, make);
  retentionContract(name, make);
  stateContract(name, make);
  feedContract(name, make);
  auditContract(name, make);
  statsContract(name, make);
  casesContract(name, make);
  keysContract(name, make);
}
