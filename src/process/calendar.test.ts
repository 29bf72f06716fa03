import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { WorkingCalendar, type CalendarDoc } from './calendar.js';

const doc = parse(readFileSync(join(import.meta.dirname, '..', '..', 'calendars', 'cn-mainland.yaml'), 'utf8')) as CalendarDoc;
const compiled = WorkingCalendar.compile(doc);
if (!compiled.ok) throw new Error(compiled.error);
const cal = compiled.value;

/** An instant given in Beijing time. */
const bj = (s: string) => Date.parse(`${s}+08:00`);
/** The end of a Beijing calendar day, as an instant. */
const endOf = (date: string) => Date.parse(`${date}T00:00:00+08:00`) + 86_400_000;

describe('the 2026 mainland calendar', () => {
  it('counts a deadline across National Day to the make-up Saturday', () => {
    // Filed Wednesday 30 Sep: 1–7 Oct are off; Thu 8, Fri 9 and the make-up Saturday 10 Oct count.
    expect(cal.addWorkingDays(bj('2026-09-30T10:00:00'), 3)).toBe(endOf('2026-10-10'));
  });

  it('counts the make-up Sunday before National Day and skips the ordinary weekend', () => {
    // Filed Friday 18 Sep: Sat 19 off, Sun 20 worked, then Mon 21 and Tue 22.
    expect(cal.addWorkingDays(bj('2026-09-18T17:30:00'), 3)).toBe(endOf('2026-09-22'));
  });

  it('runs over the Spring Festival: the make-up Saturday, nine days off, then Tuesday and Wednesday', () => {
    expect(cal.addWorkingDays(bj('2026-02-13T09:00:00'), 3)).toBe(endOf('2026-02-25'));
    // Seven, as when another unit must verify: Sat 14, Tue 24 to Fri 27, the make-up Saturday 28, Mon 2 Mar.
    expect(cal.addWorkingDays(bj('2026-02-13T09:00:00'), 7)).toBe(endOf('2026-03-02'));
  });

  it('counts days in Beijing time: late evening UTC is already the next day there', () => {
    // 2026-11-26T17:00Z is Friday 27 Nov 01:00 in Beijing; Mon 30, Tue 1 and Wed 2 Dec count.
    expect(cal.addWorkingDays(Date.parse('2026-11-26T17:00:00Z'), 3)).toBe(endOf('2026-12-02'));
  });

  it('knows which days are working days, and which years it covers', () => {
    const day = (d: string) => cal.localDay(bj(`${d}T12:00:00`));
    expect(cal.isWorkingDay(day('2026-10-01'))).toBe(false);
    expect(cal.isWorkingDay(day('2026-10-10'))).toBe(true);
    expect(cal.isWorkingDay(day('2026-10-11'))).toBe(false);
    expect(cal.isWorkingDay(day('2026-10-12'))).toBe(true);
    expect(cal.workingDaysBetween(bj('2026-09-30T10:00:00'), bj('2026-10-12T10:00:00'))).toBe(4);
    expect(cal.covers(2026)).toBe(true);
    expect(cal.covers(2027)).toBe(false);
  });

  it('names the years without listed holidays between two instants, in Beijing time', () => {
    expect(cal.uncoveredYears(bj('2026-12-07T10:00:00'), bj('2026-12-16T10:00:00'))).toEqual([]);
    // 2026-12-31T17:00Z is already 1 January 2027 in Beijing.
    expect(cal.uncoveredYears(bj('2026-12-28T10:00:00'), Date.parse('2026-12-31T17:00:00Z'))).toEqual([2027]);
    expect(cal.uncoveredYears(Date.parse('2026-12-31T15:00:00Z'), Date.parse('2026-12-31T15:30:00Z'))).toEqual([]);
    expect(cal.uncoveredYears(bj('2025-12-30T10:00:00'), bj('2027-01-04T10:00:00'))).toEqual([2025, 2027]);
  });

  it('refuses a calendar with an impossible date or a workday that is also a holiday', () => {
    expect(WorkingCalendar.compile({ ...doc, years: { 2026: { holidays: [{ from: '2026-02-30' }] } } })).toEqual({ ok: false, error: expect.stringContaining('holidays[0].from') });
    expect(WorkingCalendar.compile({ ...doc, years: { 2026: { holidays: [{ from: '2026-10-01', to: '2026-10-07' }], workdays: ['2026-10-03'] } } })).toEqual({ ok: false, error: expect.stringContaining('also a holiday') });
  });
});
