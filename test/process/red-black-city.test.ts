/**
 * Red and black over the whole demo city (issue 15, item 5): the default city (`npm start`'s
 * 20,000 persons and 2,000 enterprises, seed 7) built into a temporary database. No subject has a
 * red-list entry (active or pending) while a black-list entry of its own is in effect, and no
 * subject with such an entry is given a reward: not by the gate, nor by a check as of now decided
 * from the records (the path `check --at` takes).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideAt } from '../../src/app/checks.js';
import { createApp, openContext, type AppContext } from '../../src/app/context.js';
import { buildDemo } from '../../src/app/demo.js';
import { GateFeed } from '../../src/app/gate-feed.js';
import type { CompiledMeasure } from '../../src/catalog/types.js';
import type { ListEntry } from '../../src/domain/types.js';
import { NOW } from '../api/fixture.js';

const PERSONS = 20_000;
const ENTERPRISES = 2_000;
let dir: string;
let ctx: AppContext;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'xy-redblack-city-'));
  ctx = await openContext({ db: join(dir, 'x.db'), now: NOW, actor: 'test' });
  await buildDemo(ctx, { persons: PERSONS, enterprises: ENTERPRISES, seed: 7, now: NOW, ifEmpty: false, progress: false });
}, 600_000);

afterAll(async () => {
  await ctx?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the whole demo city', () => {
  it('has no subject on a red list, nor given a reward, while on a black list', async () => {
    const catalog = ctx.catalog;
    const color = (list: string) => catalog.listsByCode.get(list)?.doc.color;
    const inEffect = (e: ListEntry) => e.status === 'active' && e.since <= NOW && (e.until === null || NOW < e.until);
    // A reward: a measure of a red list, or a reward or priority on a grade at or above the base
    // grade. (More inspections for classes C and D, a priority on poor grades only, is a burden.)
    const baseRank = new Map(catalog.schemes.map((s) => [s.code, s.rank.get(s.grades[s.doc.grades.findIndex((g) => g.min === undefined || s.doc.base >= g.min)])!]));
    const isReward = (m: CompiledMeasure) =>
      m.list ? color(m.list) === 'red' : (m.effect === 'reward' || m.effect === 'priority') && [...m.grade!.in].some((g) => catalog.schemes.find((s) => s.code === m.grade!.scheme)!.rank.get(g)! <= baseRank.get(m.grade!.scheme)!);
    const rewardMeasures = new Set(catalog.measures.filter(isReward).map((m) => m.code));
    const rewardActions = [...new Set(catalog.measures.filter(isReward).map((m) => m.action))];
    expect(rewardActions.length).toBeGreaterThan(0);

    const bySubject = new Map<string, ListEntry[]>();
    for await (const e of ctx.store.scanEnforceableEntries()) {
      const a = bySubject.get(e.subjectId);
      if (a) a.push(e);
      else bySubject.set(e.subjectId, [e]);
    }
    const black = new Set<string>();
    const red = new Set<string>();
    const both: string[] = [];
    for (const [id, es] of bySubject) {
      const isBlack = es.some((e) => !e.via && color(e.list) === 'black' && inEffect(e));
      const isRed = es.some((e) => color(e.list) === 'red' && (e.status === 'active' || e.status === 'pending'));
      if (isBlack) black.add(id);
      if (isRed) red.add(id);
      if (isBlack && isRed) both.push(id);
    }
    expect(both).toEqual([]);
    // Not vacuous: the city has subjects on black lists and on red lists.
    expect(black.size).toBeGreaterThan(100);
    expect(red.size).toBeGreaterThan(100);

    // The gate, built from the store as a serving process builds it, gives the listed no reward.
    const feed = await GateFeed.load(ctx);
    const rewarded: string[] = [];
    for (const id of black) {
      for (const action of rewardActions) {
        for (const m of feed.gate.check(id, action, NOW).measures) if (rewardMeasures.has(m.measure)) rewarded.push(`${id} ${action} ${m.measure}`);
      }
    }
    expect(rewarded).toEqual([]);

    // Decided from the records as of now, as `check --at` decides: the same answer.
    const app = createApp(ctx, { now: () => NOW });
    for (const id of black) {
      for (const action of rewardActions) {
        const { result } = await decideAt(app, id, action, NOW);
        expect(result.measures.filter((m) => rewardMeasures.has(m.measure)), `${id} ${action}`).toEqual([]);
      }
    }
    let aaa = 0;
    for await (const g of ctx.store.scanGrades()) if (black.has(g.subjectId) && g.grades['civic-points'] === 'AAA') aaa++;
    const seriousIllegal = [...bySubject.values()].filter((es) => es.some((e) => !e.via && e.list === 'serious-illegal-dishonest-enterprises' && inEffect(e))).length;
    await app.receipts.close();
    console.log(`red-black city: ${bySubject.size} subjects with entries, ${black.size} with a black entry in effect (${seriousIllegal} enterprises on serious-illegal-dishonest-enterprises, ${aaa} persons AAA on points), ${red.size} on a red list`);
  }, 600_000);
});
