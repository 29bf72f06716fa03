/**
 * The endpoints a web console is built on: city-wide figures (`GET /v1/stats`), finding a subject
 * (`GET /v1/subjects?q=`), the record timeline of the subject view, reading and comparing stored
 * catalog versions, who the caller is (`GET /v1/whoami`) and how to sign in (`GET /v1/auth/config`).
 * Figures are checked against the fixture city as read straight from the store.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import { buildServer, type Server } from '../../src/api/server.js';
import { ENTRY_STATUSES, ORG_KINDS, type CreditRecord, type SubjectKind } from '../../src/domain/types.js';
import { regionName } from '../../src/catalog/region.js';
import { ridCheckChar } from '../../src/ids/index.js';
import { KEY_ROLES, type KeyRole } from '../../src/store/port.js';
import { NOW, clockedServer, makeFixture, type Fixture } from './fixture.js';

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();
const month = (t: number) => iso(t).slice(0, 7);

let f: Fixture;
let s: Server;
let clock: { now: number };
beforeAll(async () => {
  f = await makeFixture();
  ({ server: s, clock } = await clockedServer(f));
}, 60_000);
afterAll(async () => {
  await s?.app.close();
  await f?.close();
});

/** A request to the clocked server, as a role (or with no credential). */
const as = (role: KeyRole | null, o: InjectOptions) => s.app.inject({ ...o, headers: { ...(role ? { authorization: `Bearer ${f.keys[role]}` } : {}), ...(o.headers ?? {}) } });
const get = async (role: KeyRole | null, url: string) => {
  const r = await as(role, { method: 'GET', url });
  return { status: r.statusCode, body: r.json(), text: r.body };
};

/** The figures of the city computed here, row by row, from what the store holds. */
/** The flows of all time (`range=all`, the default), from the monthly flows: every month from the first to now's, zeros included, per list of the catalog. */
function allTime(listFlows: Record<string, { month: string; inflow: number; outflow: number }[]>) {
  const first = Object.values(listFlows).flat().map((m) => m.month).sort()[0] ?? month(NOW);
  const periods: string[] = [];
  for (const d = new Date(`${first}-01T00:00:00Z`); month(d.getTime()) <= month(NOW); d.setUTCMonth(d.getUTCMonth() + 1)) periods.push(month(d.getTime()));
  const lists = Object.fromEntries(
    f.ctx.catalog.doc.lists.map((l) => [l.code, periods.map((p) => ({ period: p, inflow: listFlows[l.code]?.find((m) => m.month === p)?.inflow ?? 0, outflow: listFlows[l.code]?.find((m) => m.month === p)?.outflow ?? 0 }))]),
  );
  return { range: 'all', bucket: 'month', from: null, periods, lists };
}

async function cityFigures() {
  const store = f.ctx.store;
  const subjectsByKind: Record<string, number> = { person: 0, enterprise: 0, institution: 0, government: 0 };
  for await (const page of store.scanSubjects(1000)) for (const x of page) subjectsByKind[x.kind]++;
  const records: CreditRecord[] = [...(await store.recordsBetween('s_', 's_~')).values()].flat();
  const count = (keys: string[]) => keys.reduce<Record<string, number>>((o, k) => ((o[k] = (o[k] ?? 0) + 1), o), {});
  const regions = new Map<string, string>();
  for (const id of new Set(records.map((r) => r.subjectId))) regions.set(id, (await store.getSubject(id))?.region ?? '');
  const province = (region: string) => (/^\d\d/.test(region) ? `${region.slice(0, 2)}0000` : 'unknown');
  const listSizes: Record<string, number> = {};
  const listFlows: Record<string, { month: string; inflow: number; outflow: number }[]> = {};
  for (const l of f.ctx.catalog.doc.lists) {
    const entries = await store.listEntries({ list: l.code, statuses: [...ENTRY_STATUSES], limit: 1_000_000 });
    const live = new Set(entries.filter((e) => e.status === 'pending' || e.status === 'active').map((e) => e.subjectId));
    if (live.size) listSizes[l.code] = live.size;
    const byMonth = new Map<string, { month: string; inflow: number; outflow: number }>();
    const at = (m: string) => byMonth.get(m) ?? (byMonth.set(m, { month: m, inflow: 0, outflow: 0 }).get(m) as { month: string; inflow: number; outflow: number });
    for (const e of entries) {
      at(month(e.since)).inflow++;
      if (e.endedAt !== undefined) at(month(e.endedAt)).outflow++;
    }
    if (byMonth.size) listFlows[l.code] = [...byMonth.values()].sort((a, b) => (a.month < b.month ? -1 : 1));
  }
  const grades: Record<string, Record<string, number>> = {};
  for await (const g of store.scanGrades()) for (const [scheme, grade] of Object.entries(g.grades)) (grades[scheme] ??= {})[grade] = (grades[scheme][grade] ?? 0) + 1;
  let audit = 0;
  for await (const _ of store.scanAudit()) audit++;
  return {
    subjectsByKind,
    records: records.length,
    recordsByArea: count(records.map((r) => r.area)),
    recordsByProvince: count(records.map((r) => province(regions.get(r.subjectId) ?? ''))),
    recordsByType: count(records.map((r) => r.type)),
    listSizes,
    listFlows,
    grades,
    audit: { entries: audit },
  };
}

