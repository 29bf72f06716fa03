/**
 * Property-based probes of the doors (issue 16): fast-check draws requests an attacker or a
 * careless integrator could send, and the suite holds the service to these invariants.
 *
 * 1. **Never a 5xx**, whatever the body, role, path or header: random and mutated bodies for every
 *    write operation of the OpenAPI document (bodies drawn from its JSON Schemas), record lines
 *    for `POST /v1/records`, subject references for `POST /v1/checks`, purposes of reads, valid
 *    facts of every record type (what CEL sees) followed by the subject view and checks.
 * 2. **No clear ID number anywhere**: every valid ID number the suite drew or a request carried
 *    (in any form: full width, separated, inside longer runs of digits, in Chinese numerals) is
 *    looked for afterwards, without the finder under test, in the database file, its WAL and the
 *    captured logs, of the server and of the CLI imports, and in the CLI's reject files: zero. And
 *    no request is taken (2xx, or a batch line stored) with an ID number outside a subject
 *    reference.
 * 3. **A refused request changes nothing**: for every refused request (4xx, or a batch whose every
 *    line was rejected), the stored data is the same before and after: nothing was committed, or
 *    if something was, a digest (counts, the audit chain's head, a hash of the records, subjects,
 *    cases, keys and catalogs) of a snapshot taken before equals the digest after.
 * 4. **Fail closed**: no credential or a bad one is 401, a role the operation does not allow 403;
 *    a check is `known` only for a registered subject, and registers no one; an unknown scheme is
 *    400 `XY_ERR_UNKNOWN_SCHEME`; the audit chain still verifies at the end.
 * 5. **Imports are exact**: bad lines (one thing wrong each) are refused naming the field, good
 *    lines are stored once, and a re-import stores nothing new; over the API and through
 *    `xinyong import` (NDJSON and CSV).
 *
 * Bounded: each property has a number of runs and a time budget (about 25 s in all here).
 * Seeded: a failure prints the suite's seed; XY_PROP_SEED=<n> replays it (fast-check's path is
 * printed too, though ids the server makes differ between runs). XY_PROP_SCALE=<k> multiplies
 * runs and budgets for a longer hunt (`XY_PROP_SCALE=10 npx vitest run
 * test/security/properties.test.ts`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import { parseSubjectRef } from '../../src/ids/index.js';
import { fieldPointer } from '../../src/ingest/resolve.js';
import { KEY_ROLES, type KeyRole } from '../../src/store/port.js';
import { makeFixture, NOW, type Fixture } from '../api/fixture.js';
import { ChangeWatch } from './prop-digest.js';
import { carriedRidArb, everyNumber, RID_FORMS, ridArb, RidLedger, ridsOutsideSubjects, ridsStandingIn, usccArb } from './prop-ids.js';
import { badLineArb, catalogView, csvCell, factsArb, goodLineArb, newSubjectArb, sourceLinesArb, typesBySource, type CatalogView, type Line } from './prop-lines.js';
import { dateArb, mutationArb, schemaArb, textArb, type Hints, type Json, type Schema } from './prop-schema.js';

const SEED = Number(process.env.XY_PROP_SEED ?? 20_261_127);
const SCALE = Number(process.env.XY_PROP_SCALE ?? 1);
const ROOT = join(import.meta.dirname, '..', '..');

/** fast-check parameters: the suite's seed, and `numRuns` scaled. */
const budget = (numRuns: number, more: fc.Parameters<unknown> = {}): fc.Parameters<unknown> => ({ seed: SEED, numRuns: Math.max(1, Math.round(numRuns * SCALE)), ...more });

/** A predicate bounded in time: after `ms` (scaled), runs are skipped, until one fails (shrinking then runs in full). `ran` counts the runs made. */
interface Bounded<A extends unknown[]> {
  (...args: A): Promise<void>;
  ran: number;
}
function within<A extends unknown[]>(ms: number, fn: (...args: A) => Promise<void>): Bounded<A> {
  // Not fast-check's interruptAfterTimeLimit: it abandons the run in flight, whose request then
  // lands in the middle of the next property (and whose assertion fails into the void).
  const deadline = Date.now() + ms * SCALE;
  let failing = false;
  const bounded = (async (...args: A) => {
    if (!failing && Date.now() > deadline) return;
    bounded.ran++;
    try {
      await fn(...args);
    } catch (e) {
      failing = true;
      throw e;
    }
  }) as Bounded<A>;
  bounded.ran = 0;
  return bounded;
}

/** fc.assert, with the suite's seed and how to replay it added to a failure; answers how many runs were made. */
async function check<T>(name: string, prop: fc.IAsyncProperty<T>, params: fc.Parameters<T>): Promise<number> {
  const details = await fc.check(prop, params);
  if (details.failed) {
    throw new Error(`${name}: ${fc.defaultReportMessage(details)}\n\nReplay the suite with XY_PROP_SEED=${SEED} npx vitest run test/security/properties.test.ts`, { cause: details.errorInstance });
  }
  return details.numRuns;
}


type Role = KeyRole | 'none' | 'bogus';
interface Req {
  method: string;
  url: string;
  /** Whether a route has this path (drawn parameters may not fit a route's). */
  routable?: boolean;
  role: Role;
  /** A source key's source, for `role: 'source'` (default spc). */
  source?: string;
  payload?: Json | { raw: string };
  headers?: Record<string, string>;
  /** The client address (the public rate limit counts by it). */
  remoteAddress?: string;
}

