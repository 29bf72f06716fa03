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
import type { AppContext } from '../app/context.js';
import { GateFeed } from '../app/gate-feed.js';
import type { Instant } from '../domain/types.js';
import { refreshState } from '../ingest/rescore.js';
import { Authenticator, type OidcOptions } from './auth.js';
import { ApiError, errorHandler, sendProblem } from './errors.js';
import { redactUrl } from './redact.js';
import { ReceiptLog, type ReceiptLogOptions } from './receipts.js';
import { auditRoutes } from './routes/audit.js';
import { catalogRoutes } from './routes/catalog.js';
import { checkRoutes } from './routes/checks.js';
import { devRoutes } from './routes/dev.js';
import { publicRoutes } from './routes/public.js';
import { recordRoutes } from './routes/records.js';
import { subjectRoutes } from './routes/subjects.js';
import { DEFAULT_LIMITS, requireSubject, type Limits, type Service } from './service.js';

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
  /** Per client address, on the public endpoints. */
  publicRateLimit?: { max: number; timeWindow: number };
  receipts?: ReceiptLogOptions;
  /** How often to apply what falls due by time (ms); 0 turns the scheduler off. */
  refreshEveryMs?: number;
}

export interface Server {
  app: FastifyInstance;
  svc: Service;
}

/** A route as the OpenAPI document writes it: `/v1/checks:batch`, `/v1/catalog/versions/{v}:publish`. */
const routeLabel = (url: string) => url.replace(/:(\w+)(\([^)]*\))?/g, (m, name: string, re: string | undefined, off: number) => (url[off - 1] === ':' ? m : `{${name}}`)).replace(/::/g, ':');

/** A promise-chain mutex: writes that must update the gate run one at a time. */
function serialiser() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

