import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { storeContract } from '../contract/index.js';
import { record, subject } from '../contract/fixtures.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { SqliteStore } from './sqlite-store.js';

const T = Date.UTC(2026, 4, 15, 8, 0, 0);
const root = mkdtempSync(join(tmpdir(), 'xinyong-sqlite-store-'));
let n = 0;
const freshPath = () => join(root, `db-${++n}`, 'xinyong.db');

afterAll(() => rmSync(root, { recursive: true, force: true }));

storeContract('sqlite', async () => new SqliteStore(freshPath()));

describe('SqliteStore specifics', () => {
  const open: SqliteStore[] = [];
  const track = (s: SqliteStore) => (open.push(s), s);
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
  });

  it('runs in WAL mode, with foreign keys and secure_delete on', async () => {
    const store = track(new SqliteStore(freshPath()));
    await store.migrate();
    expect(String(store.db.pragma('journal_mode', { simple: true })).toLowerCase()).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('secure_delete', { simple: true })).toBe(1);
  });

  it('creates the directory of the database file', async () => {
    const path = join(root, 'nested', 'deeper', 'x.db');
    const store = track(new SqliteStore(path));
    await store.migrate();
    await store.setMeta('k', 'v');
    expect(await store.getMeta('k')).toBe('v');
  });

  it('records every migration in schema_migrations, once', async () => {
    const path = freshPath();
    const store = track(new SqliteStore(path));
    await store.migrate();
    await store.migrate();
    const rows = store.db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all();
    expect(rows).toEqual(SQLITE_MIGRATIONS.map((m) => ({ version: m.version, name: m.name })));
    expect(SQLITE_MIGRATIONS.length).toBeGreaterThan(0);
    // Versions are strictly increasing, so "pending" is well defined.
    const versions = SQLITE_MIGRATIONS.map((m) => m.version);
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
    expect(new Set(versions).size).toBe(versions.length);
  });

  it('reopening the file keeps the data and does not re-run migrations', async () => {
    const path = freshPath();
    const a = new SqliteStore(path);
    await a.migrate();
    await a.setMeta('k', 'v');
    const subject = { id: 's_0123456789abcdef01234567', kind: 'person' as const, name: 'Zhang San', region: '110101', createdAt: T, identifiers: [{ scheme: 'cn-rid', hash: 'a'.repeat(64), masked: '110101********4514' }] };
    await a.ingest({ subjects: [subject], relations: [], records: [], audit: () => ({ at: T, actor: 't', action: 'records.ingested', subjectId: null, data: {} }) });
    const head = await a.auditHead();
    const appliedAt = a.db.prepare('SELECT applied_at FROM schema_migrations WHERE version = 1').get();
    await a.close();

    const b = track(new SqliteStore(path));
    await b.migrate();
    expect(await b.getMeta('k')).toBe('v');
    expect(await b.getSubject(subject.id)).toEqual(subject);
    expect(await b.auditHead()).toEqual(head);
    expect(b.db.prepare('SELECT applied_at FROM schema_migrations WHERE version = 1').get()).toEqual(appliedAt);
    expect(b.db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get()).toEqual({ n: SQLITE_MIGRATIONS.length });
  });

  it('expiring records leaves no trace of their facts or the ciphertext in the database file or its WAL', async () => {
    const path = freshPath();
    const store = track(new SqliteStore(path));
    await store.migrate();
    const inFiles = (needle: string) => [path, `${path}-wal`].some((f) => existsSync(f) && readFileSync(f).includes(needle));
    const cipher = 'v1.probeiv.probetag.probe-ciphertext-4f1c';
    const p = subject('probe', 'person', { identifiers: [{ scheme: 'cn-rid', hash: 'b'.repeat(64), masked: '110101********4514', encrypted: cipher }] });
    // Small facts (kept in the row) and large ones (spilling onto overflow pages).
    const small = record(p.id, 'probe-1', { facts: { note: 'probe-small-facts-7d2e' } });
    const large = record(p.id, 'probe-2', { facts: { note: 'probe-large-facts-9a3b ' + 'z'.repeat(20_000) } });
    const other = subject('other', 'person');
    const kept = record(other.id, 'kept-1', { facts: { note: 'kept-facts-1b5c' } });
    await store.ingest({ subjects: [p, other], relations: [], records: [small, large, kept], audit: () => null });
    for (const needle of ['probe-small-facts-7d2e', 'probe-large-facts-9a3b', cipher, 'kept-facts-1b5c']) expect(inFiles(needle), needle).toBe(true);

    // The candidates come from the partial index, not a scan of every record.
    const plan = store.db.prepare("EXPLAIN QUERY PLAN SELECT id, subject_id, type, occurred_at FROM records WHERE type = ? AND expired_at IS NULL AND occurred_at < ? ORDER BY occurred_at, id LIMIT ?").all('x', 0, 1) as { detail: string }[];
    expect(plan.map((r) => r.detail).join(' ')).toContain('records_retention');

    const done = await store.expireRecords({
      records: [small, large],
      change: { at: T, actor: 'system:retention', reason: 'retention period ended' },
      audit: (d) => ({ at: T, actor: 'system:retention', action: 'records.expired', subjectId: null, data: d }),
    });
    expect(done).toEqual({ records: [small.id, large.id], identifiersDeleted: [p.id] });
    for (const needle of ['probe-small-facts-7d2e', 'probe-large-facts-9a3b', cipher]) expect(inFiles(needle), needle).toBe(false);
    // What is still held is still there.
    expect((await store.getRecord(kept.id))?.facts).toEqual(kept.facts);
    expect(inFiles('kept-facts-1b5c')).toBe(true);
  });

  it('a closed store leaves a file another connection can read', async () => {
    const path = freshPath();
    const a = new SqliteStore(path);
    await a.migrate();
    await a.setMeta('k', 'v');
    await a.close();
    const ro = new Database(path, { readonly: true, fileMustExist: true });
    try {
      expect(ro.prepare('SELECT value FROM meta WHERE key = ?').get('k')).toEqual({ value: 'v' });
    } finally {
      ro.close();
    }
  });
});
