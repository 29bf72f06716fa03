/**
 * Limits no catalog may cross, whatever its author writes (DEVELOPERS.md, lines 1 and 4;
 * ../shared/reference/mechanics.md §9):
 *
 * - **a real legal basis**: a blank, placeholder ("TBD", "n/a", "待定", …) or content-free basis
 *   is no basis;
 * - **protected needs**: no measure may touch social security, basic medical care, compulsory
 *   education, basic living or legal aid (Guobanfa [2020] No. 49; SPC 2015 Art. 3 exempts a
 *   debtor's ordinary life and work needs); nor may such an action deny or send to review a subject
 *   xinyong does not know.
 *
 * The protected domains are national: a deployment's catalog cannot redefine them, because they
 * are not catalog data at all. Pure: reports issues, changes nothing.
 */
import type { CatalogDoc } from './types.js';

/** Action domains, by code prefix, on which no credit measure may act. */
export const PROTECTED_ACTION_DOMAINS: readonly { prefix: string; need: string }[] = [
  { prefix: 'social-security.', need: 'social security' },
  { prefix: 'medical.basic-care.', need: 'basic medical care' },
  { prefix: 'education.compulsory.', need: 'compulsory education' },
  { prefix: 'basic-living.', need: 'basic living needs' },
  { prefix: 'legal-aid.', need: 'legal aid' },
];

/** The protected need an action code falls under, if any. */
export function protectedNeed(action: string): string | null {
  for (const d of PROTECTED_ACTION_DOMAINS) if (action.startsWith(d.prefix) || action === d.prefix.slice(0, -1)) return d.need;
  return null;
}

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

/** Why a legal basis is no basis, or null when it may be one. */
export function placeholderBasis(text: unknown): string | null {
  if (typeof text !== 'string') return 'must be the text of a law or policy and its article';
  const folded = fold(text);
  if (folded.length === 0) return 'is blank: every item must cite the law or policy it rests on';
  if (PLACEHOLDERS.has(folded)) return `'${text.trim()}' is a placeholder, not a legal basis: cite the law or policy and its article`;
  // A citation names something: at least a few letters or characters beyond digits.
  if (folded.replace(/\d/g, '').length < 4) return `'${text.trim()}' cites no law or policy: name it and its article`;
  return null;
}

export interface LimitIssue {
  item: object;
  name: string;
  field: string | undefined;
  message: string;
}

/** Every legal basis in a catalog document, with the item and field that carries it. */
function* legalBases(d: CatalogDoc): Generator<{ item: object; name: string; field: string; text: unknown }> {
  if (d.dueProcess) yield { item: d.dueProcess, name: 'dueProcess', field: 'legalBasis', text: d.dueProcess.legalBasis };
  for (const x of d.identifierSchemes ?? []) yield { item: x, name: `identifierSchemes[${x.code}]`, field: 'legalBasis', text: x.legalBasis };
  for (const x of d.sources) yield { item: x, name: `sources[${x.code}]`, field: 'legalBasis', text: x.legalBasis };
  for (const x of d.recordTypes) yield { item: x, name: `recordTypes[${x.code}]`, field: 'legalBasis', text: x.legalBasis };
  for (const s of d.schemes) {
    yield { item: s, name: `schemes[${s.code}]`, field: 'legalBasis', text: s.legalBasis };
    for (const r of s.rules) yield { item: s, name: `schemes[${s.code}].rules[${r.id}]`, field: 'legalBasis', text: r.legalBasis };
  }
  for (const l of d.lists) {
    yield { item: l, name: `lists[${l.code}]`, field: 'legalBasis', text: l.legalBasis };
    for (const e of l.entries) if (e.legalBasis !== undefined) yield { item: l, name: `lists[${l.code}].entries[${e.id}]`, field: 'legalBasis', text: e.legalBasis };
  }
  for (const m of d.measures) yield { item: m, name: `measures[${m.code}]`, field: 'legalBasis', text: m.legalBasis };
}

/** The issues of a merged catalog document against the limits above. */
export function limitIssues(d: CatalogDoc): LimitIssue[] {
  const out: LimitIssue[] = [];
  for (const b of legalBases(d)) {
    const why = placeholderBasis(b.text);
    if (why) out.push({ item: b.item, name: b.name, field: b.field, message: why });
  }
  for (const m of d.measures) {
    const need = protectedNeed(m.action);
    if (need) out.push({ item: m, name: `measures[${m.code}]`, field: 'action', message: `'${m.action}' is ${need}, a protected need: no credit measure may act on it` });
  }
  for (const a of d.actions) {
    const need = protectedNeed(a.code);
    if (need && a.unknownSubject !== undefined && a.unknownSubject !== 'allow') {
      out.push({ item: a, name: `actions[${a.code}]`, field: 'unknownSubject', message: `'${a.code}' is ${need}, a protected need: a subject xinyong does not know must be allowed` });
    }
  }
  return out;
}
