/**
 * The `xinyong` command. Every subcommand accepts `--db FILE|URL`, `--key-file FILE` and `--json`;
 * output for people goes to stdout, progress and errors to stderr, and the exit code says how it
 * ended (`cli/errors.ts`). Each command lives in `commands/<group>.ts`: it parses its options, calls
 * one use case of `app/`, and prints.
 */
import { Command, Option } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerCases } from './commands/cases.js';
import { registerCatalog } from './commands/catalog.js';
import { registerKeys } from './commands/keys.js';
import { registerReads } from './commands/reads.js';
import { registerRecords } from './commands/records.js';
import { registerServe } from './commands/serve.js';
import { DEFAULT_DB, type Globals } from './context.js';
import { exitFor } from './errors.js';
import { maskedOutput, refuseIdNumbers } from './free-text.js';
import { maskRids } from '../ids/rid-finder.js';

export { DEFAULT_DB };

export function buildProgram(): Command {
  const program = new Command();
  // No ID number in any option or argument but a subject reference; none in commander's messages (free-text.ts).
  program.configureOutput(maskedOutput).hook('preAction', refuseIdNumbers);
  program
    .name('xinyong')
    .description('Credit-based supervision: records, rules, scores, lists, joint measures and due process.')
    .version('0.1.0')
    .addOption(new Option('--db <file|url>', 'the SQLite database file, or a postgres:// URL (a database several processes share)').env('DATABASE_URL').default(DEFAULT_DB))
    .addOption(new Option('--key-file <file>', 'the identifier key file (default: beside a SQLite file; ./data/postgres.key for PostgreSQL); every process sharing a database needs the same one').env('XY_KEY_FILE'))
    .option('--create', 'create the SQLite database (and its directory and key file) if it does not exist; demo and import always may', false)
    .option('--json', 'print machine-readable JSON', false)
    .showHelpAfterError('(run `xinyong --help` for usage)')
    .addHelpText(
      'after',
      `
Subjects can be named as an internal id (s_…), cn-rid:<ID number>, cn-uscc:<credit code>, or
scheme:value for a deployment's own registered identifier scheme.
Instants are ISO-8601: 2026-06-30 or 2026-06-30T08:00:00+08:00.
Exit codes: 0 done; 1 refused (invalid, not found, conflict, forbidden); 2 import stored nothing;
3 audit chain broken; 75 database unavailable, retry.

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
  registerServe(program);
  registerRecords(program);
  registerCases(program);
  registerKeys(program);
  registerReads(program);
  registerCatalog(program);
  registerAudit(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    const g = program.opts<Globals>();
    const { code, expected, message: said } = exitFor(e);
    // An error of a use case never quotes an ID number; one from elsewhere might.
    const message = maskRids(said);
    if (g.json) process.stderr.write(JSON.stringify({ error: message, ...(e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('XY_ERR_') ? { code: e.code } : {}) }) + '\n');
    else process.stderr.write(`xinyong: ${message}\n`);
    if (!expected && process.env.XINYONG_DEBUG) console.error(e);
    process.exitCode = code;
  }
}
