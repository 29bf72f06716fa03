/**
 * Four eyes on publishing (issue 17, build item 4): a catalog version comes into force only when
 * a person other than its requester (another author, or an admin) approves the request, which is
 * bound to the document's hash; rejection with a reason, withdrawal by the requester; every step
 * in the audit log with its actor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import { buildServer, type Server } from '../../src/api/server.js';
import { NOW, makeFixture, type Fixture } from './fixture.js';

let f: Fixture;
/** A server on the fixture's city whose clock moves a second a call, as a real one does between publications. */
let s: Server;
let clock = NOW;
/** A second author's key, and the actors of the keys as the audit log names them. */
let second: string;
const actor: Record<string, string> = {};
let base: { id: string; version: string } & Record<string, unknown>;
let n = 0;

const as = (key: string, method: 'GET' | 'POST', url: string, payload?: object) => s.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
const inForce = async () => (await as(f.keys.reviewer, 'GET', '/v1/catalog')).json().version as string;

/** A new version of the catalog in force (a civic-points rule one point milder), stored as a draft. */
async function storedDraft(): Promise<string> {
  const doc = structuredClone(base);
  doc.version = `${base.version}-4e${++n}`;
  const civic = (doc.schemes as { code: string; rules: { points: number }[] }[]).find((s) => s.code === 'civic-points')!;
  civic.rules[0].points = civic.rules[0].points + n;
  const r = await as(f.keys.author, 'POST', '/v1/catalog/versions', doc);
  expect(r.statusCode, r.body).toBe(201);
  return doc.version;
}

async function requested(key: string, version: string, note?: string) {
  const r = await as(key, 'POST', `/v1/catalog/versions/${version}:publish`, note ? { note } : undefined);
  expect(r.statusCode, r.body).toBe(202);
  return r.json() as { id: string; hash: string; status: string; requestedBy: string };
}

beforeAll(async () => {
  f = await makeFixture();
  s = await buildServer({ ctx: f.ctx, now: () => (clock += 1000), logLevel: 'silent', refreshEveryMs: 0, syncEveryMs: 0, dev: true });
  second = (await createApiKey(f.ctx.store, { name: 'second author', role: 'author' }, NOW, 'test')).key;
  for (const [name, key] of [['author', f.keys.author], ['admin', f.keys.admin], ['second', second]] as const) actor[name] = (await as(key, 'GET', '/v1/whoami')).json().actor;
  base = (await as(f.keys.author, 'GET', '/v1/catalog')).json().doc;
}, 60_000);
afterAll(async () => {
  await s?.app.close();
  await f?.close();
});

