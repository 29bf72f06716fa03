/**
 * Picks the Store adapter for a `--db` value: a `postgres://` or `postgresql://` URL opens the
 * PostgreSQL adapter, anything else is the path of an embedded SQLite file.
 */
import type { Store } from './port.js';
import { SqliteStore } from './sqlite/sqlite-store.js';

export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** A store for `db` (migrations not yet applied). */
export async function openStore(db: string): Promise<Store> {
  if (isPostgresUrl(db)) {
    const { PostgresStore } = await import('./postgres/postgres-store.js');
    return new PostgresStore(db);
  }
  return new SqliteStore(db);
}
