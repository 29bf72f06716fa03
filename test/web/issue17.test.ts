/**
 * Bugs of the console and the portal seen when people tried them (issue 17), each as a user meets
 * it in Chromium: the portal's own name, the catalog versions table and its default comparison,
 * a person's public record and a record's dialog, the checks page's subject, and a mistyped
 * address answered with the app's own "page not found".
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import { orgCodeCheckChar, ridCheckChar, usccCheckChar, validateRid } from '../../src/ids/index.js';
import { NOW, publishApproved } from '../api/fixture.js';
import { cityAndBrowser, expectAccessible, sessionFor, type Lang, type WebFixture } from './harness.js';

const number = '44030519900101' + '123';
const RID = number + ridCheckChar(number);
const NAME = '问题测试人';

const city = cityAndBrowser();
let w: WebFixture;
let personId: string;
let recordId: string;

const tab = city.tab;

/** An all-digit credit code whose check character is X: shaped like an ID number, and not one. */
function digitsUsccEndingInX(): string {
  for (let i = 0; ; i++) {
    const org8 = String(10000000 + i);
    const check = orgCodeCheckChar(org8);
    if (check === 'X') continue;
    const first17 = `91110105${org8}${check}`;
    if (usccCheckChar(first17) === 'X' && !validateRid(`${first17}X`).ok) return `${first17}X`;
  }
}

