/**
 * The audit log's two indexes, as the chain defines them. The store keeps, beside the hash chain,
 * a receipt index (`findReceipt`: which entry holds the check decided under a receipt) and an
 * access-log index (which entries a batch of checks, or a read of one, is about, for each person's
 * access log). Neither is hashed, so an edit to either passes the chain's own check: here is what
 * each must hold, read from the hashed entries alone, and `IndexCheck`, which `verifyAudit` uses to
 * compare the stored indexes with it.
 */
import { AUDIT } from '../audit/actions.js';
import type { AuditEntry, AuditProblem } from '../audit/index.js';
import type { Store, SubjectDayKey } from '../store/port.js';

const DAY = 86_400_000;

/** The receipt a `check.decided` entry is indexed under, or null. */
export function receiptOf(e: Pick<AuditEntry, 'action' | 'data'>): string | null {
  const receipt = e.action === AUDIT.checkDecided ? (e.data as { receipt?: unknown } | null)?.receipt : undefined;
  return typeof receipt === 'string' ? receipt : null;
}

/**
 * The subjects a batch of checks was about, from its receipt's data: the known ones (internal ids
 * in `checked`), not the unknown references, which its `results` mark `known: false`.
 */
export function batchSubjects(data: unknown): string[] {
  const d = (data ?? {}) as { batch?: unknown; checked?: unknown; results?: unknown };
  if (d.batch !== true || typeof d.checked !== 'string') return [];
  const unknown = new Set(Array.isArray(d.results) ? d.results.filter((r: { known?: unknown }) => r?.known === false).map((r: { index?: unknown }) => r.index) : []);
  return d.checked.split('\n').filter((x, i) => !unknown.has(i) && x.startsWith('s_'));
}

/** Finds the entry holding a receipt's check (only when that entry really is it), or null. */
export type ReceiptLookup = (receipt: string) => Promise<AuditEntry | null>;

/** A lookup through the store's receipt index that never takes the index's word for it. */
export function checkedLookup(store: Pick<Store, 'findReceipt'>): ReceiptLookup {
  return async (receipt) => {
    const e = await store.findReceipt(receipt);
    return e && receiptOf(e) === receipt ? e : null;
  };
}

/**
 * The subjects an entry is filed under in the access-log index, and the key: a batch of checks
 * under the action checked; a read of a batch's receipt under the receipt, for the subjects of
 * that batch; a retention tombstone under its action, for the subjects whose records it expired. Null for every other entry (their `subjectId` column is hashed with them).
 */
export async function accessIndexOf(e: AuditEntry, lookup: ReceiptLookup): Promise<{ subjects: string[]; key: string } | null> {
  const d = (e.data ?? {}) as { batch?: unknown; action?: unknown; receipt?: unknown; subjects?: unknown };
  // A retention tombstone: each subject whose records it expired finds it (`tick.ts`).
  if (e.action === AUDIT.recordsExpired && Array.isArray(d.subjects)) return { subjects: d.subjects.filter((x): x is string => typeof x === 'string'), key: e.action };
  if (e.action === AUDIT.checkDecided && d.batch === true && typeof d.action === 'string') return { subjects: batchSubjects(d), key: d.action };
  if (e.action === AUDIT.receiptRead && typeof d.receipt === 'string') {
    const checked = await lookup(d.receipt);
    return checked && (checked.data as { batch?: unknown } | null)?.batch === true ? { subjects: batchSubjects(checked.data), key: d.receipt } : null;
  }
  return null;
}

/** Whether an entry is about a subject: named by it, or filed under it by the rule above. */
export async function entryIsAbout(e: AuditEntry, subjectId: string, lookup: ReceiptLookup): Promise<boolean> {
  if (e.subjectId === subjectId) return true;
  return (await accessIndexOf(e, lookup))?.subjects.includes(subjectId) ?? false;
}

/**
 * Of entries found through the access-log index, those the chain says are about the subject: an
 * edited index row must not show a person someone else's check or read.
 */
export async function onlyAbout(store: Pick<Store, 'findReceipt'>, entries: AuditEntry[], subjectId: string): Promise<AuditEntry[]> {
  const lookup = checkedLookup(store);
  const out: AuditEntry[] = [];
  for (const e of entries) if (await entryIsAbout(e, subjectId, lookup)) out.push(e);
  return out;
}

const keyOf = (k: SubjectDayKey) => JSON.stringify([k.subjectId, k.day, k.actor, k.key]);

/**
 * Compares the stored indexes with the chain, one run of consecutive (already verified) entries at
 * a time, oldest first, so that memory stays bounded however long the chain:
 *
 * - every receipt index row points at the entry holding that receipt, and every such entry has one;
 * - every access-log index row points at an entry filed under that subject, day, actor and key,
 *   and at the first such entry; and every such key has a row (an earlier run's, or this one's).
 *
 * `finish` then checks that no row points past the last entry.
 */
