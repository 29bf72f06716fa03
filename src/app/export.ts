/**
 * The CSV exports (issue 17, build item 5): a list's entries, the review queue (objections and
 * repair applications), audit entries and search results, as a spreadsheet opens them. The same
 * rows as the JSON reads, every matching row up to `EXPORT_MAX_ROWS` (more is refused: narrow the
 * filter), with a header row in the reader's language and a stable column order.
 *
 * The file: UTF-8 with a byte-order mark (so Excel keeps the Chinese), CRLF line ends, RFC 4180
 * quoting, and a cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
 * a tab or a CR) is prefixed with `'`.
 *
 * Least exposure: an export of persons' data takes a purpose, as a read does (`readPurpose`), and
 * each person whose data is in the file has an `export.read` entry, with the purpose, in their
 * access log. Identifiers are only ever the masked ones the JSON shows.
 */
import { stringify } from 'csv-stringify/sync';
import { AUDIT } from '../audit/actions.js';
import type { AuditEntry, AuditEntryInput } from '../audit/index.js';
import type { Lang, ListEntry, LocalText } from '../domain/types.js';
import type { Objection } from '../process/objections.js';
import type { Repair } from '../process/repairs.js';
import type { CaseRow } from '../store/port.js';
import type { Caller } from './access.js';
import { auditEntries, type AuditFilters } from './audit.js';
import { findCases, type CaseFilters, type Handling } from './cases.js';
import type { App } from './context.js';
import { invalid } from './errors.js';
import { iso, isoInstants } from './json.js';
import { listEntriesPage, searchPage, type ListedSubject, type SearchFor, type SearchResult } from './reads.js';
import { readPurpose, requiredPurpose } from './subjects.js';

/** The most rows one export holds; past it the export is refused (narrow the filter). */
export const EXPORT_MAX_ROWS = 100_000;

/** Rows are read from the store this many at a time. */
const PAGE = 1000;

/** A CSV file, ready to send. */
export interface CsvExport {
  filename: string;
  body: string;
  rows: number;
}

/** A column: its header in both languages and how a row fills it. */
interface Column<R> {
  label: LocalText;
  value: (row: R) => unknown;
}

const col = <R>(zh: string, en: string, value: (row: R) => unknown): Column<R> => ({ label: { 'zh-CN': zh, en }, value });
const at = (t: number | null | undefined) => (typeof t === 'number' ? iso(t) : null);

/** A cell as text; one a spreadsheet would take for a formula is prefixed with `'` (CSV injection). */
export function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  return /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}

/** The file: BOM, header row in the reader's language, CRLF, RFC 4180 quoting. */
export function toCsv<R>(columns: readonly Column<R>[], rows: readonly R[], lang: Lang): string {
  return stringify([columns.map((c) => csvCell(c.label[lang])), ...rows.map((r) => columns.map((c) => csvCell(c.value(r))))], { bom: true, record_delimiter: 'windows' });
}

function tooMany(what: string, max: number) {
  return invalid(`more than ${max} ${what} match: an export holds at most ${max} rows; narrow it (see the filters of the JSON read)`, 'accept', { max });
}

/** Pages of rows until the last one, refused once more than `max` have come. */
async function collect<R, C>(what: string, max: number, page: (cursor: C | undefined, limit: number) => Promise<{ rows: R[]; next: C | null }>): Promise<R[]> {
  const out: R[] = [];
  let cursor: C | undefined;
  for (;;) {
    const { rows, next } = await page(cursor, Math.min(PAGE, max + 1));
    for (const r of rows) out.push(r);
    if (out.length > max) throw tooMany(what, max);
    if (next === null) return out;
    cursor = next;
  }
}

/** The purpose a staff export of persons' data must give: required, and taken as a read's. */
function exportPurpose(purpose: string | undefined, what: string): string {
  if (purpose === undefined || purpose === '') throw invalid(`purpose is required to export ${what}: it is logged, and shown to each person in the file`, 'purpose');
  return readPurpose(purpose);
}

/** An `export.read` entry, with the purpose, in the access log of each person among `subjectIds`. */
async function logExport(app: App, subjectIds: Iterable<string>, o: { actor: string; purpose: string; data: Record<string, unknown> }): Promise<void> {
  const ids = [...new Set(subjectIds)];
  if (ids.length === 0) return;
  const basics = await app.ctx.store.subjectsBasic(ids);
  const now = app.now();
  const entries: AuditEntryInput[] = ids.filter((id) => basics.get(id)?.kind === 'person').map((id) => ({ at: now, actor: o.actor, action: AUDIT.exportRead, subjectId: id, data: { ...o.data, format: 'csv', purpose: o.purpose } }));
  for (let i = 0; i < entries.length; i += 5000) await app.ctx.store.appendAudit(entries.slice(i, i + 5000));
}

