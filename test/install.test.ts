/**
 * The README's first command on this project's Node (20): `npm install`, and `npm ci` in CI, from
 * the lock file, without engine warnings. cookie 2 (pulled in by light-my-request, under fastify)
 * wants Node 22; package.json's `overrides` keeps it at cookie 1, which light-my-request's one
 * call (`stringifySetCookie`) works with. A dry run reads only package.json and the lock file.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

describe('npm ci', () => {
  it('installs from the lock file with no EBADENGINE warning on this Node (issue 16 finding 15)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xy-install-'));
    try {
      for (const f of ['package.json', 'package-lock.json']) copyFileSync(join(ROOT, f), join(dir, f));
      const r = spawnSync('npm', ['ci', '--dry-run', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout + r.stderr).not.toMatch(/EBADENGINE/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives fastify’s inject (light-my-request) a cookie it can use on Node 20', async () => {
    const app = Fastify();
    app.get('/', async (req) => req.headers.cookie ?? 'none');
    const r = await app.inject({ url: '/', cookies: { a: 'b c' } });
    expect(r.payload).toBe('a=b%20c');
    await app.close();
  });
});
