/**
 * The portal's home, modelled on the national credit website (Credit China): the latest
 * announcements of public lists, the public notice of administrative licences and penalties of
 * organisations (the "double publicity", 双公示), the public search with listed organisations
 * flagged, and the due-process periods a subject needs to object or apply for repair.
 *
 * Everything here is public: no credential, nothing logged, and no person ever. Persons' public
 * credit data is open only to an authorised query (Shandong Social Credit Regulations, Art. 20):
 * the portal shows a person only to someone who gives their full ID number and name
 * (`publicSubject`), so the pages that browse — announcements, notices, search — hold
 * organisations only. What is shown of an organisation is what its public record shows: name,
 * code, region, the list and its authority, legal basis and dates; a record's decision number,
 * authority, date and content, each only within the publicity period the catalog sets for it.
 */
import { regionName } from '../catalog/region.js';
import type { Catalog, Citation, CompiledList } from '../catalog/types.js';
import { addDuration } from '../domain/time.js';
import { ORG_KINDS, type CreditRecord, type Instant, type ListEntry, type LocalText, type Subject } from '../domain/types.js';
import { publicUntil } from '../process/public-view.js';
import { statusAt } from '../scoring/index.js';
import type { App } from './context.js';
import { invalid } from './errors.js';
import { publicSearch } from './reads.js';

/** An organisation as the public pages show it: registry data, the code in full. */
export interface PublicOrg {
  id: string;
  kind: Subject['kind'];
  name: string;
  /** The unified social credit code, null for an organisation registered without one. */
  uscc: string | null;
  region: string;
  regionName: LocalText | null;
}

/** A new entry on a public list, as announced. */
export interface Announcement {
  id: string;
  list: string;
  listName: LocalText;
  color: string;
  authority: LocalText;
  legalBasis: LocalText;
  since: Instant;
  until: Instant | null;
  grounds: { recordType: string | null; name: LocalText | null; legalBasis: LocalText }[];
  subject: PublicOrg;
}

export type NoticeKind = 'licence' | 'penalty';

/** One administrative licence or penalty decision, published for its publicity period. */
export interface PublicNotice {
  id: string;
  kind: NoticeKind;
  type: string;
  typeName: LocalText;
  decisionNo: string | null;
  authority: string | null;
  decidedAt: Instant;
  /** What was licensed (licences), or the severity tier the publicity period follows (penalties). */
  content: string | null;
  validUntil: string | null;
  legalBasis: LocalText;
  publicUntil: Instant;
  disputed: boolean;
  subject: PublicOrg;
}

/** A page and the cursor of the next one (null: the last page). */
export interface PublicPage<T> {
  items: T[];
  next: string | null;
}

/** The data category of each kind of notice: which record types the double publicity covers is the catalog's to say. */
const NOTICE_CATEGORY: Record<NoticeKind, string> = { licence: 'administrative-licensing', penalty: 'administrative-penalty' };

const text = (catalog: Catalog, cites: readonly Citation[]): LocalText => ({ 'zh-CN': catalog.basisText(cites, 'zh-CN'), en: catalog.basisText(cites, 'en') });

/** The lists whose entries the public may see (`public: true` in the catalog). */
export function publicLists(catalog: Catalog): CompiledList[] {
  return catalog.lists.filter((l) => l.doc.public === true);
}

/** Whether an entry on a public list is in effect at `now`: the public sees nothing pending, suspended or ended. */
const inEffect = (e: ListEntry, now: Instant) => e.status === 'active' && e.since <= now && (e.until === null || now < e.until);

// Cursors are `<instant>.<id>`: the keyset of the last item of the page before.
const cursor = (at: Instant, id: string) => `${at}.${id}`;
function readCursor(after: string | undefined): { at: Instant; id: string } | undefined {
  if (after === undefined) return undefined;
  const m = /^(-?\d{1,16})\.([A-Za-z0-9_-]{1,80})$/.exec(after);
  if (!m) throw invalid('after is not a cursor this endpoint gave (the `next` of the page before)', 'after');
  return { at: Number(m[1]), id: m[2] };
}

