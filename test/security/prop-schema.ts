/**
 * Request bodies for the property suite, drawn from the JSON Schemas of the OpenAPI document
 * (fast-check has no JSON Schema support of its own), and mutations of them.
 *
 * `schemaArb` covers what the API's TypeBox schemas use: objects (required and optional
 * properties), strings (length, pattern, enum), integers and numbers (bounds), booleans, arrays,
 * `anyOf`/`oneOf`. A field can take its values from a hint instead (`hints[name]`), so that a
 * `subject` is mostly a subject reference, an `action` an action of the catalog, and a `recordId`
 * a record that exists: bodies that get past validation reach the use cases. Strings are free
 * text of every kind, and sometimes carry an ID number (`carriedRidArb`).
 */
import fc from 'fast-check';
import { carriedRidArb } from './prop-ids.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: Json[];
  const?: Json;
  anyOf?: Schema[];
  oneOf?: Schema[];
  minimum?: number;
  maximum?: number;
  format?: string;
}

/** Values for a property by its name, preferred over what its schema alone would give. */
export type Hints = Record<string, fc.Arbitrary<Json>>;

const CJK = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c));

/** Free text of every kind, about `min`–`max` characters (an ID-bearing text may run over `max`: then the length is refused). */
export function textArb(min = 0, max = 200): fc.Arbitrary<string> {
  const hi = Math.min(max, 300);
  const lo = Math.min(min, hi);
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ minLength: lo, maxLength: hi }) },
    { weight: 2, arbitrary: fc.string({ unit: CJK, minLength: lo, maxLength: Math.min(hi, 40) }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: lo, maxLength: Math.min(hi, 40) }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: lo, maxLength: Math.min(hi, 40) }) },
    { weight: 1, arbitrary: fc.constantFrom(' '.repeat(Math.max(lo, 3)), '\u3000\u3000\u3000', '\t\n ', '<script>alert(1)</script>', "'; DROP TABLE records; --", '../../etc/passwd', '${7*7}', '%00', '\u202e\u0000') },
    { weight: 3, arbitrary: carriedRidArb.map((c) => c.text.padEnd(lo, '。')) },
  );
}

/** A number of every kind: bounds, zero, negative zero, huge and fractional. */
function numberArb(s: Schema, integer: boolean): fc.Arbitrary<number> {
  const min = s.minimum ?? -1e12;
  const max = s.maximum ?? 1e12;
  const inRange = integer ? fc.integer({ min: Math.max(min, Number.MIN_SAFE_INTEGER), max: Math.min(max, Number.MAX_SAFE_INTEGER) }) : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  return fc.oneof({ weight: 4, arbitrary: inRange }, { weight: 1, arbitrary: fc.constantFrom(min, max, 0, -0, -1, 1.5, 1e308, -1e308, 2 ** 53, 5e-324) });
}

/** Values valid-looking for `schema` (mostly valid; free text and hints may not be). */
export function schemaArb(schema: Schema, hints: Hints = {}, name = '', depth = 0): fc.Arbitrary<Json> {
  const fromSchema = plainSchemaArb(schema, hints, depth);
  const hint = name ? hints[name] : undefined;
  return hint ? fc.oneof({ weight: 4, arbitrary: hint }, { weight: 1, arbitrary: fromSchema }) : fromSchema;
}

function plainSchemaArb(s: Schema, hints: Hints, depth: number): fc.Arbitrary<Json> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return fc.oneof(...alts.map((a) => plainSchemaArb(a, hints, depth)));
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'object': {
      const props = s.properties ?? {};
      const model: Record<string, fc.Arbitrary<Json>> = {};
      for (const [k, p] of Object.entries(props)) model[k] = schemaArb(p, hints, k, depth + 1);
      const required = (s.required ?? []).filter((k) => k in model);
      const known = fc.record(model, { requiredKeys: required }) as fc.Arbitrary<Record<string, Json>>;
      // An open object (facts, a record line) gets a few properties of its own besides.
      if (s.additionalProperties !== false && Object.keys(props).length === 0 && depth < 3) return fc.dictionary(fc.string({ maxLength: 12 }), jsonArb(depth + 1), { maxKeys: 4 });
      return known;
    }
    case 'array':
      return fc.array(s.items ? schemaArb(s.items, hints, '', depth + 1) : jsonArb(depth + 1), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 5, 5) });
    case 'string':
      if (s.pattern) return fc.oneof({ weight: 4, arbitrary: fc.stringMatching(new RegExp(s.pattern)) }, { weight: 1, arbitrary: textArb(0, 80) });
      if (s.format === 'date-time' || s.format === 'date') return dateArb;
      return textArb(s.minLength ?? 0, s.maxLength ?? 200);
    case 'integer':
      return numberArb(s, true);
    case 'number':
      return numberArb(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return jsonArb(depth + 1);
  }
}

