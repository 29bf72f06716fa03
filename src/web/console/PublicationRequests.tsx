/**
 * Publication requests on the catalog page (four eyes, docs/catalog.md "Publishing"): the pending
 * ones with who asked, when, for which version and what it changes against the version in force;
 * an author or admin other than the requester approves (which publishes at once) or rejects with a
 * reason, each after a confirmation; the requester may only withdraw. Decided requests below,
 * with who decided and why. Also the item-by-item comparison of two stored versions, which the
 * versions tab shows too.
 */
import { useState } from 'react';
import { api, q, useAction, useApi } from '../api';
import { forgetCatalog, type CatalogInForce } from '../catalog';
import { Section } from '../components/Page';
import { Empty, ErrorBox, Loading } from '../components/Status';
import { Head } from '../components/Table';
import { useFormat } from '../i18n';
import { useSession, type Role } from '../session';

interface DiffT {
  from: string;
  to: string;
  header: { field: string; from: unknown; to: unknown }[];
  changes: { section: string; code: string; change: 'added' | 'removed' | 'changed'; fields?: { field: string; from: unknown; to: unknown }[] }[];
}

const show = (v: unknown) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v, null, 2));

/** What changes from one stored version to another, item by item and field by field. */
export function DiffTable({ from, to }: { from: string; to: string }) {
  const f = useFormat();
  const diff = useApi<DiffT>(`/v1/catalog/diff${q({ from, to })}`);
  return (
    <>
      {diff.loading ? <Loading /> : null}
      {diff.error ? <ErrorBox error={diff.error} onRetry={diff.reload} /> : null}
      {diff.data && diff.data.changes.length === 0 && diff.data.header.length === 0 ? <Empty>{f.t('catalog.same')}</Empty> : null}
      {diff.data && (diff.data.changes.length > 0 || diff.data.header.length > 0) ? (
        <table className="data diff" data-testid="diff">
          <Head cols={[f.t('catalog.item'), diff.data.from, diff.data.to]} />
          <tbody>
            {diff.data.header.map((h) => (
              <tr key={`h-${h.field}`}>
                <th scope="row" translate="no">
                  {h.field}
                </th>
                <td className="old" translate="no">
                  <pre>{show(h.from)}</pre>
                </td>
                <td className="new" translate="no">
                  <pre>{show(h.to)}</pre>
                </td>
              </tr>
            ))}
            {diff.data.changes.flatMap((ch) =>
              ch.change === 'changed'
                ? (ch.fields ?? []).map((fl) => (
                    <tr key={`${ch.section}-${ch.code}-${fl.field}`}>
                      <th scope="row">
                        {f.t(`catalog.sections.${ch.section}`, { defaultValue: ch.section })} <code translate="no">{ch.code}</code> · <code translate="no">{fl.field}</code>
                      </th>
                      <td className="old" translate="no">
                        <pre>{show(fl.from)}</pre>
                      </td>
                      <td className="new" translate="no">
                        <pre>{show(fl.to)}</pre>
                      </td>
                    </tr>
                  ))
                : [
                    <tr key={`${ch.section}-${ch.code}`}>
                      <th scope="row">
                        {f.t(`catalog.sections.${ch.section}`, { defaultValue: ch.section })} <code translate="no">{ch.code}</code>
                      </th>
                      <td className="old">{ch.change === 'removed' ? f.t('catalog.removed') : ''}</td>
                      <td className="new">{ch.change === 'added' ? f.t('catalog.added') : ''}</td>
                    </tr>,
                  ],
            )}
          </tbody>
        </table>
      ) : null}
    </>
  );
}

interface PublicationRequest {
  id: string;
  catalog: string;
  hash: string;
  rollback: boolean;
  replaces: string | null;
  requestedBy: string;
  requestedAt: string;
  note: string | null;
  status: 'pending' | 'approved' | 'rejected' | 'withdrawn';
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
}

/** What the person at the screen is about to do to a request, awaiting their confirmation. */
type Pending = { id: string; step: 'approve' | 'reject' | 'withdraw' } | null;

