/**
 * The ingestion pipeline: validate and resolve a batch of lines, store it in one transaction
 * (idempotent per source + externalId), then derive the new state of the subjects it touched.
 * Every line gets a result: stored, duplicate, or rejected with field and reason.
 */
import { AUDIT } from '../audit/actions.js';
import { createHash } from 'node:crypto';
import type { Catalog } from '../catalog/types.js';
import type { CreditRecord, Instant, Relation, Subject } from '../domain/types.js';
import type { Keyring } from '../ids/index.js';
import type { Store } from '../store/port.js';
import type { SubjectLine } from './lines.js';
import { article, resolveRecordLine, resolveSubjectLine, schemeRefusal, type Rejection } from './resolve.js';
import { deriveDirty, outbox, type OnDerived } from '../app/derive.js';
import { recordNotices } from '../process/listing-notices.js';

export interface IngestItem {
  /** The sending source; `null` only for subject registrations. */
  source: string | null;
  line: unknown;
  /** Position in the input, for messages (1-based). */
  lineNo?: number;
  /**
   * Transaction time to record, for trusted back-fills only (the synthetic city replays three
   * years). Never taken from a line: a source cannot claim we knew something earlier than we did.
   */
  recordedAt?: Instant;
}

export type ItemResult =
  | { lineNo?: number; status: 'stored' | 'duplicate'; recordId?: string; subjectId: string }
  | { lineNo?: number; status: 'rejected'; error: Rejection };

export interface IngestorOptions {
  /** The shell's clock; tests pass a fixed one. */
  now: () => Instant;
  actor?: string;
  /** Derive state right after each batch (default true). Bulk loads may defer to one drain at the end. */
  deriveEachBatch?: boolean;
  /**
   * Derive once at least this many lines have been ingested since the last derivation, rather
   * than after every batch (bulk import). Until then the touched subjects stay marked dirty, so a
   * crash loses nothing; call `flush()` at the end.
   */
  deriveEvery?: number;
  /**
   * With `deriveEvery`: a derivation, once due, runs while the following batches are stored,
   * rather than holding them up (at most one at a time; the next waits for it). On a database
   * server the two then use two connections. `flush()` waits for it, and an error it met is
   * thrown by the next derivation or `flush()`. Safe because a derivation clears only the dirty
   * marks it read: a record stored meanwhile leaves its subject dirty for the next one.
   */
  deriveInBackground?: boolean;
  /** Told which subjects each derivation saved (so a server can update its gate index). */
  onDerived?: OnDerived;
  /** Tell subjects of each record stored about them (default true; a historical back-fill turns it off). */
  notify?: boolean;
  /**
   * Whether the sender may register (or rename) a subject of this kind, beyond what the catalog
   * lets its source register: an API key's scopes. Absent for trusted senders (an operator's
   * import, the synthetic city).
   */
  mayRegister?: (kind: Subject['kind']) => boolean;
}

/** A batch validated and resolved, not yet stored. */
interface PreparedBatch {
  items: IngestItem[];
  now: Instant;
  results: (ItemResult | null)[];
  subjects: Map<string, Subject>;
  relations: Relation[];
  records: { i: number; rec: CreditRecord; needsKind: boolean }[];
  registrations: { i: number; subjectId: string }[];
  replaceRelationsOf: string[];
}

function mergeSubject(into: Map<string, Subject>, s: Subject) {
  const cur = into.get(s.id);
  if (!cur) into.set(s.id, s);
  else if (!cur.name && s.name) into.set(s.id, { ...cur, name: s.name, region: s.region || cur.region });
}

export class Ingestor {
  private pending = 0;
  /** The derivation running in the background (`deriveInBackground`), if any. */
  private deriving: Promise<unknown> | null = null;

  constructor(
    private readonly store: Store,
    private readonly catalog: Catalog,
    private readonly keyring: Keyring,
    private readonly opts: IngestorOptions,
  ) {}

  async ingestBatch(items: IngestItem[]): Promise<ItemResult[]> {
    return this.commit(this.prepare(items));
  }

