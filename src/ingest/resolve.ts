/**
 * Validation and resolution of import lines: from what a source sends (identifiers in clear) to
 * what the store keeps (keyed hashes, masked and encrypted forms). Every rejection names the
 * field and the reason, and never repeats a person's identifier in clear.
 */
import { createHash } from 'node:crypto';
import type { ErrorObject } from 'ajv';
import type { Catalog } from '../catalog/types.js';
import { parseInstant } from '../domain/time.js';
import { LEGAL_ROLES, SUBJECT_KINDS, type CreditRecord, type Instant, type Relation, type StoredIdentifier, type Subject, type SubjectKind } from '../domain/types.js';
import { Keyring, maskIdentifier, parseSubjectRef, usccSubjectKind } from '../ids/index.js';
import { containsRid, ridInValue } from '../ids/rid-finder.js';
import type { RecordLine, SubjectLine } from './lines.js';

export interface Rejection {
  field: string;
  reason: string;
  /** The line repeats a stored record's source and externalId with different content. */
  conflict?: true;
  /** The sender is not authorised for this record type or registration. */
  forbidden?: true;
}

/** How a line refers to its subject once resolved. */
export type SubjectResolution =
  | { kind: 'existing'; id: string }
  /** A subject known by a national identifier; created on first sight. */
  | { kind: 'identified'; subject: Subject };

const RECORD_FIELDS = new Set(['externalId', 'type', 'subject', 'occurredAt', 'facts']);
/** Records may be dated slightly ahead of our clock (clock skew between agencies), not more. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const DATE_ONLY_TOLERANCE_MS = 14 * 3_600_000;
const EARLIEST = Date.UTC(1900, 0, 1);

export function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/**
 * Where in `v` an ID number stands (a string or a key, at any depth), as an ingest field name
 * (`lender`, `items[2].note`), or null. With `refs`, a line's subject references are not searched
 * (`subject`, and each `relations[i].subject`): they are hashed, never kept in clear.
 */
