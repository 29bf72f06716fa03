/**
 * Request and response schemas shared by several routes. TypeBox builds them once: Fastify
 * validates requests with them and @fastify/swagger writes the OpenAPI document from them.
 */
import Type from 'typebox';

/** An instant as the API accepts it: ISO-8601 date-time with offset, or a date. */
export const InstantString = Type.String({ minLength: 10, maxLength: 40, description: 'ISO-8601 date-time with offset (or Z), or a calendar date', examples: ['2026-11-27T08:00:00Z'] });

export const SubjectRefString = Type.String({
  minLength: 3,
  maxLength: 80,
  description: 'An internal id (`s_…`) or an identifier `scheme:value` (`cn-rid:…`, `cn-uscc:…`).',
  examples: ['cn-uscc:91350100M000100Y43'],
});

export const Purpose = Type.String({
  minLength: 3,
  maxLength: 200,
  description: 'Why the record is read. Required, logged with the read, and shown to the person concerned.',
  examples: ['objection review 2026-118'],
});

/** `?asOf=` and `?purpose=` for reads of a subject's record. */
export const SubjectReadQuery = Type.Object({ purpose: Purpose, asOf: Type.Optional(InstantString) }, { additionalProperties: false });

export const ListEntrySchema = Type.Object(
  {
    id: Type.String(),
    list: Type.String(),
    subjectId: Type.String(),
    status: Type.String(),
    since: Type.String(),
    decidedAt: Type.String(),
    until: Type.Union([Type.String(), Type.Null()]),
    endedAt: Type.Optional(Type.String()),
    endReason: Type.Optional(Type.String()),
    reasons: Type.Array(Type.Object({}, { additionalProperties: true })),
    via: Type.Optional(Type.Object({ subjectId: Type.String(), role: Type.String() })),
    catalogVersion: Type.String(),
  },
  { additionalProperties: true },
);

export const AppliedMeasureSchema = Type.Object(
  {
    measure: Type.String(),
    effect: Type.String(),
    list: Type.Optional(Type.String()),
    entryId: Type.Optional(Type.String()),
    since: Type.Optional(Type.String()),
    until: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    authority: Type.String(),
    legalBasis: Type.String(),
    appeal: Type.Optional(Type.String()),
    reasons: Type.Array(Type.Object({}, { additionalProperties: true })),
    via: Type.Optional(Type.Object({ subjectId: Type.String(), role: Type.String() })),
    params: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: true },
);

export const Decision = Type.Union([Type.Literal('allow'), Type.Literal('deny'), Type.Literal('review')]);

export const CheckResultSchema = Type.Object(
  {
    receipt: Type.String({ description: 'Decision receipt: `GET /v1/checks/{receipt}` returns this answer again.' }),
    decision: Decision,
    known: Type.Boolean({ description: 'false when no subject matches the reference; the action’s default applies.' }),
    subjectId: Type.Optional(Type.String()),
    action: Type.String(),
    at: Type.String(),
    catalog: Type.String(),
    reference: Type.Optional(Type.String()),
    measures: Type.Array(AppliedMeasureSchema),
  },
  { additionalProperties: false },
);

export const AnyObject = Type.Object({}, { additionalProperties: true });
