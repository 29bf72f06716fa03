/**
 * The console's only way to the server: the documented HTTP API (/v1 and /public/v1), with the
 * session's bearer token. Errors come back as RFC 9457 problems; `ApiError` keeps their code,
 * field and detail so a page can say what happened and what to do.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { validateRid } from '../ids/cn-rid';
import { validateUscc } from '../ids/cn-uscc';
import { RID_SHAPE, maskRidShapes } from '../ids/rid-finder';
import i18n from './i18n';

export interface Problem {
  status: number;
  code: string;
  title?: string;
  detail?: string;
  field?: string;
  errors?: { field: string; reason: string }[];
  /** Seconds to wait before trying again (a 429's Retry-After). */
  retryAfter?: number;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? problem.code);
  }
}

type TokenSource = () => string | null;
let tokenOf: TokenSource = () => null;
let onUnauthorised: () => void = () => {};

/** The session module registers where the token comes from and what to do on a 401. */
export function configureApi(token: TokenSource, unauthorised: () => void) {
  tokenOf = token;
  onUnauthorised = unauthorised;
}

/**
 * Every call asks for the UI's language: the server gives catalog names, authorities, appeal
 * routes and legal bases in it (docs/api.md, "Languages").
 */
export async function api<T>(path: string, init: { method?: string; body?: unknown; token?: string | null; anonymous?: boolean } = {}): Promise<T> {
  const text = await (await request(path, init, 'application/json')).text();
  try {
    return (text ? JSON.parse(text) : null) as T;
  } catch {
    return null as T;
  }
}

/**
 * A file from the API in the UI's language (an export: the same endpoint with `Accept: text/csv`,
 * docs/api.md "Exports"), with the name the server gives it in Content-Disposition.
 */
export async function apiFile(path: string, accept: string): Promise<{ blob: Blob; filename: string }> {
  const res = await request(path, {}, accept);
  const named = /filename="?([^";]+)"?/.exec(res.headers.get('content-disposition') ?? '');
  return { blob: await res.blob(), filename: named?.[1] ?? 'export.csv' };
}

/** A call with the session's token and the UI's language; a refusal is thrown as the problem it is. */
async function request(path: string, init: { method?: string; body?: unknown; token?: string | null; anonymous?: boolean }, accept: string): Promise<Response> {
  const headers: Record<string, string> = { accept, 'accept-language': i18n.language || 'en' };
  const token = init.anonymous ? null : init.token !== undefined ? init.token : tokenOf();
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    // no-store: answers about persons must not stay in the browser's cache.
    res = await fetch(path, { method: init.method ?? 'GET', headers, cache: 'no-store', body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  } catch {
    throw new ApiError({ status: 0, code: 'XY_UI_NETWORK' });
  }
  if (res.ok) return res;
  let body: unknown = null;
  try {
    body = JSON.parse(await res.text());
  } catch {
    body = null;
  }
  const p = (body && typeof body === 'object' ? body : {}) as Partial<Problem>;
  if (res.status === 401 && !init.anonymous && init.token === undefined) onUnauthorised();
  const wait = Number(res.headers.get('retry-after'));
  const retryAfter = res.status === 429 && Number.isFinite(wait) && wait > 0 ? Math.ceil(wait) : undefined;
  throw new ApiError({ status: res.status, code: p.code ?? `HTTP_${res.status}`, title: p.title, detail: p.detail, field: p.field, errors: p.errors, ...(retryAfter ? { retryAfter } : {}) });
}

export const q = (params: Record<string, string | number | boolean | undefined | null>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const str = s.toString();
  return str ? `?${str}` : '';
};

export interface Loaded<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Loads `path` (null: nothing yet) and reloads when it changes, and when the UI language changes
 * (the answer's catalog texts are in the language asked for). A read that is `logged` with a
 * purpose and shown to the person is not made again for a language switch (that would be a second
 * read in their access log): its page takes catalog texts from the catalog, in either language.
 */
export function useApi<T>(path: string | null, opts: { anonymous?: boolean; logged?: boolean } = {}): Loaded<T> {
  const [state, setState] = useState<{ data: T | null; error: ApiError | null; loading: boolean; path?: string }>({ data: null, error: null, loading: path !== null });
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const { i18n: inst } = useTranslation();
  const lang = opts.logged ? null : inst.language;
  useEffect(() => {
    if (path === null) {
      setState({ data: null, error: null, loading: false });
      return;
    }
    const mine = ++seq.current;
    // A new path starts empty (another subject's data must never show under this one); a reload keeps what is shown.
    setState((s) => ({ data: s.path === path ? s.data : null, error: null, loading: true, path }));
    api<T>(path, { anonymous: opts.anonymous }).then(
      (data) => mine === seq.current && setState({ data, error: null, loading: false, path }),
      (error: unknown) => mine === seq.current && setState({ data: null, error: asApiError(error), loading: false, path }),
    );
  }, [path, tick, opts.anonymous, lang]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Any thrown value as an ApiError, so every error box can say what happened. */
export const asApiError = (e: unknown): ApiError => (e instanceof ApiError ? e : new ApiError({ status: 0, code: 'XY_UI_UNKNOWN', detail: e instanceof Error ? e.message : String(e) }));

/**
 * A user action that calls the API: `busy` while it runs (buttons disable), and the error it ended
 * with, if any. `run` resolves to whether it succeeded.
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = useCallback(async (f: () => Promise<unknown>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await f();
      return true;
    } catch (e) {
      setError(asApiError(e));
      return false;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}

/** An 18-character resident ID number, as typed. */
export const isIdNumber = (v: string) => new RegExp(`^${RID_SHAPE.source}$`).test(v);

/** Whether text holds what looks like an ID number anywhere (spaces ignored): such text must not be kept, echoed or put in an address. */
export const holdsIdNumber = (v: string) => new RegExp(RID_SHAPE.source).test(v.replace(/\s+/g, ''));

/** Text with every ID number in it masked as the server masks them: the first 6 and the last 4 characters. */
export const maskIdNumbers = (v: string) => maskRidShapes(v.replace(/\s+/g, ''));

/**
 * What a user typed as a subject, as an API reference: a bare ID number or credit code gets its
 * scheme. Eighteen digits, or seventeen and an X, can be either: the code's own check character
 * decides (GB 32100 for a credit code, ISO 7064 MOD 11-2 for an ID number, the server's own
 * validators); one that is neither is sent as an ID number, and the server says what is wrong.
 */
export function subjectRef(typed: string): string {
  const v = typed.replace(/\s+/g, '');
  const u = v.toUpperCase();
  if (isIdNumber(v) && !(validateUscc(u).ok && !validateRid(u).ok)) return `cn-rid:${u}`;
  if (/^[0-9A-Z]{18}$/.test(u)) return `cn-uscc:${u}`;
  return v;
}

/** Whether a key's scopes allow an action, matched as the server matches them (empty allows all; `*` and `prefix.*`). */
export function scopeAllows(scopes: readonly string[], code: string): boolean {
  if (scopes.length === 0) return true;
  return scopes.some((s) => s === '*' || s === code || (s.endsWith('*') && code.startsWith(s.slice(0, -1))));
}
