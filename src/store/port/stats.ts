/** Statistics of the whole store. */
import type { SubjectKind } from '../../domain/types.js';

export interface StoreSummary {
  subjectsByKind: Record<SubjectKind, number>;
  /** Records held: expired ones (past their retention) are not counted, here or below. */
  records: number;
  recordsByArea: Record<string, number>;
  /**
   * Records by the province of their subject: the first two digits of its GB/T 2260 `region`
   * followed by `0000` (`370000`); `unknown` for subjects whose region is not known.
   */
  recordsByProvince: Record<string, number>;
  recordsByType: Record<string, number>;
  /** Subjects with a pending or active entry, by list. */
  listSizes: Record<string, number>;
  /** Per list: subjects listed directly, by kind, and persons bound through a legal role (`via-role`). */
  listBreakdown: Record<string, Record<string, number>>;
  /**
   * Per list, per calendar month (UTC, `YYYY-MM`, ascending): entries that began (`since`) that
   * month and entries that ended (`endedAt`) that month. Only months with one or the other.
   */
  listFlows: Record<string, ListFlow[]>;
  /** Grade distribution per scheme. */
  grades: Record<string, Record<string, number>>;
  auditEntries: number;
}

export interface ListFlow {
  month: string;
  inflow: number;
  outflow: number;
}

/** Entries that began and ended in one period: a UTC day (`YYYY-MM-DD`) or month (`YYYY-MM`). */
export interface FlowPeriod {
  period: string;
  inflow: number;
  outflow: number;
}

export interface FlowQuery {
  /** Only beginnings and ends at or after this instant (null: since the first entry). */
  from: number | null;
  bucket: 'day' | 'month';
}

export interface StatsPort {
  summary(): Promise<StoreSummary>;
  /**
   * Per list, per UTC day or month (ascending): entries that began (`since`) and ended
   * (`endedAt`) in it, counting only those at or after `from`. Only periods with one or the other.
   */
  listFlows(q: FlowQuery): Promise<Record<string, FlowPeriod[]>>;
}