describe('GET /v1/stats', () => {
  it('gives the figures of the city exactly, with the lists and grade orders of the catalog in force', async () => {
    const expected = await cityFigures();
    const r = await get('admin', '/v1/stats');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      asOf: iso(NOW),
      catalog: `${f.ctx.catalog.id}@${f.ctx.catalog.version}`,
      ...expected,
      flows: allTime(expected.listFlows),
      cases: { objections: { open: 0, overdue: 0 }, repairs: { open: 0, overdue: 0 } },
      // Names in the reader's language: English without Accept-Language.
      lists: f.ctx.catalog.doc.lists.map((l) => ({ code: l.code, name: l.name.en, color: l.color })),
      schemes: f.ctx.catalog.schemes.map((x) => ({ code: x.code, grades: x.grades })),
    });
    // The demo city has records in more than one province, and its lists have entries that ended.
    expect(Object.keys(r.body.recordsByProvince).length).toBeGreaterThan(3);
    expect(Object.values(r.body.listFlows as Record<string, { outflow: number }[]>).flat().some((m) => m.outflow > 0)).toBe(true);
    expect(r.body.schemes.find((x: { code: string }) => x.code === 'civic-points').grades).toEqual(['AAA', 'AA', 'A', 'B', 'C', 'D']);
    // Counting reads no one's record, so it adds nothing to the audit log.
    expect((await cityFigures()).audit.entries).toBe(expected.audit.entries);
  });

  it('counts open objections and repairs, and those past their deadline at the server clock', async () => {
    const stats = async () => (await get('reviewer', '/v1/stats')).body.cases;
    // Two objections, by a reviewer, to two new court records about the subject-key holder.
    const court = (i: number) => ({ externalId: `console-ob-${i}`, type: 'court.dishonest-debtor-decision', subject: f.person, occurredAt: '2026-11-01', facts: { caseNo: `CO-${i}`, court: 'C', ground: 'evades' } });
    const sent = await as('source', { method: 'POST', url: '/v1/records', payload: { records: [court(1), court(2)] } });
    expect(sent.statusCode, sent.body).toBe(200);
    const recs = (sent.json().results as { recordId: string }[]).map((r) => r.recordId);
    const obs: { id: string; deadline: string }[] = [];
    for (const recordId of recs) {
      const o = await as('reviewer', { method: 'POST', url: '/v1/objections', payload: { recordId, reasons: 'console statistics test' } });
      expect(o.statusCode, o.body).toBe(201);
      obs.push(o.json());
    }
    // A repair application: a minor penalty, repairable at once, with a commitment on file.
    const penalties = await createApiKey(f.ctx.store, { name: 'penalties', role: 'source', source: 'penalties' }, NOW, 'test');
    const pen = await s.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: { authorization: `Bearer ${penalties.key}` },
      payload: { externalId: 'console-pen-1', type: 'admin.penalty', subject: f.person, occurredAt: '2026-11-01', facts: { severity: 'minor', decisionNo: 'CP-1', authority: 'A' } },
    });
    expect(pen.statusCode, pen.body).toBe(201);
    const cm = await as('subject', { method: 'POST', url: '/v1/commitments', payload: { text: 'I will keep the rules of the console.', purpose: 'repair' } });
    expect(cm.statusCode, cm.body).toBe(201);
    const rp = await as('subject', { method: 'POST', url: '/v1/repairs', payload: { recordId: pen.json().results[0].recordId, commitmentId: cm.json().id, obligationMet: 'fine paid' } });
    expect(rp.statusCode, rp.body).toBe(201);
    const repairDeadline = Date.parse(rp.json().deadline);
    expect(await stats()).toEqual({ objections: { open: 2, overdue: 0 }, repairs: { open: 1, overdue: 0 } });

    // Overdue means past the deadline: at the deadline itself a case is not overdue yet.
    const deadline = Date.parse(obs[0].deadline);
    expect(Date.parse(obs[1].deadline)).toBe(deadline);
    try {
      clock.now = deadline;
      expect((await stats()).objections).toEqual({ open: 2, overdue: 0 });
      clock.now = Math.max(deadline, repairDeadline) + 1;
      expect(await stats()).toEqual({ objections: { open: 2, overdue: 2 }, repairs: { open: 1, overdue: 1 } });
      const d = await as('reviewer', { method: 'POST', url: `/v1/objections/${obs[0].id}:decide`, payload: { decision: 'upheld', reason: 'the record stands' } });
      expect(d.statusCode, d.body).toBe(200);
      expect(await stats()).toEqual({ objections: { open: 1, overdue: 1 }, repairs: { open: 1, overdue: 1 } });
    } finally {
      clock.now = NOW;
    }
  });

  it('is for reviewers, authors and admins', async () => {
    expect((await get('checker', '/v1/stats')).status).toBe(403);
    expect((await get('subject', '/v1/stats')).status).toBe(403);
    expect((await get(null, '/v1/stats')).status).toBe(401);
    expect((await get('author', '/v1/stats')).status).toBe(200);
  });
});

