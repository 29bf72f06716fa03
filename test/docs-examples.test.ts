/**
 * docs/api.md runs as written. A small demo city is built with the real CLI into a temporary
 * directory laid out like a checkout after `npm start` (`data/xinyong.db`, `data/demo-keys.env`)
 * and served by `xinyong demo --if-empty` on a free port. Every ```sh block of the guide is then
 * run with bash, in order, from that directory, with the demo keys loaded, and must exit 0: the
 * guide uses `curl -f` where it expects a 2xx, and `| jq -e '., .status == N'` (print the problem,
 * check its status) where it shows an error. Blocks marked ```sh no-run (npm start, OIDC with an
 * external issuer) are not run.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { freePort } from '../src/app/free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEMS } from '../src/api/errors.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'xinyong.js');
const DOC = join(ROOT, 'docs', 'api.md');
/** What the guide calls the server; replaced by the test server's URL. */
const DOC_URL = 'http://localhost:8080';
const DOC_KEYS = 'data/demo-keys.env';

interface Block {
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
}

/** The shell blocks of a Markdown page: ```sh ones to run, ```sh no-run ones to skip, and misuses. */
function shellBlocks(md: string): { run: Block[]; skipped: Block[]; problems: string[] } {
  const run: Block[] = [];
  const skipped: Block[] = [];
  const problems: string[] = [];
  const lines = md.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*(\S*)\s*(.*?)\s*$/.exec(lines[i]);
    if (!open) continue;
    const [, indent, fence, lang, rest] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(lines[j]);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    const block = { line: i + 1, code: body.join('\n') };
    if (lang === 'sh') {
      if (rest === '') run.push(block);
      else if (rest === 'no-run') skipped.push(block);
      else problems.push(`line ${i + 1}: unknown marker '${rest}' (use \`\`\`sh or \`\`\`sh no-run)`);
    } else if (['bash', 'shell', 'zsh', 'console', 'shell-session'].includes(lang)) {
      problems.push(`line ${i + 1}: a ${lang} block; use \`\`\`sh (run by this test), \`\`\`sh no-run or \`\`\`text`);
    }
    i = j;
  }
  return { run, skipped, problems };
}

