/** Subjects, their legal roles and credit records with their status histories, on SQLite. */
import type { AuditEntryInput } from '../../audit/index.js';
import type { CreditRecord, Instant, Relation, StatusChange, Subject, SubjectKind } from '../../domain/types.js';
import type { ExpiredRecords, ExpireRecords, IngestBatch, IngestResult, RecordsPort, RetentionCandidate, SubjectBasic, SubjectSearch } from '../port/index.js';
import type { LatestRecords } from '../port/records.js';
import { recordFrom, relationFrom, sameRecordContent, statusFrom, subjectFrom } from '../rows.js';
import { DIRTY_SQL, IN_JSON, type Row, type SqliteDb } from './db.js';

export class SqliteRecords implements RecordsPort {
  constructor(private readonly db: SqliteDb) {}

  /** The subjects a search finds (`found`), and its arguments: organisations by part of the name, persons by the whole name (the partial index `subjects_person_name`). */
  private found(q: SubjectSearch): { sql: string; args: unknown[] } {
    const pattern = '%' + q.name.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
    const parts = [`SELECT * FROM subjects WHERE kind IN ${IN_JSON} AND name LIKE ? ESCAPE '\\'`];
    const args: unknown[] = [JSON.stringify(q.kinds), pattern];
    if (q.persons) (parts.push("SELECT * FROM subjects WHERE kind = 'person' AND name = ?"), args.push(q.name));
    return { sql: parts.join(' UNION '), args };
  }

  async searchSubjects(q: SubjectSearch & { after?: string; limit: number }): Promise<Subject[]> {
    const { sql, args } = this.found(q);
    const after = q.after === undefined ? '' : 'WHERE (name, id) > (SELECT name, id FROM subjects WHERE id = ?)';
    const rows = this.db.st(`SELECT * FROM (${sql}) ${after} ORDER BY name, id LIMIT ?`).all(...args, ...(q.after === undefined ? [] : [q.after]), q.limit) as Row[];
    return rows.map((r) => subjectFrom(r, this.db.st('SELECT * FROM subject_identifiers WHERE subject_id = ? ORDER BY scheme').all(r.id) as Row[]));
  }

