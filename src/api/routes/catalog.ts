/**
 * The catalog over HTTP: read the one in force, list versions, read one and compare two, draft and
 * validate a version, and publish one (which rescores every subject and rebuilds the gate before
 * it answers).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { publishAndRescore } from '../../app/context.js';
import { withIsoInstants } from '../../app/json.js';
import { loadCatalogDoc } from '../../catalog/load.js';
import { diffCatalogs } from '../../catalog/diff.js';
import type { Catalog, CatalogDoc, CatalogIssue } from '../../catalog/types.js';
import type { CatalogVersionRow } from '../../store/port.js';
import { ApiError, ProblemSchema } from '../errors.js';
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

function compile(doc: unknown): Catalog {
  const r = loadCatalogDoc(doc as CatalogDoc);
  if (!r.ok) {
    const errors = r.error.map((i: CatalogIssue) => ({ field: `${i.item}${i.field ? `.${i.field}` : ''}`, reason: i.message }));
    throw new ApiError('XY_ERR_CATALOG_INVALID', `the catalog has ${errors.length} problem${errors.length === 1 ? '' : 's'}; the first: ${errors[0].field}: ${errors[0].reason}`, { field: errors[0].field, errors });
  }
  return r.value;
}

export function catalogRoutes(svc: Service): FastifyPluginAsyncTypebox {
  /** The stored version `ref` names (404 naming `field` when there is none). */
  async function storedVersion(ref: string, field: string): Promise<CatalogVersionRow> {
    const [id, version] = ref.includes('@') ? ref.split('@') : [svc.ctx.catalog.id, ref];
    const row = await svc.ctx.store.getCatalogVersion(id, version);
    if (!row) throw new ApiError('XY_ERR_NOT_FOUND', `no stored catalog version ${id}@${version}; store it with POST /v1/catalog/versions first`, { field });
    return row;
  }

  return async (app) => {
    app.get(
      '/v1/catalog',
      {
        config: { access: ['source', 'checker', 'reviewer', 'author', 'admin', 'subject'] },
        schema: { tags: ['catalog'], summary: 'The catalog in force: record types, schemes, lists, measures and actions, each with its legal basis', response: { 200: AnyObject } },
      },
      async () => {
        const c = svc.ctx.catalog;
        const row = await svc.ctx.store.getCatalogVersion(c.id, c.version);
        return { catalogId: c.id, version: c.version, hash: c.hash, publishedAt: row?.publishedAt ? new Date(row.publishedAt).toISOString() : null, doc: c.doc };
      },
    );

    app.get(
      '/v1/catalog/versions',
      {
        config: { access: ['reviewer', 'author', 'admin'] },
        schema: { tags: ['catalog'], summary: 'Stored catalog versions, drafts and published', response: { 200: Type.Object({ inForce: Type.String(), versions: Type.Array(AnyObject) }) } },
      },
      async () => {
        const versions = await svc.ctx.store.listCatalogVersions();
        return { inForce: `${svc.ctx.catalog.id}@${svc.ctx.catalog.version}`, versions: versions.map((v) => withIsoInstants(v) as Record<string, unknown>) };
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
        const row = await storedVersion(req.params.v, 'v');
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
      async (req) => {
        const [a, b] = [await storedVersion(req.query.from, 'from'), await storedVersion(req.query.to, 'to')];
        // Not through withIsoInstants: a changed field's `from` and `to` are values, not instants.
        return diffCatalogs(a.doc, b.doc);
      },
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
        const c = compile(req.body);
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
        const p = principal(req);
        const c = compile(req.body);
        const existing = await svc.ctx.store.getCatalogVersion(c.id, c.version);
        if (existing) {
          if (existing.hash !== c.hash) throw new ApiError('XY_ERR_CONFLICT', `${c.id}@${c.version} is stored with different content; give the new policy a new version`, { field: '/version' });
          return reply.code(200).send({ catalogId: c.id, version: c.version, hash: c.hash, status: existing.status });
        }
        const now = svc.now();
        await svc.ctx.store.saveCatalogVersion(
          { catalogId: c.id, version: c.version, status: 'draft', hash: c.hash, doc: c.doc, createdAt: now, publishedAt: null },
          { at: now, actor: p.actor, action: 'catalog.drafted', subjectId: null, data: { catalog: c.id, version: c.version, hash: c.hash } },
        );
        return reply.code(201).send({ catalogId: c.id, version: c.version, hash: c.hash, status: 'draft' });
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
      async (req) => {
        const p = principal(req);
        const c = compile((await storedVersion(req.params.v, 'v')).doc);
        return svc.writes(async () => {
          const now = svc.now();
          let r: { result: string; rescored: number };
          try {
            r = await publishAndRescore(svc.ctx.store, c, now, p.actor);
          } catch (e) {
            if ((e as Error).message.includes('already published with different content')) throw new ApiError('XY_ERR_CONFLICT', (e as Error).message);
            throw e;
          }
          if (r.result !== 'unchanged') {
            svc.ctx.catalog = c;
            await svc.feed.rebuild(svc.ctx.store, c);
          }
          return { catalog: `${c.id}@${c.version}`, result: r.result, rescored: r.rescored };
        });
      },
    );
  };
}
