/** The catalog in force (`GET /v1/catalog`), loaded once per session, for names, legal bases and exit conditions. */
import { useEffect, useState } from 'react';
import { api } from './api';
import type { CatalogDocT, CatalogItem } from './types';

export interface CatalogInForce {
  catalogId: string;
  version: string;
  hash: string;
  publishedAt: string | null;
  doc: CatalogDocT;
}

let cache: { token: string | null; p: Promise<CatalogInForce> } | null = null;

export function useCatalog(token: string | null): CatalogInForce | null {
  const [c, setC] = useState<CatalogInForce | null>(null);
  useEffect(() => {
    if (!cache || cache.token !== token) cache = { token, p: api<CatalogInForce>('/v1/catalog') };
    let live = true;
    cache.p.then(
      (v) => live && setC(v),
      () => {
        cache = null;
      },
    );
    return () => {
      live = false;
    };
  }, [token]);
  return c;
}

export function forgetCatalog() {
  cache = null;
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
