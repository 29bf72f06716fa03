/**
 * Jurisdictions by GB/T 2260 code (issue 15, item 3): `national`, a province (NN0000), a prefecture
 * (NNNN00) or a county-level division. Names come from a kept table of administrative divisions
 * (@vant/area-data), not from a list of our own.
 */
import { areaList } from '@vant/area-data';

export type JurisdictionLevel = 'national' | 'province' | 'prefecture' | 'county';

/** The level of a jurisdiction code, by its shape. */
export function jurisdictionLevel(code: string): JurisdictionLevel {
  if (code === 'national') return 'national';
  if (code.endsWith('0000')) return 'province';
  if (code.endsWith('00')) return 'prefecture';
  return 'county';
}

/** City-level entries of the table that name no city (counties the province governs directly). */
const NO_CITY = new Set(['省直辖县', '县', '自治区直辖县级行政区划', '市辖区']);

/**
 * The names of a division and of those it lies in, province first (`山东省`, `青岛市`, `黄岛区`; a
 * municipality or a directly governed county without the repeated or placeholder city level), and
 * whether the code itself is in GB/T 2260 (`exact`); when it is not, the levels above it that are.
 */
export function jurisdictionParts(code: string): { parts: string[]; exact: boolean } {
  if (!/^\d{6}$/.test(code)) return { parts: [], exact: false };
  const p = areaList.province_list[`${code.slice(0, 2)}0000`];
  if (!p) return { parts: [], exact: false };
  const level = jurisdictionLevel(code);
  if (level === 'province') return { parts: [p], exact: true };
  const c = areaList.city_list[`${code.slice(0, 4)}00`];
  const city = c && c !== p && !NO_CITY.has(c) ? c : undefined;
  const upper = city ? [p, city] : [p];
  if (level === 'prefecture') return c ? { parts: upper, exact: true } : { parts: [p], exact: false };
  const k = areaList.county_list[code];
  return k ? { parts: [...upper, k], exact: true } : { parts: c ? upper : [p], exact: false };
}

/** The name of a jurisdiction (省 市 县), or null when GB/T 2260 has no such division. */
export function jurisdictionName(code: string): string | null {
  if (code === 'national') return '全国';
  const { parts, exact } = jurisdictionParts(code);
  return exact ? parts.join('') : null;
}
