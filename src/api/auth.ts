/**
 * Who is asking: API keys (stored as SHA-256 of their secret, shown once), OIDC bearer JWTs
 * verified with `jose` against a configured issuer and JWKS, and — only when the server runs with
 * `--dev` — short-lived tokens from the dev sign-in. All three end in the same `Principal`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT, createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { KEY_ROLES, type ApiKeyRow, type KeyRole, type Store } from '../store/port.js';
import type { Caller } from '../app/access.js';
import { containsRid } from '../ids/rid-finder.js';

/** The caller a credential establishes: the use cases' `Caller`. */
export type Principal = Caller;

/** `xy_` + key id (`k_` + 12 hex) + `_` + secret (32 random bytes, base64url). */
const KEY_RE = /^xy_(k_[0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export function principalOfKey(row: ApiKeyRow): Principal {
  return { role: row.role, actor: `key:${row.id}`, scopes: row.scopes, source: row.source, subjectId: row.subjectId };
}

export interface OidcOptions {
  issuer: string;
  jwksUrl: string;
  audience?: string;
  /** Claim holding the role (default `xinyong_role`). */
  roleClaim?: string;
  /** Claim holding a subject reference for self-service (default `xinyong_subject`). */
  subjectClaim?: string;
  /**
   * The public client id a browser console signs in with (authorization code + PKCE). Only
   * published by `GET /v1/auth/config`; tokens are verified by issuer and audience, not by it.
   */
  clientId?: string;
  /**
   * The longest a token may live (seconds, default 12 hours): one whose `exp` lies further than
   * this after its `iat`, or after now, is refused, so a leaked token cannot be used for years.
   */
  maxLifetimeS?: number;
}

/** The default of `OidcOptions.maxLifetimeS`: 12 hours. */
export const DEFAULT_MAX_TOKEN_LIFETIME_S = 12 * 3600;

/** Resolves a subject reference from a token to an internal id (null when unknown). */
export type SubjectResolver = (ref: string) => Promise<string | null>;

const DEV_ISSUER = 'xinyong-dev';

export class Authenticator {
  /** Verified keys, so a check does not touch the store; re-read after `ttlMs` so revocations land. */
  private readonly cache = new Map<string, { p: Principal | null; at: number }>();
  private readonly jwks: JWTVerifyGetKey | null;
  private readonly devSecret: Uint8Array | null;

  constructor(
    private readonly store: Store,
    private readonly resolveSubject: SubjectResolver,
    private readonly opts: {
      oidc?: OidcOptions;
      dev?: boolean;
      ttlMs?: number;
      clock?: () => number;
      /** Whether the catalog in force has this source: a source token naming another is refused. */
      knowsSource?: (source: string) => boolean;
    } = {},
  ) {
    this.jwks = opts.oidc ? createRemoteJWKSet(new URL(opts.oidc.jwksUrl)) : null;
    this.devSecret = opts.dev ? randomBytes(32) : null;
  }

  get devEnabled(): boolean {
    return this.devSecret !== null;
  }

  /** What a browser needs to start an OIDC sign-in, or null when OIDC is not configured. */
  get oidcClient(): { issuer: string; clientId: string | null } | null {
    const o = this.opts.oidc;
    return o ? { issuer: o.issuer, clientId: o.clientId ?? null } : null;
  }

  /** Forgets a key at once (after a revocation through this process). */
  forget(keyId: string): void {
    for (const k of this.cache.keys()) if (k.startsWith(`xy_${keyId}_`)) this.cache.delete(k);
  }

  /** The principal behind a bearer credential, or null when it is not valid. */
  async authenticate(token: string): Promise<Principal | null> {
    if (token.startsWith('xy_')) return this.fromKey(token);
    if (token.split('.').length === 3) return this.fromJwt(token);
    return null;
  }

  private async fromKey(token: string): Promise<Principal | null> {
    const now = (this.opts.clock ?? Date.now)();
    const hit = this.cache.get(token);
    if (hit && now - hit.at < (this.opts.ttlMs ?? 30_000)) return hit.p;
    const m = KEY_RE.exec(token);
    let p: Principal | null = null;
    if (m) {
      const row = await this.store.getApiKey(m[1]);
      if (row && row.revokedAt === null && timingSafeEqual(Buffer.from(row.secretHash, 'hex'), Buffer.from(sha256(m[2]), 'hex'))) p = principalOfKey(row);
    }
    // Only well-formed keys are cached, so garbage cannot grow the cache.
    if (m) {
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(token, { p, at: now });
    }
    return p;
  }

  private async fromJwt(token: string): Promise<Principal | null> {
    let payload: JWTPayload;
    let via: 'dev' | 'oidc';
    try {
      if (this.devSecret && token.length < 4096 && peekIssuer(token) === DEV_ISSUER) {
        payload = (await jwtVerify(token, this.devSecret, { issuer: DEV_ISSUER, algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] })).payload;
        via = 'dev';
      } else if (this.jwks && this.opts.oidc) {
        payload = (await jwtVerify(token, this.jwks, { issuer: this.opts.oidc.issuer, audience: this.opts.oidc.audience, requiredClaims: ['exp', 'sub'] })).payload;
        via = 'oidc';
      } else return null;
    } catch {
      return null;
    }
    // Every claim is checked for what it must be; anything else refuses the token (never "all").
    const nowS = Math.floor((this.opts.clock ?? Date.now)() / 1000);
    const maxLife = via === 'dev' ? DEV_TOKEN_S : (this.opts.oidc?.maxLifetimeS ?? DEFAULT_MAX_TOKEN_LIFETIME_S);
    const exp = payload.exp as number;
    if (exp - nowS > maxLife || (typeof payload.iat === 'number' && exp - payload.iat > maxLife)) return null;
    // `sub` becomes the actor in the audit log: one per person or machine, plain, and never an ID number.
    if (typeof payload.sub !== 'string' || !SUB_RE.test(payload.sub) || containsRid(payload.sub)) return null;
    const role = payload[this.opts.oidc?.roleClaim ?? 'xinyong_role'] ?? payload.xinyong_role;
    if (typeof role !== 'string' || !(KEY_ROLES as readonly string[]).includes(role)) return null;
    const scopes = scopesOf(payload.xinyong_scopes);
    if (!scopes) return null;
    const p: Principal = { role: role as KeyRole, actor: `${via}:${payload.sub}`, scopes, source: null, subjectId: null };
    if (p.role === 'source') {
      // A source token sends as a source the catalog in force has.
      const source = payload.xinyong_source;
      if (typeof source !== 'string' || !(this.opts.knowsSource?.(source) ?? false)) return null;
      p.source = source;
    }
    if (p.role === 'subject') {
      const ref = payload[this.opts.oidc?.subjectClaim ?? 'xinyong_subject'] ?? payload.xinyong_subject;
      if (typeof ref !== 'string') return null;
      p.subjectId = await this.resolveSubject(ref);
      if (!p.subjectId) return null;
    }
    return p;
  }

  /**
   * A dev token (only with `--dev`): any role, for eight hours. Each token is its own actor
   * (`dev:<role>-<random>`), and a subject's token names the subject by internal id only, never by
   * the identifier it was asked for (a JWT payload is readable by anyone who holds it).
   */
  async devToken(claims: { role: KeyRole; subjectId?: string; source?: string; scopes?: string[] }): Promise<{ token: string; expiresAt: number; actor: string }> {
    if (!this.devSecret) throw new Error('dev sign-in is off');
    if (claims.subjectId !== undefined && !/^s_[0-9a-f]{24}$/.test(claims.subjectId)) throw new Error('a dev token names its subject by internal id');
    const now = (this.opts.clock ?? Date.now)();
    const expiresAt = now + DEV_TOKEN_S * 1000;
    const sub = `${claims.role}-${randomBytes(6).toString('hex')}`;
    const jwt = new SignJWT({ xinyong_role: claims.role, xinyong_subject: claims.subjectId, xinyong_source: claims.source, xinyong_scopes: claims.scopes?.length ? claims.scopes : undefined })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(DEV_ISSUER)
      .setSubject(sub)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(expiresAt / 1000));
    return { token: await jwt.sign(this.devSecret), expiresAt, actor: `dev:${sub}` };
  }
}

