/**
 * `xinyong serve` as a process: a check's receipt survives a SIGTERM restart. Receipts are
 * flushed every 60 s here, so only the shutdown flush can have written it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from '../../src/app/free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'xinyong.js');
const dir = mkdtempSync(join(tmpdir(), 'xinyong-serve-'));
const db = join(dir, 'x.db');
let env: Record<string, string> = {};
const running: ChildProcess[] = [];

async function start(port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', String(port), '--host', '127.0.0.1', '--log-level', 'warn', '--receipt-flush-ms', '60000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr += d));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { child, url };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`serve did not start: ${stderr}`);
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

beforeAll(() => {
  const r = spawnSync(process.execPath, [BIN, 'demo', '--db', db, '--persons', '2000', '--enterprises', '250', '--seed', '7', '--no-serve', '--json'], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  env = Object.fromEntries(
    readFileSync(join(dir, 'demo-keys.env'), 'utf8')
      .split('\n')
      .filter((l) => /^XY_[A-Z_]+=/.test(l))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}, 120_000);

afterAll(() => {
  for (const c of running) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('xinyong serve', () => {
  it('the demo wrote one key per role and a listed organisation, readable by its owner only', () => {
    expect(Object.keys(env).sort()).toEqual(['XY_ADMIN_KEY', 'XY_AUTHOR_KEY', 'XY_CHECKER_KEY', 'XY_LISTED_ORG', 'XY_REVIEWER_KEY', 'XY_SOURCE_KEY', 'XY_SUBJECT_ID', 'XY_SUBJECT_KEY']);
    expect(spawnSync('stat', ['-c', '%a', join(dir, 'demo-keys.env')], { encoding: 'utf8' }).stdout.trim()).toBe('600');
  });

  it('a receipt issued just before SIGTERM is flushed on shutdown and answers after a restart', async () => {
    const port = await freePort();
    const a = await start(port);
    const auth = { authorization: `Bearer ${env.XY_CHECKER_KEY}`, 'content-type': 'application/json' };
    const res = await fetch(`${a.url}/v1/checks`, { method: 'POST', headers: auth, body: JSON.stringify({ subject: env.XY_LISTED_ORG, action: 'transport.air.ticket' }) });
    expect(res.status).toBe(200);
    const given = (await res.json()) as { receipt: string; decision: string };
    expect(given.decision).toBe('deny');
    const health = (await (await fetch(`${a.url}/healthz`)).json()) as { pendingReceipts: number };
    expect(health.pendingReceipts).toBe(1);
    expect(await stop(a.child)).toBe(0);

    const b = await start(port);
    const got = await fetch(`${b.url}/v1/checks/${given.receipt}`, { headers: auth });
    expect(got.status).toBe(200);
    expect(((await got.json()) as { decided: unknown }).decided).toEqual(given);
    expect(await stop(b.child)).toBe(0);
    const verify = spawnSync(process.execPath, [BIN, 'audit', 'verify', '--db', db], { encoding: 'utf8' });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  });

  it('without a key the API answers 401 problem+json; with a source key a check is 403', async () => {
    const port = await freePort();
    const s = await start(port);
    const body = JSON.stringify({ subject: env.XY_LISTED_ORG, action: 'transport.air.ticket' });
    const none = await fetch(`${s.url}/v1/checks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const src = await fetch(`${s.url}/v1/checks`, { method: 'POST', headers: { authorization: `Bearer ${env.XY_SOURCE_KEY}`, 'content-type': 'application/json' }, body });
    expect(src.status).toBe(403);
    expect(await stop(s.child)).toBe(0);
  });
});
