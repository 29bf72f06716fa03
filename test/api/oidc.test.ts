/**
 * OIDC bearer tokens, verified with jose against a real JWKS served over HTTP by a stand-in
 * identity provider: the role comes from a claim, a subject's token maps to their record.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type Server } from '../../src/api/server.js';
import { makeFixture, type Fixture } from './fixture.js';

let f: Fixture;
let idp: HttpServer;
let api: Server;
let key: CryptoKey;
let other: CryptoKey;
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
  api = await buildServer({ ctx: f.ctx, logLevel: 'silent', refreshEveryMs: 0, oidc: { issuer: ISSUER, jwksUrl: `http://127.0.0.1:${port}/jwks.json`, audience: 'xinyong' } });
}, 60_000);

afterAll(async () => {
  await api?.app.close();
  await new Promise((r) => idp?.close(r));
  await f?.close();
});

function token(claims: Record<string, unknown>, opts: { issuer?: string; audience?: string; signWith?: CryptoKey; exp?: string | number } = {}) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(opts.issuer ?? ISSUER)
    .setAudience(opts.audience ?? 'xinyong')
    .setSubject('user-1')
    .setIssuedAt()
    .setExpirationTime(opts.exp ?? '10m')
    .sign(opts.signWith ?? key);
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

  it('a valid token with the wrong role is forbidden, not unauthenticated', async () => {
    const r = await get(`/v1/subjects/${f.org.id}?purpose=x-check`, await token({ xinyong_role: 'checker' }));
    expect(r.statusCode).toBe(403);
  });
});
