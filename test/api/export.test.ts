/**
 * The CSV exports (issue 17, build item 5): list entries, the review queue, audit entries and
 * search results, from the JSON endpoints with `Accept: text/csv`. A BOM, CRLF, a header row in
 * the reader's language, RFC 4180 quoting, formula cells neutralised, the same rows as the JSON,
 * no clear ID number, a purpose for persons' data and the export in the person's access log, and
 * the roles of the JSON read.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_MAX_ROWS, exportListEntries, exportSearch } from '../../src/app/export.js';
import { containsRid } from '../../src/ids/rid-finder.js';
import type { KeyRole } from '../../src/store/port.js';
import { makeFixture, type Fixture } from './fixture.js';

let f: Fixture;
let entryOfPerson: string;
const LIST = 'spc-dishonest-debtors';
const REASONS = '=HYPERLINK("http://x.example"), said "no"\r\nand a second line';

beforeAll(async () => {
  f = await makeFixture({ persons: 1500, enterprises: 200 });
  const page = await f.req({ method: 'GET', url: `/v1/lists/${LIST}/entries?purpose=setup&limit=1000`, role: 'reviewer' });
  entryOfPerson = (page.json().entries as { id: string; subjectId: string }[]).find((e) => e.subjectId === f.person)!.id;
  const filed = await f.req({ method: 'POST', url: '/v1/objections', role: 'reviewer', payload: { entryId: entryOfPerson, subject: f.person, reasons: REASONS, attachments: ['+1 doc, "signed"', '@SUM(A1)'] } });
  expect(filed.statusCode, filed.body).toBe(201);
}, 120_000);
afterAll(async () => f?.close());

const q = (s: string) => encodeURIComponent(s);

async function csv(url: string, role: KeyRole, lang?: string) {
  const r = await f.req({ method: 'GET', url, role, headers: { accept: 'text/csv', ...(lang ? { 'accept-language': lang } : {}) } });
  return r;
}

/** The rows of a CSV answer, after checking what every export is: text/csv, BOM, CRLF only. */
function rows(r: { statusCode: number; headers: Record<string, unknown>; body: string }): string[][] {
  expect(r.statusCode, r.body).toBe(200);
  expect(String(r.headers['content-type'])).toMatch(/^text\/csv; charset=utf-8/);
  expect(String(r.headers['content-disposition'])).toMatch(/^attachment; filename=".+\.csv"$/);
  expect(r.body.charCodeAt(0)).toBe(0xfeff);
  expect(r.body.endsWith('\r\n')).toBe(true);
  // Every line break outside a quoted cell is CRLF.
  expect(r.body.replace(/"[^"]*(?:""[^"]*)*"/g, '').match(/(?<!\r)\n|\r(?!\n)/)).toBeNull();
  expect(containsRid(r.body)).toBe(false);
  return parse(r.body, { bom: true, relax_column_count: false }) as string[][];
}

async function accessLog(): Promise<{ action: string; purpose: string | null }[]> {
  const me = await f.req({ method: 'GET', url: '/v1/me?limit=500', role: 'subject' });
  return me.json().accessLog;
}

describe('content negotiation', () => {
  it('answers JSON by default, and when JSON is preferred; CSV when text/csv is preferred', async () => {
    const url = `/v1/lists/${LIST}/entries?purpose=${q('negotiation check')}`;
    for (const accept of [undefined, '*/*', 'application/json, text/csv', 'text/csv;q=0.5, application/json']) {
      const r = await f.req({ method: 'GET', url, role: 'reviewer', headers: accept ? { accept } : {} });
      expect(r.headers['content-type'], accept).toMatch(/^application\/json/);
    }
    for (const accept of ['text/csv', 'text/csv, application/json;q=0.9', 'text/csv, application/json']) {
      const r = await f.req({ method: 'GET', url, role: 'reviewer', headers: { accept } });
      expect(r.headers['content-type'], accept).toMatch(/^text\/csv/);
    }
  });

  it('documents text/csv beside JSON for the four exports in the OpenAPI document', async () => {
    const doc = (await f.req({ method: 'GET', url: '/v1/openapi.json' })).json() as { paths: Record<string, { get: { responses: Record<string, { content?: Record<string, unknown> }> } }> };
    for (const path of ['/v1/lists/{code}/entries', '/v1/objections', '/v1/repairs', '/v1/audit', '/v1/subjects']) {
      expect(Object.keys(doc.paths[path].get.responses['200'].content ?? {}), path).toEqual(['application/json', 'text/csv']);
    }
  });
});

describe('list entries as CSV', () => {
  it('holds every entry the JSON pages hold, in order, masked, with the header in en and zh-CN', async () => {
    const json: { id: string; status: string; subject: { identifier: string | null; name: string | null } }[] = [];
    for (let after = ''; ; ) {
      const page = (await f.req({ method: 'GET', url: `/v1/lists/${LIST}/entries?purpose=${q('json pages')}&all=true&limit=7${after ? `&after=${after}` : ''}`, role: 'reviewer' })).json();
      json.push(...page.entries);
      if (!page.next) break;
      after = page.next;
    }
    const en = rows(await csv(`/v1/lists/${LIST}/entries?purpose=${q('annual report to the board')}&all=true`, 'reviewer'));
    expect(en[0].slice(0, 7)).toEqual(['Entry', 'List', 'Status', 'Subject', 'Kind', 'Name', 'Identifier (masked)']);
    expect(en.slice(1).map((r) => r[0])).toEqual(json.map((e) => e.id));
    expect(en.slice(1).map((r) => [r[2], r[6]])).toEqual(json.map((e) => [e.status, e.subject.identifier ?? '']));
    const zh = rows(await csv(`/v1/lists/${LIST}/entries?purpose=${q('annual report to the board')}&all=true`, 'reviewer', 'zh-CN,zh;q=0.9'));
    expect(zh[0].slice(0, 7)).toEqual(['条目编号', '名单', '状态', '主体编号', '主体类型', '名称', '标识（已遮蔽）']);
    expect(zh.length).toBe(en.length);
  });

  it('needs a purpose, is in the person’s access log as an export, and is for reviewers only', async () => {
    const bare = await csv(`/v1/lists/${LIST}/entries`, 'reviewer');
    expect(bare.statusCode).toBe(400);
    expect(bare.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(bare.body).toMatch(/purpose/);
    const blank = await csv(`/v1/lists/${LIST}/entries?purpose=%20%20%20`, 'reviewer');
    expect(blank.json()).toMatchObject({ code: 'XY_ERR_VALIDATION', field: 'purpose' });
    rows(await csv(`/v1/lists/${LIST}/entries?purpose=${q('entries export for the bank')}`, 'reviewer'));
    expect(await accessLog()).toContainEqual(expect.objectContaining({ action: 'export.read', purpose: 'entries export for the bank' }));
    for (const role of ['checker', 'source', 'subject', 'author'] as KeyRole[]) expect((await csv(`/v1/lists/${LIST}/entries?purpose=${q('not mine to read')}`, role)).statusCode, role).toBe(403);
  });
});

describe('the review queue as CSV', () => {
  it('holds the JSON queue’s cases, quotes commas, quotes and line breaks, and neutralises formulas', async () => {
    const json = (await f.req({ method: 'GET', url: '/v1/objections?limit=500', role: 'reviewer' })).json().objections as { id: string; status: string }[];
    const r = await csv(`/v1/objections?purpose=${q('weekly queue review')}`, 'reviewer');
    const t = rows(r);
    expect(t[0].slice(0, 4)).toEqual(['Case', 'Status', 'Overdue', 'Subject']);
    expect(t.slice(1).map((x) => x[0])).toEqual(json.map((c) => c.id));
    const mine = t.find((x) => x[3] === f.person)!;
    expect(mine).toBeDefined();
    const at = (label: string) => mine[t[0].indexOf(label)];
    expect(at('Reasons')).toBe(`'${REASONS}`);
    expect(at('Attachments')).toBe(`'+1 doc, "signed"; @SUM(A1)`);
    // RFC 4180 on the wire: the cell quoted, its quotes doubled, the line break kept inside.
    expect(r.body).toContain(`"'=HYPERLINK(""http://x.example""), said ""no""\r\nand a second line"`);
    const zh = rows(await csv(`/v1/objections?purpose=${q('weekly queue review')}`, 'reviewer', 'zh-CN'));
    expect(zh[0].slice(0, 4)).toEqual(['案件编号', '状态', '已逾期', '主体编号']);
    const repairs = rows(await csv(`/v1/repairs?purpose=${q('weekly queue review')}`, 'reviewer', 'zh'));
    expect(repairs[0][0]).toBe('案件编号');
  });

  it('needs a reviewer’s purpose (not the subject’s own), logs it for the person, and refuses other roles', async () => {
    const bare = await csv('/v1/objections', 'reviewer');
    expect(bare.statusCode).toBe(400);
    expect(bare.json()).toMatchObject({ code: 'XY_ERR_VALIDATION', field: 'purpose' });
    rows(await csv(`/v1/objections?purpose=${q('queue export for the audit office')}`, 'reviewer'));
    expect(await accessLog()).toContainEqual(expect.objectContaining({ action: 'export.read', purpose: 'queue export for the audit office' }));
    const own = rows(await csv('/v1/objections', 'subject'));
    expect(own.slice(1).every((x) => x[3] === f.person)).toBe(true);
    expect(own.length).toBeGreaterThan(1);
    for (const role of ['checker', 'source', 'admin', 'author'] as KeyRole[]) expect((await csv(`/v1/objections?purpose=${q('not mine to read')}`, role)).statusCode, role).toBe(403);
  });
});

describe('audit entries as CSV', () => {
  it('holds the JSON entries, newest first, with the header in en and zh-CN', async () => {
    const json = (await f.req({ method: 'GET', url: '/v1/audit?action=objection.filed&limit=1000', role: 'admin' })).json().entries as { seq: number; hash: string }[];
    const t = rows(await csv('/v1/audit?action=objection.filed', 'admin'));
    expect(t[0]).toEqual(['Seq', 'At', 'Actor', 'Action', 'Subject', 'Data', 'Hash']);
    expect(t.slice(1).map((x) => [Number(x[0]), x[6]])).toEqual(json.map((e) => [e.seq, e.hash]));
    expect(t.length).toBeGreaterThan(1);
    const zh = rows(await csv('/v1/audit?action=objection.filed', 'admin', 'zh-CN'));
    expect(zh[0]).toEqual(['序号', '时间', '操作者', '操作', '主体编号', '内容', '哈希']);
  });

  it('by subject needs a purpose and is in the person’s access log; for admins only', async () => {
    const bare = await csv(`/v1/audit?subject=${f.person}`, 'admin');
    expect(bare.statusCode).toBe(400);
    expect(bare.json()).toMatchObject({ code: 'XY_ERR_VALIDATION', field: 'purpose' });
    const t = rows(await csv(`/v1/audit?subject=${f.person}&purpose=${q('complaint file export')}`, 'admin'));
    expect(t.slice(1).every((x) => x[4] === f.person)).toBe(true);
    expect(await accessLog()).toContainEqual(expect.objectContaining({ action: 'export.read', purpose: 'complaint file export' }));
    for (const role of ['checker', 'source', 'subject', 'reviewer', 'author'] as KeyRole[]) expect((await csv('/v1/audit?action=objection.filed', role)).statusCode, role).toBe(403);
  });
});

describe('search results as CSV', () => {
  it('holds every organisation found (the JSON’s first page first), masked', async () => {
    const json = (await f.req({ method: 'GET', url: `/v1/subjects?q=${q('公司')}&limit=50`, role: 'reviewer' })).json().results as { id: string; identifiers: { scheme: string; masked: string }[] }[];
    const t = rows(await csv(`/v1/subjects?q=${q('公司')}&purpose=${q('sector survey')}`, 'reviewer'));
    expect(t[0]).toEqual(['Subject', 'Kind', 'Name', 'Region', 'Identifiers (masked)']);
    expect(t.slice(1, json.length + 1).map((x) => [x[0], x[4]])).toEqual(json.map((s) => [s.id, s.identifiers.map((i) => `${i.scheme}:${i.masked}`).join('; ')]));
    expect(t.length - 1).toBeGreaterThanOrEqual(json.length);
    const zh = rows(await csv(`/v1/subjects?q=${q('公司')}&purpose=${q('sector survey')}`, 'reviewer', 'zh-CN'));
    expect(zh[0]).toEqual(['主体编号', '主体类型', '名称', '地区', '标识（已遮蔽）']);
  });

  it('needs a purpose, shows a person by name (the purpose given) and only masked, logs the export for them; reviewers only', async () => {
    const bare = await csv(`/v1/subjects?q=${f.person}`, 'reviewer');
    expect(bare.statusCode).toBe(400);
    expect(bare.json()).toMatchObject({ code: 'XY_ERR_VALIDATION', field: 'purpose' });
    const json = (await f.req({ method: 'GET', url: `/v1/subjects?q=${f.person}`, role: 'reviewer' })).json().results as { id: string; identifiers: { scheme: string; masked: string }[] }[];
    const t = rows(await csv(`/v1/subjects?q=${f.person}&purpose=${q('identity confirmation')}`, 'reviewer'));
    const name = (await f.ctx.store.getSubject(f.person))?.name;
    expect(t[1]).toEqual([f.person, 'person', name, expect.any(String), json[0].identifiers.map((i) => `${i.scheme}:${i.masked}`).join('; ')]);
    expect(await accessLog()).toContainEqual(expect.objectContaining({ action: 'export.read', purpose: 'identity confirmation' }));
    for (const role of ['checker', 'source', 'subject', 'admin', 'author'] as KeyRole[]) expect((await csv(`/v1/subjects?q=${q('公司')}&purpose=${q('not mine to read')}`, role)).statusCode, role).toBe(403);
  });
});

describe('the cap', () => {
  it('is 100,000 rows, and an export past its cap is refused naming the cap, logging nothing', async () => {
    expect(EXPORT_MAX_ROWS).toBe(100_000);
    const svc = f.server.svc;
    const before = (await accessLog()).length;
    await expect(exportListEntries(svc, { list: LIST, all: true, purpose: 'too many rows', actor: 'test', lang: 'en', max: 2 })).rejects.toMatchObject({ code: 'XY_ERR_VALIDATION', extra: { max: 2 } });
    await expect(exportSearch(svc, { q: '公司', purpose: 'too many rows', actor: 'test', lang: 'en', max: 1 })).rejects.toMatchObject({ code: 'XY_ERR_VALIDATION', extra: { max: 1 } });
    expect((await accessLog()).length).toBe(before);
  });
});

describe('the CLI counterpart: --csv FILE', () => {
  const BIN = join(import.meta.dirname, '..', '..', 'bin', 'xinyong.js');
  const cli = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [BIN, '--db', join(f.dir, 'x.db'), ...args], { encoding: 'utf8', env: { ...process.env, XY_LANG: '', LC_ALL: '', LANG: 'C', ...env } });

  it('list --csv writes every entry, as the HTTP export does, and logs the export for each person', async () => {
    const file = join(f.dir, 'entries.csv');
    const r = cli(['list', '--name', LIST, '--all', '--limit', '3', '--purpose', 'cli export check', '--csv', file]);
    expect(r.status, r.stderr).toBe(0);
    const body = readFileSync(file, 'utf8');
    const http = rows(await csv(`/v1/lists/${LIST}/entries?purpose=${q('compare with the cli')}&all=true`, 'reviewer'));
    expect(r.stdout).toBe(`Wrote ${http.length - 1} rows to ${file}.\n`);
    expect(rows({ statusCode: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="x.csv"' }, body })).toEqual(http);
    expect(await accessLog()).toContainEqual(expect.objectContaining({ action: 'export.read', purpose: 'cli export check' }));
    const zh = cli(['list', '--name', LIST, '--purpose', 'cli export check', '--csv', file], { XY_LANG: 'zh-CN' });
    expect(zh.status, zh.stderr).toBe(0);
    expect(readFileSync(file, 'utf8').slice(1, 5)).toBe('条目编号');
  });

  it('audit log --csv writes the matching entries; by --subject it takes the purpose', async () => {
    const file = join(f.dir, 'audit.csv');
    const r = cli(['audit', 'log', '--subject', f.person, '--purpose', 'cli audit export', '--csv', file, '--json']);
    expect(r.status, r.stderr).toBe(0);
    const t = parse(readFileSync(file, 'utf8'), { bom: true }) as string[][];
    expect(t[0]).toEqual(['Seq', 'At', 'Actor', 'Action', 'Subject', 'Data', 'Hash']);
    expect(JSON.parse(r.stdout)).toEqual({ file, rows: t.length - 1 });
    expect(await accessLog()).toContainEqual(expect.objectContaining({ action: 'export.read', purpose: 'cli audit export' }));
    const receipt = cli(['audit', 'log', '--receipt', 'rc_0123', '--csv', file]);
    expect(receipt.status).toBe(1);
    expect(receipt.stderr).toMatch(/--csv/);
  });
});
