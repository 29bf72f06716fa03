/** An organisation's public record: list entries with grounds, dates and authority; records within their publicity period. */
import { useParams } from 'react-router';
import { useApi } from '../api';
import { Page, Section } from '../components/Page';
import { ErrorBox, Loading, Empty } from '../components/Status';
import { FactsTable } from '../components/Table';
import { useFormat } from '../i18n';

export interface PublicView {
  id: string;
  kind: string;
  name: string;
  region: string;
  regionName?: string | null;
  identifiers: { scheme: string; value?: string; masked?: string }[];
  lists: { list: string; name: string; color: string; authority: string; legalBasis: string; since: string; until: string | null; grounds: { recordType: string; recordTypeName?: string; rule: string; legalBasis: string }[] }[];
  records?: { id: string; type: string; name: string; occurredAt: string; facts: Record<string, unknown>; factNames?: Record<string, string>; factValues?: Record<string, string>; publicUntil: string | null; disputed: boolean }[];
}

export function PublicRecord({ v }: { v: PublicView }) {
  const f = useFormat();
  // The portal shows organisations and, to someone who knows their number and name, persons.
  const person = v.kind === 'person';
  return (
    <>
      <dl className="facts header" data-testid="public-header">
        <dt>{f.t('subject.kind')}</dt>
        <dd>{f.t(`kinds.${v.kind}`)}</dd>
        <dt>{f.t('subject.identifiers')}</dt>
        <dd>{v.identifiers.map((i) => `${f.t(`idSchemes.${i.scheme}`, { defaultValue: i.scheme })} ${i.value ?? i.masked}`).join(', ')}</dd>
        <dt>{f.t('subject.region')}</dt>
        <dd title={v.region} data-testid="region">{v.regionName ?? v.region}</dd>
      </dl>
      <Section title={f.t('portal.lists')} id="public-lists">
        {v.lists.length === 0 ? <Empty>{f.t(person ? 'portal.noListsPerson' : 'portal.noLists')}</Empty> : null}
        {v.lists.map((l) => (
          <article key={`${l.list}-${l.since}`} className={`entry c-${l.color}`} data-testid="public-entry">
            <h3>
              <span className={`badge c-${l.color}`}>{f.t(`lists.${l.color}`)}</span> {l.name}
            </h3>
            <dl className="facts">
              <dt>{f.t('portal.authority')}</dt>
              <dd>{l.authority}</dd>
              <dt>{f.t('lists.since')}</dt>
              <dd>{f.date(l.since)}</dd>
              <dt>{f.t('lists.ends')}</dt>
              <dd>{l.until ? f.date(l.until) : f.t('subject.untilExit')}</dd>
              <dt>{f.t('lists.grounds')}</dt>
              <dd>
                {l.grounds.map((g, i) => (
                  <div key={i}>
                    {g.recordTypeName ?? g.recordType} — {g.legalBasis}
                  </div>
                ))}
              </dd>
              <dt>{f.t('subject.legalBasis')}</dt>
              <dd className="small">{l.legalBasis}</dd>
            </dl>
          </article>
        ))}
      </Section>
      {v.records ? (
        <Section title={f.t('portal.records')} id="public-records">
          {v.records.length === 0 ? <Empty>{f.t(person ? 'portal.noRecordsPerson' : 'portal.noRecords')}</Empty> : null}
          {v.records.map((r) => (
            <article key={r.id} className="entry" data-testid="public-record">
              <h3>
                {r.name} {r.disputed ? <span className="badge st-disputed">{f.t('recordStatus.disputed')}</span> : null}
              </h3>
              <p className="small muted">{f.t('portal.recordLine', { date: f.date(r.occurredAt), until: r.publicUntil ? f.date(r.publicUntil) : '—' })}</p>
              <FactsTable facts={r.facts} num={f.num} date={f.date} label={(k) => r.factNames?.[k] ?? k} value={(k) => r.factValues?.[k] ?? null} />
            </article>
          ))}
        </Section>
      ) : null}
    </>
  );
}

export function OrgPage() {
  const f = useFormat();
  const { ref = '' } = useParams();
  const v = useApi<PublicView>(`/public/v1/subjects/${encodeURIComponent(ref)}`, { anonymous: true });
  return (
    <Page title={v.data?.name ?? f.t('portal.orgTitle')}>
      {v.loading ? <Loading /> : null}
      {v.error ? <ErrorBox error={v.error} onRetry={v.reload} /> : null}
      {v.data ? <PublicRecord v={v.data} /> : null}
    </Page>
  );
}