describe('GET /v1/subjects?q=', () => {
  const number = '33010619850612' + '123';
  const rid = number + ridCheckChar(number);
  const personName = '控制台测试人';
  let personId: string;
  beforeAll(async () => {
    const mps = await createApiKey(f.ctx.store, { name: 'residents registry', role: 'source', source: 'mps' }, NOW, 'test');
    const reg = await s.app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${mps.key}` }, payload: { kind: 'subject', subject: `cn-rid:${rid}`, name: personName } });
    expect(reg.statusCode, reg.body).toBe(201);
    personId = reg.json().results[0].subjectId;
  });

  const search = async (q: string, limit?: number) => {
    const r = await get('reviewer', `/v1/subjects?q=${encodeURIComponent(q)}${limit ? `&limit=${limit}` : ''}`);
    expect(r.status, r.text).toBe(200);
    return r as { status: number; text: string; body: { results: { id: string; kind: SubjectKind; name: string | null; region: string; regionName: string | null; identifiers: { scheme: string; masked: string }[] }[] } };
  };

  it('finds organisations by part of their name, by name, and never a person', async () => {
    const org = await f.ctx.store.getSubject(f.org.id);
    const part = (org?.name ?? '').slice(2, 6);
    expect(part).toHaveLength(4);
    const r = await search(part, 50);
    const expected = await f.ctx.store.searchSubjects({ name: part, kinds: [...ORG_KINDS], limit: 50 });
    expect(r.body.results.map((x) => x.id)).toEqual(expected.map((x) => x.id));
    expect(r.body.results).toContainEqual({ id: f.org.id, kind: 'enterprise', name: org?.name, region: org?.region, regionName: regionName(org?.region ?? '')?.en, identifiers: [{ scheme: 'cn-uscc', masked: f.org.ref.slice('cn-uscc:'.length) }] });
    for (const x of r.body.results) {
      expect(x.kind).not.toBe('person');
      expect(x.name).toContain(part);
    }
    // limit caps the results.
    expect((await search(part, 1)).body.results).toHaveLength(1);
  });

  it('never finds a person by name without a purpose: the name of a person is refused naming `purpose` (issue 17, build item 2)', async () => {
    const r = await get('reviewer', `/v1/subjects?q=${encodeURIComponent(personName)}`);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'XY_ERR_VALIDATION', field: 'purpose' });
    expect(r.text).not.toContain(personName);
    // Part of a person's name is no person's name: only organisations, by name, and no person.
    const d = await search(personName.slice(0, 3));
    expect(d.body.results.filter((x) => x.kind === 'person')).toEqual([]);
  });

  it('finds an organisation by its credit code, with or without the scheme, first', async () => {
    const code = f.org.ref.slice('cn-uscc:'.length);
    for (const q of [f.org.ref, code, code.toLowerCase()]) {
      const r = await search(q);
      expect(r.body.results[0]?.id, q).toBe(f.org.id);
      expect(r.body.results.filter((x) => x.id === f.org.id)).toHaveLength(1);
    }
  });

  it('finds a person by full ID number or internal id, with no name and only a masked identifier', async () => {
    const masked = `${rid.slice(0, 6)}********${rid.slice(-4)}`;
    const expected = { results: [{ id: personId, kind: 'person', name: null, region: rid.slice(0, 6), regionName: 'Xihu District, Hangzhou, Zhejiang', identifiers: [{ scheme: 'cn-rid', masked }] }], count: 1, countCapped: false, next: null };
    for (const q of [rid, `cn-rid:${rid}`, personId]) {
      const r = await search(q);
      expect(r.body, q).toEqual(expected);
      expect(r.text).not.toContain(rid);
      expect(r.text).not.toContain(personName);
    }
    // A search reads no record: nothing in the person's access log.
    expect(await f.ctx.store.auditPage({ limit: 10, subjectId: personId, actions: ['subject.read'] })).toEqual([]);
    // A number nobody has, or with a wrong check character, finds nothing (and does not echo it).
    const wrong = number + (ridCheckChar(number) === '0' ? '1' : '0');
    const none = await search(wrong);
    expect(none.body.results).toEqual([]);
    expect(none.text).not.toContain(wrong);
  });

  it('refuses a blank or over-long q, and is for reviewers only', async () => {
    for (const q of ['', '%20%20', 'x'.repeat(101)]) {
      const r = await get('reviewer', `/v1/subjects?q=${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.code).toBe('XY_ERR_VALIDATION');
    }
    expect((await get('reviewer', '/v1/subjects')).status).toBe(400);
    expect((await get('admin', '/v1/subjects?q=co')).status).toBe(403);
  });
});

