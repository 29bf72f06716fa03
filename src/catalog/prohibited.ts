/**
 * Prohibited data (DEVELOPERS.md, line 2). A catalog may not collect these categories at all,
 * whatever a source is willing to send. The check runs on a record type's declared `category`
 * and on the names of its facts, so that `category: court-enforcement` with a fact called
 * `religion` is refused too.
 */

/** The prohibited categories, each with the word stems that identify it. */
export const PROHIBITED_CATEGORIES: readonly { category: string; stems: readonly string[] }[] = [
  { category: 'ethnicity', stems: ['ethnic', 'ethnicity', 'race', 'racial'] },
  { category: 'religion', stems: ['religion', 'religious', 'faith', 'belief', 'beliefs', 'worship'] },
  { category: 'political opinion', stems: ['political', 'politics', 'party-membership', 'party-affiliation', 'ideology'] },
  { category: 'health', stems: ['health', 'medical', 'disease', 'diagnosis', 'illness', 'disability', 'mental'] },
  { category: 'genetic data', stems: ['genetic', 'genome', 'dna'] },
  { category: 'biometric data', stems: ['biometric', 'biometrics', 'fingerprint', 'facial', 'face-image', 'iris', 'voiceprint'] },
  { category: 'sex life', stems: ['sex-life', 'sexual', 'sexuality', 'sexual-orientation'] },
  {
    category: 'social relationships',
    stems: ['social-relationships', 'relationships', 'relationship', 'contacts', 'friends', 'social-graph', 'kinship', 'family-ties', 'associates'],
  },
  { category: 'reading', stems: ['reading', 'books-read', 'browsing'] },
  { category: 'speech or expression', stems: ['speech', 'expression', 'opinion', 'opinions', 'posts', 'publications', 'social-media'] },
  { category: 'location traces', stems: ['location', 'locations', 'gps', 'whereabouts', 'geolocation', 'trajectory', 'movements', 'location-traces', 'latitude', 'longitude', 'lat-lng', 'coordinates', 'geohash'] },
];

/**
 * Chinese terms for the same categories. Chinese has no spaces, so these match as substrings.
 * (Blood donation is a civic act the catalog rewards, not health data: 献血 is not listed.)
 */
const CJK_TERMS: readonly { category: string; terms: readonly string[] }[] = [
  { category: 'ethnicity', terms: ['民族', '种族'] },
  { category: 'religion', terms: ['宗教', '信仰', '教派'] },
  { category: 'political opinion', terms: ['政治', '党派', '政见'] },
  { category: 'health', terms: ['健康', '疾病', '病史', '医疗记录', '诊断', '残疾'] },
  { category: 'genetic data', terms: ['基因', '遗传'] },
  { category: 'biometric data', terms: ['生物识别', '指纹', '人脸', '虹膜', '声纹'] },
  { category: 'sex life', terms: ['性生活', '性取向'] },
  { category: 'social relationships', terms: ['社会关系', '亲属', '朋友', '社交关系', '联系人'] },
  { category: 'reading', terms: ['阅读'] },
  { category: 'speech or expression', terms: ['言论', '发表', '帖子'] },
  { category: 'location traces', terms: ['位置', '行踪', '轨迹', '定位', '经纬度'] },
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
  for (const { category, stems } of PROHIBITED_CATEGORIES) {
    for (const s of stems) if (candidates.has(s)) return category;
  }
  // Health data under a condition's name (hiv-status, hepatitis-b) is health data too.
  if (w.some((x) => HEALTH_CONDITIONS.has(x))) return 'health';
  return null;
}

const HEALTH_CONDITIONS = new Set(['hiv', 'aids', 'hepatitis', 'tuberculosis', 'cancer', 'pregnancy', 'psychiatric', 'vaccination', 'covid']);

/** A problem found in a facts schema: where (a path of property names) and what. */
export interface SchemaProblem {
  path: string;
  message: string;
}

/**
 * Walks a facts schema at every depth — properties, array items, combinators, definitions —
 * and reports names that fall under a prohibited category, and places where the schema would
 * accept keys it does not name (which would let any data in).
 */
export function schemaProblems(schema: unknown, path = 'facts'): SchemaProblem[] {
  const out: SchemaProblem[] = [];
  const walk = (node: unknown, p: string) => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    const n = node as Record<string, unknown>;
    const isObject = n.type === 'object' || 'properties' in n;
    if (isObject && n.additionalProperties !== false && n.additionalProperties !== undefined) {
      out.push({ path: `${p}.additionalProperties`, message: 'must be false: a record type names every fact it accepts' });
    }
    if ('patternProperties' in n) out.push({ path: `${p}.patternProperties`, message: 'is not allowed: a record type names every fact it accepts' });
    for (const key of ['properties', '$defs', 'definitions', 'dependentSchemas']) {
      const props = n[key];
      if (!props || typeof props !== 'object') continue;
      for (const [name, sub] of Object.entries(props as Record<string, unknown>)) {
        const banned = prohibitedCategory(name);
        if (banned) out.push({ path: `${p}.${key}.${name}`, message: `a fact named '${name}' is prohibited data (${banned})` });
        walk(sub, `${p}.${key}.${name}`);
      }
    }
    for (const key of ['items', 'contains', 'not', 'if', 'then', 'else', 'additionalItems', 'unevaluatedProperties']) walk(n[key], `${p}.${key}`);
    for (const key of ['allOf', 'anyOf', 'oneOf', 'prefixItems']) {
      if (Array.isArray(n[key])) (n[key] as unknown[]).forEach((sub, i) => walk(sub, `${p}.${key}[${i}]`));
    }
  };
  walk(schema, path);
  return out;
}
