/**
 * Finding subjects (`GET /v1/subjects?q=`) and reading their records: `GET /v1/subjects/{ref}`
 * (reviewers, with a purpose, optionally as of an instant), `GET /v1/lists/{code}/entries`, and
 * `GET /v1/me`, where a subject sees their own record and every read and check of it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { withIsoInstants } from '../../app/json.js';
import { subjectView } from '../../app/queries.js';
import { ORG_KINDS, SUBJECT_KINDS, type ListEntry, type Subject } from '../../domain/types.js';
import { ApiError, ProblemSchema } from '../errors.js';
import { batchDecisionFor } from './check-batch.js';
import { AnyObject, InstantString, Purpose, SubjectReadQuery, SubjectRefString } from '../schemas.js';
import { instantParam, iso, principal, refsInQuery, requireSubject, resolveRef, type Service } from '../service.js';

/** The audit actions that show in a person's access log. */
export const ACCESS_ACTIONS = ['subject.read', 'record.read', 'list.read', 'public.read', 'receipt.read', 'check.decided'];

const SearchResult = Type.Object(
  {
    id: Type.String(),
    kind: Type.Enum([...SUBJECT_KINDS]),
    name: Type.Union([Type.String(), Type.Null()], { description: 'null for a person: a search never shows a person’s name.' }),
    region: Type.String(),
    identifiers: Type.Array(Type.Object({ scheme: Type.String(), masked: Type.String() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

/** A subject as a search shows it: a person without a name, identifiers masked. */
const searchResult = (s: Subject) => ({
  id: s.id,
  kind: s.kind,
  name: s.kind === 'person' ? null : s.name,
  region: s.region,
  identifiers: s.identifiers.map((i) => ({ scheme: i.scheme, masked: i.masked })),
});

/**
 * Every read of a subject's record (with its purpose) and every check about it, newest first:
 * the access log the subject sees at /v1/me and a reviewer sees with the record.
 */
async function accessLogOf(svc: Service, id: string, limit: number) {
  // Checks are written to the chain in batches: the log shows one made a moment ago too.
  await svc.receipts.flush();
  const entries = await svc.ctx.store.auditPage({ limit, subjectId: id, actions: ACCESS_ACTIONS });
  const keys = new Map((await svc.ctx.store.listApiKeys()).map((k) => [`key:${k.id}`, k]));
  return entries.map((e) => {
    const d = (e.data ?? {}) as Record<string, unknown>;
    const key = keys.get(e.actor);
    return {
      at: iso(e.at),
      action: e.action,
      by: key ? { name: key.name, role: key.role, id: key.id } : { name: e.actor, role: e.actor.split(':')[0] },
      purpose: typeof d.purpose === 'string' ? d.purpose : e.action === 'check.decided' ? `check: ${String(d.action)}` : null,
      ...(e.action === 'check.decided' ? { decision: d.batch === true ? batchDecisionFor(d, id) : d.decision, receipt: d.receipt } : {}),
    };
  });
}

export function subjectRoutes(svc: Service): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/subjects',
      {
        config: { access: ['reviewer'] },
        schema: {
          tags: ['subjects'],
          summary: 'Find subjects: organisations by name, any subject by reference',
          description:
            'Organisations whose name contains `q`, by name. When `q` is a subject reference (`s_…`, `cn-uscc:…`, `cn-rid:…`) or a bare credit code or full ID number, the subject it names comes first, of any kind. Persons are shown without a name, and identifiers only masked. A search reads no record, so it adds nothing to anyone’s access log; read one with `GET /v1/subjects/{ref}`.',
          querystring: Type.Object(
            {
              q: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S', description: 'Part of a name, or a subject reference.', examples: ['有限公司'] }),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ results: Type.Array(SearchResult) }), 400: ProblemSchema },
        },
      },
      async (req) => {
        const q = req.query.q.trim();
        const limit = req.query.limit ?? 20;
        const named: Subject[] = [];
        for (const ref of refsInQuery(q)) {
          const id = await resolveRef(svc, ref, 'q');
          const s = id ? await svc.ctx.store.getSubject(id) : null;
          if (s && !named.some((x) => x.id === s.id)) named.push(s);
        }
        const byName = await svc.ctx.store.searchSubjects({ name: q, kinds: [...ORG_KINDS], limit });
        const results = [...named, ...byName.filter((s) => !named.some((x) => x.id === s.id))].slice(0, limit);
        return { results: results.map(searchResult) };
      },
    );

    app.get(
      '/v1/subjects/:ref',
      {
        config: { access: ['reviewer'] },
        schema: {
          tags: ['subjects'],
          summary: 'A subject’s scores, grades, breakdown, list entries, measures in force and record timeline',
          description:
            'Computed from the records known at `asOf` (default: now) under the catalog in force then. `timeline` lists those records, newest `occurredAt` first, each with the `status` it had at `asOf` and its `statuses` history up to then (facts: `GET /v1/records/{id}`). Identifiers are shown masked. A read of a person’s record is logged with `purpose`, and the person sees it at `GET /v1/me`. `accessLog` holds the latest 100 reads and checks of the record, newest first, as the subject sees them.',
          params: Type.Object({ ref: SubjectRefString }),
          querystring: SubjectReadQuery,
          response: { 200: AnyObject, 400: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (req) => {
        const p = principal(req);
        const id = await requireSubject(svc, req.params.ref, 'ref');
        const now = svc.now();
        const asOf = instantParam(req.query.asOf, 'asOf') ?? now;
        const view = await subjectView(svc.ctx, id, asOf, { actor: p.actor, purpose: req.query.purpose, now });
        if (!view) throw new ApiError('XY_ERR_NOT_FOUND', 'no subject has this reference', { field: 'ref' });
        // Who read this record and why, and the checks made about it (this read included): what the subject sees at /v1/me.
        return { ...(withIsoInstants(view) as Record<string, unknown>), accessLog: await accessLogOf(svc, id, 100) };
      },
    );

    app.get(
      '/v1/lists/:code/entries',
      {
        config: { access: ['reviewer'] },
        schema: {
          tags: ['lists'],
          summary: 'Entries of a red or black list',
          description: 'Pending and active entries (with `all=true`, ended ones too), in id order; continue with `after` set to the last id. Persons appear with a masked identifier only, and each person shown has the read in their access log.',
          params: Type.Object({ code: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{0,63}$' }) }),
          querystring: Type.Object(
            {
              purpose: Purpose,
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
              after: Type.Optional(Type.String({ maxLength: 80 })),
              all: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ list: Type.String(), entries: Type.Array(AnyObject), next: Type.Union([Type.String(), Type.Null()]) }), 404: ProblemSchema },
        },
      },
      async (req) => {
        const p = principal(req);
        const { code } = req.params;
        if (!svc.ctx.catalog.listsByCode.has(code)) throw new ApiError('XY_ERR_NOT_FOUND', `the catalog in force has no list '${code}'`, { field: 'code' });
        const limit = req.query.limit ?? 100;
        const statuses: ListEntry['status'][] | undefined = req.query.all ? ['pending', 'active', 'suspended', 'exited', 'expired', 'escalated'] : undefined;
        const entries = await svc.ctx.store.listEntries({ list: code, limit, after: req.query.after, statuses });
        const who: Record<string, { kind: string; name: string | null; identifier: string | null }> = {};
        for (const id of new Set(entries.map((e) => e.subjectId))) {
          const s = await svc.ctx.store.getSubject(id);
          if (s) who[id] = { kind: s.kind, name: s.kind === 'person' ? null : s.name, identifier: s.identifiers[0]?.masked ?? null };
        }
        const now = svc.now();
        const reads = Object.entries(who)
          .filter(([, w]) => w.kind === 'person')
          .map(([id]) => ({ at: now, actor: p.actor, action: 'list.read', subjectId: id, data: { list: code, purpose: req.query.purpose } }));
        if (reads.length > 0) await svc.ctx.store.appendAudit(reads);
        const next = entries.length === limit ? entries[entries.length - 1].id : null;
        return { list: code, entries: entries.map((e) => withIsoInstants({ ...e, subject: who[e.subjectId] ?? null }) as Record<string, unknown>), next };
      },
    );

    app.get(
      '/v1/me',
      {
        config: { access: ['subject'] },
        schema: {
          tags: ['self-service'],
          summary: 'Your own record, and who looked at it and why',
          description: 'For a signed-in subject: scores, grades, the reasons, list entries and measures in force, the access log — every read of the record (with its purpose) and every check made about you — and the notices sent to you.',
          querystring: Type.Object({ asOf: Type.Optional(InstantString), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }, { additionalProperties: false }),
          response: { 200: Type.Object({ record: AnyObject, accessLog: Type.Array(AnyObject), notices: Type.Array(AnyObject, { description: 'What you have been told: listings pending, in effect and ended, records added, objections and repairs.' }) }) },
        },
      },
      async (req) => {
        const p = principal(req);
        const id = p.subjectId as string;
        const now = svc.now();
        const asOf = instantParam(req.query.asOf, 'asOf') ?? now;
        // Reading one's own record is not logged: the access log is of others' reads.
        const view = await subjectView(svc.ctx, id, asOf, { actor: p.actor, purpose: 'self-service', now, log: false });
        if (!view) throw new ApiError('XY_ERR_NOT_FOUND', 'your subject record no longer exists');
        const accessLog = await accessLogOf(svc, id, req.query.limit ?? 100);
        // What the subject has been told (listings, records added, objections, repairs), newest first.
        const notices = (await svc.ctx.store.listNotices({ subjectId: id, limit: req.query.limit ?? 100 })).map((n) => ({ id: n.id, kind: n.kind, at: iso(n.createdAt), ...n.payload, delivery: n.status }));
        return { record: withIsoInstants(view) as Record<string, unknown>, accessLog, notices };
      },
    );
  };
}
