/**
 * End-to-end through the built CLI (`node bin/xinyong.js`), as an operator would use it:
 * build a city, list, check, inspect a subject, validate catalogs, verify and break the audit
 * chain, and make sure a person's ID number never lands in the database files.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { approvePublication } from '../src/app/catalog.js';
import { createApp, openContext } from '../src/app/context.js';
import { freePort } from '../src/app/free-port.js';
import { personRid } from './fixtures/identities.js';

const ROOT = join(import.meta.dirname, '..');

/** A second person: the actor an author's API key is in the audit log. */
const SECOND = 'key:k_5ec0dda07b0e';

/** Approves a publication request as another person than the CLI's operator, through the same use case. */
async function approveAsAnother(db: string, request: string) {
  const ctx = await openContext({ db, now: Date.now(), actor: 'test', create: false });
  try {
    return await approvePublication(createApp(ctx), request, { role: 'author', actor: SECOND, scopes: [], source: null, subjectId: null });
  } finally {
    await ctx.close();
  }
}
const BIN = join(ROOT, 'bin', 'xinyong.js');
const dir = mkdtempSync(join(tmpdir(), 'xy-cli-'));
const DB = join(dir, 'city.db');

function run(args: string[], db = DB): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, '--db', db, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
function json<T = Record<string, any>>(args: string[], db = DB): T {
  const r = run([...args, '--json'], db);
  if (r.code !== 0) throw new Error(`xinyong ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does it first)');
  const r = run(['demo', '--persons', '3000', '--enterprises', '300', '--seed', '7', '--no-serve']);
  if (r.code !== 0) throw new Error(r.stderr);
});

describe('xinyong demo', () => {
  it('prints a summary of subjects per kind, records per area, list sizes and grades', () => {
    const r = run(['demo', '--if-empty', '--no-serve']);
    expect(r.code).toBe(0);
    for (const s of ['Subjects: ', 'person', 'enterprise', 'institution', 'government', 'Records: ', 'judicial', 'spc-dishonest-debtors', 'Grade distribution', 'civic-points: AAA']) {
      expect(r.stdout).toContain(s);
    }
    const s = json(['demo', '--if-empty', '--no-serve']);
    expect(s.built).toBe(false);
    expect(s.subjectsByKind.person).toBe(3000);
    expect(s.subjectsByKind.enterprise).toBe(300);
    expect(Object.keys(s.recordsByArea).sort()).toEqual(['commercial', 'government', 'judicial', 'societal']);
    expect(s.grades['civic-points']).toBeDefined();
    const graded = Object.values(s.grades['civic-points'] as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(graded).toBe(3000); // every person is graded, with or without records
  });

  it('refuses to build over an existing city without --if-empty', () => {
    const r = run(['demo', '--no-serve']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/already holds subjects/);
  });

  it('is deterministic for a seed', () => {
    const db2 = join(dir, 'again.db');
    json(['demo', '--persons', '3000', '--enterprises', '300', '--seed', '7', '--no-serve', '--now', '2026-11-27'], db2);
    const db3 = join(dir, 'again3.db');
    json(['demo', '--persons', '3000', '--enterprises', '300', '--seed', '7', '--no-serve', '--now', '2026-11-27'], db3);
    const dump = (p: string) => new Database(p, { readonly: true }).prepare('SELECT id, type, occurred_at, facts FROM records ORDER BY id').all();
    expect(dump(db2)).toEqual(dump(db3));
  });
});

describe('list, check and subject', () => {
  it('a listed subject is denied a flight, with measure code, list, dates and legal basis; a clean one is allowed', () => {
    const l = json<{ entries: { subjectId: string; id: string; subject: { kind: string; name: string | null; identifier: string } }[] }>(['list', '--name', 'spc-dishonest-debtors', '--limit', '1']);
    expect(l.entries).toHaveLength(1);
    // Who is listed: a person only by a masked ID number, never a name or the full number.
    const who = l.entries[0].subject;
    if (who.kind === 'person') {
      expect(who.name).toBeNull();
      expect(who.identifier).toMatch(/^\d{6}\*{8}[0-9X]{4}$/);
      const reads = json<{ entries: { data: { list: string; purpose: string } }[] }>(['audit', 'log', '--subject', l.entries[0].subjectId, '--action', 'list.read', '--limit', '1']);
      expect(reads.entries[0].data).toMatchObject({ list: 'spc-dishonest-debtors', purpose: 'operator inspection (CLI)' });
    } else expect(who.name).toBeTruthy();
    const id = l.entries[0].subjectId;
    const c = json(['check', '--subject', id, '--action', 'transport.air.ticket']);
    expect(c.decision).toBe('deny');
    const m = c.measures.find((x: { list: string }) => x.list === 'spc-dishonest-debtors');
    expect(m.measure).toMatch(/^[a-z0-9-]+$/);
    expect(m.since).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    // --json keeps both languages of every text the catalog shows.
    expect(m.legalBasis.en.length).toBeGreaterThan(10);
    expect(m.legalBasis['zh-CN'].length).toBeGreaterThan(5);
    expect(c.receipt).toMatch(/^rc_[0-9a-f]{32}$/);

    const db = new Database(DB, { readonly: true });
    const clean = db.prepare("SELECT id FROM subjects WHERE kind = 'person' AND id NOT IN (SELECT subject_id FROM list_entries) LIMIT 1").get() as { id: string };
    db.close();
    const ok = json(['check', '--subject', clean.id, '--action', 'transport.air.ticket']);
    expect(ok).toMatchObject({ decision: 'allow', known: true, measures: [] });
  });

  it('check --at answers as at that instant: allow before the listing, deny after', () => {
    const l = json<{ entries: { subjectId: string; since: string }[] }>(['list', '--name', 'spc-dishonest-debtors', '--limit', '1']);
    const { subjectId, since } = l.entries[0];
    const t = Date.parse(since);
    const before = json(['check', '--subject', subjectId, '--action', 'transport.air.ticket', '--at', new Date(t - 86_400_000).toISOString()]);
    const after = json(['check', '--subject', subjectId, '--action', 'transport.air.ticket', '--at', new Date(t + 86_400_000).toISOString()]);
    expect(before.decision).toBe('allow');
    expect(after.decision).toBe('deny');
    // The receipt is dated when it was asked; the instant decided about is in its data.
    const db = new Database(DB, { readonly: true });
    const row = db.prepare("SELECT at, data FROM audit_log WHERE action = 'check.decided' ORDER BY seq DESC LIMIT 1").get() as { at: number; data: string };
    db.close();
    expect(Math.abs(row.at - Date.now())).toBeLessThan(120_000);
    expect(JSON.parse(row.data).at).toBe(new Date(t + 86_400_000).toISOString());
  });

  it('accepts cn-rid and cn-uscc references, and answers known: false for a stranger', () => {
    const stranger = json(['check', '--subject', 'cn-rid:110101199003074514', '--action', 'transport.air.ticket']);
    expect(stranger).toMatchObject({ decision: 'allow', known: false });
    const bad = run(['check', '--subject', 'cn-rid:110101199003074515', '--action', 'transport.air.ticket']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/check character/);
    const act = run(['check', '--subject', 'cn-rid:110101199003074514', '--action', 'no.such.action']);
    expect(act.stderr).toMatch(/unknown action/);
  });

  it('subject --json shows scores, grades and breakdown entries with legal basis and end dates', () => {
    const db = new Database(DB, { readonly: true });
    const row = db.prepare("SELECT subject_id FROM records WHERE type = 'finance.loan-arrears' AND subject_id IN (SELECT id FROM subjects WHERE kind = 'person') ORDER BY occurred_at DESC LIMIT 1").get() as { subject_id: string };
    db.close();
    const v = json(['subject', row.subject_id]);
    const civic = v.state.schemes.find((s: { scheme: string }) => s.scheme === 'civic-points');
    expect(civic.grade).toMatch(/^(AAA|AA|A|B|C|D)$/);
    expect(typeof civic.score).toBe('number');
    const b = civic.breakdown.find((x: { recordType: string }) => x.recordType === 'finance.loan-arrears');
    expect(b.legalBasis).toBeTruthy();
    expect(b.until).toMatch(/^\d{4}-/);
    expect(b.points).toBeLessThan(0);
    expect(civic.breakdown.every((x: { legalBasis: string; ruleId: string }) => x.legalBasis && x.ruleId)).toBe(true);
    // The read of a person's record is in the audit log with its purpose.
    const db2 = new Database(DB, { readonly: true });
    const read = db2.prepare("SELECT data FROM audit_log WHERE action = 'subject.read' AND subject_id = ? ORDER BY seq DESC LIMIT 1").get(row.subject_id) as { data: string };
    db2.close();
    expect(JSON.parse(read.data).purpose).toBeTruthy();
  });

  it('subject --as-of shows the past: before the records were known, the base score', () => {
    const db = new Database(DB, { readonly: true });
    const row = db.prepare("SELECT subject_id, recorded_at FROM records WHERE type = 'finance.loan-arrears' ORDER BY recorded_at DESC LIMIT 1").get() as { subject_id: string; recorded_at: number };
    const first = db.prepare('SELECT MIN(recorded_at) AS t FROM records WHERE subject_id = ?').get(row.subject_id) as { t: number };
    db.close();
    const before = json(['subject', row.subject_id, '--as-of', new Date(first.t - 1).toISOString()]);
    expect(before.records).toBe(0);
    expect(before.timeline).toEqual([]);
    expect(before.state.schemes[0].score).toBe(before.state.schemes[0].base);
  });

  it('subject shows the timeline of records, newest first: in --json without facts, in text one line each', () => {
    const db = new Database(DB, { readonly: true });
    const row = db.prepare("SELECT subject_id, COUNT(*) AS n FROM records WHERE subject_id IN (SELECT id FROM subjects WHERE kind = 'person') GROUP BY subject_id HAVING n >= 2 ORDER BY n DESC, subject_id LIMIT 1").get() as { subject_id: string; n: number };
    db.close();
    const v = json(['subject', row.subject_id]);
    expect(v.records).toBe(row.n);
    expect(v.timeline).toHaveLength(row.n);
    const occurred = v.timeline.map((x: { occurredAt: string }) => x.occurredAt);
    expect(occurred).toEqual([...occurred].sort().reverse());
    for (const x of v.timeline) {
      expect(Object.keys(x).sort()).toEqual(['area', 'id', 'occurredAt', 'recordedAt', 'source', 'status', 'statuses', 'type']);
      expect(x.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    }
    const text = run(['subject', row.subject_id]);
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('Records, newest first:'));
    expect(at).toBeGreaterThan(0);
    const first = v.timeline[0];
    expect(lines[at + 1]).toMatch(new RegExp(`^\\s+${first.occurredAt.slice(0, 10)}\\s+${first.status}\\s+${first.type.replaceAll('.', '\\.')}\\s+${first.source}\\s+${first.id}$`));
    expect(lines.slice(at + 1).filter((l) => /\br_[0-9a-f]+$/.test(l))).toHaveLength(row.n);
  });
});

describe('serve options', () => {
  it('--oidc-client-id is in the help, and refused without an OIDC issuer (before anything is served)', () => {
    expect(run(['serve', '--help']).stdout).toMatch(/--oidc-client-id <id>/);
    const r = run(['serve', '--oidc-client-id', 'xinyong-console', '--port', '1']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--oidc-client-id needs --oidc-issuer/);
  });
});

describe('the port (issue 16 finding 15: the README says how to serve on another port)', () => {
  /** Starts `xinyong <args>` and answers once /healthz answers on `port`; stops it after. */
  async function servesOn(args: string[], port: number, env: Record<string, string> = {}): Promise<boolean> {
    const child = spawn(process.execPath, [BIN, '--db', DB, ...args], { cwd: dir, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    try {
      for (let i = 0; i < 150 && child.exitCode === null; i++) {
        if (await fetch(`http://localhost:${port}/healthz`).then((r) => r.ok, () => false)) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    }
  }

  it('serve and demo (npm start) listen on --port, or on the PORT environment variable', async () => {
    const a = await freePort();
    expect(await servesOn(['serve', '--port', String(a)], a)).toBe(true);
    const b = await freePort();
    expect(await servesOn(['serve'], b, { PORT: String(b) })).toBe(true);
    // `npm start -- --port N` and `PORT=N npm start` run `xinyong demo --if-empty` with them.
    const c = await freePort();
    expect(await servesOn(['demo', '--if-empty', '--port', String(c)], c)).toBe(true);
    const d = await freePort();
    expect(await servesOn(['demo', '--if-empty'], d, { PORT: String(d) })).toBe(true);
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    expect(readme).toContain('npm start -- --port 9090');
    expect(readme).toContain('PORT=9090 npm start');
  }, 120_000);
});