export async function buildServer(o: ServerOptions): Promise<Server> {
  const now = o.now ?? Date.now;
  const limits: Limits = { ...DEFAULT_LIMITS, ...o.limits };
  const reqPrefix = randomBytes(3).toString('hex');
  let reqSeq = 0;
  const app = Fastify({
    logger: { level: o.logLevel ?? 'info', ...(o.logStream ? { stream: o.logStream } : {}) },
    // One line per request is written by the onResponse hook below, with the URL redacted.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.bodyBytes,
    return503OnClosing: true,
    requestIdHeader: 'x-request-id',
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : `req-${reqPrefix}-${(++reqSeq).toString(36)}`;
    },
    ajv: { customOptions: { allErrors: false, coerceTypes: 'array', useDefaults: true, removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const feed = await GateFeed.load(o.ctx.store, o.ctx.catalog);
  const receipts = new ReceiptLog(o.ctx.store, { ...o.receipts, onError: (err) => app.log.error({ err }, 'writing receipts to the audit log failed; will retry') });
  const svc: Service = {
    ctx: o.ctx,
    feed,
    receipts,
    // A token's subject must exist: an internal id is not taken on trust.
    auth: new Authenticator(o.ctx.store, async (ref) => requireSubject(svc, ref, 'token').catch(() => null), { oidc: o.oidc, dev: o.dev }),
    now,
    limits,
    byHash: new Map(),
    writes: serialiser(),
  };

  app.decorateRequest('principal', null);
  app.setErrorHandler((err, req, reply) => errorHandler(err as never, req as never, reply as never));
  app.setNotFoundHandler((req, reply) => sendProblem(req as never, reply as never, 'XY_ERR_ROUTE_NOT_FOUND', `no endpoint ${req.method} ${redactUrl(req.url)}; see /v1/openapi.json`));

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    const access = req.routeOptions.config?.access;
    if (!access || access.includes('public')) return;
    const h = req.headers.authorization;
    const m = typeof h === 'string' ? /^Bearer[ ]+([^\s]{1,8192})$/i.exec(h) : null;
    if (!m) {
      reply.header('www-authenticate', 'Bearer');
      throw new ApiError('XY_ERR_UNAUTHENTICATED', 'send Authorization: Bearer <API key or token>');
    }
    const p = await svc.auth.authenticate(m[1]);
    if (!p) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw new ApiError('XY_ERR_UNAUTHENTICATED', 'the credential is not valid (unknown, revoked or expired)');
    }
    if (!access.includes(p.role)) throw new ApiError('XY_ERR_FORBIDDEN', `the ${p.role} role may not call ${req.method} ${routeLabel(req.routeOptions.url ?? '')}; allowed: ${access.join(', ')}`);
    req.principal = p;
  });

  // One line per request, with its id; URLs have identifiers masked and query values dropped.
  app.addHook('onResponse', async (req, reply) => {
    if (!(req.log as unknown as { isLevelEnabled(l: string): boolean }).isLevelEnabled('info')) return;
    req.log.info({ method: req.method, url: redactUrl(req.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10, actor: req.principal?.actor }, 'request');
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'xinyong',
        version: '0.1.0',
        description: 'Credit-based supervision: records in, scores, grades and lists out, and "may this subject do this?" answered with reasons and a receipt. Errors are RFC 9457 problem+json with a stable `code`.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      servers: [{ url: '/' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key (`xy_k_…`), an OIDC access token, or a dev sign-in token.' } } },
      tags: ['checks', 'records', 'subjects', 'lists', 'self-service', 'catalog', 'audit', 'public', 'dev', 'service'].map((name) => ({ name })),
    },
    transform: ({ schema, url, route }) => {
      const access = (route.config as { access?: string[] } | undefined)?.access;
      const s = { ...(schema as Record<string, unknown>) };
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
    errorResponseBuilder: (_req, ctx) => Object.assign(new Error(`rate limit of ${ctx.max} requests per ${ctx.after} exceeded; retry later`), { statusCode: 429 }),
  });

  app.get('/v1/openapi.json', { config: { access: ['public'] }, schema: { hide: true } }, async () => app.swagger());
  app.get(
    '/healthz',
    { config: { access: ['public'] }, schema: { tags: ['service'], summary: 'Liveness and what the gate holds', response: { 200: Type.Object({ status: Type.String(), catalog: Type.String(), gate: Type.Object({ subjects: Type.Integer(), withEntries: Type.Integer(), entries: Type.Integer() }), pendingReceipts: Type.Integer() }) } } },
    async () => ({ status: 'ok', catalog: `${svc.ctx.catalog.id}@${svc.ctx.catalog.version}`, gate: svc.feed.gate.stats(), pendingReceipts: svc.receipts.size }),
  );

  await app.register(checkRoutes(svc));
  await app.register(recordRoutes(svc));
  await app.register(subjectRoutes(svc));
  await app.register(catalogRoutes(svc));
  await app.register(auditRoutes(svc));
  await app.register(publicRoutes(svc, o.publicRateLimit ?? { max: 120, timeWindow: 60_000 }));
  if (o.dev) await app.register(devRoutes(svc));

  // What falls due by time (an entry leaving its notice period, an escalation) reaches the gate.
  let timer: NodeJS.Timeout | null = null;
  if ((o.refreshEveryMs ?? 60_000) > 0) {
    timer = setInterval(() => {
      svc
        .writes(async () => {
          const ids = new Set<string>();
          await refreshState(svc.ctx.store, svc.ctx.catalog, now(), 1000, (d) => d.forEach((id) => ids.add(id)));
          await svc.feed.refresh(svc.ctx.store, ids);
        })
        .catch((err) => app.log.error({ err }, 'scheduled refresh failed'));
    }, o.refreshEveryMs ?? 60_000);
    timer.unref();
  }

  app.addHook('onClose', async () => {
    if (timer) clearInterval(timer);
    // In-flight requests have finished by now; what they decided goes to the audit log.
    await svc.writes(async () => undefined);
    await receipts.close();
  });

  return { app: app as unknown as FastifyInstance, svc };
}

