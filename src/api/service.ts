/**
 * What every route works with: the use cases' `App` (store and catalog, clock, calendar, gate
 * feed, receipts, write serialiser), plus what only the HTTP door has: the authenticator, the
 * request limits and the stream async sends publish to. Also the small parsing helpers routes
 * share. Routes parse and authorise, call one use case, and render; they never touch the store.
 */
import type { FastifyRequest } from 'fastify';
import type { App } from '../app/context.js';
import type { GateFeed } from '../app/gate-feed.js';
import { AppError } from '../app/errors.js';
import { parseInstant } from '../domain/time.js';
import type { Instant } from '../domain/types.js';
import type { RecordPublisher } from '../ingest/stream.js';
import type { Principal, Authenticator } from './auth.js';

export { iso } from '../app/json.js';

export interface Limits {
  /** Body limit of ordinary requests (bytes). */
  bodyBytes: number;
  /** Body limit of batch endpoints (bytes). */
  batchBodyBytes: number;
  /** Subjects per `POST /v1/checks:batch`. */
  maxCheckBatch: number;
  /** Records per `POST /v1/records`. */
  maxRecordBatch: number;
}

export const DEFAULT_LIMITS: Limits = { bodyBytes: 256 * 1024, batchBodyBytes: 8 * 1024 * 1024, maxCheckBatch: 10_000, maxRecordBatch: 1_000 };

export interface Service extends App {
  /** A serving process always has its gate. */
  feed: GateFeed;
  auth: Authenticator;
  limits: Limits;
  /** Where `POST /v1/records?async=true` publishes; null when the server runs without `--nats`. */
  stream: RecordPublisher | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Who may call the route; `public` needs no credential. */
    access?: readonly (Principal['role'] | 'public')[];
  }
}

/** The caller, which the auth hook has established for every non-public route. */
export function principal(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('XY_ERR_UNAUTHENTICATED', 'send Authorization: Bearer <API key or token>');
  return req.principal;
}

/** Parses an optional ISO-8601 instant parameter (400 naming the field if it is not one). */
export function instantParam(value: string | undefined, field: string): Instant | undefined {
  if (value === undefined) return undefined;
  const r = parseInstant(value);
  if (!r.ok) throw new AppError('XY_ERR_VALIDATION', `${field}: ${r.error.replace(/'[^']*'/g, 'the value')}`, { field });
  return r.value;
}
