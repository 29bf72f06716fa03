/**
 * The language check itself (test/web/language.ts): on small pages in Chromium, it catches an
 * English sentence and a catalog code in a Chinese page, a message key, a code and Chinese of the
 * interface in an English page, says where each is, and passes pages that are clean, so the walk of
 * every page (pages.test.ts) is a check that can fail.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogDirOrThrow } from '../../src/app/catalog-files.js';
import { packageRoot } from '../../src/app/paths.js';
import { join } from 'node:path';
import { expectInLanguage, launch } from './harness.js';
import { collectTexts, knowledgeOf, languageProblems, type Lang } from './language.js';

const doc = loadCatalogDirOrThrow(join(packageRoot(), 'catalogs', 'cn-demo')).doc;
const k = knowledgeOf(doc, ['失信被执行人名单', '正在加载…']);

let browser: Browser;
let page: Page;
beforeAll(async () => {
  browser = await launch();
  page = await browser.newPage();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

const problemsOf = async (html: string, lang: Lang) => {
  await page.setContent(`<!doctype html><html lang="${lang}"><head><title>${lang === 'en' ? 'Subjects · xinyong console' : '主体 · xinyong 控制台'}</title></head><body>${html}</body></html>`);
  return languageProblems(await collectTexts(page), lang, k);
};

describe('the catalog knowledge', () => {
  it('is read from the catalog: its codes, fact names, enum values and grades, and its Chinese texts', () => {
    for (const c of ['spc-dishonest-debtors', 'court.dishonest-debtor-decision', 'caseNo', 'obligationYuan', 'evades', 'civic-points', 'spc', 'cn-uscc']) expect(k.codes.has(c), c).toBe(true);
    for (const g of ['AAA', 'A', 'D']) expect(k.latin.has(g), g).toBe(true);
    expect([...k.chinese].some((c) => c.includes('失信被执行人'))).toBe(true);
  });
});

describe('in Chinese', () => {
  it('passes a page in Chinese with what is Latin in a Chinese interface too', async () => {
    const html = `<main><h1>主体</h1><p>统一社会信用代码 91371083MA5D0J202F · 等级 AAA · 导出 CSV · 回执 rc_3fa9 · 见 https://example.org/a-b.c</p>
      <label>用途 <input placeholder="例如：核查失信被执行人"></label><select><option>简体中文</option><option>English</option></select>
      <p>证件号码 110105********5627，案号 (2026)鲁0211执123号，2026年11月2日</p>
      <pre translate="no">version: 2026.2  # the author's YAML</pre><p style="display:none">Hidden English text</p></main>`;
    expect(await problemsOf(html, 'zh-CN')).toEqual([]);
  });

  it('catches an English sentence, and says where it is', async () => {
    const p = await problemsOf('<main><section id="answer"><p>记录：<span>The case was settled before the decision.</span></p></section></main>', 'zh-CN');
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^section#answer > p > span: English \(The case was settled/);
  });

  it('catches a catalog code, a code shape, a duration, an error code and a fact key', async () => {
    const p = await problemsOf(
      `<ul><li>名单 spc-dishonest-debtors</li><li>court.dishonest-debtor-decision</li><li>期限 P2Y</li><li>XY_ERR_FORBIDDEN</li><li data-testid="fact">obligationYuan</li><li>cn-uscc:91371083MA5D0J202F</li></ul>`,
      'zh-CN',
    );
    expect(p.join('\n')).toMatch(/catalog code \(spc-dishonest-debtors\)/);
    expect(p.join('\n')).toMatch(/dotted code or message key \(court\.dishonest-debtor-decision\)/);
    expect(p.join('\n')).toMatch(/ISO-8601 duration \(P2Y\)/);
    expect(p.join('\n')).toMatch(/error code \(XY_ERR_FORBIDDEN\)/);
    expect(p.join('\n')).toMatch(/li\[data-testid=fact\]: a catalog code \(obligationYuan\)/);
    expect(p.join('\n')).toMatch(/identifier scheme \(cn-uscc\)/);
  });

  it('reads what a user perceives besides text: placeholders, titles, labels, options of a visible select, the tab title', async () => {
    const p = await problemsOf('<input placeholder="Search by name"><button aria-label="Close">×</button><img alt="Score chart" src="data:,"><select><option>Choose…</option></select>', 'zh-CN');
    expect(p.some((x) => x.includes('@placeholder'))).toBe(true);
    expect(p.some((x) => x.includes('@aria-label'))).toBe(true);
    expect(p.some((x) => x.includes('@alt'))).toBe(true);
    expect(p.some((x) => x.includes('> option'))).toBe(true);
    await page.setContent('<title>Subjects</title><p>主体</p>');
    expect(languageProblems(await collectTexts(page), 'zh-CN', k)).toEqual(['document.title: English (Subjects) in "Subjects"']);
  });

  it('fails the test through expectInLanguage', async () => {
    await page.setContent('<html lang="zh-CN"><body><p>Loading…</p></body></html>');
    const failed = await expectInLanguage(page, 'zh-CN', 'a page').then(
      () => null,
      (e: { message: string; actual?: unknown }) => e,
    );
    expect(failed?.message).toMatch(/a page \(zh-CN\): words not in the page's language/);
    expect(JSON.stringify(failed?.actual)).toMatch(/body > p: English \(Loading\)/);
    await page.setContent('<html lang="zh-CN"><body><p>正在加载…</p></body></html>');
    await expectInLanguage(page, 'zh-CN', 'a page');
  });
});

describe('in English', () => {
  it('passes an English page with Chinese names of subjects and places', async () => {
    const html = `<main><h1>青岛某某建材有限公司</h1><p>Region: 山东省青岛市黄岛区 · Grade AAA · Listed on the SPC list of dishonest judgment debtors since 2 Nov 2026, e.g. for evading enforcement.</p>
      <select><option>English</option><option>简体中文</option></select></main>`;
    expect(await problemsOf(html, 'en')).toEqual([]);
  });

  it('catches a message key, a placeholder left in, codes instead of names, a fact key and Chinese of the interface', async () => {
    const p = (await problemsOf('<nav><a>nav.overview</a></nav><p>Published {{v}}: 3 subjects</p><p>Type: court.dishonest-debtor-decision</p><table><tr><th>caseNo</th></tr></table><p>Duration P2Y</p><p>失信被执行人名单</p>', 'en')).join('\n');
    expect(p).toMatch(/nav > a: a dotted code or message key \(nav\.overview\)/);
    expect(p).toMatch(/a message placeholder left in \(\{\{v\}\}\)/);
    expect(p).toMatch(/court\.dishonest-debtor-decision/);
    expect(p).toMatch(/th: a catalog code \(caseNo\)/);
    expect(p).toMatch(/ISO-8601 duration \(P2Y\)/);
    expect(p).toMatch(/Chinese of the interface or the catalog \(失信被执行人名单\)/);
  });
});
