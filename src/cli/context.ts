/** What every command shares: the global options, the opened `App`, the actor, output, argument parsers. */
import { userInfo } from 'node:os';
import { InvalidArgumentError, type Command } from 'commander';
import { operator, type Caller } from '../app/access.js';
import { createApp, openContext, type App } from '../app/context.js';
import { isoInstants } from '../app/json.js';
import { catchUpState } from '../app/tick.js';
import { parseInstant } from '../domain/time.js';

export const DEFAULT_DB = './data/xinyong.db';

export interface Globals {
  db: string;
  keyFile?: string;
  json: boolean;
  /** Create the SQLite database (and its directory and key file) if it does not exist. */
  create: boolean;
}

export const globals = (program: Command): Globals => program.opts<Globals>();

export function instantArg(value: string): number {
  const r = parseInstant(value);
  if (!r.ok) throw new InvalidArgumentError(r.error);
  return r.value;
}

export function intArg(value: string): number {
  const n = Number(value);
  // A safe integer (at most 16 digits): a longer run of digits is no count, and may be an ID number.
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number, at most 9007199254740991');
  return n;
}

export function positiveIntArg(value: string): number {
  const n = intArg(value);
  if (n < 1) throw new InvalidArgumentError('must be at least 1');
  return n;
}

/** The operator running the CLI, as the audit log names them. */
export function actor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

/** The CLI user as a caller of the use cases. */
export const cliCaller = (): Caller => operator(actor());

/** Prints `value` as JSON with `--json`, or runs the human rendering. */
export function out(g: Globals, value: unknown, human: () => void): void {
  if (g.json) process.stdout.write(JSON.stringify(value, isoInstants, 2) + '\n');
  else human();
}

/**
 * Opens the database as an `App`, runs `fn`, then flushes receipts and closes. Before `fn`,
 * finishes any derivation a crash left behind and applies what fell due (unless `refresh: false`).
 * A SQLite file that does not exist is refused, creating nothing, unless the command makes
 * databases (`create: true`: `demo`, `import`) or the operator passed `--create`.
 */
export async function withApp<T>(g: Globals, fn: (app: App) => Promise<T>, opts: { refresh?: boolean; create?: boolean } = {}): Promise<T> {
  const ctx = await openContext({ db: g.db, keyFile: g.keyFile, now: Date.now(), actor: actor(), create: g.create === true || opts.create === true });
  const app = createApp(ctx);
  try {
    if (opts.refresh !== false) await catchUpState(app);
    return await fn(app);
  } finally {
    try {
      await app.receipts.close();
    } finally {
      await ctx.close();
    }
  }
}
