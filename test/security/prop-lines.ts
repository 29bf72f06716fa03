/**
 * Record lines for the property suite, from the catalog in force: good lines (a record type a
 * source sends, a subject of a kind it concerns, facts valid for its data elements) and bad ones,
 * each a good line with one thing wrong and the field the refusal must name.
 */
import fc from 'fast-check';
import { containsRid } from '../../src/ids/rid-finder.js';
import { carriedRidArb, ridArb, usccArb } from './prop-ids.js';
import type { Json } from './prop-schema.js';

/** What the suite reads of `GET /v1/catalog`. */
export interface CatalogView {
  recordTypes: { code: string; subjects: string[]; facts: Record<string, 'required' | 'optional'> }[];
  elements: Map<string, Element>;
  sources: { code: string; recordTypes: string[]; registers?: string[] }[];
  actions: string[];
}

export interface Element {
  code: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  enum?: Json[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function catalogView(body: any): CatalogView {
  const doc = body.doc;
  return {
    recordTypes: doc.recordTypes.map((r: CatalogView['recordTypes'][number]) => ({ code: r.code, subjects: r.subjects, facts: r.facts ?? {} })),
    elements: new Map((doc.national.dataElements as Element[]).concat(doc.dataElements ?? []).map((e) => [e.code, e])),
    sources: doc.sources,
    actions: doc.actions.map((a: { code: string }) => a.code),
  };
}

/** Whether a source's globs cover a record type. */
export const sends = (globs: string[], type: string) => globs.some((g) => g === '*' || g === type || (g.endsWith('*') && type.startsWith(g.slice(0, -1))));

/** The record types each source sends, for sources that send any. */
export function typesBySource(c: CatalogView): Map<string, CatalogView['recordTypes']> {
  const out = new Map<string, CatalogView['recordTypes']>();
  for (const s of c.sources) {
    const ts = c.recordTypes.filter((t) => sends(s.recordTypes ?? [], t.code));
    if (ts.length) out.set(s.code, ts);
  }
  return out;
}

/** Printable text that is no one's ID number: Latin, digits, CJK, a few marks. */
function plainText(min: number, max: number): fc.Arbitrary<string> {
  const unit = fc.oneof(fc.constantFrom(...'abcXYZ0123456789-（）()号/ '), fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c)));
  return fc
    .string({ unit, minLength: Math.max(min, 1), maxLength: Math.max(Math.min(max, 40), Math.max(min, 1)) })
    .map((s) => (s.trim() === '' ? 'x' : s))
    .filter((s) => !containsRid(s));
}

