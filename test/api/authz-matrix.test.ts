/**
 * Who may call what. The table below is the specification, written out by hand rather than read
 * from the routes' `config.access`, so a route that widens or narrows its access by mistake fails
 * here. Every route × every role, plus no credential: allowed cells send a valid request and must
 * succeed (2xx); denied cells must be 401 (no credential) or 403 (wrong role) problems. The table
 * must also cover exactly the routes the server registers, so a new route cannot ship without a row.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { InjectOptions } from 'fastify';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import { buildServer } from '../../src/api/server.js';
import { webDir } from '../../src/api/web.js';
import { KEY_ROLES, type KeyRole } from '../../src/store/port.js';
import { NOW, makeFixture, type Fixture } from './fixture.js';

const ROLES = ['source', 'checker', 'reviewer', 'author', 'admin', 'subject'] as const satisfies readonly KeyRole[];
type Caller = KeyRole | 'none';
const CALLERS: Caller[] = ['none', ...ROLES];
const PUBLIC = 'public' as const;
const AIR = 'transport.air.ticket';
const LIST = 'spc-dishonest-debtors';

/** What the requests need from the fixture city: set up once in beforeAll. */
interface Ctx {
  f: Fixture;
  receipt: string;
  recordId: string;
  catalogDoc: unknown;
  catalogVersion: string;
  /** Publication material by caller: a stored draft to request; requests to approve, reject, withdraw. */
  pub: Record<'request' | 'approve' | 'reject' | 'withdraw', Partial<Record<Caller, string>>>;
  seq: number;
  /** Due process: fresh records to object to, open objections, commitments, repairable records. */
  obRecords: string[];
  openObjections: string[];
  commitments: string[];
  repairable: string[];
  openRepairs: string[];
  /** A key of the source that may report commitment breaches (finance-dept). */
  financeKey: string;
  /** An open objection of the subject-key holder with one file of evidence (case detail, evidence, assignment). */
  caseId: string;
  evidenceId: string;
  /** A key for the one allowed call of the revoke route to revoke. */
  revocable: string;
  next: Record<string, number>;
}

interface Row {
  route: string;
  allowed: readonly KeyRole[] | typeof PUBLIC;
  /** A request that succeeds when an allowed caller sends it. */
  req: (c: Ctx, caller: Caller) => InjectOptions;
}

const purpose = 'purpose=authorisation%20matrix%20test';

