/**
 * In-process check(): `GateIndex.check` against a bare `Map.get` over the same subject ids, and
 * the memory the gate index takes per listed and per known subject.
 */
import { openContext } from '../src/app/context.js';
import type { Catalog } from '../src/catalog/types.js';
import type { ListEntry } from '../src/domain/types.js';
import { GateIndex } from '../src/gate/gate-index.js';
import { GateFeed } from '../src/app/gate-feed.js';
import type { Store } from '../src/store/port.js';
import { NOW, figure, fmtInt, gc, log, mulberry32, printFigure, rate, scaled, timeSync, type BenchResult } from './common.js';
import { buildDb, type IngestedDb } from './ingest.js';

const ACTION = 'transport.air.ticket';

/**
 * Builds the gate from the store exactly as a server process does on start (`GateFeed.load`), and
 * returns it with the listed and the known subject ids (read apart, so the gate alone is kept).
 */
export async function gateFromStore(store: Store, catalog: Catalog): Promise<{ gate: GateIndex; listed: string[]; known: string[] }> {
  const { gate } = await GateFeed.load({ store, catalog });
  const known: string[] = [];
  for await (const page of store.scanSubjects(5000)) for (const s of page) known.push(s.id);
  const listed = new Set<string>();
  for await (const e of store.scanEnforceableEntries()) listed.add(e.subjectId);
  return { gate, listed: [...listed], known };
}

const heap = () => process.memoryUsage().heapUsed;

/** A deterministic subject-id-like string (`s_` + 24 hex), made fresh on every call. */
function syntheticId(k: number): string {
  return 's_' + ((k * 2654435761) >>> 0).toString(16).padStart(8, '0') + k.toString(16).padStart(16, '0');
}

