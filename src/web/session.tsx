/**
 * Who is signed in. A session is a bearer token (a dev sign-in token, an OIDC access token or a
 * pasted API key) plus what `GET /v1/whoami` says about it. The console and the portal keep
 * separate sessions in sessionStorage, so a staff session never leaks into the public portal.
 */
import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, configureApi } from './api';

export type Role = 'source' | 'checker' | 'reviewer' | 'author' | 'admin' | 'subject';

export interface Session {
  token: string;
  role: Role;
  actor: string;
  subjectId?: string;
  scopes: string[];
  expiresAt?: string;
}

export interface Whoami {
  role: Role;
  actor: string;
  subjectId?: string;
  source?: string;
  scopes: string[];
}

export interface AuthConfig {
  devSignIn: boolean;
  oidc: { issuer: string; clientId: string | null } | null;
}

interface SessionApi {
  session: Session | null;
  /** Validates the token with the server, then keeps it. */
  signIn(token: string, expiresAt?: string): Promise<Session>;
  signOut(): void;
  expired: boolean;
}

const Ctx = createContext<SessionApi | null>(null);

const load = (key: string): Session | null => {
  try {
    const s = JSON.parse(sessionStorage.getItem(key) ?? 'null') as Session | null;
    if (s && s.expiresAt && Date.parse(s.expiresAt) < Date.now()) return null;
    return s;
  } catch {
    return null;
  }
};

export function SessionProvider({ storageKey, children }: { storageKey: string; children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => load(storageKey));
  const [expired, setExpired] = useState(false);
  const signOut = useCallback(() => {
    sessionStorage.removeItem(storageKey);
    setSession(null);
  }, [storageKey]);
  // Set during render, not in an effect: children's effects (their first requests) run before ours.
  const current = useRef(session);
  current.current = session;
  configureApi(
    () => current.current?.token ?? null,
    () => {
      if (current.current) setExpired(true);
      signOut();
    },
  );
  const signIn = useCallback(
    async (token: string, expiresAt?: string) => {
      const who = await api<Whoami>('/v1/whoami', { token });
      const s: Session = { token, role: who.role, actor: who.actor, subjectId: who.subjectId, scopes: who.scopes, expiresAt };
      sessionStorage.setItem(storageKey, JSON.stringify(s));
      setExpired(false);
      setSession(s);
      return s;
    },
    [storageKey],
  );
  const value = useMemo(() => ({ session, signIn, signOut, expired }), [session, signIn, signOut, expired]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useSession(): SessionApi {
  const v = useContext(Ctx);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}