/** Instants as sent: strict ISO forms, calendar dates, and what is refused (no offset, impossible, far future, before 1900). */
export const dateArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2026-11-26T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()) },
  { weight: 2, arbitrary: fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2026-11-26T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)) },
  { weight: 1, arbitrary: fc.constantFrom('2026-02-29', '2026-11-27T10:30:00', '2026-13-01', '1899-12-31', '9999-12-31T23:59:59Z', '2026-11-27T24:00:00Z', '20261127', '2026-11-27T08:00:00+15:00', '', 'now', '2026-11-27T08:00:00.123456789+08:00') },
);

/** Any JSON, shallow. */
export function jsonArb(depth = 0): fc.Arbitrary<Json> {
  return depth > 2 ? fc.oneof(fc.string({ maxLength: 20 }), fc.integer(), fc.boolean(), fc.constant(null)) : (fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>);
}

/** What a mutation does at the node it picks. */
const MUTATIONS = ['drop', 'extra', 'retype', 'rid', 'null', 'wrap', 'long', 'ridKey', 'whole'] as const;
type Mutation = (typeof MUTATIONS)[number];

interface Loc {
  parent: Json[] | Record<string, Json> | null;
  key: string | number | null;
  value: Json;
}

function nodes(v: Json): Loc[] {
  const out: Loc[] = [{ parent: null, key: null, value: v }];
  for (let i = 0; i < out.length && out.length < 50_000; i++) {
    const x = out[i].value;
    if (Array.isArray(x)) x.forEach((c, k) => out.push({ parent: x, key: k, value: c }));
    else if (x && typeof x === 'object') for (const [k, c] of Object.entries(x)) out.push({ parent: x, key: k, value: c });
  }
  return out;
}

/** A mutated copy of `value`: one change at one node (a field dropped or added, a value of another type, an ID number…). */
export function mutationArb(value: fc.Arbitrary<Json>): fc.Arbitrary<{ body: Json; mutation: Mutation }> {
  return fc.tuple(value, fc.nat(), fc.constantFrom(...MUTATIONS), jsonArb(1), carriedRidArb, fc.string({ maxLength: 8 })).map(([v, pick, mutation, junk, rid, key]) => {
    const body = structuredClone(v);
    const all = nodes(body);
    const at = all[pick % all.length];
    const set = (nv: Json): Json => {
      if (at.parent === null) return nv;
      (at.parent as Record<string, Json>)[at.key as string] = nv;
      return body;
    };
    const objects = all.filter((n) => n.value && typeof n.value === 'object' && !Array.isArray(n.value));
    const obj = (objects[pick % Math.max(objects.length, 1)]?.value ?? null) as Record<string, Json> | null;
    switch (mutation) {
      case 'drop': {
        const keys = obj ? Object.keys(obj) : [];
        if (obj && keys.length) delete obj[keys[pick % keys.length]];
        return { body, mutation };
      }
      case 'extra':
        if (obj) obj[key || 'extra'] = junk;
        return { body, mutation };
      case 'ridKey':
        if (obj) obj[rid.text] = 'x';
        return { body, mutation };
      case 'retype':
        return { body: set(junk), mutation };
      case 'rid': {
        const strings = all.filter((n) => typeof n.value === 'string');
        const s = strings[pick % Math.max(strings.length, 1)];
        if (s && s.parent) (s.parent as Record<string, Json>)[s.key as string] = (s.value as string).slice(0, 20) + rid.text;
        else if (obj) obj[Object.keys(obj)[0] ?? 'text'] = rid.text;
        return { body, mutation };
      }
      case 'null':
        return { body: set(null), mutation };
      case 'wrap':
        return { body: set([at.value]), mutation };
      case 'long':
        return { body: set('长'.repeat(3000 + (pick % 3000))), mutation };
      case 'whole':
        return { body: [null, {}, [], '', 0, true, [body]][pick % 7] as Json, mutation };
    }
  });
}
