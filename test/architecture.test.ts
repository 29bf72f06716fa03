// The import rules (issue 14 item 9) are dependency-cruiser's, written in .dependency-cruiser.cjs and
// run by `npm run lint:imports` in `npm test`. This test runs the same CLI with the same config:
// on the real src/ (no violation), and on scratch copies of src/ in the OS temp folder, where it
// adds forbidden imports (the check must fail, naming each rule and file) and allowed ones
// (type-only imports from the web app, the pure-module allow-list, a cycle closed by a type: the
// check must let them pass).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const depcruiseBin = join(root, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const CONFIG = '.dependency-cruiser.cjs';

interface Violation {
  severity: string;
  rule: string;
  from: string;
  /** The imported module; for `no-circular` the next module of the cycle, or '' (the err report lists the cycle below). */
  to: string;
}

interface CruiseRun {
  status: number | null;
  violations: Violation[];
  output: string;
}

/**
 * Runs the command of `npm run lint:imports` (`depcruise src --config .dependency-cruiser.cjs`, its
 * default `err` report, whose exit code is the number of errors) in `cwd`, and reads the report's
 * lines `  error rule-name: src/from.ts → src/to.ts`.
 */
function cruise(cwd: string): CruiseRun {
  const run = spawnSync(process.execPath, [depcruiseBin, 'src', '--config', CONFIG], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
  });
  if (run.error) throw run.error;
  const output = `${run.stdout}${run.stderr}`;
  const violations: Violation[] = [];
  for (const line of run.stdout.split('\n')) {
    const m = /^\s*(error|warn|info) ([\w-]+): (\S+) →\s*(\S*)\s*$/.exec(line);
    if (m) violations.push({ severity: m[1], rule: m[2], from: m[3], to: m[4] });
  }
  if (run.status !== 0 && violations.length === 0) throw new Error(`depcruise failed (exit ${run.status}):\n${output}`);
  return { status: run.status, violations, output };
}


const scratches: string[] = [];

/** A copy of src/ with the cruiser's config, tsconfig and package.json, outside the repository. */
function scratchCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'xinyong-arch-'));
  scratches.push(dir);
  cpSync(join(root, 'src'), join(dir, 'src'), { recursive: true });
  for (const f of [CONFIG, 'tsconfig.json', 'package.json']) cpSync(join(root, f), join(dir, f));
  // npm packages resolve through the repository's node_modules (the core-no-io rule matches them).
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * A non-test module of a folder of src/ (as 'src/…' with forward slashes): the first of `prefer`
 * that exists, else the first module in the folder. Other engineers move files around; the test
 * picks what is there rather than naming files that may have gone.
 */
function moduleIn(folder: string, prefer: string[] = [], not: RegExp[] = []): string {
  for (const p of prefer) if (existsSync(join(root, p))) return p;
  const files = readdirSync(join(root, folder))
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$|-contract\.ts$|\.d\.ts$/.test(f))
    .map((f) => `${folder}/${f}`)
    .filter((f) => !not.some((re) => re.test(f)))
    .sort();
  if (files.length === 0) throw new Error(`no module in ${folder}`);
  return files[0];
}

