/**
 * The `xinyong` command. Every subcommand accepts `--db FILE|URL`, `--key-file FILE` and `--json`; output for people
 * goes to stdout, progress and errors to stderr, and the exit code is non-zero on failure.
 */
import { userInfo } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ChainVerifier, type AuditEntry } from '../audit/index.js';
import { loadCatalogDir } from '../catalog/load.js';
import { diffCatalogs } from '../catalog/diff.js';
import { formatIssue } from '../catalog/types.js';
import { parseInstant } from '../domain/time.js';
import { openContext, publishAndRescore, loadCatalogOrThrow, type AppContext } from '../app/context.js';
import { checkAction, resolveSubject, subjectView } from '../app/queries.js';
import { importFile } from '../ingest/file-import.js';
import { RecordStream } from '../ingest/stream.js';
import { DEFAULT_PARTITIONS, streamLayout } from '../ingest/stream-layout.js';
import { ingestWorker } from './ingest-worker.js';
import { Ingestor } from '../ingest/ingestor.js';
import { refreshState, rescoreAll } from '../ingest/rescore.js';
import { buildDemo } from './demo.js';
import { tick } from '../app/tick.js';
import { defaultCalendarFile, loadCalendar } from '../app/calendar-file.js';
import { StepError, decideObjectionStep, decideRepairStep, extendObjectionStep, type StepEnv } from '../app/case-steps.js';
import type { ObjectionDecision } from '../process/objections.js';
import { createDemoKeys, demoKeysPath, hasDemoKeys, serve } from './serve.js';
import { createApiKey, scopeAllows } from '../api/auth.js';
import { KEY_ROLES, type KeyRole } from '../store/port.js';
import { isoInstants } from '../app/json.js';
import { printAudit, printCheck, printDiff, printEntries, printSubject, printSummary } from './format.js';

export const DEFAULT_DB = './data/xinyong.db';

interface Globals {
  db: string;
  keyFile?: string;
  json: boolean;
}

/** Thrown for expected failures: printed without a stack trace, exit code 1 (or `code`). */
export class CliError extends Error {
  constructor(message: string, readonly code = 1) {
    super(message);
  }
}

function instantArg(value: string): number {
  const r = parseInstant(value);
  if (!r.ok) throw new InvalidArgumentError(r.error);
  return r.value;
}

function intArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
}

function positiveIntArg(value: string): number {
  const n = intArg(value);
  if (n < 1) throw new InvalidArgumentError('must be at least 1');
  return n;
}

function actor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

function out(g: Globals, value: unknown, human: () => void) {
  if (g.json) process.stdout.write(JSON.stringify(value, isoInstants, 2) + '\n');
  else human();
}

