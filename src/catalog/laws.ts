/**
 * The laws register (issue 15, item 2): every item of a catalog cites a law of the register by id,
 * and the article (or section, for a policy document without numbered articles) relied on. A
 * citation that names no law of the register, or an article the register does not list, is no
 * basis. Pure.
 */
import type { ArticleDoc, Citation, Lang, LawDoc } from './types.js';

/**
 * Words that stand in for a basis that has not been found. Compared after folding case, spaces
 * and punctuation away, so "T.B.D.", "n / a" and "待 定" are caught as well.
 */
const PLACEHOLDERS = new Set(
  [
    'tbd', 'tbc', 'tba', 'todo', 'fixme', 'na', 'none', 'nil', 'null', 'unknown', 'pending', 'later', 'xxx', 'xx', 'x', 'test',
    'placeholder', 'lorem ipsum', 'see above', 'same as above', 'various', 'misc', 'law', 'regulation', 'policy', 'legal basis',
    '待定', '待补充', '待补', '暂无', '无', '未定', '略', '同上', '待确认', '法律', '法规', '政策', '依据',
  ].map((w) => fold(w)),
);

function fold(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** Whether a text is one of the words that stand in for something not yet found ("TBD", "n/a", "待定"). */
export function isPlaceholder(text: string): boolean {
  return PLACEHOLDERS.has(fold(text));
}

/** Why a legal basis is no basis, or null when it may be one. */
export function placeholderBasis(text: unknown): string | null {
  if (typeof text !== 'string') return 'must be the text of a law or policy and its article';
  const folded = fold(text);
  if (folded.length === 0) return 'is blank: every item must cite the law or policy it rests on';
  if (isPlaceholder(text)) return `'${text.trim()}' is a placeholder, not a legal basis: cite the law or policy and its article`;
  // A citation names something: at least a few letters or characters beyond digits.
  if (folded.replace(/\d/g, '').length < 4) return `'${text.trim()}' cites no law or policy: name it and its article`;
  return null;
}

/** The articles a citation names, as a list. */
export function citedArts(c: Citation): string[] {
  return Array.isArray(c.art) ? c.art : [c.art];
}

/** Why a legal basis is no basis under the register, or null when every citation resolves. */
export function citationProblem(cites: unknown, laws: ReadonlyMap<string, LawDoc>): string | null {
  if (!Array.isArray(cites) || cites.length === 0) return 'cites no law: give at least one { law, art } from the laws register';
  for (const c of cites as Citation[]) {
    const law = laws.get(c.law);
    if (!law) return `cites '${c.law}', which is not in the laws register (laws: declare it with its title, issuer, date and articles)`;
    for (const a of citedArts(c)) {
      if (!law.articles.some((x) => x.art === a)) {
        return `cites article '${a}' of '${c.law}', which the register does not list (it lists ${law.articles.map((x) => x.art).join(', ')})`;
      }
    }
  }
  return null;
}

/** The register's articles a legal basis cites (unresolved ones left out). */
export function citedArticles(cites: readonly Citation[], laws: ReadonlyMap<string, LawDoc>): ArticleDoc[] {
  const out: ArticleDoc[] = [];
  for (const c of cites) {
    const law = laws.get(c.law);
    for (const a of citedArts(c)) {
      const art = law?.articles.find((x) => x.art === a);
      if (art) out.push(art);
    }
  }
  return out;
}

function artText(a: string, lang: Lang, law: LawDoc | undefined): string {
  const label = law?.articles.find((x) => x.art === a)?.label;
  if (label) return label[lang];
  if (/^\d+$/.test(a)) return lang === 'en' ? `Art. ${a}` : `第${a}条`;
  return lang === 'en' ? `§ ${a}` : `（${a}）`;
}

/** A legal basis as people read it: "SPC Provisions … (2017), Art. 1 and Art. 10; …" or "《…》第1条、第10条；…". */
export function renderBasis(cites: readonly Citation[], laws: ReadonlyMap<string, LawDoc>, lang: Lang = 'en'): string {
  return cites
    .map((c) => {
      const law = laws.get(c.law);
      const arts = citedArts(c).map((a) => artText(a, lang, law));
      if (lang === 'en') {
        const title = law ? `${law.title.en}${law.reported ? ' (reported)' : ''}` : c.law;
        return `${title}, ${arts.length > 1 ? `${arts.slice(0, -1).join(', ')} and ${arts[arts.length - 1]}` : arts[0]}`;
      }
      const title = law ? `《${law.title['zh-CN']}》${law.reported ? '（据报道）' : ''}` : c.law;
      return `${title}${arts.join('、')}`;
    })
    .join(lang === 'en' ? '; ' : '；');
}

/**
 * Problems of a law's own entry: a title or issuer that is blank or a placeholder, or an article
 * named by a placeholder, is no law to cite ("TBD", article "TBD"). Roman numerals name articles
 * (Art. X), so they are not taken for the placeholder "x".
 */
export function lawProblems(law: LawDoc): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  for (const lang of ['en', 'zh-CN'] as const) {
    const title = law.title[lang];
    const t = fold(title);
    if (t.length === 0) out.push({ field: `title.${lang}`, message: 'is blank: give the title of the law or policy as issued' });
    else if (isPlaceholder(title)) out.push({ field: `title.${lang}`, message: `'${title.trim()}' is a placeholder, not the title of a law or policy: give its title as issued` });
    else if (t.replace(/\d/g, '').length < 4) out.push({ field: `title.${lang}`, message: `'${title.trim()}' names no law or policy: give its title as issued` });
    const issuer = law.issuer[lang];
    if (fold(issuer).length === 0) out.push({ field: `issuer.${lang}`, message: 'is blank: name the body that issued the law or policy' });
    else if (isPlaceholder(issuer)) out.push({ field: `issuer.${lang}`, message: `'${issuer.trim()}' is a placeholder, not the body that issued the law or policy: name it` });
  }
  const seen = new Set<string>();
  for (const a of law.articles) {
    if (seen.has(a.art)) out.push({ field: `articles[${a.art}]`, message: `article '${a.art}' is listed twice` });
    else if (isPlaceholder(a.art) && !/^[ivxlcdm]+$/i.test(a.art)) out.push({ field: `articles[${a.art}]`, message: `'${a.art}' is a placeholder, not an article: name the article (or section) as the law numbers it` });
    seen.add(a.art);
  }
  return out;
}

/**
 * Whether a law of `lawJurisdiction` is law where the catalog applies: national law everywhere, a
 * province's in its prefectures and counties, a prefecture's in its counties (GB/T 2260 codes nest
 * by their leading digits: 37 0000 Shandong ⊃ 3710 00 Weihai ⊃ 371082 Rongcheng).
 */
export function lawAppliesIn(lawJurisdiction: string | undefined, catalogJurisdiction: string): boolean {
  if (!lawJurisdiction || lawJurisdiction === 'national') return true;
  if (catalogJurisdiction === 'national') return false;
  const prefix = lawJurisdiction.replace(/(00)+$/, '');
  return catalogJurisdiction.startsWith(prefix);
}