describe('stream ingestion options', () => {
  it('ingest-worker and serve --nats are in the help; an unreachable NATS is an error naming the URL, before anything is consumed or served', () => {
    const help = run(['ingest-worker', '--help']).stdout;
    for (const o of ['--nats <url>', '--partitions <n>', '--batch <n>', '--durable <name>', '--ack-wait <seconds>', '--stream-prefix <name>']) expect(help).toContain(o);
    expect(run(['--help']).stdout).toContain('xinyong ingest-worker --nats nats://127.0.0.1:4222');
    expect(run(['serve', '--help']).stdout).toMatch(/--nats <url>/);
    // Port 9 (discard) has no NATS server.
    const w = run(['ingest-worker', '--nats', 'nats://127.0.0.1:9']);
    expect(w.code).toBe(1);
    expect(w.stderr).toMatch(/^xinyong: cannot reach NATS at nats:\/\/127\.0\.0\.1:9: /);
    const s = run(['serve', '--nats', 'nats://127.0.0.1:9', '--port', '1']);
    expect(s.code).toBe(1);
    expect(s.stderr).toMatch(/^xinyong: cannot reach NATS at nats:\/\/127\.0\.0\.1:9: /);
    expect(run(['ingest-worker', '--nats', 'nats://127.0.0.1:9', '--batch', '0']).stderr).toMatch(/--batch <n>' argument '0' is invalid\. must be at least 1/);
  });
});

describe('catalog validate', () => {
  const demo = join(ROOT, 'catalogs', 'cn-demo');
  const variant = (file: string, edit: (t: string) => string) => {
    const d = mkdtempSync(join(dir, 'cat-'));
    cpSync(demo, d, { recursive: true });
    const p = join(d, file);
    writeFileSync(p, edit(readFileSync(p, 'utf8')));
    return d;
  };

  it('passes cn-demo', () => {
    const r = run(['catalog', 'validate', demo]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/cn-demo@2026\.2 is valid/);
  });

  it('fails a copy with category: religion, naming the item and the reason', () => {
    const r = run(['catalog', 'validate', variant('record-types.yaml', (t) => t.replace('category: traffic-safety', 'category: religion'))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/recordTypes\[traffic\.violation\]\.category: 'religion' is prohibited data/);
  });

  it('fails a rule without legalBasis, naming the rule', () => {
    const r = run(['catalog', 'validate', variant('schemes.yaml', (t) => {
      const i = t.indexOf('legalBasis', t.indexOf('id: loan-arrears'));
      return t.slice(0, t.lastIndexOf('\n', i) + 1) + t.slice(t.indexOf('\n', i) + 1);
    })]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/schemes\[civic-points\]\.rules\[loan-arrears\]\.legalBasis: has no legalBasis/);
  });

  it('fails a CEL syntax error with its position', () => {
    const r = run(['catalog', 'validate', variant('schemes.yaml', (t) => t.replace('-10 * record.facts.cycles', '-10 * * record.facts.cycles'))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/rules\[loan-arrears\]\.points: CEL error: .*\^/s);
  });

  it('publishes a new version under four eyes, answers the past under the version then in force, and can roll back', async () => {
    const db = join(dir, 'versions.db');
    json(['demo', '--persons', '300', '--enterprises', '30', '--no-serve'], db);
    const l = json<{ entries: { subjectId: string }[] }>(['list', '--name', 'spc-dishonest-debtors', '--limit', '1'], db);
    const id = l.entries[0].subjectId;
    // 2026.3 drops every flight ban.
    const v3 = variant('measures.yaml', (t) => t.replace(/action: transport\.air\.ticket/g, 'action: hotel.star-rated'));
    writeFileSync(join(v3, 'catalog.yaml'), readFileSync(join(v3, 'catalog.yaml'), 'utf8').replace(/version: .*/, 'version: "2026.3"'));
    // `catalog publish` requests: the operator (cli:<login>) may not approve it, and nothing is in force yet.
    const asked = json<{ id: string; requestedBy: string }>(['catalog', 'publish', v3, '--note', 'no flight bans'], db);
    expect(asked).toMatchObject({ catalogId: 'cn-demo', version: '2026.3', status: 'pending', rollback: false, replaces: 'cn-demo@2026.2', note: 'no flight bans', requestedBy: expect.stringMatching(/^cli:/) });
    const self = run(['catalog', 'approve', asked.id, '--json'], db);
    expect(self.code).toBe(1);
    expect(JSON.parse(self.stderr)).toMatchObject({ code: 'XY_ERR_SELF_APPROVAL' });
    expect(json(['check', '--subject', id, '--action', 'transport.air.ticket'], db)).toMatchObject({ decision: 'deny', catalog: 'cn-demo@2026.2' });
    const t1 = new Date().toISOString();
    // Another person approves (here an author's key; another login on the machine would do).
    expect(await approveAsAnother(db, asked.id)).toMatchObject({ catalog: 'cn-demo@2026.3', result: 'published', request: { status: 'approved', decidedBy: SECOND } });
    expect(json(['check', '--subject', id, '--action', 'transport.air.ticket'], db)).toMatchObject({ decision: 'allow', catalog: 'cn-demo@2026.3' });
    expect(json(['check', '--subject', id, '--action', 'transport.air.ticket', '--at', t1], db)).toMatchObject({ decision: 'deny', catalog: 'cn-demo@2026.2' });
    // A rollback is requested and approved the same way; a request can be withdrawn by its requester.
    const back = json<{ id: string }>(['catalog', 'publish', 'cn-demo@2026.2'], db);
    expect(back).toMatchObject({ rollback: true, replaces: 'cn-demo@2026.3' });
    expect(json(['catalog', 'withdraw', back.id, '--reason', 'wrong day'], db)).toMatchObject({ status: 'withdrawn', decidedBy: asked.requestedBy, reason: 'wrong day' });
    expect(JSON.parse(run(['catalog', 'approve', back.id, '--json'], db).stderr)).toMatchObject({ code: 'XY_ERR_CONFLICT' });
    const again = json<{ id: string }>(['catalog', 'publish', demo], db);
    expect(await approveAsAnother(db, again.id)).toMatchObject({ catalog: 'cn-demo@2026.2', result: 'republished' });
    expect(json(['check', '--subject', id, '--action', 'transport.air.ticket'], db)).toMatchObject({ decision: 'deny', catalog: 'cn-demo@2026.2' });
    // The version in force is not requested again.
    expect(JSON.parse(run(['catalog', 'publish', demo, '--json'], db).stderr)).toMatchObject({ code: 'XY_ERR_CONFLICT' });
    const listed = json<{ id: string; status: string; requestedBy: string; decidedBy: string }[]>(['catalog', 'requests'], db);
    expect(listed.map((r) => [r.id, r.status, r.decidedBy])).toEqual([
      [again.id, 'approved', SECOND],
      [back.id, 'withdrawn', asked.requestedBy],
      [asked.id, 'approved', SECOND],
    ]);
    // The audit log names the requester and the approver of each publication.
    const log = new Database(db, { readonly: true });
    const rows = log.prepare("SELECT actor, action, data FROM audit_log WHERE action LIKE 'catalog.%' ORDER BY seq").all() as { actor: string; action: string; data: string }[];
    log.close();
    const of = (rid: string) => rows.filter((r) => JSON.parse(r.data).request === rid).map((r) => [r.action, r.actor]);
    expect(of(asked.id)).toEqual([
      ['catalog.publication-requested', asked.requestedBy],
      ['catalog.publication-approved', SECOND],
      ['catalog.published', SECOND],
    ]);
    expect(of(back.id)).toEqual([
      ['catalog.publication-requested', asked.requestedBy],
      ['catalog.publication-withdrawn', asked.requestedBy],
    ]);
  }, 300_000);

  it('diffs two catalogs', () => {
    const d = variant('catalog.yaml', (t) => t.replace(/version: .*/, 'version: "2026.3"'));
    const r = json<{ header: { field: string; to: string }[] }>(['catalog', 'diff', demo, d]);
    expect(r.header).toEqual([{ field: 'version', from: '2026.2', to: '2026.3' }]);
  });
});

describe('audit log', () => {
  it('finds a check by its receipt, with what was decided', () => {
    const l = json<{ entries: { subjectId: string }[] }>(['list', '--name', 'spc-dishonest-debtors', '--limit', '1']);
    const c = json(['check', '--subject', l.entries[0].subjectId, '--action', 'transport.rail.high-speed']);
    const found = json<{ entries: { action: string; subjectId: string; data: { receipt: string; decision: string; measures: unknown[] } }[] }>(['audit', 'log', '--receipt', c.receipt]);
    expect(found.entries).toHaveLength(1);
    expect(found.entries[0]).toMatchObject({ action: 'check.decided', subjectId: l.entries[0].subjectId, data: { receipt: c.receipt, decision: 'deny' } });
    expect(found.entries[0].data.measures).toHaveLength(c.measures.length);
    const missing = run(['audit', 'log', '--receipt', 'rc_000000000000000000000000']);
    expect(missing.code).toBe(1);
  });

  it('creates a new database readable by its owner only', () => {
    const db = join(dir, 'mode.db');
    json(['catalog', 'diff', join(ROOT, 'catalogs', 'cn-demo'), join(ROOT, 'catalogs', 'cn-demo')], db);
    json(['--create', 'audit', 'verify'], db);
    expect(statSync(db).mode & 0o777).toBe(0o600);
    expect(statSync(`${db}.key`).mode & 0o777).toBe(0o600);
  });
});

describe('a database that is not there (issue 16 finding 15)', () => {
  it('`list --db /nonexistent/x.db` exits non-zero with a clear message and creates nothing', () => {
    const folder = existsSync('/nonexistent');
    expect(existsSync('/nonexistent/x.db')).toBe(false);
    const r = run(['list', '--name', 'spc-dishonest-debtors', '--limit', '5'], '/nonexistent/x.db');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('xinyong: there is no database at /nonexistent/x.db: check --db (or DATABASE_URL); nothing was created. To make a new one there, run `xinyong demo` or `xinyong import`, or add --create\n');
    expect(existsSync('/nonexistent')).toBe(folder);
    expect(existsSync('/nonexistent/x.db') || existsSync('/nonexistent/x.db.key')).toBe(false);
  });

  it('every command but demo and import refuses a missing database, creating no file, folder or key; --create makes one', () => {
    const db = join(dir, 'typo', 'citty.db');
    for (const args of [
      ['subject', 's_0000000000000000deadbeef'],
      ['keys', 'create', '--role', 'checker', '--name', 'x'],
      ['audit', 'verify'],
      ['tick'],
      ['catalog', 'publish', join(ROOT, 'catalogs', 'cn-demo')],
      ['serve', '--port', '1'],
      ['ingest-worker', '--nats', 'nats://127.0.0.1:9'],
    ]) {
      const r = run([...args, '--json'], db);
      expect(r.code, args.join(' ')).toBe(1);
      expect(JSON.parse(r.stderr), args.join(' ')).toMatchObject({ code: 'XY_ERR_DATABASE_MISSING', error: expect.stringContaining(`no database at ${db}`) });
      expect(existsSync(join(dir, 'typo')), args.join(' ')).toBe(false);
    }
    expect(run(['import', '--source', 'pboc-crc', join(dir, 'no-such-file.ndjson')], db).stderr).toMatch(/no file .*no-such-file\.ndjson/);
    expect(existsSync(join(dir, 'typo')), 'an import of a missing file makes no database').toBe(false);

    const made = run(['--create', 'keys', 'list'], db);
    expect(made.code, made.stderr).toBe(0);
    expect(existsSync(db) && existsSync(`${db}.key`)).toBe(true);
    expect(run(['keys', 'list'], db).code).toBe(0);
  });

  it('a database copied without its key file is refused before anything is written: no new key file beside it', () => {
    const copy = join(dir, 'copied');
    mkdirSync(copy);
    const db = join(copy, 'city.db');
    expect(run(['audit', 'verify']).code).toBe(0); // checkpoints the WAL into the file
    cpSync(DB, db);
    for (const args of [['list', '--name', 'spc-dishonest-debtors'], ['--create', 'audit', 'verify'], ['demo', '--if-empty', '--no-serve']]) {
      const r = run(args, db);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain(`the identifier key file ${db}.key is missing, and this database was built with a key`);
      expect(readdirSync(copy), args.join(' ')).toEqual(['city.db']);
    }
    // With the key file it belongs with, the copy opens.
    cpSync(`${DB}.key`, `${db}.key`);
    expect(run(['list', '--name', 'spc-dishonest-debtors', '--limit', '1'], db).code).toBe(0);
  });
});

describe('audit verify', () => {
  it('passes, then fails naming the entry after one row is edited with sqlite3', () => {
    const db = join(dir, 'audit.db');
    json(['demo', '--persons', '300', '--enterprises', '30', '--no-serve'], db);
    const ok = run(['audit', 'verify'], db);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/intact/);
    const target = 3;
    const edit = "UPDATE audit_log SET data = json_set(data, '$.tampered', 1) WHERE seq = 3;";
    try {
      execFileSync('sqlite3', [db, edit]);
    } catch {
      const d = new Database(db);
      d.exec(edit);
      d.close();
    }
    const bad = run(['audit', 'verify'], db);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain(`entry ${target}`);
  });
});

describe('import --score-at-end', () => {
  it('scores each touched subject once, after the last line, where the default also scores every 10,000 lines', () => {
    // One person's record, 10,000 about others, then the person's second record: past the
    // 10,000-line mark, the default scores the person twice; --score-at-end once.
    const file = join(dir, 'back-fill.ndjson');
    const rid = personRid(900_001);
    const line = (id: string, subject: string, month: number) => JSON.stringify({ externalId: id, type: 'finance.loan-arrears', subject: `cn-rid:${subject}`, occurredAt: `2026-0${month}-01`, facts: { cycles: 3, lender: 'Weihai Bank' } });
    const lines = [line('SE-first', rid, 1), ...Array.from({ length: 10_000 }, (_, i) => line(`SE-${i}`, personRid(i), 2)), line('SE-last', rid, 3)];
    writeFileSync(file, lines.join('\n') + '\n');
    const scorings = (db: string) =>
      json<{ entries: { data: { subjects: number } }[] }>(['audit', 'log', '--action', 'state.derived', '--limit', '1000'], db).entries.reduce((n, e) => n + e.data.subjects, 0);
    for (const [flags, expected] of [[['--score-at-end'], 10_001], [[], 10_002]] as const) {
      const db = join(dir, `back-fill${flags.length}.db`);
      const r = json(['import', '--source', 'pboc-crc', ...flags, file], db);
      expect(r).toMatchObject({ lines: 10_002, stored: 10_002, rejected: 0 });
      expect(scorings(db), flags.join(' ') || 'default').toBe(expected);
      const v = json(['subject', `cn-rid:${rid}`], db);
      expect(v.state.schemes.find((x: { scheme: string }) => x.scheme === 'civic-points').score).toBeLessThan(1000);
    }
  }, 180_000);
});

describe('least exposure', () => {
  it('an imported cn-rid never reaches the database file or its WAL', () => {
    const db = join(dir, 'rid.db');
    const rid = '110101199003074514';
    const file = join(dir, 'one.ndjson');
    writeFileSync(file, JSON.stringify({ externalId: 'L-1', type: 'finance.loan-arrears', subject: `cn-rid:${rid}`, occurredAt: '2026-03-01', facts: { cycles: 2, lender: 'Weihai Bank' } }) + '\n');
    const r = json(['import', '--source', 'pboc-crc', file], db);
    expect(r.stored).toBe(1);
    for (const f of [db, `${db}-wal`]) if (existsSync(f)) expect(readFileSync(f).includes(rid), f).toBe(false);
    // and it is findable through the keyed hash, and shown masked
    const v = json(['subject', `cn-rid:${rid}`], db);
    expect(v.subject.identifiers[0].masked).toBe('110101********4514');
    expect(JSON.stringify(v)).not.toContain(rid);
  });
});
