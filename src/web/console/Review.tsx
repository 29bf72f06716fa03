/**
 * The review queue: open objections and repair applications by deadline, overdue first in red,
 * filtered by status, deadline, source, subject and assignee (kept in the address); each case opens
 * on its own page (`Case.tsx`); decide one with a reason, or several at once with one outcome and
 * one reason (each decided on its own, what happened to each shown). No outcome is chosen for
 * the reviewer, each decision is confirmed, and a correction is edited as the record type's facts, one field per fact of the catalog's schema.
 */
import { Fragment, useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, ApiError, q, subjectRef, useAction, useApi } from '../api';
import { names, useCatalog, type CatalogInForce } from '../catalog';
import { DownloadCsv } from '../components/DownloadCsv';
import { Page, Section } from '../components/Page';
import { usePurpose } from '../components/Purpose';
import { ErrorBox, Loading, Empty } from '../components/Status';
import { pick as pickText, useFormat, type Text } from '../i18n';
import { useSession } from '../session';

export interface Case {
  id: string;
  subjectId: string;
  recordId: string;
  recordType: string;
  status: string;
  deadline: string;
  filedAt?: string;
  filedBy?: string;
  appliedAt?: string;
  appliedBy?: string;
  reasons?: string;
  obligationMet?: string;
  extended?: boolean;
  overdue: boolean;
  assignedTo?: string;
  assignedAt?: string;
  decision?: { at: string; by: string; reason: string };
}

type Kind = 'objection' | 'repair';

/** What the last decision was, about which case: shown until the next one. */
export interface Decided {
  kind: Kind;
  id: string;
  outcome: string;
  recordType: string;
  subjectId: string;
}

/** The statuses each kind of case has; the queue asks a kind only for its own. */
const STATUSES: Record<Kind, string[]> = { objection: ['open', 'upheld', 'corrected', 'revoked'], repair: ['open', 'approved', 'refused'] };

/** The queue's filters, kept in the page's address so that a filtered queue can be linked to and reloaded. */
function useFilters() {
  const [params, setParams] = useSearchParams();
  const filters = {
    status: params.get('status') ?? 'open',
    deadline: params.get('deadline') ?? '',
    subject: params.get('subject') ?? '',
    source: params.get('source') ?? '',
    mine: params.get('assigned') === 'me',
  };
  const set = (patch: Partial<Record<'status' | 'deadline' | 'subject' | 'source' | 'assigned', string>>) =>
    setParams((p) => {
      const next = new URLSearchParams(p);
      for (const [k, v] of Object.entries(patch)) {
        if (v === '' || v === undefined) next.delete(k);
        else next.set(k, v);
      }
      return next;
    });
  return { filters, set };
}

/** The confirmation shown after a decision, naming the case, the record and the outcome. */
export function DecidedNote({ decided, n }: { decided: Decided; n: ReturnType<typeof names> }) {
  const f = useFormat();
  return (
    <p className="ok" role="status" data-testid="decision-ok" data-case={decided.id}>
      {f.t(`review.decided.${decided.kind}`, { id: decided.id, outcome: f.t(`review.outcomes.${decided.outcome}`), record: n.recordType(decided.recordType), subject: decided.subjectId })}
    </p>
  );
}

