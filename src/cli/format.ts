/** Human-readable output of the CLI. (`--json` prints the same data as JSON instead.) */
import type { CatalogDiff } from '../catalog/diff.js';
import type { Catalog } from '../catalog/types.js';
import { formatMaybe } from '../domain/time.js';
import type { Lang, ListEntry, LocalText } from '../domain/types.js';
import type { CheckAnswer } from '../app/check-shapes.js';
import type { ListedSubject, SubjectView } from '../app/reads.js';
import type { EntryReason } from '../domain/types.js';
import type { StoreSummary } from '../store/port.js';
import type { AuditEntry } from '../audit/index.js';

/**
 * The language of the CLI's human output: zh-CN when XY_LANG, LC_ALL or LANG says Chinese, else
 * English. `--json` keeps both languages.
 */
export function cliLang(): Lang {
  const l = process.env.XY_LANG || process.env.LC_ALL || process.env.LANG || '';
  return /^zh/i.test(l) ? 'zh-CN' : 'en';
}

/** A text in the CLI's language. */
export function tx(t: LocalText | string | undefined): string {
  if (t === undefined) return '';
  return typeof t === 'string' ? t : t[cliLang()];
}

const day = (t: number | string | null | undefined) => (t === null || t === undefined ? '—' : new Date(t).toISOString().slice(0, 10));
const pct = (n: number, total: number) => (total ? `${((100 * n) / total).toFixed(1)}%` : '—');

function table(rows: (string | number)[][], indent = '  ') {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, String(c).length)));
  for (const r of rows) console.log(indent + r.map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ').trimEnd());
}

export function printSummary(s: StoreSummary, catalog: Catalog) {
  const subjects = Object.values(s.subjectsByKind).reduce((a, b) => a + b, 0);
  console.log(`Subjects: ${subjects}`);
  table(Object.entries(s.subjectsByKind).map(([k, n]) => [k, n]));
  console.log(`\nRecords: ${s.records}`);
  table(Object.entries(s.recordsByArea).map(([k, n]) => [k, n, pct(n, s.records)]));
  console.log('\nLists (subjects with a pending or active entry; share of the kinds each list covers):');
  table(
    catalog.lists.map((l) => {
      const b = s.listBreakdown[l.code] ?? {};
      const direct = [...l.subjects].map((k) => `${b[k] ?? 0} ${k}${(b[k] ?? 0) === 1 ? '' : 's'} (${pct(b[k] ?? 0, s.subjectsByKind[k])})`).join(', ');
      return [l.code, l.doc.color, s.listSizes[l.code] ?? 0, direct + (b['via-role'] ? `; ${b['via-role']} persons through a legal role` : '')];
    }),
  );
  console.log('\nGrade distribution:');
  for (const scheme of catalog.schemes) {
    const grades = s.grades[scheme.code] ?? {};
    const total = Object.values(grades).reduce((a, b) => a + b, 0);
    console.log(`  ${scheme.code}: ` + scheme.grades.map((g) => `${g} ${grades[g] ?? 0} (${pct(grades[g] ?? 0, total)})`).join(', '));
  }
  console.log(`\nAudit log: ${s.auditEntries} entries`);
}

function entryLine(e: ListEntry): (string | number)[] {
  const why = e.reasons.map((r) => r.recordType ?? (r.grade ? `grade ${r.grade.scheme}=${r.grade.grade}` : r.ruleId)).join(', ');
  return [e.list, e.status, day(e.since), e.until === null ? 'until exit' : day(e.until), e.endedAt ? `ended ${day(e.endedAt)}: ${e.endReason}` : '', e.via ? `via ${e.via.role} of ${e.via.subjectId}` : why];
}