export async function benchCheck(given: IngestedDb | null): Promise<BenchResult> {
  const t0 = performance.now();
  const own = given ? null : await buildDb();
  const dbi = (given ?? own) as IngestedDb;
  try {
    const ctx = await openContext({ db: dbi.path, now: NOW, actor: 'bench' });
    const catalog = ctx.catalog;
    if (!catalog.actions.has(ACTION)) throw new Error(`the catalog has no action ${ACTION}`);

    // ---- memory, realistic: the gate built from the store, measured after a first build has
    // warmed the store's statements, with everything but the gate dropped before measuring.
    // Each build runs in its own async function, so that no temporary survives in this frame's
    // saved registers (which would keep the warm-up gate alive across the first measurement).
    const holder: { gate: GateIndex | null } = { gate: null };
    await (async () => {
      await gateFromStore(ctx.store, catalog);
    })();
    gc();
    const h0 = heap();
    await (async () => {
      holder.gate = (await gateFromStore(ctx.store, catalog)).gate;
    })();
    gc();
    const h1 = heap();
    const gate = holder.gate as unknown as GateIndex;
    const realBytes = h1 - h0;
    const { listed, known } = await gateFromStore(ctx.store, catalog);
    const stats = gate.stats();
    log(`  gate from the store: ${fmtInt(stats.subjects)} known subjects, ${fmtInt(stats.withEntries)} listed (${((stats.withEntries / stats.subjects) * 100).toFixed(2)}%), ${fmtInt(stats.entries)} entries; ${fmtInt(realBytes)} bytes of heap`);

    // ---- the ids to check: ~2% listed, 5% unknown, the rest known and unlisted
    const M = scaled(2_000_000, 100_000);
    const rnd = mulberry32(42);
    const listedSet = new Set(listed);
    const unlisted = known.filter((id) => !listedSet.has(id));
    const ids: string[] = new Array(M);
    let nListed = 0;
    let nUnknown = 0;
    for (let i = 0; i < M; i++) {
      const x = rnd();
      if (x < 0.02 && listed.length > 0) {
        ids[i] = listed[Math.floor(rnd() * listed.length)];
        nListed++;
      } else if (x < 0.07) {
        ids[i] = syntheticId(10_000_000 + Math.floor(rnd() * 1_000_000));
        nUnknown++;
      } else ids[i] = unlisted[Math.floor(rnd() * unlisted.length)];
    }

    // The peer: what a user who skipped us keeps, subject id → how many entries, for the same
    // subjects. Its keys come from a scan of their own, as the gate's do: the ids checked are
    // then distinct string objects from both indexes' keys, as ids arriving in requests are.
    const map = new Map<string, number>();
    for await (const page of ctx.store.scanSubjects(5000)) for (const s of page) map.set(s.id, 0);
    for await (const e of ctx.store.scanEnforceableEntries()) map.set(e.subjectId, (map.get(e.subjectId) ?? 0) + 1);

    const runGate = () => {
      let deny = 0;
      for (let i = 0; i < ids.length; i++) if (gate.check(ids[i], ACTION, NOW).decision === 'deny') deny++;
      return deny;
    };
    const runMap = () => {
      let hits = 0;
      for (let i = 0; i < ids.length; i++) {
        const v = map.get(ids[i]);
        if (v !== undefined && v > 0) hits++;
      }
      return hits;
    };
    // Interleaved, so that a noisy neighbour hurts both alike.
    const gateRuns: number[] = [];
    const mapRuns: number[] = [];
    let denies = 0;
    let hits = 0;
    runGate();
    runMap();
    for (let k = 0; k < 5; k++) {
      const g = timeSync(runGate, 1, 0);
      const m = timeSync(runMap, 1, 0);
      gateRuns.push(g.median);
      mapRuns.push(m.median);
      denies = g.value;
      hits = m.value;
    }
    const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const f = figure(
      `gate.check('${ACTION}') vs Map.get`,
      'checks/s',
      { label: 'ours: GateIndex.check', rate: rate(M, med(gateRuns)) },
      { label: 'Map.get', rate: rate(M, med(mapRuns)) },
      0.25,
    );
    printFigure(f);
    log(`  ${fmtInt(M)} ids per run: ${fmtInt(nListed)} listed, ${fmtInt(nUnknown)} unknown; ${fmtInt(denies)} denied (${fmtInt(hits)} listed hits in the Map)`);
    await ctx.close();

    // ---- memory with many listed subjects: a synthetic population where 20% carry the entries
    // of a real listed subject (fresh copies, as the store would parse them).
    const templates: ListEntry[][] = [];
    {
      const { SqliteStore } = await import('../src/store/sqlite/sqlite-store.js');
      const store = new SqliteStore(dbi.path);
      const by = new Map<string, ListEntry[]>();
      for await (const e of store.scanEnforceableEntries()) {
        const a = by.get(e.subjectId);
        if (a) a.push(e);
        else by.set(e.subjectId, [e]);
      }
      await store.close();
      templates.push(...by.values());
    }
    const K = scaled(500_000, 20_000);
    const L = Math.round(K * 0.2);
    const synth = new GateIndex(catalog);
    gc();
    const s0 = heap();
    for (let k = 0; k < K; k++) synth.addSubject(syntheticId(k));
    gc();
    const s1 = heap();
    for (let k = 0; k < L; k++) {
      const tpl = templates[k % templates.length];
      const id = syntheticId(k * 5); // every 5th known subject is listed
      const entries: ListEntry[] = JSON.parse(JSON.stringify(tpl.map((e, j) => ({ ...e, id: `e_${k.toString(16).padStart(20, '0')}${j}`, subjectId: id }))));
      synth.setEntries(id, entries);
    }
    gc();
    const s2 = heap();
    const sstats = synth.stats();
    const perKnown = (s1 - s0) / K;
    const perListed = (s2 - s1) / L;
    log(`  synthetic gate: ${fmtInt(K)} known, ${fmtInt(sstats.withEntries)} listed (${fmtInt(sstats.entries)} entries): ${perKnown.toFixed(0)} B per known subject, ${perListed.toFixed(0)} B more per listed subject`);
    const avgEntries = sstats.entries / sstats.withEntries;
    const reasonBytes = templates.reduce((n, es) => n + es.reduce((m, e) => m + JSON.stringify(e.reasons).length, 0), 0) / templates.length;

    return {
      key: 'check',
      title: 'In-process check()',
      setup: [
        `A \`GateIndex\` built from the ingest benchmark's database as a gate process builds it on start (\`scanSubjects\`, \`scanEnforceableEntries\`, \`scanGrades\`): ${fmtInt(stats.subjects)} known subjects, ${fmtInt(stats.withEntries)} of them listed (${fmtInt(stats.entries)} enforceable entries).`,
        `${fmtInt(M)} checks per run of \`gate.check(id, '${ACTION}', now)\` over ids drawn with a fixed seed: ${((nListed / M) * 100).toFixed(1)}% listed, ${((nUnknown / M) * 100).toFixed(1)}% unknown, the rest known and unlisted.`,
        '**peer**: a bare `Map<string, number>` (subject id → number of entries) over the same known subjects, `map.get(id)` over the same ids. The gate, the map and the id list each read the subject ids from the store separately, so no lookup wins by finding the very string object it was keyed with. Five interleaved runs each after a warm-up; medians.',
        `Memory: heap after \`global.gc()\` before and after building the gate. Realistic: the gate from the store. Synthetic: ${fmtInt(K)} known subjects (fresh 26-character ids), then ${fmtInt(L)} of them (20%) given fresh JSON copies of a real listed subject's entries (${avgEntries.toFixed(2)} entries per listed subject on average).`,
      ],
      figures: [f],
      facts: [
        { name: 'gate from the store: bytes per known subject (all included)', value: `${(realBytes / stats.subjects).toFixed(0)} B` },
        { name: 'gate from the store: bytes per listed subject (all included)', value: `${fmtInt(realBytes / Math.max(1, stats.withEntries))} B` },
        { name: `synthetic: bytes per known subject (${fmtInt(K)})`, value: `${perKnown.toFixed(0)} B` },
        { name: `synthetic: whole index / listed subjects (${fmtInt(K)} known, ${fmtInt(L)} listed)`, value: `${fmtInt((s2 - s0) / L)} B` },
        { name: `synthetic: extra bytes per listed subject (${fmtInt(L)})`, value: `${perListed.toFixed(0)} B (${(perListed / avgEntries).toFixed(0)} B per entry)` },
        { name: 'reasons per listed subject, as JSON', value: `${reasonBytes.toFixed(0)} characters` },
        { name: 'ours / Map.get per run (ms, median)', value: `${med(gateRuns).toFixed(1)} / ${med(mapRuns).toFixed(1)}` },
      ],
      notes: [],
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    own?.remove();
  }
}
