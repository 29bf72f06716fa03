/**
 * The public endpoints, with no credential and a rate limit: search organisations by name or
 * unified social credit code, and see an organisation's public record. A person is shown only to
 * someone who gives their full ID number and name, masked, and the lookup is in their access log.
 * The portal's home reads the latest list announcements, the double publicity of licences and
 * penalties, and the due-process periods from here too (app/public-notices.ts).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { onRequestHookHandler } from 'fastify';
import Type from 'typebox';
import { withIsoInstants } from '../../app/json.js';
import { doublePublicity, dueProcessGuide, flaggedSearch, latestAnnouncements } from '../../app/public-notices.js';
import { publicSubject } from '../../app/reads.js';
import { ProblemSchema } from '../errors.js';
import { AnyObject, RegionName, SubjectRefString } from '../schemas.js';
import type { Service } from '../service.js';

const Limit = Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 }));
const After = Type.Optional(Type.String({ minLength: 3, maxLength: 100, description: 'The `next` of the page before.' }));
const Next = Type.Union([Type.String(), Type.Null()], { description: 'Pass as `after` for the next page; null on the last page.' });
const ListFlag = Type.Object({ list: Type.String(), name: Type.String(), color: Type.String() });
const PublicOrg = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  name: Type.String(),
  uscc: Type.Union([Type.String(), Type.Null()], { description: 'The unified social credit code (public registry data).' }),
  region: Type.String(),
  regionName: RegionName,
});
const AnnouncementSchema = Type.Object({
  id: Type.String(),
  list: Type.String(),
  listName: Type.String(),
  color: Type.String(),
  authority: Type.String(),
  legalBasis: Type.String(),
  since: Type.String({ format: 'date-time' }),
  until: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'Null: until an exit condition is met.' }),
  grounds: Type.Array(Type.Object({ recordType: Type.Union([Type.String(), Type.Null()]), name: Type.Union([Type.String(), Type.Null()]), legalBasis: Type.String() })),
  subject: PublicOrg,
});
const NoticeSchema = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('licence'), Type.Literal('penalty')]),
  type: Type.String(),
  typeName: Type.String(),
  decisionNo: Type.Union([Type.String(), Type.Null()]),
  authority: Type.Union([Type.String(), Type.Null()]),
  decidedAt: Type.String({ format: 'date-time' }),
  content: Type.Union([Type.String(), Type.Null()]),
  validUntil: Type.Union([Type.String({ format: 'date' }), Type.Null()]),
  legalBasis: Type.String(),
  publicUntil: Type.String({ format: 'date-time' }),
  disputed: Type.Boolean(),
  subject: PublicOrg,
});

/**
 * `rateLimit` is one hook shared by every public route, so that a client's requests count against
 * one allowance whichever public route they call.
 */
