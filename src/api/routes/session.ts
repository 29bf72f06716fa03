/**
 * Who is signed in, and how to sign in: `GET /v1/whoami` tells any caller what its credential
 * carries (a console decides what to show from it), and `GET /v1/auth/config` tells a browser,
 * before it has a credential, which sign-ins this server offers.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { KEY_ROLES } from '../../store/port.js';
import { principal, type Service } from '../service.js';

const Whoami = Type.Object(
  {
    role: Type.Enum([...KEY_ROLES]),
    actor: Type.String({ description: 'What the audit log records as the actor: `key:k_…`, `oidc:<sub>` or `dev:<role>-<random>` (one per dev token).' }),
    subjectId: Type.Optional(Type.String({ description: 'A subject credential: the subject it belongs to.' })),
    source: Type.Optional(Type.String({ description: 'A source credential: the catalog source it sends as.' })),
    scopes: Type.Array(Type.String(), { description: 'Actions (checker) or record-type globs and register/register:<kind> (source); empty: all the role allows.' }),
  },
  { additionalProperties: false },
);

const AuthConfig = Type.Object(
  {
    devSignIn: Type.Boolean({ description: 'Whether `POST /v1/dev/sign-in` exists (the server runs with `--dev`).' }),
    oidc: Type.Union(
      [
        Type.Object(
          {
            issuer: Type.String({ description: 'The issuer; its discovery document is at `{issuer}/.well-known/openid-configuration`.' }),
            clientId: Type.Union([Type.String(), Type.Null()], { description: 'The public client to sign in as (authorization code + PKCE); null when the server was given none.' }),
          },
          { additionalProperties: false },
        ),
        Type.Null(),
      ],
      { description: 'null when the server accepts no OIDC tokens.' },
    ),
  },
  { additionalProperties: false },
);

export function sessionRoutes(svc: Service): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/whoami',
      {
        config: { access: [...KEY_ROLES] },
        schema: { tags: ['service'], summary: 'What the credential sent carries: role, actor, subject or source, scopes', response: { 200: Whoami } },
      },
      async (req) => {
        const p = principal(req);
        return { role: p.role, actor: p.actor, ...(p.subjectId ? { subjectId: p.subjectId } : {}), ...(p.source ? { source: p.source } : {}), scopes: p.scopes };
      },
    );

    app.get(
      '/v1/auth/config',
      {
        config: { access: ['public'] },
        schema: { tags: ['service'], summary: 'How to sign in here: dev sign-in, and the OIDC issuer and client', response: { 200: AuthConfig } },
      },
      async () => ({ devSignIn: svc.auth.devEnabled, oidc: svc.auth.oidcClient }),
    );
  };
}
