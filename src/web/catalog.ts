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
  return {
    /** The catalog these names are from, `id@version` (null until it has loaded). */
    catalog: c ? `${c.catalogId}@${c.version}` : null,
    recordType: (code: string) => name(d?.recordTypes, code),
    list: (code: string) => name(d?.lists, code),
    action: (code: string) => name(d?.actions, code),
    scheme: (code: string) => name(d?.schemes, code),
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
