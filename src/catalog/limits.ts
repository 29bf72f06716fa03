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
import { citationProblem } from './laws.js';
import type { CatalogDoc, LawDoc, ProtectedActionDoc } from './types.js';

/** Action domains, by code prefix, on which no credit measure may act. */
export const PROTECTED_ACTION_DOMAINS: readonly { prefix: string; need: string }[] = [
  { prefix: 'social-security.', need: 'social security' },
  { prefix: 'medical.basic-care.', need: 'basic medical care' },
  { prefix: 'education.compulsory.', need: 'compulsory education' },
  { prefix: 'basic-living.', need: 'basic living needs' },
  { prefix: 'legal-aid.', need: 'legal aid' },
];

/**
 * The protected need an action code falls under, if any: under the national layer's domains, and
 * always under the floor above, whatever the national data says.
 */
export function protectedNeed(action: string, national: readonly ProtectedActionDoc[] = []): string | null {
  for (const d of PROTECTED_ACTION_DOMAINS) if (action.startsWith(d.prefix) || action === d.prefix.slice(0, -1)) return d.need;
  for (const d of national) if (action.startsWith(d.prefix) || action === d.prefix.slice(0, -1)) return d.name.en.toLowerCase();
  return null;
}

export interface LimitIssue {
  item: object;
  name: string;
  field: string | undefined;
  message: string;
}

/** Every legal basis in a catalog document, with the item and field that carries it. */
function* legalBases(d: CatalogDoc): Generator<{ item: object; name: string; field: string; cites: unknown }> {
  if (d.dueProcess) yield { item: d.dueProcess, name: 'dueProcess', field: 'legalBasis', cites: d.dueProcess.legalBasis };
  for (const x of d.dataElements ?? []) yield { item: x, name: `dataElements[${x.code}]`, field: 'legalBasis', cites: x.legalBasis };
  for (const x of d.identifierSchemes ?? []) yield { item: x, name: `identifierSchemes[${x.code}]`, field: 'legalBasis', cites: x.legalBasis };
  for (const x of d.sources) yield { item: x, name: `sources[${x.code}]`, field: 'legalBasis', cites: x.legalBasis };
  for (const x of d.recordTypes) yield { item: x, name: `recordTypes[${x.code}]`, field: 'legalBasis', cites: x.legalBasis };
  for (const s of d.schemes) {
    yield { item: s, name: `schemes[${s.code}]`, field: 'legalBasis', cites: s.legalBasis };
    for (const r of s.rules) yield { item: s, name: `schemes[${s.code}].rules[${r.id}]`, field: 'legalBasis', cites: r.legalBasis };
  }
  for (const l of d.lists) {
    yield { item: l, name: `lists[${l.code}]`, field: 'legalBasis', cites: l.legalBasis };
    for (const e of l.entries) if (e.legalBasis !== undefined) yield { item: l, name: `lists[${l.code}].entries[${e.id}]`, field: 'legalBasis', cites: e.legalBasis };
  }
  for (const m of d.measures) yield { item: m, name: `measures[${m.code}]`, field: 'legalBasis', cites: m.legalBasis };
}

/**
 * The issues of a merged catalog document against the limits above: every legal basis resolves in
 * the laws register, and no measure (nor an unknown-subject default) acts on a protected need.
 */
export function limitIssues(d: CatalogDoc, laws: ReadonlyMap<string, LawDoc>, protectedActions: readonly ProtectedActionDoc[]): LimitIssue[] {
  const out: LimitIssue[] = [];
  for (const b of legalBases(d)) {
    const why = citationProblem(b.cites, laws);
    if (why) out.push({ item: b.item, name: b.name, field: b.field, message: why });
  }
  const need = (action: string) => protectedNeed(action, protectedActions);
  for (const m of d.measures) {
    const n = need(m.action);
    if (n) out.push({ item: m, name: `measures[${m.code}]`, field: 'action', message: `'${m.action}' is ${n}, a protected need: no credit measure may act on it` });
  }
  for (const a of d.actions) {
    const n = need(a.code);
    if (n && a.unknownSubject !== undefined && a.unknownSubject !== 'allow') {
      out.push({ item: a, name: `actions[${a.code}]`, field: 'unknownSubject', message: `'${a.code}' is ${n}, a protected need: a subject xinyong does not know must be allowed` });
    }
  }
  return out;
}
