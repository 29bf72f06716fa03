/**
 * Self-service for a signed-in subject: their record and the reasons, who looked at it and why,
 * the notices sent to them, and objections and repair applications, filed and followed here.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, subjectRef, useAction, useApi } from '../api';
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
  /** Whether each record in effect and each list entry may be repaired now, and if not why and from when. */
  repair: Eligibility;
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

/** One reason a repair is not possible, as `GET /v1/repairs/eligibility` and a refused application give it. */
interface RepairReason {
  field: string;
  reason: string;
  why?: string;
  status?: string;
  min?: string;
  from?: string;
  exits?: string[];
  repair?: string;
}
interface Repairability {
  possible: boolean;
  from?: string;
  reasons: RepairReason[];
}
interface Eligibility {
  records: (Repairability & { recordId: string; recordType: string })[];
  entries: (Repairability & { entryId: string; list: string; recordId: string | null })[];
}

type Names = ReturnType<typeof names>;
type Format = ReturnType<typeof useFormat>;

/** An ISO-8601 period of years, months or days (`P3M`) in words, in the UI language. */
function period(f: Format, iso: string | undefined): string {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$/.exec(iso ?? '');
  if (!m) return iso ?? '';
  const parts = [
    m[1] ? f.t('me.period.years', { count: Number(m[1]) }) : '',
    m[2] ? f.t('me.period.months', { count: Number(m[2]) }) : '',
    m[3] ? f.t('me.period.days', { count: Number(m[3]) }) : '',
  ];
  return parts.filter(Boolean).join(' ');
}

