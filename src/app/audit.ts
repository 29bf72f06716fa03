/**
 * The audit use case: the hash-chained log read (newest first, by action, subject or receipt) and
 * verified end to end, with the indexes kept beside it (`audit-index.ts`).
 */
import { AUDIT } from '../audit/actions.js';
import { ChainVerifier, type AuditEntry, type AuditVerification } from '../audit/index.js';
import type { App } from './context.js';
import { invalid, notFound } from './errors.js';
import { logReadOf, requiredPurpose, resolveRef } from './subjects.js';
import { IndexCheck, onlyAbout } from './audit-index.js';

const AUDIT_ACTIONS: readonly string[] = Object.values(AUDIT);

/** A filter by action names one the audit log records, or it is refused naming them (a typo must not read as "no entries"). */
function requireAuditAction(action: string | undefined, field: string): void {
  if (action !== undefined && !AUDIT_ACTIONS.includes(action)) throw invalid(`unknown audit action '${action}'; the audit log records: ${AUDIT_ACTIONS.join(', ')}`, field);
}

/** The filters of an audit page besides the subject: who acted, what they did, and the days (Beijing time, inclusive). */
export interface AuditFilters {
  action?: string;
  actor?: string;
  /** A day, `YYYY-MM-DD` in Asia/Shanghai: entries from its start. */
  from?: string;
  /** A day, `YYYY-MM-DD` in Asia/Shanghai: entries up to its end. */
  to?: string;
}

const DAY_MS = 86_400_000;

/** The start of a Beijing day (UTC+8, no daylight saving), or a refusal naming the field. */
function beijingDay(day: string, field: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  const at = m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) - 8 * 3600_000 : NaN;
  if (!m || Number.isNaN(at) || new Date(at + 8 * 3600_000).toISOString().slice(0, 10) !== day) throw invalid(`'${day}' is not a day; write it as YYYY-MM-DD`, field);
  return at;
}

/** The store's range for days `from`..`to` (inclusive, Beijing time); refused when `to` is before `from`. */
export function auditRange(f: AuditFilters): { from?: number; to?: number } {
  const from = f.from !== undefined ? beijingDay(f.from, 'querystring:/from') : undefined;
  const to = f.to !== undefined ? beijingDay(f.to, 'querystring:/to') + DAY_MS : undefined;
  if (from !== undefined && to !== undefined && to <= from) throw invalid(`'to' (${f.to}) is before 'from' (${f.from})`, 'querystring:/to');
  return { from, to };
}

/**
 * A page of audit entries, newest first, continuing `before` a seq; by action, actor, days and by
 * subject (one it is about). `auditPage` without its purpose and logging: a caller reading by
 * subject logs it.
 */
export async function auditEntries(app: App, q: AuditFilters & { limit: number; before?: number; subject?: string }): Promise<{ entries: AuditEntry[]; next: number | null; subjectId?: string }> {
  requireAuditAction(q.action, 'querystring:/action');
  const range = auditRange(q);
  // An unknown subject has no entries (not an error: the reference may be a person never seen).
  const subjectId = q.subject !== undefined ? ((await resolveRef(app, q.subject, 'subject')) ?? 's_none') : undefined;
  const found = await app.ctx.store.auditPage({ limit: q.limit, before: q.before, actions: q.action ? [q.action] : undefined, subjectId, actor: q.actor, ...range });
  // By subject, the access-log index finds them; it is outside the chain, so the chain has the last word.
  const entries = subjectId === undefined ? found : await onlyAbout(app.ctx.store, found, subjectId);
  return { entries, next: found.length === q.limit ? found[found.length - 1].seq : null, subjectId };
}

/**
 * Audit entries, newest first, continuing `before` a seq; by action and by subject (one it is
 * about). By subject it is a read of that person's data (who read them and why, what was checked
 * about them): it takes a purpose and goes in their access log (issue 16, finding 6). Without a
 * subject a page names subjects by internal id only, and reads no one's record.
 */
