/**
 * The HTTP service: Fastify 5 with TypeBox schemas, from which both request validation and the
 * OpenAPI 3.1 document (`/v1/openapi.json`, rendered at `/docs`) come. Every route declares who may
 * call it (`config.access`); one hook authenticates and authorises before the body is even read.
 * Errors are problem+json from `errors.ts`. Tests drive it with `inject`; `xinyong serve` listens.
 */
import { randomBytes } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { createApp, type AppContext } from '../app/context.js';
import { AppError } from '../app/errors.js';
import { GateFeed } from '../app/gate-feed.js';
import type { ReceiptLogOptions } from '../app/receipts.js';
import { repeat } from '../app/schedule.js';
import { requireSubject } from '../app/subjects.js';
import { applyDue } from '../app/tick.js';
import { calendarGap } from '../app/calendar-file.js';
import type { RecordPublisher } from '../ingest/stream.js';
import type { Instant } from '../domain/types.js';
import { containsRid } from '../ids/rid-finder.js';
import { Authenticator, type OidcOptions } from './auth.js';
import { clientErrorHandler, errorHandler, frameworkErrors, sendProblem } from './errors.js';
import { refuseIdNumbers } from './free-text.js';
import { guardInput } from './schemas.js';
import { validatorCompiler } from './validation.js';
import { localizeAnswer } from './lang.js';
import { isMistypedPage, registerWeb, type WebPage } from './web.js';
import { hideIdsInUrl } from './redact.js';
import { WorkerSink } from './worker-sink.js';
import { NoticeDelivery } from './notice-delivery.js';
import { auditRoutes } from './routes/audit.js';
import { keyRoutes } from './routes/keys.js';
import { catalogRoutes } from './routes/catalog.js';
import { checkRoutes } from './routes/checks.js';
import { devRoutes } from './routes/dev.js';
import { dueProcessRoutes } from './routes/due-process.js';
import type { WorkingCalendar } from '../process/calendar.js';
import { publicRoutes } from './routes/public.js';
import { recordRoutes } from './routes/records.js';
import { sessionRoutes } from './routes/session.js';
import { statsRoutes } from './routes/stats.js';
import { subjectRoutes } from './routes/subjects.js';
import { DEFAULT_LIMITS, type Limits, type Service } from './service.js';

export interface ServerOptions {
  ctx: AppContext;
  now?: () => Instant;
  /** Enables `POST /v1/dev/sign-in` (never in production). */
  dev?: boolean;
  oidc?: OidcOptions;
  /** pino level: `info` for `serve`, `silent` in tests. */
  logLevel?: string;
  /** Where log lines go (default stdout). */
  logStream?: NodeJS.WritableStream;
  limits?: Partial<Limits>;
  /** Trust X-Forwarded-For from a reverse proxy (Fastify `trustProxy`), so rate limits apply per client. */
  trustProxy?: boolean | string;
  /** Per client address, on the public endpoints. */
  publicRateLimit?: { max: number; timeWindow: number };
  receipts?: ReceiptLogOptions;
  /**
   * Write receipts on a thread of their own with its own connection (SQLite), so hashing and disk
   * syncs never hold up checks. `xinyong serve` turns it on; in-process tests leave it off.
   */
  receiptWorker?: boolean;
  /** How often to apply what falls due by time (ms); 0 turns it off. */
  refreshEveryMs?: number;
  /** POST outbox notices to this URL, signed with `secret` (at-least-once; see notice-delivery.ts). */
  webhook?: { url: string; secret: string; everyMs?: number };
  /** The working-day calendar (default: calendars/cn-mainland.yaml). */
  calendar?: WorkingCalendar;
  /** How often to follow the store's change feed and catalog publications (ms); 0 turns it off. */
  syncEveryMs?: number;
  /** Where `POST /v1/records?async=true` publishes (NATS JetStream); without it, async sends are refused. */
  stream?: RecordPublisher;
}

export interface Server {
  app: FastifyInstance;
  svc: Service;
}

/** A route as the OpenAPI document writes it: `/v1/checks:batch`, `/v1/catalog/versions/{v}:publish`. */
const routeLabel = (url: string) => url.replace(/:(\w+)(\([^)]*\))?/g, (m, name: string, re: string | undefined, off: number) => (url[off - 1] === ':' ? m : `{${name}}`)).replace(/::/g, ':');

