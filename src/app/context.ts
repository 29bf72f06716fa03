/**
 * What every use case works with. `openContext` opens the store, the identifier key kept next to
 * it and the published catalog (publishing the default one into a fresh database); `createApp`
 * adds what a use case needs around it: the clock, the working-day calendar, the receipt log, and
 * in a serving process the gate feed and the write serialiser. Doors (HTTP routes, CLI commands)
 * hold an `App` and call use cases with it; they never touch the store.
 */
import type { Catalog } from '../catalog/types.js';
import { loadCatalogDoc } from '../catalog/load.js';
import type { Instant } from '../domain/types.js';
import type { Keyring } from '../ids/index.js';
import { existsSync } from 'node:fs';
import { keyFilePath, loadOrCreateKeyFile, loadOrCreateKeyring, readKeyring } from './key-file.js';
import type { WorkingCalendar } from '../process/calendar.js';
import { isPostgresUrl, openStore } from '../store/open.js';
import { hidePassword } from '../store/url.js';
import type { Store } from '../store/port.js';
import { defaultCalendarFile, loadCalendar } from './calendar-file.js';
import { catalogProblems, loadCatalogDirOrThrow } from './catalog-files.js';
import { RESCORE_PENDING, publishAndDerive, publishCatalog } from './publish.js';
import { deriveAll } from './derive.js';
import { AppError } from './errors.js';
import type { GateFeed } from './gate-feed.js';
import { defaultCatalogDir } from './paths.js';
import { ReceiptLog, type ReceiptLogOptions } from './receipts.js';
import { serialiser, type Serialiser } from './schedule.js';

export interface AppContext {
  store: Store;
  keyring: Keyring;
  /** The catalog in force in this process (a serving process's `GateFeed` swaps it). */
  catalog: Catalog;
  /** The SQLite file, or the PostgreSQL URL without its password: what messages name. */
  dbPath: string;
  /** The identifier key file; files that belong with the database (demo keys) go beside it. */
  keyPath: string;
  keyCreated: boolean;
  close(): Promise<void>;
}

/** The environment of every use case. */
export interface App {
  ctx: AppContext;
  now: () => Instant;
  /** The working-day calendar due-process deadlines are counted on. */
  calendar: WorkingCalendar;
  /** A serving process's in-memory gate; null in the CLI, which decides from the store. */
  feed: GateFeed | null;
  /** Serialises writes that change what the gate must know (ingest, due process, publish). */
  writes: Serialiser;
  /** Decision receipts, written to the audit chain in batches. */
  receipts: ReceiptLog;
  /** Identifier hash → subject id, so repeated lookups by ID number skip the store. */
  byHash: Map<string, string>;
}

export interface AppOptions {
  now?: () => Instant;
  calendar?: WorkingCalendar;
  receipts?: ReceiptLogOptions;
}

export function createApp(ctx: AppContext, o: AppOptions = {}): App {
  return {
    ctx,
    now: o.now ?? Date.now,
    calendar: o.calendar ?? loadCalendar(defaultCalendarFile()),
    feed: null,
    writes: serialiser(),
    receipts: new ReceiptLog(ctx.store, o.receipts),
    byHash: new Map(),
  };
}

/**
 * Runs a write the gate must know of: one at a time in this process, and the gate has caught up
 * with what it derived (from the change feed) before the caller hears back, so a check that
 * follows is enforced.
 */
export function write<T>(app: App, fn: () => Promise<T>): Promise<T> {
  return app.writes(async () => {
    const r = await fn();
    await app.feed?.catchUp();
    return r;
  });
}

/** The key file a shared PostgreSQL database uses when none is named (every process must use the same one). */
export const DEFAULT_PG_KEY_FILE = './data/postgres.key';
/** Meta key: a fingerprint of the identifier key, so a process with another key is refused. */
const KEY_FINGERPRINT = 'identity-key.fingerprint';

export interface OpenOptions {
  db: string;
  keyFile?: string;
  now: Instant;
  actor: string;
  /**
   * Whether a SQLite file that does not exist may be created (with its directory and key file).
   * Default true, for embedding and tests; the CLI passes false unless the command makes a
   * database (`demo`, `import`) or the operator said `--create`, so a mistyped `--db` is refused.
   * A PostgreSQL database is the server's to create: a missing one is refused either way.
   */
  create?: boolean;
}

