/**
 * docs/console.md shows every page the browser walk photographs (test/web/pages.test.ts), in both
 * languages at a desktop's and a phone's size, and each picture it links is in the repository: a
 * page added to the walk without its row, or a row whose picture was never taken, fails here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/app/paths.js';

const root = packageRoot();
const walk = readFileSync(join(root, 'test', 'web', 'pages.test.ts'), 'utf8');
const doc = readFileSync(join(root, 'docs', 'console.md'), 'utf8');
const shots = [...walk.slice(walk.indexOf('const SHOTS')).matchAll(/^ {4}name: '([\w-]+)',$/gm)].map((m) => m[1]);

describe('docs/console.md screenshots', () => {
  it('has a row for every page of the walk, with the desktop and phone pictures in both languages', () => {
    expect(shots.length).toBeGreaterThan(15);
    const missing = shots.flatMap((n) => ['en', 'zh-CN'].flatMap((lang) => [`${n}.png`, `${n}-phone.png`].map((f) => `screenshots/${lang}/${f}`))).filter((link) => !doc.includes(`](${link})`));
    expect(missing).toEqual([]);
  });

  it('links only pictures that exist', () => {
    const links = [...doc.matchAll(/(?:\]\(|src=")(screenshots\/[^)"]+\.png)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(shots.length * 4 - 1);
    expect(links.filter((l) => !existsSync(join(root, 'docs', l)))).toEqual([]);
  });
});
