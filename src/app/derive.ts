/**
 * The derive use case: subject state (scores, grades, list entries) from records, stored. The
 * shell around the pure scoring core, and the one verb for it everywhere: after each ingest batch
 * (incrementally, for the subjects it touched: `deriveDirty`), for subjects left dirty by a crash,
 * for what falls due by time (`deriveUpTo`), and for every subject after a catalog change
 * (`deriveAll`). Each save also appends to the store's change feed, which `GateFeed` follows.
 */
import { createHash } from 'node:crypto';
import type { Catalog } from '../catalog/types.js';
import type { CreditRecord, Instant, ListEntry, Relation, SubjectState } from '../domain/types.js';
import type { Keyring } from '../ids/index.js';
import { AUDIT } from '../audit/actions.js';
import { adultFromRid, evaluateSubject, relatedEntries } from '../scoring/index.js';
import type { NoticeRow, Store, SubjectBasic } from '../store/port.js';
import { listingNotices } from '../process/listing-notices.js';
import type { NoticeDraft } from '../process/notices.js';

/** Notice drafts as outbox rows, due at once. */
export function outbox(drafts: NoticeDraft[]): NoticeRow[] {
  return drafts.map((n) => ({ ...n, status: 'pending', attempts: 0, nextAttemptAt: n.createdAt, lastError: null, deliveredAt: null }));
}

/**
 * What derivation reads: the store, and the identifier keyring, with which it learns in memory
 * when a person turned 18 (an `AppContext` is one).
 */
export interface DeriveFrom {
  store: Store;
  keyring: Keyring;
}

/**
 * When each person among `subjects` who has records turned 18, from the birth date in their
 * resident identity number: decrypted here, in memory, once per person per derivation, and
 * dropped with the map; neither the number, the birth date nor the instant is stored, logged or
 * audited. Persons without records are not looked up (nothing of theirs would be left out).
 *
 * A person whose number cannot be read has no entry, and is scored as an adult: their ciphertext
 * was deleted at the end of retention (a later record sent by internal id does not bring it back),
 * they are known only by a deployment's own scheme, or the value is damaged. That fails open, on
 * purpose: age comes from the identifier, and a person who cannot be shown to be a minor cannot
 * be exempted on a guess, or every person without a national number would escape every scheme.
 */
export async function adulthood(from: DeriveFrom, subjects: readonly SubjectBasic[], records: ReadonlyMap<string, readonly CreditRecord[]>): Promise<Map<string, Instant>> {
  const out = new Map<string, Instant>();
  const persons = subjects.filter((s) => s.kind === 'person' && (records.get(s.id)?.length ?? 0) > 0).map((s) => s.id);
  if (persons.length === 0) return out;
  for (const [id, token] of await from.store.ridCiphertexts(persons)) {
    let at: Instant | null = null;
    try {
      at = adultFromRid(from.keyring.decrypt(token));
    } catch {
      // Altered, or made under another key: the age is unknown, as above.
    }
    if (at !== null) out.set(id, at);
  }
  return out;
}

/** Told the ids of the subjects whose state a derivation just saved (the gate feed listens). */
export type OnDerived = (subjectIds: string[]) => void;

export interface DeriveOutcome {
  states: SubjectState[];
  /** Persons whose related entries may have changed (holders of roles in rescored organisations). */
  relatedPersons: string[];
}

/**
 * A digest of what a state says (not when it was derived), together with the legal roles an
 * organisation's entries extend to. Equal digests mean there is nothing to write. Legal-basis
 * texts are left out: they are fixed by the catalog version, which is in the digest.
 */
