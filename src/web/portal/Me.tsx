/**
 * Self-service for a signed-in subject: their record and the reasons, who looked at it and why,
 * the notices sent to them, and objections and repair applications, filed and followed here.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, subjectRef, useAction, useApi } from '../api';
import { names, useCatalog } from '../catalog';
import { Page, Section } from '../components/Page';
import { ErrorBox, Loading, Empty } from '../components/Status';
import { AccessLog, SchemesAndLists } from '../components/SubjectParts';
import { useFormat } from '../i18n';
import { completeOidc, isOidcCallback, oidcManager } from '../oidc';
import { useSession, type AuthConfig } from '../session';
import type { AccessLogItem, Notice, SubjectViewT } from '../types';
import { Head } from '../components/Table';

interface Me {
  record: SubjectViewT;
  accessLog: AccessLogItem[];
  notices: Notice[];
}
interface CaseT {
  id: string;
  recordId: string;
  recordType: string;
  status: string;
  deadline: string;
  overdue: boolean;
  reasons?: string;
  obligationMet?: string;
  decision?: { at: string; reason: string };
}

export function MePage() {
  const { session } = useSession();
  return session?.role === 'subject' ? <MyRecord /> : <SubjectSignIn />;
}

function SubjectSignIn() {
  const f = useFormat();
  const { signIn } = useSession();
  const config = useApi<AuthConfig>('/v1/auth/config', { anonymous: true });
  const [ref, setRef] = useState('');
  const { busy, error, run } = useAction();
  useEffect(() => {
    const o = config.data?.oidc;
    if (!o?.clientId || !isOidcCallback()) return;
    void run(async () => {
      const r = await completeOidc(o.issuer, o.clientId!, '/public/me');
      history.replaceState(null, '', '/public/me');
      await signIn(r.token, r.expiresAt);
    });
  }, [config.data, signIn, run]);
  const dev = async (e: FormEvent) => {
    e.preventDefault();
    const v = ref.trim();
    setRef('');
    await run(async () => {
      const r = await api<{ token: string; expiresAt: string }>('/v1/dev/sign-in', { method: 'POST', body: { role: 'subject', subject: subjectRef(v) }, anonymous: true });
      await signIn(r.token, r.expiresAt);
    });
  };
  return (
    <Page title={f.t('me.signInTitle')} intro={f.t('me.signInIntro')}>
      {config.error ? <ErrorBox error={config.error} onRetry={config.reload} /> : null}
      {error ? <ErrorBox error={error} /> : null}
      <div className="grid two">
        {config.data?.oidc?.clientId ? (
          <section className="card">
            <h2>{f.t('signIn.oidcTitle')}</h2>
            <button type="button" onClick={() => void oidcManager(config.data!.oidc!.issuer, config.data!.oidc!.clientId!, '/public/me').signinRedirect()}>
              {f.t('signIn.oidcButton')}
            </button>
          </section>
        ) : null}
        {config.data?.devSignIn ? (
          <form className="card" onSubmit={dev} aria-labelledby="me-dev-h">
            <h2 id="me-dev-h">{f.t('me.devTitle')}</h2>
            <p>{f.t('me.devIntro')}</p>
            <label>
              {f.t('me.reference')}
              <input value={ref} onChange={(e) => setRef(e.target.value)} required autoComplete="off" data-testid="me-ref" />
            </label>
            <button type="submit" disabled={busy} data-testid="me-sign-in">
              {f.t('signIn.devButton')}
            </button>
          </form>
        ) : null}
        {config.data && !config.data.devSignIn && !config.data.oidc?.clientId ? <p className="notice">{f.t('me.noSignIn')}</p> : null}
      </div>
    </Page>
  );
}

function MyRecord() {
  const f = useFormat();
  const { session } = useSession();
  const n = names(useCatalog(session?.token ?? null), f.lang);
  const me = useApi<Me>('/v1/me');
  const objections = useApi<{ objections: CaseT[] }>('/v1/objections');
  const repairs = useApi<{ repairs: CaseT[] }>('/v1/repairs');
  const [record, setRecord] = useState<string | null>(null);
  const reloadAll = () => {
    me.reload();
    objections.reload();
    repairs.reload();
  };
  const v = me.data?.record;
  return (
    <Page title={v ? (v.subject.name ?? f.t('me.title')) : f.t('me.title')} docTitle={f.t('me.title')} intro={f.t('me.intro')}>
      {me.loading && !v ? <Loading /> : null}
      {me.error ? <ErrorBox error={me.error} onRetry={me.reload} /> : null}
      {v ? (
        <>
          <SchemesAndLists
            v={v}
            n={n}
            onRecord={(id) => {
              setRecord(id);
              document.getElementById('file')?.scrollIntoView();
              setTimeout(() => document.querySelector<HTMLElement>('[data-testid=file-record]')?.focus(), 0);
            }}
          />
          <Section title={f.t('me.cases')} id="cases">
            {objections.error ? <ErrorBox error={objections.error} onRetry={objections.reload} /> : null}
            {repairs.error ? <ErrorBox error={repairs.error} onRetry={repairs.reload} /> : null}
            {(objections.loading && !objections.data) || (repairs.loading && !repairs.data) ? <Loading /> : null}
            {objections.data && repairs.data ? <Cases objections={objections.data.objections} repairs={repairs.data.repairs} n={n} /> : null}
          </Section>
          <Section title={f.t('me.file')} id="file">
            {/* Choosing a record above (its link) selects it here. */}
            <FileForms key={record ?? ''} v={v} picked={record} onDone={reloadAll} n={n} />
          </Section>
          <Section title={f.t('me.accessLog')} id="access">
            <p className="small muted">{f.t('me.accessLogIntro')}</p>
            <AccessLog items={me.data!.accessLog} />
          </Section>
          <Section title={f.t('me.notices')} id="notices">
            {me.data!.notices.length === 0 ? <Empty>{f.t('me.noNotices')}</Empty> : null}
            <ul className="plain">
              {me.data!.notices.map((x) => (
                <li key={x.id}>
                  {f.dateTime(x.at)} — {f.t(`notices.${x.kind.replace(/\./g, '_')}`, { defaultValue: x.kind })}
                  {typeof x.list === 'string' ? ` · ${n.list(x.list)}` : ''}
                </li>
              ))}
            </ul>
          </Section>
        </>
      ) : null}
    </Page>
  );
}

