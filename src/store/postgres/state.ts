/**
 * Derived state on PostgreSQL: dirty marks, stored states with their list entries (own and
 * related), and the scans that rebuild from them. `saveStates` adds to the change feed (feed.ts
 * reads it) under the append lock, and notifies its channel.
 */
import type { Instant, ListEntry, SubjectKind, SubjectState } from '../../domain/types.js';
import type { EntryQuery, SaveStates, StatePort, StoredState, SubjectBasic } from '../port/index.js';
import type { LatestEntries } from '../port/state.js';
import { entryFrom } from '../rows.js';
import { APPEND_LOCK, STATE_CHANNEL, type Client, type PostgresDb } from './db.js';

export class PostgresState implements StatePort {
  constructor(private readonly db: PostgresDb) {}

  async dirtySubjects(limit: number): Promise<string[]> {
    return (await this.db.q('SELECT subject_id FROM dirty_subjects ORDER BY since, subject_id LIMIT $1', [limit])).map((r) => r.subject_id as string);
  }

  async dueSubjects(now: Instant, limit: number): Promise<string[]> {
    return (await this.db.q('SELECT subject_id FROM subject_states WHERE next_change_at IS NOT NULL AND next_change_at <= $1 ORDER BY next_change_at LIMIT $2', [now, limit])).map(
      (r) => r.subject_id as string,
    );
  }

  async dirtyMarks(subjectIds: string[]): Promise<Map<string, number>> {
    const rows = await this.db.q('SELECT subject_id, mark FROM dirty_subjects WHERE subject_id = ANY($1::text[])', [subjectIds]);
    return new Map(rows.map((r) => [r.subject_id as string, r.mark as number]));
  }

  async markDirty(subjectIds: string[]): Promise<void> {
    const now = Date.now();
    await this.db.tx((c) => this.db.markDirtyTx(c, subjectIds.map((id) => [id, now])));
  }

  /** Inserts or replaces list entries; a later entry with the same id replaces an earlier one. */
  private async putEntries(c: Client, rows: { e: ListEntry; owner: string }[]): Promise<void> {
    if (rows.length === 0) return;
    const last = new Map<string, { e: ListEntry; owner: string }>();
    for (const r of rows) last.set(`${r.e.subjectId}|${r.e.id}`, r);
    const xs = [...last.values()].sort((a, b) => (a.e.subjectId < b.e.subjectId ? -1 : a.e.subjectId > b.e.subjectId ? 1 : a.e.id < b.e.id ? -1 : 1));
    await c.query(
      `INSERT INTO list_entries (subject_id, id, owner_id, list, status, since, decided_at, until, ended_at, end_reason, reasons, via_subject_id, via_role, catalog_version)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[])
       ON CONFLICT (subject_id, id) DO UPDATE SET owner_id = excluded.owner_id, list = excluded.list, status = excluded.status, since = excluded.since,
         decided_at = excluded.decided_at, until = excluded.until, ended_at = excluded.ended_at, end_reason = excluded.end_reason, reasons = excluded.reasons,
         via_subject_id = excluded.via_subject_id, via_role = excluded.via_role, catalog_version = excluded.catalog_version`,
      [
        xs.map((x) => x.e.subjectId), xs.map((x) => x.e.id), xs.map((x) => x.owner), xs.map((x) => x.e.list), xs.map((x) => x.e.status),
        xs.map((x) => x.e.since), xs.map((x) => x.e.decidedAt), xs.map((x) => x.e.until), xs.map((x) => x.e.endedAt ?? null), xs.map((x) => x.e.endReason ?? null),
        xs.map((x) => JSON.stringify(x.e.reasons)), xs.map((x) => x.e.via?.subjectId ?? null), xs.map((x) => x.e.via?.role ?? null), xs.map((x) => x.e.catalogVersion),
      ],
    );
  }

