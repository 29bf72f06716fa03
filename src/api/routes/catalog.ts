/**
 * The catalog over HTTP, through the catalog use case: read the one in force, list versions, read
 * one and compare two, draft and validate a version, and publish one under four eyes: an author or
 * admin requests it (`…:publish`), another approves (which derives every subject and rebuilds the
 * gate before it answers) or rejects it, and the requester may withdraw it.
 *
 * A catalog document is answered as it is written, in both languages (`config.texts: 'both'`):
 * it is what an author reads, edits and sends back as the next draft, and a document with one
 * language dropped would be refused. Every other answer names catalog items in the reader's
 * language (lang.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { approvePublication, catalogInForce, compileDoc, diffVersions, draftVersion, listVersions, publicationRequest, publicationRequests, PUBLISHING_ROLES, rejectPublication, requestPublication, storedVersion, withdrawPublication } from '../../app/catalog.js';
import { withIsoInstants } from '../../app/json.js';
import type { Catalog, Citation } from '../../catalog/types.js';
import type { LocalText } from '../../domain/types.js';
import type { PublicationRequestRow } from '../../store/port.js';
import { ProblemSchema } from '../errors.js';
import { AnyObject } from '../schemas.js';
import { iso, principal, type Service } from '../service.js';

const CatalogDocSchema = Type.Object(
  { id: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }), version: Type.String({ pattern: '^[0-9A-Za-z.+-]{1,40}$' }) },
  { additionalProperties: true, description: 'A whole catalog document (all sections in one object), as docs/catalog.md describes.' },
);

const LocalTextSchema = Type.Object({ 'zh-CN': Type.String(), en: Type.String() }, { additionalProperties: false });

/**
 * Every legal basis of the catalog rendered as text in both languages, by item as the loader names
 * items in its problems (`lists[spc-dishonest-debtors]`, `schemes[civic-points].rules[loan-arrears]`),
 * so a client shows "SPC Provisions …, Art. 1" without resolving citations against the laws register.
 */
function basesOf(c: Catalog): Record<string, LocalText> {
  const out: Record<string, LocalText> = {};
  const put = (key: string, cites: readonly Citation[] | undefined) => {
    if (cites?.length) out[key] = { 'zh-CN': c.basisText(cites, 'zh-CN'), en: c.basisText(cites, 'en') };
  };
  const d = c.doc;
  for (const section of ['sources', 'identifierSchemes', 'recordTypes', 'measures'] as const) for (const it of d[section] ?? []) put(`${section}[${it.code}]`, it.legalBasis);
  for (const s of d.schemes) {
    put(`schemes[${s.code}]`, s.legalBasis);
    for (const r of s.rules) put(`schemes[${s.code}].rules[${r.id}]`, r.legalBasis);
  }
  for (const l of d.lists) {
    put(`lists[${l.code}]`, l.legalBasis);
    // An entry rule without a basis of its own rests on its list's.
    for (const e of l.entries) put(`lists[${l.code}].entries[${e.id}]`, e.legalBasis ?? l.legalBasis);
  }
  for (const x of d.dataElements ?? []) put(`dataElements[${x.code}]`, x.legalBasis);
  if (d.dueProcess) put('dueProcess', d.dueProcess.legalBasis);
  return out;
}

const Summary = Type.Object({ catalogId: Type.String(), version: Type.String(), hash: Type.String(), status: Type.String() }, { additionalProperties: true });

/** A stored version as the API names it: `id@version`, or a version of the catalog in force. */
const VersionRef = Type.String({ pattern: '^([a-z0-9-]{1,64}@)?[0-9A-Za-z.+-]{1,40}$', description: '`id@version`, or a version of the catalog in force.', examples: ['cn-demo@2026.1'] });

const FieldChange = Type.Object({ field: Type.String(), from: Type.Optional(Type.Unknown()), to: Type.Optional(Type.Unknown()) }, { additionalProperties: false });

