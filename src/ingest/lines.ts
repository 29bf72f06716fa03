/**
 * The wire shapes of bulk import (NDJSON lines, CSV rows) and of the synthetic city.
 * A line is what a source sends; identifiers arrive in clear and never leave ingest in clear.
 */
import type { LegalRole, SubjectKind } from '../domain/types.js';

/** A credit record as a source sends it. */
export interface RecordLine {
  externalId: string;
  /** Record type code, e.g. `finance.loan-arrears`. */
  type: string;
  /** `cn-rid:…`, `cn-uscc:…`, another `scheme:value`, or an internal `s_…` id. */
  subject: string;
  /** ISO-8601 date or date-time with offset. */
  occurredAt: string;
  facts: Record<string, unknown>;
}

/** A registration of a subject and its legal roles, as a registry (or the synthetic city) sends it. */
export interface SubjectLine {
  kind: 'subject';
  /** `cn-rid:…` for persons, `cn-uscc:…` for organisations. */
  subject: string;
  /** Optional when the identifier implies it (cn-rid → person; cn-uscc → by its registering department). */
  subjectKind?: SubjectKind;
  name: string;
  /** GB/T 2260 code; for persons it defaults to the cn-rid's address code. */
  region?: string;
  /**
   * The organisation's legal roles. When present it is the complete current set: a role held
   * before and not listed now has ended. Omit it to leave the roles as they are.
   */
  relations?: { role: LegalRole; subject: string }[];
}

export type ImportLine = RecordLine | SubjectLine;

export function isSubjectLine(line: ImportLine): line is SubjectLine {
  return (line as SubjectLine).kind === 'subject';
}

/**
 * Parses one line of text as JSON. A syntax error is reported by position only: V8 quotes the
 * offending text in its message, and that text could be a person's ID number.
 */
export function parseJsonLine(text: string): { ok: true; line: unknown } | { ok: false; error: { field: '(line)'; reason: string } } {
  try {
    return { ok: true, line: JSON.parse(text) };
  } catch (e) {
    const pos = /position (\d+)/.exec((e as Error).message);
    return { ok: false, error: { field: '(line)', reason: `invalid JSON: ${pos ? `syntax error at position ${pos[1]}` : 'syntax error'}` } };
  }
}
