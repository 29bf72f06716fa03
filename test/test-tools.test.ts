/**
 * `npm test` on a fresh machine: its first step, scripts/ensure-test-tools.sh, brings what the tests
 * need from Debian's packages (sqlite3, curl, jq, Chromium, a CJK font), with apt-get as root, or
 * stops before the tests with the one command to run; `.ci/run` runs exactly that step. Chromium
 * is not uninstalled here: XY_CHROMIUM names one that is not there, and a fake apt-get
 * (XY_APT_GET) stands in for Debian's, so nothing is fetched.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SCRIPT = join(ROOT, 'scripts', 'ensure-test-tools.sh');
const COMMAND = 'bash scripts/ensure-test-tools.sh';
const dir = mkdtempSync(join(tmpdir(), 'xy-tools-'));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const isRoot = process.getuid?.() === 0;

/** Runs the script with `env` added, as root, or (`asUser`) as the unprivileged user nobody. */
function ensure(env: Record<string, string>, asUser = false) {
  const [cmd, args] = asUser && isRoot ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', SCRIPT]] : ['bash', [SCRIPT]];
  const r = spawnSync(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fake apt-get that logs its arguments and, if `provide`, puts an executable where Chromium is looked for. */
function fakeAptGet(name: string, provide: boolean): { bin: string; log: string } {
  const bin = join(dir, name);
  const log = join(dir, `${name}.log`);
  writeFileSync(bin, `#!/bin/sh\necho "$*" >> ${log}\n${provide ? 'case "$1" in install) printf "#!/bin/sh\\n" > "$XY_CHROMIUM"; chmod +x "$XY_CHROMIUM";; esac\n' : ''}exit 0\n`);
  chmodSync(bin, 0o755);
  return { bin, log };
}

describe('scripts/ensure-test-tools.sh (issue 16 finding 15)', () => {
  it('says nothing and lets npm test go on when everything is there', () => {
    const r = ensure({});
    expect(r, r.stderr).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('not as root, stops before the tests with the one command that installs what is missing', () => {
    const r = ensure({ XY_CHROMIUM: '/nonexistent/chromium' }, true);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('npm test needs Debian packages that are not installed: chromium\n');
    expect(r.stderr).toContain("\n  sudo sh -c 'apt-get update && apt-get install -y chromium'\n");
    expect(r.stderr).toContain('XY_CHROMIUM=/nonexistent/chromium');
  });

  it.runIf(isRoot)('as root, installs the missing Debian packages with apt-get, and checks they are there', () => {
    const chromium = join(dir, 'chromium');
    const apt = fakeAptGet('apt-get', true);
    const r = ensure({ XY_CHROMIUM: chromium, XY_APT_GET: apt.bin });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('== installing chromium (Debian packages, for npm test)\n');
    expect(readFileSync(apt.log, 'utf8')).toBe('update -qq\ninstall -y -qq chromium\n');
    expect(existsSync(chromium)).toBe(true);
  });

  it.runIf(isRoot)('as root, fails when apt-get did not bring what is missing', () => {
    const apt = fakeAptGet('apt-get-noop', false);
    const r = ensure({ XY_CHROMIUM: '/nonexistent/chromium', XY_APT_GET: apt.bin });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('apt-get installed chromium, but npm test still misses: chromium');
  });

  it('is the first step of npm test, and .ci/run runs exactly it, with no apt-get of its own', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.test.startsWith(`${COMMAND} && `)).toBe(true);
    const ci = readFileSync(join(ROOT, '.ci', 'run'), 'utf8');
    expect(ci.split('\n')).toContain(COMMAND);
    expect(ci).not.toMatch(/apt-get|fc-list/);
  });
});
