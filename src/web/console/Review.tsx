/**
 * The review queue: open objections and repair applications by deadline, overdue first in red;
 * decide with a reason. No outcome is chosen for the reviewer, each decision is confirmed, and a
 * correction is edited as the record type's facts, one field per fact of the catalog's schema.
 */
import { Fragment, useEffect, useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { api, ApiError, q, useAction, useApi } from '../api';
import { names, useCatalog, type CatalogInForce } from '../catalog';
import { DownloadCsv } from '../components/DownloadCsv';
import { Page, Section } from '../components/Page';
import { usePurpose } from '../components/Purpose';
import { ErrorBox, Loading, Empty } from '../components/Status';
import { pick as pickText, useFormat, type Text } from '../i18n';
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

/** What the last decision was, about which case: shown until the next one. */
interface Decided {
  kind: 'objection' | 'repair';
  id: string;
  outcome: string;
  recordType: string;
  subjectId: string;
}

export function ReviewPage() {
  const f = useFormat();
  const { session } = useSession();
  const n = names(useCatalog(session?.token ?? null), f.lang);
  const [status, setStatus] = useState('open');
  const [decided, setDecided] = useState<Decided | null>(null);
  // The queue as CSV (every case, not only this page) needs a purpose: each person in it has the export in their access log.
  const exporting = usePurpose();
  const csv = (kind: 'objections' | 'repairs') => (exporting.purpose ? `/v1/${kind}${q({ status: status || undefined, purpose: exporting.purpose })}` : null);
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
      {exporting.form}
      {decided ? (
        <p className="ok" role="status" data-testid="decision-ok" data-case={decided.id}>
          {f.t(`review.decided.${decided.kind}`, { id: decided.id, outcome: f.t(`review.outcomes.${decided.outcome}`), record: n.recordType(decided.recordType), subject: decided.subjectId })}
        </p>
      ) : null}
      <Section title={f.t('review.objections')} id="objections">
        <DownloadCsv path={csv('objections')} testId="csv-objections" />
        <Queue kind="objection" loaded={objections} rows={objections.data?.objections} onDecided={setDecided} />
      </Section>
      <Section title={f.t('review.repairs')} id="repairs">
        <DownloadCsv path={csv('repairs')} testId="csv-repairs" />
        <Queue kind="repair" loaded={repairs} rows={repairs.data?.repairs} onDecided={setDecided} />
      </Section>
    </Page>
  );
}

function Queue({ kind, loaded, rows, onDecided }: { kind: 'objection' | 'repair'; loaded: { loading: boolean; error: ApiError | null; reload: () => void }; rows?: Case[]; onDecided: (d: Decided | null) => void }) {
  const f = useFormat();
  const { session } = useSession();
  const catalog = useCatalog(session?.token ?? null);
  const n = names(catalog, f.lang);
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
                  <DecideForm
                    kind={kind}
                    c={c}
                    catalog={catalog}
                    onOpen={() => onDecided(null)}
                    done={(outcome) => {
                      setOpen(null);
                      onDecided({ kind, id: c.id, outcome, recordType: c.recordType, subjectId: c.subjectId });
                      loaded.reload();
                    }}
                  />
                </td>
              </tr>
            ) : null}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

/** A fact a record type carries, as the data dictionary defines it. */
interface FactField {
  code: string;
  name: string;
  required: boolean;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  enum?: string[];
}

/** The facts of a record type, in the catalog's order, each with its data element (name, type, closed list of values). */
function factFields(catalog: CatalogInForce | null, recordType: string, lang: string, pick: (t: unknown, lang: string) => string): FactField[] {
  const d = catalog?.doc;
  const rt = d?.recordTypes?.find((r) => r.code === recordType);
  const facts = (rt?.facts ?? {}) as Record<string, 'required' | 'optional'>;
  const national = (d?.national as { dataElements?: Record<string, unknown>[] } | undefined)?.dataElements ?? [];
  const own = (d?.dataElements as Record<string, unknown>[] | undefined) ?? [];
  const elements = new Map([...national, ...own].map((e) => [e.code as string, e]));
  return Object.entries(facts).map(([code, use]) => {
    const e = elements.get(code);
    const name = e?.name ? pick(e.name, lang) : '';
    return { code, name: name || code, required: use === 'required', type: ((e?.type as FactField['type']) ?? 'string'), ...(Array.isArray(e?.enum) ? { enum: e.enum as string[] } : {}) };
  });
}

/** The facts as the API takes them: numbers as numbers, booleans as booleans, empty optional facts left out. */
function factsPayload(fields: FactField[], values: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const fd of fields) {
    const v = (values[fd.code] ?? '').trim();
    if (v === '') continue;
    out[fd.code] = fd.type === 'integer' || fd.type === 'number' ? Number(v) : fd.type === 'boolean' ? v === 'true' : v;
  }
  return out;
}

