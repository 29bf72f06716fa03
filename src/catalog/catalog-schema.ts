/**
 * The JSON Schema of one catalog file. Every file is validated on its own before merging, so an
 * error can name the file it came from. Unknown fields are refused: a misspelt `exitt:` must not
 * silently turn a finite listing into a permanent one.
 */
import { AREAS, LEGAL_ROLES, MEASURE_EFFECTS, SUBJECT_KINDS } from '../domain/types.js';

const code = { type: 'string', pattern: '^[a-z0-9][a-z0-9.*-]*$', maxLength: 120 } as const;
const plain = { type: 'string', minLength: 1, maxLength: 2000 } as const;
/** User-visible text: both languages, always (DEVELOPERS.md, line 8). */
const text = {
  type: 'object',
  additionalProperties: false,
  required: ['zh-CN', 'en'],
  properties: { 'zh-CN': plain, en: plain },
} as const;
const longText = {
  type: 'object',
  additionalProperties: false,
  required: ['zh-CN', 'en'],
  properties: { 'zh-CN': { type: 'string', maxLength: 20000 }, en: { type: 'string', maxLength: 20000 } },
} as const;
const expr = { anyOf: [{ type: 'string', minLength: 1, maxLength: 4000 }, { type: 'number' }] } as const;
const cel = { type: 'string', minLength: 1, maxLength: 4000 } as const;
const duration = { type: 'string', pattern: '^P', maxLength: 40 } as const;
const kinds = { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...SUBJECT_KINDS] } } as const;
/** A legal basis: one or more citations of the laws register, each a law by id and its article(s). */
const article = { type: 'string', pattern: '^[0-9A-Za-z][0-9A-Za-z.()-]*$', maxLength: 40 } as const;
const legalBasis = {
  type: 'array',
  minItems: 1,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['law', 'art'],
    properties: { law: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 80 }, art: { anyOf: [article, { type: 'array', minItems: 1, uniqueItems: true, items: article }] } },
  },
} as const;
const law = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'title', 'issuer', 'date', 'articles'],
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 80 },
    title: text,
    issuer: text,
    date: { type: 'string', pattern: '^[12][0-9]{3}(-[01][0-9]-[0-3][0-9])?$' },
    reported: { type: 'boolean' },
    jurisdiction: { type: 'string', pattern: '^[1-8][0-9]{5}$' },
    articles: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['art'],
        properties: { art: article, label: text, about: text, minors: { type: 'boolean' }, maxPeriod: { type: 'string', pattern: '^P', maxLength: 40 } },
      },
    },
  },
} as const;
const elementCode = { type: 'string', pattern: '^[a-z][A-Za-z0-9]*$', maxLength: 60 } as const;
const dataElement = {
  type: 'object',
  additionalProperties: false,
  required: ['code', 'name', 'category', 'type', 'legalBasis'],
  properties: {
    code: elementCode,
    name: text,
    description: text,
    category: { type: 'string', pattern: '^[a-z][a-z0-9-]*$', maxLength: 80 },
    type: { enum: ['string', 'integer', 'number', 'boolean', 'date'] },
    enum: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 80 } },
    enumNames: { type: 'object', additionalProperties: text },
    minLength: { type: 'integer', minimum: 0 },
    maxLength: { type: 'integer', minimum: 1, maximum: 10000 },
    minimum: { type: 'number' },
    maximum: { type: 'number' },
    exclusiveMinimum: { type: 'number' },
    legalBasis,
  },
} as const;
const exit = {
  type: 'object',
  additionalProperties: false,
  required: ['on'],
  properties: { on: code, when: cel },
} as const;
const gradeCond = {
  type: 'object',
  additionalProperties: false,
  required: ['scheme', 'in'],
  properties: { scheme: code, in: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } } },
} as const;

