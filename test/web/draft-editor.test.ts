/**
 * The catalog draft editor (issue 17, bug 12 and build item 12): a CodeMirror editor with line
 * numbers, labelled in the UI's language, that shows each problem the API finds at its line and
 * keeps the author's text as written (comments, quoting, layout) when the draft is stored and
 * opened again. The bare textarea it replaces regenerated the YAML from the document and lost them.
 */
import type { Page } from 'playwright-core';
import { stringify as stringifyYaml } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { cityAndBrowser, expectAccessible, expectInLanguage, sessionFor, type Lang, type Tab, type WebFixture } from './harness.js';

const city = cityAndBrowser();
let w: WebFixture;

const tab = async (lang?: Lang) => city.tab({ lang, session: await sessionFor(w, 'author') });

beforeAll(async () => {
  w = city.w;
}, 120_000);

/** Replaces the editor's whole text as a paste does (one paste event: typing 200 KB key by key is not the point). */
async function paste(page: Page, text: string) {
  const box = page.getByTestId('draft-text');
  await box.click();
  await page.keyboard.press('Control+a');
  await box.evaluate((el, v) => {
    const data = new DataTransfer();
    data.setData('text/plain', v);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, text);
}

async function openDraftTab(page: Page) {
  await page.goto(`${w.base}/catalog`);
  await page.getByTestId('tab-draft').click();
  await page.locator('.cm-editor [data-testid=draft-text]').waitFor();
}

const HEAD_COMMENT = '# Draft by the policy team: loan arrears as agreed on 3 December.';

describe('the catalog draft editor', () => {
  it('keeps the author’s comments and layout through validate, store and open again, and shows each problem at its line', async () => {
    const doc = (await w.f.req({ method: 'GET', url: '/v1/catalog', role: 'author' })).json().doc;
    const version = `${doc.version}-editor`;
    const { id, version: _v, lists, ...rest } = doc;
    const [first, ...others] = lists as { code: string; legalBasis?: unknown }[];
    const { code, legalBasis, ...firstRest } = first!;
    expect(legalBasis).toBeTruthy();
    // The author's own layout: a quoted version with a comment after it, a comment of its own line,
    // a flow sequence where the generator would write a block.
    const top = `id: ${id}\nversion: "${version}"   # the next version, once approved\n\n# Lists: the first one is being reworked.\n`;
    const body = (withBasis: boolean) =>
      stringifyYaml({ lists: [{ code, ...(withBasis ? { legalBasis } : {}), ...firstRest }, ...others], ...rest }, { lineWidth: 0 });
    const t = await tab();
    await openDraftTab(t.page);

    // Labelled, with line numbers.
    const box = t.page.getByRole('textbox', { name: 'Catalog document (YAML)' });
    await box.waitFor();
    expect(await box.getAttribute('data-testid')).toBe('draft-text');
    expect(await t.page.locator('.cm-lineNumbers .cm-gutterElement').filter({ hasText: /^1$/ }).count()).toBe(1);

    // The author writes the document without the first list's legal basis, and types a comment above it.
    await paste(t.page, top + body(false));
    await t.page.keyboard.press('Control+Home');
    await t.page.keyboard.type(HEAD_COMMENT);
    await t.page.keyboard.press('Enter');
    const text = `${HEAD_COMMENT}\n${top}${body(false)}`;
    const lines = text.split('\n');
    const listsAt = lines.indexOf('lists:');
    const line = lines.findIndex((l, i) => i > listsAt && l === `  - code: ${code}`) + 1;
    expect(line).toBeGreaterThan(listsAt + 1);

    await t.page.getByTestId('validate').click();
    const problems = t.page.getByTestId('draft-problems');
    await problems.waitFor();
    const here = problems.locator('li').filter({ hasText: `lists[${code}]` });
    expect(await here.count()).toBeGreaterThan(0);
    expect(await here.first().innerText()).toMatch(new RegExp(`^Line ${line}\\b`));
    // At its line in the editor: the cursor goes there, the line is marked and so is its gutter.
    await here.first().getByRole('button', { name: `Line ${line}` }).click();
    const marked = t.page.locator('.cm-activeLine');
    await expect.poll(() => marked.textContent()).toBe(`  - code: ${code}`);
    expect(await marked.locator('.cm-lintRange-error').count()).toBe(1);
    expect(await t.page.locator('.cm-activeLineGutter').first().innerText()).toBe(String(line));
    expect(await t.page.locator('.cm-lint-marker-error').count()).toBeGreaterThan(0);
    await expectAccessible(t.page, 'draft with problems');

    // Keyboard: Tab indents inside the editor; Escape then Tab leaves it.
    await t.page.keyboard.press('Tab');
    expect(await t.page.evaluate(() => !!document.activeElement?.closest('.cm-editor'))).toBe(true);
    await t.page.keyboard.press('Control+z');
    await t.page.keyboard.press('Escape');
    await t.page.keyboard.press('Tab');
    expect(await t.page.evaluate(() => !!document.activeElement?.closest('.cm-editor'))).toBe(false);

    // Text that is not YAML: marked at its line too, in the UI's language.
    await paste(t.page, 'id: x\nversion: "1\nlists: [a\n');
    await t.page.getByTestId('draft-problems').getByText('Not valid YAML from here', { exact: false }).waitFor();
    expect(await t.page.getByTestId('draft-problems').innerText()).toMatch(/^Line \d+/);

    // Put the basis back (the comment typed above stays), validate and store.
    const fixed = `${HEAD_COMMENT}\n${top}${body(true)}`;
    await paste(t.page, fixed);
    await t.page.getByTestId('validate').click();
    await expect.poll(() => t.page.getByTestId('draft-result').innerText()).toContain(`Valid: version ${version}`);
    expect(await t.page.getByTestId('draft-problems').count()).toBe(0);
    await t.page.getByTestId('save-draft').click();
    await expect.poll(() => t.page.getByTestId('draft-result').innerText()).toBe(`Stored ${id}@${version} (draft).`);

    // Open again after a reload: the text as written, comments, quotes and blank line included.
    await t.page.reload();
    await t.page.getByTestId('tab-draft').click();
    await t.page.getByTestId('draft-open').selectOption(`${id}@${version}`);
    const content = t.page.locator('.cm-content');
    await expect.poll(() => content.innerText()).toContain(HEAD_COMMENT);
    const shown = await content.locator('.cm-line').evaluateAll((ls) => ls.slice(0, 6).map((l) => l.textContent));
    expect(shown).toEqual(fixed.split('\n').slice(0, 6));
    expect(await t.page.getByTestId('draft-regenerated').count()).toBe(0);

    // Another browser has not kept the text: the stored document is shown, and said to be regenerated.
    const other = await tab('zh-CN');
    await openDraftTab(other.page);
    await other.page.getByRole('textbox', { name: '目录文件（YAML）' }).waitFor();
    await other.page.getByTestId('draft-open').selectOption(`${id}@${version}`);
    await other.page.getByTestId('draft-regenerated').waitFor();
    await expect.poll(() => other.page.locator('.cm-content').innerText()).toContain(`version: ${version}`);
    expect(await other.page.locator('.cm-content').innerText()).not.toContain(HEAD_COMMENT);
    await expectAccessible(other.page, 'draft regenerated (zh-CN)');

    // Not YAML, in Chinese: the alert and the problem say it in Chinese, at its line (the YAML library's message is English).
    await paste(other.page, 'id: x\nversion: "1\nlists: [a\n');
    await other.page.getByTestId('draft-problems').waitFor();
    await expect.poll(() => other.page.locator('p.error[role=alert]').innerText()).toMatch(/^自第 \d+ 行起不是有效的 YAML/);
    await expectInLanguage(other.page, 'zh-CN', 'a draft that is not YAML');
  }, 120_000);
});
