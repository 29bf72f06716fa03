/**
 * The embedded SQLite adapter (better-sqlite3 v12): one file, WAL mode, zero setup.
 *
 * better-sqlite3 is synchronous; the port is async so that PostgreSQL fits behind it. Each write
 * method runs in one synchronous transaction, so no other work can interleave with it. This file
 * holds subjects, records and derived state; the connection, audit chain, catalog versions and
 * keys are in sqlite-base.ts, cases and notices in sqlite-cases.ts, the summary in sqlite-stats.ts.
 */
import type { AuditEntryInput } from '../../audit/index.js';
import type { CreditRecord, Instant, ListEntry, Relation, StatusChange, Subject, SubjectKind, SubjectState } from '../../domain/types.js';
import type { EntryQuery, SubjectBasic, IngestBatch, IngestResult, SaveStates, Store, StoredState } from '../port.js';
import { DIRTY_SQL, IN_JSON, type Row } from './sqlite-base.js';
import { SqliteStats } from './sqlite-stats.js';
import { entryFrom, recordFrom, relationFrom, sameRecordContent, statusFrom, subjectFrom } from '../rows.js';

export class SqliteStore extends SqliteStats implements Store {
  async searchSubjects(q: { name: string; kinds: SubjectKind[]; limit: number }): Promise<Subject[]> {
    const pattern = '%' + q.name.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
    const rows = this.st(`SELECT * FROM subjects WHERE kind IN ${IN_JSON} AND name LIKE ? ESCAPE '\\' ORDER BY name, id LIMIT ?`).all(JSON.stringify(q.kinds), pattern, q.limit) as Row[];
    return rows.map((r) => subjectFrom(r, this.st('SELECT * FROM subject_identifiers WHERE subject_id = ? ORDER BY scheme').all(r.id) as Row[]));
  }

  // ---- subjects and records

