/**
 * The tick use case: what falls due by time alone, applied up to an instant: records reaching the
 * end of their retention (expired: their facts deleted), entries leaving their notice period,
 * expiring, escalating (abnormal operations to the serious list after 3 years), and cases overdue.
 * Idempotent, and exact: each state is derived as of `until`, so an escalation dates from when it
 * fell due, not from when this ran. `xinyong tick` runs it from the CLI; `xinyong serve` every
 * minute (`applyDue`).
 */
import { AUDIT } from '../audit/actions.js';
import type { Catalog, CompiledRecordType } from '../catalog/types.js';
import { addDuration, type Duration } from '../domain/time.js';
import type { CreditRecord, Instant } from '../domain/types.js';
import { notice } from '../process/notices.js';
import { retentionEnd } from '../scoring/working-set.js';
import type { ExpiredRecords, RetentionCandidate } from '../store/port.js';
import { write, type App, type AppContext } from './context.js';
import { deriveAll, deriveUpTo, outbox, type OnDerived } from './derive.js';
import { invalid } from './errors.js';

/** What one tick did. */
export interface TickResult {
  /** Records expired at the end of their retention. */
  expired: number;
  /** Derivations left pending (by ingest, a status change, a crash) that were finished. */
  dirty: number;
  /** Subjects whose state changed by time alone. */
  due: number;
  /** Objections and repair applications found open past their deadline. */
  overdue: number;
}

export async function tick(ctx: AppContext, until: Instant, onDerived?: OnDerived): Promise<TickResult> {
  // Expiry first: the subjects it marks dirty are derived in the same tick.
  const expired = await expireRecords(ctx, until);
  const r = await deriveUpTo(ctx, ctx.catalog, until, 1000, onDerived);
  return { expired, ...r, overdue: await escalateOverdue(ctx, until) };
}

/** `tick` as an operator asks for it: never beyond now, since stored state must not run ahead of time. */
export async function tickUntil(app: App, until?: Instant): Promise<{ until: Instant } & TickResult> {
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
  await deriveUpTo(app.ctx, app.ctx.catalog, app.now());
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
  return write(app, () => deriveAll(app.ctx, app.ctx.catalog, app.now()));
}

/** Who expires records, in their status histories and in the audit log. */
const RETENTION_ACTOR = 'system:retention';
const RETENTION_REASON = 'retention period ended';
/** Records expired per transaction (each batch writes one tombstone). */
const EXPIRY_BATCH = 500;
const DAY_MS = 86_400_000;

/**
 * Whether a record is gone at `now`: expired already, or past the end of its retention under
 * the catalog in force (a tick has not yet expired it). No view shows such a record.
 */
export function pastRetention(catalog: Catalog, rec: CreditRecord, now: Instant): boolean {
  if (rec.statuses.some((c) => c.status === 'expired')) return true;
  const rt = catalog.recordTypes.get(rec.type);
  return rt !== undefined && retentionEnd(rt, rec) <= now;
}

/**
 * An instant after the `occurredAt` of every record of a type whose retention ends at or before
 * `until`: how far the store must look. Adding months clamps to the month's last day, so within
 * three days ends need not follow the order of starts; three days past the first start that ends
 * after `until`, every start ends after it. Candidates before it are checked exactly.
 */
function occurredBefore(retention: Duration, until: Instant): Instant {
  let t = addDuration(until, retention, -1);
  while (addDuration(t, retention) <= until) t += DAY_MS;
  return t + 3 * DAY_MS;
}

/**
 * Expires every record whose retention (under the catalog in force) has ended by `until`: the
 * store appends the status `expired`, deletes its facts, deletes the identifier ciphertext of
 * subjects nothing needs any more (port/records.ts `expireRecords`) and chains a tombstone. Type
 * by type, in batches of at most EXPIRY_BATCH records, each batch one transaction with its
 * tombstone, so a crash loses at most the batch in hand, and the next tick does it. Idempotent:
 * an expired record is no longer a candidate. Returns how many records were expired.
 */
export async function expireRecords(ctx: AppContext, until: Instant): Promise<number> {
  let n = 0;
  for (const [type, rt] of ctx.catalog.recordTypes) {
    const before = occurredBefore(rt.retention, until);
    let after: RetentionCandidate | undefined;
    for (;;) {
      const page = await ctx.store.retentionCandidates({ type, occurredBefore: before, after, limit: EXPIRY_BATCH });
      const due = page.filter((r) => retentionEnd(rt, r) <= until);
      if (due.length > 0) {
        const done = await ctx.store.expireRecords({
          records: due,
          change: { at: until, actor: RETENTION_ACTOR, reason: RETENTION_REASON },
          audit: (d) => tombstone(type, rt, until, due, d),
        });
        n += done.records.length;
      }
      if (page.length < EXPIRY_BATCH) break;
      after = page[page.length - 1];
    }
  }
  return n;
}

/** The audit entry of one expiry batch: what was expired and deleted, under which retention. */
function tombstone(type: string, rt: CompiledRecordType, until: Instant, due: RetentionCandidate[], d: ExpiredRecords) {
  const done = new Set(d.records);
  const subjects = [...new Set(due.filter((r) => done.has(r.id)).map((r) => r.subjectId))].sort();
  return {
    at: until,
    actor: RETENTION_ACTOR,
    action: AUDIT.recordsExpired,
    subjectId: subjects.length === 1 ? subjects[0] : null,
    data: { reason: RETENTION_REASON, recordType: type, retention: rt.retention.text, records: [...d.records].sort(), subjects, identifiersDeleted: d.identifiersDeleted, ...(d.evidenceDeleted ? { evidenceDeleted: d.evidenceDeleted } : {}) },
    // Each subject's audit trail finds the tombstone of its records.
    subjects,
  };
}
