/**
 * API keys for administrators (`/v1/keys`): list (never a secret or its hash), create (the key is
 * in the answer once and never again), revoke with a reason, and what a new key may be. The same
 * use case as `xinyong keys` (`app/keys.ts`); each creation and revocation is in the audit log.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { createKey, keyOptions, listKeys, revokeKey } from '../../app/keys.js';
import { KEY_ROLES } from '../../store/port.js';
import { SCOPE_PATTERN } from '../auth.js';
import { ProblemSchema } from '../errors.js';
import { iso, principal, type Service } from '../service.js';
import { SubjectRefString } from '../schemas.js';

const Text = Type.Object({ en: Type.String(), 'zh-CN': Type.String() }, { description: 'In both languages.' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T, description: string) => Type.Union([t, Type.Null()], { description });

const KeySchema = Type.Object(
  {
    id: Type.String({ description: 'The public part of the key, `k_…`.' }),
    name: Type.String({ description: 'Who holds it.' }),
    role: Type.Enum([...KEY_ROLES]),
    scopes: Type.Array(Type.String(), { description: 'Actions (checker) or record-type globs and `register`/`register:<kind>` (source); empty: all the role allows.' }),
    source: Nullable(Type.String(), 'A source key: the catalog source it sends as.'),
    subjectId: Nullable(Type.String(), 'A subject key: the subject it belongs to.'),
    createdAt: Type.String(),
    createdBy: Type.String({ description: 'The actor who created it.' }),
    revokedAt: Nullable(Type.String(), 'When it was revoked; null while it is active.'),
    lastUsedAt: Nullable(Type.String(), 'When the audit log last recorded something done with it (a check, a read, a write); null: nothing yet.'),
  },
  { additionalProperties: false },
);

const ScopeOption = Type.Object({ scope: Type.String(), name: Text }, { additionalProperties: false });

const keyOut = (k: Awaited<ReturnType<typeof listKeys>>[number]) => ({
  id: k.id,
  name: k.name,
  role: k.role,
  scopes: k.scopes,
  source: k.source,
  subjectId: k.subjectId,
  createdAt: iso(k.createdAt),
  createdBy: k.createdBy,
  revokedAt: k.revokedAt === null ? null : iso(k.revokedAt),
  lastUsedAt: k.lastUsedAt == null ? null : iso(k.lastUsedAt),
});

export function keyRoutes(svc: Service): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/keys',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['keys'],
          summary: 'API keys, newest last: never a secret or its hash',
          description: 'Every key with its role, scopes, source or subject, who created it and when, whether it is revoked, and when it was last used as the audit log has it.',
          response: { 200: Type.Object({ keys: Type.Array(KeySchema) }, { additionalProperties: false }) },
        },
      },
      async () => ({ keys: (await listKeys(svc, { lastUsed: true })).map(keyOut) }),
    );

    app.get(
      '/v1/keys/options',
      {
        config: { access: ['admin'], texts: 'both' },
        schema: {
          tags: ['keys'],
          summary: 'What a new key may be: roles, sources with their scopes, and the actions a checker may be scoped to',
          description: 'From the catalog in force, with names in both languages: the scopes `POST /v1/keys` takes and no others.',
          response: {
            200: Type.Object(
              {
                roles: Type.Array(Type.Enum([...KEY_ROLES])),
                sources: Type.Array(Type.Object({ code: Type.String(), name: Text, scopes: Type.Array(ScopeOption, { description: 'The record types it may send, and `register`/`register:<kind>` where it registers subjects.' }) }, { additionalProperties: false })),
                actions: Type.Array(ScopeOption, { description: 'The actions of the catalog: a checker key’s scopes.' }),
              },
              { additionalProperties: false },
            ),
          },
        },
      },
      async () => ({ ...keyOptions(svc), roles: [...KEY_ROLES] }),
    );

    app.post(
      '/v1/keys',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['keys'],
          summary: 'Create an API key: the answer holds the key, the only time it is shown',
          description:
            'The key (`key`, `xy_k_…`) is in this answer only: it is stored as a SHA-256 hash and no later request shows it. A role the system does not know, a source the catalog does not have, a checker scope that is no action of the catalog, a source scope that covers nothing the source may send, or an option that does not belong to the role: `400` naming the field (`body:/role`, `body:/source`, `body:/scopes`, `body:/subject`); an unknown action as scope is `XY_ERR_UNKNOWN_ACTION`. Logged as `key.created`.',
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 200, description: 'Who holds it, e.g. "Hangzhou East ticket office".' }),
              role: Type.String({ minLength: 1, maxLength: 40, description: `One of ${KEY_ROLES.join(', ')}.` }),
              scopes: Type.Optional(Type.Array(Type.String({ pattern: SCOPE_PATTERN }), { maxItems: 100, uniqueItems: true, description: 'Checker: actions it may check. Source: record types it may send (`prefix.*` globs), `register` or `register:<kind>`. Empty or absent: all the role allows. Other roles take none.' })),
              source: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Source keys: the catalog source it sends as.' })),
              subject: Type.Optional({ ...SubjectRefString, description: 'Subject keys: the subject it belongs to.' }),
            },
            { additionalProperties: false },
          ),
          response: { 201: Type.Object({ key: Type.String({ description: 'The key: shown this once.' }), ...KeySchema.properties }, { additionalProperties: false }), 400: ProblemSchema },
        },
      },
      async (req, reply) => {
        const b = req.body;
        const { key, row } = await createKey(svc, { name: b.name, role: b.role, scopes: b.scopes, source: b.source, subject: b.subject, actor: principal(req).actor, via: 'api' });
        const { secretHash: _h, ...k } = row;
        return reply.code(201).header('cache-control', 'no-store').send({ key, ...keyOut({ ...k, lastUsedAt: null }) });
      },
    );

    app.post(
      '/v1/keys/:id/revoke',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['keys'],
          summary: 'Revoke an API key, with why',
          description: 'The key stops working at once on this server (other processes serving the same database within 30 seconds). Logged as `key.revoked` with the reason. Revoked already: `409`.',
          params: Type.Object({ id: Type.String({ pattern: '^k_[0-9a-f]{12}$' }) }),
          body: Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500, description: 'Why, for the audit log.' }) }, { additionalProperties: false }),
          response: { 200: Type.Object({ revoked: Type.String() }, { additionalProperties: false }), 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req) => {
        await revokeKey(svc, req.params.id, principal(req).actor, req.body.reason);
        svc.auth.forget(req.params.id);
        return { revoked: req.params.id };
      },
    );
  };
}
