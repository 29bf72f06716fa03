/**
 * The embedded SQLite adapter (better-sqlite3 v12): one file, WAL mode, zero setup.
 *
 * better-sqlite3 is synchronous; the port is async so that PostgreSQL fits behind it. Each write
 * method runs in one synchronous transaction, so no other work can interleave with it. The store
 * is its parts, one per sub-port (records.ts, state.ts, catalog.ts, feed.ts, audit.ts, cases.ts,
 * keys.ts, stats.ts, lifecycle.ts), over one connection (db.ts).
 */
import type Database from 'better-sqlite3';
import { ComposedStore } from '../composed.js';
import { SqliteAudit } from './audit.js';
import { SqliteCases } from './cases.js';
import { SqliteCatalog } from './catalog.js';
import { SqliteDb } from './db.js';
import { SqliteFeed } from './feed.js';
import { SqliteKeys } from './keys.js';
import { SqliteLifecycle } from './lifecycle.js';
import { SqliteRecords } from './records.js';
import { SqliteState } from './state.js';
import { SqliteStats } from './stats.js';

/** The parts of a SQLite store over `db`. */
function sqliteParts(db: SqliteDb) {
  return {
    lifecycle: new SqliteLifecycle(db),
    catalog: new SqliteCatalog(db),
    records: new SqliteRecords(db),
    state: new SqliteState(db),
    feed: new SqliteFeed(db),
    audit: new SqliteAudit(db),
    stats: new SqliteStats(db),
    cases: new SqliteCases(db),
    keys: new SqliteKeys(db),
  };
}

export class SqliteStore extends ComposedStore<ReturnType<typeof sqliteParts>> {
  /** The better-sqlite3 connection (for tests and benchmarks that look underneath the port). */
  readonly db: Database.Database;

  constructor(readonly path: string) {
    const db = new SqliteDb(path);
    super(sqliteParts(db));
    this.db = db.handle;
  }
}
