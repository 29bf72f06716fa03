/**
 * The PostgreSQL adapter (node-postgres): the Store port for a database shared by many processes,
 * laid out to be distributed with Citus by subject (migrations.ts, docs/scale.md).
 *
 * Every write method is one transaction. Writes are set-based (new rows by COPY, upserts through
 * `unnest` arrays), so a batch costs a handful of round trips, not one per row.
 * `saveStates` notifies `xy_state_changes` on commit: `watchStateChanges` lets an API process
 * follow the change feed as soon as another process writes to it.
 *
 * The store is its parts, one per sub-port (records.ts, state.ts, catalog.ts, feed.ts, audit.ts,
 * cases.ts, keys.ts, stats.ts, lifecycle.ts), over one pool (db.ts).
 */
import type pg from 'pg';
import { ComposedStore } from '../composed.js';
import { PostgresAudit } from './audit.js';
import { PostgresCases } from './cases.js';
import { PostgresCatalog } from './catalog.js';
import { PostgresDb } from './db.js';
import { PostgresFeed } from './feed.js';
import { PostgresKeys } from './keys.js';
import { PostgresLifecycle } from './lifecycle.js';
import { PostgresRecords } from './records.js';
import { PostgresState } from './state.js';
import { PostgresStats } from './stats.js';

/** The parts of a PostgreSQL store over `db`. */
function postgresParts(db: PostgresDb) {
  return {
    lifecycle: new PostgresLifecycle(db),
    catalog: new PostgresCatalog(db),
    records: new PostgresRecords(db),
    state: new PostgresState(db),
    feed: new PostgresFeed(db),
    audit: new PostgresAudit(db),
    stats: new PostgresStats(db),
    cases: new PostgresCases(db),
    keys: new PostgresKeys(db),
  };
}

export class PostgresStore extends ComposedStore<ReturnType<typeof postgresParts>> {
  readonly pool: pg.Pool;
  readonly schema: string | null;
  readonly connectionString: string;

  constructor(readonly url: string, opts: { max?: number } = {}) {
    const db = new PostgresDb(url, opts);
    super(postgresParts(db));
    this.pool = db.pool;
    this.schema = db.schema;
    this.connectionString = db.connectionString;
  }

  runExclusive<T>(name: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    return this.parts.lifecycle.runExclusive(name, fn);
  }

  watchStateChanges(onChange: () => void, onError?: (err: Error) => void): Promise<() => Promise<void>> {
    return this.parts.feed.watchStateChanges(onChange, onError);
  }
}
