/**
 * Compiles a stored catalog document. Reading a catalog directory from disk is the shell's:
 * `app/catalog-files.ts`.
 */
import type { Result } from '../domain/types.js';
import { compileCatalog } from './compile.js';
import type { Catalog, CatalogDoc, CatalogIssue } from './types.js';

/** Compiles a catalog document as stored with a catalog version. */
export function loadCatalogDoc(doc: CatalogDoc, label = `${doc.id}@${doc.version}`): Result<Catalog, CatalogIssue[]> {
  return compileCatalog([{ name: label, doc }]);
}
