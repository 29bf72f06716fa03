/**
 * Issue 17, build items 6 and 5 (the web side): a subject page and "my credit record" print as
 * their content only, with the page's address and as-of instant at the foot, in the reader's
 * language; the console downloads list entries, audit entries and search results as CSV from the
 * same endpoints (the server's file, header row in the UI's language, with its byte-order mark).
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { cityAndBrowser, sessionFor, type Lang } from './harness.js';

const city = cityAndBrowser();
const tab = city.tab;

const purpose = async (p: Page, text = 'printing the record for the file') => {
  await p.getByTestId('purpose').fill(text);
  await p.getByTestId('purpose-set').click();
};

/** What is visible of the page as printed: navigation, forms, buttons, the language switch, and the footer. */
async function printed(p: Page) {
  await p.emulateMedia({ media: 'print' });
  const shown = (sel: string) => p.locator(sel).evaluateAll((els) => els.filter((e) => (e as HTMLElement).offsetParent !== null || getComputedStyle(e).position === 'fixed').length);
  return {
    nav: await shown('nav, header.top'),
    forms: await shown('form'),
    buttons: await shown('button'),
    inputs: await shown('input, select, textarea'),
    language: await p.getByTestId('language').isVisible(),
    footer: (await p.getByTestId('print-footer').isVisible()) ? await p.getByTestId('print-footer').innerText() : null,
  };
}

const AS_OF: Record<Lang, RegExp> = { en: /As of /, 'zh-CN': /数据截至/ };

describe('print (issue 17, build 6)', () => {
  it.each(['en', 'zh-CN'] as const)('a subject page prints its content, the as-of instant and its address, nothing to click (%s)', async (lang) => {
    const t = await tab({ lang, session: await sessionFor(city.w, 'reviewer') });
    await t.page.goto(`${city.w.base}/subjects/${city.w.f.org.id}`);
    await purpose(t.page);
    await t.page.getByTestId('measures').waitFor();
    const asOf = (await t.page.getByTestId('as-of-shown').innerText()).split(' · ')[0];
    // On screen, the footer is not shown.
    expect(await t.page.getByTestId('print-footer').isVisible()).toBe(false);
    const p = await printed(t.page);
    expect(p).toMatchObject({ nav: 0, forms: 0, buttons: 0, inputs: 0, language: false });
    expect(p.footer).toMatch(AS_OF[lang]);
    expect(p.footer).toContain(asOf);
    expect(p.footer).toContain(`${city.w.base}/subjects/${city.w.f.org.id}`);
    expect(await t.page.getByTestId('measures').isVisible()).toBe(true);
    const pdf = await t.page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  });

  it.each(['en', 'zh-CN'] as const)('my credit record prints without navigation, forms or buttons, with its address and as-of instant (%s)', async (lang) => {
    const t = await tab({ lang, session: await sessionFor(city.w, 'subject', city.w.f.person) });
    await t.page.goto(`${city.w.base}/public/me`);
    await t.page.locator('#scores').waitFor();
    const p = await printed(t.page);
    expect(p).toMatchObject({ nav: 0, forms: 0, buttons: 0, inputs: 0, language: false });
    expect(p.footer).toMatch(AS_OF[lang]);
    expect(p.footer).toContain(`${city.w.base}/public/me`);
    expect(await t.page.locator('#scores').isVisible()).toBe(true);
    const pdf = await t.page.pdf({ format: 'A4' });
    expect(pdf.length).toBeGreaterThan(1000);
  });
});

/** Clicks a download button and reads the file the browser saves: its suggested name and bytes. */
async function downloaded(p: Page, testId: string) {
  const [d] = await Promise.all([p.waitForEvent('download'), p.getByTestId(testId).click()]);
  const path = await d.path();
  return { name: d.suggestedFilename(), bytes: readFileSync(path) };
}

/** The file's first line, after its byte-order mark (which must be there). */
function header(bytes: Buffer) {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return bytes.subarray(3).toString('utf8').split('\r\n')[0];
}

const HEADERS: Record<Lang, { lists: string; audit: string; search: string; queue: string }> = {
  en: { lists: 'Entry,List,Status,Subject,Kind', audit: 'Seq,At,Actor,Action,Subject', search: 'Subject,Kind,Name', queue: 'Case,Status,Overdue,Subject,Record,Record type,Filed at,Filed by,Deadline' },
  'zh-CN': { lists: '条目编号,名单,状态,主体编号,主体类型', audit: '序号,时间,操作者,操作,主体编号', search: '主体编号,主体类型,名称', queue: '案件编号,状态,已逾期,主体编号,记录编号,记录类型,提出时间,提出人,办理期限' },
};

