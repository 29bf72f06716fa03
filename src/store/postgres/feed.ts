/** The change feed on PostgreSQL: the rows `saveStates` adds to `state_changes`, read in order, and LISTEN for new ones. */
import pg from 'pg';
import type { Instant } from '../../domain/types.js';
import type { ChangeFeedPort } from '../port/index.js';
import { STATE_CHANNEL, type PostgresDb } from './db.js';

/** Meta key: the highest feed number pruned, which stays the head while the feed is empty. */
const PRUNED_HEAD = 'state_changes.pruned_head';

export class PostgresFeed implements ChangeFeedPort {
  constructor(private readonly db: PostgresDb) {}

  async stateChangesSince(afterSeq: number, limit: number): Promise<{ seq: number; subjectIds: string[]; firstSeq: number | null }> {
    const rows = await this.db.q('SELECT seq, subject_id FROM state_changes WHERE seq > $1 ORDER BY seq LIMIT $2', [afterSeq, limit]);
    return { seq: rows.length ? (rows[rows.length - 1].seq as number) : afterSeq, subjectIds: [...new Set(rows.map((r) => r.subject_id as string))], firstSeq: rows.length ? (rows[0].seq as number) : null };
  }

  async stateChangeHead(): Promise<number> {
    // Numbers only from committed rows (an uncommitted one may still take a lower number), and
    // the highest number pruned when every row was.
    const r = await this.db.one(`SELECT GREATEST((SELECT MAX(seq) FROM state_changes), (SELECT value::bigint FROM meta WHERE key = '${PRUNED_HEAD}'), 0) AS seq`);
    return r!.seq as number;
  }

  async pruneStateChanges(before: Instant): Promise<number> {
    return this.db.tx(async (c) => {
      await c.query(
        `INSERT INTO meta (key, value) SELECT '${PRUNED_HEAD}', MAX(seq)::text FROM state_changes WHERE at < $1 HAVING MAX(seq) IS NOT NULL
         ON CONFLICT (key) DO UPDATE SET value = GREATEST(meta.value::bigint, excluded.value::bigint)::text`,
        [before],
      );
      return (await c.query('DELETE FROM state_changes WHERE at < $1', [before])).rowCount ?? 0;
    });
  }

  /**
   * Calls `onChange` whenever a `saveStates` commits (in any process), over a dedicated connection
   * that LISTENs; a dropped connection is re-established, and `onChange` called once then too,
   * since a notification may have been missed meanwhile. Returns a function that stops it.
   */
  async watchStateChanges(onChange: () => void, onError: (err: Error) => void = () => {}): Promise<() => Promise<void>> {
    let client: pg.Client | null = null;
    let stopped = false;
    let retry: NodeJS.Timeout | null = null;
    const connect = async (): Promise<void> => {
      const c = new pg.Client({ connectionString: this.db.connectionString, application_name: 'xinyong-listen' });
      c.on('notification', () => onChange());
      c.on('error', (err) => {
        onError(err);
        void c.end().catch(() => {});
        if (client === c) client = null;
        if (!stopped) retry = setTimeout(() => void reconnect(), 1000);
      });
      await c.connect();
      await c.query(`LISTEN ${STATE_CHANNEL}`);
      client = c;
    };
    const reconnect = async () => {
      try {
        await connect();
        onChange();
      } catch (err) {
        onError(err as Error);
        if (!stopped) retry = setTimeout(() => void reconnect(), 1000);
      }
    };
    await connect();
    return async () => {
      stopped = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => {});
    };
  }
}