  async countSubjects(q: SubjectSearch & { max: number }): Promise<number> {
    const { sql, args } = this.found(q);
    return (this.db.st(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM (${sql}) LIMIT ?)`).get(...args, q.max) as { n: number }).n;
  }

  async ingest(batch: IngestBatch): Promise<IngestResult> {
    return this.db.tx(() => {
      // A new subject is marked dirty so that it gets a state (base score, grade) even without records.
      // Only a registration (it carries a name) may update a subject; a mere reference by
      // identifier (no name) never moves a registered subject back to its number's address code.
      const insSubject = this.db.st('INSERT OR IGNORE INTO subjects (id, kind, name, region, created_at) VALUES (?, ?, ?, ?, ?)');
      const register = this.db.st(
        `UPDATE subjects SET name = ?, region = CASE WHEN ? <> '' THEN ? ELSE region END WHERE id = ? AND (name <> ? OR (? <> '' AND region <> ?))`,
      );
      const fillRegion = this.db.st("UPDATE subjects SET region = ? WHERE id = ? AND region = ''");
      const insIdent = this.db.st('INSERT OR IGNORE INTO subject_identifiers (hash, subject_id, scheme, masked, encrypted) VALUES (?, ?, ?, ?, ?)');
      const dirty = this.db.st(DIRTY_SQL);
      const changed = new Set<string>();
      /** Subjects this batch inserted (their identifiers went in with them). */
      const fresh = new Set<string>();
      // A subject known only from a record (no registration) is stored only if one of its records
      // or roles is: a rejected line must leave nothing behind. Worked out only when such a subject
      // is new, which keeps a query per record off the common path.
      let needed: Set<string> | null = null;
      const isNeeded = (id: string) => {
        if (!needed) {
          const existingRec = this.db.st('SELECT 1 FROM records WHERE source = ? AND external_id = ?');
          needed = new Set<string>();
          for (const r of batch.records) if (!existingRec.get(r.source, r.externalId)) needed.add(r.subjectId);
          for (const r of batch.relations) {
            needed.add(r.subjectId);
            needed.add(r.personId);
          }
        }
        return needed.has(id);
      };
      const existing = this.db.st('SELECT region FROM subjects WHERE id = ?');
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
          fresh.add(s.id);
          // Identifiers are written with their subject (their hash is its id), and only then.
          for (const i of s.identifiers) insIdent.run(i.hash, s.id, i.scheme, i.masked, i.encrypted ?? null);
        } else if (s.name) {
          if (register.run(s.name, s.region, s.region, s.id, s.name, s.region, s.region).changes > 0) changed.add(s.id);
        } else if (s.region && fillRegion.run(s.region, s.id).changes > 0) changed.add(s.id);
      }
      const at = batch.at ?? Date.now();
      const openRel = this.db.st('SELECT 1 FROM relations WHERE subject_id = ? AND role = ? AND person_id = ? AND until IS NULL');
      const insRel = this.db.st('INSERT INTO relations (subject_id, role, person_id, since, until) VALUES (?, ?, ?, ?, NULL)');
      if (batch.replaceRelationsOf?.length) {
        const current = this.db.st('SELECT role, person_id FROM relations WHERE subject_id = ? AND until IS NULL');
        const end = this.db.st('UPDATE relations SET until = ? WHERE subject_id = ? AND role = ? AND person_id = ? AND until IS NULL');
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
      const insRec = this.db.st(
        `INSERT INTO records (id, subject_id, source, external_id, type, area, occurred_at, recorded_at, facts, catalog_version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(source, external_id) DO NOTHING`,
      );
      const inserted: CreditRecord[] = [];
      const conflicts: number[] = [];
      let duplicates = 0;
      const stored = this.db.st('SELECT type, subject_id, occurred_at, facts, expired_at FROM records WHERE source = ? AND external_id = ?');
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
      this.restoreCiphertext(batch, inserted, fresh);
      const audit = batch.audit({ inserted, duplicates, subjects: batch.subjects.length });
      if (audit) this.db.appendAuditSync([audit]);
      if (batch.notices && inserted.length) this.db.addNoticesSync(batch.notices(inserted));
      return { inserted, duplicates, conflicts, changedSubjects: [...changed] };
    });
  }

  /**
   * An existing subject whose identifier ciphertext was deleted at the end of retention gets it
   * back when it is needed again: a record about it was stored, or a role names it. Looked up
   * before the ciphertext is read, which encrypts on first read (ingest/resolve.ts).
   */
  private restoreCiphertext(batch: IngestBatch, inserted: CreditRecord[], fresh: Set<string>): void {
    const needed = new Set<string>(inserted.map((r) => r.subjectId));
    for (const r of batch.relations) needed.add(r.personId);
    const cleared = this.db.st('SELECT 1 FROM subject_identifiers WHERE hash = ? AND subject_id = ? AND encrypted IS NULL');
    const restore = this.db.st('UPDATE subject_identifiers SET encrypted = ? WHERE hash = ? AND subject_id = ? AND encrypted IS NULL');
    for (const s of batch.subjects) {
      if (!needed.has(s.id) || fresh.has(s.id)) continue;
      for (const i of s.identifiers) {
        if (!('encrypted' in i) || !cleared.get(i.hash, s.id)) continue;
        const token = i.encrypted;
        if (token) restore.run(token, i.hash, s.id);
      }
    }
  }

  async retentionCandidates(q: { type: string; occurredBefore: Instant; after?: { occurredAt: Instant; id: string }; limit: number }): Promise<RetentionCandidate[]> {
    // The partial index records_retention (type, occurred_at) WHERE expired_at IS NULL.
    const rows = (
      q.after
        ? this.db.st(
            `SELECT id, subject_id, type, occurred_at FROM records WHERE type = ? AND expired_at IS NULL AND occurred_at < ?
             AND (occurred_at > ? OR (occurred_at = ? AND id > ?)) ORDER BY occurred_at, id LIMIT ?`,
          ).all(q.type, q.occurredBefore, q.after.occurredAt, q.after.occurredAt, q.after.id, q.limit)
        : this.db.st('SELECT id, subject_id, type, occurred_at FROM records WHERE type = ? AND expired_at IS NULL AND occurred_at < ? ORDER BY occurred_at, id LIMIT ?').all(q.type, q.occurredBefore, q.limit)
    ) as Row[];
    return rows.map((r) => ({ id: r.id as string, subjectId: r.subject_id as string, type: r.type as string, occurredAt: r.occurred_at as number }));
  }

  async latestRecords(q: LatestRecords): Promise<CreditRecord[]> {
    // The partial index records_retention (type, occurred_at) WHERE expired_at IS NULL, read backwards.
    const b = q.before;
    const rows = this.db.st(
      `SELECT r.* FROM records r JOIN subjects s ON s.id = r.subject_id
       WHERE r.type IN ${IN_JSON} AND r.expired_at IS NULL AND s.kind IN ${IN_JSON} AND r.occurred_at >= ? AND r.occurred_at < ?
       ${b ? 'AND (r.occurred_at < ? OR (r.occurred_at = ? AND r.id < ?))' : ''}
       ORDER BY r.occurred_at DESC, r.id DESC LIMIT ?`,
    ).all(JSON.stringify(q.types), JSON.stringify(q.kinds), q.occurredFrom, q.occurredBefore, ...(b ? [b.occurredAt, b.occurredAt, b.id] : []), q.limit) as Row[];
    const recs = rows.map((r) => recordFrom(r));
    if (recs.length === 0) return recs;
    const byId = new Map(recs.map((r) => [r.id, r]));
    for (const st of this.db.st(`SELECT * FROM record_status WHERE record_id IN ${IN_JSON} ORDER BY record_id, seq`).iterate(JSON.stringify([...byId.keys()])) as IterableIterator<Row>) {
      byId.get(st.record_id as string)?.statuses.push(statusFrom(st));
    }
    return recs;
  }

  async expireRecords(e: ExpireRecords): Promise<ExpiredRecords> {
    if (e.records.length === 0) return { records: [], identifiersDeleted: [] };
    // The connection runs with secure_delete on (db.ts): the facts replaced here are overwritten.
    const done = this.db.tx(() => {
      const expire = this.db.st("UPDATE records SET facts = '{}', expired_at = ? WHERE id = ? AND expired_at IS NULL RETURNING subject_id");
      const records: string[] = [];
      const subjects = new Set<string>();
      for (const r of e.records) {
        const row = expire.get(e.change.at, r.id) as Row | undefined;
        if (!row) continue;
        this.db.addRecordStatusSync(r.id, { status: 'expired', ...e.change });
        records.push(r.id);
        subjects.add(row.subject_id as string);
      }
      // The ciphertext goes once nothing needs it: no record still held, no legal role in force.
      const live = this.db.st('SELECT 1 FROM records WHERE subject_id = ? AND expired_at IS NULL LIMIT 1');
      const role = this.db.st('SELECT 1 FROM relations WHERE person_id = ? AND until IS NULL LIMIT 1');
      const clear = this.db.st('UPDATE subject_identifiers SET encrypted = NULL WHERE subject_id = ? AND encrypted IS NOT NULL');
      const identifiersDeleted: string[] = [];
      for (const s of [...subjects].sort()) if (!live.get(s) && !role.get(s) && clear.run(s).changes > 0) identifiersDeleted.push(s);
      // The evidence of cases about these records goes with their facts.
      const evidence = (records.length > 0 ? (this.db.st(`DELETE FROM case_evidence WHERE record_id IN ${IN_JSON} RETURNING id`).all(JSON.stringify(records)) as Row[]) : []).map((r) => r.id as string).sort();
      const out: ExpiredRecords = { records, identifiersDeleted, ...(evidence.length > 0 ? { evidenceDeleted: evidence } : {}) };
      if (records.length > 0) this.db.appendAuditSync([e.audit(out)]);
      return out;
    });
    // The WAL still holds the pages as they were: copy the new ones into the file and empty it.
    // If a reader holds an old snapshot it empties at the next batch, or when the store closes.
    if (done.records.length > 0) this.db.handle.pragma('wal_checkpoint(TRUNCATE)');
    return done;
  }

  async getSubject(id: string): Promise<Subject | null> {
    const r = this.db.st('SELECT * FROM subjects WHERE id = ?').get(id) as Row | undefined;
    if (!r) return null;
    const idents = this.db.st('SELECT * FROM subject_identifiers WHERE subject_id = ? ORDER BY scheme').all(id) as Row[];
    return subjectFrom(r, idents);
  }

  async findSubjectByHash(hash: string): Promise<string | null> {
    const r = this.db.st('SELECT subject_id FROM subject_identifiers WHERE hash = ?').get(hash) as Row | undefined;
    return r ? (r.subject_id as string) : null;
  }

  async subjectsBasic(ids: string[]): Promise<Map<string, SubjectBasic>> {
    const rows = this.db.st(`SELECT id, kind, created_at FROM subjects WHERE id IN ${IN_JSON}`).all(JSON.stringify(ids)) as Row[];
    return new Map(rows.map((r) => [r.id as string, { id: r.id as string, kind: r.kind as SubjectKind, createdAt: r.created_at as number }]));
  }

  private relationsWhere(column: 'subject_id' | 'person_id', ids: string[], at?: Instant): Relation[] {
    const rows = (
      at === undefined
        ? this.db.st(`SELECT * FROM relations WHERE ${column} IN ${IN_JSON} AND until IS NULL`).all(JSON.stringify(ids))
        : this.db.st(`SELECT * FROM relations WHERE ${column} IN ${IN_JSON} AND since <= ? AND (until IS NULL OR until > ?)`).all(JSON.stringify(ids), at, at)
    ) as Row[];
    return rows.map(relationFrom);
  }

  async relationsOfOrgs(orgIds: string[], at?: Instant): Promise<Relation[]> {
    return this.relationsWhere('subject_id', orgIds, at);
  }

  async relationsOfPersons(personIds: string[], at?: Instant): Promise<Relation[]> {
    return this.relationsWhere('person_id', personIds, at);
  }

  async ridCiphertexts(personIds: string[]): Promise<Map<string, string>> {
    const rows = this.db.st(`SELECT subject_id, encrypted FROM subject_identifiers WHERE subject_id IN ${IN_JSON} AND scheme = 'cn-rid' AND encrypted IS NOT NULL`).all(JSON.stringify(personIds)) as Row[];
    return new Map(rows.map((r) => [r.subject_id as string, r.encrypted as string]));
  }

  async getRecord(id: string): Promise<CreditRecord | null> {
    const r = this.db.st('SELECT * FROM records WHERE id = ?').get(id) as Row | undefined;
    if (!r) return null;
    const rec = recordFrom(r);
    rec.statuses = (this.db.st('SELECT * FROM record_status WHERE record_id = ? ORDER BY seq').all(id) as Row[]).map((s) => statusFrom(s));
    return rec;
  }

  async recordsOf(subjectIds: string[]): Promise<Map<string, CreditRecord[]>> {
    const out = new Map<string, CreditRecord[]>();
    for (const id of subjectIds) out.set(id, []);
    if (subjectIds.length === 0) return out;
    const ids = JSON.stringify(subjectIds);
    const byId = new Map<string, CreditRecord>();
    for (const r of this.db.st(`SELECT * FROM records WHERE subject_id IN ${IN_JSON}`).iterate(ids) as IterableIterator<Row>) {
      const rec = recordFrom(r);
      byId.set(rec.id, rec);
      out.get(rec.subjectId)?.push(rec);
    }
    for (const s of this.db.st(`SELECT * FROM record_status WHERE subject_id IN ${IN_JSON} ORDER BY record_id, seq`).iterate(ids) as IterableIterator<Row>) {
      byId.get(s.record_id as string)?.statuses.push(statusFrom(s));
    }
    return out;
  }

  async recordsBetween(firstId: string, lastId: string): Promise<Map<string, CreditRecord[]>> {
    // A range scan of the (subject_id, occurred_at) index, in raw rows: a full rescore reads every record.
    const out = new Map<string, CreditRecord[]>();
    const byId = new Map<string, CreditRecord>();
    const rows = this.db.rawSt(
      'SELECT id, source, external_id, type, area, subject_id, occurred_at, recorded_at, facts, catalog_version FROM records WHERE subject_id BETWEEN ? AND ?',
    ).iterate(firstId, lastId) as IterableIterator<[string, string, string, string, CreditRecord['area'], string, number, number, string, string]>;
    for (const [id, source, externalId, type, area, subjectId, occurredAt, recordedAt, facts, catalogVersion] of rows) {
      const rec: CreditRecord = { id, source, externalId, type, area, subjectId, occurredAt, recordedAt, facts: JSON.parse(facts), catalogVersion, statuses: [] };
      byId.set(id, rec);
      const list = out.get(subjectId);
      if (list) list.push(rec);
      else out.set(subjectId, [rec]);
    }
    for (const st of this.db.st('SELECT * FROM record_status WHERE subject_id BETWEEN ? AND ? ORDER BY record_id, seq').iterate(firstId, lastId) as IterableIterator<Row>) {
      byId.get(st.record_id as string)?.statuses.push(statusFrom(st));
    }
    return out;
  }

  async addRecordStatus(recordId: string, change: StatusChange, audit: AuditEntryInput): Promise<void> {
    this.db.tx(() => {
      this.db.addRecordStatusSync(recordId, change);
      this.db.appendAuditSync([audit]);
    });
  }
}
