/**
 * Browser tests: the demo city served on a real port, Debian's Chromium driven by playwright-core,
 * axe-core for accessibility, and screenshots saved to docs/screenshots/<lang>/ for docs/console.md.
 * Chromium is required: `npm test` (and so `.ci/run`) first runs scripts/ensure-test-tools.sh,
 * which installs Debian's chromium package as root or says how; without it these tests fail, they
 * do not skip.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { packageRoot } from '../../src/app/paths.js';
import { makeFixture, type Fixture } from '../api/fixture.js';
import { webDir } from '../../src/api/web.js';
import { loadCatalogDirOrThrow } from '../../src/app/catalog-files.js';
import type { CatalogDoc } from '../../src/catalog/types.js';
import { catalogOf, type Messages } from '../../src/web/locales/merge.js';
import { collectTexts, knowledgeOf, languageProblems, type LanguageKnowledge } from './language.js';

export const CHROMIUM = process.env.XY_CHROMIUM ?? '/usr/bin/chromium';
export const SHOTS = join(packageRoot(), 'docs', 'screenshots');
export type Lang = 'en' | 'zh-CN';

export async function launch(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run bash scripts/ensure-test-tools.sh (npm test runs it first), which installs Debian's chromium package, or set XY_CHROMIUM`);
  return chromium.launch({
    executablePath: CHROMIUM,
    // As root in a sandbox with no network: no Chrome sandbox, no background calls home.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--font-render-hinting=none'],
  });
}

export interface WebFixture {
  f: Fixture;
  base: string;
  close(): Promise<void>;
}

/** The fixture city (fixed clock), listening on a free port with the dev sign-in on. */
export async function serveCity(): Promise<WebFixture> {
  if (!existsSync(join(webDir(), 'index.html'))) throw new Error('the web app is not built: run `npm run build` first (npm test does)');
  // A fixed identity key: the same subjects get the same ids every run, so the screenshots change only with the UI.
  const f = await makeFixture({ persons: 2000, enterprises: 250, keySecret: Buffer.alloc(32, 7) });
  await f.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = f.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { f, base: `http://127.0.0.1:${port}`, close: () => f.close() };
}

export interface Tab {
  page: Page;
  ctx: BrowserContext;
  /** Console errors and uncaught exceptions seen so far (a missing message key is one). */
  errors: string[];
}

/** A session as the app keeps it in sessionStorage, made through the API (for tests that are not about signing in). */
export interface StoredSession {
  storageKey: 'xy.console' | 'xy.portal';
  value: string;
}

export async function sessionFor(w: WebFixture, role: 'reviewer' | 'author' | 'admin' | 'checker' | 'subject', subject?: string): Promise<StoredSession> {
  const r = await w.f.app.inject({ method: 'POST', url: '/v1/dev/sign-in', payload: { role, ...(subject ? { subject } : {}) } });
  const { token, expiresAt } = r.json();
  const who = (await w.f.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${token}` } })).json();
  return { storageKey: role === 'subject' ? 'xy.portal' : 'xy.console', value: JSON.stringify({ token, role: who.role, actor: who.actor, subjectId: who.subjectId, scopes: who.scopes, expiresAt }) };
}

export async function openTab(browser: Browser, o: { lang?: Lang; width?: number; height?: number; session?: StoredSession } = {}): Promise<Tab> {
  const ctx = await browser.newContext({ viewport: { width: o.width ?? 1280, height: o.height ?? 900 }, locale: o.lang ?? 'en', timezoneId: 'Asia/Shanghai', reducedMotion: 'reduce' });
  if (o.lang) await ctx.addInitScript((l) => localStorage.setItem('xy.lang', l), o.lang);
  if (o.session) await ctx.addInitScript((s) => sessionStorage.setItem(s.storageKey, s.value), o.session);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('console', (m) => {
    // A refused request (a 4xx the page handles) is logged by Chromium as a resource error: that is the page working.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  return { page, ctx, errors };
}

/** Dev sign-in on the console as a staff role. */
export async function signInConsole(t: Tab, base: string, role: 'reviewer' | 'author' | 'admin' | 'checker') {
  await t.page.goto(`${base}/`);
  await t.page.getByTestId('dev-role').selectOption(role);
  await t.page.getByTestId('dev-sign-in').click();
  await t.page.getByTestId('signed-in-as').waitFor();
}

/** Dev sign-in on the portal as a subject. */
export async function signInPortal(t: Tab, base: string, ref: string) {
  await t.page.goto(`${base}/public/me`);
  await t.page.getByTestId('me-ref').fill(ref);
  await t.page.getByTestId('me-sign-in').click();
  await t.page.locator('#scores').waitFor();
}

/** Zero serious or critical axe violations (WCAG 2.1 A and AA rules). */
export async function expectAccessible(page: Page, what: string) {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const bad = r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(bad.map((v) => `${what}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
  return r;
}

/** Saves docs/screenshots/<lang>/<name>.png (the whole page). */
export async function shoot(page: Page, lang: Lang, name: string, mask: Locator[] = []) {
  // The pictures are documentation, not assertions: CI (CI=true) skips them to keep within its time
  // budget, unless XY_SHOOT=1 asks for them. A developer's `npm test` refreshes them.
  if (process.env.CI === 'true' && process.env.XY_SHOOT !== '1') return;
  const dir = join(SHOTS, lang);
  mkdirSync(dir, { recursive: true });
  // Nothing still loading, no focus ring or caret: the picture is of the page at rest.
  await page.waitForLoadState('networkidle');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  // Charts draw once they have a size; give the last frame a moment.
  await page.waitForTimeout(150);
  // Masked: what differs from run to run (receipt ids, hashes), so a picture changes only with the UI.
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true, animations: 'disabled', mask, maskColor: '#d0d7de' });
}

