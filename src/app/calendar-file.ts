/** Loads a working-day calendar file (YAML), refusing one that does not compile. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Instant } from '../domain/types.js';
import { WorkingCalendar, type CalendarDoc } from '../process/calendar.js';
import type { App } from './context.js';
import { packageRoot } from './paths.js';

export function defaultCalendarFile(): string {
  return join(packageRoot(), 'calendars', 'cn-mainland.yaml');
}

export function loadCalendar(file: string): WorkingCalendar {
  const r = WorkingCalendar.compile(parse(readFileSync(file, 'utf8')) as CalendarDoc);
  if (!r.ok) throw new Error(`${file}: ${r.error}`);
  return r.value;
}

/**
 * What is wrong with the calendar for the deadlines counted from `now`, if anything: the years
 * without listed holidays that the longest due-process period of the catalog in force (objections
 * extended, repairs), started now, reaches into. There only weekends are known, so a deadline
 * could fall on a public holiday. Null when every day those periods count is known, as for most
 * of a year whose holidays are listed, even when next year's are not published yet.
 */
export function calendarGap(app: Pick<App, 'calendar' | 'ctx'>, now: Instant): { years: number[]; until: Instant; message: string } | null {
  const { objectionDays, objectionDaysExtended, repairDays } = app.ctx.catalog.dueProcess;
  const days = Math.max(objectionDays, objectionDaysExtended, repairDays);
  const until = app.calendar.addWorkingDays(now, days);
  const years = app.calendar.uncoveredYears(now, until - 1);
  if (years.length === 0) return null;
  const named = years.join(' and ');
  return {
    years,
    until,
    message:
      `the working-day calendar ${app.calendar.id} lists no public holidays for ${named}, and due-process deadlines counted from now (up to ${days} working days) reach into it: ` +
      `there they count weekends only. Add ${named} to the calendar file (calendars/cn-mainland.yaml, or the one given with --calendar) once its holidays are published`,
  };
}
