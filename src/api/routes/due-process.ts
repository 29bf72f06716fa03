/**
 * Due process over HTTP: objections (file, list with the overdue queue, extend, decide), repair
 * applications (apply, list, decide) and credit commitments (make, report a breach). The process
 * core decides; this shell stores each step with its effects in one transaction, derives the new
 * state and updates the gate before it answers.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { withIsoInstants } from '../../app/json.js';
import type { AuditEntryInput } from '../../audit/index.js';
import { Ingestor } from '../../ingest/ingestor.js';
import type { Instant } from '../../domain/types.js';
import { fileObjection, type CaseStep, type ObjectionDecision, type StepResult } from '../../process/objections.js';
import { applyForRepair, type Commitment } from '../../process/repairs.js';
import type { CaseRow } from '../../store/port.js';
import { StepError, commitStep, decideObjectionStep, decideRepairStep, extendObjectionStep, openCaseOn } from '../../app/case-steps.js';
import type { Principal } from '../auth.js';
import { ApiError, ProblemSchema } from '../errors.js';
import { AnyObject, InstantString } from '../schemas.js';
import { noIdNumber, principal, requireSubject, type Service } from '../service.js';
import { scopeAllows } from '../auth.js';

const newId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;
const RecordId = Type.String({ pattern: '^r_[0-9a-z]{8,64}$' });
const CaseId = (prefix: string) => Type.String({ pattern: `^${prefix}_[0-9a-f]{16}$` });


/** Runs a step, turning its expected refusals into problems. */
async function stepOrProblem<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof StepError) throw new ApiError(e.kind === 'not-found' ? 'XY_ERR_NOT_FOUND' : e.kind === 'validation' ? 'XY_ERR_VALIDATION' : 'XY_ERR_CONFLICT', e.message, { field: e.field });
    throw e;
  }
}

function unwrap<C>(r: StepResult<C>): CaseStep<C> {
  if (!r.ok) throw new ApiError('XY_ERR_CONFLICT', `${r.error.field}: ${r.error.reason}`, { field: r.error.field });
  return r.value;
}