  async saveStates(save: SaveStates): Promise<void> {
    await this.db.tx(async (c) => {
      if (save.states.length) {
        const last = new Map<string, [SubjectState, string | null]>();
        for (const [i, s] of save.states.entries()) last.set(s.subjectId, [s, save.hashes?.[i] ?? null]);
        const ids = [...last.keys()].sort();
        const xs = ids.map((id) => last.get(id)!);
        await c.query(
          `INSERT INTO subject_states (subject_id, kind, catalog_version, as_of, next_change_at, grades, schemes, state_hash)
           SELECT u.id, s.kind, u.cv, u.as_of, u.nc, u.grades, u.schemes, u.hash
           FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::jsonb[], $6::text[], $7::text[]) AS u(id, cv, as_of, nc, grades, schemes, hash)
           JOIN subjects s ON s.subject_id = u.id
           ON CONFLICT (subject_id) DO UPDATE SET catalog_version = excluded.catalog_version, as_of = excluded.as_of, next_change_at = excluded.next_change_at,
             grades = excluded.grades, schemes = excluded.schemes, state_hash = excluded.state_hash`,
          [
            ids, xs.map(([s]) => s.catalogVersion), xs.map(([s]) => s.asOf), xs.map(([s]) => s.nextChangeAt),
            xs.map(([s]) => JSON.stringify(Object.fromEntries(s.schemes.map((r) => [r.scheme, r.grade])))), xs.map(([s]) => JSON.stringify(s.schemes)), xs.map(([, h]) => h),
          ],
        );
        await c.query('DELETE FROM list_entries WHERE owner_id = ANY($1::text[])', [ids]);
        await this.putEntries(c, save.states.flatMap((s) => s.entries.map((e) => ({ e, owner: s.subjectId }))));
      }
      // Related entries are owned by the organisation but stored under the person.
      if (save.related.length) {
        await c.query('DELETE FROM list_entries WHERE owner_id = ANY($1::text[]) AND via_subject_id IS NOT NULL', [save.related.map((r) => r.ownerId)]);
        await this.putEntries(c, save.related.flatMap((r) => r.entries.map((e) => ({ e, owner: r.ownerId }))));
      }
      // Dirty marks are locked in subject order, the order ingest marks them in: a derivation
      // running beside an ingest (another process, or a background derivation) cannot deadlock
      // with it.
      if (save.clearDirty.length) await c.query('SELECT 1 FROM dirty_subjects WHERE subject_id = ANY($1::text[]) ORDER BY subject_id FOR UPDATE', [save.clearDirty.map((d) => d.id)]);
      const all = save.clearDirty.filter((d) => d.mark === undefined).map((d) => d.id);
      if (all.length) await c.query('DELETE FROM dirty_subjects WHERE subject_id = ANY($1::text[])', [all]);
      const marked = save.clearDirty.filter((d) => d.mark !== undefined);
      if (marked.length) {
        await c.query('DELETE FROM dirty_subjects d USING unnest($1::text[], $2::int[]) AS u(id, mark) WHERE d.subject_id = u.id AND d.mark = u.mark', [
          marked.map((d) => d.id), marked.map((d) => d.mark),
        ]);
      }
      await this.db.addNoticesTx(c, save.notices ?? []);
      if (save.audit) await this.db.appendAuditTx(c, [save.audit]);
      if (save.states.length) {
        // Last, under the append lock held to commit: feed numbers are handed out in commit order.
        await c.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
        await c.query('INSERT INTO state_changes (subject_id, at) SELECT unnest($1::text[]), $2', [save.states.map((s) => s.subjectId), Date.now()]);
        await c.query('SELECT pg_notify($1, $2)', [STATE_CHANNEL, '']);
      }
    });
  }