export class IndexCheck {
  /** The lowest seq the next run covers (the first run covers everything below it too). */
  private from = Number.MIN_SAFE_INTEGER;
  private readonly lookup: ReceiptLookup;

  constructor(private readonly store: Pick<Store, 'auditIndexRows' | 'findSubjectDays' | 'findReceipt'>) {
    this.lookup = checkedLookup(store);
  }

  /** How much a run weighs: an entry, plus the subjects a batch names (runs are cut by weight). */
  static weight(e: AuditEntry): number {
    const checked = (e.data as { checked?: unknown } | null)?.checked;
    return 1 + (typeof checked === 'string' ? checked.length / 25 : 0);
  }

  /** Checks the index rows pointing into a run of consecutive entries; the first problem, or null. */
  async run(entries: AuditEntry[]): Promise<AuditProblem | null> {
    if (entries.length === 0) return null;
    const to = entries[entries.length - 1].seq;
    const rows = await this.store.auditIndexRows(this.from, to);
    const from = this.from;
    this.from = to + 1;
    const bySeq = new Map(entries.map((e) => [e.seq, e]));
    const gone = (seq: number): AuditProblem => ({ seq, reason: `an audit index points at entry ${seq}, which the chain does not hold (index rows forged?)`, index: true });

    // Receipts: each row is the check it names; each check has its row.
    const wanted = new Map<number, string>();
    for (const e of entries) {
      const r = receiptOf(e);
      if (r) wanted.set(e.seq, r);
    }
    const have = new Set<number>();
    for (const row of rows.receipts) {
      if (!bySeq.has(row.seq)) return gone(row.seq);
      const want = wanted.get(row.seq);
      if (want !== row.receipt || have.has(row.seq)) return { seq: row.seq, reason: `entry ${row.seq}: the receipt index sends ${row.receipt} to it, but it ${want ? `holds ${want}` : 'is no check'} (check_receipts edited?)`, index: true };
      have.add(row.seq);
    }
    for (const [seq, r] of wanted) if (!have.has(seq)) return { seq, reason: `entry ${seq}: its receipt ${r} is missing from the receipt index, or sent elsewhere (check_receipts edited?)`, index: true };

    // Access logs: what each entry files, and the first entry of the run to file each key.
    const filed = new Map<number, Set<string>>();
    const first = new Map<string, { seq: number; k: SubjectDayKey }>();
    for (const e of entries) {
      const ix = await accessIndexOf(e, this.lookup);
      if (!ix) continue;
      const day = Math.floor(e.at / DAY);
      const mine = new Set<string>();
      for (const subjectId of ix.subjects) {
        const k = { subjectId, day, actor: e.actor, key: ix.key };
        const id = keyOf(k);
        mine.add(id);
        if (!first.has(id)) first.set(id, { seq: e.seq, k });
      }
      filed.set(e.seq, mine);
    }
    const found = new Set<string>();
    for (const row of rows.subjectDays) {
      if (!bySeq.has(row.seq)) return gone(row.seq);
      const id = keyOf(row);
      if (!filed.get(row.seq)?.has(id)) return { seq: row.seq, reason: `entry ${row.seq}: the access-log index files it under ${row.subjectId}, whom it is not about, or not on that day, by that actor or under that key (audit_subject_days edited?)`, index: true };
      const f = first.get(id);
      if (f && f.seq !== row.seq) return { seq: f.seq, reason: `entry ${f.seq}: the access-log index of ${row.subjectId} points at a later entry (${row.seq}) instead (audit_subject_days edited?)`, index: true };
      found.add(id);
    }
    // Keys this run files that no row of it holds: an earlier entry must have filed them.
    const rest = [...first.entries()].filter(([id]) => !found.has(id));
    for (let i = 0; i < rest.length; i += 5000) {
      const part = rest.slice(i, i + 5000);
      const earlier = new Map((await this.store.findSubjectDays(part.map(([, f]) => f.k))).map((r) => [keyOf(r), r.seq]));
      for (const [id, f] of part) {
        const seq = earlier.get(id);
        if (seq === undefined || seq >= from) return { seq: f.seq, reason: `entry ${f.seq}: it is missing from the access log of ${f.k.subjectId}, which it is about (audit_subject_days rows deleted?)`, index: true };
      }
    }
    return null;
  }

  /** After the last run: no index row may point past the end of the chain. */
  async finish(): Promise<AuditProblem | null> {
    const rows = await this.store.auditIndexRows(this.from, Number.MAX_SAFE_INTEGER);
    const seq = rows.receipts[0]?.seq ?? rows.subjectDays[0]?.seq;
    return seq === undefined ? null : { seq, reason: `an audit index points at entry ${seq}, which the chain does not hold (index rows forged, or entries removed from the end?)`, index: true };
  }
}
