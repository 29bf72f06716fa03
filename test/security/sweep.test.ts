/**
 * The sweep (issue 16, build list): every free-text input of every endpoint and every CLI command,
 * tried with resident identity numbers written every way the finding named and some more; then
 * the database file, its WAL and the captured logs and output are searched: zero clear occurrences.
 *
 * - API: the fields come from the OpenAPI document the server writes: every string property (and
 *   string enum) of every request body, at any depth, every query and path parameter of every
 *   operation, and every string of the base bodies below (the schemaless parts: record facts and
 *   registrations, the whole catalog document). An operation with a body and no base here fails
 *   the sweep, so a new endpoint cannot slip past it. A declared subject reference is tried with
 *   the variants that are not a whole reference. Each try must be refused: 400, naming that field.
 * - CLI: every option that takes a value and every argument of every command (from the program
 *   itself), with every variant, through the one check (actions stubbed: nothing runs); then the
 *   built `bin/xinyong.js` on the sweep's database for each command that stores or logs free text.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CommanderError, type Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refsInQuery } from '../../src/app/subjects.js';
import { createApiKey } from '../../src/app/keys.js';
import { buildProgram } from '../../src/cli/main.js';
import { SUBJECT_REFS } from '../../src/cli/free-text.js';
import { ridsIn } from '../../src/ids/rid-finder.js';
import type { KeyRole } from '../../src/store/port.js';
import { makeFixture, type Fixture } from '../api/fixture.js';

const A = '11010519491231002X';
const B = '110101199003074514';
const wide = (s: string) => s.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const NUMBERS = [A, B];

/** The ways a number was slipped past, and more: each is a whole value or a value inside text. */
const VARIANTS: [string, string][] = [
  ['plain', A],
  ['in text', `张三${A}号`],
  ['behind a leading digit', `(2026)0${A}`],
  ['before trailing digits', `${B}2026`],
  ['spaces', '110105 19491231 002X'],
  ['hyphens', '110105-19491231-002X'],
  ['full-width', wide(A)],
  ['ideographic spaces, lower-case x', '110105\u300019491231\u3000002x'],
  ['zero-width spaces', A.split('').join('\u200b')],
  ['dots', '110.101.199.003.074.514'],
];
const isReference = (v: string) => refsInQuery(v.trim()).length > 0;

const logs: string[] = [];
const logStream = new Writable({ write: (chunk, _e, cb) => (logs.push(String(chunk)), cb()) });
const output: string[] = [];
let f: Fixture;
let mps: string;
let doc: OpenApi;
const ids = { record: '', objection: '', commitment: '' };
const started = Date.now();

beforeAll(async () => {
  f = await makeFixture({ persons: 1500, enterprises: 200, server: { logLevel: 'info', logStream } });
  mps = (await createApiKey(f.ctx.store, { name: 'residents registry', role: 'source', source: 'mps' }, f.server.svc.now(), 'test')).key;
  doc = (await f.req({ method: 'GET', url: '/v1/openapi.json' })).json();
  ids.record = ((await f.ctx.store.recordsOf([f.person])).get(f.person) ?? [])[0].id;
  const ob = await f.req({ method: 'POST', url: '/v1/objections', role: 'subject', payload: { recordId: ids.record, reasons: 'not my debt' } });
  ids.objection = ob.json().id;
  const cm = await f.req({ method: 'POST', url: '/v1/commitments', role: 'subject', payload: { text: 'I will pay what the court ordered', purpose: 'repair' } });
  ids.commitment = cm.json().id;
  if (!ids.objection || !ids.commitment) throw new Error(`the sweep's cases were not made: ${ob.body} ${cm.body}`);
}, 120_000);
afterAll(async () => f?.close());

// ---- the OpenAPI document ----

