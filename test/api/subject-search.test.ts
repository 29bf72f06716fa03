/**
 * Human-readable subjects (issue 17, build item 2), over HTTP: a reviewer finds persons by their
 * name only with a purpose (400 naming `purpose` without one), each person shown has the search
 * in their access log, results are paged (`limit`, `after` = `next`) with a `count`, and every
 * view of a subject names its region (GB/T 2260) in the reader's language, a code no longer in the
 * table by the nearest level known, with the code.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import { ridCheckChar } from '../../src/ids/index.js';
import type { KeyRole } from '../../src/store/port.js';
import { NOW, makeFixture, type Fixture } from './fixture.js';

let f: Fixture;
const NAME = '检索测试人';
/** Three persons with the same name: in 黄岛区 (370211), in 四方区 (370205, merged away in 2012), in 东城区 (110101). */
const RIDS = ['370211', '370205', '110101'].map((area, i) => {
  const n = `${area}19900101${String(301 + i)}`;
  return n + ridCheckChar(n);
});
const ids: string[] = [];
const q = (s: string) => encodeURIComponent(s);

beforeAll(async () => {
  f = await makeFixture();
  const mps = await createApiKey(f.ctx.store, { name: 'residents registry', role: 'source', source: 'mps' }, NOW, 'test');
  for (const rid of RIDS) {
    const reg = await f.app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${mps.key}` }, payload: { kind: 'subject', subject: `cn-rid:${rid}`, name: NAME } });
    expect(reg.statusCode, reg.body).toBe(201);
    ids.push(reg.json().results[0].subjectId);
  }
}, 60_000);
afterAll(async () => {
  await f?.close();
});

const get = async (url: string, o: { role?: KeyRole; lang?: string; accept?: string } = {}) => {
  const r = await f.req({ method: 'GET', url, role: o.role ?? 'reviewer', headers: { ...(o.lang ? { 'accept-language': o.lang } : {}), ...(o.accept ? { accept: o.accept } : {}) } });
  return { status: r.statusCode, text: r.body, body: r.headers['content-type']?.toString().includes('json') ? r.json() : null };
};
const searchReads = async (id: string) => (await f.ctx.store.auditPage({ limit: 50, subjectId: id, actions: ['search.read'] })).map((e) => e.data as { purpose: string });

describe('persons by name', () => {
  it('without a purpose, a person’s name is refused naming `purpose`; organisations by name or code need none', async () => {
    const r = await get(`/v1/subjects?q=${q(NAME)}`);
    expect(r.status, r.text).toBe(400);
    expect(r.body).toMatchObject({ code: 'XY_ERR_VALIDATION', field: 'purpose' });
    expect(r.text).not.toContain(NAME);
    expect((await get(`/v1/subjects?q=${q('公司')}`)).status).toBe(200);
    expect((await get(`/v1/subjects?q=${q(f.org.ref)}`)).status).toBe(200);
    for (const id of ids) expect(await searchReads(id)).toEqual([]);
  });

  it('with a purpose, finds the persons whose whole name it is, by name and masked ID, and logs the search for each', async () => {
    const r = await get(`/v1/subjects?q=${q(NAME)}&purpose=${q('objection 2026-7 identity')}`);
    expect(r.status, r.text).toBe(200);
    const persons = r.body.results.filter((x: { kind: string }) => x.kind === 'person');
    expect(persons.map((x: { id: string }) => x.id).sort()).toEqual([...ids].sort());
    for (const p of persons) {
      expect(p.name).toBe(NAME);
      expect(p.identifiers).toEqual([{ scheme: 'cn-rid', masked: expect.stringMatching(/^\d{6}\*{8}[\dX]{4}$/) }]);
    }
    for (const rid of RIDS) expect(r.text).not.toContain(rid);
    for (const id of ids) expect(await searchReads(id)).toEqual([{ purpose: 'objection 2026-7 identity' }]);
    // Part of a name finds no person, purpose or not.
    const part = await get(`/v1/subjects?q=${q(NAME.slice(0, 3))}&purpose=${q('objection 2026-7 identity')}`);
    expect(part.status).toBe(200);
    expect(part.body.results.filter((x: { kind: string }) => x.kind === 'person')).toEqual([]);
  });

  it('is paged with a count: limit, then after = next until next is null', async () => {
    const purpose = q('paging check');
    const p1 = await get(`/v1/subjects?q=${q(NAME)}&purpose=${purpose}&limit=2`);
    expect(p1.status, p1.text).toBe(200);
    expect(p1.body).toMatchObject({ count: 3, countCapped: false });
    expect(p1.body.results).toHaveLength(2);
    expect(p1.body.next).toBe(p1.body.results[1].id);
    const p2 = await get(`/v1/subjects?q=${q(NAME)}&purpose=${purpose}&limit=2&after=${p1.body.next}`);
    expect(p2.body).toMatchObject({ count: 3, countCapped: false, next: null });
    expect([...p1.body.results, ...p2.body.results].map((x: { id: string }) => x.id)).toEqual([...ids].sort());
    // Each page logs the persons it shows, once.
    for (const id of ids) expect((await searchReads(id)).filter((d) => d.purpose === 'paging check')).toHaveLength(1);
    // Organisations too: more than 20 match a common word, and the pages hold them all.
    const first = await get(`/v1/subjects?q=${q('公司')}&limit=50`);
    expect(first.body.count).toBeGreaterThan(20);
    let seen = first.body.results.length;
    for (let next = first.body.next; next; ) {
      const page = await get(`/v1/subjects?q=${q('公司')}&limit=50&after=${next}`);
      seen += page.body.results.length;
      next = page.body.next;
    }
    expect(seen).toBe(first.body.count);
  });

  it('the CSV export holds the same rows as the pages, persons by name, with the purpose, each logged', async () => {
    const json = await get(`/v1/subjects?q=${q(NAME)}&purpose=${q('export check')}`);
    const r = await f.req({ method: 'GET', url: `/v1/subjects?q=${q(NAME)}&purpose=${q('export check')}`, role: 'reviewer', headers: { accept: 'text/csv' } });
    expect(r.statusCode, r.body).toBe(200);
    const rows = parse(r.body.replace(/^\uFEFF/, '')) as string[][];
    expect(rows.slice(1).map((x) => [x[0], x[2]])).toEqual(json.body.results.map((x: { id: string; name: string }) => [x.id, x.name]));
    for (const rid of RIDS) expect(r.body).not.toContain(rid);
    const exported = await f.ctx.store.auditPage({ limit: 10, subjectId: ids[0], actions: ['export.read'] });
    expect(exported.map((e) => (e.data as { purpose: string }).purpose)).toContain('export check');
    // Without a purpose, refused as before.
    expect((await f.req({ method: 'GET', url: `/v1/subjects?q=${q(NAME)}`, role: 'reviewer', headers: { accept: 'text/csv' } })).statusCode).toBe(400);
  });
});

describe('region names', () => {
  const purpose = q('region name check');
  it('search results name the region in the reader’s language', async () => {
    const url = `/v1/subjects?q=${q(NAME)}&purpose=${purpose}`;
    const name = (body: { results: { id: string; regionName: string | null }[] }, id: string) => body.results.find((x) => x.id === id)?.regionName;
    const en = await get(url, { lang: 'en' });
    const zh = await get(url, { lang: 'zh-CN' });
    expect(name(en.body, ids[0])).toBe('Huangdao District, Qingdao, Shandong');
    expect(name(zh.body, ids[0])).toBe('山东省青岛市黄岛区');
    expect(name(en.body, ids[2])).toBe('Dongcheng District, Beijing');
    expect(name(zh.body, ids[2])).toBe('北京市东城区');
    // A code no longer in GB/T 2260: the nearest level known, with the code.
    expect(name(en.body, ids[1])).toBe('Qingdao, Shandong (370205)');
    expect(name(zh.body, ids[1])).toBe('山东省青岛市（370205）');
    expect(en.body.results.find((x: { id: string }) => x.id === ids[1]).region).toBe('370205');
  });

  it('the subject view, list entries and the public pages name it too', async () => {
    const view = await get(`/v1/subjects/${ids[0]}?purpose=${purpose}`, { lang: 'zh-CN' });
    expect(view.status, view.text).toBe(200);
    expect(view.body.subject).toMatchObject({ region: '370211', regionName: '山东省青岛市黄岛区' });
    const unknown = await get(`/v1/subjects/${ids[1]}?purpose=${purpose}`, { lang: 'en' });
    expect(unknown.body.subject.regionName).toBe('Qingdao, Shandong (370205)');
    const entries = await get(`/v1/lists/spc-dishonest-debtors/entries?purpose=${purpose}&limit=5`, { lang: 'zh-CN' });
    for (const e of entries.body.entries) {
      const s = await f.ctx.store.getSubject(e.subjectId);
      expect(e.subject.region).toBe(s?.region);
      expect(e.subject.regionName).toMatch(/[省市区]/);
    }
    const org = await f.ctx.store.getSubject(f.org.id);
    const pub = await get(`/public/v1/subjects/${f.org.ref}`, { role: undefined, lang: 'en' });
    expect(pub.status, pub.text).toBe(200);
    expect(pub.body.region).toBe(org?.region);
    expect(pub.body.regionName).toMatch(/^[A-Z][\w' ,-]+$/);
    const search = await get(`/public/v1/search?q=${q(org?.name ?? '')}`, { lang: 'zh-CN' });
    expect(search.body.results.find((x: { id: string }) => x.id === f.org.id)?.regionName).toMatch(/^.+[省市]/);
  });
});
