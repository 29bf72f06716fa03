/**
 * The portal's home, modelled on the national credit website (Credit China): the search box, the
 * latest announcements of public lists, the double publicity (双公示) of administrative licences
 * and penalties of organisations, and how to object and apply for repair. Everything comes from the
 * public API (`/public/v1/…`) in the UI's language; the publicity periods and the working days are
 * the catalog's, as the server gives them. With `?q=` the root is the search's results page.
 */
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { q, useApi } from '../api';
import { Page, Section } from '../components/Page';
import { Empty, ErrorBox, Loading } from '../components/Status';
import { Head, Pager } from '../components/Table';
import { useFormat } from '../i18n';
import { SearchForm, SearchPage } from './Search';

interface PublicOrg {
  id: string;
  kind: string;
  name: string;
  uscc: string | null;
  region: string;
  regionName: string | null;
}
interface Paged<T> {
  items: T[];
  next: string | null;
}
interface Announcement {
  id: string;
  list: string;
  listName: string;
  color: string;
  authority: string;
  legalBasis: string;
  since: string;
  until: string | null;
  grounds: { recordType: string | null; name: string | null; legalBasis: string }[];
  subject: PublicOrg;
}
interface Notice {
  id: string;
  kind: 'licence' | 'penalty';
  typeName: string;
  decisionNo: string | null;
  authority: string | null;
  decidedAt: string;
  content: string | null;
  validUntil: string | null;
  legalBasis: string;
  publicUntil: string;
  disputed: boolean;
  subject: PublicOrg;
}
interface Guide {
  objectionDays: number;
  objectionDaysExtended: number;
  repairDays: number;
  legalBasis: string | null;
  publicity: { recordType: string; name: string; periods: { min: string; max: string; when: { fact: string; value: string } | null }[] }[];
}

const PAGE = 10;

/** The organisation's public record page. */
const orgLink = (s: PublicOrg) => `/public/org/${s.uscc ? `cn-uscc:${s.uscc}` : s.id}`;

/** A paged public list: the cursors that led to this page, and the page. */
function usePaged<T>(path: string) {
  const [stack, setStack] = useState<string[]>([]);
  const after = stack.length > 0 ? stack[stack.length - 1] : undefined;
  const page = useApi<Paged<T>>(`${path}${path.includes('?') ? '&' : '?'}${q({ limit: PAGE, after }).slice(1)}`, { anonymous: true });
  return { page, stack, setStack };
}

