/** `xinyong keys create|list|revoke`: API keys, one role each. */
import type { Command } from 'commander';
import { createKey, listKeys, revokeKey } from '../../app/keys.js';
import { cliCaller, globals, out, withApp } from '../context.js';

export function registerKeys(program: Command): void {
  const keys = program.command('keys').description('API keys: each has one role (source, checker, reviewer, author, admin, subject) and optional scopes');
  keys
    .command('create')
    .description('create a key; it is shown once and stored only as a hash')
    .requiredOption('--role <role>', 'source, checker, reviewer, author, admin or subject')
    .requiredOption('--name <name>', 'who holds it, e.g. "Hangzhou East ticket office"')
    .option('--scope <scope...>', 'checker: actions it may check; source: record types it may send (prefix.* globs), and register or register:<kind> to register subjects')
    .option('--source <code>', 'source keys: the catalog source it sends as')
    .option('--subject <ref>', 'subject keys: the subject it belongs to (s_…, cn-rid:…, cn-uscc:…)')
    .action(async (o: { role: string; name: string; scope?: string[]; source?: string; subject?: string }) => {
      const g = globals(program);
      await withApp(g, async (app) => {
        const k = await createKey(app, { role: o.role, name: o.name, scopes: o.scope, source: o.source, subject: o.subject, actor: cliCaller().actor });
        out(g, { key: k.key, id: k.row.id, role: k.row.role, scopes: k.row.scopes, source: k.row.source, subjectId: k.row.subjectId }, () => {
          console.log(`Created ${k.row.role} key ${k.row.id} (${k.row.name}). This is the only time the key is shown:\n\n  ${k.key}\n`);
          console.log('Send it as: Authorization: Bearer <key>');
        });
      });
    });
  keys
    .command('list')
    .description('list keys (never their secrets)')
    .action(async () => {
      const g = globals(program);
      await withApp(g, async (app) => {
        const rows = await listKeys(app);
        out(g, rows, () => {
          if (rows.length === 0) return console.log('No keys. Create one with: xinyong keys create --role checker --name "…"');
          for (const k of rows) {
            const scope = k.scopes.length ? k.scopes.join(',') : 'all';
            const extra = k.source ? ` source=${k.source}` : k.subjectId ? ` subject=${k.subjectId}` : '';
            console.log(`${k.id}  ${k.role.padEnd(8)}  ${k.revokedAt ? `revoked ${new Date(k.revokedAt).toISOString()}` : 'active'}  scopes=${scope}${extra}  ${k.name}`);
          }
        });
      });
    });
  keys
    .command('revoke')
    .description('revoke a key (a running server stops accepting it within 30 seconds)')
    .argument('<id>', 'the key id, k_…')
    .option('--reason <text>', 'why, for the audit log')
    .action(async (id: string, o: { reason?: string }) => {
      const g = globals(program);
      await withApp(g, async (app) => {
        await revokeKey(app, id, cliCaller().actor, o.reason);
        out(g, { revoked: id }, () => console.log(`Revoked ${id}.`));
      });
    });
}
