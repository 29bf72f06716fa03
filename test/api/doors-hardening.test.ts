/**
 * The HTTP door fails closed (issue 16, findings 9 and 11–14): dev tokens carry no identifier and an
 * actor each, the public rate limit counts a client across every public route, request bodies are
 * taken as sent (no coercion, no unknown fields), and even the errors Node answers before Fastify
 * sees a request are problem+json that echo nothing of it; a damaged receipt index serves nothing.
 */
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt } from 'jose';
import { buildServer } from '../../src/api/server.js';
import { createApiKey } from '../../src/app/keys.js';
import { makeFixture, NOW, type Fixture } from './fixture.js';

let f: Fixture;
beforeAll(async () => {
  f = await makeFixture();
}, 120_000);
afterAll(async () => f?.close());

const NUMBER = '110101199003074514';

describe('dev sign-in (finding 14)', () => {
  it('a subject token names the subject by internal id, never by the number it was asked for', async () => {
    const mps = await createApiKey(f.ctx.store, { name: 'residents registry', role: 'source', source: 'mps' }, NOW, 'test');
    const reg = await f.app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${mps.key}` }, payload: { kind: 'subject', subject: `cn-rid:${NUMBER}`, name: '王五' } });
    expect(reg.statusCode, reg.body).toBe(201);
    const r = await f.req({ method: 'POST', url: '/v1/dev/sign-in', payload: { role: 'subject', subject: `cn-rid:${NUMBER}` } });
    expect(r.statusCode).toBe(200);
    const token = r.json().token as string;
    // A JWT payload is only base64url: whoever holds the token can read it.
    const payload = Buffer.from(token.split('.')[1], 'base64url').toString('utf8');
    expect(payload).not.toContain(NUMBER);
    expect(payload).not.toContain(NUMBER.slice(0, 14));
    expect(decodeJwt(token).xinyong_subject).toBe(r.json().subjectId);
    expect((await f.req({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${token}` } })).json().record.subject.id).toBe(r.json().subjectId);
    // The token service takes nothing but an internal id.
    await expect(f.server.svc.auth.devToken({ role: 'subject', subjectId: `cn-rid:${NUMBER}` })).rejects.toThrow(/internal id/);
  });

  it('every dev token is an actor of its own: two checkers cannot read each other’s receipts', async () => {
    const sign = async () => (await f.req({ method: 'POST', url: '/v1/dev/sign-in', payload: { role: 'checker' } })).json().token as string;
    const [a, b] = [await sign(), await sign()];
    const whoA = (await f.req({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${a}` } })).json().actor;
    const whoB = (await f.req({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${b}` } })).json().actor;
    expect(whoA).toMatch(/^dev:checker-[0-9a-f]{12}$/);
    expect(whoB).not.toBe(whoA);
    const c = await f.req({ method: 'POST', url: '/v1/checks', headers: { authorization: `Bearer ${a}` }, payload: { subject: f.org.id, action: 'transport.air.ticket' } });
    expect(c.statusCode).toBe(200);
    expect((await f.req({ method: 'GET', url: `/v1/checks/${c.json().receipt}`, headers: { authorization: `Bearer ${a}` } })).statusCode).toBe(200);
    expect((await f.req({ method: 'GET', url: `/v1/checks/${c.json().receipt}`, headers: { authorization: `Bearer ${b}` } })).statusCode).toBe(404);
  });

  it('a dev sign-in refuses scopes that are no scopes', async () => {
    const r = await f.req({ method: 'POST', url: '/v1/dev/sign-in', payload: { role: 'checker', scopes: ['a b'] } });
    expect(r.statusCode).toBe(400);
    const ok = await f.req({ method: 'POST', url: '/v1/dev/sign-in', payload: { role: 'checker', scopes: ['transport.air.ticket'] } });
    const who = await f.req({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${ok.json().token}` } });
    expect(who.json().scopes).toEqual(['transport.air.ticket']);
  });
});

describe('the public rate limit (finding 11)', () => {
  it('counts a client across every public route, not per route; another client has its own count', async () => {
    const s = await buildServer({ ctx: f.ctx, now: () => NOW, logLevel: 'silent', refreshEveryMs: 0, syncEveryMs: 0, publicRateLimit: { max: 4, timeWindow: 60_000 } });
    try {
      const from = (ip: string, url: string) => s.app.inject({ method: 'GET', url, remoteAddress: ip });
      const codes: number[] = [];
      for (const url of ['/public/v1/search?q=test', `/public/v1/subjects/${f.org.ref}`, '/public/v1/search?q=trade', `/public/v1/subjects/${f.org.ref}`, '/public/v1/search?q=test', `/public/v1/subjects/${f.org.ref}`]) codes.push((await from('203.0.113.7', url)).statusCode);
      expect(codes).toEqual([200, 200, 200, 200, 429, 429]);
      const r = await from('203.0.113.7', `/public/v1/subjects/${f.org.ref}`);
      expect(r.json()).toMatchObject({ code: 'XY_ERR_RATE_LIMITED', status: 429 });
      expect(r.headers['retry-after']).toBeDefined();
      expect((await from('198.51.100.1', '/public/v1/search?q=test')).statusCode).toBe(200);
      expect((await from('198.51.100.1', '/public/v1/search?q=test')).headers['x-ratelimit-remaining']).toBe('2');
    } finally {
      await s.app.close();
    }
  });
});

describe('strict request bodies (finding 12)', () => {
  const post = (url: string, role: 'source' | 'checker' | 'reviewer', payload: unknown) => f.req({ method: 'POST', url, role, payload: payload as Record<string, unknown> });

  it('a batch of records is `records` and nothing else, and `records` is an array, never coerced into one', async () => {
    const good = { externalId: 'strict-1', type: 'court.dishonest-debtor-decision', subject: f.org.ref, occurredAt: '2026-11-02', facts: { caseNo: 'STRICT-1', court: 'C', ground: 'evades' } };
    const cases: [unknown, string][] = [
      [{ extra: 1, records: [good] }, '/extra'],
      [{ records: 'x' }, '/records'],
      [{ records: good }, '/records'],
      [{ records: [] }, '/records'],
    ];
    for (const [body, field] of cases) {
      const r = await post('/v1/records', 'source', body);
      expect(r.statusCode, JSON.stringify(body)).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.json().code).toBe('XY_ERR_VALIDATION');
      expect(r.json().errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    // Nothing was stored by the refusals; the same line alone, or in a batch, still goes in.
    expect((await post('/v1/records', 'source', { records: [good] })).json()).toMatchObject({ stored: 1 });
    expect((await post('/v1/records', 'source', good)).json()).toMatchObject({ duplicates: 1 });
  });

  it('JSON bodies are taken as sent: no type coercion in any route', async () => {
    const bad: [string, 'source' | 'checker' | 'reviewer', unknown][] = [
      ['/v1/checks', 'checker', { subject: f.org.ref, action: 'transport.air.ticket', reference: 42 }],
      ['/v1/checks', 'checker', { subject: f.org.ref, action: ['transport.air.ticket'] }],
      ['/v1/checks:batch', 'checker', { action: 'transport.air.ticket', subjects: f.org.ref }],
      ['/v1/checks:batch', 'checker', { action: 'transport.air.ticket', subjects: [f.org.ref], extra: true }],
      ['/v1/dev/sign-in', 'checker', { role: 'checker', scopes: 'transport.air.ticket' }],
    ];
    for (const [url, role, body] of bad) {
      const r = await post(url, role, body);
      expect(r.statusCode, `${url} ${JSON.stringify(body)}`).toBe(400);
      expect(r.json().code).toBe('XY_ERR_VALIDATION');
    }
    // Query strings are text, and still read as numbers and booleans where the schema says so.
    expect((await f.req({ method: 'GET', url: '/v1/audit?limit=2', role: 'admin' })).json().entries).toHaveLength(2);
  });
});

describe('GET /v1/checks/{receipt} on a damaged receipt index (finding 9)', () => {
  it('never serves another check: the entry must hold the receipt asked for', async () => {
    const ask = async (subject: string) => (await f.req({ method: 'POST', url: '/v1/checks', role: 'checker', payload: { subject, action: 'transport.air.ticket' } })).json().receipt as string;
    const [mine, theirs] = [await ask(f.clean), await ask(f.person)];
    await f.server.svc.receipts.flush();
    const db = new Database(join(f.dir, 'x.db'));
    try {
      const seq = (rc: string) => (db.prepare('SELECT audit_seq FROM check_receipts WHERE receipt = ?').get(rc) as { audit_seq: number }).audit_seq;
      const own = seq(mine);
      db.prepare('UPDATE check_receipts SET audit_seq = ? WHERE receipt = ?').run(seq(theirs), mine);
      for (const [role, purpose] of [['checker', ''], ['reviewer', '?purpose=audit%20sample']] as const) {
        const r = await f.req({ method: 'GET', url: `/v1/checks/${mine}${purpose}`, role });
        expect(r.statusCode).toBe(500);
        expect(r.headers['content-type']).toContain('application/problem+json');
        expect(r.body).not.toContain(theirs);
        expect(r.body).not.toContain(f.person);
      }
      const v = await f.req({ method: 'GET', url: '/v1/audit:verify', role: 'admin' });
      expect(v.json()).toMatchObject({ ok: false, problem: { index: true } });
      db.prepare('UPDATE check_receipts SET audit_seq = ? WHERE receipt = ?').run(own, mine);
    } finally {
      db.close();
    }
    expect((await f.req({ method: 'GET', url: `/v1/checks/${mine}`, role: 'checker' })).statusCode).toBe(200);
    expect((await f.req({ method: 'GET', url: '/v1/audit:verify', role: 'admin' })).json().ok).toBe(true);
  });
});

describe('errors Node answers before Fastify has a request (finding 13)', () => {
  /** Sends raw bytes to a listening server and returns everything it answers before closing. */
  function raw(port: number, bytes: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const s = connect(port, '127.0.0.1', () => s.write(bytes));
      s.on('data', (c) => chunks.push(c));
      s.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? resolve(Buffer.concat(chunks).toString('utf8')) : reject(e)));
      s.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
      s.setTimeout(5000, () => s.destroy(new Error('no answer')));
    });
  }

  it('headers or a URL over 16 KB, and broken framing, are problem+json that echo nothing of the request', async () => {
    const lines: string[] = [];
    const logStream = new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) });
    const s = await buildServer({ ctx: f.ctx, now: () => NOW, logLevel: 'info', logStream, refreshEveryMs: 0, syncEveryMs: 0 });
    try {
      await s.app.listen({ port: 0, host: '127.0.0.1' });
      const port = (s.app.server.address() as AddressInfo).port;
      const long = `${NUMBER}-`.repeat(1200);
      const cases: [string, number, string][] = [
        [`GET /public/v1/search?q=${long} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, 'XY_ERR_HEADERS_TOO_LARGE'],
        [`GET /v1/whoami HTTP/1.1\r\nHost: x\r\nX-Note: ${long}\r\n\r\n`, 431, 'XY_ERR_HEADERS_TOO_LARGE'],
        [`POST /v1/checks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 400, 'XY_ERR_MALFORMED_REQUEST'],
        [`GET /v1/subjects/cn-rid:${NUMBER} HTTP/1.1\r\nHost: x\r\nX-Bad\u0001: ${NUMBER}\r\n\r\n`, 400, 'XY_ERR_MALFORMED_REQUEST'],
        [`FROB ${NUMBER} SPDY/9\r\n\r\n`, 400, 'XY_ERR_MALFORMED_REQUEST'],
      ];
      for (const [bytes, status, code] of cases) {
        const answer = await raw(port, bytes);
        const [head, body] = answer.split('\r\n\r\n');
        expect(head, answer.slice(0, 200)).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
        expect(head.toLowerCase()).toContain('content-type: application/problem+json');
        const p = JSON.parse(body);
        expect(p).toMatchObject({ status, code, type: expect.stringContaining('https://xinyong.dev/problems/'), requestId: expect.stringMatching(/^req-/) });
        expect(head.toLowerCase()).toContain(`x-request-id: ${p.requestId}`);
        expect(answer).not.toContain(NUMBER.slice(6, 14));
        expect(answer).not.toContain('SPDY');
      }
      // A well-formed request on the same server is answered as ever.
      expect(await raw(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/^HTTP\/1.1 200 /);
      expect(lines.join('')).not.toContain(NUMBER.slice(6, 14));
      expect(lines.join('')).toContain('request refused before it was read');
    } finally {
      await s.app.close();
    }
  });
});
