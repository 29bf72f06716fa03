/**
 * How the CLI ends on a refusal, in one place: a use case's `AppError` kind becomes an exit code;
 * anything else is a bug or an I/O failure (exit 1, with the stack under XINYONG_DEBUG).
 *
 * | exit | meaning |
 * | 0 | done |
 * | 1 | refused: invalid input, not found, conflict, forbidden (the message says which and why) |
 * | 2 | `import`: no line of the file could be stored |
 * | 3 | `audit verify`: the hash chain is broken |
 * | 75 | unavailable: the database cannot be reached or is busy; retry (EX_TEMPFAIL) |
 */
import { AppError, isStoreBusy, isStoreUnreachable, type ErrorKind } from '../app/errors.js';

const EXIT_OF_KIND: Record<ErrorKind, number> = {
  invalid: 1,
  'not-found': 1,
  conflict: 1,
  forbidden: 1,
  unauthenticated: 1,
  'too-large': 1,
  unavailable: 75,
  internal: 1,
};

export const EXIT_IMPORT_NOTHING_STORED = 2;
export const EXIT_CHAIN_BROKEN = 3;

/** The exit code and the message for what a command threw. */
export function exitFor(e: unknown): { code: number; message: string; expected: boolean } {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof AppError) return { code: EXIT_OF_KIND[e.kind], message, expected: true };
  if (isStoreUnreachable(e) || isStoreBusy(e)) return { code: EXIT_OF_KIND.unavailable, message: `the database cannot be reached or is busy (${message}); nothing was changed; retry`, expected: true };
  return { code: 1, message, expected: false };
}

/** A usage error found by the CLI itself (options that do not go together). */
export const usage = (message: string, field?: string) => new AppError('XY_ERR_VALIDATION', message, field === undefined ? {} : { field });
