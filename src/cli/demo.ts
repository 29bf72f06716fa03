/**
 * `xinyong demo`: the synthetic city, fed through the same ingestion pipeline as real sources,
 * as a back-fill: each record is recorded a day after it occurred, so as-of queries over the
 * past three years give meaningful answers.
 */
import type { AppContext } from '../app/context.js';
import { DAY_MS, parseInstant } from '../domain/time.js';
import type { Instant } from '../domain/types.js';
import { Ingestor, type IngestItem } from '../ingest/ingestor.js';
import { drainDirty } from '../ingest/rescore.js';
import { generateCity } from '../sim/index.js';

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
    throw new Error(`${ctx.dbPath} already holds subjects; build the demo into a new --db, or pass --if-empty to reuse it`);
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
  await drainDirty(ctx.store, ctx.catalog, o.now, 1000);
  if (o.progress) process.stderr.write('\r' + ' '.repeat(40) + '\r');
  if (rejected > 0) throw new Error(`the synthetic city produced ${rejected} rejected lines; this is a bug in sim/`);
  return { built: true, seconds: (performance.now() - t0) / 1000 };
}