function ridAt(v: unknown, refs = false): string | null {
  const hit = ridInValue(v, (p) => refs && ((p.length === 1 && p[0] === 'subject') || (p.length === 3 && p[0] === 'relations' && p[2] === 'subject')));
  if (!hit) return null;
  if (hit.path.length === 0) return '(value)';
  return hit.path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i > 0 ? '.' : ''}${safeField(k)}`)).join('');
}

/** The subject id for an identifier's keyed hash (the same as `Keyring.subjectId`, without hashing twice). */
function subjectIdOf(hash: string): string {
  return 's_' + hash.slice(0, 24);
}

/** Defines `encrypted` as a property computed once, on first read. */
function lazyEncrypted(identifier: StoredIdentifier, keyring: Keyring, value: string): void {
  let token: string | undefined;
  Object.defineProperty(identifier, 'encrypted', { enumerable: true, configurable: true, get: () => (token ??= keyring.encrypt(value)) });
}

/** A field name from the input is echoed only if it cannot be an identifier (a long run of digits). */
function safeField(k: string): string {
  return /\d{6,}/.test(k) || k.length > 60 || containsRid(k) ? '(unknown field)' : k;
}

/** An ingest field name (`facts.ground`, `(line)`) as a JSON pointer into the record line, as the API answers it. */
export function fieldPointer(field: string): string {
  if (field.startsWith('(')) return '/';
  return '/' + field.split('.').join('/');
}

export function recordId(source: string, externalId: string): string {
  return 'r_' + createHash('sha256').update(`${source}\u0000${externalId}`).digest('hex').slice(0, 24);
}

/**
 * Why a reference cannot name a subject under this catalog, if it cannot: its scheme is neither a
 * national one nor one the catalog registers. A mistyped scheme must never pass as an unknown
 * subject (which a check answers with the action's default).
 */
export function schemeRefusal(ref: unknown, schemes: ReadonlySet<string>): string | null {
  if (typeof ref !== 'string') return null;
  const p = parseSubjectRef(ref);
  if (!p.ok || p.value.type !== 'identifier' || schemes.has(p.value.scheme)) return null;
  return `'${p.value.scheme}' is not an identifier scheme of this catalog; the schemes are: ${[...schemes].join(', ')}`;
}

/**
 * Resolves a subject reference. Internal `s_…` ids must exist (the caller looks them up);
 * `cn-rid` and `cn-uscc` identifiers create the subject on first sight.
 */
export function resolveSubjectRef(ref: unknown, keyring: Keyring, now: Instant, field = 'subject'): { ok: true; value: SubjectResolution } | { ok: false; error: Rejection } {
  if (typeof ref !== 'string' || ref.length === 0) return { ok: false, error: { field, reason: 'must be a string: cn-rid:…, cn-uscc:… or an internal s_… id' } };
  const parsed = parseSubjectRef(ref);
  if (!parsed.ok) return { ok: false, error: { field, reason: parsed.error } };
  const p = parsed.value;
  if (p.type === 'internal') return { ok: true, value: { kind: 'existing', id: p.id } };
  const hash = keyring.hash(p.scheme, p.value);
  let kind: SubjectKind;
  let region = '';
  if (p.scheme === 'cn-rid') {
    kind = 'person';
    // parseSubjectRef has validated it: the first six characters are the address code.
    region = p.value.slice(0, 6);
  } else if (p.scheme === 'cn-uscc') {
    kind = usccSubjectKind(p.value);
    region = p.value.slice(2, 8);
  } else {
    // A deployment's own scheme: the subject must be registered already.
    return { ok: true, value: { kind: 'existing', id: keyring.subjectId(p.scheme, p.value) } };
  }
  const identifier: StoredIdentifier = { scheme: p.scheme, hash, masked: maskIdentifier(p.scheme, p.value) };
  // Only personal identifiers need protecting; organisation codes are public. Encrypting costs a
  // random IV and a cipher per call, and the store keeps it only for a subject it has not seen,
  // so the ciphertext is made on first read (the store reads it only when inserting the subject).
  if (p.scheme === 'cn-rid') lazyEncrypted(identifier, keyring, p.value);
  const subject: Subject = {
    id: subjectIdOf(hash),
    kind,
    name: '',
    region,
    createdAt: now,
    identifiers: [identifier],
  };
  return { ok: true, value: { kind: 'identified', subject } };
}

function factsError(e: ErrorObject): Rejection {
  const path = e.instancePath.split('/').filter(Boolean).map(safeField).join('.');
  const base = path ? `facts.${path}` : 'facts';
  if (e.keyword === 'required') {
    const m = (e.params as { missingProperty: string }).missingProperty;
    return { field: `${base}.${safeField(m)}`, reason: 'is required by the record type' };
  }
  if (e.keyword === 'additionalProperties') {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return { field: `${base}.${safeField(extra)}`, reason: 'is not a fact of this record type' };
  }
  if (e.keyword === 'enum') return { field: base, reason: `must be one of: ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` };
  return { field: base, reason: e.message ?? 'is invalid' };
}

export interface ResolvedRecord {
  record: CreditRecord;
  subject: SubjectResolution;
}

/**
 * Validates a record line against the catalog (shape, source authorisation, facts schema,
 * dates) and resolves its subject. The subject kind check needs the subject's kind: for new
 * identified subjects it is known here; for existing ones the caller checks it.
 */
export function resolveRecordLine(
  line: unknown,
  source: string,
  catalog: Catalog,
  keyring: Keyring,
  now: Instant,
): { ok: true; value: ResolvedRecord } | { ok: false; error: Rejection } {
  const fail = (field: string, reason: string) => ({ ok: false as const, error: { field, reason } });
  if (!line || typeof line !== 'object' || Array.isArray(line)) return fail('(line)', 'must be a JSON object');
  const l = line as Partial<RecordLine> & Record<string, unknown>;
  for (const k of Object.keys(l)) if (!RECORD_FIELDS.has(k)) return fail(safeField(k), 'is not a field of a record line (externalId, type, subject, occurredAt, facts)');
  if (typeof l.externalId !== 'string' || l.externalId.length === 0 || l.externalId.length > 200) return fail('externalId', 'must be a non-empty string of at most 200 characters');
  // An ID number belongs in `subject`, where it is hashed; anywhere else it would be stored in clear.
  if (containsRid(l.externalId)) return fail('externalId', 'must not contain a resident identity number');
  if (typeof l.type !== 'string') return fail('type', 'must be a record type code');
  const rt = catalog.recordTypes.get(l.type);
  if (!rt) return fail('type', `is not a record type of catalog ${catalog.id}@${catalog.version}`);
  const src = catalog.sources.get(source);
  if (!src) return fail('(source)', `unknown source '${source}'`);
  if (!src.allows(l.type)) return { ok: false as const, error: { field: 'type', reason: `source '${source}' is not authorised to send ${l.type}`, forbidden: true as const } };
  if (typeof l.occurredAt !== 'string') return fail('occurredAt', 'must be an ISO-8601 date or date-time');
  const at = parseInstant(l.occurredAt);
  // parseInstant's reasons quote the input; a shifted column could put an ID number here.
  if (!at.ok) return fail('occurredAt', at.error.replace(/'[^']*'/g, 'the value'));
  // A bare date means that day, which begins up to 14 hours before UTC midnight (UTC+14); in
  // Beijing, today's date-only records arrive while UTC is still on yesterday.
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(l.occurredAt.trim());
  if (at.value > now + (dateOnly ? DATE_ONLY_TOLERANCE_MS : FUTURE_TOLERANCE_MS)) return fail('occurredAt', 'is in the future');
  if (at.value < EARLIEST) return fail('occurredAt', 'is before 1900');
  if (!l.facts || typeof l.facts !== 'object' || Array.isArray(l.facts)) return fail('facts', 'must be a JSON object');
  if (!rt.validateFacts(l.facts)) return { ok: false, error: factsError((rt.validateFacts.errors ?? [])[0]) };
  const inFacts = ridAt(l.facts);
  if (inFacts) return fail(`facts.${inFacts}`, 'must not contain a resident identity number (name the person as the subject, or by role)');
  const badScheme = schemeRefusal(l.subject, catalog.identifierSchemes);
  if (badScheme) return fail('subject', badScheme);
  const subj = resolveSubjectRef(l.subject, keyring, now);
  if (!subj.ok) return subj;
  if (subj.value.kind === 'identified' && !rt.doc.subjects.includes(subj.value.subject.kind)) {
    return fail('subject', `${l.type} concerns ${rt.doc.subjects.join(', ')}, not ${article(subj.value.subject.kind)} ${subj.value.subject.kind}`);
  }
  const subjectId = subj.value.kind === 'existing' ? subj.value.id : subj.value.subject.id;
  return {
    ok: true,
    value: {
      subject: subj.value,
      record: {
        id: recordId(source, l.externalId),
        source,
        externalId: l.externalId,
        type: l.type,
        area: rt.doc.area,
        subjectId,
        occurredAt: at.value,
        recordedAt: now,
        facts: l.facts as Record<string, unknown>,
        catalogVersion: catalog.version,
        statuses: [],
      },
    },
  };
}

export interface ResolvedSubjectLine {
  subject: Subject;
  relations: { role: Relation['role']; person: Subject }[];
}

/** Validates a subject registration with its legal roles. */
export function resolveSubjectLine(line: SubjectLine, keyring: Keyring, now: Instant): { ok: true; value: ResolvedSubjectLine } | { ok: false; error: Rejection } {
  const fail = (field: string, reason: string) => ({ ok: false as const, error: { field, reason } });
  const allowed = new Set(['kind', 'subject', 'subjectKind', 'name', 'region', 'relations']);
  for (const k of Object.keys(line)) if (!allowed.has(k)) return fail(safeField(k), 'is not a field of a subject line');
  // An ID number belongs in `subject` (or a relation's), where it is hashed: a name, like any
  // other text of the line, would keep it in clear and show it in public search.
  const inLine = ridAt(line, true);
  if (inLine) return fail(inLine, 'must not contain a resident identity number (name the person by reference, in subject or relations)');
  if (typeof line.name !== 'string' || line.name.trim().length === 0 || line.name.length > 300) return fail('name', 'must be a non-empty string of at most 300 characters');
  if (line.subjectKind !== undefined && !SUBJECT_KINDS.includes(line.subjectKind)) return fail('subjectKind', `must be one of: ${SUBJECT_KINDS.join(', ')}`);
  let subject: Subject;
  const ref = typeof line.subject === 'string' ? parseSubjectRef(line.subject) : null;
  if (ref?.ok && ref.value.type === 'identifier' && ref.value.scheme !== 'cn-rid' && ref.value.scheme !== 'cn-uscc') {
    // A deployment's own scheme says nothing about kind or region: the registration must.
    const { scheme, value } = ref.value;
    if (!line.subjectKind) return fail('subjectKind', `is required for ${article(scheme)} ${scheme} identifier`);
    if (line.region === undefined) return fail('region', `is required for ${article(scheme)} ${scheme} identifier`);
    subject = {
      id: keyring.subjectId(scheme, value),
      kind: line.subjectKind,
      name: '',
      region: '',
      createdAt: now,
      identifiers: [{ scheme, hash: keyring.hash(scheme, value), masked: maskIdentifier(scheme, value), ...(line.subjectKind === 'person' ? { encrypted: keyring.encrypt(value) } : {}) }],
    };
  } else {
    const r = resolveSubjectRef(line.subject, keyring, now);
    if (!r.ok) return r;
    if (r.value.kind !== 'identified') return fail('subject', 'a registration needs an identifier (cn-rid:…, cn-uscc:… or scheme:value), not an internal id');
    subject = r.value.subject;
    // The national codes fix the kind; a contradicting declaration is an error, not an override.
    if (line.subjectKind !== undefined && line.subjectKind !== subject.kind) return fail('subjectKind', `does not match the identifier, which names ${article(subject.kind)} ${subject.kind}`);
  }
  subject = { ...subject, name: line.name.trim() };
  if (line.region !== undefined) {
    if (typeof line.region !== 'string' || !/^[1-9]\d{5}$/.test(line.region)) return fail('region', 'must be a six-digit GB/T 2260 code');
    subject.region = line.region;
  }
  const relations: ResolvedSubjectLine['relations'] = [];
  if (line.relations !== undefined) {
    if (!Array.isArray(line.relations)) return fail('relations', 'must be a list');
    if (subject.kind === 'person' && line.relations.length > 0) return fail('relations', 'only organisations have legal roles');
    for (const [i, rel] of line.relations.entries()) {
      if (!rel || !LEGAL_ROLES.includes(rel.role)) return fail(`relations[${i}].role`, `must be one of: ${LEGAL_ROLES.join(', ')} (no other relation links subjects)`);
      const p = resolveSubjectRef(rel.subject, keyring, now, `relations[${i}].subject`);
      if (!p.ok) return p;
      if (p.value.kind !== 'identified' || p.value.subject.kind !== 'person') return fail(`relations[${i}].subject`, 'must be a person (cn-rid:…)');
      relations.push({ role: rel.role, person: p.value.subject });
    }
  }
  return { ok: true, value: { subject, relations } };
}
