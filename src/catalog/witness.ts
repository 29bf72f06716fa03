/**
 * Can an exit's condition ever hold? An exit is only an exit if the subject can meet it: a
 * condition that contradicts the facts schema of the remedy record (`later.facts.amount < 0.0` on
 * a field with `minimum: 0`) would keep an entry for ever behind a door that never opens.
 *
 * We look for a witness: facts that the schemas allow (of the listing record and of the remedy
 * record) under which the compiled condition is true. Witnesses are drawn with fast-check from
 * arbitraries built from the JSON Schemas, seeded (the result is the same on every load), and
 * biased towards what conditions compare against: every literal in the expression (and its
 * neighbours), every enum value and bound in the schemas, and the listing record's own values, so
 * `later.facts.caseNo == record.facts.caseNo` finds its witness at once. Finding none in the runs
 * allowed is reported as "can never hold"; a condition that only one value in a vast space
 * satisfies, and that appears nowhere in the expression, could be refused wrongly — write the
 * value into the expression, as such conditions do.
 */
import fc from 'fast-check';
import { integerFields } from './cel.js';
import type { CelContext, CelFn } from './types.js';

type Schema = Record<string, unknown>;

/** Literals an expression compares with: numbers (and their neighbours) and quoted strings. */
function literals(source: string): { numbers: number[]; strings: string[] } {
  const numbers = new Set<number>();
  for (const m of source.matchAll(/(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g)) {
    const n = Number(m[0]);
    if (Number.isFinite(n)) for (const x of [n, n - 1, n + 1, n - 0.5, n + 0.5, -n]) numbers.add(x);
  }
  const strings = new Set<string>();
  for (const m of source.matchAll(/"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'/g)) strings.add(m[1] ?? m[2] ?? '');
  return { numbers: [...numbers], strings: [...strings] };
}

interface Pools {
  numbers: number[];
  strings: string[];
}

function numberArb(p: Schema, integer: boolean, pools: Pools): fc.Arbitrary<number> {
  const min = typeof p.minimum === 'number' ? p.minimum : typeof p.exclusiveMinimum === 'number' ? p.exclusiveMinimum + (integer ? 1 : 1e-6) : undefined;
  const max = typeof p.maximum === 'number' ? p.maximum : typeof p.exclusiveMaximum === 'number' ? p.exclusiveMaximum - (integer ? 1 : 1e-6) : undefined;
  const inRange = (n: number) => (min === undefined || n >= min) && (max === undefined || n <= max) && (!integer || Number.isInteger(n));
  const picks = [...pools.numbers, ...(min === undefined ? [] : [min]), ...(max === undefined ? [] : [max]), 0, 1].filter(inRange);
  const free = integer
    ? fc.integer({ min: Math.ceil(Math.max(min ?? -1e9, -1e9)), max: Math.floor(Math.min(max ?? 1e9, 1e9)) })
    : fc.double({ min: Math.max(min ?? -1e9, -1e9), max: Math.min(max ?? 1e9, 1e9), noNaN: true, noDefaultInfinity: true });
  return picks.length ? fc.oneof(fc.constantFrom(...picks), free) : free;
}

function stringArb(p: Schema, pools: Pools): fc.Arbitrary<string> {
  if (Array.isArray(p.enum)) return fc.constantFrom(...(p.enum as string[]));
  if (typeof p.const === 'string') return fc.constant(p.const);
  const minLength = typeof p.minLength === 'number' ? p.minLength : 0;
  const maxLength = typeof p.maxLength === 'number' ? p.maxLength : 64;
  const fits = (s: string) => s.length >= minLength && s.length <= maxLength;
  const picks = pools.strings.filter(fits);
  const free = fc.string({ minLength, maxLength: Math.min(maxLength, Math.max(minLength, 8)) });
  return picks.length ? fc.oneof(fc.constantFrom(...picks), free) : free;
}

/** An arbitrary for values a schema allows (the subset of JSON Schema facts use). */
function valueArb(p: unknown, pools: Pools): fc.Arbitrary<unknown> {
  if (!p || typeof p !== 'object') return fc.constant(null);
  const s = p as Schema;
  if (Array.isArray(s.enum) && s.enum.length > 0) return fc.constantFrom(...s.enum);
  switch (s.type) {
    case 'integer':
      return numberArb(s, true, pools);
    case 'number':
      return numberArb(s, false, pools);
    case 'string':
      return stringArb(s, pools);
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valueArb(s.items, pools), { minLength: typeof s.minItems === 'number' ? s.minItems : 0, maxLength: Math.min(typeof s.maxItems === 'number' ? s.maxItems : 4, 4) });
    case 'object':
      return objectArb(s, pools);
    default:
      return fc.constant(null);
  }
}

/** Facts a schema allows: required properties always, optional ones sometimes. */
function objectArb(s: Schema, pools: Pools): fc.Arbitrary<Record<string, unknown>> {
  const props = (s.properties ?? {}) as Record<string, unknown>;
  const required = new Set((s.required ?? []) as string[]);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [k, v] of Object.entries(props)) model[k] = valueArb(v, pools);
  return fc.record(model, { requiredKeys: [...required].filter((k) => k in props) }) as fc.Arbitrary<Record<string, unknown>>;
}

/** The enum values and string bounds of a schema, for the pools. */
function schemaValues(s: Schema, out: Pools): void {
  for (const v of Object.values((s.properties ?? {}) as Record<string, Schema>)) {
    if (Array.isArray(v.enum)) for (const e of v.enum) typeof e === 'string' ? out.strings.push(e) : typeof e === 'number' && out.numbers.push(e);
    for (const k of ['minimum', 'maximum']) if (typeof v[k] === 'number') out.numbers.push(v[k] as number);
  }
}

/**
 * Plain candidates before any random draw: the i-th value of each property's pool (enum values,
 * literals, bounds), the same index for the listing record and the remedy, so that fields compared
 * for equality across the two match. Most conditions are met by one of these, with no sampling.
 */
function plainCandidates(s: Schema, pools: Pools, i: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
    if (Array.isArray(v.enum) && v.enum.length) out[k] = v.enum[i % v.enum.length];
    else if (v.type === 'string') {
      const min = typeof v.minLength === 'number' ? v.minLength : 0;
      const max = typeof v.maxLength === 'number' ? v.maxLength : 64;
      const fit = pools.strings.filter((x) => x.length >= min && x.length <= max);
      out[k] = fit.length ? fit[i % fit.length] : 'x'.repeat(Math.max(min, 1));
    } else if (v.type === 'integer' || v.type === 'number') {
      const lo = typeof v.minimum === 'number' ? v.minimum : -Infinity;
      const hi = typeof v.maximum === 'number' ? v.maximum : Infinity;
      const fit = [...pools.numbers, lo, hi, 0, 1].filter((n) => Number.isFinite(n) && n >= lo && n <= hi && (v.type === 'number' || Number.isInteger(n)));
      if (fit.length) out[k] = fit[i % fit.length];
    } else if (v.type === 'boolean') out[k] = i % 2 === 0;
  }
  return out;
}

