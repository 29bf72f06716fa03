/**
 * `POST /v1/checks`, `POST /v1/checks:batch` and `GET /v1/checks/{receipt}`: "may this subject do
 * this?", answered from the in-memory gate (or, for an explicit past `at`, computed exactly as of
 * then), with a receipt that the audit chain keeps.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { decideAt } from '../../app/queries.js';
import type { AppliedMeasure, CheckResult } from '../../domain/types.js';
import { maskIdentifier, parseSubjectRef } from '../../ids/index.js';
import { scopeAllows } from '../auth.js';
import { ApiError, ProblemSchema } from '../errors.js';
import { AppliedMeasureSchema, CheckResultSchema, Decision, InstantString, SubjectRefString } from '../schemas.js';
import { instantParam, iso, principal, resolveRef, type Service } from '../service.js';

const newReceipt = () => 'rc_' + randomUUID().replaceAll('-', '');

function isoMeasure(m: AppliedMeasure): AppliedMeasure | Record<string, unknown> {
  if (m.since === undefined) return m;
  return { ...m, since: iso(m.since), until: m.until == null ? null : iso(m.until) };
}

/** A check result as the API shows it (and as the receipt keeps it). */
function render(r: CheckResult, receipt: string, catalog: string, reference?: string): Static<typeof CheckResultSchema> {
  const out: Record<string, unknown> = { receipt, decision: r.decision, known: r.known };
  if (r.subjectId !== undefined) out.subjectId = r.subjectId;
  out.action = r.action;
  out.at = iso(r.at);
  out.catalog = catalog;
  if (reference !== undefined) out.reference = reference;
  out.measures = r.measures.length === 0 ? r.measures : r.measures.map(isoMeasure);
  return out as Static<typeof CheckResultSchema>;
}

const BatchItem = Type.Object(
  {
    decision: Decision,
    known: Type.Boolean(),
    subjectId: Type.Optional(Type.String()),
    measures: Type.Array(AppliedMeasureSchema),
  },
  { additionalProperties: false },
);

const BatchResult = Type.Object(
  {
    receipt: Type.String(),
    action: Type.String(),
    at: Type.String(),
    catalog: Type.String(),
    count: Type.Integer(),
    results: Type.Array(BatchItem, { description: 'One per subject, in the order given.' }),
  },
  { additionalProperties: false },
);

const CheckBody = Type.Object(
  {
    subject: SubjectRefString,
    action: Type.String({ minLength: 1, maxLength: 100, examples: ['transport.air.ticket'] }),
    at: Type.Optional(InstantString),
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'The caller’s own reference (an order or application number), kept with the receipt.' })),
  },
  { additionalProperties: false },
);

const BatchBody = Type.Object(
  {
    action: Type.String({ minLength: 1, maxLength: 100 }),
    subjects: Type.Array(Type.String({ maxLength: 80 }), { minItems: 1, description: 'Subject references; at most the server’s batch cap (10,000 by default).' }),
    at: Type.Optional(InstantString),
  },
  { additionalProperties: false },
);

/** The rendered results of a batch, kept compactly in the audit entry: a plain allow is just the subject id. */
type Compact = string | { i?: number; decision: string; known: boolean; subjectId?: string; measures: unknown[]; ref?: string };

