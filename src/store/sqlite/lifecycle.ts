/** Migrations, closing the file, and meta, on the SQLite connection. */
import type { LifecyclePort } from '../port/index.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import type { Row, SqliteDb } from './db.js';

export class SqliteLifecycle implements LifecyclePort {
  readonly dialect = 'sqlite' as const;

  constructor(private readonly db: SqliteDb) {}

  async migrate(): Promise<void> {
    this.db.handle.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const done = new Set((this.db.handle.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => r.version as number));
    for (const m of SQLITE_MIGRATIONS) {
      if (done.has(m.version)) continue;
      this.db.tx(() => {
        this.db.handle.exec(m.sql);
        this.db.handle.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      });
    }
  }

  async close(): Promise<void> {
    if (this.db.handle.open) {
      this.db.handle.pragma('wal_checkpoint(TRUNCATE)');
      this.db.handle.close();
    }
  }

  async getMeta(key: string): Promise<string | null> {
    const r = this.db.st('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined;
    return r ? (r.value as string) : null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.db.st('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }
}