  async ingest(batch: IngestBatch): Promise<IngestResult> {
    return this.tx(() => {
      // A new subject is marked dirty so that it gets a state (base score, grade) even without records.
      // Only a registration (it carries a name) may update a subject; a mere reference by
      // identifier (no name) never moves a registered subject back to its number's address code.
      const insSubject = this.st('INSERT OR IGNORE INTO subjects (id, kind, name, region, created_at) VALUES (?, ?, ?, ?, ?)');
      const register = this.st(
        `UPDATE subjects SET name = ?, region = CASE WHEN ? <> '' THEN ? ELSE region END WHERE id = ? AND (name <> ? OR (? <> '' AND region <> ?))`,
      );
      const fillRegion = this.st("UPDATE subjects SET region = ? WHERE id = ? AND region = ''");
      const insIdent = this.st('INSERT OR IGNORE INTO subject_identifiers (hash, subject_id, scheme, masked, encrypted) VALUES (?, ?, ?, ?, ?)');
      const dirty = this.st(DIRTY_SQL);
      const changed = new Set<string>();
      // A subject known only from a record (no registration) is stored only if one of its records
      // or roles is: a rejected line must leave nothing behind. Worked out only when such a subject
      // is new, which keeps a query per record off the common path.
      let needed: Set<string> | null = null;
      const isNeeded = (id: string) => {
        if (!needed) {
          const existingRec = this.st('SELECT 1 FROM records WHERE source = ? AND external_id = ?');
          needed = new Set<string>();
          for (const r of batch.records) if (!existingRec.get(r.source, r.externalId)) needed.add(r.subjectId);
          for (const r of batch.relations) {
            needed.add(r.subjectId);
            needed.add(r.personId);
          }
        }
        return needed.has(id);
      };
      const existing = this.st('SELECT region FROM subjects WHERE id = ?');
      for (const s of batch.subjects) {
        if (!s.name) {
          const row = existing.get(s.id) as Row | undefined;
          if (row) {
            if (s.region && row.region === '' && fillRegion.run(s.region, s.id).changes > 0) changed.add(s.id);
            continue;
          }
          if (!isNeeded(s.id)) continue;
        }
        if (insSubject.run(s.id, s.kind, s.name, s.region, s.createdAt).changes > 0) {
          dirty.run(s.id, s.createdAt);
          changed.add(s.id);
          // Identifiers are written with their subject (their hash is its id), and only then.
          for (const i of s.identifiers) insIdent.run(i.hash, s.id, i.scheme, i.masked, i.encrypted ?? null);
        } else if (s.name) {
          if (register.run(s.name, s.region, s.region, s.id, s.name, s.region, s.region).changes > 0) changed.add(s.id);
        } else if (s.region && fillRegion.run(s.region, s.id).changes > 0) changed.add(s.id);
      }
      const at = batch.at ?? Date.now();
      const openRel = this.st('SELECT 1 FROM relations WHERE subject_id = ? AND role = ? AND person_id = ? AND until IS NULL');
      const insRel = this.st('INSERT INTO relations (subject_id, role, person_id, since, until) VALUES (?, ?, ?, ?, NULL)');
      if (batch.replaceRelationsOf?.length) {
        const current = this.st('SELECT role, person_id FROM relations WHERE subject_id = ? AND until IS NULL');
        const end = this.st('UPDATE relations SET until = ? WHERE subject_id = ? AND role = ? AND person_id = ? AND until IS NULL');
        for (const org of batch.replaceRelationsOf) {
          const listed = batch.relations.filter((r) => r.subjectId === org);
          const keep = new Set(listed.map((r) => `${r.role}|${r.personId}`));
          // Replaced roles end when the registration's roles begin, so no two holders overlap.
          const endAt = listed[0]?.since ?? at;
          for (const row of current.all(org) as Row[]) {
            if (keep.has(`${row.role}|${row.person_id}`)) continue;
            end.run(endAt, org, row.role, row.person_id);
            dirty.run(org, at);
            changed.add(org);
          }
        }
      }
      for (const r of batch.relations) {
        if (openRel.get(r.subjectId, r.role, r.personId)) continue;
        // A new role, or one held again after it ended: a new period, the earlier ones kept.
        insRel.run(r.subjectId, r.role, r.personId, r.since ?? at);
        // A new role can bring an organisation's entries to the person.
        dirty.run(r.subjectId, at);
        changed.add(r.subjectId);
      }
      const insRec = this.st(
        `INSERT INTO records (id, subject_id, source, external_id, type, area, occurred_at, recorded_at, facts, catalog_version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(source, external_id) DO NOTHING`,
      );
      const inserted: CreditRecord[] = [];
      const conflicts: number[] = [];
      let duplicates = 0;
      const stored = this.st('SELECT type, subject_id, occurred_at, facts FROM records WHERE source = ? AND external_id = ?');
      for (const [i, rec] of batch.records.entries()) {
        const res = insRec.run(rec.id, rec.subjectId, rec.source, rec.externalId, rec.type, rec.area, rec.occurredAt, rec.recordedAt, JSON.stringify(rec.facts), rec.catalogVersion);
        if (res.changes > 0) {
          inserted.push(rec);
          dirty.run(rec.subjectId, rec.recordedAt);
        } else {
          const old = stored.get(rec.source, rec.externalId) as Row;
          if (sameRecordContent(old, rec)) duplicates++;
          else conflicts.push(i);
        }
      }
      const audit = batch.audit({ inserted, duplicates, subjects: batch.subjects.length });
      if (audit) this.appendAuditSync([audit]);
      if (batch.notices && inserted.length) this.addNoticesSync(batch.notices(inserted));
      return { inserted, duplicates, conflicts, changedSubjects: [...changed] };
    });
  }

  async getSubject(id: string): Promise<Subject | null> {
    const r = this.st('SELECT * FROM subjects WHERE id = ?').get(id) as Row | undefined;
    if (!r) return null;
    const idents = this.st('SELECT * FROM subject_identifiers WHERE subject_id = ? ORDER BY scheme').all(id) as Row[];
    return subjectFrom(r, idents);
  }

