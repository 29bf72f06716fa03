/**
 * `xinyong serve` (and the serving half of `xinyong demo`): listens until SIGTERM or SIGINT, then
 * stops taking requests, lets in-flight ones finish, flushes decision receipts to the audit log
 * and closes the database.
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppContext } from '../app/context.js';
import { createApiKey } from '../api/auth.js';
import { buildServer, type ServerOptions } from '../api/server.js';
import type { KeyRole } from '../store/port.js';

export interface ServeOptions extends Omit<ServerOptions, 'ctx'> {
  port: number;
  host: string;
  /** Printed once listening (the demo adds its keys). */
  banner?: (url: string) => void;
}

/** Serves until a termination signal; resolves once everything is flushed and closed. */
export async function serve(ctx: AppContext, o: ServeOptions): Promise<void> {
  const { app } = await buildServer({ receiptWorker: true, ...o, ctx });
  await app.listen({ port: o.port, host: o.host });
  const shown = o.host === '0.0.0.0' || o.host === '::' ? 'localhost' : o.host;
  const url = `http://${shown.includes(':') ? `[${shown}]` : shown}:${o.port}`;
  o.banner?.(url);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      app.log.info({ signal }, 'stopping: finishing in-flight requests and flushing receipts');
      app.close().then(resolve, (err) => {
        app.log.error({ err }, 'error while stopping');
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

export const DEMO_ROLES: KeyRole[] = ['source', 'checker', 'reviewer', 'author', 'admin', 'subject'];

/** Where the demo keeps the keys it printed, for the docs' curl examples: beside the identifier key file (and so the SQLite file), 0600. */
export function demoKeysPath(besideFile: string): string {
  return join(dirname(besideFile), 'demo-keys.env');
}

/**
 * One key per role for a freshly built demo: the source sends as the court (`spc`), the subject
 * key belongs to a person on the dishonest-debtor list. Written to `demo-keys.env` with a listed
 * organisation to try checks on.
 */
export async function createDemoKeys(ctx: AppContext, at: number): Promise<{ keys: Record<string, string>; listedOrg: string | null; file: string }> {
  const entries = await ctx.store.listEntries({ list: 'spc-dishonest-debtors', limit: 500 });
  const basics = await ctx.store.subjectsBasic([...new Set(entries.map((e) => e.subjectId))]);
  const person = entries.find((e) => !e.via && basics.get(e.subjectId)?.kind === 'person')?.subjectId ?? null;
  const org = entries.find((e) => basics.get(e.subjectId)?.kind === 'enterprise')?.subjectId ?? null;
  const orgSubject = org ? await ctx.store.getSubject(org) : null;
  const listedOrg = orgSubject?.identifiers.find((i) => i.scheme === 'cn-uscc') ? `cn-uscc:${orgSubject.identifiers.find((i) => i.scheme === 'cn-uscc')?.masked}` : null;
  const keys: Record<string, string> = {};
  for (const role of DEMO_ROLES) {
    if (role === 'subject' && !person) continue;
    const k = await createApiKey(ctx.store, { name: `demo ${role}`, role, source: role === 'source' ? 'spc' : null, subjectId: role === 'subject' ? person : null }, at, 'demo');
    keys[role] = k.key;
  }
  const file = demoKeysPath(ctx.keyPath);
  const lines = [
    `# Demo API keys for the xinyong demo city in ${ctx.dbPath}, one per role. Created ${new Date(at).toISOString()}.`,
    '# Shown once and kept here only for the demo: real keys are stored as hashes and never written out.',
    ...Object.entries(keys).map(([role, key]) => `XY_${role.toUpperCase()}_KEY=${key}`),
    ...(listedOrg ? [`# An enterprise on the SPC dishonest-debtor list (public registry data).`, `XY_LISTED_ORG=${listedOrg}`] : []),
    ...(person ? [`# The person the subject key belongs to (internal id).`, `XY_SUBJECT_ID=${person}`] : []),
  ];
  writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  return { keys, listedOrg, file };
}

export function hasDemoKeys(besideFile: string): boolean {
  return existsSync(demoKeysPath(besideFile));
}