export function checkRoutes(svc: Service): FastifyPluginAsyncTypebox {
  return async (app) => {
    const requireAction = (action: string, scopes: string[]) => {
      if (!svc.feed.gate.hasAction(action)) throw new ApiError('XY_ERR_UNKNOWN_ACTION', `the catalog in force has no action '${action}'`, { field: '/action' });
      if (!scopeAllows(scopes, action)) throw new ApiError('XY_ERR_OUT_OF_SCOPE', `this credential may not check '${action}'`, { field: '/action' });
    };

    app.post(
      '/v1/checks',
      {
        config: { access: ['checker'] },
        schema: {
          tags: ['checks'],
          summary: 'May this subject do this action?',
          description: 'Answers allow, deny or review with the measures that apply, their reasons, dates, legal basis and appeal route, and a receipt. An unknown subject gets the action’s default with `known: false`. With `at`, the answer is computed exactly as of that instant (what was known and in force then).',
          body: CheckBody,
          response: { 200: CheckResultSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
        },
      },
      async (req) => {
        const p = principal(req);
        const { subject, action, reference } = req.body;
        requireAction(action, p.scopes);
        const now = svc.now();
        const at = instantParam(req.body.at, '/at');
        const subjectId = await resolveRef(svc, subject, '/subject');
        let result: CheckResult;
        let catalog: string;
        if (at === undefined) {
          result = svc.feed.gate.check(subjectId, action, now);
          catalog = `${svc.feed.gate.catalog.id}@${svc.feed.gate.catalog.version}`;
        } else {
          const d = await decideAt(svc.ctx, subjectId, action, at);
          if ('error' in d) throw new ApiError('XY_ERR_UNKNOWN_ACTION', d.error, { field: '/action' });
          result = d.result;
          catalog = d.catalog;
        }
        const receipt = newReceipt();
        const body = render(result, receipt, catalog, reference);
        svc.receipts.add(receipt, { at: now, actor: p.actor, action: 'check.decided', subjectId: result.known ? (result.subjectId ?? null) : null, data: body });
        return body;
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
          description: `Up to ${svc.limits.maxCheckBatch} subjects per request; one receipt covers the batch. Results are in the order given.`,
          body: BatchBody,
          response: { 200: BatchResult, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 413: ProblemSchema },
        },
      },
      async (req) => {
        const p = principal(req);
        const { action, subjects } = req.body;
        if (subjects.length > svc.limits.maxCheckBatch) {
          throw new ApiError('XY_ERR_BATCH_TOO_LARGE', `a batch holds at most ${svc.limits.maxCheckBatch} subjects; this one has ${subjects.length}: split it`, { field: '/subjects', max: svc.limits.maxCheckBatch });
        }
        requireAction(action, p.scopes);
        const now = svc.now();
        const at = instantParam(req.body.at, '/at');
        // Resolve every reference first, so a bad one fails the batch before anything is decided.
        const ids: (string | null)[] = new Array(subjects.length);
        for (let i = 0; i < subjects.length; i++) {
          const ref = subjects[i];
          if (ref.length > 2 && ref.charCodeAt(0) === 115 /* s */ && ref.charCodeAt(1) === 95 /* _ */ && /^s_[a-z0-9]{8,40}$/.test(ref)) ids[i] = ref;
          else ids[i] = await resolveRef(svc, ref, `/subjects/${i}`);
        }
        const gate = svc.feed.gate;
        const results: Record<string, unknown>[] = new Array(subjects.length);
        const compact: Compact[] = new Array(subjects.length);
        let catalog = `${gate.catalog.id}@${gate.catalog.version}`;
        for (let i = 0; i < ids.length; i++) {
          let r: CheckResult;
          if (at === undefined) r = gate.check(ids[i], action, now);
          else {
            const d = await decideAt(svc.ctx, ids[i], action, at);
            if ('error' in d) throw new ApiError('XY_ERR_UNKNOWN_ACTION', d.error, { field: '/action' });
            r = d.result;
            catalog = d.catalog;
          }
          const item: Record<string, unknown> = { decision: r.decision, known: r.known };
          if (r.subjectId !== undefined) item.subjectId = r.subjectId;
          item.measures = r.measures.length === 0 ? r.measures : r.measures.map(isoMeasure);
          results[i] = item;
          if (r.known && r.decision === 'allow' && r.measures.length === 0) compact[i] = r.subjectId as string;
          else if (!r.known) compact[i] = { decision: r.decision, known: false, measures: [], ref: maskedRef(subjects[i]) };
          else compact[i] = item as Compact;
        }
        const receipt = newReceipt();
        const atIso = iso(at ?? now);
        // Each known subject finds the batch in its access log through the audit subject index.
        const about: string[] = [];
        for (const c of compact) if (typeof c === 'string') about.push(c);
        else if (c.subjectId !== undefined) about.push(c.subjectId);
        svc.receipts.add(receipt, { at: now, actor: p.actor, action: 'check.decided', subjectId: null, subjects: about, data: { receipt, batch: true, action, at: atIso, catalog, count: subjects.length, items: compact } });
        return { receipt, action, at: atIso, catalog, count: subjects.length, results: results as Static<typeof BatchItem>[] };
      },
    );

    app.get(
      '/v1/checks/:receipt',
      {
        config: { access: ['checker', 'reviewer', 'admin'] },
        schema: {
          tags: ['checks'],
          summary: 'What was decided under this receipt, and why',
          description: 'Returns the answer exactly as it was given, with when and by whom it was asked. A checker sees only its own receipts.',
          params: Type.Object({ receipt: Type.String({ pattern: '^rc_[0-9a-f]{24,32}$' }) }),
          response: {
            200: Type.Object({ askedAt: Type.String(), askedBy: Type.String(), decided: Type.Object({}, { additionalProperties: true }) }, { additionalProperties: false }),
            404: ProblemSchema,
          },
        },
      },
      async (req) => {
        const p = principal(req);
        const { receipt } = req.params;
        const e = svc.receipts.peek(receipt) ?? (await svc.ctx.store.findReceipt(receipt));
        // A checker asking about another's receipt learns nothing, not even that it exists.
        if (!e || (p.role === 'checker' && e.actor !== p.actor)) throw new ApiError('XY_ERR_NOT_FOUND', 'no check has this receipt', { field: 'receipt' });
        return { askedAt: iso(e.at), askedBy: e.actor, decided: expand(e.data as Record<string, unknown>) };
      },
    );
  };
}

/** A batch receipt's compact items back into the results as they were sent. */
function expand(data: Record<string, unknown>): Record<string, unknown> {
  if (data.batch !== true) return data;
  const { items, batch: _b, ...rest } = data as { items: Compact[]; batch: boolean } & Record<string, unknown>;
  return {
    ...rest,
    results: items.map((c) => {
      if (typeof c === 'string') return { decision: 'allow', known: true, subjectId: c, measures: [] };
      const { ref: _r, ...item } = c;
      return item;
    }),
  };
}

/** How an unknown subject's reference is kept in the audit log: masked, never in clear. */
function maskedRef(ref: string): string {
  const p = parseSubjectRef(ref);
  if (!p.ok) return '(invalid)';
  return p.value.type === 'internal' ? p.value.id : `${p.value.scheme}:${maskIdentifier(p.value.scheme, p.value.value)}`;
}

