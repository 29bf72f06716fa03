/**
 * `xinyong catalog simulate` through the built CLI (issue 18, item 1): a draft directory against
 * the catalog in force, a stored version against itself (no change), the JSON report and the
 * human summary, an unknown version refused; and nothing written to the database.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulationReport } from '../src/app/simulate.js';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'xinyong.js');
const dir = mkdtempSync(join(tmpdir(), 'xy-simulate-cli-'));
const DB = join(dir, 'x.db');
const AT = '2026-11-27T08:00:00Z';

function run(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, '--db', DB, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function json(args: string[]): SimulationReport {
  const r = run(['--json', ...args]);
  if (r.code !== 0) throw new Error(`xinyong ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as SimulationReport;
}

/** Row counts of every table: what a simulation must leave as it found it. */
function rows(): Record<string, number> {
  const db = new Database(DB, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[];
    return Object.fromEntries(tables.map((t) => [t.name, (db.prepare(`SELECT count(*) AS n FROM "${t.name}"`).get() as { n: number }).n]));
  } finally {
    db.close();
  }
}

/** cn-demo as version 2026.2-lab, with the civic-points deduction for commercial fraud doubled. */
function draft(): string {
  const d = mkdtempSync(join(dir, 'cat-'));
  cpSync(join(ROOT, 'catalogs', 'cn-demo'), d, { recursive: true });
  const header = readFileSync(join(d, 'catalog.yaml'), 'utf8');
  writeFileSync(join(d, 'catalog.yaml'), header.replace('version: "2026.2"', 'version: "2026.2-lab"'));
  const schemes = readFileSync(join(d, 'schemes.yaml'), 'utf8');
  const edited = schemes.replace(/(- id: commercial-fraud\n\s+on: market.commercial-fraud\n\s+points: )"-30"/, '$1"-60"');
  if (edited === schemes) throw new Error('the commercial-fraud rule of cn-demo moved: update this test');
  writeFileSync(join(d, 'schemes.yaml'), edited);
  return d;
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does it first)');
  const r = run(['demo', '--persons', '400', '--enterprises', '40', '--seed', '7', '--no-serve', '--now', AT]);
  if (r.code !== 0) throw new Error(r.stderr);
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('catalog simulate', () => {
  it('simulates a draft directory against the catalog in force, writing nothing', () => {
    const before = rows();
    const r = json(['catalog', 'simulate', draft(), '--as-of', AT]);
    expect(rows()).toEqual(before);
    expect(r.a).toBe('cn-demo@2026.2');
    expect(r.b).toBe('cn-demo@2026.2-lab');
    expect(r.asOf).toBe(AT.replace('Z', '.000Z'));
    expect(r.subjects).toBeGreaterThan(400);
    const rule = r.rules.find((x) => x.kind === 'scheme' && x.owner === 'civic-points' && x.ruleId === 'commercial-fraud')!;
    // The same records match; only what they weigh changes, so no one gains a better grade.
    expect(rule.before).toEqual(rule.after);
    const grades = r.schemes.find((s) => s.scheme === 'civic-points')!.grades;
    for (const t of r.schemes.find((s) => s.scheme === 'civic-points')!.transitions) expect(grades.indexOf(t.to)).toBeGreaterThan(grades.indexOf(t.from));
    const human = run(['catalog', 'simulate', draft(), '--as-of', AT]);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(`Simulated cn-demo@2026.2-lab against cn-demo@2026.2 as of ${AT.replace('Z', '.000Z')}: ${r.subjects} subjects`);
    expect(human.stdout).toContain(`${r.changed} would change. Nothing was derived or stored.`);
    // No purpose: persons are left out of the examples, and said to be.
    expect(r.personExamplesWithheld).toBeGreaterThan(0);
    expect(human.stdout).toContain(`${r.personExamplesWithheld} persons left out of the examples: give --purpose`);
    expect(rows()).toEqual(before);
    // With a purpose: persons are examples, and each one shown has it in their access log (the only rows added).
    const shown = json(['catalog', 'simulate', draft(), '--as-of', AT, '--purpose', '评估新规则的影响']);
    expect(shown.personExamplesWithheld).toBeUndefined();
    const after = rows();
    const notAudit = (t: Record<string, number>) => Object.fromEntries(Object.entries(t).filter(([k]) => !k.startsWith('audit_')));
    expect(notAudit(after)).toEqual(notAudit(before));
    expect(after.audit_log).toBeGreaterThan(before.audit_log);
  }, 120_000);

  it('a stored version against itself changes nothing', () => {
    const r = json(['catalog', 'simulate', 'cn-demo@2026.2', '--against', 'cn-demo@2026.2', '--as-of', AT]);
    expect(r.changed).toBe(0);
    for (const s of r.schemes) expect(s.transitions).toEqual([]);
    for (const l of r.lists) expect([l.joining.count, l.leaving.count, l.before - l.after]).toEqual([0, 0, 0]);
    for (const a of r.actions) expect([a.newlyDenied.count, a.newlyAllowed.count, a.newlyReview.count]).toEqual([0, 0, 0]);
  }, 60_000);

  it('refuses a version that is not stored, naming it', () => {
    const r = run(['catalog', 'simulate', 'cn-demo@9.9', '--as-of', AT]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no stored catalog version cn-demo@9.9');
  }, 60_000);
});