export async function openContext(opts: OpenOptions): Promise<AppContext> {
  const pg = isPostgresUrl(opts.db);
  if (!pg && opts.db !== ':memory:' && opts.create === false && !existsSync(opts.db)) {
    throw new AppError('XY_ERR_DATABASE_MISSING', `there is no database at ${opts.db}: check --db (or DATABASE_URL); nothing was created. To make a new one there, run \`xinyong demo\` or \`xinyong import\`, or add --create`, { field: '--db' });
  }
  const store = await openStore(opts.db);
  try {
    await migrateOrExplain(store, pg ? hidePassword(opts.db) : opts.db);
    const keyPath = opts.keyFile || pg ? opts.keyFile || DEFAULT_PG_KEY_FILE : keyFilePath(opts.db);
    const { keyring, created } = await loadKey(store, keyPath);
    await checkKeyFingerprint(store, keyring, keyPath);
    let row = await store.getPublishedCatalog();
    if (!row) {
      await publishCatalog(store, loadCatalogDirOrThrow(defaultCatalogDir()), opts.now, opts.actor);
      row = await store.getPublishedCatalog();
    }
    if (!row) throw new Error('no published catalog');
    let compiled = loadCatalogDoc(row.doc);
    if (!compiled.ok && olderFormat(row.doc)) {
      // The catalog in force was stored by an xinyong from before the national layer, and cannot
      // be read by this one. The default catalog is put back in force, in its current form, and
      // every subject derived under it; any other catalog must be published again by its author.
      const shipped = loadCatalogDirOrThrow(defaultCatalogDir());
      if (row.catalogId !== shipped.id) {
        throw new AppError(
          'XY_ERR_CATALOG_INVALID',
          `the catalog in force, ${row.catalogId}@${row.version}, was stored by an older xinyong, before catalogs cited the laws register and named their facts from the data dictionary (docs/catalog.md): convert it and publish it into a new database, or start this one with a catalog of the current format`,
        );
      }
      await publishAndDerive({ store, keyring }, shipped, opts.now, opts.actor);
      row = await store.getPublishedCatalog();
      compiled = row ? loadCatalogDoc(row.doc) : compiled;
    }
    if (!compiled.ok) throw catalogProblems(compiled.error);
    if (await store.getMeta(RESCORE_PENDING)) {
      // A publication whose derivation did not finish (a crash): finish it before anything reads state.
      await deriveAll({ store, keyring }, compiled.value, opts.now);
      await store.setMeta(RESCORE_PENDING, '');
    }
    return { store, keyring, catalog: compiled.value, dbPath: pg ? hidePassword(opts.db) : opts.db, keyPath, keyCreated: created, close: () => store.close() };
  } catch (e) {
    await store.close();
    throw e;
  }
}

/** Applies the migrations; a PostgreSQL database that does not exist (SQLSTATE 3D000) is refused with what to do. */
async function migrateOrExplain(store: Store, shown: string): Promise<void> {
  try {
    await store.migrate();
  } catch (e) {
    if ((e as { code?: unknown }).code !== '3D000') throw e;
    const name = (() => {
      try {
        return decodeURIComponent(new URL(shown).pathname.slice(1)) || '(none named)';
      } catch {
        return '(unreadable)';
      }
    })();
    throw new AppError('XY_ERR_DATABASE_MISSING', `the PostgreSQL server of ${shown} has no database '${name}': check --db (or DATABASE_URL), or create the database on the server (\`createdb ${name}\`); xinyong creates its tables, not the database`, { field: '--db' });
  }
}

/**
 * The identifier key: the key file if there is one; else a new one, but only for a database that
 * has never recorded a key. A database copied without its key file is refused before anything
 * is written, rather than given a new key that would match none of its identifiers.
 */
async function loadKey(store: Store, keyPath: string): Promise<{ keyring: Keyring; created: boolean }> {
  if (keyPath === ':memory:') return { keyring: loadOrCreateKeyring(':memory:').keyring, created: true };
  const existing = readKeyring(keyPath);
  if (existing) return { keyring: existing, created: false };
  if ((await store.getMeta(KEY_FINGERPRINT)) !== null) {
    throw new AppError(
      'XY_ERR_CONFLICT',
      `the identifier key file ${keyPath} is missing, and this database was built with a key: copy the key file that belongs to the database there (or pass --key-file); nothing was written, since a new key would match none of its identifiers`,
      { field: '--key-file' },
    );
  }
  const { keyring, created } = loadOrCreateKeyFile(keyPath);
  return { keyring, created };
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
    throw new AppError(
      'XY_ERR_CONFLICT',
      `the identifier key in ${keyPath} is not the key this database was built with; every process that shares a database must use the same key file (copy it from the first server, or pass --key-file)`,
    );
  }
}

/** Whether a stored catalog document is of the format before the national layer (no `national`, text legal bases). */
function olderFormat(doc: unknown): boolean {
  return !!doc && typeof doc === 'object' && !('national' in doc);
}
