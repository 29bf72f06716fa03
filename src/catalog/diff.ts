/**
 * Differences between two catalog versions, item by item: what a policy team reviews before it
 * publishes. Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import { CATALOG_SECTIONS, type CatalogDoc, type CatalogSection } from './types.js';

export interface ItemChange {
  section: CatalogSection;
  code: string;
  change: 'added' | 'removed' | 'changed';
  /** For `changed`: the top-level fields that differ, with old and new values. */
  fields?: { field: string; from: unknown; to: unknown }[];
}

export interface CatalogDiff {
  from: string;
  to: string;
  header: { field: string; from: unknown; to: unknown }[];
  changes: ItemChange[];
}

const keyOf = (item: Record<string, unknown>) => String(item.code ?? item.id);

type Obj = Record<string, unknown>;
const keyedList = (v: unknown): v is Obj[] =>
  Array.isArray(v) && v.length > 0 && v.every((x) => x && typeof x === 'object' && !Array.isArray(x) && ('id' in x || 'code' in x));

/**
 * Field-level changes. Lists of items with ids (a scheme's rules, a list's entries) are compared
 * item by item, so one changed rule shows as `rules[loan-arrears].points`, not the whole list.
 */
function fieldChanges(a: Obj, b: Obj, prefix = ''): { field: string; from: unknown; to: unknown }[] {
  const out: { field: string; from: unknown; to: unknown }[] = [];
  for (const f of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (isDeepStrictEqual(a[f], b[f])) continue;
    const [x, y] = [a[f], b[f]];
    if (keyedList(x) && keyedList(y)) {
      const left = new Map(x.map((i) => [keyOf(i), i]));
      const right = new Map(y.map((i) => [keyOf(i), i]));
      for (const [k, li] of left) {
        const ri = right.get(k);
        if (!ri) out.push({ field: `${prefix}${f}[${k}]`, from: li, to: undefined });
        else if (!isDeepStrictEqual(li, ri)) out.push(...fieldChanges(li, ri, `${prefix}${f}[${k}].`));
      }
      for (const [k, ri] of right) if (!left.has(k)) out.push({ field: `${prefix}${f}[${k}]`, from: undefined, to: ri });
    } else out.push({ field: `${prefix}${f}`, from: x, to: y });
  }
  return out;
}

export function diffCatalogs(a: CatalogDoc, b: CatalogDoc): CatalogDiff {
  const header = (['id', 'version', 'title', 'description'] as const)
    .filter((f) => !isDeepStrictEqual(a[f], b[f]))
    .map((f) => ({ field: f, from: a[f], to: b[f] }));
  const changes: ItemChange[] = [];
  for (const section of CATALOG_SECTIONS) {
    const left = new Map(((a[section] ?? []) as unknown as Record<string, unknown>[]).map((i) => [keyOf(i), i]));
    const right = new Map(((b[section] ?? []) as unknown as Record<string, unknown>[]).map((i) => [keyOf(i), i]));
    for (const [code, item] of left) {
      const other = right.get(code);
      if (!other) changes.push({ section, code, change: 'removed' });
      else if (!isDeepStrictEqual(item, other)) changes.push({ section, code, change: 'changed', fields: fieldChanges(item, other) });
    }
    for (const code of right.keys()) if (!left.has(code)) changes.push({ section, code, change: 'added' });
  }
  return { from: `${a.id}@${a.version}`, to: `${b.id}@${b.version}`, header, changes };
}
