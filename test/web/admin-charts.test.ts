/**
 * Admin screens and charts in the browser (issue 17, build items 8 and 9): an API key created,
 * shown once and revoked; the audit entries filtered by action and by day; the list flows over
 * another time range; a bar of the list sizes opening the entries behind it; and a logarithmic
 * scale where small groups (classes C and D beside A) would vanish.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chartsDrawn, cityAndBrowser, expectAccessible, sessionFor } from './harness.js';

const city = cityAndBrowser();

/** The enterprise classes' bar colours, as the overview draws them. */
const GRADE_COLOURS: Record<string, string> = { A: '#4ac26b', B: '#d4a72c', C: '#e16f24', D: '#cf222e' };

/** A reviewer's overview, drawn, and the counts of the enterprise classes it shows. */
async function enterpriseGrades() {
  const t = await city.tab({ session: await sessionFor(city.w, 'reviewer') });
  await t.page.goto(`${city.w.base}/overview`);
  await chartsDrawn(t.page);
  const stats = (await city.w.f.req({ method: 'GET', url: '/v1/stats', role: 'reviewer' })).json() as { grades: Record<string, Record<string, number>> };
  return { t, counts: stats.grades['enterprise-class'] };
}

/** The drawn bars of a chart: each SVG path filled with one of `colours`, with its box in pixels. */
async function bars(page: Page, chart: string, colours: string[]): Promise<{ fill: string; x: number; y: number; width: number; height: number }[]> {
  return page.evaluate(
    ({ chart, colours }) => {
      const fig = document.querySelector(`[data-testid="chart-${chart}"]`);
      const out: { fill: string; x: number; y: number; width: number; height: number }[] = [];
      for (const p of fig?.querySelectorAll('svg path') ?? []) {
        const fill = (p.getAttribute('fill') ?? '').toLowerCase();
        if (!colours.includes(fill)) continue;
        const r = p.getBoundingClientRect();
        out.push({ fill, x: r.x, y: r.y, width: r.width, height: r.height });
      }
      return out;
    },
    { chart, colours },
  );
}

describe('API keys in the console', () => {
  it('creates a key, shows it once with a copy button, and revokes it with a reason: it stops working at once', async () => {
    const t = await city.tab({ session: await sessionFor(city.w, 'admin') });
    await t.ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: city.w.base });
    await t.page.goto(`${city.w.base}/keys`);
    await t.page.getByTestId('keys-table').waitFor();
    // The fixture's keys are listed, never with a secret.
    const listed = await t.page.getByTestId('keys-table').innerText();
    for (const k of Object.values(city.w.f.keys)) expect(listed).not.toContain(k.slice(18));

    await t.page.getByTestId('key-name').fill('Hangzhou East ticket office');
    await t.page.getByTestId('key-role').selectOption('checker');
    const air = t.page.getByTestId('key-scopes').locator('input[value="transport.air.ticket"]');
    await air.check();
    await t.page.getByTestId('key-create').click();
    await t.page.getByTestId('secret-once').waitFor();
    const key = await t.page.getByTestId('secret-value').inputValue();
    expect(key).toMatch(/^xy_k_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(await t.page.getByTestId('secret-once').innerText()).toMatch(/only this once/);
    await t.page.getByTestId('secret-copy').click();
    await expect.poll(() => t.page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    const id = key.slice(3, 17);

    // The key works, scoped to what was chosen.
    const check = (action: string) => city.w.f.app.inject({ method: 'POST', url: '/v1/checks', headers: { authorization: `Bearer ${key}` }, payload: { subject: city.w.f.org.ref, action } });
    expect((await check('transport.air.ticket')).statusCode).toBe(200);
    expect((await check('transport.rail.high-speed')).statusCode).toBe(403);

    // Shown once: hidden when stored, and not on the page again after a reload.
    await t.page.getByTestId('secret-done').click();
    await expect.poll(() => t.page.getByTestId('secret-once').count()).toBe(0);
    await t.page.reload();
    const row = t.page.locator(`[data-testid="keys-table"] tr[data-key="${id}"]`);
    await row.waitFor();
    expect(await t.page.locator('body').innerText()).not.toContain(key.slice(18));
    expect(await row.innerText()).toContain('Hangzhou East ticket office');

    // Revoke: a confirmation, then the reason; the key stops working at once.
    await t.page.getByTestId(`revoke-${id}`).click();
    await t.page.getByTestId('revoke-confirm').waitFor();
    await t.page.getByTestId('revoke-reason').fill('the ticket office closed');
    await t.page.getByTestId('revoke-yes').click();
    await expect.poll(() => row.innerText()).toMatch(/Revoked/);
    expect(await t.page.getByTestId(`revoke-${id}`).count()).toBe(0);
    expect((await check('transport.air.ticket')).statusCode).toBe(401);
    const entry = (await city.w.f.req({ method: 'GET', url: '/v1/audit?action=key.revoked&limit=1', role: 'admin' })).json().entries[0];
    expect(entry.data).toEqual({ id, reason: 'the ticket office closed' });
  });

  it('refuses a key for a subject the register does not have, naming the field, in Chinese', async () => {
    const t = await city.tab({ lang: 'zh-CN', session: await sessionFor(city.w, 'admin') });
    await t.page.goto(`${city.w.base}/keys`);
    await t.page.getByTestId('key-name').fill('法院数据接口');
    await t.page.getByTestId('key-role').selectOption('subject');
    await t.page.getByTestId('key-subject').fill('cn-uscc:000000000000000000');
    await t.page.getByTestId('key-create').click();
    const error = t.page.locator('[data-testid="create-key"] .error');
    await error.waitFor();
    expect(await error.innerText()).toContain('/subject');
    expect(await t.page.getByTestId('secret-once').count()).toBe(0);
  });
});

