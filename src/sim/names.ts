/**
 * Name pools for synthetic subjects. Person names are random surname + given-name combinations;
 * combinations that spell a well-known public figure are refused, so that no fabricated record
 * ever sits next to a famous name. Organisation names are built from place + word pools and are
 * obviously generic.
 */
import type { Region } from './regions.js';
import { localName, shortPlace } from './regions.js';
import type { Rng } from './rng.js';
import { Weighted } from './rng.js';

// Rough frequency ranks of common surnames (weights, not shares).
const SURNAMES = new Weighted<string>([
  ['王', 72], ['李', 70], ['张', 66], ['刘', 54], ['陈', 45], ['杨', 32], ['黄', 24], ['赵', 22],
  ['吴', 20], ['周', 19], ['徐', 15], ['孙', 15], ['马', 13], ['朱', 13], ['胡', 12], ['郭', 11],
  ['何', 10], ['林', 10], ['高', 10], ['罗', 9], ['郑', 9], ['梁', 8], ['谢', 7], ['宋', 7],
  ['唐', 7], ['许', 6], ['韩', 6], ['冯', 6], ['邓', 6], ['曹', 6], ['彭', 5], ['曾', 5],
  ['肖', 5], ['田', 5], ['董', 5], ['袁', 4], ['潘', 4], ['于', 5], ['蒋', 4], ['蔡', 4],
  ['余', 4], ['杜', 4], ['叶', 4], ['程', 4], ['苏', 3], ['魏', 3], ['吕', 3], ['丁', 3],
  ['任', 3], ['沈', 3], ['姚', 3], ['卢', 3], ['姜', 4], ['崔', 3], ['钟', 3], ['谭', 3],
  ['陆', 3], ['汪', 3], ['范', 3], ['石', 3], ['毕', 2], ['鞠', 2], ['丛', 2], ['慕', 1],
  ['邹', 2], ['孔', 2], ['尹', 2], ['薛', 2], ['段', 2], ['侯', 2], ['邵', 2], ['孟', 2],
]);

const GIVEN_MALE = '伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁健浩凯亮俊峰建国志海东晨阳帅旭博文龙坤松彬立成'.split('');
const GIVEN_FEMALE = '芳娜敏静丽艳娟霞秀玲桂燕红梅琳雪婷倩慧莉颖佳欣璐瑶晶丹萍琴月妍洁悦蕾薇岚云宁楠'.split('');
const GIVEN_ANY = '子思雨嘉宇欣晓文家一春秋新天小永德世中昊梓诗可怡若安'.split('');

// Names of prominent real people that random draws could reproduce; a draw that hits one is redone.
const FAMOUS = new Set([
  '毛泽东', '周恩来', '刘少奇', '朱德', '邓小平', '江泽民', '胡锦涛', '习近平', '李鹏', '朱镕基',
  '温家宝', '李克强', '李强', '王岐山', '王沪宁', '赵乐际', '蔡奇', '丁薛祥', '李希', '韩正', '汪洋',
  '栗战书', '张德江', '俞正声', '刘云山', '王毅', '彭丽媛', '马云', '马化腾', '李彦宏', '刘强东',
  '雷军', '王健林', '任正非', '张一鸣', '丁磊', '黄峥', '王传福', '董明珠', '宗庆后', '许家印',
  '周杰伦', '成龙', '李连杰', '姚明', '刘翔', '李娜', '郎平', '王菲', '章子怡', '巩俐', '范冰冰',
  '赵薇', '杨幂', '刘德华', '张学友', '梁朝伟', '周星驰', '莫言', '屠呦呦', '杨利伟', '钱学森',
  '袁隆平', '钟南山', '张艺谋', '陈凯歌', '冯小刚', '孙杨', '林丹', '邓亚萍', '王楠', '张怡宁',
  '马龙', '刘国梁', '丁俊晖', '谷爱凌', '苏炳添', '朱婷', '王军霞', '韩寒', '郭敬明', '李宁',
  '孙俪', '邓超', '黄渤', '王宝强', '刘欢', '那英', '宋丹丹', '赵本山', '倪萍', '董卿', '白岩松',
  '崔永元', '杨澜', '刘涛', '李冰冰', '周迅', '赵丽颖', '王力宏', '林俊杰', '李宇春', '张靓颖',
]);

/** A synthetic person name in characters; `male` steers the given-name pool. */
export function personName(rng: Rng, male: boolean): string {
  for (;;) {
    const surname = SURNAMES.pick(rng);
    const pool = rng.chance(0.3) ? GIVEN_ANY : male ? GIVEN_MALE : GIVEN_FEMALE;
    let given = rng.pick(pool);
    if (rng.chance(0.7)) given += rng.pick(male ? GIVEN_MALE : GIVEN_FEMALE);
    const name = surname + given;
    if (!FAMOUS.has(name)) return name;
  }
}