interface Op {
  method: string;
  path: string;
  roles: KeyRole[] | 'public';
  schema: Schema | null;
  params: string[];
}

let f: Fixture;
const logLines: string[] = [];
const ledger = new RidLedger();
let watch: ChangeWatch;
let catalog: CatalogView;
let catalogDoc: Json;
let ops: Op[] = [];
const sourceKeys = new Map<string, string>();
const schemes = new Set<string>();
/** Ids the suite has seen exist (seeded, then harvested from answers), so that drawn bodies and paths reach real objects. */
const pools: Record<'records' | 'entries' | 'objections' | 'repairs' | 'commitments' | 'versions' | 'subjects', string[]> = { records: [], entries: [], objections: [], repairs: [], commitments: [], versions: [], subjects: [] };
const stats = { takenWithRid: [] as string[], writesSeen: 0, changedByRefusal: [] as string[], perOp: [] as string[], requests: 0, byStatus: new Map<number, number>(), refusedCompared: 0, startedAt: Date.now() };
/** Texts the leak check reads besides the database and the server logs: CLI output and reject files. */
const otherTexts: { label: string; text: string }[] = [];
const cliFiles: string[] = [];

const ID_PATTERNS: [RegExp, keyof typeof pools][] = [
  [/^ob_[0-9a-f]{16}$/, 'objections'],
  [/^rp_[0-9a-f]{16}$/, 'repairs'],
  [/^cm_[0-9a-f]{16}$/, 'commitments'],
  [/^r_[0-9a-z]{8,64}$/, 'records'],
  [/^e_[0-9a-z]{8,64}$/, 'entries'],
];

/** Ids in an answer, added to the pools (bounded). */
function harvest(v: unknown, depth = 0): void {
  if (depth > 6) return;
  if (typeof v === 'string') {
    for (const [re, pool] of ID_PATTERNS) if (re.test(v) && !pools[pool].includes(v) && pools[pool].length < 200) pools[pool].push(v);
  } else if (Array.isArray(v)) for (const x of v.slice(0, 50)) harvest(x, depth + 1);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) harvest(x, depth + 1);
}

function authHeader(role: Role, source?: string): Record<string, string> {
  if (role === 'none') return {};
  if (role === 'bogus') return { authorization: 'Bearer xy_k_not-a-key' };
  const key = role === 'source' && source ? sourceKeys.get(source) : f.keys[role];
  return { authorization: `Bearer ${key}` };
}

/**
 * Sends a request after noting every ID number it carries; the answer must not be a 5xx, and a
 * refusal must leave the stored data as it was (invariant 3).
 */
async function send(r: Req): Promise<LightMyRequestResponse> {
  let decoded = r.url;
  try {
    decoded = decodeURIComponent(r.url);
  } catch {
    /* a malformed escape: the raw URL is what the server sees */
  }
  ledger.note([r.url, decoded, r.payload ?? null, r.headers ?? {}]);
  // Receipts of earlier checks are written in batches: write them now, so that they are not taken for this request's doing.
  await f.server.svc.receipts.flush();
  watch.begin();
  const raw = r.payload && typeof r.payload === 'object' && !Array.isArray(r.payload) && 'raw' in r.payload ? (r.payload as { raw: string }).raw : undefined;
  const res = await f.app.inject({
    method: r.method as 'POST',
    url: r.url,
    ...(r.remoteAddress ? { remoteAddress: r.remoteAddress } : {}),
    headers: { ...authHeader(r.role, r.source), ...(r.payload !== undefined ? { 'content-type': 'application/json' } : {}), ...(r.headers ?? {}) },
    ...(r.payload !== undefined ? { payload: raw ?? JSON.stringify(r.payload) } : {}),
  });
  stats.requests++;
  stats.byStatus.set(res.statusCode, (stats.byStatus.get(res.statusCode) ?? 0) + 1);
  if (res.statusCode >= 500) watch.end();
  expect(res.statusCode, `${r.method} ${r.url} as ${r.role} answered ${res.statusCode}: ${res.body.slice(0, 500)}`).toBeLessThan(500);
  let body: unknown = null;
  try {
    body = res.json();
  } catch {
    /* not JSON */
  }
  harvest(body);
  const refused = res.statusCode >= 400 || (r.url.startsWith('/v1/records') && res.statusCode === 200 && isAllRejected(body));
  if (res.statusCode < 400 && r.payload !== undefined && !(typeof r.payload === 'object' && r.payload && 'raw' in r.payload)) {
    // An ID number outside a subject reference is refused, never taken (it would be kept in clear): the whole request, or in a batch of records its line.
    const results = (body as { results?: { status: string }[] } | null)?.results;
    const lines = r.url.startsWith('/v1/records') && Array.isArray((r.payload as { records?: unknown }).records) ? ((r.payload as { records: Json[] }).records) : null;
    const taken = lines && results ? lines.flatMap((l, i) => (results[i]?.status !== 'rejected' ? ridsOutsideSubjects(l, `/records/${i}`) : [])) : ridsOutsideSubjects(r.payload);
    if (taken.length) stats.takenWithRid.push(`${r.method} ${r.url} as ${r.role} → ${res.statusCode}, an ID number at ${taken.join(', ')}`);
  }
  if (!refused) {
    if (res.statusCode === 201) stats.writesSeen += watch.committed() ? 1 : 0;
    watch.end();
    return res;
  }
  stats.refusedCompared++;
  await f.server.svc.receipts.flush();
  const changed = watch.changes();
  if (changed.length) stats.changedByRefusal.push(`${r.method} ${r.url} as ${r.role} (${JSON.stringify(r.payload).slice(0, 400)}) → ${res.statusCode} changed ${changed.join(', ')}: ${res.body.slice(0, 300)}`);
  expect(changed, `${r.method} ${r.url} as ${r.role} was refused (${res.statusCode}) but changed stored data: ${res.body.slice(0, 300)}`).toEqual([]);
  return res;
}

