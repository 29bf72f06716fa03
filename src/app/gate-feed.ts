/**
 * Keeps a process's in-memory gate index current: built from the store on start, then updated
 * for the subjects each derivation touched (DESIGN §7). The check path reads `feed.gate` only.
 */
import type { Catalog } from '../catalog/types.js';
import type { ListEntry } from '../domain/types.js';
import { GateIndex } from '../gate/index.js';
import type { Store } from '../store/port.js';

export class GateFeed {
  /** Persons each organisation's entries reach through legal roles, as last loaded. */
  private viaPersons = new Map<string, Set<string>>();

  private constructor(public gate: GateIndex) {}

  /** Builds the index from the store: every known subject, every enforceable entry, every grade a measure uses. */
  static async load(store: Store, catalog: Catalog): Promise<GateFeed> {
    const feed = new GateFeed(new GateIndex(catalog));
    await feed.rebuild(store, catalog);
    return feed;
  }

  /** Replaces the index with one built afresh (on start, or after a catalog is published). */
  async rebuild(store: Store, catalog: Catalog): Promise<void> {
    const gate = new GateIndex(catalog);
    const via = new Map<string, Set<string>>();
    for await (const page of store.scanSubjects(5000)) for (const s of page) gate.addSubject(s.id);
    const bySubject = new Map<string, ListEntry[]>();
    for await (const e of store.scanEnforceableEntries()) {
      const a = bySubject.get(e.subjectId);
      if (a) a.push(e);
      else bySubject.set(e.subjectId, [e]);
      if (e.via) addVia(via, e.via.subjectId, e.subjectId);
    }
    for (const [id, es] of bySubject) gate.setEntries(id, es);
    for await (const g of store.scanGrades()) gate.setGrades(g.subjectId, Object.entries(g.grades).map(([scheme, grade]) => ({ scheme, grade })));
    // Swapped in one assignment: a check sees the old index or the new one, never a half-built one.
    this.gate = gate;
    this.viaPersons = via;
  }

  /**
   * Re-reads what the gate keeps of `ids` after their state was derived: their entries (own and
   * through roles) and grades, and the entries of every person an organisation among them binds
   * now or bound before (a role that ended takes its entries with it).
   */
  async refresh(store: Store, ids: Iterable<string>): Promise<void> {
    const all = new Set(ids);
    if (all.size === 0) return;
    const orgs = [...all];
    for (const r of await store.relationsOfOrgs(orgs)) all.add(r.personId);
    for (const org of orgs) for (const p of this.viaPersons.get(org) ?? []) all.add(p);
    const list = [...all];
    const basics = await store.subjectsBasic(list);
    const entries = await store.enforceableEntries(list);
    const bySubject = new Map<string, ListEntry[]>();
    for (const org of orgs) this.viaPersons.delete(org);
    for (const e of entries) {
      const a = bySubject.get(e.subjectId);
      if (a) a.push(e);
      else bySubject.set(e.subjectId, [e]);
      if (e.via) addVia(this.viaPersons, e.via.subjectId, e.subjectId);
    }
    for (const id of list) {
      if (!basics.has(id)) continue;
      this.gate.addSubject(id);
      this.gate.setEntries(id, bySubject.get(id) ?? []);
      const st = await store.getState(id);
      if (st) this.gate.setGrades(id, st.state.schemes);
    }
  }
}

function addVia(via: Map<string, Set<string>>, org: string, person: string) {
  const s = via.get(org);
  if (s) s.add(person);
  else via.set(org, new Set([person]));
}
