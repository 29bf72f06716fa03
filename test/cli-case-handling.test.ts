/**
 * Case handling at the command line (issue 17, build item 3), in parity with the API: `case`
 * shows one case with its evidence (SHA-256 included) and history, a read that needs a purpose and
 * is in the person's access log; `case-assign` takes a case or gives it to another reviewer; and
 * `cases` filters by source and assignee. Run in-process on the fixture's database.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/cli/main.js';
import { makeFixture, type Fixture } from './api/fixture.js';

let f: Fixture;
let ob: string;
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n');

beforeAll(async () => {
  f = await makeFixture({ persons: 1500, enterprises: 200 });
  const me = (await f.req({ method: 'GET', url: '/v1/me', role: 'subject' })).json();
  const recordId = me.record.state.entries[0].reasons[0].recordId;
  const r = await f.req({ method: 'POST', url: '/v1/objections', role: 'subject', payload: { recordId, reasons: 'This case was settled.' } });
  expect(r.statusCode, r.body).toBe(201);
  ob = r.json().id;
  const e = await f.req({ method: 'POST', url: `/v1/cases/${ob}/evidence`, role: 'subject', payload: { filename: 'settlement.pdf', contentType: 'application/pdf', content: PDF.toString('base64') } });
  expect(e.statusCode, e.body).toBe(201);
  await f.server.app.close();
}, 120_000);
afterAll(async () => f?.close());

/** Runs the CLI in this process; its stdout, stderr and exit code. */
async function cli(args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  const l = vi.spyOn(console, 'log').mockImplementation((...a) => void (out += `${a.join(' ')}\n`));
  process.exitCode = 0;
  try {
    await main(['node', 'xinyong', '--db', join(f.dir, 'x.db'), ...args]);
  } finally {
    o.mockRestore();
    e.mockRestore();
    l.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

describe('xinyong case, case-assign and cases filters', () => {
  it('shows one case with its evidence and history, only with a purpose, logged for the person', async () => {
    const refused = await cli(['case', ob]);
    expect(refused.code).not.toBe(0);
    const shown = await cli(['case', ob, '--purpose', 'deciding the objection']);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toContain('settlement.pdf');
    expect(shown.out).toContain(`sha256 ${createHash('sha256').update(PDF).digest('hex')}  settlement.pdf`);
    expect(shown.out).toMatch(/history:\n\s+\S+\s+filed\s+by /);
    const json = JSON.parse((await cli(['--json', 'case', ob, '--purpose', 'deciding the objection'])).out);
    expect(json.evidence[0]).toMatchObject({ filename: 'settlement.pdf', size: PDF.length });
    expect(json.evidence[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    const log = await f.ctx.store.auditPage({ actions: ['cases.read'], subjectId: f.person, limit: 10 });
    expect(log.some((a) => (a.data as { purpose?: string }).purpose === 'deciding the objection' && a.actor.startsWith('cli:'))).toBe(true);
  });

  it('assigns a case to the operator and filters the queue by assignee and source', async () => {
    const took = await cli(['case-assign', ob]);
    expect(took.code, took.err).toBe(0);
    expect(took.out).toMatch(new RegExp(`Assigned ${ob} to cli:`));
    const mine = JSON.parse((await cli(['--json', 'cases', '--assigned', 'me'])).out) as { id: string }[];
    expect(mine.map((c) => c.id)).toEqual([ob]);
    const other = JSON.parse((await cli(['--json', 'cases', '--assigned', 'key:k_nobody'])).out) as { id: string }[];
    expect(other).toEqual([]);
    const bad = await cli(['case-assign', ob, '--to', 'key:k_nosuchkey']);
    expect(bad.err).toMatch(/no live reviewer or admin key/);
    const wrongSource = await cli(['cases', '--source', 'no-such-source']);
    expect(wrongSource.err).toMatch(/no source no-such-source/);
  });
});
