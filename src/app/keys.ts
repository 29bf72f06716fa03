/**
 * The keys use case: API keys (one role each, optional scopes), created with their secret shown
 * once and stored only as a SHA-256 hash, listed without secrets, revoked.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AUDIT } from '../audit/actions.js';
import type { Instant, LocalText } from '../domain/types.js';
import { KEY_ROLES, type ApiKeyRow, type KeyRole, type Store } from '../store/port.js';
import { isRegisterScope, REGISTER_SCOPE, scopeAllows } from './access.js';
import type { App } from './context.js';
import { AppError, conflict, invalid, notFound } from './errors.js';
import { requireSubject } from './subjects.js';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface NewKey {
  name: string;
  role: KeyRole;
  scopes?: string[];
  source?: string | null;
  subjectId?: string | null;
}

/** Creates a key, stores its hash and returns the only copy of the full key. Checks only the role's needs. */
export async function createApiKey(store: Store, k: NewKey, at: Instant, by: string): Promise<{ key: string; row: ApiKeyRow }> {
  if (!KEY_ROLES.includes(k.role)) throw invalid(`unknown role '${k.role}'; one of ${KEY_ROLES.join(', ')}`, 'role');
  if (k.role === 'source' && !k.source) throw invalid('a source key needs the catalog source it sends as', 'source');
  if (k.role === 'subject' && !k.subjectId) throw invalid('a subject key needs the subject it belongs to', 'subject');
  const id = 'k_' + randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const row: ApiKeyRow = {
    id,
    name: k.name,
    role: k.role,
    scopes: k.scopes ?? [],
    source: k.role === 'source' ? (k.source ?? null) : null,
    subjectId: k.role === 'subject' ? (k.subjectId ?? null) : null,
    secretHash: sha256(secret),
    createdAt: at,
    createdBy: by,
    revokedAt: null,
  };
  await store.createApiKey(row, { at, actor: by, action: AUDIT.keyCreated, subjectId: row.subjectId, data: { id, name: k.name, role: k.role, scopes: row.scopes, source: row.source } });
  return { key: `xy_${id}_${secret}`, row };
}

/** How a door names the options of a new key in its errors: the CLI's flags, or the API body's fields. */
const FIELDS = {
  cli: { role: '--role', scope: '--scope', source: '--source', subject: '--subject' },
  api: { role: 'body:/role', scope: 'body:/scopes', source: 'body:/source', subject: 'body:/subject' },
} as const;

/**
 * Creates a key as an operator asks for one: the role must exist, a source key names a catalog
 * source and scopes that cover some record type it may send, a checker's scopes name actions of
 * the catalog in force, a subject key names an existing subject; options that do not belong to
 * the role are refused rather than ignored. Errors name the option as the door calls it (`via`).
 */
export async function createKey(app: App, o: { role: string; name: string; scopes?: string[]; source?: string; subject?: string; actor: string; via?: 'cli' | 'api' }): Promise<{ key: string; row: ApiKeyRow }> {
  const { catalog } = app.ctx;
  const via = o.via ?? 'cli';
  const f = FIELDS[via];
  const opt = (n: 'scope' | 'source' | 'subject') => (via === 'cli' ? `--${n}` : n === 'scope' ? 'scopes' : n);
  if (!(KEY_ROLES as readonly string[]).includes(o.role)) throw invalid(`unknown role '${o.role}'; one of ${KEY_ROLES.join(', ')}`, f.role);
  if (o.role === 'source' && (!o.source || !catalog.sources.has(o.source))) throw invalid(`${o.source ? `unknown source '${o.source}'; ` : ''}a source key needs ${opt('source')}, one of: ${[...catalog.sources.keys()].join(', ')}`, f.source);
  if (o.role === 'checker') for (const a of o.scopes ?? []) if (!catalog.actions.has(a)) throw new AppError('XY_ERR_UNKNOWN_ACTION', `unknown action '${a}'; the catalog has: ${[...catalog.actions.keys()].join(', ')}`, { field: f.scope });
  if (o.role === 'source') {
    const src = catalog.sources.get(o.source as string);
    for (const t of o.scopes ?? []) {
      if (isRegisterScope(t)) {
        const registers = src?.registers ?? [];
        const kind = t === REGISTER_SCOPE ? null : t.slice(REGISTER_SCOPE.length + 1);
        if (registers.length === 0) throw invalid(`scope '${t}': source '${o.source}' registers no subjects`, f.scope);
        if (kind !== null && !(registers as string[]).includes(kind)) throw invalid(`scope '${t}': source '${o.source}' registers only ${registers.join(', ')} (scope register, or register:${registers.join(' or register:')})`, f.scope);
        continue;
      }
      const covered = [...catalog.recordTypes.keys()].some((code) => scopeAllows([t], code) && src?.allows(code));
      if (!covered) throw invalid(`scope '${t}' covers no record type that source '${o.source}' may send (${src?.recordTypes.join(', ')})`, f.scope);
    }
  }
  if (o.source && o.role !== 'source') throw invalid(`${opt('source')} is only for source keys`, f.source);
  if (o.subject && o.role !== 'subject') throw invalid(`${opt('subject')} is only for subject keys`, f.subject);
  if (o.scopes?.length && !['source', 'checker'].includes(o.role)) throw invalid(`${opt('scope')} is only for source and checker keys`, f.scope);
  let subjectId: string | null = null;
  if (o.role === 'subject') {
    if (!o.subject) throw invalid(`a subject key needs ${opt('subject')}`, f.subject);
    subjectId = await requireSubject(app, o.subject, f.subject);
  }
  return createApiKey(app.ctx.store, { name: o.name, role: o.role as KeyRole, scopes: o.scopes ?? [], source: o.source ?? null, subjectId }, app.now(), o.actor);
}

