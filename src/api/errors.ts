/**
 * Every error the HTTP API returns, in one place (DESIGN §10, after Fastify): a stable code, an
 * HTTP status and a title. Responses are RFC 9457 `application/problem+json`:
 *
 *   { "type": "https://xinyong.dev/problems/validation", "title": "…", "status": 400,
 *     "code": "XY_ERR_VALIDATION", "detail": "…", "field": "/subject", "instance": "/v1/checks",
 *     "requestId": "req-…" }
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { maskIdentifier } from '../ids/index.js';
import { redactUrl } from './redact.js';

export const PROBLEMS = {
  XY_ERR_VALIDATION: { status: 400, slug: 'validation', title: 'The request is not valid' },
  XY_ERR_BAD_URL: { status: 400, slug: 'bad-url', title: 'The URL is not valid' },
  XY_ERR_MALFORMED_JSON: { status: 400, slug: 'malformed-json', title: 'The request body is not valid JSON' },
  XY_ERR_INVALID_SUBJECT_REF: { status: 400, slug: 'invalid-subject-ref', title: 'The subject reference is not valid' },
  XY_ERR_UNKNOWN_ACTION: { status: 400, slug: 'unknown-action', title: 'The catalog has no such action' },
  XY_ERR_UNAUTHENTICATED: { status: 401, slug: 'unauthenticated', title: 'A valid credential is required' },
  XY_ERR_FORBIDDEN: { status: 403, slug: 'forbidden', title: 'This credential may not do this' },
  XY_ERR_OUT_OF_SCOPE: { status: 403, slug: 'out-of-scope', title: 'This is outside the credential’s scopes' },
  XY_ERR_NOT_FOUND: { status: 404, slug: 'not-found', title: 'Not found' },
  XY_ERR_ROUTE_NOT_FOUND: { status: 404, slug: 'route-not-found', title: 'No such endpoint' },
  XY_ERR_CONFLICT: { status: 409, slug: 'conflict', title: 'The request conflicts with stored data' },
  XY_ERR_BODY_TOO_LARGE: { status: 413, slug: 'body-too-large', title: 'The request body is too large' },
  XY_ERR_BATCH_TOO_LARGE: { status: 413, slug: 'batch-too-large', title: 'The batch has too many items' },
  XY_ERR_URI_TOO_LONG: { status: 414, slug: 'uri-too-long', title: 'A path segment is too long' },
  XY_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, slug: 'unsupported-media-type', title: 'The request body must be JSON' },
  XY_ERR_CATALOG_INVALID: { status: 422, slug: 'catalog-invalid', title: 'The catalog does not load' },
  XY_ERR_RATE_LIMITED: { status: 429, slug: 'rate-limited', title: 'Too many requests' },
  XY_ERR_INTERNAL: { status: 500, slug: 'internal', title: 'Internal error' },
  XY_ERR_UNAVAILABLE: { status: 503, slug: 'unavailable', title: 'The service is shutting down or not ready' },
  XY_ERR_STREAM_UNAVAILABLE: { status: 503, slug: 'stream-unavailable', title: 'Records cannot be sent asynchronously now' },
} as const;

export type ProblemCode = keyof typeof PROBLEMS;

export const PROBLEM_TYPE_BASE = 'https://xinyong.dev/problems/';

/** An expected failure of a request: thrown by handlers, rendered by the error handler. */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ProblemCode,
    detail: string,
    readonly extra: { field?: string; errors?: { field: string; reason: string }[]; [k: string]: unknown } = {},
  ) {
    super(detail);
    this.status = PROBLEMS[code].status;
  }
}

/** The problem+json body (schema for the OpenAPI document). */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ format: 'uri' }),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable error code, `XY_ERR_…`.' }),
    detail: Type.String(),
    instance: Type.String(),
    requestId: Type.String(),
    field: Type.Optional(Type.String({ description: 'JSON pointer (or parameter name) of the offending field.' })),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), reason: Type.String() }))),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details.' },
);

export function problemBody(req: FastifyRequest, code: ProblemCode, detail: string, extra: Record<string, unknown> = {}) {
  const p = PROBLEMS[code];
  return { type: PROBLEM_TYPE_BASE + p.slug, title: p.title, status: p.status, code, detail, instance: instanceOf(req), requestId: String(req.id), ...extra };
}

const JSON_SYNTAX = 'the body is not valid JSON (check quotes, commas and brackets)';

/** An 18-character run shaped like a resident ID number. */
const RID_RUN = /\d{17}[\dXx]/g;

/**
 * `instance` is the request path, but a path can hold a person's ID number
 * (`/v1/subjects/cn-rid:…`), which the API never sends back in clear. A route parameter that is an
 * identifier is masked as in the logs; literal parts of the route (`checks:batch`) are kept as
 * they are. A path that matched no route is masked segment by segment.
 */
function instanceOf(req: FastifyRequest): string {
  const path = req.url.split('?')[0];
  let params: unknown[] | null = null;
  try {
    // Requests that failed before routing have no route context, and reading it throws.
    if (req.routeOptions.url !== undefined) params = Object.values((req.params ?? {}) as Record<string, unknown>);
  } catch {
    params = null;
  }
  if (params === null) return redactUrl(path);
  return path
    .split('/')
    .map((seg) => {
      let decoded = seg;
      try {
        decoded = decodeURIComponent(seg);
      } catch {
        // left as sent
      }
      return params.includes(decoded) ? redactUrl(seg) : seg.replace(RID_RUN, (m) => maskIdentifier('cn-rid', m));
    })
    .join('/');
}

