/** The change feed on SQLite: the rows `saveStates` adds to `state_changes`, read in order. */
import type { Instant } from '../../domain/types.js';
import type { ChangeFeedPort } from '../port/index.js';
import type { Row, SqliteDb } from './db.js';

export class SqliteFeed implements ChangeFeedPort {
  constructor(private readonly db: SqliteDb) {}

  async stateChangesSince(afterSeq: number, limit: number): Promise<{ seq: number; subjectIds: string[]; firstSeq: number | null }> {
    const rows = this.db.rawSt('SELECT seq, subject_id FROM state_changes WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as [number, string][];
    return { seq: rows.length ? rows[rows.length - 1][0] : afterSeq, subjectIds: [...new Set(rows.map((r) => r[1]))], firstSeq: rows.length ? rows[0][0] : null };
  }

  async stateChangeHead(): Promise<number> {
    const r = this.db.st("SELECT seq FROM sqlite_sequence WHERE name = 'state_changes'").get() as Row | undefined;
    return r ? (r.seq as number) : 0;
  }

  async pruneStateChanges(before: Instant): Promise<number> {
    return this.db.st('DELETE FROM state_changes WHERE at < ?').run(before).changes;
  }
}