const isAllRejected = (b: unknown) => {
  const results = (b as { results?: { status: string }[] } | null)?.results;
  return Array.isArray(results) && results.length > 0 && results.every((x) => x.status === 'rejected');
};

/** An id from a pool as it is when drawn (pools grow as the suite runs), or a stand-in if empty. */
const poolArb = (pool: keyof typeof pools, fallback: string) => fc.nat().map((i) => (pools[pool].length ? pools[pool][i % pools[pool].length] : fallback));

/** Subject references of every kind: existing ones, new identifiers, internal ids, unknown schemes, garbage, ID-bearing text. */
const subjectRefArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: poolArb('subjects', 's_00000000') },
  { weight: 2, arbitrary: ridArb.map((r) => `cn-rid:${r}`) },
  // A bare number (a search takes one as a reference), with spaces around, or a lower-case x.
  { weight: 1, arbitrary: ridArb.chain((r) => fc.constantFrom(r, ` cn-rid:${r} `, `cn-rid:${r.toLowerCase()}`, `cn-rid:${r.slice(0, 6)} ${r.slice(6)}`)) },
  { weight: 1, arbitrary: usccArb().map((u) => `cn-uscc:${u}`) },
  { weight: 1, arbitrary: fc.stringMatching(/^s_[0-9a-z]{24}$/) },
  { weight: 1, arbitrary: fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{1,12}$/), fc.string({ minLength: 1, maxLength: 20 })).map(([s, v]) => `${s}:${v}`) },
  { weight: 1, arbitrary: textArb(0, 80) },
);

function hints(): Hints {
  return {
    subject: subjectRefArb,
    subjects: fc.array(subjectRefArb, { minLength: 1, maxLength: 6 }),
    action: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...catalog.actions) }, { weight: 1, arbitrary: textArb(1, 100) }),
    at: dateArb,
    asOf: dateArb,
    occurredAt: dateArb,
    recordId: poolArb('records', 'r_00000000'),
    entryId: poolArb('entries', 'e_00000000'),
    commitmentId: poolArb('commitments', 'cm_0000000000000000'),
    source: fc.constantFrom(...catalog.sources.map((s) => s.code)),
    scopes: fc.array(fc.oneof(fc.constantFrom(...catalog.actions, 'register', 'register:person', '*', 'court.*'), textArb(1, 30)), { maxLength: 4 }),
    facts: fc.oneof(
      fc.constantFrom(...catalog.recordTypes).chain((rt) => factsArb(catalog, rt)),
      fc.dictionary(fc.string({ maxLength: 10 }), fc.oneof(textArb(0, 40), fc.integer()), { maxKeys: 3 }),
    ),
  };
}

/** A path parameter: an id of the right kind that exists, or one that does not, or ID-bearing text. */
function paramArb(op: Op, name: string): fc.Arbitrary<string> {
  const pool: keyof typeof pools = name === 'v' ? 'versions' : op.path.includes('objections') ? 'objections' : op.path.includes('repairs') ? 'repairs' : 'commitments';
  return fc.oneof({ weight: 4, arbitrary: poolArb(pool, 'x_0000') }, { weight: 1, arbitrary: carriedRidArb.map((c) => c.text) }, { weight: 1, arbitrary: textArb(1, 40) }).map((s) => encodeURIComponent(s));
}

/** The roles a request is sent with: mostly one the operation allows, sometimes another, none or a bad key. */
function roleArb(op: Op): fc.Arbitrary<Role> {
  if (op.roles === 'public') return fc.oneof({ weight: 5, arbitrary: fc.constant<Role>('none') }, { weight: 1, arbitrary: fc.constantFrom<Role>(...KEY_ROLES) });
  const wrong = KEY_ROLES.filter((r) => !(op.roles as KeyRole[]).includes(r));
  return fc.oneof(
    { weight: 12, arbitrary: fc.constantFrom<Role>(...op.roles) },
    { weight: 2, arbitrary: fc.constantFrom<Role>(...(wrong.length ? wrong : op.roles)) },
    { weight: 1, arbitrary: fc.constantFrom<Role>('none', 'bogus') },
  );
}

/** Sometimes an X-Request-Id: plain, ID-bearing, markup or too long (finding 1). */
const headersArb: fc.Arbitrary<Record<string, string>> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Record<string, string>>({}) },
  { weight: 1, arbitrary: carriedRidArb.map((c): Record<string, string> => ({ 'x-request-id': c.text.replace(/[^\x20-\x7e]/g, '') || c.rid })) },
  { weight: 1, arbitrary: fc.constantFrom<Record<string, string>>({ 'x-request-id': '<script>x</script>' }, { 'x-request-id': 'a'.repeat(500) }, { 'x-request-id': 'trace-42.ok' }, { 'accept-language': 'zh-CN;q=0,*;q=0' }) },
);

