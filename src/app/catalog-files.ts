/**
 * Catalogs on disk (the shell side of the catalog core): a directory of YAML files in name order,
 * parsed with positions so a syntax error names file, line and column, then compiled by the pure
 * `compileCatalog`. Also how a catalog that does not load is refused: one `AppError` listing every
 * problem, each naming file, item and field.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { compileCatalog, idNumberIssues, type CatalogFile } from '../catalog/compile.js';
import { compileNational } from '../catalog/national.js';
import { formatIssue, type Catalog, type CatalogIssue, type NationalDoc } from '../catalog/types.js';
import type { Result } from '../domain/types.js';
import { AppError } from './errors.js';
import { nationalLayerDir } from './paths.js';

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

let shipped: Result<NationalDoc, CatalogIssue[]> | null = null;

/** The national layer this xinyong ships (catalogs/national/), read once. */
export function nationalLayer(): Result<NationalDoc, CatalogIssue[]> {
  if (!shipped) {
    const files = readCatalogDir(nationalLayerDir());
    shipped = files.ok ? compileNational(files.value.map((f) => ({ name: `national/${f.name}`, doc: f.doc }))) : files;
  }
  return shipped;
}

/** Loads and compiles a catalog directory on the national layer. */
export function loadCatalogDir(dir: string): Result<Catalog, CatalogIssue[]> {
  const national = nationalLayer();
  if (!national.ok) return national;
  const files = readCatalogDir(dir);
  if (!files.ok) return files;
  const ids = idNumberIssues(files.value);
  if (ids.length) return { ok: false, error: ids };
  return compileCatalog(files.value, national.value);
}

/** The refusal of a catalog that does not load: every problem, as `errors` (field, reason, and the rule broken when it has a name) and in the message. */
export function catalogProblems(issues: CatalogIssue[]): AppError {
  const errors = issues.map((i) => ({ field: `${i.item}${i.field ? `.${i.field}` : ''}`, reason: i.message, ...(i.rule ? { rule: i.rule } : {}), ...(i.params ? { params: i.params } : {}) }));
  const lines = issues.map(formatIssue);
  return new AppError('XY_ERR_CATALOG_INVALID', `the catalog does not load (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n  ${lines.join('\n  ')}`, { field: errors[0]?.field, errors, issues: lines });
}

/** Loads a catalog directory, throwing one error that lists every issue. */
export function loadCatalogDirOrThrow(dir: string): Catalog {
  const r = loadCatalogDir(dir);
  if (!r.ok) throw catalogProblems(r.error);
  return r.value;
}