/** The specification (DESIGN §1 roles, §8 endpoints). */
const MATRIX: Row[] = [
  { route: 'POST /v1/checks', allowed: ['checker'], req: (c) => ({ method: 'POST', url: '/v1/checks', payload: { subject: c.f.org.ref, action: AIR } }) },
  { route: 'POST /v1/checks:batch', allowed: ['checker'], req: (c) => ({ method: 'POST', url: '/v1/checks:batch', payload: { action: AIR, subjects: [c.f.org.ref, c.f.person, c.f.clean] } }) },
  { route: 'GET /v1/checks/{receipt}', allowed: ['checker', 'reviewer', 'admin'], req: (c) => ({ method: 'GET', url: `/v1/checks/${c.receipt}?${purpose}` }) },
  {
    route: 'POST /v1/records',
    allowed: ['source'],
    // A fresh externalId per call, so every allowed call stores a record (201).
    req: (c) => ({ method: 'POST', url: '/v1/records', payload: { externalId: `authz-${++c.seq}`, type: 'court.contract-breach-judgment', subject: c.f.org.id, occurredAt: '2026-11-01', facts: { caseNo: `(2026) authz ${c.seq}` } } }),
  },
  { route: 'GET /v1/records/{id}', allowed: ['source', 'reviewer'], req: (c) => ({ method: 'GET', url: `/v1/records/${c.recordId}?${purpose}` }) },
  { route: 'GET /v1/subjects', allowed: ['reviewer'], req: (c) => ({ method: 'GET', url: `/v1/subjects?q=${encodeURIComponent(c.f.org.ref)}` }) },
  { route: 'GET /v1/subjects/{ref}', allowed: ['reviewer'], req: (c) => ({ method: 'GET', url: `/v1/subjects/${c.f.person}?${purpose}` }) },
  { route: 'GET /v1/lists/{code}/entries', allowed: ['reviewer'], req: () => ({ method: 'GET', url: `/v1/lists/${LIST}/entries?${purpose}&limit=5` }) },
  { route: 'GET /v1/me', allowed: ['subject'], req: () => ({ method: 'GET', url: '/v1/me' }) },
  { route: 'GET /v1/catalog', allowed: ROLES, req: () => ({ method: 'GET', url: '/v1/catalog' }) },
  { route: 'GET /v1/catalog/versions', allowed: ['reviewer', 'author', 'admin'], req: () => ({ method: 'GET', url: '/v1/catalog/versions' }) },
  { route: 'GET /v1/catalog/versions/{v}', allowed: ['reviewer', 'author', 'admin'], req: (c) => ({ method: 'GET', url: `/v1/catalog/versions/${c.catalogVersion}` }) },
  { route: 'GET /v1/catalog/diff', allowed: ['reviewer', 'author', 'admin'], req: (c) => ({ method: 'GET', url: `/v1/catalog/diff?from=${c.catalogVersion}&to=${c.catalogVersion}` }) },
  { route: 'GET /v1/stats', allowed: ['reviewer', 'author', 'admin'], req: () => ({ method: 'GET', url: '/v1/stats' }) },
  { route: 'GET /v1/whoami', allowed: ROLES, req: () => ({ method: 'GET', url: '/v1/whoami' }) },
  { route: 'GET /v1/auth/config', allowed: PUBLIC, req: () => ({ method: 'GET', url: '/v1/auth/config' }) },
  // The catalog in force, resent: stored already with the same content, so 200 and nothing changes.
  { route: 'POST /v1/catalog/versions', allowed: ['author'], req: (c) => ({ method: 'POST', url: '/v1/catalog/versions', payload: c.catalogDoc as object }) },
  { route: 'POST /v1/catalog/versions:validate', allowed: ['author'], req: (c) => ({ method: 'POST', url: '/v1/catalog/versions:validate', payload: c.catalogDoc as object }) },
  // Four eyes on publishing: each allowed caller requests a stored draft of its own, approves,
  // rejects or withdraws a request prepared for it (approvals publish versions with the content in
  // force, so checks decide as before); a denied caller never reaches the request it names.
  { route: 'POST /v1/catalog/versions/{v}:publish', allowed: ['author', 'admin'], req: (c, caller) => ({ method: 'POST', url: `/v1/catalog/versions/${c.pub.request[caller] ?? c.catalogVersion}:publish` }) },
  { route: 'GET /v1/catalog/publication-requests', allowed: ['reviewer', 'author', 'admin'], req: () => ({ method: 'GET', url: '/v1/catalog/publication-requests?status=pending' }) },
  { route: 'GET /v1/catalog/publication-requests/{id}', allowed: ['reviewer', 'author', 'admin'], req: (c) => ({ method: 'GET', url: `/v1/catalog/publication-requests/${c.pub.reject.author}` }) },
  { route: 'POST /v1/catalog/publication-requests/{id}:approve', allowed: ['author', 'admin'], req: (c, caller) => ({ method: 'POST', url: `/v1/catalog/publication-requests/${c.pub.approve[caller] ?? NO_REQUEST}:approve` }) },
  { route: 'POST /v1/catalog/publication-requests/{id}:reject', allowed: ['author', 'admin'], req: (c, caller) => ({ method: 'POST', url: `/v1/catalog/publication-requests/${c.pub.reject[caller] ?? NO_REQUEST}:reject`, payload: { reason: 'authorisation matrix' } }) },
  { route: 'POST /v1/catalog/publication-requests/{id}:withdraw', allowed: ['author', 'admin'], req: (c, caller) => ({ method: 'POST', url: `/v1/catalog/publication-requests/${c.pub.withdraw[caller] ?? NO_REQUEST}:withdraw` }) },
  { route: 'GET /v1/audit', allowed: ['admin'], req: () => ({ method: 'GET', url: '/v1/audit?limit=5' }) },
  { route: 'GET /v1/audit:verify', allowed: ['admin'], req: () => ({ method: 'GET', url: '/v1/audit:verify' }) },
  { route: 'GET /v1/keys', allowed: ['admin'], req: () => ({ method: 'GET', url: '/v1/keys' }) },
  { route: 'GET /v1/keys/options', allowed: ['admin'], req: () => ({ method: 'GET', url: '/v1/keys/options' }) },
  { route: 'POST /v1/keys', allowed: ['admin'], req: () => ({ method: 'POST', url: '/v1/keys', payload: { name: 'matrix', role: 'checker', scopes: [AIR] } }) },
  { route: 'POST /v1/keys/{id}/revoke', allowed: ['admin'], req: (c) => ({ method: 'POST', url: `/v1/keys/${c.revocable}/revoke`, payload: { reason: 'authorisation matrix' } }) },
  { route: 'GET /public/v1/search', allowed: PUBLIC, req: () => ({ method: 'GET', url: '/public/v1/search?q=co' }) },
  { route: 'GET /public/v1/subjects/{ref}', allowed: PUBLIC, req: (c) => ({ method: 'GET', url: `/public/v1/subjects/${encodeURIComponent(c.f.org.ref)}` }) },
  { route: 'GET /public/v1/announcements', allowed: PUBLIC, req: () => ({ method: 'GET', url: '/public/v1/announcements?limit=2' }) },
  { route: 'GET /public/v1/double-publicity', allowed: PUBLIC, req: () => ({ method: 'GET', url: '/public/v1/double-publicity?kind=penalty&limit=2' }) },
  { route: 'GET /public/v1/due-process', allowed: PUBLIC, req: () => ({ method: 'GET', url: '/public/v1/due-process' }) },
  { route: 'GET /healthz', allowed: PUBLIC, req: () => ({ method: 'GET', url: '/healthz' }) },
  { route: 'GET /v1/openapi.json', allowed: PUBLIC, req: () => ({ method: 'GET', url: '/v1/openapi.json' }) },
  { route: 'GET /docs', allowed: PUBLIC, req: () => ({ method: 'GET', url: '/docs' }) },
  // The web console and the public portal: every page is the app's HTML, for anyone (the app then
  // signs in through the API, which enforces the roles); the built assets are public too.
  ...['/', '/sign-in', '/overview', '/subjects', '/lists', '/catalog', '/review', '/audit', '/keys', '/checks', '/public', '/public/person', '/public/me'].map(
    (url): Row => ({ route: `GET ${url}`, allowed: PUBLIC, req: () => ({ method: 'GET', url }) }),
  ),
  { route: 'GET /review/{id}', allowed: PUBLIC, req: () => ({ method: 'GET', url: '/review/ob_0123456789abcdef' }) },
  { route: 'GET /subjects/{ref}', allowed: PUBLIC, req: (c) => ({ method: 'GET', url: `/subjects/${c.f.org.id}` }) },
  { route: 'GET /public/org/{ref}', allowed: PUBLIC, req: (c) => ({ method: 'GET', url: `/public/org/${encodeURIComponent(c.f.org.ref)}` }) },
  { route: 'GET /assets/{file}', allowed: PUBLIC, req: () => ({ method: 'GET', url: `/assets/${readdirSync(join(webDir(), 'assets')).find((n) => n.endsWith('.js'))}` }) },
  { route: 'POST /v1/dev/sign-in', allowed: PUBLIC, req: () => ({ method: 'POST', url: '/v1/dev/sign-in', payload: { role: 'reviewer' } }) },
  // Due process: each call takes material of its own, so every allowed call can succeed.
  { route: 'POST /v1/objections', allowed: ['subject', 'reviewer'], req: (c) => ({ method: 'POST', url: '/v1/objections', payload: { recordId: take(c, 'obRecords'), reasons: 'authorisation matrix' } }) },
  { route: 'GET /v1/objections', allowed: ['subject', 'reviewer'], req: () => ({ method: 'GET', url: '/v1/objections?overdue=true' }) },
  { route: 'POST /v1/objections/{id}:extend', allowed: ['reviewer'], req: (c) => ({ method: 'POST', url: `/v1/objections/${take(c, 'openObjections')}:extend` }) },
  { route: 'POST /v1/objections/{id}:decide', allowed: ['reviewer'], req: (c) => ({ method: 'POST', url: `/v1/objections/${take(c, 'openObjections')}:decide`, payload: { decision: 'upheld', reason: 'authorisation matrix' } }) },
  { route: 'GET /v1/cases/{id}', allowed: ['subject', 'reviewer'], req: (c) => ({ method: 'GET', url: `/v1/cases/${c.caseId}?${purpose}` }) },
  {
    route: 'POST /v1/cases/{id}/evidence',
    allowed: ['subject', 'reviewer'],
    req: (c) => ({ method: 'POST', url: `/v1/cases/${c.caseId}/evidence`, payload: { filename: 'matrix.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 matrix').toString('base64') } }),
  },
  { route: 'GET /v1/cases/{id}/evidence/{evidenceId}', allowed: ['subject', 'reviewer'], req: (c) => ({ method: 'GET', url: `/v1/cases/${c.caseId}/evidence/${c.evidenceId}?${purpose}` }) },
  { route: 'POST /v1/cases/{id}:assign', allowed: ['reviewer'], req: (c) => ({ method: 'POST', url: `/v1/cases/${c.caseId}:assign`, payload: {} }) },
  { route: 'POST /v1/objections:batch-decide', allowed: ['reviewer'], req: (c, caller) => ({ method: 'POST', url: '/v1/objections:batch-decide', payload: { ids: [caller === 'reviewer' ? take(c, 'openObjections') : 'ob_0000000000000000'], decision: 'upheld', reason: 'authorisation matrix' } }) },
  { route: 'POST /v1/repairs:batch-decide', allowed: ['reviewer'], req: (c, caller) => ({ method: 'POST', url: '/v1/repairs:batch-decide', payload: { ids: [caller === 'reviewer' ? take(c, 'openRepairs') : 'rp_0000000000000000'], decision: 'refuse', reason: 'authorisation matrix' } }) },
  { route: 'POST /v1/commitments', allowed: ['subject'], req: () => ({ method: 'POST', url: '/v1/commitments', payload: { text: 'I will keep the rules of the matrix.', purpose: 'authorisation matrix' } }) },
  {
    route: 'POST /v1/commitments/{id}:breach',
    allowed: ['source'],
    // A breach is reported by the source that sends commitment records (finance-dept), not the court.
    req: (c, caller) => ({ method: 'POST', url: `/v1/commitments/${take(c, 'commitments')}:breach`, payload: { approval: 'permit 2026-7' }, ...(caller === 'source' ? { headers: { authorization: `Bearer ${c.financeKey}` } } : {}) }),
  },
  { route: 'POST /v1/repairs', allowed: ['subject'], req: (c) => ({ method: 'POST', url: '/v1/repairs', payload: { recordId: take(c, 'repairable'), commitmentId: c.commitments[0], obligationMet: 'fine paid' } }) },
  { route: 'GET /v1/repairs', allowed: ['subject', 'reviewer'], req: () => ({ method: 'GET', url: '/v1/repairs' }) },
  { route: 'GET /v1/repairs/eligibility', allowed: ['subject'], req: () => ({ method: 'GET', url: '/v1/repairs/eligibility' }) },
  { route: 'POST /v1/repairs/{id}:decide', allowed: ['reviewer'], req: (c) => ({ method: 'POST', url: `/v1/repairs/${take(c, 'openRepairs')}:decide`, payload: { approve: false, reason: 'authorisation matrix' } }) },
];

