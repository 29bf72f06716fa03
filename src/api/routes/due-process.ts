/**
 * Due process over HTTP: objections (file, list with the overdue queue, extend, decide), repair
 * applications (apply, list, decide) and credit commitments (make, report a breach), each through
 * the cases use case (`app/cases.ts`), which stores the step, derives and updates the gate before
 * it answers.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { applyForRepair, breachCommitment, decideObjection, decideRepair, extendObjection, fileObjection, listCases, makeCommitment } from '../../app/cases.js';
import { repairOptions } from '../../app/repair-options.js';
import { CASE_COLUMNS, exportCases } from '../../app/export.js';
import { withIsoInstants } from '../../app/json.js';
import type { ObjectionDecision } from '../../process/objections.js';
import type { CaseRow } from '../../store/port.js';
import type { Principal } from '../auth.js';
import { csvLang, jsonOrCsv, sendCsv, wantsCsv } from '../csv.js';
import { ProblemSchema } from '../errors.js';
import { AnyObject, InstantString, Purpose, subjectRef } from '../schemas.js';
import { instantParam, principal, type Service } from '../service.js';

const RecordId = Type.String({ pattern: '^r_[0-9a-z]{8,64}$' });
const CaseId = (prefix: string) => Type.String({ pattern: `^${prefix}_[0-9a-f]{16}$` });


export function dueProcessRoutes(svc: Service): FastifyPluginAsyncTypebox {
  const listQuery = Type.Object(
    {
      status: Type.Optional(Type.String({ pattern: '^[a-z]{1,20}$' })),
      overdue: Type.Optional(Type.Boolean({ description: 'Only open cases past their deadline (the overdue queue).' })),
      subject: Type.Optional(subjectRef({ maxLength: 80 })),
      purpose: Type.Optional({ ...Purpose, description: 'With `subject`, required of staff: why you read this subject’s cases. Logged, and shown to the person in their access log (`cases.read`).' }),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    },
    { additionalProperties: false },
  );

  const csvCases = 'The CSV export (the review queue) takes the same filters but no `limit`: a reviewer gives a `purpose` for every export, and each person in the file sees it in their access log (`export.read`)';
  const listDescription = 'A subject sees their own. A reviewer asking for one `subject` reads that person’s reasons: `purpose` is required, and the person sees the read in their access log.';

  async function list(kind: CaseRow['kind'], p: Principal, q: { status?: string; overdue?: boolean; subject?: string; limit?: number; purpose?: string }) {
    const { rows, now } = await listCases(svc, p, kind, q);
    return { [`${kind}s`]: rows.map((r) => withIsoInstants({ ...r.doc, overdue: r.status === 'open' && r.deadline !== null && r.deadline < now }) as Record<string, unknown>) };
  }

  return async (app) => {
    app.post(
      '/v1/objections',
      {
        config: { access: ['subject', 'reviewer'] },
        schema: {
          tags: ['due process'],
          summary: 'Object to a record, or to a list entry (the record that caused it)',
          description: 'The record is flagged `disputed` at once (the flag shows in the subject view and in check reasons). The credit office must decide within 3 working days (7 when extended because another unit must verify). A subject objects to their own records; a reviewer may file for a subject.',
          body: Type.Object(
            {
              recordId: Type.Optional(RecordId),
              entryId: Type.Optional(Type.String({ pattern: '^e_[0-9a-z]{8,64}$', description: 'Object to a list entry instead: the objection is to the record that caused it.' })),
              subject: Type.Optional(subjectRef({ maxLength: 80, description: 'With `entryId`, for a reviewer filing for a subject: whose entry it is.' })),
              reasons: Type.String({ minLength: 3, maxLength: 4000 }),
              attachments: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 20, description: 'References to documents (URLs, document numbers), not the documents.' })) },
            { additionalProperties: false },
          ),
          response: { 201: AnyObject, 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req, reply) => reply.code(201).send(withIsoInstants(await fileObjection(svc, principal(req), req.body)) as Record<string, unknown>),
    );

    app.get(
      '/v1/objections',
      { config: { access: ['subject', 'reviewer'] }, schema: { tags: ['due process'], summary: 'Objections, by deadline; `overdue=true` gives the overdue queue', description: listDescription, querystring: listQuery, response: { 200: jsonOrCsv(AnyObject, CASE_COLUMNS, `Objections. ${csvCases}`) } } },
      async (req, reply) => (wantsCsv(req) ? sendCsv(req, reply, await exportCases(svc, principal(req), 'objection', { ...req.query, lang: csvLang(req) })) : list('objection', principal(req), req.query)),
    );

    app.post(
      '/v1/objections/:id([^:/]+)::extend',
      {
        config: { access: ['reviewer'] },
        schema: { tags: ['due process'], summary: 'Extend the deadline to 7 working days (another unit must verify)', params: Type.Object({ id: CaseId('ob') }), response: { 200: AnyObject, 404: ProblemSchema, 409: ProblemSchema } },
      },
      async (req) => withIsoInstants(await extendObjection(svc, principal(req), req.params.id)) as Record<string, unknown>,
    );

    app.post(
      '/v1/objections/:id([^:/]+)::decide',
      {
        config: { access: ['reviewer'] },
        schema: {
          tags: ['due process'],
          summary: 'Decide an objection: upheld, corrected (with the corrected facts) or revoked',
          description: '`upheld`: the record stands. `revoked`: it is treated as never true, and scores, grades and lists are restored. `corrected`: a corrected record (same source, type, subject and date, the new facts) replaces it. The subject is notified.',
          params: Type.Object({ id: CaseId('ob') }),
          body: Type.Object(
            { decision: Type.Enum(['upheld', 'corrected', 'revoked']), reason: Type.String({ minLength: 3, maxLength: 4000 }), facts: Type.Optional(Type.Object({}, { additionalProperties: true })) },
            { additionalProperties: false },
          ),
          response: { 200: AnyObject, 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req) =>
        withIsoInstants(await decideObjection(svc, principal(req), req.params.id, { decision: req.body.decision as ObjectionDecision, reason: req.body.reason, facts: req.body.facts as Record<string, unknown> | undefined })) as Record<string, unknown>,
    );

    app.post(
      '/v1/commitments',
      {
        config: { access: ['subject'] },
        schema: {
          tags: ['due process'],
          summary: 'Make a credit commitment',
          description: 'A signed promise, made to obtain an approval or to repair credit. A breach, reported by a source, becomes a `commitment.breached` record.',
          body: Type.Object({ text: Type.String({ minLength: 10, maxLength: 4000 }), purpose: Type.String({ minLength: 3, maxLength: 200 }) }, { additionalProperties: false }),
          response: { 201: AnyObject },
        },
      },
      async (req, reply) => reply.code(201).send(withIsoInstants(await makeCommitment(svc, principal(req), req.body)) as Record<string, unknown>),
    );

    app.post(
      '/v1/commitments/:id([^:/]+)::breach',
      {
        config: { access: ['source'] },
        schema: {
          tags: ['due process'],
          summary: 'Report a breach of a commitment: it becomes a commitment.breached record',
          params: Type.Object({ id: CaseId('cm') }),
          body: Type.Object({ approval: Type.String({ minLength: 1, maxLength: 200 }), occurredAt: Type.Optional(InstantString) }, { additionalProperties: false }),
          response: { 201: AnyObject, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req, reply) =>
        reply.code(201).send(withIsoInstants(await breachCommitment(svc, principal(req), req.params.id, { approval: req.body.approval, occurredAt: instantParam(req.body.occurredAt, '/occurredAt') })) as Record<string, unknown>),
    );

    app.post(
      '/v1/repairs',
      {
        config: { access: ['subject'] },
        schema: {
          tags: ['due process'],
          summary: 'Apply to repair a record',
          description:
            'Possible once the minimum publicity period of the record has passed (a negative record type with publicity tiers in the catalog, in effect, with no application on it open; `GET /v1/repairs/eligibility` says which records qualify, and from when), with a statement of how the obligation was met and a credit commitment: `commitmentId`, one on file, or `commitment`, made with the application. Every condition is checked before anything is stored; the commitment and the application are stored together or not at all. A record that cannot be repaired now: `422 XY_ERR_NOT_REPAIRABLE`, with one `errors` item per reason (`why`, and `from` when repair becomes possible); an application that lacks what it needs: `400 XY_ERR_VALIDATION`. Decided within 3 working days.',
          body: Type.Object(
            {
              recordId: RecordId,
              commitmentId: Type.Optional({ ...CaseId('cm'), description: 'A commitment on file (`POST /v1/commitments`). Give this or `commitment`.' }),
              commitment: Type.Optional(
                Type.Object(
                  { text: Type.String({ minLength: 10, maxLength: 4000 }), purpose: Type.Optional(Type.String({ minLength: 3, maxLength: 200 })) },
                  { additionalProperties: false, description: 'A commitment made with the application, stored only if the application is (`purpose` defaults to `repair <application id>`).' },
                ),
              ),
              obligationMet: Type.String({ minLength: 1, maxLength: 500 }),
            },
            { additionalProperties: false },
          ),
          response: { 201: AnyObject, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema },
        },
      },
      async (req, reply) => reply.code(201).send(withIsoInstants(await applyForRepair(svc, principal(req), req.body)) as Record<string, unknown>),
    );

    app.get(
      '/v1/repairs/eligibility',
      {
        config: { access: ['subject'] },
        schema: {
          tags: ['due process'],
          summary: 'Which of your records and list entries you may apply to repair now, and if not, why and from when',
          description:
            'Each of your records in effect (`records`) and each of your list entries (`entries`, repaired through the record that caused them) with `possible`, and otherwise `reasons`: one item per reason, each with a stable `why` (`not-negative`, `status`, `no-publicity` with the remedy records that end its entries in `exits`, `too-early` with the minimum period `min` and `from`, `pending` with the open `repair`, `from-grade`) and `reason` in words. `from` is when repair becomes possible, when only time stands in the way.',
          response: { 200: AnyObject },
        },
      },
      async (req) => withIsoInstants(await repairOptions(svc, principal(req).subjectId as string)) as Record<string, unknown>,
    );

    app.get(
      '/v1/repairs',
      { config: { access: ['subject', 'reviewer'] }, schema: { tags: ['due process'], summary: 'Repair applications, by deadline; `overdue=true` gives the overdue queue', description: listDescription, querystring: listQuery, response: { 200: jsonOrCsv(AnyObject, CASE_COLUMNS, `Repair applications. ${csvCases}`) } } },
      async (req, reply) => (wantsCsv(req) ? sendCsv(req, reply, await exportCases(svc, principal(req), 'repair', { ...req.query, lang: csvLang(req) })) : list('repair', principal(req), req.query)),
    );

    app.post(
      '/v1/repairs/:id([^:/]+)::decide',
      {
        config: { access: ['reviewer'] },
        schema: {
          tags: ['due process'],
          summary: 'Approve or refuse a repair application',
          description: 'On approval the record is `repaired`: it stops counting, leaves public view, and the list entries it caused end.',
          params: Type.Object({ id: CaseId('rp') }),
          body: Type.Object({ approve: Type.Boolean(), reason: Type.String({ minLength: 3, maxLength: 4000 }) }, { additionalProperties: false }),
          response: { 200: AnyObject, 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req) => withIsoInstants(await decideRepair(svc, principal(req), req.params.id, { approve: req.body.approve, reason: req.body.reason })) as Record<string, unknown>,
    );
  };
}

