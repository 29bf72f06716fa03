/**
 * `POST /v1/checks:batch`: one action, up to 10,000 subjects, one receipt. The answer lists the
 * exceptions — every subject that is not simply known and allowed — with their index, as
 * screening services do; `allowed` counts the rest. Measures appear once, at the top, with their
 * authority, legal basis and appeal route; each exception names its measures, list entries and
 * the records and rules behind them.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type, { type Static } from 'typebox';
import { decideAt } from '../../app/queries.js';
import type { CheckResult } from '../../domain/types.js';
import { ApiError, ProblemSchema } from '../errors.js';
import { Decision, InstantString } from '../schemas.js';
import { isInternalId } from '../../ids/index.js';
import { instantParam, iso, principal, requireAction, resolveRef, type Service } from '../service.js';
import { maskedRef } from '../redact.js';
import { newReceipt } from '../receipts.js';

const BatchMeasure = Type.Object(
  {
    measure: Type.String(),
    effect: Type.String(),
    list: Type.Optional(Type.String()),
    entryId: Type.Optional(Type.String()),
    since: Type.Optional(Type.String()),
    until: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    via: Type.Optional(Type.Object({ subjectId: Type.String(), role: Type.String() })),
    grade: Type.Optional(Type.Object({ scheme: Type.String(), grade: Type.String() })),
    reasons: Type.Array(Type.Object({ recordId: Type.Optional(Type.String()), recordType: Type.Optional(Type.String()), ruleId: Type.String() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

const Exception = Type.Object(
  {
    index: Type.Integer({ description: 'Position of the subject in the request.' }),
    decision: Decision,
    known: Type.Boolean(),
    subjectId: Type.Optional(Type.String()),
    measures: Type.Array(BatchMeasure),
  },
  { additionalProperties: false },
);

const MeasureInfo = Type.Object(
  { effect: Type.String(), authority: Type.String(), legalBasis: Type.String(), appeal: Type.Optional(Type.String()), params: Type.Optional(Type.Object({}, { additionalProperties: true })) },
  { additionalProperties: false },
);

const BatchResult = Type.Object(
  {
    receipt: Type.String(),
    action: Type.String(),
    at: Type.String(),
    catalog: Type.String(),
    count: Type.Integer({ description: 'Subjects checked.' }),
    allowed: Type.Integer({ description: 'Subjects known and allowed with no measure applying; they are not listed in `results`.' }),
    results: Type.Array(Exception, { description: 'Every other subject (deny, review, unknown, or allow with a reward or priority), in request order.' }),
    measures: Type.Record(Type.String(), MeasureInfo, { description: 'The measures named in `results`: authority, legal basis, appeal route.' }),
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

type ExceptionJson = Static<typeof Exception>;
type MeasureJson = Static<typeof BatchMeasure>;

function exceptionOf(r: CheckResult, index: number, measures: Record<string, Static<typeof MeasureInfo>>): ExceptionJson {
  const out: ExceptionJson = { index, decision: r.decision, known: r.known, measures: [] };
  if (r.subjectId !== undefined) out.subjectId = r.subjectId;
  for (const m of r.measures) {
    const j: MeasureJson = { measure: m.measure, effect: m.effect, reasons: m.reasons.map((x) => ({ ...(x.recordId ? { recordId: x.recordId } : {}), ...(x.recordType ? { recordType: x.recordType } : {}), ruleId: x.ruleId })) };
    if (m.list !== undefined) j.list = m.list;
    if (m.entryId !== undefined) j.entryId = m.entryId;
    if (m.since !== undefined) j.since = iso(m.since);
    if (m.until !== undefined) j.until = m.until === null ? null : iso(m.until);
    if (m.via) j.via = m.via;
    const g = m.reasons[0]?.grade;
    if (g && !m.list) j.grade = g;
    out.measures.push(j);
    if (!measures[m.measure]) measures[m.measure] = { effect: m.effect, authority: m.authority, legalBasis: m.legalBasis, ...(m.appeal ? { appeal: m.appeal } : {}), ...(m.params ? { params: m.params } : {}) };
  }
  return out;
}

export function batchRoutes(svc: Service): FastifyPluginAsyncTypebox {
  return async (app) => {
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
          response: { 200: BatchResult, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 413: ProblemSchema },
        },
      },
      async (req) => {
        const p = principal(req);
        const { action, subjects } = req.body;
        if (subjects.length > svc.limits.maxCheckBatch) {
          throw new ApiError('XY_ERR_BATCH_TOO_LARGE', `a batch holds at most ${svc.limits.maxCheckBatch} subjects; this one has ${subjects.length}: split it`, { field: '/subjects', max: svc.limits.maxCheckBatch });
        }
        requireAction(svc, action, p.scopes);
        const now = svc.now();
        const at = instantParam(req.body.at, '/at');
        // Resolve every reference first, so a bad one fails the batch before anything is decided.
        const ids: (string | null)[] = new Array(subjects.length);
        for (let i = 0; i < subjects.length; i++) {
          const ref = subjects[i];
          ids[i] = isInternalId(ref) ? ref : await resolveRef(svc, ref, `/subjects/${i}`);
        }
        const gate = svc.feed.gate;
        let catalog = `${gate.catalog.id}@${gate.catalog.version}`;
        const results: ExceptionJson[] = [];
        const measures: Record<string, Static<typeof MeasureInfo>> = {};
        // What the receipt keeps of each subject, in order: the internal id, or (unknown) the masked reference.
        const checked: string[] = new Array(subjects.length);
        const about: string[] = [];
        for (let i = 0; i < ids.length; i++) {
          let r: CheckResult;
          if (at === undefined) r = gate.check(ids[i], action, now);
          else {
            const d = await decideAt(svc.ctx, ids[i], action, at);
            if ('error' in d) throw new ApiError('XY_ERR_UNKNOWN_ACTION', d.error, { field: '/action' });
            r = d.result;
            catalog = d.catalog;
          }
          if (r.known) {
            checked[i] = r.subjectId as string;
            about.push(r.subjectId as string);
          } else checked[i] = maskedRef(subjects[i]);
          if (!(r.known && r.decision === 'allow' && r.measures.length === 0)) results.push(exceptionOf(r, i, measures));
        }
        // Wait here, before answering, if the receipt writer is behind: no answer without its receipt.
        await svc.receipts.admit(subjects.length);
        const receipt = newReceipt();
        const body = { receipt, action, at: iso(at ?? now), catalog, count: subjects.length, allowed: subjects.length - results.length, results, measures };
        // Each known subject finds the batch in its access log through the audit subject index.
        // `checked` as one newline-joined string (no reference holds a control character): one
        // string to hash and store instead of 10,000.
        svc.receipts.add(receipt, { at: now, actor: p.actor, action: 'check.decided', subjectId: null, subjects: about, subjectsKey: action, data: { ...body, batch: true, checked: checked.join('\n') } }, subjects.length);
        return body;
      },
    );
  };
}

/** A batch receipt's audit data back into the answer as it was sent (a single check's is already). */
export function expandBatch(data: Record<string, unknown>): Record<string, unknown> {
  if (data.batch !== true) return data;
  const { batch: _b, checked: _c, ...body } = data;
  return body;
}

/** The decision a batch receipt recorded about `subjectId`, or null when it did not check them. */
export function batchDecisionFor(data: Record<string, unknown>, subjectId: string): string | null {
  const checked = typeof data.checked === 'string' ? data.checked.split('\n') : undefined;
  const i = checked?.indexOf(subjectId) ?? -1;
  if (i < 0) return null;
  const ex = (data.results as ExceptionJson[] | undefined)?.find((r) => r.index === i);
  return ex ? ex.decision : 'allow';
}
