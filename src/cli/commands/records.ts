/** `xinyong import`, `tick` and `rescore`: records in, and state brought up to date. */
import { existsSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { notFound } from '../../app/errors.js';
import { importRecordFile } from '../../app/records.js';
import { deriveEverySubject, tickUntil } from '../../app/tick.js';
import { globals, instantArg, intArg, out, withApp } from '../context.js';
import { EXIT_IMPORT_NOTHING_STORED } from '../errors.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function registerRecords(program: Command): void {
  program
    .command('import')
    .description('import credit records (and subject registrations) from an NDJSON or CSV file')
    .requiredOption('--source <code>', 'the sending source, as declared in the catalog')
    .option('--batch-size <n>', 'lines per transaction', intArg, 1000)
    .addOption(new Option('--format <format>', 'file format (default: by extension)').choices(['ndjson', 'csv']))
    .option('--score-at-end', 'score the subjects the file touched once, after its last line, not every 10,000 lines: faster for a large back-fill, but checks see none of its effects until it ends')
    .argument('<file>', 'the file to import')
    .action(async (file: string, o: { source: string; batchSize: number; format?: 'ndjson' | 'csv'; scoreAtEnd?: boolean }) => {
      const g = globals(program);
      if (!existsSync(file)) throw notFound(`no file ${file}`, 'file');
      // An import may make the database it imports into (its directory and key file too).
      await withApp(g, async (app) => {
        const s = await importRecordFile(app, { path: file, source: o.source, batchSize: o.batchSize, format: o.format, scoreAtEnd: o.scoreAtEnd, progress: !g.json && process.stderr.isTTY });
        out(g, s, () => {
          console.log(`${plural(s.lines, 'line')}: ${s.stored} stored, ${s.duplicates} already present, ${s.rejected} rejected.`);
          if (s.rejectFile) console.log(`Rejected lines, with line number, field and reason: ${s.rejectFile}`);
        });
        if (s.rejected > 0 && s.stored + s.duplicates === 0) process.exitCode = EXIT_IMPORT_NOTHING_STORED;
      }, { create: true });
    });

  program
    .command('tick')
    .description('apply what falls due by time up to an instant: records past their retention expired (facts deleted), entries leaving their notice period, expiring, escalating, overdue cases; idempotent')
    .addOption(new Option('--until <instant>', 'apply up to this instant (default: now); never beyond now, since stored state must not run ahead of time').argParser(instantArg))
    .action(async (o: { until?: number }) => {
      const g = globals(program);
      await withApp(
        g,
        async (app) => {
          const r = await tickUntil(app, o.until);
          out(g, r, () => console.log(`Applied what fell due up to ${new Date(r.until).toISOString()}: ${plural(r.expired, 'record')} expired at the end of retention, ${plural(r.due, 'subject')} changed by time, ${plural(r.dirty, 'pending derivation')} finished, ${plural(r.overdue, 'overdue case')} escalated.`));
        },
        { refresh: false },
      );
    });

  program
    .command('rescore')
    .description("recompute every subject's stored scores, grades and list entries from the records, as of now (for the past, use `subject --as-of` or `check --at`)")
    .action(async () => {
      const g = globals(program);
      await withApp(g, async (app) => {
        const t0 = performance.now();
        const n = await deriveEverySubject(app);
        const seconds = (performance.now() - t0) / 1000;
        out(g, { subjects: n, seconds }, () => console.log(`Rescored ${n} subjects in ${seconds.toFixed(1)} s.`));
      });
    });
}
