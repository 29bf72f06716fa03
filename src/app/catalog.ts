/**
 * The catalog use case: validate a catalog (a document or a directory), store a draft version,
 * compare two versions, publish one (which derives every subject under it; the gate feed then
 * puts it in force in this process and every other), roll back by publishing an earlier one, and
 * find the version in force at an instant.
 */
import { AUDIT } from '../audit/actions.js';
import { diffCatalogs, type CatalogDiff } from '../catalog/diff.js';
import { idNumberIssues } from '../catalog/compile.js';
import { loadCatalogDoc } from '../catalog/load.js';
import type { Catalog, CatalogDoc, NationalDoc } from '../catalog/types.js';
import type { Instant } from '../domain/types.js';
import type { CatalogVersionRow } from '../store/port.js';
import { catalogProblems, loadCatalogDir, loadCatalogDirOrThrow, nationalLayer } from './catalog-files.js';
import { write, type App } from './context.js';
import { conflict, notFound } from './errors.js';
import { publishAndDerive, type PublishResult } from './publish.js';

/**
 * Compiles a catalog document, or refuses it with every problem (`XY_ERR_CATALOG_INVALID`). A draft
 * (`fresh`) is compiled on the national layer this xinyong ships; a stored version on its own.
 */
export function compileDoc(doc: unknown, fresh = false): Catalog {
  let national: NationalDoc | undefined;
  if (fresh) {
    const n = nationalLayer();
    if (!n.ok) throw catalogProblems(n.error);
    national = n.value;
    const ids = idNumberIssues([{ name: '(document)', doc }]);
    if (ids.length) throw catalogProblems(ids);
  }
  const r = loadCatalogDoc(doc as CatalogDoc, undefined, national);
  if (!r.ok) throw catalogProblems(r.error);
  return r.value;
}

/** What a valid catalog holds, item by kind. */
export function catalogCounts(c: Catalog) {
  return { recordTypes: c.recordTypes.size, schemes: c.schemes.length, rules: c.schemes.reduce((n, s) => n + s.rules.length, 0), lists: c.lists.length, measures: c.measures.length, actions: c.actions.size, sources: c.sources.size };
}

/** Validates a catalog directory: the compiled catalog, or its problems (each naming file, item, field and reason). */
export function validateCatalogDir(dir: string) {
  return loadCatalogDir(dir);
}

/** The catalog in force, with when it was published. */
export async function catalogInForce(app: App): Promise<{ catalog: Catalog; publishedAt: Instant | null }> {
  const c = app.ctx.catalog;
  const row = await app.ctx.store.getCatalogVersion(c.id, c.version);
  return { catalog: c, publishedAt: row?.publishedAt ?? null };
}

/** Stored versions, drafts and published, and which is in force. */
export async function listVersions(app: App): Promise<{ inForce: string; versions: Omit<CatalogVersionRow, 'doc'>[] }> {
  return { inForce: `${app.ctx.catalog.id}@${app.ctx.catalog.version}`, versions: await app.ctx.store.listCatalogVersions() };
}

/** The stored version `ref` names: `id@version`, or a version of the catalog in force. */
export async function storedVersion(app: App, ref: string, field: string): Promise<CatalogVersionRow> {
  const at = ref.lastIndexOf('@');
  const [id, version] = at > 0 ? [ref.slice(0, at), ref.slice(at + 1)] : [app.ctx.catalog.id, ref];
  const row = await app.ctx.store.getCatalogVersion(id, version);
  if (!row) throw notFound(`no stored catalog version ${id}@${version}; store it as a draft first`, field);
  return row;
}

/** What changes between two catalogs, item by item: stored versions (`id@version`), or directories when `dirs` allows. */
export async function diffVersions(app: App, from: string, to: string): Promise<CatalogDiff> {
  const [a, b] = [await storedVersion(app, from, 'from'), await storedVersion(app, to, 'to')];
  return diffCatalogs(a.doc, b.doc);
}

/** Compares two catalog documents (already read). */
export function diffDocs(a: CatalogDoc, b: CatalogDoc): CatalogDiff {
  return diffCatalogs(a, b);
}

/** Loads a catalog directory, or refuses it with every problem. */
export function catalogFromDir(dir: string): Catalog {
  return loadCatalogDirOrThrow(dir);
}

/** Stores a catalog document as a draft version; storing the same content again is a no-op. */
export async function draftVersion(app: App, doc: unknown, actor: string): Promise<{ catalogId: string; version: string; hash: string; status: string; created: boolean }> {
  const c = compileDoc(doc, true);
  const existing = await app.ctx.store.getCatalogVersion(c.id, c.version);
  if (existing) {
    if (existing.hash !== c.hash) throw conflict(`${c.id}@${c.version} is stored with different content; give the new policy a new version`, '/version');
    return { catalogId: c.id, version: c.version, hash: c.hash, status: existing.status, created: false };
  }
  const now = app.now();
  await app.ctx.store.saveCatalogVersion(
    { catalogId: c.id, version: c.version, status: 'draft', hash: c.hash, doc: c.doc, createdAt: now, publishedAt: null },
    { at: now, actor, action: AUDIT.catalogDrafted, subjectId: null, data: { catalog: c.id, version: c.version, hash: c.hash } },
  );
  return { catalogId: c.id, version: c.version, hash: c.hash, status: 'draft', created: true };
}

/**
 * Publishes a catalog (a stored version, or one read from a directory): it comes into force now,
 * every subject is derived under it, and the gate is rebuilt under it before this returns.
 * Publishing an earlier version again puts it back in force (a rollback).
 */
export async function publish(app: App, what: { ref: string } | { catalog: Catalog }, actor: string): Promise<{ catalog: string; result: PublishResult; rescored: number }> {
  const c = 'catalog' in what ? what.catalog : compileDoc((await storedVersion(app, what.ref, 'v')).doc);
  return write(app, async () => {
    const r = await publishAndDerive(app.ctx, c, app.now(), actor);
    return { catalog: `${c.id}@${c.version}`, ...r };
  });
}

const compiledVersions = new Map<string, Catalog>();

/** The catalog in force at `at`: the current one, or an earlier published version (compiled once). */
export async function catalogAt(app: App, at: Instant): Promise<Catalog> {
  const row = await app.ctx.store.getPublishedCatalog(at);
  const current = app.ctx.catalog;
  if (!row || (row.catalogId === current.id && row.version === current.version)) return current;
  const key = `${row.catalogId}@${row.version}`;
  let c = compiledVersions.get(key);
  if (!c) {
    const r = loadCatalogDoc(row.doc);
    if (!r.ok) return current; // a stored version always compiled when it was published
    c = r.value;
    compiledVersions.set(key, c);
  }
  return c;
}

/** A stored catalog version by `id@version` (compiled once), or null when there is none. */
export async function catalogByRef(app: App, ref: string): Promise<Catalog | null> {
  const current = app.ctx.catalog;
  if (ref === `${current.id}@${current.version}`) return current;
  const hit = compiledVersions.get(ref);
  if (hit) return hit;
  const at = ref.lastIndexOf('@');
  const row = at > 0 ? await app.ctx.store.getCatalogVersion(ref.slice(0, at), ref.slice(at + 1)) : null;
  if (!row) return null;
  const r = loadCatalogDoc(row.doc);
  if (!r.ok) return null;
  compiledVersions.set(ref, r.value);
  return r.value;
}
