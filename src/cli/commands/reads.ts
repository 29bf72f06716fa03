/** `xinyong subject`, `check`, `list` and `notices`: reads, each logged for the persons it shows. */
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { check } from '../../app/checks.js';
import { exportListEntries, type CsvExport } from '../../app/export.js';
import { listEntries, listNotices, readSubject } from '../../app/reads.js';
import { cliCaller, globals, instantArg, intArg, out, withApp, type Globals } from '../context.js';
import { cliLang, printCheck, printEntries, printSubject } from '../format.js';

/** The purpose a CLI read gives unless told another: logged, and shown to the person. */
export const OPERATOR_PURPOSE = 'operator inspection (CLI)';

/** The `--csv <file>` option: the whole export, as `Accept: text/csv` gives it over HTTP. */
export const csvOption = (what: string) => new Option('--csv <file>', `write every ${what} (not a page: --limit does not apply; at most 100,000) to this CSV file, UTF-8 with a BOM, its header in the CLI's language`);

/** Writes an export and says where (with --json: {file, rows}). */
export function writeCsv(g: Globals, file: string, csv: CsvExport): void {
  writeFileSync(file, csv.body);
  out(g, { file, rows: csv.rows }, () => console.log(cliLang() === 'zh-CN' ? `已将 ${csv.rows} 行写入 ${file}。` : `Wrote ${csv.rows} rows to ${file}.`));
}

export function registerReads(program: Command): void {
  program
    .command('subject')
    .description('show a subject: scores, grades with their breakdown, list entries and measures in force')
    .argument('<ref>', 's_…, cn-rid:…, cn-uscc:… or scheme:value')
    .addOption(new Option('--as-of <instant>', 'as of this instant: the records known, the catalog in force and the legal roles held then').argParser(instantArg))
    .option('--purpose <text>', 'why you are looking (logged, and shown to the person)', OPERATOR_PURPOSE)
    .action(async (ref: string, o: { asOf?: number; purpose: string }) => {
      const g = globals(program);
      await withApp(g, async (app) => {
        const v = await readSubject(app, { ref, asOf: o.asOf, purpose: o.purpose, actor: cliCaller().actor });
        out(g, v, () => printSubject(v));
      });
    });

  program
    .command('check')
    .description('may this subject do this action? (allow, deny or review, with reasons and a receipt, as POST /v1/checks answers)')
    .requiredOption('--subject <ref>', 's_…, cn-rid:…, cn-uscc:… or scheme:value')
    .requiredOption('--action <code>', 'an action code, e.g. transport.air.ticket')
    .addOption(new Option('--at <instant>', 'decide as at this instant, from what was known and in force then (default: now)').argParser(instantArg))
    .option('--reference <text>', 'your own reference (an order or application number), kept with the receipt')
    .action(async (o: { subject: string; action: string; at?: number; reference?: string }) => {
      const g = globals(program);
      await withApp(g, async (app) => {
        const r = await check(app, cliCaller(), { subject: o.subject, action: o.action, at: o.at, reference: o.reference });
        out(g, r, () => printCheck(r));
      });
    });

  program
    .command('list')
    .description('entries of a red or black list')
    .requiredOption('--name <code>', 'the list code, e.g. spc-dishonest-debtors')
    .option('--limit <n>', 'how many', intArg, 20)
    .option('--after <entryId>', 'continue after this entry id (pagination)')
    .option('--all', 'include ended entries (exited, expired, escalated)', false)
    .option('--purpose <text>', 'why you are looking (logged for each person shown, who can see it)', OPERATOR_PURPOSE)
    .addOption(csvOption('entry'))
    .action(async (o: { name: string; limit: number; after?: string; all: boolean; purpose: string; csv?: string }) => {
      const g = globals(program);
      await withApp(g, async (app) => {
        if (o.csv !== undefined) return writeCsv(g, o.csv, await exportListEntries(app, { list: o.name, all: o.all, purpose: o.purpose, actor: cliCaller().actor, lang: cliLang() }));
        const r = await listEntries(app, { list: o.name, limit: o.limit, after: o.after, all: o.all, purpose: o.purpose, actor: cliCaller().actor });
        out(g, r, () => printEntries(r.list, r.entries, r.next));
      });
    });

  program
    .command('notices')
    .description('the notice outbox: what subjects and sources are told, and its delivery state')
    .option('--subject <ref>', 'only notices to this subject (a read of their data: logged with --purpose, and shown to the person)')
    .addOption(new Option('--status <status>', 'only this delivery state').choices(['pending', 'delivered', 'dead']))
    .option('--limit <n>', 'how many', intArg, 50)
    .option('--purpose <text>', 'with --subject: why you are looking (logged, and shown to the person)', OPERATOR_PURPOSE)
    .action(async (o: { subject?: string; status?: 'pending' | 'delivered' | 'dead'; limit: number; purpose: string }) => {
      const g = globals(program);
      await withApp(g, async (app) => {
        const rows = await listNotices(app, { subject: o.subject, status: o.status, limit: o.limit, purpose: o.purpose, actor: cliCaller().actor });
        out(g, rows, () => {
          if (rows.length === 0) return console.log('No notices.');
          for (const n of rows) console.log(`${new Date(n.createdAt).toISOString()}  ${n.kind.padEnd(22)}  ${n.status.padEnd(9)}  tries ${n.attempts}  ${n.subjectId ?? '(credit office / source)'}${n.lastError ? `  last error: ${n.lastError}` : ''}`);
        });
      });
    });
}
