/**
 * The OpenAPI document at /v1/openapi.json is what integrators generate clients from, so it must be
 * a valid OpenAPI 3.1 document (checked with the standard validator), list every endpoint of
 * DESIGN §8 that exists, say which operations need a bearer credential, and hold schemas that a
 * JSON Schema 2020-12 validator (the 3.1 dialect) accepts — the OpenAPI validator itself does not
 * look inside schema objects.
 */
import { Validator } from '@seriousme/openapi-schema-validator';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, type Fixture } from './fixture.js';

type Json = Record<string, unknown>;
interface Operation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean; schema?: Json }[];
  requestBody?: { content?: Record<string, { schema?: Json }> };
  responses?: Record<string, { content?: Record<string, { schema?: Json }> }>;
}
interface Doc {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components?: { securitySchemes?: Record<string, Json>; schemas?: Record<string, Json> };
}

/** DESIGN §8's endpoints that this service has so far (objections, repairs, commitments come later). */
const DESIGN_PATHS = [
  '/v1/checks',
  '/v1/checks:batch',
  '/v1/checks/{receipt}',
  '/v1/records',
  '/v1/records/{id}',
  '/v1/subjects/{ref}',
  '/v1/lists/{code}/entries',
  '/v1/catalog',
  '/v1/catalog/versions',
  '/v1/catalog/versions:validate',
  '/v1/catalog/versions/{v}:publish',
  '/v1/catalog/publication-requests',
  '/v1/catalog/publication-requests/{id}:approve',
  '/v1/me',
  '/v1/audit',
  '/v1/audit:verify',
  '/public/v1/search',
  '/public/v1/subjects/{ref}',
];

/** Operations anyone may call; every other one must declare the bearer scheme. */
const PUBLIC_OPS = new Set(['GET /public/v1/search', 'GET /public/v1/subjects/{ref}', 'GET /public/v1/announcements', 'GET /public/v1/double-publicity', 'GET /public/v1/due-process', 'GET /healthz', 'POST /v1/dev/sign-in', 'GET /v1/auth/config']);

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

let f: Fixture;
let doc: Doc;
beforeAll(async () => {
  f = await makeFixture();
  const r = await f.req({ method: 'GET', url: '/v1/openapi.json' });
  expect(r.statusCode).toBe(200);
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  doc = r.json() as Doc;
}, 60_000);
afterAll(async () => f?.close());

function operations(): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => METHODS.has(m))
      .map(([m, op]): [string, Operation] => [`${m.toUpperCase()} ${path}`, op]),
  );
}

/** Every schema object an operation carries, with where it sits (for messages). */
function schemasOf(label: string, op: Operation): [string, Json][] {
  const out: [string, Json][] = [];
  for (const p of op.parameters ?? []) if (p.schema) out.push([`${label} ${p.in} ${p.name}`, p.schema]);
  for (const [ct, c] of Object.entries(op.requestBody?.content ?? {})) if (c.schema) out.push([`${label} body ${ct}`, c.schema]);
  for (const [status, r] of Object.entries(op.responses ?? {})) for (const [ct, c] of Object.entries(r.content ?? {})) if (c.schema) out.push([`${label} ${status} ${ct}`, c.schema]);
  return out;
}

/** The schema and its nested schemas that carry `examples`. */
function subschemas(s: unknown, at: string, out: [string, Json][] = []): [string, Json][] {
  if (!s || typeof s !== 'object') return out;
  const o = s as Json;
  if (Array.isArray(o.examples)) out.push([at, o]);
  for (const k of ['items', 'additionalProperties', 'not']) subschemas(o[k], `${at}/${k}`, out);
  for (const k of ['anyOf', 'oneOf', 'allOf', 'prefixItems']) if (Array.isArray(o[k])) (o[k] as unknown[]).forEach((x, i) => subschemas(x, `${at}/${k}/${i}`, out));
  for (const [name, x] of Object.entries((o.properties as Json | undefined) ?? {})) subschemas(x, `${at}/properties/${name}`, out);
  return out;
}