export function sendProblem(req: FastifyRequest, reply: FastifyReply, code: ProblemCode, detail: string, extra: Record<string, unknown> = {}) {
  const body = problemBody(req, code, detail, extra);
  return reply.code(body.status).type('application/problem+json').serializer(JSON.stringify).send(body);
}

interface AjvLikeError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** Where an ajv error points: the offending property (for `required` and `additionalProperties`, the named one). */
function fieldOf(e: AjvLikeError, context: string | undefined): string {
  let path = e.instancePath ?? '';
  if (e.keyword === 'required' && typeof e.params?.missingProperty === 'string') path += '/' + e.params.missingProperty;
  // An unknown key is the caller's text: masked if it is (or holds) an ID number.
  if (e.keyword === 'additionalProperties' && typeof e.params?.additionalProperty === 'string') path += '/' + e.params.additionalProperty.replace(RID_RUN, (m) => maskIdentifier('cn-rid', m));
  path = path.replace(RID_RUN, (m) => maskIdentifier('cn-rid', m));
  const where = context && context !== 'body' ? `${context}:` : '';
  return where + (path || '/');
}

function reasonOf(e: AjvLikeError): string {
  if (e.keyword === 'additionalProperties') return 'unknown field';
  if (e.keyword === 'required') return 'is required';
  return e.message ?? 'is not valid';
}

/** Maps anything a route or Fastify throws to a problem response; unexpected errors are logged as bugs. */
export function errorHandler(err: FastifyError & { validation?: AjvLikeError[]; validationContext?: string }, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof ApiError) return sendProblem(req, reply, err.code, err.message, err.extra);
  if (err.validation) {
    const errors = err.validation.slice(0, 20).map((e) => ({ field: fieldOf(e, err.validationContext), reason: reasonOf(e) }));
    const first = errors[0] ?? { field: '/', reason: 'is not valid' };
    return sendProblem(req, reply, 'XY_ERR_VALIDATION', `${first.field} ${first.reason}`, { field: first.field, errors });
  }
  switch (err.code) {
    // Raised before routing (see `frameworkErrors`); Fastify's own messages would quote the URL.
    case 'FST_ERR_BAD_URL':
      return sendProblem(req, reply, 'XY_ERR_BAD_URL', 'the URL has an invalid percent-encoding', { field: 'url' });
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return sendProblem(req, reply, 'XY_ERR_URI_TOO_LONG', 'a path parameter is longer than this service accepts (100 characters)', { field: 'url' });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return sendProblem(req, reply, 'XY_ERR_BODY_TOO_LARGE', `the body exceeds this endpoint's limit of ${reply.routeOptions.bodyLimit ?? 'the configured'} bytes`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return sendProblem(req, reply, 'XY_ERR_UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return sendProblem(req, reply, 'XY_ERR_MALFORMED_JSON', 'the body is empty; send a JSON document', { field: '/' });
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return sendProblem(req, reply, 'XY_ERR_MALFORMED_JSON', JSON_SYNTAX, { field: '/' });
  }
  if (err.statusCode === 429) return sendProblem(req, reply, 'XY_ERR_RATE_LIMITED', err.message || 'slow down and retry later');
  // V8's message quotes part of the body, which may hold an ID number: a fixed message instead.
  if (err instanceof SyntaxError || err.code === 'FST_ERR_CTP_INVALID_JSON_BODY') return sendProblem(req, reply, 'XY_ERR_MALFORMED_JSON', JSON_SYNTAX, { field: '/' });
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    // A client error Fastify raised that has no code of ours yet: still a client error, said plainly.
    return sendProblem(req, reply, 'XY_ERR_VALIDATION', err.message, { field: '/' });
  }
  if (isStoreUnreachable(err)) {
    // PostgreSQL down, restarting or failing over: the write changed nothing; retry shortly.
    req.log.warn({ err }, 'the database is unreachable');
    reply.header('retry-after', '1');
    return sendProblem(req, reply, 'XY_ERR_UNAVAILABLE', 'the database cannot be reached now; nothing was changed; retry in a moment');
  }
  if (err.code === 'SQLITE_BUSY' || err.code === 'SQLITE_BUSY_SNAPSHOT' || err.code === 'SQLITE_LOCKED') {
    // Another process held the database past the busy timeout: worth retrying, not a bug.
    reply.header('retry-after', '1');
    return sendProblem(req, reply, 'XY_ERR_UNAVAILABLE', 'the database is busy with another writer; retry in a moment');
  }
  req.log.error({ err }, 'unexpected error');
  return sendProblem(req, reply, 'XY_ERR_INTERNAL', 'an internal error occurred; it has been logged with this request id');
}

/**
 * Fastify's `frameworkErrors` option: a URL that cannot be routed (bad percent-encoding, a path
 * parameter over `maxParamLength`) otherwise gets Fastify's plain JSON, which quotes the whole URL
 * (an ID number in the path included) and is not problem+json.
 */
export const frameworkErrors = (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
  errorHandler(err, req, reply);
};

/**
 * The database cannot be reached (refused, reset, timed out, shutting down, failing over): network
 * errnos, PostgreSQL's connection-exception (08) and operator-intervention (57P) SQLSTATEs and
 * too-many-connections, and node-postgres's code-less connection errors.
 */
export function isStoreUnreachable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (/^E(CONNREFUSED|CONNRESET|TIMEDOUT|PIPE|NOTFOUND|HOSTUNREACH|NETUNREACH|AI_AGAIN)$/.test(code) || /^(08...|57P0[1-4]|53300)$/.test(code))) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended|the database system is (shutting down|starting up)/i.test((err as Error | null)?.message ?? '');
}
