/**
 * The web app served by the API process: page paths answer with the app's HTML and a strict
 * Content-Security-Policy; built assets are served with long caching; nothing else leaks through
 * (API paths stay API errors, no path escapes the assets folder).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webDir } from '../../src/api/web.js';
import { makeFixture, type Fixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture();
}, 60_000);
afterAll(() => f?.close());

describe('the web app', () => {
  const index = () => readFileSync(join(webDir(), 'index.html'), 'utf8');

  it.each(['/', '/overview', '/subjects/s_0123456789abcdef01234567', '/catalog', '/public', '/public/org/cn-uscc:91350100M000100Y43', '/public/person', '/public/me'])('serves the app at %s', async (url) => {
    const r = await f.req({ method: 'GET', url });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toBe(index());
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
  });

  it('lets the configured identity provider be called for sign-in, and nothing else', async () => {
    const g = await makeFixture({ server: { oidc: { issuer: 'https://id.example.gov.cn/realms/credit', jwksUrl: 'https://id.example.gov.cn/realms/credit/certs', audience: 'xinyong', clientId: 'console' } } });
    try {
      const csp = String((await g.req({ method: 'GET', url: '/' })).headers['content-security-policy']);
      expect(csp).toContain("connect-src 'self' https://id.example.gov.cn;");
      expect(csp).toContain("form-action 'self' https://id.example.gov.cn;");
    } finally {
      await g.close();
    }
  });

  it('serves the built assets with long caching, and only files of the build', async () => {
    const js = readdirSync(join(webDir(), 'assets')).find((n) => n.endsWith('.js'))!;
    const r = await f.req({ method: 'GET', url: `/assets/${js}` });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/javascript/);
    expect(r.headers['cache-control']).toContain('immutable');
    expect(r.body).toBe(readFileSync(join(webDir(), 'assets', js), 'utf8'));
    for (const url of ['/assets/nothing.js', '/assets/..%2Findex.html', '/assets/..%2F..%2Fpackage.json', '/assets/%2e%2e%2f%2e%2e%2fpackage.json']) {
      const bad = await f.req({ method: 'GET', url });
      expect(bad.statusCode, url).toBe(404);
      expect(bad.headers['content-type'], url).toMatch(/^application\/problem\+json/);
    }
  });

  it('keeps API paths API errors: an unknown one is a problem, never the app', async () => {
    for (const url of ['/v1/nothing', '/public/v1/nothing', '/public/v1/subjects/a/b', '/public/somewhere']) {
      const r = await f.req({ method: 'GET', url });
      expect(r.statusCode, url).toBe(404);
      expect(r.json(), url).toMatchObject({ code: 'XY_ERR_ROUTE_NOT_FOUND' });
    }
  });

  it("answers a browser's mistyped page address with the app and 404, which shows its own page not found", async () => {
    const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };
    for (const url of ['/nosuchpage', '/public/nosuch', '/subjects/a/b', '/public/org/x/y?q=1']) {
      const r = await f.req({ method: 'GET', url, headers: html });
      expect(r.statusCode, url).toBe(404);
      expect(r.headers['content-type'], url).toBe('text/html; charset=utf-8');
      expect(r.body, url).toBe(index());
      expect(String(r.headers['content-security-policy']), url).toContain("script-src 'self'");
    }
    // API and server paths stay problems, whatever the client accepts; so do other methods and non-browsers.
    for (const [method, url, headers] of [
      ['GET', '/v1/nothing', html],
      ['GET', '/public/v1/nothing', html],
      ['GET', '/assets/nothing.js', html],
      ['GET', '/docs/nothing', html],
      ['GET', '/healthz/x', html],
      ['POST', '/nosuchpage', html],
      ['GET', '/nosuchpage', { accept: 'application/json' }],
      ['GET', '/nosuchpage', {}],
    ] as const) {
      const r = await f.req({ method, url, headers });
      expect(r.statusCode, `${method} ${url}`).toBe(404);
      expect(r.headers['content-type'], `${method} ${url}`).toMatch(/^application\/problem\+json/);
      expect(r.json(), url).toMatchObject({ code: 'XY_ERR_ROUTE_NOT_FOUND' });
    }
  });
});
