/**
 * Request and response schemas shared by several routes. TypeBox builds them once: Fastify
 * validates requests with them and @fastify/swagger writes the OpenAPI document from them.
 */
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { AppError } from '../app/errors.js';
import { SUBJECT_REF } from './free-text.js';

/** An instant as the API accepts it: ISO-8601 date-time with offset, or a date. */
export const InstantString = Type.String({ minLength: 10, maxLength: 40, description: 'ISO-8601 date-time with offset (or Z), or a calendar date', examples: ['2026-11-27T08:00:00Z'] });

/**
 * A string that is a subject reference: the one place an ID number may stand in a request
 * (`x-subject-ref`, read by the free-text hook in `free-text.ts`; every other string is refused
 * if it holds one). Every reference of every route is declared with this, or `SubjectRefString`.
 */
export const subjectRef = (o: { minLength?: number; maxLength: number; pattern?: string; description?: string; examples?: string[] }) => Type.String({ ...o, [SUBJECT_REF]: true });

export const SubjectRefString = subjectRef({
  minLength: 3,
  maxLength: 80,
  description: 'An internal id (`s_…`) or an identifier `scheme:value` (`cn-rid:…`, `cn-uscc:…`).',
  examples: ['cn-uscc:91350100M000100Y43'],
});

/** A region's full name (GB/T 2260), in the reader's language; null when the subject has no region. */
export const RegionName = Type.Union([Type.String(), Type.Null()], {
  description: 'The full name of `region` in the reader’s language (`山东省青岛市黄岛区`, `Huangdao District, Qingdao, Shandong`); a code no longer in GB/T 2260 is named by the nearest level known, with the code: `山东省青岛市（370205）`. Null when the region is not known.',
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

export const AnyObject = Type.Object({}, { additionalProperties: true });

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** `String.prototype.isWellFormed` (Node 20): much cheaper than the regex on every string of a 10,000-item batch. */
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();
const NUMERIC_TYPES = new Set(['integer', 'number']);

/** A JSON pointer segment, printable even when the key itself is the problem. */
const pointerSegment = (k: string | number) => String(k).replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd').replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * What JSON Schema validation lets through and the service behind it cannot take; a `preValidation`
 * hook, so it runs on the parsed body and raw query before the schemas do:
 *
 * - strings (and keys) that are not well-formed Unicode: JSON can write a lone surrogate
 *   (`"\ud800"`), but it cannot be canonicalised for the audit chain, so a record or a check
 *   `reference` carrying one failed as a 500, or jammed the receipt log;
 * - numbers that are not finite: JSON's `1e400` parses to Infinity; and ajv's type coercion turns
 *   a query value `limit=1e400` into Infinity, which passes `type: integer` and skips `minimum` and
 *   `maximum` (ajv only compares finite numbers), so it reached SQLite as a 500.
 */
export async function guardInput(req: FastifyRequest): Promise<void> {
  const bad = unsafeInBody(req.body);
  if (bad) throw new AppError('XY_ERR_VALIDATION', `${bad.field} ${bad.reason}`, { field: bad.field, errors: [bad] });
  const schema = (req.routeOptions?.schema ?? {}) as { querystring?: { properties?: Record<string, { type?: string }> }; params?: { properties?: Record<string, { type?: string }> } };
  for (const [where, values] of [['querystring', req.query], ['params', req.params]] as const) {
    const props = schema[where]?.properties ?? {};
    for (const [k, v] of Object.entries((values ?? {}) as Record<string, unknown>)) {
      for (const x of Array.isArray(v) ? v : [v]) {
        if (typeof x !== 'string') continue;
        const field = `${where}:/${pointerSegment(k)}`;
        if (LONE_SURROGATE.test(x) || LONE_SURROGATE.test(k)) throw new AppError('XY_ERR_VALIDATION', `${field} is not well-formed Unicode`, { field });
        // `+x` is the coercion ajv applies; NaN it rejects by itself.
        if (NUMERIC_TYPES.has(props[k]?.type ?? '') && Math.abs(+x) === Infinity) throw new AppError('XY_ERR_VALIDATION', `${field} must be a finite number`, { field });
      }
    }
  }
}

/** The first string, key or number in a parsed JSON body that the service cannot take (iteratively: bodies can nest 10,000 deep). */
function unsafeInBody(body: unknown): { field: string; reason: string } | null {
  if (body === null || body === undefined) return null;
  interface Node {
    v: unknown;
    key: string | number | null;
    up: Node | null;
  }
  const pointer = (n: Node | null): string => {
    const parts: string[] = [];
    for (let p = n; p && p.key !== null; p = p.up) parts.push(pointerSegment(p.key));
    return '/' + parts.reverse().join('/');
  };
  const stack: Node[] = [{ v: body, key: null, up: null }];
  while (stack.length > 0) {
    const n = stack.pop() as Node;
    if (typeof n.v === 'string') {
      if (!wellFormed(n.v)) return { field: pointer(n), reason: 'is not well-formed Unicode (a lone surrogate)' };
    } else if (typeof n.v === 'number') {
      if (!Number.isFinite(n.v)) return { field: pointer(n), reason: 'must be a finite number' };
    } else if (Array.isArray(n.v)) {
      for (let i = n.v.length - 1; i >= 0; i--) stack.push({ v: n.v[i], key: i, up: n });
    } else if (n.v && typeof n.v === 'object') {
      for (const [k, v] of Object.entries(n.v)) {
        const node = { v, key: k, up: n };
        if (!wellFormed(k)) return { field: pointer(node), reason: 'is a key that is not well-formed Unicode (a lone surrogate)' };
        stack.push(node);
      }
    }
  }
  return null;
}
