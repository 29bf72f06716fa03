/**
 * The working-day calendar lists each year's public holidays once the State Council publishes
 * them (in November or December for the next year). The server warns only when the due-process
 * periods counted from now (objections extended: 7 working days in cn-demo) reach a year the
 * calendar does not list, once per such year, saying what to do; not on every start of a
 * December because next year is not listed yet.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/server.js';
import { openContext, type AppContext } from '../../src/app/context.js';

const dir = mkdtempSync(join(tmpdir(), 'xy-calendar-'));
let ctx: AppContext;
beforeAll(async () => {
  ctx = await openContext({ db: join(dir, 'x.db'), now: Date.UTC(2026, 11, 1), actor: 'test' });
}, 60_000);
afterAll(async () => {
  await ctx?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The calendar warnings a server started at `at` logs, with its clock moved to each of `later` in turn. */
async function calendarWarnings(at: string, later: string[] = []): Promise<{ msg: string; years: number[] }[]> {
  const lines: string[] = [];
  const logStream = new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) });
  let now = Date.parse(at);
  const s = await buildServer({ ctx, now: () => now, logLevel: 'info', logStream, refreshEveryMs: 20, syncEveryMs: 0 });
  try {
    for (const t of later) {
      now = Date.parse(t);
      await new Promise((r) => setTimeout(r, 300));
    }
  } finally {
    await s.app.close();
  }
  return lines
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { msg: string; years?: number[] })
    .filter((l) => /calendar/.test(l.msg))
    .map((l) => ({ msg: l.msg, years: l.years ?? [] }));
}

describe('the holiday-calendar warning (issue 16 finding 15)', () => {
  it('is not logged when every deadline counted from now falls in a year the calendar lists', async () => {
    expect(await calendarWarnings('2026-12-07T02:00:00Z')).toEqual([]);
    expect(await calendarWarnings('2026-03-01T02:00:00Z')).toEqual([]);
  });

  it('is logged once, naming the year and what to do, when the periods counted from now reach an unlisted year', async () => {
    const w = await calendarWarnings('2026-12-28T02:00:00Z');
    expect(w).toEqual([{ years: [2027], msg: expect.stringContaining('lists no public holidays for 2027') }]);
    expect(w[0].msg).toContain('up to 7 working days');
    expect(w[0].msg).toMatch(/Add 2027 to the calendar file \(calendars\/cn-mainland\.yaml, or the one given with --calendar\) once its holidays are published/);
  });

  it('is logged by a running server when the days pass into the gap, and only once', async () => {
    const w = await calendarWarnings('2026-12-07T02:00:00Z', ['2026-12-10T02:00:00Z', '2026-12-24T02:00:00Z', '2026-12-29T02:00:00Z']);
    expect(w.map((x) => x.years)).toEqual([[2027]]);
  });
});
