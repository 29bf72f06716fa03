/**
 * Which of a subject's records and list entries may be repaired now, and if not why and from when
 * (the catalog decides, as `applyForRepair` does): what `GET /v1/repairs/eligibility` and
 * `GET /v1/me` show a subject, and the portal offers repair by.
 */
import type { Instant } from '../domain/types.js';
import { currentStatus } from '../process/objections.js';
import { repairability, type Repairability, type RepairRefusal } from '../process/repairs.js';
import type { App } from './context.js';
import { pastRetention } from './tick.js';

/** Whether one of a subject's records, or list entries, may be repaired now; if not, why and from when. */
export type RecordRepairability = Repairability & { recordId: string; recordType: string };
export type EntryRepairability = Repairability & { entryId: string; list: string; recordId: string | null };

/**
 * For a subject (their own, or a subject a reviewer names): each record in effect and each list
 * entry of theirs, with whether it may be repaired now, and if not, why and (when only time stands
 * in the way) from when. An entry is repaired through the record that caused it; one that follows
 * from a grade is not repaired as such.
 */
export async function repairOptions(app: App, subjectId: string): Promise<{ asOf: Instant; records: RecordRepairability[]; entries: EntryRepairability[] }> {
  const at = app.now();
  const catalog = app.ctx.catalog;
  const records = ((await app.ctx.store.recordsOf([subjectId])).get(subjectId) ?? []).filter((r) => r.recordedAt <= at && !pastRetention(catalog, r, at));
  const open = new Map((await app.ctx.store.listCases({ kind: 'repair', statuses: ['open'], subjectId, limit: 10_000 })).map((c) => [(c.doc as { recordId?: string }).recordId, c.id]));
  const byId = new Map<string, RecordRepairability>();
  for (const rec of records) {
    const st = currentStatus(rec, at);
    if (st !== 'active' && st !== 'disputed') continue;
    byId.set(rec.id, { recordId: rec.id, recordType: rec.type, ...repairability(catalog, rec, subjectId, at, open.get(rec.id) ?? null) });
  }
  const state = await app.ctx.store.getState(subjectId);
  const entries: EntryRepairability[] = (state?.state.entries ?? [])
    .filter((e) => e.status === 'pending' || e.status === 'active' || e.status === 'suspended')
    .map((e) => {
      const recordId = e.reasons.find((r) => r.recordId)?.recordId ?? null;
      const r = recordId ? byId.get(recordId) : undefined;
      if (r) return { entryId: e.id, list: e.list, recordId, possible: r.possible, ...(r.from !== undefined ? { from: r.from } : {}), reasons: r.reasons };
      const why: RepairRefusal = recordId
        ? { field: '/recordId', why: 'status', reason: 'the record behind this entry is no longer in effect' }
        : { field: '/entryId', why: 'from-grade', reason: 'this entry follows from a grade, not a record: it ends when the grade changes' };
      return { entryId: e.id, list: e.list, recordId, possible: false, reasons: [why] };
    });
  return { asOf: at, records: [...byId.values()], entries };
}

