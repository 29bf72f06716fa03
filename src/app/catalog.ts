/**
 * The catalog use case: validate a catalog (a document or a directory), store a draft version,
 * compare two versions, publish one under four eyes (one person requests, another approves or
 * rejects, the requester may withdraw; the approval publishes it, which derives every subject under
 * it, and the gate feed then puts it in force in this process and every other), roll back by
 * publishing an earlier one the same way, and find the version in force at an instant.
 */
import { AUDIT } from '../audit/actions.js';
import { diffCatalogs, type CatalogDiff } from '../catalog/diff.js';
import { idNumberIssues } from '../catalog/compile.js';
import { loadCatalogDoc } from '../catalog/load.js';
import type { Catalog, CatalogDoc, NationalDoc } from '../catalog/types.js';
import type { Instant } from '../domain/types.js';
import { randomBytes } from 'node:crypto';
import type { CatalogVersionRow, PublicationRequestRow, PublicationRequestStatus } from '../store/port.js';
import { containsRid } from '../ids/rid-finder.js';
import type { Caller } from './access.js';
import { catalogProblems, loadCatalogDir, loadCatalogDirOrThrow, nationalLayer } from './catalog-files.js';
import { write, type App } from './context.js';
import { AppError, conflict, invalid, notFound } from './errors.js';
import { publishAndDerive, versionChanged, type PublishResult } from './publish.js';

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

/** The roles that may request publication and decide another person's request. */
export const PUBLISHING_ROLES = ['author', 'admin'] as const;

/** The longest note or reason kept with a request (free text in the audit chain). */
const TEXT_MAX = 1000;

/** An optional free text: trimmed, bounded, never an ID number; empty is none. */
function freeText(value: string | undefined, field: string, required: boolean): string | null {
  const v = value?.trim() ?? '';
  if (!v) {
    if (required) throw invalid(`${field} is required: say why`, field);
    return null;
  }
  if (v.length > TEXT_MAX) throw invalid(`${field} must be at most ${TEXT_MAX} characters`, field);
  if (containsRid(v)) throw invalid(`${field} must not contain a resident identity number: it is kept in the audit chain; refer to a person by subject reference`, field);
  return v;
}

function mayPublish(caller: Caller): void {
  if (!(PUBLISHING_ROLES as readonly string[]).includes(caller.role)) throw new AppError('XY_ERR_FORBIDDEN', `the ${caller.role} role may not request or decide catalog publication; authors and admins may`);
}

/** A request by id, or not found. */
export async function publicationRequest(app: App, id: string): Promise<PublicationRequestRow> {
  const r = await app.ctx.store.getPublicationRequest(id);
  if (!r) throw notFound(`no catalog publication request ${id}`, 'id');
  return r;
}

/** Requests, newest first (optionally of one status). */
export async function publicationRequests(app: App, status?: PublicationRequestStatus): Promise<PublicationRequestRow[]> {
  return app.ctx.store.listPublicationRequests({ status, limit: 200 });
}

const pending = (r: PublicationRequestRow) => {
  if (r.status !== 'pending') throw conflict(`request ${r.id} is ${r.status}${r.decidedBy ? ` (by ${r.decidedBy})` : ''}; only a pending request can be decided or withdrawn`, 'id');
};

/**
 * Requests publication of a stored version (`ref`), or of a catalog read from a directory (stored
 * as a draft first): nothing comes into force until another author or an admin approves it
 * (`approvePublication`). The request is bound to the document's hash. Requesting an earlier
 * version is a rollback, which needs the same approval. Refused for the version in force and for
 * a version with a pending request already.
 */