describe('the record timeline of the subject view', () => {
  it('lists the records known at asOf, newest first, each with its status then and its history up to then', async () => {
    const t0 = NOW - 10 * DAY;
    const t1 = NOW - 5 * DAY;
    let recordId = '';
    try {
      clock.now = t0;
      const rec = await as('source', {
        method: 'POST',
        url: '/v1/records',
        payload: { externalId: 'console-timeline-1', type: 'court.contract-breach-judgment', subject: f.clean, occurredAt: iso(t0 - DAY), facts: { caseNo: '(2026) console 1' } },
      });
      expect(rec.statusCode, rec.body).toBe(201);
      recordId = rec.json().results[0].recordId;
      clock.now = t1;
      const ob = await as('reviewer', { method: 'POST', url: '/v1/objections', payload: { recordId, reasons: 'timeline test' } });
      expect(ob.statusCode, ob.body).toBe(201);
    } finally {
      clock.now = NOW;
    }
    const view = async (asOf?: number) => (await get('reviewer', `/v1/subjects/${f.clean}?purpose=timeline+test${asOf ? `&asOf=${iso(asOf)}` : ''}`)).body;
    const now = await view();
    const item = now.timeline.find((x: { id: string }) => x.id === recordId);
    expect(item).toEqual({
      id: recordId,
      type: 'court.contract-breach-judgment',
      area: 'judicial',
      source: 'spc',
      occurredAt: iso(t0 - DAY),
      recordedAt: iso(t0),
      status: 'disputed',
      statuses: [{ status: 'disputed', at: iso(t1), actor: `key:${f.keys.reviewer.slice(3, 17)}`, reason: expect.any(String) }],
    });
    expect(now.timeline).toHaveLength(now.records);
    const occurred = now.timeline.map((x: { occurredAt: string }) => x.occurredAt);
    expect(occurred).toEqual([...occurred].sort().reverse());
    for (const x of now.timeline) expect(x).not.toHaveProperty('facts');

    // Before the objection the record was active, with no history yet; before it was recorded, unknown.
    const before = await view(t1 - 1);
    expect(before.timeline.find((x: { id: string }) => x.id === recordId)).toMatchObject({ status: 'active', statuses: [] });
    expect(before.records).toBe(now.records);
    const earlier = await view(t0 - 1);
    expect(earlier.timeline.map((x: { id: string }) => x.id)).not.toContain(recordId);
    // Every other record the subject had by then, and only those: the demo city's own records of
    // this person may include some recorded in these last ten days (the person is chosen by a
    // random key), so the count is of what was recorded before t0, not now's count less one.
    const knownBefore = now.timeline.filter((x: { recordedAt: string }) => Date.parse(x.recordedAt) < t0);
    expect(knownBefore.map((x: { id: string }) => x.id)).not.toContain(recordId);
    expect(earlier.records).toBe(knownBefore.length);
    expect(earlier.timeline.map((x: { id: string }) => x.id)).toEqual(knownBefore.map((x: { id: string }) => x.id));
  });

  it('is in GET /v1/me too, with instants as ISO-8601', async () => {
    const me = await get('subject', '/v1/me?limit=1');
    expect(me.status).toBe(200);
    const tl = me.body.record.timeline as { occurredAt: string; recordedAt: string; statuses: { at: string }[] }[];
    expect(tl.length).toBe(me.body.record.records);
    expect(tl.length).toBeGreaterThan(0);
    for (const x of tl) {
      expect(x.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(x.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
      for (const c of x.statuses) expect(c.at).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    // The subject-key holder's records were objected to above: their history shows it.
    expect(tl.some((x) => x.statuses.length > 0)).toBe(true);
  });
});

describe('catalog versions', () => {
  let draftHash = '';
  // The version in force (the demo catalog's) and a draft of the next one.
  let V = '';
  let D = '';
  beforeAll(async () => {
    const doc = (await get('author', '/v1/catalog')).body.doc;
    V = doc.version;
    D = `${V}.1`;
    doc.version = D;
    const civic = doc.schemes.find((x: { code: string }) => x.code === 'civic-points');
    civic.base = 1010; // still grade A: a base of 1050 or more would put everyone on the AAA red list, which the loader refuses
    civic.rules.find((x: { id: string }) => x.id === 'loan-arrears').countsFor = 'P1Y';
    const r = await as('author', { method: 'POST', url: '/v1/catalog/versions', payload: doc });
    expect(r.statusCode, r.body).toBe(201);
    draftHash = r.json().hash;
  });

  it('reads a stored version, draft or published, by version or id@version', async () => {
    const draft = await get('reviewer', `/v1/catalog/versions/${D}`);
    expect(draft.status).toBe(200);
    expect({ ...draft.body, doc: undefined }).toEqual({ catalogId: 'cn-demo', version: D, status: 'draft', hash: draftHash, createdAt: iso(NOW), publishedAt: null, doc: undefined });
    expect(draft.body.doc.version).toBe(D);
    const inForce = await get('admin', `/v1/catalog/versions/cn-demo@${V}`);
    expect(inForce.body).toMatchObject({ catalogId: 'cn-demo', version: V, status: 'published', hash: f.ctx.catalog.hash, publishedAt: expect.stringMatching(/^\d{4}-/) });
    expect(inForce.body.doc).toEqual(f.ctx.catalog.doc);
  });

  it('answers 404 for a version not stored, and 400 for one not written as a version', async () => {
    const missing = await get('author', '/v1/catalog/versions/cn-demo@9.9');
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'XY_ERR_NOT_FOUND', field: 'v' });
    expect((await get('author', `/v1/catalog/versions/${V}:publish`)).status).toBe(400);
  });

  it('compares two stored versions item by item, numbers kept as numbers', async () => {
    const d = await get('author', `/v1/catalog/diff?from=${V}&to=cn-demo@${D}`);
    expect(d.status).toBe(200);
    expect(d.body).toEqual({
      from: `cn-demo@${V}`,
      to: `cn-demo@${D}`,
      header: [{ field: 'version', from: V, to: D }],
      changes: [
        {
          section: 'schemes',
          code: 'civic-points',
          change: 'changed',
          fields: [
            { field: 'base', from: 1000, to: 1010 },
            { field: 'rules[loan-arrears].countsFor', from: 'P2Y', to: 'P1Y' },
          ],
        },
      ],
    });
    expect((await get('reviewer', `/v1/catalog/diff?from=${D}&to=${D}`)).body).toEqual({ from: `cn-demo@${D}`, to: `cn-demo@${D}`, header: [], changes: [] });
    const missing = await get('reviewer', `/v1/catalog/diff?from=${V}&to=9999.1`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'XY_ERR_NOT_FOUND', field: 'to' });
    expect((await get('reviewer', `/v1/catalog/diff?from=${V}`)).status).toBe(400);
  });
});