  async findSubjectByHash(hash: string): Promise<string | null> {
    const r = this.st('SELECT subject_id FROM subject_identifiers WHERE hash = ?').get(hash) as Row | undefined;
    return r ? (r.subject_id as string) : null;
  }

  async subjectsBasic(ids: string[]): Promise<Map<string, SubjectBasic>> {
    const rows = this.st(`SELECT id, kind, created_at FROM subjects WHERE id IN ${IN_JSON}`).all(JSON.stringify(ids)) as Row[];
    return new Map(rows.map((r) => [r.id as string, { id: r.id as string, kind: r.kind as SubjectKind, createdAt: r.created_at as number }]));
  }

  private relationsWhere(column: 'subject_id' | 'person_id', ids: string[], at?: Instant): Relation[] {
    const rows = (
      at === undefined
        ? this.st(`SELECT * FROM relations WHERE ${column} IN ${IN_JSON} AND until IS NULL`).all(JSON.stringify(ids))
        : this.st(`SELECT * FROM relations WHERE ${column} IN ${IN_JSON} AND since <= ? AND (until IS NULL OR until > ?)`).all(JSON.stringify(ids), at, at)
    ) as Row[];
    return rows.map(relationFrom);
  }

  async relationsOfOrgs(orgIds: string[], at?: Instant): Promise<Relation[]> {
    return this.relationsWhere('subject_id', orgIds, at);
  }

  async relationsOfPersons(personIds: string[], at?: Instant): Promise<Relation[]> {
    return this.relationsWhere('person_id', personIds, at);
  }

  async getRecord(id: string): Promise<CreditRecord | null> {
    const r = this.st('SELECT * FROM records WHERE id = ?').get(id) as Row | undefined;
    if (!r) return null;
    const rec = recordFrom(r);
    rec.statuses = (this.st('SELECT * FROM record_status WHERE record_id = ? ORDER BY seq').all(id) as Row[]).map((s) => statusFrom(s));
    return rec;
  }

  async recordsOf(subjectIds: string[]): Promise<Map<string, CreditRecord[]>> {
    const out = new Map<string, CreditRecord[]>();
    for (const id of subjectIds) out.set(id, []);
    if (subjectIds.length === 0) return out;
    const ids = JSON.stringify(subjectIds);
    const byId = new Map<string, CreditRecord>();
    for (const r of this.st(`SELECT * FROM records WHERE subject_id IN ${IN_JSON}`).iterate(ids) as IterableIterator<Row>) {
      const rec = recordFrom(r);
      byId.set(rec.id, rec);
      out.get(rec.subjectId)?.push(rec);
    }
    for (const s of this.st(`SELECT * FROM record_status WHERE subject_id IN ${IN_JSON} ORDER BY record_id, seq`).iterate(ids) as IterableIterator<Row>) {
      byId.get(s.record_id as string)?.statuses.push(statusFrom(s));
    }
    return out;
  }


  async addRecordStatus(recordId: string, change: StatusChange, audit: AuditEntryInput): Promise<void> {
    this.tx(() => {
      this.addRecordStatusSync(recordId, change);
      this.appendAuditSync([audit]);
    });
  }

  // ---- derived state

  async dirtySubjects(limit: number): Promise<string[]> {
    return (this.st('SELECT subject_id FROM dirty_subjects ORDER BY since, subject_id LIMIT ?').all(limit) as Row[]).map((r) => r.subject_id as string);
  }

  async dueSubjects(now: Instant, limit: number): Promise<string[]> {
    return (this.st('SELECT subject_id FROM subject_states WHERE next_change_at IS NOT NULL AND next_change_at <= ? ORDER BY next_change_at LIMIT ?').all(now, limit) as Row[]).map(
      (r) => r.subject_id as string,
    );
  }

  async dirtyMarks(subjectIds: string[]): Promise<Map<string, number>> {
    // Usually nothing is dirty; then there is nothing to look up.
    if (!(this.st('SELECT EXISTS (SELECT 1 FROM dirty_subjects) AS any').get() as Row).any) return new Map();
    const rows = this.st(`SELECT subject_id, mark FROM dirty_subjects WHERE subject_id IN ${IN_JSON}`).all(JSON.stringify(subjectIds)) as Row[];
    return new Map(rows.map((r) => [r.subject_id as string, r.mark as number]));
  }

