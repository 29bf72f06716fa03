/**
 * Compiles a stored catalog document. Reading a catalog directory from disk is the shell's:
 * `app/catalog-files.ts`.
 */
import type { Result } from '../domain/types.js';
import { compileCatalog } from './compile.js';
import { nationalIssues } from './national.js';
import type { Catalog, CatalogDoc, CatalogIssue, NationalDoc } from './types.js';

/**
 * Compiles a catalog document as stored with a catalog version, on the national layer stored with
 * it (a version explains itself as it was published), or on `national` when one is given: a draft
 * sent by a client is compiled on the national layer this xinyong ships, and a draft that carries
 * a national layer of its own that differs is refused.
 */
export function loadCatalogDoc(doc: CatalogDoc, label?: string, national?: NationalDoc): Result<Catalog, CatalogIssue[]> {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return { ok: false, error: [{ file: label ?? '(document)', item: 'catalog', message: 'is not a catalog document' }] };
  label ??= `${String(doc.id)}@${String(doc.version)}`;
  const { national: stored, dataElements, dataElementsReview, ...own } = doc as CatalogDoc & { national?: NationalDoc };
  const layer = national ?? stored;
  if (!layer) return { ok: false, error: [{ file: label, item: 'national', message: 'the document carries no national layer: it was stored by an older xinyong; publish the catalog again from its directory' }] };
  if (national && stored && JSON.stringify(stored) !== JSON.stringify(national)) {
    return { ok: false, error: [{ file: label, item: 'national', message: 'differs from the national layer of this xinyong (catalogs/national/): no catalog can change it' }] };
  }
  const bad = nationalIssues(layer);
  if (bad.length) return { ok: false, error: bad };
  // A dictionary extension is a file of its own on disk; a stored document keeps it as it was merged.
  const files = [{ name: label, doc: own }];
  if (dataElements !== undefined || dataElementsReview !== undefined) files.push({ name: `${label} (data dictionary extension)`, doc: { dataElements, dataElementsReview } as never });
  return compileCatalog(files, layer);
}
