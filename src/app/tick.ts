/**
 * What falls due by time alone, applied up to an instant: entries leaving their notice period,
 * expiring, escalating (abnormal operations to the serious list after 3 years). Idempotent, and
 * exact: each state is derived as of `until`, so an escalation dates from when it fell due, not
 * from when this ran. `xinyong tick` runs it from the CLI; `xinyong serve` every minute.
 */
import type { Instant } from '../domain/types.js';
import { refreshState, type OnDerived } from '../ingest/rescore.js';
import type { AppContext } from './context.js';

export async function tick(ctx: AppContext, until: Instant, onDerived?: OnDerived): Promise<{ dirty: number; due: number }> {
  return refreshState(ctx.store, ctx.catalog, until, 1000, onDerived);
}