export function printSubject(v: SubjectView) {
  const s = v.subject;
  console.log(`${s.id}  ${s.kind}  ${s.name || '(name not registered)'}  region ${s.region}`);
  for (const i of s.identifiers) console.log(`  ${i.scheme}: ${i.masked}`);
  console.log(`As of ${formatMaybe(v.asOf)} under ${v.catalog}; ${v.records} record${v.records === 1 ? '' : 's'} known.`);
  for (const r of v.state.schemes) {
    console.log(`\n${r.scheme}: ${r.score} → grade ${r.grade}${r.cappedBy ? ` (capped at ${r.cappedBy.grade} by rule ${r.cappedBy.ruleId})` : ''}  [base ${r.base}]`);
    if (r.breakdown.length) table(r.breakdown.map((b) => [b.points > 0 ? `+${b.points}` : String(b.points), b.ruleId, b.recordType, `from ${day(b.from)}`, b.until === null ? 'until exit' : `until ${day(b.until)}`, b.disputed ? 'DISPUTED' : '', b.legalBasis]), '    ');
  }
  const entries = [...v.state.entries, ...v.related];
  console.log(`\nList entries: ${entries.length ? '' : 'none'}`);
  if (entries.length) table(entries.map(entryLine));
  console.log(`\nMeasures in force: ${v.measures.length ? '' : 'none'}`);
  if (v.measures.length) table(v.measures.map((m) => [m.effect, m.action, m.measure, m.list ?? m.grade ?? '', m.entryId ?? '', tx(m.authority)]));
  console.log(`\nRecords, newest first: ${v.timeline.length ? '' : 'none'}`);
  if (v.timeline.length) table(v.timeline.map((r) => [day(r.occurredAt), r.status, r.type, r.source, r.id]));
}

export function printCheck(r: CheckAnswer) {
  console.log(`${r.decision.toUpperCase()}  ${r.action}  for ${r.subjectId ?? '(unknown subject)'}${r.known ? '' : '  (not known to xinyong)'}`);
  for (const m of r.measures) {
    console.log(`  ${m.effect} by measure ${m.measure}${m.list ? ` (list ${m.list}, since ${day(m.since)}, until ${m.until === null || m.until === undefined ? 'exit' : day(m.until)})` : ''}`);
    console.log(`    authority: ${tx(m.authority)}`);
    console.log(`    legal basis: ${tx(m.legalBasis)}`);
    for (const x of m.reasons as unknown as EntryReason[]) console.log(`    because: ${x.recordType ? `${x.recordType} ${x.recordId}` : x.grade ? `grade ${x.grade.scheme}=${x.grade.grade}` : x.ruleId} (${x.legalBasis})${x.disputed ? ' [disputed]' : ''}`);
    if (m.via) console.log(`    binds this person as ${m.via.role} of ${m.via.subjectId}`);
    if (m.appeal) console.log(`    appeal: ${tx(m.appeal)}`);
  }
  console.log(`Receipt ${r.receipt} (catalog ${r.catalog})`);
}

export function printEntries(list: string, entries: (ListEntry & { subject: ListedSubject | null })[], next: string | null) {
  if (entries.length === 0) return console.log(`${list}: no entries.`);
  table([
    ['entry', 'subject', 'who', 'status', 'since', 'until', 'ended', 'why'],
    ...entries.map((e) => {
      const l = entryLine(e);
      const w = e.subject;
      return [e.id, e.subjectId, w ? `${w.kind} ${w.name ?? ''} ${w.identifier ?? ''}`.replace(/\s+/g, ' ').trim() : '', l[1], l[2], l[3], l[4], l[5]];
    }),
  ]);
  if (next) console.log(`More: --after ${next}`);
}

export function printAudit(entries: AuditEntry[]) {
  if (entries.length === 0) return console.log('No matching audit entries.');
  for (const e of entries) {
    console.log(`#${e.seq}  ${new Date(e.at).toISOString()}  ${e.action}  by ${e.actor}${e.subjectId ? `  subject ${e.subjectId}` : ''}`);
    console.log(`    ${JSON.stringify(e.data, (k, v) => (['at', 'asOf', 'since', 'until'].includes(k) && typeof v === 'number' ? new Date(v).toISOString() : v))}`);
  }
}

export function printDiff(d: CatalogDiff) {
  console.log(`${d.from} → ${d.to}`);
  for (const h of d.header) console.log(`  header.${h.field}: ${JSON.stringify(h.from)} → ${JSON.stringify(h.to)}`);
  if (d.changes.length === 0) console.log('  no item changes');
  for (const c of d.changes) {
    const mark = c.change === 'added' ? '+' : c.change === 'removed' ? '-' : '~';
    console.log(`  ${mark} ${c.section}[${c.code}]`);
    for (const f of c.fields ?? []) {
      if (f.from === undefined) console.log(`      + ${f.field}: ${JSON.stringify(f.to)}`);
      else if (f.to === undefined) console.log(`      - ${f.field}: ${JSON.stringify(f.from)}`);
      else console.log(`      ${f.field}: ${JSON.stringify(f.from)} → ${JSON.stringify(f.to)}`);
    }
  }
}
