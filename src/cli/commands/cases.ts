/** `xinyong cases`, `objection-decide` and `repair-decide`: the review queue, for a reviewer at the console of the database. */
import { Option, type Command } from 'commander';
import { assignCase, CASE_KINDS, caseDetail, decideObjection, decideRepair, DUE_SOON_DAYS, extendObjection, listCases } from '../../app/cases.js';
import type { ObjectionDecision } from '../../process/objections.js';
import { cliCaller, globals, intArg, out, withApp } from '../context.js';
import { usage } from '../errors.js';

export function registerCases(program: Command): void {
  program
    .command('cases')
    .description('objections or repair applications, by deadline: the review queue (decide them with objection-decide and repair-decide, or over HTTP; see docs/due-process.md)')
    .addOption(new Option('--kind <kind>', 'which cases').choices([...CASE_KINDS]).default('objection'))
    .option('--status <status>', 'only this status (open, upheld, corrected, revoked, approved, refused, made, breached)')
    .option('--overdue', 'only open cases past their deadline', false)
    .option('--due-soon', `only open cases due within ${DUE_SOON_DAYS} working days`, false)
    .option('--source <code>', 'only cases about a record from this source (authority)')
    .option('--assigned <actor>', 'only cases assigned to this reviewer (me: to you)')
    .option('--limit <n>', 'how many', intArg, 50)
    .action(async (o: { kind: (typeof CASE_KINDS)[number]; status?: string; overdue: boolean; dueSoon: boolean; source?: string; assigned?: string; limit: number }) => {
      const g = globals(program);
      await withApp(g, async (app) => {
        const { rows, now } = await listCases(app, cliCaller(), o.kind, { status: o.status, overdue: o.overdue, dueSoon: o.dueSoon, source: o.source, assigned: o.assigned, limit: o.limit });
        out(g, rows, () => {
          if (rows.length === 0) return console.log(`No ${o.kind}s${o.overdue ? ' overdue' : ''}.`);
          for (const c of rows) {
            const late = c.status === 'open' && c.deadline !== null && c.deadline < now ? '  OVERDUE' : '';
            const { recordId = '', assignedTo } = c.doc as { recordId?: string; assignedTo?: string };
            console.log(`${c.id}  ${c.status.padEnd(9)}  ${c.deadline ? `due ${new Date(c.deadline).toISOString()}` : ''.padEnd(28)}  ${c.subjectId}  ${recordId}${assignedTo ? `  assigned to ${assignedTo}` : ''}${late}`);
          }
        });
      });
    });

  program
    .command('case')
    .description('one objection or repair application: the record, its entries, the statement, the evidence (with SHA-256), the history and the deadline (a read of the person: logged with --purpose)')
    .argument('<id>', 'the case id (ob_… or rp_…)')
    .requiredOption('--purpose <text>', 'why you read it (logged, and shown to the person)')
    .action(async (id: string, o: { purpose: string }) => {
      const g = globals(program);
      const d = await withApp(g, (app) => caseDetail(app, cliCaller(), id, { purpose: o.purpose }));
      out(g, d, () => {
        const iso = (t: number) => new Date(t).toISOString();
        console.log(`${id}  ${d.case.status}${d.case.overdue ? '  OVERDUE' : ''}  ${d.subject?.name ?? d.case.subjectId}  record ${d.case.recordId} (${d.case.recordType})`);
        if (d.deadline) console.log(`deadline ${iso(d.deadline.at)}${d.deadline.workingDaysLeft !== null ? `, ${d.deadline.workingDaysLeft} working days left` : ''}${d.deadline.extended ? ' (extended)' : ''}`);
        console.log(d.kind === 'objection' ? `reasons: ${d.statement.reasons}` : `obligation met: ${d.statement.obligationMet}`);
        console.log(d.evidence.length === 0 ? 'evidence: none' : 'evidence:');
        for (const e of d.evidence) console.log(`  ${e.id}  ${e.contentType.padEnd(15)}  ${String(e.size).padStart(8)} B  sha256 ${e.sha256}  ${e.filename}  (${e.uploadedBy}, ${iso(e.uploadedAt)})`);
        console.log('history:');
        for (const h of d.history) console.log(`  ${iso(h.at)}  ${h.event}${h.to ? ` to ${h.to}` : ''}${h.outcome ? `: ${h.outcome}` : ''}  by ${h.by}${h.file ? `  ${h.file}` : ''}`);
      });
    });

  program
    .command('case-assign')
    .description('assign an open objection or repair application to a reviewer (to yourself without --to)')
    .argument('<id>', 'the case id (ob_… or rp_…)')
    .option('--to <actor>', 'the reviewer, as the audit log names actors (key:k_…, oidc:…)')
    .action(async (id: string, o: { to?: string }) => {
      const g = globals(program);
      const done = await withApp(g, (app) => assignCase(app, cliCaller(), id, { to: o.to }));
      out(g, done, () => console.log(`Assigned ${id} to ${done.assignedTo}.`));
    });

  program
    .command('objection-decide')
    .description('decide an objection as a reviewer: upheld, corrected (with --facts) or revoked')
    .argument('<id>', 'the objection id (ob_…)')
    .requiredOption('--reason <text>', 'why (the subject is told)')
    .addOption(new Option('--decision <decision>', 'the decision').choices(['upheld', 'corrected', 'revoked']))
    .option('--facts <json>', 'the corrected facts, as JSON (with --decision corrected)')
    .option('--extend', 'instead of deciding, extend the deadline to the catalog’s extended period (another unit must verify)', false)
    .action(async (id: string, o: { decision?: ObjectionDecision; reason: string; facts?: string; extend: boolean }) => {
      if (!o.extend && !o.decision) throw usage('give --decision (upheld, corrected or revoked), or --extend', 'decision');
      let facts: Record<string, unknown> | undefined;
      if (o.facts !== undefined) {
        try {
          facts = JSON.parse(o.facts) as Record<string, unknown>;
        } catch {
          throw usage('--facts must be a JSON object', 'facts');
        }
      }
      const g = globals(program);
      const done = await withApp(g, (app) => (o.extend ? extendObjection(app, cliCaller(), id) : decideObjection(app, cliCaller(), id, { decision: o.decision as ObjectionDecision, reason: o.reason, facts })));
      out(g, done, () => console.log(o.extend ? `Extended ${id} to ${new Date(done.deadline).toISOString()}.` : `Decided ${id}: ${done.status}. The subject is notified.`));
    });

  program
    .command('repair-decide')
    .description('approve or refuse a repair application as a reviewer')
    .argument('<id>', 'the repair application id (rp_…)')
    .requiredOption('--reason <text>', 'why (the subject is told)')
    .addOption(new Option('--approve', 'approve the application'))
    .addOption(new Option('--refuse', 'refuse it').conflicts('approve'))
    .action(async (id: string, o: { approve?: boolean; refuse?: boolean; reason: string }) => {
      if (!o.approve && !o.refuse) throw usage('give --approve or --refuse');
      const g = globals(program);
      const done = await withApp(g, (app) => decideRepair(app, cliCaller(), id, { approve: !!o.approve, reason: o.reason }));
      out(g, done, () => console.log(`Decided ${id}: ${done.status}. The subject is notified.`));
    });
}
