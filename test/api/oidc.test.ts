/**
 * OIDC bearer tokens, verified with jose against a real JWKS served over HTTP by a stand-in
 * identity provider: the role comes from a claim, a subject's token maps to their record.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OidcOptions } from '../../src/api/auth.js';
import { buildServer, type Server } from '../../src/api/server.js';
import { makeFixture, type Fixture } from './fixture.js';

let f: Fixture;
let idp: HttpServer;
let api: Server;
let key: CryptoKey;
let other: CryptoKey;
let oidcOptions: OidcOptions;
const ISSUER = 'https://id.example.gov.cn';

beforeAll(async () => {
  f = await makeFixture();
  const pair = await generateKeyPair('ES256');
  key = pair.privateKey;
  other = (await generateKeyPair('ES256')).privateKey;
  // The JWKS publishes the public half of `key` only.
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  idp = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', () => r()));
  const port = (idp.address() as AddressInfo).port;
  // Real time here: jose checks exp against the clock.
  oidcOptions = { issuer: ISSUER, jwksUrl: `http://127.0.0.1:${port}/jwks.json`, audience: 'xinyong' };
  api = await buildServer({ ctx: f.ctx, logLevel: 'silent', refreshEveryMs: 0, oidc: oidcOptions });
}, 60_000);

afterAll(async () => {
  await api?.app.close();
  await new Promise((r) => idp?.close(r));
  await f?.close();
});

function token(claims: Record<string, unknown>, opts: { issuer?: string; audience?: string; signWith?: CryptoKey; exp?: string | number; iat?: number; sub?: string | null } = {}) {
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(opts.issuer ?? ISSUER)
    .setAudience(opts.audience ?? 'xinyong')
    .setIssuedAt(opts.iat)
    .setExpirationTime(opts.exp ?? '10m');
  if (opts.sub !== null) jwt.setSubject(opts.sub ?? 'user-1');
  return jwt.sign(opts.signWith ?? key);
}

const get = (url: string, t: string) => api.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${t}` } });

describe('OIDC bearer tokens', () => {
  it('a reviewer token from the configured issuer reads a record; its actor is the token subject', async () => {
    const r = await get(`/v1/subjects/${f.org.id}?purpose=audit%20sample`, await token({ xinyong_role: 'reviewer' }));
    expect(r.statusCode).toBe(200);
    const t = await token({ xinyong_role: 'checker' });
    const c = await api.app.inject({ method: 'POST', url: '/v1/checks', headers: { authorization: `Bearer ${t}` }, payload: { subject: f.org.id, action: 'transport.air.ticket' } });
    expect(c.json().decision).toBe('deny');
    await api.svc.receipts.flush();
    expect((await f.ctx.store.findReceipt(c.json().receipt))?.actor).toBe('oidc:user-1');
  });

  it('a subject token maps to the person and opens /v1/me', async () => {
    const r = await get('/v1/me', await token({ xinyong_role: 'subject', xinyong_subject: f.person }));
    expect(r.statusCode).toBe(200);
    expect(r.json().record.subject.id).toBe(f.person);
  });

  it('refuses tokens that are expired, from another issuer or audience, signed by another key, or without a known role', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    const bad = [
      await token({ xinyong_role: 'reviewer' }, { exp: past }),
      await token({ xinyong_role: 'reviewer' }, { issuer: 'https://evil.example' }),
      await token({ xinyong_role: 'reviewer' }, { audience: 'someone-else' }),
      await token({ xinyong_role: 'reviewer' }, { signWith: other }),
      await token({ xinyong_role: 'superuser' }),
      await token({}),
      await token({ xinyong_role: 'subject', xinyong_subject: 's_0000000000000000deadbeef' }),
    ];
    for (const t of bad) {
      const r = await get(`/v1/subjects/${f.org.id}?purpose=x-check`, t);
      expect(r.statusCode).toBe(401);
      expect(r.json().code).toBe('XY_ERR_UNAUTHENTICATED');
    }
  });

  it('refuses a malformed xinyong_scopes claim instead of reading it as "all actions"', async () => {
    for (const scopes of [5, {}, '', '   ', [], [1, 2], ['transport.air.ticket', 7], [''], ['a b'], null, true]) {
      const r = await get('/v1/whoami', await token({ xinyong_role: 'checker', xinyong_scopes: scopes }));
      expect(r.statusCode, JSON.stringify(scopes)).toBe(401);
    }
    // Well-formed scopes, as an array or a space-separated string, are kept; an absent claim is all.
    for (const [scopes, kept] of [[['transport.air.ticket'], ['transport.air.ticket']], ['transport.air.ticket  procurement.bid', ['transport.air.ticket', 'procurement.bid']], [undefined, []]] as const) {
      const r = await get('/v1/whoami', await token({ xinyong_role: 'checker', ...(scopes === undefined ? {} : { xinyong_scopes: scopes }) }));
      expect(r.statusCode).toBe(200);
      expect(r.json().scopes).toEqual(kept);
    }
  });

  it('refuses a token without `sub` (no shared actor), or whose `sub` is no plain id', async () => {
    for (const sub of [null, '', 'two words', 'x'.repeat(256), 'user-110101199003074514']) {
      const r = await get('/v1/whoami', await token({ xinyong_role: 'checker' }, { sub }));
      expect(r.statusCode, String(sub)).toBe(401);
    }
    // Two people, two actors: one cannot read the other's receipts.
    const [a, b] = [await token({ xinyong_role: 'checker' }, { sub: 'alice' }), await token({ xinyong_role: 'checker' }, { sub: 'bob' })];
    const c = await api.app.inject({ method: 'POST', url: '/v1/checks', headers: { authorization: `Bearer ${a}` }, payload: { subject: f.org.id, action: 'transport.air.ticket' } });
    expect(c.statusCode).toBe(200);
    expect((await get(`/v1/checks/${c.json().receipt}`, a)).statusCode).toBe(200);
    expect((await get(`/v1/checks/${c.json().receipt}`, b)).statusCode).toBe(404);
  });

  it('refuses a source token naming a source the catalog does not have', async () => {
    const known = [...f.ctx.catalog.sources.keys()][0];
    const ok = await get('/v1/whoami', await token({ xinyong_role: 'source', xinyong_source: known }));
    expect(ok.statusCode).toBe(200);
    expect(ok.json().source).toBe(known);
    for (const source of ['no-such-source', undefined, 5, '']) {
      const r = await get('/v1/whoami', await token({ xinyong_role: 'source', ...(source === undefined ? {} : { xinyong_source: source }) }));
      expect(r.statusCode, String(source)).toBe(401);
    }
  });

  it('refuses a token that lives longer than the maximum lifetime (12 hours by default)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const year3000 = Date.UTC(3000, 0, 1) / 1000;
    for (const t of [await token({ xinyong_role: 'reviewer' }, { exp: year3000 }), await token({ xinyong_role: 'reviewer' }, { exp: now + 13 * 3600 }), await token({ xinyong_role: 'reviewer' }, { iat: now - 12 * 3600, exp: now + 600 })]) {
      expect((await get('/v1/whoami', t)).statusCode).toBe(401);
    }
    expect((await get('/v1/whoami', await token({ xinyong_role: 'reviewer' }, { exp: now + 11 * 3600 }))).statusCode).toBe(200);
    // The maximum is configurable.
    const short = await buildServer({ ctx: f.ctx, logLevel: 'silent', refreshEveryMs: 0, syncEveryMs: 0, oidc: { ...oidcOptions, maxLifetimeS: 600 } });
    try {
      const whoami = async (t: string) => (await short.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${t}` } })).statusCode;
      expect(await whoami(await token({ xinyong_role: 'reviewer' }, { exp: now + 3600 }))).toBe(401);
      expect(await whoami(await token({ xinyong_role: 'reviewer' }, { exp: now + 300 }))).toBe(200);
    } finally {
      await short.app.close();
    }
  });

  it('a valid token with the wrong role is forbidden, not unauthenticated', async () => {
    const r = await get(`/v1/subjects/${f.org.id}?purpose=x-check`, await token({ xinyong_role: 'checker' }));
    expect(r.statusCode).toBe(403);
  });
});
