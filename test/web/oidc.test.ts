/**
 * Production sign-in in a real browser: the console sends the user to an identity provider
 * (authorization code with PKCE, through oidc-client-ts), the provider sends them back with a code,
 * the console exchanges it for an access token, and the server verifies that token against the
 * provider's keys. The provider here is a stand-in on a local port that approves every request as
 * a reviewer; everything on xinyong's side is the real thing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, type Server } from '../../src/api/server.js';
import { makeFixture, type Fixture } from '../api/fixture.js';
import { launch, openTab } from './harness.js';

let f: Fixture;
let idp: HttpServer;
let api: Server;
let browser: Browser;
let base: string;
let issuer: string;
/** What the provider saw: each authorization request's PKCE challenge, checked at the token exchange. */
const codes = new Map<string, { challenge: string; clientId: string; nonce?: string }>();
const seen: string[] = [];

beforeAll(async () => {
  f = await makeFixture({ persons: 2000, enterprises: 250 });
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const sign = (claims: Record<string, unknown>, audience: string) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(issuer).setAudience(audience).setSubject('reviewer-7').setIssuedAt().setExpirationTime('10m').sign(privateKey);
  idp = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    seen.push(`${req.method} ${url.pathname}`);
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type, authorization');
    if (req.method === 'OPTIONS') return void res.end();
    const json = (body: unknown, status = 200) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json({ issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`, response_types_supported: ['code'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['ES256'], code_challenge_methods_supported: ['S256'] });
    }
    if (url.pathname === '/jwks') return json({ keys: [jwk] });
    if (url.pathname === '/authorize') {
      // Approve at once: the code remembers the PKCE challenge it must be redeemed with.
      const p = url.searchParams;
      expect(p.get('response_type')).toBe('code');
      expect(p.get('code_challenge_method')).toBe('S256');
      const code = randomBytes(16).toString('hex');
      codes.set(code, { challenge: p.get('code_challenge') ?? '', clientId: p.get('client_id') ?? '', nonce: p.get('nonce') ?? undefined });
      res.writeHead(302, { location: `${p.get('redirect_uri')}?code=${code}&state=${encodeURIComponent(p.get('state') ?? '')}` });
      return void res.end();
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', async () => {
        const form = new URLSearchParams(body);
        const grant = codes.get(form.get('code') ?? '');
        codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (!grant || createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) return json({ error: 'invalid_grant' }, 400);
        json({
          token_type: 'Bearer',
          expires_in: 600,
          access_token: await sign({ xinyong_role: 'reviewer' }, 'xinyong'),
          id_token: await sign({ ...(grant.nonce ? { nonce: grant.nonce } : {}) }, grant.clientId),
        });
      });
      return;
    }
    json({ error: 'not_found' }, 404);
  });
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', () => r()));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  // Real time: jose checks the token's expiry against the clock.
  api = await buildServer({ ctx: f.ctx, logLevel: 'silent', refreshEveryMs: 0, syncEveryMs: 0, oidc: { issuer, jwksUrl: `${issuer}/jwks`, audience: 'xinyong', clientId: 'xinyong-console' } });
  await api.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(api.app.server.address() as AddressInfo).port}`;
  browser = await launch();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.app.close();
  await new Promise((r) => idp?.close(r));
  await f?.close();
});

describe('signing in through the identity provider', () => {
  it('goes to the provider and back with PKCE, and the server accepts the provider’s token', async () => {
    const t = await openTab(browser);
    await t.page.goto(`${base}/lists`);
    // No dev sign-in on this server: the organisation's sign-in is offered.
    expect(await t.page.getByTestId('dev-sign-in').count()).toBe(0);
    await t.page.getByRole('button', { name: 'Sign in with your organisation' }).click();
    await t.page.getByTestId('signed-in-as').waitFor();
    expect(await t.page.getByTestId('signed-in-as').innerText()).toBe('Signed in as Reviewer');
    // Back where the user started, signed in with the provider's access token.
    await expect.poll(() => new URL(t.page.url()).pathname).toBe('/lists');
    expect(seen).toEqual(expect.arrayContaining(['GET /.well-known/openid-configuration', 'GET /authorize', 'POST /token', 'GET /jwks']));
    // Nothing of the provider's user stays in the browser's storage: only the app's own session.
    const stored = await t.page.evaluate(() => [...Object.keys(sessionStorage), ...Object.keys(localStorage)].filter((k) => k.startsWith('oidc.user')));
    expect(stored).toEqual([]);
    expect(t.errors).toEqual([]);
  });
});
