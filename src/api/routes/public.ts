/**
 * The public endpoints, with no credential and a rate limit: search organisations by name or
 * unified social credit code, and see an organisation's public record. A person is shown only to
 * someone who gives their full ID number and name, masked, and the lookup is in their access log.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { withIsoInstants } from '../../app/json.js';
import { publicView } from '../../app/public-view.js';
import { ORG_KINDS } from '../../domain/types.js';
import { validateUscc } from '../../ids/index.js';
import { ApiError, ProblemSchema } from '../errors.js';
import { AnyObject, SubjectRefString } from '../schemas.js';
import { resolveRef, type Service } from '../service.js';

export function publicRoutes(svc: Service, rateLimit: { max: number; timeWindow: number }): FastifyPluginAsyncTypebox {
  return async (app) => {
    const config = { access: ['public'] as const, rateLimit };

    app.get(
      '/public/v1/search',
      {
        config,
        schema: {
          tags: ['public'],
          summary: 'Find organisations by name or unified social credit code',
          description: 'Persons are never listed here; look one up with `GET /public/v1/subjects/cn-rid:…?name=…`.',
          querystring: Type.Object(
            { q: Type.String({ minLength: 2, maxLength: 100 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ results: Type.Array(AnyObject) }), 429: ProblemSchema },
        },
      },
      async (req) => {
        const q = req.query.q.trim();
        const code = q.toUpperCase();
        if (code.length === 18 && validateUscc(code).ok) {
          const id = await resolveRef(svc, `cn-uscc:${code}`, 'q');
          const s = id ? await svc.ctx.store.getSubject(id) : null;
          return { results: s && s.kind !== 'person' ? [summary(s)] : [] };
        }
        const found = await svc.ctx.store.searchSubjects({ name: q, kinds: [...ORG_KINDS], limit: req.query.limit ?? 20 });
        return { results: found.map(summary) };
      },
    );

    app.get(
      '/public/v1/subjects/:ref',
      {
        config,
        schema: {
          tags: ['public'],
          summary: 'The public record of an organisation, or of a person given their full ID number and name',
          description: 'Organisations: records of public types within their publicity period, and entries on public lists with grounds, dates and authority. Persons: only with `cn-rid:<full number>` and the exact `name`; entries on public lists, masked. Anything else is 404.',
          params: Type.Object({ ref: SubjectRefString }),
          querystring: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false }),
          response: { 200: AnyObject, 404: ProblemSchema, 429: ProblemSchema },
        },
      },
      async (req) => {
        const ref = req.params.ref.trim();
        const notFound = () => new ApiError('XY_ERR_NOT_FOUND', 'no public record matches', { field: 'ref' });
        const id = await resolveRef(svc, ref, 'ref');
        const s = id ? await svc.ctx.store.getSubject(id) : null;
        if (!s) throw notFound();
        const now = svc.now();
        if (s.kind === 'person') {
          // Only the full number and the exact name together, so the portal cannot be used to browse persons.
          // A person known only from records has no name on file: then there is no name to match,
          // and a blank one must not stand in for it.
          const given = req.query.name?.trim() ?? '';
          if (!ref.startsWith('cn-rid:') || given === '' || s.name.trim() === '' || given !== s.name.trim()) throw notFound();
          await svc.ctx.store.appendAudit([{ at: now, actor: 'public', action: 'public.read', subjectId: s.id, data: { purpose: 'public lookup by ID number and name' } }]);
        }
        const state = await svc.ctx.store.getState(s.id);
        const entries = state ? [...state.state.entries, ...state.related] : [];
        const records = s.kind === 'person' ? [] : ((await svc.ctx.store.recordsOf([s.id])).get(s.id) ?? []);
        return withIsoInstants(publicView(svc.ctx.catalog, s, entries, records, now)) as Record<string, unknown>;
      },
    );
  };
}

function summary(s: { id: string; kind: string; name: string; region: string; identifiers: { scheme: string; masked: string }[] }) {
  return { id: s.id, kind: s.kind, name: s.name, region: s.region, identifiers: s.identifiers.map((i) => ({ scheme: i.scheme, value: i.masked })) };
}
