/**
 * The message catalog of a language is its main file (locales/<lang>.json) and the parts beside it
 * (locales/<lang>/<area>.json), one per area of the app, merged key by key. A part may add keys to
 * a section of the main file (`problems`, say) but never redefine one: the same key in two files is
 * a defect, and merging throws naming it.
 */
export type Messages = { [key: string]: string | Messages };

export function mergeMessages(into: Messages, part: Messages, where: string, path = ''): Messages {
  for (const [k, v] of Object.entries(part)) {
    const key = path ? `${path}.${k}` : k;
    const had = into[k];
    if (had === undefined) into[k] = typeof v === 'string' ? v : mergeMessages({}, v, where, key);
    else if (typeof had === 'object' && typeof v === 'object') mergeMessages(had, v, where, key);
    else throw new Error(`messages: "${key}" is defined twice (again in ${where})`);
  }
  return into;
}

/** A language's whole catalog from its main file and its parts (file name → content). */
export function catalogOf(main: Messages, parts: Record<string, Messages>): Messages {
  const out = mergeMessages({}, main, 'main');
  for (const name of Object.keys(parts).sort()) mergeMessages(out, parts[name], name);
  return out;
}