export const catalogFileSchema = {
  $id: 'https://xinyong.dev/schemas/catalog-file.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 60 },
    version: { type: 'string', pattern: '^[0-9A-Za-z][0-9A-Za-z.+-]*$', maxLength: 40 },
    title: text,
    description: longText,
    jurisdiction: { type: 'string', pattern: '^(national|[1-8][0-9]{5})$' },
    laws: { type: 'array', items: law },
    dataElements: { type: 'array', items: dataElement },
    dataElementsReview: {
      type: 'object',
      additionalProperties: false,
      required: ['by', 'on'],
      properties: { by: plain, on: { type: 'string', pattern: '^[12][0-9]{3}-[01][0-9]-[0-3][0-9]$' }, note: plain },
    },
    dueProcess: {
      type: 'object',
      additionalProperties: false,
      required: ['legalBasis'],
      properties: {
        objectionDays: { type: 'integer', minimum: 1, maximum: 60 },
        objectionDaysExtended: { type: 'integer', minimum: 1, maximum: 120 },
        repairDays: { type: 'integer', minimum: 1, maximum: 60 },
        legalBasis,
      },
    },
    identifierSchemes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'name', 'subjects', 'legalBasis'],
        properties: { code: { type: 'string', pattern: '^[a-z][a-z0-9-]{1,31}$' }, name: text, subjects: kinds, legalBasis },
      },
    },
    sources: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'name', 'recordTypes', 'legalBasis'],
        properties: { code, name: text, recordTypes: { type: 'array', items: code }, registers: { type: 'array', uniqueItems: true, items: { enum: [...SUBJECT_KINDS] } }, legalBasis },
      },
    },
    actions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'name'],
        properties: { code, name: text, unknownSubject: { enum: ['allow', 'review', 'deny'] } },
      },
    },
    recordTypes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'name', 'area', 'subjects', 'category', 'polarity', 'retention', 'legalBasis', 'facts'],
        properties: {
          code,
          name: text,
          area: { enum: [...AREAS] },
          subjects: kinds,
          category: { type: 'string', minLength: 1, maxLength: 80 },
          polarity: { enum: ['negative', 'positive', 'neutral'] },
          remedy: { type: 'boolean' },
          retention: duration,
          publicity: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['min', 'max'],
              properties: { when: cel, min: duration, max: duration },
            },
          },
          public: { type: 'boolean' },
          legalBasis,
          facts: {
            type: 'object',
            propertyNames: { type: 'string', maxLength: 60 },
            additionalProperties: { enum: ['required', 'optional'] },
          },
        },
      },
    },
    schemes: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'name', 'subjects', 'base', 'grades', 'legalBasis', 'rules'],
        properties: {
          code,
          name: text,
          subjects: kinds,
          base: { type: 'number' },
          min: { type: 'number' },
          max: { type: 'number' },
          grades: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['grade'],
              properties: { grade: { type: 'string', minLength: 1, maxLength: 10 }, min: { type: 'number' } },
            },
          },
          legalBasis,
          rules: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id', 'on', 'legalBasis'],
              properties: {
                id: code,
                on: code,
                when: cel,
                points: expr,
                capGrade: { type: 'string', minLength: 1 },
                countsFor: duration,
                exit,
                legalBasis,
              },
            },
          },
        },
      },
    },
    lists: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'name', 'color', 'subjects', 'authority', 'legalBasis', 'effect', 'entries'],
        properties: {
          code,
          name: text,
          color: { enum: ['black', 'red'] },
          subjects: kinds,
          authority: text,
          legalBasis,
          effect: { enum: ['on-decision', 'after-notice'] },
          noticePeriod: duration,
          extendsTo: { type: 'array', uniqueItems: true, items: { enum: [...LEGAL_ROLES] } },
          public: { type: 'boolean' },
          objection: { enum: ['flags', 'suspends'] },
          entries: {
            type: 'array',
            minItems: 1,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['id'],
              properties: {
                id: code,
                legalBasis,
                on: code,
                when: cel,
                duration,
                exit,
                extension: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['on', 'years', 'max'],
                  properties: { on: code, when: cel, years: expr, max: duration },
                },
                grade: gradeCond,
                escalatedFrom: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['list', 'after'],
                  properties: { list: code, after: duration },
                },
              },
            },
          },
        },
      },
    },
    measures: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'name', 'action', 'effect', 'authority', 'legalBasis'],
        properties: {
          code,
          name: text,
          list: code,
          grade: gradeCond,
          action: code,
          effect: { enum: [...MEASURE_EFFECTS] },
          national: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]*$', maxLength: 120 },
          authority: text,
          legalBasis,
          appeal: text,
          params: { type: 'object' },
        },
      },
    },
  },
} as const;

/** The JSON Schema of one file of the national layer (catalogs/national/). */
export const nationalFileSchema = {
  $id: 'https://xinyong.dev/schemas/national-file.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    id: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*$', maxLength: 60 },
    version: { type: 'string', pattern: '^[0-9A-Za-z][0-9A-Za-z.+-]*$', maxLength: 40 },
    laws: { type: 'array', items: law },
    categories: {
      type: 'array',
      items: { type: 'object', additionalProperties: false, required: ['code', 'name'], properties: { code: { type: 'string', pattern: '^[a-z][a-z0-9-]*$' }, name: text } },
    },
    dataElements: { type: 'array', items: dataElement },
    nationalMeasures: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'name', 'group', 'effects', 'legalBasis'],
        properties: {
          code: { type: 'string', pattern: '^[a-z0-9][a-z0-9.-]*$' },
          name: text,
          group: { enum: ['law', 'management', 'market'] },
          effects: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: [...MEASURE_EFFECTS] } },
          legalBasis,
        },
      },
    },
    protectedActions: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['prefix', 'name', 'legalBasis'],
        properties: { prefix: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]*(\\.[a-z0-9-]+)*\\.$' }, name: text, legalBasis },
      },
    },
  },
} as const;
