/**
 * Case handling (issue 17, build item 3) over HTTP: evidence (type from the bytes, size and count
 * limits, SHA-256 stored and checked, downloads logged with their purpose, deleted at the end of
 * retention), the case detail, assignment, the queue's filters (and the CSV export's) and bulk
 * decisions with a partial failure.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_MAX_BYTES, EVIDENCE_MAX_FILES } from '../../src/app/evidence.js';
import { createApiKey } from '../../src/app/keys.js';
import { expireRecords } from '../../src/app/tick.js';
import { makeFixture, NOW, type Fixture } from './fixture.js';

let f: Fixture;
let penalties: string;
let reviewer2: { key: string; actor: string };
let reviewerActor: string;
/** Records of admin.penalty from the `penalties` source: two of the listed person, one of each clean person. */
const rec: string[] = [];

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR fake image body')]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF body')]);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const q = encodeURIComponent;

const upload = (caseId: string, filename: string, contentType: string, bytes: Buffer, role: 'subject' | 'reviewer' = 'subject') =>
  f.req({ method: 'POST', url: `/v1/cases/${caseId}/evidence`, role, payload: { filename, contentType, content: bytes.toString('base64') } });

async function file(recordId: string, subject: string): Promise<string> {
  const r = await f.req({ method: 'POST', url: '/v1/objections', role: subject === f.person ? 'subject' : 'reviewer', payload: { recordId, reasons: 'this penalty was annulled on appeal' } });
  expect(r.statusCode, r.body).toBe(201);
  return r.json().id;
}

beforeAll(async () => {
  f = await makeFixture({ persons: 1500, enterprises: 200 });
  penalties = (await createApiKey(f.ctx.store, { name: 'penalty feed', role: 'source', source: 'penalties' }, NOW, 'test')).key;
  const second = await createApiKey(f.ctx.store, { name: 'second reviewer', role: 'reviewer' }, NOW, 'test');
  reviewer2 = { key: second.key, actor: `key:${second.row.id}` };
  reviewerActor = (await f.req({ method: 'GET', url: '/v1/whoami', role: 'reviewer' })).json().actor;
  for (const [i, subject] of [f.person, f.person, f.clean, f.clean2].entries()) {
    const r = await f.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: { authorization: `Bearer ${penalties}` },
      payload: { externalId: `ch-pen-${i}`, type: 'admin.penalty', subject, occurredAt: '2026-11-01', facts: { severity: 'minor', decisionNo: `CH-${i}`, authority: 'SAMR' } },
    });
    expect(r.statusCode, r.body).toBe(201);
    rec.push(r.json().results[0].recordId);
  }
}, 120_000);
afterAll(async () => f?.close());

