/**
 * `POST /v1/records` (one record, or a batch with a result per item; idempotent per source +
 * externalId) and `GET /v1/records/{id}`. A source key sends as its catalog source and only the
 * record types its scopes allow. The gate is current when the response is sent.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { withIsoInstants } from '../../app/json.js';
import { Ingestor, type ItemResult } from '../../ingest/ingestor.js';
import { fieldPointer, resolveRecordLine } from '../../ingest/resolve.js';
import { scopeAllows, type Principal } from '../auth.js';
import { ApiError, ProblemSchema } from '../errors.js';
import { AnyObject, Purpose } from '../schemas.js';
import { principal, type Service } from '../service.js';

const RecordLine = Type.Object(
  {},
  {
    additionalProperties: true,
    description:
      'A record line as in docs/import-format.md: `externalId`, `type`, `subject` (`cn-rid:…`, `cn-uscc:…` or `s_…`), `occurredAt`, `facts`. A registry source may also send subject registrations (`kind: "subject"`). Each line is checked in full by the ingestion pipeline, which names the field and the reason of any rejection.',
    examples: [{ externalId: 'case-2026-001', type: 'admin.penalty', subject: 'cn-uscc:91350100M000100Y43', occurredAt: '2026-11-02', facts: { severity: 'general', decisionNo: 'HZ-2026-1', authority: 'Hangzhou SAMR' } }],
  },
);

const ItemResultSchema = Type.Object(
  {
    index: Type.Integer(),
    status: Type.Enum(['stored', 'duplicate', 'rejected']),
    recordId: Type.Optional(Type.String()),
    subjectId: Type.Optional(Type.String()),
    field: Type.Optional(Type.String({ description: 'JSON pointer into the record line' })),
    reason: Type.Optional(Type.String()),
    conflict: Type.Optional(Type.Boolean({ description: 'true when the line repeats a stored record with different content' })),
    forbidden: Type.Optional(Type.Boolean({ description: 'true when the sender may not send this record type or register this kind of subject' })),
  },
  { additionalProperties: false },
);

const OUT_OF_SCOPE = 'this key’s scopes do not cover this record type';

interface AsyncItemResult {
  index: number;
  status: 'accepted' | 'rejected';
  recordId?: string;
  field?: string;
  reason?: string;
  forbidden?: true;
}

const AsyncItemResultSchema = Type.Object(
  {
    index: Type.Integer(),
    status: Type.Enum(['accepted', 'rejected']),
    recordId: Type.Optional(Type.String({ description: 'the tracking id: the id the record will have (`GET /v1/records/{id}` finds it once a worker has stored it)' })),
    field: Type.Optional(Type.String({ description: 'JSON pointer into the record line' })),
    reason: Type.Optional(Type.String()),
    forbidden: Type.Optional(Type.Boolean({ description: 'true when the sender may not send this record type' })),
  },
  { additionalProperties: false },
);

const Summary = Type.Object({ stored: Type.Integer(), duplicates: Type.Integer(), rejected: Type.Integer(), results: Type.Array(ItemResultSchema) }, { additionalProperties: false });

export function recordRoutes(svc: Service): FastifyPluginAsyncTypebox {
  async function ingest(p: Principal, lines: unknown[]) {
    const source = p.source as string;
    const now = svc.now();
    const derived = new Set<string>();
    const outOfScope = new Set<number>();
    const items = lines.map((line, i) => {
      const type = line && typeof line === 'object' ? (line as { type?: unknown }).type : undefined;
      if (typeof type === 'string' && !scopeAllows(p.scopes, type)) outOfScope.add(i);
      return { source, line, lineNo: i + 1 };
    });
    const accepted = items.filter((_, i) => !outOfScope.has(i));
    const results = await svc.writes(async () => {
      const ingestor = new Ingestor(svc.ctx.store, svc.ctx.catalog, svc.ctx.keyring, { now: () => now, actor: p.actor, onDerived: (ids) => ids.forEach((id) => derived.add(id)) });
      const r = accepted.length > 0 ? await ingestor.ingestBatch(accepted) : [];
      // The gate learns of new listings before the sender hears back, so a check that follows is enforced.
      await svc.feed.refresh(svc.ctx.store, derived);
      return r;
    });
    const byLine = new Map<number, ItemResult>(results.map((r) => [(r.lineNo as number) - 1, r]));
    return items.map((_, i) => {
      if (outOfScope.has(i)) return { index: i, status: 'rejected' as const, field: '/type', reason: OUT_OF_SCOPE, forbidden: true };
      const r = byLine.get(i) as ItemResult;
      if (r.status === 'rejected') return { index: i, status: 'rejected' as const, field: fieldPointer(r.error.field), reason: r.error.reason, ...(r.error.conflict ? { conflict: true } : {}), ...(r.error.forbidden ? { forbidden: true } : {}) };
      return { index: i, status: r.status, recordId: r.recordId, subjectId: r.subjectId };
    });
  }

  /**
   * Checks each line as far as it can be checked without the store (shape, type, source, facts,
   * dates, subject reference: the pipeline's own first stage, with its reasons) and publishes the
   * good ones to the stream. What needs the store (an `s_…` subject that must exist, a changed
   * resend) is decided by the worker, which dead-letters what it refuses.
   */
  async function publish(p: Principal, lines: unknown[]) {
    const stream = svc.stream;
    if (!stream) throw new ApiError('XY_ERR_STREAM_UNAVAILABLE', 'this server publishes to no stream: it runs without --nats; send the records without async=true', { field: 'querystring:/async' });
    const source = p.source as string;
    const now = svc.now();
    const results: AsyncItemResult[] = [];
    const good: { index: number; line: unknown }[] = [];
    lines.forEach((line, index) => {
      const l = line && typeof line === 'object' ? (line as { type?: unknown; kind?: unknown }) : {};
      if (typeof l.type === 'string' && !scopeAllows(p.scopes, l.type)) return void results.push({ index, status: 'rejected', field: '/type', reason: OUT_OF_SCOPE, forbidden: true });
      if (l.kind === 'subject') return void results.push({ index, status: 'rejected', field: '/kind', reason: 'subject registrations are not sent asynchronously; send them without async=true' });
      const r = resolveRecordLine(line, source, svc.ctx.catalog, svc.ctx.keyring, now);
      if (!r.ok) return void results.push({ index, status: 'rejected', field: fieldPointer(r.error.field), reason: r.error.reason, ...(r.error.forbidden ? { forbidden: true } : {}) });
      good.push({ index, line });
    });
    let published;
    try {
      published = await stream.publishLines(source, good.map((g) => g.line));
    } catch (e) {
      // Lines published before the failure are on the stream; resending them all is safe (idempotent).
      throw new ApiError('XY_ERR_STREAM_UNAVAILABLE', `the stream did not take the records (${(e as Error).message}); resend them, or send them without async=true`);
    }
    good.forEach((g, i) => results.push({ index: g.index, status: 'accepted', recordId: published[i].recordId as string }));
    return results.sort((a, b) => a.index - b.index);
  }

  return async (app) => {
    app.post(
      '/v1/records',
      {
        config: { access: ['source'] },
        bodyLimit: svc.limits.batchBodyBytes,
        schema: {
          tags: ['records'],
          summary: 'Send one record, or a batch of them',
          description: `Send one record line, or \`{ "records": [ … ] }\` with up to ${svc.limits.maxRecordBatch} lines. Idempotent per source and externalId: a resend is a \`duplicate\`, a resend with changed content is rejected. A batch answers 200 with a result per item (good items are stored even when others are rejected); a single record answers 201 when stored, 200 when a duplicate, and a problem when rejected. With \`async=true\` (a server started with \`--nats\`), the lines are published to the ingestion stream and answered 202 with a tracking id each, for an ingest worker to store.`,
          querystring: Type.Object(
            {
              async: Type.Optional(
                Type.Boolean({
                  default: false,
                  description:
                    'Publish to the ingestion stream (NATS JetStream) and answer 202 at once, with a tracking id per line; an `xinyong ingest-worker` stores them. Only on a server started with `--nats`; otherwise 503 `XY_ERR_STREAM_UNAVAILABLE`. Lines that fail the checks that need no store are refused at once; the rest are decided by the worker.',
                }),
              ),
            },
            { additionalProperties: false },
          ),
          body: Type.Union([Type.Object({ records: Type.Array(RecordLine, { minItems: 1 }) }, { additionalProperties: false }), RecordLine]),
          response: {
            200: Summary,
            201: Summary,
            202: Type.Object({ accepted: Type.Integer(), rejected: Type.Integer(), results: Type.Array(AsyncItemResultSchema) }, { additionalProperties: false, description: 'Published for a worker to store (async=true).' }),
            400: ProblemSchema,
            403: ProblemSchema,
            413: ProblemSchema,
            503: ProblemSchema,
          },
        },
      },
      async (req, reply) => {
        const p = principal(req);
        const body = req.body as { records?: unknown };
        if ('records' in body && (!Array.isArray(body.records) || body.records.length === 0)) {
          throw new ApiError('XY_ERR_VALIDATION', '/records must be a non-empty array of record lines', { field: '/records' });
        }
        const single = !Array.isArray(body.records);
        const lines = single ? [body] : (body.records as unknown[]);
        if (lines.length > svc.limits.maxRecordBatch) {
          throw new ApiError('XY_ERR_BATCH_TOO_LARGE', `a batch holds at most ${svc.limits.maxRecordBatch} records; this one has ${lines.length}: split it`, { field: '/records', max: svc.limits.maxRecordBatch });
        }
        if (req.query.async) {
          const results = await publish(p, lines);
          const rejected = results.filter((r) => r.status === 'rejected').length;
          const r = results[0];
          if (single && r.status === 'rejected') throw new ApiError(r.forbidden ? 'XY_ERR_OUT_OF_SCOPE' : 'XY_ERR_VALIDATION', `${r.field}: ${r.reason}`, { field: r.field ?? '/' });
          return reply.code(202).send({ accepted: results.length - rejected, rejected, results });
        }
        const results = await ingest(p, lines);
        const count = (s: string) => results.filter((r) => r.status === s).length;
        const summary = { stored: count('stored'), duplicates: count('duplicate'), rejected: count('rejected'), results };
        if (single) {
          const r = results[0];
          if (r.status === 'rejected') {
            const code = 'conflict' in r ? 'XY_ERR_CONFLICT' : 'forbidden' in r ? 'XY_ERR_OUT_OF_SCOPE' : 'XY_ERR_VALIDATION';
            throw new ApiError(code, `${r.field}: ${r.reason}`, { field: r.field ?? '/' });
          }
          return reply.code(r.status === 'stored' ? 201 : 200).send(summary);
        }
        return summary;
      },
    );

    app.get(
      '/v1/records/:id',
      {
        config: { access: ['source', 'reviewer'] },
        schema: {
          tags: ['records'],
          summary: 'One record with its status history',
          description: 'A source sees only the records it sent. Every read of a person’s record is logged with its purpose, and the person sees it.',
          params: Type.Object({ id: Type.String({ pattern: '^r_[0-9a-z]{8,64}$' }) }),
          querystring: Type.Object({ purpose: Purpose }, { additionalProperties: false }),
          response: { 200: AnyObject, 404: ProblemSchema },
        },
      },
      async (req) => {
        const p = principal(req);
        const rec = await svc.ctx.store.getRecord(req.params.id);
        if (!rec || (p.role === 'source' && rec.source !== p.source)) throw new ApiError('XY_ERR_NOT_FOUND', 'no record has this id', { field: 'id' });
        const subject = (await svc.ctx.store.subjectsBasic([rec.subjectId])).get(rec.subjectId);
        if (subject?.kind === 'person') {
          await svc.ctx.store.appendAudit([{ at: svc.now(), actor: p.actor, action: 'record.read', subjectId: rec.subjectId, data: { record: rec.id, purpose: req.query.purpose } }]);
        }
        return withIsoInstants(rec) as Record<string, unknown>;
      },
    );
  };
}
