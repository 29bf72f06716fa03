import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, notice } from '../process/notices.js';
import type { NoticeRow } from '../store/port.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { NoticeDelivery, verifyWebhook } from './notice-delivery.js';

const T = Date.UTC(2026, 4, 15, 8, 0, 0);
const SECRET = 'whsec_0123456789abcdef';
const root = mkdtempSync(join(tmpdir(), 'xinyong-notice-delivery-'));
let dbs = 0;
const freshPath = () => join(root, `db-${++dbs}`, 'xinyong.db');
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A pending outbox row, as the process core writes it (subjectId null: no subject row needed). */
function row(kind: string, at: number, extra: Partial<NoticeRow> = {}): NoticeRow {
  const d = notice(kind, null, at, { caseId: `c_${kind}`, secretish: 'payload-only' });
  return { ...d, status: 'pending', attempts: 0, nextAttemptAt: at, lastError: null, deliveredAt: null, ...extra };
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local receiver on `port` (0: any), answering with `status()` after `delayMs()`. */
async function receiver(port = 0, status: () => number = () => 204, delayMs: () => number = () => 0) {
  const got: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const s = status();
      setTimeout(() => res.writeHead(s, s === 302 ? { location: 'http://example.invalid/' } : {}).end('receiver said no: internal detail'), delayMs());
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, port: (server.address() as AddressInfo).port, close };
}

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const r = await receiver();
  await r.close();
  return r.port;
}

const ids = (got: Received[]) => got.map((g) => g.headers['x-xinyong-notice']);