/** One input per fact: a closed list as a select, numbers as number inputs, dates as date inputs, text otherwise. */
function FactInput({ fd, value, onChange }: { fd: FactField; value: string; onChange: (v: string) => void }) {
  const f = useFormat();
  const common = { id: `fact-${fd.code}`, value, required: fd.required, 'data-testid': `fact-${fd.code}`, onChange: (e: { target: { value: string } }) => onChange(e.target.value) };
  if (fd.enum || fd.type === 'boolean') {
    const values = fd.enum ?? ['true', 'false'];
    return (
      <select {...common}>
        <option value="">{fd.required ? f.t('review.choose') : f.t('review.none')}</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {fd.type === 'boolean' ? f.t(`review.bool.${v}`) : v}
          </option>
        ))}
      </select>
    );
  }
  if (fd.type === 'integer' || fd.type === 'number') return <input type="number" step={fd.type === 'integer' ? 1 : 'any'} {...common} />;
  if (fd.type === 'date') return <input type="date" {...common} />;
  return <input type="text" {...common} />;
}

function DecideForm({ kind, c, catalog, done, onOpen }: { kind: 'objection' | 'repair'; c: Case; catalog: CatalogInForce | null; done: (outcome: string) => void; onOpen: () => void }) {
  const f = useFormat();
  // No outcome is chosen for the reviewer: the decision is theirs to make.
  const [decision, setDecision] = useState('');
  const [reason, setReason] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const { busy, error, run } = useAction();
  const fields = factFields(catalog, c.recordType, f.lang, (t, lang) => pickText(t as Text, lang));
  useEffect(onOpen, []);
  // A correction starts from the record's facts as stored (a read of the record, logged with its purpose).
  useEffect(() => {
    if (decision !== 'corrected' || Object.keys(values).length > 0) return;
    let live = true;
    api<{ facts?: Record<string, unknown> }>(`/v1/records/${c.recordId}${q({ purpose: f.t('review.correctionPurpose', { id: c.id }) })}`).then(
      (r) => live && setValues(Object.fromEntries(Object.entries(r.facts ?? {}).map(([k, v]) => [k, v === null || v === undefined ? '' : String(v)]))),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [decision]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!decision) return;
    const ok = await run(async () => {
      if (kind === 'objection') {
        const body: Record<string, unknown> = decision === 'corrected' ? { decision, reason, facts: factsPayload(fields, values) } : { decision, reason };
        await api(`/v1/objections/${c.id}:decide`, { method: 'POST', body });
      } else {
        await api(`/v1/repairs/${c.id}:decide`, { method: 'POST', body: { approve: decision === 'approve', reason } });
      }
    });
    if (ok) done(decision);
  };
  const extend = async () => {
    if (await run(() => api(`/v1/objections/${c.id}:extend`, { method: 'POST' }))) done('extended');
  };
  const options = kind === 'objection' ? ['upheld', 'corrected', 'revoked'] : ['approve', 'refuse'];
  return (
    <form className="decide" onSubmit={submit} aria-label={f.t('review.decideCase', { id: c.id })}>
      <fieldset>
        <legend>{f.t('review.decision')}</legend>
        {options.map((o) => (
          <label key={o} className="radio">
            <input type="radio" name={`d-${c.id}`} value={o} checked={decision === o} onChange={() => setDecision(o)} data-testid={`decision-${o}`} />
            {f.t(`review.decisions.${o}`)}
          </label>
        ))}
      </fieldset>
      {decision === 'corrected' ? (
        <fieldset data-testid="correction">
          <legend>{f.t('review.facts')}</legend>
          {fields.length === 0 ? <p className="small muted">{f.t('review.noFacts')}</p> : null}
          {fields.map((fd) => (
            <label key={fd.code} htmlFor={`fact-${fd.code}`} className="block">
              {fd.name}
              {fd.required ? null : <span className="muted small"> {f.t('review.optional')}</span>}
              <FactInput fd={fd} value={values[fd.code] ?? ''} onChange={(v) => setValues((x) => ({ ...x, [fd.code]: v }))} />
            </label>
          ))}
        </fieldset>
      ) : null}
      <label className="block">
        {f.t('review.reason')}
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={4000} rows={3} data-testid="decision-reason" />
      </label>
      {error ? <ErrorBox error={error} /> : null}
      {!decision ? <p className="small muted" id={`choose-${c.id}`}>{f.t('review.chooseFirst')}</p> : null}
      <div className="toolbar">
        <button type="submit" disabled={busy || !decision} aria-describedby={!decision ? `choose-${c.id}` : undefined} data-testid="decision-submit">
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
