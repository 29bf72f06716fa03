/**
 * Statistics of the whole store (`summary`), each figure one SQL aggregate: nothing is loaded row by
 * row, so it answers in the time the indexes allow on a city-sized database.
 */
import type { SubjectKind } from '../../domain/types.js';
import type { FlowPeriod, FlowQuery } from '../port/stats.js';
import type { StatsPort, StoreSummary } from '../port/index.js';
import type { Row, SqliteDb } from './db.js';

/** The calendar month (UTC, `YYYY-MM`) of an epoch-ms column. */
const month = (column: string) => `strftime('%Y-%m', ${column} / 1000.0, 'unixepoch')`;
/** The calendar day (UTC, `YYYY-MM-DD`) of an epoch-ms column. */
const dayOf = (column: string) => `strftime('%Y-%m-%d', ${column} / 1000.0, 'unixepoch')`;

export class SqliteStats implements StatsPort {
  constructor(private readonly db: SqliteDb) {}

  /** `{ key: count }` from a query returning rows `(k, n)`. */
  private counts(sql: string): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.db.st(sql).all() as Row[]) out[r.k as string] = r.n as number;
    return out;
  }

  async summary(): Promise<StoreSummary> {
    const subjectsByKind = { person: 0, enterprise: 0, institution: 0, government: 0 } as Record<SubjectKind, number>;
    Object.assign(subjectsByKind, this.counts('SELECT kind AS k, COUNT(*) AS n FROM subjects GROUP BY kind'));
    const recordsByArea = this.counts('SELECT area AS k, COUNT(*) AS n FROM records WHERE expired_at IS NULL GROUP BY area ORDER BY area');
    const records = Object.values(recordsByArea).reduce((a, b) => a + b, 0);
    const recordsByType = this.counts('SELECT type AS k, COUNT(*) AS n FROM records WHERE expired_at IS NULL GROUP BY type ORDER BY type');
    // Grouped by subject first, so the join to subjects is once per subject, not once per record.
    const recordsByProvince = this.counts(
      `SELECT CASE WHEN s.region GLOB '[0-9][0-9]*' THEN substr(s.region, 1, 2) || '0000' ELSE 'unknown' END AS k, SUM(r.n) AS n
       FROM (SELECT subject_id, COUNT(*) AS n FROM records WHERE expired_at IS NULL GROUP BY subject_id) r JOIN subjects s ON s.id = r.subject_id GROUP BY 1 ORDER BY 1`,
    );
    const listSizes = this.counts("SELECT list AS k, COUNT(DISTINCT subject_id) AS n FROM list_entries WHERE status IN ('pending', 'active') GROUP BY list ORDER BY list");
    const listBreakdown: StoreSummary['listBreakdown'] = {};
    for (const r of this.db.st(
      `SELECT e.list AS list, CASE WHEN e.via_subject_id IS NULL THEN s.kind ELSE 'via-role' END AS k, COUNT(DISTINCT e.subject_id) AS n
       FROM list_entries e JOIN subjects s ON s.id = e.subject_id WHERE e.status IN ('pending', 'active') GROUP BY 1, 2 ORDER BY 1, 2`,
    ).all() as Row[]) {
      (listBreakdown[r.list as string] ??= {})[r.k as string] = r.n as number;
    }
    const listFlows: StoreSummary['listFlows'] = {};
    for (const r of this.db.st(
      `SELECT list, month, SUM(i) AS inflow, SUM(o) AS outflow FROM (
         SELECT list, ${month('since')} AS month, COUNT(*) AS i, 0 AS o FROM list_entries GROUP BY 1, 2
         UNION ALL
         SELECT list, ${month('ended_at')} AS month, 0 AS i, COUNT(*) AS o FROM list_entries WHERE ended_at IS NOT NULL GROUP BY 1, 2
       ) GROUP BY list, month ORDER BY list, month`,
    ).all() as Row[]) {
      (listFlows[r.list as string] ??= []).push({ month: r.month as string, inflow: r.inflow as number, outflow: r.outflow as number });
    }
    const grades: Record<string, Record<string, number>> = {};
    for (const r of this.db.st(
      'SELECT g.key AS scheme, g.value AS grade, COUNT(*) AS n FROM subject_states, json_each(subject_states.grades) AS g GROUP BY g.key, g.value ORDER BY g.key, g.value',
    ).all() as Row[]) {
      (grades[r.scheme as string] ??= {})[r.grade as string] = r.n as number;
    }
    const auditEntries = ((this.db.st('SELECT COUNT(*) AS n FROM audit_log').get() as Row).n as number) ?? 0;
    return { subjectsByKind, records, recordsByArea, recordsByProvince, recordsByType, listSizes, listBreakdown, listFlows, grades, auditEntries };
  }

  async listFlows(q: FlowQuery): Promise<Record<string, FlowPeriod[]>> {
    const period = q.bucket === 'day' ? dayOf : month;
    const from = q.from ?? Number.MIN_SAFE_INTEGER;
    const out: Record<string, FlowPeriod[]> = {};
    for (const r of this.db
      .st(
        `SELECT list, period, SUM(i) AS inflow, SUM(o) AS outflow FROM (
           SELECT list, ${period('since')} AS period, COUNT(*) AS i, 0 AS o FROM list_entries WHERE since >= ? GROUP BY 1, 2
           UNION ALL
           SELECT list, ${period('ended_at')} AS period, 0 AS i, COUNT(*) AS o FROM list_entries WHERE ended_at IS NOT NULL AND ended_at >= ? GROUP BY 1, 2
         ) GROUP BY list, period ORDER BY list, period`,
      )
      .all(from, from) as Row[]) {
      (out[r.list as string] ??= []).push({ period: r.period as string, inflow: r.inflow as number, outflow: r.outflow as number });
    }
    return out;
  }
}