describe('audit filters in the console', () => {
  it('narrows the entries by action and by day, and clears the filters', async () => {
    const t = await city.tab({ session: await sessionFor(city.w, 'admin') });
    await t.page.goto(`${city.w.base}/audit`);
    const table = t.page.getByTestId('audit-entries');
    await table.locator('tbody tr').first().waitFor();
    const codes = () => table.locator('tbody tr td:nth-child(4) code').allInnerTexts();
    expect(new Set(await codes()).size).toBeGreaterThan(1);

    await t.page.getByTestId('filter-action').selectOption('key.created');
    await t.page.getByTestId('filter-apply').click();
    await expect.poll(async () => [...new Set(await codes())]).toEqual(['key.created']);
    // The label is in words, the code beside it.
    expect(await table.locator('tbody tr td:nth-child(4)').first().innerText()).toMatch(/API key created/);

    // The fixture's keys were created on 27 November 2026 (Beijing time): that day has them, the day before none.
    await t.page.getByTestId('filter-from').fill('2026-11-27');
    await t.page.getByTestId('filter-to').fill('2026-11-27');
    await t.page.getByTestId('filter-apply').click();
    await expect.poll(async () => (await codes()).length).toBeGreaterThanOrEqual(6);
    await t.page.getByTestId('filter-from').fill('2026-11-20');
    await t.page.getByTestId('filter-to').fill('2026-11-26');
    await t.page.getByTestId('filter-apply').click();
    await expect.poll(async () => (await codes()).length).toBe(0);

    await t.page.getByTestId('filter-reset').click();
    await expect.poll(async () => new Set(await codes()).size).toBeGreaterThan(1);
  });
});

