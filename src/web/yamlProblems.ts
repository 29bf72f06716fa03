/**
 * Where a catalog problem is in the author's YAML text. The API names the item and field of each
 * problem as the loader does (`lists[spc-dishonest-debtors].entries[dishonest].exit`,
 * `recordTypes[court.x].facts.nationality`, `national`): a section is a sequence of items found by
 * their `code` (or `id`), a part of an item likewise, and a field a key of a mapping. Walked on
 * the text's own syntax tree (the `yaml` package's parseDocument), so the range is in the text as
 * the author wrote it, comments and all; a path that goes further than the text does stops at the
 * deepest node found.
 */
import { isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode } from 'yaml';

export interface TextProblem {
  field: string;
  reason: string;
  /** Offsets in the text, and the 1-based line of `from`. */
  from: number;
  to: number;
  line: number;
}

/** `a[b].c[d]` as steps: a key, then a key within a sequence. */
function steps(field: string): { key: string; item?: string }[] {
  const out: { key: string; item?: string }[] = [];
  for (const m of field.matchAll(/([^.[\]]+)(?:\[([^\]]*)\])?/g)) out.push({ key: m[1]!, item: m[2] });
  return out;
}

const scalarValue = (n: unknown) => (isScalar(n) ? String(n.value) : undefined);

/** The pair of a mapping with this key, if the node is a mapping. */
function pairOf(node: unknown, key: string) {
  if (!isMap(node)) return undefined;
  return node.items.find((p) => isPair(p) && scalarValue(p.key) === key);
}

/** The item of a sequence whose `code` or `id` is `item` (or, for a number, the item at that index). */
function itemOf(node: unknown, item: string): YamlNode | undefined {
  if (!isSeq(node)) return undefined;
  const found = node.items.find((it) => isMap(it) && (scalarValue(pairOf(it, 'code')?.value) === item || scalarValue(pairOf(it, 'id')?.value) === item));
  if (found) return found as YamlNode;
  return /^\d+$/.test(item) ? (node.items[Number(item)] as YamlNode | undefined) : undefined;
}

const lineAt = (text: string, pos: number) => text.slice(0, pos).split('\n').length;

/** The range of a field path in the text: from its key (or item) to the end of that line. */
export function rangeOf(text: string, field: string, doc: Document.Parsed = parseDocument(text)): { from: number; to: number } {
  let node: unknown = doc.contents;
  let at: [number, number] | undefined = isMap(node) || isSeq(node) ? [(node as YamlNode).range![0], (node as YamlNode).range![0]] : undefined;
  for (const s of steps(field)) {
    const pair = pairOf(node, s.key);
    if (!pair) break;
    const k = pair.key as YamlNode;
    if (k.range) at = [k.range[0], k.range[1]];
    node = pair.value;
    if (s.item === undefined) continue;
    const it = itemOf(node, s.item);
    if (!it) break;
    if (it.range) at = [it.range[0], it.range[0]];
    node = it;
  }
  const from = at?.[0] ?? 0;
  const eol = text.indexOf('\n', from);
  return { from, to: Math.max(at?.[1] ?? from, eol < 0 ? text.length : eol) };
}

/** Each problem at its place in the text, by line. */
export function placeProblems(text: string, problems: readonly { field: string; reason: string }[]): TextProblem[] {
  const doc = parseDocument(text);
  return problems
    .map((p) => {
      const r = rangeOf(text, p.field, doc);
      return { field: p.field, reason: p.reason, ...r, line: lineAt(text, r.from) };
    })
    .sort((a, b) => a.from - b.from);
}

/** The YAML syntax errors of a text, at their places (an empty list for a text that parses). */
export function syntaxProblems(text: string): TextProblem[] {
  const doc = parseDocument(text);
  return doc.errors.map((e) => {
    const from = Math.min(e.pos[0], text.length);
    const to = Math.min(Math.max(e.pos[1], from), text.length);
    return { field: '', reason: e.message.split('\n')[0]!, from, to, line: lineAt(text, from) };
  });
}