  /**
   * Ingests batches in order, each as `ingestBatch` would, and reports each batch's results in
   * order. Batch n+1 is validated and resolved (its identifiers hashed and encrypted) while batch n
   * is committed: on a store that waits on a server (PostgreSQL) the two overlap, where
   * `ingestBatch` in a loop would leave the server idle during the one and the process idle
   * during the other. Resolution needs no store, so it cannot see batch n half-written; what does
   * need the store (whether an `s_…` subject exists) is looked up when the batch commits, after
   * batch n. At most one batch is in flight; if `onResults` or a batch throws, the batch in flight
   * is still waited for before the error is passed on, so no transaction is left running.
   */
  async ingestBatches<T>(batches: AsyncIterable<T> | Iterable<T>, itemsOf: (batch: T) => IngestItem[], onResults: (results: ItemResult[], batch: T) => void | Promise<void>): Promise<void> {
    let inflight: { done: Promise<ItemResult[]>; batch: T } | null = null;
    const settle = async () => {
      if (!inflight) return;
      const { done, batch } = inflight;
      inflight = null;
      await onResults(await done, batch);
    };
    try {
      for await (const batch of batches) {
        const items = itemsOf(batch);
        if (items.length === 0) {
          await settle();
          await onResults([], batch);
          continue;
        }
        const prepared = await this.prepareYielding(items);
        await settle();
        const done = this.commit(prepared);
        // Handled when settled; until then a failure must not count as unhandled.
        done.catch(() => undefined);
        inflight = { done, batch };
      }
      await settle();
    } finally {
      const left = inflight as { done: Promise<ItemResult[]> } | null;
      if (left) await left.done.catch(() => undefined);
    }
  }

  /** Validates and resolves a batch: no store, no I/O. */
  private prepare(items: IngestItem[]): PreparedBatch {
    const p = this.begin(items);
    for (let i = 0; i < items.length; i++) this.prepareLine(p, i);
    return p;
  }