const day = (app: App) => iso(app.now()).slice(0, 10);

type EntryRow = ListEntry & { subject: ListedSubject | null };

/** A list's entries, as `GET /v1/lists/{code}/entries` shows them. */
export const ENTRY_COLUMNS: readonly Column<EntryRow>[] = [
  col('条目编号', 'Entry', (e) => e.id),
  col('名单', 'List', (e) => e.list),
  col('状态', 'Status', (e) => e.status),
  col('主体编号', 'Subject', (e) => e.subjectId),
  col('主体类型', 'Kind', (e) => e.subject?.kind),
  col('名称', 'Name', (e) => e.subject?.name),
  col('标识（已遮蔽）', 'Identifier (masked)', (e) => e.subject?.identifier),
  col('决定时间', 'Decided at', (e) => at(e.decidedAt)),
  col('生效时间', 'In effect since', (e) => at(e.since)),
  col('截止时间', 'Until', (e) => at(e.until)),
  col('结束时间', 'Ended at', (e) => at(e.endedAt)),
  col('结束原因', 'End reason', (e) => e.endReason),
  col('依据记录', 'Records', (e) => e.reasons.map((r) => r.recordId ?? (r.grade ? `${r.grade.scheme}:${r.grade.grade}` : r.ruleId)).join('; ')),
  col('经由', 'Through', (e) => (e.via ? `${e.via.role}: ${e.via.subjectId}` : null)),
  col('目录版本', 'Catalog version', (e) => e.catalogVersion),
];

/** Every entry of a list (pending and active; with `all`, ended ones too), in id order. */
export async function exportListEntries(app: App, o: { list: string; all?: boolean; purpose: string; actor: string; lang: Lang; max?: number }): Promise<CsvExport> {
  const purpose = readPurpose(o.purpose);
  const rows = await collect<EntryRow, string>('entries', o.max ?? EXPORT_MAX_ROWS, async (after, limit) => {
    const p = await listEntriesPage(app, { list: o.list, limit, after, all: o.all });
    return { rows: p.entries, next: p.next };
  });
  await logExport(app, rows.filter((e) => e.subject?.kind === 'person').map((e) => e.subjectId), { actor: o.actor, purpose, data: { export: 'list-entries', list: o.list, rows: rows.length } });
  return { filename: `${o.list}-entries-${day(app)}.csv`, body: toCsv(ENTRY_COLUMNS, rows, o.lang), rows: rows.length };
}

type CaseDoc = Partial<Objection> & Partial<Repair> & Handling & { id: string; subjectId: string; status: string; overdue: boolean };

/** The review queue, as `GET /v1/objections` and `GET /v1/repairs` show it (a column a kind has not stays empty). */
export const CASE_COLUMNS: readonly Column<CaseDoc>[] = [
  col('案件编号', 'Case', (c) => c.id),
  col('状态', 'Status', (c) => c.status),
  col('已逾期', 'Overdue', (c) => c.overdue),
  col('主体编号', 'Subject', (c) => c.subjectId),
  col('记录编号', 'Record', (c) => c.recordId),
  col('记录类型', 'Record type', (c) => c.recordType),
  col('提出时间', 'Filed at', (c) => at(c.filedAt ?? c.appliedAt)),
  col('提出人', 'Filed by', (c) => c.filedBy ?? c.appliedBy),
  col('办理期限', 'Deadline', (c) => at(c.deadline)),
  col('承办人', 'Assigned to', (c) => c.assignedTo),
  col('已延期', 'Extended', (c) => c.extended),
  col('理由', 'Reasons', (c) => c.reasons ?? c.obligationMet),
  col('附件', 'Attachments', (c) => c.attachments?.join('; ')),
  col('信用承诺', 'Commitment', (c) => c.commitmentId),
  col('决定时间', 'Decided at', (c) => at(c.decision?.at)),
  col('决定人', 'Decided by', (c) => c.decision?.by),
  col('决定理由', 'Decision reason', (c) => c.decision?.reason),
];

/** A case row as the JSON listing shows it: its document, and whether it is past its deadline. */
export const caseView = (r: CaseRow, now: number) => ({ ...(r.doc as object), overdue: r.status === 'open' && r.deadline !== null && r.deadline < now });

