/**
 * The embedded SQLite adapter (better-sqlite3 v12): one file, WAL mode, zero setup.
 *
 * better-sqlite3 is synchronous; the port is async so that PostgreSQL fits behind it. Each write
 * method runs in one synchronous transaction, so no other work can interleave with it.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import canonicalize from 'canonicalize';
import { chainEntries, type AuditEntry, type AuditEntryInput } from '../../audit/index.js';
import type { CreditRecord, Instant, ListEntry, Relation, StatusChange, Subject, SubjectKind, SubjectState } from '../../domain/types.js';
import { CaseConflictError, type ApiKeyRow, type AuditQuery, type CaseEffects, type CaseQuery, type CaseRow, type CatalogVersionRow, type NoticeRow, type EntryQuery, type KeyRole, type SubjectBasic, type IngestBatch, type IngestResult, type SaveStates, type Store, type StoredState, type StoreSummary } from '../port.js';
import { SQLITE_MIGRATIONS } from './migrations.js';

type Row = Record<string, unknown>;

const IN_JSON = '(SELECT value FROM json_each(?))';
/** Marks a subject dirty; marking it again bumps its mark, so an in-flight derivation will not clear it. */
const DIRTY_SQL = 'INSERT INTO dirty_subjects (subject_id, since) VALUES (?, ?) ON CONFLICT(subject_id) DO UPDATE SET mark = mark + 1';

