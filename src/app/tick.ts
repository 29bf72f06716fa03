/**
 * What falls due by time alone, applied up to an instant: entries leaving their notice period,
 * expiring, escalating (abnormal operations to the serious list after 3 years). Idempotent, and
 * exact: each state is derived as of `until`, so an escalation dates from when it fell due, not
 * from when this ran. `xinyong tick` runs it from the CLI; `xinyong serve` every minute.
 */
import type { Instant } from '../domain/types.js';
import { outbox, refreshState, type OnDerived } from '../ingest/rescore.js';
import { notice } from '../process/notices.js';
import type { AppContext } from './context.js';

export async function tick(ctx: AppContext, until: Instant, onDerived?: OnDerived): Promise<{ dirty: number; due: number; overdue: number }> {
  const r = await refreshState(ctx.store, ctx.catalog, until, 1000, onDerived);
  return { ...r, overdue: await escalateOverdue(ctx, until) };
}

/**
 * Objections and repair applications still open past their deadline escalate: a notice to the
 * credit office (and one to the subject), once per case (the notice id is fixed by the case).
 */
export async function escalateOverdue(ctx: AppContext, now: Instant): Promise<number> {
  let n = 0;
  for (const kind of ['objection', 'repair'] as const) {
    const late = await ctx.store.listCases({ kind, statuses: ['open'], deadlineBefore: now, limit: 10_000 });
    const drafts = late.flatMap((c) => [
      notice(`${kind}.overdue`, null, c.deadline as Instant, { [kind]: c.id, subjectId: c.subjectId, deadline: new Date(c.deadline as Instant).toISOString() }),
      notice(`${kind}.overdue`, c.subjectId, c.deadline as Instant, { [kind]: c.id, deadline: new Date(c.deadline as Instant).toISOString() }),
    ]);
    await ctx.store.addNotices(outbox(drafts));
    n += late.length;
  }
  return n;
}
