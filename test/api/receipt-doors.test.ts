/**
 * One receipt format for every door: `xinyong check` and `POST /v1/checks`, asked the same
 * question about the same subject and instant, give the same answer and write audit entries of
 * the same shape, and `GET /v1/checks/{receipt}` reads either. `--json` keeps both languages of
 * every catalog text; the API gives the one `Accept-Language` asks for (English without it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localize } from '../../src/domain/types.js';
import { makeFixture, type Fixture } from './fixture.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'xinyong.js');
const AIR = 'transport.air.ticket';
const AT = '2026-11-01T00:00:00.000Z';

let f: Fixture;
beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does it first)');
  f = await makeFixture({ persons: 1500, enterprises: 200 });
}, 120_000);
afterAll(async () => f?.close());

function cliCheck(subject: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, [BIN, '--db', join(f.dir, 'x.db'), 'check', '--subject', subject, '--action', AIR, '--at', AT, '--reference', 'order-1', '--json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

/** An object's shape: its keys, recursively (arrays by their first item), without the values. */
function shape(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? [shape(v[0])] : [];
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, shape(x)]));
  return typeof v;
}

describe('a check through the CLI and through the API', () => {
  it('answers alike, writes receipts of the same shape, and either receipt reads back through GET /v1/checks/{receipt}', async () => {
    for (const subject of [f.org.ref, f.person, f.clean, 'cn-rid:110101199003074514']) {
      const byCli = cliCheck(subject);
      const r = await f.req({ method: 'POST', url: '/v1/checks', role: 'checker', payload: { subject, action: AIR, at: AT, reference: 'order-1' } });
      expect(r.statusCode, r.body).toBe(200);
      const byApi = r.json();
      const { receipt: rc1, ...a } = byCli;
      const { receipt: rc2, ...b } = byApi;
      expect(rc1).toMatch(/^rc_[0-9a-f]{32}$/);
      expect(rc2).toMatch(/^rc_[0-9a-f]{32}$/);
      // The same question at the same instant: the same answer, field for field, in the reader's language.
      expect(localize(a, 'en')).toEqual(b);
      const zh = await f.req({ method: 'POST', url: '/v1/checks', role: 'checker', headers: { 'accept-language': 'zh-CN' }, payload: { subject, action: AIR, at: AT, reference: 'order-1' } });
      const { receipt: _rc3, ...c } = zh.json();
      expect(localize(a, 'zh-CN')).toEqual(c);

      // What each door kept in the audit chain.
      await f.server.svc.receipts.flush();
      const entries = (await f.ctx.store.auditPage({ limit: 50, actions: ['check.decided'] })).filter((e) => [rc1, rc2].includes((e.data as { receipt: string }).receipt));
      expect(entries).toHaveLength(2);
      const [cliEntry, apiEntry] = [rc1, rc2].map((rc) => entries.find((e) => (e.data as { receipt: string }).receipt === rc)!);
      expect(shape(cliEntry.data)).toEqual(shape(apiEntry.data));
      expect(cliEntry.subjectId).toBe(apiEntry.subjectId);

      // Either receipt reads back, as the answer that was given.
      for (const [rc, answer] of [[rc1, byCli], [rc2, byApi]] as const) {
        const read = await f.req({ method: 'GET', url: `/v1/checks/${rc}?purpose=receipt%20audit`, role: 'reviewer' });
        expect(read.statusCode, read.body).toBe(200);
        expect(read.json().decided).toEqual(localize(answer, 'en'));
      }
    }
  }, 120_000);
});
