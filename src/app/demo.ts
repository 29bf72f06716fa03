/**
 * `xinyong demo`: the synthetic city, fed through the same ingestion pipeline as real sources,
 * as a back-fill: each record is recorded a day after it occurred, so as-of queries over the
 * past three years give meaningful answers.
 */
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppContext } from './context.js';
import { DAY_MS, parseInstant } from '../domain/time.js';
import type { Instant } from '../domain/types.js';
import { Ingestor, type IngestItem } from '../ingest/ingestor.js';
import { deriveDirty } from './derive.js';
import { createApiKey } from './keys.js';
import type { KeyRole } from '../store/port.js';
import { generateCity } from '../sim/index.js';
import { conflict } from './errors.js';

export interface DemoOptions {
  persons: number;
  enterprises: number;
  seed: number;
  now: Instant;
  ifEmpty: boolean;
  progress: boolean;
}

export async function buildDemo(ctx: AppContext, o: DemoOptions): Promise<{ built: boolean; seconds: number }> {
  const existing = (await ctx.store.summary()).subjectsByKind;
  if (Object.values(existing).some((n) => n > 0)) {
    if (o.ifEmpty) return { built: false, seconds: 0 };
    throw conflict(`${ctx.dbPath} already holds subjects; build the demo into a new --db, or pass --if-empty to reuse it`);
  }
  const t0 = performance.now();
  const ingestor = new Ingestor(ctx.store, ctx.catalog, ctx.keyring, { now: () => o.now, actor: 'demo', deriveEachBatch: false, notify: false });
  // Registrations are back-dated to before the oldest record.
  const registered = o.now - (3 * 365 + 60) * DAY_MS;
  let batch: IngestItem[] = [];
  let n = 0;
  let rejected = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const results = await ingestor.ingestBatch(batch);
    for (const r of results) if (r.status === 'rejected') rejected++;
    n += batch.length;
    batch = [];
    if (o.progress) process.stderr.write(`\r  ${n} lines ingested…`);
  };
  for (const item of generateCity({ persons: o.persons, enterprises: o.enterprises, seed: o.seed, now: o.now })) {
    let recordedAt = registered;
    if (item.source !== null) {
      const at = parseInstant((item.line as { occurredAt: string }).occurredAt);
      recordedAt = at.ok ? Math.min(o.now, at.value + DAY_MS) : o.now;
    }
    batch.push({ source: item.source, line: item.line, recordedAt });
    if (batch.length >= 2000) await flush();
  }
  await flush();
  if (o.progress) process.stderr.write(`\r  deriving scores and lists…          `);
  await deriveDirty(ctx, ctx.catalog, o.now, 1000);
  if (o.progress) process.stderr.write('\r' + ' '.repeat(40) + '\r');
  if (rejected > 0) throw new Error(`the synthetic city produced ${rejected} rejected lines; this is a bug in sim/`);
  return { built: true, seconds: (performance.now() - t0) / 1000 };
}

export const DEMO_ROLES: KeyRole[] = ['source', 'checker', 'reviewer', 'author', 'admin', 'subject'];

/** Where the demo keeps the keys it printed, for the docs' curl examples: beside the identifier key file (and so the SQLite file), 0600. */
export function demoKeysPath(besideFile: string): string {
  return join(dirname(besideFile), 'demo-keys.env');
}

export function hasDemoKeys(besideFile: string): boolean {
  return existsSync(demoKeysPath(besideFile));
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