beforeAll(async () => {
  w = city.w;
  const mps = await createApiKey(w.f.ctx.store, { name: 'residents registry', role: 'source', source: 'mps' }, NOW, 'test');
  const reg = await w.f.app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${mps.key}` }, payload: { kind: 'subject', subject: `cn-rid:${RID}`, name: NAME } });
  expect(reg.statusCode, reg.body).toBe(201);
  const rec = await w.f.req({ method: 'POST', url: '/v1/records', role: 'source', payload: { externalId: 'i17-1', type: 'court.dishonest-debtor-decision', subject: `cn-rid:${RID}`, occurredAt: '2026-11-02', facts: { caseNo: 'I17-1', court: 'C', ground: 'evades' } } });
  expect(rec.statusCode, rec.body).toBe(201);
  recordId = rec.json().results[0].recordId;
  personId = (await w.f.req({ method: 'GET', url: `/v1/records/${recordId}?purpose=test%20setup`, role: 'reviewer' })).json().subjectId;
}, 120_000);

describe('issue 17', () => {
  it('bug 1: the portal has its own name, in the header and on its tabs, apart from the lookup field "Full name"', async () => {
    const sites: Record<Lang, { portal: string; console: string; field: string }> = {
      en: { portal: 'xinyong public credit portal', console: 'xinyong console', field: 'Full name' },
      'zh-CN': { portal: '信用信息公示平台', console: '信用监管控制台', field: '姓名' },
    };
    for (const lang of ['en', 'zh-CN'] as const) {
      const s = sites[lang];
      const t = await tab({ lang });
      for (const path of ['/public', '/public/person', `/public/org/${w.f.org.ref}`]) {
        await t.page.goto(`${w.base}${path}`);
        await t.page.locator('h1').first().waitFor();
        expect(await t.page.locator('header .brand span:not(.logo)').innerText(), path).toBe(s.portal);
        await expect.poll(() => t.page.title()).toMatch(new RegExp(` · ${s.portal}$`));
      }
      expect(await t.page.getByTestId('person-name').count()).toBe(0);
      await t.page.goto(`${w.base}/public/person`);
      await t.page.getByLabel(s.field, { exact: true }).waitFor();
      // The console keeps its own.
      await t.page.goto(`${w.base}/`);
      await t.page.getByTestId('dev-sign-in').waitFor();
      expect(await t.page.locator('header .brand span:not(.logo)').innerText()).toBe(s.console);
      await expect.poll(() => t.page.title()).toMatch(new RegExp(` · ${s.console}$`));
    }
  });

  it('bug 7: a person looked up on the portal is spoken of as a person, not an organisation', async () => {
    const t = await tab();
    await t.page.goto(`${w.base}/public/person`);
    await t.page.getByTestId('person-id').fill(RID);
    await t.page.getByTestId('person-name').fill(NAME);
    await t.page.getByTestId('person-submit').click();
    const result = t.page.getByTestId('person-result');
    await result.waitFor();
    expect(await result.innerText()).not.toMatch(/organisation/i);
    const zh = await tab({ lang: 'zh-CN' });
    await zh.page.goto(`${w.base}/public/person`);
    await zh.page.getByTestId('person-id').fill(RID);
    await zh.page.getByTestId('person-name').fill(NAME);
    await zh.page.getByTestId('person-submit').click();
    await zh.page.getByTestId('person-result').waitFor();
    expect(await zh.page.getByTestId('person-result').innerText()).not.toContain('组织');
  });

  it('bug 7: a record’s dialog shows its status history and its date as a date; a demo reader is named by role', async () => {
    const t = await tab({ session: await sessionFor(w, 'reviewer') });
    await t.page.goto(`${w.base}/subjects/${personId}`);
    await t.page.getByTestId('purpose').fill('browser test: record dialog');
    await t.page.getByTestId('purpose-set').click();
    await t.page.getByTestId('timeline').waitFor();
    await t.page.getByTestId('timeline').getByRole('button').first().click();
    const dialog = t.page.getByTestId('record-dialog');
    await dialog.locator('dt:has-text("Facts")').waitFor();
    // Never changed: active since it was recorded.
    const statuses = await dialog.locator('dt:has-text("Status history") + dd li').allInnerTexts();
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toMatch(/^in effect Nov 27, 2026/);
    // The decision date, as a date: no time of day.
    const occurred = await dialog.locator('dt:has-text("Occurred") + dd').innerText();
    expect(occurred).toBe('Nov 2, 2026');
    await dialog.getByRole('button', { name: 'Close' }).click();
    // The access log names the demo sign-in's role, not "(Developer)".
    const log = await t.page.getByTestId('access-log').innerText();
    expect(log).toContain('Reviewer (demo sign-in)');
    expect(log).not.toContain('Developer');
    expect(log).not.toMatch(/dev:/);
  });

  it('bug 7: a subject’s timeline gives a changed record’s whole history, from in effect to its change', async () => {
    const f = w.f;
    const rec = await f.req({ method: 'POST', url: '/v1/records', role: 'source', payload: { externalId: 'i17-2', type: 'court.dishonest-debtor-decision', subject: f.person, occurredAt: '2026-11-03', facts: { caseNo: 'I17-2', court: 'C', ground: 'evades' } } });
    expect(rec.statusCode, rec.body).toBe(201);
    const id = rec.json().results[0].recordId;
    const ob = await f.req({ method: 'POST', url: '/v1/objections', role: 'subject', payload: { recordId: id, reasons: 'The case was settled before the decision.' } });
    expect(ob.statusCode, ob.body).toBe(201);
    const subject = (await f.req({ method: 'GET', url: `/v1/records/${id}?purpose=test%20setup`, role: 'reviewer' })).json().subjectId;
    const t = await tab({ session: await sessionFor(w, 'reviewer') });
    await t.page.goto(`${w.base}/subjects/${subject}`);
    await t.page.getByTestId('purpose').fill('browser test: timeline history');
    await t.page.getByTestId('purpose-set').click();
    const line = t.page.locator(`[data-testid=timeline] li:has([data-testid="status-${id}"]) .muted`);
    await expect.poll(() => line.innerText()).toMatch(/in effect Nov 27, 2026 → disputed Nov 27, 2026$/);
  });

  it('bug 9: the checks page keeps what was typed after an error, and reads an all-digit credit code ending in X as a code', async () => {
    const t = await tab({ session: await sessionFor(w, 'checker') });
    await t.page.goto(`${w.base}/checks`);
    const subject = t.page.getByTestId('check-subject');
    await subject.fill('no such subject');
    await t.page.getByTestId('check-submit').click();
    await t.page.getByRole('alert').waitFor();
    expect(await subject.inputValue()).toBe('no such subject');
    const code = digitsUsccEndingInX();
    await subject.fill(code);
    await t.page.getByTestId('check-submit').click();
    // Sent as a credit code: an answer (no one known by it), naming the code as typed.
    await expect.poll(() => t.page.getByTestId('check-decision').innerText()).toContain(code);
    expect(await t.page.getByRole('alert').count()).toBe(0);
    expect(await subject.inputValue()).toBe(code);
    // An ID number is still sent once and cleared.
    await subject.fill(RID);
    await t.page.getByTestId('check-submit').click();
    await expect.poll(() => t.page.getByTestId('check-decision').innerText()).toContain(`${RID.slice(0, 6)}********${RID.slice(14)}`);
    expect(await subject.inputValue()).toBe('');
  });

  it('bug 6: a region is shown by its name in the reader’s language (GB/T 2260), its code only as a hint, on the subject page and the portal', async () => {
    const expectations: [Lang, RegExp][] = [['zh-CN', /^[\u4e00-\u9fff（）0-9]+$/], ['en', /^[A-Z][A-Za-z ,'()0-9-]+$/]];
    for (const [lang, shape] of expectations) {
      const t = await tab({ lang, session: await sessionFor(w, 'reviewer') });
      await t.page.goto(`${w.base}/subjects/${w.f.org.id}`);
      await t.page.getByTestId('purpose').fill('checking the region shown');
      await t.page.getByTestId('purpose-set').click();
      const region = t.page.getByTestId('region');
      await region.waitFor();
      const code = await region.getAttribute('title');
      expect(code).toMatch(/^\d{6}$/);
      const shown = (await region.innerText()).trim();
      expect(shown).not.toBe(code);
      expect(shown).toMatch(shape);
      const pub = await tab({ lang });
      await pub.page.goto(`${w.base}/public/org/${encodeURIComponent(w.f.org.ref)}`);
      const pubRegion = pub.page.getByTestId('region');
      await pubRegion.waitFor();
      expect((await pubRegion.innerText()).trim()).toBe(shown);
    }
  });

  it('bug 5: a reviewer finds a person by whole name only after stating a purpose, sees the name and masked number and a count, and the person sees the search', async () => {
    const t = await tab({ session: await sessionFor(w, 'reviewer') });
    await t.page.goto(`${w.base}/subjects`);
    await t.page.getByTestId('subject-query').fill(NAME);
    await t.page.getByTestId('subject-query').press('Enter');
    await t.page.getByTestId('search-needs-purpose').waitFor();
    expect(await t.page.locator('main').innerText()).not.toContain(RID.slice(6, 14));
    await t.page.getByTestId('purpose').fill('objection 2026-31 review');
    await t.page.getByTestId('purpose-set').click();
    const results = t.page.getByTestId('subject-results');
    await results.waitFor();
    const shown = await results.innerText();
    expect(shown).toContain(NAME);
    expect(shown).toContain(`${RID.slice(0, 6)}********${RID.slice(14)}`);
    expect(shown).not.toContain(RID);
    expect(await t.page.getByTestId('search-count').innerText()).toMatch(/^1 found$/);
    // The person sees who searched for them, and why.
    const log = (await w.f.req({ method: 'GET', url: `/v1/audit?action=search.read&subject=${personId}&purpose=test%20check`, role: 'admin' })).json().entries as { data: { purpose?: string } }[];
    expect(log.some((e) => e.data.purpose === 'objection 2026-31 review')).toBe(true);
  });

  it('bug 11: a mistyped address shows the app’s own page not found (status 404), with a way home, in both languages', async () => {
    const cases = [
      { path: '/nosuchpage', home: '/', lang: 'en' as const, title: 'Page not found', link: 'Go to the home page', site: 'xinyong console' },
      { path: '/public/nosuch', home: '/public', lang: 'en' as const, title: 'Page not found', link: 'Go to the home page', site: 'xinyong public credit portal' },
      { path: '/nosuchpage', home: '/', lang: 'zh-CN' as const, title: '页面不存在', link: '返回首页', site: '信用监管控制台' },
      { path: '/public/nosuch/deeper', home: '/public', lang: 'zh-CN' as const, title: '页面不存在', link: '返回首页', site: '信用信息公示平台' },
    ];
    for (const c of cases) {
      const t = await tab({ lang: c.lang });
      const r = await t.page.goto(`${w.base}${c.path}`);
      expect(r?.status(), c.path).toBe(404);
      await t.page.getByTestId('not-found').waitFor();
      expect(await t.page.locator('h1').innerText()).toBe(c.title);
      expect(await t.page.locator('header .brand span:not(.logo)').innerText()).toBe(c.site);
      const home = t.page.getByTestId('not-found-home');
      expect(await home.innerText()).toBe(c.link);
      expect(await home.getAttribute('href')).toBe(c.home);
      expect(await t.page.locator('body').innerText()).not.toContain('XY_ERR_ROUTE_NOT_FOUND');
      await expectAccessible(t.page, `${c.lang} ${c.path}`);
      await home.click();
      await t.page.waitForURL(`${w.base}${c.home}`);
    }
    // Signed in, an unknown console page is the same page, in the console's frame.
    const s = await tab({ session: await sessionFor(w, 'reviewer') });
    await s.page.goto(`${w.base}/overview/nosuch`);
    await s.page.getByTestId('not-found').waitFor();
  });

  // Last: it publishes a catalog version, which the other tests do not expect.
  it('bug 4: the versions table says when each was published, and after a publish the comparison runs old → new', async () => {
    const f = w.f;
    const doc = (await f.req({ method: 'GET', url: '/v1/catalog', role: 'author' })).json().doc;
    const old = `${doc.id}@${doc.version}`;
    const next = structuredClone(doc);
    next.version = `${doc.version}-i17`;
    const civic = next.schemes.find((s: { code: string }) => s.code === 'civic-points');
    civic.rules[0].points = (civic.rules[0].points as number) - 5;
    const saved = await f.req({ method: 'POST', url: '/v1/catalog/versions', role: 'author', payload: next });
    expect(saved.statusCode, saved.body).toBe(201);
    const published = await publishApproved(f, `${next.id}@${next.version}`);
    expect(published.statusCode, published.body).toBe(200);
    const t = await tab({ session: await sessionFor(w, 'author') });
    await t.page.goto(`${w.base}/catalog`);
    await t.page.getByTestId('tab-diff').click();
    const versions = t.page.locator('#versions');
    await versions.locator('tbody tr').nth(1).waitFor();
    const head = await versions.locator('thead').innerText();
    expect(head).not.toContain('{{');
    expect(head).toContain('Published');
    await expect.poll(() => t.page.getByTestId('diff-from').inputValue()).toBe(old);
    expect(await t.page.getByTestId('diff-to').inputValue()).toBe(`${next.id}@${next.version}`);
    const diff = t.page.getByTestId('diff');
    await diff.waitFor();
    expect(await diff.locator('thead').innerText()).toMatch(new RegExp(`${old}\\s+${next.id}@${next.version}`));
  });
});
