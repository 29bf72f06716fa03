/** Sign in: OIDC in production; dev sign-in by role in the demo; or an API key. */
import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useTranslation } from 'react-i18next';
import { api, useAction, useApi } from '../api';
import { Page } from '../components/Page';
import { ErrorBox, Loading } from '../components/Status';
import { completeOidc, isOidcCallback, oidcManager } from '../oidc';
import { useSession, type AuthConfig, type Role } from '../session';

const STAFF_ROLES: Role[] = ['reviewer', 'author', 'admin', 'checker'];

export function SignInPage({ expired, from }: { expired: boolean; from: string }) {
  const { t } = useTranslation();
  const { signIn } = useSession();
  const navigate = useNavigate();
  const config = useApi<AuthConfig>('/v1/auth/config', { anonymous: true });
  const [role, setRole] = useState<Role>('reviewer');
  const [key, setKey] = useState('');
  const { busy, error, run } = useAction();

  // Back from the identity provider: exchange the code, then keep the access token.
  useEffect(() => {
    const o = config.data?.oidc;
    if (!o?.clientId || !isOidcCallback()) return;
    void run(async () => {
      const r = await completeOidc(o.issuer, o.clientId!, '/sign-in');
      // Back to where the user was before signing in (signed out, every path shows this page).
      navigate(r.state ?? '/', { replace: true });
      await signIn(r.token, r.expiresAt);
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [config.data]);

  const dev = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const r = await api<{ token: string; expiresAt: string }>('/v1/dev/sign-in', { method: 'POST', body: { role }, anonymous: true });
      await signIn(r.token, r.expiresAt);
    });
  };
  const withKey = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      await signIn(key.trim());
      setKey('');
    });
  };
  const withOidc = () => {
    const o = config.data?.oidc;
    if (!o?.clientId) return;
    void run(() => oidcManager(o.issuer, o.clientId!, '/sign-in').signinRedirect({ state: from }));
  };

  return (
    <Page title={t('signIn.title')} intro={t('signIn.intro')}>
      {expired ? (
        <p className="notice" role="status">
          {t('signIn.expired')}
        </p>
      ) : null}
      {config.loading ? <Loading /> : null}
      {config.error ? <ErrorBox error={config.error} onRetry={config.reload} /> : null}
      {error ? <ErrorBox error={error} /> : null}
      <div className="grid two">
        {config.data?.oidc ? (
          <section className="card">
            <h2>{t('signIn.oidcTitle')}</h2>
            <p>{t('signIn.oidcIntro', { issuer: config.data.oidc.issuer })}</p>
            {config.data.oidc.clientId ? (
              <button type="button" onClick={withOidc} disabled={busy}>
                {t('signIn.oidcButton')}
              </button>
            ) : (
              <p className="muted">{t('signIn.oidcNoClient')}</p>
            )}
          </section>
        ) : null}
        {config.data?.devSignIn ? (
          <form className="card" onSubmit={dev} aria-labelledby="dev-h">
            <h2 id="dev-h">{t('signIn.devTitle')}</h2>
            <p>{t('signIn.devIntro')}</p>
            <label>
              {t('signIn.role')}
              <select value={role} onChange={(e) => setRole(e.target.value as Role)} data-testid="dev-role">
                {STAFF_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`roles.${r}`)} — {t(`roleHelp.${r}`)}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" disabled={busy} data-testid="dev-sign-in">
              {t('signIn.devButton')}
            </button>
          </form>
        ) : null}
        <form className="card" onSubmit={withKey} aria-labelledby="key-h">
          <h2 id="key-h">{t('signIn.keyTitle')}</h2>
          <p>{t('signIn.keyIntro')}</p>
          <label>
            {t('signIn.key')}
            <input type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} required pattern="xy_k_.*" />
          </label>
          <button type="submit" disabled={busy || !key}>
            {t('signIn.keyButton')}
          </button>
        </form>
      </div>
    </Page>
  );
}
