/** The contract of the catalog port: drafts, publications, the version in force, publication requests (four eyes). */
import { describe, expect, it } from 'vitest';
import type { PublicationRequestRow, Store } from '../port/index.js';
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

    describe('publication requests (four eyes)', () => {
      const request = (id: string, version: string, over: Partial<PublicationRequestRow> = {}): PublicationRequestRow => ({
        id,
        catalogId: 'contract',
        version,
        hash: catalogRow(version, T).hash,
        rollback: false,
        replaces: null,
        requestedBy: 'key:k_requester',
        requestedAt: T + 10,
        note: 'tighter retention',
        status: 'pending',
        decidedBy: null,
        decidedAt: null,
        reason: null,
        ...over,
      });

      it('stores a pending request, at most one per version, and lists newest first by status', async () => {
        await store.saveCatalogVersion(catalogRow('1', T), audit('catalog.drafted'));
        await store.saveCatalogVersion(catalogRow('2', T), audit('catalog.drafted'));
        const before = await auditCount(store);
        expect(await store.addPublicationRequest(request('pr_a', '1'), audit('catalog.publication-requested'))).toBe(true);
        expect(await store.getPublicationRequest('pr_a')).toEqual(request('pr_a', '1'));
        expect(await store.getPublicationRequest('pr_none')).toBeNull();
        // A second pending request for the same version: refused, nothing written.
        expect(await store.addPublicationRequest(request('pr_b', '1', { requestedBy: 'key:k_other' }), audit('catalog.publication-requested'))).toBe(false);
        expect(await store.getPublicationRequest('pr_b')).toBeNull();
        expect(await auditCount(store)).toBe(before + 1);
        // Another version, a rollback, without a note.
        const r2 = request('pr_c', '2', { rollback: true, replaces: 'contract@1', note: null, requestedAt: T + 20 });
        expect(await store.addPublicationRequest(r2, audit('catalog.publication-requested'))).toBe(true);
        expect((await store.listPublicationRequests()).map((r) => r.id)).toEqual(['pr_c', 'pr_a']);
        expect(await store.getPublicationRequest('pr_c')).toEqual(r2);

        // Withdrawn: no longer pending, so a new request for the version may be made.
        expect(await store.closePublicationRequest('pr_a', { status: 'withdrawn', by: 'key:k_requester', at: T + 30, reason: null }, audit('catalog.publication-withdrawn'))).toBe(true);
        expect(await store.closePublicationRequest('pr_a', { status: 'rejected', by: 'key:k_other', at: T + 31, reason: 'late' }, audit('catalog.publication-rejected'))).toBe(false);
        expect(await store.getPublicationRequest('pr_a')).toMatchObject({ status: 'withdrawn', decidedBy: 'key:k_requester', decidedAt: T + 30, reason: null });
        expect(await store.addPublicationRequest(request('pr_d', '1', { requestedAt: T + 40 }), audit('catalog.publication-requested'))).toBe(true);
        expect(await store.closePublicationRequest('pr_d', { status: 'rejected', by: 'key:k_other', at: T + 41, reason: 'the retention is unlawful' }, audit('catalog.publication-rejected'))).toBe(true);
        expect(await store.getPublicationRequest('pr_d')).toMatchObject({ status: 'rejected', decidedBy: 'key:k_other', reason: 'the retention is unlawful' });
        expect((await store.listPublicationRequests({ status: 'pending' })).map((r) => r.id)).toEqual(['pr_c']);
        expect((await store.listPublicationRequests({ status: 'withdrawn' })).map((r) => r.id)).toEqual(['pr_a']);
        expect((await store.listPublicationRequests({ limit: 2 })).map((r) => r.id)).toEqual(['pr_d', 'pr_c']);
        const actions = (await collect(store.scanAudit())).slice(before).map((e) => e.action);
        expect(actions).toEqual(['catalog.publication-requested', 'catalog.publication-requested', 'catalog.publication-withdrawn', 'catalog.publication-requested', 'catalog.publication-rejected']);
      });

      it('an approval publishes in one transaction with the request decided, once, and only the requested document', async () => {
        await store.saveCatalogVersion(catalogRow('1', T), audit('catalog.drafted'));
        await store.addPublicationRequest(request('pr_a', '1'), audit('catalog.publication-requested'));
        const before = await auditCount(store);
        const approval = { requestId: 'pr_a', by: 'key:k_approver', at: T + DAY };
        expect(await store.publishCatalogVersion('contract', '1', T + DAY, [audit('catalog.publication-approved'), audit('catalog.published')], approval)).toBe(true);
        expect(await store.getPublicationRequest('pr_a')).toMatchObject({ status: 'approved', decidedBy: 'key:k_approver', decidedAt: T + DAY });
        expect(await store.publishedCatalogRef()).toEqual({ catalogId: 'contract', version: '1' });
        const entries = await collect(store.scanAudit());
        expect(entries.slice(before).map((e) => e.action)).toEqual(['catalog.publication-approved', 'catalog.published']);
        // Approving again (a second approver at the same time): nothing written.
        expect(await store.publishCatalogVersion('contract', '1', T + 2 * DAY, [audit('catalog.publication-approved'), audit('catalog.republished')], { ...approval, at: T + 2 * DAY })).toBe(false);
        expect(await auditCount(store)).toBe(before + 2);
        expect(await store.publishedCatalogRef(T + DAY - 1)).toBeNull();
      });

      it('an approval of a request whose version is no longer its document writes nothing', async () => {
        await store.saveCatalogVersion(catalogRow('1', T), audit('catalog.drafted'));
        await store.addPublicationRequest(request('pr_a', '1'), audit('catalog.publication-requested'));
        // The draft is replaced under the request (the store allows it for drafts).
        await store.saveCatalogVersion({ ...catalogRow('1', T), hash: 'f'.repeat(64), doc: catalogDoc('1', 'changed under the request') }, audit('catalog.drafted'));
        const before = await auditCount(store);
        expect(await store.publishCatalogVersion('contract', '1', T + DAY, [audit('catalog.publication-approved'), audit('catalog.published')], { requestId: 'pr_a', by: 'key:k_approver', at: T + DAY })).toBe(false);
        expect(await store.getPublishedCatalog()).toBeNull();
        expect((await store.getCatalogVersion('contract', '1'))?.status).toBe('draft');
        expect(await store.getPublicationRequest('pr_a')).toMatchObject({ status: 'pending', decidedBy: null });
        expect(await auditCount(store)).toBe(before);
        // Nor is a request for another version approved by a publication of this one.
        await store.saveCatalogVersion(catalogRow('2', T), audit('catalog.drafted'));
        expect(await store.publishCatalogVersion('contract', '2', T + DAY, audit('catalog.published'), { requestId: 'pr_a', by: 'key:k_approver', at: T + DAY })).toBe(false);
        expect(await store.getPublishedCatalog()).toBeNull();
      });
    });
  });
}