export function publicRoutes(svc: Service, rateLimit: onRequestHookHandler): FastifyPluginAsyncTypebox {
  return async (app) => {
    const config = { access: ['public'] as const };

    app.get(
      '/public/v1/search',
      {
        config,
        onRequest: rateLimit,
        schema: {
          tags: ['public'],
          summary: 'Find organisations by name or unified social credit code',
          description: 'Persons are never listed here; look one up with `GET /public/v1/subjects/cn-rid:…?name=…`. Each result has `region` (GB/T 2260 code) and `regionName`, its full name in the reader’s language, and `lists`: the public lists the organisation is on now (its own entries in effect), each with its name in the reader’s language and its colour.',
          querystring: Type.Object(
            { q: Type.String({ minLength: 2, maxLength: 100 }), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })) },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ results: Type.Array(Type.Object({ lists: Type.Array(ListFlag) }, { additionalProperties: true })) }), 429: ProblemSchema },
        },
      },
      async (req) => ({ results: await flaggedSearch(svc, { q: req.query.q, limit: req.query.limit ?? 20 }) }) as never,
    );

    app.get(
      '/public/v1/announcements',
      {
        config,
        onRequest: rateLimit,
        schema: {
          tags: ['public'],
          summary: 'The latest announcements of public lists: organisations newly on a public list',
          description:
            'Entries in effect on the lists the catalog makes public (`public: true`), newest first (by `since`), of organisations only: persons’ public credit data is open only to an authorised query (Shandong Social Credit Regulations, Art. 20), so a person is never announced. Each gives the public part only: the organisation’s name, unified social credit code and region, the list with its authority and legal basis, the dates, and the grounds (record types and the legal basis of the entry rule), all texts in the reader’s language. Paged: pass the answer’s `next` as `after`; `next` is null on the last page.',
          querystring: Type.Object({ limit: Limit, after: After }, { additionalProperties: false }),
          response: { 200: Type.Object({ items: Type.Array(AnnouncementSchema), next: Next }), 400: ProblemSchema, 429: ProblemSchema },
        },
      },
      async (req) => withIsoInstants(await latestAnnouncements(svc, { limit: req.query.limit ?? 10, after: req.query.after })) as never,
    );

    app.get(
      '/public/v1/double-publicity',
      {
        config,
        onRequest: rateLimit,
        schema: {
          tags: ['public'],
          summary: 'Public notice of administrative licences or penalties of organisations (双公示)',
          description:
            'Decisions of the record types the catalog makes public in the data category `administrative-licensing` (`kind=licence`) or `administrative-penalty` (`kind=penalty`), of organisations only (a natural person’s never appear), newest decision first, each only while its publicity period lasts: the catalog’s publicity tier that applies to it, counted from the decision (`publicUntil`; penalties 3 months for minor, 1 year for general, 3 years for serious conduct in the default catalog), and never one revoked, corrected or repaired. Each has the decision number, the deciding authority, the date, what was licensed (`content`: the licence) or the severity tier (`content`: `minor`, `general` or `serious`), the legal basis, and the organisation. Paged like the announcements.',
          querystring: Type.Object({ kind: Type.Union([Type.Literal('licence'), Type.Literal('penalty')]), limit: Limit, after: After }, { additionalProperties: false }),
          response: { 200: Type.Object({ items: Type.Array(NoticeSchema), next: Next }), 400: ProblemSchema, 429: ProblemSchema },
        },
      },
      async (req) => withIsoInstants(await doublePublicity(svc, { kind: req.query.kind, limit: req.query.limit ?? 10, after: req.query.after })) as never,
    );

    app.get(
      '/public/v1/due-process',
      {
        config,
        onRequest: rateLimit,
        schema: {
          tags: ['public'],
          summary: 'How to object and apply for repair: the periods of the catalog in force',
          description:
            'The working days within which an objection is answered (`objectionDays`, or `objectionDaysExtended` when another unit must verify) and a repair application decided (`repairDays`), with their legal basis in the reader’s language; and the publicity periods of the public record types that have them (ISO-8601 durations): repair may be applied for once a record’s minimum (`min`) has passed, and it is published no longer than its maximum (`max`); `when` names the fact value a period applies to.',
          response: {
            200: Type.Object({
              objectionDays: Type.Integer(),
              objectionDaysExtended: Type.Integer(),
              repairDays: Type.Integer(),
              legalBasis: Type.Union([Type.String(), Type.Null()]),
              publicity: Type.Array(Type.Object({ recordType: Type.String(), name: Type.String(), periods: Type.Array(Type.Object({ min: Type.String(), max: Type.String(), when: Type.Union([Type.Object({ fact: Type.String(), value: Type.String() }), Type.Null()], { description: 'The fact value the period applies to (`severity` = `minor`), null when it always applies.' }) })) })),
            }),
            429: ProblemSchema,
          },
        },
      },
      async () => dueProcessGuide(svc) as never,
    );

    app.get(
      '/public/v1/subjects/:ref',
      {
        config,
        onRequest: rateLimit,
        schema: {
          tags: ['public'],
          summary: 'The public record of an organisation, or of a person given their full ID number and name',
          description: 'Organisations: records of public types within their publicity period, and entries on public lists with grounds, dates and authority. Persons: only with `cn-rid:<full number>` and the exact `name`; entries on public lists, masked. Anything else is 404. `regionName` is the full name of the GB/T 2260 `region` in the reader’s language.',
          params: Type.Object({ ref: SubjectRefString }),
          querystring: Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })) }, { additionalProperties: false }),
          response: { 200: AnyObject, 404: ProblemSchema, 429: ProblemSchema },
        },
      },
      async (req) => withIsoInstants(await publicSubject(svc, { ref: req.params.ref, name: req.query.name })) as Record<string, unknown>,
    );
  };
}
