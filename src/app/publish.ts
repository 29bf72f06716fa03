/**
 * Putting a catalog version in force, crash-safely: save it as a draft if new, publish it (or
 * publish an earlier version again: a rollback, recorded as such), and derive every subject under
 * it. Used by the catalog use case, by `openContext` for a fresh database, and by the benchmarks.
 */
import { AUDIT } from '../audit/actions.js';
import type { Catalog } from '../catalog/types.js';
import type { Instant } from '../domain/types.js';
import type { Store } from '../store/port.js';
import { deriveAll, type DeriveFrom } from './derive.js';
import { AppError } from './errors.js';

export type PublishResult = 'published' | 'republished' | 'unchanged';

/**
 * Saves and publishes a catalog version. Publishing the version already in force is a no-op;
 * publishing an earlier version again puts it back in force (a rollback, recorded as such).
 */
export async function publishCatalog(store: Store, catalog: Catalog, at: Instant, actor: string): Promise<PublishResult> {
  const existing = await store.getCatalogVersion(catalog.id, catalog.version);
  if (existing?.status === 'published') {
    if (existing.hash !== catalog.hash) {
      throw new AppError('XY_ERR_CONFLICT', `${catalog.id}@${catalog.version} is already published with different content; give the new policy a new version`, { field: '/version' });
    }
    const current = await store.getPublishedCatalog(at);
    if (current && current.catalogId === catalog.id && current.version === catalog.version) return 'unchanged';
    // A rollback is a publication of its own, dated after the one it replaces: at the same instant
    // as that one's first publication (a clock that did not move) it would tie, and not take effect.
    if (current?.publishedAt != null && at <= current.publishedAt) at = current.publishedAt + 1;
    await store.publishCatalogVersion(catalog.id, catalog.version, at, {
      at, actor, action: AUDIT.catalogRepublished, subjectId: null, data: { catalog: catalog.id, version: catalog.version, hash: catalog.hash, replaces: current ? `${current.catalogId}@${current.version}` : null },
    });
    return 'republished';
  }
  await store.saveCatalogVersion(
    { catalogId: catalog.id, version: catalog.version, status: 'draft', hash: catalog.hash, doc: catalog.doc, createdAt: at, publishedAt: null },
    { at, actor, action: AUDIT.catalogDrafted, subjectId: null, data: { catalog: catalog.id, version: catalog.version, hash: catalog.hash } },
  );
  await store.publishCatalogVersion(catalog.id, catalog.version, at, {
    at, actor, action: AUDIT.catalogPublished, subjectId: null, data: { catalog: catalog.id, version: catalog.version, hash: catalog.hash },
  });
  return 'published';
}

/** Meta key: a derivation owed to every subject by a publication (cleared when it is done). */
export const RESCORE_PENDING = 'rescore.pending';

/**
 * Publishes a catalog and derives every subject under it, crash-safely: the derivation owed is
 * written down before the publication and cleared after it, and `openContext` finishes one that a
 * crash interrupted.
 */
export async function publishAndDerive(from: DeriveFrom, catalog: Catalog, at: Instant, actor: string): Promise<{ result: PublishResult; rescored: number }> {
  const { store } = from;
  await store.setMeta(RESCORE_PENDING, `${catalog.id}@${catalog.version}`);
  const result = await publishCatalog(store, catalog, at, actor);
  const rescored = result === 'unchanged' ? 0 : await deriveAll(from, catalog, at);
  await store.setMeta(RESCORE_PENDING, '');
  return { result, rescored };
}