async function orgsOf(app: App, ids: Iterable<string>): Promise<Map<string, PublicOrg>> {
  const out = new Map<string, PublicOrg>();
  for (const id of new Set(ids)) {
    const s = await app.ctx.store.getSubject(id);
    if (!s || s.kind === 'person') continue;
    out.set(id, { id: s.id, kind: s.kind, name: s.name, uscc: s.identifiers.find((i) => i.scheme === 'cn-uscc')?.masked ?? null, region: s.region, regionName: regionName(s.region) });
  }
  return out;
}

/**
 * Reads pages of `fetch` until `limit` rows pass `keep` or the source runs out: entries that ended
 * by time and records past their tier's publicity are still in the store's window, and are skipped.
 * The cursor of the next page is the last row looked at.
 */
async function fill<R extends { id: string }, T>(
  o: { limit: number; start: { at: Instant; id: string } | undefined },
  fetch: (before: { at: Instant; id: string } | undefined, n: number) => Promise<R[]>,
  at: (r: R) => Instant,
  keep: (r: R) => Promise<T | null>,
): Promise<PublicPage<T>> {
  const items: T[] = [];
  let before = o.start;
  const batch = Math.max(o.limit, 20);
  for (;;) {
    const rows = await fetch(before, batch);
    let i = 0;
    for (; i < rows.length && items.length < o.limit; i++) {
      const kept = await keep(rows[i]);
      before = { at: at(rows[i]), id: rows[i].id };
      if (kept !== null) items.push(kept);
    }
    const exhausted = i === rows.length && rows.length < batch;
    if (items.length >= o.limit) return { items, next: exhausted || !before ? null : cursor(before.at, before.id) };
    if (exhausted) return { items, next: null };
  }
}

/**
 * The latest announcements of public lists: entries of organisations in effect now, newest first,
 * with the list, its authority and legal basis, the dates and the grounds (record types and the
 * entry rule's legal basis). Persons are never announced (see the module's note).
 */
export async function latestAnnouncements(app: App, o: { limit: number; after?: string }): Promise<PublicPage<Announcement>> {
  const { catalog, store } = app.ctx;
  const now = app.now();
  const lists = publicLists(catalog);
  if (lists.length === 0) return { items: [], next: null };
  const q = { lists: lists.map((l) => l.code), status: 'active' as const, kinds: [...ORG_KINDS], sinceAtMost: now };
  return fill(
    { limit: o.limit, start: readCursor(o.after) },
    (before, limit) => store.latestEntries({ ...q, limit, before: before && { since: before.at, id: before.id } }),
    (e) => e.since,
    async (e) => {
      const l = catalog.listsByCode.get(e.list);
      const subject = inEffect(e, now) && l ? (await orgsOf(app, [e.subjectId])).get(e.subjectId) : undefined;
      return l && subject ? announcement(catalog, l, e, subject) : null;
    },
  );
}

function announcement(catalog: Catalog, l: CompiledList, e: ListEntry, subject: PublicOrg): Announcement {
  return {
    id: e.id,
    list: l.code,
    listName: l.doc.name,
    color: l.doc.color,
    authority: l.doc.authority,
    legalBasis: l.basis,
    since: e.since,
    until: e.until,
    grounds: e.reasons.map((r) => {
      const rule = l.doc.entries.find((x) => x.id === r.ruleId);
      return {
        recordType: r.recordType ?? null,
        name: r.recordType ? (catalog.recordTypes.get(r.recordType)?.doc.name ?? null) : null,
        legalBasis: rule?.legalBasis ? text(catalog, rule.legalBasis) : l.basis,
      };
    }),
    subject,
  };
}

/** The record types of a kind of notice: public types of its data category, as the catalog in force declares them. */
export function noticeTypes(catalog: Catalog, kind: NoticeKind): string[] {
  return [...catalog.recordTypes.values()].filter((rt) => rt.doc.public === true && rt.doc.category === NOTICE_CATEGORY[kind]).map((rt) => rt.doc.code);
}

/**
 * The public notice of administrative licences or penalties of organisations, newest decision
 * first, each only while its publicity period lasts (the catalog's publicity tiers, counted from
 * the decision), and never one revoked, corrected or repaired. Persons' are never shown.
 */