describe('GET /v1/whoami', () => {
  it.each(KEY_ROLES)('tells a %s key what it carries', async (role) => {
    const r = await get(role, '/v1/whoami');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      role,
      actor: `key:${f.keys[role].slice(3, 17)}`,
      scopes: [],
      ...(role === 'source' ? { source: 'spc' } : {}),
      ...(role === 'subject' ? { subjectId: f.person } : {}),
    });
  });

  it('shows the scopes of a scoped key and the actor of a dev token; no credential is 401', async () => {
    const scoped = await createApiKey(f.ctx.store, { name: 'flights only', role: 'checker', scopes: ['transport.air.ticket'] }, NOW, 'test');
    const r = await s.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${scoped.key}` } });
    expect(r.json()).toEqual({ role: 'checker', actor: `key:${scoped.row.id}`, scopes: ['transport.air.ticket'] });
    const token = (await f.req({ method: 'POST', url: '/v1/dev/sign-in', payload: { role: 'reviewer' } })).json().token;
    const dev = await f.req({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${token}` } });
    expect(dev.json()).toEqual({ role: 'reviewer', actor: expect.stringMatching(/^dev:reviewer-[0-9a-f]{12}$/), scopes: [] });
    expect((await get(null, '/v1/whoami')).status).toBe(401);
  });
});

