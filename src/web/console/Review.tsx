/** The review queue: open objections and repair applications by deadline, overdue first in red; decide with a reason. */
import { Fragment, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ApiError, q, useAction, useApi } from '../api';
import { names, useCatalog } from '../catalog';
import { Page, Section } from '../components/Page';
import { ErrorBox, Loading, Empty } from '../components/Status';
import { useFormat } from '../i18n';
import { useSession } from '../session';
import { Head } from '../components/Table';

interface Case {
  id: string;
  subjectId: string;
  recordId: string;
  recordType: string;
  status: string;
  deadline: string;
  filedAt?: string;
  appliedAt?: string;
  reasons?: string;
  obligationMet?: string;
  extended?: boolean;
  overdue: boolean;
  decision?: { at: string; by: string; reason: string };
}

export function ReviewPage() {
  const f = useFormat();
  const [status, setStatus] = useState('open');
  const objections = useApi<{ objections: Case[] }>(`/v1/objections${q({ status: status || undefined, limit: 200 })}`);
  const repairs = useApi<{ repairs: Case[] }>(`/v1/repairs${q({ status: status === 'open' ? 'open' : undefined, limit: 200 })}`);
  return (
    <Page title={f.t('review.title')} intro={f.t('review.intro')}>
      <div className="toolbar">
        <label>
          {f.t('review.show')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="open">{f.t('review.openOnly')}</option>
            <option value="">{f.t('review.all')}</option>
          </select>
        </label>
      </div>
      <Section title={f.t('review.objections')} id="objections">
        <Queue kind="objection" loaded={objections} rows={objections.data?.objections} />
      </Section>
      <Section title={f.t('review.repairs')} id="repairs">
        <Queue kind="repair" loaded={repairs} rows={repairs.data?.repairs} />
      </Section>
    </Page>
  );
}

function Queue({ kind, loaded, rows }: { kind: 'objection' | 'repair'; loaded: { loading: boolean; error: ApiError | null; reload: () => void }; rows?: Case[] }) {
  const f = useFormat();
  const { session } = useSession();
  const n = names(useCatalog(session?.token ?? null), f.lang);
  const [open, setOpen] = useState<string | null>(null);
  if (loaded.loading && !rows) return <Loading />;
  if (loaded.error) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  const sorted = [...(rows ?? [])].sort((a, b) => Number(b.overdue) - Number(a.overdue) || Date.parse(a.deadline) - Date.parse(b.deadline));
  if (sorted.length === 0) return <Empty>{f.t(kind === 'objection' ? 'review.noObjections' : 'review.noRepairs')}</Empty>;
  return (
    <table className="data queue" data-testid={`queue-${kind}`}>
      <Head cols={[f.t('review.deadline'), f.t('review.subject'), f.t('review.record'), f.t(kind === 'objection' ? 'review.reasons' : 'review.obligation'), f.t('review.status'), f.t('review.action')]} />
      <tbody>
        {sorted.map((c) => (
          <Fragment key={c.id}>
            <tr className={c.overdue ? 'overdue' : undefined} data-case={c.id}>
              <td>
                {f.date(c.deadline)}
                {c.overdue ? <span className="badge st-overdue">{f.t('review.overdue')}</span> : null}
                {c.extended ? <div className="small muted">{f.t('review.extended')}</div> : null}
              </td>
              <td>
                <Link to={`/subjects/${c.subjectId}`}>{c.subjectId}</Link>
              </td>
              <td>{n.recordType(c.recordType)}</td>
              <td className="small">{c.reasons ?? c.obligationMet}</td>
              <td>
                <span className={`badge st-${c.status}`}>{f.t(`caseStatus.${c.status}`, { defaultValue: c.status })}</span>
                {c.decision ? <div className="small muted">{c.decision.reason}</div> : null}
              </td>
              <td>
                {c.status === 'open' ? (
                  <button type="button" onClick={() => setOpen(open === c.id ? null : c.id)} aria-expanded={open === c.id} data-testid={`decide-${c.id}`}>
                    {f.t('review.decide')}
                  </button>
                ) : null}
              </td>
            </tr>
            {open === c.id ? (
              <tr>
                <td colSpan={6}>
                  <DecideForm kind={kind} c={c} done={() => { setOpen(null); loaded.reload(); }} />
                </td>
              </tr>
            ) : null}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

function DecideForm({ kind, c, done }: { kind: 'objection' | 'repair'; c: Case; done: () => void }) {
  const f = useFormat();
  const [decision, setDecision] = useState(kind === 'objection' ? 'upheld' : 'approve');
  const [reason, setReason] = useState('');
  const [facts, setFacts] = useState('{}');
  const { busy, error, run } = useAction();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await run(async () => {
      if (kind === 'objection') {
        let body: Record<string, unknown> = { decision, reason };
        if (decision === 'corrected') body = { ...body, facts: JSON.parse(facts) };
        await api(`/v1/objections/${c.id}:decide`, { method: 'POST', body });
      } else {
        await api(`/v1/repairs/${c.id}:decide`, { method: 'POST', body: { approve: decision === 'approve', reason } });
      }
    });
    if (ok) done();
  };
  const extend = async () => {
    if (await run(() => api(`/v1/objections/${c.id}:extend`, { method: 'POST' }))) done();
  };
  const options = kind === 'objection' ? ['upheld', 'corrected', 'revoked'] : ['approve', 'refuse'];
  return (
    <form className="decide" onSubmit={submit} aria-label={f.t('review.decideCase', { id: c.id })}>
      <fieldset>
        <legend>{f.t('review.decision')}</legend>
        {options.map((o) => (
          <label key={o} className="radio">
            <input type="radio" name={`d-${c.id}`} value={o} checked={decision === o} onChange={() => setDecision(o)} autoFocus={decision === o} data-testid={`decision-${o}`} />
            {f.t(`review.decisions.${o}`)}
          </label>
        ))}
      </fieldset>
      {decision === 'corrected' ? (
        <label className="block">
          {f.t('review.facts')}
          <textarea value={facts} onChange={(e) => setFacts(e.target.value)} rows={4} className="code" />
        </label>
      ) : null}
      <label className="block">
        {f.t('review.reason')}
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={4000} rows={3} data-testid="decision-reason" />
      </label>
      {error ? <ErrorBox error={error} /> : null}
      <div className="toolbar">
        <button type="submit" disabled={busy} data-testid="decision-submit">
          {f.t('review.submit')}
        </button>
        {kind === 'objection' && !c.extended ? (
          <button type="button" onClick={() => void extend()} disabled={busy}>
            {f.t('review.extend')}
          </button>
        ) : null}
      </div>
    </form>
  );
}
