/**
 * Admin screens' API (issue 17, build items 8 and 9): API keys over HTTP (the secret shown once,
 * never listed, revoked at once, only for admins, only roles and scopes the system knows), the
 * audit log's filters (actor, action, days in Beijing time; the CSV follows them) and the time
 * range of the stats' list flows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, NOW, type Fixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture();
}, 60_000);
afterAll(async () => f?.close());

const AIR = 'transport.air.ticket';
const asKey = (key: string) => ({ authorization: `Bearer ${key}` });

describe('API keys over HTTP', () => {
  it('shows the secret once: in the creation answer, never in the list, and the key works at once', async () => {
    const r = await f.req({ method: 'POST', url: '/v1/keys', role: 'admin', payload: { name: 'Hangzhou East ticket office', role: 'checker', scopes: [AIR] } });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.headers['cache-control']).toBe('no-store');
    const k = r.json();
    expect(k.key).toMatch(/^xy_k_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(k).toMatchObject({ name: 'Hangzhou East ticket office', role: 'checker', scopes: [AIR], revokedAt: null, lastUsedAt: null });
    const secret = k.key.slice(18);

    const check = await f.app.inject({ method: 'POST', url: '/v1/checks', headers: asKey(k.key), payload: { subject: f.org.ref, action: AIR } });
    expect(check.statusCode).toBe(200);

    const list = await f.req({ method: 'GET', url: '/v1/keys', role: 'admin' });
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(secret);
    expect(list.body).not.toMatch(/secretHash|"key"/);
    const listed = list.json().keys.find((x: { id: string }) => x.id === k.id);
    expect(listed).toMatchObject({ name: 'Hangzhou East ticket office', role: 'checker', scopes: [AIR], revokedAt: null, createdBy: expect.stringMatching(/^key:k_/) });
    // Its check is its last use, as the audit log has it.
    expect(listed.lastUsedAt).toBe(new Date(NOW).toISOString());

    const created = await f.req({ method: 'GET', url: `/v1/audit?action=key.created&limit=5`, role: 'admin' });
    expect(created.json().entries[0].data).toMatchObject({ id: k.id, role: 'checker', scopes: [AIR] });
    expect(created.body).not.toContain(secret);
  });

  it('revokes a key with a reason, and the key stops working at once', async () => {
    const k = (await f.req({ method: 'POST', url: '/v1/keys', role: 'admin', payload: { name: 'to revoke', role: 'reviewer' } })).json();
    // Used first, so the authenticator has it cached: revocation must not wait for the cache.
    expect((await f.app.inject({ method: 'GET', url: '/v1/stats', headers: asKey(k.key) })).statusCode).toBe(200);
    const r = await f.req({ method: 'POST', url: `/v1/keys/${k.id}/revoke`, role: 'admin', payload: { reason: 'the office closed' } });
    expect(r.statusCode, r.body).toBe(200);
    const after = await f.app.inject({ method: 'GET', url: '/v1/stats', headers: asKey(k.key) });
    expect(after.statusCode).toBe(401);
    const listed = (await f.req({ method: 'GET', url: '/v1/keys', role: 'admin' })).json().keys.find((x: { id: string }) => x.id === k.id);
    expect(listed.revokedAt).toBe(new Date(NOW).toISOString());
    const entry = (await f.req({ method: 'GET', url: '/v1/audit?action=key.revoked&limit=1', role: 'admin' })).json().entries[0];
    expect(entry.data).toEqual({ id: k.id, reason: 'the office closed' });
    const again = await f.req({ method: 'POST', url: `/v1/keys/${k.id}/revoke`, role: 'admin', payload: { reason: 'twice' } });
    expect(again.statusCode).toBe(409);
    expect((await f.req({ method: 'POST', url: '/v1/keys/k_000000000000/revoke', role: 'admin', payload: { reason: 'none such' } })).statusCode).toBe(404);
    // A reason is required.
    expect((await f.req({ method: 'POST', url: `/v1/keys/${k.id}/revoke`, role: 'admin', payload: {} })).statusCode).toBe(400);
  });

  it('is for admins only', async () => {
    for (const role of ['reviewer', 'author', 'checker', 'source', 'subject'] as const) {
      expect((await f.req({ method: 'GET', url: '/v1/keys', role })).statusCode, role).toBe(403);
      expect((await f.req({ method: 'POST', url: '/v1/keys', role, payload: { name: 'x', role: 'admin' } })).statusCode, role).toBe(403);
    }
    expect((await f.req({ method: 'GET', url: '/v1/keys' })).statusCode).toBe(401);
  });

  it('refuses a role, source or scope the system does not know, naming the field, and creates nothing', async () => {
    const before = (await f.req({ method: 'GET', url: '/v1/keys', role: 'admin' })).json().keys.length;
    const refused = async (payload: object, field: string, code = 'XY_ERR_VALIDATION') => {
      const r = await f.req({ method: 'POST', url: '/v1/keys', role: 'admin', payload });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(r.json(), JSON.stringify(payload)).toMatchObject({ code });
      expect(JSON.stringify(r.json()), JSON.stringify(payload)).toContain(field);
      return r.json();
    };
    expect((await refused({ name: 'x', role: 'root' }, 'body:/role')).detail).toMatch(/unknown role 'root'/);
    expect((await refused({ name: 'x', role: 'checker', scopes: ['fly.to.moon'] }, 'body:/scopes', 'XY_ERR_UNKNOWN_ACTION')).detail).toMatch(/unknown action 'fly.to.moon'/);
    expect((await refused({ name: 'x', role: 'source', source: 'nowhere' }, 'body:/source')).detail).toMatch(/unknown source 'nowhere'/);
    await refused({ name: 'x', role: 'source', source: 'spc', scopes: ['tax.*'] }, 'body:/scopes');
    await refused({ name: 'x', role: 'reviewer', scopes: [AIR] }, 'body:/scopes');
    await refused({ name: 'x', role: 'checker', source: 'spc' }, 'body:/source');
    expect((await f.req({ method: 'GET', url: '/v1/keys', role: 'admin' })).json().keys.length).toBe(before);
  });

  it('offers the roles, and the scopes each source and a checker may have, named in both languages', async () => {
    const o = (await f.req({ method: 'GET', url: '/v1/keys/options', role: 'admin', headers: { 'accept-language': 'zh-CN' } })).json();
    expect(o.roles).toEqual(['source', 'checker', 'reviewer', 'author', 'admin', 'subject']);
    const air = o.actions.find((a: { scope: string }) => a.scope === AIR);
    expect(air.name.en).toBeTruthy();
    expect(air.name['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
    const spc = o.sources.find((s: { code: string }) => s.code === 'spc');
    expect(spc.scopes.map((s: { scope: string }) => s.scope)).toContain('court.dishonest-debtor-decision');
    // Every scope offered is one a key can be created with.
    const scope = spc.scopes[0].scope;
    expect((await f.req({ method: 'POST', url: '/v1/keys', role: 'admin', payload: { name: 'court feed', role: 'source', source: 'spc', scopes: [scope] } })).statusCode).toBe(201);
  });
});

describe('audit filters', () => {
  type E = { seq: number; at: string; actor: string; action: string };
  const page = async (qs: string) => {
    const r = await f.req({ method: 'GET', url: `/v1/audit?${qs}`, role: 'admin' });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { entries: E[]; next: number | null };
  };

  it('narrows by actor, by action and by days (Beijing time, inclusive), each and together, and pages', async () => {
    const admin = (await f.req({ method: 'GET', url: '/v1/whoami', role: 'admin' })).json().actor as string;
    const all = await page('limit=1000');
    expect(new Set(all.entries.map((e) => e.actor)).size).toBeGreaterThan(1);

    const mine = await page(`actor=${encodeURIComponent(admin)}&limit=1000`);
    expect(mine.entries.length).toBeGreaterThan(0);
    expect(mine.entries.every((e) => e.actor === admin)).toBe(true);
    expect(mine.entries.length).toBeLessThan(all.entries.length);

    const created = await page('action=key.created&limit=1000');
    expect(created.entries.length).toBeGreaterThan(0);
    expect(created.entries.every((e) => e.action === 'key.created')).toBe(true);

    // NOW is 2026-11-27 16:00 in Beijing: that day has the entries written at NOW; the day before has none of them.
    const today = await page('from=2026-11-27&to=2026-11-27&action=key.created&limit=1000');
    expect(today.entries.map((e) => e.seq)).toEqual(created.entries.filter((e) => Date.parse(e.at) === NOW).map((e) => e.seq));
    const before = await page('to=2026-11-26&limit=1000');
    expect(before.entries.every((e) => Date.parse(e.at) < Date.parse('2026-11-27T00:00:00+08:00'))).toBe(true);
    expect(before.entries.some((e) => Date.parse(e.at) === NOW)).toBe(false);
    const after = await page('from=2026-11-28');
    expect(after.entries).toEqual([]);

    const both = await page(`actor=${encodeURIComponent(admin)}&action=key.created&from=2026-11-27&to=2026-11-27&limit=1`);
    expect(both.entries).toHaveLength(1);
    expect(both.entries[0]).toMatchObject({ actor: admin, action: 'key.created' });
    if (both.next !== null) {
      const next = await page(`actor=${encodeURIComponent(admin)}&action=key.created&from=2026-11-27&to=2026-11-27&limit=1&before=${both.next}`);
      expect(next.entries.every((e) => e.seq < both.entries[0].seq && e.actor === admin && e.action === 'key.created')).toBe(true);
    }
  });

  it('refuses a day that is not one, a range that ends before it starts, and an unknown action, naming the field', async () => {
    const bad = async (qs: string, field: RegExp) => {
      const r = await f.req({ method: 'GET', url: `/v1/audit?${qs}`, role: 'admin' });
      expect(r.statusCode, qs).toBe(400);
      expect(JSON.stringify(r.json()), qs).toMatch(field);
    };
    await bad('from=2026-02-30', /from/);
    await bad('from=yesterday', /from/);
    await bad('from=2026-11-27&to=2026-11-26', /to/);
    await bad('action=key.made', /action/);
  });

  it('the CSV export follows the filters', async () => {
    const admin = (await f.req({ method: 'GET', url: '/v1/whoami', role: 'admin' })).json().actor as string;
    const json = await page(`actor=${encodeURIComponent(admin)}&action=key.created&limit=1000`);
    const r = await f.req({ method: 'GET', url: `/v1/audit?actor=${encodeURIComponent(admin)}&action=key.created&from=2026-11-27&to=2026-11-27`, role: 'admin', headers: { accept: 'text/csv' } });
    expect(r.statusCode).toBe(200);
    const lines = r.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines.length - 1).toBe(json.entries.length);
    expect(lines.slice(1).every((l) => l.includes('key.created') && l.includes(admin))).toBe(true);
    const none = await f.req({ method: 'GET', url: '/v1/audit?from=2026-11-28', role: 'admin', headers: { accept: 'text/csv' } });
    expect(none.body.replace(/^\uFEFF/, '').trim().split('\r\n')).toHaveLength(1);
  });
});

describe('stats over a time range', () => {
  it('buckets list flows by day for 30 and 90 days and by month for a year or all time, every period present', async () => {
    const get = async (range?: string) => {
      const r = await f.req({ method: 'GET', url: `/v1/stats${range ? `?range=${range}` : ''}`, role: 'reviewer' });
      expect(r.statusCode, r.body).toBe(200);
      return r.json().flows as { range: string; bucket: string; from: string | null; periods: string[]; lists: Record<string, { period: string; inflow: number; outflow: number }[]> };
    };
    const d30 = await get('30d');
    expect(d30).toMatchObject({ range: '30d', bucket: 'day', from: '2026-10-29T00:00:00.000Z' });
    expect(d30.periods).toHaveLength(30);
    expect(d30.periods.at(-1)).toBe('2026-11-27');
    expect((await get('90d')).periods).toHaveLength(90);
    const y = await get('1y');
    expect(y).toMatchObject({ bucket: 'month', from: '2025-12-01T00:00:00.000Z' });
    expect(y.periods).toEqual(Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(2025, 11 + i, 1)).toISOString().slice(0, 7)));
    const all = await get();
    expect(all.range).toBe('all');
    expect(all.periods.length).toBeGreaterThan(12);
    for (const [list, flows] of Object.entries(all.lists)) {
      expect(flows.map((x) => x.period), list).toEqual(all.periods);
      // The last year's months add up to what the whole history has for them.
      const byPeriod = new Map(flows.map((x) => [x.period, x]));
      for (const m of y.lists[list]) expect(byPeriod.get(m.period), `${list} ${m.period}`).toEqual(m);
    }
    // The 30 days add up to no more than the months they fall in.
    const list = Object.keys(all.lists)[0];
    const in30 = d30.lists[list].reduce((a, x) => a + x.inflow, 0);
    const inMonths = all.lists[list].filter((x) => x.period >= '2026-10').reduce((a, x) => a + x.inflow, 0);
    expect(in30).toBeLessThanOrEqual(inMonths);
  });

  it('refuses a range it does not know, naming the field', async () => {
    const r = await f.req({ method: 'GET', url: '/v1/stats?range=2w', role: 'reviewer' });
    expect(r.statusCode).toBe(400);
    expect(JSON.stringify(r.json())).toMatch(/range/);
  });
});