/** Waits until every chart on the page has drawn marks. */
export async function chartsDrawn(page: Page) {
  await page.waitForFunction(() => {
    const figs = [...document.querySelectorAll('figure.chart')];
    return figs.length > 0 && figs.every((f) => f.querySelectorAll('svg path, svg rect').length > 3);
  });
}

export const DESKTOP = { width: 1366, height: 768 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/**
 * Nothing scrolls sideways: not the page, and no region of it (code and text areas aside, which
 * scroll by design). Returns what does, described, so a failure says where.
 */
export async function sidewaysScrolling(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const se = document.scrollingElement!;
    if (se.scrollWidth > se.clientWidth) out.push(`the page: ${se.scrollWidth} > ${se.clientWidth}`);
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      if (el.closest('pre, code, textarea')) continue;
      const ox = getComputedStyle(el).overflowX;
      if ((ox === 'auto' || ox === 'scroll') && el.scrollWidth > el.clientWidth + 1) {
        out.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''}: ${el.scrollWidth} > ${el.clientWidth}`);
      }
    }
    return out;
  });
}

/** At a phone's width every data table is stacked cards: no cell laid out as a table column, each labelled with its column's header. */
export async function tablesAsCards(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const table of document.querySelectorAll<HTMLTableElement>('table.data')) {
      if (!table.offsetParent) continue;
      const name = table.dataset.testid ?? table.closest('[id]')?.id ?? '?';
      const headed = table.tHead !== null;
      for (const cell of table.querySelectorAll<HTMLElement>('tbody td, tbody th')) {
        if (getComputedStyle(cell).display === 'table-cell') {
          out.push(`${name}: a cell laid out as a column`);
          break;
        }
        if (headed && cell.tagName === 'TD' && !cell.dataset.label) {
          out.push(`${name}: a cell without its column's label`);
          break;
        }
      }
    }
    return out;
  });
}

/**
 * A test file's city and browser, started before its tests and closed after them, and `tab`, which
 * opens a tab and, once the tests are done, expects no console error in it.
 */
export function cityAndBrowser() {
  const s = {
    w: undefined as unknown as WebFixture,
    browser: undefined as unknown as Browser,
    tabs: [] as Tab[],
    async tab(o: Parameters<typeof openTab>[1] = {}) {
      const t = await openTab(s.browser, o);
      s.tabs.push(t);
      return t;
    },
  };
  beforeAll(async () => {
    [s.w, s.browser] = await Promise.all([serveCity(), launch()]);
  }, 120_000);
  afterAll(async () => {
    for (const t of s.tabs) expect(t.errors, 'console errors in the browser').toEqual([]);
    await s.browser?.close();
    await s.w?.close();
  });
  return s;
}

let knowledge: LanguageKnowledge | null = null;
/** What the language check knows by default: the demo catalog (the fixture city's) and the Chinese messages of the web app. */
function defaultKnowledge(): LanguageKnowledge {
  if (knowledge) return knowledge;
  const dir = join(packageRoot(), 'src', 'web', 'locales');
  const read = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Messages;
  const parts = existsSync(join(dir, 'zh-CN')) ? Object.fromEntries(readdirSync(join(dir, 'zh-CN')).filter((n) => n.endsWith('.json')).map((n) => [n, read(join(dir, 'zh-CN', n))])) : {};
  const strings = (m: Messages): string[] => Object.values(m).flatMap((v) => (typeof v === 'string' ? [v.replace(/{{\s*\w+\s*}}/g, '').trim()] : strings(v)));
  // The Chinese messages worth recognising in an English page: whole texts, placeholders taken out.
  const messages = strings(catalogOf(read(join(dir, 'zh-CN.json')), parts)).filter((m) => m.length >= 2);
  knowledge = knowledgeOf(loadCatalogDirOrThrow(join(packageRoot(), 'catalogs', 'cn-demo')).doc, messages);
  return knowledge;
}

/**
 * Every word the page shows is in `lang` (issue 17, build item 1; test/web/language.ts says what
 * is refused in each language). Fails listing each offending text with its element path. `doc`:
 * the catalog in force, when it is not the demo catalog.
 */
export async function expectInLanguage(page: Page, lang: Lang, what = page.url(), doc?: CatalogDoc) {
  const k = doc ? { ...knowledgeOf(doc, [...defaultKnowledge().chinese]) } : defaultKnowledge();
  expect(languageProblems(await collectTexts(page), lang, k), `${what} (${lang}): words not in the page's language`).toEqual([]);
}
