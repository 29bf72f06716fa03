/**
 * A database whose catalog in force was stored by an xinyong from before the national layer (no
 * `national`, legal bases as text) still opens: the default catalog is put back in force in its
 * current form and every subject is derived under it. Another deployment's catalog of the older
 * format is refused with a message that says what happened, not a list of schema errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openContext } from '../../src/app/context.js';
import { buildDemo } from '../../src/app/demo.js';
import { NOW } from '../api/fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'xinyong-older-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Rewrites the stored catalog in force as the older format had it: no national layer, a text basis. */
function makeOlder(db: string, id?: string) {
  const d = new Database(db);
  const row = d.prepare("SELECT catalog_id, version, doc FROM catalog_versions WHERE status = 'published'").get() as { catalog_id: string; version: string; doc: string };
  const doc = JSON.parse(row.doc) as Record<string, unknown>;
  delete doc.national;
  doc.version = '2026.1';
  (doc.dueProcess as Record<string, unknown>).legalBasis = 'Shandong Social Credit Regulations (2020), Art. 39';
  if (id) doc.id = id;
  d.prepare('UPDATE catalog_versions SET doc = ?, version = ?, catalog_id = ? WHERE catalog_id = ? AND version = ?').run(JSON.stringify(doc), '2026.1', id ?? row.catalog_id, row.catalog_id, row.version);
  d.prepare('UPDATE catalog_publications SET version = ?, catalog_id = ?').run('2026.1', id ?? row.catalog_id);
  d.close();
}

describe('a catalog in force of the format before the national layer', () => {
  it('the default catalog is put back in force in its current form', async () => {
    const db = join(dir, 'a.db');
    let ctx = await openContext({ db, now: NOW, actor: 'test' });
    await buildDemo(ctx, { persons: 200, enterprises: 20, seed: 7, now: NOW, ifEmpty: false, progress: false });
    const current = ctx.catalog.version;
    await ctx.close();
    makeOlder(db);
    ctx = await openContext({ db, now: NOW + 1000, actor: 'test' });
    try {
      expect(`${ctx.catalog.id}@${ctx.catalog.version}`).toBe(`cn-demo@${current}`);
      const [first] = (await (async () => { for await (const p of ctx.store.scanSubjects(10)) return p; })()) ?? [];
      expect((await ctx.store.getState(first.id))?.state.catalogVersion).toBe(current);
    } finally {
      await ctx.close();
    }
  });

  it("another deployment's catalog of the older format is refused, saying why", async () => {
    const db = join(dir, 'b.db');
    const ctx = await openContext({ db, now: NOW, actor: 'test' });
    await ctx.close();
    makeOlder(db, 'weihai-local');
    await expect(openContext({ db, now: NOW + 1000, actor: 'test' })).rejects.toThrow(/weihai-local@2026\.1, was stored by an older xinyong/);
  });
});
