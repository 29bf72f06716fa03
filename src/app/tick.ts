/**
 * The tick use case: what falls due by time alone, applied up to an instant: entries leaving
 * their notice period, expiring, escalating (abnormal operations to the serious list after 3
 * years), and cases overdue. Idempotent, and exact: each state is derived as of `until`, so an
 * escalation dates from when it fell due, not from when this ran. `xinyong tick` runs it from the
 * CLI; `xinyong serve` every minute (`applyDue`).
 */
import type { Instant } from '../domain/types.js';
import { notice } from '../process/notices.js';
import { write, type App, type AppContext } from './context.js';
import { deriveAll, deriveUpTo, outbox, type OnDerived } from './derive.js';
import { invalid } from './errors.js';

export async function tick(ctx: AppContext, until: Instant, onDerived?: OnDerived): Promise<{ dirty: number; due: number; overdue: number }> {
  const r = await deriveUpTo(ctx.store, ctx.catalog, until, 1000, onDerived);
  return { ...r, overdue: await escalateOverdue(ctx, until) };
}

/** `tick` as an operator asks for it: never beyond now, since stored state must not run ahead of time. */
export async function tickUntil(app: App, until?: Instant): Promise<{ until: Instant; dirty: number; due: number; overdue: number }> {
  const now = app.now();
  if (until !== undefined && until > now) throw invalid('--until is in the future: state is only ever applied up to now', 'until');
  const t = until ?? now;
  return { until: t, ...(await write(app, () => tick(app.ctx, t))) };
}

/**
 * What a serving process runs every minute: applies what fell due up to now, then drops change-feed
 * rows more than a day old (a reader that far behind rebuilds its gate instead). Servers sharing a
 * database take turns: while one applies what fell due, the others skip (they would derive the
 * same states, and log the derivation twice); a server that dies frees its turn with its connection.
 */
export async function applyDue(app: App): Promise<void> {
  const due = async () => {
    const t = app.now();
    await tick(app.ctx, t);
    await app.ctx.store.pruneStateChanges(t - 86_400_000);
  };
  await write(app, async () => {
    const store = app.ctx.store;
    if (store.runExclusive) await store.runExclusive('due', due);
    else await due();
  });
}

/** Finishes any derivation a crash left behind, and applies what fell due, before a command answers. */
export async function catchUpState(app: App): Promise<void> {
  await deriveUpTo(app.ctx.store, app.ctx.catalog, app.now());
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

/** Derives every subject's state afresh under the catalog in force, as of now (`xinyong rescore`). */
export async function deriveEverySubject(app: App): Promise<number> {
  return write(app, () => deriveAll(app.ctx.store, app.ctx.catalog, app.now()));
}