export function stateHash(state: SubjectState, relations: readonly Relation[]): string {
  let sig = `${state.catalogVersion}|${state.nextChangeAt}`;
  for (const s of state.schemes) {
    sig += `|${s.scheme}:${s.score}:${s.grade}:${s.cappedBy?.recordId ?? ''}:${s.cappedBy?.ruleId ?? ''}`;
    for (const b of s.breakdown) sig += `;${b.recordId},${b.ruleId},${b.points},${b.from},${b.until},${b.disputed ? 1 : 0}`;
  }
  for (const e of state.entries) {
    sig += `|${e.id}:${e.list}:${e.status}:${e.since}:${e.decidedAt}:${e.until}:${e.endedAt ?? ''}:${e.endReason ?? ''}`;
    for (const r of e.reasons) sig += `;${r.recordId ?? ''},${r.ruleId},${r.disputed ? 1 : 0},${r.escalatedFrom ?? ''},${r.grade ? `${r.grade.scheme}=${r.grade.grade}` : ''}`;
  }
  if (relations.length > 0) sig += '|' + relations.map((r) => `${r.role}:${r.personId}`).sort().join(',');
  // A short signature (a subject with no records) is kept as is: exact, and no hashing call.
  return sig.length <= 100 ? `=${sig}` : createHash('sha1').update(sig).digest('base64url');
}

interface Derived {
  states: SubjectState[];
  hashes: string[];
  related: { ownerId: string; entries: ListEntry[] }[];
  relatedPersons: Set<string>;
}

/** Evaluates subjects whose records, relations and persons' ages are loaded. Pure apart from hashing. */
function evaluate(catalog: Catalog, subjects: SubjectBasic[], records: Map<string, CreditRecord[]>, relations: Relation[], adults: Map<string, Instant>, asOf: Instant): Derived {
  const byOrg = new Map<string, Relation[]>();
  for (const r of relations) {
    const list = byOrg.get(r.subjectId);
    if (list) list.push(r);
    else byOrg.set(r.subjectId, [r]);
  }
  const out: Derived = { states: [], hashes: [], related: [], relatedPersons: new Set() };
  for (const subject of subjects) {
    const state = evaluateSubject(catalog, { subject, records: records.get(subject.id) ?? [], asOf, adultFrom: adults.get(subject.id) });
    const rels = subject.kind === 'person' ? [] : (byOrg.get(subject.id) ?? []);
    out.states.push(state);
    out.hashes.push(stateHash(state, rels));
    if (subject.kind !== 'person') {
      for (const r of rels) out.relatedPersons.add(r.personId);
      out.related.push({ ownerId: subject.id, entries: relatedEntries(catalog, state.entries, rels) });
    }
  }
  return out;
}

function auditOf(catalog: Catalog, d: Pick<Derived, 'states'>, asOf: Instant, actor: string, ids: string[]) {
  // The audit entry commits to exactly what was derived, without copying it.
  const digest = createHash('sha256');
  for (const s of d.states) digest.update(JSON.stringify([s.subjectId, s.schemes.map((x) => [x.scheme, x.score, x.grade]), s.entries.map((e) => [e.id, e.status])]));
  return {
    at: asOf,
    actor,
    action: AUDIT.stateDerived,
    subjectId: ids.length === 1 ? ids[0] : null,
    data: { subjects: d.states.length, catalog: `${catalog.id}@${catalog.version}`, asOf, digest: digest.digest('hex') },
  };
}

/** Derives and saves the state of `ids` as of `asOf`, in one transaction. */
export async function deriveSubjects(from: DeriveFrom, catalog: Catalog, ids: string[], asOf: Instant, actor = 'system:scoring', onDerived?: OnDerived): Promise<DeriveOutcome> {
  if (ids.length === 0) return { states: [], relatedPersons: [] };
  const { store } = from;
  // Marks first, records second: a record that lands in between leaves its subject dirty.
  const marks = await store.dirtyMarks(ids);
  const basics = await store.subjectsBasic(ids);
  const subjects = ids.map((id) => basics.get(id)).filter((s): s is SubjectBasic => s !== undefined);
  const records = await store.recordsOf(subjects.map((s) => s.id));
  const orgIds = subjects.filter((s) => s.kind !== 'person').map((s) => s.id);
  const relations = orgIds.length ? await store.relationsOfOrgs(orgIds) : [];
  const d = evaluate(catalog, subjects, records, relations, await adulthood(from, subjects, records), asOf);
  const before = await store.enforceableEntries(subjects.map((s) => s.id));
  await store.saveStates({
    states: d.states,
    hashes: d.hashes,
    related: d.related,
    clearDirty: ids.map((id) => ({ id, mark: marks.get(id) })).filter((c) => c.mark !== undefined),
    notices: outbox(listingNotices(catalog, before, d.states)),
    audit: auditOf(catalog, d, asOf, actor, ids),
  });
  onDerived?.(subjects.map((x) => x.id));
  return { states: d.states, relatedPersons: [...d.relatedPersons] };
}