  async getState(subjectId: string): Promise<StoredState | null> {
    const [r, rows] = await Promise.all([
      this.db.one('SELECT * FROM subject_states WHERE subject_id = $1', [subjectId]),
      this.db.q('SELECT * FROM list_entries WHERE subject_id = $1 ORDER BY since, id', [subjectId]),
    ]);
    if (!r) return null;
    const entries = rows.map((x) => entryFrom(x));
    const state: SubjectState = {
      subjectId,
      asOf: r.as_of as number,
      catalogVersion: r.catalog_version as string,
      schemes: JSON.parse(r.schemes as string),
      entries: entries.filter((e) => !e.via),
      nextChangeAt: (r.next_change_at as number | null) ?? null,
    };
    return { state, related: entries.filter((e) => e.via) };
  }

  async enforceableEntries(subjectIds: string[]): Promise<ListEntry[]> {
    return (await this.db.q("SELECT * FROM list_entries WHERE subject_id = ANY($1::text[]) AND status IN ('pending', 'active')", [subjectIds])).map((r) => entryFrom(r));
  }

  async listEntries(q: EntryQuery): Promise<ListEntry[]> {
    const rows = await this.db.q('SELECT * FROM list_entries WHERE list = $1 AND status = ANY($2::text[]) AND id > $3 ORDER BY id LIMIT $4', [
      q.list, q.statuses ?? ['pending', 'active'], q.after ?? '', q.limit,
    ]);
    return rows.map((r) => entryFrom(r));
  }

  async latestEntries(q: LatestEntries): Promise<ListEntry[]> {
    // The index list_entries_newest (status, since, id), read backwards: the scan stops at a page.
    const b = q.before;
    const rows = await this.db.q(
      `SELECT e.* FROM list_entries e JOIN subjects s ON s.subject_id = e.subject_id
       WHERE e.list = ANY($1::text[]) AND e.status = $2 AND e.via_subject_id IS NULL AND s.kind = ANY($3::text[]) AND e.since <= $4
       ${b ? 'AND (e.since, e.id) < ($6, $7)' : ''}
       ORDER BY e.since DESC, e.id DESC LIMIT $5`,
      [q.lists, q.status, q.kinds, q.sinceAtMost, q.limit, ...(b ? [b.since, b.id] : [])],
    );
    return rows.map((r) => entryFrom(r));
  }

  async *scanSubjects(pageSize: number): AsyncIterable<(SubjectBasic & { stateHash: string | null })[]> {
    let after = '';
    for (;;) {
      const res = await this.db.pool.query({
        text: 'SELECT s.subject_id, s.kind, s.created_at, st.state_hash FROM subjects s LEFT JOIN subject_states st ON st.subject_id = s.subject_id WHERE s.subject_id > $1 ORDER BY s.subject_id LIMIT $2',
        values: [after, pageSize],
        rowMode: 'array',
      });
      const rows = res.rows as [string, SubjectKind, number, string | null][];
      if (rows.length === 0) return;
      after = rows[rows.length - 1][0];
      yield rows.map(([id, kind, createdAt, stateHash]) => ({ id, kind, createdAt, stateHash }));
    }
  }

  async *scanEnforceableEntries(): AsyncIterable<ListEntry> {
    let after: [string, string] = ['', ''];
    for (;;) {
      const rows = await this.db.q("SELECT * FROM list_entries WHERE status IN ('pending', 'active') AND (subject_id, id) > ($1, $2) ORDER BY subject_id, id LIMIT 5000", after);
      if (rows.length === 0) return;
      for (const r of rows) yield entryFrom(r);
      const l = rows[rows.length - 1];
      after = [l.subject_id, l.id];
    }
  }

  async *scanGrades(): AsyncIterable<{ subjectId: string; grades: Record<string, string> }> {
    let after = '';
    for (;;) {
      const rows = await this.db.q('SELECT subject_id, grades FROM subject_states WHERE subject_id > $1 ORDER BY subject_id LIMIT 10000', [after]);
      if (rows.length === 0) return;
      for (const r of rows) yield { subjectId: r.subject_id as string, grades: r.grades as Record<string, string> };
      after = rows[rows.length - 1].subject_id;
    }
  }
}
