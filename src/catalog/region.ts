/**
 * A subject's region by name (issue 17, build item 2): the GB/T 2260 code a subject carries
 * (`370211`) as the full name of the division, province + prefecture + county, in both languages:
 * `山东省青岛市黄岛区` and `Huangdao District, Qingdao, Shandong`. The Chinese names come from the
 * kept table of administrative divisions (@vant/area-data, through `jurisdictionParts`); the English
 * ones are their Hanyu Pinyin (pinyin-pro, a dictionary shipped in the package, no download), the
 * administrative suffix translated (区 District, 县 County, 自治州 Autonomous Prefecture…; 省 and
 * 市 dropped, as place names are written in English).
 *
 * A code the table does not know (an abolished district, a typo) is named by the nearest level it
 * does know, with the code: `山东省青岛市（370205）`, `Qingdao, Shandong (370205)`; a code of no known
 * province is `地区代码 990000` / `Region code 990000`. Never an error: a region is shown, not checked.
 */
import { pinyin } from 'pinyin-pro';
import type { LocalText } from '../domain/types.js';
import { jurisdictionParts } from './jurisdiction.js';

/** Administrative suffixes in English, longest first; `''` drops the suffix. */
const SUFFIXES: [string, string][] = [
  ['特别行政区', 'Special Administrative Region'],
  ['自治区', 'Autonomous Region'],
  ['自治州', 'Autonomous Prefecture'],
  ['自治县', 'Autonomous County'],
  ['自治旗', 'Autonomous Banner'],
  ['地区', 'Prefecture'],
  ['新区', 'New Area'],
  ['林区', 'Forestry District'],
  ['矿区', 'Mining District'],
  ['特区', 'Special District'],
  ['街道', 'Subdistrict'],
  ['镇', 'Town'],
  ['省', ''],
  ['市', ''],
  ['区', 'District'],
  ['县', 'County'],
  ['旗', 'Banner'],
  ['盟', 'League'],
];

/** Names whose customary spelling is not their plain Pinyin (陕西 is Shaanxi, to tell it from 山西 Shanxi). */
const SPELLED: Record<string, string> = { 陕西: 'Shaanxi' };

/** A Chinese place name in Pinyin, one word, capitalised, with an apostrophe where a syllable starting with a, o or e would run into the one before (Xi'an). */
function romanize(zh: string): string {
  if (SPELLED[zh]) return SPELLED[zh];
  const syllables = pinyin(zh, { toneType: 'none', type: 'array', v: false }).map((s) => s.replace(/\s+/g, ''));
  const word = syllables.map((s, i) => (i > 0 && /^[aoe]/.test(s) ? `'${s}` : s)).join('');
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** One division's name in English: `黄岛区` → `Huangdao District`, `青岛市` → `Qingdao`. */
export function englishName(zh: string): string {
  for (const [suffix, en] of SUFFIXES) {
    if (zh.endsWith(suffix) && zh.length > suffix.length) {
      const stem = romanize(zh.slice(0, -suffix.length));
      return en ? `${stem} ${en}` : stem;
    }
  }
  return romanize(zh);
}

const cache = new Map<string, LocalText | null>();

/**
 * The full name of a subject's region in both languages, or null when the subject has none (a
 * subject known only from records may have no region). See the module comment for a code the
 * table does not know.
 */
export function regionName(code: string): LocalText | null {
  if (code === '') return null;
  const hit = cache.get(code);
  if (hit !== undefined) return hit;
  const { parts, exact } = jurisdictionParts(code);
  let name: LocalText;
  if (parts.length === 0) name = { 'zh-CN': `地区代码 ${code}`, en: `Region code ${code}` };
  else {
    const zh = parts.join('');
    const en = parts.map(englishName).reverse().join(', ');
    name = exact ? { 'zh-CN': zh, en } : { 'zh-CN': `${zh}（${code}）`, en: `${en} (${code})` };
  }
  if (cache.size >= 10_000) cache.clear();
  cache.set(code, name);
  return name;
}
