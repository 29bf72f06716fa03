/**
 * No ID number in free text, over HTTP (issue 16, findings 2, 3 and 5): one hook refuses every
 * request with a resident identity number in any string or key of its body, query or path but a
 * declared subject reference, however the number is written, naming the field and never the value;
 * nothing of a refused request is stored. References still take ID numbers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import { makeFixture, NOW, type Fixture } from './fixture.js';

const RID = '11010519491231002X';
const FULL_WIDTH = '１１０１０５１９４９１２３１００２Ｘ';
/** The variants of issue 16: a leading digit, separators, full-width digits, a lower-case x. */
const HIDDEN = [`(2026)0${RID}`, '110105 19491231 002X', '110105-19491231-002x', FULL_WIDTH, `${RID}2026`];

let f: Fixture;
let mps: string;
beforeAll(async () => {
  f = await makeFixture({ persons: 1500, enterprises: 200 });
  mps = (await createApiKey(f.ctx.store, { name: 'residents registry', role: 'source', source: 'mps' }, NOW, 'test')).key;
}, 120_000);
afterAll(async () => f?.close());

const auditCount = async () => (await f.ctx.store.summary()).auditEntries;

/** The request is refused with 400 naming `field`, and nothing of it comes back or is stored. */
async function expectRefused(r: { statusCode: number; body: string }, field: string, sent: string) {
  expect(r.statusCode, r.body).toBe(400);
  const p = JSON.parse(r.body);
  expect(p).toMatchObject({ code: 'XY_ERR_VALIDATION', field });
  expect(p.detail).toMatch(/must not contain a resident identity number|is a key that holds a resident identity number/);
  expect(r.body).not.toContain(sent);
  expect(r.body).not.toContain(RID.slice(0, 14));
}

