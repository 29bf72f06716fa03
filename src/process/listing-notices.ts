/**
 * The notices a derivation owes the subjects it changed: a listing pending (an `after-notice`
 * list: when it takes effect and how to object), a listing in effect, and a listing ended (exit,
 * expiry, repair). Pure: it compares the entries a subject had before with those it has now, and
 * dates each notice by the event, so deriving the same state again produces the same notices
 * (the outbox keeps one of each).
 */
import type { Catalog } from '../catalog/types.js';
import type { CreditRecord, ListEntry, SubjectState } from '../domain/types.js';
import { notice, type NoticeDraft } from './notices.js';

const HOW_TO_OBJECT = 'Object to the record behind this listing with POST /v1/objections, or through the credit authority; it is answered in 3 working days.';

export function listingNotices(catalog: Catalog, before: readonly ListEntry[], after: readonly SubjectState[]): NoticeDraft[] {
  const out: NoticeDraft[] = [];
  const prev = new Map<string, ListEntry>();
  for (const e of before) if (!e.via) prev.set(e.id, e);
  for (const s of after) {
    const seen = new Set<string>();
    for (const e of s.entries) {
      seen.add(e.id);
      const was = prev.get(e.id);
      const list = catalog.listsByCode.get(e.list);
      const about = { list: e.list, listName: list?.doc.name ?? e.list, entry: e.id, records: e.reasons.map((r) => r.recordId).filter(Boolean), authority: list?.doc.authority, legalBasis: list?.doc.legalBasis };
      if (e.status === 'pending' && !was) out.push(notice('listing.pending', s.subjectId, e.decidedAt, { ...about, effectiveFrom: new Date(e.since).toISOString(), howToObject: HOW_TO_OBJECT }));
      else if (e.status === 'active' && (!was || was.status === 'pending')) out.push(notice('listing.effective', s.subjectId, e.since, { ...about, until: e.until === null ? null : new Date(e.until).toISOString(), howToObject: HOW_TO_OBJECT }));
      else if (was && (e.status === 'exited' || e.status === 'expired' || e.status === 'escalated')) out.push(notice('listing.ended', s.subjectId, e.endedAt ?? e.since, { ...about, status: e.status, reason: e.endReason ?? null }));
    }
    // An entry that was in force and is gone altogether (its record revoked or corrected).
    for (const [id, e] of prev) if (e.subjectId === s.subjectId && !seen.has(id)) out.push(notice('listing.ended', s.subjectId, s.asOf, { list: e.list, entry: id, status: 'withdrawn', reason: 'the record behind it no longer counts' }));
  }
  return out;
}

/** A notice to the subject for each record newly stored about them. */
export function recordNotices(catalog: Catalog, inserted: readonly CreditRecord[]): NoticeDraft[] {
  return inserted.map((r) =>
    notice('record.added', r.subjectId, r.recordedAt, { record: r.id, type: r.type, typeName: catalog.recordTypes.get(r.type)?.doc.name ?? r.type, source: r.source, occurredAt: new Date(r.occurredAt).toISOString() }, r.id.slice(2)),
  );
}
