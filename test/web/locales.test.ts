/**
 * The message catalogs: English and Chinese have the same keys (plural forms aside), no message is
 * empty, and every literal key the app's code asks for exists in both.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/app/paths.js';
import { catalogOf, type Messages } from '../../src/web/locales/merge.js';

const web = join(packageRoot(), 'src', 'web');
const readJson = (p: string) => JSON.parse(readFileSync(p, 'utf8')) as Messages;
/** A language's catalog as the app merges it: the main file and its parts (locales/<lang>/*.json). */
const load = (lang: string) => {
  const dir = join(web, 'locales', lang);
  const parts = existsSync(dir) ? Object.fromEntries(readdirSync(dir).filter((n) => n.endsWith('.json')).map((n) => [n, readJson(join(dir, n))])) : {};
  return catalogOf(readJson(join(web, 'locales', `${lang}.json`)), parts) as Record<string, unknown>;
};

function flatten(o: Record<string, unknown>, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(o)) {
    if (v && typeof v === 'object') for (const [kk, vv] of flatten(v as Record<string, unknown>, `${prefix}${k}.`)) out.set(kk, vv);
    else out.set(`${prefix}${k}`, String(v));
  }
  return out;
}

/** A key without its plural suffix: English has `_one` and `_other`, Chinese only `_other`. */
const base = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/, '');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.(tsx?)$/.test(n) ? [p] : [];
  });
}

describe('message catalogs', () => {
  const en = flatten(load('en'));
  const zh = flatten(load('zh-CN'));

  it('have the same keys in English and Chinese', () => {
    expect([...new Set([...zh.keys()].map(base))].sort()).toEqual([...new Set([...en.keys()].map(base))].sort());
    expect(en.size).toBeGreaterThan(300);
  });

  it('have no empty message, and Chinese messages are not left in English', () => {
    for (const [k, v] of [...en, ...zh]) expect(v.trim(), k).not.toBe('');
    const untranslated = [...zh].filter(([k, v]) => en.get(k) === v && /[a-z]{4,}/.test(v.replace(/{{\w+}}/g, '')) && !/^(xy_k_|API)/.test(v));
    expect(untranslated.map(([k]) => k)).toEqual([]);
  });

  it('hold every literal key the app asks for', () => {
    const keys = new Set([...en.keys()].map(base));
    const used = new Set<string>();
    for (const file of sources(web)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bt\(\s*'([a-zA-Z][\w.-]*)'/g)) used.add(m[1]);
      for (const m of text.matchAll(/key: '([a-z]+\.[\w.]+)'/g)) used.add(m[1]);
    }
    expect(used.size).toBeGreaterThan(200);
    expect([...used].filter((k) => !keys.has(k)).sort()).toEqual([]);
  });
});

describe('message parts', () => {
  it('merge key by key into the main file, and a key defined twice is refused naming it', () => {
    const merged = catalogOf({ a: { x: 'X' }, b: 'B' }, { 'cases.json': { a: { y: 'Y' } } });
    expect(merged).toEqual({ a: { x: 'X', y: 'Y' }, b: 'B' });
    expect(() => catalogOf({ a: { x: 'X' } }, { 'cases.json': { a: { x: 'again' } } })).toThrow(/"a\.x" is defined twice \(again in cases\.json\)/);
  });
});

describe('problem codes', () => {
  it('every error code of the API has a message in both languages, so an error says what happened in the reader’s language', async () => {
    const { PROBLEMS } = await import('../../src/api/errors.js');
    for (const lang of ['en', 'zh-CN']) {
      const problems = load(lang).problems as Record<string, string>;
      expect(Object.keys(problems).sort(), lang).toEqual(Object.keys(PROBLEMS).sort());
    }
  });
});

describe('access log', () => {
  it('every action a person’s access log shows has a label in both languages (the screen would show the raw action)', async () => {
    const { ACCESS_ACTIONS } = await import('../../src/audit/actions.js');
    for (const lang of ['en', 'zh-CN']) {
      const labels = load(lang).accessActions as Record<string, string>;
      expect(Object.keys(labels).sort(), lang).toEqual(ACCESS_ACTIONS.map((a) => a.replace(/\./g, '_')).sort());
    }
  });
});