type Schema = Record<string, unknown>;
interface Operation {
  parameters?: { in: string; name: string; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
interface OpenApi {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const deref = (s: Schema): Schema => (typeof s.$ref === 'string' ? (doc.components?.schemas?.[s.$ref.split('/').pop() as string] ?? {}) : s);
const isText = (s: Schema) => s.type === 'string' || (Array.isArray(s.enum) && s.enum.every((x) => typeof x === 'string'));

/** Every string a schema declares, as pointer patterns (`*` an array item), and which of them are subject references. */
function declaredStrings(schema: Schema | undefined, at: string[] = [], out: { at: string[]; ref: boolean }[] = []) {
  if (!schema) return out;
  const s = deref(schema);
  const mark = s['x-subject-ref'];
  if (isText(s)) out.push({ at, ref: mark === true });
  if (Array.isArray(mark)) for (const p of mark as string[]) out.push({ at: [...at, ...p.split('/').filter(Boolean)], ref: true });
  for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) declaredStrings(v, [...at, k], out);
  if (s.items) declaredStrings(s.items as Schema, [...at, '*'], out);
  for (const k of ['anyOf', 'oneOf', 'allOf']) for (const v of (s[k] ?? []) as Schema[]) declaredStrings(v, at, out);
  return out;
}

const matches = (pattern: string[], path: string[]) => pattern.length === path.length && pattern.every((p, i) => p === '*' || p === path[i]);
const pointer = (path: string[]) => '/' + path.map((k) => k.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** Every string leaf of a value, as a path. */
function leaves(v: unknown, at: string[] = [], out: string[][] = []): string[][] {
  if (typeof v === 'string') out.push(at);
  else if (Array.isArray(v)) v.forEach((x, i) => leaves(x, [...at, String(i)], out));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) leaves(x, [...at, k], out);
  return out;
}

function setAt(v: unknown, path: string[], value: string): unknown {
  const copy = structuredClone(v) as Record<string, unknown>;
  let node = copy as Record<string, unknown>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>;
  node[path[path.length - 1]] = value;
  return copy;
}

// ---- what each operation is sent, but for the one field under test ----

type As = KeyRole | 'mps' | 'public';
interface Base {
  as: As;
  body?: () => unknown;
  query?: Record<string, string>;
  path?: Record<string, string>;
}

const line = () => ({ externalId: 'sweep-1', type: 'court.dishonest-debtor-decision', subject: f.org.ref, occurredAt: '2026-03-01', facts: { caseNo: '(2026)鲁1002执9号', court: '威海市环翠区人民法院', ground: 'evades' } });
const registration = () => ({ kind: 'subject', subject: 'cn-uscc:91371002MA3C7K2N7R', name: '荣成扫描有限公司', subjectKind: 'enterprise', region: '371082', relations: [{ role: 'legal-representative', subject: 'cn-rid:360426199101010071' }] });
/** The catalog in force as an author drafts the next version: without the national layer, which no draft writes. */
async function catalogDraft() {
  const { national: _national, ...doc } = (await f.req({ method: 'GET', url: '/v1/catalog', role: 'author' })).json().doc;
  return { ...doc, version: '2026.9-sweep' };
}

function bases(catalog: unknown): Record<string, Base[]> {
  const purpose = { purpose: 'sweep review' };
  return {
    'POST /v1/checks': [{ as: 'checker', body: () => ({ subject: f.org.ref, action: 'transport.air.ticket', at: '2026-11-01', reference: 'order 88231' }) }, { as: 'checker', body: () => ({ subject: f.org.ref, action: 'transport.air.ticket', asOf: '2026-11-01' }) }],
    'POST /v1/checks:batch': [{ as: 'checker', body: () => ({ action: 'transport.air.ticket', subjects: [f.org.ref, f.person], at: '2026-11-01' }) }],
    'POST /v1/records': [
      { as: 'source', body: line, query: { async: 'false' } },
      { as: 'source', body: () => ({ records: [line(), { ...line(), externalId: 'sweep-2' }] }) },
      { as: 'mps', body: registration },
      { as: 'mps', body: () => ({ records: [registration()] }) },
    ],
    'POST /v1/catalog/versions': [{ as: 'author', body: () => structuredClone(catalog) }],
    'POST /v1/catalog/versions:validate': [{ as: 'author', body: () => structuredClone(catalog) }],
    'POST /v1/catalog/versions/{v}:publish': [{ as: 'author', path: { v: 'cn-demo@2026.2' }, body: () => ({ note: 'tighter retention for penalties' }) }],
    'GET /v1/catalog/publication-requests': [{ as: 'author', query: { status: 'pending' } }],
    'GET /v1/catalog/publication-requests/{id}': [{ as: 'author', path: { id: 'pr_0123456789abcdef' } }],
    'POST /v1/catalog/publication-requests/{id}:approve': [{ as: 'admin', path: { id: 'pr_0123456789abcdef' }, body: () => ({ hash: 'a'.repeat(64) }) }],
    'POST /v1/catalog/publication-requests/{id}:reject': [{ as: 'admin', path: { id: 'pr_0123456789abcdef' }, body: () => ({ reason: 'the retention has no legal basis' }) }],
    'POST /v1/catalog/publication-requests/{id}:withdraw': [{ as: 'author', path: { id: 'pr_0123456789abcdef' }, body: () => ({ reason: 'superseded by the next draft' }) }],
    'POST /v1/objections': [
      { as: 'subject', body: () => ({ recordId: ids.record, reasons: 'not my debt', attachments: ['doc 2026-7'] }) },
      { as: 'reviewer', body: () => ({ entryId: 'e_0123456789ab', subject: f.person, reasons: 'filed for the person' }) },
    ],
    'POST /v1/objections/{id}:extend': [{ as: 'reviewer', path: { id: 'ob_0123456789abcdef' } }],
    'POST /v1/objections/{id}:decide': [{ as: 'reviewer', path: { id: 'ob_0123456789abcdef' }, body: () => ({ decision: 'corrected', reason: 'typo in the case number', facts: { caseNo: '(2026)鲁1002执9号', court: '威海市环翠区人民法院', ground: 'evades' } }) }],
    'POST /v1/commitments': [{ as: 'subject', body: () => ({ text: 'I will pay what the court ordered', purpose: 'repair' }) }],
    'POST /v1/commitments/{id}:breach': [{ as: 'source', path: { id: 'cm_0123456789abcdef' }, body: () => ({ approval: 'licence 7', occurredAt: '2026-11-01' }) }],
    'POST /v1/repairs': [
      { as: 'subject', body: () => ({ recordId: ids.record, commitmentId: ids.commitment, obligationMet: 'paid in full' }) },
      { as: 'subject', body: () => ({ recordId: ids.record, commitment: { text: 'I will pay what the court ordered', purpose: 'repair' }, obligationMet: 'paid in full' }) },
    ],
    'POST /v1/repairs/{id}:decide': [{ as: 'reviewer', path: { id: 'rp_0123456789abcdef' }, body: () => ({ approve: true, reason: 'paid in full' }) }],
    'POST /v1/objections:batch-decide': [{ as: 'reviewer', body: () => ({ ids: ['ob_0123456789abcdef'], decision: 'upheld', reason: 'the penalties stand' }) }],
    'POST /v1/repairs:batch-decide': [{ as: 'reviewer', body: () => ({ ids: ['rp_0123456789abcdef'], decision: 'refuse', reason: 'paid after the deadline' }) }],
    'POST /v1/cases/{id}:assign': [{ as: 'reviewer', path: { id: 'ob_0123456789abcdef' }, body: () => ({ to: 'key:k_0123456789ab' }) }],
    'POST /v1/cases/{id}/evidence': [{ as: 'subject', path: { id: 'ob_0123456789abcdef' }, body: () => ({ filename: 'ruling.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 ruling').toString('base64') }) }],
    'GET /v1/cases/{id}': [{ as: 'reviewer', path: { id: 'ob_0123456789abcdef' }, query: purpose }],
    'GET /v1/cases/{id}/evidence/{evidenceId}': [{ as: 'reviewer', path: { id: 'ob_0123456789abcdef', evidenceId: 'ev_0123456789abcdef' }, query: purpose }],
    'POST /v1/dev/sign-in': [{ as: 'public', body: () => ({ role: 'checker', scopes: ['transport.air.ticket'] }) }, { as: 'public', body: () => ({ role: 'source', source: 'spc' }) }, { as: 'public', body: () => ({ role: 'subject', subject: f.person }) }],
    'GET /v1/checks/{receipt}': [{ as: 'reviewer', path: { receipt: 'rc_0123456789abcdef01234567' }, query: purpose }],
    'GET /v1/records/{id}': [{ as: 'reviewer', path: { id: ids.record }, query: purpose }],
    'GET /v1/subjects': [{ as: 'reviewer', query: { q: '有限公司' } }, { as: 'reviewer', query: { scheme: 'enterprise-class', grade: 'C', ...purpose } }],
    'GET /v1/subjects/{ref}': [{ as: 'reviewer', path: { ref: f.person }, query: { ...purpose, asOf: '2026-11-01' } }],
    'GET /v1/lists/{code}/entries': [{ as: 'reviewer', path: { code: 'spc-dishonest-debtors' }, query: { ...purpose, after: 'e_0' } }],
    'GET /v1/me': [{ as: 'subject', query: { asOf: '2026-11-01' } }],
    'GET /v1/catalog/versions/{v}': [{ as: 'author', path: { v: '2026.2' } }],
    'GET /v1/catalog/diff': [{ as: 'author', query: { from: '2026.2', to: '2026.2' } }],
    'GET /v1/audit': [{ as: 'admin', query: { action: 'check.decided', subject: f.person, actor: 'key:k_0123456789ab', ...purpose } }],
    'GET /v1/objections': [{ as: 'reviewer', query: { status: 'open', subject: f.person, ...purpose } }],
    'GET /v1/repairs': [{ as: 'reviewer', query: { status: 'open', subject: f.person, ...purpose } }],
    'GET /public/v1/search': [{ as: 'public', query: { q: '有限公司' } }],
    'GET /public/v1/subjects/{ref}': [{ as: 'public', path: { ref: f.org.ref }, query: { name: '张三' } }],
    'GET /public/v1/announcements': [{ as: 'public', query: { limit: '2' } }],
    'GET /public/v1/double-publicity': [{ as: 'public', query: { kind: 'licence', limit: '2' } }],
    'POST /v1/keys': [
      { as: 'admin', body: () => ({ name: 'ticket office 7', role: 'checker', scopes: ['transport.air.ticket'] }) },
      { as: 'admin', body: () => ({ name: 'court feed', role: 'source', source: 'spc' }) },
      { as: 'admin', body: () => ({ name: 'resident portal', role: 'subject', subject: f.person }) },
    ],
    'GET /v1/stats': [{ as: 'admin', query: { range: '30d' } }],
    'POST /v1/keys/{id}/revoke': [{ as: 'admin', path: { id: 'k_0123456789ab' }, body: () => ({ reason: 'the office closed' }) }],
  };
}

function send(label: string, b: Base, over: { body?: unknown; query?: Record<string, string>; path?: Record<string, string> }) {
  const [method, template] = label.split(' ');
  const path = { ...b.path, ...over.path };
  const url = template.replace(/\{(\w+)\}/g, (_m, k: string) => encodeURIComponent(path[k] ?? 'x'));
  const query = new URLSearchParams({ ...b.query, ...over.query }).toString();
  const headers = b.as === 'public' ? {} : { authorization: `Bearer ${b.as === 'mps' ? mps : f.keys[b.as]}` };
  const body = over.body ?? b.body?.();
  return f.app.inject({ method: method as 'GET', url: query ? `${url}?${query}` : url, headers, ...(body === undefined ? {} : { payload: body as never }) });
}

describe('the sweep', () => {
  let tried = 0;

  it('refuses every variant in every free-text field of every endpoint, naming the field', async () => {
    const all = bases(await catalogDraft());
    const failures: string[] = [];
    const uncovered: string[] = [];
    let catalogTurn = 0;
    for (const [template, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const label = `${method.toUpperCase()} ${template}`;
        const schema = op.requestBody?.content?.['application/json']?.schema;
        const params = (op.parameters ?? []).filter((p) => (p.in === 'query' || p.in === 'path') && p.schema && isText(deref(p.schema)));
        if (!schema && params.length === 0) continue;
        const list = all[label];
        if (!list) {
          uncovered.push(`${label}: no base request in the sweep`);
          continue;
        }
        const declared = declaredStrings(schema);
        const covered = new Set<string>();
        const expect400 = async (b: Base, over: Parameters<typeof send>[2], field: string, what: string) => {
          const r = await send(label, b, over);
          tried++;
          const p = r.statusCode === 400 ? r.json() : null;
          if (!p || p.field !== field || !/resident identity number/.test(p.detail)) failures.push(`${label} ${what}: ${r.statusCode} ${r.body.slice(0, 160)}`);
        };
        for (const b of list) {
          // The body: every string the base holds, and every declared one that is there.
          if (b.body) {
            const base = b.body();
            const refs = declared.filter((d) => d.ref).map((d) => d.at);
            const paths = leaves(base);
            const big = paths.length > 40;
            for (const path of paths) {
              const isRef = refs.some((p) => matches(p, path));
              for (const d of declared) if (matches(d.at, path)) covered.add(d.at.join('/'));
              // A whole catalog: one variant a field, in turn; anything else: every variant.
              const variants = big ? [VARIANTS[catalogTurn++ % VARIANTS.length]] : VARIANTS;
              for (const [name, v] of variants) {
                if (isRef && isReference(v)) continue;
                await expect400(b, { body: setAt(base, path, isRef ? `${v} ${v}` : v) }, pointer(path), `${pointer(path)} ${name}`);
              }
            }
          }
          for (const p of params) {
            const isRef = deref(p.schema as Schema)['x-subject-ref'] === true;
            covered.add(`${p.in}:${p.name}`);
            for (const [name, v] of VARIANTS) {
              if (isRef && isReference(v)) continue;
              const over = p.in === 'query' ? { query: { [p.name]: v } } : { path: { [p.name]: v } };
              await expect400(b, over, `${p.in === 'query' ? 'querystring' : 'params'}:/${p.name}`, `${p.in} ${p.name} ${name}`);
            }
          }
        }
        for (const d of declared) if (!covered.has(d.at.join('/'))) uncovered.push(`${label}: ${pointer(d.at)} is in no base request`);
        for (const p of params) if (!covered.has(`${p.in}:${p.name}`)) uncovered.push(`${label}: ${p.in} ${p.name}`);
      }
    }
    expect(uncovered).toEqual([]);
    expect(failures).toEqual([]);
    expect(tried).toBeGreaterThan(3000);
  }, 240_000);

  it('refuses every variant in every option and argument of every CLI command (the one check; nothing runs)', async () => {
    const failures: string[] = [];
    const leavesOf = (c: Command, path: string[] = []): [string[], Command][] => c.commands.flatMap((s) => (s.commands.length ? leavesOf(s, [...path, s.name()]) : [[[...path, s.name()], s] as [string[], Command]]));
    const probe = buildProgram();
    // What each command needs besides the value under test, so that only that value can stop it.
    const BASE: Record<string, { args?: string[]; opts?: Record<string, string | true> }> = {
      'objection-decide': { args: ['ob_0123456789abcdef'], opts: { '--reason': 'typo', '--decision': 'upheld' } },
      'repair-decide': { args: ['rp_0123456789abcdef'], opts: { '--reason': 'paid', '--approve': true } },
      'keys create': { opts: { '--role': 'checker', '--name': 'office' } },
      'keys revoke': { args: ['k_0123456789ab'] },
      subject: { args: ['s_0123456789abcdef01234567'] },
      check: { opts: { '--subject': 's_0123456789abcdef01234567', '--action': 'transport.air.ticket' } },
      list: { opts: { '--name': 'spc-dishonest-debtors' } },
      import: { args: ['records.ndjson'], opts: { '--source': 'spc' } },
      'catalog validate': { args: ['dir'] },
      'catalog diff': { args: ['a', 'b'] },
      'catalog publish': { args: ['dir'] },
      'catalog approve': { args: ['pr_0123456789abcdef'] },
      'catalog reject': { args: ['pr_0123456789abcdef'], opts: { '--reason': 'no legal basis' } },
      'catalog withdraw': { args: ['pr_0123456789abcdef'] },
    };
    for (const [words, cmd] of leavesOf(probe)) {
      const name = words.join(' ');
      const base = BASE[name] ?? {};
      const slots = [...[...cmd.options, ...probe.options].filter((o) => o.required || o.optional).map((o) => o.long as string), ...cmd.registeredArguments.map((_a, i) => i)];
      for (const slot of slots) {
        const isRef = typeof slot === 'string' ? (SUBJECT_REFS[name] ?? []).includes(slot) : (SUBJECT_REFS[name] ?? []).includes(`<${cmd.registeredArguments[slot].name()}>`);
        for (const [vname, v] of VARIANTS) {
          if (isRef && isReference(v)) continue;
          const args = [...(base.args ?? [])];
          const opts: Record<string, string | true> = { ...base.opts };
          if (typeof slot === 'number') args[slot] = v;
          else opts[slot] = v;
          const argv = ['node', 'xinyong', ...words, ...args, ...Object.entries(opts).flatMap(([k, x]) => (x === true ? [k] : [k, x]))];
          const program = buildProgram();
          let ran = false;
          const said: string[] = [];
          const all: Command[] = [program];
          for (let i = 0; i < all.length; i++) all.push(...all[i].commands);
          for (const c of all) {
            c.exitOverride().configureOutput({ writeOut: (s) => void said.push(s), writeErr: (s) => void said.push(s) });
            if (c.commands.length === 0) c.action(() => void (ran = true));
          }
          try {
            await program.parseAsync(argv);
          } catch (e) {
            // Commander has said what it says about a bad value (masked, above); our own refusals are printed by main().
            if (!(e instanceof CommanderError)) said.push(String((e as Error).message));
          }
          tried++;
          output.push(...said);
          if (ran) failures.push(`${name} ${typeof slot === 'number' ? `<${cmd.registeredArguments[slot].name()}>` : slot} ${vname}: ran`);
        }
      }
    }
    expect(failures).toEqual([]);
  }, 60_000);

  it('refuses the built bin/xinyong.js every variant in the free text it stores or logs', async () => {
    const runs: string[][] = [
      ['keys', 'create', '--role', 'checker', '--name', '$V'],
      ['subject', f.person, '--purpose', '$V'],
      ['list', '--name', 'spc-dishonest-debtors', '--purpose', '$V'],
      ['check', '--subject', f.org.ref, '--action', 'transport.air.ticket', '--reference', '$V'],
      ['objection-decide', ids.objection, '--decision', 'upheld', '--reason', '$V'],
      ['repair-decide', 'rp_0123456789abcdef', '--approve', '--reason', '$V'],
      ['audit', 'log', '--subject', f.person, '--purpose', '$V'],
      ['notices', '--subject', f.person, '--purpose', '$V'],
    ];
    const bin = join(import.meta.dirname, '..', '..', 'bin', 'xinyong.js');
    const one = (args: string[]) =>
      new Promise<{ code: number | null; out: string }>((done) => {
        const p = spawn(process.execPath, [bin, '--db', join(f.dir, 'x.db'), ...args]);
        let out = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (out += d));
        p.on('close', (code) => done({ code, out }));
      });
    // Every variant once, every command at least once (the matrix above tried every pair in-process); two at a time.
    const jobs = VARIANTS.map(([vname, v], i) => ({ what: `${runs[i % runs.length].slice(0, 2).join(' ')} ${vname}`, args: runs[i % runs.length].map((x) => (x === '$V' ? v : x)) }));
    const results: string[] = [];
    for (let i = 0; i < jobs.length; i += 2) {
      const done = await Promise.all(jobs.slice(i, i + 2).map(async (j) => ({ j, r: await one(j.args) })));
      for (const { j, r } of done) {
        tried++;
        output.push(r.out);
        if (r.code !== 1 || !/must not contain a resident identity number/.test(r.out)) results.push(`${j.what}: exit ${r.code} ${r.out.slice(0, 160)}`);
      }
    }
    expect(results).toEqual([]);
  }, 60_000);

  it('leaves no clear ID number in the database, its WAL, the server log or the CLI output', async () => {
    await f.server.svc.receipts.flush();
    const places: [string, string][] = [['server log', logs.join('')], ['CLI output', output.join('')]];
    for (const file of ['x.db', 'x.db-wal']) {
      try {
        places.push([file, readFileSync(join(f.dir, file)).toString('utf8')]);
      } catch {
        // no WAL: nothing written since the last checkpoint
      }
    }
    expect(logs.length).toBeGreaterThan(500);
    for (const [where, text] of places) {
      for (const n of NUMBERS) {
        expect(text.includes(n.slice(0, 17)), `${where}: ${n.slice(0, 6)}…`).toBe(false);
        expect(text.includes(wide(n).slice(0, 17)), `${where}: full-width ${n.slice(0, 6)}…`).toBe(false);
      }
      for (const [name, v] of VARIANTS) expect(text.includes(v), `${where}: ${name}`).toBe(false);
      // However written: the finder itself, over the whole file, finds neither number.
      const found = new Set(ridsIn(text));
      for (const n of NUMBERS) expect(found.has(n), `${where}: ${n.slice(0, 6)}… written some other way`).toBe(false);
    }
    // eslint-disable-next-line no-console
    console.log(`sweep: ${tried} tries in ${((Date.now() - started) / 1000).toFixed(1)} s (fixture included)`);
  });
});
