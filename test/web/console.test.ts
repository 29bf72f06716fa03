/**
 * The console and the portal in a real browser (Debian's Chromium through playwright-core), on the
 * demo city: sign in, the overview's charts, a listed subject's waterfall and deny measure, an
 * objection filed by the subject and revoked by a reviewer, the public portal, Chinese, and no
 * identifier in clear where a role should not see it.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import { ridCheckChar } from '../../src/ids/index.js';
import { NOW } from '../api/fixture.js';
import { chartsDrawn, launch, openTab, serveCity, signInConsole, signInPortal, type Tab, type WebFixture } from './harness.js';

const AIR = 'transport.air.ticket';
const number = '33010619850612' + '771';
const RID = number + ridCheckChar(number);
const NAME = '网页测试人';

let w: WebFixture;
let browser: Browser;
let orgId: string;
let uscc: string;
let orgRecord: string;
const tabs: Tab[] = [];

async function tab(o: Parameters<typeof openTab>[1] = {}) {
  const t = await openTab(browser, o);
  tabs.push(t);
  return t;
}

beforeAll(async () => {
  [w, browser] = await Promise.all([serveCity(), launch()]);
  orgId = w.f.org.id;
  uscc = w.f.org.ref.replace('cn-uscc:', '');
  // A person the test knows by number and name, listed by a court: for the checker's and the public's views.
  const mps = await createApiKey(w.f.ctx.store, { name: 'residents registry', role: 'source', source: 'mps' }, NOW, 'test');
  const reg = await w.f.app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${mps.key}` }, payload: { kind: 'subject', subject: `cn-rid:${RID}`, name: NAME } });
  expect(reg.statusCode, reg.body).toBe(201);
  const listed = await w.f.req({ method: 'POST', url: '/v1/records', role: 'source', payload: { externalId: 'web-person-1', type: 'court.dishonest-debtor-decision', subject: `cn-rid:${RID}`, occurredAt: '2026-11-02', facts: { caseNo: 'WEB-1', court: 'C', ground: 'evades' } } });
  expect(listed.statusCode, listed.body).toBe(201);
  const view = await w.f.req({ method: 'GET', url: `/v1/subjects/${orgId}?purpose=test%20setup`, role: 'reviewer' });
  orgRecord = (view.json().timeline as { id: string; type: string }[]).find((r) => r.type === 'court.dishonest-debtor-decision')!.id;
}, 120_000);

afterAll(async () => {
  for (const t of tabs) expect(t.errors, 'console errors in the browser').toEqual([]);
  await browser?.close();
  await w?.close();
});

describe('the console', () => {
  it('signs in with the dev sign-in and shows only the pages of the role', async () => {
    const t = await tab();
    await signInConsole(t, w.base, 'reviewer');
    const nav = t.page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual(['Overview', 'Subjects', 'Lists', 'Catalog', 'Review queue']);
    expect(await t.page.getByTestId('signed-in-as').innerText()).toBe('Signed in as Reviewer');
    // A page the role may not see says so instead of calling the API.
    await t.page.goto(`${w.base}/audit`);
    await expect.poll(() => t.page.getByRole('alert').innerText()).toContain('Not available to your role');

    const c = await tab();
    await signInConsole(c, w.base, 'checker');
    expect(await c.page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts()).toEqual(['Checks']);
    await c.page.getByRole('button', { name: 'Sign out' }).click();
    await c.page.getByTestId('dev-sign-in').waitFor();
  });

  it('is keyboard-navigable: sign in and move between pages without a mouse', async () => {
    const t = await tab();
    await t.page.goto(`${w.base}/`);
    await t.page.getByTestId('dev-role').waitFor();
    // The first Tab reaches the skip link, then the language switch, then the sign-in form.
    await t.page.keyboard.press('Tab');
    expect(await t.page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await t.page.getByTestId('dev-role').focus();
    await t.page.keyboard.press('Tab');
    expect(await t.page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('dev-sign-in');
    await t.page.keyboard.press('Enter');
    await t.page.getByTestId('signed-in-as').waitFor();
    await t.page.getByRole('link', { name: 'Lists' }).focus();
    await t.page.keyboard.press('Enter');
    // The new page takes the focus to its heading, as a page load would.
    await expect.poll(() => t.page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    expect(new URL(t.page.url()).pathname).toBe('/lists');
    await t.page.getByTestId('purpose').focus();
    await t.page.keyboard.type('keyboard test');
    await t.page.keyboard.press('Enter');
    await t.page.getByTestId('list-entries').waitFor();
  });

  it('renders the overview charts with the demo city’s numbers', async () => {
    const stats = (await w.f.req({ method: 'GET', url: '/v1/stats', role: 'reviewer' })).json();
    const t = await tab();
    await signInConsole(t, w.base, 'admin');
    await t.page.getByRole('link', { name: 'Overview' }).click();
    await chartsDrawn(t.page);
    const table = async (id: string) =>
      t.page.locator(`[data-testid=chart-${id}] table tbody tr`).evaluateAll((rows) => rows.map((r) => [...r.children].map((c) => (c.textContent ?? '').replace(/,/g, ''))));
    for (const s of stats.schemes as { code: string; grades: string[] }[]) {
      expect(await table(`grades-${s.code}`)).toEqual(s.grades.map((g) => [g, String(stats.grades[s.code]?.[g] ?? 0)]));
      // One bar per grade with subjects.
      const bars = await t.page.locator(`[data-testid=chart-grades-${s.code}] svg path[fill]:not([fill=none]):not([fill=transparent])`).count();
      expect(bars).toBeGreaterThanOrEqual(s.grades.filter((g) => (stats.grades[s.code]?.[g] ?? 0) > 0).length);
    }
    const sizes = await table('list-sizes');
    expect(sizes.map((r) => Number(r[2]))).toEqual((stats.lists as { code: string }[]).map((l) => stats.listSizes[l.code] ?? 0));
    expect(Number(sizes[0][2])).toBeGreaterThan(0);
    const areas = await table('records-by-area');
    expect(areas.map((r) => Number(r[1])).reduce((a, b) => a + b, 0)).toBe(stats.records);
    const provinces = await table('records-by-province');
    expect(provinces.map((r) => [r[1], Number(r[2])]).sort()).toEqual(Object.entries(stats.recordsByProvince).sort());
    const flows = await table('list-flows');
    expect(flows.length).toBeGreaterThan(0);
    expect(await t.page.getByTestId('chain-status').innerText()).toContain('verified');
  });

  it('opens a listed subject: the waterfall from base to final, the deny measure, and the past state', async () => {
    const t = await tab();
    await signInConsole(t, w.base, 'reviewer');
    await t.page.getByRole('link', { name: 'Subjects' }).click();
    await t.page.getByTestId('subject-query').fill(uscc);
    await t.page.getByRole('button', { name: 'Search' }).click();
    await t.page.locator('[data-testid=subject-results] a').first().click();
    await t.page.getByTestId('purpose').fill('browser test: listed subject');
    await t.page.getByTestId('purpose-set').click();
    await t.page.getByTestId('measures').waitFor();
    const wf = t.page.getByTestId('waterfall-enterprise-class');
    await wf.locator('svg').waitFor();
    // Base, one bar per contribution, final: the table under the chart has exactly those steps.
    const steps = await wf.locator('figure table tbody tr').evaluateAll((rows) => rows.map((r) => r.firstElementChild?.textContent));
    expect(steps[0]).toBe('Base');
    expect(steps.at(-1)).toBe('Final');
    // A step is its rule, named by the record type it acts on (a rule has no name of its own).
    expect(steps).toContain('Decision listing a dishonest judgment debtor');
    // Each contribution links to its record, with its rule and legal basis.
    await wf.getByRole('button', { name: 'Decision listing a dishonest judgment debtor' }).click();
    const dialog = t.page.getByTestId('record-dialog');
    await expect.poll(() => dialog.innerText()).toContain('court.dishonest-debtor-decision');
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect(await t.page.locator(`[data-testid=measures] tr[data-effect=deny][data-action="${AIR}"]`).count()).toBeGreaterThan(0);
    expect(await t.page.getByTestId('entries').innerText()).toContain('List of dishonest judgment debtors');

    // The as-of picker: the day before the record was known, no measure was in force.
    const rec = (await w.f.req({ method: 'GET', url: `/v1/records/${orgRecord}?purpose=test`, role: 'reviewer' })).json();
    const before = new Date(Date.parse(rec.recordedAt) - 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
    await t.page.getByTestId('as-of').fill(before);
    await expect.poll(() => t.page.getByTestId('as-of-shown').innerText()).toContain('0 records known');
    expect(await t.page.locator(`[data-testid=measures] tr[data-effect=deny]`).count()).toBe(0);
  });
});

describe('the public portal', () => {
  it('finds an organisation by its unified social credit code and shows its list entries', async () => {
    const t = await tab();
    await t.page.goto(`${w.base}/public`);
    await t.page.getByTestId('public-query').fill(uscc);
    await t.page.getByTestId('public-search').click();
    const link = t.page.locator('[data-testid=public-results] a');
    await link.first().waitFor();
    expect(await link.count()).toBe(1);
    await link.click();
    await t.page.getByTestId('public-entry').first().waitFor();
    const entry = await t.page.getByTestId('public-entry').first().innerText();
    expect(entry).toContain('List of dishonest judgment debtors');
    expect(entry).toContain("Supreme People's Court");
    expect(await t.page.getByTestId('public-header').innerText()).toContain(uscc);
  });
});

describe('an objection, from the subject to the reviewer and back', () => {
  let caseId: string;

  it('the subject files an objection from the portal', async () => {
    const t = await tab();
    await signInPortal(t, w.base, uscc);
    await t.page.getByTestId('file-objection').check();
    await t.page.getByTestId('file-record').selectOption(orgRecord);
    await t.page.getByTestId('file-reasons').fill('The judgment was performed in full on 2026-10-30; the listing is wrong.');
    await t.page.getByTestId('file-submit').click();
    const ok = await t.page.getByTestId('file-ok').innerText();
    caseId = /ob_[0-9a-z]+/.exec(ok)![0];
    await t.page.locator(`[data-testid=my-cases] tr[data-case="${caseId}"][data-status=open]`).waitFor();
    await expect.poll(() => t.page.getByTestId(`status-${orgRecord}`).innerText()).toBe('disputed');
  });

  it('a reviewer revokes it from the review queue', async () => {
    const t = await tab();
    await signInConsole(t, w.base, 'reviewer');
    await t.page.getByRole('link', { name: 'Review queue' }).click();
    const row = t.page.locator(`[data-testid=queue-objection] tr[data-case="${caseId}"]`);
    await row.waitFor();
    await t.page.getByTestId(`decide-${caseId}`).click();
    await t.page.getByTestId('decision-revoked').check();
    await t.page.getByTestId('decision-reason').fill('Court confirms full performance on 2026-10-30.');
    await t.page.getByTestId('decision-submit').click();
    await row.waitFor({ state: 'detached' });
  });

  it('the subject page shows the change, for the reviewer and for the subject', async () => {
    const t = await tab();
    await signInConsole(t, w.base, 'reviewer');
    await t.page.goto(`${w.base}/subjects/${orgId}`);
    // A new session states its purpose before it reads.
    await t.page.getByTestId('purpose').fill('browser test: after the objection');
    await t.page.getByTestId('purpose-set').click();
    await t.page.locator('#timeline').waitFor();
    expect(await t.page.getByTestId(`status-${orgRecord}`).innerText()).toBe('revoked');
    expect(await t.page.locator(`[data-testid=measures] tr[data-effect=deny][data-action="${AIR}"]`).count()).toBe(0);
    expect(await t.page.locator('[data-testid=entries] tr[data-list=spc-dishonest-debtors]').count()).toBe(0);

    const s = await tab();
    await signInPortal(s, w.base, uscc);
    await s.page.locator(`[data-testid=my-cases] tr[data-case="${caseId}"][data-status=revoked]`).waitFor();
    expect(await s.page.getByTestId(`status-${orgRecord}`).innerText()).toBe('revoked');
  });
});

describe('languages', () => {
  it('switches to Chinese, and remembers it', async () => {
    const t = await tab();
    await signInConsole(t, w.base, 'reviewer');
    expect(await t.page.getByRole('link', { name: 'Overview' }).count()).toBe(1);
    await t.page.getByTestId('language').selectOption('zh-CN');
    await t.page.getByRole('link', { name: '概览' }).waitFor();
    expect(await t.page.getByTestId('signed-in-as').innerText()).toBe('当前角色：审核员');
    expect(await t.page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await t.page.getByRole('link', { name: 'Overview' }).count()).toBe(0);
    await t.page.reload();
    await t.page.getByRole('link', { name: '审核队列' }).waitFor();
    // Numbers and dates follow the language too.
    await t.page.getByRole('link', { name: '概览' }).click();
    await expect.poll(() => t.page.locator('p.intro').innerText()).toMatch(/^截至 2026年11月27日/);
  });
});

describe('catalog texts in the UI language', () => {
  it('asks for the UI language on every API call, and shows list names in it, read again on a switch', async () => {
    const t = await tab();
    const asked: { url: string; lang: string | undefined }[] = [];
    t.page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/v1/') || u.pathname.startsWith('/public/v1/')) asked.push({ url: u.pathname, lang: r.headers()['accept-language'] });
    });
    await signInConsole(t, w.base, 'reviewer');
    await t.page.getByRole('link', { name: 'Lists' }).click();
    const counts = t.page.getByTestId('list-counts');
    await expect.poll(() => counts.innerText()).toContain('List of dishonest judgment debtors');
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter((a) => a.lang !== 'en')).toEqual([]);

    asked.length = 0;
    await t.page.getByTestId('language').selectOption('zh-CN');
    // The counts come from GET /v1/stats, read again in Chinese; no reload of the page.
    await expect.poll(() => counts.innerText()).toContain('失信被执行人名单');
    expect(await counts.innerText()).not.toContain('List of dishonest judgment debtors');
    expect(asked.some((a) => a.url === '/v1/stats')).toBe(true);
    expect(asked.filter((a) => a.lang !== 'zh-CN')).toEqual([]);
  });

  it('gives a check’s authority in the UI language, and reads its receipt again after a switch', async () => {
    const t = await tab();
    await signInConsole(t, w.base, 'checker');
    await t.page.getByTestId('check-action').selectOption(AIR);
    // The person the court listed in beforeAll (the organisation's record is revoked by an objection above).
    await t.page.getByTestId('check-subject').fill(RID);
    await t.page.getByTestId('check-submit').click();
    const answer = t.page.locator('#answer');
    await expect.poll(() => answer.innerText()).toContain('Civil Aviation Administration of China');
    const receipt = (await answer.innerText()).match(/rc_[0-9a-f]+/)?.[0];
    expect(receipt).toBeTruthy();
    await t.page.getByTestId('language').selectOption('zh-CN');
    await expect.poll(() => answer.innerText()).toContain('中国民用航空局');
    // The same answer (its receipt), not a new check.
    expect(await answer.innerText()).toContain(receipt);
    expect(await answer.innerText()).not.toContain('Civil Aviation Administration of China');
  });
});

describe('least exposure', () => {
  /** Everything the page holds: its HTML (attributes and input values too), its address and its storage. */
  const holdings = (t: Tab) =>
    t.page.evaluate(() => {
      const inputs = [...document.querySelectorAll('input, textarea, select')].map((e) => (e as HTMLInputElement).value);
      return [document.documentElement.outerHTML, location.href, JSON.stringify(sessionStorage), JSON.stringify(localStorage), ...inputs].join('\n');
    });

  it('a checker sees the decision about a person, never the person’s ID number', async () => {
    const t = await tab();
    await signInConsole(t, w.base, 'checker');
    await t.page.getByTestId('check-action').selectOption(AIR);
    await t.page.getByTestId('check-subject').fill(RID);
    await t.page.getByTestId('check-submit').click();
    await expect.poll(() => t.page.getByTestId('check-decision').innerText()).toMatch(/^Deny/);
    const held = await holdings(t);
    expect(held).not.toContain(RID);
    expect(held).not.toContain(RID.slice(6, 14));
    expect(held).not.toContain(NAME);
    expect(await t.page.getByTestId('check-decision').innerText()).toContain(`${RID.slice(0, 6)}********${RID.slice(14)}`);
    // Typed with a scheme and spaces, the number is still masked.
    await t.page.getByTestId('check-subject').fill(`cn-rid: ${RID.slice(0, 9)} ${RID.slice(9)}`);
    await t.page.getByTestId('check-submit').click();
    // The scheme is said by its name (not `cn-rid:`), the number masked.
    await expect.poll(() => t.page.getByTestId('check-decision').innerText()).toContain(`ID number ${RID.slice(0, 6)}********${RID.slice(14)}`);
    const again = await holdings(t);
    expect(again).not.toContain(RID);
    expect(again).not.toContain(RID.slice(9));
  });

  it('the public organisation search refuses an ID number: not searched, not in the address, not shown back', async () => {
    const t = await tab();
    await t.page.goto(`${w.base}/public`);
    await t.page.getByTestId('public-query').fill(RID);
    await t.page.getByTestId('public-search').click();
    await t.page.getByTestId('public-refused').waitFor();
    expect(await holdings(t)).not.toContain(RID);
    // Nor when someone puts it in the address themselves.
    await t.page.goto(`${w.base}/public?q=${RID}`);
    await t.page.getByTestId('public-query').waitFor();
    expect(await t.page.getByTestId('public-query').inputValue()).toBe('');
    expect(await t.page.locator('main').innerText()).not.toContain(RID);
  });

  it('the public sees a person only masked, after giving the full number and name', async () => {
    const t = await tab();
    await t.page.goto(`${w.base}/public/person`);
    await t.page.getByTestId('person-id').fill(RID);
    await t.page.getByTestId('person-name').fill(NAME);
    await t.page.getByTestId('person-submit').click();
    await t.page.getByTestId('person-result').waitFor();
    expect(await t.page.getByTestId('public-entry').first().innerText()).toContain('List of dishonest judgment debtors');
    const held = await holdings(t);
    expect(held).not.toContain(RID);
    expect(held).not.toContain(RID.slice(6, 14));
    // Without the exact name there is nothing to see.
    await t.page.getByTestId('person-id').fill(RID);
    await t.page.getByTestId('person-name').fill('别人');
    await t.page.getByTestId('person-submit').click();
    await t.page.getByRole('alert').waitFor();
    expect(await t.page.getByTestId('person-result').count()).toBe(0);
    expect(await holdings(t)).not.toContain(RID);
  });
});

describe('a phone’s width', () => {
  it('lays every page out without sideways scrolling (tables stacked as cards)', async () => {
    const overflow = (t: Tab) => t.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    const visit = async (t: Tab, path: string) => {
      await t.page.goto(`${w.base}${path}`);
      await t.page.locator('h1').first().waitFor();
      if (await t.page.getByTestId('purpose').count()) {
        await t.page.getByTestId('purpose').fill('phone-width test');
        await t.page.getByTestId('purpose-set').click();
      }
      await t.page.waitForLoadState('networkidle');
      expect(await overflow(t), path).toBeLessThanOrEqual(0);
    };
    for (const [role, paths] of [
      ['reviewer', ['/overview', '/subjects', `/subjects/${orgId}`, '/lists', '/catalog', '/review']],
      ['admin', ['/audit']],
      ['checker', ['/checks']],
    ] as const) {
      const t = await tab({ width: 390, height: 844 });
      await signInConsole(t, w.base, role);
      for (const p of paths) await visit(t, p);
    }
    const pub = await tab({ width: 390, height: 844 });
    for (const p of ['/public', `/public/org/${w.f.org.ref}`, '/public/person', '/public/me']) await visit(pub, p);
  });
});
