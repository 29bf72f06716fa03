/**
 * `POST /v1/checks`, `POST /v1/checks:batch` and `GET /v1/checks/{receipt}`: "may this subject do
 * this?", answered from the in-memory gate (or, for an explicit past `at`, computed exactly as of
 * then), with a receipt that the audit chain keeps.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { catalogByRef, decideAt } from '../../app/queries.js';
import type { AppliedMeasure, CheckResult } from '../../domain/types.js';
import { ApiError, ProblemSchema } from '../errors.js';
import { CheckResultSchema, InstantString, Purpose, SubjectRefString } from '../schemas.js';
import { instantParam, iso, noIdNumber, principal, requireAction, resolveRef, type Service } from '../service.js';
import { batchRoutes, expandBatch } from './check-batch.js';
import { newReceipt } from '../receipts.js';
import { maskedRef } from '../redact.js';


export function isoMeasure(m: AppliedMeasure): AppliedMeasure | Record<string, unknown> {
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



export function checkRoutes(svc: Service): FastifyPluginAsyncTypebox {
  return async (app) => {
    await app.register(batchRoutes(svc));

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
        noIdNumber(reference, '/reference');
        requireAction(svc, action, p.scopes);
        const now = svc.now();
        if (req.body.at !== undefined && req.body.asOf !== undefined) throw new ApiError('XY_ERR_VALIDATION', 'give at or asOf, not both', { field: '/asOf' });
        const at = instantParam(req.body.at ?? req.body.asOf, req.body.at !== undefined ? '/at' : '/asOf');
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
        await svc.receipts.admit(1);
        const receipt = newReceipt();
        const body = render(result, receipt, catalog, reference);
        // An unknown subject is kept as its masked reference, so the receipt says whom it was about.
        const kept = result.known ? compactBody(body) : { ...compactBody(body), ref: maskedRef(subject) };
        svc.receipts.add(receipt, { at: now, actor: p.actor, action: 'check.decided', subjectId: result.known ? (result.subjectId ?? null) : null, data: kept });
        return body;
      },
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
        const data = e.data as Record<string, unknown>;
        if (p.role !== 'checker') {
          // Staff reading a decision about someone read that person's record: say why, and it is logged.
          const purpose = req.query.purpose;
          if (purpose === undefined) throw new ApiError('XY_ERR_VALIDATION', 'querystring:/purpose is required to read another’s check', { field: 'querystring:/purpose' });
          const about = data.batch === true ? (typeof data.checked === 'string' ? data.checked.split('\n').filter((x) => x.startsWith('s_')) : []) : [];
          await svc.ctx.store.appendAudit([{ at: svc.now(), actor: p.actor, action: 'receipt.read', subjectId: e.subjectId, subjects: about, subjectsKey: receipt, data: { receipt, purpose } }]);
        }
        return { askedAt: iso(e.at), askedBy: e.actor, decided: data.batch === true ? expandBatch(data) : await expandBody(svc, data) };
      },
    );
  };
}

/** Fields of an applied measure that its code and the catalog version fix. */
const STATIC_MEASURE_FIELDS = ['effect', 'authority', 'legalBasis', 'appeal', 'params'];

/**
 * A check's answer as its receipt keeps it: the measures' fixed texts (authority, legal basis,
 * appeal route) are left out, since the receipt names the catalog version, which is immutable and
 * stored; `expandBody` puts them back. The entries, dates and reasons are kept as decided.
 */
function compactBody(body: Static<typeof CheckResultSchema>): Record<string, unknown> {
  if (body.measures.length === 0) return body;
  return { ...body, measures: body.measures.map((m) => Object.fromEntries(Object.entries(m).filter(([k]) => !STATIC_MEASURE_FIELDS.includes(k)))) };
}

async function expandBody(svc: Service, stored: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { ref: _ref, ...data } = stored;
  const measures = data.measures as Record<string, unknown>[] | undefined;
  if (!measures?.length) return data;
  const catalog = await catalogByRef(svc.ctx, String(data.catalog));
  if (!catalog) throw new Error(`receipt ${String(data.receipt)} names catalog ${String(data.catalog)}, which is not stored`);
  return {
    ...data,
    measures: measures.map((m) => {
      if (m.authority !== undefined) return m; // kept in full (receipts written before compaction)
      const cm = catalog.measures.find((x) => x.code === m.measure);
      if (!cm) throw new Error(`catalog ${String(data.catalog)} has no measure ${String(m.measure)}`);
      return {
        ...m,
        effect: cm.effect,
        authority: cm.doc.authority,
        legalBasis: cm.doc.legalBasis,
        ...(cm.doc.appeal ? { appeal: cm.doc.appeal } : {}),
        ...(cm.doc.params ? { params: cm.doc.params } : {}),
      };
    }),
  };
}
