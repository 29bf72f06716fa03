/**
 * A small slice of GB/T 2260 for the synthetic city. Every code below is a real county-level
 * division (checked against a published GB/T 2260 table); the weights make the city look like
 * Weihai, Shandong (the prefecture of Rongcheng, the best-known points pilot) with a minority of
 * residents and firms registered in other large cities.
 */

/** One county-level administrative division. */
export interface Region {
  /** Six-digit GB/T 2260 code. */
  code: string;
  /** Province-level name, e.g. 山东省 or 北京市. */
  province: string;
  /** Prefecture-level name; for the four municipalities it repeats the municipality. */
  prefecture: string;
  /** County-level name: a district (区), county (县) or county-level city (市). */
  county: string;
  /** Relative weight when drawing a region for a synthetic subject. */
  weight: number;
}

// Province code → [name, single-character abbreviation]. The abbreviation is the one used in
// court case numbers, e.g. (2025)鲁1082执1234号 for the Rongcheng court.
const PROVINCES: Record<string, readonly [string, string]> = {
  '11': ['北京市', '京'],
  '12': ['天津市', '津'],
  '31': ['上海市', '沪'],
  '32': ['江苏省', '苏'],
  '33': ['浙江省', '浙'],
  '35': ['福建省', '闽'],
  '37': ['山东省', '鲁'],
  '41': ['河南省', '豫'],
  '42': ['湖北省', '鄂'],
  '44': ['广东省', '粤'],
  '50': ['重庆市', '渝'],
  '51': ['四川省', '川'],
  '61': ['陕西省', '陕'],
};

const PREFECTURES: Record<string, string> = {
  '1101': '北京市', '1201': '天津市', '3101': '上海市', '5001': '重庆市',
  '3701': '济南市', '3702': '青岛市', '3703': '淄博市', '3706': '烟台市', '3710': '威海市',
  '3201': '南京市', '3205': '苏州市', '3213': '宿迁市',
  '3301': '杭州市', '3302': '宁波市',
  '3501': '福州市', '3502': '厦门市',
  '4401': '广州市', '4403': '深圳市',
  '5101': '成都市', '4201': '武汉市', '4101': '郑州市', '6101': '西安市',
};

// [code, county name, weight]. Weihai's four divisions carry well over half the weight.
const COUNTIES: readonly (readonly [string, string, number])[] = [
  ['371082', '荣成市', 24], ['371002', '环翠区', 14], ['371003', '文登区', 11], ['371083', '乳山市', 8],
  ['370102', '历下区', 2.5], ['370103', '市中区', 1.5], ['370112', '历城区', 1.5],
  ['370202', '市南区', 2], ['370203', '市北区', 1.5], ['370211', '黄岛区', 1.5], ['370212', '崂山区', 1],
  ['370602', '芝罘区', 2], ['370321', '桓台县', 1.5],
  ['110101', '东城区', 1], ['110102', '西城区', 0.8], ['110105', '朝阳区', 1.2], ['110108', '海淀区', 1.2],
  ['120101', '和平区', 0.5],
  ['310101', '黄浦区', 0.8], ['310104', '徐汇区', 0.8], ['310115', '浦东新区', 1.2],
  ['321302', '宿城区', 1.2], ['321311', '宿豫区', 0.8], ['321322', '沭阳县', 0.8],
  ['320102', '玄武区', 0.6], ['320508', '姑苏区', 0.6],
  ['330106', '西湖区', 0.8], ['330102', '上城区', 0.6], ['330108', '滨江区', 0.5], ['330203', '海曙区', 0.5],
  ['350102', '鼓楼区', 0.6], ['350104', '仓山区', 0.5], ['350203', '思明区', 0.7], ['350206', '湖里区', 0.5],
  ['440103', '荔湾区', 0.6], ['440104', '越秀区', 0.6], ['440106', '天河区', 0.8],
  ['440303', '罗湖区', 0.6], ['440304', '福田区', 0.6], ['440305', '南山区', 0.8],
  ['510104', '锦江区', 0.6], ['510105', '青羊区', 0.5], ['510107', '武侯区', 0.6],
  ['420102', '江岸区', 0.5], ['420106', '武昌区', 0.5],
  ['410102', '中原区', 0.5], ['410105', '金水区', 0.5],
  ['610102', '新城区', 0.4], ['610113', '雁塔区', 0.5],
  ['500103', '渝中区', 0.5],
];

/** The divisions the synthetic city draws from, in a fixed order (the order is part of the seed contract). */
export const REGIONS: readonly Region[] = COUNTIES.map(([code, county, weight]) => ({
  code,
  province: PROVINCES[code.slice(0, 2)][0],
  prefecture: PREFECTURES[code.slice(0, 4)],
  county,
  weight,
}));

const BY_CODE = new Map(REGIONS.map((r, i) => [r.code, i] as const));

/** Index of a code in {@link REGIONS}, or -1. */
export function regionIndex(code: string): number {
  return BY_CODE.get(code) ?? -1;
}

/**
 * Full name of a division in the table, e.g. `山东省威海市荣成市` or `北京市东城区`
 * (municipalities are not repeated); `undefined` for a code outside the table.
 */
export function regionName(code: string): string | undefined {
  const i = BY_CODE.get(code);
  if (i === undefined) return undefined;
  const r = REGIONS[i];
  return r.province === r.prefecture ? `${r.province}${r.county}` : `${r.province}${r.prefecture}${r.county}`;
}

/**
 * The name an organisation or authority of the division carries: a county-level city stands
 * alone (荣成市), a district or county is prefixed by its prefecture (威海市环翠区, 北京市东城区).
 */
export function localName(r: Region): string {
  return r.county.endsWith('市') ? r.county : `${r.prefecture}${r.county}`;
}

/** Short place word for company names: 荣成 for 荣成市, 威海 for 威海市环翠区. */
export function shortPlace(r: Region): string {
  return r.county.endsWith('市') ? r.county.slice(0, -1) : r.prefecture.slice(0, -1);
}

/** Court designation inside case numbers: province abbreviation + prefecture and county digits, e.g. 鲁1082. */
export function courtCode(r: Region): string {
  return `${PROVINCES[r.code.slice(0, 2)][1]}${r.code.slice(2, 6)}`;
}

/** The basic-level people's court of the division, e.g. 荣成市人民法院. */
export function courtName(r: Region): string {
  return `${localName(r)}人民法院`;
}

/** Abbreviation that opens administrative decision numbers, e.g. 荣 (荣成市) or 威环 (威海市环翠区). */
export function docAbbr(r: Region): string {
  return r.county.endsWith('市') || r.county.endsWith('县') ? r.county[0] : `${r.prefecture[0]}${r.county[0]}`;
}