export async function auditPage(app: App, q: AuditFilters & { limit: number; before?: number; subject?: string; purpose?: string; by: string }): Promise<{ entries: AuditEntry[]; next: number | null }> {
  requireAuditAction(q.action, 'querystring:/action');
  const purpose = q.subject !== undefined ? requiredPurpose(q.purpose, 'the audit entries') : undefined;
  const { entries, next, subjectId } = await auditEntries(app, q);
  if (subjectId !== undefined && purpose !== undefined) await logReadOf(app, subjectId, { actor: q.by, action: AUDIT.auditRead, purpose, data: { entries: entries.length } });
  return { entries, next };
}

/**
 * Entries walking back from the head, filtered as an operator asks: by action, by the subject an
 * entry names directly, or the check with one receipt (not found when there is none). By subject
 * or by receipt it reads about persons, as `auditPage` and `readReceipt` do: with a purpose, in
 * their access log.
 */
export async function auditLog(app: App, o: { limit: number; action?: string; subject?: string; receipt?: string; purpose?: string; actor: string }): Promise<AuditEntry[]> {
  requireAuditAction(o.action, '--action');
  const purpose = o.subject || o.receipt ? requiredPurpose(o.purpose, o.subject ? 'the audit entries' : 'a check', '--purpose') : undefined;
  const { store } = app.ctx;
  await app.receipts.flush();
  const subjectId = o.subject ? ((await resolveRef(app, o.subject, 'subject')) ?? 's_none') : undefined;
  const head = await store.auditHead();
  const found: AuditEntry[] = [];
  // Newest first, in pages walking back from the head.
  for (let to = head?.seq ?? 0; to > 0 && found.length < o.limit; to -= 5000) {
    const page: AuditEntry[] = [];
    for await (const e of store.scanAudit(Math.max(1, to - 4999))) {
      if (e.seq > to) break;
      page.push(e);
    }
    for (const e of page.reverse()) {
      if (o.action && e.action !== o.action) continue;
      if (subjectId && e.subjectId !== subjectId) continue;
      if (o.receipt && (e.data as { receipt?: string } | null)?.receipt !== o.receipt) continue;
      found.push(e);
      if (found.length >= o.limit) break;
    }
  }
  if (o.receipt && found.length === 0) throw notFound(`no check with receipt ${o.receipt}`, 'receipt');
  if (purpose !== undefined && subjectId !== undefined) await logReadOf(app, subjectId, { actor: o.actor, action: AUDIT.auditRead, purpose, data: { entries: found.length } });
  if (purpose !== undefined && o.receipt) {
    // A check about persons, read: they see it as they see GET /v1/checks/{receipt} by a reviewer.
    for (const e of found.filter((x) => x.action === AUDIT.checkDecided)) {
      const d = (e.data ?? {}) as { batch?: boolean; checked?: unknown };
      const about = d.batch === true && typeof d.checked === 'string' ? d.checked.split('\n').filter((x) => x.startsWith('s_')) : [];
      await store.appendAudit([{ at: app.now(), actor: o.actor, action: AUDIT.receiptRead, subjectId: e.subjectId, subjects: about, subjectsKey: o.receipt, data: { receipt: o.receipt, purpose } }]);
    }
  }
  return found;
}

/**
 * Recomputes every entry's hash and link, and checks the two indexes kept beside the chain (the
 * receipt index and the access-log index) against it: either names the first entry that does not
 * verify. Receipts still in memory are flushed first (they are part of what must verify); between
 * runs of entries it yields, so a long chain does not stop a server's checks.
 */
export async function verifyAudit(app: App): Promise<AuditVerification> {
  await app.receipts.flush();
  const v = new ChainVerifier();
  const index = new IndexCheck(app.ctx.store);
  let run: AuditEntry[] = [];
  let weight = 0;
  for await (const e of app.ctx.store.scanAudit()) {
    if (v.push(e)) return v.result();
    run.push(e);
    weight += IndexCheck.weight(e);
    if (weight >= 50_000 || run.length >= 2000) {
      const problem = await index.run(run);
      if (problem) return { ok: false, problem };
      run = [];
      weight = 0;
      await new Promise((r) => setImmediate(r));
    }
  }
  const problem = (await index.run(run)) ?? (await index.finish());
  return problem ? { ok: false, problem } : v.result();
}
