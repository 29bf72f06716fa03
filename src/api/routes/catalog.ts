/**
 * The catalog over HTTP, through the catalog use case: read the one in force, list versions, read
 * one and compare two, draft and validate a version, and publish one (which derives every subject
 * and rebuilds the gate before it answers).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { catalogInForce, compileDoc, diffVersions, draftVersion, listVersions, publish, storedVersion } from '../../app/catalog.js';
import { withIsoInstants } from '../../app/json.js';
import { ProblemSchema } from '../errors.js';
import { AnyObject } from '../schemas.js';
import { iso, principal, type Service } from '../service.js';

const CatalogDocSchema = Type.Object(
  { id: Type.String({ pattern: '^[a-z0-9-]{1,64}$' }), version: Type.String({ pattern: '^[0-9A-Za-z.+-]{1,40}$' }) },
  { additionalProperties: true, description: 'A whole catalog document (all sections in one object), as docs/catalog.md describes.' },
);

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

export function catalogRoutes(svc: Service): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/catalog',
      {
        config: { access: ['source', 'checker', 'reviewer', 'author', 'admin', 'subject'] },
        schema: { tags: ['catalog'], summary: 'The catalog in force: record types, schemes, lists, measures and actions, each with its legal basis', response: { 200: AnyObject } },
      },
      async () => {
        const { catalog: c, publishedAt } = await catalogInForce(svc);
        return { catalogId: c.id, version: c.version, hash: c.hash, publishedAt: publishedAt === null ? null : iso(publishedAt), doc: c.doc };
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
        config: { access: ['reviewer', 'author', 'admin'] },
        schema: {
          tags: ['catalog'],
          summary: 'One stored catalog version, draft or published, with its document',
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
        config: { access: ['reviewer', 'author', 'admin'] },
        schema: {
          tags: ['catalog'],
          summary: 'What changes between two stored catalog versions, item by item',
          description: 'Items (record types, schemes, lists, measures, actions, sources) added, removed or changed, with the fields that differ: what a policy team reviews before it publishes.',
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
        config: { access: ['author'] },
        schema: {
          tags: ['catalog'],
          summary: 'Publish a stored version: it comes into force now, every subject is rescored and the gate rebuilt',
          description: '`v` is `id@version`, or a version of the catalog in force. Publishing an earlier version again puts it back in force (a rollback).',
          params: Type.Object({ v: VersionRef }),
          response: { 200: Type.Object({ catalog: Type.String(), result: Type.String(), rescored: Type.Integer() }), 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req) => publish(svc, { ref: req.params.v }, principal(req).actor),
    );
  };
}
