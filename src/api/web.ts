/**
 * The web console (at `/`) and the public portal (at `/public`): the React app built by Vite into
 * dist/web, served by this process. Its only data source is the documented API. Page paths answer
 * with the app's index.html (the app routes in the browser); hashed assets are cached for a year.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { packageRoot } from '../app/paths.js';

/** The console's and the portal's page paths (the app's own routes). */
// Listed one by one rather than as a wildcard, so that an unknown path under /public/v1 stays an
// API error (404, or 414 for an over-long segment) and never becomes a page.
export const WEB_PAGES = ['/', '/sign-in', '/overview', '/subjects', '/subjects/:ref', '/lists', '/catalog', '/review', '/review/:id', '/audit', '/keys', '/checks', '/public', '/public/org/:ref', '/public/person', '/public/me'] as const;

/**
 * Paths that belong to the API or the server, never to the app: an unknown one under these stays a
 * problem+json 404 whatever the client accepts.
 */
const NOT_PAGES = /^\/(v1|public\/v1|assets|docs|healthz)(\/|$)/;

/**
 * Whether an unknown address is a mistyped page: a GET or HEAD from a browser (it accepts
 * text/html) for a path outside the API's. Such a request gets the app with status 404, and the
 * app shows its own "page not found" (console or portal, by the path).
 */
export function isMistypedPage(req: FastifyRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = req.url.split('?')[0];
  if (NOT_PAGES.test(path)) return false;
  return /\btext\/html\b/i.test(req.headers.accept ?? '');
}

/** The built app: dist/web, or XY_WEB_DIR (a development build elsewhere, e.g. `vite build --outDir`). */
export function webDir(): string {
  return process.env.XY_WEB_DIR || join(packageRoot(), 'dist', 'web');
}

/** Content-Security-Policy for the app: its own scripts only; the identity provider may be called for sign-in. */
function csp(issuer: string | undefined): string {
  const idp = issuer ? ` ${new URL(issuer).origin}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    // ECharts and React set inline style attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    `connect-src 'self'${idp}`,
    `form-action 'self'${idp}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join('; ');
}

/** Answers with the app's index.html: 200 for a page, 404 from the not-found handler (a mistyped address). */
export type WebPage = (req: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply>;

export async function registerWeb(app: FastifyInstance, o: { oidcIssuer?: string } = {}): Promise<WebPage> {
  const dir = webDir();
  const policy = csp(o.oidcIssuer);
  const page = async (req: FastifyRequest, reply: FastifyReply) => {
    // Read on each page load (a few hundred bytes): a rebuild takes effect without a restart.
    const index = existsSync(join(dir, 'index.html')) ? readFileSync(join(dir, 'index.html'), 'utf8') : null;
    reply
      .header('content-security-policy', policy)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache');
    if (index === null) {
      return reply
        .code(503)
        .type('text/html; charset=utf-8')
        .send('<!doctype html><html lang="en"><meta charset="utf-8"><title>xinyong</title><h1>The web console is not built</h1><p>Run <code>npm run build</code> (or <code>npm install</code>, which builds it), then restart the server. The API is available under <a href="/docs">/docs</a>.</p></html>');
    }
    // A mistyped address (from the not-found handler) is still a 404, with the app to say so.
    return reply.code(req.is404 ? 404 : 200).type('text/html; charset=utf-8').send(index);
  };
  // `page`: the server reads nothing of a page's address (the app in the browser does, and refuses an
  // ID number there itself), so the free-text hook lets it through; the log masks the address.
  for (const url of WEB_PAGES) app.get(url, { config: { access: ['public'], page: true }, schema: { hide: true } }, page);
  // Registered even before a build exists: a build made while the server runs is served at once.
  await app.register(
    async (assets) => {
      await assets.register(fastifyStatic, { root: join(dir, 'assets'), serve: false, index: false });
      assets.get('/:file', { config: { access: ['public'] }, schema: { hide: true } }, (req, reply) => {
        const { file } = req.params as { file: string };
        if (!/^[\w.-]+\.(js|css|svg|png|woff2?)$/.test(file) || !existsSync(join(dir, 'assets', file))) return reply.callNotFound();
        reply.header('x-content-type-options', 'nosniff');
        // File names carry a content hash: a new build has new names.
        return reply.sendFile(file, { immutable: true, maxAge: '365d' });
      });
    },
    { prefix: '/assets' },
  );
  return page;
}
