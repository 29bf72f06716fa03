/**
 * The SPC scenario through the HTTP API with a controlled clock: a debtor listed on ground 2 is
 * refused a flight; once the debtor performs, the entry is deleted within 3 working days and the
 * ticket is allowed; a check as of the listing date is still refused, and the first receipt still
 * says what was decided then.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Server } from '../../src/api/server.js';
import { WorkingCalendar, type CalendarDoc } from '../../src/process/calendar.js';
import { clockedScenario, type Fixture } from '../api/fixture.js';

const cal = (() => {
  const r = WorkingCalendar.compile(parse(readFileSync(join(import.meta.dirname, '..', '..', 'calendars', 'cn-mainland.yaml'), 'utf8')) as CalendarDoc);
  if (!r.ok) throw new Error(r.error);
  return r.value;
})();

const scenario = clockedScenario();
const clock = scenario.clock;
let f: Fixture;
let s: Server;
beforeAll(async () => {
  ({ f, s } = scenario);
});

const as = (role: 'source' | 'checker' | 'reviewer') => ({ authorization: `Bearer ${f.keys[role]}` });
const AIR = 'transport.air.ticket';
const CASE = '(2026)浙0102执1234号';

describe('SPC: listing on ground 2, performance, deletion', () => {
  it('is denied, performs, is deleted within 3 working days, and the past stays as it was', async () => {
    const debtor = f.clean;
    clock.now = Date.parse('2026-11-20T09:00:00+08:00');
    const listed = await s.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: as('source'),
      payload: { externalId: 'spc-scn-1', type: 'court.dishonest-debtor-decision', subject: debtor, occurredAt: '2026-11-20T09:00:00+08:00', facts: { caseNo: CASE, court: 'Hangzhou Shangcheng District People’s Court', ground: 'evades', obligationYuan: 120000 } },
    });
    expect(listed.statusCode).toBe(201);

    clock.now = Date.parse('2026-11-23T10:00:00+08:00');
    const first = await s.app.inject({ method: 'POST', url: '/v1/checks', headers: as('checker'), payload: { subject: debtor, action: AIR, reference: 'booking CA1502' } });
    const given = first.json();
    expect(given.decision).toBe('deny');
    expect(given.measures.map((m: { list: string }) => m.list)).toContain('spc-dishonest-debtors');
    expect(given.measures[0].reasons[0].ruleId).toBe('grounds-2-6');

    // Performance on Friday 27 November; the court reports it on Monday 30 November.
    const performedAt = Date.parse('2026-11-27T15:00:00+08:00');
    clock.now = Date.parse('2026-11-30T09:30:00+08:00');
    const performed = await s.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: as('source'),
      payload: { externalId: 'spc-scn-2', type: 'court.obligation-performed', subject: debtor, occurredAt: '2026-11-27T15:00:00+08:00', facts: { caseNo: CASE, how: 'full-performance' } },
    });
    expect(performed.statusCode).toBe(201);

    const now = await s.app.inject({ method: 'POST', url: '/v1/checks', headers: as('checker'), payload: { subject: debtor, action: AIR } });
    expect(now.json()).toMatchObject({ decision: 'allow', measures: [] });

    const view = await s.app.inject({ method: 'GET', url: `/v1/subjects/${debtor}?purpose=${encodeURIComponent('scenario check')}`, headers: as('reviewer') });
    const entry = (view.json().state.entries as { list: string; status: string; endedAt?: string }[]).find((e) => e.list === 'spc-dishonest-debtors');
    expect(entry?.status).toBe('exited');
    const ended = Date.parse(entry?.endedAt as string);
    // Deleted within 3 working days of the performance (Art. 10).
    expect(ended).toBeLessThanOrEqual(cal.addWorkingDays(performedAt, 3));
    expect(ended).toBeGreaterThanOrEqual(performedAt);

    // As of the listing date, the answer is still what it was then.
    const past = await s.app.inject({ method: 'POST', url: '/v1/checks', headers: as('checker'), payload: { subject: debtor, action: AIR, at: '2026-11-21T12:00:00+08:00' } });
    expect(past.json().decision).toBe('deny');

    // The debtor was told of each step: the record, the listing in effect, and its end.
    const told = await f.ctx.store.listNotices({ subjectId: debtor, limit: 50 });
    const kinds = told.map((n) => `${n.kind}:${(n.payload as { list?: string; type?: string }).list ?? (n.payload as { type?: string }).type}`);
    expect(kinds).toEqual(expect.arrayContaining(['record.added:court.dishonest-debtor-decision', 'listing.effective:spc-dishonest-debtors', 'listing.ended:spc-dishonest-debtors', 'record.added:court.obligation-performed']));
    expect(told.find((n) => n.kind === 'listing.effective')?.payload).toMatchObject({
      howToObject: { en: expect.stringContaining('/v1/objections'), 'zh-CN': expect.stringContaining('/v1/objections') },
      legalBasis: { en: expect.stringContaining('SPC Provisions'), 'zh-CN': expect.stringContaining('最高人民法院') },
    });

    // And the first receipt is unchanged.
    await s.svc.receipts.flush();
    const receipt = await s.app.inject({ method: 'GET', url: `/v1/checks/${given.receipt}`, headers: as('checker') });
    expect(receipt.json().decided).toEqual(given);
  });
});
