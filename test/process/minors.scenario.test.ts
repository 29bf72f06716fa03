/**
 * Minors (issue 15, item 6), through the HTTP API with a controlled clock: a 14-year-old's
 * records change no civic score and list them on no list (no list of cn-demo cites an article
 * that applies to minors), while the same records about an adult deduct and list; once the
 * person has turned 18, new conduct counts and the teenage records still do not. The age is read
 * from the resident identity number in memory: neither it nor the birth date is in the database.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import { tick } from '../../src/app/tick.js';
import { ridCheckChar } from '../../src/ids/cn-rid.js';
import { adultFrom } from '../../src/scoring/minors.js';
import { NOW, clockedScenario } from '../api/fixture.js';

const env = clockedScenario();
const clock = env.clock;

/** A valid resident identity number of Rongcheng (371082), born on `ymd`, that no one in the fixture city has. */
const rid = (ymd: string, seq: string) => {
  const first17 = `371082${ymd}${seq}`;
  return first17 + ridCheckChar(first17);
};
/** Born 15 March 2012: 14 at NOW (27 November 2026), 18 from 00:00 Beijing time on 16 March 2030. */
const TEEN = rid('20120315', '417');
const ADULT = rid('19800704', '428');
const PURPOSE = 'minors scenario';
const iso = (t: number) => new Date(t).toISOString();
const DAY = 86_400_000;

const call = (key: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  env.s.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
const sourceKey = async (source: string) => (await createApiKey(env.f.ctx.store, { name: `${source} feed`, role: 'source', source }, NOW, 'test')).key;
const send = async (key: string, line: object) => {
  const r = await call(key, 'POST', '/v1/records', line);
  expect(r.statusCode, r.body).toBe(201);
  return r.json().results[0] as { recordId: string; subjectId: string };
};
type Breakdown = { recordId: string; points: number };
const view = async (id: string) => (await call(env.f.keys.reviewer, 'GET', `/v1/subjects/${id}?purpose=${encodeURIComponent(PURPOSE)}`)).json();
const civicOf = (v: { state: { schemes: { scheme: string; score: number; grade: string; breakdown: Breakdown[] }[] } }) => v.state.schemes.find((x) => x.scheme === 'civic-points')!;
const check = async (subject: string, action: string) => (await call(env.f.keys.checker, 'POST', '/v1/checks', { subject, action })).json() as { decision: string; measures: { measure: string }[] };

describe('a 14-year-old', () => {
  let teen = '';
  let adult = '';
  const theft = { type: 'utility.theft', facts: { utility: 'electricity', decisionNo: 'RC-UT-2026-88' } };

  it('loses no civic points for a record that costs an adult 60, in the live view and in the stored state', async () => {
    clock.now = NOW;
    const utilities = await sourceKey('utilities');
    const occurredAt = iso(NOW - 3 * DAY);
    teen = (await send(utilities, { externalId: 'minor-theft-1', subject: `cn-rid:${TEEN}`, occurredAt, ...theft })).subjectId;
    adult = (await send(utilities, { externalId: 'adult-theft-1', subject: `cn-rid:${ADULT}`, occurredAt, ...theft })).subjectId;

    const t = civicOf(await view(teen));
    expect(t).toMatchObject({ score: 1000, grade: 'A', breakdown: [] });
    const a = civicOf(await view(adult));
    expect(a.score).toBe(940);
    expect(a.breakdown.map((b) => b.points)).toEqual([-60]);
    // What derivation stored (what the gate, the public view and the city figures read) agrees.
    const stored = (await env.f.ctx.store.getState(teen))?.state.schemes.find((x) => x.scheme === 'civic-points');
    expect(stored).toMatchObject({ score: 1000, breakdown: [] });
    expect((await env.f.ctx.store.getState(adult))?.state.schemes.find((x) => x.scheme === 'civic-points')?.score).toBe(940);
  });

  it('is put on no list by a court decision that lists an adult and bars them from flying', async () => {
    const spc = await sourceKey('spc');
    const decision = (caseNo: string) => ({ type: 'court.dishonest-debtor-decision', occurredAt: iso(NOW - 2 * DAY), facts: { caseNo, court: 'Rongcheng Court', ground: 'obstructs' } });
    await send(spc, { externalId: 'minor-debtor-1', subject: `cn-rid:${TEEN}`, ...decision('(2026)鲁1082执701号') });
    await send(spc, { externalId: 'adult-debtor-1', subject: `cn-rid:${ADULT}`, ...decision('(2026)鲁1082执702号') });

    const t = await view(teen);
    expect(t.state.entries).toEqual([]);
    expect(civicOf(t).score).toBe(1000);
    expect(await check(teen, 'transport.air.ticket')).toMatchObject({ decision: 'allow', measures: [] });
    // Nor in what derivation stored, which the list pages and the gate read.
    expect(await env.f.ctx.store.enforceableEntries([teen])).toEqual([]);

    const a = await view(adult);
    expect(a.state.entries.map((e: { list: string }) => e.list)).toEqual(expect.arrayContaining(['spc-dishonest-debtors', 'spc-high-consumption']));
    expect(civicOf(a).score).toBe(840);
    expect((await check(adult, 'transport.air.ticket')).decision).toBe('deny');
  });

  it('once 18, is scored for new conduct; conduct on the 18th birthday is still a minor’s, and the teenage records never count', async () => {
    const turns18 = adultFrom('2012-03-15');
    expect(iso(turns18)).toBe('2030-03-15T16:00:00.000Z');
    clock.now = turns18 + 5 * DAY;
    await tick(env.f.ctx, clock.now);
    const utilities = await sourceKey('utilities');
    const onBirthday = await send(utilities, { externalId: 'minor-theft-2', subject: `cn-rid:${TEEN}`, occurredAt: '2030-03-15T21:00:00+08:00', ...theft });
    const nextDay = await send(utilities, { externalId: 'minor-theft-3', subject: `cn-rid:${TEEN}`, occurredAt: '2030-03-16T09:00:00+08:00', ...theft });

    const c = civicOf(await view(teen));
    expect(c.score).toBe(940);
    expect(c.breakdown.map((b) => b.recordId)).toEqual([nextDay.recordId]);
    expect(c.breakdown.map((b) => b.recordId)).not.toContain(onBirthday.recordId);
    expect((await view(teen)).state.entries).toEqual([]);
    expect((await check(teen, 'transport.air.ticket')).decision).toBe('allow');
  });

  it('leaves neither their birth date nor the instant they turn 18 in the database', () => {
    const files = [join(env.f.dir, 'x.db'), join(env.f.dir, 'x.db-wal')].filter((p) => existsSync(p));
    expect(files.length).toBeGreaterThan(0);
    const turns18 = adultFrom('2012-03-15');
    for (const needle of ['2012-03-15', TEEN, String(turns18), iso(turns18)]) {
      expect(files.some((p) => readFileSync(p).includes(needle)), needle).toBe(false);
    }
  });
});