describe('CSV downloads (issue 17, build 5)', () => {
  it.each(['en', 'zh-CN'] as const)('a list\'s entries download, with the purpose the page asked for, header in the UI language (%s)', async (lang) => {
    const t = await tab({ lang, session: await sessionFor(city.w, 'reviewer') });
    await t.page.goto(`${city.w.base}/lists`);
    // Persons' data: no download before the purpose is stated.
    expect(await t.page.getByTestId('csv-list-entries').isDisabled()).toBe(true);
    await purpose(t.page, 'list export for the quarterly report');
    await t.page.getByTestId('list-entries').waitFor();
    const before = (await city.w.f.req({ method: 'GET', url: '/v1/audit?action=export.read&limit=100', role: 'admin' })).json().entries.length;
    const f = await downloaded(t.page, 'csv-list-entries');
    expect(f.name).toMatch(/\.csv$/);
    expect(header(f.bytes).startsWith(HEADERS[lang].lists)).toBe(true);
    expect(f.bytes.subarray(3).toString('utf8').split('\r\n').length).toBeGreaterThan(2);
    // The export is logged with the purpose given on the page.
    const after = (await city.w.f.req({ method: 'GET', url: '/v1/audit?action=export.read&limit=100', role: 'admin' })).json().entries;
    expect(after.length).toBeGreaterThan(before);
    expect(JSON.stringify(after[0].data)).toContain('list export for the quarterly report');
  });

  it.each(['en', 'zh-CN'] as const)('audit entries download with the action filter, header in the UI language (%s)', async (lang) => {
    const t = await tab({ lang, session: await sessionFor(city.w, 'admin') });
    await t.page.goto(`${city.w.base}/audit`);
    await t.page.getByTestId('audit-entries').locator('tbody tr').first().waitFor();
    const all = await downloaded(t.page, 'csv-audit');
    expect(all.name).toMatch(/\.csv$/);
    expect(header(all.bytes).startsWith(HEADERS[lang].audit)).toBe(true);
    const rows = (b: Buffer) => b.subarray(3).toString('utf8').trimEnd().split('\r\n').slice(1);
    // Every entry, not the page shown.
    const inLog = (await city.w.f.req({ method: 'GET', url: '/v1/audit?limit=1000', role: 'admin' })).json().entries.length;
    expect(rows(all.bytes).length).toBeGreaterThanOrEqual(inLog);
    // The page's action filter applies to the file.
    const action = (await t.page.getByTestId('audit-entries').locator('tbody tr td:nth-child(4) code').first().innerText()).trim();
    await t.page.getByTestId('filter-action').selectOption(action);
    await t.page.getByTestId('filter-apply').click();
    await t.page.waitForFunction((a) => [...document.querySelectorAll('[data-testid="audit-entries"] tbody tr td:nth-child(4) code')].every((c) => c.textContent === a), action);
    const some = rows((await downloaded(t.page, 'csv-audit')).bytes);
    expect(some.length).toBeGreaterThan(0);
    expect(some.length).toBeLessThan(rows(all.bytes).length);
    for (const r of some) expect(r).toContain(`,${action},`);
  });

  it.each(['en', 'zh-CN'] as const)('search results download once a purpose is stated, header in the UI language (%s)', async (lang) => {
    const t = await tab({ lang, session: await sessionFor(city.w, 'reviewer') });
    await t.page.goto(`${city.w.base}/subjects`);
    await t.page.getByTestId('subject-query').fill(city.w.f.org.ref.replace('cn-uscc:', ''));
    await t.page.getByTestId('subject-query').press('Enter');
    await t.page.getByTestId('subject-results').waitFor();
    expect(await t.page.getByTestId('csv-search').isDisabled()).toBe(true);
    await purpose(t.page, 'search export for the case file');
    const f = await downloaded(t.page, 'csv-search');
    expect(f.name).toMatch(/\.csv$/);
    expect(header(f.bytes).startsWith(HEADERS[lang].search)).toBe(true);
    expect(f.bytes.toString('utf8')).toContain(city.w.f.org.id);
  });

  it.each(['en', 'zh-CN'] as const)('the review queue downloads once a purpose is stated: every open case, with the columns a reviewer works by (%s)', async (lang) => {
    const t = await tab({ lang, session: await sessionFor(city.w, 'reviewer') });
    // A case in the queue (a reviewer files it for the person), so the file has a row to compare.
    const r = await city.w.f.req({ method: 'POST', url: '/v1/records', role: 'source', payload: { externalId: `csv-queue-${lang}`, type: 'court.dishonest-debtor-decision', subject: city.w.f.clean, occurredAt: '2026-11-02', facts: { caseNo: `CSV-${lang}`, court: 'Rongcheng court', ground: 'evades', obligationYuan: 9000 } } });
    expect(r.statusCode, r.body).toBe(201);
    const o = await city.w.f.req({ method: 'POST', url: '/v1/objections', role: 'reviewer', payload: { recordId: r.json().results[0].recordId, reasons: 'the amount is wrong, 9,000 yuan' } });
    expect(o.statusCode, o.body).toBe(201);
    await t.page.goto(`${city.w.base}/review`);
    expect(await t.page.getByTestId('csv-objections').isDisabled()).toBe(true);
    expect(await t.page.getByTestId('csv-repairs').isDisabled()).toBe(true);
    await purpose(t.page, 'queue export for the weekly review');
    const f = await downloaded(t.page, 'csv-objections');
    expect(f.name).toMatch(/\.csv$/);
    expect(header(f.bytes).startsWith(HEADERS[lang].queue)).toBe(true);
    const open = (await city.w.f.req({ method: 'GET', url: '/v1/objections?status=open&limit=200', role: 'reviewer' })).json().objections as { id: string }[];
    const rows = f.bytes.subarray(3).toString('utf8').trimEnd().split('\r\n').slice(1);
    expect(open.map((c) => c.id)).toContain(o.json().id);
    expect(rows.map((row) => row.split(',')[0]).sort()).toEqual(open.map((c) => c.id).sort());
    const repairs = await downloaded(t.page, 'csv-repairs');
    expect(header(repairs.bytes).startsWith(HEADERS[lang].queue)).toBe(true);
  });
});