/**
 * The review queue of one kind, by deadline, as the JSON listing filters it. A subject exports
 * their own cases; staff give a purpose, and each person in the file has the export in their log.
 */
export async function exportCases(
  app: App,
  caller: Pick<Caller, 'role' | 'subjectId' | 'actor'>,
  kind: CaseRow['kind'],
  q: CaseFilters & { purpose?: string; lang: Lang; max?: number },
): Promise<CsvExport> {
  const own = caller.role === 'subject';
  const purpose = own ? undefined : exportPurpose(q.purpose, `${kind}s`);
  const max = q.max ?? EXPORT_MAX_ROWS;
  const { rows: found, now } = await findCases(app, caller, kind, q, max + 1);
  if (found.length > max) throw tooMany(`${kind}s`, max);
  if (purpose !== undefined) await logExport(app, found.map((r) => r.subjectId), { actor: caller.actor, purpose, data: { export: `${kind}s`, rows: found.length } });
  const rows = found.map((r) => caseView(r, now) as CaseDoc);
  return { filename: `${kind}s-${day(app)}.csv`, body: toCsv(CASE_COLUMNS, rows, q.lang), rows: rows.length };
}

/** Audit entries, as `GET /v1/audit` shows them (`data` as JSON, instants in ISO-8601). */
export const AUDIT_COLUMNS: readonly Column<AuditEntry>[] = [
  col('序号', 'Seq', (e) => e.seq),
  col('时间', 'At', (e) => at(e.at)),
  col('操作者', 'Actor', (e) => e.actor),
  col('操作', 'Action', (e) => e.action),
  col('主体编号', 'Subject', (e) => e.subjectId),
  col('内容', 'Data', (e) => (e.data === null || e.data === undefined ? null : JSON.stringify(e.data, isoInstants))),
  col('哈希', 'Hash', (e) => e.hash),
];

/**
 * Audit entries, newest first, from `before` on, by action and by subject. By subject it is an
 * export of the entries about one person: `purpose` is required, and it is in their access log.
 */
export async function exportAudit(app: App, q: AuditFilters & { before?: number; subject?: string; purpose?: string; by: string; lang: Lang; max?: number }): Promise<CsvExport> {
  const purpose = q.subject !== undefined ? requiredPurpose(q.purpose, 'the audit entries') : undefined;
  let about: string | undefined;
  const rows = await collect<AuditEntry, number>('audit entries', q.max ?? EXPORT_MAX_ROWS, async (before, limit) => {
    const p = await auditEntries(app, { limit, before: before ?? q.before, action: q.action, actor: q.actor, from: q.from, to: q.to, subject: q.subject });
    about = p.subjectId;
    return { rows: p.entries, next: p.next };
  });
  if (purpose !== undefined && about !== undefined) await logExport(app, [about], { actor: q.by, purpose, data: { export: 'audit', rows: rows.length } });
  return { filename: `audit-${day(app)}.csv`, body: toCsv(AUDIT_COLUMNS, rows, q.lang), rows: rows.length };
}

/** Search results, as `GET /v1/subjects?q=` shows them (persons by name only with the purpose, identifiers masked). */
export const SEARCH_COLUMNS: readonly Column<SearchResult>[] = [
  col('主体编号', 'Subject', (s) => s.id),
  col('主体类型', 'Kind', (s) => s.kind),
  col('名称', 'Name', (s) => s.name),
  col('地区', 'Region', (s) => s.region),
  col('标识（已遮蔽）', 'Identifiers (masked)', (s) => s.identifiers.map((i) => `${i.scheme}:${i.masked}`).join('; ')),
];

/**
 * Every search result (every page), with a purpose, which also finds persons by name as the JSON
 * search does with it: each person found has the export in their log.
 */
export async function exportSearch(app: App, o: SearchFor & { purpose?: string; actor: string; lang: Lang; max?: number }): Promise<CsvExport> {
  const purpose = exportPurpose(o.purpose, 'search results');
  const rows = await collect<SearchResult, string>('subjects', o.max ?? EXPORT_MAX_ROWS, async (after, limit) => {
    const p = await searchPage(app, { q: o.q, scheme: o.scheme, grade: o.grade, limit, after, purpose });
    return { rows: p.results, next: p.next };
  });
  await logExport(app, rows.filter((s) => s.kind === 'person').map((s) => s.id), { actor: o.actor, purpose, data: { export: 'search', rows: rows.length } });
  return { filename: `subjects-${day(app)}.csv`, body: toCsv(SEARCH_COLUMNS, rows, o.lang), rows: rows.length };
}
