/**
 * Who is asking, as every use case sees it (whichever door they came through: an API key, an
 * OIDC token, the dev sign-in, or a CLI user), and how scopes are matched.
 */
import type { KeyRole } from '../store/port.js';

export interface Caller {
  role: KeyRole;
  /** What the audit log records as the actor: `key:k_…`, `oidc:<sub>`, `dev:<role>-<random>`, `cli:<user>`. */
  actor: string;
  /**
   * Scopes: record-type globs and `register`/`register:<kind>` for a source, actions for a
   * checker. Empty: all the role allows.
   */
  scopes: string[];
  /** The catalog source a source sends as. */
  source: string | null;
  /** The subject a subject credential belongs to. */
  subjectId: string | null;
}

/** Whether scopes allow a code: empty allows all; `*`, the code itself, or a `prefix.*` glob. */
export function scopeAllows(scopes: readonly string[], code: string): boolean {
  if (scopes.length === 0) return true;
  for (const s of scopes) {
    if (s === '*' || s === code) return true;
    if (s.endsWith('*') && code.startsWith(s.slice(0, -1))) return true;
  }
  return false;
}

/** The scope that lets a source key register (and rename) subjects of every kind its source registers. */
export const REGISTER_SCOPE = 'register';

/**
 * Whether scopes allow registering (or renaming) a subject of this kind: empty scopes or `*`
 * allow all, otherwise only `register` or `register:<kind>` do. Record-type scopes and their
 * globs never do, so a key scoped to record types cannot register or rename anyone.
 */
export function registrationAllowed(scopes: readonly string[], kind: string): boolean {
  if (scopes.length === 0) return true;
  return scopes.some((s) => s === '*' || s === REGISTER_SCOPE || s === `${REGISTER_SCOPE}:${kind}`);
}

/** Whether a scope is a registration scope (`register` or `register:<kind>`), not a record-type glob. */
export const isRegisterScope = (s: string) => s === REGISTER_SCOPE || s.startsWith(`${REGISTER_SCOPE}:`);

/** The CLI user, who acts as an operator with every role's reach (their access is the database file's). */
export function operator(actor: string): Caller {
  return { role: 'admin', actor, scopes: [], source: null, subjectId: null };
}
