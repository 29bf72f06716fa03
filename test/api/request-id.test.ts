/** The caller's request id is kept only when it is plain: never an ID number, markup or a long value, in the answer or the log. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { makeFixture, NOW, type Fixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture({ persons: 1500, enterprises: 200 });
}, 120_000);
afterAll(async () => f?.close());

describe('x-request-id', () => {
  it('is echoed when plain, and replaced by a generated id when it holds an ID number, markup or too many characters', async () => {
    const lines: string[] = [];
    const stream = new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) });
    const s = await buildServer({ ctx: f.ctx, now: () => NOW, logLevel: 'info', logStream: stream, refreshEveryMs: 0, syncEveryMs: 0 });
    try {
      const ask = async (id: string) => {
        const r = await s.app.inject({ method: 'GET', url: '/v1/whoami', headers: { 'x-request-id': id } });
        return { header: String(r.headers['x-request-id']), body: r.body };
      };
      expect((await ask('trace-abc.1')).header).toBe('trace-abc.1');
      for (const bad of ['11010519491231002X', '(2026)011010519491231002X', '<script>alert(1)</script>', 'x'.repeat(500)]) {
        const r = await ask(bad);
        expect(r.header).toMatch(/^req-[0-9a-f]{6}-[0-9a-z]+$/);
        expect(r.body).not.toContain(bad);
      }
      const log = lines.join('');
      for (const bad of ['11010519491231002X', '<script>', 'x'.repeat(100)]) expect(log).not.toContain(bad);
    } finally {
      await s.app.close();
    }
  });
});