/** A dev token lives eight hours. */
const DEV_TOKEN_S = 8 * 3600;

/** An OIDC `sub` (at most 255 ASCII characters, RFC 7519 and OIDC Core 2): printable, no spaces. */
const SUB_RE = /^[\x21-\x7e]{1,255}$/;

/** One scope: an action, a record type or glob (`market.*`, `*`), or `register[:kind]`. */
export const SCOPE_PATTERN = '^[A-Za-z0-9*][A-Za-z0-9._:*-]{0,99}$';
const SCOPE_RE = new RegExp(SCOPE_PATTERN);

/**
 * The `xinyong_scopes` claim: absent means all the role allows; otherwise a non-empty array of
 * scopes, or a string of them separated by spaces. Anything else (`5`, `{}`, `""`, `[]`, `[1,2]`,
 * a scope that is no scope) is null: the token is refused, never read as "all".
 */
export function scopesOf(claim: unknown): string[] | null {
  if (claim === undefined) return [];
  const list: unknown[] | null = typeof claim === 'string' ? claim.split(' ').filter(Boolean) : Array.isArray(claim) ? claim : null;
  if (!list || list.length === 0 || list.length > 100) return null;
  return list.every((x) => typeof x === 'string' && SCOPE_RE.test(x)) ? (list as string[]) : null;
}

function peekIssuer(token: string): string | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof payload.iss === 'string' ? payload.iss : null;
  } catch {
    return null;
  }
}

