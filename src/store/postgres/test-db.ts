/**
 * The PostgreSQL server the tests use: XY_TEST_PG_URL, or the one CI and development machines run
 * on 127.0.0.1:5432. A test that needs it fails when it is not there; it never skips (the CI
 * script starts the server first).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_PG_URL = process.env.XY_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh schema name, and the URL of a store that keeps its tables there. */
export function freshPgUrl(prefix = 'xy_t'): { url: string; schema: string } {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  const u = new URL(TEST_PG_URL);
  u.searchParams.set('schema', schema);
  return { url: u.toString(), schema };
}

/** Drops the given schemas (and everything in them). */
export async function dropSchemas(schemas: string[]): Promise<void> {
  if (schemas.length === 0) return;
  const c = new pg.Client({ connectionString: TEST_PG_URL });
  await c.connect();
  try {
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  } finally {
    await c.end();
  }
}

/** Fails with a message that says what to start when the test server is not reachable. */
export async function requirePostgres(): Promise<void> {
  const c = new pg.Client({ connectionString: TEST_PG_URL, connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
  } catch (err) {
    throw new Error(`PostgreSQL is required for these tests and is not reachable at ${TEST_PG_URL} (${(err as Error).message}). Start it (see .ci/run) or set XY_TEST_PG_URL.`);
  } finally {
    await c.end().catch(() => {});
  }
}
