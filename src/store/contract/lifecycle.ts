/** The contract of the lifecycle port: migrations and meta. */
import { describe, expect, it } from 'vitest';
import type { Store } from '../port/index.js';
import { type MakeStore, useFreshStore } from './fixtures.js';

export function lifecycleContract(name: string, make: MakeStore): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    useFreshStore(make, (s) => (store = s));

    describe('migrations and meta', () => {
      it('migrate is idempotent and keeps data', async () => {
        await store.setMeta('k', 'v1');
        await store.migrate();
        await store.migrate();
        expect(await store.getMeta('k')).toBe('v1');
      });

      it('meta: missing keys are null, set stores and overwrites', async () => {
        expect(await store.getMeta('nope')).toBeNull();
        await store.setMeta('a', '1');
        await store.setMeta('b', '2');
        await store.setMeta('a', '3');
        expect(await store.getMeta('a')).toBe('3');
        expect(await store.getMeta('b')).toBe('2');
      });
    });
  });
}
