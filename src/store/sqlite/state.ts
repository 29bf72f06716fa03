/**
 * Derived state on SQLite: dirty marks, stored states with their list entries (own and related),
 * and the scans that rebuild from them. `saveStates` adds to the change feed (feed.ts reads it).
 */
import type { Instant, ListEntry, SubjectKind, SubjectState } from '../../domain/types.js';
import type { EntryQuery, SaveStates, StatePort, StoredState, SubjectBasic } from '../port/index.js';
import type { LatestEntries } from '../port/state.js';
import { entryFrom } from '../rows.js';
import { DIRTY_SQL, IN_JSON, type Row, type SqliteDb } from './db.js';

export class SqliteState implements StatePort {
  constructor(private readonly db: SqliteDb) {}

  async dirtySubjects(limit: number): Promise<string[]> {
    return (this.db.st('SELECT subject_id FROM dirty_subjects ORDER BY since, subject_id LIMIT ?').all(limit) as Row[]).map((r) => r.subject_id as string);
  }

  async dueSubjects(now: Instant, limit: number): Promise<string[]> {
    return (this.db.st('SELECT subject_id FROM subject_states WHERE next_change_at IS NOT NULL AND next_change_at <= ? ORDER BY next_change_at LIMIT ?').all(now, limit) as Row[]).map(
      (r) => r.subject_id as string,
    );
  }

  async dirtyMarks(subjectIds: string[]): Promise<Map<string, number>> {
    // Usually nothing is dirty; then there is nothing to look up.
    if (!(this.db.st('SELECT EXISTS (SELECT 1 FROM dirty_subjects) AS any').get() as Row).any) return new Map();
    const rows = this.db.st(`SELECT subject_id, mark FROM dirty_subjects WHERE subject_id IN ${IN_JSON}`).all(JSON.stringify(subjectIds)) as Row[];
    return new Map(rows.map((r) => [r.subject_id as string, r.mark as number]));
  }

  async markDirty(subjectIds: string[]): Promise<void> {
    const st = this.db.st(DIRTY_SQL);
    const now = Date.now();
    this.db.tx(() => {
      for (const id of subjectIds) st.run(id, now);
    });
  }

