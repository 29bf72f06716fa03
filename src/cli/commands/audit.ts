/** `xinyong audit log|verify`: the hash-chained audit log. */
import type { Command } from 'commander';
import { auditLog, verifyAudit } from '../../app/audit.js';
import { exportAudit } from '../../app/export.js';
import { cliCaller, globals, intArg, out, withApp } from '../context.js';
import { OPERATOR_PURPOSE, csvOption, writeCsv } from './reads.js';
import { EXIT_CHAIN_BROKEN, usage } from '../errors.js';
import { cliLang, printAudit } from '../format.js';

export function registerAudit(program: Command): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('log')
    .description("show audit entries, newest first: writes, reads of persons' records, checks (receipts)")
    .option('--limit <n>', 'how many', intArg, 20)
    .option('--action <action>', 'only this action, e.g. check.decided, subject.read, records.ingested')
    .option('--subject <ref>', 'only entries about this subject (s_…, cn-rid:…, cn-uscc:… or scheme:value): a read of their data, logged with --purpose and shown to the person')
    .option('--receipt <id>', 'the check with this receipt id (rc_…)')
    .option('--purpose <text>', 'with --subject or --receipt: why you are looking (logged, and shown to the persons concerned)', OPERATOR_PURPOSE)
    .addOption(csvOption('matching entry'))
    .action(async (o: { limit: number; action?: string; subject?: string; receipt?: string; purpose: string; csv?: string }) => {
      const g = globals(program);
      if (o.csv !== undefined && o.receipt !== undefined) throw usage('--csv exports entries by --action and --subject; a check by --receipt is one entry: leave out --csv', '--csv');
      await withApp(g, async (app) => {
        if (o.csv !== undefined) return writeCsv(g, o.csv, await exportAudit(app, { action: o.action, subject: o.subject, purpose: o.subject !== undefined ? o.purpose : undefined, by: cliCaller().actor, lang: cliLang() }));
        const entries = await auditLog(app, { ...o, actor: cliCaller().actor });
        out(g, { entries }, () => printAudit(entries));
      });
    });
  audit
    .command('verify')
    .description('recompute the hash chain, check the receipt and access-log indexes against it, and name the first entry that does not match')
    .action(async () => {
      const g = globals(program);
      await withApp(g, async (app) => {
        const r = await verifyAudit(app);
        out(g, r, () => {
          if (r.ok) console.log(`Audit chain intact: ${r.count} entries, head ${r.head}.`);
          else console.error(`${r.problem.index ? 'Audit index does NOT match the chain' : 'Audit chain BROKEN'}: ${/^(entry|an audit index)/.test(r.problem.reason) ? r.problem.reason : `entry ${r.problem.seq}: ${r.problem.reason}`}`);
        });
        if (!r.ok) process.exitCode = EXIT_CHAIN_BROKEN;
      });
    });
}
