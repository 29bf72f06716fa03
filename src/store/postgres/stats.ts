/** Statistics of the whole store (`summary`) on PostgreSQL, each figure one SQL aggregate, run in parallel. */
import type { SubjectKind } from '../../domain/types.js';
import type { FlowPeriod, FlowQuery } from '../port/stats.js';
import type { StatsPort, StoreSummary } from '../port/index.js';
import type { PostgresDb } from './db.js';

export class PostgresStats implements StatsPort {
  constructor(private readonly db: PostgresDb) {}

  private async counts(sql: string): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const r of await this.db.q(sql)) out[r.k as string] = r.n as number;
    return out;
  }

  async summary(): Promise<StoreSummary> {
    const subjectsByKind = { person: 0, enterprise: 0, institution: 0, government: 0 } as Record<SubjectKind, number>;
    const month = (column: string) => `to_char(to_timestamp(${column} / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM')`;
    const [kinds, recordsByArea, recordsByType, recordsByProvince, listSizes, breakdown, flows, gradeRows, audit] = await Promise.all([
      this.counts('SELECT kind AS k, COUNT(*) AS n FROM subjects GROUP BY kind'),
      this.counts('SELECT area AS k, COUNT(*) AS n FROM records WHERE expired_at IS NULL GROUP BY area ORDER BY area'),
      this.counts('SELECT type AS k, COUNT(*) AS n FROM records WHERE expired_at IS NULL GROUP BY type ORDER BY type'),
      this.counts(
        `SELECT CASE WHEN s.region ~ '^[0-9]{2}' THEN substr(s.region, 1, 2) || '0000' ELSE 'unknown' END AS k, SUM(r.n)::bigint AS n
         FROM (SELECT subject_id, COUNT(*) AS n FROM records WHERE expired_at IS NULL GROUP BY subject_id) r JOIN subjects s ON s.subject_id = r.subject_id GROUP BY 1 ORDER BY 1`,
      ),
      this.counts("SELECT list AS k, COUNT(DISTINCT subject_id) AS n FROM list_entries WHERE status IN ('pending', 'active') GROUP BY list ORDER BY list"),
      this.db.q(
        `SELECT e.list AS list, CASE WHEN e.via_subject_id IS NULL THEN s.kind ELSE 'via-role' END AS k, COUNT(DISTINCT e.subject_id) AS n
         FROM list_entries e JOIN subjects s ON s.subject_id = e.subject_id WHERE e.status IN ('pending', 'active') GROUP BY 1, 2 ORDER BY 1, 2`,
      ),
      this.db.q(
        `SELECT list, month, SUM(i)::bigint AS inflow, SUM(o)::bigint AS outflow FROM (
           SELECT list, ${month('since')} AS month, COUNT(*) AS i, 0 AS o FROM list_entries GROUP BY 1, 2
           UNION ALL
           SELECT list, ${month('ended_at')} AS month, 0 AS i, COUNT(*) AS o FROM list_entries WHERE ended_at IS NOT NULL GROUP BY 1, 2
         ) f GROUP BY list, month ORDER BY list, month`,
      ),
      this.db.q('SELECT g.key AS scheme, g.value AS grade, COUNT(*) AS n FROM subject_states, jsonb_each_text(subject_states.grades) AS g GROUP BY g.key, g.value ORDER BY g.key, g.value'),
      this.db.one('SELECT COUNT(*) AS n FROM audit_log'),
    ]);
    Object.assign(subjectsByKind, kinds);
    const listBreakdown: StoreSummary['listBreakdown'] = {};
    for (const r of breakdown) (listBreakdown[r.list as string] ??= {})[r.k as string] = r.n as number;
    const listFlows: StoreSummary['listFlows'] = {};
    for (const r of flows) (listFlows[r.list as string] ??= []).push({ month: r.month as string, inflow: r.inflow as number, outflow: r.outflow as number });
    const grades: Record<string, Record<string, number>> = {};
    for (const r of gradeRows) (grades[r.scheme as string] ??= {})[r.grade as string] = r.n as number;
    const records = Object.values(recordsByArea).reduce((a, b) => a + b, 0);
    return { subjectsByKind, records, recordsByArea, recordsByProvince, recordsByType, listSizes, listBreakdown, listFlows, grades, auditEntries: (audit?.n as number) ?? 0 };
  }

  async listFlows(q: FlowQuery): Promise<Record<string, FlowPeriod[]>> {
    const fmt = q.bucket === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM';
    const period = (column: string) => `to_char(to_timestamp(${column} / 1000.0) AT TIME ZONE 'UTC', '${fmt}')`;
    const from = q.from ?? Number.MIN_SAFE_INTEGER;
    const rows = await this.db.q(
      `SELECT list, period, SUM(i)::bigint AS inflow, SUM(o)::bigint AS outflow FROM (
         SELECT list, ${period('since')} AS period, COUNT(*) AS i, 0 AS o FROM list_entries WHERE since >= $1 GROUP BY 1, 2
         UNION ALL
         SELECT list, ${period('ended_at')} AS period, 0 AS i, COUNT(*) AS o FROM list_entries WHERE ended_at IS NOT NULL AND ended_at >= $1 GROUP BY 1, 2
       ) f GROUP BY list, period ORDER BY list, period`,
      [from],
    );
    const out: Record<string, FlowPeriod[]> = {};
    for (const r of rows) (out[r.list as string] ??= []).push({ period: r.period as string, inflow: Number(r.inflow), outflow: Number(r.outflow) });
    return out;
  }
}
