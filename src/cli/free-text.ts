/**
 * No ID number in free text, refused by the CLI before any command runs (issue 16, finding 4): one
 * `preAction` hook checks every option value of the command and of its parents (the global ones
 * too) and every argument with the finder (`ids/rid-finder.ts`), and refuses with exit code 1,
 * naming the option and never the value. A purpose, a reason, a key's name, a reference, the
 * corrected facts as JSON, a file name: whatever a command stores or logs would keep it in clear.
 *
 * The only exemption is a subject reference, declared here, in one place (`SUBJECT_REFS`), and only
 * when the whole value is one (`cn-rid:…`, `s_…`). A new command or option is covered unasked.
 * What commander itself says about a bad value (`argument '…' is invalid`) is masked on its way out.
 * What a command reads from files is checked where it is read: record lines by the ingestion
 * pipeline, catalog directories by the catalog loader.
 */
import type { Command } from 'commander';
import { AppError } from '../app/errors.js';
import { refsInQuery } from '../app/subjects.js';
import { containsRid, maskRids } from '../ids/rid-finder.js';

/** Where each command takes a subject reference: option flags and `<argument>` names, by command path. */
export const SUBJECT_REFS: Readonly<Record<string, readonly string[]>> = {
  subject: ['<ref>'],
  check: ['--subject'],
  notices: ['--subject'],
  'audit log': ['--subject'],
  'keys create': ['--subject'],
};

/** A command's path below the program: `keys create`. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The `preAction` hook: refuses a command with an ID number in any option or argument but a declared reference. */
export function refuseIdNumbers(_hooked: Command, cmd: Command): void {
  const refs = SUBJECT_REFS[commandPath(cmd)] ?? [];
  const check = (label: string, value: unknown) => {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (typeof v !== 'string' || !containsRid(v)) continue;
      if (refs.includes(label) && refsInQuery(v.trim()).length > 0) continue;
      throw new AppError('XY_ERR_VALIDATION', `${label} must not contain a resident identity number; name a person by subject reference (cn-rid:…) where one is asked for, and nowhere else`, { field: label });
    }
  };
  for (let c: Command | null = cmd; c; c = c.parent) for (const o of c.options) check(o.long ?? o.flags, c.getOptionValue(o.attributeName()));
  const args = cmd.registeredArguments;
  cmd.args.forEach((v, i) => {
    const a = args[Math.min(i, args.length - 1)];
    check(a ? `<${a.name()}>` : 'an argument', v);
  });
}

/** Commander's own messages (an invalid choice or value is quoted) with any ID number masked. */
export const maskedOutput = { outputError: (s: string, write: (s: string) => void) => write(maskRids(s)) };
