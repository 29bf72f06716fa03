/** The contract of the API keys port. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../port/index.js';
import { audit, auditCount, DAY, hex, type MakeStore, T, useFreshStore } from './fixtures.js';

export function keysContract(name: string, make: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    useFreshStore(make, (s) => (store = s));

    describe('API keys', () => {
      it('creates, lists and revokes API keys, auditing each, and revokes only once', async () => {
        const key = {
          id: 'k_0123456789ab',
          name: 'ticketing',
          role: 'checker' as const,
          scopes: ['transport.air.ticket'],
          source: null,
          subjectId: null,
          secretHash: hex('secret', 64),
          createdAt: T,
          createdBy: 'test',
          revokedAt: null,
        };
        const before = await auditCount(store);
        await store.createApiKey(key, audit('key.created', { id: key.id }));
        await store.createApiKey({ ...key, id: 'k_source', role: 'source', source: 'spc', scopes: [] }, audit('key.created', { id: 'k_source' }));
        expect(await store.getApiKey(key.id)).toEqual(key);
        expect(await store.getApiKey('k_nope')).toBeNull();
        expect((await store.listApiKeys()).map((k) => k.id).sort()).toEqual(['k_0123456789ab', 'k_source']);
        expect(await store.revokeApiKey(key.id, T + DAY, audit('key.revoked', { id: key.id }))).toBe(true);
        expect(await store.revokeApiKey(key.id, T + 2 * DAY, audit('key.revoked', { id: key.id }))).toBe(false);
        expect(await store.revokeApiKey('k_nope', T, audit('key.revoked', { id: 'k_nope' }))).toBe(false);
        expect((await store.getApiKey(key.id))?.revokedAt).toBe(T + DAY);
        expect(await auditCount(store)).toBe(before + 3);
      });
    });
  });
}
