/** One record (`GET /v1/records/{id}`, logged with the reader's purpose), shown in a dialog. */
import { useEffect, useRef } from 'react';
import { useApi, q } from '../api';
import type { names } from '../catalog';
import { useFormat } from '../i18n';
import type { TimelineItem } from '../types';
import { ErrorBox, Loading } from './Status';
import { FactsTable } from './Table';

/**
 * A record as `GET /v1/records/{id}` returns it: the timeline's fields and its facts. Its
 * `statuses` are the changes made to it; it was `active` from `recordedAt` before any (the server
 * stores no first entry, and counts a record with none as active).
 */
interface RecordT extends Omit<TimelineItem, 'status'> {
  facts: Record<string, unknown>;
  catalogVersion: string;
}

/**
 * A record's whole status history, oldest first: `active` when it was recorded, then each change
 * (the API gives only the changes, and a record with none is active).
 */
export const statusHistory = (r: Pick<TimelineItem, 'statuses' | 'recordedAt'>): TimelineItem['statuses'] =>
  r.statuses[0]?.at === r.recordedAt && r.statuses[0]?.status === 'active' ? r.statuses : [{ status: 'active', at: r.recordedAt }, ...r.statuses];

/** `n`: the catalog's names, for the record's source, its facts and their values (else shown as stored). */
export function RecordDialog({ id, purpose, onClose, typeName, n }: { id: string; purpose: string; onClose: () => void; typeName: (c: string) => string; n?: ReturnType<typeof names> }) {
  const f = useFormat();
  const ref = useRef<HTMLDialogElement>(null);
  const r = useApi<RecordT>(`/v1/records/${id}${q({ purpose })}`, { logged: true });
  useEffect(() => {
    ref.current?.showModal();
  }, []);
  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby="rec-h" className="dialog" data-testid="record-dialog">
      <h2 id="rec-h">{f.t('record.title', { id })}</h2>
      {r.loading ? <Loading /> : null}
      {r.error ? <ErrorBox error={r.error} onRetry={r.reload} /> : null}
      {r.data ? (
        <dl className="facts">
          <dt>{f.t('record.type')}</dt>
          <dd>
            {typeName(r.data.type)} <code translate="no">{r.data.type}</code>
          </dd>
          <dt>{f.t('record.area')}</dt>
          <dd>{f.t(`areas.${r.data.area}`)}</dd>
          <dt>{f.t('record.source')}</dt>
          <dd>{n ? n.source(r.data.source) : r.data.source}</dd>
          <dt>{f.t('record.occurred')}</dt>
          <dd>{f.date(r.data.occurredAt)}</dd>
          <dt>{f.t('record.recorded')}</dt>
          <dd>{f.dateTime(r.data.recordedAt)}</dd>
          <dt>{f.t('record.catalogVersion')}</dt>
          <dd>{r.data.catalogVersion}</dd>
          <dt>{f.t('record.facts')}</dt>
          <dd>
            <FactsTable facts={r.data.facts} num={f.num} date={f.date} label={n?.fact} value={n?.value} />
          </dd>
          <dt>{f.t('record.statuses')}</dt>
          <dd>
            <ol className="plain" data-testid="record-statuses">
              {statusHistory(r.data).map((s, i) => (
                <li key={i}>
                  <span className={`badge st-${s.status}`}>{f.t(`recordStatus.${s.status}`, { defaultValue: s.status })}</span> {f.dateTime(s.at)} {s.reason ? `— ${s.reason}` : ''}
                </li>
              ))}
            </ol>
          </dd>
        </dl>
      ) : null}
      <form method="dialog">
        <button type="submit" autoFocus>
          {f.t('common.close')}
        </button>
      </form>
    </dialog>
  );
}
