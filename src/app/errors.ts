/**
 * One error vocabulary for every door (HTTP, CLI, console). A use case that refuses throws an
 * `AppError` with a stable code; the code fixes its kind, and the kind is all a door needs:
 * the API maps kinds to problem+json statuses in `api/errors.ts`, the CLI to exit codes in
 * `cli/errors.ts`. Nothing matches on message text. Every code is documented in docs/api.md and
 * docs/cli.md.
 */

/** What sort of refusal: the only thing a door maps. */
export type ErrorKind = 'invalid' | 'not-found' | 'conflict' | 'forbidden' | 'unavailable' | 'unauthenticated' | 'too-large' | 'internal';

/**
 * Every code, with its kind and a short title. Codes are stable: clients match on them. The
 * transport codes (bad URL, malformed JSON, media type, rate limit) are raised by the HTTP door
 * only, but live here too so that one table lists every code.
 */
export const ERROR_CODES = {
  XY_ERR_VALIDATION: { kind: 'invalid', slug: 'validation', title: 'The request is not valid' },
  XY_ERR_BAD_URL: { kind: 'invalid', slug: 'bad-url', title: 'The URL is not valid' },
  XY_ERR_MALFORMED_JSON: { kind: 'invalid', slug: 'malformed-json', title: 'The request body is not valid JSON' },
  XY_ERR_INVALID_SUBJECT_REF: { kind: 'invalid', slug: 'invalid-subject-ref', title: 'The subject reference is not valid' },
  XY_ERR_UNKNOWN_ACTION: { kind: 'invalid', slug: 'unknown-action', title: 'The catalog has no such action' },
  XY_ERR_UNKNOWN_SCHEME: { kind: 'invalid', slug: 'unknown-scheme', title: 'The catalog has no such identifier scheme' },
  XY_ERR_UNAUTHENTICATED: { kind: 'unauthenticated', slug: 'unauthenticated', title: 'A valid credential is required' },
  XY_ERR_FORBIDDEN: { kind: 'forbidden', slug: 'forbidden', title: 'This credential may not do this' },
  XY_ERR_OUT_OF_SCOPE: { kind: 'forbidden', slug: 'out-of-scope', title: 'This is outside the credential’s scopes' },
  XY_ERR_NOT_FOUND: { kind: 'not-found', slug: 'not-found', title: 'Not found' },
  XY_ERR_ROUTE_NOT_FOUND: { kind: 'not-found', slug: 'route-not-found', title: 'No such endpoint' },
  XY_ERR_CONFLICT: { kind: 'conflict', slug: 'conflict', title: 'The request conflicts with stored data' },
  XY_ERR_NOT_REPAIRABLE: { kind: 'conflict', slug: 'not-repairable', title: 'The record cannot be repaired now' },
  XY_ERR_SELF_APPROVAL: { kind: 'forbidden', slug: 'self-approval', title: 'A request must be decided by someone other than its requester' },
  XY_ERR_VERSION_CHANGED: { kind: 'conflict', slug: 'version-changed', title: 'The catalog version is no longer the document the request names' },
  XY_ERR_EVIDENCE_TYPE: { kind: 'invalid', slug: 'evidence-type', title: 'The file is not a PDF, PNG or JPEG, or not what it says it is' },
  XY_ERR_EVIDENCE_TOO_LARGE: { kind: 'too-large', slug: 'evidence-too-large', title: 'The file is larger than evidence may be' },
  XY_ERR_EVIDENCE_LIMIT: { kind: 'conflict', slug: 'evidence-limit', title: 'The case holds as many files as it may' },
  XY_ERR_EVIDENCE_CORRUPT: { kind: 'internal', slug: 'evidence-corrupt', title: 'The stored file does not match its hash' },
  XY_ERR_DATABASE_MISSING: { kind: 'not-found', slug: 'database-missing', title: 'There is no database there' },
  XY_ERR_BODY_TOO_LARGE: { kind: 'too-large', slug: 'body-too-large', title: 'The request body is too large' },
  XY_ERR_BATCH_TOO_LARGE: { kind: 'too-large', slug: 'batch-too-large', title: 'The batch has too many items' },
  XY_ERR_URI_TOO_LONG: { kind: 'too-large', slug: 'uri-too-long', title: 'A path segment is too long' },
  XY_ERR_HEADERS_TOO_LARGE: { kind: 'too-large', slug: 'headers-too-large', title: 'The request line and headers are too large' },
  XY_ERR_MALFORMED_REQUEST: { kind: 'invalid', slug: 'malformed-request', title: 'The request is not well-formed HTTP' },
  XY_ERR_REQUEST_TIMEOUT: { kind: 'invalid', slug: 'request-timeout', title: 'The request did not arrive in time' },
  XY_ERR_UNSUPPORTED_MEDIA_TYPE: { kind: 'invalid', slug: 'unsupported-media-type', title: 'The request body must be JSON' },
  XY_ERR_CATALOG_INVALID: { kind: 'invalid', slug: 'catalog-invalid', title: 'The catalog does not load' },
  XY_ERR_RATE_LIMITED: { kind: 'unavailable', slug: 'rate-limited', title: 'Too many requests' },
  XY_ERR_INTERNAL: { kind: 'internal', slug: 'internal', title: 'Internal error' },
  XY_ERR_UNAVAILABLE: { kind: 'unavailable', slug: 'unavailable', title: 'The service is shutting down or not ready' },
  XY_ERR_STREAM_UNAVAILABLE: { kind: 'unavailable', slug: 'stream-unavailable', title: 'Records cannot be sent asynchronously now' },
} as const satisfies Record<string, { kind: ErrorKind; slug: string; title: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Where the problem is, and what else a client may use (every `errors` item, a limit). */
export interface ErrorDetail {
  /** JSON pointer (`/subject`), a parameter (`ref`, `querystring:/purpose`), or a CLI option. */
  field?: string;
  errors?: { field: string; reason: string }[];
  [k: string]: unknown;
}

/** An expected refusal of a use case, with a stable code and a message for people. */
export class AppError extends Error {
  readonly kind: ErrorKind;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: ErrorDetail = {},
  ) {
    super(message);
    this.kind = ERROR_CODES[code].kind;
  }
}

/** Shorthands for the common refusals. */
export const invalid = (message: string, field?: string, extra: ErrorDetail = {}) => new AppError('XY_ERR_VALIDATION', message, { ...(field === undefined ? {} : { field }), ...extra });
export const notFound = (message: string, field?: string) => new AppError('XY_ERR_NOT_FOUND', message, field === undefined ? {} : { field });
export const conflict = (message: string, field?: string, extra: ErrorDetail = {}) => new AppError('XY_ERR_CONFLICT', message, { ...(field === undefined ? {} : { field }), ...extra });

/**
 * The database cannot be reached (refused, reset, timed out, shutting down, failing over): network
 * errnos, PostgreSQL's connection-exception (08) and operator-intervention (57P) SQLSTATEs and
 * too-many-connections, and node-postgres's code-less connection errors. Nothing was changed;
 * the caller may retry.
 */
export function isStoreUnreachable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (/^E(CONNREFUSED|CONNRESET|TIMEDOUT|PIPE|NOTFOUND|HOSTUNREACH|NETUNREACH|AI_AGAIN)$/.test(code) || /^(08...|57P0[1-4]|53300)$/.test(code))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|the database system is (shutting down|starting up)/i.test((err as Error | null)?.message ?? '');
}

/** Another process held an embedded database past the busy timeout: worth retrying, not a bug. */
export function isStoreBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
}
