/** `xinyong demo`, `serve` and `ingest-worker`: the long-running commands. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { buildDemo, createDemoKeys, demoKeysPath, hasDemoKeys } from '../../app/demo.js';
import { runIngestWorker } from '../../app/records.js';
import { summary } from '../../app/reads.js';
import { loadCalendar } from '../../app/calendar-file.js';
import { RecordStream } from '../../ingest/stream.js';
import { DEFAULT_PARTITIONS, streamLayout } from '../../ingest/stream-layout.js';
import { DEFAULT_DB, globals, instantArg, intArg, out, positiveIntArg, withApp } from '../context.js';

/** The HTTP port: `--port`, else the PORT environment variable, else 8080. */
const portOption = () =>
  new Option('--port <n>', 'HTTP port')
    .env('PORT')
    .default(8080)
    .argParser((v) => {
      const n = intArg(v);
      if (n > 65535) throw new InvalidArgumentError('must be a port number, 0 to 65535');
      return n;
    });
import { usage } from '../errors.js';
import { printSummary } from '../format.js';
import { serve } from '../serve.js';

export function registerServe(program: Command): void {
  program
    .command('demo')
    .description('build a synthetic city (seeded, deterministic) into the database, then serve it with the dev sign-in on')
    .option('--persons <n>', 'persons', intArg, 20000)
    .option('--enterprises <n>', 'enterprises', intArg, 2000)
    .option('--seed <n>', 'random seed', intArg, 7)
    .addOption(new Option('--now <instant>', 'the instant the city is built as of (default: now)').argParser(instantArg))
    .option('--no-serve', 'build (or reuse) the city and exit')
    .option('--if-empty', 'if the database already holds a city, reuse it', false)
    .addOption(portOption())
    .option('--host <host>', 'address to listen on', 'localhost')
    .action(async (o: { persons: number; enterprises: number; seed: number; now?: number; serve: boolean; ifEmpty: boolean; port: number; host: string }) => {
      const g = globals(program);
      // The demo makes its database (the first `npm start`), directory and key file included.
      await withApp(g, async (app) => {
        const { ctx } = app;
        const now = o.now ?? Date.now();
        const result = await buildDemo(ctx, { persons: o.persons, enterprises: o.enterprises, seed: o.seed, now, ifEmpty: o.ifEmpty, progress: !g.json && process.stderr.isTTY });
        const demoKeys = result.built ? await createDemoKeys(ctx, now) : null;
        const s = await summary(app);
        const db = ctx.dbPath === DEFAULT_DB ? '' : ` --db ${ctx.dbPath}`;
        out(g, { built: result.built, seconds: result.seconds, db: ctx.dbPath, catalog: `${ctx.catalog.id}@${ctx.catalog.version}`, ...s, ...(demoKeys ? { keys: demoKeys.keys, listedOrg: demoKeys.listedOrg } : {}) }, () => {
          if (!result.built) console.log(`The database ${ctx.dbPath} already holds a city; reusing it.\n`);
          else console.log(`Built the synthetic city in ${result.seconds.toFixed(1)} s into ${ctx.dbPath} (catalog ${ctx.catalog.id}@${ctx.catalog.version}).\n`);
          printSummary(s, ctx.catalog);
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
      }, { create: true });
    });

  program
    .command('serve')
    .description('serve the HTTP API (under /v1, OpenAPI at /v1/openapi.json, rendered docs at /docs), the web console (/) and the public portal (/public); records imported or catalogs published by other processes reach it within a second (on PostgreSQL at once: LISTEN/NOTIFY wakes it)')
    .addOption(portOption())
    .option('--host <host>', 'address to listen on', 'localhost')
    .option('--dev', 'enable the dev sign-in (POST /v1/dev/sign-in); never in production', false)
    .option('--oidc-issuer <url>', 'accept OIDC bearer JWTs from this issuer (or XY_OIDC_ISSUER)')
    .option('--oidc-jwks-url <url>', "the issuer's JWKS URL (or XY_OIDC_JWKS_URL)")
    .option('--oidc-audience <aud>', 'required audience (or XY_OIDC_AUDIENCE)')
    .option('--oidc-client-id <id>', 'the public client a browser console signs in as, published at GET /v1/auth/config (or XY_OIDC_CLIENT_ID)')
    .option('--oidc-max-token-hours <h>', 'refuse OIDC tokens whose exp is more than this many hours after their iat or now (or XY_OIDC_MAX_TOKEN_HOURS; default 12)')
    .option('--log-level <level>', 'pino level: fatal, error, warn, info, debug, silent', 'info')
    .option('--webhook-url <url>', 'POST notices to this URL, signed with the secret in XY_WEBHOOK_SECRET (at least once: receivers dedupe by x-xinyong-notice)')
    .option('--calendar <file>', 'working-day calendar (YAML) for due-process deadlines (default: the shipped mainland China calendar)')
    .option('--trust-proxy', 'take client addresses from X-Forwarded-For (behind a reverse proxy), so public rate limits apply per client', false)
    .option('--receipt-flush-ms <ms>', 'write decision receipts to the audit log at least this often (they are also flushed on shutdown)', intArg, 100)
    .option('--nats <url>', 'publish POST /v1/records?async=true to this NATS JetStream server, for `xinyong ingest-worker` to store (or XY_NATS_URL)')
    .option('--partitions <n>', 'partitions of the records stream (as the ingest workers have it)', positiveIntArg, DEFAULT_PARTITIONS)
    .option('--stream-prefix <name>', 'a prefix for the stream and subject names (a second deployment on the same NATS)')
    .action(async (o: { port: number; host: string; dev: boolean; oidcIssuer?: string; oidcJwksUrl?: string; oidcAudience?: string; oidcClientId?: string; oidcMaxTokenHours?: string; logLevel: string; receiptFlushMs: number; trustProxy: boolean; webhookUrl?: string; calendar?: string; nats?: string; partitions: number; streamPrefix?: string }) => {
      const webhookSecret = process.env.XY_WEBHOOK_SECRET;
      if (o.webhookUrl && !webhookSecret) throw usage('--webhook-url needs the signing secret in XY_WEBHOOK_SECRET');
      const g = globals(program);
      const issuer = o.oidcIssuer ?? process.env.XY_OIDC_ISSUER;
      const jwksUrl = o.oidcJwksUrl ?? process.env.XY_OIDC_JWKS_URL;
      if ((issuer === undefined) !== (jwksUrl === undefined)) throw usage('OIDC needs both --oidc-issuer and --oidc-jwks-url');
      const clientId = o.oidcClientId ?? process.env.XY_OIDC_CLIENT_ID;
      if (clientId !== undefined && issuer === undefined) throw usage('--oidc-client-id needs --oidc-issuer and --oidc-jwks-url');
      const maxHours = o.oidcMaxTokenHours ?? process.env.XY_OIDC_MAX_TOKEN_HOURS;
      if (maxHours !== undefined && !(/^\d+$/.test(maxHours) && +maxHours >= 1 && +maxHours <= 720)) throw usage('--oidc-max-token-hours must be a whole number of hours from 1 to 720');
      const natsUrl = o.nats ?? process.env.XY_NATS_URL;
      const stream = natsUrl ? await RecordStream.open(natsUrl, streamLayout({ prefix: o.streamPrefix, partitions: o.partitions }), 'xinyong serve') : undefined;
      try {
        await withApp(g, async (app) =>
          serve(app.ctx, {
            stream,
            port: o.port,
            host: o.host,
            dev: o.dev,
            oidc: issuer && jwksUrl ? { issuer, jwksUrl, audience: o.oidcAudience ?? process.env.XY_OIDC_AUDIENCE, clientId, ...(maxHours ? { maxLifetimeS: +maxHours * 3600 } : {}) } : undefined,
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
    .option('--ack-wait <seconds>', "how long a fetched message may stay unacknowledged (a killed worker's batch) before it is redelivered", positiveIntArg, 30)
    .option('--stream-prefix <name>', 'a prefix for the stream and subject names (a second deployment, or a test, on the same NATS)')
    .action(async (o: { nats: string; partitions: number; batch: number; durable: string; ackWait: number; streamPrefix?: string }) => {
      const g = globals(program);
      await withApp(g, async (app) => {
        const log = (line: string) => {
          if (!g.json) process.stderr.write(line + '\n');
        };
        const stop = new AbortController();
        const onSignal = (signal: string) => {
          log(`ingest-worker: ${signal}: finishing the batches in hand, then stopping`);
          stop.abort();
        };
        process.once('SIGTERM', onSignal);
        process.once('SIGINT', onSignal);
        try {
          const s = await runIngestWorker(app, { nats: o.nats, partitions: o.partitions, batch: o.batch, durable: o.durable, ackWait: o.ackWait, prefix: o.streamPrefix }, stop.signal, log);
          out(g, s, () => console.log(`Stopped after ${s.messages} messages in ${s.batches} batches: ${s.stored} stored, ${s.duplicates} already present, ${s.dead} to dead letters.`));
        } finally {
          process.removeListener('SIGTERM', onSignal);
          process.removeListener('SIGINT', onSignal);
        }
      });
    });
}
