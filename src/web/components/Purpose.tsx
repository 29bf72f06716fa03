/**
 * The purpose of a read of persons' records: stated before the first read of each subject or list
 * (the server logs it with the read, and the person sees it). The last one given is offered again,
 * but a new subject needs it confirmed. Text holding an ID number is refused here, as the server
 * would refuse it, and is never stored.
 */
import { useState, type FormEvent } from 'react';
import { holdsIdNumber } from '../api';
import { useFormat } from '../i18n';

const LAST = 'xy.console.purpose';

export function usePurpose() {
  const f = useFormat();
  const [purpose, setPurpose] = useState('');
  const [draft, setDraft] = useState(() => sessionStorage.getItem(LAST) ?? '');
  const [refused, setRefused] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p = draft.trim();
    if (holdsIdNumber(p)) {
      setRefused(true);
      setDraft('');
      return;
    }
    setRefused(false);
    sessionStorage.setItem(LAST, p);
    setPurpose(p);
  };
  const form = (
    <>
      <form className="toolbar" onSubmit={submit} aria-label={f.t('subject.purposeForm')}>
        <label>
          {f.t('subject.purpose')}
          <input value={draft} onChange={(e) => setDraft(e.target.value)} required minLength={3} maxLength={200} placeholder={f.t('subject.purposeHint')} data-testid="purpose" />
        </label>
        <button type="submit" data-testid="purpose-set">
          {purpose ? f.t('subject.purposeChange') : f.t('subject.purposeSet')}
        </button>
      </form>
      {refused ? (
        <p className="error" role="alert">
          {f.t('subject.purposeNoId')}
        </p>
      ) : null}
      {!purpose ? <p className="notice">{f.t('subject.purposeNeeded')}</p> : null}
    </>
  );
  return { purpose, form };
}
