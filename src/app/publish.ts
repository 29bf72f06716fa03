/**
 * Putting a catalog version in force, crash-safely: save it as a draft if new, publish it (or
 * publish an earlier version again: a rollback, recorded as such), and derive every subject under
 * it. The catalog use case (`catalog.ts`) calls it only with an approval (four eyes); `openContext`
 * without one, for the one catalog a fresh, empty database starts with; the benchmarks likewise.
 */
import { AUDIT } from '../audit/actions.js';
import type { AuditEntryInput } from '../audit/index.js';
import type { Catalog } from '../catalog/types.js';
import type { Instant } from '../domain/types.js';
import type { PublicationRequestRow, Store } from '../store/port.js';
import { deriveAll, type DeriveFrom } from './derive.js';
import { AppError, conflict } from './errors.js';

export type PublishResult = 'published' | 'republished' | 'unchanged';

/** The approval of a publication request by another person: `by` is the approver. */
export interface Approval {
  request: PublicationRequestRow;
  by: string;
}

/** The version a request named is no longer stored with the document it was requested with. */
export const versionChanged = (r: PublicationRequestRow) =>
  new AppError('XY_ERR_VERSION_CHANGED', `${r.catalogId}@${r.version} is no longer the document publication was requested for (hash ${r.hash.slice(0, 12)}…); it was not published: reject or withdraw request ${r.id} and request publication of what is stored now`, { field: 'id' });

/**
 * Saves and publishes a catalog version. Publishing the version already in force is a no-op;
 * publishing an earlier version again puts it back in force (a rollback, recorded as such). With
 * `approval`, the request moves to approved in the same transaction as the publication (both
 * audited, the approver as actor), or, if it is no longer pending or the stored version is no
 * longer its document, nothing is written and this refuses.
 */
export async function publishCatalog(store: Store, catalog: Catalog, at: Instant, actor: string, approval?: Approval): Promise<PublishResult> {
  const req = approval?.request;
  if (req && (req.catalogId !== catalog.id || req.version !== catalog.version || req.hash !== catalog.hash)) throw versionChanged(req);
  const entries = (action: string, data: Record<string, unknown>): AuditEntryInput[] => [
    ...(req ? [{ at, actor, action: AUDIT.catalogPublicationApproved, subjectId: null, data: { request: req.id, catalog: req.catalogId, version: req.version, hash: req.hash, requestedBy: req.requestedBy, requestedAt: new Date(req.requestedAt).toISOString() } }] : []),
    { at, actor, action, subjectId: null, data: { ...data, ...(req ? { request: req.id, requestedBy: req.requestedBy } : {}) } },
  ];
  const put = async (action: string, data: Record<string, unknown>) => {
    const ok = await store.publishCatalogVersion(catalog.id, catalog.version, at, entries(action, data), req && { requestId: req.id, by: actor, at });
    if (ok) return;
    const now = req ? await store.getPublicationRequest(req.id) : null;
    if (now && now.status !== 'pending') throw conflict(`request ${now.id} was ${now.status} meanwhile${now.decidedBy ? ` by ${now.decidedBy}` : ''}; nothing was published`, 'id');
    throw versionChanged(req!);
  };
  const existing = await store.getCatalogVersion(catalog.id, catalog.version);
  if (existing?.status === 'published') {
    if (existing.hash !== catalog.hash) {
      if (req) throw versionChanged(req);
      throw new AppError('XY_ERR_CONFLICT', `${catalog.id}@${catalog.version} is already published with different content; give the new policy a new version`, { field: '/version' });
    }
    const current = await store.getPublishedCatalog(at);
    if (current && current.catalogId === catalog.id && current.version === catalog.version) {
      if (req) throw conflict(`${catalog.id}@${catalog.version} is already the catalog in force; withdraw or reject request ${req.id}`, 'id');
      return 'unchanged';
    }
    // A rollback is a publication of its own, dated after the one it replaces: at the same instant
    // as that one's first publication (a clock that did not move) it would tie, and not take effect.
    if (current?.publishedAt != null && at <= current.publishedAt) at = current.publishedAt + 1;
    await put(AUDIT.catalogRepublished, { catalog: catalog.id, version: catalog.version, hash: catalog.hash, replaces: current ? `${current.catalogId}@${current.version}` : null });
    return 'republished';
  }
  if (!existing) {
    if (req) throw versionChanged(req);
    await store.saveCatalogVersion(
      { catalogId: catalog.id, version: catalog.version, status: 'draft', hash: catalog.hash, doc: catalog.doc, createdAt: at, publishedAt: null },
      { at, actor, action: AUDIT.catalogDrafted, subjectId: null, data: { catalog: catalog.id, version: catalog.version, hash: catalog.hash } },
    );
  } else if (existing.hash !== catalog.hash) {
    if (req) throw versionChanged(req);
    throw new AppError('XY_ERR_CONFLICT', `${catalog.id}@${catalog.version} is stored with different content; give the new policy a new version`, { field: '/version' });
  }
  const current = await store.publishedCatalogRef(at);
  await put(AUDIT.catalogPublished, { catalog: catalog.id, version: catalog.version, hash: catalog.hash, ...(current ? { replaces: `${current.catalogId}@${current.version}` } : {}) });
  return 'published';
}

/** Meta key: a derivation owed to every subject by a publication (cleared when it is done). */
export const RESCORE_PENDING = 'rescore.pending';

/**
 * Publishes a catalog and derives every subject under it, crash-safely: the derivation owed is
 * written down before the publication and cleared after it, and `openContext` finishes one that a
 * crash interrupted.
 */
export async function publishAndDerive(from: DeriveFrom, catalog: Catalog, at: Instant, actor: string, approval?: Approval): Promise<{ result: PublishResult; rescored: number }> {
  const { store } = from;
  await store.setMeta(RESCORE_PENDING, `${catalog.id}@${catalog.version}`);
  let result: PublishResult;
  try {
    result = await publishCatalog(store, catalog, at, actor, approval);
  } catch (e) {
    // Refused: nothing was published, so no derivation is owed.
    await store.setMeta(RESCORE_PENDING, '');
    throw e;
  }
  const rescored = result === 'unchanged' ? 0 : await deriveAll(from, catalog, at);
  await store.setMeta(RESCORE_PENDING, '');
  return { result, rescored };
}
