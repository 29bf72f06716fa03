/**
 * Due process over HTTP: objections (file, list with the overdue queue, extend, decide), repair
 * applications (apply, list, decide) and credit commitments (make, report a breach), each through
 * the cases use case (`app/cases.ts`), which stores the step, derives and updates the gate before
 * it answers.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { applyForRepair, assignCase, breachCommitment, BULK_MAX, caseDetail, decideCases, decideObjection, decideRepair, DUE_SOON_DAYS, extendObjection, fileObjection, listCases, makeCommitment, type CaseFilters } from '../../app/cases.js';
import { addEvidence, EVIDENCE_MAX_BYTES, EVIDENCE_MAX_FILES, EVIDENCE_TYPES, fromBase64, readEvidence } from '../../app/evidence.js';
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
      dueSoon: Type.Optional(Type.Boolean({ description: `Only open cases not yet overdue whose deadline falls within ${DUE_SOON_DAYS} working days.` })),
      subject: Type.Optional(subjectRef({ maxLength: 80 })),
      source: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{0,63}$', description: 'Only cases about a record from this source (the catalog’s source code: the authority that made the record).' })),
      assigned: Type.Optional(Type.String({ pattern: '^(me|(key|oidc|dev|cli):[A-Za-z0-9._@-]{1,120})$', description: '`me`: the cases assigned to you; or the actor they are assigned to.' })),
      purpose: Type.Optional({ ...Purpose, description: 'With `subject`, required of staff: why you read this subject’s cases. Logged, and shown to the person in their access log (`cases.read`).' }),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    },
    { additionalProperties: false },
  );

  const csvCases = 'The CSV export (the review queue) takes the same filters but no `limit`: a reviewer gives a `purpose` for every export, and each person in the file sees it in their access log (`export.read`)';
  const listDescription = 'A subject sees their own. A reviewer asking for one `subject` reads that person’s reasons: `purpose` is required, and the person sees the read in their access log.';

  async function list(kind: CaseRow['kind'], p: Principal, q: CaseFilters & { limit?: number; purpose?: string }) {
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

    const QueueCaseId = Type.String({ pattern: '^(ob|rp)_[0-9a-f]{16}$', description: 'An objection (`ob_…`) or repair application (`rp_…`).' });
    const EvidenceId = Type.String({ pattern: '^ev_[0-9a-f]{16}$' });
    const casePurpose = Type.Object({ purpose: Type.Optional({ ...Purpose, description: 'Required of staff: why you read this case. Logged, and shown to the person in their access log.' }) }, { additionalProperties: false });

    app.get(
      '/v1/cases/:id',
      {
        config: { access: ['subject', 'reviewer'] },
        schema: {
          tags: ['due process'],
          summary: 'One objection or repair application, with what deciding it needs',
          description:
            'The case (`case`, with `overdue`), its `subject` (name and masked identifiers), the `record` it is about (null once expired), the list `entries` that record caused, the subject’s `statement`, the `evidence` (name, type, size, SHA-256, who uploaded it and when; not the bytes), the `history` (filed or applied, evidence, assigned, extended, decided: when and who) and the `deadline` (`at`, `workingDaysLeft` while open, `overdue`, `extended`). Staff give `purpose`; the read is in the person’s access log (`cases.read`). A subject reads their own cases.',
          params: Type.Object({ id: QueueCaseId }),
          querystring: casePurpose,
          response: { 200: AnyObject, 400: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (req) => withIsoInstants(await caseDetail(svc, principal(req), req.params.id, req.query)) as Record<string, unknown>,
    );

    app.post(
      '/v1/cases/:id/evidence',
      {
        config: { access: ['subject', 'reviewer'] },
        // A 5 MB file in base64 is about 6.7 MB, and its JSON a little more.
        bodyLimit: Math.ceil((EVIDENCE_MAX_BYTES * 4) / 3) + 64 * 1024,
        schema: {
          tags: ['due process'],
          summary: 'Add a file of evidence to an open objection or repair application',
          description: `PDF, PNG or JPEG only, at most ${EVIDENCE_MAX_BYTES / 1024 / 1024} MB per file and ${EVIDENCE_MAX_FILES} files per case, while the case is open. The type is read from the file’s bytes (magic numbers): a \`contentType\` or file name extension that does not match them is refused (\`415 XY_ERR_EVIDENCE_TYPE\`, naming the field), as are other types; a larger file is \`413 XY_ERR_EVIDENCE_TOO_LARGE\`; a sixth file \`409 XY_ERR_EVIDENCE_LIMIT\`. Stored with the SHA-256 of its bytes (in the answer), audited as \`evidence.added\`, and deleted with the record’s facts when the record’s retention ends. A subject adds to their own cases.`,
          params: Type.Object({ id: QueueCaseId }),
          body: Type.Object(
            {
              filename: Type.String({ minLength: 1, maxLength: 200, description: 'The file’s name; its extension must match its bytes (.pdf, .png, .jpg or .jpeg).' }),
              contentType: Type.String({ enum: EVIDENCE_TYPES, description: 'What the file is; it must match its bytes.' }),
              content: Type.String({ minLength: 1, maxLength: Math.ceil((EVIDENCE_MAX_BYTES * 4) / 3) + 8, description: 'The file’s bytes, in base64.' }),
            },
            { additionalProperties: false },
          ),
          response: { 201: AnyObject, 404: ProblemSchema, 409: ProblemSchema, 413: ProblemSchema, 415: ProblemSchema },
        },
      },
      async (req, reply) => reply.code(201).send(withIsoInstants(await addEvidence(svc, principal(req), req.params.id, { filename: req.body.filename, contentType: req.body.contentType, bytes: fromBase64(req.body.content) })) as Record<string, unknown>),
    );

    app.get(
      '/v1/cases/:id/evidence/:evidenceId',
      {
        config: { access: ['subject', 'reviewer'] },
        schema: {
          tags: ['due process'],
          summary: 'Download a file of evidence',
          description: 'The bytes as uploaded, with their type, as an attachment; `Repr-Digest` carries the SHA-256 (RFC 9530) and `X-Content-SHA256` the same in hex, each recomputed and checked against the stored hash before the file is sent (a mismatch: `500 XY_ERR_EVIDENCE_CORRUPT`, nothing sent). Staff give `purpose`: the download is in the person’s access log (`evidence.read`). A subject downloads their own.',
          params: Type.Object({ id: QueueCaseId, evidenceId: EvidenceId }),
          querystring: casePurpose,
          response: {
            200: { description: 'The file.', content: Object.fromEntries(EVIDENCE_TYPES.map((t) => [t, { schema: { type: 'string' as const, format: 'binary' } }])) },
            400: ProblemSchema,
            404: ProblemSchema,
            500: ProblemSchema,
          },
        },
      },
      async (req, reply) => {
        const e = await readEvidence(svc, principal(req), req.params.id, req.params.evidenceId, req.query);
        return reply
          .header('content-type', e.contentType)
          .header('content-disposition', `attachment; filename="${e.id}.${e.contentType.split('/')[1]}"; filename*=UTF-8''${encodeURIComponent(e.filename)}`)
          .header('repr-digest', `sha-256=:${Buffer.from(e.sha256, 'hex').toString('base64')}:`)
          .header('x-content-sha256', e.sha256)
          .header('cache-control', 'no-store')
          .send(Buffer.from(e.content) as never);
      },
    );

    app.post(
      '/v1/cases/:id([^:/]+)::assign',
      {
        config: { access: ['reviewer'] },
        schema: {
          tags: ['due process'],
          summary: 'Assign an open case to a reviewer: yourself (no `to`) or another',
          description: '`to`: the reviewer, as the audit log names actors (`key:k_…` must be a live reviewer or admin key). Who assigned it and when go into the case’s history; audited as `case.assigned`.',
          params: Type.Object({ id: QueueCaseId }),
          body: Type.Object({ to: Type.Optional(Type.String({ minLength: 3, maxLength: 130 })) }, { additionalProperties: false }),
          response: { 200: AnyObject, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req) => withIsoInstants(await assignCase(svc, principal(req), req.params.id, { to: req.body?.to })) as Record<string, unknown>,
    );

    for (const [kind, path, outcomes] of [['objection', '/v1/objections::batch-decide', ['upheld', 'revoked']], ['repair', '/v1/repairs::batch-decide', ['approve', 'refuse']]] as const) {
      app.post(
        path,
        {
          config: { access: ['reviewer'] },
          schema: {
            tags: ['due process'],
            summary: `Decide several ${kind === 'objection' ? 'objections' : 'repair applications'} with one outcome and one reason`,
            description: `Each case is decided on its own, as if alone (its own transaction, derivation, notice and audit entry). A case that cannot be decided (unknown, decided already, changed meanwhile) is reported in \`results\` with its \`code\` and \`detail\`, and the others are still decided: the answer is 200 with \`decided\` and \`failed\` counts. At most ${BULK_MAX} cases.${kind === 'objection' ? ' A correction needs each record’s facts, so it is decided case by case.' : ''}`,
            body: Type.Object(
              { ids: Type.Array(kind === 'objection' ? CaseId('ob') : CaseId('rp'), { minItems: 1, maxItems: BULK_MAX }), decision: Type.String({ enum: [...outcomes] }), reason: Type.String({ minLength: 3, maxLength: 4000 }) },
              { additionalProperties: false },
            ),
            response: { 200: AnyObject },
          },
        },
        async (req) => decideCases(svc, principal(req), kind, req.body),
      );
    }

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

