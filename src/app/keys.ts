/**
 * The keys use case: API keys (one role each, optional scopes), created with their secret shown
 * once and stored only as a SHA-256 hash, listed without secrets, revoked.
 */
import { createHash, randomBytes } from 'node:crypto';
import { AUDIT } from '../audit/actions.js';
import type { Instant } from '../domain/types.js';
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

/**
 * Creates a key as an operator asks for one: the role must exist, a source key names a catalog
 * source and scopes that cover some record type it may send, a checker's scopes name actions of
 * the catalog in force, a subject key names an existing subject; options that do not belong to
 * the role are refused rather than ignored.
 */
export async function createKey(app: App, o: { role: string; name: string; scopes?: string[]; source?: string; subject?: string; actor: string }): Promise<{ key: string; row: ApiKeyRow }> {
  const { catalog } = app.ctx;
  if (!(KEY_ROLES as readonly string[]).includes(o.role)) throw invalid(`unknown role '${o.role}'; one of ${KEY_ROLES.join(', ')}`, 'role');
  if (o.role === 'source' && (!o.source || !catalog.sources.has(o.source))) throw invalid(`a source key needs --source, one of: ${[...catalog.sources.keys()].join(', ')}`, 'source');
  if (o.role === 'checker') for (const a of o.scopes ?? []) if (!catalog.actions.has(a)) throw new AppError('XY_ERR_UNKNOWN_ACTION', `unknown action '${a}'; the catalog has: ${[...catalog.actions.keys()].join(', ')}`, { field: 'scope' });
  if (o.role === 'source') {
    const src = catalog.sources.get(o.source as string);
    for (const t of o.scopes ?? []) {
      if (isRegisterScope(t)) {
        const registers = src?.registers ?? [];
        const kind = t === REGISTER_SCOPE ? null : t.slice(REGISTER_SCOPE.length + 1);
        if (registers.length === 0) throw invalid(`scope '${t}': source '${o.source}' registers no subjects`, 'scope');
        if (kind !== null && !(registers as string[]).includes(kind)) throw invalid(`scope '${t}': source '${o.source}' registers only ${registers.join(', ')} (scope register, or register:${registers.join(' or register:')})`, 'scope');
        continue;
      }
      const covered = [...catalog.recordTypes.keys()].some((code) => scopeAllows([t], code) && src?.allows(code));
      if (!covered) throw invalid(`scope '${t}' covers no record type that source '${o.source}' may send (${src?.recordTypes.join(', ')})`, 'scope');
    }
  }
  if (o.source && o.role !== 'source') throw invalid('--source is only for source keys', 'source');
  if (o.subject && o.role !== 'subject') throw invalid('--subject is only for subject keys', 'subject');
  if (o.scopes && !['source', 'checker'].includes(o.role)) throw invalid('--scope is only for source and checker keys', 'scope');
  let subjectId: string | null = null;
  if (o.role === 'subject') {
    if (!o.subject) throw invalid('a subject key needs --subject', 'subject');
    subjectId = await requireSubject(app, o.subject, 'subject');
  }
  return createApiKey(app.ctx.store, { name: o.name, role: o.role as KeyRole, scopes: o.scopes ?? [], source: o.source ?? null, subjectId }, app.now(), o.actor);
}

/** Every key, without its secret hash. */
export async function listKeys(app: App): Promise<Omit<ApiKeyRow, 'secretHash'>[]> {
  return (await app.ctx.store.listApiKeys()).map(({ secretHash: _h, ...k }) => k);
}

/** Revokes a key (a running server stops accepting it within 30 seconds). */
export async function revokeKey(app: App, id: string, actor: string): Promise<void> {
  const now = app.now();
  const done = await app.ctx.store.revokeApiKey(id, now, { at: now, actor, action: AUDIT.keyRevoked, subjectId: null, data: { id } });
  if (!done) throw (await app.ctx.store.getApiKey(id)) ? conflict(`${id} is already revoked`, 'id') : notFound(`no key ${id}`, 'id');
}
