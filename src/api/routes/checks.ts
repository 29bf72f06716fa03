/**
 * `POST /v1/checks`, `POST /v1/checks:batch` and `GET /v1/checks/{receipt}`: "may this subject do
 * this?", answered by the checks use case (`app/checks.ts`) with a receipt the audit chain keeps.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { check, checkBatch, readReceipt } from '../../app/checks.js';
import { BatchAnswerSchema, CheckAnswerSchema, ReceiptReadSchema } from '../../app/check-shapes.js';
import { AppError } from '../../app/errors.js';
import { ProblemSchema } from '../errors.js';
import { InstantString, Purpose, SubjectRefString, subjectRef } from '../schemas.js';
import { instantParam, principal, type Service } from '../service.js';

const CheckBody = Type.Object(
  {
    subject: SubjectRefString,
    action: Type.String({ minLength: 1, maxLength: 100, examples: ['transport.air.ticket'] }),
    at: Type.Optional(InstantString),
    asOf: Type.Optional(Type.String({ minLength: 10, maxLength: 40, description: 'The same as `at` (the name the subject view uses).' })),
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'The caller’s own reference (an order or application number), kept with the receipt.' })),
  },
  { additionalProperties: false },
);

const BatchBody = Type.Object(
  {
    action: Type.String({ minLength: 1, maxLength: 100 }),
    subjects: Type.Array(subjectRef({ maxLength: 80 }), { minItems: 1, description: 'Subject references; at most the server’s batch cap (10,000 by default).' }),
    at: Type.Optional(InstantString),
  },
  { additionalProperties: false },
);

export function checkRoutes(svc: Service): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/v1/checks',
      {
        config: { access: ['checker'] },
        schema: {
          tags: ['checks'],
          summary: 'May this subject do this action?',
          description: 'Answers allow, deny or review with the measures that apply, their reasons, dates, legal basis and appeal route, and a receipt. An unknown subject gets the action’s default with `known: false`. With `at`, the answer is computed exactly as of that instant (what was known and in force then).',
          body: CheckBody,
          response: { 200: CheckAnswerSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
        },
      },
      async (req) => {
        const b = req.body;
        if (b.at !== undefined && b.asOf !== undefined) throw new AppError('XY_ERR_VALIDATION', 'give at or asOf, not both', { field: '/asOf' });
        const at = instantParam(b.at ?? b.asOf, b.at !== undefined ? '/at' : '/asOf');
        return check(svc, principal(req), { subject: b.subject, action: b.action, at, reference: b.reference });
      },
    );

    app.post(
      '/v1/checks::batch',
      {
        config: { access: ['checker'] },
        bodyLimit: svc.limits.batchBodyBytes,
        schema: {
          tags: ['checks'],
          summary: 'Check many subjects for one action',
          description: `Up to ${svc.limits.maxCheckBatch} subjects per request; one receipt covers the batch. \`results\` lists every subject that is not simply known and allowed, by its index; \`allowed\` counts the others. A bad reference refuses the whole batch, naming it (\`/subjects/2\`).`,
          body: BatchBody,
          response: { 200: BatchAnswerSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 413: ProblemSchema },
        },
      },
      async (req) => checkBatch(svc, principal(req), { action: req.body.action, subjects: req.body.subjects, at: instantParam(req.body.at, '/at'), max: svc.limits.maxCheckBatch }),
    );

    app.get(
      '/v1/checks/:receipt',
      {
        config: { access: ['checker', 'reviewer', 'admin'] },
        schema: {
          tags: ['checks'],
          summary: 'What was decided under this receipt, and why',
          description: 'Returns the answer exactly as it was given, with when and by whom it was asked. A checker sees only its own receipts. Reviewers and admins give a `purpose`: the read is logged, and the persons the receipt is about see it in their access log.',
          params: Type.Object({ receipt: Type.String({ pattern: '^rc_[0-9a-f]{24,32}$' }) }),
          querystring: Type.Object({ purpose: Type.Optional(Purpose) }, { additionalProperties: false }),
          response: { 200: ReceiptReadSchema, 404: ProblemSchema },
        },
      },
      async (req) => readReceipt(svc, principal(req), { receipt: req.params.receipt, purpose: req.query.purpose }),
    );
  };
}
