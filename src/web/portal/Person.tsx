/**
 * A person's public entries, only for the full ID number and the exact name. The number is sent
 * once, never put in the address bar, and cleared from the form; the answer shows it masked.
 */
import { useState, type FormEvent } from 'react';
import { api, q, useAction } from '../api';
import { Page } from '../components/Page';
import { ErrorBox, Loading } from '../components/Status';
import { useFormat } from '../i18n';
import { PublicRecord, type PublicView } from './Org';

export function PersonPage() {
  const f = useFormat();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const { busy, error, run } = useAction();
  const [found, setFound] = useState<PublicView | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const number = id.trim().toUpperCase();
    setId('');
    setFound(null);
    await run(async () => setFound(await api<PublicView>(`/public/v1/subjects/${encodeURIComponent(`cn-rid:${number}`)}${q({ name: name.trim() })}`, { anonymous: true })));
  };
  return (
    <Page title={f.t('portal.personTitle')} intro={f.t('portal.personIntro')}>
      <form className="card" onSubmit={submit} aria-labelledby="person-h">
        <h2 id="person-h">{f.t('portal.personForm')}</h2>
        <label>
          {f.t('portal.idNumber')}
          <input value={id} onChange={(e) => setId(e.target.value)} required pattern="\d{17}[\dXx]" inputMode="text" autoComplete="off" data-testid="person-id" />
        </label>
        <label>
          {f.t('portal.fullName')}
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} autoComplete="off" data-testid="person-name" />
        </label>
        <button type="submit" disabled={busy} data-testid="person-submit">
          {f.t('portal.lookUp')}
        </button>
      </form>
      {busy ? <Loading /> : null}
      {error ? <ErrorBox error={error} /> : null}
      {found ? (
        <div data-testid="person-result">
          <h2>{found.name}</h2>
          <PublicRecord v={found} />
        </div>
      ) : null}
    </Page>
  );
}