  async markDirty(subjectIds: string[]): Promise<void> {
    const st = this.st(DIRTY_SQL);
    const now = Date.now();
    this.tx(() => {
      for (const id of subjectIds) st.run(id, now);
    });
  }

  private insertEntry(e: ListEntry, ownerId: string) {
    this.st(
      `INSERT OR REPLACE INTO list_entries (id, subject_id, owner_id, list, status, since, decided_at, until, ended_at, end_reason, reasons, via_subject_id, via_role, catalog_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      e.id, e.subjectId, ownerId, e.list, e.status, e.since, e.decidedAt, e.until, e.endedAt ?? null, e.endReason ?? null,
      JSON.stringify(e.reasons), e.via?.subjectId ?? null, e.via?.role ?? null, e.catalogVersion,
    );
  }

  async saveStates(save: SaveStates): Promise<void> {
    this.tx(() => {
      const up = this.st(
        `INSERT INTO subject_states (subject_id, kind, catalog_version, as_of, next_change_at, grades, schemes, state_hash) VALUES (?, (SELECT kind FROM subjects WHERE id = ?), ?, ?, ?, ?, ?, ?)
         ON CONFLICT(subject_id) DO UPDATE SET catalog_version = excluded.catalog_version, as_of = excluded.as_of,
           next_change_at = excluded.next_change_at, grades = excluded.grades, schemes = excluded.schemes, state_hash = excluded.state_hash`,
      );
      const delOwn = this.st('DELETE FROM list_entries WHERE owner_id = ?');
      for (const [i, s] of save.states.entries()) {
        const grades: Record<string, string> = {};
        for (const r of s.schemes) grades[r.scheme] = r.grade;
        up.run(s.subjectId, s.subjectId, s.catalogVersion, s.asOf, s.nextChangeAt, JSON.stringify(grades), JSON.stringify(s.schemes), save.hashes?.[i] ?? null);
        delOwn.run(s.subjectId);
        for (const e of s.entries) this.insertEntry(e, s.subjectId);
      }
      // Related entries are owned by the organisation but stored under the person.
      const delRel = this.st('DELETE FROM list_entries WHERE owner_id = ? AND via_subject_id IS NOT NULL');
      for (const r of save.related) {
        delRel.run(r.ownerId);
        for (const e of r.entries) this.insertEntry(e, r.ownerId);
      }
      const clear = this.st('DELETE FROM dirty_subjects WHERE subject_id = ?');
      const clearMark = this.st('DELETE FROM dirty_subjects WHERE subject_id = ? AND mark = ?');
      for (const c of save.clearDirty) {
        if (c.mark === undefined) clear.run(c.id);
        else clearMark.run(c.id, c.mark);
      }
      const feed = this.st('INSERT INTO state_changes (subject_id, at) VALUES (?, ?)');
      const at = Date.now();
      for (const st of save.states) feed.run(st.subjectId, at);
      if (save.notices?.length) this.addNoticesSync(save.notices);
      if (save.audit) this.appendAuditSync([save.audit]);
    });
  }

  async stateChangesSince(afterSeq: number, limit: number): Promise<{ seq: number; subjectIds: string[]; firstSeq: number | null }> {
    const rows = this.rawSt('SELECT seq, subject_id FROM state_changes WHERE seq > ? ORDER BY seq LIMIT ?').all(afterSeq, limit) as [number, string][];
    return { seq: rows.length ? rows[rows.length - 1][0] : afterSeq, subjectIds: [...new Set(rows.map((r) => r[1]))], firstSeq: rows.length ? rows[0][0] : null };
  }

  async stateChangeHead(): Promise<number> {
    const r = this.st("SELECT seq FROM sqlite_sequence WHERE name = 'state_changes'").get() as Row | undefined;
    return r ? (r.seq as number) : 0;
  }

  async pruneStateChanges(before: Instant): Promise<number> {
    return this.st('DELETE FROM state_changes WHERE at < ?').run(before).changes;
  }

  async getState(subjectId: string): Promise<StoredState | null> {
    const r = this.st('SELECT * FROM subject_states WHERE subject_id = ?').get(subjectId) as Row | undefined;
    if (!r) return null;
    const rows = (this.st('SELECT * FROM list_entries WHERE subject_id = ? ORDER BY since, id').all(subjectId) as Row[]).map((x) => entryFrom(x));
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
    return (this.st(`SELECT * FROM list_entries WHERE subject_id IN ${IN_JSON} AND status IN ('pending', 'active')`).all(JSON.stringify(subjectIds)) as Row[]).map((r) =>
      entryFrom(r),
    );
  }

  async listEntries(q: EntryQuery): Promise<ListEntry[]> {
    const statuses = q.statuses ?? ['pending', 'active'];
    const rows = this.st(`SELECT * FROM list_entries WHERE list = ? AND status IN ${IN_JSON} AND id > ? ORDER BY id LIMIT ?`).all(
      q.list, JSON.stringify(statuses), q.after ?? '', q.limit,
    ) as Row[];
    return rows.map((r) => entryFrom(r));
  }

  async *scanSubjects(pageSize: number): AsyncIterable<(SubjectBasic & { stateHash: string | null })[]> {
    let after = '';
    // Raw (array) rows: this scan visits every subject, and objects per row are measurable here.
    const page = this.rawSt(
      'SELECT s.id, s.kind, s.created_at, st.state_hash FROM subjects s LEFT JOIN subject_states st ON st.subject_id = s.id WHERE s.id > ? ORDER BY s.id LIMIT ?',
    );
    for (;;) {
      const rows = page.all(after, pageSize) as [string, SubjectKind, number, string | null][];
      if (rows.length === 0) return;
      after = rows[rows.length - 1][0];
      yield rows.map(([id, kind, createdAt, stateHash]) => ({ id, kind, createdAt, stateHash }));
    }
  }

  async recordsBetween(firstId: string, lastId: string): Promise<Map<string, CreditRecord[]>> {
    // A range scan of the (subject_id, occurred_at) index, in raw rows: a full rescore reads every record.
    const out = new Map<string, CreditRecord[]>();
    const byId = new Map<string, CreditRecord>();
    const rows = this.rawSt(
      'SELECT id, source, external_id, type, area, subject_id, occurred_at, recorded_at, facts, catalog_version FROM records WHERE subject_id BETWEEN ? AND ?',
    ).iterate(firstId, lastId) as IterableIterator<[string, string, string, string, CreditRecord['area'], string, number, number, string, string]>;
    for (const [id, source, externalId, type, area, subjectId, occurredAt, recordedAt, facts, catalogVersion] of rows) {
      const rec: CreditRecord = { id, source, externalId, type, area, subjectId, occurredAt, recordedAt, facts: JSON.parse(facts), catalogVersion, statuses: [] };
      byId.set(id, rec);
      const list = out.get(subjectId);
      if (list) list.push(rec);
      else out.set(subjectId, [rec]);
    }
    for (const st of this.st('SELECT * FROM record_status WHERE subject_id BETWEEN ? AND ? ORDER BY record_id, seq').iterate(firstId, lastId) as IterableIterator<Row>) {
      byId.get(st.record_id as string)?.statuses.push(statusFrom(st));
    }
    return out;
  }

  async *scanEnforceableEntries(): AsyncIterable<ListEntry> {
    for (const r of this.st("SELECT * FROM list_entries WHERE status IN ('pending', 'active')").iterate() as IterableIterator<Row>) yield entryFrom(r);
  }

  async *scanGrades(): AsyncIterable<{ subjectId: string; grades: Record<string, string> }> {
    for (const r of this.st('SELECT subject_id, grades FROM subject_states').iterate() as IterableIterator<Row>) {
      yield { subjectId: r.subject_id as string, grades: JSON.parse(r.grades as string) };
    }
  }
}
