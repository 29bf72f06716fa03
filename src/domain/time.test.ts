import { describe, expect, it } from 'vitest';
import { addDuration, parseDuration, parseInstant, type Duration } from './time.js';

const dur = (t: string): Duration => {
  const r = parseDuration(t);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};
const T = (s: string) => {
  const r = parseInstant(s);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

/** The obvious implementation with Date, as the reference. */
function reference(at: number, d: Duration): number {
  const date = new Date(at);
  const months = d.years * 12 + d.months;
  if (months) {
    const y = date.getUTCFullYear(), m = date.getUTCMonth() + months, day = date.getUTCDate();
    date.setUTCFullYear(y, m, Math.min(day, new Date(Date.UTC(y, m + 1, 0)).getUTCDate()));
  }
  return date.getTime() + (d.weeks * 7 + d.days) * 86_400_000 + d.hours * 3_600_000 + d.minutes * 60_000 + d.seconds * 1000;
}

describe('addDuration', () => {
  it('ends a month at the last day of a shorter month', () => {
    expect(addDuration(T('2026-01-31'), dur('P1M'))).toBe(T('2026-02-28'));
    expect(addDuration(T('2024-01-31'), dur('P1M'))).toBe(T('2024-02-29'));
    expect(addDuration(T('2024-02-29'), dur('P1Y'))).toBe(T('2025-02-28'));
    expect(addDuration(T('2023-03-15T10:30:00Z'), dur('P2Y6M'))).toBe(T('2025-09-15T10:30:00Z'));
    expect(addDuration(T('2026-11-27'), dur('P10D'))).toBe(T('2026-12-07'));
  });

  it('agrees with the Date-based reference over 20,000 random instants and periods', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const periods = ['P1M', 'P2Y', 'P3M', 'P5Y', 'P6M', 'P1Y2M10D', 'P10D', 'PT12H', 'P13M', 'P400Y'].map(dur);
    for (let i = 0; i < 20_000; i++) {
      const at = Math.floor(Date.UTC(1901, 0, 1) + rnd() * (Date.UTC(2099, 0, 1) - Date.UTC(1901, 0, 1)));
      const d = periods[i % periods.length];
      expect(addDuration(at, d)).toBe(reference(at, d));
    }
  });
});

describe('parseInstant', () => {
  it('accepts dates and date-times with offsets, refusing impossible ones', () => {
    expect(T('2026-06-30')).toBe(Date.UTC(2026, 5, 30));
    expect(T('2026-06-30T08:00:00+08:00')).toBe(Date.UTC(2026, 5, 30, 0));
    for (const bad of ['2026-02-30', '2026-13-01', '2026-06-30T25:00:00Z', '2026-06-30T08:00:00', '30/06/2026', '', '0026-11-27', '0099-01-01T00:00:00Z']) {
      expect(parseInstant(bad).ok, bad).toBe(false);
    }
  });
});

describe('parseDuration', () => {
  it('refuses what is not a positive finite calendar period', () => {
    for (const bad of ['forever', 'P0D', '-P1Y', 'P1.5Y', '']) expect(parseDuration(bad).ok, bad).toBe(false);
    expect(parseDuration('P2Y').ok).toBe(true);
  });
});