/** The import specifier `from` would write for `to` (relative, `.js` for `.ts`, as the code does). */
function specifier(from: string, to: string): string {
  if (!to.startsWith('src/') && !to.startsWith('test/')) return to; // a package or a Node module
  const rel = posix.relative(posix.dirname(from), to).replace(/\.tsx?$/, '.js');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

function append(dir: string, file: string, line: string): void {
  const path = join(dir, file);
  writeFileSync(path, `${readFileSync(path, 'utf8')}\n${line}\n`);
}

function write(dir: string, file: string, text: string): void {
  writeFileSync(join(dir, file), text);
}

afterAll(() => {
  for (const d of scratches) rmSync(d, { recursive: true, force: true });
});

describe('import rules (dependency-cruiser, .dependency-cruiser.cjs)', () => {
  it('the real src/ breaks none of them', () => {
    const run = cruise(root);
    expect(run.violations, `violations in src/:\n${run.output}`).toEqual([]);
    expect(run.status, run.output).toBe(0);
  });

  it('fails on a forbidden import added to a scratch copy, naming the rule and the file', () => {
    const dir = scratchCopy();
    const gate = moduleIn('src/gate', ['src/gate/gate-index.ts']);
    const sqlite = moduleIn('src/store/sqlite', ['src/store/sqlite/sqlite-store.ts']);
    const scoring = moduleIn('src/scoring', ['src/scoring/evaluate.ts']);
    const port = moduleIn('src/store', ['src/store/port.ts']);
    const appModule = moduleIn('src/app', ['src/app/tick.ts'], [/\/derive\.ts$/]);
    const ingest = moduleIn('src/ingest', ['src/ingest/ingestor.ts']);
    const apiModule = moduleIn('src/api', ['src/api/server.ts']);
    const cliModule = moduleIn('src/cli', ['src/cli/main.ts']);
    const web = moduleIn('src/web', ['src/web/api.ts']);
    const helper = 'test/fixtures/scratch-helper.ts';

    // Each case: [module that gets the import, module it imports, that module as resolved, rule that must catch it].
    const cases: [string, string, string, string][] = [
      [gate, sqlite, sqlite, 'core-is-pure'],
      [scoring, 'node:fs', 'fs', 'core-no-io'],
      [port, appModule, appModule, 'store-below-app'],
      [ingest, appModule, appModule, 'ingest-below-app'],
      [appModule, apiModule, apiModule, 'app-below-doors'],
      [apiModule, cliModule, cliModule, 'api-not-cli'],
      [web, apiModule, apiModule, 'web-types-only'],
      [cliModule, helper, helper, 'not-to-test'],
    ];
    write(dir, 'src/audit/cycle-a.ts', "import { b } from './cycle-b.js';\nexport const a = (): number => b() + 1;\n");
    write(dir, 'src/audit/cycle-b.ts', "import { a } from './cycle-a.js';\nexport const b = (): number => (a ? 1 : 0);\n");
    cpSync(join(root, 'test', 'fixtures'), join(dir, 'test', 'fixtures'), { recursive: true });
    write(dir, helper, 'export const helper = 1;\n');
    for (const [from, to] of cases) append(dir, from, `import '${specifier(from, to)}';`);

    const run = cruise(dir);
    const report = `violations in the scratch copy:\n${run.output}`;
    expect(run.status, report).not.toBe(0); // `npm run lint:imports`, and so `npm test`, fails
    for (const [from, , resolved, rule] of cases) {
      expect(
        run.violations.some((v) => v.rule === rule && v.from === from && v.to === resolved),
        `expected ${rule}: ${from} → ${resolved}\n${report}`,
      ).toBe(true);
    }
    expect(
      run.violations.some((v) => v.rule === 'no-circular' && /^src\/audit\/cycle-[ab]\.ts$/.test(v.from)),
      `expected no-circular for src/audit/cycle-a.ts ⇄ cycle-b.ts\n${report}`,
    ).toBe(true);
    expect(run.violations.every((v) => v.severity === 'error'), report).toBe(true);
  });

  it('lets type-only imports from the web app, the allow-listed pure module and type-closed cycles pass', () => {
    const dir = scratchCopy();
    const web = moduleIn('src/web', ['src/web/api.ts']);
    const webTsx = moduleIn('src/web', ['src/web/main.tsx'], [/\.ts$/]);
    const port = moduleIn('src/store', ['src/store/port.ts']);
    const apiModule = moduleIn('src/api', ['src/api/server.ts']);
    const ingest = moduleIn('src/ingest', ['src/ingest/ingestor.ts']);
    const appModule = moduleIn('src/app', ['src/app/context.ts'], [/\/derive\.ts$/]);
    const gate = moduleIn('src/gate', ['src/gate/gate-index.ts']);
    const ridFinder = 'src/ids/rid-finder.ts';
    if (!existsSync(join(dir, ridFinder))) write(dir, ridFinder, 'export const findRids = (s: string): string[] => [s];\n');

    append(dir, web, `import type { Store } from '${specifier(web, port)}';`);
    append(dir, web, `export type { Store as ScratchStore } from '${specifier(web, port)}';`);
    append(dir, webTsx, `import type * as ScratchApi from '${specifier(webTsx, apiModule).replace(/\.js$/, '')}';`);
    append(dir, webTsx, `import '${specifier(webTsx, ridFinder)}';`);
    append(dir, ingest, `import type * as ScratchApp from '${specifier(ingest, appModule)}';`);
    append(dir, gate, "import 'node:crypto';");
    write(dir, 'src/audit/cycle-a.ts', "import { b } from './cycle-b.js';\nexport interface A { n: number }\nexport const a = (): number => b({ n: 1 });\n");
    write(dir, 'src/audit/cycle-b.ts', "import type { A } from './cycle-a.js';\nexport const b = (x: A): number => x.n;\n");
    const touched = new Set([web, webTsx, ingest, gate, 'src/audit/cycle-a.ts', 'src/audit/cycle-b.ts']);

    const run = cruise(dir);
    const ours = run.violations.filter((v) => touched.has(v.from));
    expect(ours, `violations in the scratch copy:\n${run.output}`).toEqual([]);
    // The same lines as value imports are caught: the pass above is the type-only marker's doing.
    append(dir, web, `import '${specifier(web, port)}';`);
    const caught = cruise(dir);
    expect(
      caught.violations.some((v) => v.rule === 'web-types-only' && v.from === web && v.to === port),
      `expected web-types-only: ${web} → ${port}\n${caught.output}`,
    ).toBe(true);
    expect(caught.status).not.toBe(0);
    expect(relative(root, dir).startsWith('..')).toBe(true); // the scratch copy is outside the repository
  });
});