  private insertEntry(e: ListEntry, ownerId: string) {
    this.db.st(
      `INSERT OR REPLACE INTO list_entries (id, subject_id, owner_id, list, status, since, decided_at, until, ended_at, end_reason, reasons, via_subject_id, via_role, catalog_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      e.id, e.subjectId, ownerId, e.list, e.status, e.since, e.decidedAt, e.until, e.endedAt ?? null, e.endReason ?? null,
      JSON.stringify(e.reasons), e.via?.subjectId ?? null, e.via?.role ?? null, e.catalogVersion,
    );
  }

  async saveStates(save: SaveStates): Promise<void> {
    this.db.tx(() => {
      const up = this.db.st(
        `INSERT INTO subject_states (subject_id, kind, catalog_version, as_of, next_change_at, grades, schemes, state_hash) VALUES (?, (SELECT kind FROM subjects WHERE id = ?), ?, ?, ?, ?, ?, ?)
         ON CONFLICT(subject_id) DO UPDATE SET catalog_version = excluded.catalog_version, as_of = excluded.as_of,
           next_change_at = excluded.next_change_at, grades = excluded.grades, schemes = excluded.schemes, state_hash = excluded.state_hash`,
      );
      const delOwn = this.db.st('DELETE FROM list_entries WHERE owner_id = ?');
      for (const [i, s] of save.states.entries()) {
        const grades: Record<string, string> = {};
        for (const r of s.schemes) grades[r.scheme] = r.grade;
        up.run(s.subjectId, s.subjectId, s.catalogVersion, s.asOf, s.nextChangeAt, JSON.stringify(grades), JSON.stringify(s.schemes), save.hashes?.[i] ?? null);
        delOwn.run(s.subjectId);
        for (const e of s.entries) this.insertEntry(e, s.subjectId);
      }
      // Related entries are owned by the organisation but stored under the person.
      const delRel = this.db.st('DELETE FROM list_entries WHERE owner_id = ? AND via_subject_id IS NOT NULL');
      for (const r of save.related) {
        delRel.run(r.ownerId);
        for (const e of r.entries) this.insertEntry(e, r.ownerId);
      }
      const clear = this.db.st('DELETE FROM dirty_subjects WHERE subject_id = ?');
      const clearMark = this.db.st('DELETE FROM dirty_subjects WHERE subject_id = ? AND mark = ?');
      for (const c of save.clearDirty) {
        if (c.mark === undefined) clear.run(c.id);
        else clearMark.run(c.id, c.mark);
      }
      const feed = this.db.st('INSERT INTO state_changes (subject_id, at) VALUES (?, ?)');
      const at = Date.now();
      for (const st of save.states) feed.run(st.subjectId, at);
      if (save.notices?.length) this.db.addNoticesSync(save.notices);
      if (save.audit) this.db.appendAuditSync([save.audit]);
    });
  }

  async getState(subjectId: string): Promise<StoredState | null> {
    const r = this.db.st('SELECT * FROM subject_states WHERE subject_id = ?').get(subjectId) as Row | undefined;
    if (!r) return null;
    const rows = (this.db.st('SELECT * FROM list_entries WHERE subject_id = ? ORDER BY since, id').all(subjectId) as Row[]).map((x) => entryFrom(x));
    const state: SubjectState = {
      subjectId,
      asOf: r.as_of as number,
      catalogVersion: r.catalog_version as string,
      schemes: JSON.parse(r.schemes as string),
      entries: rows.filter((e) => !e.via),
      nextChangeAt: (r.next_change_at as number | null) ?? null,
    };
    return { state, related: rows.filter((e) => e.via) };
  }

  async enforceableEntries(subjectIds: string[]): Promise<ListEntry[]> {
    return (this.db.st(`SELECT * FROM list_entries WHERE subject_id IN ${IN_JSON} AND status IN ('pending', 'active')`).all(JSON.stringify(subjectIds)) as Row[]).map((r) =>
      entryFrom(r),
    );
  }

  async listEntries(q: EntryQuery): Promise<ListEntry[]> {
    const statuses = q.statuses ?? ['pending', 'active'];
    const rows = this.db.st(`SELECT * FROM list_entries WHERE list = ? AND status IN ${IN_JSON} AND id > ? ORDER BY id LIMIT ?`).all(
      q.list, JSON.stringify(statuses), q.after ?? '', q.limit,
    ) as Row[];
    return rows.map((r) => entryFrom(r));
  }

  async latestEntries(q: LatestEntries): Promise<ListEntry[]> {
    // The index list_entries_newest (status, since, id), read backwards: the scan stops at a page.
    const b = q.before;
    const rows = this.db.st(
      `SELECT e.* FROM list_entries e JOIN subjects s ON s.id = e.subject_id
       WHERE e.list IN ${IN_JSON} AND e.status = ? AND e.via_subject_id IS NULL AND s.kind IN ${IN_JSON} AND e.since <= ?
       ${b ? 'AND (e.since < ? OR (e.since = ? AND e.id < ?))' : ''}
       ORDER BY e.since DESC, e.id DESC LIMIT ?`,
    ).all(JSON.stringify(q.lists), q.status, JSON.stringify(q.kinds), q.sinceAtMost, ...(b ? [b.since, b.since, b.id] : []), q.limit) as Row[];
    return rows.map((r) => entryFrom(r));
  }

  async *scanSubjects(pageSize: number): AsyncIterable<(SubjectBasic & { stateHash: string | null })[]> {
    let after = '';
    // Raw (array) rows: this scan visits every subject, and objects per row are measurable here.
    const page = this.db.rawSt(
      'SELECT s.id, s.kind, s.created_at, st.state_hash FROM subjects s LEFT JOIN subject_states st ON st.subject_id = s.id WHERE s.id > ? ORDER BY s.id LIMIT ?',
    );
    for (;;) {
      const rows = page.all(after, pageSize) as [string, SubjectKind, number, string | null][];
      if (rows.length === 0) return;
      after = rows[rows.length - 1][0];
      yield rows.map(([id, kind, createdAt, stateHash]) => ({ id, kind, createdAt, stateHash }));
    }
  }

  async *scanEnforceableEntries(): AsyncIterable<ListEntry> {
    for (const r of this.db.st("SELECT * FROM list_entries WHERE status IN ('pending', 'active')").iterate() as IterableIterator<Row>) yield entryFrom(r);
  }

  async *scanGrades(): AsyncIterable<{ subjectId: string; grades: Record<string, string> }> {
    for (const r of this.db.st('SELECT subject_id, grades FROM subject_states').iterate() as IterableIterator<Row>) {
      yield { subjectId: r.subject_id as string, grades: JSON.parse(r.grades as string) };
    }
  }
}