export function dueProcessRoutes(svc: Service): FastifyPluginAsyncTypebox {
  /** Stores a step with its effects, derives, and brings the gate up to date (inside `svc.writes`). */
  async function commit(kind: CaseRow['kind'], step: CaseStep<{ id: string; subjectId: string; status: string; deadline?: Instant }>, createdAt: number, audit: AuditEntryInput, expectStatus: string | null) {
    const derived = await stepOrProblem(() => commitStep(svc.ctx, kind, step, createdAt, audit, expectStatus, svc.now()));
    await svc.feed.refresh(svc.ctx.store, derived);
  }

  /** The record an objection is about: given, or the one that caused the given list entry. */
  async function recordToObjectTo(p: Principal, b: { recordId?: string; entryId?: string; subject?: string }): Promise<string> {
    if ((b.recordId === undefined) === (b.entryId === undefined)) throw new ApiError('XY_ERR_VALIDATION', 'give either recordId or entryId', { field: '/recordId' });
    if (b.recordId !== undefined) return b.recordId;
    const subjectId = p.role === 'subject' ? (p.subjectId as string) : b.subject ? await requireSubject(svc, b.subject, '/subject') : null;
    if (!subjectId) throw new ApiError('XY_ERR_VALIDATION', 'with entryId, name the subject whose entry it is', { field: '/subject' });
    const st = await svc.ctx.store.getState(subjectId);
    const entry = st?.state.entries.find((e) => e.id === b.entryId);
    if (!entry) throw new ApiError('XY_ERR_NOT_FOUND', 'no list entry of this subject has this id', { field: '/entryId' });
    const cause = entry.reasons.find((r) => r.recordId)?.recordId;
    if (!cause) throw new ApiError('XY_ERR_CONFLICT', 'this entry follows from a grade, not a record: object to the records behind the grade', { field: '/entryId' });
    return cause;
  }


  /** The subject a caller acts for: a subject acts for itself; staff name the record's subject. */
  function actingFor(p: Principal, recordSubject: string): string {
    if (p.role === 'subject' && p.subjectId !== recordSubject) throw new ApiError('XY_ERR_NOT_FOUND', 'no record of yours has this id', { field: '/recordId' });
    return recordSubject;
  }

  async function loadCase<D>(id: string, kind: CaseRow['kind'], p?: Principal): Promise<CaseRow & { doc: D }> {
    const c = await svc.ctx.store.getCase(id);
    if (!c || c.kind !== kind || (p?.role === 'subject' && p.subjectId !== c.subjectId)) throw new ApiError('XY_ERR_NOT_FOUND', `no ${kind} has this id`, { field: 'id' });
    return c as CaseRow & { doc: D };
  }

  const listQuery = Type.Object(
    {
      status: Type.Optional(Type.String({ pattern: '^[a-z]{1,20}$' })),
      overdue: Type.Optional(Type.Boolean({ description: 'Only open cases past their deadline (the overdue queue).' })),
      subject: Type.Optional(Type.String({ maxLength: 80 })),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    },
    { additionalProperties: false },
  );

  async function list(kind: CaseRow['kind'], p: Principal, q: { status?: string; overdue?: boolean; subject?: string; limit?: number }) {
    const subjectId = p.role === 'subject' ? (p.subjectId as string) : q.subject ? await requireSubject(svc, q.subject, 'subject') : undefined;
    const now = svc.now();
    const rows = await svc.ctx.store.listCases({ kind, statuses: q.overdue ? ['open'] : q.status ? [q.status] : undefined, subjectId, deadlineBefore: q.overdue ? now : undefined, limit: q.limit ?? 100 });
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
              subject: Type.Optional(Type.String({ maxLength: 80, description: 'With `entryId`, for a reviewer filing for a subject: whose entry it is.' })),
              reasons: Type.String({ minLength: 3, maxLength: 4000 }),
              attachments: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 500 }), { maxItems: 20, description: 'References to documents (URLs, document numbers), not the documents.' })) },
            { additionalProperties: false },
          ),
          response: { 201: AnyObject, 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req, reply) => {
        const p = principal(req);
        noIdNumber(req.body.reasons, '/reasons');
        for (const [i, a] of (req.body.attachments ?? []).entries()) noIdNumber(a, `/attachments/${i}`);
        const body = await svc.writes(async () => {
          const recordId = await recordToObjectTo(p, req.body);
          const rec = await svc.ctx.store.getRecord(recordId);
          if (!rec) throw new ApiError('XY_ERR_NOT_FOUND', 'no record has this id', { field: '/recordId' });
          const subjectId = actingFor(p, rec.subjectId);
          // One objection per record: once one is upheld, the decision stands (a further challenge
          // goes to the authority that made the record, or to court), so refiling cannot keep
          // suspending an entry.
          const earlier = (await svc.ctx.store.listCases({ kind: 'objection', subjectId, limit: 10_000 })).find((c) => (c.doc as { recordId?: string }).recordId === rec.id && c.status === 'upheld');
          if (earlier) throw new ApiError('XY_ERR_CONFLICT', `objection ${earlier.id} to this record was upheld; challenge the record with the authority that made it`, { field: '/recordId' });
          const at = svc.now();
          const step = unwrap(fileObjection({ id: newId('ob'), record: rec, subjectId, reasons: req.body.reasons, attachments: req.body.attachments ?? [], by: p.actor, at, calendar: svc.calendar, days: svc.ctx.catalog.dueProcess.objectionDays }));
          await commit('objection', step, at, { at, actor: p.actor, action: 'objection.filed', subjectId, data: { objection: step.case.id, record: rec.id, deadline: step.case.deadline } }, null);
          return step.case;
        });
        return reply.code(201).send(withIsoInstants(body) as Record<string, unknown>);
      },
    );

    app.get(
      '/v1/objections',
      { config: { access: ['subject', 'reviewer'] }, schema: { tags: ['due process'], summary: 'Objections, by deadline; `overdue=true` gives the overdue queue', description: 'A subject sees their own.', querystring: listQuery, response: { 200: AnyObject } } },
      async (req) => list('objection', principal(req), req.query),
    );

    app.post(
      '/v1/objections/:id([^:/]+)::extend',
      {
        config: { access: ['reviewer'] },
        schema: { tags: ['due process'], summary: 'Extend the deadline to 7 working days (another unit must verify)', params: Type.Object({ id: CaseId('ob') }), response: { 200: AnyObject, 404: ProblemSchema, 409: ProblemSchema } },
      },
      async (req) => {
        const p = principal(req);
        return svc.writes(async () => {
          const r = await stepOrProblem(() => extendObjectionStep({ ctx: svc.ctx, calendar: svc.calendar, at: svc.now(), actor: p.actor }, req.params.id));
          await svc.feed.refresh(svc.ctx.store, r.derived);
          return withIsoInstants(r.case) as Record<string, unknown>;
        });
      },
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
      async (req) => {
        const p = principal(req);
        noIdNumber(req.body.reason, '/reason');
        return svc.writes(async () => {
          const r = await stepOrProblem(() =>
            decideObjectionStep({ ctx: svc.ctx, calendar: svc.calendar, at: svc.now(), actor: p.actor }, req.params.id, { decision: req.body.decision as ObjectionDecision, reason: req.body.reason, facts: req.body.facts as Record<string, unknown> | undefined }),
          );
          await svc.feed.refresh(svc.ctx.store, r.derived);
          return withIsoInstants(r.case) as Record<string, unknown>;
        });
      },
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
      async (req, reply) => {
        const p = principal(req);
        noIdNumber(req.body.text, '/text');
        noIdNumber(req.body.purpose, '/purpose');
        const at = svc.now();
        const cm: Commitment = { id: newId('cm'), subjectId: p.subjectId as string, madeAt: at, madeBy: p.actor, text: req.body.text, purpose: req.body.purpose };
        await svc.ctx.store.saveCase({ id: cm.id, kind: 'commitment', subjectId: cm.subjectId, status: 'made', deadline: null, createdAt: at, doc: cm as unknown as Record<string, unknown> }, { audit: { at, actor: p.actor, action: 'commitment.made', subjectId: cm.subjectId, data: { commitment: cm.id, purpose: cm.purpose } } });
        return reply.code(201).send(withIsoInstants(cm) as Record<string, unknown>);
      },
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
      async (req, reply) => {
        const p = principal(req);
        noIdNumber(req.body.approval, '/approval');
        if (!scopeAllows(p.scopes, 'commitment.breached')) throw new ApiError('XY_ERR_OUT_OF_SCOPE', 'this key’s scopes do not cover commitment.breached', { field: '/' });
        const result = await svc.writes(async () => {
          const c = await loadCase<Commitment>(req.params.id, 'commitment');
          if (c.doc.breachedAt !== undefined) throw new ApiError('XY_ERR_CONFLICT', 'the breach was reported already');
          const at = svc.now();
          const occurredAt = req.body.occurredAt === undefined ? at : Date.parse(req.body.occurredAt);
          if (!(occurredAt >= c.doc.madeAt)) throw new ApiError('XY_ERR_VALIDATION', 'occurredAt: a breach cannot precede the commitment', { field: '/occurredAt' });
          const ingestor = new Ingestor(svc.ctx.store, svc.ctx.catalog, svc.ctx.keyring, { now: () => at, actor: p.actor, deriveEachBatch: false });
          // One breach record per commitment (its id is fixed by the commitment).
          const [r] = await ingestor.ingestBatch([{ source: p.source as string, line: { externalId: `commitment-breach-${c.id}`, type: 'commitment.breached', subject: c.subjectId, occurredAt: new Date(occurredAt).toISOString(), facts: { commitmentId: c.id, approval: req.body.approval } } }]);
          if (r.status === 'rejected') throw new ApiError(r.error.forbidden ? 'XY_ERR_OUT_OF_SCOPE' : 'XY_ERR_VALIDATION', `${r.error.field}: ${r.error.reason}`, { field: `/${r.error.field}` });
          const doc: Commitment = { ...c.doc, breachedAt: at };
          const step: CaseStep<Commitment & { status: string }> = { case: { ...doc, status: 'breached' }, statuses: [], notices: [] };
          await commit('commitment', step, c.createdAt, { at, actor: p.actor, action: 'commitment.breached', subjectId: c.subjectId, data: { commitment: c.id, record: r.recordId } }, c.status);
          return { ...doc, record: r.recordId };
        });
        return reply.code(201).send(withIsoInstants(result) as Record<string, unknown>);
      },
    );

    app.post(
      '/v1/repairs',
      {
        config: { access: ['subject'] },
        schema: {
          tags: ['due process'],
          summary: 'Apply to repair a record',
          description: 'Allowed once the minimum publicity period of the record has passed, with the obligation met and a credit commitment on file; otherwise 409 with one `errors` item per reason. Decided within 3 working days.',
          body: Type.Object({ recordId: RecordId, commitmentId: CaseId('cm'), obligationMet: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
          response: { 201: AnyObject, 404: ProblemSchema, 409: ProblemSchema },
        },
      },
      async (req, reply) => {
        const p = principal(req);
        noIdNumber(req.body.obligationMet, '/obligationMet');
        const body = await svc.writes(async () => {
          const rec = await svc.ctx.store.getRecord(req.body.recordId);
          if (!rec) throw new ApiError('XY_ERR_NOT_FOUND', 'no record has this id', { field: '/recordId' });
          const subjectId = actingFor(p, rec.subjectId);
          const pending = await openCaseOn(svc.ctx, 'repair', subjectId, rec.id);
          if (pending) throw new ApiError('XY_ERR_CONFLICT', `repair application ${pending} for this record is still open`, { field: '/recordId' });
          const cm = await svc.ctx.store.getCase(req.body.commitmentId);
          const commitment = cm && cm.kind === 'commitment' ? (cm.doc as unknown as Commitment) : null;
          const at = svc.now();
          const r = applyForRepair({ id: newId('rp'), catalog: svc.ctx.catalog, record: rec, subjectId, commitment, obligationMet: req.body.obligationMet, by: p.actor, at, calendar: svc.calendar, days: svc.ctx.catalog.dueProcess.repairDays });
          if (!r.ok) {
            const errors = 'refusals' in r ? r.refusals : [r.error];
            throw new ApiError('XY_ERR_CONFLICT', `the application cannot be made: ${errors.map((e) => e.reason).join('; ')}`, { field: errors[0].field, errors });
          }
          await commit('repair', r.value, at, { at, actor: p.actor, action: 'repair.applied', subjectId, data: { repair: r.value.case.id, record: rec.id } }, null);
          return r.value.case;
        });
        return reply.code(201).send(withIsoInstants(body) as Record<string, unknown>);
      },
    );

    app.get(
      '/v1/repairs',
      { config: { access: ['subject', 'reviewer'] }, schema: { tags: ['due process'], summary: 'Repair applications, by deadline; `overdue=true` gives the overdue queue', querystring: listQuery, response: { 200: AnyObject } } },
      async (req) => list('repair', principal(req), req.query),
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
      async (req) => {
        const p = principal(req);
        noIdNumber(req.body.reason, '/reason');
        return svc.writes(async () => {
          const r = await stepOrProblem(() => decideRepairStep({ ctx: svc.ctx, calendar: svc.calendar, at: svc.now(), actor: p.actor }, req.params.id, { approve: req.body.approve, reason: req.body.reason }));
          await svc.feed.refresh(svc.ctx.store, r.derived);
          return withIsoInstants(r.case) as Record<string, unknown>;
        });
      },
    );
  };
}

