/** Migrations, closing the pool, meta, and work one process at a time may run, on PostgreSQL. */
import type { LifecyclePort } from '../port/index.js';
import { PG_MIGRATIONS } from './migrations.js';
import { APPEND_LOCK, exclusiveLockKey, type PostgresDb, type Row } from './db.js';

export class PostgresLifecycle implements LifecyclePort {
  readonly dialect = 'postgres' as const;

  constructor(private readonly db: PostgresDb) {}

  async migrate(): Promise<void> {
    await this.db.tx(async (c) => {
      // One migrator at a time, whichever process starts first.
      await c.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK + 1]);
      if (this.db.schema) {
        await c.query(`CREATE SCHEMA IF NOT EXISTS ${this.db.schema}`);
        await c.query(`SET LOCAL search_path TO ${this.db.schema}`);
      }
      await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
      const done = new Set((await c.query('SELECT version FROM schema_migrations')).rows.map((r: Row) => r.version as number));
      for (const m of PG_MIGRATIONS) {
        if (done.has(m.version)) continue;
        await c.query(m.sql);
        await c.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, Date.now()]);
      }
    });
  }

  async close(): Promise<void> {
    await this.db.pool.end().catch(() => {});
  }

  async getMeta(key: string): Promise<string | null> {
    const r = await this.db.one('SELECT value FROM meta WHERE key = $1', [key]);
    return r ? (r.value as string) : null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.db.q('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  /**
   * A session advisory lock named by this schema and `name`, held on a connection of its own
   * while `fn` runs (on any connections). `pg_try_advisory_lock` does not wait: a process that
   * finds it taken skips its turn. A process that dies loses its session, and so its lock; so
   * does one whose lock connection drops (a failover), and `fn` then finishes unguarded, which
   * is harmless for work that may be repeated.
   */
  async runExclusive<T>(name: string, fn: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    const key = exclusiveLockKey(this.db.schema, name);
    return this.db.withClient(async (c, conn) => {
      const locked = (await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key])).rows[0].ok;
      if (!locked) return { ran: false };
      try {
        return { ran: true, value: await fn() };
      } finally {
        // A failed unlock closes the connection, which ends the lock too.
        if (!conn.broken) await c.query('SELECT pg_advisory_unlock($1::bigint)', [key]).catch((e: Error) => (conn.broken = e));
      }
    });
  }
}
