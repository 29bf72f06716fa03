/**
 * The public endpoints, with no credential and a rate limit: search organisations by name or
 * unified social credit code, and see an organisation's public record. A person is shown only to
 * someone who gives their full ID number and name, masked, and the lookup is in their access log.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { onRequestHookHandler } from 'fastify';
import Type from 'typebox';
import { withIsoInstants } from '../../app/json.js';
import { publicSearch, publicSubject } from '../../app/reads.js';
import { ProblemSchema } from '../errors.js';
import { AnyObject, SubjectRefString } from '../schemas.js';
import type { Service } from '../service.js';

/**
 * `rateLimit` is one hook shared by every public route, so that a client's requests count against
 * one allowance whichever public route they call.
 */
export function publicRoutes(svc: Service, rateLimit: onRequestHookHandler): FastifyPluginAsyncTypebox {
  return async (app) => {
    const config = { access: ['public'] as const };

    app.get(
      '/public/v1/search',
      {
        config,
        onRequest: rateLimit,
        schema: {
          tags: ['public'],
          summary: 'Find organisations by name or unified social credit code',
          description: 'Persons are never listed here; look one up with `GET /public/v1/subjects/cn-rid:…?name=…`. Each result has `region` (GB/T 2260 code) and `regionName`, its full name in the reader’s language.',
          querystring: Type.Object(
            { q: Type.String({ minLength: 2, maxLength: 100 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ results: Type.Array(AnyObject) }), 429: ProblemSchema },
        },
      },
      async (req) => ({ results: await publicSearch(svc, { q: req.query.q, limit: req.query.limit ?? 20 }) }),
    );

    app.get(
      '/public/v1/subjects/:ref',
      {
        config,
        onRequest: rateLimit,
        schema: {
          tags: ['public'],
          summary: 'The public record of an organisation, or of a person given their full ID number and name',
          description: 'Organisations: records of public types within their publicity period, and entries on public lists with grounds, dates and authority. Persons: only with `cn-rid:<full number>` and the exact `name`; entries on public lists, masked. Anything else is 404. `regionName` is the full name of the GB/T 2260 `region` in the reader’s language.',
          params: Type.Object({ ref: SubjectRefString }),
          querystring: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false }),
          response: { 200: AnyObject, 404: ProblemSchema, 429: ProblemSchema },
        },
      },
      async (req) => withIsoInstants(await publicSubject(svc, { ref: req.params.ref, name: req.query.name })) as Record<string, unknown>,
    );
  };
}
