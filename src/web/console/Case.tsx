/**
 * One objection or repair application (`/review/<id>`): what a reviewer needs to decide it. The
 * record it is about and the list entries that record caused, the subject's statement, the
 * evidence (downloaded with the purpose, its SHA-256 shown), the history (filed, evidence,
 * assigned, extended, decided: when and who) and the deadline in working days, as the API counts
 * them. The reviewer takes the case or assigns it to another, and decides it with a confirmation.
 * Reading it is a read of the person's data: a purpose first, logged by the server.
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, apiFile, q, useAction, useApi } from '../api';
import { names, useCatalog } from '../catalog';
import { Page, Section } from '../components/Page';
import { usePurpose } from '../components/Purpose';
import { Empty, ErrorBox, Loading } from '../components/Status';
import { Head } from '../components/Table';
import { useFormat } from '../i18n';
import { useSession } from '../session';
import { DecidedNote, DecideForm, type Case, type Decided } from './Review';

interface Evidence {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  uploadedAt: string;
  uploadedBy: string;
}

interface HistoryEvent {
  event: 'filed' | 'applied' | 'evidence' | 'assigned' | 'extended' | 'decided';
  at: string;
  by: string;
  to?: string;
  file?: string;
  outcome?: string;
  reason?: string;
}

interface Detail {
  kind: 'objection' | 'repair';
  case: Case & { assignedBy?: string };
  subject: { id: string; kind: string; name: string; identifiers: { scheme: string; masked: string }[] } | null;
  record: { id: string; type: string; source: string; occurredAt: string; recordedAt: string; facts: Record<string, unknown> } | null;
  entries: { id: string; list: string; status: string; since: string; until: string | null }[];
  statement: { reasons?: string; attachments?: string[]; obligationMet?: string; commitmentId?: string };
  evidence: Evidence[];
  history: HistoryEvent[];
  deadline: { at: string; overdue: boolean; workingDaysLeft: number | null; extended: boolean } | null;
}

export function CasePage() {
  const f = useFormat();
  const { id = '' } = useParams();
  const reading = usePurpose();
  const d = useApi<Detail>(reading.purpose ? `/v1/cases/${id}${q({ purpose: reading.purpose })}` : null, { logged: true });
  const title = f.t('case.title', { id });
  return (
    <Page title={title} intro={f.t('case.intro')}>
      <p>
        <Link to="/review">{f.t('case.back')}</Link>
      </p>
      {reading.form}
      {d.loading ? <Loading /> : null}
      {d.error ? <ErrorBox error={d.error} onRetry={d.reload} /> : null}
      {d.data ? <CaseBody d={d.data} purpose={reading.purpose} reload={d.reload} /> : null}
    </Page>
  );
}

function CaseBody({ d, purpose, reload }: { d: Detail; purpose: string; reload: () => void }) {
  const f = useFormat();
  const { session } = useSession();
  const catalog = useCatalog(session?.token ?? null);
  const n = names(catalog, f.lang);
  const c = d.case;
  const [decided, setDecided] = useState<Decided | null>(null);
  const factValue = (k: string, v: unknown) => n.value(k, v) ?? (typeof v === 'number' ? f.num(v) : String(v));
  return (
    <div data-testid="case-detail" data-case={c.id} data-status={c.status}>
      {decided ? <DecidedNote decided={decided} n={n} /> : null}
      <Section title={f.t('case.summary')} id="summary">
        <dl className="facts">
          <dt>{f.t('case.kind')}</dt>
          <dd>{f.t(`me.kinds.${d.kind}`)}</dd>
          <dt>{f.t('review.status')}</dt>
          <dd>
            <span className={`badge st-${c.status}`} data-testid="case-status">
              {f.t(`caseStatus.${c.status}`, { defaultValue: c.status })}
            </span>
          </dd>
          <dt>{f.t('review.subject')}</dt>
          <dd data-testid="case-subject">
            <Link to={`/subjects/${c.subjectId}`}>{d.subject?.name ?? c.subjectId}</Link>
            {d.subject?.identifiers.map((i) => (
              <span key={i.scheme} className="small muted">
                {' '}
                {i.masked}
              </span>
            ))}
          </dd>
          <dt>{f.t('review.deadline')}</dt>
          <dd data-testid="case-deadline">
            {d.deadline ? (
              <>
                {f.dateTime(d.deadline.at)}{' '}
                {d.deadline.overdue ? (
                  <span className="badge st-overdue">{f.t('review.overdue')}</span>
                ) : d.deadline.workingDaysLeft !== null ? (
                  <span className="small">{f.t('case.daysLeft', { count: d.deadline.workingDaysLeft })}</span>
                ) : null}
                {d.deadline.extended ? <div className="small muted">{f.t('review.extended')}</div> : null}
              </>
            ) : (
              f.t('case.noDeadline')
            )}
          </dd>
          <dt>{f.t('queue.assigned')}</dt>
          <dd data-testid="case-assigned">{c.assignedTo ?? <span className="muted">{f.t('queue.unassigned')}</span>}</dd>
        </dl>
        {c.status === 'open' ? <Assign id={c.id} mine={c.assignedTo === session?.actor} done={reload} /> : null}
      </Section>

      <Section title={f.t('case.record')} id="record">
        {d.record ? (
          <dl className="facts" data-testid="case-record">
            <dt>{f.t('record.type')}</dt>
            <dd>{n.recordType(d.record.type)}</dd>
            <dt>{f.t('record.source')}</dt>
            <dd>{n.source(d.record.source)}</dd>
            <dt>{f.t('record.occurred')}</dt>
            <dd>{f.date(d.record.occurredAt)}</dd>
            {Object.entries(d.record.facts).map(([k, v]) => (
              <div key={k} className="fact-row">
                <dt>{n.fact(k)}</dt>
                <dd>{factValue(k, v)}</dd>
              </div>
            ))}
          </dl>
        ) : (
          <Empty>{f.t('case.recordGone')}</Empty>
        )}
        <h3>{f.t('case.entries')}</h3>
        {d.entries.length === 0 ? (
          <Empty>{f.t('case.noEntries')}</Empty>
        ) : (
          <ul className="plain" data-testid="case-entries">
            {d.entries.map((e) => (
              <li key={e.id}>
                {n.list(e.list)} <span className={`badge st-${e.status}`}>{f.t(`entryStatus.${e.status}`, { defaultValue: e.status })}</span> {f.t('case.since', { date: f.date(e.since) })}
              </li>
            ))}
          </ul>
        )}
      </Section>

      <Section title={f.t('case.statement')} id="statement">
        <p data-testid="case-statement" className="statement">
          {d.statement.reasons ?? d.statement.obligationMet}
        </p>
        {d.statement.attachments?.length ? (
          <p className="small">
            {f.t('case.references')}: {d.statement.attachments.join('; ')}
          </p>
        ) : null}
        {d.statement.commitmentId ? <p className="small">{f.t('case.commitment', { id: d.statement.commitmentId })}</p> : null}
      </Section>

      <Section title={f.t('case.evidence')} id="evidence">
        <EvidenceTable caseId={c.id} files={d.evidence} purpose={purpose} />
      </Section>

      <Section title={f.t('case.history')} id="history">
        <ol className="plain history" data-testid="case-history">
          {d.history.map((h, i) => (
            <li key={i} data-event={h.event}>
              <strong>{f.dateTime(h.at)}</strong> {f.t(`case.events.${h.event}`, { by: h.by, to: h.to ?? '', file: h.file ?? '', outcome: h.outcome ? f.t(`caseStatus.${h.outcome}`, { defaultValue: h.outcome }) : '' })}
              {h.reason ? <div className="small muted">{h.reason}</div> : null}
            </li>
          ))}
        </ol>
      </Section>

      {c.status === 'open' ? (
        <Section title={f.t('review.decide')} id="decide">
          <DecideForm
            kind={d.kind}
            c={c}
            catalog={catalog}
            onOpen={() => undefined}
            done={(outcome) => {
              setDecided({ kind: d.kind, id: c.id, outcome, recordType: c.recordType, subjectId: c.subjectId });
              reload();
            }}
          />
        </Section>
      ) : null}
    </div>
  );
}

/** The evidence, each file with its type, size, hash, who gave it and when, and a download (a logged read). */
export function EvidenceTable({ caseId, files, purpose }: { caseId: string; files: Evidence[]; purpose?: string }) {
  const f = useFormat();
  const saving = useAction();
  if (files.length === 0) return <Empty>{f.t('case.noEvidence')}</Empty>;
  const download = (e: Evidence) =>
    void saving.run(async () => {
      const { blob } = await apiFile(`/v1/cases/${caseId}/evidence/${e.id}${q({ purpose })}`, e.contentType);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = e.filename;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
  return (
    <>
      <table className="data" data-testid="evidence">
        <Head cols={[f.t('evidence.file'), f.t('evidence.type'), f.t('evidence.size'), f.t('evidence.sha256'), f.t('evidence.uploaded'), f.t('review.action')]} />
        <tbody>
          {files.map((e) => (
            <tr key={e.id} data-evidence={e.id}>
              <td>{e.filename}</td>
              <td>{f.t(`evidence.types.${e.contentType.replace('/', '_')}`, { defaultValue: e.contentType })}</td>
              <td>{f.t('evidence.bytes', { size: f.num(Math.ceil(e.size / 1024)) })}</td>
              <td>
                <code className="hash" data-testid="evidence-hash">
                  {e.sha256}
                </code>
              </td>
              <td className="small">
                {f.dateTime(e.uploadedAt)}
                <div className="muted">{e.uploadedBy}</div>
              </td>
              <td>
                <button type="button" onClick={() => download(e)} disabled={saving.busy} data-testid={`download-${e.id}`}>
                  {f.t('evidence.download')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {saving.error ? <ErrorBox error={saving.error} /> : null}
    </>
  );
}

/** Take the case, or assign it to another reviewer (named as the audit log names actors). */
function Assign({ id, mine, done }: { id: string; mine: boolean; done: () => void }) {
  const f = useFormat();
  const [to, setTo] = useState('');
  const { busy, error, run } = useAction();
  const assign = async (body: { to?: string }) => {
    if (await run(() => api(`/v1/cases/${id}:assign`, { method: 'POST', body }))) {
      setTo('');
      done();
    }
  };
  return (
    <div className="assign">
      <div className="toolbar">
        {mine ? null : (
          <button type="button" onClick={() => void assign({})} disabled={busy} data-testid="take">
            {f.t('case.take')}
          </button>
        )}
        <form
          className="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            void assign({ to: to.trim() });
          }}
        >
          <label>
            {f.t('case.assignTo')}
            <input value={to} onChange={(e) => setTo(e.target.value)} required minLength={3} maxLength={130} placeholder="key:k_…" data-testid="assign-to" />
          </label>
          <button type="submit" disabled={busy} data-testid="assign">
            {f.t('case.assign')}
          </button>
        </form>
      </div>
      {error ? <ErrorBox error={error} /> : null}
    </div>
  );
}