/** Why a record cannot be repaired now, in the UI language (the server's words when it gives a reason this page does not know). */
function whyNot(f: Format, n: Names, r: RepairReason): string {
  switch (r.why) {
    case 'not-negative':
      return f.t('me.why.notNegative');
    case 'status':
      return r.status ? f.t('me.why.status', { status: f.t(`recordStatus.${r.status}`, { defaultValue: r.status }) }) : f.t('me.why.gone');
    case 'no-publicity':
      return r.exits?.length ? f.t('me.why.noPublicityExits', { what: r.exits.map((x) => n.recordType(x)).join(f.t('me.or')) }) : f.t('me.why.noPublicity');
    case 'too-early':
      return f.t('me.why.tooEarly', { date: f.date(r.from), min: period(f, r.min) });
    case 'pending':
      return f.t('me.why.pending', { id: r.repair });
    case 'from-grade':
      return f.t('me.why.fromGrade');
    case 'no-obligation':
      return f.t('me.why.noObligation');
    case 'no-commitment':
    case 'commitment-not-yours':
    case 'commitment-breached':
    case 'commitment-later':
      return f.t('me.why.commitment');
    default:
      return r.reason;
  }
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
          <Section title={f.t('me.repairTitle')} id="repair">
            <p className="small muted">{f.t('me.repairRules')}</p>
            <RepairTable e={me.data!.repair} v={v} n={n} />
          </Section>
          <Section title={f.t('me.file')} id="file">
            {/* Choosing a record above (its link) selects it here. */}
            <FileForms key={record ?? ''} v={v} picked={record} onDone={reloadAll} n={n} repairable={me.data!.repair.records.filter((r) => r.possible).map((r) => r.recordId)} />
          </Section>
          <Section title={f.t('me.accessLog')} id="access">
            <p className="small muted">{f.t('me.accessLogIntro')}</p>
            <AccessLog items={me.data!.accessLog} action={n.action} />
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
      <Head cols={[f.t('me.caseKind'), f.t('review.record'), f.t('review.status'), f.t('review.deadline'), f.t('me.outcome'), f.t('myEvidence.title')]} />
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
            <td>
              <CaseEvidence caseId={c.id} open={c.status === 'open'} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Each record in effect and each list entry: whether repair may be applied for now, and if not why and from when. */
function RepairTable({ e, v, n }: { e: Eligibility; v: SubjectViewT; n: Names }) {
  const f = useFormat();
  const when = new Map((v.timeline ?? []).map((r) => [r.id, r.occurredAt]));
  const rows = [
    ...e.entries.map((x) => ({ key: x.entryId, what: f.t('me.entryOn', { list: n.list(x.list) }), date: null as string | null, r: x, kind: 'entry' })),
    ...e.records.map((x) => ({ key: x.recordId, what: n.recordType(x.recordType), date: when.get(x.recordId) ?? null, r: x, kind: 'record' })),
  ];
  if (rows.length === 0) return <Empty>{f.t('me.nothingToContest')}</Empty>;
  return (
    <table className="data" data-testid="repair-eligibility">
      <Head cols={[f.t('me.record'), f.t('me.repairNow')]} />
      <tbody>
        {rows.map((x) => (
          <tr key={x.key} data-kind={x.kind} data-id={x.key} data-possible={String(x.r.possible)}>
            <td>
              {x.what}
              {x.date ? <div className="small muted">{f.date(x.date)}</div> : null}
            </td>
            <td>
              {x.r.possible ? (
                <span className="badge st-active">{f.t('me.repairPossible')}</span>
              ) : (
                <ul className="plain small">
                  {x.r.reasons.map((r, i) => (
                    <li key={i}>{whyNot(f, n, r)}</li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function FileForms({ v, picked, onDone, n, repairable }: { v: SubjectViewT; picked: string | null; onDone: () => void; n: Names; repairable: string[] }) {
  const f = useFormat();
  const records = (v.timeline ?? []).filter((r) => r.status === 'active' || r.status === 'disputed');
  // Repair is offered only for the records the server says may be repaired now (the table above says why not for the others).
  const canRepair = records.filter((r) => repairable.includes(r.id));
  const [chosen, setKind] = useState<'objection' | 'repair'>('objection');
  const kind = canRepair.length === 0 ? 'objection' : chosen;
  const [recordId, setRecordId] = useState(picked ?? '');
  const [reasons, setReasons] = useState('');
  const [commitment, setCommitment] = useState('');
  const [obligation, setObligation] = useState('');
  const [ok, setOk] = useState<string | null>(null);
  const [files, setFiles] = useState<File[]>([]);
  const [picker, setPicker] = useState(0);
  const { busy, error, run } = useAction();
  const choices = kind === 'repair' ? canRepair : records;
  const rid = choices.some((r) => r.id === recordId) ? recordId : (choices[0]?.id ?? '');
  if (records.length === 0) return <Empty>{f.t('me.nothingToContest')}</Empty>;
  // The files go to the case once it is filed; one refused is named, and the case stays filed (files can be added later).
  const withEvidence = async (caseId: string) => {
    if (files.length === 0) return;
    await uploadEvidence(caseId, files);
    setOk((o) => `${o ?? ''} ${f.t('myEvidence.sent', { count: files.length })}`);
    setFiles([]);
    setPicker((k) => k + 1);
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setOk(null);
    const done = await run(async () => {
      if (kind === 'objection') {
        const c = await api<{ id: string; deadline: string }>('/v1/objections', { method: 'POST', body: { recordId: rid, reasons } });
        setOk(f.t('me.objectionFiled', { id: c.id, deadline: f.date(c.deadline) }));
        setReasons('');
        await withEvidence(c.id);
      } else {
        // The commitment goes with the application: stored with it, or not at all.
        const c = await api<{ id: string; deadline: string }>('/v1/repairs', { method: 'POST', body: { recordId: rid, commitment: { text: commitment, purpose: f.t('me.commitmentPurpose') }, obligationMet: obligation } });
        setOk(f.t('me.repairFiled', { id: c.id, deadline: f.date(c.deadline) }));
        setCommitment('');
        setObligation('');
        await withEvidence(c.id);
      }
    });
    if (done) onDone();
  };
  const refused = error instanceof ApiError && error.problem.code === 'XY_ERR_NOT_REPAIRABLE' ? ((error.problem.errors ?? []) as RepairReason[]) : null;
  return (
    <form onSubmit={submit} className="file" aria-label={f.t('me.file')}>
      <fieldset>
        <legend>{f.t('me.what')}</legend>
        <label className="radio">
          <input type="radio" name="kind" checked={kind === 'objection'} onChange={() => setKind('objection')} data-testid="file-objection" />
          {f.t('me.objection')}
        </label>
        <label className="radio">
          <input type="radio" name="kind" checked={kind === 'repair'} onChange={() => setKind('repair')} disabled={canRepair.length === 0} aria-describedby={canRepair.length === 0 ? 'no-repair' : undefined} data-testid="file-repair" />
          {f.t('me.repair')}
        </label>
        {canRepair.length === 0 ? (
          <p className="small muted" id="no-repair" data-testid="no-repair">
            {f.t('me.noRepairNow')}
          </p>
        ) : null}
      </fieldset>
      <label>
        {f.t('me.record')}
        <select value={rid} onChange={(e) => setRecordId(e.target.value)} data-testid="file-record">
          {choices.map((r) => (
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
            <textarea value={commitment} onChange={(e) => setCommitment(e.target.value)} required minLength={10} maxLength={4000} rows={3} data-testid="file-commitment" />
          </label>
          <label className="block">
            {f.t('me.obligation')}
            <input value={obligation} onChange={(e) => setObligation(e.target.value)} required maxLength={500} data-testid="file-obligation" />
          </label>
        </>
      )}
      <EvidencePicker key={picker} files={files} onChange={setFiles} id="file-evidence" />
      {refused ? (
        <div className="error" role="alert" data-testid="file-refused">
          <p>
            <strong>{f.t('problems.XY_ERR_NOT_REPAIRABLE')}</strong>
          </p>
          <ul>
            {refused.map((r, i) => (
              <li key={i}>{whyNot(f, n, r)}</li>
            ))}
          </ul>
          <p className="small">{f.t('me.refusedNothingStored')}</p>
        </div>
      ) : error ? (
        <ErrorBox error={error} />
      ) : null}
      {ok ? (
        <p className="ok" role="status" data-testid="file-ok">
          {ok}
        </p>
      ) : null}
      <button type="submit" disabled={busy || files.some((x) => x.size > EVIDENCE_MAX_BYTES)} data-testid="file-submit">
        {f.t('me.submit')}
      </button>
    </form>
  );
}

/** The most a file of evidence may have (the server refuses more, with XY_ERR_EVIDENCE_TOO_LARGE). */
const EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;
const EVIDENCE_ACCEPT = '.pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg';

/** A file's bytes in base64, as the API takes them. */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/**
 * Sends files of evidence to a case, one by one. The type sent is what the browser says the file
 * is; the server reads the file's bytes and refuses a file that is not what it says.
 */
async function uploadEvidence(caseId: string, files: File[]): Promise<void> {
  for (const file of files) {
    const contentType = file.type || (/\.pdf$/i.test(file.name) ? 'application/pdf' : /\.png$/i.test(file.name) ? 'image/png' : 'image/jpeg');
    await api(`/v1/cases/${caseId}/evidence`, { method: 'POST', body: { filename: file.name, contentType, content: await base64Of(file) } });
  }
}

/** A file input for evidence, with the rules beside it; files over the limit are named before anything is sent. */
function EvidencePicker({ files, onChange, id }: { files: File[]; onChange: (f: File[]) => void; id: string }) {
  const f = useFormat();
  const tooBig = files.filter((x) => x.size > EVIDENCE_MAX_BYTES);
  return (
    <div className="block">
      <label htmlFor={id}>{f.t('myEvidence.label')}</label>
      <input id={id} type="file" multiple accept={EVIDENCE_ACCEPT} onChange={(e) => onChange([...(e.target.files ?? [])])} aria-describedby={`${id}-rules`} data-testid={id} />
      <p className="small muted" id={`${id}-rules`}>
        {f.t('myEvidence.rules')}
      </p>
      {tooBig.length > 0 ? (
        <p className="error" role="alert">
          {f.t('myEvidence.tooBig', { names: tooBig.map((x) => x.name).join(', ') })}
        </p>
      ) : null}
    </div>
  );
}

interface EvidenceT {
  id: string;
  filename: string;
  sha256: string;
}

/** The evidence of one of the subject's cases, and while it is open a way to add more. */
function CaseEvidence({ caseId, open }: { caseId: string; open: boolean }) {
  const f = useFormat();
  const d = useApi<{ evidence: EvidenceT[] }>(`/v1/cases/${caseId}`);
  const [files, setFiles] = useState<File[]>([]);
  const [key, setKey] = useState(0);
  const { busy, error, run } = useAction();
  const add = async () => {
    if (await run(() => uploadEvidence(caseId, files))) {
      setFiles([]);
      setKey((k) => k + 1);
    }
    d.reload();
  };
  return (
    <div data-testid={`evidence-${caseId}`}>
      {d.data?.evidence.length ? (
        <ul className="plain small">
          {d.data.evidence.map((e) => (
            <li key={e.id} title={`SHA-256 ${e.sha256}`}>
              {e.filename}
            </li>
          ))}
        </ul>
      ) : d.data ? (
        <span className="small muted">{f.t('myEvidence.none')}</span>
      ) : null}
      {open ? (
        <details>
          <summary>{f.t('myEvidence.add')}</summary>
          <EvidencePicker key={key} files={files} onChange={setFiles} id={`add-evidence-${caseId}`} />
          <button type="button" onClick={() => void add()} disabled={busy || files.length === 0 || files.some((x) => x.size > EVIDENCE_MAX_BYTES)} data-testid={`upload-${caseId}`}>
            {f.t('myEvidence.upload')}
          </button>
        </details>
      ) : null}
      {error ? <ErrorBox error={error} /> : null}
    </div>
  );
}