export function Requests({ c, role }: { c: CatalogInForce; role: Role }) {
  const f = useFormat();
  const { session } = useSession();
  const me = session?.actor ?? '';
  const all = useApi<{ requests: PublicationRequest[] }>('/v1/catalog/publication-requests');
  const [shown, setShown] = useState<string | null>(null);
  const [asked, setAsked] = useState<Pending>(null);
  const [reason, setReason] = useState('');
  const [done, setDone] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const inForce = `${c.catalogId}@${c.version}`;
  const mayDecide = role === 'author' || role === 'admin';
  const pending = (all.data?.requests ?? []).filter((r) => r.status === 'pending');
  const decided = (all.data?.requests ?? []).filter((r) => r.status !== 'pending');
  const who = (actor: string) => (actor === me ? f.t('catalog.pr.you', { actor }) : actor);

  const ask = (id: string, step: 'approve' | 'reject' | 'withdraw') => {
    setDone(null);
    setReason('');
    setAsked({ id, step });
  };
  const confirm = (r: PublicationRequest) => {
    if (!asked) return;
    void run(async () => {
      if (asked.step === 'approve') {
        // The hash of the document shown: the server refuses the approval if the version changed since.
        const a = await api<{ catalog: string; rescored: number }>(`/v1/catalog/publication-requests/${r.id}:approve`, { method: 'POST', body: { hash: r.hash } });
        forgetCatalog();
        setDone(f.t('catalog.pr.approved', { v: a.catalog, n: f.num(a.rescored) }));
      } else if (asked.step === 'reject') {
        await api(`/v1/catalog/publication-requests/${r.id}:reject`, { method: 'POST', body: { reason } });
        setDone(f.t('catalog.pr.rejected', { v: r.catalog }));
      } else {
        await api(`/v1/catalog/publication-requests/${r.id}:withdraw`, { method: 'POST', body: reason.trim() ? { reason } : {} });
        setDone(f.t('catalog.pr.withdrawn', { v: r.catalog }));
      }
      setAsked(null);
      all.reload();
    });
  };

  return (
    <>
      <Section title={f.t('catalog.pr.pendingTitle')} id="pending-requests">
        <p className="small">{f.t('catalog.pr.intro')}</p>
        {all.loading ? <Loading /> : null}
        {all.error ? <ErrorBox error={all.error} onRetry={all.reload} /> : null}
        {done ? (
          <p className="ok" role="status" data-testid="pr-result">
            {done}
          </p>
        ) : null}
        {all.data && pending.length === 0 ? <Empty>{f.t('catalog.pr.none')}</Empty> : null}
        {pending.length ? (
          <table className="data" data-testid="pr-pending">
            <Head cols={[f.t('catalog.version'), f.t('catalog.pr.requestedBy'), f.t('catalog.pr.requestedAt'), f.t('catalog.pr.note'), f.t('catalog.pr.actions')]} />
            <tbody>
              {pending.map((r) => {
                const mine = r.requestedBy === me;
                const open = asked?.id === r.id ? asked.step : null;
                return (
                  <tr key={r.id} data-testid="pr-row" data-request={r.id}>
                    <th scope="row">
                      <span translate="no">{r.catalog}</span> {r.rollback ? <span className="badge st-disputed">{f.t('catalog.pr.rollback')}</span> : null}
                      <div className="small muted" translate="no">
                        {r.id} · {r.hash.slice(0, 12)}…
                      </div>
                    </th>
                    <td translate="no">{who(r.requestedBy)}</td>
                    <td>{f.dateTime(r.requestedAt)}</td>
                    <td>{r.note ?? '—'}</td>
                    <td>
                      <div className="toolbar">
                        <button type="button" className="link" onClick={() => setShown(shown === r.id ? null : r.id)} aria-expanded={shown === r.id} data-testid="pr-diff">
                          {f.t('catalog.pr.changes', { from: inForce })}
                        </button>
                        {mine ? (
                          <button type="button" onClick={() => ask(r.id, 'withdraw')} disabled={busy} data-testid="pr-withdraw">
                            {f.t('catalog.pr.withdraw')}
                          </button>
                        ) : mayDecide ? (
                          <>
                            <button type="button" onClick={() => ask(r.id, 'approve')} disabled={busy} data-testid="pr-approve">
                              {f.t('catalog.pr.approve')}
                            </button>
                            <button type="button" onClick={() => ask(r.id, 'reject')} disabled={busy} data-testid="pr-reject">
                              {f.t('catalog.pr.reject')}
                            </button>
                          </>
                        ) : null}
                      </div>
                      {mine && mayDecide ? <p className="small muted">{f.t('catalog.pr.notYours')}</p> : null}
                      {open ? (
                        <div className="confirm" role="alertdialog" aria-labelledby={`pr-confirm-${r.id}`} data-testid="pr-confirm">
                          <p id={`pr-confirm-${r.id}`}>{f.t(`catalog.pr.confirm.${open}`, { v: r.catalog, who: r.requestedBy })}</p>
                          {open !== 'approve' ? (
                            <label className="block">
                              {f.t(open === 'reject' ? 'catalog.pr.reason' : 'catalog.pr.reasonOptional')}
                              <textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} maxLength={1000} required={open === 'reject'} data-testid="pr-reason" />
                            </label>
                          ) : null}
                          <div className="toolbar">
                            <button type="button" onClick={() => confirm(r)} disabled={busy || (open === 'reject' && !reason.trim())} data-testid="pr-confirm-yes">
                              {f.t(`catalog.pr.yes.${open}`)}
                            </button>
                            <button type="button" onClick={() => setAsked(null)} disabled={busy}>
                              {f.t('catalog.pr.cancel')}
                            </button>
                          </div>
                        </div>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
        {error ? <ErrorBox error={error} /> : null}
      </Section>
      {shown ? (
        <Section title={f.t('catalog.pr.changesTitle', { from: inForce, to: pending.find((r) => r.id === shown)?.catalog ?? '' })} id="request-diff">
          {pending.some((r) => r.id === shown) ? <DiffTable from={inForce} to={pending.find((r) => r.id === shown)!.catalog} /> : null}
        </Section>
      ) : null}
      <Section title={f.t('catalog.pr.decidedTitle')} id="decided-requests">
        {all.data && decided.length === 0 ? <Empty>{f.t('catalog.pr.noneDecided')}</Empty> : null}
        {decided.length ? (
          <table className="data" data-testid="pr-decided">
            <Head cols={[f.t('catalog.version'), f.t('catalog.status'), f.t('catalog.pr.requestedBy'), f.t('catalog.pr.decidedBy'), f.t('catalog.pr.decidedAt'), f.t('catalog.pr.reasonCol')]} />
            <tbody>
              {decided.map((r) => (
                <tr key={r.id} data-request={r.id}>
                  <th scope="row">
                    <span translate="no">{r.catalog}</span> {r.rollback ? <span className="badge st-disputed">{f.t('catalog.pr.rollback')}</span> : null}
                  </th>
                  <td>{f.t(`catalog.pr.st.${r.status}`)}</td>
                  <td translate="no">{who(r.requestedBy)}</td>
                  <td translate="no">{r.decidedBy ? who(r.decidedBy) : '—'}</td>
                  <td>{f.dateTime(r.decidedAt)}</td>
                  <td>{r.reason ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
    </>
  );
}
