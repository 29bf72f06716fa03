/**
 * Catalog texts in the reader's language (issue 15 item 11): every name, authority, appeal route
 * and legal basis is `{ zh-CN, en }` inside xinyong, and the API answers the string of the
 * language `Accept-Language` asks for (any Chinese tag: zh-CN; anything else or nothing: en), with
 * `Content-Language` and `Vary: Accept-Language`. Catalog documents keep both languages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readerLang } from '../../src/api/lang.js';
import { isLocalText } from '../../src/domain/types.js';
import type { KeyRole } from '../../src/store/port.js';
import { makeFixture, type Fixture } from './fixture.js';

const LIST = 'spc-dishonest-debtors';
const LIST_ZH = '失信被执行人名单';
const LIST_EN = 'List of dishonest judgment debtors';
const AIR = 'transport.air.ticket';
const CAAC_ZH = '中国民用航空局';
const CAAC_EN = 'Civil Aviation Administration of China';

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture();
}, 60_000);
afterAll(async () => f?.close());

const call = (role: KeyRole | null, method: 'GET' | 'POST', url: string, lang?: string, payload?: Record<string, unknown>) =>
  f.req({ method, url, ...(role ? { role } : {}), ...(payload === undefined ? {} : { payload }), headers: lang === undefined ? {} : { 'accept-language': lang } });

/** Where a value still holds a `{ zh-CN, en }` object (a text left in both languages), as JSON paths. */
function bilingualAt(v: unknown, path = '$'): string[] {
  if (isLocalText(v)) return [path];
  if (Array.isArray(v)) return v.flatMap((x, i) => bilingualAt(x, `${path}[${i}]`));
  if (v && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => bilingualAt(x, `${path}.${k}`));
  return [];
}

/** Whether a text has Chinese characters in it. */
const hasHan = (s: unknown) => typeof s === 'string' && /\p{Script=Han}/u.test(s);

describe('the reader’s language from Accept-Language', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['zh', 'zh-CN'],
    ['zh-CN', 'zh-CN'],
    ['zh-cn', 'zh-CN'],
    ['zh-Hans', 'zh-CN'],
    ['zh-Hans-CN', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['en', 'en'],
    ['en-GB', 'en'],
    ['fr', 'en'],
    ['de-DE, fr;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['en-US,en;q=0.9,zh-CN;q=0.8', 'en'],
    ['en;q=0.5, zh;q=0.8', 'zh-CN'],
    ['fr-FR, zh;q=0.5', 'zh-CN'],
    ['zh;q=0, en', 'en'],
    ['zh;q=0', 'en'],
    ['*', 'en'],
    ['en;q=0, *', 'zh-CN'],
    ['zh;q=0.3, *;q=0.5', 'en'],
    ['zh;q=2', 'en'],
    ['zh;q=abc, en;q=0.1', 'en'],
    ['x-garbage!!, zh', 'zh-CN'],
  ])('%j reads %s', (header, lang) => {
    expect(readerLang(header)).toBe(lang);
  });

  it('takes a header sent twice as one list', () => {
    expect(readerLang(['fr', 'zh-CN'])).toBe('zh-CN');
  });
});