describe('the free-text hook', () => {
  it('refuses an ID number hidden behind a leading digit or written otherwise, in every field the finding named (finding 2)', async () => {
    const before = await auditCount();
    for (const v of HIDDEN) {
      await expectRefused(await f.req({ method: 'POST', url: '/v1/records', role: 'source', payload: { externalId: `case ${v}`, type: 'court.dishonest-debtor-decision', subject: f.org.ref, occurredAt: '2026-03-01', facts: {} } }), '/externalId', v);
      await expectRefused(await f.req({ method: 'POST', url: '/v1/checks', role: 'checker', payload: { subject: f.org.ref, action: 'transport.air.ticket', reference: v } }), '/reference', v);
      await expectRefused(await f.req({ method: 'GET', url: `/v1/subjects/${f.person}?purpose=${encodeURIComponent(`call about ${v}`)}`, role: 'reviewer' }), 'querystring:/purpose', v);
      await expectRefused(await f.req({ method: 'POST', url: '/v1/objections', role: 'subject', payload: { recordId: 'r_0123456789ab', reasons: `not me: ${v}` } }), '/reasons', v);
      await expectRefused(await f.req({ method: 'POST', url: '/v1/commitments', role: 'subject', payload: { text: `I promise, ${v}, to pay`, purpose: 'repair' } }), '/text', v);
    }
    expect(await auditCount()).toBe(before);
  });

  it('refuses a registration whose name carries an ID number, and takes the number in its subject (finding 3)', async () => {
    const send = (payload: InjectOptions['payload']) => f.app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${mps}` }, payload });
    for (const v of [RID, ...HIDDEN]) await expectRefused(await send({ kind: 'subject', subject: 'cn-rid:110101199003074514', name: `名${v}` }), '/name', v);
    // In a batch, the item is named.
    await expectRefused(await send({ records: [{ kind: 'subject', subject: 'cn-rid:110101199003074514', name: '王五' }, { kind: 'subject', subject: `cn-rid:${RID}`, name: `赵六 ${FULL_WIDTH}` }] }), '/records/1/name', FULL_WIDTH);
    const ok = await send({ kind: 'subject', subject: `cn-rid:${RID}`, name: '赵六', relations: [] });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('refuses a catalog draft with an ID number in its title or any other text, in either language (finding 5)', async () => {
    const cur = (await f.req({ method: 'GET', url: '/v1/catalog', role: 'author' })).json();
    const draft = (over: Record<string, unknown>) => ({ ...structuredClone(cur.doc), version: '2026.9-ids', ...over });
    const title = { 'zh-CN': `信用目录 ${FULL_WIDTH}`, en: 'Credit catalog' };
    for (const url of ['/v1/catalog/versions', '/v1/catalog/versions:validate']) {
      await expectRefused(await f.req({ method: 'POST', url, role: 'author', payload: draft({ title }) }), '/title/zh-CN', FULL_WIDTH);
      const lists = structuredClone(cur.doc.lists);
      lists[0].name.en = `list of (2026)0${RID}`;
      await expectRefused(await f.req({ method: 'POST', url, role: 'author', payload: draft({ lists }) }), '/lists/0/name/en', RID);
    }
    const versions = (await f.req({ method: 'GET', url: '/v1/catalog/versions', role: 'author' })).json().versions as { version: string }[];
    expect(versions.map((v) => v.version)).not.toContain('2026.9-ids');
  });

  it('refuses an ID number in an object key, masked in the field it names', async () => {
    const r = await f.req({ method: 'POST', url: '/v1/records', role: 'source', payload: { externalId: 'k-1', type: 'court.dishonest-debtor-decision', subject: f.org.ref, occurredAt: '2026-03-01', facts: { [RID]: 'x' } } });
    await expectRefused(r, '/facts/110105********002X', RID);
  });

  it('takes ID numbers where references are declared: a check, a batch, a reviewer search, a subject in the path', async () => {
    const check = await f.req({ method: 'POST', url: '/v1/checks', role: 'checker', payload: { subject: `cn-rid:${RID}`, action: 'transport.air.ticket' } });
    expect(check.statusCode, check.body).toBe(200);
    const batch = await f.req({ method: 'POST', url: '/v1/checks:batch', role: 'checker', payload: { action: 'transport.air.ticket', subjects: [`cn-rid:${RID}`, f.org.ref] } });
    expect(batch.statusCode, batch.body).toBe(200);
    expect((await f.req({ method: 'GET', url: `/v1/subjects?q=${RID}`, role: 'reviewer' })).statusCode).toBe(200);
    expect((await f.req({ method: 'GET', url: `/v1/subjects/cn-rid:${RID}?purpose=review`, role: 'reviewer' })).statusCode).toBe(200);
    // A reference field holding more than a reference is free text.
    await expectRefused(await f.req({ method: 'GET', url: `/v1/subjects?q=${encodeURIComponent(`张三 ${RID}`)}`, role: 'reviewer' }), 'querystring:/q', RID);
    await expectRefused(await f.req({ method: 'GET', url: `/public/v1/search?q=${RID}` }), 'querystring:/q', RID);
  });

  it('serves a page of the web console whatever its address holds (the app reads it, the server stores nothing of it), but no API route', async () => {
    for (const url of [`/public?q=${RID}`, `/public/org/${encodeURIComponent(HIDDEN[0])}`, `/subjects/cn-rid:${RID}?purpose=${RID}`]) {
      const page = await f.req({ method: 'GET', url });
      expect([200, 503], `${url}: ${page.body.slice(0, 200)}`).toContain(page.statusCode);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).not.toContain(RID);
    }
    await expectRefused(await f.req({ method: 'GET', url: `/public/v1/search?q=${encodeURIComponent(HIDDEN[0])}` }), 'querystring:/q', RID);
  });

  it('leaves no refused value in the database or its WAL', async () => {
    await f.ctx.store.summary();
    for (const file of ['x.db', 'x.db-wal']) {
      let text = '';
      try {
        text = readFileSync(join(f.dir, file)).toString('utf8');
      } catch {
        continue;
      }
      expect(text).not.toContain(RID.slice(0, 17));
      expect(text).not.toContain(FULL_WIDTH.slice(0, 17));
    }
  });
});
