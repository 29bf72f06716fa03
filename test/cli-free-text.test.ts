/**
 * No ID number in free text, through the built CLI (issue 16, findings 4 and 5): one check refuses
 * every option and argument holding a resident identity number, however written, but the subject
 * references it declares (`keys create --name` was stored in clear); commander's own messages are
 * masked; a catalog directory with an ID number in any text is refused by validate and publish.
 * Nothing refused reaches the database.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'xinyong.js');
const dir = mkdtempSync(join(tmpdir(), 'xy-free-text-'));
const DB = join(dir, 'x.db');
const RID = '11010519491231002X';
const FULL_WIDTH = '１１０１０５１９４９１２３１００２Ｘ';
const HIDDEN = [RID, `(2026)0${RID}`, '110105 19491231 002x', '110105-19491231-002X', FULL_WIDTH];

function run(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, '--db', DB, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Refused with exit 1, naming `label`, the value never said back. */
function expectRefused(r: ReturnType<typeof run>, label: string) {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toContain(`${label} must not contain a resident identity number`);
  for (const out of [r.stdout, r.stderr]) {
    expect(out).not.toContain(RID.slice(0, 14));
    expect(out).not.toContain(FULL_WIDTH.slice(0, 14));
  }
}

beforeAll(() => {
  const r = spawnSync(process.execPath, [BIN, '--db', DB, '--create', 'keys', 'list'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the CLI refuses ID numbers in free text', () => {
  it('keys create --name (finding 4): refused however the number is written, and no key is made', () => {
    for (const v of HIDDEN) expectRefused(run(['keys', 'create', '--role', 'checker', '--name', `office ${v}`]), '--name');
    expect(JSON.parse(run(['keys', 'list', '--json']).stdout)).toEqual([]);
  });

  it('every other option and argument too: a reference, a reason, the corrected facts, a file name', () => {
    expectRefused(run(['check', '--subject', `cn-rid:${RID}`, '--action', 'transport.air.ticket', '--reference', `order ${FULL_WIDTH}`]), '--reference');
    expectRefused(run(['objection-decide', 'ob_0123456789abcdef', '--decision', 'upheld', '--reason', `see 110105-19491231-002X`]), '--reason');
    expectRefused(run(['objection-decide', 'ob_0123456789abcdef', '--decision', 'corrected', '--reason', 'typo', '--facts', JSON.stringify({ note: RID })]), '--facts');
    expectRefused(run(['repair-decide', 'rp_0123456789abcdef', '--approve', '--reason', `(2026)0${RID}`]), '--reason');
    expectRefused(run(['import', '--source', 'spc', join(dir, `${RID}.ndjson`)]), '<file>');
  });

  it('takes an ID number where a subject reference is declared', () => {
    const r = run(['check', '--subject', `cn-rid:${RID}`, '--action', 'transport.air.ticket', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ known: false });
    expect(r.stdout).not.toContain(RID);
  });

  it('masks an ID number in commander’s own messages about a bad value', () => {
    const r = run(['cases', '--kind', RID]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('110105********002X');
    expect(r.stderr).not.toContain(RID);
  });

  it('catalog validate and publish refuse a directory with an ID number in any text, in either language (finding 5)', () => {
    const cat = mkdtempSync(join(dir, 'cat-'));
    cpSync(join(ROOT, 'catalogs', 'cn-demo'), cat, { recursive: true });
    const header = readFileSync(join(cat, 'catalog.yaml'), 'utf8');
    writeFileSync(join(cat, 'catalog.yaml'), header.replace('"中国示范目录（国家和市级规则）"', `"中国示范目录 ${FULL_WIDTH}"`));
    for (const cmd of ['validate', 'publish']) {
      const r = run(['catalog', cmd, cat]);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('catalog.yaml: header.title.zh-CN: must not contain a resident identity number');
      expect(r.stderr).not.toContain(FULL_WIDTH.slice(0, 14));
    }
  });

  it('leaves nothing refused in the database or its WAL', () => {
    for (const f of ['x.db', 'x.db-wal']) {
      let text = '';
      try {
        text = readFileSync(join(dir, f)).toString('utf8');
      } catch {
        continue;
      }
      expect(text).not.toContain(RID.slice(0, 17));
      expect(text).not.toContain(FULL_WIDTH.slice(0, 17));
    }
  });
});
