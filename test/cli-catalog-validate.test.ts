/**
 * Issue 15, must-show 2, through the built CLI: `xinyong catalog validate` refuses a record type
 * with a fact that is not in the data dictionary (`nationality` with an enum of ethnic groups,
 * whatever category the record type declares), and a reviewed dictionary extension that adds such
 * an element, naming the prohibited category it matched; the message names file, item and field.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin', 'xinyong.js');
const DEMO = join(ROOT, 'catalogs', 'cn-demo');
const dir = mkdtempSync(join(tmpdir(), 'xy-validate-'));

const validate = (catalogDir: string) => {
  const r = spawnSync(process.execPath, [BIN, 'catalog', 'validate', catalogDir], { encoding: 'utf8', cwd: dir });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

/** A copy of cn-demo with `edit` applied (files by name → new text). */
function variant(edit: (read: (f: string) => string) => Record<string, string>): string {
  const d = mkdtempSync(join(dir, 'cat-'));
  cpSync(DEMO, d, { recursive: true });
  for (const [f, text] of Object.entries(edit((f) => readFileSync(join(d, f), 'utf8')))) writeFileSync(join(d, f), text);
  return d;
}

/** Adds facts to the first record type of record-types.yaml (court.dishonest-debtor-decision). */
const withFacts = (read: (f: string) => string, lines: string) => ({
  'record-types.yaml': read('record-types.yaml').replace('      obligationYuan: optional\n', `      obligationYuan: optional\n${lines}`),
});

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('dist/ is not built: run `npm run build` (npm test does it first)');
});

describe('catalog validate and the data dictionary', () => {
  it('passes cn-demo', () => {
    expect(validate(DEMO).code).toBe(0);
  });

  it('refuses a nationality fact that is not in the dictionary, naming ethnicity', () => {
    const r = validate(variant((read) => withFacts(read, '      nationality: optional\n')));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      "record-types.yaml: recordTypes[court.dishonest-debtor-decision].facts.nationality: 'nationality' is not in the data dictionary: a fact must be a data element of the national layer or of the catalog's reviewed extension, and 'nationality' names prohibited data (ethnicity)",
    );
  });

  it('refuses it under any category the record type declares, and under a harmless-looking name too', () => {
    const r = validate(
      variant((read) => ({
        'record-types.yaml': withFacts(read, '      householdGroup: required\n')['record-types.yaml'].replace('category: judgment-performance', 'category: market-registration'),
      })),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("facts.householdGroup: 'householdGroup' is not in the data dictionary");
  });

  it('refuses a reviewed extension that adds nationality with an enum of ethnic groups, naming ethnicity for each text', () => {
    const ext = [
      'dataElementsReview: { by: "Rongcheng credit office", on: "2026-12-01" }',
      'dataElements:',
      '  - code: nationality',
      '    name: { zh-CN: 民族, en: Nationality }',
      '    category: record-particulars',
      '    type: string',
      '    enum: [han, uyghur, tibetan]',
      '    legalBasis: [{ law: enterprise-publicity, art: "8" }]',
      '',
    ].join('\n');
    const r = validate(variant((read) => ({ 'zz-data-elements.yaml': ext, ...withFacts(read, '      nationality: optional\n') })));
    expect(r.code).toBe(1);
    for (const field of ['code', 'name.en', 'name.zh-CN']) expect(r.stderr).toMatch(new RegExp(`zz-data-elements\\.yaml: dataElements\\[nationality\\]\\.${field.replace('.', '\\.')}: '[^']+' names prohibited data \\(ethnicity\\)`));
    for (const v of ['han', 'uyghur', 'tibetan']) expect(r.stderr).toContain(`zz-data-elements.yaml: dataElements[nationality].enum: '${v}' names prohibited data (ethnicity)`);
  });
});
