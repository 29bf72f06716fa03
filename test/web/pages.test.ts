/**
 * Every page of the console and the portal, in English and in Chinese, at a desktop's size
 * (1366×768) and a phone's (390×844): an axe-core pass with no serious or critical violation,
 * nothing that scrolls sideways (neither the page nor a region of it), on a phone every data table
 * stacked as cards with each cell labelled, and a screenshot in docs/screenshots/<lang>/ (a
 * phone's with -phone; docs/console.md shows them). The city is the fixed-clock fixture, so the pictures change only when the UI does.
 */
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import { ridCheckChar } from '../../src/ids/index.js';
import { NOW } from '../api/fixture.js';
import { chartsDrawn, DESKTOP, expectAccessible, expectInLanguage, launch, openTab, PHONE, serveCity, sessionFor, shoot, sidewaysScrolling, tablesAsCards, type Lang, type Tab, type WebFixture } from './harness.js';

const number = '11010519870304' + '562';
const RID = number + ridCheckChar(number);
const NAME = '截图测试人';

let w: WebFixture;
let browser: Browser;
/** The objection shown on the case page (its id differs run to run: masked). */
let caseId: string;

beforeAll(async () => {
  [w, browser] = await Promise.all([serveCity(), launch()]);
  const f = w.f;
  const as = (role: 'reviewer' | 'subject' | 'author', o: { method: 'POST'; url: string; payload?: Record<string, unknown> }) => f.req({ ...o, role });
  // A person known by number and name, on a public list (the portal's person lookup).
  const mps = await createApiKey(f.ctx.store, { name: 'residents registry', role: 'source', source: 'mps' }, NOW, 'test');
  const post = (key: string, payload: Record<string, unknown>) => f.app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${key}` }, payload });
  expect((await post(mps.key, { kind: 'subject', subject: `cn-rid:${RID}`, name: NAME })).statusCode).toBe(201);
  expect((await f.req({ method: 'POST', url: '/v1/records', role: 'source', payload: { externalId: 'shot-1', type: 'court.dishonest-debtor-decision', subject: `cn-rid:${RID}`, occurredAt: '2026-11-02', facts: { caseNo: 'SHOT-1', court: '青岛市黄岛区人民法院', ground: 'evades' } } })).statusCode).toBe(201);
  // The review queue: an objection and a repair application by the subject-key holder.
  const rec = await f.req({ method: 'POST', url: '/v1/records', role: 'source', payload: { externalId: 'shot-2', type: 'court.dishonest-debtor-decision', subject: f.person, occurredAt: '2026-11-03', facts: { caseNo: 'SHOT-2', court: '青岛市黄岛区人民法院', ground: 'evades' } } });
  expect(rec.statusCode, rec.body).toBe(201);
  const ob = await as('subject', { method: 'POST', url: '/v1/objections', payload: { recordId: rec.json().results[0].recordId, reasons: '案件在决定作出前已经和解。' } });
  expect(ob.statusCode, ob.body).toBe(201);
  // With a file of evidence, for the case page.
  caseId = ob.json().id;
  const pdf = Buffer.from('%PDF-1.4\n% 和解协议\n%%EOF\n').toString('base64');
  expect((await as('subject', { method: 'POST', url: `/v1/cases/${caseId}/evidence`, payload: { filename: '和解协议.pdf', contentType: 'application/pdf', content: pdf } })).statusCode).toBe(201);
  const penalties = await createApiKey(f.ctx.store, { name: 'penalties', role: 'source', source: 'penalties' }, NOW, 'test');
  const pen = await post(penalties.key, { externalId: 'shot-pen-1', type: 'admin.penalty', subject: f.person, occurredAt: '2026-11-01', facts: { severity: 'minor', decisionNo: 'SP-1', authority: '市场监督管理局' } });
  expect(pen.statusCode, pen.body).toBe(201);
  const cm = await as('subject', { method: 'POST', url: '/v1/commitments', payload: { text: '本人承诺今后遵守相关规定。', purpose: 'repair' } });
  const rp = await as('subject', { method: 'POST', url: '/v1/repairs', payload: { recordId: pen.json().results[0].recordId, commitmentId: cm.json().id, obligationMet: '罚款已缴纳，收据 SP-1-2026' } });
  expect(rp.statusCode, rp.body).toBe(201);
  // Two catalog versions to compare: the one in force and a draft that changes a rule.
  const doc = (await f.req({ method: 'GET', url: '/v1/catalog', role: 'author' })).json().doc;
  const draft = structuredClone(doc);
  draft.version = `${doc.version}-shot`;
  const civic = draft.schemes.find((s: { code: string }) => s.code === 'civic-points');
  civic.rules[0].points = (civic.rules[0].points as number) - 5;
  expect((await as('author', { method: 'POST', url: '/v1/catalog/versions', payload: draft })).statusCode).toBe(201);
  // Its publication requested, waiting for a second person's approval (the requests tab).
  expect((await as('author', { method: 'POST', url: `/v1/catalog/versions/${draft.version}:publish` })).statusCode).toBe(202);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await w?.close();
});

interface Shot {
  name: string;
  /** Signed in beforehand (through the API; signing in through the page is console.test.ts's). */
  as?: 'reviewer' | 'author' | 'admin' | 'checker' | 'subject';
  /** Leaves the page ready to be looked at; returns what to mask (values that differ run to run). */
  open(t: Tab, lang: Lang): Promise<Locator[] | void>;
}

const purpose = async (p: Page) => {
  // In Chinese in both languages, as a credit office writes it: what a reviewer types is shown back in
  // the access log, which the other language's pages show too (one city serves both walks).
  await p.getByTestId('purpose').fill('为使用说明截图');
  await p.getByTestId('purpose-set').click();
};

const SHOTS: Shot[] = [
  {
    name: 'console-sign-in',
    open: async (t) => {
      await t.page.goto(`${w.base}/`);
      await t.page.getByTestId('dev-sign-in').waitFor();
    },
  },
  {
    name: 'console-overview',
    as: 'admin',
    open: async (t) => {
      await t.page.goto(`${w.base}/overview`);
      await chartsDrawn(t.page);
      await t.page.getByTestId('chain-status').filter({ hasNotText: /Loading|正在加载/ }).waitFor();
    },
  },
  {
    name: 'console-subjects',
    as: 'reviewer',
    open: async (t) => {
      await t.page.goto(`${w.base}/subjects`);
      await t.page.getByTestId('subject-query').fill(w.f.org.ref.replace('cn-uscc:', ''));
      await t.page.getByTestId('subject-query').press('Enter');
      await t.page.getByTestId('subject-results').waitFor();
    },
  },
  {
    name: 'console-subject',
    as: 'reviewer',
    open: async (t) => {
      await t.page.goto(`${w.base}/subjects/${w.f.org.id}`);
      await purpose(t.page);
      await t.page.getByTestId('measures').waitFor();
      await chartsDrawn(t.page);
    },
  },
  {
    name: 'console-subject-person',
    as: 'reviewer',
    open: async (t) => {
      await t.page.goto(`${w.base}/subjects/${w.f.person}`);
      await purpose(t.page);
      await t.page.getByTestId('access-log').waitFor();
      await chartsDrawn(t.page);
    },
  },
  {
    // A record's dialog: its type, source, facts by their names (enum values named) and its statuses.
    name: 'console-record',
    as: 'reviewer',
    open: async (t) => {
      await t.page.goto(`${w.base}/subjects/${w.f.org.id}`);
      await purpose(t.page);
      await t.page.getByTestId('timeline').getByRole('button').first().click();
      await t.page.getByTestId('record-statuses').waitFor();
    },
  },
  {
    // An error state: the check of a subject reference that is no reference.
    name: 'console-checks-error',
    as: 'checker',
    open: async (t) => {
      await t.page.goto(`${w.base}/checks`);
      await t.page.getByTestId('check-subject').fill('cn-uscc:12');
      await t.page.getByTestId('check-submit').click();
      await t.page.getByRole('alert').waitFor();
    },
  },
  {
    name: 'console-lists',
    as: 'reviewer',
    open: async (t) => {
      await t.page.goto(`${w.base}/lists`);
      await purpose(t.page);
      await t.page.getByTestId('list-entries').waitFor();
    },
  },
  {
    name: 'console-catalog',
    as: 'reviewer',
    open: async (t) => {
      await t.page.goto(`${w.base}/catalog`);
      await t.page.locator('#sec-lists').waitFor();
    },
  },
  {
    name: 'console-catalog-diff',
    as: 'author',
    open: async (t) => {
      await t.page.goto(`${w.base}/catalog`);
      await t.page.getByTestId('tab-diff').click();
      const inForce = `${w.f.ctx.catalog.id}@${w.f.ctx.catalog.version}`;
      await t.page.getByTestId('diff-from').selectOption(inForce);
      await t.page.getByTestId('diff-to').selectOption(`${inForce}-shot`);
      await t.page.getByTestId('diff').waitFor();
      expect(await t.page.getByTestId('diff').innerText()).toContain('points');
    },
  },
  {
    name: 'console-catalog-draft',
    as: 'author',
    open: async (t) => {
      await t.page.goto(`${w.base}/catalog`);
      await t.page.getByTestId('tab-draft').click();
      // A list without its legal basis: the loader refuses it, and the page shows the problem at the item.
      const doc = (await w.f.req({ method: 'GET', url: '/v1/catalog', role: 'author' })).json().doc;
      doc.version = `${doc.version}-next`;
      delete doc.lists[0].legalBasis;
      // Pasted into the editor (one paste event: typing 200 KB key by key is not the point here).
      const box = t.page.getByTestId('draft-text');
      await box.click();
      await t.page.keyboard.press('Control+a');
      await box.evaluate((el, v) => {
        const data = new DataTransfer();
        data.setData('text/plain', v);
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
      }, JSON.stringify(doc, null, 2));
      await t.page.getByTestId('validate').click();
      const item = t.page.locator(`li.has-problem[data-item="lists[${doc.lists[0].code}]"]`);
      await item.waitFor();
      expect(await item.innerText()).toMatch(/legalBasis/);
    },
  },
  {
    // Four eyes: the draft's publication, requested by the author key, as another person (an admin) sees it.
    name: 'console-catalog-requests',
    as: 'admin',
    open: async (t) => {
      await t.page.goto(`${w.base}/catalog`);
      await t.page.getByTestId('tab-requests').click();
      const row = t.page.getByTestId('pr-row').first();
      await row.waitFor();
      await row.getByTestId('pr-approve').waitFor();
      await row.getByTestId('pr-diff').click();
      await t.page.locator('#request-diff [data-testid=diff]').waitFor();
      // The request's id and hash, and who asked when, differ run to run.
      return [row.locator('th .muted'), row.locator('td').nth(0), row.locator('td').nth(1)];
    },
  },
  {
    name: 'console-review',
    as: 'reviewer',
    open: async (t) => {
      await t.page.goto(`${w.base}/review`);
      await t.page.getByTestId('queue-objection').waitFor();
      await t.page.getByTestId('queue-repair').waitFor();
      await t.page.locator('[data-testid=queue-objection] button').first().click();
    },
  },
  {
    name: 'console-case',
    as: 'reviewer',
    open: async (t) => {
      await t.page.goto(`${w.base}/review/${caseId}`);
      await purpose(t.page);
      await t.page.getByTestId('case-detail').waitFor();
      await t.page.getByTestId('evidence').waitFor();
      return [t.page.locator('h1'), t.page.getByTestId('case-deadline')];
    },
  },
  {
    name: 'console-audit',
    as: 'admin',
    open: async (t) => {
      await t.page.goto(`${w.base}/audit`);
      await t.page.getByTestId('verify').click();
      await t.page.getByTestId('verify-result').waitFor();
      return [t.page.getByTestId('verify-result'), t.page.getByTestId('audit-entries')];
    },
  },
  {
    name: 'console-keys',
    as: 'admin',
    open: async (t) => {
      await t.page.goto(`${w.base}/keys`);
      await t.page.getByTestId('keys-table').waitFor();
      // A new key shown once, with its warning; the key and the dates differ run to run.
      const zh = (await t.page.evaluate(() => document.documentElement.lang)) === 'zh-CN';
      await t.page.getByTestId('key-name').fill(zh ? '杭州东站售票处' : 'Hangzhou East ticket office');
      await t.page.getByTestId('key-role').selectOption('checker');
      await t.page.getByTestId('key-scopes').locator('input[type=checkbox]').first().check();
      await t.page.getByTestId('key-create').click();
      await t.page.getByTestId('secret-once').waitFor();
      return [t.page.getByTestId('secret-value'), t.page.getByTestId('keys-table')];
    },
  },
  {
    name: 'console-checks',
    as: 'checker',
    open: async (t) => {
      await t.page.goto(`${w.base}/checks`);
      await t.page.getByTestId('check-subject').fill(w.f.org.ref);
      await t.page.getByTestId('check-submit').click();
      await t.page.getByTestId('check-decision').waitFor();
      return [t.page.locator('#answer p.small.muted')];
    },
  },
  {
    name: 'portal-home',
    open: async (t) => {
      await t.page.goto(`${w.base}/public`);
      for (const id of ['home-announcements', 'home-licence-table', 'home-guide']) await t.page.getByTestId(id).waitFor();
    },
  },
  {
    name: 'portal-search',
    open: async (t) => {
      const org = await w.f.ctx.store.getSubject(w.f.org.id);
      await t.page.goto(`${w.base}/public?q=${encodeURIComponent((org?.name ?? '').slice(2, 4))}`);
      await t.page.getByTestId('public-results').waitFor();
    },
  },
  {
    name: 'portal-organisation',
    open: async (t) => {
      await t.page.goto(`${w.base}/public/org/${w.f.org.ref}`);
      await t.page.getByTestId('public-entry').first().waitFor();
    },
  },
  {
    name: 'portal-person',
    open: async (t) => {
      await t.page.goto(`${w.base}/public/person`);
      await t.page.getByTestId('person-id').fill(RID);
      await t.page.getByTestId('person-name').fill(NAME);
      await t.page.getByTestId('person-submit').click();
      await t.page.getByTestId('person-result').waitFor();
    },
  },
  {
    name: 'portal-me-sign-in',
    open: async (t) => {
      await t.page.goto(`${w.base}/public/me`);
      await t.page.getByTestId('me-sign-in').waitFor();
    },
  },
  {
    name: 'portal-me',
    as: 'subject',
    open: async (t) => {
      await t.page.goto(`${w.base}/public/me`);
      await t.page.getByTestId('my-cases').waitFor();
      await chartsDrawn(t.page);
    },
  },
];

const SIZES = [
  ['desktop', DESKTOP, ''],
  ['phone', PHONE, '-phone'],
] as const;

describe.each(SIZES.flatMap(([size, view, suffix]) => (['en', 'zh-CN'] as const).map((lang) => [`${lang} at ${size} size (${view.width}×${view.height})`, lang, size, view, suffix] as const)))('every page in %s', (_title, lang, size, view, suffix) => {
  it.each(SHOTS.map((s) => [s.name, s] as const))('%s passes axe, scrolls nothing sideways and is photographed', async (_name, shot) => {
    const t = await openTab(browser, { lang, ...view, session: shot.as ? await sessionFor(w, shot.as, shot.as === 'subject' ? w.f.person : undefined) : undefined });
    try {
      const mask = (await shot.open(t, lang)) ?? [];
      expect(await t.page.evaluate(() => document.documentElement.lang)).toBe(lang);
      await t.page.waitForLoadState('networkidle');
      await expectAccessible(t.page, `${shot.name} (${lang}, ${size})`);
      expect(await sidewaysScrolling(t.page), `${shot.name} (${lang}, ${size})`).toEqual([]);
      if (size === 'phone') expect(await tablesAsCards(t.page), `${shot.name} (${lang})`).toEqual([]);
      await shoot(t.page, lang, `${shot.name}${suffix}`, mask);
      await expectInLanguage(t.page, lang, `${shot.name} (${size})`, w.f.ctx.catalog.doc);
      expect(t.errors).toEqual([]);
    } finally {
      await t.ctx.close();
    }
  });
});
