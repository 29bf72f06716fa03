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

/** A field of a refused request (`body:/purpose`, `lists[x].legalBasis`): the request's own words, not translated. */
const Field = ({ field, t }: { field: string; t: (k: string, o?: Record<string, unknown>) => string }) => {
  const [before, after] = t('errors.field', { field: MARK }).split(MARK);
  return (
    <span className="muted">
      {' '}({before}
      <code translate="no">{field.replace(/^body:/, '')}</code>
      {after})
    </span>
  );
};
const MARK = '\u2063';

/**
 * What a refused value breaks, in the reader's language: the API names the rule of its request
 * schema (`rule`, with `limit` for a bound) beside its English `reason`.
 */
function ruleText(e: { reason: string; rule?: string; limit?: number }, t: (k: string, o?: Record<string, unknown>) => string, en: boolean): string {
  if (e.rule) {
    const said = t(`validation.${e.rule}`, { count: e.limit ?? 0, limit: e.limit, defaultValue: '' });
    if (said) return said;
  }
  return en ? e.reason : t('validation.invalid');
}

export function ErrorBox({ error, onRetry }: { error: ApiError | Error; onRetry?: () => void }) {
  const { t, i18n } = useTranslation();
  const e = error instanceof ApiError ? error : new ApiError({ status: 0, code: 'XY_UI_UNKNOWN', detail: error.message });
  const known = e.problem.code.startsWith('XY_ERR_');
  // The server writes its details in English (its codes are the stable part): shown to an English reader only.
  const en = !i18n.language.toLowerCase().startsWith('zh');
  const validation = e.problem.code === 'XY_ERR_VALIDATION' ? ((e.problem.errors ?? []) as { field: string; reason: string; rule?: string; limit?: number }[]) : [];
  return (
    <div className="error" role="alert">
      <p>
        {/* What happened, in the reader's language. */}
        <strong>{t('errors.title')}</strong> {known ? t(`problems.${e.problem.code}`, { defaultValue: en ? (e.problem.title ?? '') : t('errors.unknown') }) : en ? (e.problem.detail ?? t('errors.unknown')) : t('errors.unknown')}
        {e.problem.field && validation.length === 0 ? <Field field={e.problem.field} t={t} /> : null}
      </p>
      {validation.length > 0 ? (
        <ul className="small" data-testid="validation-errors">
          {validation.map((v, i) => (
            <li key={i}>
              <code translate="no">{v.field.replace(/^body:/, '')}</code>: {ruleText(v, t, en)}
            </li>
          ))}
        </ul>
      ) : null}
      {known && e.problem.detail && en && !e.problem.errors?.length ? <p className="small">{t('errors.details', { detail: e.problem.detail })}</p> : null}
      <p>{advice(e, t)}</p>
      {known ? (
        <p className="muted small">
          {t('errors.code', { code: MARK }).split(MARK)[0]}
          <code translate="no">{e.problem.code}</code>
          {t('errors.code', { code: MARK }).split(MARK)[1]}
        </p>
      ) : null}
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
