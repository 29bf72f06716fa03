/**
 * Opens what every command needs: the store, the identifier key kept next to it, and the
 * published catalog (publishing the default one into a fresh database).
 */
import { loadCatalogDir, loadCatalogDoc } from '../catalog/load.js';
import { formatIssue, type Catalog } from '../catalog/types.js';
import type { Instant } from '../domain/types.js';
import { loadOrCreateKeyFile, loadOrCreateKeyring, type Keyring } from '../ids/index.js';
import { isPostgresUrl, openStore } from '../store/open.js';
import type { Store } from '../store/port.js';
import { redactUrl } from '../store/postgres/postgres-base.js';
import { defaultCatalogDir } from './paths.js';
import { rescoreAll } from '../ingest/rescore.js';

export interface AppContext {
  store: Store;
  keyring: Keyring;
  catalog: Catalog;
  /** The SQLite file, or the PostgreSQL URL without its password: what messages name. */
  dbPath: string;
  /** The identifier key file; files that belong with the database (demo keys) go beside it. */
  keyPath: string;
  keyCreated: boolean;
  close(): Promise<void>;
}

export class CatalogLoadError extends Error {
  constructor(readonly issues: string[]) {
    super(`the catalog does not load:\n  ${issues.join('\n  ')}`);
  }
}

/** Loads a catalog directory, throwing one error that lists every issue. */
export function loadCatalogOrThrow(dir: string): Catalog {
  const r = loadCatalogDir(dir);
  if (!r.ok) throw new CatalogLoadError(r.error.map(formatIssue));
  return r.value;
}

/**
 * Saves and publishes a catalog version. Publishing the version already in force is a no-op;
 * publishing an earlier version again puts it back in force (a rollback, recorded as such).
 */
export async function publishCatalog(store: Store, catalog: Catalog, at: Instant, actor: string): Promise<'published' | 'republished' | 'unchanged'> {
  const existing = await store.getCatalogVersion(catalog.id, catalog.version);
  if (existing?.status === 'published') {
    if (existing.hash !== catalog.hash) {
      throw new Error(`${catalog.id}@${catalog.version} is already published with different content; give the new policy a new version`);
    }
    const current = await store.getPublishedCatalog(at);
    if (current && current.catalogId === catalog.id && current.version === catalog.version) return 'unchanged';
    await store.publishCatalogVersion(catalog.id, catalog.version, at, {
      at, actor, action: 'catalog.republished', subjectId: null, data: { catalog: catalog.id, version: catalog.version, hash: catalog.hash, replaces: current ? `${current.catalogId}@${current.version}` : null },
    });
    return 'republished';
  }
  await store.saveCatalogVersion(
    { catalogId: catalog.id, version: catalog.version, status: 'draft', hash: catalog.hash, doc: catalog.doc, createdAt: at, publishedAt: null },
    { at, actor, action: 'catalog.drafted', subjectId: null, data: { catalog: catalog.id, version: catalog.version, hash: catalog.hash } },
  );
  await store.publishCatalogVersion(catalog.id, catalog.version, at, {
    at, actor, action: 'catalog.published', subjectId: null, data: { catalog: catalog.id, version: catalog.version, hash: catalog.hash },
  });
  return 'published';
}

const RESCORE_PENDING = 'rescore.pending';

/**
 * Publishes a catalog and rescores every subject under it, crash-safely: the rescore owed is
 * written down before the publication and cleared after the rescore, and `openContext` finishes
 * one that a crash interrupted.
 */
export async function publishAndRescore(store: Store, catalog: Catalog, at: Instant, actor: string): Promise<{ result: 'published' | 'republished' | 'unchanged'; rescored: number }> {
  await store.setMeta(RESCORE_PENDING, `${catalog.id}@${catalog.version}`);
  const result = await publishCatalog(store, catalog, at, actor);
  const rescored = result === 'unchanged' ? 0 : await rescoreAll(store, catalog, at);
  await store.setMeta(RESCORE_PENDING, '');
  return { result, rescored };
}

/** The key file a shared PostgreSQL database uses when none is named (every process must use the same one). */
export const DEFAULT_PG_KEY_FILE = './data/postgres.key';
/** Meta key: a fingerprint of the identifier key, so a process with another key is refused. */
const KEY_FINGERPRINT = 'identity-key.fingerprint';

export async function openContext(opts: { db: string; keyFile?: string; now: Instant; actor: string }): Promise<AppContext> {
  const pg = isPostgresUrl(opts.db);
  const store = await openStore(opts.db);
  try {
    await store.migrate();
    const { keyring, created, path: keyPath } = opts.keyFile || pg ? loadOrCreateKeyFile(opts.keyFile || DEFAULT_PG_KEY_FILE) : loadOrCreateKeyring(opts.db);
    await checkKeyFingerprint(store, keyring, keyPath);
    let row = await store.getPublishedCatalog();
    if (!row) {
      await publishCatalog(store, loadCatalogOrThrow(defaultCatalogDir()), opts.now, opts.actor);
      row = await store.getPublishedCatalog();
    }
    if (!row) throw new Error('no published catalog');
    const compiled = loadCatalogDoc(row.doc);
    if (!compiled.ok) throw new CatalogLoadError(compiled.error.map(formatIssue));
    if (await store.getMeta(RESCORE_PENDING)) {
      // A publication whose rescore did not finish (a crash): finish it before anything reads state.
      await rescoreAll(store, compiled.value, opts.now);
      await store.setMeta(RESCORE_PENDING, '');
    }
    return { store, keyring, catalog: compiled.value, dbPath: pg ? redactUrl(opts.db) : opts.db, keyPath, keyCreated: created, close: () => store.close() };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/**
 * Every process that shares a database must hash identifiers with the same key, or the same ID
 * number would become two subjects. The first process to open a database records a fingerprint of
 * its key (an HMAC of a fixed text, which reveals nothing of the key); a process whose key differs
 * is refused before it writes anything.
 */
async function checkKeyFingerprint(store: Store, keyring: Keyring, keyPath: string): Promise<void> {
  const mine = keyring.hash('xinyong', 'key-fingerprint');
  const stored = await store.getMeta(KEY_FINGERPRINT);
  if (stored === null) {
    await store.setMeta(KEY_FINGERPRINT, mine);
    return;
  }
  if (stored !== mine) {
    throw new Error(
      `the identifier key in ${keyPath} is not the key this database was built with; every process that shares a database must use the same key file (copy it from the first server, or pass --key-file)`,
    );
  }
}
