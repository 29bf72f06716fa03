/**
 * Who is asking, as every use case sees it (whichever door they came through: an API key, an
 * OIDC token, the dev sign-in, or a CLI user), and how scopes are matched.
 */
import type { KeyRole } from '../store/port.js';

export interface Caller {
  role: KeyRole;
  /** What the audit log records as the actor: `key:k_…`, `oidc:<sub>`, `dev:<role>`, `cli:<user>`. */
  actor: string;
  /** Scopes: record-type globs for a source, actions for a checker. Empty: all the role allows. */
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

/** The CLI user, who acts as an operator with every role's reach (their access is the database file's). */
export function operator(actor: string): Caller {
  return { role: 'admin', actor, scopes: [], source: null, subjectId: null };
}