async function withContext<T>(g: Globals, fn: (ctx: AppContext) => Promise<T>, opts: { refresh?: boolean } = {}): Promise<T> {
  const ctx = await openContext({ db: g.db, keyFile: g.keyFile, now: Date.now(), actor: actor() });
  try {
    // Finish any derivation a crash left behind, and apply what fell due by time, before answering.
    if (opts.refresh !== false) await refreshState(ctx.store, ctx.catalog, Date.now());
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('xinyong')
    .description('Credit-based supervision: records, rules, scores, lists, joint measures and due process.')
    .version('0.1.0')
    .addOption(
      new Option('--db <file|url>', 'the SQLite database file, or a postgres:// URL (a database several processes share)').env('DATABASE_URL').default(DEFAULT_DB),
    )
    .addOption(
      new Option('--key-file <file>', 'the identifier key file (default: beside a SQLite file; ./data/postgres.key for PostgreSQL); every process sharing a database needs the same one').env('XY_KEY_FILE'),
    )
    .option('--json', 'print machine-readable JSON', false)
    .showHelpAfterError('(run `xinyong --help` for usage)')
    .addHelpText(
      'after',
      `
Subjects can be named as an internal id (s_…), cn-rid:<ID number>, cn-uscc:<credit code>, or
scheme:value for a deployment's own registered identifier scheme.
Instants are ISO-8601: 2026-06-30 or 2026-06-30T08:00:00+08:00.

Examples:
  xinyong demo --if-empty             build the demo city (first time only) and serve it on :8080
  xinyong demo --persons 20000 --enterprises 2000 --seed 7 --db /tmp/city.db --no-serve
  xinyong serve --port 8080
  xinyong keys create --role checker --name 'ticket office' --scope transport.air.ticket
  xinyong list --name spc-dishonest-debtors --limit 5 --db /tmp/city.db
  xinyong check --subject s_… --action transport.air.ticket --db /tmp/city.db
  xinyong import --source spc records.ndjson
  xinyong ingest-worker --nats nats://127.0.0.1:4222   store records sent through NATS JetStream
  xinyong tick                        apply what fell due (expiry, escalation, overdue objections)
  xinyong audit verify`,
    );
  const globals = (): Globals => program.opts<Globals>();

  program
    .command('demo')
    .description('build a synthetic city (seeded, deterministic) into the database, then serve it with the dev sign-in on')
    .option('--persons <n>', 'persons', intArg, 20000)
    .option('--enterprises <n>', 'enterprises', intArg, 2000)
    .option('--seed <n>', 'random seed', intArg, 7)
    .addOption(new Option('--now <instant>', 'the instant the city is built as of (default: now)').argParser(instantArg))
    .option('--no-serve', 'build (or reuse) the city and exit')
    .option('--if-empty', 'if the database already holds a city, reuse it', false)
    .option('--port <n>', 'HTTP port', intArg, 8080)
    .option('--host <host>', 'address to listen on', 'localhost')
    .action(async (o: { persons: number; enterprises: number; seed: number; now?: number; serve: boolean; ifEmpty: boolean; port: number; host: string }) => {
      const g = globals();
      await withContext(g, async (ctx) => {
        const now = o.now ?? Date.now();
        const result = await buildDemo(ctx, { persons: o.persons, enterprises: o.enterprises, seed: o.seed, now, ifEmpty: o.ifEmpty, progress: !g.json && process.stderr.isTTY });
        const demoKeys = result.built ? await createDemoKeys(ctx, now) : null;
        const summary = await ctx.store.summary();
        const db = ctx.dbPath === DEFAULT_DB ? '' : ` --db ${ctx.dbPath}`;
        out(g, { built: result.built, seconds: result.seconds, db: ctx.dbPath, catalog: `${ctx.catalog.id}@${ctx.catalog.version}`, ...summary, ...(demoKeys ? { keys: demoKeys.keys, listedOrg: demoKeys.listedOrg } : {}) }, () => {
          if (!result.built) console.log(`The database ${ctx.dbPath} already holds a city; reusing it.\n`);
          else console.log(`Built the synthetic city in ${result.seconds.toFixed(1)} s into ${ctx.dbPath} (catalog ${ctx.catalog.id}@${ctx.catalog.version}).\n`);
          printSummary(summary, ctx.catalog);
          if (!o.serve) {
            console.log('\nNext:');
            console.log(`  npx xinyong list --name spc-dishonest-debtors --limit 5${db}`);
            console.log(`  npx xinyong subject <id>${db}`);
            console.log(`  npx xinyong check --subject <id> --action transport.air.ticket${db}`);
          }
        });
        if (!o.serve) return;
        await serve(ctx, {
          port: o.port,
          host: o.host,
          dev: true,
          logLevel: process.env.XY_LOG_LEVEL ?? 'info',
          banner: (url) => {
            if (g.json) return;
            console.log(`\nxinyong is serving ${url}`);
            console.log(`  web console    ${url}/  (demo sign-in: pick a role)`);
            console.log(`  public portal  ${url}/public`);
            console.log(`  API            ${url}/v1  (docs at ${url}/docs, OpenAPI at ${url}/v1/openapi.json)`);
            if (demoKeys) {
              console.log('Demo API keys, one per role (shown once; also saved to ' + demoKeys.file + '):');
              for (const [role, key] of Object.entries(demoKeys.keys)) console.log(`  ${role.padEnd(9)} ${key}`);
              if (demoKeys.listedOrg) console.log(`A listed enterprise to check: ${demoKeys.listedOrg}`);
            } else if (hasDemoKeys(ctx.keyPath)) console.log(`Demo API keys: see ${demoKeysPath(ctx.keyPath)}.`);
            console.log(`Try (after loading the keys: set -a; . ${demoKeysPath(ctx.keyPath)}; set +a):\n  curl -s -X POST ${url}/v1/checks -H "Authorization: Bearer $XY_CHECKER_KEY" -H 'content-type: application/json' \\\n    -d '{"subject":"'$XY_LISTED_ORG'","action":"transport.air.ticket"}'`);
            console.log('Stop with Ctrl-C (receipts are flushed first).');
          },
        });
      });
    });

  program
    .command('serve')
    .description('serve the HTTP API (under /v1, OpenAPI at /v1/openapi.json, rendered docs at /docs), the web console (/) and the public portal (/public); records imported or catalogs published by other processes reach it within a second (on PostgreSQL at once: LISTEN/NOTIFY wakes it)')
    .option('--port <n>', 'HTTP port', intArg, 8080)
    .option('--host <host>', 'address to listen on', 'localhost')
    .option('--dev', 'enable the dev sign-in (POST /v1/dev/sign-in); never in production', false)
    .option('--oidc-issuer <url>', 'accept OIDC bearer JWTs from this issuer (or XY_OIDC_ISSUER)')
    .option('--oidc-jwks-url <url>', "the issuer's JWKS URL (or XY_OIDC_JWKS_URL)")
    .option('--oidc-audience <aud>', 'required audience (or XY_OIDC_AUDIENCE)')
    .option('--oidc-client-id <id>', 'the public client a browser console signs in as, published at GET /v1/auth/config (or XY_OIDC_CLIENT_ID)')
    .option('--log-level <level>', 'pino level: fatal, error, warn, info, debug, silent', 'info')
    .option('--webhook-url <url>', 'POST notices to this URL, signed with the secret in XY_WEBHOOK_SECRET (at least once: receivers dedupe by x-xinyong-notice)')
    .option('--calendar <file>', 'working-day calendar (YAML) for due-process deadlines (default: the shipped mainland China calendar)')
    .option('--trust-proxy', 'take client addresses from X-Forwarded-For (behind a reverse proxy), so public rate limits apply per client', false)
    .option('--receipt-flush-ms <ms>', 'write decision receipts to the audit log at least this often (they are also flushed on shutdown)', intArg, 100)
    .option('--nats <url>', 'publish POST /v1/records?async=true to this NATS JetStream server, for `xinyong ingest-worker` to store (or XY_NATS_URL)')
    .option('--partitions <n>', 'partitions of the records stream (as the ingest workers have it)', positiveIntArg, DEFAULT_PARTITIONS)
    .option('--stream-prefix <name>', 'a prefix for the stream and subject names (a second deployment on the same NATS)')
    .action(async (o: { port: number; host: string; dev: boolean; oidcIssuer?: string; oidcJwksUrl?: string; oidcAudience?: string; oidcClientId?: string; logLevel: string; receiptFlushMs: number; trustProxy: boolean; webhookUrl?: string; calendar?: string; nats?: string; partitions: number; streamPrefix?: string }) => {
      const webhookSecret = process.env.XY_WEBHOOK_SECRET;
      if (o.webhookUrl && !webhookSecret) throw new CliError('--webhook-url needs the signing secret in XY_WEBHOOK_SECRET');
      const g = globals();
      const issuer = o.oidcIssuer ?? process.env.XY_OIDC_ISSUER;
      const jwksUrl = o.oidcJwksUrl ?? process.env.XY_OIDC_JWKS_URL;
      if ((issuer === undefined) !== (jwksUrl === undefined)) throw new CliError('OIDC needs both --oidc-issuer and --oidc-jwks-url');
      const clientId = o.oidcClientId ?? process.env.XY_OIDC_CLIENT_ID;
      if (clientId !== undefined && issuer === undefined) throw new CliError('--oidc-client-id needs --oidc-issuer and --oidc-jwks-url');
      const natsUrl = o.nats ?? process.env.XY_NATS_URL;
      const stream = natsUrl ? await RecordStream.open(natsUrl, streamLayout({ prefix: o.streamPrefix, partitions: o.partitions }), 'xinyong serve') : undefined;
      try {
      await withContext(g, async (ctx) =>
        serve(ctx, {
          stream,
          port: o.port,
          host: o.host,
          dev: o.dev,
          oidc: issuer && jwksUrl ? { issuer, jwksUrl, audience: o.oidcAudience ?? process.env.XY_OIDC_AUDIENCE, clientId } : undefined,
          logLevel: o.logLevel,
          receipts: { intervalMs: o.receiptFlushMs },
          trustProxy: o.trustProxy,
          webhook: o.webhookUrl && webhookSecret ? { url: o.webhookUrl, secret: webhookSecret } : undefined,
          calendar: o.calendar ? loadCalendar(o.calendar) : undefined,
          banner: (url) => {
            if (!g.json) console.log(`xinyong is serving ${url}: web console at ${url}/, public portal at ${url}/public, API docs at ${url}/docs, OpenAPI at ${url}/v1/openapi.json${o.dev ? '; dev sign-in ON' : ''}${stream ? `; POST /v1/records?async=true publishes to ${stream.layout.stream} on ${natsUrl}` : ''}.`);
          },
        }),
      );
      } finally {
        await stream?.close();
      }
    });

  program
    .command('ingest-worker')
    .description('store record lines from NATS JetStream: a durable pull consumer, a transaction per batch, an ack only after the commit, refused lines to the dead-letter subject with their reason; SIGTERM finishes the batches in hand and exits')
    .requiredOption('--nats <url>', 'the NATS server, e.g. nats://127.0.0.1:4222')
    .option('--partitions <n>', 'partitions of the records stream (subjects xy.records.0 … N-1)', positiveIntArg, DEFAULT_PARTITIONS)
    .option('--batch <n>', 'messages per fetch and per transaction', positiveIntArg, 500)
    .option('--durable <name>', 'the durable consumer; workers with the same name share the work', 'xy-ingest')
    .option('--ack-wait <seconds>', 'how long a fetched message may stay unacknowledged (a killed worker\'s batch) before it is redelivered', positiveIntArg, 30)
    .option('--stream-prefix <name>', 'a prefix for the stream and subject names (a second deployment, or a test, on the same NATS)')
    .action(async (o: { nats: string; partitions: number; batch: number; durable: string; ackWait: number; streamPrefix?: string }) => {
      const g = globals();
      await withContext(g, async (ctx) => {
        const s = await ingestWorker(ctx, { nats: o.nats, partitions: o.partitions, batch: o.batch, durable: o.durable, ackWait: o.ackWait, prefix: o.streamPrefix }, (line) => {
          if (!g.json) process.stderr.write(line + '\n');
        });
        out(g, s, () => console.log(`Stopped after ${s.messages} messages in ${s.batches} batches: ${s.stored} stored, ${s.duplicates} already present, ${s.dead} to dead letters.`));
      });
    });

  program
    .command('tick')
    .description('apply what falls due by time (entries leaving their notice period, expiring, escalating) up to an instant; idempotent')
    .addOption(new Option('--until <instant>', 'apply up to this instant (default: now); never beyond now, since stored state must not run ahead of time').argParser(instantArg))
    .action(async (o: { until?: number }) => {
      const g = globals();
      const now = Date.now();
      if (o.until !== undefined && o.until > now) throw new CliError('--until is in the future: state is only ever applied up to now');
      await withContext(g, async (ctx) => {
        const r = await tick(ctx, o.until ?? now);
        out(g, { until: o.until ?? now, ...r }, () => console.log(`Applied what fell due up to ${new Date(o.until ?? now).toISOString()}: ${r.due} subject${r.due === 1 ? '' : 's'} changed by time, ${r.dirty} pending derivation${r.dirty === 1 ? '' : 's'} finished, ${r.overdue} overdue case${r.overdue === 1 ? '' : 's'} escalated.`));
      }, { refresh: false });
    });

  program
    .command('cases')
    .description('objections or repair applications, by deadline: the review queue (decide them with objection-decide and repair-decide, or over HTTP; see docs/due-process.md)')
    .addOption(new Option('--kind <kind>', 'which cases').choices(['objection', 'repair', 'commitment']).default('objection'))
    .option('--status <status>', 'only this status (open, upheld, corrected, revoked, approved, refused, made, breached)')
    .option('--overdue', 'only open cases past their deadline', false)
    .option('--limit <n>', 'how many', intArg, 50)
    .action(async (o: { kind: 'objection' | 'repair' | 'commitment'; status?: string; overdue: boolean; limit: number }) => {
      const g = globals();
      await withContext(g, async (ctx) => {
        const now = Date.now();
        const rows = await ctx.store.listCases({ kind: o.kind, statuses: o.overdue ? ['open'] : o.status ? [o.status] : undefined, deadlineBefore: o.overdue ? now : undefined, limit: o.limit });
        out(g, rows, () => {
          if (rows.length === 0) return console.log(`No ${o.kind}s${o.overdue ? ' overdue' : ''}.`);
          for (const c of rows) {
            const late = c.status === 'open' && c.deadline !== null && c.deadline < now ? '  OVERDUE' : '';
            const record = (c.doc as { recordId?: string }).recordId ?? '';
            console.log(`${c.id}  ${c.status.padEnd(9)}  ${c.deadline ? `due ${new Date(c.deadline).toISOString()}` : ''.padEnd(28)}  ${c.subjectId}  ${record}${late}`);
          }
        });
      });
    });

  const decideCase = (kind: 'objection' | 'repair', extra: (c: Command) => Command) =>
    extra(
      program
        .command(`${kind === 'objection' ? 'objection' : 'repair'}-decide`)
        .description(kind === 'objection' ? 'decide an objection as a reviewer: upheld, corrected (with --facts) or revoked' : 'approve or refuse a repair application as a reviewer')
        .argument('<id>', kind === 'objection' ? 'the objection id (ob_…)' : 'the repair application id (rp_…)')
        .requiredOption('--reason <text>', 'why (the subject is told)'),
    );
  const runStep = async <T>(fn: (env: StepEnv) => Promise<{ case: T; derived: string[] }>): Promise<T> => {
    const g = globals();
    return withContext(g, async (ctx) => {
      try {
        return (await fn({ ctx, calendar: loadCalendar(defaultCalendarFile()), at: Date.now(), actor: actor() })).case;
      } catch (e) {
        if (e instanceof StepError) throw new CliError(e.message);
        throw e;
      }
    });
  };
  decideCase('objection', (c) =>
    c
      .addOption(new Option('--decision <decision>', 'the decision').choices(['upheld', 'corrected', 'revoked']))
      .option('--facts <json>', 'the corrected facts, as JSON (with --decision corrected)')
      .option('--extend', 'instead of deciding, extend the deadline to the catalog’s extended period (another unit must verify)', false)
      .action(async (id: string, o: { decision?: ObjectionDecision; reason: string; facts?: string; extend: boolean }) => {
        if (!o.extend && !o.decision) throw new CliError('give --decision (upheld, corrected or revoked), or --extend');
        let facts: Record<string, unknown> | undefined;
        if (o.facts !== undefined) {
          try {
            facts = JSON.parse(o.facts) as Record<string, unknown>;
          } catch {
            throw new CliError('--facts must be a JSON object');
          }
        }
        const done = await runStep((env) => (o.extend ? extendObjectionStep(env, id) : decideObjectionStep(env, id, { decision: o.decision as ObjectionDecision, reason: o.reason, facts })));
        out(globals(), done, () => console.log(o.extend ? `Extended ${id} to ${new Date(done.deadline).toISOString()}.` : `Decided ${id}: ${done.status}. The subject is notified.`));
      }),
  );
  decideCase('repair', (c) =>
    c
      .addOption(new Option('--approve', 'approve the application'))
      .addOption(new Option('--refuse', 'refuse it').conflicts('approve'))
      .action(async (id: string, o: { approve?: boolean; refuse?: boolean; reason: string }) => {
        if (!o.approve && !o.refuse) throw new CliError('give --approve or --refuse');
        const done = await runStep((env) => decideRepairStep(env, id, { approve: !!o.approve, reason: o.reason }));
        out(globals(), done, () => console.log(`Decided ${id}: ${done.status}. The subject is notified.`));
      }),
  );

  program
    .command('notices')
    .description('the notice outbox: what subjects and sources are told, and its delivery state')
    .option('--subject <ref>', 'only notices to this subject')
    .addOption(new Option('--status <status>', 'only this delivery state').choices(['pending', 'delivered', 'dead']))
    .option('--limit <n>', 'how many', intArg, 50)
    .action(async (o: { subject?: string; status?: 'pending' | 'delivered' | 'dead'; limit: number }) => {
      const g = globals();
      await withContext(g, async (ctx) => {
        let subjectId: string | undefined;
        if (o.subject) {
          const r = await resolveSubject(ctx, o.subject);
          if (!r.ok) throw new CliError(r.reason);
          subjectId = r.id;
        }
        const rows = await ctx.store.listNotices({ subjectId, status: o.status, limit: o.limit });
        out(g, rows, () => {
          if (rows.length === 0) return console.log('No notices.');
          for (const n of rows) console.log(`${new Date(n.createdAt).toISOString()}  ${n.kind.padEnd(22)}  ${n.status.padEnd(9)}  tries ${n.attempts}  ${n.subjectId ?? '(credit office / source)'}${n.lastError ? `  last error: ${n.lastError}` : ''}`);
        });
      });
    });

  const keys = program.command('keys').description('API keys: each has one role (source, checker, reviewer, author, admin, subject) and optional scopes');
  keys
    .command('create')
    .description('create a key; it is shown once and stored only as a hash')
    .requiredOption('--role <role>', 'source, checker, reviewer, author, admin or subject')
    .requiredOption('--name <name>', 'who holds it, e.g. "Hangzhou East ticket office"')
    .option('--scope <scope...>', 'checker: actions it may check; source: record types it may send (prefix.* globs)')
    .option('--source <code>', 'source keys: the catalog source it sends as')
    .option('--subject <ref>', 'subject keys: the subject it belongs to (s_…, cn-rid:…, cn-uscc:…)')
    .action(async (o: { role: string; name: string; scope?: string[]; source?: string; subject?: string }) => {
      const g = globals();
      await withContext(g, async (ctx) => {
        if (!(KEY_ROLES as readonly string[]).includes(o.role)) throw new CliError(`unknown role '${o.role}'; one of ${KEY_ROLES.join(', ')}`);
        if (o.role === 'source' && (!o.source || !ctx.catalog.sources.has(o.source))) throw new CliError(`a source key needs --source, one of: ${[...ctx.catalog.sources.keys()].join(', ')}`);
        if (o.role === 'checker') for (const a of o.scope ?? []) if (!ctx.catalog.actions.has(a)) throw new CliError(`unknown action '${a}'; the catalog has: ${[...ctx.catalog.actions.keys()].join(', ')}`);
        if (o.role === 'source') {
          const src = ctx.catalog.sources.get(o.source as string);
          for (const t of o.scope ?? []) {
            const covered = [...ctx.catalog.recordTypes.keys()].some((code) => scopeAllows([t], code) && src?.allows(code));
            if (!covered) throw new CliError(`scope '${t}' covers no record type that source '${o.source}' may send (${src?.recordTypes.join(', ')})`);
          }
        }
        if (o.source && o.role !== 'source') throw new CliError('--source is only for source keys');
        if (o.subject && o.role !== 'subject') throw new CliError('--subject is only for subject keys');
        if (o.scope && !['source', 'checker'].includes(o.role)) throw new CliError('--scope is only for source and checker keys');
        let subjectId: string | null = null;
        if (o.role === 'subject') {
          if (!o.subject) throw new CliError('a subject key needs --subject');
          const r = await resolveSubject(ctx, o.subject);
          if (!r.ok) throw new CliError(r.reason);
          subjectId = r.id;
        }
        const k = await createApiKey(ctx.store, { name: o.name, role: o.role as KeyRole, scopes: o.scope ?? [], source: o.source ?? null, subjectId }, Date.now(), actor());
        out(g, { key: k.key, id: k.row.id, role: k.row.role, scopes: k.row.scopes, source: k.row.source, subjectId: k.row.subjectId }, () => {
          console.log(`Created ${k.row.role} key ${k.row.id} (${k.row.name}). This is the only time the key is shown:\n\n  ${k.key}\n`);
          console.log('Send it as: Authorization: Bearer <key>');
        });
      });
    });
  keys
    .command('list')
    .description('list keys (never their secrets)')
    .action(async () => {
      const g = globals();
      await withContext(g, async (ctx) => {
        const rows = (await ctx.store.listApiKeys()).map(({ secretHash: _h, ...k }) => k);
        out(g, rows, () => {
          if (rows.length === 0) return console.log('No keys. Create one with: xinyong keys create --role checker --name "…"');
          for (const k of rows) {
            const scope = k.scopes.length ? k.scopes.join(',') : 'all';
            const extra = k.source ? ` source=${k.source}` : k.subjectId ? ` subject=${k.subjectId}` : '';
            console.log(`${k.id}  ${k.role.padEnd(8)}  ${k.revokedAt ? `revoked ${new Date(k.revokedAt).toISOString()}` : 'active'}  scopes=${scope}${extra}  ${k.name}`);
          }
        });
      });
    });
  keys
    .command('revoke')
    .description('revoke a key (a running server stops accepting it within 30 seconds)')
    .argument('<id>', 'the key id, k_…')
    .action(async (id: string) => {
      const g = globals();
      await withContext(g, async (ctx) => {
        const now = Date.now();
        const done = await ctx.store.revokeApiKey(id, now, { at: now, actor: actor(), action: 'key.revoked', subjectId: null, data: { id } });
        if (!done) throw new CliError((await ctx.store.getApiKey(id)) ? `${id} is already revoked` : `no key ${id}`);
        out(g, { revoked: id }, () => console.log(`Revoked ${id}.`));
      });
    });

  program
    .command('import')
    .description('import credit records (and subject registrations) from an NDJSON or CSV file')
    .requiredOption('--source <code>', 'the sending source, as declared in the catalog')
    .option('--batch-size <n>', 'lines per transaction', intArg, 1000)
    .addOption(new Option('--format <format>', 'file format (default: by extension)').choices(['ndjson', 'csv']))
    .option('--score-at-end', 'score the subjects the file touched once, after its last line, not every 10,000 lines: faster for a large back-fill, but checks see none of its effects until it ends')
    .argument('<file>', 'the file to import')
    .action(async (file: string, o: { source: string; batchSize: number; format?: 'ndjson' | 'csv'; scoreAtEnd?: boolean }) => {
      const g = globals();
      await withContext(g, async (ctx) => {
        if (!ctx.catalog.sources.has(o.source)) {
          throw new CliError(`unknown source '${o.source}'; the catalog declares: ${[...ctx.catalog.sources.keys()].join(', ')}`);
        }
        // Derivation is grouped every 10,000 lines (or left to the end); the dirty marks keep that
        // crash-safe: the next command that opens the database scores what a killed import left.
        const ingestor = new Ingestor(ctx.store, ctx.catalog, ctx.keyring, { now: () => Date.now(), actor: `source:${o.source}`, ...(o.scoreAtEnd ? { deriveEachBatch: false } : { deriveEvery: 10_000, deriveInBackground: true }) });
        const s = await importFile({ path: file, source: o.source, ingestor, catalog: ctx.catalog, batchSize: Math.max(1, o.batchSize), progress: !g.json && process.stderr.isTTY, format: o.format });
        out(g, s, () => {
          console.log(`${s.lines} line${s.lines === 1 ? '' : 's'}: ${s.stored} stored, ${s.duplicates} already present, ${s.rejected} rejected.`);
          if (s.rejectFile) console.log(`Rejected lines, with line number, field and reason: ${s.rejectFile}`);
        });
        if (s.rejected > 0 && s.stored + s.duplicates === 0) process.exitCode = 2;
      });
    });

  program
    .command('rescore')
    .description('recompute every subject\'s stored scores, grades and list entries from the records, as of now (for the past, use `subject --as-of` or `check --at`)')
    .action(async () => {
      const g = globals();
      await withContext(g, async (ctx) => {
        const t0 = performance.now();
        const n = await rescoreAll(ctx.store, ctx.catalog, Date.now());
        const seconds = (performance.now() - t0) / 1000;
        out(g, { subjects: n, seconds }, () => console.log(`Rescored ${n} subjects in ${seconds.toFixed(1)} s.`));
      });
    });

  program
    .command('subject')
    .description('show a subject: scores, grades with their breakdown, list entries and measures in force')
    .argument('<ref>', 's_…, cn-rid:…, cn-uscc:… or scheme:value')
    .addOption(new Option('--as-of <instant>', 'as of this instant: the records known, the catalog in force and the legal roles held then').argParser(instantArg))
    .option('--purpose <text>', 'why you are looking (logged, and shown to the person)', 'operator inspection (CLI)')
    .action(async (ref: string, o: { asOf?: number; purpose: string }) => {
      const g = globals();
      await withContext(g, async (ctx) => {
        const r = await resolveSubject(ctx, ref);
        if (!r.ok) throw new CliError(`subject ${ref.startsWith('cn-rid:') ? 'cn-rid:…' : ref}: ${r.reason}`);
        const now = Date.now();
        const v = await subjectView(ctx, r.id, o.asOf ?? now, { actor: actor(), purpose: o.purpose, now });
        if (!v) throw new CliError('no such subject');
        out(g, v, () => printSubject(v));
      });
    });

  program
    .command('check')
    .description('may this subject do this action? (allow, deny or review, with reasons and a receipt)')
    .requiredOption('--subject <ref>', 's_…, cn-rid:…, cn-uscc:… or scheme:value')
    .requiredOption('--action <code>', 'an action code, e.g. transport.air.ticket')
    .addOption(new Option('--at <instant>', 'decide as at this instant, from what was known and in force then (default: now)').argParser(instantArg))
    .action(async (o: { subject: string; action: string; at?: number }) => {
      const g = globals();
      await withContext(g, async (ctx) => {
        const now = Date.now();
        const r = await checkAction(ctx, o.subject, o.action, o.at ?? now, actor(), now);
        if ('error' in r) throw new CliError(r.error);
        out(g, r, () => printCheck(r));
      });
    });

  program
    .command('list')
    .description('entries of a red or black list')
    .requiredOption('--name <code>', 'the list code, e.g. spc-dishonest-debtors')
    .option('--limit <n>', 'how many', intArg, 20)
    .option('--after <entryId>', 'continue after this entry id (pagination)')
    .option('--all', 'include ended entries (exited, expired, escalated)', false)
    .option('--purpose <text>', 'why you are looking (logged for each person shown, who can see it)', 'operator inspection (CLI)')
    .action(async (o: { name: string; limit: number; after?: string; all: boolean; purpose: string }) => {
      const g = globals();
      await withContext(g, async (ctx) => {
        if (!ctx.catalog.listsByCode.has(o.name)) throw new CliError(`unknown list '${o.name}'; the catalog has: ${[...ctx.catalog.listsByCode.keys()].join(', ')}`);
        const entries = await ctx.store.listEntries({ list: o.name, limit: o.limit, after: o.after, statuses: o.all ? ['pending', 'active', 'suspended', 'exited', 'expired', 'escalated'] : undefined });
        const next = entries.length === o.limit && entries.length > 0 ? entries[entries.length - 1].id : null;
        // Who is listed: organisations by name and code (public); persons only by a masked ID.
        const who: Record<string, { kind: string; name: string | null; identifier: string | null }> = {};
        for (const id of new Set(entries.map((e) => e.subjectId))) {
          const s = await ctx.store.getSubject(id);
          if (s) who[id] = { kind: s.kind, name: s.kind === 'person' ? null : s.name, identifier: s.identifiers[0]?.masked ?? null };
        }
        // Each person shown gets the read in their own access log.
        const now = Date.now();
        const reads = Object.entries(who)
          .filter(([, w]) => w.kind === 'person')
          .map(([id]) => ({ at: now, actor: actor(), action: 'list.read', subjectId: id, data: { list: o.name, purpose: o.purpose } }));
        if (reads.length > 0) await ctx.store.appendAudit(reads);
        out(g, { list: o.name, entries: entries.map((e) => ({ ...e, subject: who[e.subjectId] ?? null })), next }, () => printEntries(o.name, entries, next, who));
      });
    });

  const catalog = program.command('catalog').description('validate, compare and publish catalogs');
  catalog
    .command('validate')
    .description('check a catalog directory: shape, legal basis, prohibited data, finite periods, CEL')
    .argument('<dir>')
    .action(async (dir: string) => {
      const g = globals();
      const r = loadCatalogDir(dir);
      if (!r.ok) {
        const issues = r.error.map(formatIssue);
        out(g, { valid: false, issues: r.error }, () => {
          console.error(`${dir}: ${issues.length} problem${issues.length === 1 ? '' : 's'}:`);
          for (const i of issues) console.error(`  ${i}`);
        });
        process.exitCode = 1;
        return;
      }
      const c = r.value;
      const counts = { recordTypes: c.recordTypes.size, schemes: c.schemes.length, rules: c.schemes.reduce((n, s) => n + s.rules.length, 0), lists: c.lists.length, measures: c.measures.length, actions: c.actions.size, sources: c.sources.size };
      out(g, { valid: true, id: c.id, version: c.version, hash: c.hash, ...counts }, () =>
        console.log(`${c.id}@${c.version} is valid: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}.`),
      );
    });
  catalog
    .command('diff')
    .description('compare two catalogs (directories, or stored versions as id@version)')
    .argument('<a>')
    .argument('<b>')
    .action(async (a: string, b: string) => {
      const g = globals();
      const load = async (ref: string) => {
        if (/^[a-z0-9-]+@[0-9A-Za-z.+-]+$/.test(ref)) {
          const [id, version] = ref.split('@');
          return withContext(g, async (ctx) => {
            const row = await ctx.store.getCatalogVersion(id, version);
            if (!row) throw new CliError(`no stored catalog version ${ref}`);
            return row.doc;
          });
        }
        return loadCatalogOrThrow(ref).doc;
      };
      const d = diffCatalogs(await load(a), await load(b));
      out(g, d, () => printDiff(d));
    });
  catalog
    .command('publish')
    .description('publish a catalog directory as a new version and rescore every subject under it')
    .argument('<dir>')
    .action(async (dir: string) => {
      const g = globals();
      const c = loadCatalogOrThrow(dir);
      await withContext(g, async (ctx) => {
        const now = Date.now();
        const { result: r, rescored: n } = await publishAndRescore(ctx.store, c, now, actor());
        out(g, { catalog: `${c.id}@${c.version}`, result: r, rescored: n }, () =>
          console.log(
            r === 'unchanged' ? `${c.id}@${c.version} is already the catalog in force.` : `${r === 'published' ? 'Published' : 'Put back in force'} ${c.id}@${c.version} and rescored ${n} subjects.`,
          ),
        );
      });
    });

  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('log')
    .description('show audit entries, newest first: writes, reads of persons\' records, checks (receipts)')
    .option('--limit <n>', 'how many', intArg, 20)
    .option('--action <action>', 'only this action, e.g. check.decided, subject.read, records.ingested')
    .option('--subject <ref>', 'only entries about this subject (s_…, cn-rid:…, cn-uscc:… or scheme:value)')
    .option('--receipt <id>', 'the check with this receipt id (rc_…)')
    .action(async (o: { limit: number; action?: string; subject?: string; receipt?: string }) => {
      const g = globals();
      await withContext(g, async (ctx) => {
        let subjectId: string | undefined;
        if (o.subject) {
          const r = await resolveSubject(ctx, o.subject);
          if (!r.ok) throw new CliError(`subject: ${r.reason}`);
          subjectId = r.id;
        }
        const head = await ctx.store.auditHead();
        const found: AuditEntry[] = [];
        // Newest first, in pages walking back from the head.
        for (let to = head?.seq ?? 0; to > 0 && found.length < o.limit; to -= 5000) {
          const page: AuditEntry[] = [];
          for await (const e of ctx.store.scanAudit(Math.max(1, to - 4999))) {
            if (e.seq > to) break;
            page.push(e);
          }
          for (const e of page.reverse()) {
            if (o.action && e.action !== o.action) continue;
            if (subjectId && e.subjectId !== subjectId) continue;
            if (o.receipt && (e.data as { receipt?: string } | null)?.receipt !== o.receipt) continue;
            found.push(e);
            if (found.length >= o.limit) break;
          }
        }
        if (o.receipt && found.length === 0) throw new CliError(`no check with receipt ${o.receipt}`);
        out(g, { entries: found }, () => printAudit(found));
      });
    });
  audit
    .command('verify')
    .description('recompute the hash chain and name the first entry that does not match')
    .action(async () => {
      const g = globals();
      await withContext(g, async (ctx) => {
        const v = new ChainVerifier();
        for await (const e of ctx.store.scanAudit()) if (v.push(e)) break;
        const r = v.result();
        out(g, r, () => {
          if (r.ok) console.log(`Audit chain intact: ${r.count} entries, head ${r.head}.`);
          else console.error(`Audit chain BROKEN: ${r.problem.reason.startsWith(`entry ${r.problem.seq}`) ? r.problem.reason : `entry ${r.problem.seq}: ${r.problem.reason}`}`);
        });
        if (!r.ok) process.exitCode = 3;
      });
    });
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const g = program.opts<Globals>();
    const msg = e instanceof Error ? e.message : String(e);
    if (g.json) process.stderr.write(JSON.stringify({ error: msg }) + '\n');
    else process.stderr.write(`xinyong: ${msg}\n`);
    if (!(e instanceof CliError) && process.env.XINYONG_DEBUG) console.error(e);
    process.exitCode = e instanceof CliError ? e.code : 1;
  }
}