function Cases({ objections, repairs, n }: { objections?: CaseT[]; repairs?: CaseT[]; n: ReturnType<typeof names> }) {
  const f = useFormat();
  const rows = [...(objections ?? []).map((c) => ({ ...c, kind: 'objection' })), ...(repairs ?? []).map((c) => ({ ...c, kind: 'repair' }))];
  if (rows.length === 0) return <Empty>{f.t('me.noCases')}</Empty>;
  return (
    <table className="data" data-testid="my-cases">
      <Head cols={[f.t('me.caseKind'), f.t('review.record'), f.t('review.status'), f.t('review.deadline'), f.t('me.outcome')]} />
      <tbody>
        {rows.map((c) => (
          <tr key={c.id} data-case={c.id} data-status={c.status}>
            <td>{f.t(`me.kinds.${c.kind}`)}</td>
            <td>{n.recordType(c.recordType)}</td>
            <td>
              <span className={`badge st-${c.status}`}>{f.t(`caseStatus.${c.status}`, { defaultValue: c.status })}</span>
            </td>
            <td>{f.date(c.deadline)}</td>
            <td className="small">{c.decision ? `${f.date(c.decision.at)}: ${c.decision.reason}` : f.t('me.pending')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FileForms({ v, picked, onDone, n }: { v: SubjectViewT; picked: string | null; onDone: () => void; n: ReturnType<typeof names> }) {
  const f = useFormat();
  const records = (v.timeline ?? []).filter((r) => r.status === 'active' || r.status === 'disputed');
  const [kind, setKind] = useState<'objection' | 'repair'>('objection');
  const [recordId, setRecordId] = useState(picked ?? '');
  const [reasons, setReasons] = useState('');
  const [commitment, setCommitment] = useState('');
  const [obligation, setObligation] = useState('');
  const [ok, setOk] = useState<string | null>(null);
  // A commitment made for a repair that was then refused is used again, not made anew.
  const [commitmentId, setCommitmentId] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const rid = recordId || records[0]?.id || '';
  if (records.length === 0) return <Empty>{f.t('me.nothingToContest')}</Empty>;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setOk(null);
    const done = await run(async () => {
      if (kind === 'objection') {
        const c = await api<{ id: string; deadline: string }>('/v1/objections', { method: 'POST', body: { recordId: rid, reasons } });
        setOk(f.t('me.objectionFiled', { id: c.id, deadline: f.date(c.deadline) }));
        setReasons('');
      } else {
        let cm = commitmentId;
        if (!cm) {
          cm = (await api<{ id: string }>('/v1/commitments', { method: 'POST', body: { text: commitment, purpose: f.t('me.commitmentPurpose') } })).id;
          setCommitmentId(cm);
        }
        const c = await api<{ id: string; deadline: string }>('/v1/repairs', { method: 'POST', body: { recordId: rid, commitmentId: cm, obligationMet: obligation } });
        setOk(f.t('me.repairFiled', { id: c.id, deadline: f.date(c.deadline) }));
        setCommitment('');
        setObligation('');
      }
    });
    if (done) onDone();
  };
  return (
    <form onSubmit={submit} className="file" aria-label={f.t('me.file')}>
      <fieldset>
        <legend>{f.t('me.what')}</legend>
        <label className="radio">
          <input type="radio" name="kind" checked={kind === 'objection'} onChange={() => setKind('objection')} data-testid="file-objection" />
          {f.t('me.objection')}
        </label>
        <label className="radio">
          <input type="radio" name="kind" checked={kind === 'repair'} onChange={() => setKind('repair')} data-testid="file-repair" />
          {f.t('me.repair')}
        </label>
      </fieldset>
      <label>
        {f.t('me.record')}
        <select value={rid} onChange={(e) => setRecordId(e.target.value)} data-testid="file-record">
          {records.map((r) => (
            <option key={r.id} value={r.id}>
              {n.recordType(r.type)} — {f.date(r.occurredAt)}
            </option>
          ))}
        </select>
      </label>
      {kind === 'objection' ? (
        <label className="block">
          {f.t('me.reasons')}
          <textarea value={reasons} onChange={(e) => setReasons(e.target.value)} required minLength={3} maxLength={4000} rows={4} data-testid="file-reasons" />
        </label>
      ) : (
        <>
          <p className="small">{f.t('me.repairIntro')}</p>
          <label className="block">
            {f.t('me.commitment')}
            <textarea value={commitment} onChange={(e) => setCommitment(e.target.value)} required={!commitmentId} minLength={10} maxLength={4000} rows={3} />
          </label>
          <label className="block">
            {f.t('me.obligation')}
            <input value={obligation} onChange={(e) => setObligation(e.target.value)} required maxLength={500} />
          </label>
        </>
      )}
      {error ? <ErrorBox error={error} /> : null}
      {ok ? (
        <p className="ok" role="status" data-testid="file-ok">
          {ok}
        </p>
      ) : null}
      <button type="submit" disabled={busy} data-testid="file-submit">
        {f.t('me.submit')}
      </button>
    </form>
  );
}