describe('evidence', () => {
  let ob: string;
  beforeAll(async () => {
    ob = await file(rec[0], f.person);
  });

  it('takes the type from the bytes: a .pdf that is a PNG, text named .pdf and a wrong declared type are refused, naming the field', async () => {
    const cases: [string, string, Buffer, string][] = [
      ['scan.pdf', 'application/pdf', PNG, '/contentType'],
      ['scan.pdf', 'image/png', PNG, '/filename'],
      ['notes.pdf', 'application/pdf', Buffer.from('just some text, not a PDF'), '/content'],
      ['receipt.pdf', 'image/jpeg', PDF, '/contentType'],
      ['photo.jpg', 'image/png', JPEG, '/contentType'],
    ];
    for (const [name, type, bytes, field] of cases) {
      const r = await upload(ob, name, type, bytes);
      expect([r.statusCode, r.json().code, r.json().field], `${name} ${type}`).toEqual([415, 'XY_ERR_EVIDENCE_TYPE', field]);
    }
    // A type that is not PDF, PNG or JPEG is refused by the schema.
    const gif = await upload(ob, 'a.gif', 'image/gif', Buffer.from('GIF89a....'));
    expect([gif.statusCode, gif.json().field]).toEqual([400, '/contentType']);
    expect(await f.ctx.store.listEvidence(ob)).toEqual([]);
  });

  it('refuses a file over 5 MB, and a sixth file', async () => {
    const big = Buffer.concat([PDF, Buffer.alloc(EVIDENCE_MAX_BYTES + 1 - PDF.length, 0x20)]);
    const r = await upload(ob, 'big.pdf', 'application/pdf', big);
    expect([r.statusCode, r.json().code, r.json().field]).toEqual([413, 'XY_ERR_EVIDENCE_TOO_LARGE', '/content']);
    const exact = Buffer.concat([PDF, Buffer.alloc(EVIDENCE_MAX_BYTES - PDF.length, 0x20)]);
    expect((await upload(ob, 'exact.pdf', 'application/pdf', exact)).statusCode).toBe(201);
    for (let i = 1; i < EVIDENCE_MAX_FILES; i++) expect((await upload(ob, `p${i}.png`, 'image/png', PNG)).statusCode).toBe(201);
    const sixth = await upload(ob, 'six.jpeg', 'image/jpeg', JPEG);
    expect([sixth.statusCode, sixth.json().code]).toEqual([409, 'XY_ERR_EVIDENCE_LIMIT']);
    expect(await f.ctx.store.listEvidence(ob)).toHaveLength(EVIDENCE_MAX_FILES);
  });

  it('stores the SHA-256, serves the bytes with it, and refuses to serve a file that no longer matches it', async () => {
    const ob2 = await file(rec[1], f.person);
    const r = await upload(ob2, 'court ruling.pdf', 'application/pdf', PDF);
    expect(r.statusCode, r.body).toBe(201);
    const ev = r.json();
    expect(ev).toMatchObject({ caseId: ob2, filename: 'court ruling.pdf', contentType: 'application/pdf', size: PDF.length, sha256: sha(PDF) });
    const own = await f.req({ method: 'GET', url: `/v1/cases/${ob2}/evidence/${ev.id}`, role: 'subject' });
    expect(own.statusCode).toBe(200);
    expect(own.rawPayload.equals(PDF)).toBe(true);
    expect([own.headers['content-type'], own.headers['x-content-sha256']]).toEqual(['application/pdf', sha(PDF)]);
    expect(String(own.headers['content-disposition'])).toContain("filename*=UTF-8''court%20ruling.pdf");
    // The evidence.added audit entry has the hash, not the bytes.
    const audit = (await f.req({ method: 'GET', url: `/v1/audit?action=evidence.added&limit=50`, role: 'admin' })).json().entries as { data: { evidence: string; sha256: string } }[];
    expect(audit.find((e) => e.data.evidence === ev.id)?.data.sha256).toBe(sha(PDF));
    // Someone changes the stored bytes behind the service's back.
    const db = new Database(join(f.dir, 'x.db'));
    db.prepare('UPDATE case_evidence SET content = ? WHERE id = ?').run(Buffer.from('%PDF-1.4 forged'), ev.id);
    db.close();
    const forged = await f.req({ method: 'GET', url: `/v1/cases/${ob2}/evidence/${ev.id}?purpose=${q('deciding the objection')}`, role: 'reviewer' });
    expect([forged.statusCode, forged.json().code]).toEqual([500, 'XY_ERR_EVIDENCE_CORRUPT']);
  });

  it('a reviewer downloads a person’s evidence only with a purpose, and the person sees it in their access log', async () => {
    const [first] = await f.ctx.store.listEvidence(ob);
    const none = await f.req({ method: 'GET', url: `/v1/cases/${ob}/evidence/${first.id}`, role: 'reviewer' });
    expect([none.statusCode, none.json().field]).toEqual([400, 'purpose']);
    const ok = await f.req({ method: 'GET', url: `/v1/cases/${ob}/evidence/${first.id}?purpose=${q('deciding objection ' + ob)}`, role: 'reviewer' });
    expect(ok.statusCode).toBe(200);
    const log = (await f.req({ method: 'GET', url: '/v1/me?limit=500', role: 'subject' })).json().accessLog as { action: string; purpose: string }[];
    expect(log.find((a) => a.action === 'evidence.read')?.purpose).toBe(`deciding objection ${ob}`);
    // Another subject's case is not found for this subject.
    const other = await file(rec[2], f.clean);
    expect((await upload(other, 'x.pdf', 'application/pdf', PDF)).statusCode).toBe(404);
  });

  it('the case detail shows record, entries, statement, evidence with hashes, history and the deadline in working days', async () => {
    const none = await f.req({ method: 'GET', url: `/v1/cases/${ob}`, role: 'reviewer' });
    expect(none.statusCode).toBe(400);
    const d = (await f.req({ method: 'GET', url: `/v1/cases/${ob}?purpose=${q('deciding it')}`, role: 'reviewer' })).json();
    expect(d.kind).toBe('objection');
    expect(d.record).toMatchObject({ id: rec[0], type: 'admin.penalty', source: 'penalties' });
    expect(d.statement.reasons).toBe('this penalty was annulled on appeal');
    expect(d.evidence).toHaveLength(EVIDENCE_MAX_FILES);
    expect(d.evidence[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(d.history.map((h: { event: string }) => h.event)).toEqual(['filed', ...Array(EVIDENCE_MAX_FILES).fill('evidence')]);
    expect(d.deadline.workingDaysLeft).toBeGreaterThan(0);
    expect(d.subject.id).toBe(f.person);
    const log = (await f.req({ method: 'GET', url: '/v1/me?limit=500', role: 'subject' })).json().accessLog as { action: string; purpose: string }[];
    expect(log.some((a) => a.action === 'cases.read' && a.purpose === 'deciding it')).toBe(true);
  });
});

describe('assignment, filters and bulk decisions', () => {
  let a: string;
  let b: string;
  beforeAll(async () => {
    a = (await f.ctx.store.listCases({ kind: 'objection', statuses: ['open'], subjectId: f.clean, limit: 5 }))[0].id;
    b = await file(rec[3], f.clean2);
  });

  it('a reviewer takes a case or assigns it to another reviewer; both are in the history and the audit log', async () => {
    const took = await f.req({ method: 'POST', url: `/v1/cases/${a}:assign`, role: 'reviewer', payload: {} });
    expect(took.statusCode, took.body).toBe(200);
    expect(took.json().assignedTo).toBe(reviewerActor);
    const gave = await f.req({ method: 'POST', url: `/v1/cases/${b}:assign`, role: 'reviewer', payload: { to: reviewer2.actor } });
    expect(gave.json()).toMatchObject({ assignedTo: reviewer2.actor, assignedBy: reviewerActor });
    // Not to a key that is not a reviewer's.
    const src = await f.req({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${penalties}` } });
    const bad = await f.req({ method: 'POST', url: `/v1/cases/${b}:assign`, role: 'reviewer', payload: { to: src.json().actor } });
    expect([bad.statusCode, bad.json().field]).toEqual([400, '/to']);
    const d = (await f.req({ method: 'GET', url: `/v1/cases/${b}?purpose=${q('assignment check')}`, role: 'reviewer' })).json();
    expect(d.history.find((h: { event: string }) => h.event === 'assigned')).toMatchObject({ by: reviewerActor, to: reviewer2.actor });
    const audit = (await f.req({ method: 'GET', url: '/v1/audit?action=case.assigned&limit=10', role: 'admin' })).json().entries as { actor: string; data: { case: string; to: string } }[];
    expect(audit.map((e) => [e.data.case, e.data.to]).sort()).toEqual([[a, reviewerActor], [b, reviewer2.actor]].sort());
  });

  it('filters the queue by assignee, source, subject, deadline and status, in JSON and in the CSV export alike', async () => {
    const ids = async (query: string, key?: string) => {
      const r = await f.req({ method: 'GET', url: `/v1/objections?${query}`, ...(key ? { headers: { authorization: `Bearer ${key}` } } : { role: 'reviewer' as const }) });
      expect(r.statusCode, r.body).toBe(200);
      return (r.json().objections as { id: string }[]).map((c) => c.id).sort();
    };
    expect(await ids('assigned=me')).toEqual([a]);
    expect(await ids('assigned=me', reviewer2.key)).toEqual([b]);
    const fromPenalties = await ids('source=penalties&status=open');
    expect(fromPenalties).toEqual(expect.arrayContaining([a, b]));
    expect(fromPenalties).toHaveLength(4);
    expect(await ids('source=spc&status=open')).not.toContain(a);
    expect(await ids(`subject=${f.clean2}&purpose=${q('queue filter check')}`)).toEqual([b]);
    // Filed today with 3 working days: not overdue, and not due within 2 working days either.
    expect(await ids('overdue=true')).not.toContain(a);
    expect(await ids('dueSoon=true')).not.toContain(a);
    const bad = await f.req({ method: 'GET', url: '/v1/objections?source=nobody', role: 'reviewer' });
    expect([bad.statusCode, bad.json().field]).toEqual([400, 'source']);
    const csv = await f.req({ method: 'GET', url: `/v1/objections?assigned=me&source=penalties&purpose=${q('export check')}`, role: 'reviewer', headers: { accept: 'text/csv' } });
    const rows = parse(csv.body, { bom: true }) as string[][];
    expect(rows[0]).toContain('Assigned to');
    expect(rows.slice(1).map((r) => r[0])).toEqual([a]);
    expect(rows[1][rows[0].indexOf('Assigned to')]).toBe(reviewerActor);
  });

  it('decides several cases with one outcome and reason, each audited, reporting the one that could not be decided', async () => {
    const single = await f.req({ method: 'POST', url: `/v1/objections/${a}:decide`, role: 'reviewer', payload: { decision: 'upheld', reason: 'decided alone first' } });
    expect(single.statusCode).toBe(200);
    const before = (await f.req({ method: 'GET', url: '/v1/audit?action=objection.decided&limit=100', role: 'admin' })).json().entries.length;
    const r = await f.req({ method: 'POST', url: '/v1/objections:batch-decide', role: 'reviewer', payload: { ids: [a, b, 'ob_0000000000000000'], decision: 'revoked', reason: 'the authority annulled these penalties' } });
    expect(r.statusCode, r.body).toBe(200);
    const out = r.json();
    expect([out.decided, out.failed]).toEqual([1, 2]);
    expect(out.results[0]).toMatchObject({ id: a, ok: false, code: 'XY_ERR_CONFLICT' });
    expect(out.results[1]).toEqual({ id: b, ok: true, status: 'revoked' });
    expect(out.results[2]).toMatchObject({ id: 'ob_0000000000000000', ok: false, code: 'XY_ERR_NOT_FOUND' });
    const after = (await f.req({ method: 'GET', url: '/v1/audit?action=objection.decided&limit=100', role: 'admin' })).json().entries as { data: { objection: string; reason: string } }[];
    expect(after.length).toBe(before + 1);
    expect(after.find((e) => e.data.objection === b)?.data.reason).toBe('the authority annulled these penalties');
    // A correction is not a bulk outcome; nor is a list naming a case twice.
    expect((await f.req({ method: 'POST', url: '/v1/objections:batch-decide', role: 'reviewer', payload: { ids: [b], decision: 'corrected', reason: 'xxx' } })).statusCode).toBe(400);
    const twice = await f.req({ method: 'POST', url: '/v1/repairs:batch-decide', role: 'reviewer', payload: { ids: ['rp_0000000000000001', 'rp_0000000000000001'], decision: 'approve', reason: 'xxx' } });
    expect([twice.statusCode, twice.json().field]).toEqual([400, '/ids']);
    // A decided case takes no more evidence and no assignment.
    expect((await upload(b, 'late.pdf', 'application/pdf', PDF, 'reviewer')).statusCode).toBe(409);
    expect((await f.req({ method: 'POST', url: `/v1/cases/${b}:assign`, role: 'reviewer', payload: {} })).statusCode).toBe(409);
  });
});

describe('retention', () => {
  it('deletes the evidence with the facts of the record the case is about, and says so in the tombstone', async () => {
    const [ob] = (await f.ctx.store.listCases({ kind: 'objection', subjectId: f.person, limit: 10 })).filter((c) => (c.doc as { recordId: string }).recordId === rec[0]);
    const files = await f.ctx.store.listEvidence(ob.id);
    expect(files.length).toBe(EVIDENCE_MAX_FILES);
    // admin.penalty records are kept 5 years.
    await expireRecords(f.ctx, Date.UTC(2031, 11, 31));
    expect(await f.ctx.store.listEvidence(ob.id)).toEqual([]);
    expect(await f.ctx.store.getEvidence(ob.id, files[0].id)).toBeNull();
    const gone = await f.req({ method: 'GET', url: `/v1/cases/${ob.id}/evidence/${files[0].id}`, role: 'subject' });
    expect(gone.statusCode).toBe(404);
    const tomb = (await f.req({ method: 'GET', url: '/v1/audit?action=records.expired&limit=100', role: 'admin' })).json().entries as { data: { records: string[]; evidenceDeleted?: string[] } }[];
    expect(tomb.find((e) => e.data.records.includes(rec[0]))?.data.evidenceDeleted).toEqual(expect.arrayContaining(files.map((x) => x.id)));
  });
});
