/**
 * Whether a request changed stored data, read over connections of the test's own.
 *
 * `begin()` opens a read transaction on a snapshot connection (in WAL mode it keeps seeing the
 * database as it was) and notes SQLite's `data_version`, which moves whenever another connection
 * commits. `changes()` after the request: if nothing was committed, nothing changed (the common
 * case, and cheap); otherwise it compares two digests of the stored data, the snapshot's and the
 * current one: the row count of every table, the head of the audit chain, and a hash of the rows
 * of the tables a write changes (records, subjects and their identifiers, roles, cases, notices,
 * keys, catalogs). It answers the parts that differ.
 */
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';

/** Hashed row by row; the others are counted. */
const HASHED = ['records', 'record_status', 'subjects', 'subject_identifiers', 'relations', 'relation_periods', 'cases', 'notices', 'api_keys', 'catalog_versions', 'catalog_publications', 'dirty_subjects', 'meta'];

function digestOf(db: Database.Database): string[] {
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
  const parts: string[] = [];
  for (const t of tables) {
    const n = (db.prepare(`SELECT count(*) AS n FROM "${t}"`).get() as { n: number }).n;
    let h = '';
    if (HASHED.includes(t)) {
      const hash = createHash('sha256');
      for (const row of db.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).raw().iterate()) hash.update(JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? String(v) : v)));
      h = hash.digest('hex').slice(0, 16);
    }
    parts.push(`${t}:${n}${h ? `:${h}` : ''}`);
  }
  const head = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as { seq: number; hash: string } | undefined;
  parts.push(`audit-head:${head?.seq ?? 0}:${head?.hash ?? ''}`);
  return parts;
}

export class ChangeWatch {
  private readonly now: Database.Database;
  private readonly then: Database.Database;
  private version = -1;
  /** Requests whose effect was compared with full digests (something was committed meanwhile). */
  digests = 0;

  constructor(path: string) {
    this.now = new Database(path, { readonly: true, fileMustExist: true });
    this.then = new Database(path, { readonly: true, fileMustExist: true });
  }

  private dataVersion(): number {
    return this.now.pragma('data_version', { simple: true }) as number;
  }

  /** Before the request: the snapshot to compare with. */
  begin(): void {
    this.end();
    this.then.exec('BEGIN');
    // A read transaction starts at its first read: this one pins the snapshot.
    this.then.prepare('SELECT count(*) FROM sqlite_master').get();
    this.version = this.dataVersion();
  }

  /** After the request: the parts of the stored data that differ from the snapshot (none if nothing was committed). */
  changes(): string[] {
    try {
      if (this.dataVersion() === this.version) return [];
      this.digests++;
      const before = digestOf(this.then);
      const after = new Set(digestOf(this.now));
      return before.filter((p) => !after.has(p)).map((p) => p.split(':')[0]);
    } finally {
      this.then.exec('COMMIT');
    }
  }

  /** Whether anything was committed since `begin()` (the watch's own check: a stored write must show). */
  committed(): boolean {
    return this.dataVersion() !== this.version;
  }

  /** After a request that was not refused: let the snapshot go. */
  end(): void {
    if (this.then.inTransaction) this.then.exec('COMMIT');
  }

  close(): void {
    this.end();
    this.now.close();
    this.then.close();
  }
}