/** A value valid for a data element (CEL sees these): bounds, enums, types, dates, huge and fractional numbers. */
export function elementValueArb(e: Element): fc.Arbitrary<Json> {
  if (e.enum) return fc.constantFrom(...e.enum);
  switch (e.type) {
    case 'string':
      return plainText(e.minLength ?? 1, e.maxLength ?? 200);
    case 'integer': {
      const min = e.minimum ?? -1e9;
      const max = e.maximum ?? 1e9;
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
    }
    case 'number': {
      const min = e.minimum ?? -1e12;
      const max = e.maximum ?? 1e15;
      return fc.oneof(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }).map((x) => (Object.is(x, -0) ? 0 : x)), fc.constantFrom(min, max, 0.5, 1e15));
    }
    case 'boolean':
      return fc.boolean();
    case 'date':
      return fc.date({ min: new Date('1990-01-01'), max: new Date('2026-11-26'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
  }
}

/** Valid facts for a record type; `caseNos` lets several records share a case number (exits compare them). */
export function factsArb(c: CatalogView, rt: CatalogView['recordTypes'][number], caseNos: string[] = []): fc.Arbitrary<Record<string, Json>> {
  const model: Record<string, fc.Arbitrary<Json>> = {};
  const required: string[] = [];
  for (const [name, need] of Object.entries(rt.facts)) {
    const e = c.elements.get(name);
    if (!e) throw new Error(`no data element ${name}`);
    model[name] = name === 'caseNo' && caseNos.length ? fc.oneof(fc.constantFrom(...caseNos), elementValueArb(e)) : elementValueArb(e);
    if (need === 'required') required.push(name);
  }
  return fc.record(model, { requiredKeys: required }) as fc.Arbitrary<Record<string, Json>>;
}

/** A reference to a new subject of a kind: `cn-rid:` for a person, `cn-uscc:` for the others. */
export function newSubjectArb(kind: string): fc.Arbitrary<string> {
  switch (kind) {
    case 'person':
      return ridArb.map((r) => `cn-rid:${r}`);
    case 'government':
      return usccArb('11').map((u) => `cn-uscc:${u}`);
    case 'institution':
      return usccArb('12').map((u) => `cn-uscc:${u}`);
    default:
      return usccArb('91').map((u) => `cn-uscc:${u}`);
  }
}

export interface Line {
  /** What is sent: an object, or for NDJSON a raw text that is not one. */
  line: Record<string, Json> | string;
  /** The field the refusal must name (as the import names it: `externalId`, `facts.caseNo`, `(line)`); null for a good line. */
  bad: string | null;
  mutation: string;
}

const past = fc.date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2026-11-20T00:00:00Z'), noInvalidDate: true });

/** A good record line for `source` (without its externalId, which the caller makes unique). */
export function goodLineArb(c: CatalogView, types: CatalogView['recordTypes'], known: { person?: string; org?: string } = {}): fc.Arbitrary<Record<string, Json>> {
  return fc.constantFrom(...types).chain((rt) =>
    fc.record({
      type: fc.constant(rt.code),
      subject: fc.constantFrom(...rt.subjects).chain((k) => {
        const mine = k === 'person' ? known.person : k === 'enterprise' ? known.org : undefined;
        return mine ? fc.oneof({ weight: 3, arbitrary: newSubjectArb(k) }, { weight: 1, arbitrary: fc.constant(mine) }) : newSubjectArb(k);
      }),
      occurredAt: fc.oneof(past.map((d) => d.toISOString()), past.map((d) => d.toISOString().slice(0, 10)), past.map((d) => d.toISOString().replace('Z', '+08:00'))),
      facts: factsArb(c, rt),
    }),
  );
}

const BAD = ['unknownField', 'externalIdRid', 'typeUnknown', 'typeForbidden', 'occurredFuture', 'occurredImpossible', 'occurredNoOffset', 'factMissing', 'factExtra', 'factWrongType', 'factRid', 'subjectInvalid', 'subjectUnknownScheme', 'subjectWrongKind', 'notObject'] as const;

/**
 * A good line with one thing wrong, and the field the refusal names (the checks run in a fixed
 * order and the first failure is reported; with one change, that is the field changed). Null
 * when the change does not apply to this line (no required fact to drop, …).
 */
export function badLineArb(c: CatalogView, types: CatalogView['recordTypes'], otherTypes: string[], format: 'api' | 'ndjson' | 'csv'): fc.Arbitrary<Line | null> {
  // A CSV file has fixed columns (an unknown one refuses every row); an API batch holds objects only.
  const kinds = BAD.filter((k) => !(format === 'csv' && k === 'unknownField') && !(format !== 'ndjson' && k === 'notObject'));
  return fc.tuple(goodLineArb(c, types), fc.constantFrom(...kinds), carriedRidArb, fc.nat()).map(([good, mutation, rid, n]) => {
    const line = structuredClone(good) as Record<string, Json> & { facts: Record<string, Json> };
    const rt = types.find((t) => t.code === line.type) as CatalogView['recordTypes'][number];
    const factNames = Object.keys(rt.facts);
    const pick = <T>(xs: T[]) => xs[n % xs.length];
    switch (mutation) {
      case 'unknownField': {
        const k = pick(['extra', 'recordedAt', 'Subject', 'facts ', '备注']);
        line[k] = 'x';
        return { line, bad: k, mutation };
      }
      case 'externalIdRid':
        line.externalId = rid.text;
        return { line, bad: 'externalId', mutation };
      case 'typeUnknown':
        line.type = pick(['no.such-type', 'court', '', 'COURT.DISHONEST-DEBTOR-DECISION']);
        return { line, bad: 'type', mutation };
      case 'typeForbidden':
        if (!otherTypes.length) return null;
        line.type = pick(otherTypes);
        return { line, bad: 'type', mutation };
      case 'occurredFuture':
        line.occurredAt = pick(['2099-01-01', '2999-12-31T00:00:00Z']);
        return { line, bad: 'occurredAt', mutation };
      case 'occurredImpossible':
        line.occurredAt = pick(['2026-02-30', '2026-04-31T10:00:00Z', '1899-12-31', '20261101', `${rid.rid}`]);
        return { line, bad: 'occurredAt', mutation };
      case 'occurredNoOffset':
        line.occurredAt = '2026-10-15T10:30:00';
        return { line, bad: 'occurredAt', mutation };
      case 'factMissing': {
        const req = factNames.filter((f) => rt.facts[f] === 'required');
        if (!req.length) return null;
        const f = pick(req);
        delete line.facts[f];
        return { line, bad: `facts.${f}`, mutation };
      }
      case 'factExtra':
        line.facts.judge = 'x';
        return { line, bad: 'facts.judge', mutation };
      case 'factWrongType': {
        if (!factNames.length) return null;
        const f = pick(factNames);
        const e = c.elements.get(f) as Element;
        line.facts[f] = e.enum ? 'zzz-not-in-the-list' : e.type === 'string' || e.type === 'date' ? 42 : e.type === 'boolean' ? 'yes' : 'three';
        return { line, bad: `facts.${f}`, mutation };
      }
      case 'factRid': {
        const strings = factNames.filter((f) => { const e = c.elements.get(f) as Element; return e.type === 'string' && !e.enum && (e.maxLength ?? 200) >= rid.text.length; });
        if (!strings.length) return null;
        const f = pick(strings);
        line.facts[f] = rid.text;
        return { line, bad: `facts.${f}`, mutation };
      }
      case 'subjectInvalid':
        line.subject = pick(['cn-rid:123', 'cn-uscc:91350100M000100Y4Z', 's_', '', 'cn-rid:' + rid.rid.slice(0, 17) + (rid.rid[17] === '0' ? '1' : '0')]);
        return { line, bad: 'subject', mutation };
      case 'subjectUnknownScheme':
        line.subject = pick(['cn-usc:91350100M000100Y43', 'emp:00042', 'zz-scheme:1']);
        return { line, bad: 'subject', mutation };
      case 'subjectWrongKind': {
        const k = pick(['person', 'enterprise', 'government', 'institution'].filter((x) => !rt.subjects.includes(x)));
        if (!k) return null;
        line.subject = fc.sample(newSubjectArb(k), { numRuns: 1, seed: n })[0];
        return { line, bad: 'subject', mutation };
      }
      case 'notObject':
        return { line: pick(['[1,2]', '"text"', '{"externalId":', 'null', '42', '{"a":1}}']), bad: '(line)', mutation };
    }
  });
}

/** A source that sends records, and lines for it: good ones and bad ones (null: a change that did not apply). */
export function sourceLinesArb(c: CatalogView, format: 'api' | 'ndjson' | 'csv', maxLines: number, known: { person?: string; org?: string } = {}): fc.Arbitrary<{ source: string; lines: (Line | null)[] }> {
  const bySource = typesBySource(c);
  return fc.constantFrom(...bySource.keys()).chain((source) => {
    const types = bySource.get(source) ?? [];
    const others = c.recordTypes.filter((t) => !types.includes(t)).map((t) => t.code);
    const item = fc.oneof(goodLineArb(c, types, known).map((line): Line => ({ line, bad: null, mutation: 'none' })), badLineArb(c, types, others, format));
    return fc.record({ source: fc.constant(source), lines: fc.array(item, { minLength: 1, maxLength: maxLines }) });
  });
}

/** One CSV cell, quoted when it must be. */
export const csvCell = (v: string) => (/[",\n\r]/.test(v) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v);
