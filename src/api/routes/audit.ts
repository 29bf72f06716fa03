/** `GET /v1/audit` (entries, newest first) and `GET /v1/audit:verify` (the whole hash chain). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { auditPage, verifyAudit } from '../../app/audit.js';
import { AUDIT_COLUMNS, exportAudit } from '../../app/export.js';
import { withIsoInstants } from '../../app/json.js';
import { csvLang, jsonOrCsv, sendCsv, wantsCsv } from '../csv.js';
import { ProblemSchema } from '../errors.js';
import { AnyObject, Purpose, SubjectRefString } from '../schemas.js';
import { principal, type Service } from '../service.js';

export function auditRoutes(svc: Service): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/audit',
      {
        config: { access: ['admin'], texts: 'both' },
        schema: {
          tags: ['audit'],
          summary: 'Audit entries, newest first',
          description: 'Every write, every read of a person’s record and every check, hash-chained. Continue with `before` set to the last `seq`. By `subject`, the entries about one subject are a read of their data: `purpose` is required, and a person sees the read in their access log (`audit.read`). Entries are shown as written: a text kept in both languages stays so, whatever `Accept-Language` asks.',
          querystring: Type.Object(
            {
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
              before: Type.Optional(Type.Integer({ minimum: 1 })),
              action: Type.Optional(Type.String({ pattern: '^[a-z][a-z.-]{0,63}$' })),
              subject: Type.Optional(SubjectRefString),
              purpose: Type.Optional({ ...Purpose, description: 'With `subject`, required: why you read the entries about this subject. Logged, and shown to the person in their access log (`audit.read`).' }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: jsonOrCsv(Type.Object({ entries: Type.Array(AnyObject), next: Type.Union([Type.Integer(), Type.Null()]) }), AUDIT_COLUMNS, 'A page of entries. The CSV export holds every entry from `before` back (`limit` does not apply); by `subject` it is in the person’s access log as `export.read`'),
            400: ProblemSchema,
          },
        },
      },
      async (req, reply) => {
        if (wantsCsv(req)) return sendCsv(req, reply, await exportAudit(svc, { before: req.query.before, action: req.query.action, subject: req.query.subject, purpose: req.query.purpose, actor: principal(req).actor, lang: csvLang(req) }));
        const r = await auditPage(svc, { limit: req.query.limit ?? 50, before: req.query.before, action: req.query.action, subject: req.query.subject, purpose: req.query.purpose, actor: principal(req).actor });
        return { entries: r.entries.map((e) => withIsoInstants(e) as Record<string, unknown>), next: r.next };
      },
    );

    app.get(
      '/v1/audit::verify',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['audit'],
          summary: 'Verify the whole audit hash chain',
          description: 'Recomputes every entry’s hash and link. `ok: false` names the first entry that does not verify.',
          response: { 200: Type.Object({ ok: Type.Boolean(), count: Type.Optional(Type.Integer()), head: Type.Optional(Type.String()), problem: Type.Optional(AnyObject) }) },
        },
      },
      async () => {
        const r = await verifyAudit(svc);
        return r.ok ? { ok: true, count: r.count, head: r.head } : { ok: false, problem: r.problem as unknown as Record<string, unknown> };
      },
    );
  };
}