const NO_REQUEST = 'pr_0000000000000000';

/**
 * For each caller allowed to publish: a stored draft of the catalog in force under a new version
 * to request; a request by a second author to approve and one to reject; a request of its own to
 * withdraw.
 */
async function preparePublication(f: Fixture, doc: { version: string }): Promise<Ctx['pub']> {
  const second = (await createApiKey(f.ctx.store, { name: 'second author', role: 'author' }, NOW, 'test')).key;
  let n = 0;
  const stored = async () => {
    const version = `${doc.version}-m${++n}`;
    const r = await f.req({ method: 'POST', url: '/v1/catalog/versions', role: 'author', payload: { ...doc, version } });
    expect(r.statusCode, r.body).toBe(201);
    return version;
  };
  const requested = async (key: string) => {
    const r = await f.app.inject({ method: 'POST', url: `/v1/catalog/versions/${await stored()}:publish`, headers: { authorization: `Bearer ${key}` } });
    expect(r.statusCode, r.body).toBe(202);
    return (r.json() as { id: string }).id;
  };
  const pub: Ctx['pub'] = { request: {}, approve: {}, reject: {}, withdraw: {} };
  for (const role of ['author', 'admin'] as const) {
    pub.request[role] = await stored();
    pub.approve[role] = await requested(second);
    pub.reject[role] = await requested(second);
    pub.withdraw[role] = await requested(f.keys[role]);
  }
  return pub;
}

