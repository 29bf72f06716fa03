/**
 * Several API processes on one PostgreSQL database (issue 6): two `xinyong serve` processes, as an
 * operator starts them, share a database and a key file. A court's listing sent to process A is
 * enforced by process B, which learns of it through the change feed (LISTEN/NOTIFY wakes it).
 *
 * PostgreSQL not running is a failure, not a skip. The test's tables live in a schema of their
 * own, dropped at the end.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/app/free-port.js';
import { dropSchemas, freshPgUrl, requirePostgres, TEST_PG_URL } from '../src/store/postgres/test-db.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'xinyong.js');
const AIR = 'transport.air.ticket';
const { url: DB, schema } = freshPgUrl('xy_mp');
const dir = mkdtempSync(join(tmpdir(), 'xy-multi-'));
const KEY = join(dir, 'shared.key');
const children: ChildProcess[] = [];
let keys: Record<string, string> = {};

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, '--db', DB, '--key-file', KEY, ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`xinyong ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Starts `xinyong serve` on a free port and resolves with its base URL once it listens. */
async function serve(): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, [BIN, '--db', DB, '--key-file', KEY, 'serve', '--port', String(port), '--log-level', 'warn'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout?.on('data', (d) => {
      out += d;
      if (out.includes('xinyong is serving')) resolve(`http://localhost:${port}`);
    });
    child.stderr?.on('data', (d) => (err += d));
    child.on('exit', (code) => reject(new Error(`serve exited (${code}) before listening: ${err}`)));
    setTimeout(() => reject(new Error(`serve did not listen within 60 s: ${out} ${err}`)), 60_000).unref();
  });
}

async function post(base: string, path: string, role: string, body: unknown) {
  const r = await fetch(base + path, { method: 'POST', headers: { authorization: `Bearer ${keys[role]}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as Record<string, unknown> };
}

const check = async (base: string, subject: string) => (await post(base, '/v1/checks', 'checker', { subject, action: AIR })).body.decision as string;

beforeAll(async () => {
  await requirePostgres();
  cli('demo', '--persons', '400', '--enterprises', '40', '--no-serve');
  for (const line of readFileSync(join(dir, 'demo-keys.env'), 'utf8').split('\n')) {
    const m = /^XY_([A-Z]+)_KEY=(\S+)$/.exec(line);
    if (m) keys[m[1].toLowerCase()] = m[2];
  }
}, 180_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : null)));
  await dropSchemas([schema]);
  rmSync(dir, { recursive: true, force: true });
});

describe('two API processes on one PostgreSQL database', () => {
  it('a listing made through process A is enforced by process B', async () => {
    const [a, b] = await Promise.all([serve(), serve()]);
    // Persons no list reaches yet, as the database says.
    const db = new pg.Client({ connectionString: TEST_PG_URL });
    await db.connect();
    const clean = (
      await db.query(`SELECT subject_id FROM ${schema}.subjects s WHERE kind = 'person' AND NOT EXISTS (SELECT 1 FROM ${schema}.list_entries e WHERE e.subject_id = s.subject_id) ORDER BY subject_id LIMIT 5`)
    ).rows.map((r) => r.subject_id as string);
    await db.end();
    expect(clean.length).toBe(5);
    const person = clean[0];
    expect(await check(a, person)).toBe('allow');
    expect(await check(b, person)).toBe('allow');

    const health = async (base: string) => (await (await fetch(`${base}/healthz`)).json()) as { feed: { position: number; syncedAt: string } };
    const before = await health(b);
    const occurredAt = new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10);
    const sent = await post(a, '/v1/records', 'source', { externalId: `mp-${schema}`, type: 'court.dishonest-debtor-decision', subject: person, occurredAt, facts: { caseNo: 'MP-1', court: 'Court', ground: 'evades' } });
    expect(sent.status).toBe(201);
    const t0 = Date.now();
    // A enforces its own listing at once.
    expect(await check(a, person)).toBe('deny');
    // B enforces it as soon as the change reaches it.
    await expect.poll(() => check(b, person), { timeout: 10_000, interval: 20 }).toBe('deny');
    const delay = Date.now() - t0;
    const denied = await post(b, '/v1/checks', 'checker', { subject: person, action: AIR });
    expect(denied.body.measures).toEqual(expect.arrayContaining([expect.objectContaining({ list: 'spc-dishonest-debtors', effect: 'deny' })]));
    // B's health says how far it has followed the feed, and when.
    const after = await health(b);
    expect(after.feed.position).toBeGreaterThan(before.feed.position);
    expect(Date.parse(after.feed.syncedAt)).toBeGreaterThanOrEqual(t0 - 1000);
    // Another person stays allowed on both.
    expect(await check(b, clean[1])).toBe('allow');
    console.log(`listing via A enforced by B after ${delay} ms`);
  }, 120_000);
});
