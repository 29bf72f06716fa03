/**
 * The evidence use case (issue 17, build item 3): files a subject gives in support of an objection
 * or repair application, shown to the reviewer who decides it.
 *
 * - Only PDF, PNG and JPEG, as the file's own bytes say (their magic numbers): the declared
 *   content type and the file name's extension must agree with the bytes, or the file is refused
 *   (`XY_ERR_EVIDENCE_TYPE`), whatever a browser or client claims.
 * - At most `EVIDENCE_MAX_BYTES` per file (`XY_ERR_EVIDENCE_TOO_LARGE`) and `EVIDENCE_MAX_FILES`
 *   per case (`XY_ERR_EVIDENCE_LIMIT`), added only while the case is open.
 * - Stored with the SHA-256 of its bytes; every download recomputes it and refuses a file that no
 *   longer matches (`XY_ERR_EVIDENCE_CORRUPT`).
 * - A staff download of a person's evidence is a read of their data: it takes a purpose and is in
 *   their access log (`evidence.read`). The subject downloads their own.
 * - Counted in retention: deleted with the facts of the record the case is about
 *   (`store.expireRecords`, run by the tick).
 */
import { createHash, randomBytes } from 'node:crypto';
import { AUDIT } from '../audit/actions.js';
import { CaseConflictError, EvidenceLimitError, type EvidenceRow, type EvidenceType } from '../store/port.js';
import type { Caller } from './access.js';
import { loadQueueCase } from './cases.js';
import { noIdNumber } from './checks.js';
import { write, type App } from './context.js';
import { AppError, conflict, invalid, notFound } from './errors.js';
import { logReadOf, requiredPurpose } from './subjects.js';

/** The largest file of evidence: 5 MB. */
export const EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;
/** The most files one case holds. */
export const EVIDENCE_MAX_FILES = 5;

/** Each type evidence may have: how its bytes begin, and the file name extensions it goes by. */
const TYPES: Record<EvidenceType, { magic: number[]; ext: string[]; name: string }> = {
  'application/pdf': { magic: [0x25, 0x50, 0x44, 0x46, 0x2d], ext: ['pdf'], name: 'a PDF document' },
  'image/png': { magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], ext: ['png'], name: 'a PNG image' },
  'image/jpeg': { magic: [0xff, 0xd8, 0xff], ext: ['jpg', 'jpeg'], name: 'a JPEG image' },
};
export const EVIDENCE_TYPES = Object.keys(TYPES) as EvidenceType[];

/** The type a file's bytes are, by their magic number, or null when none of the accepted ones. */
export function sniffType(bytes: Uint8Array): EvidenceType | null {
  for (const [type, t] of Object.entries(TYPES) as [EvidenceType, (typeof TYPES)[EvidenceType]][]) {
    if (bytes.length >= t.magic.length && t.magic.every((b, i) => bytes[i] === b)) return type;
  }
  return null;
}

const typeRefused = (message: string, field: string) => new AppError('XY_ERR_EVIDENCE_TYPE', message, { field });