describe('GET /v1/auth/config', () => {
  it('says dev sign-in is on, and OIDC off, for the fixture server; no credential needed', async () => {
    const r = await f.req({ method: 'GET', url: '/v1/auth/config' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toEqual({ devSignIn: true, oidc: null });
    expect((await get(null, '/v1/auth/config')).body).toEqual({ devSignIn: false, oidc: null });
  });

  it('names the OIDC issuer and the console client when configured, and the client as null when not', async () => {
    const issuer = 'https://id.example.gov.cn/realms/credit';
    // The JWKS is fetched only when a token arrives, so an address nothing listens on does here.
    const jwksUrl = 'http://127.0.0.1:9/jwks.json';
    for (const [clientId, expected] of [['xinyong-console', 'xinyong-console'], [undefined, null]] as const) {
      const srv = await buildServer({ ctx: f.ctx, now: () => NOW, logLevel: 'silent', refreshEveryMs: 0, syncEveryMs: 0, oidc: { issuer, jwksUrl, clientId } });
      try {
        const r = await srv.app.inject({ method: 'GET', url: '/v1/auth/config', headers: { authorization: 'Bearer garbage' } });
        expect(r.json()).toEqual({ devSignIn: false, oidc: { issuer, clientId: expected } });
      } finally {
        await srv.app.close();
      }
    }
  });
});

describe('the access log in the subject view', () => {
  it('shows a reviewer every read of the person’s record with its purpose and every check, newest first, as the person sees them', async () => {
    const first = await get('reviewer', `/v1/subjects/${f.person}?purpose=${encodeURIComponent('access log test: first read')}`);
    expect(first.status, first.text).toBe(200);
    const check = await as('checker', { method: 'POST', url: '/v1/checks', payload: { subject: f.person, action: 'transport.air.ticket' } });
    expect(check.statusCode, check.body).toBe(200);
    const second = await get('reviewer', `/v1/subjects/${f.person}?purpose=${encodeURIComponent('access log test: second read')}`);
    const log = second.body.accessLog as { action: string; purpose: string | null; by: { role: string }; decision?: string; receipt?: string }[];
    // Both reads with their purposes, and the check (written to the chain in a batch, so after this read).
    expect(log.slice(0, 3)).toEqual([
      expect.objectContaining({ action: 'check.decided', purpose: 'check: transport.air.ticket', by: expect.objectContaining({ role: 'checker' }), decision: 'deny', receipt: check.json().receipt }),
      expect.objectContaining({ action: 'subject.read', purpose: 'access log test: second read', by: expect.objectContaining({ role: 'reviewer' }) }),
      expect.objectContaining({ action: 'subject.read', purpose: 'access log test: first read' }),
    ]);
    // The person sees the same entries at /v1/me.
    const me = await get('subject', '/v1/me');
    expect(me.body.accessLog.slice(0, 3)).toEqual(log.slice(0, 3));
  });
});
