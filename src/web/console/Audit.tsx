/** Audit: recent entries of the hash chain, a receipt lookup, and verification of the whole chain. */
import { useState, type FormEvent } from 'react';
import { api, q, useAction, useApi } from '../api';
import { Page, Section } from '../components/Page';
import { ErrorBox, Loading } from '../components/Status';
import { useFormat } from '../i18n';
import { Head, Pager } from '../components/Table';
import { DownloadCsv } from '../components/DownloadCsv';

interface AuditEntryT {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subjectId: string | null;
  data: Record<string, unknown> | null;
  hash: string;
}

export function AuditPage() {
  const f = useFormat();
  const [action, setAction] = useState('');
  const [before, setBefore] = useState<number[]>([]);
  const entries = useApi<{ entries: AuditEntryT[]; next: number | null }>(`/v1/audit${q({ limit: 25, action: action || undefined, before: before[before.length - 1] })}`);
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
          {found ? <pre className="code small" data-testid="receipt-found">{JSON.stringify(found, null, 2)}</pre> : null}
        </Section>
      </div>
      <Section title={f.t('audit.recent')} id="recent">
        <div className="toolbar">
          <label>
            {f.t('audit.action')}
            <input value={action} onChange={(e) => { setAction(e.target.value); setBefore([]); }} placeholder="check.decided" pattern="[a-z][a-z.\-]*" />
          </label>
        </div>
        {/* Every entry with the action, newest first: no subject filter here, so no purpose is needed. */}
        <DownloadCsv path={`/v1/audit${q({ action: action || undefined })}`} testId="csv-audit" />
        {entries.loading ? <Loading /> : null}
        {entries.error ? <ErrorBox error={entries.error} onRetry={entries.reload} /> : null}
        <table className="data" data-testid="audit-entries">
          <Head cols={['#', f.t('audit.when'), f.t('audit.actor'), f.t('audit.action'), f.t('audit.subject'), f.t('audit.data')]} />
          <tbody>
            {(entries.data?.entries ?? []).map((e) => (
              <tr key={e.seq}>
                <td className="num">{e.seq}</td>
                <td>{f.dateTime(e.at)}</td>
                <td>{e.actor}</td>
                <td>
                  <code>{e.action}</code>
                </td>
                <td>{e.subjectId ?? '—'}</td>
                <td className="small clip">{e.data ? JSON.stringify(e.data).slice(0, 160) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <Pager stack={before} setStack={setBefore} next={entries.data?.next} backLabel={f.t('common.newer')} nextLabel={f.t('common.older')} />
      </Section>
    </Page>
  );
}