/** The next unused item of a prepared list. */
function take(c: Ctx, list: 'obRecords' | 'openObjections' | 'commitments' | 'repairable' | 'openRepairs'): string {
  const i = (c.next[list] = (c.next[list] ?? -1) + 1);
  const v = c[list][i];
  if (v === undefined) throw new Error(`the matrix ran out of prepared ${list}`);
  return v;
}

let c: Ctx;
beforeAll(async () => {
  const f = await makeFixture();
  const check = await f.req({ method: 'POST', url: '/v1/checks', role: 'checker', payload: { subject: f.org.ref, action: AIR } });
  expect(check.statusCode).toBe(200);
  const rec = await f.req({ method: 'POST', url: '/v1/records', role: 'source', payload: { externalId: 'authz-setup', type: 'court.contract-breach-judgment', subject: f.org.id, occurredAt: '2026-11-01', facts: { caseNo: '(2026) authz setup' } } });
  expect(rec.statusCode).toBe(201);
  const cat = await f.req({ method: 'GET', url: '/v1/catalog', role: 'author' });
  expect(cat.statusCode).toBe(200);
  c = { f, receipt: check.json().receipt, recordId: rec.json().results[0].recordId, catalogDoc: cat.json().doc, catalogVersion: cat.json().version, pub: await preparePublication(f, cat.json().doc), seq: 0, obRecords: [], openObjections: [], commitments: [], repairable: [], openRepairs: [], financeKey: '', revocable: '', caseId: '', evidenceId: '', next: {} };
  c.revocable = (await createApiKey(f.ctx.store, { name: 'to revoke', role: 'checker' }, NOW, 'test')).row.id;
  // Due-process material: records of the subject-key holder to object to and to repair, open
  // objections, commitments and open repair applications, at least one per caller of each row.
  const court = (i: number) => ({ externalId: `authz-ob-${i}`, type: 'court.dishonest-debtor-decision', subject: f.person, occurredAt: '2026-11-01', facts: { caseNo: `AZ-${i}`, court: 'C', ground: 'evades' } });
  const ids = (await f.req({ method: 'POST', url: '/v1/records', role: 'source', payload: { records: Array.from({ length: 24 }, (_, i) => court(i)) } })).json().results.map((r: { recordId: string }) => r.recordId) as string[];
  c.obRecords = ids.slice(0, 8);
  for (const recordId of ids.slice(8)) c.openObjections.push((await f.req({ method: 'POST', url: '/v1/objections', role: 'reviewer', payload: { recordId, reasons: 'prepared' } })).json().id);
  const extra = (await f.req({ method: 'POST', url: '/v1/records', role: 'source', payload: court(99) })).json().results[0].recordId as string;
  c.caseId = (await f.req({ method: 'POST', url: '/v1/objections', role: 'subject', payload: { recordId: extra, reasons: 'prepared, with evidence' } })).json().id;
  const pdf = { filename: 'prepared.pdf', contentType: 'application/pdf', content: Buffer.from('%PDF-1.4 prepared').toString('base64') };
  c.evidenceId = (await f.req({ method: 'POST', url: `/v1/cases/${c.caseId}/evidence`, role: 'subject', payload: pdf })).json().id;
  c.financeKey = (await createApiKey(f.ctx.store, { name: 'finance', role: 'source', source: 'finance-dept' }, NOW, 'test')).key;
  for (let i = 0; i < 8; i++) c.commitments.push((await f.req({ method: 'POST', url: '/v1/commitments', role: 'subject', payload: { text: `Commitment number ${i} of the matrix.`, purpose: 'matrix' } })).json().id);
  const penaltyKey = (await createApiKey(f.ctx.store, { name: 'penalties', role: 'source', source: 'penalties' }, NOW, 'test')).key;
  const minor = (i: number) => ({ externalId: `authz-pen-${i}`, type: 'admin.penalty', subject: f.person, occurredAt: '2026-11-01', facts: { severity: 'minor', decisionNo: `AZ-P-${i}`, authority: 'A' } });
  const pens = await f.app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${penaltyKey}` }, payload: { records: Array.from({ length: 16 }, (_, i) => minor(i)) } });
  const penIds = pens.json().results.map((r: { recordId: string }) => r.recordId) as string[];
  c.repairable = penIds.slice(0, 8);
  for (const recordId of penIds.slice(8)) c.openRepairs.push((await f.req({ method: 'POST', url: '/v1/repairs', role: 'subject', payload: { recordId, commitmentId: c.commitments[7], obligationMet: 'paid' } })).json().id);
  expect([c.openObjections.length, c.openRepairs.filter(Boolean).length]).toEqual([16, 8]);
}, 60_000);
afterAll(async () => c?.f.close());

const send = (caller: Caller, o: InjectOptions) => c.f.req({ ...o, role: caller === 'none' ? undefined : caller });
const isAllowed = (row: Row, caller: Caller) => row.allowed === PUBLIC || (caller !== 'none' && row.allowed.includes(caller));

function expectProblem(r: { statusCode: number; headers: Record<string, unknown>; json(): unknown }, status: number, code: string, cell: string) {
  expect(r.statusCode, cell).toBe(status);
  expect(String(r.headers['content-type']), cell).toMatch(/^application\/problem\+json/);
  expect(r.json(), cell).toMatchObject({ status, code });
}

/**
 * The routes the server registers, from `printRoutes` (hooks cannot be added after `ready`):
 * METHOD + path as the OpenAPI document writes it, without HEAD (Fastify adds one per GET) and
 * without the swagger-ui assets under /docs/.
 */
function registeredRoutes(tree: string): Set<string> {
  const out = new Set<string>();
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(.*)$/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    const mm = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(m[2]) as RegExpExecArray;
    stack.length = depth;
    stack.push(mm[1]);
    // find-my-way shows a static `::` as `:`; a parameter is `/:name` with an optional `(regex)`.
    const path = stack.join('').replace(/\/:(\w+)(\([^)]*\))?/g, '/{$1}').replace(/::/g, ':');
    for (const method of (mm[2] ?? '').split(', ').filter(Boolean)) {
      if (method !== 'HEAD' && !path.startsWith('/docs/')) out.add(`${method} ${path}`);
    }
  }
  return out;
}

describe('the authorisation matrix', () => {
  it('covers exactly the routes the server registers, and exactly the roles there are', () => {
    expect(new Set(ROLES)).toEqual(new Set(KEY_ROLES));
    const registered = registeredRoutes(c.f.app.printRoutes({ commonPrefix: false }));
    expect(registered.size).toBeGreaterThan(15);
    expect([...registered].sort()).toEqual(MATRIX.map((r) => r.route).sort());
  });

  describe.each(MATRIX)('$route', (row) => {
    it.each(CALLERS)('%s', async (caller) => {
      const cell = `${row.route} as ${caller}`;
      const r = await send(caller, row.req(c, caller));
      if (isAllowed(row, caller)) {
        // /docs may redirect to its index page; everything else answers a valid request with 2xx.
        const ok = row.route === 'GET /docs' ? r.statusCode >= 200 && r.statusCode < 400 : r.statusCode >= 200 && r.statusCode < 300;
        expect(ok, `${cell}: ${r.statusCode} ${r.body.slice(0, 300)}`).toBe(true);
      } else if (caller === 'none') {
        expectProblem(r, 401, 'XY_ERR_UNAUTHENTICATED', cell);
        expect(r.headers['www-authenticate'], cell).toMatch(/^Bearer/);
      } else {
        expectProblem(r, 403, 'XY_ERR_FORBIDDEN', cell);
      }
    });
  });
});

describe('credentials that are not valid', () => {
  const garbage: [string, (f: Fixture) => string][] = [
    ['an unknown word', () => 'Bearer garbage'],
    ['a well-formed key that was never issued', () => `Bearer xy_k_000000000000_${'A'.repeat(43)}`],
    ['a real key id with the wrong secret', (f) => `Bearer ${f.keys.admin.slice(0, -1)}${f.keys.admin.endsWith('A') ? 'B' : 'A'}`],
    ['a key without the Bearer scheme', (f) => f.keys.admin],
    ['Basic auth', () => `Basic ${Buffer.from('admin:admin').toString('base64')}`],
    ['Bearer with nothing after it', () => 'Bearer '],
    ['a JWT that is not one', () => 'Bearer a.b.c'],
    ['a credential over 8 KiB', () => `Bearer xy_${'a'.repeat(9000)}`],
  ];
  it.each(garbage)('%s → 401', async (_name, header) => {
    const r = await c.f.req({ method: 'GET', url: '/v1/audit', headers: { authorization: header(c.f) } });
    expectProblem(r, 401, 'XY_ERR_UNAUTHENTICATED', _name);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
  });

  it('a public route ignores a credential, even a bad one', async () => {
    for (const url of ['/healthz', '/public/v1/search?q=co', '/v1/auth/config']) {
      expect((await c.f.req({ method: 'GET', url, headers: { authorization: 'Bearer garbage' } })).statusCode, url).toBe(200);
    }
  });

  it('a dev token signed with another secret → 401', async () => {
    const jwt = await new SignJWT({ xinyong_role: 'admin' }).setProtectedHeader({ alg: 'HS256' }).setIssuer('xinyong-dev').setSubject('dev-admin').setIssuedAt().setExpirationTime('1h').sign(randomBytes(32));
    expectProblem(await c.f.req({ method: 'GET', url: '/v1/audit', headers: { authorization: `Bearer ${jwt}` } }), 401, 'XY_ERR_UNAUTHENTICATED', 'forged dev token');
  });

  it('a revoked key → 401', async () => {
    // Never used before revocation: the Authenticator caches verified keys for 30 s.
    const { key, row } = await createApiKey(c.f.ctx.store, { name: 'to revoke', role: 'admin' }, NOW, 'test');
    expect(await c.f.ctx.store.revokeApiKey(row.id, NOW, { at: NOW, actor: 'test', action: 'key.revoked', subjectId: null, data: { id: row.id } })).toBe(true);
    expectProblem(await c.f.req({ method: 'GET', url: '/v1/audit', headers: { authorization: `Bearer ${key}` } }), 401, 'XY_ERR_UNAUTHENTICATED', 'revoked');
  });

  it('a key revoked after use → 401 on a server that has not cached it', async () => {
    const { key, row } = await createApiKey(c.f.ctx.store, { name: 'used then revoked', role: 'admin' }, NOW, 'test');
    expect((await c.f.req({ method: 'GET', url: '/v1/audit:verify', headers: { authorization: `Bearer ${key}` } })).statusCode).toBe(200);
    await c.f.ctx.store.revokeApiKey(row.id, NOW, { at: NOW, actor: 'test', action: 'key.revoked', subjectId: null, data: { id: row.id } });
    const fresh = await buildServer({ ctx: c.f.ctx, now: () => NOW, logLevel: 'silent', refreshEveryMs: 0 });
    try {
      expectProblem(await fresh.app.inject({ method: 'GET', url: '/v1/audit', headers: { authorization: `Bearer ${key}` } }), 401, 'XY_ERR_UNAUTHENTICATED', 'revoked after use');
    } finally {
      await fresh.app.close();
    }
  });
});

describe('dev sign-in', () => {
  it('hands out a token that works as that role, and only as that role', async () => {
    const r = await c.f.req({ method: 'POST', url: '/v1/dev/sign-in', payload: { role: 'reviewer' } });
    expect(r.statusCode).toBe(200);
    const { token, role } = r.json() as { token: string; role: string };
    expect(role).toBe('reviewer');
    const auth = { authorization: `Bearer ${token}` };
    const read = await c.f.req({ method: 'GET', url: `/v1/subjects/${c.f.person}?${purpose}`, headers: auth });
    expect(read.statusCode, read.body.slice(0, 300)).toBe(200);
    expectProblem(await c.f.req({ method: 'POST', url: '/v1/checks', headers: auth, payload: { subject: c.f.org.ref, action: AIR } }), 403, 'XY_ERR_FORBIDDEN', 'reviewer token on checks');
    expectProblem(await c.f.req({ method: 'GET', url: '/v1/audit', headers: auth }), 403, 'XY_ERR_FORBIDDEN', 'reviewer token on audit');
  });

  it('does not exist on a server built without dev, where dev tokens are not accepted either', async () => {
    const token = ((await c.f.req({ method: 'POST', url: '/v1/dev/sign-in', payload: { role: 'reviewer' } })).json() as { token: string }).token;
    const prod = await buildServer({ ctx: c.f.ctx, now: () => NOW, logLevel: 'silent', refreshEveryMs: 0 });
    try {
      const r = await prod.app.inject({ method: 'POST', url: '/v1/dev/sign-in', payload: { role: 'reviewer' } });
      expectProblem(r, 404, 'XY_ERR_ROUTE_NOT_FOUND', 'sign-in without dev');
      const read = await prod.app.inject({ method: 'GET', url: `/v1/subjects/${c.f.person}?${purpose}`, headers: { authorization: `Bearer ${token}` } });
      expectProblem(read, 401, 'XY_ERR_UNAUTHENTICATED', 'dev token without dev');
    } finally {
      await prod.app.close();
    }
  });
});
