/**
 * The data dictionary (issue 15, item 1): a positive list of the facts a record may carry, in the
 * manner of the national basic catalog of public credit information. A record type names its facts
 * by element code; the element gives the type and the closed list of values. A fact that is not in
 * the dictionary is refused whatever it is called, so no synonym gets a prohibited category in.
 * A deployment may extend the dictionary only in a reviewed file, and every name in that extension
 * passes the prohibited-word net as well. Pure.
 */
import { prohibitedCategory } from './prohibited.js';
import type { CategoryDoc, DataElementDoc, FactUse } from './types.js';

/** The category of elements any record may carry: case and decision numbers, amounts, authorities. */
export const PARTICULARS = 'record-particulars';

export interface DictProblem {
  field: string;
  message: string;
}

/** The JSON Schema of one element. */
export function elementSchema(e: DataElementDoc): Record<string, unknown> {
  const s: Record<string, unknown> = e.type === 'date' ? { type: 'string', format: 'date' } : { type: e.type };
  for (const k of ['enum', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum'] as const) if (e[k] !== undefined) s[k] = e[k];
  return s;
}

/**
 * A record type's facts as a closed JSON Schema built from the dictionary, with the problems found:
 * a fact that is no element, or an element of another category than the record type's (not
 * compared when `category` is null: a record type whose own category is refused).
 */
export function factsSchema(
  facts: Record<string, FactUse>,
  category: string | null,
  elements: ReadonlyMap<string, DataElementDoc>,
): { schema: Record<string, unknown>; problems: DictProblem[] } {
  const problems: DictProblem[] = [];
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [code, use] of Object.entries(facts ?? {})) {
    const e = elements.get(code);
    if (!e) {
      const banned = prohibitedCategory(code);
      problems.push({
        field: `facts.${code}`,
        message: `'${code}' is not in the data dictionary: a fact must be a data element of the national layer or of the catalog's reviewed extension${banned ? `, and '${code}' names prohibited data (${banned})` : ''}`,
      });
      continue;
    }
    if (category !== null && e.category !== PARTICULARS && e.category !== category) {
      problems.push({ field: `facts.${code}`, message: `'${code}' is a data element of category '${e.category}', not of this record type's category '${category}'` });
    }
    properties[code] = elementSchema(e);
    if (use === 'required') required.push(code);
  }
  const schema: Record<string, unknown> = { type: 'object', additionalProperties: false, properties };
  if (required.length) schema.required = required;
  return { schema, problems };
}

/** Every text of an element a person reads or a machine matches: code, names, description, values. */
function* elementTexts(e: DataElementDoc): Generator<{ field: string; text: string }> {
  yield { field: 'code', text: e.code };
  yield { field: 'name.en', text: e.name.en };
  yield { field: 'name.zh-CN', text: e.name['zh-CN'] };
  if (e.description) {
    yield { field: 'description.en', text: e.description.en };
    yield { field: 'description.zh-CN', text: e.description['zh-CN'] };
  }
  for (const v of e.enum ?? []) yield { field: 'enum', text: v };
  for (const [v, n] of Object.entries(e.enumNames ?? {})) {
    yield { field: `enumNames.${v}.en`, text: n.en };
    yield { field: `enumNames.${v}.zh-CN`, text: n['zh-CN'] };
  }
}

/**
 * The problems of a deployment's extension of the dictionary: an element that redefines a national
 * one, has no registered category, or names prohibited data anywhere in its texts.
 */
export function extensionProblems(ext: DataElementDoc[], national: ReadonlyMap<string, DataElementDoc>, categories: readonly CategoryDoc[]): { element: DataElementDoc; field: string; message: string }[] {
  const out: { element: DataElementDoc; field: string; message: string }[] = [];
  const cats = new Set(categories.map((c) => c.code));
  for (const e of ext) {
    if (national.has(e.code)) out.push({ element: e, field: 'code', message: `'${e.code}' is a national data element; an extension cannot redefine it` });
    if (!cats.has(e.category)) out.push({ element: e, field: 'category', message: `'${e.category}' is not a category of the national registry (${[...cats].join(', ')})` });
    for (const t of elementTexts(e)) {
      const banned = prohibitedCategory(t.text);
      if (banned) out.push({ element: e, field: t.field, message: `'${t.text}' names prohibited data (${banned}); no layer may add it to the dictionary` });
    }
    if (e.enum && e.type !== 'string') out.push({ element: e, field: 'enum', message: 'only a string element can have a closed list of values' });
    for (const v of Object.keys(e.enumNames ?? {})) if (!e.enum?.includes(v)) out.push({ element: e, field: `enumNames.${v}`, message: `'${v}' is not one of the element's values (enum): only a value can be named` });
    for (const v of e.enum ?? []) if (e.enumNames && !e.enumNames[v]) out.push({ element: e, field: 'enumNames', message: `the value '${v}' has no name: name every value or none` });
  }
  return out;
}