/**
 * Derives, batch by batch, the subjects `next` returns until it returns none it has not seen:
 * each subject at most once per call, so a subject re-marked while it was scored cannot loop.
 */
async function deriveUntilDone(from: DeriveFrom, catalog: Catalog, asOf: Instant, next: () => Promise<string[]>, actor?: string, onDerived?: OnDerived): Promise<number> {
  let n = 0;
  const seen = new Set<string>();
  for (;;) {
    const ids = (await next()).filter((id) => !seen.has(id));
    if (ids.length === 0) return n;
    for (const id of ids) seen.add(id);
    await deriveSubjects(from, catalog, ids, asOf, actor, onDerived);
    n += ids.length;
  }
}

/** Derives every subject marked dirty (left by ingest, status changes or a crash). */
export async function deriveDirty(from: DeriveFrom, catalog: Catalog, asOf: Instant, batch = 1000, onDerived?: OnDerived): Promise<number> {
  return deriveUntilDone(from, catalog, asOf, () => from.store.dirtySubjects(batch), undefined, onDerived);
}

/**
 * Brings stored state up to `now`: first what ingest or a crash left dirty, then every subject
 * whose state changes by time alone (an entry leaving its notice period, expiring, escalating).
 * Idempotent: running it twice changes nothing the second time.
 */
export async function deriveUpTo(from: DeriveFrom, catalog: Catalog, now: Instant, batch = 1000, onDerived?: OnDerived): Promise<{ dirty: number; due: number }> {
  const dirty = await deriveDirty(from, catalog, now, batch, onDerived);
  // A state is never due at the instant it was derived for, so each due subject comes back at most once.
  const due = await deriveUntilDone(from, catalog, now, () => from.store.dueSubjects(now, batch), 'system:schedule', onDerived);
  return { dirty, due };
}

/**
 * Derives every subject (after a catalog change, or on demand: `xinyong rescore`), page by page, reading each
 * page's records in one range scan and writing only the states that changed.
 */
export async function deriveAll(from: DeriveFrom, catalog: Catalog, asOf: Instant, onProgress?: (done: number) => void, pageSize = 2000): Promise<number> {
  const { store } = from;
  let n = 0;
  for await (const page of store.scanSubjects(pageSize)) {
    const ids = page.map((s) => s.id);
    const marks = await store.dirtyMarks(ids);
    const records = await store.recordsBetween(ids[0], ids[ids.length - 1]);
    const orgIds = page.filter((s) => s.kind !== 'person').map((s) => s.id);
    const relations = orgIds.length ? await store.relationsOfOrgs(orgIds) : [];
    const d = evaluate(catalog, page, records, relations, await adulthood(from, page, records), asOf);
    const changed: Derived = { states: [], hashes: [], related: [], relatedPersons: new Set() };
    const relatedByOwner = new Map(d.related.map((r) => [r.ownerId, r]));
    d.states.forEach((s, i) => {
      if (d.hashes[i] === page[i].stateHash && !marks.has(s.subjectId)) return;
      changed.states.push(s);
      changed.hashes.push(d.hashes[i]);
      const rel = relatedByOwner.get(s.subjectId);
      if (rel) changed.related.push(rel);
    });
    if (changed.states.length > 0) {
      const before = await store.enforceableEntries(changed.states.map((x) => x.subjectId));
      await store.saveStates({
        notices: outbox(listingNotices(catalog, before, changed.states)),
        states: changed.states,
        hashes: changed.hashes,
        related: changed.related,
        clearDirty: [...marks].map(([id, mark]) => ({ id, mark })),
        audit: auditOf(catalog, changed, asOf, 'system:rescore', changed.states.map((s) => s.subjectId)),
      });
    }
    n += page.length;
    onProgress?.(n);
  }
  return n;
}
