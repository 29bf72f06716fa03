/**
 * `POST /v1/dev/sign-in`: exists only when the server runs with `--dev` (the demo does). It hands
 * out a short-lived token for any role, so the console and docs can be tried without an identity
 * provider. Production signs in through OIDC.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { KEY_ROLES } from '../../store/port.js';
import { AppError } from '../../app/errors.js';
import { requireSource, requireSubject } from '../../app/subjects.js';
import { SCOPE_PATTERN } from '../auth.js';
import { ProblemSchema } from '../errors.js';
import { SubjectRefString } from '../schemas.js';
import { iso, type Service } from '../service.js';

export function devRoutes(svc: Service): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/dev/sign-in',
      {
        config: { access: ['public'] },
        schema: {
          tags: ['dev'],
          summary: 'Development sign-in (only with --dev)',
          description: 'Returns a bearer token valid for eight hours, with an actor of its own (`dev:<role>-<random>`). A `subject` token needs `subject` (the token names the subject by its internal id, never by the identifier sent); a `source` token needs `source`.',
          body: Type.Object(
            {
              role: Type.Enum([...KEY_ROLES], { description: 'the role to sign in as' }),
              subject: Type.Optional(SubjectRefString),
              source: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{1,64}$' })),
              scopes: Type.Optional(Type.Array(Type.String({ pattern: SCOPE_PATTERN }), { maxItems: 100 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ token: Type.String(), role: Type.String(), subjectId: Type.Optional(Type.String()), expiresAt: Type.String() }), 400: ProblemSchema },
        },
      },
      async (req) => {
        const { role, subject, source, scopes } = req.body;
        let subjectId: string | undefined;
        if (role === 'subject') {
          if (!subject) throw new AppError('XY_ERR_VALIDATION', 'a subject sign-in needs `subject`', { field: '/subject' });
          subjectId = await requireSubject(svc, subject, '/subject');
        }
        if (role === 'source') requireSource(svc, source, '/source');
        const t = await svc.auth.devToken({ role, subjectId, source: role === 'source' ? source : undefined, scopes });
        return { token: t.token, role, ...(subjectId ? { subjectId } : {}), expiresAt: iso(t.expiresAt) };
      },
    );
  };
}
