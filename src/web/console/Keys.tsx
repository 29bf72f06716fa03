/**
 * API keys (administrators): every key without its secret, a new key whose secret is shown once
 * with a way to copy it, and revocation with a confirmation and a reason. Roles, sources and
 * scopes are offered from the server's list (`GET /v1/keys/options`), named in the UI language.
 */
import { useMemo, useRef, useState, type FormEvent } from 'react';
import { api, useAction, useApi } from '../api';
import { Page, Section } from '../components/Page';
import { Empty, ErrorBox, Loading } from '../components/Status';
import { Head } from '../components/Table';
import { useFormat, type Text } from '../i18n';
import type { Role } from '../session';

interface KeyT {
  id: string;
  name: string;
  role: Role | 'source' | 'subject';
  scopes: string[];
  source: string | null;
  subjectId: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

interface ScopeOption {
  scope: string;
  name: Text;
}

interface Options {
  roles: string[];
  sources: { code: string; name: Text; scopes: ScopeOption[] }[];
  actions: ScopeOption[];
}

export function KeysPage() {
  const f = useFormat();
  const { t } = f;
  const keys = useApi<{ keys: KeyT[] }>('/v1/keys');
  const options = useApi<Options>('/v1/keys/options');
  const [created, setCreated] = useState<(KeyT & { key: string }) | null>(null);
  const [revoking, setRevoking] = useState<KeyT | null>(null);
  const o = options.data;
  // A scope's name in the UI language, for the list (a glob or an old scope shows as its code).
  const scopeName = useMemo(() => {
    const m = new Map<string, Text>();
    for (const a of o?.actions ?? []) m.set(a.scope, a.name);
    for (const s of o?.sources ?? []) for (const x of s.scopes) m.set(x.scope, x.name);
    return (code: string) => (m.has(code) ? f.tx(m.get(code)) : code);
  }, [o, f.lang]);
  const sourceName = (code: string) => f.tx(o?.sources.find((s) => s.code === code)?.name) || code;
  const rows = keys.data?.keys ?? [];
  return (
    <Page title={t('keys.title')} intro={t('keys.intro')}>
      {created ? <SecretOnce created={created} onDone={() => setCreated(null)} /> : null}
      <Section title={t('keys.listTitle')} id="keys">
        {keys.loading && !keys.data ? <Loading /> : null}
        {keys.error ? <ErrorBox error={keys.error} onRetry={keys.reload} /> : null}
        {keys.data && rows.length === 0 ? <Empty>{t('keys.none')}</Empty> : null}
        {rows.length ? (
          <table className="data" data-testid="keys-table">
            <Head cols={[t('keys.name'), t('keys.role'), t('keys.scopes'), t('keys.created'), t('keys.lastUsed'), t('keys.status'), t('keys.actions')]} />
            <tbody>
              {rows.map((k) => (
                <tr key={k.id} data-key={k.id}>
                  <th scope="row">
                    {/* A name and an id as the administrator gave them: data, not to be translated. */}
                    <span translate="no" id={`name-${k.id}`}>
                      {k.name}
                    </span>
                    <div className="muted small">
                      <code translate="no">{k.id}</code>
                    </div>
                  </th>
                  <td>
                    {t(`roles.${k.role}`)}
                    {k.source ? <div className="small">{t('keys.sourceIs', { source: sourceName(k.source) })}</div> : null}
                    {k.subjectId ? <div className="small">{t('keys.subjectIs', { subject: k.subjectId })}</div> : null}
                  </td>
                  <td className="small">
                    {k.scopes.length ? (
                      k.scopes.map((s) => (
                        <div key={s}>{scopeName(s)}</div>
                      ))
                    ) : (
                      <span className="muted">{t('keys.allScopes')}</span>
                    )}
                  </td>
                  <td className="small">
                    {f.dateTime(k.createdAt)}
                    <div className="muted">
                      {t('keys.by')}
                      <span translate="no">{k.createdBy}</span>
                    </div>
                  </td>
                  <td className="small">{k.lastUsedAt ? f.dateTime(k.lastUsedAt) : t('keys.neverUsed')}</td>
                  <td>{k.revokedAt ? <span className="badge muted">{t('keys.revokedAt', { at: f.dateTime(k.revokedAt) })}</span> : <span className="badge eff-allow">{t('keys.active')}</span>}</td>
                  <td>
                    {k.revokedAt ? null : (
                      // Named "Revoke <the key's name>" from the row, the name as the administrator gave it.
                      <button type="button" onClick={() => setRevoking(k)} id={`revoke-${k.id}`} aria-labelledby={`revoke-${k.id} name-${k.id}`} data-testid={`revoke-${k.id}`}>
                        {t('keys.revoke')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        {revoking ? (
          <Revoke
            k={revoking}
            onCancel={() => setRevoking(null)}
            onDone={() => {
              setRevoking(null);
              keys.reload();
            }}
          />
        ) : null}
      </Section>
      <Section title={t('keys.createTitle')} id="create">
        {options.error ? <ErrorBox error={options.error} onRetry={options.reload} /> : null}
        {o ? (
          <CreateKey
            o={o}
            onCreated={(k) => {
              setCreated(k);
              keys.reload();
            }}
          />
        ) : options.loading ? (
          <Loading />
        ) : null}
      </Section>
    </Page>
  );
}

function CreateKey({ o, onCreated }: { o: Options; onCreated: (k: KeyT & { key: string }) => void }) {
  const f = useFormat();
  const { t } = f;
  const [name, setName] = useState('');
  const [role, setRole] = useState('checker');
  const [source, setSource] = useState('');
  const [subject, setSubject] = useState('');
  const [scopes, setScopes] = useState<string[]>([]);
  const creating = useAction();
  const offered: ScopeOption[] = role === 'checker' ? o.actions : role === 'source' ? (o.sources.find((s) => s.code === source)?.scopes ?? []) : [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void creating.run(async () => {
      const body = { name: name.trim(), role, ...(role === 'source' ? { source } : {}), ...(role === 'subject' ? { subject: subject.trim() } : {}), ...(scopes.length ? { scopes } : {}) };
      const k = await api<KeyT & { key: string }>('/v1/keys', { method: 'POST', body });
      setName('');
      setScopes([]);
      setSubject('');
      onCreated(k);
    });
  };
  const toggle = (s: string, on: boolean) => setScopes((xs) => (on ? [...xs, s] : xs.filter((x) => x !== s)));
  return (
    <form onSubmit={submit} data-testid="create-key">
      <label>
        {t('keys.name')}
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} placeholder={t('keys.namePlaceholder')} data-testid="key-name" />
      </label>
      <label>
        {t('keys.role')}
        <select
          value={role}
          onChange={(e) => {
            setRole(e.target.value);
            setScopes([]);
          }}
          data-testid="key-role"
        >
          {o.roles.map((r) => (
            <option key={r} value={r}>
              {t(`roles.${r}`)}
            </option>
          ))}
        </select>
      </label>
      <p className="small muted">{t(`keys.roleHelp.${role}`)}</p>
      {role === 'source' ? (
        <label>
          {t('keys.source')}
          <select
            value={source}
            onChange={(e) => {
              setSource(e.target.value);
              setScopes([]);
            }}
            required
            data-testid="key-source"
          >
            <option value="">{t('keys.pickSource')}</option>
            {o.sources.map((s) => (
              <option key={s.code} value={s.code}>
                {f.tx(s.name)}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {role === 'subject' ? (
        <label>
          {t('keys.subject')}
          <input value={subject} onChange={(e) => setSubject(e.target.value)} required autoComplete="off" data-testid="key-subject" />
        </label>
      ) : null}
      {offered.length ? (
        <fieldset className="scopes" data-testid="key-scopes">
          <legend>{t('keys.scopes')}</legend>
          <p className="small muted">{t('keys.scopesHelp')}</p>
          {offered.map((s) => (
            <label key={s.scope} className="inline">
              <input type="checkbox" value={s.scope} checked={scopes.includes(s.scope)} onChange={(e) => toggle(s.scope, e.target.checked)} />
              {f.tx(s.name)}{' '}
              <code className="small" translate="no">
                {s.scope}
              </code>
            </label>
          ))}
        </fieldset>
      ) : null}
      <button type="submit" disabled={creating.busy} data-testid="key-create">
        {t('keys.create')}
      </button>
      {creating.error ? <ErrorBox error={creating.error} /> : null}
    </form>
  );
}

/** The new key, shown once: copy it now, it cannot be shown again. */
function SecretOnce({ created, onDone }: { created: KeyT & { key: string }; onDone: () => void }) {
  const { t } = useFormat();
  const field = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopied(true);
    } catch {
      // No clipboard (an insecure origin, a refusal): select it for the reader to copy.
      field.current?.select();
      setCopied(false);
    }
  };
  return (
    <section className="card secret-once" role="alert" aria-labelledby="secret-h" data-testid="secret-once">
      <h2 id="secret-h">{t('keys.createdTitle')}</h2>
      <p>
        <strong translate="no">{created.name}</strong> · {t(`roles.${created.role}`)} ·{' '}
        <code translate="no">{created.id}</code>
      </p>
      <p>
        <strong>{t('keys.onceWarning')}</strong>
      </p>
      <label>
        {t('keys.theKey')}
        <input ref={field} readOnly value={created.key} className="code" onFocus={(e) => e.currentTarget.select()} data-testid="secret-value" />
      </label>
      <div className="toolbar">
        <button type="button" onClick={() => void copy()} data-testid="secret-copy">
          {t('keys.copy')}
        </button>
        <button type="button" onClick={onDone} data-testid="secret-done">
          {t('keys.stored')}
        </button>
      </div>
      {copied !== null ? (
        <p role="status" className="small">
          {copied ? t('keys.copied') : t('keys.copySelected')}
        </p>
      ) : null}
      <p className="small muted">{t('keys.howToUse')}</p>
    </section>
  );
}

function Revoke({ k, onCancel, onDone }: { k: KeyT; onCancel: () => void; onDone: () => void }) {
  const { t } = useFormat();
  const [reason, setReason] = useState('');
  const revoking = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void revoking.run(async () => {
      await api(`/v1/keys/${encodeURIComponent(k.id)}/revoke`, { method: 'POST', body: { reason: reason.trim() } });
      onDone();
    });
  };
  return (
    <form onSubmit={submit} className="confirm" role="group" aria-labelledby="revoke-h" data-testid="revoke-confirm">
      <h3 id="revoke-h">{t('keys.confirmTitle')}</h3>
      <p>
        <strong translate="no">{k.name}</strong> · {t(`roles.${k.role}`)} ·{' '}
        <code translate="no">{k.id}</code>
      </p>
      <p>{t('keys.confirmText')}</p>
      <label>
        {t('keys.reason')}
        <input value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} maxLength={500} autoFocus data-testid="revoke-reason" />
      </label>
      <div className="toolbar">
        <button type="submit" className="danger" disabled={revoking.busy} data-testid="revoke-yes">
          {t('keys.revokeConfirm')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('keys.cancel')}
        </button>
      </div>
      {revoking.error ? <ErrorBox error={revoking.error} /> : null}
    </form>
  );
}
