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

export function diffCatalogs(a: CatalogDoc, b: CatalogDoc): CatalogDiff {
  const header = (['id', 'version', 'title', 'description'] as const)
    .filter((f) => !isDeepStrictEqual(a[f], b[f]))
    .map((f) => ({ field: f, from: a[f], to: b[f] }));
  const changes: ItemChange[] = [];
  for (const section of CATALOG_SECTIONS) {
    const left = new Map((a[section] as unknown as Record<string, unknown>[]).map((i) => [keyOf(i), i]));
    const right = new Map((b[section] as unknown as Record<string, unknown>[]).map((i) => [keyOf(i), i]));
    for (const [code, item] of left) {
      const other = right.get(code);
      if (!other) changes.push({ section, code, change: 'removed' });
      else if (!isDeepStrictEqual(item, other)) {
        const fields = [...new Set([...Object.keys(item), ...Object.keys(other)])]
          .filter((f) => !isDeepStrictEqual(item[f], other[f]))
          .map((f) => ({ field: f, from: item[f], to: other[f] }));
        changes.push({ section, code, change: 'changed', fields });
      }
    }
    for (const code of right.keys()) if (!left.has(code)) changes.push({ section, code, change: 'added' });
  }
  return { from: `${a.id}@${a.version}`, to: `${b.id}@${b.version}`, header, changes };
}
