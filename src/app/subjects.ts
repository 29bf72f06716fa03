/**
 * Subject references, resolved: `s_…`, `cn-rid:…`, `cn-uscc:…` or a deployment's `scheme:value`
 * to an internal id, through the keyed hash (never the clear value). Every use case that takes a
 * subject from a caller resolves it here.
 */
import type { AuditAction } from '../audit/actions.js';
import { parseSubjectRef } from '../ids/index.js';
import { containsRid } from '../ids/rid-finder.js';
import type { App } from './context.js';
import { AppError, invalid, notFound } from './errors.js';

/**
 * Resolves a subject reference to an internal id: null when no subject has it. A malformed
 * reference, or one in a scheme the catalog does not know (a typo must not pass as a stranger), is
 * refused.
 */
export async function resolveRef(app: App, ref: string, field: string): Promise<string | null> {
  const p = parseSubjectRef(ref);
  if (!p.ok) throw new AppError('XY_ERR_INVALID_SUBJECT_REF', p.error, { field });
  if (p.value.type === 'internal') return p.value.id;
  const schemes = app.ctx.catalog.identifierSchemes;
  if (!schemes.has(p.value.scheme)) throw new AppError('XY_ERR_UNKNOWN_SCHEME', `'${p.value.scheme}' is not an identifier scheme of this catalog; the schemes are: ${[...schemes].join(', ')}`, { field, schemes: [...schemes] });
  const hash = app.ctx.keyring.hash(p.value.scheme, p.value.value);
  const hit = app.byHash.get(hash);
  if (hit !== undefined) return hit;
  const id = await app.ctx.store.findSubjectByHash(hash);
  if (id) {
    if (app.byHash.size >= 1_000_000) app.byHash.clear();
    app.byHash.set(hash, id);
  }
  return id;
}

/** Like `resolveRef`, but the subject must exist. */
export async function requireSubject(app: App, ref: string, field: string): Promise<string> {
  const id = await resolveRef(app, ref, field);
  if (id === null || !(await app.ctx.store.subjectsBasic([id])).has(id)) throw notFound('no subject has this reference', field);
  return id;
}

/**
 * The subject references a search text stands for: itself when it is one (`s_…`, `cn-uscc:…`,
 * `cn-rid:…`), or a bare unified social credit code or resident ID number, as people paste them.
 */
export function refsInQuery(q: string): string[] {
  if (parseSubjectRef(q).ok) return [q];
  const code = q.toUpperCase();
  return [`cn-uscc:${code}`, `cn-rid:${code}`].filter((ref) => parseSubjectRef(ref).ok);
}

/** A catalog source by code (a source credential sends as one). */
export function requireSource(app: App, source: string | undefined, field: string): string {
  const sources = app.ctx.catalog.sources;
  if (!source || !sources.has(source)) throw new AppError('XY_ERR_VALIDATION', `a source sign-in needs \`source\`, one of: ${[...sources.keys()].join(', ')}`, { field });
  return source;
}

/**
 * The purpose of a read of someone's data, as it will be logged and shown to the person: trimmed,
 * at least 3 characters that are not spaces, and never an ID number (it would be kept in clear in
 * the audit chain, and served back to the person). The same rule for every door.
 */
export function readPurpose(purpose: string, field = 'purpose'): string {
  const p = purpose.trim().replace(/\s+/g, ' ');
  if (p.replace(/\s/g, '').length < 3) throw new AppError('XY_ERR_VALIDATION', `${field} must say why, in at least 3 characters that are not spaces; it is logged and shown to the person`, { field });
  if (containsRid(p)) throw new AppError('XY_ERR_VALIDATION', `${field} must not contain a resident identity number; refer to the person by subject reference instead`, { field });
  return p;
}

/**
 * The purpose a read about one subject must give (its audit entries, cases, notices: issue 16,
 * finding 6): required, and taken as `readPurpose` takes it.
 */
export function requiredPurpose(purpose: string | undefined, what: string, field = 'purpose'): string {
  if (purpose === undefined || purpose === '') throw invalid(`${field} is required to read ${what} of one subject: it is logged, and shown to the person`, field);
  return readPurpose(purpose, field);
}

/**
 * A staff read of one subject's data, in the person's access log with its purpose (organisations
 * have none). Every read by subject writes one, whichever door it came through.
 */
export async function logReadOf(app: App, subjectId: string, o: { actor: string; action: AuditAction; purpose: string; data?: Record<string, unknown> }): Promise<void> {
  const s = (await app.ctx.store.subjectsBasic([subjectId])).get(subjectId);
  if (s?.kind !== 'person') return;
  await app.ctx.store.appendAudit([{ at: app.now(), actor: o.actor, action: o.action, subjectId, data: { ...o.data, purpose: o.purpose } }]);
}
