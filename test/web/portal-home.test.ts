/**
 * The portal's home (issue 17, build item 7), as a visitor meets it in Chromium, in English and
 * Chinese, at a desktop's and a phone's size: the search box whose results flag listed
 * organisations, the latest list announcements (paged), the double publicity of licences and
 * penalties of organisations, how to object and repair with the catalog's working days, and the
 * captcha-free rate limit saying, in the reader's language, how long to wait.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import { buildServer } from '../../src/api/server.js';
import { NOW } from '../api/fixture.js';
import { cityAndBrowser, DESKTOP, expectAccessible, PHONE, sidewaysScrolling, tablesAsCards, type Lang, type WebFixture } from './harness.js';

const city = cityAndBrowser();
let w: WebFixture;
let uscc: string;

const TEXT: Record<Lang, { title: string; list: string; licences: string; penalties: string; serious: string; days: RegExp; wait: RegExp; home: string }> = {
  en: {
    title: 'Public credit information',
    list: 'List of dishonest judgment debtors',
    licences: 'Administrative licences',
    penalties: 'Administrative penalties',
    serious: 'Serious dishonesty',
    days: /answered within 3 working days \(7 working days when another unit must verify it\)/,
    wait: /Wait \d+ seconds?, then try again/,
    home: 'Home',
  },
  'zh-CN': {
    title: '信用信息公示',
    list: '失信被执行人名单',
    licences: '行政许可',
    penalties: '行政处罚',
    serious: '严重失信',
    days: /在 3 个工作日内答复（需其他单位核实的，7 个工作日内答复）/,
    wait: /请等待 \d+ 秒后再试/,
    home: '首页',
  },
};

beforeAll(async () => {
  w = city.w;
  uscc = w.f.org.ref.slice('cn-uscc:'.length);
  // A serious penalty of the listed enterprise, decided a week ago: public for 3 years.
  const feed = await createApiKey(w.f.ctx.store, { name: 'penalty feed', role: 'source', source: 'penalties' }, NOW, 'test');
  const r = await w.f.app.inject({
    method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${feed.key}` },
    payload: { externalId: 'home-1', type: 'admin.penalty', subject: w.f.org.ref, occurredAt: new Date(NOW - 7 * 86_400_000).toISOString(), facts: { severity: 'serious', decisionNo: '荣市监罚〔2026〕HOME1号', authority: '荣成市市场监督管理局' } },
  });
  expect(r.statusCode, r.body).toBe(201);
  // Three more enterprises put on the dishonest-debtor list, so the announcements run to a second page.
  const found = (await w.f.app.inject({ method: 'GET', url: `/public/v1/search?q=${encodeURIComponent('公司')}&limit=50` })).json().results as { identifiers: { scheme: string; value: string }[]; lists: unknown[] }[];
  const clean = found.filter((o) => o.lists.length === 0).slice(0, 3);
  expect(clean).toHaveLength(3);
  for (const [i, o] of clean.entries()) {
    const ref = `cn-uscc:${o.identifiers.find((x) => x.scheme === 'cn-uscc')!.value}`;
    const d = await w.f.req({ method: 'POST', url: '/v1/records', role: 'source', payload: { externalId: `home-debtor-${i}`, type: 'court.dishonest-debtor-decision', subject: ref, occurredAt: new Date(NOW - (i + 1) * 3_600_000).toISOString(), facts: { caseNo: `HOME-${i}`, court: '荣成市人民法院', ground: 'evades' } } });
    expect(d.statusCode, d.body).toBe(201);
  }
}, 120_000);

describe('the portal home', () => {
  for (const lang of ['en', 'zh-CN'] as const) {
    for (const [size, view] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
      it(`shows the search, the announcements, the double publicity and the guide (${lang}, ${size})`, async () => {
        const s = TEXT[lang];
        const t = await city.tab({ lang, ...view });
        await t.page.goto(`${w.base}/public`);
        await t.page.getByTestId('home-announcements').waitFor();
        await t.page.getByTestId('home-licence-table').waitFor();
        await t.page.getByTestId('home-penalty-table').waitFor();
        await t.page.getByTestId('home-guide').waitFor();
        expect(await t.page.locator('h1').innerText()).toBe(s.title);
        if (size === 'desktop') expect(await t.page.locator('nav a[aria-current=page]').innerText()).toBe(s.home);

        // Announcements: organisations on public lists, each with its list named in the reader's language.
        const ann = t.page.getByTestId('home-announcements');
        expect(await ann.locator('tbody tr').count()).toBe(10);
        expect(await ann.innerText()).toContain(s.list);
        const first = await ann.locator('tbody tr').first().innerText();
        await t.page.locator('#home-announcements .pager button').last().click();
        await expect.poll(async () => ann.locator('tbody tr').first().innerText()).not.toBe(first);

        // Licences and penalties: what was licensed, the decision, the severity in words, the end of publicity.
        const lic = await t.page.getByTestId('home-licences').innerText();
        expect(lic).toContain(s.licences);
        expect(lic).toMatch(/许可/);
        const pen = await t.page.getByTestId('home-penalties').innerText();
        expect(pen).toContain(s.penalties);
        expect(pen).toContain('荣市监罚〔2026〕HOME1号');
        expect(await t.page.getByTestId('home-penalty-table').locator('tr', { hasText: 'HOME1' }).innerText()).toContain(s.serious);

        // The guide: the catalog's working days, and the way to one's own record.
        expect(await t.page.getByTestId('home-guide').innerText()).toMatch(s.days);
        expect(await t.page.getByTestId('home-sign-in').getAttribute('href')).toBe('/public/me');

        await expectAccessible(t.page, `portal home (${lang}, ${size})`);
        expect(await sidewaysScrolling(t.page)).toEqual([]);
        if (size === 'phone') expect(await tablesAsCards(t.page)).toEqual([]);
      });
    }

    it(`searches from the home page, and the results flag an organisation on a public list (${lang})`, async () => {
      const t = await city.tab({ lang });
      await t.page.goto(`${w.base}/public`);
      await t.page.getByTestId('public-query').fill(uscc);
      await t.page.getByTestId('public-search').click();
      await t.page.getByTestId('public-results').waitFor();
      expect(new URL(t.page.url()).searchParams.get('q')).toBe(uscc);
      expect(await t.page.getByTestId('public-listed').innerText()).toContain(TEXT[lang].list);
      await expectAccessible(t.page, `portal search with flags (${lang})`);
    });
  }
});

describe('the captcha-free rate limit in the portal', () => {
  it('says in the reader’s language how long to wait, and the home page’s own reads count against it', { timeout: 120_000 }, async () => {
    // The home page makes four public requests; a fifth (the search) is one too many.
    const s = await buildServer({ ctx: w.f.ctx, now: () => NOW, logLevel: 'silent', refreshEveryMs: 0, syncEveryMs: 0, publicRateLimit: { max: 4, timeWindow: 60_000 } });
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    const addr = s.app.server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    try {
      for (const lang of ['en', 'zh-CN'] as const) {
        const t = await city.tab({ lang });
        await t.page.goto(`${base}/public`);
        await t.page.getByTestId('public-query').waitFor();
        await t.page.waitForLoadState('networkidle');
        await t.page.getByTestId('public-query').fill(uscc);
        await t.page.getByTestId('public-search').click();
        const alert = t.page.locator('[role=alert]').first();
        await alert.waitFor();
        expect(await alert.innerText()).toMatch(TEXT[lang].wait);
        await expectAccessible(t.page, `rate limited (${lang})`);
      }
    } finally {
      await s.app.close();
    }
  });
});
