/**
 * What every route works with: the opened store and catalog, the in-memory gate, the receipt log,
 * the authenticator and the clock. Also the small helpers routes share.
 */
import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../app/context.js';
import type { GateFeed } from '../app/gate-feed.js';
import { parseInstant } from '../domain/time.js';
import type { Instant } from '../domain/types.js';
import type { WorkingCalendar } from '../process/calendar.js';
import { parseSubjectRef } from '../ids/index.js';
import { containsRid } from '../ingest/resolve.js';
import { scopeAllows, type Principal, type Authenticator } from './auth.js';
import { ApiError } from './errors.js';
import type { ReceiptLog } from './receipts.js';
import type { RecordPublisher } from '../ingest/stream.js';

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

export interface Service {
  ctx: AppContext;
  feed: GateFeed;
  receipts: ReceiptLog;
  auth: Authenticator;
  now: () => Instant;
  limits: Limits;
  /** Identifier hash → subject id, so repeated checks by ID number skip the store. */
  byHash: Map<string, string>;
  /** The working-day calendar due-process deadlines are counted on. */
  calendar: WorkingCalendar;
  /** Serialises writes that change what the gate must know (ingest, publish). */
  writes: <T>(fn: () => Promise<T>) => Promise<T>;
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
  if (!req.principal) throw new ApiError('XY_ERR_UNAUTHENTICATED', 'send Authorization: Bearer <API key or token>');
  return req.principal;
}

/** Resolves a subject reference to an internal id: null when no subject has it. Bad refs are 400. */
export async function resolveRef(svc: Service, ref: string, field: string): Promise<string | null> {
  const p = parseSubjectRef(ref);
  if (!p.ok) throw new ApiError('XY_ERR_INVALID_SUBJECT_REF', p.error, { field });
  if (p.value.type === 'internal') return p.value.id;
  const hash = svc.ctx.keyring.hash(p.value.scheme, p.value.value);
  const hit = svc.byHash.get(hash);
  if (hit !== undefined) return hit;
  const id = await svc.ctx.store.findSubjectByHash(hash);
  if (id) {
    if (svc.byHash.size >= 1_000_000) svc.byHash.clear();
    svc.byHash.set(hash, id);
  }
  return id;
}

/**
 * The subject references a search text stands for: itself when it is one (`s_…`, `cn-uscc:…`,
 * `cn-rid:…`), or a bare unified social credit code or resident ID number, as people paste them.
 */
export function refsInQuery(q: string): string[] {
  if (parseSubjectRef(q).ok) return [q];
  const code = q.toUpperCase();
  return [`cn-uscc:${code}`, `cn-rid:${code}`].filter((ref) => parseSubjectRef(ref).ok);
}

/** Like `resolveRef`, but the subject must exist (404 otherwise). */
export async function requireSubject(svc: Service, ref: string, field: string): Promise<string> {
  const id = await resolveRef(svc, ref, field);
  if (id === null || !(await svc.ctx.store.subjectsBasic([id])).has(id)) throw new ApiError('XY_ERR_NOT_FOUND', 'no subject has this reference', { field });
  return id;
}

/** Parses an optional ISO-8601 instant parameter (400 naming the field if it is not one). */
export function instantParam(value: string | undefined, field: string): Instant | undefined {
  if (value === undefined) return undefined;
  const r = parseInstant(value);
  if (!r.ok) throw new ApiError('XY_ERR_VALIDATION', `${field}: ${r.error.replace(/'[^']*'/g, 'the value')}`, { field });
  return r.value;
}

let isoAt = NaN;
let isoText = '';
/** An instant as ISO-8601; the last one is remembered, since a busy second asks for the same "now" often. */
export const iso = (t: Instant): string => {
  if (t !== isoAt) {
    isoText = new Date(t).toISOString();
    isoAt = t;
  }
  return isoText;
};

/**
 * Free text (a check's reference, an objection's reasons, a purpose) must not carry an ID number:
 * it would be stored in clear, in an audit chain that can never forget it.
 */
export function noIdNumber(value: string | undefined, field: string): void {
  if (value !== undefined && containsRid(value)) throw new ApiError('XY_ERR_VALIDATION', `${field} must not contain a resident identity number; refer to the person by subject reference instead`, { field });
}

/** The action must exist in the catalog in force and be within the checker's scopes. */
export function requireAction(svc: Service, action: string, scopes: string[]): void {
  if (!svc.feed.gate.hasAction(action)) throw new ApiError('XY_ERR_UNKNOWN_ACTION', `the catalog in force has no action '${action}'`, { field: '/action' });
  if (!scopeAllows(scopes, action)) throw new ApiError('XY_ERR_OUT_OF_SCOPE', `this credential may not check '${action}'`, { field: '/action' });
}
