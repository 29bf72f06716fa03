/**
 * The catalog in force (`GET /v1/catalog`), loaded once per session, for names, legal bases and
 * exit conditions. The document keeps both languages (it is what a draft starts from), so a
 * language switch needs no new request: `names` reads it in the UI language.
 */
import { useEffect, useState } from 'react';
import type { LocalText } from '../domain/types';
import { api, asApiError, type ApiError } from './api';
import { pick, type Text } from './i18n';
import type { CatalogDocT, CatalogItem } from './types';

export interface CatalogInForce {
  catalogId: string;
  version: string;
  hash: string;
  publishedAt: string | null;
  doc: CatalogDocT;
  /** Every legal basis rendered as text, by item: `lists[<code>]`, `schemes[<code>].rules[<id>]`. */
  bases: Record<string, LocalText>;
}

let cache: { token: string | null; p: Promise<CatalogInForce> } | null = null;
const listeners = new Set<() => void>();

/** The catalog in force, its loading error, and a way to try again. Publishing elsewhere in the app reloads it everywhere. */
export function useCatalogLoad(token: string | null): { catalog: CatalogInForce | null; error: ApiError | null; reload: () => void } {
  const [state, setState] = useState<{ catalog: CatalogInForce | null; error: ApiError | null }>({ catalog: null, error: null });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const again = () => setTick((t) => t + 1);
    listeners.add(again);
    return () => void listeners.delete(again);
  }, []);
  useEffect(() => {
    if (!cache || cache.token !== token) cache = { token, p: api<CatalogInForce>('/v1/catalog') };
    let live = true;
    cache.p.then(
      (catalog) => live && setState({ catalog, error: null }),
      (e: unknown) => {
        cache = null;
        if (live) setState({ catalog: null, error: asApiError(e) });
      },
    );
    return () => {
      live = false;
    };
  }, [token, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

export function useCatalog(token: string | null): CatalogInForce | null {
  return useCatalogLoad(token).catalog;
}

/** After a publication: every page showing the catalog loads the one now in force. */
export function forgetCatalog() {
  cache = null;
  for (const l of listeners) l();
}

const byCode = (items: CatalogItem[] | undefined, code: string) => items?.find((i) => (i.code ?? i.id) === code);

/** Catalog names and texts in the UI language `lang`, by code; a code the catalog does not know shows as itself. */
export function names(c: CatalogInForce | null, lang: string) {
  const d = c?.doc;
  const name = (items: CatalogItem[] | undefined, code: string) => pick(byCode(items, code)?.name as Text | undefined, lang) || code;
  // The data dictionary: the national layer's elements and the catalog's own.
  const elements = [...(((d?.national as { dataElements?: CatalogItem[] } | undefined)?.dataElements) ?? []), ...((d?.dataElements as CatalogItem[] | undefined) ?? [])];
  const recordType = (code: string) => name(d?.recordTypes, code);
  /** A rule of a scheme or a list by what it acts on: its record type's name, else its list's or scheme's. */
  const ruleOn = (items: CatalogItem[] | undefined, part: 'rules' | 'entries', ruleId: string) => {
    for (const it of items ?? []) {
      const r = ((it[part] as CatalogItem[] | undefined) ?? []).find((x) => x.id === ruleId);
      if (r) return typeof r.on === 'string' ? recordType(r.on) : pick(it.name as Text | undefined, lang) || ruleId;
    }
    return null;
  };
  return {
    /** The catalog these names are from, `id@version` (null until it has loaded). */
    catalog: c ? `${c.catalogId}@${c.version}` : null,
    recordType,
    list: (code: string) => name(d?.lists, code),
    action: (code: string) => name(d?.actions, code),
    scheme: (code: string) => name(d?.schemes, code),
    measure: (code: string) => name(d?.measures, code),
    source: (code: string) => name(d?.sources, code),
    /** A fact (a data element's code, `caseNo`) by its name. */
    fact: (code: string) => name(elements, code),
    /** A fact's value: an enum value by the name the dictionary gives it, anything else as it is. */
    value: (fact: string, v: unknown) => {
      const named = typeof v === 'string' ? ((byCode(elements, fact)?.enumNames as Record<string, Text> | undefined)?.[v] ?? null) : null;
      return named ? pick(named, lang) : null;
    },
    /** A scheme's rule (`dishonest-debtor`) by what it is about: the name of the record type it acts on. */
    rule: (ruleId: string) => ruleOn(d?.schemes, 'rules', ruleId) ?? ruleOn(d?.lists, 'entries', ruleId) ?? ruleId,
    /** A measure's authority in the UI language, or null when the catalog in force has no such measure. */
    authority: (measure: string) => {
      const a = byCode(d?.measures, measure)?.authority as Text | undefined;
      return a === undefined ? null : pick(a, lang);
    },
    /** The legal basis of an item as text (`measures[<code>]`, `lists[<code>].entries[<id>]`), or null. */
    basis: (item: string) => {
      const b = c?.bases?.[item];
      return b ? pick(b, lang) : null;
    },
    /** The entry rule of a list: how an entry of it ends (its duration, its exit record type). */
    entryRule: (list: string, ruleId: string) => {
      const l = byCode(d?.lists, list);
      const rules = (l?.entries as CatalogItem[] | undefined) ?? [];
      const r = rules.find((x) => x.id === ruleId);
      return r ? { duration: r.duration as string | undefined, exitOn: (r.exit as { on?: string } | undefined)?.on } : null;
    },
  };
}