describe('NoticeDelivery', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0).reverse()) await c();
  });
  async function openStore(path = freshPath()) {
    const store = new SqliteStore(path);
    await store.migrate();
    cleanup.push(() => store.close());
    return store;
  }
  async function up(port?: number, status?: () => number, delayMs?: () => number) {
    const r = await receiver(port, status, delayMs);
    cleanup.push(r.close);
    return r;
  }

  it('signs each notice so verifyWebhook accepts it, and refuses a tampered body or a stale timestamp', async () => {
    const store = await openStore();
    const a = row('objection.received', T - 5000);
    await store.addNotices([a]);
    const r = await up();
    let clock = T;
    const d = new NoticeDelivery(store, { url: r.url, secret: SECRET, now: () => clock });

    expect(await d.deliverDue()).toEqual({ delivered: 1, failed: 0, dead: 0 });
    expect(r.got).toHaveLength(1);
    const { headers, body } = r.got[0];
    expect(headers['content-type']).toBe('application/json');
    expect(headers['x-xinyong-notice']).toBe(a.id);
    expect(headers['x-xinyong-timestamp']).toBe(String(T / 1000));
    expect(JSON.parse(body)).toEqual({ id: a.id, kind: a.kind, subjectId: null, createdAt: new Date(a.createdAt).toISOString(), payload: a.payload });

    const ts = headers['x-xinyong-timestamp'];
    const sig = headers['x-xinyong-signature'];
    expect(sig).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(SECRET, ts, sig, body, T / 1000)).toBe(true);
    expect(verifyWebhook(SECRET, ts, sig, body, T / 1000 + 300)).toBe(true);
    expect(verifyWebhook(SECRET, ts, sig, body.replace('payload-only', 'payload-0nly'), T / 1000)).toBe(false);
    expect(verifyWebhook(SECRET, ts, sig, body, T / 1000 + 301)).toBe(false);
    expect(verifyWebhook(SECRET, ts, sig, body, T / 1000 - 301)).toBe(false);
    expect(verifyWebhook('whsec_another_secret_entirely', ts, sig, body, T / 1000)).toBe(false);
    expect(verifyWebhook(SECRET, String(Number(ts) + 1), sig, body, T / 1000)).toBe(false);
    expect(verifyWebhook(SECRET, ts, String(sig).slice(0, -1), body, T / 1000)).toBe(false);
    expect(verifyWebhook(SECRET, undefined, sig, body, T / 1000)).toBe(false);
    expect(verifyWebhook(SECRET, ['1', '2'], sig, body, T / 1000)).toBe(false);

    const [stored] = await store.listNotices({ limit: 10 });
    expect(stored).toMatchObject({ id: a.id, status: 'delivered', attempts: 1, deliveredAt: T, lastError: null });
    clock += 3_600_000;
    expect(await d.deliverDue()).toEqual({ delivered: 0, failed: 0, dead: 0 });
    expect(r.got).toHaveLength(1);
  });

  it('backs off while the receiver is down (1 s, 2 s, 4 s … plus jitter), then dead-letters after MAX_ATTEMPTS', async () => {
    const store = await openStore();
    const a = row('repair.received', T);
    await store.addNotices([a]);
    const port = await closedPort();
    const jitters = [0, 1, 0.5, 0.2, 0.9, 0.1, 0.7, 0.3];
    let j = 0;
    let clock = T;
    const errors: string[] = [];
    const d = new NoticeDelivery(store, { url: `http://127.0.0.1:${port}/hook`, secret: SECRET, now: () => clock, random: () => jitters[j++ % jitters.length], onError: (e) => errors.push((e as Error).message) });

    const gaps: number[] = [];
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // Not yet due: nothing is tried.
      if (attempt > 1) {
        clock -= 1;
        expect(await d.deliverDue()).toEqual({ delivered: 0, failed: 0, dead: 0 });
        clock += 1;
      }
      const res = await d.deliverDue();
      const [n] = await store.listNotices({ limit: 1 });
      expect(n.attempts).toBe(attempt);
      expect(n.lastError).toBe('ECONNREFUSED');
      expect(n.lastError).not.toContain('payload-only');
      if (attempt < MAX_ATTEMPTS) {
        expect(res).toEqual({ delivered: 0, failed: 1, dead: 0 });
        expect(n.status).toBe('pending');
        const base = Math.min(3_600_000, 1000 * 2 ** (attempt - 1));
        const gap = n.nextAttemptAt - clock;
        expect(gap).toBe(base + Math.floor(base * 0.25 * jitters[(attempt - 1) % jitters.length]));
        gaps.push(gap);
        clock = n.nextAttemptAt;
      } else {
        expect(res).toEqual({ delivered: 0, failed: 0, dead: 1 });
        expect(n.status).toBe('dead');
      }
    }
    // Each gap is about twice the one before (jitter adds at most a quarter).
    // Doubling until the one-hour cap, then hourly.
    for (let i = 1; i < gaps.length; i++) {
      if (gaps[i] < 3_600_000) expect(gaps[i] / gaps[i - 1]).toBeGreaterThan(1.5), expect(gaps[i] / gaps[i - 1]).toBeLessThan(2.6);
      else expect(gaps[i]).toBeLessThanOrEqual(3_600_000 * 1.25);
    }
    // About five hours of trying in all.
    expect(gaps.reduce((a, b) => a + b, 0)).toBeGreaterThan(4 * 3_600_000);
    expect(errors).toHaveLength(MAX_ATTEMPTS);
    expect(errors.at(-1)).toContain(`dead-lettered after ${MAX_ATTEMPTS}`);
    expect(errors.join('\n')).not.toContain('payload-only');

    // Dead is final, however late it gets.
    clock += 30 * 86_400_000;
    expect(await d.deliverDue()).toEqual({ delivered: 0, failed: 0, dead: 0 });
  });

  it('loses nothing across a restart: after failures, each pending notice reaches the receiver exactly once, dead ones never', async () => {
    const path = freshPath();
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}/hook`;
    let clock = T;

    // Before: five pending notices and one on its last try, with the receiver down.
    const first = new SqliteStore(path);
    await first.migrate();
    const pending = [1, 2, 3, 4, 5].map((i) => row(`objection.k${i}`, T - i * 1000));
    const doomed = row('objection.doomed', T - 10_000, { attempts: MAX_ATTEMPTS - 1 });
    await first.addNotices([...pending, doomed]);
    const before = new NoticeDelivery(first, { url, secret: SECRET, now: () => clock, random: () => 0.5 });
    expect(await before.deliverDue()).toEqual({ delivered: 0, failed: 5, dead: 1 });
    clock += 2000;
    expect(await before.deliverDue()).toEqual({ delivered: 0, failed: 5, dead: 0 });
    await before.close();
    await first.close();

    // After: a new process (store reopened, new delivery, batch smaller than the backlog), receiver up.
    const store = await openStore(path);
    const r = await up(port);
    const after = new NoticeDelivery(store, { url, secret: SECRET, now: () => clock, random: () => 0.5, batch: 2 });
    expect(await after.deliverDue()).toEqual({ delivered: 0, failed: 0, dead: 0 }); // not due yet
    let delivered = 0;
    for (let tick = 0; tick < 20; tick++) {
      clock += 1000;
      delivered += (await after.deliverDue()).delivered;
    }
    expect(delivered).toBe(5);

    const counts = new Map<unknown, number>();
    for (const id of ids(r.got)) counts.set(id, (counts.get(id) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(pending.map((p) => [p.id, 1])));
    expect(counts.has(doomed.id)).toBe(false);
    for (const g of r.got) expect(verifyWebhook(SECRET, g.headers['x-xinyong-timestamp'], g.headers['x-xinyong-signature'], g.body, Math.floor(clock / 1000))).toBe(true);

    const all = await store.listNotices({ limit: 100 });
    expect(all).toHaveLength(6);
    expect(all.filter((n) => n.status === 'delivered').map((n) => n.id).sort()).toEqual(pending.map((p) => p.id).sort());
    expect(all.filter((n) => n.status === 'delivered').every((n) => n.attempts === 3)).toBe(true);
    expect(all.filter((n) => n.status === 'dead').map((n) => n.id)).toEqual([doomed.id]);
    expect(await store.listNotices({ status: 'pending', limit: 100 })).toEqual([]);
  });

  it('sends a notice again, with the same id, after the receiver answered 500 (and treats a redirect as a failure)', async () => {
    const store = await openStore();
    const a = row('commitment.breached', T);
    await store.addNotices([a]);
    const statuses = [500, 302, 200];
    const r = await up(0, () => statuses.shift() ?? 200);
    let clock = T;
    const d = new NoticeDelivery(store, { url: r.url, secret: SECRET, now: () => clock, random: () => 0 });

    expect(await d.deliverDue()).toEqual({ delivered: 0, failed: 1, dead: 0 });
    let [n] = await store.listNotices({ limit: 1 });
    expect(n).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 500', nextAttemptAt: T + 1000 });
    clock += 1000;
    expect(await d.deliverDue()).toEqual({ delivered: 0, failed: 1, dead: 0 });
    [n] = await store.listNotices({ limit: 1 });
    expect(n).toMatchObject({ status: 'pending', attempts: 2, lastError: 'HTTP 302' });
    clock += 2000;
    expect(await d.deliverDue()).toEqual({ delivered: 1, failed: 0, dead: 0 });
    [n] = await store.listNotices({ limit: 1 });
    expect(n).toMatchObject({ status: 'delivered', attempts: 3, deliveredAt: clock });

    expect(ids(r.got)).toEqual([a.id, a.id, a.id]);
    // Same notice, same body; each try signed afresh with its own timestamp.
    expect(new Set(r.got.map((g) => g.body)).size).toBe(1);
    expect(r.got.map((g) => g.headers['x-xinyong-timestamp'])).toEqual([T, T + 1000, T + 3000].map((t) => String(t / 1000)));
  });

  it('counts a receiver slower than timeoutMs as a failure, and sends again (at least once)', async () => {
    const store = await openStore();
    const a = row('objection.decided', T);
    await store.addNotices([a]);
    const delays = [400];
    const r = await up(0, () => 200, () => delays.shift() ?? 0);
    let clock = T;
    const d = new NoticeDelivery(store, { url: r.url, secret: SECRET, now: () => clock, timeoutMs: 100, random: () => 0 });

    expect(await d.deliverDue()).toEqual({ delivered: 0, failed: 1, dead: 0 });
    expect((await store.listNotices({ limit: 1 }))[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: 'timeout after 100 ms' });
    clock += 1000;
    expect(await d.deliverDue()).toEqual({ delivered: 1, failed: 0, dead: 0 });
    // The receiver saw it twice: it must dedupe by x-xinyong-notice.
    expect(ids(r.got)).toEqual([a.id, a.id]);
  });

  it('shares one run between overlapping calls, so a notice is not sent twice by one process', async () => {
    const store = await openStore();
    await store.addNotices([row('a', T), row('b', T + 1)]);
    const r = await up(0, () => 200, () => 50);
    const d = new NoticeDelivery(store, { url: r.url, secret: SECRET, now: () => T + 10 });
    const [x, y] = await Promise.all([d.deliverDue(), d.deliverDue()]);
    expect(x).toEqual({ delivered: 2, failed: 0, dead: 0 });
    expect(y).toBe(x);
    expect(r.got).toHaveLength(2);
    expect(ids(r.got)).toEqual([row('a', T).id, row('b', T + 1).id]);
  });

  it('refuses a non-http URL or a short secret at construction', async () => {
    const store = await openStore();
    expect(() => new NoticeDelivery(store, { url: 'ftp://x/hook', secret: SECRET })).toThrow(/http/);
    expect(() => new NoticeDelivery(store, { url: 'not a url', secret: SECRET })).toThrow();
    expect(() => new NoticeDelivery(store, { url: 'https://x/hook', secret: 'short' })).toThrow(/16/);
  });
});
