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
  { category: 'location traces', stems: ['location', 'locations', 'gps', 'whereabouts', 'geolocation', 'trajectory', 'movements', 'location-traces'] },
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
  const w = words(name);
  const candidates = new Set<string>(w);
  for (let i = 0; i + 1 < w.length; i++) candidates.add(`${w[i]}-${w[i + 1]}`);
  for (const { category, stems } of PROHIBITED_CATEGORIES) {
    for (const s of stems) if (candidates.has(s)) return category;
  }
  return null;
}
