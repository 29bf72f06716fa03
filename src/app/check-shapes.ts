/**
 * The shapes of a check's answer and of a batch's, defined once as TypeBox schemas: Fastify
 * validates and documents responses with them (the OpenAPI document), the server types its
 * answers with `Static<>`, the CLI prints the same objects, and the web app imports the types
 * only (`import type`).
 */
import Type, { type Static } from 'typebox';

export const Decision = Type.Enum(['allow', 'deny', 'review']);

/** What every applied measure says: which measure, its effect, and the entry it comes from and when. */
const measureCore = {
  measure: Type.String(),
  effect: Type.String(),
  list: Type.Optional(Type.String()),
  entryId: Type.Optional(Type.String()),
  since: Type.Optional(Type.String()),
  until: Type.Optional(Type.Union([Type.String(), Type.Null()])),
};

/**
 * Text a person reads: both languages inside xinyong; the API gives the reader's language (by
 * Accept-Language) as a string, and a receipt kept before texts were bilingual has a string.
 */
export const TextSchema = Type.Union([Type.String(), Type.Object({ 'zh-CN': Type.String(), en: Type.String() }, { additionalProperties: false })], {
  description: 'In the language of Accept-Language (zh-CN or en).',
});

/** A measure as a check applies it: what it does, to which entry or grade, why, and on what law. */
export const AppliedMeasureSchema = Type.Object(
  {
    ...measureCore,
    authority: TextSchema,
    legalBasis: TextSchema,
    appeal: Type.Optional(TextSchema),
    reasons: Type.Array(Type.Object({}, { additionalProperties: true })),
    via: Type.Optional(Type.Object({ subjectId: Type.String(), role: Type.String() })),
    params: Type.Optional(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: true },
);

/** The answer to one check, exactly as its receipt gives it back. */
export const CheckAnswerSchema = Type.Object(
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

export type AppliedMeasureJson = Static<typeof AppliedMeasureSchema>;
export type CheckAnswer = Static<typeof CheckAnswerSchema>;

/** A measure as a batch names it for one subject (its fixed texts are given once, in `measures`). */
export const BatchMeasureSchema = Type.Object(
  {
    ...measureCore,
    via: Type.Optional(Type.Object({ subjectId: Type.String(), role: Type.String() })),
    grade: Type.Optional(Type.Object({ scheme: Type.String(), grade: Type.String() })),
    reasons: Type.Array(Type.Object({ recordId: Type.Optional(Type.String()), recordType: Type.Optional(Type.String()), ruleId: Type.String() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);

export const BatchExceptionSchema = Type.Object(
  {
    index: Type.Integer({ description: 'Position of the subject in the request.' }),
    decision: Decision,
    known: Type.Boolean(),
    subjectId: Type.Optional(Type.String()),
    measures: Type.Array(BatchMeasureSchema),
  },
  { additionalProperties: false },
);

export const MeasureInfoSchema = Type.Object(
  { effect: Type.String(), authority: TextSchema, legalBasis: TextSchema, appeal: Type.Optional(TextSchema), params: Type.Optional(Type.Object({}, { additionalProperties: true })) },
  { additionalProperties: false },
);

/** The answer to a batch: the exceptions by index, a count of plain allows, each measure's texts once. */
export const BatchAnswerSchema = Type.Object(
  {
    receipt: Type.String(),
    action: Type.String(),
    at: Type.String(),
    catalog: Type.String(),
    count: Type.Integer({ description: 'Subjects checked.' }),
    allowed: Type.Integer({ description: 'Subjects known and allowed with no measure applying; they are not listed in `results`.' }),
    results: Type.Array(BatchExceptionSchema, { description: 'Every other subject (deny, review, unknown, or allow with a reward or priority), in request order.' }),
    measures: Type.Record(Type.String(), MeasureInfoSchema, { description: 'The measures named in `results`: authority, legal basis, appeal route.' }),
  },
  { additionalProperties: false },
);

export type BatchMeasureJson = Static<typeof BatchMeasureSchema>;
export type BatchException = Static<typeof BatchExceptionSchema>;
export type MeasureInfo = Static<typeof MeasureInfoSchema>;
export type BatchAnswer = Static<typeof BatchAnswerSchema>;

/** What `GET /v1/checks/{receipt}` (and `xinyong audit receipt`) gives back. */
export const ReceiptReadSchema = Type.Object({ askedAt: Type.String(), askedBy: Type.String(), decided: Type.Object({}, { additionalProperties: true }) }, { additionalProperties: false });
export type ReceiptRead = Static<typeof ReceiptReadSchema>;
