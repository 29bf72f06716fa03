/**
 * Every word in the reader's language (issue 17, build item 1): what a page shows, collected in the
 * browser (`collectTexts`) and judged here (`languageProblems`), a pure function so that it can be
 * tested on its own. The harness's `expectInLanguage` puts the two together.
 *
 * In Chinese a page may not show
 * - a code of the catalog in force (a list, measure, record type, scheme, action, source, fact,
 *   enum value, law, category…), taken from the catalog document itself, not from a hand list;
 * - anything shaped like a code: `a.b-c`, `cn-uscc:`, an ISO-8601 duration (`P2Y`), an error code
 *   (`XY_ERR_…`), a camelCase key;
 * - an English word: Latin-letter words are refused unless they are on a short list of what is
 *   Latin in a Chinese interface too (the product's name, API, CSV, PDF, USCC, grades, single
 *   letters, the language switch's "English"); numbers, identifiers with digits, hashes, URLs and
 *   e-mail addresses are data and are left out before words are looked for.
 *
 * In English a page may not show a message key (`nav.overview`), a `{{placeholder}}` left over, a
 * code of the catalog (or of its shape) instead of a name, nor a Chinese text of the catalog or of
 * the message catalogs (the other language leaking in); Chinese names of subjects and places are data.
 *
 * Elements marked `translate="no"` hold what is not to be translated (a catalog draft's YAML, a
 * record's stored JSON): they are left out, as is the text of the draft editor.
 */
import type { Page } from 'playwright-core';
import type { CatalogDoc } from '../../src/catalog/types.js';

export type Lang = 'en' | 'zh-CN';

/** A text the page shows, and where: an element path (`main > section#sec-lists > td`), and the attribute it is in, if any. */
export interface SeenText {
  text: string;
  where: string;
}

/** Everything a user perceives on the page: visible text, labels in attributes, the options of visible selects, the tab's title. */
export async function collectTexts(page: Page): Promise<SeenText[]> {
  return page.evaluate(() => {
    const out: { text: string; where: string }[] = [];
    const skip = (el: Element) => !!el.closest('[translate="no"], script, style, noscript, template, .cm-content, .cm-gutters');
    const pathOf = (el: Element) => {
      const parts: string[] = [];
      for (let e: Element | null = el; e && e !== document.documentElement && parts.length < 5; e = e.parentElement) {
        const tid = e.getAttribute('data-testid');
        parts.unshift(`${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${tid ? `[data-testid=${tid}]` : ''}`);
        if (e.id || tid) break;
      }
      return parts.join(' > ');
    };
    const visible = (el: Element) => (el as HTMLElement).checkVisibility?.({ visibilityProperty: true } as CheckVisibilityOptions) ?? true;
    if (document.title) out.push({ text: document.title, where: 'document.title' });
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      const el = n.parentElement;
      if (!text || !el || skip(el) || el.closest('option, select, textarea')) continue;
      if (!visible(el)) continue;
      out.push({ text, where: pathOf(el) });
    }
    for (const el of document.body.querySelectorAll('[placeholder], [title], [aria-label], [alt], input[type=button], input[type=submit], select')) {
      if (skip(el) || !visible(el)) continue;
      for (const a of ['placeholder', 'title', 'aria-label', 'alt']) {
        const v = el.getAttribute(a)?.trim();
        if (v) out.push({ text: v, where: `${pathOf(el)} @${a}` });
      }
      if (el instanceof HTMLInputElement && ['button', 'submit', 'reset'].includes(el.type) && el.value.trim()) out.push({ text: el.value.trim(), where: `${pathOf(el)} @value` });
      if (el instanceof HTMLSelectElement) for (const o of el.options) if (o.text.trim() && !skip(o)) out.push({ text: o.text.trim(), where: `${pathOf(el)} > option` });
    }
    return out;
  });
}

/** What the detector knows: the catalog's codes, its grades (Latin in both languages), its Chinese texts, and the Chinese messages. */
export interface LanguageKnowledge {
  /** Every code of the catalog in force (and of its national layer). */
  codes: Set<string>;
  /** Words that are Latin in a Chinese page too. */
  latin: Set<string>;
  /** Chinese texts that belong to the Chinese interface (catalog texts, messages): in English they are the other language leaking in. */
  chinese: Set<string>;
}

/** Latin in a Chinese interface as well: the product's name, formats and acronyms, and the language switch's "English". */
export const LATIN_IN_CHINESE = ['xinyong', 'API', 'APIs', 'CSV', 'PDF', 'USCC', 'ID', 'OIDC', 'YAML', 'JSON', 'URL', 'GB', 'SHA', 'English', 'PNG', 'JPEG', 'HTTP', 'HTTPS', 'OK', 'Tab', 'Esc', 'Enter', 'Ctrl', 'Shift', 'Alt', 'UTC', 'Authorization', 'Bearer', 'KB', 'MB'];

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A catalog document's codes, grades and Chinese texts, read from the document (a field named code, id, on; fact names; enum values). */
export function knowledgeOf(doc: CatalogDoc, messages: string[] = []): LanguageKnowledge {
  const codes = new Set<string>(['cn-uscc', 'cn-rid']);
  const latin = new Set<string>(LATIN_IN_CHINESE);
  const chinese = new Set<string>();
  const walk = (v: unknown, key: string) => {
    if (Array.isArray(v)) {
      if (key === 'enum' || key === 'subjects' || key === 'extendsTo' || key === 'recordTypes' || key === 'registers') for (const x of v) if (typeof x === 'string') codes.add(x);
      for (const x of v) walk(x, key);
      return;
    }
    if (!isObj(v)) return;
    if (typeof v['zh-CN'] === 'string') {
      chinese.add(v['zh-CN']);
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string' && ['code', 'id', 'on', 'list', 'action', 'national', 'category', 'law', 'prefix', 'scheme', 'countsFor'].includes(k) && /^[A-Za-z][\w.:-]*$/.test(x)) codes.add(x);
      if (k === 'grade' && typeof x === 'string') latin.add(x);
      if (k === 'facts' && isObj(x)) for (const f of Object.keys(x)) codes.add(f);
      walk(x, k);
    }
  };
  walk(doc, '');
  for (const m of messages) chinese.add(m);
  return { codes, latin, chinese };
}

