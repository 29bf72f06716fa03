/**
 * Time-driven changes through the store: an enterprise left on abnormal-operations for three
 * years escalates when the state is refreshed, its legal representative is bound, and the
 * gate enforces it — with a controlled clock throughout.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, openContext, type AppContext } from '../src/app/context.js';
import { check } from '../src/app/checks.js';
import { parseInstant } from '../src/domain/time.js';
import { Ingestor } from '../src/ingest/ingestor.js';
import { deriveUpTo } from '../src/app/derive.js';

const T = (s: string) => {
  const r = parseInstant(s);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

const ENTERPRISE = 'cn-uscc:91110000600037341L';
const REP = 'cn-rid:110101199003074514';
let ctx: AppContext;

afterAll(async () => ctx?.close());

describe('deriveUpTo', () => {
  it('escalates abnormal operations after 3 years unremedied, binding the legal representative', async () => {
    const t0 = T('2023-03-01');
    ctx = await openContext({ db: join(mkdtempSync(join(tmpdir(), 'xy-time-')), 'x.db'), now: t0, actor: 'test' });
    let now = t0;
    const ingestor = new Ingestor(ctx.store, ctx.catalog, ctx.keyring, { now: () => now });
    const res = await ingestor.ingestBatch([
      { source: null, line: { kind: 'subject', subject: ENTERPRISE, name: 'Weihai Haixing Trading Co., Ltd.', relations: [{ role: 'legal-representative', subject: REP }] } },
      { source: 'samr', line: { externalId: 'AR-2022-1', type: 'market.annual-report-missed', subject: ENTERPRISE, occurredAt: '2023-03-01', facts: { year: 2022 } } },
    ]);
    expect(res.map((r) => r.status)).toEqual(['stored', 'stored']);

    const ent = (await ctx.store.findSubjectByHash(ctx.keyring.hash('cn-uscc', '91110000600037341L')))!;
    const entries = async (id: string) => [...(await ctx.store.getState(id))!.state.entries, ...(await ctx.store.getState(id))!.related];
    const abnormal = (await entries(ent)).find((e) => e.list === 'abnormal-operations')!;
    expect(abnormal.status).toBe('pending'); // after-notice: pending during the notice period

    // Three years later, nothing has been remedied. Nothing was re-derived in between.
    now = T('2026-03-20');
    // The checks use case as the CLI runs it: no gate, so each check is decided from the store.
    const app = createApp(ctx, { now: () => now });
    const checkAction = (ref: string, action: string, at: number) => check(app, { actor: 'test', scopes: [] }, { subject: ref, action, at });
    // A check is computed as of its instant, so it is right even before the stored state catches up…
    const before = await checkAction(REP, 'market.appointment.legal-representative', now);
    expect('decision' in before && before.decision).toBe('deny');
    expect((await ctx.store.getState(ent))!.state.entries.some((e) => e.list === 'serious-illegal-dishonest-enterprises')).toBe(false);
    // …and the refresh brings the stored state (lists, statistics, the future gate index) up to date.
    const r = await deriveUpTo(ctx, ctx.catalog, now);
    expect(r.due).toBeGreaterThan(0);

    const after = await entries(ent);
    expect(after.find((e) => e.list === 'abnormal-operations')?.status).toBe('escalated');
    const serious = after.find((e) => e.list === 'serious-illegal-dishonest-enterprises')!;
    expect(serious.status).toBe('active');
    const rep = (await ctx.store.findSubjectByHash(ctx.keyring.hash('cn-rid', '110101199003074514')))!;
    // The ban on leading another enterprise is a list of its own (3 years), which binds the legal
    // representative; the serious list (5 years) binds no one else.
    expect(after.find((e) => e.list === 'legal-representative-ban')).toMatchObject({ status: 'active', since: serious.since });
    const repEntries = await entries(rep);
    expect(repEntries.find((e) => e.list === 'legal-representative-ban')?.via).toEqual({ subjectId: ent, role: 'legal-representative' });
    expect(repEntries.some((e) => e.list === 'serious-illegal-dishonest-enterprises')).toBe(false);

    const c = await checkAction(REP, 'market.appointment.legal-representative', now);
    expect('decision' in c && c.decision).toBe('deny');

    // As at an instant before the escalation, the same question had the opposite answer.
    const past = await checkAction(REP, 'market.appointment.legal-representative', T('2025-06-01'));
    expect('decision' in past && past.decision).toBe('allow');

    await app.receipts.close();
    // Idempotent: a second refresh at the same instant changes nothing.
    expect(await deriveUpTo(ctx, ctx.catalog, now)).toEqual({ dirty: 0, due: 0 });
  });
});
