/**
 * How requests are validated: two Ajv instances, one per kind of input, because what a client
 * means is different in each.
 *
 * - A query string, path parameters and headers arrive as text: `?limit=10` is validated as the
 *   integer 10 and `?x=a` as `["a"]` where an array is expected (ajv `coerceTypes: 'array'`).
 * - A JSON body arrives typed, and is taken as sent: no coercion at all. With Fastify's default
 *   (one instance with `coerceTypes: 'array'` for every part), `{"records":"x"}` became
 *   `{"records":["x"]}` while being validated, and `{"subject":5}` the string "5".
 *
 * Neither removes unknown properties (Fastify's default `removeAdditional: true` drops them in
 * silence): a schema that closes an object refuses them, as `additionalProperties: false` says.
 */
import type { FastifySchemaCompiler } from 'fastify';
import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { SUBJECT_REF } from './free-text.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/**
 * As Fastify's defaults, but for coercion and removal; `allErrors: false` (all errors is a DoS
 * risk). `x-subject-ref` marks a subject reference for the free-text hook (free-text.ts).
 */
const COMMON: Options = { useDefaults: true, removeAdditional: false, allErrors: false, addUsedSchema: false, keywords: [SUBJECT_REF] };

function instance(o: Options): Ajv {
  const ajv = new Ajv({ ...COMMON, ...o });
  addFormats(ajv);
  return ajv;
}

/** Fastify's `validatorCompiler`: bodies strictly, text inputs with the coercion text needs. */
export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const body = instance({ coerceTypes: false });
  const text = instance({ coerceTypes: 'array' });
  return ({ schema, httpPart }) => (httpPart === 'body' ? body : text).compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;
}
