/**
 * No ID number in free text, refused at the API's door for every route at once: a `preValidation`
 * hook walks every string and every key of the body, the query and the path parameters of every
 * request, and refuses one that holds a resident identity number however written
 * (`ids/rid-finder.ts`), with 400 `XY_ERR_VALIDATION` naming the field, never the value. Whatever
 * is stored or logged of a request (a name, a reason, a purpose, a title, an external id, a fact)
 * would otherwise keep the number in clear, in a hash chain that cannot forget it.
 *
 * The only exemption is a subject reference, where an ID number belongs (it is hashed, never
 * kept in clear): a string whose schema says `x-subject-ref` (`SubjectRefString` and
 * `subjectRef()` in `schemas.ts`; a schemaless part declares the pointers of its references, as a
 * record line does with `['/subject', '/relations/*\/subject']`), and only when the whole string
 * is one (`cn-rid:…`, `s_…`, or a bare number, as a search takes it). Nothing else is exempt, so a
 * new route, or a new field of an old one, is covered without a word (fail closed).
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../app/errors.js';
import { refsInQuery } from '../app/subjects.js';
import { maskRids, ridInValue, type PathStep } from '../ids/rid-finder.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A page of the web console (`web.ts`): served whatever its address holds, which only the browser reads. */
    page?: boolean;
  }
}

/** The schema keyword that declares a subject reference: `true` on a string, or a list of pointers below an object. */
export const SUBJECT_REF = 'x-subject-ref';

/** A pointer into a value, `*` standing for any key or index. */
type Pattern = string[];

const patternCache = new WeakMap<object, Pattern[]>();

/** Where a schema declares subject references, as pointer patterns (through properties, items, unions and records). */
function refPatterns(schema: unknown): Pattern[] {
  if (!schema || typeof schema !== 'object') return [];
  const cached = patternCache.get(schema);
  if (cached) return cached;
  const out: Pattern[] = [];
  const walk = (s: unknown, at: Pattern, depth: number) => {
    if (!s || typeof s !== 'object' || depth > 32) return;
    const o = s as Record<string, unknown>;
    const mark = o[SUBJECT_REF];
    if (mark === true) out.push(at);
    else if (Array.isArray(mark)) for (const p of mark) if (typeof p === 'string') out.push([...at, ...p.split('/').filter(Boolean)]);
    if (o.properties && typeof o.properties === 'object') for (const [k, v] of Object.entries(o.properties)) walk(v, [...at, k], depth + 1);
    if (o.items) walk(o.items, [...at, '*'], depth + 1);
    if (o.additionalProperties && typeof o.additionalProperties === 'object') walk(o.additionalProperties, [...at, '*'], depth + 1);
    if (o.patternProperties && typeof o.patternProperties === 'object') for (const v of Object.values(o.patternProperties)) walk(v, [...at, '*'], depth + 1);
    for (const k of ['anyOf', 'oneOf', 'allOf']) if (Array.isArray(o[k])) for (const v of o[k] as unknown[]) walk(v, at, depth + 1);
  };
  walk(schema, [], 0);
  patternCache.set(schema, out);
  return out;
}

const matches = (patterns: Pattern[], path: PathStep[]) => patterns.some((p) => p.length === path.length && p.every((seg, i) => seg === '*' || seg === String(path[i])));

/** A whole string that is a subject reference (or a bare ID number or credit code, as a search takes one). */
const isReference = (s: string) => refsInQuery(s.trim()).length > 0;

/** A JSON pointer segment as a problem may show it: escaped, and an ID number in a key masked. */
const segment = (k: PathStep) => maskRids(String(k)).replaceAll('~', '~0').replaceAll('/', '~1');

/** The `preValidation` hook: refuses a request with an ID number in any free text (see above). */
export async function refuseIdNumbers(req: FastifyRequest): Promise<void> {
  // A page of the web console: its address is read by the app in the browser, never stored here.
  if (req.routeOptions?.config?.page === true) return;
  const schema = (req.routeOptions?.schema ?? {}) as Record<string, unknown>;
  const parts: [unknown, string, unknown][] = [
    [req.body, '', schema.body],
    [req.query, 'querystring:', schema.querystring],
    [req.params, 'params:', schema.params],
  ];
  for (const [value, prefix, partSchema] of parts) {
    if (value === undefined || value === null) continue;
    const patterns = refPatterns(partSchema);
    const hit = ridInValue(value, (path, s) => matches(patterns, path) && isReference(s));
    if (!hit) continue;
    const field = `${prefix}/${hit.path.map(segment).join('/')}`;
    const what = hit.key ? 'is a key that holds' : 'must not contain';
    throw new AppError('XY_ERR_VALIDATION', `${field} ${what} a resident identity number; refer to a person by subject reference (cn-rid:…) where one is asked for, and nowhere else`, { field });
  }
}