export async function requestPublication(app: App, what: { ref: string } | { catalog: Catalog }, caller: Caller, note?: string): Promise<PublicationRequestRow> {
  mayPublish(caller);
  const text = freeText(note, 'note', false);
  let row: CatalogVersionRow;
  if ('catalog' in what) {
    const d = await draftVersion(app, what.catalog.doc, caller.actor);
    row = (await app.ctx.store.getCatalogVersion(d.catalogId, d.version))!;
  } else {
    row = await storedVersion(app, what.ref, 'v');
  }
  const c = compileDoc(row.doc);
  const inForce = await app.ctx.store.publishedCatalogRef(app.now());
  if (inForce && inForce.catalogId === c.id && inForce.version === c.version) throw conflict(`${c.id}@${c.version} is already the catalog in force`, 'v');
  const now = app.now();
  const req: PublicationRequestRow = {
    id: `pr_${randomBytes(8).toString('hex')}`,
    catalogId: c.id,
    version: c.version,
    hash: row.hash,
    rollback: row.status === 'published',
    replaces: inForce ? `${inForce.catalogId}@${inForce.version}` : null,
    requestedBy: caller.actor,
    requestedAt: now,
    note: text,
    status: 'pending',
    decidedBy: null,
    decidedAt: null,
    reason: null,
  };
  const added = await app.ctx.store.addPublicationRequest(req, {
    at: now,
    actor: caller.actor,
    action: AUDIT.catalogPublicationRequested,
    subjectId: null,
    data: { request: req.id, catalog: req.catalogId, version: req.version, hash: req.hash, rollback: req.rollback, replaces: req.replaces, ...(text ? { note: text } : {}) },
  });
  if (!added) {
    const open = (await app.ctx.store.listPublicationRequests({ status: 'pending', limit: 200 })).find((r) => r.catalogId === req.catalogId && r.version === req.version);
    throw conflict(`${req.catalogId}@${req.version} already has a pending publication request${open ? ` (${open.id}, by ${open.requestedBy})` : ''}`, 'v');
  }
  return req;
}

/**
 * Approves a pending request as a person other than its requester: the version is published at
 * once (every subject derived under it, the gate rebuilt) in the same transaction that records
 * the approval. `hash`, when given, is the document the approver reviewed: it must be the
 * request's. Refused when the stored version is no longer the requested document.
 */
export async function approvePublication(app: App, id: string, caller: Caller, hash?: string): Promise<{ request: PublicationRequestRow; catalog: string; result: PublishResult; rescored: number }> {
  mayPublish(caller);
  const r = await publicationRequest(app, id);
  pending(r);
  if (r.requestedBy === caller.actor) throw new AppError('XY_ERR_SELF_APPROVAL', `request ${r.id} was made by ${r.requestedBy}, who may not approve it: another author or an admin must`, { field: 'id' });
  if (hash !== undefined && hash !== r.hash) throw versionChanged(r);
  const row = await app.ctx.store.getCatalogVersion(r.catalogId, r.version);
  if (!row || row.hash !== r.hash) throw versionChanged(r);
  const c = compileDoc(row.doc);
  return write(app, async () => {
    const out = await publishAndDerive(app.ctx, c, app.now(), caller.actor, { request: r, by: caller.actor });
    return { request: (await app.ctx.store.getPublicationRequest(r.id))!, catalog: `${c.id}@${c.version}`, ...out };
  });
}

/** Rejects a pending request, with a reason, as a person other than its requester (who withdraws instead). */
export async function rejectPublication(app: App, id: string, caller: Caller, reason: string | undefined): Promise<PublicationRequestRow> {
  mayPublish(caller);
  const why = freeText(reason, 'reason', true)!;
  const r = await publicationRequest(app, id);
  pending(r);
  if (r.requestedBy === caller.actor) throw new AppError('XY_ERR_SELF_APPROVAL', `request ${r.id} is your own: withdraw it instead; a rejection is another person's decision`, { field: 'id' });
  return close(app, r, 'rejected', caller, why, AUDIT.catalogPublicationRejected);
}

/** Withdraws a pending request: its requester only (anyone else rejects it, with a reason). */
export async function withdrawPublication(app: App, id: string, caller: Caller, reason?: string): Promise<PublicationRequestRow> {
  mayPublish(caller);
  const why = freeText(reason, 'reason', false);
  const r = await publicationRequest(app, id);
  pending(r);
  if (r.requestedBy !== caller.actor) throw new AppError('XY_ERR_FORBIDDEN', `only ${r.requestedBy}, who made request ${r.id}, may withdraw it; reject it with a reason instead`, { field: 'id' });
  return close(app, r, 'withdrawn', caller, why, AUDIT.catalogPublicationWithdrawn);
}

async function close(app: App, r: PublicationRequestRow, status: 'rejected' | 'withdrawn', caller: Caller, reason: string | null, action: string): Promise<PublicationRequestRow> {
  const at = app.now();
  const ok = await app.ctx.store.closePublicationRequest(r.id, { status, by: caller.actor, at, reason }, {
    at,
    actor: caller.actor,
    action,
    subjectId: null,
    data: { request: r.id, catalog: r.catalogId, version: r.version, hash: r.hash, requestedBy: r.requestedBy, ...(reason ? { reason } : {}) },
  });
  if (!ok) pending((await app.ctx.store.getPublicationRequest(r.id))!);
  return (await app.ctx.store.getPublicationRequest(r.id))!;
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