const BRAND_CHARS = '海星鑫达华泰宏远恒通瑞祥嘉安康兴鼎诚信德金新天宇东方明辉昌隆利顺和佳博润盛丰源蓝港帆浪洋峰晟弘裕凯越鹏腾启航'.split('');
const INDUSTRIES = [
  '贸易', '食品', '水产', '海洋科技', '机械制造', '建筑工程', '物流', '电子科技', '信息技术', '房地产开发',
  '农业开发', '渔业', '服装', '化工', '汽车销售', '餐饮管理', '物业管理', '装饰工程', '文化传媒', '环保科技',
  '旅游开发', '新能源', '船舶修造', '轮胎', '纺织', '印刷', '家具', '钢结构', '石材', '酒店管理',
  '广告', '人力资源', '冷链物流', '海产品加工', '建材',
];
const SHOPS = [
  '小吃店', '五金店', '便利店', '水果店', '理发店', '海鲜大排档', '汽车修理部', '服装店', '干洗店', '粮油店',
  '烟酒店', '手机维修部', '花店', '面馆', '建材经营部', '渔具店', '早餐店', '文具店',
];
const COOP_LINES = ['蔬菜种植', '果品', '水产养殖', '花生种植', '苹果种植', '海参养殖', '农机', '茶叶', '粮食种植', '西洋参种植'];

function brand(rng: Rng, length: number): string {
  let s = '';
  while (s.length < length) {
    const c = rng.pick(BRAND_CHARS);
    if (!s.includes(c)) s += c;
  }
  return s;
}

/**
 * Draws names until one is not yet taken. Draws widen as attempts grow (longer brands, more
 * places); past 200 attempts a serial suffix guarantees termination even for a saturated pool.
 */
function unique(taken: Set<string>, draw: (attempt: number) => string): string {
  for (let attempt = 0; ; attempt++) {
    let name = draw(attempt);
    if (attempt >= 200) name += `（${attempt - 199}）`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

/** An enterprise name for USCC entity type `91` (company), `92` (individual business) or `93` (cooperative). */
export function enterpriseName(rng: Rng, type: '91' | '92' | '93', r: Region, taken: Set<string>): string {
  return unique(taken, (attempt) => {
    const len = 2 + Math.floor(attempt / 20);
    if (type === '92') return `${localName(r)}${rng.chance(0.5) ? `${SURNAMES.pick(rng)}记` : brand(rng, len)}${rng.pick(SHOPS)}`;
    if (type === '93') return `${localName(r)}${brand(rng, len)}${rng.pick(COOP_LINES)}专业合作社`;
    const form = rng.chance(0.1) ? '股份有限公司' : '有限公司';
    return `${shortPlace(r)}${brand(rng, len)}${rng.pick(INDUSTRIES)}${form}`;
  });
}

const NUMERALS = '一二三四五六七八九十';
function chineseNumber(n: number): string {
  if (n <= 10) return NUMERALS[n - 1];
  if (n < 20) return `十${NUMERALS[n - 11]}`;
  return `${NUMERALS[Math.floor(n / 10) - 1]}十${n % 10 === 0 ? '' : NUMERALS[(n % 10) - 1]}`;
}

// Public institutions: schools and cultural or service centres only (no health bodies: the city
// must not suggest anything about anyone's health).
const INSTITUTIONS = [
  '图书馆', '文化馆', '博物馆', '档案馆', '公共资源交易中心', '不动产登记中心', '城市管理综合服务中心',
  '农业技术推广中心', '水产研究所', '融媒体中心', '机关事务服务中心', '就业服务中心', '住房公积金管理中心',
  '水利工程管理站', '园林绿化服务中心', '青少年宫', '职业中等专业学校', '特殊教育学校', '海洋渔业服务中心',
];

const TOWN_INSTITUTIONS = ['中心小学', '初级中学', '中心幼儿园', '文化站', '农业综合服务中心', '便民服务中心'];

/** A public-institution name, e.g. 荣成市第三中学, 荣成市图书馆 or 荣成市鑫港镇中心小学. */
export function institutionName(rng: Rng, r: Region, taken: Set<string>): string {
  return unique(taken, (attempt) => {
    const u = attempt < 10 ? rng.float() : 1;
    if (u < 0.25) return `${localName(r)}第${chineseNumber(rng.int(1, 30))}中学`;
    if (u < 0.4) return `${localName(r)}第${chineseNumber(rng.int(1, 20))}实验小学`;
    if (u < 0.5) return `${localName(r)}${rng.pick(INSTITUTIONS)}`;
    // Town-level schools and stations: the pool that never runs dry in a big city.
    return `${localName(r)}${brand(rng, 2 + Math.floor(attempt / 50))}镇${rng.pick(TOWN_INSTITUTIONS)}`;
  });
}

const AGENCIES = [
  '人民政府办公室', '发展和改革局', '教育和体育局', '科学技术局', '工业和信息化局', '民政局', '司法局', '财政局',
  '人力资源和社会保障局', '自然资源局', '住房和城乡建设局', '交通运输局', '水务局', '农业农村局', '商务局',
  '文化和旅游局', '应急管理局', '审计局', '市场监督管理局', '统计局', '城市管理局', '退役军人事务局',
  '海洋发展局', '行政审批服务局', '综合行政执法局',
];

/** A government-organ name: a bureau of the division, or a town government or sub-district office. */
export function governmentName(rng: Rng, r: Region, taken: Set<string>): string {
  return unique(taken, (attempt) => {
    const u = rng.float();
    if (u < 0.6 && attempt < 5) return `${localName(r)}${rng.pick(AGENCIES)}`;
    const place = brand(rng, 2 + Math.floor(attempt / 50));
    return u < 0.8 ? `${localName(r)}${place}镇人民政府` : `${localName(r)}${place}街道办事处`;
  });
}

/** A counterparty name for contract disputes that need not be a registered subject. */
export function counterpartyName(rng: Rng, r: Region): string {
  return `${shortPlace(r)}${brand(rng, 2)}${rng.pick(INDUSTRIES)}有限公司`;
}
