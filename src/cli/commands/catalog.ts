/**
 * `xinyong catalog validate|diff|simulate|publish|requests|approve|reject|withdraw`: catalogs from
 * directories or stored versions, published under four eyes as over HTTP (the same use case): the
 * operator is the actor `cli:<login name>`, as in every command, so another login (or an author
 * or admin over HTTP) approves what one requests.
 */
import { Option, type Command } from 'commander';
import { approvePublication, catalogCounts, catalogFromDir, diffDocs, publicationRequests, rejectPublication, requestPublication, storedVersion, validateCatalogDir, withdrawPublication } from '../../app/catalog.js';
import type { PublicationRequestRow } from '../../store/port.js';
import { formatIssue } from '../../catalog/types.js';
import { simulateVersions, type SimulationReport } from '../../app/simulate.js';
import { cliCaller, globals, instantArg, out, withApp } from '../context.js';
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
    .command('simulate')
    .description('what a catalog (a directory, or a stored version as id@version) would change against the version in force, or another, at one instant: grades, lists, decisions and rule matches of every subject; writes nothing')
    .argument('<dir-or-version>')
    .option('--against <version>', 'compare against this stored version (id@version) instead of the catalog in force at the instant')
    .addOption(new Option('--as-of <instant>', 'the instant: the records known then (default: now)').argParser(instantArg))
    .option('--purpose <text>', "why persons are shown as examples: without it, persons are left out of the examples (counted); with it, each person shown has the simulation in their access log")
    .action(async (what: string, o: { against?: string; asOf?: number; purpose?: string }) => {
      const g = globals(program);
      const target = STORED_REF.test(what) ? { ref: what } : { catalog: catalogFromDir(what) };
      // Read only: no catch-up derivation first, since a simulation derives from the records.
      const r = await withApp(g, (app) => simulateVersions(app, { target, against: o.against, asOf: o.asOf, purpose: o.purpose, actor: cliCaller().actor }), { refresh: false });
      out(g, r, () => printSimulation(r));
    });
  catalog
    .command('publish')
    .description('request publication of a catalog (a directory, stored as a new draft version, or a stored version as id@version); another operator, author or admin approves it')
    .argument('<dir-or-version>')
    .option('--note <text>', 'what changes and why, for the approver')
    .action(async (what: string, o: { note?: string }) => {
      const g = globals(program);
      const target = STORED_REF.test(what) ? { ref: what } : { catalog: catalogFromDir(what) };
      await withApp(g, async (app) => {
        const r = await requestPublication(app, target, cliCaller(), o.note);
        out(g, r, () =>
          console.log(
            `Requested publication of ${r.catalogId}@${r.version}${r.rollback ? ' (a rollback)' : ''} as ${r.requestedBy}: request ${r.id}. Nothing is in force yet: another operator, author or admin approves it with \`xinyong catalog approve ${r.id}\` (or over HTTP).`,
          ),
        );
      });
    });
  catalog
    .command('requests')
    .description('publication requests, newest first')
    .addOption(new Option('--status <status>', 'only this status').choices(['pending', 'approved', 'rejected', 'withdrawn']))
    .action(async (o: { status?: PublicationRequestRow['status'] }) => {
      const g = globals(program);
      await withApp(g, async (app) => {
        const rows = await publicationRequests(app, o.status);
        out(g, rows, () => {
          if (rows.length === 0) return console.log(`No${o.status ? ` ${o.status}` : ''} publication requests.`);
          for (const r of rows) {
            const decided = r.decidedBy ? `  ${r.status} by ${r.decidedBy} at ${new Date(r.decidedAt!).toISOString()}${r.reason ? `: ${r.reason}` : ''}` : '';
            console.log(`${r.id}  ${r.status.padEnd(9)}  ${r.catalogId}@${r.version}${r.rollback ? ' (rollback)' : ''}  requested by ${r.requestedBy} at ${new Date(r.requestedAt).toISOString()}${decided}`);
          }
        });
      });
    });
  catalog
    .command('approve')
    .description('approve a publication request made by someone else: the version comes into force now and every subject is rescored')
    .argument('<id>')
    .option('--hash <sha256>', 'the document you reviewed: refused unless it is the one requested')
    .action(async (id: string, o: { hash?: string }) => {
      const g = globals(program);
      await withApp(g, async (app) => {
        const r = await approvePublication(app, id, cliCaller(), o.hash);
        out(g, r, () =>
          console.log(
            r.result === 'unchanged'
              ? `${r.catalog} is already the catalog in force.`
              : `Approved ${id} (requested by ${r.request.requestedBy}): ${r.result === 'published' ? 'published' : 'put back in force'} ${r.catalog} and rescored ${r.rescored} subjects.`,
          ),
        );
      });
    });
  catalog
    .command('reject')
    .description('reject a publication request made by someone else, with a reason')
    .argument('<id>')
    .requiredOption('--reason <text>', 'why (the requester reads it)')
    .action(async (id: string, o: { reason: string }) => {
      const g = globals(program);
      await withApp(g, async (app) => {
        const r = await rejectPublication(app, id, cliCaller(), o.reason);
        out(g, r, () => console.log(`Rejected ${r.id}: ${r.catalogId}@${r.version} is not published.`));
      });
    });
  catalog
    .command('withdraw')
    .description('withdraw your own publication request')
    .argument('<id>')
    .option('--reason <text>', 'why')
    .action(async (id: string, o: { reason?: string }) => {
      const g = globals(program);
      await withApp(g, async (app) => {
        const r = await withdrawPublication(app, id, cliCaller(), o.reason);
        out(g, r, () => console.log(`Withdrew ${r.id}: ${r.catalogId}@${r.version} is not published.`));
      });
    });
}

