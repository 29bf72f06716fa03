/**
 * `GET /v1/stats`: the figures of the whole city that a dashboard shows, from the store's summary
 * (SQL aggregates) and the case queues, with the lists and grade orders of the catalog in force
 * so a client can label and order them without a second request.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { TextSchema } from '../../app/check-shapes.js';
import { cityFigures } from '../../app/reads.js';
import { FLOW_RANGES, listFlowsOver, requireRange } from '../../app/flows.js';
import { ProblemSchema } from '../errors.js';
import { iso, type Service } from '../service.js';

const Counts = (description: string) => Type.Record(Type.String(), Type.Integer(), { description });
const Queue = Type.Object(
  {
    open: Type.Integer({ description: 'Not yet decided.' }),
    overdue: Type.Integer({ description: 'Open, and past their deadline at the server clock.' }),
  },
  { additionalProperties: false },
);

const Stats = Type.Object(
  {
    asOf: Type.String({ description: 'The server clock when the figures were read.' }),
    catalog: Type.String({ description: 'The catalog in force, `id@version`.' }),
    subjectsByKind: Counts('Subjects by kind: person, enterprise, institution, government.'),
    records: Type.Integer(),
    recordsByArea: Counts('Records by area of their record type.'),
    recordsByProvince: Counts('Records by the province of their subject (GB/T 2260, `370000`); `unknown` where the region is not known.'),
    recordsByType: Counts('Records by record type.'),
    listSizes: Counts('Subjects with a pending or active entry, by list (persons bound through a legal role included).'),
    listFlows: Type.Record(
      Type.String(),
      Type.Array(Type.Object({ month: Type.String({ pattern: '^[0-9]{4}-[0-9]{2}$' }), inflow: Type.Integer(), outflow: Type.Integer() }, { additionalProperties: false })),
      { description: 'Per list and UTC month, ascending: entries that began (`inflow`) and ended (`outflow`) that month. Months with neither are left out.' },
    ),
    flows: Type.Object(
      {
        range: Type.Enum([...FLOW_RANGES], { description: 'The range asked for (`range`).' }),
        bucket: Type.Enum(['day', 'month'], { description: 'Days (UTC) for 30d and 90d, months (UTC) for 1y and all.' }),
        from: Type.Union([Type.String(), Type.Null()], { description: 'Where the range starts (null: all time).' }),
        periods: Type.Array(Type.String(), { description: 'Every period of the range, ascending: `YYYY-MM-DD` or `YYYY-MM`.' }),
        lists: Type.Record(
          Type.String(),
          Type.Array(Type.Object({ period: Type.String(), inflow: Type.Integer(), outflow: Type.Integer() }, { additionalProperties: false })),
          { description: 'Per list of the catalog, one item per period of `periods` (zeros included): entries that began (`inflow`) and ended (`outflow`) in it.' },
        ),
      },
      { additionalProperties: false, description: 'The list flows over the time range `range` asks for.' },
    ),
    grades: Type.Record(Type.String(), Counts('Subjects by grade.'), { description: 'Grade distribution per scheme.' }),
    cases: Type.Object({ objections: Queue, repairs: Queue }, { additionalProperties: false }),
    audit: Type.Object({ entries: Type.Integer() }, { additionalProperties: false }),
    lists: Type.Array(Type.Object({ code: Type.String(), name: TextSchema, color: Type.Enum(['black', 'red']) }, { additionalProperties: false }), { description: 'The lists of the catalog in force.' }),
    schemes: Type.Array(Type.Object({ code: Type.String(), grades: Type.Array(Type.String(), { description: 'Best first.' }) }, { additionalProperties: false }), { description: 'The schemes of the catalog in force, with their grades in order.' }),
  },
  { additionalProperties: false },
);

export function statsRoutes(svc: Service): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/stats',
      {
        config: { access: ['reviewer', 'author', 'admin'] },
        schema: {
          tags: ['service'],
          summary: 'Figures of the whole city: subjects, records, lists and their monthly flows, grades, case queues, audit log',
          description: 'Counts only: no subject is named, so nothing is added to anyone’s access log. `range` sets the time range of `flows`: the last 30 or 90 days by day, the last 12 months or all time by month (default `all`); `listFlows` is always all time by month.',
          querystring: Type.Object({ range: Type.Optional(Type.Enum([...FLOW_RANGES], { description: 'The time range of `flows`: 30d, 90d, 1y or all (default).' })) }, { additionalProperties: false }),
          response: { 200: Stats, 400: ProblemSchema },
        },
      },
      async (req) => {
        const range = requireRange(req.query.range, 'querystring:/range');
        const { asOf, catalog: c, summary: s, cases } = await cityFigures(svc);
        const flows = await listFlowsOver(svc, range);
        return {
          asOf: iso(asOf),
          catalog: `${c.id}@${c.version}`,
          subjectsByKind: s.subjectsByKind,
          records: s.records,
          recordsByArea: s.recordsByArea,
          recordsByProvince: s.recordsByProvince,
          recordsByType: s.recordsByType,
          listSizes: s.listSizes,
          listFlows: s.listFlows,
          flows: { ...flows, from: flows.from === null ? null : iso(flows.from) },
          grades: s.grades,
          cases,
          audit: { entries: s.auditEntries },
          lists: c.doc.lists.map((l) => ({ code: l.code, name: l.name, color: l.color })),
          schemes: c.schemes.map((x) => ({ code: x.code, grades: x.grades })),
        };
      },
    );
  };
}
