/** `xinyong catalog validate|diff|publish`: catalogs from directories or stored versions. */
import type { Command } from 'commander';
import { catalogCounts, catalogFromDir, diffDocs, publish, storedVersion, validateCatalogDir } from '../../app/catalog.js';
import { formatIssue } from '../../catalog/types.js';
import { cliCaller, globals, out, withApp } from '../context.js';
import { printDiff } from '../format.js';

/** `id@version` names a stored version; anything else is a directory. */
const STORED_REF = /^[a-z0-9-]+@[0-9A-Za-z.+-]+$/;

export function registerCatalog(program: Command): void {
  const catalog = program.command('catalog').description('validate, compare and publish catalogs');
  catalog
    .command('validate')
    .description('check a catalog directory: shape, legal basis, prohibited data, finite periods, CEL')
    .argument('<dir>')
    .action(async (dir: string) => {
      const g = globals(program);
      const r = validateCatalogDir(dir);
      if (!r.ok) {
        const issues = r.error.map(formatIssue);
        out(g, { valid: false, issues: r.error }, () => {
          console.error(`${dir}: ${issues.length} problem${issues.length === 1 ? '' : 's'}:`);
          for (const i of issues) console.error(`  ${i}`);
        });
        process.exitCode = 1;
        return;
      }
      const c = r.value;
      const counts = catalogCounts(c);
      out(g, { valid: true, id: c.id, version: c.version, hash: c.hash, ...counts }, () => console.log(`${c.id}@${c.version} is valid: ${Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ')}.`));
    });
  catalog
    .command('diff')
    .description('compare two catalogs (directories, or stored versions as id@version)')
    .argument('<a>')
    .argument('<b>')
    .action(async (a: string, b: string) => {
      const g = globals(program);
      const load = async (ref: string) => (STORED_REF.test(ref) ? withApp(g, async (app) => (await storedVersion(app, ref, ref)).doc) : catalogFromDir(ref).doc);
      const d = diffDocs(await load(a), await load(b));
      out(g, d, () => printDiff(d));
    });
  catalog
    .command('publish')
    .description('publish a catalog directory as a new version and rescore every subject under it')
    .argument('<dir>')
    .action(async (dir: string) => {
      const g = globals(program);
      const c = catalogFromDir(dir);
      await withApp(g, async (app) => {
        const r = await publish(app, { catalog: c }, cliCaller().actor);
        out(g, r, () =>
          console.log(r.result === 'unchanged' ? `${r.catalog} is already the catalog in force.` : `${r.result === 'published' ? 'Published' : 'Put back in force'} ${r.catalog} and rescored ${r.rescored} subjects.`),
        );
      });
    });
}
