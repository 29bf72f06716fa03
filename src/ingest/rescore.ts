/**
 * Derives subject state from records and stores it: the shell around the pure scoring core.
 * Used after each ingest batch (incrementally, for the subjects it touched), to drain subjects
 * left dirty by a crash, and for a full rescore after a catalog change.
 */
import { createHash } from 'node:crypto';
import type { Catalog } from '../catalog/types.js';
import type { Instant, ListEntry, SubjectState } from '../domain/types.js';
import { evaluateSubject, relatedEntries } from '../scoring/index.js';
import type { Store } from '../store/port.js';

export interface RescoreOutcome {
  states: SubjectState[];
  /** Persons whose related entries may have changed (holders of roles in rescored organisations). */
  relatedPersons: string[];
}

/** Recomputes and saves the state of `ids` as of `asOf`, in one transaction. */
export async function rescoreSubjects(store: Store, catalog: Catalog, ids: string[], asOf: Instant, actor = 'system:scoring'): Promise<RescoreOutcome> {
  if (ids.length === 0) return { states: [], relatedPersons: [] };
  const basics = await store.subjectsBasic(ids);
  const records = await store.recordsOf(ids);
  const states: SubjectState[] = [];
  for (const id of ids) {
    const subject = basics.get(id);
    if (!subject) continue;
    states.push(evaluateSubject(catalog, { subject, records: records.get(id) ?? [], asOf }));
  }
  const orgIds = states.filter((s) => basics.get(s.subjectId)?.kind !== 'person').map((s) => s.subjectId);
  const relations = orgIds.length ? await store.relationsOfOrgs(orgIds) : [];
  const related: { ownerId: string; entries: ListEntry[] }[] = [];
  const relatedPersons = new Set<string>();
  for (const s of states) {
    if (basics.get(s.subjectId)?.kind === 'person') continue;
    const rels = relations.filter((r) => r.subjectId === s.subjectId);
    for (const r of rels) relatedPersons.add(r.personId);
    related.push({ ownerId: s.subjectId, entries: relatedEntries(catalog, s.entries, rels) });
  }
  // The audit entry commits to exactly what was derived, without copying it.
  const digest = createHash('sha256');
  for (const s of states) digest.update(JSON.stringify([s.subjectId, s.schemes.map((x) => [x.scheme, x.score, x.grade]), s.entries.map((e) => [e.id, e.status])]));
  await store.saveStates({
    states,
    related,
    clearDirty: ids,
    audit: { at: asOf, actor, action: 'state.derived', subjectId: ids.length === 1 ? ids[0] : null, data: { subjects: states.length, catalog: `${catalog.id}@${catalog.version}`, asOf, digest: digest.digest('hex') } },
  });
  return { states, relatedPersons: [...relatedPersons] };
}

/** Rescores every subject marked dirty (left by ingest, status changes or a crash). */
export async function drainDirty(store: Store, catalog: Catalog, asOf: Instant, batch = 500): Promise<number> {
  let n = 0;
  for (;;) {
    const ids = await store.dirtySubjects(batch);
    if (ids.length === 0) return n;
    await rescoreSubjects(store, catalog, ids, asOf);
    n += ids.length;
  }
}

/**
 * Brings stored state up to `now`: first what ingest or a crash left dirty, then every subject
 * whose state changes by time alone (an entry leaving its notice period, expiring, escalating).
 * Idempotent: running it twice changes nothing the second time.
 */
export async function refreshState(store: Store, catalog: Catalog, now: Instant, batch = 500): Promise<{ dirty: number; due: number }> {
  const dirty = await drainDirty(store, catalog, now, batch);
  let due = 0;
  const seen = new Set<string>();
  for (;;) {
    // A state is never due at the instant it was derived for, so each subject comes back at most once.
    const ids = (await store.dueSubjects(now, batch)).filter((id) => !seen.has(id));
    if (ids.length === 0) break;
    for (const id of ids) seen.add(id);
    await rescoreSubjects(store, catalog, ids, now, 'system:schedule');
    due += ids.length;
  }
  return { dirty, due };
}

/** Rescores every subject (after a catalog change, or on demand), page by page. */
export async function rescoreAll(store: Store, catalog: Catalog, asOf: Instant, onProgress?: (done: number) => void, pageSize = 1000): Promise<number> {
  let n = 0;
  for await (const page of store.scanSubjects(pageSize)) {
    await rescoreSubjects(store, catalog, page.map((s) => s.id), asOf, 'system:rescore');
    n += page.length;
    onProgress?.(n);
  }
  return n;
}
