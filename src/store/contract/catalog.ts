/** The contract of the catalog port: drafts, publications, the version in force. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../port/index.js';
import { audit, auditCount, catalogDoc, catalogRow, collect, DAY, type MakeStore, T, useFreshStore } from './fixtures.js';

export function catalogContract(name: string, make: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    useFreshStore(make, (s) => (store = s));

    describe('catalog versions', () => {
      it('saves a draft, publishes it, and lists versions without their documents', async () => {
        expect(await store.getPublishedCatalog()).toBeNull();
        expect(await store.listCatalogVersions()).toEqual([]);
        const before = await auditCount(store);

        await store.saveCatalogVersion(catalogRow('1', T), audit('catalog.drafted', { version: '1' }));
        const draft = await store.getCatalogVersion('contract', '1');
        expect(draft).toEqual(catalogRow('1', T));
        expect(await store.getPublishedCatalog()).toBeNull();
        expect(await store.getCatalogVersion('contract', '2')).toBeNull();
        expect(await store.getCatalogVersion('other', '1')).toBeNull();

        await store.publishCatalogVersion('contract', '1', T + 1000, audit('catalog.published', { version: '1' }));
        const pub = await store.getCatalogVersion('contract', '1');
        expect(pub).toEqual({ ...catalogRow('1', T), status: 'published', publishedAt: T + 1000 });
        expect(await store.getPublishedCatalog()).toEqual(pub);

        const listed = await store.listCatalogVersions();
        expect(listed).toEqual([{ catalogId: 'contract', version: '1', status: 'published', hash: catalogRow('1', T).hash, createdAt: T, publishedAt: T + 1000 }]);
        expect(listed[0]).not.toHaveProperty('doc');

        const entries = await collect(store.scanAudit());
        expect(entries.length - before).toBe(2);
        expect(entries.slice(-2).map((e) => e.action)).toEqual(['catalog.drafted', 'catalog.published']);
      });

      it('the latest published version wins; drafts never count as published', async () => {
        await store.saveCatalogVersion(catalogRow('1', T), audit('catalog.drafted'));
        await store.publishCatalogVersion('contract', '1', T + 1 * DAY, audit('catalog.published'));
        await store.saveCatalogVersion(catalogRow('2', T + 2 * DAY), audit('catalog.drafted'));
        await store.publishCatalogVersion('contract', '2', T + 3 * DAY, audit('catalog.published'));
        await store.saveCatalogVersion(catalogRow('3', T + 4 * DAY), audit('catalog.drafted'));

        const pub = await store.getPublishedCatalog();
        expect(pub?.version).toBe('2');
        expect(pub?.doc).toEqual(catalogDoc('2'));
        expect(await store.publishedCatalogRef()).toEqual({ catalogId: 'contract', version: '2' });
        expect(await store.publishedCatalogRef(T + 2 * DAY)).toEqual({ catalogId: 'contract', version: '1' });
        expect(await store.publishedCatalogRef(T)).toBeNull();

        const listed = await store.listCatalogVersions();
        expect(listed.map((r) => [r.version, r.status]).sort()).toEqual([
          ['1', 'published'],
          ['2', 'published'],
          ['3', 'draft'],
        ]);
      });

      it('a draft can be replaced, a published version cannot', async () => {
        await store.saveCatalogVersion(catalogRow('1', T), audit('catalog.drafted'));
        const changed = { ...catalogRow('1', T), hash: 'f'.repeat(64), doc: catalogDoc('1', 'second draft') };
        await store.saveCatalogVersion(changed, audit('catalog.drafted'));
        expect(await store.getCatalogVersion('contract', '1')).toEqual(changed);

        await store.publishCatalogVersion('contract', '1', T + DAY, audit('catalog.published'));
        const published = await store.getCatalogVersion('contract', '1');
        const attempt = { ...catalogRow('1', T), hash: 'e'.repeat(64), doc: catalogDoc('1', 'rewritten after publication') };
        await store.saveCatalogVersion(attempt, audit('catalog.drafted')).catch(() => undefined);
        expect(await store.getCatalogVersion('contract', '1')).toEqual(published);
      });
    });
  });
}