const CatalogDiffSchema = Type.Object(
  {
    from: Type.String(),
    to: Type.String(),
    header: Type.Array(FieldChange, { description: 'Changes to `id`, `version`, `title` and `description`.' }),
    changes: Type.Array(
      Type.Object(
        {
          section: Type.String(),
          code: Type.String(),
          change: Type.Enum(['added', 'removed', 'changed']),
          fields: Type.Optional(Type.Array(FieldChange, { description: 'For `changed`: the fields that differ; a rule of a scheme shows as `rules[<id>].<field>`. A field absent on one side has no `from` (or `to`).' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

/** A POST whose body is optional: no body is an empty object, so the body schema checks what there is. */
const noBodyIsEmpty = async (req: FastifyRequest) => {
  if (req.body === undefined || req.body === null) req.body = {};
};

const RequestId = Type.String({ pattern: '^pr_[0-9a-f]{16}$', description: 'A publication request id, `pr_…`.' });
const RequestStatus = Type.Enum(['pending', 'approved', 'rejected', 'withdrawn']);

const PublicationRequestSchema = Type.Object(
  {
    id: RequestId,
    catalog: Type.String({ description: '`id@version` of the version to put in force.' }),
    catalogId: Type.String(),
    version: Type.String(),
    hash: Type.String({ description: 'The SHA-256 of the document requested: an approval is of this document only.' }),
    rollback: Type.Boolean({ description: 'Whether the version was in force before (an earlier version put back).' }),
    replaces: Type.Union([Type.String(), Type.Null()], { description: 'The version in force when it was requested.' }),
    requestedBy: Type.String({ description: 'The actor who requested it (`key:k_…`, `oidc:<sub>`, `dev:…`, `cli:<user>`).' }),
    requestedAt: Type.String(),
    note: Type.Union([Type.String(), Type.Null()]),
    status: RequestStatus,
    decidedBy: Type.Union([Type.String(), Type.Null()], { description: 'Who approved or rejected it, or the requester who withdrew it.' }),
    decidedAt: Type.Union([Type.String(), Type.Null()]),
    reason: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

const requestJson = (r: PublicationRequestRow) => ({ ...r, catalog: `${r.catalogId}@${r.version}`, requestedAt: iso(r.requestedAt), decidedAt: r.decidedAt === null ? null : iso(r.decidedAt) });

export function catalogRoutes(svc: Service): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/catalog',
      {
        config: { access: ['source', 'checker', 'reviewer', 'author', 'admin', 'subject'], texts: 'both' },
        schema: {
          tags: ['catalog'],
          summary: 'The catalog in force: record types, schemes, lists, measures and actions, each with its legal basis',
          description:
            'The document as published, in both languages: every name, authority, appeal route, title and description is `{ "zh-CN": …, "en": … }` whatever `Accept-Language` asks (`Content-Language: zh-CN, en`), so it can be edited and stored as the next draft. Legal bases are citations of the laws register; `bases` has each rendered as text in both languages, by item (`lists[<code>]`, `schemes[<code>].rules[<id>]`, `lists[<code>].entries[<id>]`).',
          response: {
            200: Type.Object(
              {
                catalogId: Type.String(),
                version: Type.String(),
                hash: Type.String(),
                publishedAt: Type.Union([Type.String(), Type.Null()]),
                doc: AnyObject,
                bases: Type.Record(Type.String(), LocalTextSchema, { description: 'Every legal basis of the catalog as text, by item.' }),
              },
              { additionalProperties: false },
            ),
          },
        },
      },
      async () => {
        const { catalog: c, publishedAt } = await catalogInForce(svc);
        return { catalogId: c.id, version: c.version, hash: c.hash, publishedAt: publishedAt === null ? null : iso(publishedAt), doc: c.doc as unknown as Record<string, unknown>, bases: basesOf(c) };
      },
    );

    app.get(
      '/v1/catalog/versions',
      {
        config: { access: ['reviewer', 'author', 'admin'] },
        schema: { tags: ['catalog'], summary: 'Stored catalog versions, drafts and published', response: { 200: Type.Object({ inForce: Type.String(), versions: Type.Array(AnyObject) }) } },
      },
      async () => {
        const r = await listVersions(svc);
        return { inForce: r.inForce, versions: r.versions.map((v) => withIsoInstants(v) as Record<string, unknown>) };
      },
    );

    // A GET of its own: `POST …/{v}:publish` is another method, so the two never compete for a URL.
    app.get(
      '/v1/catalog/versions/:v',
      {
        config: { access: ['reviewer', 'author', 'admin'], texts: 'both' },
        schema: {
          tags: ['catalog'],
          summary: 'One stored catalog version, draft or published, with its document',
          description: 'The document as stored, in both languages whatever `Accept-Language` asks (`Content-Language: zh-CN, en`).',
          params: Type.Object({ v: VersionRef }),
          response: {
            200: Type.Object({
              catalogId: Type.String(),
              version: Type.String(),
              status: Type.Enum(['draft', 'published']),
              hash: Type.String(),
              createdAt: Type.String(),
              publishedAt: Type.Union([Type.String(), Type.Null()]),
              doc: AnyObject,
            }),
            404: ProblemSchema,
          },
        },
      },
      async (req) => {
        const row = await storedVersion(svc, req.params.v, 'v');
        // The document as stored: its own fields (a duration, a date in a legal basis) are not instants to convert.
        return { catalogId: row.catalogId, version: row.version, status: row.status, hash: row.hash, createdAt: iso(row.createdAt), publishedAt: row.publishedAt === null ? null : iso(row.publishedAt), doc: row.doc as unknown as Record<string, unknown> };
      },
    );

    app.get(
      '/v1/catalog/diff',
      {
        config: { access: ['reviewer', 'author', 'admin'], texts: 'both' },
        schema: {
          tags: ['catalog'],
          summary: 'What changes between two stored catalog versions, item by item',
          description:
            'Items (record types, schemes, lists, measures, actions, sources) added, removed or changed, with the fields that differ: what a policy team reviews before it publishes. A comparison of documents, so texts keep both languages (a change to the Chinese name alone is a change).',
          querystring: Type.Object({ from: VersionRef, to: VersionRef }, { additionalProperties: false }),
          response: { 200: CatalogDiffSchema, 404: ProblemSchema },
        },
      },
      // Not through withIsoInstants: a changed field's `from` and `to` are values, not instants.
      async (req) => diffVersions(svc, req.query.from, req.query.to),
    );

    app.post(
      '/v1/catalog/versions::validate',
      {
        config: { access: ['author'] },
        bodyLimit: svc.limits.batchBodyBytes,
        schema: {
          tags: ['catalog'],
          summary: 'Validate a catalog document without storing it',
          description: 'Checks shape, legal basis, prohibited data categories, finite periods and every CEL expression. Problems come back as 422 with one `errors` item per problem, naming the item and field.',
          body: CatalogDocSchema,
          response: { 200: Type.Object({ valid: Type.Literal(true), catalogId: Type.String(), version: Type.String(), hash: Type.String() }), 422: ProblemSchema },
        },
      },
      async (req) => {
        const c = compileDoc(req.body, true);
        return { valid: true as const, catalogId: c.id, version: c.version, hash: c.hash };
      },
    );

    app.post(
      '/v1/catalog/versions',
      {
        config: { access: ['author'] },
        bodyLimit: svc.limits.batchBodyBytes,
        schema: {
          tags: ['catalog'],
          summary: 'Store a catalog document as a draft version',
          body: CatalogDocSchema,
          response: { 201: Summary, 200: Summary, 409: ProblemSchema, 422: ProblemSchema },
        },
      },
      async (req, reply) => {
        const { created, ...r } = await draftVersion(svc, req.body, principal(req).actor);
        return reply.code(created ? 201 : 200).send(r);
      },
    );

    app.post(
      '/v1/catalog/versions/:v([^:/]+)::publish',
      {
        config: { access: [...PUBLISHING_ROLES] },
        preValidation: noBodyIsEmpty,
        schema: {
          tags: ['catalog'],
          summary: 'Request publication of a stored version: it comes into force only when another author or an admin approves',
          description:
            '`v` is `id@version`, or a version of the catalog in force. Nothing changes in force yet: the answer is a pending publication request, bound to the version\'s document by its `hash`, which a *different* person (another author, or an admin) approves (`POST /v1/catalog/publication-requests/{id}:approve`, which publishes it) or rejects; the requester may withdraw it. Requesting an earlier version again is a rollback and needs the same approval. `409` for the version in force or a version with a pending request already.',
          params: Type.Object({ v: VersionRef }),
          body: Type.Optional(Type.Object({ note: Type.Optional(Type.String({ maxLength: 1000, description: 'What changes and why, for the approver. Never an ID number.' })) }, { additionalProperties: false })),
          response: { 202: PublicationRequestSchema, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req, reply) => reply.code(202).send(requestJson(await requestPublication(svc, { ref: req.params.v }, principal(req), req.body?.note))),
    );

    app.get(
      '/v1/catalog/publication-requests',
      {
        config: { access: ['reviewer', ...PUBLISHING_ROLES] },
        schema: {
          tags: ['catalog'],
          summary: 'Publication requests, newest first (at most 200), optionally of one status',
          querystring: Type.Object({ status: Type.Optional(RequestStatus) }, { additionalProperties: false }),
          response: { 200: Type.Object({ requests: Type.Array(PublicationRequestSchema) }, { additionalProperties: false }) },
        },
      },
      async (req) => ({ requests: (await publicationRequests(svc, req.query.status)).map(requestJson) }),
    );

    app.get(
      '/v1/catalog/publication-requests/:id',
      {
        config: { access: ['reviewer', ...PUBLISHING_ROLES] },
        schema: { tags: ['catalog'], summary: 'One publication request', params: Type.Object({ id: RequestId }), response: { 200: PublicationRequestSchema, 404: ProblemSchema } },
      },
      async (req) => requestJson(await publicationRequest(svc, req.params.id)),
    );

    app.post(
      '/v1/catalog/publication-requests/:id([^:/]+)::approve',
      {
        config: { access: [...PUBLISHING_ROLES] },
        preValidation: noBodyIsEmpty,
        schema: {
          tags: ['catalog'],
          summary: 'Approve a publication request: the version comes into force now, every subject is rescored and the gate rebuilt',
          description:
            'By an author or admin other than the requester (`403 XY_ERR_SELF_APPROVAL` otherwise, whichever credential they use). `hash`, when sent, is the document the approver reviewed; the approval is refused (`409 XY_ERR_VERSION_CHANGED`) when it, or the stored version, is not the document the request names. The approval and the publication are one transaction and both in the audit log.',
          params: Type.Object({ id: RequestId }),
          body: Type.Optional(Type.Object({ hash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: 'The SHA-256 of the document the approver reviewed (the request\'s `hash`).' })) }, { additionalProperties: false })),
          response: {
            200: Type.Object({ request: PublicationRequestSchema, catalog: Type.String(), result: Type.Enum(['published', 'republished', 'unchanged']), rescored: Type.Integer() }, { additionalProperties: false }),
            403: ProblemSchema,
            404: ProblemSchema,
            409: ProblemSchema,
          },
        },
      },
      async (req) => {
        const r = await approvePublication(svc, req.params.id, principal(req), req.body?.hash);
        return { ...r, request: requestJson(r.request) };
      },
    );

    app.post(
      '/v1/catalog/publication-requests/:id([^:/]+)::reject',
      {
        config: { access: [...PUBLISHING_ROLES] },
        schema: {
          tags: ['catalog'],
          summary: 'Reject a publication request, with a reason',
          description: 'By an author or admin other than the requester (who withdraws instead). Nothing is published.',
          params: Type.Object({ id: RequestId }),
          body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 1000, description: 'Why, for the requester. Never an ID number.' }) }, { additionalProperties: false }),
          response: { 200: PublicationRequestSchema, 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req) => requestJson(await rejectPublication(svc, req.params.id, principal(req), req.body.reason)),
    );

    app.post(
      '/v1/catalog/publication-requests/:id([^:/]+)::withdraw',
      {
        config: { access: [...PUBLISHING_ROLES] },
        preValidation: noBodyIsEmpty,
        schema: {
          tags: ['catalog'],
          summary: 'Withdraw your own publication request',
          description: 'By the requester only (`403 XY_ERR_FORBIDDEN` for anyone else, who rejects instead). Nothing is published.',
          params: Type.Object({ id: RequestId }),
          body: Type.Optional(Type.Object({ reason: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false })),
          response: { 200: PublicationRequestSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req) => requestJson(await withdrawPublication(svc, req.params.id, principal(req), req.body?.reason)),
    );
  };
}
