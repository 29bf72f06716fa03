/**
 * Keeps a process's in-memory gate index current (DESIGN §7), and is the one place that does:
 * built from the store on start, then brought up to date by following the store's change feed
 * (every `saveStates` appends the subjects it saved, whichever process made it). A write in this
 * process catches up at once (`catchUp`, called by `write()` in context.ts), other processes'
 * writes within `follow`'s poll interval (at once on PostgreSQL, which notifies). It is also the
 * only code that swaps the catalog in force: a publication, here or elsewhere, is seen here and
 * the gate rebuilt under it. The check path reads `feed.gate` only.
 */
import type { Catalog } from '../catalog/types.js';
import type { ListEntry } from '../domain/types.js';
import { GateIndex } from '../gate/index.js';
import { loadCatalogDoc } from '../catalog/load.js';
import type { Store } from '../store/port.js';
import { repeat } from './schedule.js';

/** What the feed keeps current: the store it reads and the catalog in force, which it swaps. */
export interface FeedTarget {
  store: Store;
  catalog: Catalog;
}

export interface FollowOptions {
  /** How often to poll the change feed (ms); 0 turns following off. */
  everyMs: number;
  /** Serialises each run with this process's writes. */
  writes: <T>(fn: () => Promise<T>) => Promise<T>;
  log: { info(o: object, msg: string): void; warn(o: object, msg: string): void; error(o: object, msg: string): void };
}

export class GateFeed {
  /** Persons each organisation's entries reach through legal roles, as last loaded. */
  private viaPersons = new Map<string, Set<string>>();
  /** The change-feed position this process has applied. */
  position = 0;
  /** When this process last read the change feed to its end (wall clock): how current its gate is. */
  syncedAt = Date.now();

  private constructor(
    private readonly target: FeedTarget,
    public gate: GateIndex,
  ) {}

  /** Builds the index from the store: every known subject, every enforceable entry, every grade a measure uses. */
  static async load(target: FeedTarget): Promise<GateFeed> {
    const feed = new GateFeed(target, new GateIndex(target.catalog));
    // The position is read before the gate is built, so a change made meanwhile is replayed, not lost.
    feed.position = await target.store.stateChangeHead();
    await feed.rebuild();
    return feed;
  }

  /** The catalog in force in this process. */
  get catalog(): Catalog {
    return this.target.catalog;
  }

  /** Replaces the index with one built afresh under `catalog`, then puts `catalog` in force with it. */
  private async rebuild(catalog: Catalog = this.target.catalog): Promise<void> {
    const { store } = this.target;
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
    this.target.catalog = catalog;
  }

  /**
   * Brings the gate up to date with the store: a catalog published since (here or by another
   * process) comes into force and the gate is rebuilt under it; then every subject saved since the
   * last position is re-read. Returns the catalog ref newly in force, if any.
   */
  async catchUp(log?: FollowOptions['log']): Promise<string | null> {
    const { store } = this.target;
    let swapped: string | null = null;
    // The latest publication, whenever it is dated: a publication is dated by the clock of the
    // process that made it, which may run ahead of this one's.
    const ref = await store.publishedCatalogRef();
    if (ref && (ref.catalogId !== this.target.catalog.id || ref.version !== this.target.catalog.version)) {
      const row = await store.getPublishedCatalog();
      const c = row ? loadCatalogDoc(row.doc) : null;
      if (row && c && !c.ok) log?.error({ catalog: `${row.catalogId}@${row.version}` }, 'the catalog published does not load here; keeping the one in force');
      if (row && c?.ok) {
        this.position = await store.stateChangeHead();
        await this.rebuild(c.value);
        swapped = `${row.catalogId}@${row.version}`;
      }
    }
    for (;;) {
      const ch = await store.stateChangesSince(this.position, 20_000);
      if (ch.subjectIds.length === 0) break;
      if (ch.firstSeq !== null && ch.firstSeq > this.position + 1) {
        // Rows this process never saw were pruned (it was stopped or stuck for over a day): rebuild.
        log?.warn({ from: this.position, to: ch.firstSeq }, 'fell behind the change feed; rebuilding the gate');
        this.position = await store.stateChangeHead();
        await this.rebuild();
        break;
      }
      await this.refresh(ch.subjectIds);
      this.position = ch.seq;
    }
    this.syncedAt = Date.now();
    return swapped;
  }

  /**
   * Follows the change feed: every `everyMs`, and on PostgreSQL as soon as another process
   * commits (LISTEN/NOTIFY). Returns a function that stops following.
   */
  async follow(o: FollowOptions): Promise<() => Promise<void>> {
    const loop = repeat(
      o.everyMs,
      () =>
        o.writes(async () => {
          const swapped = await this.catchUp(o.log);
          if (swapped) o.log.info({ catalog: swapped }, 'catalog published elsewhere is now in force here');
        }),
      (err) => o.log.error({ err }, 'following the change feed failed'),
    );
    const store = this.target.store;
    const unwatch = o.everyMs > 0 && store.watchStateChanges ? await store.watchStateChanges(loop.trigger, (err) => o.log.warn({ err }, 'the change notification connection failed; reconnecting (the sync loop still polls)')) : null;
    return async () => {
      loop.stop();
      await unwatch?.();
    };
  }

  /**
   * Re-reads what the gate keeps of `ids` after their state was derived: their entries (own and
   * through roles) and grades, and the entries of every person an organisation among them binds
   * now or bound before (a role that ended takes its entries with it).
   */
  private async refresh(ids: Iterable<string>): Promise<void> {
    const { store } = this.target;
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