describe('GET /v1/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document by the standard validator', async () => {
    expect(doc.openapi.startsWith('3.1')).toBe(true);
    const validator = new Validator();
    const res = await validator.validate(doc as unknown as Json);
    // The validator picks its schema from `openapi`: make sure the 3.1 one was used, not a fallback.
    expect(validator.version).toBe('3.1');
    expect(res.errors ?? []).toEqual([]);
    expect(res.valid).toBe(true);
    // And it is not vacuous: the same document without `info` is rejected.
    const { info: _info, ...broken } = doc as unknown as Json;
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('lists every endpoint of DESIGN §8 that exists so far', () => {
    const missing = DESIGN_PATHS.filter((p) => !(p in doc.paths));
    expect(missing).toEqual([]);
  });

  it('declares bearer security on every non-public operation, and none on public ones', () => {
    expect(doc.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const ops = operations();
    expect(ops.length).toBeGreaterThanOrEqual(DESIGN_PATHS.length);
    for (const [label, op] of ops) {
      if (PUBLIC_OPS.has(label)) expect(op.security ?? [], label).toEqual([]);
      else expect(op.security, label).toEqual([{ bearer: [] }]);
    }
  });

  it('names a required path parameter for every {template} in a path, and no others', () => {
    for (const [label, op] of operations()) {
      const inPath = [...label.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path');
      expect(declared.map((p) => p.name).sort(), label).toEqual(inPath);
      for (const p of declared) expect(p.required, `${label} ${p.name}`).toBe(true);
    }
  });

  it('names Accept-Language on every operation whose answer carries catalog texts, and not on the catalog documents', () => {
    const header = (label: string) => operations().find(([l]) => l === label)?.[1].parameters?.find((p) => p.in === 'header' && p.name.toLowerCase() === 'accept-language');
    for (const label of ['GET /v1/stats', 'POST /v1/checks', 'POST /v1/checks:batch', 'GET /v1/checks/{receipt}', 'GET /v1/subjects/{ref}', 'GET /v1/me', 'GET /public/v1/subjects/{ref}']) {
      expect(header(label), label).toMatchObject({ required: false, schema: { type: 'string' } });
    }
    for (const label of ['GET /v1/catalog', 'GET /v1/catalog/versions/{v}', 'GET /v1/catalog/diff', 'GET /healthz']) expect(header(label), label).toBeUndefined();
  });

  it('holds schemas a strict JSON Schema 2020-12 validator compiles, and examples that match them', () => {
    // Strict mode rejects unknown keywords and ambiguous constructs that other generators choke on.
    const ajv = new Ajv2020.default({ strict: true, allErrors: true });
    addFormats.default(ajv);
    // The one specification extension the document writes: where a subject reference may stand (free-text.ts).
    ajv.addKeyword('x-subject-ref');
    for (const [name, s] of Object.entries(doc.components?.schemas ?? {})) ajv.addSchema(s, `#/components/schemas/${name}`);
    const all = operations().flatMap(([label, op]) => schemasOf(label, op));
    expect(all.length).toBeGreaterThan(20);
    const problems: string[] = [];
    let examples = 0;
    for (const [where, schema] of all) {
      if (!ajv.validateSchema(schema)) {
        problems.push(`${where}: ${ajv.errorsText(ajv.errors)}`);
        continue;
      }
      try {
        ajv.compile(schema);
      } catch (e) {
        problems.push(`${where}: ${(e as Error).message}`);
        continue;
      }
      // An example that its own schema rejects misleads whoever copies it from /docs.
      for (const [at, sub] of subschemas(schema, where)) {
        const check = ajv.compile(sub);
        examples += (sub.examples as unknown[]).length;
        for (const ex of sub.examples as unknown[]) if (!check(ex)) problems.push(`${at}: example ${JSON.stringify(ex)} fails: ${ajv.errorsText(check.errors)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(examples).toBeGreaterThan(3);
  });
});

describe('GET /docs', () => {
  it('serves the rendered documentation as HTML (directly or by a redirect)', async () => {
    let r = await f.req({ method: 'GET', url: '/docs' });
    if (r.statusCode >= 300 && r.statusCode < 400) {
      const to = String(r.headers.location);
      r = await f.req({ method: 'GET', url: to.startsWith('/') ? to : `/docs/${to}` });
    }
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toMatch(/<html/i);
  });
});