  /**
   * `prepare`, giving the event loop a turn every few milliseconds, so that a commit in flight
   * gets its answers from the server while this batch is prepared.
   */
  private async prepareYielding(items: IngestItem[], sliceMs = 2): Promise<PreparedBatch> {
    const p = this.begin(items);
    let t0 = performance.now();
    for (let i = 0; i < items.length; i++) {
      this.prepareLine(p, i);
      if ((i & 15) === 15 && performance.now() - t0 >= sliceMs) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        t0 = performance.now();
      }
    }
    return p;
  }

  private begin(items: IngestItem[]): PreparedBatch {
    return { items, now: this.opts.now(), results: new Array(items.length).fill(null), subjects: new Map(), relations: [], records: [], registrations: [], replaceRelationsOf: [] };
  }

  private prepareLine(p: PreparedBatch, i: number): void {
    const { items, now, results, subjects, relations, records, registrations, replaceRelationsOf } = p;
    const item = items[i];
    const line = item.line as Record<string, unknown> | null;
    const reject = (error: Rejection): void => {
      results[i] = { lineNo: item.lineNo, status: 'rejected', error };
    };
    if (line && typeof line === 'object' && line.kind === 'subject') {
      const refs: [string, unknown][] = [['subject', line.subject], ...(Array.isArray(line.relations) ? line.relations.map((rel, k): [string, unknown] => [`relations[${k}].subject`, (rel as { subject?: unknown } | null)?.subject]) : [])];
      for (const [field, ref] of refs) {
        const badScheme = schemeRefusal(ref, this.catalog.identifierSchemes);
        if (badScheme) return reject({ field, reason: badScheme });
      }
      const r = resolveSubjectLine(line as unknown as SubjectLine, this.keyring, item.recordedAt ?? now);
      if (!r.ok) return reject(r.error);
      // Registrations come from the registries (source null: a trusted internal back-fill).
      if (item.source !== null) {
        const src = this.catalog.sources.get(item.source);
        if (!src) return reject({ field: '(source)', reason: `unknown source '${item.source}'` });
        if (!(src.registers ?? []).includes(r.value.subject.kind)) {
          return reject({ field: 'kind', reason: `source '${item.source}' is not authorised to register ${r.value.subject.kind}s`, forbidden: true });
        }
      }
      if (this.opts.mayRegister && !this.opts.mayRegister(r.value.subject.kind)) {
        return reject({ field: 'kind', reason: `this key’s scopes do not cover registering ${r.value.subject.kind}s (scope register or register:${r.value.subject.kind})`, forbidden: true });
      }
      mergeSubject(subjects, r.value.subject);
      if ((line as unknown as SubjectLine).relations !== undefined) replaceRelationsOf.push(r.value.subject.id);
      for (const rel of r.value.relations) {
        mergeSubject(subjects, rel.person);
        relations.push({ subjectId: r.value.subject.id, role: rel.role, personId: rel.person.id, since: item.recordedAt ?? now });
      }
      registrations.push({ i, subjectId: r.value.subject.id });
      return;
    }
    if (!item.source) return reject({ field: '(source)', reason: 'a record needs a source' });
    const r = resolveRecordLine(line, item.source, this.catalog, this.keyring, item.recordedAt ?? now);
    if (!r.ok) return reject(r.error);
    if (r.value.subject.kind === 'identified') mergeSubject(subjects, r.value.subject.subject);
    records.push({ i, rec: r.value.record, needsKind: r.value.subject.kind === 'existing' });
  }

  /** Stores a prepared batch in one transaction and derives state as the options say. */
  private async commit(p: PreparedBatch): Promise<ItemResult[]> {
    const { items, now, results, subjects, relations, records, registrations, replaceRelationsOf } = p;
    // Records about already-registered subjects: they must exist and be of a kind the type concerns.
    const existing = records.filter((r) => r.needsKind).map((r) => r.rec.subjectId);
    if (existing.length > 0) {
      const known = await this.store.subjectsBasic([...new Set(existing)]);
      for (const r of records) {
        if (!r.needsKind) continue;
        const s = known.get(r.rec.subjectId) ?? (subjects.has(r.rec.subjectId) ? (subjects.get(r.rec.subjectId) as Subject) : undefined);
        const rt = this.catalog.recordTypes.get(r.rec.type);
        if (!s) results[r.i] = { lineNo: items[r.i].lineNo, status: 'rejected', error: { field: 'subject', reason: 'unknown subject: register it first, or refer to it by cn-rid or cn-uscc' } };
        else if (rt && !rt.doc.subjects.includes(s.kind)) {
          results[r.i] = { lineNo: items[r.i].lineNo, status: 'rejected', error: { field: 'subject', reason: `${r.rec.type} concerns ${rt.doc.subjects.join(', ')}, not ${article(s.kind)} ${s.kind}` } };
        }
      }
    }
    const good = records.filter((r) => results[r.i] === null);
    const actor = this.opts.actor ?? 'import';
    const { inserted, changedSubjects, conflicts } = await this.store.ingest({
      subjects: [...subjects.values()],
      relations,
      replaceRelationsOf,
      at: now,
      records: good.map((g) => g.rec),
      notices: this.opts.notify === false ? undefined : (inserted) => outbox(recordNotices(this.catalog, inserted)),
      audit: ({ inserted, duplicates, subjects: n }) => {
        if (inserted.length === 0 && n === 0) return null;
        const bySource: Record<string, number> = {};
        const digest = createHash('sha256');
        for (const rec of inserted) {
          bySource[rec.source] = (bySource[rec.source] ?? 0) + 1;
          digest.update(`${rec.id}\u0000${JSON.stringify(rec.facts)}\n`);
        }
        return {
          at: now,
          actor,
          action: AUDIT.recordsIngested,
          subjectId: null,
          data: { inserted: inserted.length, duplicates, subjects: n, bySource, catalog: `${this.catalog.id}@${this.catalog.version}`, digest: digest.digest('hex') },
        };
      },
    });
    // Only the first copy of a record that was inserted is "stored"; a repeat in the same batch is a duplicate.
    const insertedIds = new Set(inserted.map((r) => r.id));
    const conflicting = new Set(conflicts);
    for (const [pos, g] of good.entries()) {
      const first = insertedIds.delete(g.rec.id);
      if (conflicting.has(pos)) {
        // Records are never updated in place: a changed resend must come as a correction.
        results[g.i] = { lineNo: items[g.i].lineNo, status: 'rejected', error: { field: 'externalId', reason: `was already stored (${g.rec.id}) with different content; a stored record is never replaced or edited`, conflict: true } };
        continue;
      }
      results[g.i] = { lineNo: items[g.i].lineNo, status: first ? 'stored' : 'duplicate', recordId: g.rec.id, subjectId: g.rec.subjectId };
    }
    const changed = new Set(changedSubjects);
    for (const reg of registrations) {
      const first = changed.delete(reg.subjectId);
      results[reg.i] = { lineNo: items[reg.i].lineNo, status: first ? 'stored' : 'duplicate', subjectId: reg.subjectId };
    }
    // Under synchronous=FULL every commit is a disk sync, so derivation commits in large batches.
    this.pending += items.length;
    if (this.opts.deriveEachBatch !== false && this.pending >= (this.opts.deriveEvery ?? 0)) {
      if (this.opts.deriveInBackground && this.opts.deriveEvery) await this.deriveBehind(now);
      else await this.flush(now);
    }
    return results as ItemResult[];
  }

  /** Starts a derivation that runs while later batches are stored, once the one before it is done. */
  private async deriveBehind(now: Instant): Promise<void> {
    await this.settleDerivation();
    this.pending = 0;
    const running = this.drain(now);
    // Its error is thrown by the next derivation or flush; until then it must not count as unhandled.
    running.catch(() => undefined);
    this.deriving = running;
  }

  /** Waits for the background derivation, if one is running, and throws its error. */
  private async settleDerivation(): Promise<void> {
    const d = this.deriving;
    this.deriving = null;
    if (d) await d;
  }

  /** Derives the state of every subject ingested but not yet derived. */
  async flush(now: Instant = this.opts.now()): Promise<void> {
    await this.settleDerivation();
    this.pending = 0;
    await this.drain(now);
  }

  private drain(now: Instant): Promise<number> {
    return deriveDirty({ store: this.store, keyring: this.keyring }, this.catalog, now, 5000, this.opts.onDerived);
  }
}