describe('four eyes on publishing', () => {
  it('a request puts nothing in force; its requester may not approve it, by no credential of theirs', async () => {
    const before = await inForce();
    const v = await storedDraft();
    const r = await requested(f.keys.author, v, 'milder civic points');
    expect(r).toMatchObject({ status: 'pending', catalog: `${base.id}@${v}`, requestedBy: actor.author, note: 'milder civic points', rollback: false, replaces: `${base.id}@${before}`, decidedBy: null });
    expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await inForce()).toBe(before);
    const self = await as(f.keys.author, 'POST', `/v1/catalog/publication-requests/${r.id}:approve`, { hash: r.hash });
    expect(self.statusCode).toBe(403);
    expect(self.json()).toMatchObject({ code: 'XY_ERR_SELF_APPROVAL', field: 'id' });
    // Nor may the requester reject it (they withdraw instead).
    expect((await as(f.keys.author, 'POST', `/v1/catalog/publication-requests/${r.id}:reject`, { reason: 'changed my mind' })).json()).toMatchObject({ code: 'XY_ERR_SELF_APPROVAL' });
    expect(await inForce()).toBe(before);
    expect((await as(f.keys.reviewer, 'GET', `/v1/catalog/publication-requests/${r.id}`)).json()).toMatchObject({ status: 'pending' });
    // A second request for the same version while this one is pending: refused.
    expect((await as(second, 'POST', `/v1/catalog/versions/${v}:publish`)).json()).toMatchObject({ code: 'XY_ERR_CONFLICT', field: 'v' });
    // Roles: a reviewer reads requests but may neither request nor decide.
    expect((await as(f.keys.reviewer, 'POST', `/v1/catalog/publication-requests/${r.id}:approve`)).statusCode).toBe(403);
    await as(f.keys.author, 'POST', `/v1/catalog/publication-requests/${r.id}:withdraw`);
  });

  it('a second author approves: the version is published at once, rescored, and the request says who', async () => {
    const v = await storedDraft();
    const r = await requested(f.keys.author, v);
    const ok = await as(second, 'POST', `/v1/catalog/publication-requests/${r.id}:approve`, { hash: r.hash });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ catalog: `${base.id}@${v}`, result: 'published', request: { id: r.id, status: 'approved', requestedBy: actor.author, decidedBy: actor.second } });
    expect(ok.json().rescored).toBeGreaterThan(0);
    expect(await inForce()).toBe(v);
    // Decided once: approving again is refused.
    expect((await as(f.keys.admin, 'POST', `/v1/catalog/publication-requests/${r.id}:approve`)).json()).toMatchObject({ code: 'XY_ERR_CONFLICT' });
    // The version in force is not requested again.
    expect((await as(second, 'POST', `/v1/catalog/versions/${v}:publish`)).json()).toMatchObject({ code: 'XY_ERR_CONFLICT' });
  });

  it('an admin approves a request; a rollback to an earlier version needs an approval too', async () => {
    const earlier = await inForce();
    const v = await storedDraft();
    const r = await requested(second, v);
    const ok = await as(f.keys.admin, 'POST', `/v1/catalog/publication-requests/${r.id}:approve`);
    expect(ok.json()).toMatchObject({ result: 'published', request: { decidedBy: actor.admin } });
    expect(await inForce()).toBe(v);
    const back = await requested(f.keys.author, earlier);
    expect(back).toMatchObject({ rollback: true, replaces: `${base.id}@${v}` });
    expect(await inForce()).toBe(v);
    expect((await as(f.keys.author, 'POST', `/v1/catalog/publication-requests/${back.id}:approve`)).statusCode).toBe(403);
    expect((await as(second, 'POST', `/v1/catalog/publication-requests/${back.id}:approve`)).json()).toMatchObject({ result: 'republished' });
    expect(await inForce()).toBe(earlier);
  });

  it('an approval of another document than the one requested is refused, and publishes nothing', async () => {
    const before = await inForce();
    const v = await storedDraft();
    const r = await requested(f.keys.author, v);
    // The approver reviewed another document (a hash that is not the request's).
    const wrong = await as(second, 'POST', `/v1/catalog/publication-requests/${r.id}:approve`, { hash: 'a'.repeat(64) });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json()).toMatchObject({ code: 'XY_ERR_VERSION_CHANGED' });
    // The stored version changed under the request (the store lets a draft be replaced).
    const row = (await f.ctx.store.getCatalogVersion(base.id, v))!;
    await f.ctx.store.saveCatalogVersion({ ...row, hash: 'b'.repeat(64), doc: { ...row.doc, title: { en: 'changed', 'zh-CN': '已改' } } as typeof row.doc }, { at: NOW, actor: 'test', action: 'catalog.drafted', subjectId: null, data: {} });
    const changed = await as(second, 'POST', `/v1/catalog/publication-requests/${r.id}:approve`);
    expect(changed.statusCode).toBe(409);
    expect(changed.json()).toMatchObject({ code: 'XY_ERR_VERSION_CHANGED' });
    expect(await inForce()).toBe(before);
    expect((await as(second, 'GET', `/v1/catalog/publication-requests/${r.id}`)).json()).toMatchObject({ status: 'pending', decidedBy: null });
    const rejected = await as(second, 'POST', `/v1/catalog/publication-requests/${r.id}:reject`, { reason: 'the document changed after it was requested' });
    expect(rejected.json()).toMatchObject({ status: 'rejected' });
  });

  it('rejection needs a reason and another person; withdrawal is the requester’s only; neither publishes', async () => {
    const before = await inForce();
    const v = await storedDraft();
    const r = await requested(f.keys.author, v);
    const noReason = await as(second, 'POST', `/v1/catalog/publication-requests/${r.id}:reject`, { reason: '   ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toMatchObject({ code: 'XY_ERR_VALIDATION', field: 'reason' });
    expect((await as(second, 'POST', `/v1/catalog/publication-requests/${r.id}:withdraw`)).json()).toMatchObject({ code: 'XY_ERR_FORBIDDEN', field: 'id' });
    const rejected = await as(f.keys.admin, 'POST', `/v1/catalog/publication-requests/${r.id}:reject`, { reason: 'points for civic conduct need a legal basis' });
    expect(rejected.statusCode, rejected.body).toBe(200);
    expect(rejected.json()).toMatchObject({ status: 'rejected', decidedBy: actor.admin, reason: 'points for civic conduct need a legal basis' });
    expect((await as(second, 'POST', `/v1/catalog/publication-requests/${r.id}:approve`)).json()).toMatchObject({ code: 'XY_ERR_CONFLICT' });
    expect(await inForce()).toBe(before);
    // Asked again, and withdrawn by the requester.
    const again = await requested(f.keys.author, v);
    const gone = await as(f.keys.author, 'POST', `/v1/catalog/publication-requests/${again.id}:withdraw`, { reason: 'the next draft replaces it' });
    expect(gone.json()).toMatchObject({ status: 'withdrawn', decidedBy: actor.author, reason: 'the next draft replaces it' });
    expect((await as(second, 'POST', `/v1/catalog/publication-requests/${again.id}:approve`)).json()).toMatchObject({ code: 'XY_ERR_CONFLICT' });
    expect(await inForce()).toBe(before);
    const listed = (await as(f.keys.reviewer, 'GET', '/v1/catalog/publication-requests?status=withdrawn')).json().requests as { id: string }[];
    expect(listed.map((x) => x.id)).toContain(again.id);
    // An ID number in a note or reason is refused (it would be kept in clear in the audit chain).
    const rid = '11010519491231002X';
    expect((await as(f.keys.author, 'POST', `/v1/catalog/versions/${v}:publish`, { note: `about ${rid}` })).statusCode).toBe(400);
  });

  it('two people signed in with the same role are two actors: one requests, the other approves', async () => {
    const signIn = async () => (await s.app.inject({ method: 'POST', url: '/v1/dev/sign-in', payload: { role: 'author' } })).json().token as string;
    const [a, b] = [await signIn(), await signIn()];
    const v = await storedDraft();
    const r = await requested(a, v);
    expect((await as(a, 'POST', `/v1/catalog/publication-requests/${r.id}:approve`)).json()).toMatchObject({ code: 'XY_ERR_SELF_APPROVAL' });
    expect((await as(b, 'POST', `/v1/catalog/publication-requests/${r.id}:approve`)).json()).toMatchObject({ result: 'published' });
    expect(await inForce()).toBe(v);
  });

  it('the audit log names the requester and the approver of every publication', async () => {
    const v = await storedDraft();
    const r = await requested(f.keys.author, v, 'audited');
    await as(second, 'POST', `/v1/catalog/publication-requests/${r.id}:approve`, { hash: r.hash });
    const entries = async (action: string) => (await as(f.keys.admin, 'GET', `/v1/audit?action=${action}&limit=50`)).json().entries as { actor: string; data: Record<string, unknown> }[];
    const asked = (await entries('catalog.publication-requested')).find((e) => e.data.request === r.id);
    expect(asked).toMatchObject({ actor: actor.author, data: { version: v, hash: r.hash, note: 'audited' } });
    const approved = (await entries('catalog.publication-approved')).find((e) => e.data.request === r.id);
    expect(approved).toMatchObject({ actor: actor.second, data: { version: v, hash: r.hash, requestedBy: actor.author } });
    const published = (await entries('catalog.published')).find((e) => e.data.request === r.id);
    expect(published).toMatchObject({ actor: actor.second, data: { version: v, requestedBy: actor.author } });
    const rejected = await entries('catalog.publication-rejected');
    expect(rejected.length).toBeGreaterThan(0);
    expect(rejected.every((e) => e.actor !== e.data.requestedBy)).toBe(true);
  });
});
