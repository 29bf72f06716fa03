/**
 * CEL for catalog expressions (@marcbachmann/cel-js).
 *
 * Each expression is type-checked against the facts schema of the record types it can see, so
 * that an author learns of `int * double` at load time, not when a record arrives. Evaluation then
 * uses an untyped environment over plain objects: the typed, schema-backed one is about five times
 * slower because it wraps every value, and the check has already proved the types.
 */
import { Environment } from '@marcbachmann/cel-js';
import type { CelContext, CelFn } from './types.js';

type CelTypeName = 'int' | 'double' | 'string' | 'bool' | 'list' | 'map' | 'dyn';

/** Maps a JSON Schema property to the CEL type its values will have at run time. */
function celTypeOf(prop: unknown): CelTypeName {
  if (!prop || typeof prop !== 'object') return 'dyn';
  const p = prop as Record<string, unknown>;
  const t = p.type;
  if (t === 'integer') return 'int';
  if (t === 'number') return 'double';
  if (t === 'string') return 'string';
  if (t === 'boolean') return 'bool';
  if (t === 'array') return 'list';
  if (t === 'object') return 'map';
  if (Array.isArray(p.enum) && p.enum.length > 0 && p.enum.every((v) => typeof v === 'string')) return 'string';
  if (typeof p.const === 'string') return 'string';
  return 'dyn';
}

/** The CEL field types of a facts schema's properties. */
export function celFieldTypes(factsSchema: Record<string, unknown>): Record<string, CelTypeName> {
  const props = (factsSchema.properties ?? {}) as Record<string, unknown>;
  const out: Record<string, CelTypeName> = {};
  for (const [k, v] of Object.entries(props)) out[k] = celTypeOf(v);
  return out;
}

/** Names of the facts declared `integer`: these become BigInt (CEL `int`) before evaluation. */
export function integerFields(factsSchema: Record<string, unknown>): string[] {
  return Object.entries(celFieldTypes(factsSchema))
    .filter(([, t]) => t === 'int')
    .map(([k]) => k);
}

/** Which variables an expression can see, and the facts schemas that type them. */
export interface CelScope {
  record: Record<string, unknown>;
  later?: Record<string, unknown>;
}

export type CelExpect = 'bool' | 'number';

export type CompileOutcome = { ok: true; fn: CelFn; constant?: unknown } | { ok: false; message: string };

const evalEnv = new Environment({ homogeneousAggregateLiterals: false })
  .registerVariable('record', 'map')
  .registerVariable('later', 'map');

/** Compiles and type-checks catalog expressions; caches one typed environment per scope. */
export class CelCompiler {
  private readonly envs = new Map<string, Environment>();

  private typedEnv(scope: CelScope, key: string): Environment {
    let env = this.envs.get(key);
    if (!env) {
      env = new Environment({ homogeneousAggregateLiterals: false });
      const recordSchema = (facts: Record<string, unknown>) => ({
        type: 'string',
        source: 'string',
        facts: celFieldTypes(facts),
      });
      env.registerVariable({ name: 'record', schema: recordSchema(scope.record) });
      if (scope.later) env.registerVariable({ name: 'later', schema: recordSchema(scope.later) });
      this.envs.set(key, env);
    }
    return env;
  }

  /**
   * Compiles `source` for `scope`. `scopeKey` identifies the scope (e.g. the record type codes)
   * so environments are reused. Returns a message with the position on a syntax or type error.
   */
  compile(source: string | number, scope: CelScope, scopeKey: string, expect: CelExpect): CompileOutcome {
    if (typeof source === 'number') {
      if (expect !== 'number') return { ok: false, message: `expected a boolean expression, got the number ${source}` };
      return { ok: true, fn: () => source, constant: source };
    }
    const env = this.typedEnv(scope, scopeKey);
    let checked;
    try {
      checked = env.check(source);
    } catch (e) {
      return { ok: false, message: oneLine(e) };
    }
    if (!checked.valid) return { ok: false, message: oneLine(checked.error) };
    const t = String(checked.type);
    if (expect === 'bool' && t !== 'bool' && t !== 'dyn') {
      return { ok: false, message: `must be a boolean condition, but it has type ${t}` };
    }
    if (expect === 'number' && t !== 'int' && t !== 'double' && t !== 'dyn') {
      return { ok: false, message: `must be a number (int or double), but it has type ${t}` };
    }
    let fn: CelFn;
    try {
      fn = evalEnv.parse(source) as unknown as CelFn;
    } catch (e) {
      return { ok: false, message: oneLine(e) };
    }
    // Fold constants (`-20`, `10 * 3`): most rules are constant, and a folded rule costs nothing.
    if (!/\b(record|later)\b/.test(source)) {
      try {
        const v = fn({} as CelContext);
        return { ok: true, fn: () => v, constant: v };
      } catch {
        // not constant after all (e.g. a macro variable); keep the function
      }
    }
    return { ok: true, fn };
  }
}

/**
 * cel-js messages carry a source excerpt with a caret on the following lines. Keep the lines
 * (the caret only points at the right column while it stays under its excerpt), without blanks.
 */
function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg
    .split('\n')
    .filter((l) => l.trim() !== '')
    .join('\n')
    .trimEnd();
}

/** Converts an evaluation result to a JS number (CEL ints are BigInt). */
export function toNumber(v: unknown): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  return Number.NaN;
}
