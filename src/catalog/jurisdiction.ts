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

/** The name of a jurisdiction (省 市 县), or null when GB/T 2260 has no such division. */
export function jurisdictionName(code: string): string | null {
  if (code === 'national') return '全国';
  const p = areaList.province_list[`${code.slice(0, 2)}0000`];
  switch (jurisdictionLevel(code)) {
    case 'province':
      return p ?? null;
    case 'prefecture': {
      const c = areaList.city_list[code];
      return p && c ? `${p}${c}` : null;
    }
    default: {
      const c = areaList.city_list[`${code.slice(0, 4)}00`];
      const k = areaList.county_list[code];
      return p && k ? `${p}${c && c !== p ? c : ''}${k}` : null;
    }
  }
}
