/**
 * Who is asking: API keys (stored as SHA-256 of their secret, shown once), OIDC bearer JWTs
 * verified with `jose` against a configured issuer and JWKS, and — only when the server runs with
 * `--dev` — short-lived tokens from the dev sign-in. All three end in the same `Principal`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT, createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { KEY_ROLES, type ApiKeyRow, type KeyRole, type Store } from '../store/port.js';
import type { Caller } from '../app/access.js';

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
}

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
    private readonly opts: { oidc?: OidcOptions; dev?: boolean; ttlMs?: number; clock?: () => number } = {},
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
        payload = (await jwtVerify(token, this.devSecret, { issuer: DEV_ISSUER, algorithms: ['HS256'] })).payload;
        via = 'dev';
      } else if (this.jwks && this.opts.oidc) {
        payload = (await jwtVerify(token, this.jwks, { issuer: this.opts.oidc.issuer, audience: this.opts.oidc.audience, requiredClaims: ['exp'] })).payload;
        via = 'oidc';
      } else return null;
    } catch {
      return null;
    }
    const role = payload[this.opts.oidc?.roleClaim ?? 'xinyong_role'] ?? payload.xinyong_role;
    if (typeof role !== 'string' || !(KEY_ROLES as readonly string[]).includes(role)) return null;
    const scopes = payload.xinyong_scopes;
    const p: Principal = {
      role: role as KeyRole,
      actor: `${via}:${typeof payload.sub === 'string' ? payload.sub : role}`,
      scopes: Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : typeof scopes === 'string' ? scopes.split(' ').filter(Boolean) : [],
      source: typeof payload.xinyong_source === 'string' ? payload.xinyong_source : null,
      subjectId: null,
    };
    if (p.role === 'source' && !p.source) return null;
    if (p.role === 'subject') {
      const ref = payload[this.opts.oidc?.subjectClaim ?? 'xinyong_subject'] ?? payload.xinyong_subject;
      if (typeof ref !== 'string') return null;
      p.subjectId = await this.resolveSubject(ref);
      if (!p.subjectId) return null;
    }
    return p;
  }

  /** A dev token (only with `--dev`): any role, for eight hours. */
  async devToken(claims: { role: KeyRole; subject?: string; source?: string; scopes?: string[] }): Promise<{ token: string; expiresAt: number }> {
    if (!this.devSecret) throw new Error('dev sign-in is off');
    const now = (this.opts.clock ?? Date.now)();
    const expiresAt = now + 8 * 3_600_000;
    const jwt = new SignJWT({ xinyong_role: claims.role, xinyong_subject: claims.subject, xinyong_source: claims.source, xinyong_scopes: claims.scopes })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(DEV_ISSUER)
      .setSubject(`dev-${claims.role}`)
      .setIssuedAt(Math.floor(now / 1000))
      .setExpirationTime(Math.floor(expiresAt / 1000));
    return { token: await jwt.sign(this.devSecret), expiresAt };
  }
}

function peekIssuer(token: string): string | null {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { iss?: unknown };
    return typeof payload.iss === 'string' ? payload.iss : null;
  } catch {
    return null;
  }
}

