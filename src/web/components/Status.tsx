/** Loading and error states that say what happened and what to do next. */
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';

export function Loading({ what }: { what?: string }) {
  const { t } = useTranslation();
  return (
    <p className="loading" role="status" aria-live="polite">
      {what ? t('status.loadingWhat', { what }) : t('status.loading')}
    </p>
  );
}

/** The advice for a problem code; falls back to the advice for its HTTP status. */
function advice(e: ApiError, t: (k: string, o?: Record<string, unknown>) => string): string {
  const c = e.problem.code;
  if (c === 'XY_UI_NETWORK') return t('errors.network');
  if (e.problem.status === 401) return t('errors.signIn');
  if (e.problem.status === 403) return t('errors.forbidden');
  if (e.problem.status === 404) return t('errors.notFound');
  if (e.problem.status === 409) return t('errors.conflict');
  // No captcha: a client that asks too often waits the seconds the server says (Retry-After).
  if (e.problem.status === 429) return e.problem.retryAfter ? t('errors.tooManyWait', { count: e.problem.retryAfter }) : t('errors.tooMany');
  if (e.problem.status === 400 || e.problem.status === 422) return t('errors.fix');
  return t('errors.server');
}

export function ErrorBox({ error, onRetry }: { error: ApiError | Error; onRetry?: () => void }) {
  const { t } = useTranslation();
  const e = error instanceof ApiError ? error : new ApiError({ status: 0, code: 'XY_UI_UNKNOWN', detail: error.message });
  return (
    <div className="error" role="alert">
      <p>
        {/* What happened, in the reader's language; the server's own detail (in English) follows. */}
        <strong>{t('errors.title')}</strong> {e.problem.code.startsWith('XY_ERR_') ? t(`problems.${e.problem.code}`, { defaultValue: e.problem.title ?? '' }) : e.problem.detail ?? t('errors.unknown')}
        {e.problem.field ? <span className="muted"> ({t('errors.field', { field: e.problem.field })})</span> : null}
      </p>
      {e.problem.code.startsWith('XY_ERR_') && e.problem.detail ? <p className="small">{t('errors.details', { detail: e.problem.detail })}</p> : null}
      <p>{advice(e, t)}</p>
      {e.problem.code.startsWith('XY_ERR') ? <p className="muted small">{t('errors.code', { code: e.problem.code })}</p> : null}
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <p className="empty">{children}</p>;
}
