/** Loads a working-day calendar file (YAML), refusing one that does not compile. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { WorkingCalendar, type CalendarDoc } from '../process/calendar.js';
import { packageRoot } from './paths.js';

export function defaultCalendarFile(): string {
  return join(packageRoot(), 'calendars', 'cn-mainland.yaml');
}

export function loadCalendar(file: string): WorkingCalendar {
  const r = WorkingCalendar.compile(parse(readFileSync(file, 'utf8')) as CalendarDoc);
  if (!r.ok) throw new Error(`${file}: ${r.error}`);
  return r.value;
}