/** A scope a new key may be given, with its name in both languages. */
export interface ScopeOption {
  scope: string;
  name: LocalText;
}

/**
 * What a new key may be: the roles, the catalog's sources (each with the scopes it may be given:
 * the record types it may send, and registration where it registers subjects), and the actions a
 * checker may be scoped to — from the catalog in force, so a form offers only what `createKey` takes.
 */
export function keyOptions(app: App): { roles: readonly KeyRole[]; sources: { code: string; name: LocalText; scopes: ScopeOption[] }[]; actions: ScopeOption[] } {
  const { catalog } = app.ctx;
  const registerName = (kind: string | null): LocalText =>
    kind === null ? { en: 'Register and rename subjects of every kind it registers', 'zh-CN': '登记和更名其登记的各类主体' } : { en: `Register and rename subjects: ${KIND_NAMES[kind]?.en ?? kind}`, 'zh-CN': `登记和更名主体：${KIND_NAMES[kind]?.['zh-CN'] ?? kind}` };
  const sources = [...catalog.sources.values()].map((src) => {
    const types = [...catalog.recordTypes.values()].filter((t) => src.allows(t.doc.code)).map((t) => ({ scope: t.doc.code, name: t.doc.name }));
    const registers = src.registers ?? [];
    const reg = registers.length ? [{ scope: REGISTER_SCOPE, name: registerName(null) }, ...registers.map((k) => ({ scope: `${REGISTER_SCOPE}:${k}`, name: registerName(k) }))] : [];
    return { code: src.code, name: src.name, scopes: [...types, ...reg] };
  });
  const actions = [...catalog.actions.values()].map((a) => ({ scope: a.code, name: a.name }));
  return { roles: KEY_ROLES, sources, actions };
}

const KIND_NAMES: Record<string, LocalText> = {
  person: { en: 'persons', 'zh-CN': '自然人' },
  enterprise: { en: 'enterprises', 'zh-CN': '企业' },
  institution: { en: 'public institutions', 'zh-CN': '事业单位' },
  government: { en: 'government bodies', 'zh-CN': '政府机构' },
};

/** A key as it is listed: never its secret or the secret's hash. */
export type ListedKey = Omit<ApiKeyRow, 'secretHash'> & {
  /** When the audit log last recorded something done with the key (null: nothing yet). */
  lastUsedAt?: Instant | null;
};

/**
 * Every key, without its secret hash. With `lastUsed`, each key's last use as the audit log has it
 * (the newest entry with the key as actor; checks are logged when their receipts are flushed).
 */
export async function listKeys(app: App, o: { lastUsed?: boolean } = {}): Promise<ListedKey[]> {
  const rows: ListedKey[] = (await app.ctx.store.listApiKeys()).map(({ secretHash: _h, ...k }) => k);
  if (o.lastUsed) {
    await app.receipts.flush();
    for (const k of rows) k.lastUsedAt = (await app.ctx.store.auditPage({ limit: 1, actor: `key:${k.id}` }))[0]?.at ?? null;
  }
  return rows;
}

/** Revokes a key, with why (a running server stops accepting it within 30 seconds; the one revoking at once). */
export async function revokeKey(app: App, id: string, actor: string, reason?: string): Promise<void> {
  const now = app.now();
  const done = await app.ctx.store.revokeApiKey(id, now, { at: now, actor, action: AUDIT.keyRevoked, subjectId: null, data: reason ? { id, reason } : { id } });
  if (!done) throw (await app.ctx.store.getApiKey(id)) ? conflict(`${id} is already revoked`, 'id') : notFound(`no key ${id}`, 'id');
}
