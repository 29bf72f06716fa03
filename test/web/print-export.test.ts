/**
 * Issue 17, build items 6 and 5 (the web side): a subject page and "my credit record" print as
 * their content only, with the page's address and as-of instant at the foot, in the reader's
 * language; the console downloads list entries, audit entries and search results as CSV from the
 * same endpoints (the server's file, header row in the UI's language, with its byte-order mark).
 */
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
