/**
 * Working days: the deadlines of due process (objections, repairs, the SPC's deletion after
 * performance) are counted in working days of a published calendar — weekends and public
 * holidays off, make-up working days on. Pure: the calendar is data, instants are parameters.
 *
 * Counting follows the usual rule for administrative deadlines: the day of the event is not
 * counted; the period ends at the end (local midnight) of its last working day.
 */
import type { Instant, Result } from '../domain/types.js';
import { err, ok } from '../domain/types.js';

export interface CalendarDoc {
  id: string;
  name?: string;
  /** The offset local days are counted in, e.g. `+08:00`. */
  offset: string;
  weekend: string[];
  years: Record<string, { holidays?: { from: string; to?: string; name?: string }[]; workdays?: string[] }>;
}

const DAY = 86_400_000;
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A compiled calendar. Days are numbered as local days since the epoch. */
export class WorkingCalendar {
  private constructor(
    readonly id: string,
    private readonly offsetMs: number,
    private readonly weekend: ReadonlySet<number>,
    private readonly holidays: ReadonlyMap<number, string>,
    private readonly workdays: ReadonlySet<number>,
    private readonly years: ReadonlySet<number>,
  ) {}

  /** Compiles a calendar document, naming the field of the first problem. */
  static compile(doc: CalendarDoc): Result<WorkingCalendar, string> {
    if (!doc || typeof doc !== 'object') return err('a calendar is a mapping with id, offset, weekend and years');
    if (typeof doc.id !== 'string' || !doc.id) return err('id: required');
    const off = /^([+-])(\d{2}):(\d{2})$/.exec(String(doc.offset ?? ''));
    if (!off) return err(`offset: '${doc.offset}' is not ±HH:MM`);
    const offsetMs = (off[1] === '-' ? -1 : 1) * (Number(off[2]) * 60 + Number(off[3])) * 60_000;
    const weekend = new Set<number>();
    for (const w of doc.weekend ?? []) {
      const i = WEEKDAYS.indexOf(String(w).toLowerCase());
      if (i < 0) return err(`weekend: '${w}' is not a day of the week`);
      weekend.add(i);
    }
    const holidays = new Map<number, string>();
    const workdays = new Set<number>();
    const years = new Set<number>();
    for (const [y, spec] of Object.entries(doc.years ?? {})) {
      if (!/^\d{4}$/.test(y)) return err(`years: '${y}' is not a year`);
      years.add(Number(y));
      for (const [i, h] of (spec.holidays ?? []).entries()) {
        const from = dayOf(String(h.from));
        const to = dayOf(String(h.to ?? h.from));
        if (from === null) return err(`years.${y}.holidays[${i}].from: '${h.from}' is not a date`);
        if (to === null || to < from) return err(`years.${y}.holidays[${i}].to: '${h.to}' is not a date on or after from`);
        for (let d = from; d <= to; d++) holidays.set(d, h.name ?? 'holiday');
      }
      for (const [i, w] of (spec.workdays ?? []).entries()) {
        const d = dayOf(String(w));
        if (d === null) return err(`years.${y}.workdays[${i}]: '${w}' is not a date`);
        if (holidays.has(d)) return err(`years.${y}.workdays[${i}]: ${w} is also a holiday`);
        workdays.add(d);
      }
    }
    return ok(new WorkingCalendar(doc.id, offsetMs, weekend, holidays, workdays, years));
  }

  /** Whether the calendar lists holidays for `year` (outside them only weekends are known). */
  covers(year: number): boolean {
    return this.years.has(year);
  }

  /**
   * The years, from the local day of `from` to that of `to`, for which the calendar lists no
   * holidays: there it knows only weekends. Empty when every day counted there is known.
   */
  uncoveredYears(from: Instant, to: Instant): number[] {
    const first = new Date(this.dayStart(this.localDay(from)) + this.offsetMs).getUTCFullYear();
    const last = new Date(this.dayStart(this.localDay(to)) + this.offsetMs).getUTCFullYear();
    const out: number[] = [];
    for (let y = first; y <= last; y++) if (!this.years.has(y)) out.push(y);
    return out;
  }

  /** The local day (days since 1970-01-01 local) an instant falls on. */
  localDay(at: Instant): number {
    return Math.floor((at + this.offsetMs) / DAY);
  }

  /** The instant a local day begins. */
  dayStart(day: number): Instant {
    return day * DAY - this.offsetMs;
  }

  isWorkingDay(day: number): boolean {
    if (this.workdays.has(day)) return true;
    if (this.holidays.has(day)) return false;
    // 1970-01-01 was a Thursday (index 4).
    return !this.weekend.has((((day + 4) % 7) + 7) % 7);
  }

  /**
   * The end of the `n`-th working day after the day `at` falls on (that day not counted): the
   * deadline of a period of `n` working days that starts at `at`. `n` = 0 is the end of that day.
   */
  addWorkingDays(at: Instant, n: number): Instant {
    let day = this.localDay(at);
    for (let left = n; left > 0; ) {
      day++;
      if (this.isWorkingDay(day)) left--;
    }
    return this.dayStart(day + 1);
  }

  /** Working days from `from` to `to`, counting neither the day of `from` nor days after `to`'s. */
  workingDaysBetween(from: Instant, to: Instant): number {
    let n = 0;
    const last = this.localDay(to);
    for (let day = this.localDay(from) + 1; day <= last; day++) if (this.isWorkingDay(day)) n++;
    return n;
  }
}

/** `YYYY-MM-DD` as days since 1970-01-01, or null when it is not a real date. */
function dayOf(text: string): number | null {
  const m = DATE.exec(text.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = Date.UTC(y, mo - 1, d);
  const back = new Date(t);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return t / DAY;
}
