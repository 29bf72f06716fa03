/**
 * The key file next to the database (DESIGN.md §5). This is the one module under `ids/` that does
 * I/O. Losing the file makes every stored identifier hash unmatchable, and two processes racing to
 * create it must end up with the same key, so creation never overwrites an existing file.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { Keyring } from '../ids/keyring.js';

const IN_MEMORY = ':memory:';
const KEY_HEX = /^[0-9a-f]{64}$/i;

/** What {@link loadOrCreateKeyring} found or made. */
export interface LoadedKeyring {
  keyring: Keyring;
  /** True when a new key was generated (always for `:memory:`). */
  created: boolean;
  /** The key file, or `:memory:` when nothing is on disk. */
  path: string;
}

/** The key file that belongs to a database file: `${dbPath}.key` (`:memory:` has none). */
export function keyFilePath(dbPath: string): string {
  return dbPath === IN_MEMORY ? IN_MEMORY : `${dbPath}.key`;
}

/**
 * Reads the database's key file, or generates one (32 random bytes as 64 hex characters and a
 * newline, mode 0600) if there is none. Throws, with what to do, if the file is readable by group
 * or others or is malformed: both mean a human must look before identifiers are hashed with it.
 */
export function loadOrCreateKeyring(dbPath: string): LoadedKeyring {
  if (dbPath === IN_MEMORY) return { keyring: Keyring.random(), created: true, path: IN_MEMORY };
  return loadOrCreateKeyFile(keyFilePath(dbPath));
}

/** As {@link loadOrCreateKeyring}, for a key file named directly (a shared PostgreSQL database has no file of its own). */
export function loadOrCreateKeyFile(path: string): LoadedKeyring {
  mkdirSync(dirname(path), { recursive: true });
  const existing = readKeyFile(path);
  if (existing) return { keyring: existing, created: false, path };

  const secret = randomBytes(32);
  if (createKeyFile(path, secret)) return { keyring: Keyring.fromSecret(secret), created: true, path };
  // Another process created it between our read and our create: use theirs, so both agree.
  const theirs = readKeyFile(path);
  if (!theirs) throw new Error(`key file ${path} vanished while it was being created; try again`);
  return { keyring: theirs, created: false, path };
}

/**
 * Reads a key file without creating anything: the key, or null if there is no file (`:memory:`
 * has none). Throws as {@link loadOrCreateKeyring} does for a file that is exposed or malformed.
 */
export function readKeyring(path: string): Keyring | null {
  return path === IN_MEMORY ? null : readKeyFile(path);
}

function readKeyFile(path: string): Keyring | null {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (!st.isFile()) throw new Error(`key file ${path} exists but is not a regular file`);
  // Windows reports synthetic modes, so the permission check only means something on POSIX.
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
    throw new Error(
      `key file ${path} is accessible to group or others (mode ${mode}); it protects identity numbers, ` +
        `so restrict it with \`chmod 600 ${path}\` and start again`,
    );
  }
  const text = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
  if (!KEY_HEX.test(text)) {
    // Never quote the contents: even a malformed key may be most of a real one.
    throw new Error(
      `key file ${path} is malformed: expected 64 hexadecimal characters and a newline, found ${text.length} ` +
        `characters. Restore it from a backup; a new key would make every stored identifier hash unmatchable`,
    );
  }
  return Keyring.fromSecret(Buffer.from(text, 'hex'));
}

/**
 * Creates the key file of a database with a given secret, before the database is first opened:
 * for a reproducible test city (the same identifiers hash to the same subject ids every run).
 * Returns false if the database has a key file already.
 */
export function createKeyFileFor(dbPath: string, secret: Buffer): boolean {
  return createKeyFile(keyFilePath(dbPath), secret);
}

/**
 * Writes the key to a private temporary file and hard-links it into place: `link` fails if the
 * target exists, so unlike `rename` it cannot replace a key another process just created, and
 * readers never see a half-written file. Returns false if the file already existed.
 */
function createKeyFile(path: string, secret: Buffer): boolean {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    // The umask can only remove bits, but be explicit rather than rely on it.
    fchmodSync(fd, 0o600);
    writeSync(fd, `${secret.toString('hex')}\n`);
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkSync(tmp);
    throw e;
  }
  closeSync(fd);
  try {
    linkSync(tmp, path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // Some filesystems have no hard links; fall back to an exclusive create, which still never clobbers.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'ENOSYS' || code === 'EXDEV') return createExclusive(path, secret);
    throw e;
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // Already gone; nothing to clean up.
    }
  }
  syncDir(dir);
  return true;
}

function createExclusive(path: string, secret: Buffer): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, `${secret.toString('hex')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDir(dirname(path));
  return true;
}

/** Makes the new directory entry durable, so a crash cannot lose a key already used for hashing. */
function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not supported everywhere (e.g. Windows); the file itself was already synced.
  }
}
