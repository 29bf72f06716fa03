/**
 * List flows over a time range, for charts: entries that began and ended per list, by UTC day for
 * the last 30 or 90 days, by UTC month for the last year or for all time, every period of the range
 * present (zeros included) so a chart's axis is time as it passed.
 */
import type { Instant } from '../domain/types.js';
import type { FlowPeriod } from '../store/port/stats.js';
import type { App } from './context.js';
import { invalid } from './errors.js';

export const FLOW_RANGES = ['30d', '90d', '1y', 'all'] as const;
export type FlowRange = (typeof FLOW_RANGES)[number];

const DAY = 86_400_000;

/** Where a range starts and how it is bucketed, as of `now`. */
export function rangeOf(range: FlowRange, now: Instant): { from: Instant | null; bucket: 'day' | 'month' } {
  const today = Math.floor(now / DAY) * DAY;
  const d = new Date(now);
  switch (range) {
    case '30d':
      return { from: today - 29 * DAY, bucket: 'day' };
    case '90d':
      return { from: today - 89 * DAY, bucket: 'day' };
    case '1y':
      // Twelve whole months, this one included.
      return { from: Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 11, 1), bucket: 'month' };
    case 'all':
      return { from: null, bucket: 'month' };
  }
}

/** A range named by a client, or a refusal naming the field and the ranges there are. */
export function requireRange(range: string | undefined, field: string): FlowRange {
  if (range === undefined) return 'all';
  if (!(FLOW_RANGES as readonly string[]).includes(range)) throw invalid(`unknown range '${range}'; one of ${FLOW_RANGES.join(', ')}`, field);
  return range as FlowRange;
}

const periodOf = (t: Instant, bucket: 'day' | 'month') => new Date(t).toISOString().slice(0, bucket === 'day' ? 10 : 7);

/** Every period from `first` to `last` (inclusive), as `YYYY-MM-DD` or `YYYY-MM`. */
export function periods(first: string, last: string, bucket: 'day' | 'month'): string[] {
  const out: string[] = [];
  let t = Date.parse(bucket === 'day' ? `${first}T00:00:00Z` : `${first}-01T00:00:00Z`);
  for (let p = first; p <= last && out.length < 10_000; p = periodOf(t, bucket)) {
    out.push(p);
    const d = new Date(t);
    t = bucket === 'day' ? t + DAY : Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  }
  return out;
}

/**
 * Per list of the catalog in force, the flows of the range, every period from its start (for
 * `all`, the first period any list has) to now's, zeros included.
 */
export async function listFlowsOver(app: App, range: FlowRange): Promise<{ range: FlowRange; bucket: 'day' | 'month'; from: Instant | null; periods: string[]; lists: Record<string, FlowPeriod[]> }> {
  const now = app.now();
  const { from, bucket } = rangeOf(range, now);
  const found = await app.ctx.store.listFlows({ from, bucket });
  const seen = Object.values(found).flatMap((fs) => fs.map((f) => f.period));
  const last = periodOf(now, bucket);
  const first = from !== null ? periodOf(from, bucket) : seen.length ? seen.reduce((a, b) => (a < b ? a : b)) : last;
  const all = periods(first, last < first ? first : last, bucket);
  const lists: Record<string, FlowPeriod[]> = {};
  for (const l of app.ctx.catalog.doc.lists) {
    const by = new Map((found[l.code] ?? []).map((f) => [f.period, f]));
    lists[l.code] = all.map((p) => by.get(p) ?? { period: p, inflow: 0, outflow: 0 });
  }
  return { range, bucket, from, periods: all, lists };
}