/** A body for an operation: drawn from its schema, a mutation of one, a whole other JSON value, or text that is not JSON. */
function bodyArb(op: Op): fc.Arbitrary<Json | { raw: string } | undefined> {
  if (!op.schema) return fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) as fc.Arbitrary<Json> });
  let valid: fc.Arbitrary<Json>;
  if (op.path === '/v1/records') valid = recordBodyArb;
  else if (op.path.startsWith('/v1/catalog/versions') && !op.path.includes('{v}')) valid = catalogBodyArb;
  else valid = schemaArb(op.schema, hints());
  return fc.oneof(
    { weight: 5, arbitrary: valid },
    { weight: 4, arbitrary: mutationArb(valid).map((m) => m.body) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json> },
    { weight: 1, arbitrary: fc.constantFrom({ raw: '{"a":' }, { raw: '' }, { raw: 'null' }, { raw: '{"__proto__":{"x":1}}' }, { raw: '{"constructor":{"prototype":{"x":1}}}' }, { raw: '\ufeff{}' }, { raw: '[' + '['.repeat(5000) }) },
  );
}

let recordBodyArb: fc.Arbitrary<Json>;
let importRun: Promise<unknown>;
let catalogBodyArb: fc.Arbitrary<Json>;
let externalSeq = 0;
const externalId = (tag: string) => `prop-${tag}-${SEED}-${++externalSeq}`;

/** A request to an operation, as sent. */
function requestArb(op: Op): fc.Arbitrary<Req> {
  const path = fc.tuple(...op.params.map((p) => paramArb(op, p))).map((vals) => ({
    url: op.params.reduce((u, p, i) => u.replace(`{${p}}`, vals[i]), op.path),
    // The routes' parameters are `[^:/]+`.
    routable: vals.every((v) => !/[:/]/.test(decodeURIComponent(v))),
  }));
  return fc.record({ path, role: roleArb(op), source: fc.constantFrom(...sourceKeys.keys()), payload: bodyArb(op), headers: headersArb }).map(({ path: p, ...r }) => ({ ...r, ...p, method: op.method }));
}

beforeAll(async () => {
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  f = await makeFixture({ server: { logLevel: 'info', logStream } });
  watch = new ChangeWatch(join(f.dir, 'x.db'));
  const docRes = await f.req({ method: 'GET', url: '/v1/openapi.json' });
  const openapi = docRes.json() as { paths: Record<string, Record<string, { description?: string; requestBody?: { content?: Record<string, { schema?: Schema }> }; parameters?: { in: string; name: string }[] }>> };
  for (const [path, methods] of Object.entries(openapi.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['post', 'put', 'patch', 'delete'].includes(method)) continue;
      const roles = /Roles: ([^.]+)\./.exec(op.description ?? '')?.[1];
      ops.push({
        method: method.toUpperCase(),
        path,
        roles: roles ? (roles.split(', ') as KeyRole[]) : 'public',
        schema: op.requestBody?.content?.['application/json']?.schema ?? null,
        params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      });
    }
  }
  const cat = await f.req({ method: 'GET', url: '/v1/catalog', role: 'author' });
  catalogDoc = cat.json().doc as Json;
  catalog = catalogView(cat.json());
  for (const s of f.ctx.catalog.identifierSchemes) schemes.add(s);
  for (const s of catalog.sources) sourceKeys.set(s.code, (await createApiKey(f.ctx.store, { name: `prop ${s.code}`, role: 'source', source: s.code }, NOW, 'test')).key);
  // Objects for paths and bodies to name: the listed person's records and entries, a commitment and an objection of theirs.
  pools.subjects.push(f.person, f.clean, f.clean2, f.org.id, f.org.ref);
  pools.records.push(...((await f.ctx.store.recordsOf([f.person])).get(f.person) ?? []).map((r) => r.id));
  pools.entries.push(...(await f.ctx.store.enforceableEntries([f.person])).map((e) => e.id));
  pools.versions.push(f.ctx.catalog.version, `${f.ctx.catalog.version}-none`);
  harvest((await f.req({ method: 'POST', url: '/v1/commitments', role: 'subject', payload: { text: 'I will pay what the court ordered.', purpose: 'property suite' } })).json());
  harvest((await f.req({ method: 'POST', url: '/v1/objections', role: 'subject', payload: { recordId: pools.records[0], reasons: 'the decision was set aside on appeal' } })).json());

  const bySource = typesBySource(catalog);
  const senders = [...bySource.keys()];
  // A record body: one line or a batch, of good lines, bad ones and registrations, for a source's key.
  const lineArb = (source: string) => {
    const types = bySource.get(source) ?? catalog.recordTypes;
    const others = catalog.recordTypes.filter((t) => !types.includes(t)).map((t) => t.code);
    return fc.oneof(
      { weight: 3, arbitrary: goodLineArb(catalog, types, { person: f.person, org: f.org.id }) },
      { weight: 3, arbitrary: badLineArb(catalog, types, others, 'api').map((b) => (b?.line ?? {}) as Json) },
      {
        weight: 2,
        arbitrary: fc.record(
          {
            kind: fc.constant('subject'),
            subject: fc.oneof(ridArb.map((r) => `cn-rid:${r}`), usccArb().map((u) => `cn-uscc:${u}`), fc.constant('emp:00042')),
            name: textArb(0, 40),
            subjectKind: fc.constantFrom('person', 'enterprise', 'institution', 'government', 'alien'),
            region: fc.constantFrom('110101', '371002', '012345', '1101011'),
            relations: fc.array(fc.record({ role: fc.constantFrom('legal-representative', 'actual-controller', 'principal', 'friend'), subject: fc.oneof(ridArb.map((r) => `cn-rid:${r}`), subjectRefArb) }), { maxLength: 3 }),
          },
          { requiredKeys: ['kind', 'subject', 'name'] },
        ),
      },
    ).map((l) => (typeof l === 'object' && l && !('kind' in l) ? { externalId: externalId('api'), ...l } : l) as Json);
  };
  recordBodyArb = fc.constantFrom(...senders).chain((s) => fc.oneof(lineArb(s), fc.array(lineArb(s), { minLength: 1, maxLength: 8 }).map((records) => ({ records }))));
  // A catalog document: the one in force under a new version, with a title drawn as free text.
  // The CLI's property runs beside the server's (its child processes take the other core).
  importRun = importProperty().then(
    () => null,
    (e: unknown) => e,
  );
  catalogBodyArb = fc.tuple(textArb(0, 80), fc.nat()).map(([title, n]) => ({ ...(catalogDoc as Record<string, Json>), version: `2026.9-p${SEED % 1000}-${n % 100_000}`, title: { 'zh-CN': title, en: 'Property suite' } }));
}, 120_000);

