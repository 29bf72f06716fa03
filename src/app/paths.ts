/** Locations inside the installed package (works from src/ under vitest and from dist/). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

/** The package root: the nearest directory above this file whose package.json is xinyong's. */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(dir, 'package.json');
    if (existsSync(p) && JSON.parse(readFileSync(p, 'utf8')).name === 'xinyong') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the xinyong package root');
    dir = up;
  }
}

/** The default catalog shipped with the package. */
export function defaultCatalogDir(): string {
  return join(packageRoot(), 'catalogs', 'cn-demo');
}

/** The national layer every catalog loads on (catalogs/national/). */
export function nationalLayerDir(): string {
  return join(packageRoot(), 'catalogs', 'national');
}