/** A file name as stored and sent back: its last path segment, no control characters, at most 200 characters. */
function cleanName(filename: string): string {
  const name = filename.split(/[\\/]/).pop()?.trim() ?? '';
  if (name === '' || name.length > 200 || /[\u0000-\u001f\u007f"]/.test(name)) throw invalid('filename: 1 to 200 characters, without control characters, quotes or a path', '/filename');
  noIdNumber(name, '/filename');
  return name;
}

/** Checks a file before it is stored: its bytes' type, that its declared type and name agree, and its size. */
export function checkEvidence(f: { filename: string; contentType: string; bytes: Uint8Array }): { filename: string; type: EvidenceType } {
  const filename = cleanName(f.filename);
  if (f.bytes.length === 0) throw invalid('content: the file is empty', '/content');
  if (f.bytes.length > EVIDENCE_MAX_BYTES) throw new AppError('XY_ERR_EVIDENCE_TOO_LARGE', `content: the file has ${f.bytes.length} bytes; evidence may have at most ${EVIDENCE_MAX_BYTES} (5 MB)`, { field: '/content', max: EVIDENCE_MAX_BYTES });
  const type = sniffType(f.bytes);
  if (type === null) throw typeRefused('content: the file’s bytes are not a PDF document, a PNG image or a JPEG image; only these are accepted', '/content');
  const declared = f.contentType.split(';')[0].trim().toLowerCase();
  if (declared !== type) throw typeRefused(`contentType: declared ${declared || '(none)'}, but the file’s bytes are ${TYPES[type].name} (${type})`, '/contentType');
  const ext = /\.([A-Za-z0-9]+)$/.exec(filename)?.[1]?.toLowerCase();
  if (!ext || !TYPES[type].ext.includes(ext)) throw typeRefused(`filename: ${TYPES[type].name} is named .${TYPES[type].ext.join(' or .')}, not ${ext ? `.${ext}` : 'without an extension'}`, '/filename');
  return { filename, type };
}

/** Base64 as a JSON body carries a file; anything else is refused rather than decoded leniently. */
export function fromBase64(content: string): Uint8Array {
  const s = content.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) throw invalid('content: the file’s bytes, in base64', '/content');
  return new Uint8Array(Buffer.from(s, 'base64'));
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Adds a file of evidence to an open objection or repair application: the subject to their own
 * case, or a reviewer for the subject. Checked (type by magic number, declared type, name, size)
 * before anything is stored; stored with its SHA-256 and an `evidence.added` audit entry.
 */
export async function addEvidence(app: App, caller: Pick<Caller, 'role' | 'subjectId' | 'actor'>, caseId: string, f: { filename: string; contentType: string; bytes: Uint8Array }): Promise<EvidenceRow> {
  const { filename, type } = checkEvidence(f);
  return write(app, async () => {
    const c = await loadQueueCase(app, caseId, caller);
    if (c.status !== 'open') throw conflict(`case ${caseId} is ${c.status}: evidence is added only while it is open`, '/');
    const at = app.now();
    const row: EvidenceRow = { id: `ev_${randomBytes(8).toString('hex')}`, caseId: c.id, subjectId: c.subjectId, recordId: c.doc.recordId, filename, contentType: type, size: f.bytes.length, sha256: sha256(f.bytes), uploadedAt: at, uploadedBy: caller.actor };
    try {
      await app.ctx.store.addEvidence(row, f.bytes, {
        maxPerCase: EVIDENCE_MAX_FILES,
        audit: { at, actor: caller.actor, action: AUDIT.evidenceAdded, subjectId: c.subjectId, data: { case: c.id, evidence: row.id, contentType: type, size: row.size, sha256: row.sha256 } },
      });
    } catch (e) {
      if (e instanceof EvidenceLimitError) throw new AppError('XY_ERR_EVIDENCE_LIMIT', `a case holds at most ${EVIDENCE_MAX_FILES} files of evidence, and case ${caseId} has them`, { field: '/', max: EVIDENCE_MAX_FILES });
      if (e instanceof CaseConflictError) throw conflict(`${e.message}; evidence is added only while the case is open`, '/');
      throw e;
    }
    return row;
  });
}

/**
 * One file of a case's evidence, with its bytes, after checking them against the stored SHA-256.
 * Staff give a purpose, logged in the person's access log; a subject reads their own.
 */
export async function readEvidence(app: App, caller: Pick<Caller, 'role' | 'subjectId' | 'actor'>, caseId: string, id: string, o: { purpose?: string }): Promise<EvidenceRow & { content: Uint8Array }> {
  const purpose = caller.role === 'subject' ? undefined : requiredPurpose(o.purpose, 'evidence');
  const c = await loadQueueCase(app, caseId, caller);
  const e = await app.ctx.store.getEvidence(c.id, id);
  if (!e) throw notFound('this case has no evidence with this id (or it was deleted at the end of its retention)', 'evidenceId');
  if (sha256(e.content) !== e.sha256) throw new AppError('XY_ERR_EVIDENCE_CORRUPT', `evidence ${id} no longer matches the SHA-256 stored with it; it is not served`, { field: 'evidenceId' });
  if (purpose !== undefined) await logReadOf(app, c.subjectId, { actor: caller.actor, action: AUDIT.evidenceRead, purpose, data: { case: c.id, evidence: e.id, sha256: e.sha256 } });
  return e;
}