describe('answers in the reader’s language', () => {
  it('names the lists of GET /v1/stats in Chinese for zh-CN, and in English otherwise', async () => {
    const zh = await call('admin', 'GET', '/v1/stats', 'zh-CN,zh;q=0.9');
    expect(zh.statusCode).toBe(200);
    expect(zh.headers['content-language']).toBe('zh-CN');
    expect(String(zh.headers.vary)).toMatch(/accept-language/i);
    expect(zh.json().lists.find((l: { code: string }) => l.code === LIST).name).toBe(LIST_ZH);
    for (const lang of [undefined, 'en-US', 'fr']) {
      const en = await call('admin', 'GET', '/v1/stats', lang);
      expect(en.headers['content-language']).toBe('en');
      expect(String(en.headers.vary)).toMatch(/accept-language/i);
      expect(en.json().lists.find((l: { code: string }) => l.code === LIST).name).toBe(LIST_EN);
    }
  });

  it('gives a check’s authority, legal basis and appeal route, and its receipt, in the reader’s language', async () => {
    const zh = (await call('checker', 'POST', '/v1/checks', 'zh-CN', { subject: f.org.ref, action: AIR })).json();
    expect(zh.decision).toBe('deny');
    const m = zh.measures.find((x: { list?: string }) => x.list === LIST);
    expect(m).toMatchObject({ authority: CAAC_ZH, legalBasis: expect.stringContaining('《最高人民法院'), appeal: expect.stringContaining('执行法院') });
    const en = (await call('checker', 'POST', '/v1/checks', 'en', { subject: f.org.ref, action: AIR })).json();
    expect(en.measures.find((x: { list?: string }) => x.list === LIST)).toMatchObject({ authority: CAAC_EN, legalBasis: expect.stringContaining('SPC Provisions'), appeal: expect.stringContaining('enforcing court') });
    expect(bilingualAt(zh)).toEqual([]);

    // The receipt gives the answer again, in the language of whoever reads it now.
    await f.server.svc.receipts.flush();
    const againZh = (await call('checker', 'GET', `/v1/checks/${zh.receipt}`, 'zh-CN')).json();
    expect(againZh.decided).toEqual(zh);
    const againEn = (await call('checker', 'GET', `/v1/checks/${zh.receipt}`, 'en')).json();
    expect(againEn.decided.measures.map((x: { authority: string; appeal?: string }) => [x.authority, x.appeal])).toEqual(en.measures.map((x: { authority: string; appeal?: string }) => [x.authority, x.appeal]));
  });

  it('gives a batch’s measure texts in the reader’s language', async () => {
    const b = (await call('checker', 'POST', '/v1/checks:batch', 'zh', { action: AIR, subjects: [f.org.ref, f.clean] })).json();
    const texts = Object.values(b.measures as Record<string, { authority: string; legalBasis: string }>);
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) expect(hasHan(t.authority) && hasHan(t.legalBasis)).toBe(true);
    expect(bilingualAt(b)).toEqual([]);
  });

  it('gives the measures in force of a subject view, the public record and a subject’s own record in the reader’s language', async () => {
    const view = (await call('reviewer', 'GET', `/v1/subjects/${f.org.ref}?purpose=language%20test`, 'zh-CN')).json();
    expect(view.measures.length).toBeGreaterThan(0);
    expect(view.measures.find((x: { measure: string }) => x.measure === 'spc-dishonest-no-flights')?.authority).toBe(CAAC_ZH);
    expect(bilingualAt(view)).toEqual([]);

    const pub = await call(null, 'GET', `/public/v1/subjects/${f.org.ref}`, 'zh-CN');
    expect(pub.statusCode).toBe(200);
    expect(pub.json().lists.find((l: { list: string }) => l.list === LIST)).toMatchObject({ name: LIST_ZH, authority: '最高人民法院' });
    expect(bilingualAt(pub.json())).toEqual([]);
    const pubEn = (await call(null, 'GET', `/public/v1/subjects/${f.org.ref}`)).json();
    expect(pubEn.lists.find((l: { list: string }) => l.list === LIST)).toMatchObject({ name: LIST_EN, authority: "Supreme People's Court" });

    const me = (await call('subject', 'GET', '/v1/me', 'zh-CN')).json();
    expect(bilingualAt(me)).toEqual([]);
    const listing = (me.notices as { kind: string; listName?: string }[]).find((n) => n.kind.startsWith('listing.') && n.listName);
    if (listing) expect(hasHan(listing.listName)).toBe(true);
  });

  it('leaves no text in both languages in any answer but a catalog document’s', async () => {
    const gets: [KeyRole | null, string][] = [
      ['admin', '/v1/stats'],
      ['reviewer', `/v1/subjects/${f.person}?purpose=language%20test`],
      ['reviewer', `/v1/lists/${LIST}/entries?purpose=language%20test&limit=5`],
      ['subject', '/v1/me'],
      ['subject', '/v1/objections'],
      ['subject', '/v1/repairs'],
      ['reviewer', '/v1/catalog/versions'],
      ['reviewer', '/v1/whoami'],
      [null, `/public/v1/subjects/${f.org.ref}`],
      [null, '/public/v1/search?q=%E6%9C%89%E9%99%90'],
    ];
    for (const [role, url] of gets) {
      for (const lang of ['zh-CN', 'en']) {
        const r = await call(role, 'GET', url, lang);
        expect(r.statusCode, `${url}: ${r.body.slice(0, 200)}`).toBe(200);
        expect(r.headers['content-language'], url).toBe(lang);
        expect(bilingualAt(r.json()), url).toEqual([]);
      }
    }
  });

  it('keeps the catalog document in both languages, with its legal bases rendered, whatever the reader asks', async () => {
    for (const lang of ['zh-CN', 'en', undefined]) {
      const r = await call('checker', 'GET', '/v1/catalog', lang);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-language']).toBe('zh-CN, en');
      const body = r.json();
      expect(body.doc).toEqual(f.ctx.catalog.doc);
      expect(body.doc.lists.find((l: { code: string }) => l.code === LIST).name).toEqual({ 'zh-CN': LIST_ZH, en: LIST_EN });
      expect(body.bases[`lists[${LIST}]`]).toEqual({ 'zh-CN': expect.stringContaining('《最高人民法院关于公布失信被执行人名单信息的若干规定》'), en: expect.stringContaining('Dishonest Judgment Debtors') });
      expect(body.bases[`schemes[civic-points].rules[loan-arrears]`]).toMatchObject({ en: expect.any(String) });
    }
    const v = await call('author', 'GET', `/v1/catalog/versions/${f.ctx.catalog.id}@${f.ctx.catalog.version}`, 'zh-CN');
    expect(v.headers['content-language']).toBe('zh-CN, en');
    expect(v.json().doc).toEqual(f.ctx.catalog.doc);
  });

  it('writes problems in English, and says so', async () => {
    const r = await call('reviewer', 'GET', '/v1/subjects/s_0000000000000000deadbeef?purpose=language%20test', 'zh-CN');
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-language']).toBe('en');
  });
});
