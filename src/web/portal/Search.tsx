/** Search organisations by name or unified social credit code (no sign-in). */
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { holdsIdNumber, q, useApi } from '../api';
import { Page } from '../components/Page';
import { ErrorBox, Loading, Empty } from '../components/Status';
import { useFormat } from '../i18n';

interface Found {
  results: { id: string; kind: string; name: string; region: string; regionName?: string | null; identifiers: { scheme: string; value: string }[] }[];
}

export function SearchPage() {
  const f = useFormat();
  const [params, setParams] = useSearchParams();
  const query = params.get('q') ?? '';
  const [text, setText] = useState(holdsIdNumber(query) ? '' : query);
  const [refused, setRefused] = useState(false);
  const found = useApi<Found>(query.length >= 2 && !holdsIdNumber(query) ? `/public/v1/search${q({ q: query })}` : null, { anonymous: true });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // A person's ID number is never searched here, put in the address, or shown back.
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
    <Page title={f.t('portal.searchTitle')} intro={f.t('portal.searchIntro')}>
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
      {found.loading ? <Loading /> : null}
      {found.error ? <ErrorBox error={found.error} onRetry={found.reload} /> : null}
      {found.data && found.data.results.length === 0 ? <Empty>{f.t('portal.noneFound', { q: query })}</Empty> : null}
      {found.data && found.data.results.length > 0 ? (
        <ul className="results" data-testid="public-results">
          {found.data.results.map((s) => {
            const uscc = s.identifiers.find((i) => i.scheme === 'cn-uscc')?.value;
            return (
              <li key={s.id}>
                <Link to={`/public/org/${uscc ? `cn-uscc:${uscc}` : s.id}`}>{s.name}</Link>
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