/** Whether a stored record row says the same as a resent record (facts compared canonically). */
function sameRecordContent(row: Row, rec: CreditRecord): boolean {
  return (
    row.type === rec.type &&
    row.subject_id === rec.subjectId &&
    row.occurred_at === rec.occurredAt &&
    canonicalize(JSON.parse(row.facts as string)) === canonicalize(rec.facts)
  );
}

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly db: Database.Database;
  private readonly stmts = new Map<string, Database.Statement>();

  constructor(readonly path: string) {
    const fresh = path !== ':memory:' && !existsSync(path);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    // Names, masked identifiers and records: readable by the service's user only.
    if (fresh) chmodSync(path, 0o600);
    this.db.pragma('journal_mode = WAL');
    // FULL: a commit that returned survives a power cut too, not only a killed process.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
  }

  private readonly rawStmts = new Map<string, Database.Statement>();
  /** Subject-day index keys this connection has written (see appendAuditSync). */
  private readonly indexed = new Set<string>();

  /**
   * Runs `fn` in a write transaction taken at BEGIN IMMEDIATE: a transaction that reads and then
   * writes (the audit head, say) must not fail with SQLITE_BUSY when another process (a CLI
   * import beside a running server) writes at the same moment; it waits for busy_timeout instead.
   */
  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** A prepared statement returning rows as arrays. */
  private rawSt(sql: string): Database.Statement {
    let s = this.rawStmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql).raw(true);
      this.rawStmts.set(sql, s);
    }
    return s;
  }

  private st(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  async migrate(): Promise<void> {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    const done = new Set((this.db.prepare('SELECT version FROM schema_migrations').all() as Row[]).map((r) => r.version as number));
    for (const m of SQLITE_MIGRATIONS) {
      if (done.has(m.version)) continue;
      this.tx(() => {
        this.db.exec(m.sql);
        this.db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, Date.now());
      });
    }
  }

  async close(): Promise<void> {
    if (this.db.open) {
      this.db.pragma('wal_checkpoint(TRUNCATE)');
      this.db.close();
    }
  }

  async getMeta(key: string): Promise<string | null> {
    const r = this.st('SELECT value FROM meta WHERE key = ?').get(key) as Row | undefined;
    return r ? (r.value as string) : null;
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.st('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  // ---- audit (callers hold the transaction)

  private appendAuditSync(inputs: AuditEntryInput[]): AuditEntry[] {
    if (inputs.length === 0) return [];
    const head = this.st('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as Row | undefined;
    const entries = chainEntries(head ? { seq: head.seq as number, hash: head.hash as string } : null, inputs);
    const ins = this.st('INSERT INTO audit_log (seq, at, actor, action, subject_id, data, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    const rc = this.st('INSERT INTO check_receipts (receipt, audit_seq) VALUES (?, ?)');
    const about = this.st('INSERT OR IGNORE INTO audit_subject_days (subject_id, day, actor, key, seq) VALUES (?, ?, ?, ?, ?)');
    for (const [i, e] of entries.entries()) {
      ins.run(e.seq, e.at, e.actor, e.action, e.subjectId, JSON.stringify(e.data), e.prevHash, e.hash);
      const subjects = inputs[i].subjects;
      if (subjects?.length) {
        const day = Math.floor(e.at / 86_400_000);
        const key = inputs[i].subjectsKey ?? e.action;
        // Repeats (the same screening run again the same day) are skipped in memory, not looked up.
        const prefix = `${day}|${e.actor}|${key}|`;
        if (this.indexed.size > 500_000) this.indexed.clear();
        for (const id of subjects) {
          const k = prefix + id;
          if (this.indexed.has(k)) continue;
          this.indexed.add(k);
          about.run(id, day, e.actor, key, e.seq);
        }
      }
      const receipt = e.action === 'check.decided' ? (e.data as { receipt?: unknown } | null)?.receipt : undefined;
      if (typeof receipt === 'string') rc.run(receipt, e.seq);
    }
    return entries;
  }

  async appendAudit(inputs: AuditEntryInput[]): Promise<AuditEntry[]> {
    try {
      return this.tx(() => this.appendAuditSync(inputs));
    } catch (err) {
      // The transaction rolled back: forget index keys it may have noted as written.
      this.indexed.clear();
      throw err;
    }
  }

  private auditFrom(r: Row): AuditEntry {
    return {
      seq: r.seq as number,
      at: r.at as number,
      actor: r.actor as string,
      action: r.action as string,
      subjectId: (r.subject_id as string | null) ?? null,
      data: JSON.parse(r.data as string),
      prevHash: r.prev_hash as string,
      hash: r.hash as string,
    };
  }

  async findReceipt(receipt: string): Promise<AuditEntry | null> {
    const r = this.st('SELECT a.* FROM check_receipts c JOIN audit_log a ON a.seq = c.audit_seq WHERE c.receipt = ?').get(receipt) as Row | undefined;
    return r ? this.auditFrom(r) : null;
  }

  async auditPage(q: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = ['seq < ?'];
    const args: unknown[] = [q.before ?? Number.MAX_SAFE_INTEGER];
    if (q.subjectId !== undefined) {
      where.push('(subject_id = ? OR seq IN (SELECT seq FROM audit_subject_days WHERE subject_id = ?))');
      args.push(q.subjectId, q.subjectId);
    }
    if (q.actions?.length) (where.push(`action IN ${IN_JSON}`), args.push(JSON.stringify(q.actions)));
    const rows = this.st(`SELECT * FROM audit_log WHERE ${where.join(' AND ')} ORDER BY seq DESC LIMIT ?`).all(...args, q.limit) as Row[];
    return rows.map((r) => this.auditFrom(r));
  }

  // ---- due-process cases and the notice outbox

  private caseFrom(r: Row): CaseRow {
    return { id: r.id as string, kind: r.kind as CaseRow['kind'], subjectId: r.subject_id as string, status: r.status as string, deadline: (r.deadline as number | null) ?? null, createdAt: r.created_at as number, doc: JSON.parse(r.doc as string) };
  }

  private noticeFrom(r: Row): NoticeRow {
    return {
      id: r.id as string,
      subjectId: (r.subject_id as string | null) ?? null,
      kind: r.kind as string,
      createdAt: r.created_at as number,
      payload: JSON.parse(r.payload as string),
      status: r.status as NoticeRow['status'],
      attempts: r.attempts as number,
      nextAttemptAt: r.next_attempt_at as number,
      lastError: (r.last_error as string | null) ?? null,
      deliveredAt: (r.delivered_at as number | null) ?? null,
    };
  }

  private addNoticesSync(notices: NoticeRow[]): void {
    const ins = this.st('INSERT INTO notices (id, subject_id, kind, created_at, payload, status, attempts, next_attempt_at, last_error, delivered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING');
    for (const n of notices) ins.run(n.id, n.subjectId, n.kind, n.createdAt, JSON.stringify(n.payload), n.status, n.attempts, n.nextAttemptAt, n.lastError, n.deliveredAt);
  }

  async saveCase(c: CaseRow, effects: CaseEffects): Promise<void> {
    this.tx(() => {
      if (effects.expectStatus !== undefined) {
        const cur = this.st('SELECT status FROM cases WHERE id = ?').get(c.id) as Row | undefined;
        const found = cur ? (cur.status as string) : null;
        if (found !== effects.expectStatus) throw new CaseConflictError(c.id, found);
      }
      this.st(
        `INSERT INTO cases (id, kind, subject_id, status, deadline, created_at, doc) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, deadline = excluded.deadline, doc = excluded.doc`,
      ).run(c.id, c.kind, c.subjectId, c.status, c.deadline, c.createdAt, JSON.stringify(c.doc));
      for (const { recordId, change } of effects.statuses ?? []) this.addRecordStatusSync(recordId, change);
      this.addNoticesSync(effects.notices ?? []);
      this.appendAuditSync([effects.audit]);
    });
  }

  async getCase(id: string): Promise<CaseRow | null> {
    const r = this.st('SELECT * FROM cases WHERE id = ?').get(id) as Row | undefined;
    return r ? this.caseFrom(r) : null;
  }

  async listCases(q: CaseQuery): Promise<CaseRow[]> {
    const where = ['kind = ?'];
    const args: unknown[] = [q.kind];
    if (q.statuses?.length) (where.push(`status IN ${IN_JSON}`), args.push(JSON.stringify(q.statuses)));
    if (q.subjectId !== undefined) (where.push('subject_id = ?'), args.push(q.subjectId));
    if (q.deadlineBefore !== undefined) (where.push('deadline IS NOT NULL AND deadline < ?'), args.push(q.deadlineBefore));
    const rows = this.st(`SELECT * FROM cases WHERE ${where.join(' AND ')} ORDER BY deadline IS NULL, deadline, created_at, id LIMIT ?`).all(...args, q.limit) as Row[];
    return rows.map((r) => this.caseFrom(r));
  }

  async addNotices(notices: NoticeRow[]): Promise<void> {
    if (notices.length) this.tx(() => this.addNoticesSync(notices));
  }

  async dueNotices(now: Instant, limit: number): Promise<NoticeRow[]> {
    return (this.st("SELECT * FROM notices WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, created_at, id LIMIT ?").all(now, limit) as Row[]).map((r) => this.noticeFrom(r));
  }

  async updateNotice(id: string, p: Pick<NoticeRow, 'status' | 'attempts' | 'nextAttemptAt' | 'lastError' | 'deliveredAt'>): Promise<void> {
    this.st('UPDATE notices SET status = ?, attempts = ?, next_attempt_at = ?, last_error = ?, delivered_at = ? WHERE id = ?').run(p.status, p.attempts, p.nextAttemptAt, p.lastError, p.deliveredAt, id);
  }

  async listNotices(q: { subjectId?: string; status?: NoticeRow['status']; limit: number }): Promise<NoticeRow[]> {
    const where: string[] = ['1 = 1'];
    const args: unknown[] = [];
    if (q.subjectId !== undefined) (where.push('subject_id = ?'), args.push(q.subjectId));
    if (q.status !== undefined) (where.push('status = ?'), args.push(q.status));
    return (this.st(`SELECT * FROM notices WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`).all(...args, q.limit) as Row[]).map((r) => this.noticeFrom(r));
  }

  // ---- API keys

  private keyFrom(r: Row): ApiKeyRow {
    return {
      id: r.id as string,
      name: r.name as string,
      role: r.role as KeyRole,
      scopes: JSON.parse(r.scopes as string) as string[],
      source: (r.source as string | null) ?? null,
      subjectId: (r.subject_id as string | null) ?? null,
      secretHash: r.secret_hash as string,
      createdAt: r.created_at as number,
      createdBy: r.created_by as string,
      revokedAt: (r.revoked_at as number | null) ?? null,
    };
  }

  async createApiKey(k: ApiKeyRow, audit: AuditEntryInput): Promise<void> {
    this.tx(() => {
      this.st('INSERT INTO api_keys (id, name, role, scopes, source, subject_id, secret_hash, created_at, created_by, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        k.id, k.name, k.role, JSON.stringify(k.scopes), k.source, k.subjectId, k.secretHash, k.createdAt, k.createdBy, k.revokedAt,
      );
      this.appendAuditSync([audit]);
    });
  }

  async getApiKey(id: string): Promise<ApiKeyRow | null> {
    const r = this.st('SELECT * FROM api_keys WHERE id = ?').get(id) as Row | undefined;
    return r ? this.keyFrom(r) : null;
  }

  async listApiKeys(): Promise<ApiKeyRow[]> {
    return (this.st('SELECT * FROM api_keys ORDER BY created_at, id').all() as Row[]).map((r) => this.keyFrom(r));
  }

  async revokeApiKey(id: string, at: Instant, audit: AuditEntryInput): Promise<boolean> {
    return this.tx(() => {
      const changed = this.st('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes > 0;
      if (changed) this.appendAuditSync([audit]);
      return changed;
    });
  }

  async searchSubjects(q: { name: string; kinds: SubjectKind[]; limit: number }): Promise<Subject[]> {
    const pattern = '%' + q.name.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
    const rows = this.st(`SELECT * FROM subjects WHERE kind IN ${IN_JSON} AND name LIKE ? ESCAPE '\\' ORDER BY name, id LIMIT ?`).all(JSON.stringify(q.kinds), pattern, q.limit) as Row[];
    return rows.map((r) => this.subjectFrom(r, this.st('SELECT * FROM subject_identifiers WHERE subject_id = ? ORDER BY scheme').all(r.id) as Row[]));
  }

  async auditHead(): Promise<{ seq: number; hash: string } | null> {
    const r = this.st('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as Row | undefined;
    return r ? { seq: r.seq as number, hash: r.hash as string } : null;
  }

  async *scanAudit(fromSeq = 1): AsyncIterable<AuditEntry> {
    let seq = fromSeq - 1;
    const page = this.st('SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT 2000');
    for (;;) {
      const rows = page.all(seq) as Row[];
      if (rows.length === 0) return;
      for (const r of rows) {
        seq = r.seq as number;
        yield {
          seq,
          at: r.at as number,
          actor: r.actor as string,
          action: r.action as string,
          subjectId: (r.subject_id as string | null) ?? null,
          data: JSON.parse(r.data as string),
          prevHash: r.prev_hash as string,
          hash: r.hash as string,
        };
      }
    }
  }

  // ---- catalog versions

  async saveCatalogVersion(row: CatalogVersionRow, audit: AuditEntryInput): Promise<void> {
    this.tx(() => {
      this.st(
        `INSERT INTO catalog_versions (catalog_id, version, status, hash, doc, created_at, published_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(catalog_id, version) DO UPDATE SET status = excluded.status, hash = excluded.hash, doc = excluded.doc, published_at = excluded.published_at
         WHERE catalog_versions.status = 'draft'`,
      ).run(row.catalogId, row.version, row.status, row.hash, JSON.stringify(row.doc), row.createdAt, row.publishedAt);
      this.appendAuditSync([audit]);
    });
  }

  async publishCatalogVersion(catalogId: string, version: string, at: Instant, audit: AuditEntryInput): Promise<void> {
    this.tx(() => {
      // published_at keeps the first publication; every publication (a rollback too) is an event.
      this.st("UPDATE catalog_versions SET status = 'published', published_at = COALESCE(published_at, ?) WHERE catalog_id = ? AND version = ?").run(at, catalogId, version);
      this.st('INSERT OR IGNORE INTO catalog_publications (catalog_id, version, published_at) VALUES (?, ?, ?)').run(catalogId, version, at);
      this.appendAuditSync([audit]);
    });
  }

  private catalogRow(r: Row): CatalogVersionRow {
    return {
      catalogId: r.catalog_id as string,
      version: r.version as string,
      status: r.status as CatalogVersionRow['status'],
      hash: r.hash as string,
      doc: JSON.parse(r.doc as string),
      createdAt: r.created_at as number,
      publishedAt: (r.published_at as number | null) ?? null,
    };
  }

  async getCatalogVersion(catalogId: string, version: string): Promise<CatalogVersionRow | null> {
    const r = this.st('SELECT * FROM catalog_versions WHERE catalog_id = ? AND version = ?').get(catalogId, version) as Row | undefined;
    return r ? this.catalogRow(r) : null;
  }

  async listCatalogVersions(): Promise<Omit<CatalogVersionRow, 'doc'>[]> {
    const rows = this.st('SELECT catalog_id, version, status, hash, created_at, published_at FROM catalog_versions ORDER BY created_at, version').all() as Row[];
    return rows.map((r) => {
      const { doc: _doc, ...rest } = this.catalogRow({ ...r, doc: 'null' });
      return rest;
    });
  }

  async getPublishedCatalog(at?: Instant): Promise<CatalogVersionRow | null> {
    const r = this.st(
      `SELECT v.* FROM catalog_publications p JOIN catalog_versions v ON v.catalog_id = p.catalog_id AND v.version = p.version
       WHERE p.published_at <= ? ORDER BY p.published_at DESC, p.rowid DESC LIMIT 1`,
    ).get(at ?? Number.MAX_SAFE_INTEGER) as Row | undefined;
    return r ? this.catalogRow(r) : null;
  }

  async publishedCatalogRef(at?: Instant): Promise<{ catalogId: string; version: string } | null> {
    const r = this.st('SELECT catalog_id, version FROM catalog_publications WHERE published_at <= ? ORDER BY published_at DESC, rowid DESC LIMIT 1').get(at ?? Number.MAX_SAFE_INTEGER) as Row | undefined;
    return r ? { catalogId: r.catalog_id as string, version: r.version as string } : null;
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

  private subjectFrom(r: Row, idents: Row[]): Subject {
    return {
      id: r.id as string,
      kind: r.kind as SubjectKind,
      name: r.name as string,
      region: r.region as string,
      createdAt: r.created_at as number,
      identifiers: idents.map((i) => {
        const out: Subject['identifiers'][number] = { scheme: i.scheme as string, hash: i.hash as string, masked: i.masked as string };
        if (i.encrypted) out.encrypted = i.encrypted as string;
        return out;
      }),
    };
  }

  async getSubject(id: string): Promise<Subject | null> {
    const r = this.st('SELECT * FROM subjects WHERE id = ?').get(id) as Row | undefined;
    if (!r) return null;
    const idents = this.st('SELECT * FROM subject_identifiers WHERE subject_id = ? ORDER BY scheme').all(id) as Row[];
    return this.subjectFrom(r, idents);
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
    return rows.map((r) => {
      const rel: Relation = { subjectId: r.subject_id as string, role: r.role as Relation['role'], personId: r.person_id as string, since: r.since as number };
      if (r.until !== null) rel.until = r.until as number;
      return rel;
    });
  }

  async relationsOfOrgs(orgIds: string[], at?: Instant): Promise<Relation[]> {
    return this.relationsWhere('subject_id', orgIds, at);
  }

  async relationsOfPersons(personIds: string[], at?: Instant): Promise<Relation[]> {
    return this.relationsWhere('person_id', personIds, at);
  }

  private recordFrom(r: Row): CreditRecord {
    return {
      id: r.id as string,
      source: r.source as string,
      externalId: r.external_id as string,
      type: r.type as string,
      area: r.area as CreditRecord['area'],
      subjectId: r.subject_id as string,
      occurredAt: r.occurred_at as number,
      recordedAt: r.recorded_at as number,
      facts: JSON.parse(r.facts as string),
      catalogVersion: r.catalog_version as string,
      statuses: [],
    };
  }

  private statusFrom(r: Row): StatusChange {
    return { status: r.status as StatusChange['status'], at: r.at as number, actor: r.actor as string, reason: r.reason as string };
  }

  async getRecord(id: string): Promise<CreditRecord | null> {
    const r = this.st('SELECT * FROM records WHERE id = ?').get(id) as Row | undefined;
    if (!r) return null;
    const rec = this.recordFrom(r);
    rec.statuses = (this.st('SELECT * FROM record_status WHERE record_id = ? ORDER BY seq').all(id) as Row[]).map((s) => this.statusFrom(s));
    return rec;
  }

  async recordsOf(subjectIds: string[]): Promise<Map<string, CreditRecord[]>> {
    const out = new Map<string, CreditRecord[]>();
    for (const id of subjectIds) out.set(id, []);
    if (subjectIds.length === 0) return out;
    const ids = JSON.stringify(subjectIds);
    const byId = new Map<string, CreditRecord>();
    for (const r of this.st(`SELECT * FROM records WHERE subject_id IN ${IN_JSON}`).iterate(ids) as IterableIterator<Row>) {
      const rec = this.recordFrom(r);
      byId.set(rec.id, rec);
      out.get(rec.subjectId)?.push(rec);
    }
    for (const s of this.st(`SELECT * FROM record_status WHERE subject_id IN ${IN_JSON} ORDER BY record_id, seq`).iterate(ids) as IterableIterator<Row>) {
      byId.get(s.record_id as string)?.statuses.push(this.statusFrom(s));
    }
    return out;
  }

  private addRecordStatusSync(recordId: string, change: StatusChange): void {
    const r = this.st('SELECT subject_id FROM records WHERE id = ?').get(recordId) as Row | undefined;
    if (!r) throw new Error(`no record ${recordId}`);
    const seq = ((this.st('SELECT MAX(seq) AS m FROM record_status WHERE record_id = ?').get(recordId) as Row).m as number | null) ?? 0;
    this.st('INSERT INTO record_status (record_id, subject_id, seq, status, at, actor, reason) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      recordId, r.subject_id, seq + 1, change.status, change.at, change.actor, change.reason,
    );
    this.st(DIRTY_SQL).run(r.subject_id, change.at);
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

  private entryFrom(r: Row): ListEntry {
    const e: ListEntry = {
      id: r.id as string,
      list: r.list as string,
      subjectId: r.subject_id as string,
      status: r.status as ListEntry['status'],
      since: r.since as number,
      decidedAt: r.decided_at as number,
      until: (r.until as number | null) ?? null,
      reasons: JSON.parse(r.reasons as string),
      catalogVersion: r.catalog_version as string,
    };
    if (r.ended_at !== null) e.endedAt = r.ended_at as number;
    if (r.end_reason !== null) e.endReason = r.end_reason as string;
    if (r.via_subject_id) e.via = { subjectId: r.via_subject_id as string, role: r.via_role as Relation['role'] };
    return e;
  }

  async getState(subjectId: string): Promise<StoredState | null> {
    const r = this.st('SELECT * FROM subject_states WHERE subject_id = ?').get(subjectId) as Row | undefined;
    if (!r) return null;
    const rows = (this.st('SELECT * FROM list_entries WHERE subject_id = ? ORDER BY since, id').all(subjectId) as Row[]).map((x) => this.entryFrom(x));
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
      this.entryFrom(r),
    );
  }

  async listEntries(q: EntryQuery): Promise<ListEntry[]> {
    const statuses = q.statuses ?? ['pending', 'active'];
    const rows = this.st(`SELECT * FROM list_entries WHERE list = ? AND status IN ${IN_JSON} AND id > ? ORDER BY id LIMIT ?`).all(
      q.list, JSON.stringify(statuses), q.after ?? '', q.limit,
    ) as Row[];
    return rows.map((r) => this.entryFrom(r));
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
      byId.get(st.record_id as string)?.statuses.push(this.statusFrom(st));
    }
    return out;
  }

  async *scanEnforceableEntries(): AsyncIterable<ListEntry> {
    for (const r of this.st("SELECT * FROM list_entries WHERE status IN ('pending', 'active')").iterate() as IterableIterator<Row>) yield this.entryFrom(r);
  }

  async *scanGrades(): AsyncIterable<{ subjectId: string; grades: Record<string, string> }> {
    for (const r of this.st('SELECT subject_id, grades FROM subject_states').iterate() as IterableIterator<Row>) {
      yield { subjectId: r.subject_id as string, grades: JSON.parse(r.grades as string) };
    }
  }

  async summary(): Promise<StoreSummary> {
    const subjectsByKind = { person: 0, enterprise: 0, institution: 0, government: 0 } as Record<SubjectKind, number>;
    for (const r of this.st('SELECT kind, COUNT(*) AS n FROM subjects GROUP BY kind').all() as Row[]) subjectsByKind[r.kind as SubjectKind] = r.n as number;
    const recordsByArea: Record<string, number> = {};
    let records = 0;
    for (const r of this.st('SELECT area, COUNT(*) AS n FROM records GROUP BY area ORDER BY area').all() as Row[]) {
      recordsByArea[r.area as string] = r.n as number;
      records += r.n as number;
    }
    const recordsByType: Record<string, number> = {};
    for (const r of this.st('SELECT type, COUNT(*) AS n FROM records GROUP BY type ORDER BY type').all() as Row[]) recordsByType[r.type as string] = r.n as number;
    const listSizes: Record<string, number> = {};
    for (const r of this.st("SELECT list, COUNT(DISTINCT subject_id) AS n FROM list_entries WHERE status IN ('pending', 'active') GROUP BY list ORDER BY list").all() as Row[]) {
      listSizes[r.list as string] = r.n as number;
    }
    const listBreakdown: StoreSummary['listBreakdown'] = {};
    for (const r of this.st(
      `SELECT e.list AS list, CASE WHEN e.via_subject_id IS NULL THEN s.kind ELSE 'via-role' END AS k, COUNT(DISTINCT e.subject_id) AS n
       FROM list_entries e JOIN subjects s ON s.id = e.subject_id WHERE e.status IN ('pending', 'active') GROUP BY 1, 2 ORDER BY 1, 2`,
    ).all() as Row[]) {
      (listBreakdown[r.list as string] ??= {})[r.k as string] = r.n as number;
    }
    const grades: Record<string, Record<string, number>> = {};
    for (const r of this.st(
      'SELECT g.key AS scheme, g.value AS grade, COUNT(*) AS n FROM subject_states, json_each(subject_states.grades) AS g GROUP BY g.key, g.value ORDER BY g.key, g.value',
    ).all() as Row[]) {
      (grades[r.scheme as string] ??= {})[r.grade as string] = r.n as number;
    }
    const auditEntries = ((this.st('SELECT COUNT(*) AS n FROM audit_log').get() as Row).n as number) ?? 0;
    return { subjectsByKind, records, recordsByArea, recordsByType, listSizes, listBreakdown, grades, auditEntries };
  }
}