function Announcements() {
  const f = useFormat();
  const { page, stack, setStack } = usePaged<Announcement>('/public/v1/announcements');
  const items = page.data?.items ?? [];
  return (
    <Section title={f.t('portalHome.announcements.title')} id="home-announcements">
      <p className="small muted">{f.t('portalHome.announcements.intro')}</p>
      {page.loading ? <Loading /> : null}
      {page.error ? <ErrorBox error={page.error} onRetry={page.reload} /> : null}
      {page.data && items.length === 0 ? <Empty>{f.t('portalHome.announcements.none')}</Empty> : null}
      {items.length > 0 ? (
        <table className="data" data-testid="home-announcements">
          <Head cols={[f.t('portalHome.announcements.organisation'), f.t('portalHome.announcements.uscc'), f.t('portalHome.announcements.list'), f.t('portalHome.announcements.authority'), f.t('portalHome.announcements.since'), f.t('portalHome.announcements.until'), f.t('portalHome.announcements.grounds')]} />
          <tbody>
            {items.map((a) => (
              <tr key={a.id}>
                <td>
                  <Link to={orgLink(a.subject)} translate="no">
                    {a.subject.name}
                  </Link>
                  <div className="small muted">
                    {f.t(`kinds.${a.subject.kind}`)} · <span title={a.subject.region}>{a.subject.regionName ?? a.subject.region}</span>
                  </div>
                </td>
                <td translate="no">{a.subject.uscc ?? '—'}</td>
                <td className={`c-${a.color}`}>{a.listName}</td>
                <td>{a.authority}</td>
                <td>{f.date(a.since)}</td>
                <td>{a.until ? f.date(a.until) : f.t('subject.untilExit')}</td>
                <td className="small">
                  {a.grounds.map((g, i) => (
                    <div key={i}>
                      {g.name ?? ''}
                      {g.name ? ' — ' : ''}
                      {g.legalBasis}
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager stack={stack} setStack={setStack} next={page.data?.next} backLabel={f.t('common.previous')} nextLabel={f.t('common.next')} />
    </Section>
  );
}

function Notices({ kind }: { kind: 'licence' | 'penalty' }) {
  const f = useFormat();
  const { page, stack, setStack } = usePaged<Notice>(`/public/v1/double-publicity?kind=${kind}`);
  const items = page.data?.items ?? [];
  const licence = kind === 'licence';
  // Penalties are published by the severity tier the catalog's publicity periods follow.
  const content = (n: Notice) => (licence ? (n.content ?? '—') : n.content ? f.t(`portalHome.double.severities.${n.content}`, { defaultValue: n.content }) : '—');
  return (
    <div className="home-notices" data-testid={licence ? 'home-licences' : 'home-penalties'}>
      <h3>{f.t(licence ? 'portalHome.double.licences' : 'portalHome.double.penalties')}</h3>
      {page.loading ? <Loading /> : null}
      {page.error ? <ErrorBox error={page.error} onRetry={page.reload} /> : null}
      {page.data && items.length === 0 ? <Empty>{f.t(licence ? 'portalHome.double.noneLicences' : 'portalHome.double.nonePenalties')}</Empty> : null}
      {items.length > 0 ? (
        <table className="data" data-testid={`home-${kind}-table`}>
          <Head
            cols={[
              f.t('portalHome.double.organisation'),
              f.t('portalHome.double.decisionNo'),
              f.t('portalHome.double.authority'),
              f.t('portalHome.double.decided'),
              f.t(licence ? 'portalHome.double.licence' : 'portalHome.double.severity'),
              ...(licence ? [f.t('portalHome.double.validUntil')] : []),
              f.t('portalHome.double.basis'),
              f.t('portalHome.double.publicUntil'),
            ]}
          />
          <tbody>
            {items.map((n) => (
              <tr key={n.id}>
                <td>
                  <Link to={orgLink(n.subject)} translate="no">
                    {n.subject.name}
                  </Link>
                  <div className="small muted" translate="no">
                    {n.subject.uscc ?? ''}
                  </div>
                </td>
                {/* As the deciding authority wrote them: names and numbers, not words to translate. */}
                <td translate="no">{n.decisionNo ?? '—'}</td>
                <td translate="no">{n.authority ?? '—'}</td>
                <td>{f.date(n.decidedAt)}</td>
                <td>
                  {licence ? <span translate="no">{content(n)}</span> : content(n)} {n.disputed ? <span className="badge st-disputed">{f.t('portalHome.double.disputed')}</span> : null}
                </td>
                {licence ? <td>{n.validUntil ? f.date(n.validUntil) : '—'}</td> : null}
                <td className="small">{n.legalBasis}</td>
                <td>{f.date(n.publicUntil)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <Pager stack={stack} setStack={setStack} next={page.data?.next} backLabel={f.t('common.previous')} nextLabel={f.t('common.next')} />
    </div>
  );
}

function HowToObject() {
  const f = useFormat();
  const g = useApi<Guide>('/public/v1/due-process', { anonymous: true });
  return (
    <Section title={f.t('portalHome.guide.title')} id="home-guide">
      {g.loading ? <Loading /> : null}
      {g.error ? <ErrorBox error={g.error} onRetry={g.reload} /> : null}
      {g.data ? (
        <div data-testid="home-guide">
          <h3>{f.t('portalHome.guide.objectTitle')}</h3>
          <p>{f.t('portalHome.guide.object', { count: g.data.objectionDays, extended: g.data.objectionDaysExtended })}</p>
          <h3>{f.t('portalHome.guide.repairTitle')}</h3>
          <p>{f.t('portalHome.guide.repair', { count: g.data.repairDays })}</p>
          {g.data.publicity.length > 0 ? (
            <table className="data compact">
              <caption>{f.t('portalHome.guide.periodsCaption')}</caption>
              <Head cols={[f.t('portalHome.guide.recordType'), f.t('portalHome.guide.min'), f.t('portalHome.guide.max')]} />
              <tbody>
                {g.data.publicity.flatMap((p) =>
                  p.periods.map((x, i) => (
                    <tr key={`${p.recordType}-${i}`}>
                      <td>
                        {p.name}
                        {x.when ? ` (${x.when.fact === 'severity' ? f.t(`portalHome.double.severities.${x.when.value}`, { defaultValue: x.when.value }) : x.when.value})` : ''}
                      </td>
                      <td>{f.period(x.min)}</td>
                      <td>{f.period(x.max)}</td>
                    </tr>
                  )),
                )}
              </tbody>
            </table>
          ) : null}
          {g.data.legalBasis ? <p className="small muted">{f.t('portalHome.guide.basis', { basis: g.data.legalBasis })}</p> : null}
          <ul>
            <li>
              <Link to="/public/me" data-testid="home-sign-in">
                {f.t('portalHome.guide.signIn')}
              </Link>
            </li>
            <li>
              <Link to="/public/person">{f.t('portalHome.guide.lookUp')}</Link>
            </li>
          </ul>
        </div>
      ) : null}
    </Section>
  );
}

export function HomePage() {
  const f = useFormat();
  const [params] = useSearchParams();
  const query = params.get('q');
  // The root with a query is the search's results (links and bookmarks of the search keep working).
  if (query !== null) return <SearchPage />;
  return (
    <Page title={f.t('portalHome.title')} intro={f.t('portalHome.intro')}>
      <section aria-labelledby="home-search-h">
        <h2 id="home-search-h">{f.t('portalHome.searchTitle')}</h2>
        <SearchForm initial="" />
      </section>
      <Announcements />
      <Section title={f.t('portalHome.double.title')} id="home-double">
        <p className="small muted">{f.t('portalHome.double.intro')}</p>
        <Notices kind="licence" />
        <Notices kind="penalty" />
      </Section>
      <HowToObject />
    </Page>
  );
}