/** The facts as CEL sees them: integer facts as BigInt. */
function celFacts(schema: Schema, facts: Record<string, unknown>): Record<string, unknown> {
  const out = { ...facts };
  for (const k of integerFields(schema)) if (typeof out[k] === 'number') out[k] = BigInt(out[k] as number);
  return out;
}

/**
 * A witness that `fn` can hold: record facts (and remedy facts, for an exit) that the schemas
 * allow and under which it is true; null when none was found in `runs` draws.
 */
export function findWitness(fn: CelFn, source: string, scope: { record: Schema; recordType: string; later?: Schema; laterType?: string }, runs = 500): { record: Record<string, unknown>; later?: Record<string, unknown> } | null {
  const lit = literals(source);
  const base: Pools = { numbers: [...lit.numbers], strings: [...lit.strings] };
  schemaValues(scope.record, base);
  if (scope.later) schemaValues(scope.later, base);
  // Plain candidates first (most conditions are met by one), random draws only if none was a witness.
  function* draws() {
    for (let i = 0; i < 8; i++) yield { record: plainCandidates(scope.record, base, i), later: scope.later ? plainCandidates(scope.later, base, i) : undefined };
    const arb = objectArb(scope.record, base).chain((record) => {
      // The remedy's facts may repeat the listing record's (the same case number, the same year).
      const pools: Pools = { numbers: [...base.numbers, ...Object.values(record).filter((v): v is number => typeof v === 'number')], strings: [...base.strings, ...Object.values(record).filter((v): v is string => typeof v === 'string')] };
      return (scope.later ? objectArb(scope.later, pools) : fc.constant(undefined)).map((later) => ({ record, later }));
    });
    yield* fc.sample(arb, { numRuns: runs, seed: 20261207 });
  }
  for (const w of draws()) {
    const ctx: CelContext = { record: { type: scope.recordType, source: 'witness', facts: celFacts(scope.record, w.record) } };
    if (scope.later && w.later) ctx.later = { type: scope.laterType ?? '', source: 'witness', facts: celFacts(scope.later, w.later) };
    try {
      if (fn(ctx) === true) return w.later ? { record: w.record, later: w.later } : { record: w.record };
    } catch {
      // an absent optional fact, an overflow: not a witness
    }
  }
  return null;
}
