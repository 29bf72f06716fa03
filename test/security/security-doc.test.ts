/**
 * docs/security.md stays true: the files it names exist, every probe in test/security is listed
 * there, and the README and the architecture map link to it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const read = (f: string) => readFileSync(join(ROOT, f), 'utf8');

describe('docs/security.md', () => {
  const doc = read('docs/security.md');

  it('names only files that exist', () => {
    const named = [...new Set([...doc.matchAll(/`((?:src|test)\/[A-Za-z0-9_./-]+)`/g)].map((m) => m[1]))];
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((p) => !existsSync(join(ROOT, p)))).toEqual([]);
  });

  it('lists every probe of test/security', () => {
    const probes = readdirSync(join(ROOT, 'test', 'security')).filter((f) => f.endsWith('.test.ts') && f !== 'security-doc.test.ts');
    expect(probes.length).toBeGreaterThan(0);
    expect(probes.filter((f) => !doc.includes(`test/security/${f}`))).toEqual([]);
  });

  it('says how to report a vulnerability, and is linked from the README and the architecture map', () => {
    expect(doc).toMatch(/## Reporting a vulnerability[\s\S]*Report a vulnerability[\s\S]*no bug bounty/i);
    expect(read('README.md')).toContain('docs/security.md');
    expect(read('docs/architecture.md')).toContain('(security.md)');
  });
});
