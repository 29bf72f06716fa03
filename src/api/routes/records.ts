/**
 * `POST /v1/records` (one record, or a batch with a result per item; idempotent per source +
 * externalId) and `GET /v1/records/{id}`, through the records and reads use cases. A source key
 * sends as its catalog source and only the record types its scopes allow. The gate is current
 * when the response is sent.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { withIsoInstants } from '../../app/json.js';
import { AppError } from '../../app/errors.js';
import { readRecord } from '../../app/reads.js';
import { ingestLines, lineRefusal, publishLines } from '../../app/records.js';
import { ProblemSchema } from '../errors.js';
import { SUBJECT_REF } from '../free-text.js';
import { AnyObject, Purpose } from '../schemas.js';
import { principal, type Service } from '../service.js';

const LINE = {
  additionalProperties: true,
  // The line's subject references: the only place in it an ID number may stand (free-text.ts).
  [SUBJECT_REF]: ['/subject', '/relations/*/subject'],
  description:
    'A record line as in docs/import-format.md: `externalId`, `type`, `subject` (`cn-rid:…`, `cn-uscc:…` or `s_…`), `occurredAt`, `facts`. A registry source may also send subject registrations (`kind: "subject"`). Each line is checked in full by the ingestion pipeline, which names the field and the reason of any rejection.',
  examples: [{ externalId: 'case-2026-001', type: 'admin.penalty', subject: 'cn-uscc:91350100M000100Y43', occurredAt: '2026-11-02', facts: { severity: 'general', decisionNo: 'HZ-2026-1', authority: 'Hangzhou SAMR' } }],
};

const RecordLine = Type.Object({}, LINE);

/** One line sent alone: a record line, which cannot carry `records` (that is a batch). */
const SingleLine = Type.Object({ records: Type.Optional(Type.Never({ description: 'not in a single line: a batch is `{ "records": […] }` and nothing else' })) }, LINE);

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
  return async (app) => {
    app.post(
      '/v1/records',
      {
        config: { access: ['source'] },
        bodyLimit: svc.limits.batchBodyBytes,
        schema: {
          tags: ['records'],
          summary: 'Send one record, or a batch of them',
          description: `Send one record line, or \`{ "records": [ … ] }\` with up to ${svc.limits.maxRecordBatch} lines. Idempotent per source and externalId: a resend is a \`duplicate\`, a resend with changed content is rejected. A batch answers 200 with a result per item (good items are stored even when others are rejected); a single record answers 201 when stored, 200 when a duplicate, and a problem when rejected. With \`async=true\` (a server started with \`--nats\`), the lines are published to the ingestion stream and answered 202 with a tracking id each, for an ingest worker to store them.`,
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
          // A batch is `records` and nothing else; one line is any object without `records`, so
          // `{"extra":1,"records":[…]}` is neither (it used to pass as one line, then be read as a batch).
          body: Type.Union([Type.Object({ records: Type.Array(RecordLine, { minItems: 1 }) }, { additionalProperties: false }), SingleLine]),
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
          throw new AppError('XY_ERR_VALIDATION', '/records must be a non-empty array of record lines', { field: '/records' });
        }
        const single = !Array.isArray(body.records);
        const lines = single ? [body] : (body.records as unknown[]);
        if (req.query.async) {
          const out = await publishLines(svc, svc.stream, p, lines, svc.limits.maxRecordBatch);
          const r = out.results[0];
          if (single && r.status === 'rejected') throw lineRefusal(r);
          return reply.code(202).send(out);
        }
        const summary = await ingestLines(svc, p, lines, svc.limits.maxRecordBatch);
        if (single) {
          const r = summary.results[0];
          if (r.status === 'rejected') throw lineRefusal(r);
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
      async (req) => withIsoInstants(await readRecord(svc, principal(req), { id: req.params.id, purpose: req.query.purpose })) as Record<string, unknown>,
    );
  };
}