export async function doublePublicity(app: App, o: { kind: NoticeKind; limit: number; after?: string }): Promise<PublicPage<PublicNotice>> {
  const { catalog, store } = app.ctx;
  const now = app.now();
  const types = noticeTypes(catalog, o.kind);
  if (types.length === 0) return { items: [], next: null };
  // A decision older than the longest period any of these types is public for is public no more.
  const occurredFrom = Math.min(...types.flatMap((t) => catalog.recordTypes.get(t)!.publicity.map((p) => addDuration(now, p.max, -1))), now);
  return fill(
    { limit: o.limit, start: readCursor(o.after) },
    (before, limit) => store.latestRecords({ types, kinds: [...ORG_KINDS], occurredFrom, occurredBefore: now + 1, limit, before: before && { occurredAt: before.at, id: before.id } }),
    (r) => r.occurredAt,
    async (r) => {
      const until = publicUntil(catalog, r);
      const st = statusAt(r, now);
      if (until === null || now >= until || (st !== 'active' && st !== 'disputed')) return null;
      const subject = (await orgsOf(app, [r.subjectId])).get(r.subjectId);
      return subject ? notice(catalog, o.kind, r, until, st === 'disputed', subject) : null;
    },
  );
}

function notice(catalog: Catalog, kind: NoticeKind, r: CreditRecord, until: Instant, disputed: boolean, subject: PublicOrg): PublicNotice {
  const rt = catalog.recordTypes.get(r.type)!;
  const fact = (k: string) => (typeof r.facts[k] === 'string' ? (r.facts[k] as string) : null);
  return {
    id: r.id,
    kind,
    type: r.type,
    typeName: rt.doc.name,
    decisionNo: fact('decisionNo'),
    authority: fact('authority'),
    decidedAt: r.occurredAt,
    content: kind === 'licence' ? fact('licenceItem') : fact('severity'),
    validUntil: fact('validUntil'),
    legalBasis: rt.basis,
    publicUntil: until,
    disputed,
    subject,
  };
}

/** A search result with the public lists the organisation is on now (own entries, in effect). */
export type FlaggedResult = Awaited<ReturnType<typeof publicSearch>>[number] & { lists: { list: string; name: LocalText; color: string }[] };

/** The public search (`publicSearch`), each organisation flagged with the public lists it is on now. */
export async function flaggedSearch(app: App, o: { q: string; limit: number }): Promise<FlaggedResult[]> {
  const results = await publicSearch(app, o);
  const now = app.now();
  const { catalog } = app.ctx;
  const entries = results.length === 0 ? [] : await app.ctx.store.enforceableEntries(results.map((r) => r.id));
  return results.map((s) => {
    const on = new Map<string, { list: string; name: LocalText; color: string }>();
    for (const e of entries) {
      const l = catalog.listsByCode.get(e.list);
      if (e.subjectId !== s.id || e.via || !l || l.doc.public !== true || !inEffect(e, now)) continue;
      on.set(l.code, { list: l.code, name: l.doc.name, color: l.doc.color });
    }
    return { ...s, lists: [...on.values()] };
  });
}

/**
 * The fact and value a publicity tier applies to, when its condition is the plain comparison the
 * portal can name (`record.facts.severity == 'minor'`); null for a tier that always applies or
 * has another condition.
 */
function tierFact(when: string | undefined): { fact: string; value: string } | null {
  const m = /^\s*record\.facts\.(\w+)\s*==\s*'([^']*)'\s*$/.exec(when ?? '');
  return m ? { fact: m[1], value: m[2] } : null;
}

/** What a subject needs to object or apply for repair: the catalog's periods in working days, with their legal basis. */
export function dueProcessGuide(app: App) {
  const { catalog } = app.ctx;
  const d = catalog.dueProcess;
  const cites = catalog.doc.dueProcess?.legalBasis ?? [];
  return {
    objectionDays: d.objectionDays,
    objectionDaysExtended: d.objectionDaysExtended,
    repairDays: d.repairDays,
    legalBasis: cites.length > 0 ? text(catalog, cites) : null,
    // Repair may be sought once a record's minimum publicity has passed: the periods by record type.
    publicity: [...catalog.recordTypes.values()]
      .filter((rt) => rt.doc.public === true && rt.publicity.length > 0 && rt.doc.polarity === 'negative')
      .map((rt) => ({ recordType: rt.doc.code, name: rt.doc.name, periods: rt.publicity.map((p, i) => ({ min: p.min.text, max: p.max.text, when: tierFact(rt.doc.publicity?.[i]?.when) })) })),
  };
}
