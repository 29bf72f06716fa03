/**
 * Prohibited data (DEVELOPERS.md, line 2): the net of words for the categories xinyong never
 * collects. It is not the guard — the data dictionary is (a fact that is not a data element is
 * refused whatever its name, src/catalog/dictionary.ts) — but it runs over every text of a
 * dictionary extension and over the catalog's names and titles, and it names the category when a
 * refused fact looks like one.
 */

/**
 * The prohibited categories, each with the words (English and pinyin) that name it or its common
 * synonyms. Matched as whole words and adjacent word pairs of a name split at case changes and
 * separators, so `surface-water` is not `face`; `stems` below also match inside run-together words.
 */
export const PROHIBITED_CATEGORIES: readonly { category: string; words: readonly string[]; stems: readonly string[] }[] = [
  {
    category: 'ethnicity',
    words: ['ethnic', 'ethnicity', 'race', 'racial', 'nationality', 'ancestry', 'descent', 'tribe', 'tribal', 'minzu', 'zhongzu', 'han', 'uyghur', 'uighur', 'uygur', 'tibetan', 'hui', 'zhuang', 'manchu', 'kazakh', 'mongol', 'miao', 'yi', 'ethnic-group', 'national-minority', 'skin-colour', 'skin-color'],
    stems: ['ethnic', 'nationalit', 'uyghur', 'uighur', 'minzu', 'zhongzu', 'ancestr'],
  },
  {
    category: 'religion',
    words: ['religion', 'religions', 'religious', 'faith', 'belief', 'beliefs', 'worship', 'church', 'mosque', 'temple', 'muslim', 'islam', 'islamic', 'christian', 'christianity', 'buddhist', 'buddhism', 'catholic', 'protestant', 'taoist', 'atheist', 'prayer', 'prayers', 'sect', 'cult', 'falun', 'halal', 'zongjiao', 'xinyang', 'denomination', 'spiritual'],
    stems: ['religio', 'zongjiao', 'worship', 'mosque', 'islam', 'christian', 'buddhis', 'denomination'],
  },
  {
    category: 'political opinion',
    words: ['political', 'politics', 'party-membership', 'party-member', 'party-affiliation', 'ideology', 'ideological', 'dissident', 'protester', 'zhengzhi', 'dangpai', 'zhengjian', 'shangfang', 'xinfang'],
    stems: ['politic', 'ideolog', 'dissiden', 'zhengzhi', 'shangfang', 'xinfang'],
  },
  {
    category: 'health',
    words: ['health', 'medical', 'disease', 'diseases', 'diagnosis', 'illness', 'disability', 'disabled', 'mental', 'hiv', 'aids', 'hepatitis', 'tuberculosis', 'cancer', 'pregnancy', 'pregnant', 'psychiatric', 'vaccination', 'vaccinated', 'covid', 'blood-type', 'bloodtype', 'medication', 'prescription', 'hospital', 'hospitalisation', 'patient', 'symptoms', 'jiankang', 'jibing', 'bingshi', 'xuexing', 'addiction'],
    stems: ['health', 'medical', 'diseas', 'diagnos', 'illness', 'disabilit', 'psychiatr', 'pregnan', 'vaccin', 'bloodtype', 'jiankang', 'jibing', 'bingshi', 'xuexing'],
  },
  { category: 'genetic data', words: ['genetic', 'genetics', 'genome', 'genomic', 'dna', 'gene', 'genes', 'genotype', 'jiyin'], stems: ['genetic', 'genom', 'genotyp', 'jiyin'] },
  {
    category: 'biometric data',
    words: ['biometric', 'biometrics', 'fingerprint', 'fingerprints', 'facial', 'face-image', 'faceprint', 'iris', 'retina', 'voiceprint', 'gait', 'palmprint', 'zhiwen', 'renlian', 'hongmo', 'shengwen'],
    stems: ['biometr', 'fingerprint', 'facial', 'faceprint', 'voiceprint', 'palmprint', 'zhiwen', 'renlian'],
  },
  { category: 'sex life', words: ['sex-life', 'sexual', 'sexuality', 'sexual-orientation', 'gay', 'lesbian', 'lgbt', 'homosexual', 'transgender', 'xingquxiang', 'xingshenghuo'], stems: ['sexual', 'homosex', 'lgbt', 'transgender', 'xingquxiang'] },
  {
    category: 'social relationships',
    words: ['social-relationships', 'relationships', 'relationship', 'contacts', 'friends', 'friend', 'social-graph', 'kinship', 'family-ties', 'associates', 'acquaintances', 'relatives', 'followers', 'guanxi', 'qinshu', 'pengyou', 'shehui-guanxi', 'lianxiren'],
    stems: ['relationship', 'kinship', 'acquaintance', 'guanxi', 'qinshu', 'pengyou', 'lianxiren'],
  },
  { category: 'reading', words: ['reading', 'books-read', 'browsing', 'browser-history', 'search-history', 'library-loans', 'yuedu', 'liulan', 'watch-history'], stems: ['browsing', 'liulan', 'readinghistory'] },
  {
    category: 'speech or expression',
    words: ['speech', 'expression', 'opinion', 'opinions', 'posts', 'publications', 'social-media', 'weibo', 'wechat-moments', 'moments', 'tweets', 'tweet', 'comments', 'comment', 'blog', 'blogs', 'remarks', 'yanlun', 'fayan', 'tiezi', 'pinglun', 'rumour', 'rumor', 'rumours', 'rumors'],
    stems: ['socialmedia', 'weibo', 'yanlun', 'pinglun', 'tiezi', 'rumou', 'rumor'],
  },
  {
    category: 'location traces',
    words: ['location', 'locations', 'gps', 'whereabouts', 'geolocation', 'trajectory', 'trajectories', 'movements', 'location-traces', 'latitude', 'longitude', 'lat-lng', 'coordinates', 'geohash', 'checkin', 'check-ins', 'itinerary', 'travel-history', 'cell-tower', 'weizhi', 'guiji', 'xingzong', 'dingwei'],
    stems: ['whereabout', 'geoloc', 'trajector', 'latitude', 'longitude', 'geohash', 'itinerar', 'weizhi', 'guiji', 'xingzong', 'dingwei'],
  },
];

