/** Search organisations by name or unified social credit code (no sign-in); results say which public lists each is on. */
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { holdsIdNumber, q, useApi } from '../api';
import { Page } from '../components/Page';
import { ErrorBox, Loading, Empty } from '../components/Status';
import { useFormat } from '../i18n';

interface Found {
  results: {
    id: string;
    kind: string;
    name: string;
    region: string;
    regionName?: string | null;
    identifiers: { scheme: string; value: string }[];
    /** The public lists the organisation is on now, named in the UI's language. */
    lists?: { list: string; name: string; color: string }[];
  }[];
}

/**
 * The search box, on the portal's home and above the results: sets `?q=` on the portal's root. A
 * person's ID number is never searched here, put in the address, or shown back.
 */
export function SearchForm({ initial }: { initial: string }) {
  const f = useFormat();
  const [, setParams] = useSearchParams();
  const [text, setText] = useState(holdsIdNumber(initial) ? '' : initial);
  const [refused, setRefused] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (holdsIdNumber(text)) {
      setText('');
      setRefused(true);
      setParams({});
      return;
    }
    setRefused(false);
    setParams(text.trim() ? { q: text.trim() } : {});
  };
  return (
    <>
      <form className="search big" onSubmit={submit} role="search">
        <label>
          {f.t('portal.searchLabel')}
          <input value={text} onChange={(e) => setText(e.target.value)} minLength={2} maxLength={100} required data-testid="public-query" />
        </label>
        <button type="submit" data-testid="public-search">
          {f.t('common.search')}
        </button>
      </form>
      {refused ? (
        <p className="notice" role="alert" data-testid="public-refused">
          {f.t('portal.idNotHere')} <Link to="/public/person">{f.t('portal.nav.person')}</Link>
        </p>
      ) : null}
    </>
  );
}

export function SearchPage() {
  const f = useFormat();
  const [params] = useSearchParams();
  const query = params.get('q') ?? '';
  const found = useApi<Found>(query.length >= 2 && !holdsIdNumber(query) ? `/public/v1/search${q({ q: query })}` : null, { anonymous: true });
  return (
    <Page title={f.t('portal.searchTitle')} intro={f.t('portal.searchIntro')}>
      <SearchForm initial={query} />
      {found.loading ? <Loading /> : null}
      {found.error ? <ErrorBox error={found.error} onRetry={found.reload} /> : null}
      {found.data && found.data.results.length === 0 ? <Empty>{f.t('portal.noneFound', { q: query })}</Empty> : null}
      {found.data && found.data.results.length > 0 ? (
        <ul className="results" data-testid="public-results">
          {found.data.results.map((s) => {
            const uscc = s.identifiers.find((i) => i.scheme === 'cn-uscc')?.value;
            const lists = s.lists ?? [];
            return (
              <li key={s.id}>
                <Link to={`/public/org/${uscc ? `cn-uscc:${uscc}` : s.id}`}>{s.name}</Link>
                {lists.length > 0 ? (
                  <span data-testid="public-listed">
                    {' '}
                    <span className="sr-only">{f.t('portal.onLists')}</span>
                    {lists.map((l) => (
                      <span key={l.list} className={`badge c-${l.color}`}>
                        {l.name}
                      </span>
                    ))}
                  </span>
                ) : null}
                <div className="small muted">
                  {f.t(`kinds.${s.kind}`)} · {f.t('portal.uscc')}: {uscc ?? '—'} · {s.regionName ?? s.region}
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
    </Page>
  );
}
