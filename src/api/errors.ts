/**
 * How the HTTP door shows a refusal (DESIGN §10, after Fastify): the codes and their kinds are
 * `app/errors.ts`; here, and only here, a kind (or a code) becomes an HTTP status. Responses are RFC 9457 `application/problem+json`:
 *
 *   { "type": "https://xinyong.dev/problems/validation", "title": "…", "status": 400,
 *     "code": "XY_ERR_VALIDATION", "detail": "…", "field": "/subject", "instance": "/v1/checks",
 *     "requestId": "req-…" }
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError, ERROR_CODES, isStoreBusy, isStoreUnreachable, type ErrorCode, type ErrorKind } from '../app/errors.js';
import { maskRidShapes } from '../ids/rid-finder.js';
import { hideIdsInUrl } from './redact.js';

/** The one place kinds of refusal become HTTP statuses. */
const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  unavailable: 503,
  internal: 500,
};

/** Codes whose HTTP status is more precise than their kind's. */
const STATUS_OF_CODE: Partial<Record<ErrorCode, number>> = {
  XY_ERR_REQUEST_TIMEOUT: 408,
  XY_ERR_URI_TOO_LONG: 414,
  XY_ERR_HEADERS_TOO_LARGE: 431,
  XY_ERR_UNSUPPORTED_MEDIA_TYPE: 415,
  XY_ERR_CATALOG_INVALID: 422,
  XY_ERR_NOT_REPAIRABLE: 422,
  XY_ERR_EVIDENCE_TYPE: 415,
  XY_ERR_RATE_LIMITED: 429,
};

export const statusOf = (code: ErrorCode): number => STATUS_OF_CODE[code] ?? STATUS_OF_KIND[ERROR_CODES[code].kind];

/** Every code with its HTTP status and title (for docs and tests). */
export const PROBLEMS = Object.fromEntries(Object.entries(ERROR_CODES).map(([code, e]) => [code, { status: statusOf(code as ErrorCode), slug: e.slug, title: e.title }])) as Record<ErrorCode, { status: number; slug: string; title: string }>;

export type ProblemCode = ErrorCode;

export const PROBLEM_TYPE_BASE = 'https://xinyong.dev/problems/';

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
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String(),
          reason: Type.String(),
          rule: Type.Optional(Type.String({ description: 'For XY_ERR_VALIDATION: the rule of the request schema the value breaks (`required`, `minLength`, `maxLength`, `pattern`, `format`, `type`, `enum`, `minimum`, `maximum`, `additionalProperties`…), so a client can say it in its reader’s language.' })),
          limit: Type.Optional(Type.Number({ description: 'For a bound (`minLength`, `maxLength`, `minimum`, `maximum`, `minItems`, `maxItems`): the bound.' })),
          params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]), { description: 'For XY_ERR_CATALOG_INVALID: what the reason quotes (`field`, `limit`, `value`), beside its `rule` (`noBasis`, `duration`, or a JSON Schema keyword).' })),
        }),
      ),
    ),
  },
  { additionalProperties: true, description: 'RFC 9457 problem details.' },
);

export function problemBody(req: FastifyRequest, code: ProblemCode, detail: string, extra: Record<string, unknown> = {}) {
  const p = ERROR_CODES[code];
  return { type: PROBLEM_TYPE_BASE + p.slug, title: p.title, status: statusOf(code), code, detail, instance: instanceOf(req), requestId: String(req.id), ...extra };
}

const JSON_SYNTAX = 'the body is not valid JSON (check quotes, commas and brackets)';

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
  if (params === null) return hideIdsInUrl(path);
  return path
    .split('/')
    .map((seg) => {
      let decoded = seg;
      try {
        decoded = decodeURIComponent(seg);
      } catch {
        // left as sent
      }
      return params.includes(decoded) ? hideIdsInUrl(seg) : maskRidShapes(seg);
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
  if (e.keyword === 'additionalProperties' && typeof e.params?.additionalProperty === 'string') path += '/' + maskRidShapes(e.params.additionalProperty);
  path = maskRidShapes(path);
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
  if (err instanceof AppError) {
    if (err.kind === 'unavailable' && err.code === 'XY_ERR_UNAVAILABLE') reply.header('retry-after', '1');
    return sendProblem(req, reply, err.code, err.message, err.extra);
  }
  if (err.validation) {
    // `rule`: the schema keyword broken (`minLength`, `required`…), and `limit` for a bound, so a client can say it in its reader's language.
    const errors = err.validation.slice(0, 20).map((e) => ({ field: fieldOf(e, err.validationContext), reason: reasonOf(e), ...(e.keyword ? { rule: e.keyword } : {}), ...(typeof e.params?.limit === 'number' ? { limit: e.params.limit } : {}) }));
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
  if (isStoreBusy(err)) {
    // Another process held the database past the busy timeout: worth retrying, not a bug.
    reply.header('retry-after', '1');
    return sendProblem(req, reply, 'XY_ERR_UNAVAILABLE', 'the database is busy with another writer; retry in a moment');
  }
  req.log.error({ err }, 'unexpected error');
  return sendProblem(req, reply, 'XY_ERR_INTERNAL', 'an internal error occurred; it has been logged with this request id');
}

/**
 * Fastify's `clientErrorHandler` (Node's `clientError` event): what Node refuses before there is a
 * request at all — a request line and headers over 16 KB (`431`), framing that cannot be trusted
 * (`Content-Length` with `Transfer-Encoding`, a bad chunk, an invalid header: `400`), a request that
 * did not arrive in time (`408`) — is a problem+json too, instead of Node's or Fastify's own body.
 * Nothing of the request is read back: the detail is fixed per code, and there is no `instance`
 * (the URL may be what was too long, or hold an ID number). The connection is closed after it.
 */
export function clientErrorHandler(nextId: () => string) {
  return function (this: { log: FastifyRequest['log'] }, err: Error & { code?: string }, socket: Duplex & { _httpMessage?: { headersSent?: boolean } | null }): void {
    // A reset connection has no one to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const [code, detail]: [ErrorCode, string] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? ['XY_ERR_HEADERS_TOO_LARGE', 'the request line and headers exceed 16 KB; send long data in a JSON body']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' || err.code === 'ERR_HTTP_HEADERS_TIMEOUT'
          ? ['XY_ERR_REQUEST_TIMEOUT', 'the request did not arrive in time']
          : ['XY_ERR_MALFORMED_REQUEST', 'the request is not well-formed HTTP/1.1 (its framing or headers cannot be read); nothing was done'];
    const requestId = nextId();
    const p = ERROR_CODES[code];
    const body = JSON.stringify({ type: PROBLEM_TYPE_BASE + p.slug, title: p.title, status: statusOf(code), code, detail, requestId });
    this.log.info({ reqId: requestId, code, err: { code: err.code } }, 'request refused before it was read');
    // Not when a response on this connection has begun: writing would corrupt it.
    if (!socket.writable || socket._httpMessage?.headersSent) {
      socket.destroy();
      return;
    }
    const status = statusOf(code);
    const head = `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Language: en\r\nCache-Control: no-store\r\nX-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n`;
    socket.end(head + body, () => socket.destroy());
  };
}

/**
 * Fastify's `frameworkErrors` option: a URL that cannot be routed (bad percent-encoding, a path
 * parameter over `maxParamLength`) otherwise gets Fastify's plain JSON, which quotes the whole URL
 * (an ID number in the path included) and is not problem+json.
 */
export const frameworkErrors = (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
  errorHandler(err, req, reply);
};