/**
 * Chinese terms for the same categories. Chinese has no spaces, so these match as substrings.
 * (Blood donation is a civic act the catalog rewards, not health data: 献血 is not listed; 血型 is.)
 */
export const CJK_TERMS: readonly { category: string; terms: readonly string[] }[] = [
  { category: 'ethnicity', terms: ['民族', '种族', '族别', '族裔', '汉族', '维吾尔', '维族', '藏族', '回族', '少数民族', '国籍', '血统', '肤色'] },
  { category: 'religion', terms: ['宗教', '信仰', '教派', '礼拜', '清真', '基督', '教会', '祷告', '佛教', '伊斯兰', '穆斯林', '天主', '道教', '寺庙', '教堂', '邪教'] },
  { category: 'political opinion', terms: ['政治', '党派', '政见', '党员', '上访', '信访', '抗议', '异见', '投票'] },
  { category: 'health', terms: ['健康', '疾病', '病史', '医疗', '诊断', '残疾', '血型', '艾滋', '精神病', '怀孕', '妊娠', '疫苗', '病历', '患者', '病情', '体检', '就医', '住院'] },
  { category: 'genetic data', terms: ['基因', '遗传', '染色体'] },
  { category: 'biometric data', terms: ['生物识别', '指纹', '人脸', '面部', '面容', '虹膜', '声纹', '步态', '掌纹'] },
  { category: 'sex life', terms: ['性生活', '性取向', '同性', '性别认同', '性行为'] },
  { category: 'social relationships', terms: ['社会关系', '亲属', '亲友', '朋友', '社交', '联系人', '家庭成员', '人际关系', '好友'] },
  { category: 'reading', terms: ['阅读', '浏览', '借阅', '书籍', '搜索记录'] },
  { category: 'speech or expression', terms: ['言论', '发表', '帖子', '评论', '微博', '朋友圈', '发帖', '谣言', '舆情'] },
  { category: 'location traces', terms: ['位置', '行踪', '轨迹', '定位', '经纬度', '出行记录', '坐标'] },
];

/** Splits `politicalOpinion`, `political_opinion` and `Political Opinion` into the same words. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * Returns the prohibited category that `name` falls under, or `null`. Matching is by whole words
 * and adjacent word pairs, so `surface-water` is not `face` and `interface` is not anything.
 */
export function prohibitedCategory(name: string): string | null {
  for (const { category, terms } of CJK_TERMS) for (const t of terms) if (name.includes(t)) return category;
  const w = words(name);
  const candidates = new Set<string>(w);
  for (let i = 0; i + 1 < w.length; i++) candidates.add(`${w[i]}-${w[i + 1]}`);
  for (const { category, words: ws } of PROHIBITED_CATEGORIES) {
    for (const s of ws) if (candidates.has(s)) return category;
  }
  // Run-together words (`ethnicgroup`, `religiousaffiliation`) hide a stem inside one word.
  const joined = w.join('');
  for (const { category, stems } of PROHIBITED_CATEGORIES) {
    for (const s of stems) if (joined.includes(s)) return category;
  }
  return null;
}
