/** The catalog in force (`GET /v1/catalog`), loaded once per session, for names, legal bases and exit conditions. */
import { useEffect, useState } from 'react';
import { api, asApiError, type ApiError } from './api';
import type { CatalogDocT, CatalogItem } from './types';

export interface CatalogInForce {
  catalogId: string;
  version: string;
  hash: string;
  publishedAt: string | null;
  doc: CatalogDocT;
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

export function names(c: CatalogInForce | null) {
  const d = c?.doc;
  return {
    recordType: (code: string) => (byCode(d?.recordTypes, code)?.name as string | undefined) ?? code,
    list: (code: string) => (byCode(d?.lists, code)?.name as string | undefined) ?? code,
    action: (code: string) => (byCode(d?.actions, code)?.name as string | undefined) ?? code,
    scheme: (code: string) => (byCode(d?.schemes, code)?.name as string | undefined) ?? code,
    /** The entry rule of a list: how an entry of it ends (its duration, its exit record type). */
    entryRule: (list: string, ruleId: string) => {
      const l = byCode(d?.lists, list);
      const rules = (l?.entries as CatalogItem[] | undefined) ?? [];
      const r = rules.find((x) => x.id === ruleId);
      return r ? { duration: r.duration as string | undefined, exitOn: (r.exit as { on?: string } | undefined)?.on } : null;
    },
  };
}
