/**
 * A catalog publication whose rescore a crash interrupted is finished the next time the database
 * is opened, before anything reads the state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openContext } from '../../src/app/context.js';
import { publishCatalog } from '../../src/app/publish.js';
import { loadCatalogDoc } from '../../src/catalog/load.js';
import { buildDemo } from '../../src/app/demo.js';
import { NOW } from '../api/fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'xinyong-publish-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('publish, crash, reopen', () => {
  it('finishes the rescore the crash interrupted', async () => {
    const db = join(dir, 'x.db');
    let ctx = await openContext({ db, now: NOW, actor: 'test' });
    await buildDemo(ctx, { persons: 300, enterprises: 30, seed: 7, now: NOW, ifEmpty: false, progress: false });
    const [first] = (await (async () => { for await (const p of ctx.store.scanSubjects(10)) return p; })()) ?? [];
    const v2 = loadCatalogDoc({ ...ctx.catalog.doc, version: '2026.9-crash' });
    if (!v2.ok) throw new Error('v2 does not load');
    // What publishAndDerive does up to the crash: the rescore owed is noted, the version published.
    await ctx.store.setMeta('rescore.pending', '2026.9-crash');
    await publishCatalog(ctx.store, v2.value, NOW + 1000, 'test');
    expect((await ctx.store.getState(first.id))?.state.catalogVersion).not.toBe('2026.9-crash');
    await ctx.close();

    ctx = await openContext({ db, now: NOW + 2000, actor: 'test' });
    try {
      expect((await ctx.store.getState(first.id))?.state.catalogVersion).toBe('2026.9-crash');
      expect(await ctx.store.getMeta('rescore.pending')).toBe('');
    } finally {
      await ctx.close();
    }
  });
});
