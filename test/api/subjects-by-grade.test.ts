/**
 * The subjects behind a bar of the overview's grade chart (issue 17, build item 9): `GET
 * /v1/subjects?scheme=&grade=` lists the subjects holding that grade now, as many as the bar
 * counts, each of whom the subject view shows with that grade; paged by id; persons named only
 * with a purpose, each then with the read in their access log; an unknown scheme or grade, or `q`
 * beside them, refused naming the field; the CSV export takes the same query.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, type Fixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture();
}, 60_000);
afterAll(async () => {
  await f?.close();
});

const get = (url: string, headers: Record<string, string> = {}) => f.req({ method: 'GET', url, role: 'reviewer', headers });
type Page = { results: { id: string; kind: string; name: string | null }[]; count: number; next: string | null };

/** Every subject of a grade, page by page (pages of `limit`). */
async function all(scheme: string, grade: string, limit: number, purpose?: string) {
  const out: Page['results'] = [];
  let after: string | null = null;
  let count = -1;
  do {
    const r = await get(`/v1/subjects?scheme=${scheme}&grade=${grade}&limit=${limit}${after ? `&after=${after}` : ''}${purpose ? `&purpose=${encodeURIComponent(purpose)}` : ''}`);
    expect(r.statusCode, r.body).toBe(200);
    const p = r.json() as Page;
    count = p.count;
    out.push(...p.results);
    after = p.next;
  } while (after);
  return { results: out, count };
}

describe('the subjects holding a grade', () => {
  it('are as many as the overview counts for each grade of each scheme, and each holds that grade', async () => {
    const stats = (await get('/v1/stats')).json() as { grades: Record<string, Record<string, number>> };
    let checked = 0;
    for (const [scheme, counts] of Object.entries(stats.grades)) {
      for (const [grade, n] of Object.entries(counts)) {
        if (n === 0 || n > 400) continue;
        const { results, count } = await all(scheme, grade, 50);
        expect(count, `${scheme} ${grade}`).toBe(n);
        expect(results.map((s) => s.id)).toEqual([...new Set(results.map((s) => s.id))].sort());
        expect(results).toHaveLength(n);
        // The subject view, an independent read, gives that grade (a few of each).
        for (const s of results.slice(0, 3)) {
          const v = (await get(`/v1/subjects/${s.id}?purpose=${encodeURIComponent('核对概览数字')}`)).json() as { state: { schemes: { scheme: string; grade: string }[] } };
          expect(v.state.schemes.find((x) => x.scheme === scheme)?.grade).toBe(grade);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
  }, 120_000);

  it('names persons only with a purpose, and each person shown then has it in their access log', async () => {
    const stats = (await get('/v1/stats')).json() as { grades: Record<string, Record<string, number>> };
    const [grade] = Object.entries(stats.grades['civic-points']).find(([, n]) => n > 0 && n <= 30)!;
    const blind = await all('civic-points', grade, 20);
    expect(blind.results.length).toBeGreaterThan(0);
    expect(blind.results.every((s) => s.kind === 'person' && s.name === null)).toBe(true);
    const purpose = '核对信用等级分布';
    const named = await all('civic-points', grade, 20, purpose);
    expect(named.results.every((s) => typeof s.name === 'string' && s.name.length > 0)).toBe(true);
    for (const s of named.results.slice(0, 5)) {
      const r = await f.req({ method: 'GET', url: `/v1/audit?subject=${s.id}&action=search.read&purpose=${encodeURIComponent('核对访问记录')}`, role: 'admin' });
      expect(r.statusCode, r.body).toBe(200);
      const log = r.json() as { entries: { data: { purpose?: string } }[] };
      expect(log.entries.some((e) => e.data.purpose === purpose)).toBe(true);
    }
  }, 60_000);

  it('refuses an unknown scheme or grade, a missing half, and q beside them, naming the field', async () => {
    const cases: [string, string][] = [
      ['/v1/subjects?scheme=no-such-scheme&grade=A', 'scheme'],
      ['/v1/subjects?scheme=enterprise-class&grade=Z', 'grade'],
      ['/v1/subjects?scheme=enterprise-class', 'grade'],
      ['/v1/subjects?grade=A', 'scheme'],
      ['/v1/subjects?q=%E6%9C%89%E9%99%90&scheme=enterprise-class&grade=A', 'q'],
      ['/v1/subjects', 'q'],
    ];
    for (const [url, field] of cases) {
      const r = await get(url);
      expect(r.statusCode, url).toBe(400);
      expect(r.json().field, url).toBe(field);
    }
  });

  it('exports the same subjects as CSV, with a purpose', async () => {
    const stats = (await get('/v1/stats')).json() as { grades: Record<string, Record<string, number>> };
    const [grade, n] = Object.entries(stats.grades['enterprise-class']).find(([, k]) => k > 0)!;
    const r = await get(`/v1/subjects?scheme=enterprise-class&grade=${grade}&purpose=${encodeURIComponent('导出等级名单')}`, { accept: 'text/csv' });
    expect(r.statusCode, r.body).toBe(200);
    const rows = parse(r.body.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(n);
  });
});