/** Latin words of a text, once what is data (URLs, e-mail addresses, identifiers with digits, hashes) is taken out. */
const DATA = [
  /\bhttps?:\/\/\S+/g,
  /[\w-]*\/[\w\-/.?=&%]*/g, // a path (/public/me, catalogs/)
  /[\w.+-]+@[\w-]+(\.[\w-]+)+/g,
  /\b[\w*:-]*\d[\w*:-]*/g, // identifiers, numbers, masked numbers, receipt and case numbers
  /\b(?:[A-Za-z]+:)?[A-Za-z]+_[\w…]*/g, // identifiers and their prefixes (xy_k_…, rc_…, key:k_…)
];

const CODE_SHAPES: [RegExp, string][] = [
  [/\b[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*\.[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*\b/g, 'a dotted code or message key'],
  // `cn-uscc:…` is the syntax of a reference (an input's hint); `cn-uscc:9137…` is a code shown for a name.
  [/\bcn-(?:uscc|rid):(?=[\w*])/g, 'an identifier scheme'],
  [/\bP(?:\d+[YMWD])+(?:T(?:\d+[HMS])+)?\b|\bPT(?:\d+[HMS])+\b/g, 'an ISO-8601 duration'],
  [/\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b/g, 'an error code'],
  [/{{\s*\w+\s*}}/g, 'a message placeholder left in'],
];

const HAN = /[\u3400-\u9fff]/;
const words = (s: string) => s.match(/[A-Za-z][A-Za-z'’]*/g) ?? [];
const short = (s: string) => (s.length > 80 ? `${s.slice(0, 77)}…` : s);

/** Why each text is not in `lang` (empty: every word is). */
export function languageProblems(texts: SeenText[], lang: Lang, k: LanguageKnowledge): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const say = (t: SeenText, why: string) => {
    const line = `${t.where}: ${why} in "${short(t.text)}"`;
    if (!seen.has(line)) out.push(line);
    seen.add(line);
  };
  // A file's name is data; its extension is not a word (和解协议.pdf).
  const fileNames = /[^\s/\\"'“”（）()]*\.(?:csv|pdf|yaml|yml|json|png|jpe?g)\b/gi;
  for (const t of texts) {
    const text = t.text.replace(/\bhttps?:\/\/\S+/g, ' ').replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, ' ').replace(fileNames, ' ');
    // What is reported as a code is not reported again as English.
    let rest = text;
    // In Chinese a scheme's code is never the words for it, whatever follows (its syntax hint `cn-uscc:…` aside).
    const shapes: [RegExp, string][] = lang === 'zh-CN' ? [...CODE_SHAPES.filter(([, w]) => w !== 'an identifier scheme'), [/\bcn-(?:uscc|rid)\b(?!:…)/g, 'an identifier scheme']] : CODE_SHAPES;
    for (const [re, what] of shapes)
      for (const m of text.matchAll(re)) {
        if (/^(e\.g|i\.e)$/i.test(m[0])) continue;
        say(t, `${what} (${m[0]})`);
        rest = rest.replace(m[0], ' ');
      }
    // Codes of the catalog, as whole tokens (a code may hold - . :).
    const tokens = rest.match(/[A-Za-z][\w.:-]*[A-Za-z0-9]/g) ?? [];
    for (const tok of tokens) {
      if (!k.codes.has(tok)) continue;
      // In English a code that is a plain word ("minor", "evades") or a hyphenated one ("dishonest-debtor
      // listing") may be the word, unless it stands alone, as a name would.
      if (lang === 'en' && /^[a-z]+(-[a-z]+)*$/.test(tok) && (tok.includes('-') ? text.trim() !== tok : true)) continue;
      say(t, `a catalog code (${tok})`);
      rest = rest.replace(tok, ' ');
    }
    if (lang === 'zh-CN') {
      for (const re of DATA) rest = rest.replace(re, ' ');
      const english = words(rest).filter((w) => !k.latin.has(w) && !k.codes.has(w) && w.length > 1);
      if (english.length) say(t, `English (${english.slice(0, 6).join(' ')})`);
    } else {
      // camelCase fact names shown instead of their names.
      for (const m of text.matchAll(/\b[a-z]+[A-Z][A-Za-z]*\b/g)) if (!k.codes.has(m[0])) say(t, `a camelCase key (${m[0]})`);
      if (HAN.test(text)) {
        // A whole text of the interface or the catalog, or a long one inside a text: a short one
        // ("社会保障") may be part of a name ("荣成市人力资源和社会保障局"), which is data.
        const hit = [...k.chinese].find((c) => c.length >= 2 && HAN.test(c) && (text === c || (c.length >= 8 && text.includes(c))));
        if (hit) say(t, `Chinese of the interface or the catalog (${short(hit)})`);
      }
    }
  }
  return out;
}
