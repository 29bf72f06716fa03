/**
 * The shapes of the documented API responses the UI reads (see docs/api.md). Texts from the
 * catalog (names, authorities, legal bases) are strings here: the API gives them in the language
 * the console asks for. Only a catalog document (`CatalogDocT`) keeps both languages.
 */
import type { Text } from './i18n';
export interface Stats {
  asOf: string;
  subjectsByKind: Record<string, number>;
  records: number;
  recordsByArea: Record<string, number>;
  recordsByProvince: Record<string, number>;
  recordsByType: Record<string, number>;
  listSizes: Record<string, number>;
  listFlows: Record<string, { month: string; inflow: number; outflow: number }[]>;
  /** The list flows over the range asked for (`GET /v1/stats?range=`): every period of it, by day or month. */
  flows: { range: '30d' | '90d' | '1y' | 'all'; bucket: 'day' | 'month'; from: string | null; periods: string[]; lists: Record<string, { period: string; inflow: number; outflow: number }[]> };
  grades: Record<string, Record<string, number>>;
  cases: { objections: { open: number; overdue: number }; repairs: { open: number; overdue: number } };
  audit: { entries: number };
  lists: { code: string; name: string; color: 'red' | 'black' }[];
  schemes: { code: string; grades: string[] }[];
}

export interface Breakdown {
  recordId: string;
  recordType: string;
  ruleId: string;
  points: number;
  capGrade?: string;
  legalBasis: string;
  from: string;
  until: string | null;
  disputed?: boolean;
}

export interface SchemeResult {
  scheme: string;
  score: number;
  grade: string;
  base: number;
  breakdown: Breakdown[];
  cappedBy?: { ruleId: string; recordId: string; grade: string } | null;
}

export interface Entry {
  id: string;
  list: string;
  subjectId: string;
  status: string;
  since: string;
  until: string | null;
  decidedAt?: string;
  endedAt?: string | null;
  endReason?: string | null;
  reasons: { recordId?: string; recordType?: string; ruleId: string; legalBasis: string; grade?: { scheme: string; grade: string } }[];
  via?: { subjectId: string; role: string } | null;
  exitConditions?: unknown;
}

export interface Measure {
  measure: string;
  action: string;
  effect: string;
  authority: string;
  legalBasis: string;
  list?: string;
  grade?: string;
  entryId?: string;
}

export interface TimelineItem {
  id: string;
  type: string;
  area: string;
  source: string;
  occurredAt: string;
  recordedAt: string;
  status: string;
  statuses: { status: string; at: string; reason?: string }[];
}

export interface SubjectViewT {
  subject: { id: string; kind: string; name: string | null; region: string; regionName?: string | null; createdAt: string; identifiers: { scheme: string; masked: string }[] };
  asOf: string;
  catalog: string;
  records: number;
  timeline?: TimelineItem[];
  state: { schemes: SchemeResult[]; entries: Entry[]; nextChangeAt?: string | null };
  related: Entry[];
  measures: Measure[];
}

export interface AccessLogItem {
  at: string;
  action: string;
  by: { name: string; role: string; id?: string };
  purpose: string | null;
  /** For a check, the action it was about (its `purpose` then says so in English). */
  checkedAction?: string;
  decision?: string;
  receipt?: string;
}

export interface Notice {
  id: string;
  kind: string;
  at: string;
  delivery: string;
  [k: string]: unknown;
}

export interface CatalogDocT {
  id: string;
  version: string;
  recordTypes?: CatalogItem[];
  schemes?: CatalogItem[];
  lists?: CatalogItem[];
  measures?: CatalogItem[];
  actions?: CatalogItem[];
  sources?: CatalogItem[];
  [k: string]: unknown;
}
export interface CatalogItem {
  code?: string;
  id?: string;
  /** `{ zh-CN, en }` (a draft being edited may have anything). */
  name?: Text;
  /** Citations of the laws register: `[{ law, art }]`. */
  legalBasis?: { law: string; art: string | string[] }[] | string;
  [k: string]: unknown;
}