/** Documents the request header every answer with catalog texts follows (applied in the OpenAPI document only). */
const AcceptLanguage = Type.Object({
  'accept-language': Type.Optional(
    Type.String({
      description: 'The reader’s language: catalog names, authorities, appeal routes and legal bases come back in Chinese for any `zh` tag (`zh`, `zh-CN`, `zh-Hans`…) and in English otherwise or when absent; q-values are honoured. The answer says which in `Content-Language`.',
      examples: ['zh-CN,zh;q=0.9,en;q=0.8'],
    }),
  ),
});

const windowText = (ms: number) => (ms % 60_000 === 0 ? (ms === 60_000 ? 'minute' : `${ms / 60_000} minutes`) : `${ms / 1000} s`);

export async function buildServer(o: ServerOptions): Promise<Server> {
  const now = o.now ?? Date.now;
  const limits: Limits = { ...DEFAULT_LIMITS, ...o.limits };
  const publicLimit = o.publicRateLimit ?? { max: 120, timeWindow: 60_000 };
  const reqPrefix = randomBytes(3).toString('hex');
  let reqSeq = 0;
  const newReqId = () => `req-${reqPrefix}-${(++reqSeq).toString(36)}`;
  const app = Fastify({
    logger: { level: o.logLevel ?? 'info', ...(o.logStream ? { stream: o.logStream } : {}) },
    // One line per request is written by the onResponse hook below, with the URL redacted.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.bodyBytes,
    // Requests that arrive while closing get our own 503 problem (below), not Fastify's body.
    return503OnClosing: false,
    trustProxy: o.trustProxy ?? false,
    frameworkErrors,
    // What Node refuses before Fastify has a request (431, bad framing, 408): problem+json too.
    clientErrorHandler: clientErrorHandler(newReqId),
    // Not `requestIdHeader: 'x-request-id'`: Fastify then takes the header as sent and never asks
    // genReqId, so an ID number, markup or 500 characters sent there were echoed and logged.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      // A caller's id is kept if it is plain and carries no ID number (it goes into every log line).
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) && !containsRid(given) ? given : newReqId();
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Bodies are validated as sent, text inputs with coercion; nothing unknown is dropped (validation.ts).
  app.setValidatorCompiler(validatorCompiler());

  const sink = o.receiptWorker && o.ctx.store.dialect === 'sqlite' ? new WorkerSink(o.ctx.dbPath, (entries) => o.ctx.store.appendAudit(entries)) : null;
  const base = createApp(o.ctx, {
    now,
    calendar: o.calendar,
    receipts: { ...o.receipts, ...(sink ? { sink: sink.append } : {}), onError: (err) => app.log.error({ err }, 'writing receipts to the audit log failed; will retry') },
  });
  const svc: Service = {
    ...base,
    feed: await GateFeed.load(o.ctx),
    // A token's subject must exist: an internal id is not taken on trust.
    auth: new Authenticator(o.ctx.store, async (ref) => requireSubject(svc, ref, 'token').catch(() => null), { oidc: o.oidc, dev: o.dev, knowsSource: (s) => svc.ctx.catalog.sources.has(s) }),
    limits,
    stream: o.stream ?? null,
  };
  const receipts = svc.receipts;

  // Deadlines counted into a year the calendar does not list count weekends alone: say so once
  // per such year, when the periods counted from now first reach it (at start, or as days pass).
  const calendarWarned = new Set<number>();
  const checkCalendar = () => {
    const gap = calendarGap(svc, now());
    if (gap && gap.years.some((y) => !calendarWarned.has(y))) app.log.warn({ calendar: svc.calendar.id, years: gap.years, until: new Date(gap.until).toISOString() }, gap.message);
    for (const y of gap?.years ?? []) calendarWarned.add(y);
  };
  checkCalendar();

  app.decorateRequest('principal', null);
  // Only JSON bodies: a text/plain body is refused as the wrong media type, not parsed as a string.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler((err, req, reply) => errorHandler(err as never, req as never, reply as never));
  // A browser's mistyped page address gets the app, which says "page not found" (status 404 still).
  let webPage: WebPage | null = null;
  app.setNotFoundHandler((req, reply) => (webPage && isMistypedPage(req) ? webPage(req, reply) : sendProblem(req as never, reply as never, 'XY_ERR_ROUTE_NOT_FOUND', `no endpoint ${req.method} ${hideIdsInUrl(req.url)}; see /v1/openapi.json`)));

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    // Answers about subjects must not be kept by browsers or shared caches (the web app and its
    // assets set their own). Only GET answers are cacheable at all, so checks (POST) skip this.
    if (req.method === 'GET' && (req.url.startsWith('/v1/') || req.url.startsWith('/public/v1/'))) reply.header('cache-control', 'no-store');
    if (closing) {
      reply.header('connection', 'close');
      throw new AppError('XY_ERR_UNAVAILABLE', 'the service is shutting down; retry in a moment');
    }
    const access = req.routeOptions.config?.access;
    if (!access || access.includes('public')) return;
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer[ ]+([^\s]{1,8192})$/i.exec(h) : null;
    if (!m) {
      reply.header('www-authenticate', 'Bearer');
      throw new AppError('XY_ERR_UNAUTHENTICATED', 'send Authorization: Bearer <API key or token>');
    }
    const p = await svc.auth.authenticate(m[1]);
    if (!p) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw new AppError('XY_ERR_UNAUTHENTICATED', 'the credential is not valid (unknown, revoked or expired)');
    }
    if (!access.includes(p.role)) throw new AppError('XY_ERR_FORBIDDEN', `the ${p.role} role may not call ${req.method} ${routeLabel(req.routeOptions.url ?? '')}; allowed: ${access.join(', ')}`);
    req.principal = p;
  });

  // Before the schemas: what JSON Schema lets through and the store and audit chain cannot take.
  app.addHook('preValidation', guardInput);
  // No ID number in any free text of any request: every string but a declared subject reference (free-text.ts).
  app.addHook('preValidation', refuseIdNumbers);

  // Every answer in the reader's language (Accept-Language): catalog texts are {zh-CN, en} inside
  // xinyong, and this one hook turns them into the reader's string (lang.ts), with
  // Content-Language and Vary. Catalog documents keep both languages (`config.texts: 'both'`).
  app.addHook('preSerialization', localizeAnswer);

  // One line per request, with its id; URLs have identifiers masked and query values dropped.
  // (Registered only when info lines are logged at all: a hook costs every request something.)
  if ((app.log as unknown as { isLevelEnabled(l: string): boolean }).isLevelEnabled('info')) app.addHook('onResponse', async (req, reply) => {
    req.log.info({ method: req.method, url: hideIdsInUrl(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, actor: req.principal?.actor }, 'request');
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'xinyong',
        version: '0.1.0',
        description:
          'Credit-based supervision: records in, scores, grades and lists out, and "may this subject do this?" answered with reasons and a receipt. Errors are RFC 9457 problem+json with a stable `code`, in English. Catalog texts (names, authorities, appeal routes, legal bases) come back in the language `Accept-Language` asks for — Chinese (`zh-CN`) for any `zh` tag, English otherwise — named in `Content-Language`; catalog documents (`GET /v1/catalog`, `GET /v1/catalog/versions/{v}`, `GET /v1/catalog/diff`) and audit entries keep both languages (`{ "zh-CN": …, "en": … }`).',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key (`xy_k_…`), an OIDC access token, or a dev sign-in token.' } } },
      tags: ['checks', 'records', 'subjects', 'lists', 'self-service', 'due process', 'catalog', 'audit', 'keys', 'public', 'dev', 'service'].map((name) => ({ name })),
    },
    transform: ({ schema, url, route }) => {
      const config = route.config as { access?: string[]; texts?: string } | undefined;
      const access = config?.access;
      const s = { ...(schema as Record<string, unknown>) };
      // Answers with texts for a person name the header that picks their language (lang.ts).
      if ((config?.texts ?? 'reader') === 'reader' && (url.startsWith('/v1/') || url.startsWith('/public/v1/')) && !s.headers) s.headers = AcceptLanguage;
      if (access && !access.includes('public')) {
        s.security = [{ bearer: [] }];
        s.description = `${(s.description as string | undefined) ?? ''}\n\nRoles: ${access.join(', ')}.`.trim();
      }
      return { schema: s as never, url };
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
  await app.register(rateLimit, {
    global: false,
    max: publicLimit.max,
    timeWindow: publicLimit.timeWindow,
    errorResponseBuilder: (_req, ctx) => Object.assign(new Error(`at most ${ctx.max} requests per ${windowText(publicLimit.timeWindow)} from one address; retry in ${ctx.after}`), { statusCode: 429 }),
  });
  // One counter per client address for all the public routes: a route's own `config.rateLimit`
  // would get a store of its own, and a client its full allowance on every route.
  const publicRateLimit = app.rateLimit();

  app.get('/v1/openapi.json', { config: { access: ['public'], texts: 'none' }, schema: { hide: true } }, async () => app.swagger());
  app.get(
    '/healthz',
    { config: { access: ['public'] }, schema: { tags: ['service'], summary: 'Liveness and what the gate holds', response: { 200: Type.Object({ status: Type.String(), catalog: Type.String(), gate: Type.Object({ subjects: Type.Integer(), withEntries: Type.Integer(), entries: Type.Integer() }), feed: Type.Object({ position: Type.Integer({ description: 'the change-feed position this process has applied' }), syncedAt: Type.String({ format: 'date-time', description: 'when it last read the feed to its end: a process cut off from the database falls behind here' }) }), pendingReceipts: Type.Integer() }) } } },
    async () => ({ status: 'ok', catalog: `${svc.ctx.catalog.id}@${svc.ctx.catalog.version}`, gate: svc.feed.gate.stats(), feed: { position: svc.feed.position, syncedAt: new Date(svc.feed.syncedAt).toISOString() }, pendingReceipts: svc.receipts.size }),
  );

  await app.register(checkRoutes(svc));
  await app.register(recordRoutes(svc));
  await app.register(subjectRoutes(svc));
  await app.register(catalogRoutes(svc));
  await app.register(auditRoutes(svc));
  await app.register(keyRoutes(svc));
  await app.register(dueProcessRoutes(svc));
  await app.register(publicRoutes(svc, publicRateLimit));
  await app.register(statsRoutes(svc));
  await app.register(sessionRoutes(svc));
  if (o.dev) await app.register(devRoutes(svc));
  // The web console and public portal (built into dist/web), on the same port.
  webPage = await registerWeb(app, { oidcIssuer: o.oidc?.issuer });

  // Two loops keep this process current. The gate feed follows the store's change feed, so
  // derivations made elsewhere (a CLI import, another server, the due loop) reach the gate within
  // `syncEveryMs` (at once on PostgreSQL), and picks up a catalog published elsewhere. The due loop
  // applies what falls due by time alone (an entry leaving its notice period, an escalation).
  const unfollow = await svc.feed.follow({ everyMs: o.syncEveryMs ?? 1000, writes: svc.writes, log: app.log });
  const due = repeat(o.refreshEveryMs ?? 60_000, async () => {
    checkCalendar();
    await applyDue(svc);
  }, (err) => app.log.error({ err }, 'applying what fell due failed'));
  const timers: NodeJS.Timeout[] = [];

  // Not inside svc.writes: a slow receiver must not hold up writes.
  const delivery = o.webhook ? new NoticeDelivery(o.ctx.store, { url: o.webhook.url, secret: o.webhook.secret, now, onError: (err) => app.log.warn({ err }, 'notice delivery attempt failed') }) : null;
  if (delivery) {
    const t = setInterval(() => void delivery.deliverDue().catch((err) => app.log.error({ err }, 'delivering notices failed')), o.webhook?.everyMs ?? 1000);
    t.unref();
    timers.push(t);
  }

  app.addHook('onClose', async () => {
    for (const t of timers) clearInterval(t);
    due.stop();
    await unfollow();
    await delivery?.close();
    // In-flight requests have finished by now; what they decided goes to the audit log.
    await svc.writes(async () => undefined);
    await receipts.close();
    await sink?.close();
  });

  return { app: app as unknown as FastifyInstance, svc };
}

