/** `GET /v1/audit` (entries, newest first) and `GET /v1/audit:verify` (the whole hash chain). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ChainVerifier } from '../../audit/index.js';
import { withIsoInstants } from '../../app/json.js';
import { ProblemSchema } from '../errors.js';
import { AnyObject, SubjectRefString } from '../schemas.js';
import { resolveRef, type Service } from '../service.js';

export function auditRoutes(svc: Service): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/audit',
      {
        config: { access: ['admin'] },
        schema: {
          tags: ['audit'],
          summary: 'Audit entries, newest first',
          description: 'Every write, every read of a person’s record and every check, hash-chained. Continue with `before` set to the last `seq`.',
          querystring: Type.Object(
            {
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
              before: Type.Optional(Type.Integer({ minimum: 1 })),
              action: Type.Optional(Type.String({ pattern: '^[a-z][a-z.-]{0,63}$' })),
              subject: Type.Optional(SubjectRefString),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ entries: Type.Array(AnyObject), next: Type.Union([Type.Integer(), Type.Null()]) }), 400: ProblemSchema },
        },
      },
      async (req) => {
        const q = req.query;
        const limit = q.limit ?? 50;
        let subjectId: string | undefined;
        if (q.subject !== undefined) subjectId = (await resolveRef(svc, q.subject, 'subject')) ?? 's_none';
        const entries = await svc.ctx.store.auditPage({ limit, before: q.before, actions: q.action ? [q.action] : undefined, subjectId });
        return { entries: entries.map((e) => withIsoInstants(e) as Record<string, unknown>), next: entries.length === limit ? entries[entries.length - 1].seq : null };
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
        // Receipts still in memory are part of what must verify.
        await svc.receipts.flush();
        const v = new ChainVerifier();
        let n = 0;
        for await (const e of svc.ctx.store.scanAudit()) {
          if (v.push(e)) break;
          // Let checks through every 2,000 entries: a long chain must not stop the server.
          if (++n % 2000 === 0) await new Promise((r) => setImmediate(r));
        }
        const r = v.result();
        return r.ok ? { ok: true, count: r.count, head: r.head } : { ok: false, problem: r.problem as unknown as Record<string, unknown> };
      },
    );
  };
}