/** Each curl command of a block, from `curl` up to the next one (JSON bodies may span lines). */
function curlCommands(code: string): string[] {
  const text = code
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const starts = [...text.matchAll(/(?:^|[\s|;&(])curl\s/g)].map((m) => m.index as number);
  return starts.map((at, i) => text.slice(at, starts[i + 1] ?? text.length));
}

function runBash(script: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Asynchronous, so the server's log pipe keeps draining while a block runs.
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const doc = readFileSync(DOC, 'utf8');
const blocks = shellBlocks(doc);

const dir = mkdtempSync(join(tmpdir(), 'xy-docs-'));
const DB = join(dir, 'data', 'xinyong.db');
const KEYS = join(dir, 'data', 'demo-keys.env');
let port = 0;
let url = '';
let server: ChildProcess | null = null;
let serverExit: Promise<number | null> | null = null;
let serverLog = '';
let env: NodeJS.ProcessEnv = {};

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, '--db', DB, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does it first)');
  const tools = spawnSync('bash', ['-c', 'command -v curl && command -v jq'], { encoding: 'utf8' });
  if (tools.status !== 0) throw new Error('the docs examples need bash, curl and jq on PATH');

  // Build the city (and its keys) without serving, the way `npm start` lays it out.
  const built = cli(['demo', '--persons', '2000', '--enterprises', '250', '--no-serve']);
  if (built.code !== 0) throw new Error(`xinyong demo --no-serve exited ${built.code}: ${built.stderr}`);
  expect(existsSync(KEYS), 'demo --no-serve writes demo-keys.env next to the database').toBe(true);
  expect(statSync(KEYS).mode & 0o077).toBe(0);
  const keys = readFileSync(KEYS, 'utf8');
  for (const v of ['XY_SOURCE_KEY=xy_k_', 'XY_CHECKER_KEY=xy_k_', 'XY_REVIEWER_KEY=xy_k_', 'XY_AUTHOR_KEY=xy_k_', 'XY_ADMIN_KEY=xy_k_', 'XY_SUBJECT_KEY=xy_k_', 'XY_LISTED_ORG=cn-uscc:', 'XY_SUBJECT_ID=s_']) {
    expect(keys).toContain(v);
  }

  // Serve it as `npm start` does on a later start: reuse the city, dev sign-in on.
  port = await freePort();
  url = `http://localhost:${port}`;
  const child = spawn(process.execPath, [BIN, 'demo', '--db', DB, '--if-empty', '--port', String(port)], {
    cwd: dir,
    env: { ...process.env, XY_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server = child;
  serverExit = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  child.stdout?.on('data', (d) => (serverLog += d));
  child.stderr?.on('data', (d) => (serverLog += d));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${serverLog}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`the server did not come up on ${url}:\n${serverLog}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('XY_')));
  env = { ...inherited, DOCS_TEST_BIN: BIN };
}, 120_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    server.kill('SIGTERM');
    await Promise.race([serverExit, new Promise((r) => setTimeout(r, 10_000))]);
    if (server.exitCode === null) server.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('docs/api.md', () => {
  it('marks every shell block as ```sh (run here) or ```sh no-run', () => {
    expect(blocks.problems).toEqual([]);
    expect(blocks.run.length).toBeGreaterThan(20);
    for (const b of blocks.run) {
      // Examples talk to the demo only through its documented URL and key file.
      expect(b.code.replaceAll(DOC_URL, ''), `block at line ${b.line}`).not.toMatch(/localhost|127\.0\.0\.1|:8080/);
      expect(b.code, `block at line ${b.line} hard-codes a key`).not.toMatch(/xy_k_[0-9a-f]{12}_/);
      expect(b.code, `block at line ${b.line} hard-codes an internal id`).not.toMatch(/\b[sre]_[0-9a-f]{24}\b|\brc_[0-9a-f]{24,32}\b/);
    }
  });

  it('lists every error code of src/api/errors.ts with its status, and no other', () => {
    const rows = [...doc.matchAll(/^\| `(XY_ERR_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])]);
    const codes = Object.entries(PROBLEMS).map(([code, p]) => [code, p.status]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(codes));
    expect(rows).toHaveLength(codes.length);
  });

  it("checks the HTTP status of every curl: -f where a 2xx is expected, jq -e '., .status == N' where an error is shown", () => {
    for (const b of blocks.run) {
      for (const cmd of curlCommands(b.code)) {
        const fails = /\s-[A-Za-z]*f[A-Za-z]*(\s|$)|\s--fail(-with-body)?(\s|$)/.test(cmd);
        const tested = /\|\s*jq -e '\., \.status == [0-9]{3}'/.test(cmd);
        expect(fails || tested, `block at line ${b.line}: ${cmd.trim().slice(0, 120)}`).toBe(true);
      }
    }
  });

  for (const b of blocks.run) {
    const first = b.code.split('\n').find((l) => l.trim() !== '' && !l.trim().startsWith('#')) ?? '';
    it(`runs the example at line ${b.line}: ${first.trim().slice(0, 70)}`, async () => {
      const script = [
        'set -euo pipefail',
        `set -a; . ${JSON.stringify(KEYS)}; set +a`,
        // `npx xinyong` from the checkout the guide assumes; anything else would reach the registry.
        'npx() { if [ "${1-}" = xinyong ]; then shift; node "$DOCS_TEST_BIN" "$@"; else echo "docs test: only npx xinyong is supported" >&2; return 127; fi; }',
        b.code.replaceAll(DOC_URL, url).replaceAll(DOC_KEYS, KEYS),
      ].join('\n');
      const r = await runBash(script, dir, env);
      // To refresh the responses shown in the guide: DOCS_EXAMPLES_OUT=/tmp/out.md npx vitest run test/docs-examples.test.ts
      if (process.env.DOCS_EXAMPLES_OUT) appendFileSync(process.env.DOCS_EXAMPLES_OUT, `## line ${b.line} (exit ${r.code})\n\n${b.code}\n\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}\n\n`);
      expect(r.code, `docs/api.md line ${b.line} exited ${r.code}\n--- block\n${b.code}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`).toBe(0);
    });
  }

  it('stops on SIGTERM with every receipt committed, and the log never shows an ID number in clear', async () => {
    const keys = Object.fromEntries(
      readFileSync(KEYS, 'utf8')
        .split('\n')
        .filter((l) => /^XY_\w+=/.test(l))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    // A check answered just before the signal: its receipt must reach the audit chain.
    const res = await fetch(`${url}/v1/checks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.XY_CHECKER_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ subject: keys.XY_LISTED_ORG, action: 'transport.air.ticket' }),
    });
    expect(res.status).toBe(200);
    const { receipt } = (await res.json()) as { receipt: string };
    server?.kill('SIGTERM');
    expect(await serverExit).toBe(0);

    const found = cli(['audit', 'log', '--receipt', receipt, '--json']);
    expect(found.code, found.stderr).toBe(0);
    expect(JSON.parse(found.stdout).entries[0].data.receipt).toBe(receipt);
    const verified = cli(['audit', 'verify']);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);

    // Identifiers in request paths are masked, query values dropped.
    const examples = blocks.run.map((b) => b.code).join('\n');
    for (const [, rid] of examples.matchAll(/cn-rid:(\d{17}[\dX])/g)) expect(serverLog).not.toContain(rid);
    for (const [, rid] of examples.matchAll(/\/subjects\/cn-rid:(\d{17}[\dX])/g)) expect(serverLog).toContain(`cn-rid:${rid.slice(0, 6)}********${rid.slice(14)}`);
    expect(serverLog).toMatch(/"url":"\/public\/v1\/subjects\/cn-rid:\d{6}\*{8}[\dX]{4}\?name=…"/);
  });
});