afterAll(async () => {
  watch?.close();
  await f?.close();
  for (const d of cliFiles) rmSync(d, { recursive: true, force: true });
});

describe('properties of the HTTP doors', () => {
  it('every write operation of the OpenAPI document, with drawn and mutated bodies, any role: never a 5xx, and a refusal changes nothing', async () => {
    expect(ops.length).toBeGreaterThanOrEqual(12);
    for (const op of ops) {
      // Publishing re-derives the whole city: few runs, and only the version in force or none (the
      // drafts the suite makes are not published: the other properties read the catalog in force).
      const publish = op.path.endsWith(':publish');
      const run = within(publish ? 1000 : 1500, async (r: Req) => {
          const res = await send(r);
          // Fail closed: no credential or a bad one is 401, a role the operation does not allow 403.
          // A path no route has (a parameter with `:` or `/` in it) is 404, or 400 if the request
          // holds an ID number: the free-text hook guards the not-found handler too.
          const noRoute = res.statusCode === 404 || !r.routable;
          if (op.roles !== 'public' && (r.role === 'none' || r.role === 'bogus') && !noRoute) expect(res.statusCode, res.body).toBe(401);
          if (op.roles !== 'public' && r.role !== 'none' && r.role !== 'bogus' && !op.roles.includes(r.role) && !noRoute) expect(res.statusCode, res.body).toBe(403);
      });
      await check(`${op.method} ${op.path}`, fc.asyncProperty(requestArb(op), run), budget(publish ? 10 : op.path.startsWith('/v1/catalog') ? 25 : 100));
      expect(run.ran, `${op.method} ${op.path} ran`).toBeGreaterThan(0);
      stats.perOp.push(`${op.method} ${op.path}×${run.ran}`);
    }
    expect(stats.refusedCompared, 'refused requests whose effect on stored data was compared').toBeGreaterThan(50);
    expect(stats.changedByRefusal).toEqual([]);
    expect(stats.writesSeen, 'stored writes (201) the watch saw committed: it sees a change when there is one').toBeGreaterThan(10);
  }, 120_000);

  it('record lines over POST /v1/records: bad lines refused naming the field, good lines stored once, a resend stores nothing', async () => {
    await check(
      'POST /v1/records lines',
      fc.asyncProperty(
        sourceLinesArb(catalog, 'api', 12, { person: f.person, org: f.org.id }),
        within(4000, async ({ source, lines }) => {
          const all = lines.filter((l): l is Line => l !== null).map((l) => ({ ...l, line: { externalId: externalId('batch'), ...(l.line as Record<string, Json>) } }));
          // A line with an ID number outside its subject refuses the whole batch at the door (the
          // free-text hook), naming that line; the others are then sent without it.
          const withRid = all.filter((i) => ridsOutsideSubjects(i.line).length > 0);
          if (withRid.length) {
            const refused = await send({ method: 'POST', url: '/v1/records', role: 'source', source, payload: { records: all.map((i) => i.line) } });
            expect(refused.statusCode, refused.body).toBe(400);
            const at = Number(/^\/records\/(\d+)\//.exec(refused.json().field ?? '')?.[1]);
            expect(withRid, refused.body).toContain(all[at]);
          }
          const items = all.filter((i) => !withRid.includes(i));
          if (!items.length) return;
          const body = { records: items.map((i) => i.line) };
          const first = await send({ method: 'POST', url: '/v1/records', role: 'source', source, payload: body });
          expect(first.statusCode, first.body).toBe(200);
          const again = await send({ method: 'POST', url: '/v1/records', role: 'source', source, payload: body });
          for (const [k, res] of [first, again].entries()) {
            const results = res.json().results as { index: number; status: string; field?: string; reason?: string }[];
            expect(results).toHaveLength(items.length);
            items.forEach((it, i) => {
              const r = results[i];
              if (it.bad === null) expect(r.status, `line ${i} (good): ${JSON.stringify(r)}`).toBe(k === 0 ? 'stored' : 'duplicate');
              else {
                expect(r.status, `line ${i} (${it.mutation}): ${JSON.stringify(r)}`).toBe('rejected');
                expect(r.field, `line ${i} (${it.mutation}): ${r.reason}`).toBe(fieldPointer(it.bad));
                expect(r.reason ?? '').not.toBe('');
              }
            });
          }
          const good = items.filter((i) => i.bad === null).map((i) => (i.line as { externalId: string }).externalId);
          expect(countStored(join(f.dir, 'x.db'), source, good)).toBe(good.length);
        }),
      ),
      budget(40),
    );
  }, 60_000);

  it('purposes of reads of a person: never a 5xx, an ID number or a purpose of spaces refused, whatever the read', async () => {
    const receipt = (await send({ method: 'POST', url: '/v1/checks', role: 'checker', payload: { subject: f.person, action: catalog.actions[0] } })).json().receipt as string;
    const reads = [`/v1/subjects/${f.person}`, `/v1/subjects/${encodeURIComponent(f.org.ref)}`, `/v1/records/${pools.records[0]}`, '/v1/lists/spc-dishonest-debtors/entries', `/v1/checks/${receipt}`];
    const purposeArb = fc.oneof(
      { weight: 2, arbitrary: textArb(0, 220).map((p) => ({ p, rid: false })) },
      { weight: 2, arbitrary: carriedRidArb.map((c) => ({ p: `call about ${c.text}`, rid: true })) },
      { weight: 1, arbitrary: fc.constantFrom('   ', '\u3000\u3000\u3000', ' \t ', 'ab', '').map((p) => ({ p, rid: false })) },
    );
    await check(
      'purpose',
      fc.asyncProperty(fc.constantFrom(...reads), purposeArb, within(2000, async (url, { p, rid }) => {
        const res = await send({ method: 'GET', url: `${url}${url.includes('?') ? '&' : '?'}purpose=${encodeURIComponent(p)}`, role: 'reviewer' });
        if (rid || p.replace(/\s/g, '').length < 3) expect(res.statusCode, `purpose ${JSON.stringify(p.slice(0, 40))}: ${res.body.slice(0, 200)}`).toBe(400);
      })),
      budget(80),
    );
  }, 60_000);

  it('lookups by reference, name and search text: never a 5xx, an unknown scheme 400 where a reference is read', async () => {
    const lookupArb = fc.record({
      ref: fc.oneof(subjectRefArb, fc.constant(f.org.ref)),
      name: fc.option(textArb(0, 120), { nil: undefined }),
      q: fc.oneof(textArb(0, 110), subjectRefArb),
      kind: fc.constantFrom('public-subject', 'public-search', 'search', 'subject'),
      // Each from an address of its own: the public rate limit is not what this probes.
      address: fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `10.${a}.${b}.7`),
    });
    await check(
      'lookups',
      fc.asyncProperty(
        lookupArb,
        within(2500, async ({ ref, name, q, kind, address }) => {
          const at = encodeURIComponent(ref);
          const url =
            kind === 'public-subject'
              ? `/public/v1/subjects/${at}${name === undefined ? '' : `?name=${encodeURIComponent(name)}`}`
              : kind === 'public-search'
                ? `/public/v1/search?q=${encodeURIComponent(q)}`
                : kind === 'search'
                  ? `/v1/subjects?q=${encodeURIComponent(q)}`
                  : `/v1/subjects/${at}?purpose=${encodeURIComponent('property suite: lookups')}`;
          const res = await send({ method: 'GET', url, role: kind.startsWith('public') ? 'none' : 'reviewer', remoteAddress: address });
          const p = parseSubjectRef(ref);
          if (kind === 'subject' && p.ok && p.value.type === 'identifier' && !schemes.has(p.value.scheme) && /^[^:/]+$/.test(ref.split(':').slice(1).join(''))) {
            expect(res.statusCode, res.body).toBe(400);
            expect(res.json().code).toBe('XY_ERR_UNKNOWN_SCHEME');
          }
        }),
      ),
      budget(120),
    );
  }, 60_000);

  it('subject references to POST /v1/checks: never a 5xx, unknown schemes 400 XY_ERR_UNKNOWN_SCHEME, never known for a reference no one registered', async () => {
    const refArb = fc.oneof(
      { weight: 3, arbitrary: ridArb.chain((r) => fc.constantFrom(`cn-rid:${r}`, `cn-rid:${r.toLowerCase()}`, ` cn-rid:${r} `)) },
      { weight: 2, arbitrary: fc.constantFrom('91', '12', '11').chain((p) => usccArb(p as '91').map((u) => `cn-uscc:${u}`)) },
      { weight: 2, arbitrary: fc.stringMatching(/^s_[0-9a-z]{8,40}$/) },
      { weight: 3, arbitrary: fc.tuple(fc.stringMatching(/^[a-z][a-z0-9-]{1,31}$/), fc.stringMatching(/^[!-~]{1,64}$/)).filter(([s]) => !schemes.has(s)).map(([s, v]) => `${s}:${v}`) },
      { weight: 1, arbitrary: fc.constantFrom('cn-rld:110101199003074514', 'CN-RID:110101199003074514', 'cn_rid:1', 'cn-uscc:', 's_', ':', 'cn-rid:') },
      { weight: 2, arbitrary: textArb(1, 80) },
      { weight: 2, arbitrary: poolArb('subjects', f.person) },
    );
    const known = async (ref: string): Promise<boolean> => {
      const p = parseSubjectRef(ref);
      if (!p.ok) return false;
      if (p.value.type === 'internal') return (await f.ctx.store.subjectsBasic([p.value.id])).has(p.value.id);
      return (await f.ctx.store.findSubjectByHash(f.ctx.keyring.hash(p.value.scheme, p.value.value))) !== null;
    };
    await check(
      'POST /v1/checks subject references',
      fc.asyncProperty(refArb, fc.constantFrom(...catalog.actions), fc.boolean(), within(3000, async (ref, action, batch) => {
        const before = await known(ref);
        const p = parseSubjectRef(ref);
        const unknownScheme = p.ok && p.value.type === 'identifier' && !schemes.has(p.value.scheme);
        const res = batch
          ? await send({ method: 'POST', url: '/v1/checks:batch', role: 'checker', payload: { action, subjects: [ref, f.org.id] } })
          : await send({ method: 'POST', url: '/v1/checks', role: 'checker', payload: { subject: ref, action } });
        if (unknownScheme) {
          expect(res.statusCode, res.body).toBe(400);
          expect(res.json().code).toBe('XY_ERR_UNKNOWN_SCHEME');
        }
        if (res.statusCode === 200 && !batch) {
          const a = res.json() as { known: boolean; decision: string };
          expect(a.known, `${a.decision} for a reference that ${before ? 'is' : 'is not'} registered`).toBe(before);
        }
        if (res.statusCode === 200 && batch) {
          const a = res.json() as { results: { index: number; known?: boolean; decision: string }[] };
          const mine = a.results.find((x) => x.index === 0);
          if (!before) expect(mine?.known ?? false, JSON.stringify(mine)).toBe(false);
        }
        // A check registers no one.
        expect(await known(ref)).toBe(before);
      })),
      budget(200),
    );
  }, 60_000);

  it('valid facts of every record type (what CEL sees): stored, and the subject view and a check of the subject never fail', async () => {
    const bySource = typesBySource(catalog);
    const sourceOf = (type: string) => [...bySource.entries()].find(([, ts]) => ts.some((t) => t.code === type))?.[0] as string;
    const caseNos = ['(2026)京0101执1号', '(2025)鲁1002执77号', 'HZ-2026-1'];
    const kinds = ['person', 'enterprise', 'institution', 'government'];
    await check(
      'facts through derivation',
      fc.asyncProperty(
        fc.constantFrom(...kinds).chain((kind) => {
          const types = catalog.recordTypes.filter((t) => t.subjects.includes(kind));
          const rec = fc.constantFrom(...types).chain((rt) => fc.record({ type: fc.constant(rt.code), facts: factsArb(catalog, rt, caseNos), occurredAt: fc.date({ min: new Date('2019-01-01T00:00:00Z'), max: new Date('2026-11-26T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()) }));
          return fc.record({ subject: newSubjectArb(kind), records: fc.array(rec, { minLength: 1, maxLength: 4 }) });
        }),
        within(5000, async ({ subject, records }) => {
          for (const r of records) {
            const res = await send({ method: 'POST', url: '/v1/records', role: 'source', source: sourceOf(r.type), payload: { externalId: externalId('facts'), subject, ...r } });
            expect(res.statusCode, `${r.type} ${JSON.stringify(r.facts)}: ${res.body}`).toBe(201);
          }
          const view = await send({ method: 'GET', url: `/v1/subjects/${encodeURIComponent(subject)}?purpose=${encodeURIComponent('property suite: derivation')}`, role: 'reviewer' });
          expect(view.statusCode, view.body).toBe(200);
          const asOf = await send({ method: 'GET', url: `/v1/subjects/${encodeURIComponent(subject)}?purpose=${encodeURIComponent('property suite: the past')}&asOf=2026-01-01`, role: 'reviewer' });
          expect(asOf.statusCode, asOf.body).toBe(200);
          const action = catalog.actions[records.length % catalog.actions.length];
          const c = await send({ method: 'POST', url: '/v1/checks', role: 'checker', payload: { subject, action } });
          expect(c.statusCode, c.body).toBe(200);
          expect(c.json().known).toBe(true);
          // In the past, under the records known then (none of these yet): decided from the store, not the gate.
          const past = await send({ method: 'POST', url: '/v1/checks', role: 'checker', payload: { subject, action, at: '2026-06-01T00:00:00Z' } });
          expect(past.statusCode, past.body).toBe(200);
        }),
      ),
      budget(40),
    );
  }, 60_000);
});

/** How many of these externalIds a source has stored (each must be there once: the key is unique). */
function countStored(db: string, source: string, ids: string[]): number {
  if (!ids.length) return 0;
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const q = conn.prepare('SELECT count(*) AS n FROM records WHERE source = ? AND external_id = ?');
    return ids.reduce((n, id) => n + (q.get(source, id) as { n: number }).n, 0);
  } finally {
    conn.close();
  }
}

/** Runs the CLI, asynchronously (the server's properties go on meanwhile). */
function cli(args: string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [join(ROOT, 'bin', 'xinyong.js'), ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The import property: random NDJSON and CSV files through `xinyong import` on a demo database of
 * its own. Started with the server's properties and awaited after them: the child processes run
 * on the other core meanwhile.
 */
async function importProperty(): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'xinyong-prop-cli-'));
    cliFiles.push(dir);
    const db = join(dir, 'city.db');
    const made = await cli(['demo', '--persons', '50', '--enterprises', '5', '--no-serve', '--db', db], dir);
    expect(made.code, made.stderr).toBe(0);
    let run = 0;
    await check(
      'xinyong import',
      fc.asyncProperty(
        fc.boolean().chain((csv) => sourceLinesArb(catalog, csv ? 'csv' : 'ndjson', 25).map((x) => ({ ...x, csv }))),
        within(12_000, async ({ source, csv, lines }) => {
          const items = lines.filter((l): l is Line => l !== null).map((l) => (typeof l.line === 'string' ? l : { ...l, line: { externalId: externalId('cli'), ...l.line } }));
          const file = join(dir, `run-${++run}.${csv ? 'csv' : 'ndjson'}`);
          const text = csv
            ? ['externalId,type,subject,occurredAt,facts', ...items.map(({ line }) => { const l = line as Record<string, Json>; return [l.externalId, l.type, l.subject, l.occurredAt].map((v) => csvCell(v === undefined ? '' : String(v))).concat(csvCell(JSON.stringify(l.facts ?? {}))).join(','); })].join('\n') + '\n'
            : items.map(({ line }) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n') + '\n';
          writeFileSync(file, text);
          ledger.note(text);
          const goods = items.filter((i) => i.bad === null);
          const bads = items.map((it, i) => ({ ...it, lineNo: i + (csv ? 2 : 1) })).filter((i) => i.bad !== null);
          for (const pass of [1, 2]) {
            const r = await cli(['--db', db, '--json', 'import', '--source', source, file], dir);
            otherTexts.push({ label: `import ${file} (pass ${pass}) output`, text: r.stdout + r.stderr });
            expect(r.stderr, 'no stack trace').not.toMatch(/\n\s+at /);
            expect(r.code, r.stderr).toBe(goods.length > 0 ? 0 : 2);
            const sum = JSON.parse(r.stdout) as { lines: number; stored: number; duplicates: number; rejected: number; rejectFile: string | null };
            expect(sum).toMatchObject({ lines: items.length, stored: pass === 1 ? goods.length : 0, duplicates: pass === 1 ? 0 : goods.length, rejected: bads.length });
            if (bads.length === 0) continue;
            const rejectText = readFileSync(resolve(dir, sum.rejectFile ?? `${file}.rejects.ndjson`), 'utf8');
            otherTexts.push({ label: `reject file of ${file}`, text: rejectText });
            const rejects = rejectText.trim().split('\n').map((l) => JSON.parse(l) as { line: number; field: string; reason: string });
            expect(rejects.map((x) => x.line)).toEqual(bads.map((b) => b.lineNo));
            rejects.forEach((x, i) => {
              expect(x.field, `line ${x.line} (${bads[i].mutation}): ${x.reason}`).toBe(bads[i].bad);
              expect(x.reason.length, `line ${x.line}: a reason`).toBeGreaterThan(5);
            });
          }
          expect(countStored(db, source, goods.map((g) => (g.line as { externalId: string }).externalId))).toBe(goods.length);
        }),
      ),
      budget(4, { endOnFailure: true }),
    );
    for (const ext of ['', '-wal']) if (existsSync(db + ext)) otherTexts.push({ label: `the CLI's database${ext}`, text: readFileSync(db + ext).toString('utf8') });
  }

describe('properties of xinyong import', () => {
  it('random NDJSON and CSV files: never a crash, bad lines refused naming field and reason, good lines stored once, a re-import stores nothing', async () => {
    const err = await importRun;
    if (err) throw err;
  }, 90_000);
});

describe('no clear ID number anywhere', () => {
  it('the leak search finds a number in every form the suite writes it (without the finder under test)', () => {
    fc.assert(
      fc.property(ridArb, fc.constantFrom(...Object.values(RID_FORMS)), fc.string({ maxLength: 20 }), (rid, form, around) => {
        expect(ridsStandingIn(`${around}${form(rid)}${around}`, new Set([rid]))).toHaveLength(1);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('the database file, its WAL, the logs, the CLI database, output and reject files hold none of the ID numbers any request carried', async () => {
    await f.server.svc.receipts.flush();
    expect(ledger.rids.size, 'ID numbers the requests carried').toBeGreaterThan(100);
    const t0 = Date.now();
    const wanted = everyNumber(ledger);
    const found: string[] = [];
    const look = (label: string, text: string) => found.push(...ridsStandingIn(text, wanted).map((r) => `${label}: ${r}`));
    for (const ext of ['', '-wal']) {
      const file = join(f.dir, `x.db${ext}`);
      if (existsSync(file)) look(`x.db${ext}`, readFileSync(file).toString('utf8'));
    }
    const logs = logLines.join('');
    expect(logs.length).toBeGreaterThan(10_000);
    look('server log', logs);
    for (const t of otherTexts) look(t.label, t.text);
    // Both lists at once: where a number was found, and which request put it there.
    expect({ found, takenWithAnIdNumber: stats.takenWithRid }).toEqual({ found: [], takenWithAnIdNumber: [] });
    // And the audit chain, with the indexes beside it, still verifies after all that.
    const verify = await f.req({ method: 'GET', url: '/v1/audit:verify', role: 'admin' });
    expect(verify.json(), verify.body).toMatchObject({ ok: true });
    console.info(`property suite: ${stats.perOp.join(', ')}; ${stats.requests} requests (${[...stats.byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(', ')}), ${stats.refusedCompared} refusals compared (${watch.digests} after a commit), ${ledger.rids.size} ID numbers looked for (${everyNumber(ledger).size} drawn) in ${Date.now() - t0} ms, ${((Date.now() - stats.startedAt) / 1000).toFixed(1)} s in all, seed ${SEED}`);
  });
});
