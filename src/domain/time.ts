/**
 * Time helpers for the functional core. Nothing here reads the clock: every instant is a
 * parameter. Calendar arithmetic is done in UTC so that a rebuild anywhere gives the same answer.
 */
import { parse as parseIsoDuration } from 'tinyduration';
import type { Instant, Result } from './types.js';
import { err, ok } from './types.js';

/** A parsed ISO-8601 duration (`P2Y`, `P3M`, `P10D`, `PT12H`), kept with its source text. */
export interface Duration {
  text: string;
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

/** Parses an ISO-8601 duration. Negative or zero durations are refused: periods in a catalog are lengths. */
export function parseDuration(text: string): Result<Duration, string> {
  if (typeof text !== 'string' || text.length === 0) return err('a duration must be an ISO-8601 string such as P2Y');
  let d;
  try {
    d = parseIsoDuration(text);
  } catch {
    return err(`'${text}' is not an ISO-8601 duration (examples: P2Y, P6M, P10D, PT12H)`);
  }
  if (d.negative) return err(`'${text}' is negative; periods must be positive`);
  const out: Duration = {
    text,
    years: d.years ?? 0,
    months: d.months ?? 0,
    weeks: d.weeks ?? 0,
    days: d.days ?? 0,
    hours: d.hours ?? 0,
    minutes: d.minutes ?? 0,
    seconds: d.seconds ?? 0,
  };
  const parts = [out.years, out.months, out.weeks, out.days, out.hours, out.minutes, out.seconds];
  if (parts.some((n) => !Number.isFinite(n))) return err(`'${text}' is not a finite duration`);
  if (parts.every((n) => n === 0)) return err(`'${text}' is zero; periods must be positive`);
  if ([out.years, out.months].some((n) => !Number.isInteger(n))) {
    return err(`'${text}' has a fractional year or month, which has no calendar meaning`);
  }
  return ok(out);
}

/**
 * Adds a duration to an instant on the UTC calendar (P1M from 31 Jan is the last day of February).
 * Integer civil-date arithmetic (H. Hinnant's algorithms) rather than a `Date` per call: scoring
 * adds periods to every record, and this is on that path.
 */
export function addDuration(at: Instant, d: Duration, times = 1): Instant {
  let t = at;
  const months = (d.years * 12 + d.months) * times;
  if (months !== 0) {
    const days = Math.floor(t / DAY_MS);
    const inDay = t - days * DAY_MS;
    const [y, m, day] = civilFromDays(days);
    const total = y * 12 + (m - 1) + months;
    const ny = Math.floor(total / 12);
    const nm = total - ny * 12 + 1;
    t = daysFromCivil(ny, nm, Math.min(day, daysInMonth(ny, nm))) * DAY_MS + inDay;
  }
  return t + ((d.weeks * 7 + d.days) * DAY_MS + d.hours * 3_600_000 + d.minutes * 60_000 + d.seconds * 1000) * times;
}

/** Days since 1970-01-01 → [year, month 1–12, day 1–31] (proleptic Gregorian). */
function civilFromDays(z0: number): [number, number, number] {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** [year, month 1–12, day] → days since 1970-01-01. */
function daysFromCivil(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Adds whole years on the UTC calendar. */
export function addYears(at: Instant, years: number): Instant {
  return addDuration(at, { text: `P${years}Y`, years, months: 0, weeks: 0, days: 0, hours: 0, minutes: 0, seconds: 0 });
}

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses an ISO-8601 date or date-time strictly: impossible calendar dates (2026-02-30) and
 * times (25:00) are refused rather than rolled over, as `Date.parse` would. A date-time without
 * an offset is refused too, because "08:00 somewhere" is not an instant.
 */
export function parseInstant(text: string): Result<Instant, string> {
  if (typeof text !== 'string') return err('must be an ISO-8601 date or date-time string');
  const m = ISO_INSTANT.exec(text.trim());
  if (!m) return err(`'${text}' is not an ISO-8601 date (YYYY-MM-DD) or date-time with offset`);
  const [, ys, mos, ds, hs, mis, ss, frac, tz] = m;
  const y = Number(ys), mo = Number(mos), d = Number(ds);
  const h = hs ? Number(hs) : 0, mi = mis ? Number(mis) : 0, s = ss ? Number(ss) : 0;
  if (hs && !tz) return err(`'${text}' has a time but no offset; add Z or +08:00`);
  // Date.UTC reads years 0–99 as 1900–1999; no credit record or question is about antiquity anyway.
  if (y < 1000) return err(`'${text}' has year ${y}; years before 1000 are not accepted`);
  if (mo < 1 || mo > 12) return err(`'${text}' has month ${mo}, which does not exist`);
  const lastDay = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d < 1 || d > lastDay) return err(`'${text}' has day ${d}, but that month has ${lastDay} days`);
  if (h > 23 || mi > 59 || s > 59) return err(`'${text}' has an impossible time of day`);
  let offsetMin = 0;
  if (tz && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2)), om = Number(digits.slice(2, 4));
    if (oh > 14 || om > 59) return err(`'${text}' has an impossible offset`);
    offsetMin = sign * (oh * 60 + om);
  }
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  return ok(Date.UTC(y, mo - 1, d, h, mi, s, ms) - offsetMin * 60_000);
}

/** Formats an instant as ISO-8601 UTC. */
export function formatInstant(at: Instant): string {
  return new Date(at).toISOString();
}

/** Formats an instant, or `null`, for output. */
export function formatMaybe(at: Instant | null | undefined): string | null {
  return at === null || at === undefined ? null : new Date(at).toISOString();
}

export const DAY_MS = 86_400_000;
