/**
 * What the public may see of a subject, modeled on the national credit website: for an
 * organisation, its records of public types within their publicity period and its entries on
 * public lists, with grounds, dates and authority; for a person (found only by full ID number and
 * name), only their entries on public lists, with a masked identifier and name. Never scores,
 * never what only a reviewer may see. Pure: the caller passes the state and the instant.
 */
import { addDuration } from '../domain/time.js';
import type { CreditRecord, Instant, ListEntry, LocalText, Subject } from '../domain/types.js';
import { regionName } from '../catalog/region.js';
import type { Catalog } from '../catalog/types.js';
import { retentionEnd, safeBool, statusAt } from '../scoring/working-set.js';

export interface PublicEntry {
  list: string;
  name: LocalText;
  color: string;
  authority: LocalText;
  legalBasis: LocalText;
  since: Instant;
  until: Instant | null;
  /**
   * Why the entry is there: the record type (with its name) and the entry rule, and the rule's legal
   * basis in both languages when the catalog in force has the rule (else as it was stored, in English).
   */
  grounds: { recordType?: string; recordTypeName?: LocalText; rule: string; legalBasis: LocalText | string }[];
}

export interface PublicRecord {
  id: string;
  type: string;
  name: LocalText | string;
  occurredAt: Instant;
  facts: Record<string, unknown>;
  /** Each fact's name in the data dictionary (the fact's code when the dictionary has no such element). */
  factNames: Record<string, LocalText | string>;
  /** The name of each fact's value that the dictionary names (an enum value). */
  factValues: Record<string, LocalText>;
  publicUntil: Instant;
  disputed: boolean;
}

export interface PublicView {
  id: string;
  kind: Subject['kind'];
  name: string;
  region: string;
  /** The region's full name (GB/T 2260), null when the subject has no region. */
  regionName: LocalText | null;
  identifiers: { scheme: string; value: string }[];
  lists: PublicEntry[];
  records: PublicRecord[];
}

/** A person's name as the public sees it: the first character, the rest starred. */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  if (chars.length <= 1) return '*';
  return chars[0] + '*'.repeat(chars.length - 1);
}

/** Until when a record is public: the end of the first publicity tier that applies, else its retention. */
export function publicUntil(catalog: Catalog, rec: CreditRecord): Instant | null {
  const rt = catalog.recordTypes.get(rec.type);
  if (!rt || rt.doc.public !== true) return null;
  if (rt.publicity.length === 0) return retentionEnd(rt, rec);
  const cel = { type: rec.type, source: rec.source, facts: rt.toCel(rec.facts) };
  for (const p of rt.publicity) if (p.when === null || safeBool(p.when, { record: cel })) return addDuration(rec.occurredAt, p.max);
  return null;
}

/** The names of a record's facts and of the values the dictionary names, in both languages. */
export function factTexts(catalog: Catalog, facts: Record<string, unknown>): { factNames: Record<string, LocalText | string>; factValues: Record<string, LocalText> } {
  const factNames: Record<string, LocalText | string> = {};
  const factValues: Record<string, LocalText> = {};
  for (const [k, v] of Object.entries(facts)) {
    const e = catalog.dataElements.get(k);
    factNames[k] = e?.name ?? k;
    const named = typeof v === 'string' ? e?.enumNames?.[v] : undefined;
    if (named) factValues[k] = named;
  }
  return { factNames, factValues };
}

export function publicView(catalog: Catalog, subject: Subject, entries: readonly ListEntry[], records: readonly CreditRecord[], now: Instant): PublicView {
  const person = subject.kind === 'person';
  const lists: PublicEntry[] = [];
  for (const e of entries) {
    const l = catalog.listsByCode.get(e.list);
    if (!l || l.doc.public !== true || e.status !== 'active' || e.since > now || (e.until !== null && now >= e.until)) continue;
    lists.push({
      list: l.code,
      name: l.doc.name,
      color: l.doc.color,
      authority: l.doc.authority,
      legalBasis: l.basis,
      since: e.since,
      until: e.until,
      grounds: e.reasons.map((r) => {
        const rule = l.doc.entries.find((x) => x.id === r.ruleId);
        const cites = rule ? (rule.legalBasis ?? l.doc.legalBasis) : null;
        const name = r.recordType ? catalog.recordTypes.get(r.recordType)?.doc.name : undefined;
        return {
          recordType: r.recordType,
          ...(name ? { recordTypeName: name } : {}),
          rule: r.ruleId,
          legalBasis: cites ? { 'zh-CN': catalog.basisText(cites, 'zh-CN'), en: catalog.basisText(cites, 'en') } : r.legalBasis,
        };
      }),
    });
  }
  const recs: PublicRecord[] = [];
  if (!person) {
    for (const r of records) {
      const st = statusAt(r, now);
      if (st !== 'active' && st !== 'disputed') continue;
      const until = publicUntil(catalog, r);
      if (until === null || now >= until) continue;
      recs.push({ id: r.id, type: r.type, name: catalog.recordTypes.get(r.type)?.doc.name ?? r.type, occurredAt: r.occurredAt, facts: r.facts, ...factTexts(catalog, r.facts), publicUntil: until, disputed: st === 'disputed' });
    }
    recs.sort((a, b) => b.occurredAt - a.occurredAt);
  }
  return {
    id: subject.id,
    kind: subject.kind,
    name: person ? maskName(subject.name) : subject.name,
    region: subject.region,
    regionName: regionName(subject.region),
    identifiers: subject.identifiers.map((i) => ({ scheme: i.scheme, value: i.masked })),
    lists,
    records: recs,
  };
}
