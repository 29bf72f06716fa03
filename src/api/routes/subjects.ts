/**
 * Finding subjects (`GET /v1/subjects?q=`) and reading their records: `GET /v1/subjects/{ref}`
 * (reviewers, with a purpose, optionally as of an instant), `GET /v1/lists/{code}/entries`, and
 * `GET /v1/me`, where a subject sees their own record and every read and check of it.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { ENTRY_COLUMNS, SEARCH_COLUMNS, exportListEntries, exportSearch } from '../../app/export.js';
import { withIsoInstants } from '../../app/json.js';
import { SEARCH_COUNT_MAX, listEntries, readOwnRecord, readSubject, searchSubjects, type SearchPage } from '../../app/reads.js';
import { SUBJECT_KINDS, type Localized } from '../../domain/types.js';
import { csvLang, jsonOrCsv, sendCsv, wantsCsv } from '../csv.js';
import { ProblemSchema } from '../errors.js';
import { AnyObject, InstantString, Purpose, RegionName, SubjectReadQuery, SubjectRefString, subjectRef } from '../schemas.js';
import { instantParam, principal, type Service } from '../service.js';

const SearchResult = Type.Object(
  {
    id: Type.String(),
    kind: Type.Enum([...SUBJECT_KINDS]),
    name: Type.Union([Type.String(), Type.Null()], { description: 'A person’s name only with `purpose` (the search is then in their access log); null for a person found by reference without one.' }),
    region: Type.String({ description: 'GB/T 2260 code of the subject’s region (`370211`); empty when not known.' }),
    regionName: RegionName,
    identifiers: Type.Array(Type.Object({ scheme: Type.String(), masked: Type.String() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export function subjectRoutes(svc: Service): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/v1/subjects',
      {
        config: { access: ['reviewer'] },
        schema: {
          tags: ['subjects'],
          summary: 'Find subjects: organisations by name, persons by name with a purpose, any subject by reference',
          description:
            `Organisations whose name contains \`q\`; with \`purpose\`, also the persons whose whole name is \`q\` (exactly, not a part of it), shown by name and masked ID. Ordered by name, then id. When \`q\` is a subject reference (\`s_…\`, \`cn-uscc:…\`, \`cn-rid:…\`) or a bare credit code or full ID number, the subject it names comes first on the first page, of any kind. A \`q\` that is the name of a person, without \`purpose\`, is refused (400, field \`purpose\`): persons are found by name only for a stated reason. With \`purpose\`, every person on the page has the search in their access log (\`search.read\`, with the purpose); without one nothing is logged and a person found by reference shows no name. Identifiers are only ever masked. Pages: \`limit\` results, then \`after\` = \`next\` of the answer until \`next\` is null; \`count\` is the number found in all, counted up to ${SEARCH_COUNT_MAX} (\`countCapped\` when there are more). With \`scheme\` and \`grade\` instead of \`q\`: the subjects holding that grade of the scheme now, by id (the subjects behind a bar of the overview's grade chart), persons by name only with \`purpose\` as above; a scheme the catalog in force does not have, or a grade it does not give, is \`400\` naming the field, and \`q\` with them is \`400\` naming \`q\`. Read a record with \`GET /v1/subjects/{ref}\`.`,
          querystring: Type.Object(
            {
              // A reference, or a bare ID number or credit code, is searched for as one; any other text holding an ID number is refused.
              q: Type.Optional(subjectRef({ minLength: 1, maxLength: 100, pattern: '\\S', description: 'Part of a name, or a subject reference. Required unless `scheme` and `grade` are given.', examples: ['有限公司'] })),
              scheme: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: 'With `grade`, instead of `q`: the subjects holding that grade of this scheme now (a bar of the overview’s grade chart), by id.', examples: ['enterprise-class'] })),
              grade: Type.Optional(Type.String({ minLength: 1, maxLength: 20, description: 'A grade the scheme gives (`A`…`D`, `AAA`…`D`); with `scheme`.', examples: ['C'] })),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
              after: Type.Optional(Type.String({ maxLength: 80, description: 'The `next` of the page before.' })),
              purpose: Type.Optional({
                ...Purpose,
                description:
                  'Why you look for these subjects: needed to find persons by name (logged as `search.read` in the access log of each person shown), and for the CSV export (`Accept: text/csv`), where it is logged as `export.read` for each person in the file.',
              }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: jsonOrCsv(
              Type.Object({
                results: Type.Array(SearchResult),
                count: Type.Integer({ minimum: 0, description: `How many subjects the search finds in all (every page), counted up to ${SEARCH_COUNT_MAX}.` }),
                countCapped: Type.Boolean({ description: `True when more than ${SEARCH_COUNT_MAX} are found: \`count\` is then ${SEARCH_COUNT_MAX}.` }),
                next: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `after` for the next page; null on the last.' }),
              }),
              SEARCH_COLUMNS,
              'A page of the subjects found. The CSV export holds every one found (every page), and needs `purpose`',
            ),
            400: ProblemSchema,
          },
        },
      },
      async (req, reply) => {
        const what = { q: req.query.q, scheme: req.query.scheme, grade: req.query.grade };
        if (wantsCsv(req)) return sendCsv(req, reply, await exportSearch(svc, { ...what, purpose: req.query.purpose, actor: principal(req).actor, lang: csvLang(req) }));
        const page = await searchSubjects(svc, { ...what, limit: req.query.limit ?? 20, after: req.query.after, purpose: req.query.purpose, actor: principal(req).actor });
        // Region names become the reader's language on the way out (lang.ts).
        return page as unknown as Localized<SearchPage>;
      },
    );

    app.get(
      '/v1/subjects/:ref',
      {
        config: { access: ['reviewer'] },
        schema: {
          tags: ['subjects'],
          summary: 'A subject’s scores, grades, breakdown, list entries, measures in force and record timeline',
          description:
            'Computed from the records known at `asOf` (default: now) under the catalog in force then. `timeline` lists those records, newest `occurredAt` first, each with the `status` it had at `asOf` and its `statuses` history up to then (facts: `GET /v1/records/{id}`). Identifiers are shown masked. A read of a person’s record is logged with `purpose`, and the person sees it at `GET /v1/me`. `accessLog` holds the latest 100 reads and checks of the record, newest first, as the subject sees them.',
          params: Type.Object({ ref: SubjectRefString }),
          querystring: SubjectReadQuery,
          response: { 200: AnyObject, 400: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (req) => {
        const view = await readSubject(svc, { ref: req.params.ref, asOf: instantParam(req.query.asOf, 'asOf'), purpose: req.query.purpose, actor: principal(req).actor, accessLog: 100 });
        return withIsoInstants(view) as Record<string, unknown>;
      },
    );

    app.get(
      '/v1/lists/:code/entries',
      {
        config: { access: ['reviewer'] },
        schema: {
          tags: ['lists'],
          summary: 'Entries of a red or black list',
          description: 'Pending and active entries (with `all=true`, ended ones too), in id order; continue with `after` set to the last id. Persons appear with a masked identifier only, and each person shown has the read in their access log.',
          params: Type.Object({ code: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{0,63}$' }) }),
          querystring: Type.Object(
            {
              purpose: Purpose,
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
              after: Type.Optional(Type.String({ maxLength: 80 })),
              all: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          response: {
            200: jsonOrCsv(Type.Object({ list: Type.String(), entries: Type.Array(AnyObject), next: Type.Union([Type.String(), Type.Null()]) }), ENTRY_COLUMNS, 'A page of entries. The CSV export holds every entry (`limit` and `after` do not apply), each person in it with the export in their access log (`export.read`)'),
            404: ProblemSchema,
          },
        },
      },
      async (req, reply) => {
        if (wantsCsv(req)) return sendCsv(req, reply, await exportListEntries(svc, { list: req.params.code, all: req.query.all, purpose: req.query.purpose, actor: principal(req).actor, lang: csvLang(req) }));
        const r = await listEntries(svc, { list: req.params.code, limit: req.query.limit ?? 100, after: req.query.after, all: req.query.all, purpose: req.query.purpose, actor: principal(req).actor });
        return { list: r.list, entries: r.entries.map((e) => withIsoInstants(e) as Record<string, unknown>), next: r.next };
      },
    );

    app.get(
      '/v1/me',
      {
        config: { access: ['subject'] },
        schema: {
          tags: ['self-service'],
          summary: 'Your own record, and who looked at it and why',
          description: 'For a signed-in subject: scores, grades, the reasons, list entries and measures in force, the access log — every read of the record (with its purpose) and every check made about you — and the notices sent to you.',
          querystring: Type.Object({ asOf: Type.Optional(InstantString), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })) }, { additionalProperties: false }),
          response: { 200: Type.Object({ record: AnyObject, accessLog: Type.Array(AnyObject), notices: Type.Array(AnyObject, { description: 'What you have been told: listings pending, in effect and ended, records added, objections and repairs.' }), repair: { ...AnyObject, description: 'Whether you may apply to repair each of your records in effect (`records`) and list entries (`entries`) now, and if not why and from when: as `GET /v1/repairs/eligibility` gives it.' } }) },
        },
      },
      async (req) => {
        const p = principal(req);
        const r = await readOwnRecord(svc, { subjectId: p.subjectId as string, asOf: instantParam(req.query.asOf, 'asOf'), limit: req.query.limit ?? 100 });
        return withIsoInstants(r) as { record: Record<string, unknown>; accessLog: Record<string, unknown>[]; notices: Record<string, unknown>[]; repair: Record<string, unknown> };
      },
    );
  };
}