describe('charts', () => {
  it('changes the time range of the list flows: by day for 30 days, by month for a year', async () => {
    const t = await city.tab({ session: await sessionFor(city.w, 'reviewer') });
    await t.page.goto(`${city.w.base}/overview`);
    await chartsDrawn(t.page);
    const flows = t.page.getByTestId('chart-list-flows');
    const rows = () => flows.locator('tbody tr').count();
    // The last 12 months by default.
    await expect.poll(rows).toBe(12);
    expect(await flows.locator('figcaption').innerText()).toMatch(/by month/);
    await t.page.getByTestId('flow-range').selectOption('30d');
    await expect.poll(rows).toBe(30);
    expect(await flows.locator('figcaption').innerText()).toMatch(/by day/);
    await t.page.getByTestId('flow-range').selectOption('all');
    await expect.poll(rows).toBeGreaterThan(12);
    expect(await flows.locator('figcaption').innerText()).toMatch(/by month/);
  });

  it('opens the entries behind a bar of the list sizes', async () => {
    const t = await city.tab({ session: await sessionFor(city.w, 'reviewer') });
    await t.page.goto(`${city.w.base}/overview`);
    await chartsDrawn(t.page);
    const stats = (await city.w.f.req({ method: 'GET', url: '/v1/stats', role: 'reviewer' })).json() as { lists: { code: string; color: string }[]; listSizes: Record<string, number> };
    // The biggest list's bar: its place among the drawn bars (top to bottom, lists with none have no bar) says which list it is.
    const drawn = stats.lists.filter((l) => (stats.listSizes[l.code] ?? 0) > 0);
    const biggest = drawn.reduce((a, b) => ((stats.listSizes[a.code] ?? 0) >= (stats.listSizes[b.code] ?? 0) ? a : b));
    await t.page.getByTestId('chart-list-sizes').scrollIntoViewIfNeeded();
    const found = (await bars(t.page, 'list-sizes', ['#cf222e', '#24292f'])).sort((a, b) => a.y - b.y);
    expect(found).toHaveLength(drawn.length);
    const bar = found[drawn.indexOf(biggest)];
    await t.page.mouse.click(bar.x + bar.width / 2, bar.y + bar.height / 2);
    await t.page.waitForURL((u) => u.pathname === '/lists' && u.searchParams.get('list') === biggest.code);
    // The Lists page shows that list: picked in its counts and in the filter, its entries once a purpose is stated.
    await expect.poll(() => t.page.getByTestId('list-select').inputValue()).toBe(biggest.code);
    await t.page.getByTestId('purpose').fill('checking the overview figures');
    await t.page.getByTestId('purpose-set').click();
    const entries = await city.w.f.req({ method: 'GET', url: `/v1/lists/${biggest.code}/entries?purpose=test&limit=1`, role: 'reviewer' });
    const first = entries.json().entries[0].subjectId as string;
    await t.page.locator(`[data-testid="list-entries"] a[href="/subjects/${first}"]`).first().waitFor();
  });

  it('draws every non-zero grade visibly: a logarithmic scale where C and D would vanish beside A', async () => {
    const { t, counts } = await enterpriseGrades();
    const nonZero = Object.entries(counts).filter(([, n]) => n > 0);
    expect(nonZero.length).toBeGreaterThan(1);
    const small = Math.min(...nonZero.map(([, n]) => n)) * 50 < Math.max(...nonZero.map(([, n]) => n));
    const fig = t.page.getByTestId('chart-grades-enterprise-class');
    // Where a group is under 2% of the largest the chart starts on a log scale, and says so.
    expect(await fig.getAttribute('data-scale')).toBe(small ? 'log' : 'linear');
    const heights = async () => {
      const drawn = await bars(t.page, 'grades-enterprise-class', Object.values(GRADE_COLOURS));
      return Object.fromEntries(drawn.map((b) => [Object.keys(GRADE_COLOURS).find((g) => GRADE_COLOURS[g] === b.fill), b.height]));
    };
    const check = async (scale: 'log' | 'linear') => {
      if ((await fig.getAttribute('data-scale')) !== scale) await t.page.getByTestId('log-grades-enterprise-class').click();
      await fig.scrollIntoViewIfNeeded();
      await expect.poll(() => fig.getAttribute('data-scale')).toBe(scale);
      await t.page.waitForTimeout(100);
      const h = await heights();
      for (const [g] of nonZero) expect(h[g], `${g} (${counts[g]}) on a ${scale} scale`).toBeGreaterThan(3);
      return h;
    };
    const log = await check('log');
    const linear = await check('linear');
    // The log scale shows the smallest group as more than its linear share.
    const [minG] = nonZero.reduce((a, b) => (a[1] <= b[1] ? a : b));
    const [maxG] = nonZero.reduce((a, b) => (a[1] >= b[1] ? a : b));
    expect(log[minG] / log[maxG]).toBeGreaterThan(linear[minG] / linear[maxG]);
    expect(await fig.innerText()).toMatch(/Logarithmic scale/);
  });

  it('opens the subjects behind a bar of the grades: the smallest group, all of them, each holding that grade', async () => {
    const { t, counts } = await enterpriseGrades();
    const [grade, n] = Object.entries(counts).filter(([, k]) => k > 0).reduce((a, b) => (a[1] <= b[1] ? a : b));
    await t.page.getByTestId('chart-grades-enterprise-class').scrollIntoViewIfNeeded();
    const [bar] = await bars(t.page, 'grades-enterprise-class', [GRADE_COLOURS[grade]]);
    await t.page.mouse.click(bar.x + bar.width / 2, bar.y + bar.height / 2);
    await t.page.waitForURL((u) => u.pathname === '/subjects' && u.searchParams.get('scheme') === 'enterprise-class' && u.searchParams.get('grade') === grade);
    await t.page.getByTestId('grade-filter').waitFor();
    await expect.poll(() => t.page.getByTestId('search-count').innerText()).toMatch(new RegExp(`\\b${n}\\b`));
    // The first one listed holds that grade, as its own page says.
    const first = await t.page.locator('[data-testid=subject-results] a').first().getAttribute('href');
    const v = (await city.w.f.req({ method: 'GET', url: `/v1/subjects/${first!.split('/').pop()}?purpose=${encodeURIComponent('核对概览数字')}`, role: 'reviewer' })).json() as { state: { schemes: { scheme: string; grade: string }[] } };
    expect(v.state.schemes.find((x) => x.scheme === 'enterprise-class')?.grade).toBe(grade);
    await expectAccessible(t.page, 'subjects of a grade');
  });
});

describe('messages', () => {
  it('every action the audit log records has a label in both languages (the filter would show the raw action)', async () => {
    const { AUDIT } = await import('../../src/audit/actions.js');
    const { readFileSync } = await import('node:fs');
    for (const lang of ['en', 'zh-CN']) {
      const labels = JSON.parse(readFileSync(new URL(`../../src/web/locales/${lang}/admin.json`, import.meta.url), 'utf8')).auditActions as Record<string, string>;
      for (const a of Object.values(AUDIT)) expect(labels[a.replace(/\./g, '_')], `${lang}: ${a}`).toBeTruthy();
    }
  });
});