/** A simulation report for a reader: what changes, with counts by subject kind and record area, and a few examples. */
function printSimulation(r: SimulationReport): void {
  const kinds = (m: Record<string, number>) => Object.entries(m).map(([k, n]) => `${n} ${k}`).join(', ');
  const more = (c: { byKind: Record<string, number>; byArea: Record<string, number>; examples: { subjectId: string }[]; count: number }) =>
    `by kind: ${kinds(c.byKind)}; by record area: ${kinds(c.byArea)}${c.examples.length ? `; e.g. ${c.examples.slice(0, 3).map((e) => e.subjectId).join(', ')}${c.count > 3 ? ', …' : ''}` : ''}`;
  console.log(`Simulated ${r.b} against ${r.a} as of ${new Date(r.asOf).toISOString()}: ${r.subjects} subjects (${kinds(r.subjectsByKind)}), ${r.changed} would change. Nothing was derived or stored${r.personExamplesWithheld === undefined ? ' (each person shown as an example has it in their access log)' : ''}.`);
  if (r.personExamplesWithheld) console.log(`${r.personExamplesWithheld} persons left out of the examples: give --purpose to show them (logged in their access log).`);
  for (const s of r.schemes) {
    if (s.transitions.length === 0) continue;
    console.log(`\nScheme ${s.scheme}${s.onlyIn ? ` (only in ${s.onlyIn === 'a' ? r.a : r.b})` : ''}: grade under ${r.a} → under ${r.b}`);
    for (const t of s.transitions) console.log(`  ${t.from} → ${t.to}: ${t.count}  (${more(t)})`);
  }
  for (const l of r.lists) {
    if (l.joining.count === 0 && l.leaving.count === 0) continue;
    console.log(`\nList ${l.list}: ${l.before} → ${l.after} subjects`);
    if (l.joining.count) console.log(`  joining: ${l.joining.count}  (${more(l.joining)})`);
    if (l.leaving.count) console.log(`  leaving: ${l.leaving.count}  (${more(l.leaving)})`);
  }
  for (const a of r.actions) {
    const cs = [['newly denied', a.newlyDenied], ['newly allowed', a.newlyAllowed], ['newly sent to review', a.newlyReview]] as const;
    if (cs.every(([, c]) => c.count === 0)) continue;
    console.log(`\nAction ${a.action}:`);
    for (const [label, c] of cs) if (c.count) console.log(`  ${label}: ${c.count}  (${more(c)})`);
  }
  const rules = r.rules.filter((x) => x.before.matches !== x.after.matches || x.gained.count || x.lost.count);
  if (rules.length) {
    console.log('\nRules (matches at the instant, subjects):');
    for (const x of rules) console.log(`  ${x.kind} ${x.owner} / ${x.ruleId}${x.onlyIn ? ` (only in ${x.onlyIn === 'a' ? r.a : r.b})` : ''}: ${x.before.matches} (${x.before.subjects}) → ${x.after.matches} (${x.after.subjects})`);
  }
  if (r.changed > 0) console.log('\nEvery example, with the records and rules that make the difference: --json.');
}
