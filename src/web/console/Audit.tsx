/** Audit: recent entries of the hash chain, a receipt lookup, and verification of the whole chain. */
import { useState, type FormEvent } from 'react';
import { api, q, useAction, useApi } from '../api';
import { Page, Section } from '../components/Page';
import { ErrorBox, Loading } from '../components/Status';
import { useFormat } from '../i18n';
import { Head, Pager } from '../components/Table';
import { DownloadCsv } from '../components/DownloadCsv';
import { AUDIT } from '../../audit/actions';

interface AuditEntryT {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subjectId: string | null;
  data: Record<string, unknown> | null;
  hash: string;
}

/** The filters of the entries, as applied (the form edits a copy until it is sent). */
interface Filters {
  actor: string;
  action: string;
  subject: string;
  purpose: string;
  from: string;
  to: string;
}

const NO_FILTERS: Filters = { actor: '', action: '', subject: '', purpose: '', from: '', to: '' };

/** Every action the audit log records, for the filter: by the constants' order (src/audit/actions.ts). */
const ACTIONS: string[] = Object.values(AUDIT);

export function AuditPage() {
  const f = useFormat();
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [before, setBefore] = useState<number[]>([]);
  const filterQuery = { actor: applied.actor || undefined, action: applied.action || undefined, subject: applied.subject || undefined, purpose: applied.subject ? applied.purpose : undefined, from: applied.from || undefined, to: applied.to || undefined };
  // By subject, each page read is in the person's access log with the purpose: not read again for a language switch.
  const entries = useApi<{ entries: AuditEntryT[]; next: number | null }>(`/v1/audit${q({ limit: 25, ...filterQuery, before: before[before.length - 1] })}`, { logged: Boolean(applied.subject) });
  const actionLabel = (a: string) => f.t(`auditActions.${a.replace(/\./g, '_')}`, { defaultValue: a });
  const set = (k: keyof Filters) => (e: { target: { value: string } }) => setDraft((d) => ({ ...d, [k]: e.target.value }));
  const apply = (e: FormEvent) => {
    e.preventDefault();
    setApplied({ ...draft, actor: draft.actor.trim(), subject: draft.subject.trim(), purpose: draft.purpose.trim() });
    setBefore([]);
  };
  const reset = () => {
    setDraft(NO_FILTERS);
    setApplied(NO_FILTERS);
    setBefore([]);
  };
  const [verify, setVerify] = useState<{ ok: boolean; count?: number; head?: string; problem?: Record<string, unknown> } | null>(null);
  const verifying = useAction();
  const [receipt, setReceipt] = useState('');
  const [purpose, setPurpose] = useState('');
  const [found, setFound] = useState<Record<string, unknown> | null>(null);
  const finding = useAction();
  const runVerify = () => void verifying.run(async () => setVerify(await api('/v1/audit:verify')));
  const lookup = (e: FormEvent) => {
    e.preventDefault();
    setFound(null);
    void finding.run(async () => setFound(await api(`/v1/checks/${encodeURIComponent(receipt.trim())}${q({ purpose })}`)));
  };
  return (
    <Page title={f.t('audit.title')} intro={f.t('audit.intro')}>
      <div className="grid two">
        <Section title={f.t('audit.verifyTitle')} id="verify">
          <p>{f.t('audit.verifyIntro')}</p>
          <button type="button" onClick={runVerify} disabled={verifying.busy} data-testid="verify">
            {f.t('audit.verify')}
          </button>
          {verifying.busy ? <Loading /> : null}
          {verifying.error ? <ErrorBox error={verifying.error} /> : null}
          {verify ? (
            <p className={verify.ok ? 'ok' : 'error'} role="status" data-testid="verify-result">
              {verify.ok ? f.t('audit.verified', { count: f.num(verify.count ?? 0), head: (verify.head ?? '').slice(0, 16) }) : f.t('audit.broken', { problem: JSON.stringify(verify.problem) })}
            </p>
          ) : null}
        </Section>
        <Section title={f.t('audit.receiptTitle')} id="receipt">
          <form onSubmit={lookup}>
            <label>
              {f.t('audit.receipt')}
              <input value={receipt} onChange={(e) => setReceipt(e.target.value)} required pattern="rc_[0-9a-f]+" autoComplete="off" />
            </label>
            <label>
              {f.t('subject.purpose')}
              <input value={purpose} onChange={(e) => setPurpose(e.target.value)} required minLength={3} maxLength={200} />
            </label>
            <button type="submit">{f.t('audit.lookup')}</button>
          </form>
          {finding.error ? <ErrorBox error={finding.error} /> : null}
          {found ? <pre className="code small" translate="no" data-testid="receipt-found">{JSON.stringify(found, null, 2)}</pre> : null}
        </Section>
      </div>
      <Section title={f.t('audit.recent')} id="recent">
        <form className="toolbar" onSubmit={apply} aria-label={f.t('auditFilter.label')} data-testid="audit-filters">
          <label>
            {f.t('audit.actor')}
            <input value={draft.actor} onChange={set('actor')} placeholder="key:k_… / oidc:…" translate="no" autoComplete="off" aria-describedby="actor-help" data-testid="filter-actor" />
          </label>
          <label>
            {f.t('audit.action')}
            <select value={draft.action} onChange={set('action')} data-testid="filter-action">
              <option value="">{f.t('auditFilter.anyAction')}</option>
              {ACTIONS.map((a) => (
                <option key={a} value={a}>
                  {actionLabel(a)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {f.t('audit.subject')}
            <input value={draft.subject} onChange={set('subject')} placeholder="s_… / cn-uscc:…" translate="no" autoComplete="off" data-testid="filter-subject" />
          </label>
          {draft.subject.trim() ? (
            <label>
              {f.t('subject.purpose')}
              <input value={draft.purpose} onChange={set('purpose')} required minLength={3} maxLength={200} placeholder={f.t('subject.purposeHint')} data-testid="filter-purpose" />
            </label>
          ) : null}
          <label>
            {f.t('auditFilter.from')}
            <input type="date" value={draft.from} onChange={set('from')} max={draft.to || undefined} data-testid="filter-from" />
          </label>
          <label>
            {f.t('auditFilter.to')}
            <input type="date" value={draft.to} onChange={set('to')} min={draft.from || undefined} data-testid="filter-to" />
          </label>
          <button type="submit" data-testid="filter-apply">
            {f.t('auditFilter.apply')}
          </button>
          <button type="button" onClick={reset} data-testid="filter-reset">
            {f.t('auditFilter.reset')}
          </button>
        </form>
        <p className="small muted" id="actor-help">
          {f.t('auditFilter.actorHelp')} {f.t(applied.subject ? 'auditFilter.subjectNote' : 'auditFilter.daysNote')}
        </p>
        {/* Every entry the filters select, newest first; by subject with the purpose, which the person sees. */}
        <DownloadCsv path={`/v1/audit${q(filterQuery)}`} testId="csv-audit" />
        {entries.loading ? <Loading /> : null}
        {entries.error ? <ErrorBox error={entries.error} onRetry={entries.reload} /> : null}
        <table className="data" data-testid="audit-entries">
          <Head cols={['#', f.t('audit.when'), f.t('audit.actor'), f.t('audit.action'), f.t('audit.subject'), f.t('audit.data')]} />
          <tbody>
            {(entries.data?.entries ?? []).map((e) => (
              <tr key={e.seq}>
                <td className="num">{e.seq}</td>
                <td>{f.dateTime(e.at)}</td>
                <td translate="no">{e.actor}</td>
                <td>
                  {actionLabel(e.action)}
                  <div className="muted small">
                    <code translate="no">{e.action}</code>
                  </div>
                </td>
                <td>{e.subjectId ?? '—'}</td>
                {/* The entry's data as stored (JSON): shown as it is, not translated. */}
                <td className="small clip" translate="no">
                  {e.data ? JSON.stringify(e.data).slice(0, 160) : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager stack={before} setStack={setBefore} next={entries.data?.next} backLabel={f.t('common.newer')} nextLabel={f.t('common.older')} />
      </Section>
    </Page>
  );
}
