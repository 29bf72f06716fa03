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
          description: 'Every write, every read of a person’s record and every check, hash-chained. Continue with `before` set to the last `seq`. Filters combine: `action`, `actor` (exactly as entries name it, e.g. `key:k_…`, `oidc:<sub>`, `cli:<user>`), `from` and `to` (days, inclusive, in Beijing time, UTC+8). By `subject`, the entries about one subject are a read of their data: `purpose` is required, and a person sees the read in their access log (`audit.read`). Entries are shown as written: a text kept in both languages stays so, whatever `Accept-Language` asks.',
          querystring: Type.Object(
            {
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
              before: Type.Optional(Type.Integer({ minimum: 1 })),
              action: Type.Optional(Type.String({ pattern: '^[a-z][a-z.-]{0,63}$', description: 'Only entries of this action (one the audit log records; another is refused naming them).' })),
              actor: Type.Optional(Type.String({ minLength: 1, maxLength: 300, pattern: '^\\S+$', description: 'Only entries by this actor, exactly as entries name it: `key:k_…`, `oidc:<sub>`, `dev:<role>-…`, `cli:<user>`.' })),
              from: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'Only entries on or after this day (`YYYY-MM-DD`, Beijing time, UTC+8).' })),
              to: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', description: 'Only entries on or before this day (`YYYY-MM-DD`, Beijing time, UTC+8; the whole day). Before `from` is refused.' })),
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
        const { before, action, actor, from, to, subject, purpose } = req.query;
        const filters = { before, action, actor, from, to, subject, purpose, by: principal(req).actor };
        if (wantsCsv(req)) return sendCsv(req, reply, await exportAudit(svc, { ...filters, lang: csvLang(req) }));
        const r = await auditPage(svc, { ...filters, limit: req.query.limit ?? 50 });
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
