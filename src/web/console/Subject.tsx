/** Find a subject, then see its scores, lists, measures, records and access log, now or as of a past date. */
import { useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { holdsIdNumber, q, useApi } from '../api';
import { names, useCatalog } from '../catalog';
import { Page, Section } from '../components/Page';
import { RecordDialog } from '../components/RecordDialog';
import { ErrorBox, Loading, Empty } from '../components/Status';
import { AccessLog, SchemesAndLists } from '../components/SubjectParts';
import { usePurpose } from '../components/Purpose';
import { usePrintAsOf } from '../components/PrintFooter';
import { DownloadCsv } from '../components/DownloadCsv';
import { Pager } from '../components/Table';
import { useFormat } from '../i18n';
import { useSession } from '../session';
import type { AccessLogItem, SubjectViewT } from '../types';

interface SearchResult {
  results: { id: string; kind: string; name: string | null; region: string; regionName?: string | null; identifiers: { scheme: string; masked: string }[] }[];
  count?: number;
  countCapped?: boolean;
  next?: string | null;
}

export function SubjectSearchPage() {
  const f = useFormat();
  const nav = useNavigate();
  const [text, setText] = useState('');
  const [query, setQuery] = useState<string | null>(null);
  const [pages, setPages] = useState<string[]>([]);
  // One purpose for what needs one: finding persons by their whole name (each found sees the search
  // in their access log), and the results as CSV (each person in the file sees the export).
  const exporting = usePurpose();
  const purpose = exporting.purpose || undefined;
  // The subjects behind a bar of the overview's grade chart (`?scheme=&grade=`), or what was searched for.
  const [params, setParams] = useSearchParams();
  const scheme = params.get('scheme');
  const grade = params.get('grade');
  const byGrade = scheme && grade && query === null ? { scheme, grade } : null;
  const asked = byGrade ?? (query ? { q: query } : null);
  const found = useApi<SearchResult>(asked ? `/v1/subjects${q({ ...asked, purpose, after: pages[pages.length - 1] })}` : null, { logged: !!purpose });
  const catalog = useCatalog(useSession().session?.token ?? null);
  const n = names(catalog, f.lang);
  // A name that may be a person's: the server asks for the purpose before it searches persons.
  const needsPurpose = found.error?.problem.status === 400 && found.error.problem.field === 'purpose';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setPages([]);
    setQuery(text.trim());
    if (scheme || grade) setParams({}, { replace: true });
    // An ID number typed here is sent once and not kept on the page.
    if (holdsIdNumber(text)) setText('');
  };
  return (
    <Page title={f.t('subject.findTitle')} intro={f.t('subject.findIntro')}>
      <form className="search" onSubmit={submit} role="search">
        <label>
          {f.t('subject.findLabel')}
          <input value={text} onChange={(e) => setText(e.target.value)} required minLength={1} maxLength={100} autoComplete="off" data-testid="subject-query" />
        </label>
        <button type="submit">{f.t('common.search')}</button>
      </form>
      {byGrade ? (
        <>
          <p className="note" data-testid="grade-filter">
            {f.t('subject.byGrade', { grade: byGrade.grade, scheme: n.scheme(byGrade.scheme) })}
          </p>
          {purpose ? null : <p className="muted small">{f.t('subject.byGradePersons')}</p>}
        </>
      ) : null}
      {found.loading ? <Loading /> : null}
      {needsPurpose ? (
        <>
          <p className="note" data-testid="search-needs-purpose">
            {f.t('subject.nameNeedsPurpose')}
          </p>
          {exporting.form}
        </>
      ) : found.error ? (
        <ErrorBox error={found.error} onRetry={found.reload} />
      ) : null}
      {found.data && found.data.results.length === 0 ? <Empty>{f.t('subject.noneFound')}</Empty> : null}
      {found.data && found.data.results.length > 0 && asked ? (
        <>
          <p className="muted" data-testid="search-count">
            {f.t(found.data.countCapped ? 'subject.foundCapped' : 'subject.found', { count: found.data.count ?? found.data.results.length })}
          </p>
          {exporting.form}
          <DownloadCsv path={purpose ? `/v1/subjects${q({ ...asked, purpose })}` : null} testId="csv-search" />
        </>
      ) : null}
      {found.data && found.data.results.length > 0 ? (
        <ul className="results" data-testid="subject-results">
          {found.data.results.map((s) => (
            <li key={s.id}>
              <Link to={`/subjects/${s.id}`}>{s.name ?? f.t(`kinds.${s.kind}`)}</Link>{' '}
              <span className="muted">
                {f.t(`kinds.${s.kind}`)} · {s.identifiers.map((i) => i.masked).join(', ')} · {s.regionName ?? s.region}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {found.data ? <Pager stack={pages} setStack={setPages} next={found.data.next} backLabel={f.t('common.previous')} nextLabel={f.t('common.next')} /> : null}
      {found.data?.results.length === 1 && pages.length === 0 ? (
        <p>
          <button type="button" onClick={() => nav(`/subjects/${found.data!.results[0].id}`)}>
            {f.t('subject.open')}
          </button>
        </p>
      ) : null}
    </Page>
  );
}

/** The end of a calendar day in China Standard Time, as an instant. */
const endOfDay = (d: string) => new Date(`${d}T23:59:59.999+08:00`).toISOString();

/** One page per subject: moving to another subject starts afresh (its own purpose, nothing of the last one shown). */
export function SubjectRoute() {
  const { ref = '' } = useParams();
  return <SubjectPage key={ref} />;
}

function SubjectPage() {
  const f = useFormat();
  const { ref = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const asOfDay = params.get('asOf') ?? '';
  const { session } = useSession();
  const catalog = useCatalog(session?.token ?? null);
  const n = names(catalog, f.lang);
  const { purpose, form } = usePurpose();
  const [record, setRecord] = useState<string | null>(null);
  const path = purpose ? `/v1/subjects/${encodeURIComponent(ref)}${q({ purpose, asOf: asOfDay ? endOfDay(asOfDay) : undefined })}` : null;
  // Logged in the person's access log: not read again for a language switch (catalog texts come from the catalog).
  const view = useApi<SubjectViewT & { accessLog?: AccessLogItem[] }>(path, { logged: true });
  const v = view.data;
  usePrintAsOf(v?.asOf);
  const title = v ? (v.subject.name ?? f.t(`kinds.${v.subject.kind}`)) : f.t('subject.title');
  return (
    // The tab's title stays neutral: a person's name must not land in the browser's history.
    <Page title={title} docTitle={f.t('subject.recordTitle')}>
      {form}
      <div className="toolbar">
        <label>
          {f.t('subject.asOf')}
          <input
            type="date"
            value={asOfDay}
            onChange={(e) => {
              const next = new URLSearchParams(params);
              if (e.target.value) next.set('asOf', e.target.value);
              else next.delete('asOf');
              setParams(next, { replace: true });
            }}
            data-testid="as-of"
          />
        </label>
        {asOfDay ? (
          <button type="button" onClick={() => setParams({}, { replace: true })}>
            {f.t('subject.backToNow')}
          </button>
        ) : null}
      </div>
      {view.loading && !v ? <Loading /> : null}
      {view.error ? <ErrorBox error={view.error} onRetry={view.reload} /> : null}
      {v ? (
        <>
          <dl className="facts header" data-testid="subject-header">
            <dt>{f.t('subject.kind')}</dt>
            <dd>{f.t(`kinds.${v.subject.kind}`)}</dd>
            <dt>{f.t('subject.identifiers')}</dt>
            <dd>{v.subject.identifiers.map((i) => `${f.t(`idSchemes.${i.scheme}`, { defaultValue: i.scheme })} ${i.masked}`).join(', ') || '—'}</dd>
            <dt>{f.t('subject.region')}</dt>
            <dd title={v.subject.region} data-testid="region">{v.subject.regionName ?? v.subject.region}</dd>
            <dt>{f.t('subject.stateAsOf')}</dt>
            <dd data-testid="as-of-shown">
              {f.dateTime(v.asOf)} · {v.catalog} · {f.t('subject.recordCount', { count: v.records })}
            </dd>
          </dl>
          <p>
            <Link to={`/review${q({ subject: v.subject.id })}`} data-testid="subject-cases">
              {f.t('case.subjectCases')}
            </Link>
          </p>
          <SchemesAndLists v={v} n={n} onRecord={setRecord} />
          <Section title={f.t('subject.accessLog')} id="access">
            {v.accessLog ? <AccessLog items={v.accessLog} action={n.action} /> : <Empty>{f.t('subject.accessLogOrgs')}</Empty>}
          </Section>
        </>
      ) : null}
      {record ? <RecordDialog id={record} purpose={purpose} onClose={() => setRecord(null)} typeName={n.recordType} n={n} /> : null}
    </Page>
  );
}