export function ReviewPage() {
  const f = useFormat();
  const { session } = useSession();
  const catalog = useCatalog(session?.token ?? null);
  const n = names(catalog, f.lang);
  const { filters, set } = useFilters();
  const [decided, setDecided] = useState<Decided | null>(null);
  // The queue as CSV (every case, not only this page) needs a purpose: each person in it has the export in their access log.
  // A queue of one subject is a read of that person's cases: it needs the purpose too.
  const exporting = usePurpose();
  const waiting = filters.subject !== '' && !exporting.purpose;
  const query = (kind: Kind, extra: Record<string, string | number | undefined>) => {
    const status = filters.deadline || filters.status === 'all' ? undefined : filters.status || undefined;
    if (status && !STATUSES[kind].includes(status)) return null;
    return `/v1/${kind}s${q({
      status,
      overdue: filters.deadline === 'overdue' || undefined,
      dueSoon: filters.deadline === 'soon' || undefined,
      subject: filters.subject || undefined,
      source: filters.source || undefined,
      assigned: filters.mine ? 'me' : undefined,
      purpose: filters.subject ? exporting.purpose : undefined,
      ...extra,
    })}`;
  };
  const csv = (kind: Kind) => (exporting.purpose ? query(kind, { purpose: exporting.purpose }) : null);
  const objectionsPath = waiting ? null : query('objection', { limit: 200 });
  const repairsPath = waiting ? null : query('repair', { limit: 200 });
  const objections = useApi<{ objections: Case[] }>(objectionsPath);
  const repairs = useApi<{ repairs: Case[] }>(repairsPath);
  const sources = (catalog?.doc?.sources ?? []) as { code: string }[];
  return (
    <Page title={f.t('review.title')} intro={f.t('review.intro')}>
      <form className="toolbar filters" aria-label={f.t('queue.filters')} onSubmit={(e) => e.preventDefault()}>
        <label>
          {f.t('review.show')}
          <select value={filters.status} onChange={(e) => set({ status: e.target.value === 'open' ? '' : e.target.value || 'all' })} data-testid="filter-status" disabled={filters.deadline !== ''}>
            <option value="open">{f.t('review.openOnly')}</option>
            <option value="all">{f.t('review.all')}</option>
            {[...STATUSES.objection, ...STATUSES.repair].filter((x, i, a) => x !== 'open' && a.indexOf(x) === i).map((st) => (
              <option key={st} value={st}>
                {f.t(`caseStatus.${st}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {f.t('queue.deadline')}
          <select value={filters.deadline} onChange={(e) => set({ deadline: e.target.value })} data-testid="filter-deadline">
            <option value="">{f.t('queue.anyDeadline')}</option>
            <option value="overdue">{f.t('queue.overdue')}</option>
            <option value="soon">{f.t('queue.dueSoon')}</option>
          </select>
        </label>
        <label>
          {f.t('queue.source')}
          <select value={filters.source} onChange={(e) => set({ source: e.target.value })} data-testid="filter-source">
            <option value="">{f.t('queue.anySource')}</option>
            {sources.map((src) => (
              <option key={src.code} value={src.code}>
                {n.source(src.code)}
              </option>
            ))}
          </select>
        </label>
        <SubjectFilter value={filters.subject} onChange={(v) => set({ subject: v })} />
        <label className="radio">
          <input type="checkbox" checked={filters.mine} onChange={(e) => set({ assigned: e.target.checked ? 'me' : '' })} data-testid="filter-mine" />
          {f.t('queue.mine')}
        </label>
      </form>
      {exporting.form}
      {waiting ? <p className="notice" data-testid="subject-needs-purpose">{f.t('queue.subjectNeedsPurpose')}</p> : null}
      {decided ? <DecidedNote decided={decided} n={n} /> : null}
      <Section title={f.t('review.objections')} id="objections">
        <DownloadCsv path={csv('objection')} testId="csv-objections" />
        <Queue kind="objection" skip={waiting || objectionsPath === null} loaded={objections} rows={objections.data?.objections} onDecided={setDecided} />
      </Section>
      <Section title={f.t('review.repairs')} id="repairs">
        <DownloadCsv path={csv('repair')} testId="csv-repairs" />
        <Queue kind="repair" skip={waiting || repairsPath === null} loaded={repairs} rows={repairs.data?.repairs} onDecided={setDecided} />
      </Section>
    </Page>
  );
}

/** The subject filter: a subject reference, applied when submitted (each is a read of that person's cases). */
function SubjectFilter({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const f = useFormat();
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  return (
    <span className="subject-filter">
      <label>
        {f.t('queue.subject')}
        <input value={draft} onChange={(e) => setDraft(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && onChange(subjectRef(draft.trim()))} placeholder={f.t('queue.subjectHint')} maxLength={80} data-testid="filter-subject" />
      </label>
      <button type="button" onClick={() => onChange(subjectRef(draft.trim()))} data-testid="filter-subject-apply">
        {f.t('queue.apply')}
      </button>
      {value ? (
        <button type="button" onClick={() => onChange('')}>
          {f.t('queue.clear')}
        </button>
      ) : null}
    </span>
  );
}

/** When and by whom: a date and the actor, on two lines. */
function WhenWho({ at, by }: { at?: string; by?: string }) {
  const f = useFormat();
  if (!at) return null;
  return (
    <>
      {f.date(at)}
      {by ? <div className="small muted">{by}</div> : null}
    </>
  );
}

function Queue({ kind, skip, loaded, rows, onDecided }: { kind: Kind; skip: boolean; loaded: { loading: boolean; error: ApiError | null; reload: () => void }; rows?: Case[]; onDecided: (d: Decided | null) => void }) {
  const f = useFormat();
  const { session } = useSession();
  const catalog = useCatalog(session?.token ?? null);
  const n = names(catalog, f.lang);
  const [open, setOpen] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [report, setReport] = useState<BulkOutcome | null>(null);
  // What the last bulk decision did stays shown, even once its cases have left the queue.
  const reported = report ? <BulkReport report={report} /> : null;
  const empty = (
    <>
      {reported}
      <Empty>{f.t(kind === 'objection' ? 'review.noObjections' : 'review.noRepairs')}</Empty>
    </>
  );
  if (skip) return empty;
  if (loaded.loading && !rows) return <Loading />;
  if (loaded.error) return <ErrorBox error={loaded.error} onRetry={loaded.reload} />;
  const sorted = [...(rows ?? [])].sort((a, b) => Number(b.overdue) - Number(a.overdue) || Date.parse(a.deadline) - Date.parse(b.deadline));
  if (sorted.length === 0) return empty;
  const openIds = sorted.filter((c) => c.status === 'open').map((c) => c.id);
  const toggle = (id: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const chosen = [...selected].filter((id) => openIds.includes(id));
  return (
    <>
      <table className="data queue" data-testid={`queue-${kind}`}>
        <thead>
          <tr>
            <th scope="col">
              <span className="sr-only">{f.t('queue.selectColumn')}</span>
              <input
                type="checkbox"
                aria-label={f.t('queue.selectAll')}
                checked={openIds.length > 0 && chosen.length === openIds.length}
                disabled={openIds.length === 0}
                onChange={(e) => setSelected(new Set(e.target.checked ? openIds : []))}
                data-testid={`select-all-${kind}`}
              />
            </th>
            {[f.t('queue.case'), f.t('review.deadline'), f.t('review.subject'), f.t(kind === 'objection' ? 'review.reasons' : 'review.obligation'), f.t('queue.filed'), f.t('queue.assigned'), f.t('review.status'), f.t('review.action')].map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((c) => (
            <Fragment key={c.id}>
              <tr className={c.overdue ? 'overdue' : undefined} data-case={c.id}>
                <td>
                  {c.status === 'open' ? <input type="checkbox" checked={selected.has(c.id)} onChange={() => toggle(c.id)} aria-label={f.t('queue.select', { id: c.id })} data-testid={`select-${c.id}`} /> : null}
                </td>
                <td>
                  <Link to={`/review/${c.id}`} data-testid={`open-${c.id}`}>
                    {n.recordType(c.recordType)}
                  </Link>
                  <div className="small muted">
                    <code>{c.id}</code>
                  </div>
                </td>
                <td>
                  {f.date(c.deadline)}
                  {c.overdue ? <span className="badge st-overdue">{f.t('review.overdue')}</span> : null}
                  {c.extended ? <div className="small muted">{f.t('review.extended')}</div> : null}
                </td>
                <td>
                  <Link to={`/subjects/${c.subjectId}`}>{c.subjectId}</Link>
                </td>
                <td className="small">{c.reasons ?? c.obligationMet}</td>
                <td className="small">
                  <WhenWho at={c.filedAt ?? c.appliedAt} by={c.filedBy ?? c.appliedBy} />
                </td>
                <td className="small">{c.assignedTo ?? <span className="muted">{f.t('queue.unassigned')}</span>}</td>
                <td>
                  <span className={`badge st-${c.status}`}>{f.t(`caseStatus.${c.status}`, { defaultValue: c.status })}</span>
                  {c.decision ? (
                    <div className="small muted">
                      <WhenWho at={c.decision.at} by={c.decision.by} />
                      {c.decision.reason}
                    </div>
                  ) : null}
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
                  <td colSpan={9}>
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
      {chosen.length > 0 ? (
        <BulkDecide
          kind={kind}
          ids={chosen}
          onOpen={() => setReport(null)}
          done={(r) => {
            setSelected(new Set());
            setReport(r);
            loaded.reload();
          }}
        />
      ) : null}
      {reported}
    </>
  );
}

/** One case's outcome in a bulk decision, as the server reports it. */
interface BulkResult {
  id: string;
  ok: boolean;
  status?: string;
  code?: string;
  detail?: string;
}

/** What a bulk decision did: how many were decided, how many not, and each case's outcome. */
interface BulkOutcome {
  decided: number;
  failed: number;
  results: BulkResult[];
}

/**
 * One outcome and one reason for every selected case: chosen (nothing preselected), confirmed,
 * then each case decided on its own; what happened to each is shown, failures included.
 */
function BulkDecide({ kind, ids, done, onOpen }: { kind: Kind; ids: string[]; done: (report: BulkOutcome) => void; onOpen: () => void }) {
  const f = useFormat();
  const [decision, setDecision] = useState('');
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const { busy, error, run } = useAction();
  const options = kind === 'objection' ? ['upheld', 'revoked'] : ['approve', 'refuse'];
  useEffect(onOpen, []);
  const ask = (e: FormEvent) => {
    e.preventDefault();
    if (decision && reason.trim().length >= 3) setConfirming(true);
  };
  const confirm = async () => {
    let out: BulkOutcome | null = null;
    const ok = await run(async () => {
      out = await api<BulkOutcome>(`/v1/${kind}s:batch-decide`, { method: 'POST', body: { ids, decision, reason } });
    });
    setConfirming(false);
    if (ok && out) done(out);
  };
  return (
    <form className="decide bulk" onSubmit={ask} aria-label={f.t('queue.bulkTitle', { count: ids.length })} data-testid={`bulk-${kind}`}>
      <h3>{f.t('queue.bulkTitle', { count: ids.length })}</h3>
      <fieldset>
        <legend>{f.t('review.decision')}</legend>
        {options.map((o) => (
          <label key={o} className="radio">
            <input type="radio" name={`bulk-${kind}`} value={o} checked={decision === o} onChange={() => setDecision(o)} data-testid={`bulk-decision-${o}`} />
            {f.t(`review.decisions.${o}`)}
          </label>
        ))}
      </fieldset>
      <label className="block">
        {f.t('queue.bulkReason')}
        <textarea value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={4000} rows={2} data-testid="bulk-reason" />
      </label>
      {confirming ? (
        <div className="confirm" role="alertdialog" aria-labelledby={`bulk-confirm-${kind}`} data-testid="bulk-confirm">
          <p id={`bulk-confirm-${kind}`}>{f.t('queue.bulkConfirm', { count: ids.length, outcome: f.t(`review.outcomes.${decision}`), ids: ids.join(', ') })}</p>
          <div className="toolbar">
            <button type="button" onClick={() => void confirm()} disabled={busy} data-testid="bulk-confirm-yes">
              {f.t('queue.bulkYes', { count: ids.length })}
            </button>
            <button type="button" onClick={() => setConfirming(false)} disabled={busy}>
              {f.t('queue.cancel')}
            </button>
          </div>
        </div>
      ) : (
        <button type="submit" disabled={!decision || busy} data-testid="bulk-submit">
          {f.t('queue.bulkSubmit', { count: ids.length })}
        </button>
      )}
      {error ? <ErrorBox error={error} /> : null}
    </form>
  );
}

function BulkReport({ report }: { report: BulkOutcome }) {
  const f = useFormat();
  return (
    <div className={report.failed > 0 ? 'error' : 'ok'} role="status" data-testid="bulk-report">
      <p>{f.t('queue.bulkDone', { decided: report.decided, failed: report.failed })}</p>
      <ul>
        {report.results.map((r) => (
          <li key={r.id} data-case={r.id} data-ok={r.ok}>
            <code>{r.id}</code>: {r.ok ? f.t(`caseStatus.${r.status}`, { defaultValue: r.status }) : `${f.t(`problems.${r.code}`, { defaultValue: r.code })} ${r.detail ?? ''}`}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A fact a record type carries, as the data dictionary defines it. */
interface FactField {
  code: string;
  name: string;
  required: boolean;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  enum?: string[];
  /** Each value of `enum` by its name in the UI language (the dictionary's enumNames), where it has one. */
  enumNames?: Record<string, string>;
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
    const enumNames = Object.fromEntries(Object.entries((e?.enumNames as Record<string, unknown> | undefined) ?? {}).map(([v, t]) => [v, pick(t, lang)]));
    return { code, name: name || code, required: use === 'required', type: ((e?.type as FactField['type']) ?? 'string'), ...(Array.isArray(e?.enum) ? { enum: e.enum as string[], enumNames } : {}) };
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
            {fd.type === 'boolean' ? f.t(`review.bool.${v}`) : fd.enumNames?.[v] || v}
          </option>
        ))}
      </select>
    );
  }
  if (fd.type === 'integer' || fd.type === 'number') return <input type="number" step={fd.type === 'integer' ? 1 : 'any'} {...common} />;
  if (fd.type === 'date') return <input type="date" {...common} />;
  return <input type="text" {...common} />;
}

export function DecideForm({ kind, c, catalog, done, onOpen }: { kind: 'objection' | 'repair'; c: Case; catalog: CatalogInForce | null; done: (outcome: string) => void; onOpen: () => void }) {
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
