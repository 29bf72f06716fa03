/**
 * The records of one subject as the engine sees them at an instant: only what was known then
 * (transaction time), with the status that held then, cut at retention. Pure.
 */
import type { Catalog, CelRecord, CompiledExit, CompiledRecordType } from '../catalog/types.js';
import { addDuration } from '../domain/time.js';
import type { CreditRecord, Instant, RecordStatus } from '../domain/types.js';

/**
 * When a record's retention ends: its `occurredAt` plus its type's `retention`. From then on it
 * counts for nothing here, no view shows it, and `tick` expires it (deleting its facts).
 */
export function retentionEnd(rt: CompiledRecordType, rec: Pick<CreditRecord, 'occurredAt'>): Instant {
  return addDuration(rec.occurredAt, rt.retention);
}

export interface WorkRecord {
  rec: CreditRecord;
  rt: CompiledRecordType;
  at: Instant;
  /** When the record stops counting: retention, repair or expiry (whichever is first). */
  end: Instant;
  endReason: 'retention' | 'repaired' | 'expired';
  disputed: boolean;
  /** Lazily built CEL view (integers as BigInt). */
  cel: CelRecord | null;
}

/** The status of a record as it stood at `asOf`. */
export function statusAt(rec: CreditRecord, asOf: Instant): RecordStatus | null {
  if (rec.recordedAt > asOf) return null;
  let s: RecordStatus = 'active';
  for (const c of rec.statuses) {
    if (c.at <= asOf) s = c.status;
    else break;
  }
  return s;
}

export class WorkingSet {
  /** Counting records, sorted by occurredAt then id. */
  readonly records: WorkRecord[] = [];
  readonly byType = new Map<string, WorkRecord[]>();
  readonly byId = new Map<string, WorkRecord>();

  /**
   * @param adultFrom for a person whose age is known, the instant they turned 18 (minors.ts):
   *   records of conduct before it are a minor's ({@link minorConduct}). `-Infinity` otherwise.
   */
  constructor(catalog: Catalog, records: readonly CreditRecord[], readonly asOf: Instant, readonly adultFrom: Instant = -Infinity) {
    for (const rec of records) {
      if (rec.recordedAt > asOf) continue;
      const rt = catalog.recordTypes.get(rec.type);
      if (!rt) continue; // a type dropped from a later catalog version no longer counts
      let status: RecordStatus = 'active';
      let endedAt = Infinity;
      let endReason: WorkRecord['endReason'] = 'retention';
      for (const c of rec.statuses) {
        if (c.at > asOf) break;
        status = c.status;
        if ((c.status === 'repaired' || c.status === 'expired') && c.at < endedAt) {
          endedAt = c.at;
          endReason = c.status;
        }
      }
      // Revoked and corrected records are treated as never having been true.
      if (status === 'revoked' || status === 'corrected') continue;
      const retained = retentionEnd(rt, rec);
      let end = endedAt;
      if (retained < end) {
        end = retained;
        endReason = 'retention';
      }
      this.records.push({ rec, rt, at: rec.occurredAt, end, endReason, disputed: status === 'disputed', cel: null });
    }
    this.records.sort((a, b) => a.at - b.at || (a.rec.id < b.rec.id ? -1 : a.rec.id > b.rec.id ? 1 : 0));
    for (const w of this.records) {
      this.byId.set(w.rec.id, w);
      const list = this.byType.get(w.rec.type);
      if (list) list.push(w);
      else this.byType.set(w.rec.type, [w]);
    }
  }

  /** Whether the record is of conduct before the subject turned 18: it scores nothing, and lists only on a list for minors. */
  minorConduct(w: WorkRecord): boolean {
    return w.at < this.adultFrom;
  }

  /** The CEL view of a record, built once. */
  cel(w: WorkRecord): CelRecord {
    if (!w.cel) w.cel = { type: w.rec.type, source: w.rec.source, facts: w.rt.toCel(w.rec.facts) };
    return w.cel;
  }

  /**
   * The first record of the exit's type at or after `w` (not `w` itself) for which the exit
   * condition holds: the instant a remedy ends the item. Null if none yet.
   */
  firstExit(w: WorkRecord, exit: CompiledExit | null): WorkRecord | null {
    if (!exit) return null;
    const candidates = this.byType.get(exit.on);
    if (!candidates) return null;
    for (const later of candidates) {
      if (later === w || later.at < w.at) continue;
      if (!exit.when) return later;
      if (safeBool(exit.when, { record: this.cel(w), later: this.cel(later) })) return later;
    }
    return null;
  }
}

/**
 * Evaluates a condition; a run-time error (an optional fact that is absent) means "does not
 * apply", never a crash in the middle of a rebuild.
 */
export function safeBool(fn: (ctx: { record: CelRecord; later?: CelRecord }) => unknown, ctx: { record: CelRecord; later?: CelRecord }): boolean {
  try {
    return fn(ctx) === true;
  } catch {
    return false;
  }
}
