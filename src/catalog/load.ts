/**
 * Reads a catalog directory (the shell side of the catalog): YAML files in name order, parsed
 * with positions so a syntax error names file, line and column; then `compileCatalog`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { Result } from '../domain/types.js';
import { compileCatalog, type CatalogFile } from './compile.js';
import type { Catalog, CatalogDoc, CatalogIssue } from './types.js';

/** Reads the YAML files of a catalog directory. YAML syntax errors are issues, not exceptions. */
export function readCatalogDir(dir: string): Result<CatalogFile[], CatalogIssue[]> {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) return { ok: false, error: [{ file: dir, item: 'catalog', message: 'is not a directory' }] };
    names = readdirSync(dir).filter((n) => /\.ya?ml$/i.test(n)).sort();
  } catch (e) {
    return { ok: false, error: [{ file: dir, item: 'catalog', message: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (e as Error).message }] };
  }
  const files: CatalogFile[] = [];
  const issues: CatalogIssue[] = [];
  for (const n of names) {
    const text = readFileSync(join(dir, n), 'utf8');
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const pos = e.linePos?.[0];
        issues.push({ file: n, item: 'yaml', message: `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}${e.message.split('\n')[0]}` });
      }
      continue;
    }
    files.push({ name: n, doc: doc.toJS() });
  }
  return issues.length ? { ok: false, error: issues } : { ok: true, value: files };
}

/** Loads and compiles a catalog directory. */
export function loadCatalogDir(dir: string): Result<Catalog, CatalogIssue[]> {
  const files = readCatalogDir(dir);
  if (!files.ok) return files;
  return compileCatalog(files.value);
}

/** Compiles a catalog document as stored with a catalog version. */
export function loadCatalogDoc(doc: CatalogDoc, label = `${doc.id}@${doc.version}`): Result<Catalog, CatalogIssue[]> {
  return compileCatalog([{ name: label, doc }]);
}
