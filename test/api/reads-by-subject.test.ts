/**
 * Every read of one person's data takes a purpose and is in their access log (issue 16,
 * finding 6): the audit entries about them (`GET /v1/audit?subject=`, `xinyong audit log
 * --subject`, a check by `--receipt`), their objections and repair applications (`GET
 * /v1/objections?subject=`, `/v1/repairs?subject=`) and their notices (`xinyong notices
 * --subject`). Pages of every subject (the review queue, the audit log) name subjects by internal
 * id only, and need neither.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliOn, makeFixture, type Fixture } from './fixture.js';

let f: Fixture;
let cli: ReturnType<typeof cliOn>;
beforeAll(async () => {
  f = await makeFixture({ persons: 1500, enterprises: 200 });
  cli = cliOn(f);
}, 120_000);
afterAll(async () => f?.close());

/** The person's access log as they see it at /v1/me. */
async function accessLog(): Promise<{ action: string; purpose: string | null; by: { role: string } }[]> {
  const me = await f.req({ method: 'GET', url: '/v1/me', role: 'subject' });
  expect(me.statusCode, me.body).toBe(200);
  return me.json().accessLog;
}

describe('reads of one subject over HTTP', () => {
  it('GET /v1/audit?subject= needs a purpose, and the person sees the read', async () => {
    const bare = await f.req({ method: 'GET', url: `/v1/audit?subject=${f.person}`, role: 'admin' });
    expect(bare.statusCode).toBe(400);
    expect(bare.json()).toMatchObject({ code: 'XY_ERR_VALIDATION', field: 'purpose' });
    const blank = await f.req({ method: 'GET', url: `/v1/audit?subject=${f.person}&purpose=%20%20%20`, role: 'admin' });
    expect(blank.statusCode).toBe(400);
    const ok = await f.req({ method: 'GET', url: `/v1/audit?subject=${f.person}&purpose=${encodeURIComponent('complaint 2026-7 review')}`, role: 'admin' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect((await accessLog())[0]).toMatchObject({ action: 'audit.read', purpose: 'complaint 2026-7 review', by: { role: 'admin' } });
    // A page of every subject is no read of one person.
    expect((await f.req({ method: 'GET', url: '/v1/audit?limit=5', role: 'admin' })).statusCode).toBe(200);
  });

  for (const kind of ['objections', 'repairs'] as const) {
    it(`GET /v1/${kind}?subject= needs a purpose of a reviewer, and the person sees the read`, async () => {
      const bare = await f.req({ method: 'GET', url: `/v1/${kind}?subject=${f.person}`, role: 'reviewer' });
      expect(bare.statusCode).toBe(400);
      expect(bare.json()).toMatchObject({ code: 'XY_ERR_VALIDATION', field: 'purpose' });
      const ok = await f.req({ method: 'GET', url: `/v1/${kind}?subject=${f.person}&purpose=${encodeURIComponent(`${kind} desk`)}`, role: 'reviewer' });
      expect(ok.statusCode, ok.body).toBe(200);
      expect((await accessLog())[0]).toMatchObject({ action: 'cases.read', purpose: `${kind} desk`, by: { role: 'reviewer' } });
      // The queue, and the subject's own list, need none.
      expect((await f.req({ method: 'GET', url: `/v1/${kind}?overdue=true`, role: 'reviewer' })).statusCode).toBe(200);
      const before = (await accessLog()).length;
      expect((await f.req({ method: 'GET', url: `/v1/${kind}`, role: 'subject' })).statusCode).toBe(200);
      expect((await accessLog()).length).toBe(before);
    });
  }

  it('an organisation’s entries need a purpose too, and log nothing (it has no access log)', async () => {
    const before = (await f.ctx.store.summary()).auditEntries;
    expect((await f.req({ method: 'GET', url: `/v1/audit?subject=${f.org.ref}`, role: 'admin' })).statusCode).toBe(400);
    expect((await f.req({ method: 'GET', url: `/v1/audit?subject=${f.org.ref}&purpose=supervision`, role: 'admin' })).statusCode).toBe(200);
    expect((await f.ctx.store.summary()).auditEntries).toBe(before);
  });
});

describe('reads of one subject through the CLI', () => {
  it('audit log --subject and notices --subject are logged with their purpose; a blank one is refused', async () => {
    const log = cli(['audit', 'log', '--subject', f.person, '--limit', '3']);
    expect(log.status, log.stderr).toBe(0);
    expect((await accessLog())[0]).toMatchObject({ action: 'audit.read', purpose: 'operator inspection (CLI)' });
    const notices = cli(['notices', '--subject', f.person, '--purpose', 'listing notice resend']);
    expect(notices.status, notices.stderr).toBe(0);
    expect((await accessLog())[0]).toMatchObject({ action: 'notices.read', purpose: 'listing notice resend' });
    for (const args of [['audit', 'log', '--subject', f.person], ['notices', '--subject', f.person]]) {
      const r = cli([...args, '--purpose', '   ']);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/purpose must say why/);
    }
  });

  it('audit log --receipt reads a check about the person: in their access log', async () => {
    const c = await f.req({ method: 'POST', url: '/v1/checks', role: 'checker', payload: { subject: f.person, action: 'transport.air.ticket' } });
    expect(c.statusCode).toBe(200);
    // The server writes receipts to the chain in batches.
    await f.server.svc.receipts.flush();
    const r = cli(['audit', 'log', '--receipt', c.json().receipt, '--purpose', 'ticket dispute', '--json']);
    expect(r.status, r.stderr).toBe(0);
    expect((await accessLog())[0]).toMatchObject({ action: 'receipt.read', purpose: 'ticket dispute' });
  });
});
