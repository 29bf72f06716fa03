/** Entries of a red or black list, with filters, and the counts behind the overview. */
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { q, useApi } from '../api';
import { names, useCatalog } from '../catalog';
import { Page, Section } from '../components/Page';
import { ErrorBox, Loading, Empty } from '../components/Status';
import { useFormat } from '../i18n';
import { usePurpose } from '../components/Purpose';
import { useSession } from '../session';
import type { Entry, Stats } from '../types';
import { Head, Pager } from '../components/Table';
import { DownloadCsv } from '../components/DownloadCsv';

type ListEntryRow = Entry & { subject: { kind: string; name: string | null; identifier: string | null } | null };

export function ListsPage() {
  const f = useFormat();
  const { session } = useSession();
  const n = names(useCatalog(session?.token ?? null), f.lang);
  const stats = useApi<Stats>('/v1/stats');
  const [params, setParams] = useSearchParams();
  // Only a list of the catalog: the code goes into a request path.
  const asked = params.get('list');
  const code = stats.data?.lists.find((l) => l.code === asked)?.code ?? stats.data?.lists[0]?.code ?? '';
  const all = params.get('all') === 'true';
  const kind = params.get('kind') ?? '';
  const [pages, setPages] = useState<string[]>([]);
  const after = pages[pages.length - 1];
  const { purpose, form } = usePurpose();
  const entries = useApi<{ list: string; entries: ListEntryRow[]; next: string | null }>(code && purpose ? `/v1/lists/${encodeURIComponent(code)}/entries${q({ purpose, limit: 50, all: all || undefined, after })}` : null, { logged: true });
  const set = (k: string, v: string) => {
    const next = new URLSearchParams(params);
    if (v) next.set(k, v);
    else next.delete(k);
    setParams(next, { replace: true });
    setPages([]);
  };
  const s = stats.data;
  const flows = s?.listFlows[code] ?? [];
  const rows = (entries.data?.entries ?? []).filter((e) => !kind || (e.via ? 'via-role' : e.subject?.kind) === kind);
  return (
    <Page title={f.t('lists.title')} intro={f.t('lists.intro')}>
      {stats.error ? <ErrorBox error={stats.error} onRetry={stats.reload} /> : null}
      {s ? (
        <Section title={f.t('lists.counts')} id="counts">
          <table className="data" data-testid="list-counts">
            <Head cols={[f.t('lists.list'), f.t('lists.colour'), f.t('lists.size'), f.t('lists.in12'), f.t('lists.out12')]} />
            <tbody>
              {s.lists.map((l) => {
                const last = (s.listFlows[l.code] ?? []).slice(-12);
                return (
                  <tr key={l.code} className={l.code === code ? 'picked' : undefined}>
                    <th scope="row">
                      <button type="button" className="link" onClick={() => set('list', l.code)}>
                        {l.name}
                      </button>
                    </th>
                    <td>
                      <span className={`badge c-${l.color}`}>{f.t(`lists.${l.color}`)}</span>
                    </td>
                    <td className="num">{f.num(s.listSizes[l.code] ?? 0)}</td>
                    <td className="num">{f.num(last.reduce((a, m) => a + m.inflow, 0))}</td>
                    <td className="num">{f.num(last.reduce((a, m) => a + m.outflow, 0))}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="small muted">{f.t('lists.countsNote', { months: flows.length })}</p>
        </Section>
      ) : stats.loading ? (
        <Loading />
      ) : null}
      <Section title={f.t('lists.entriesOf', { list: n.list(code) })} id="entries">
        {form}
        <div className="toolbar" role="group" aria-label={f.t('lists.filters')}>
          <label>
            {f.t('lists.list')}
            <select value={code} onChange={(e) => set('list', e.target.value)} data-testid="list-select">
              {(s?.lists ?? []).map((l) => (
                <option key={l.code} value={l.code}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {f.t('lists.statusFilter')}
            <select value={all ? 'true' : ''} onChange={(e) => set('all', e.target.value)}>
              <option value="">{f.t('lists.inForce')}</option>
              <option value="true">{f.t('lists.allStatuses')}</option>
            </select>
          </label>
          <label>
            {f.t('lists.kindFilter')}
            <select value={kind} onChange={(e) => set('kind', e.target.value)}>
              <option value="">{f.t('lists.anyKind')}</option>
              {['person', 'enterprise', 'institution', 'government', 'via-role'].map((k) => (
                <option key={k} value={k}>
                  {f.t(`kinds.${k}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        {/* Every entry of the list (all kinds, every page), logged for each person in it with the purpose. */}
        <DownloadCsv path={code && purpose ? `/v1/lists/${encodeURIComponent(code)}/entries${q({ purpose, all: all || undefined })}` : null} testId="csv-list-entries" />
        {entries.loading ? <Loading /> : null}
        {entries.error ? <ErrorBox error={entries.error} onRetry={entries.reload} /> : null}
        {entries.data && rows.length === 0 ? <Empty>{f.t('lists.none')}</Empty> : null}
        {rows.length > 0 ? (
          <table className="data" data-testid="list-entries">
            <Head cols={[f.t('lists.subject'), f.t('lists.status'), f.t('lists.since'), f.t('lists.ends'), f.t('lists.grounds')]} />
            <tbody>
              {rows.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link to={`/subjects/${e.subjectId}`}>{e.subject?.name ?? f.t(`kinds.${e.subject?.kind ?? 'person'}`)}</Link>
                    <div className="small muted">{e.subject?.identifier ?? ''}</div>
                  </td>
                  <td>
                    <span className={`badge st-${e.status}`}>{f.t(`entryStatus.${e.status}`, { defaultValue: e.status })}</span>
                  </td>
                  <td>{f.date(e.since)}</td>
                  <td>{e.until ? f.date(e.until) : f.t('subject.untilExit')}</td>
                  <td className="small">{e.via ? f.t('lists.via', { role: f.t(`legalRoles.${e.via.role}`, { defaultValue: e.via.role }) }) : e.reasons.map((r) => (r.recordType ? n.recordType(r.recordType) : r.ruleId)).join('; ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <Pager stack={pages} setStack={setPages} next={entries.data?.next} backLabel={f.t('common.previous')} nextLabel={f.t('common.next')} />
      </Section>
    </Page>
  );
}
