/**
 * The map must stay true: docs/architecture.md names files, and its two walks (a record from
 * `POST /v1/records` to the gate, a check to its receipt) must name files that exist; every error
 * code the use cases can raise is documented for both doors.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/app/errors.js';

const ROOT = join(import.meta.dirname, '..');
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');
const paths = (text: string) => [...new Set([...text.matchAll(/`((?:src|test|bench)\/[A-Za-z0-9_./<>-]+)`/g)].map((m) => m[1]))].filter((p) => !p.includes('<'));

/** The text of a level-2 section, up to the next one. */
function section(doc: string, heading: RegExp): string {
  const lines = doc.split('\n');
  const start = lines.findIndex((l) => l.startsWith('## ') && heading.test(l));
  expect(start, `a section matching ${heading}`).toBeGreaterThanOrEqual(0);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

describe('docs/architecture.md', () => {
  const doc = read('docs/architecture.md');

  it('names only files and folders that exist', () => {
    const named = paths(doc);
    expect(named.length).toBeGreaterThan(30);
    expect(named.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  it('walks a record and a check through files that exist, from the route to the gate and the receipt', () => {
    const record = paths(section(doc, /walk of a record/));
    const check = paths(section(doc, /walk of a check/));
    for (const f of ['src/api/routes/records.ts', 'src/app/records.ts', 'src/ingest/ingestor.ts', 'src/app/derive.ts', 'src/app/gate-feed.ts', 'src/gate/gate-index.ts']) expect(record).toContain(f);
    for (const f of ['src/api/routes/checks.ts', 'src/app/checks.ts', 'src/gate/gate-index.ts', 'src/app/receipts.ts']) expect(check).toContain(f);
    expect([...record, ...check].filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  it('is linked from the README', () => {
    expect(read('README.md')).toContain('docs/architecture.md');
  });
});

describe('error codes', () => {
  it('every code is documented in docs/api.md and docs/cli.md', () => {
    const api = read('docs/api.md');
    const cli = read('docs/cli.md');
    const codes = Object.keys(ERROR_CODES);
    expect(codes.filter((c) => !api.includes(`\`${c}\``))).toEqual([]);
    expect(codes.filter((c) => !cli.includes(`\`${c}\``))).toEqual([]);
  });
});
