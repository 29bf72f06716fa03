/**
 * The checks use case: "may this subject do this?", for one subject or a batch, now or as of an
 * instant, with a decision receipt that the audit chain keeps; and the receipt read back. One
 * receipt format for every door: the CLI's `check` and `POST /v1/checks` write the same entry, and
 * `GET /v1/checks/{receipt}` reads either.
 *
 * A serving process answers checks about the present from its in-memory gate; an explicit past
 * instant, or a process without a gate (the CLI), decides exactly from the records known then.
 */
import { AUDIT } from '../audit/actions.js';
import type { AppliedMeasure, CheckResult, Instant } from '../domain/types.js';
import { GateIndex } from '../gate/index.js';
import { isInternalId, maskIdentifier, parseSubjectRef } from '../ids/index.js';
import { containsRid } from '../ids/rid-finder.js';
import { scopeAllows, type Caller } from './access.js';
import { catalogAt, catalogByRef } from './catalog.js';
import type { App } from './context.js';
import { batchSubjects, receiptOf } from './audit-index.js';
import { AppError, invalid, notFound } from './errors.js';
import { iso } from './json.js';
import { newReceipt } from './receipts.js';
import { liveState } from './reads.js';
import { readPurpose, resolveRef } from './subjects.js';
import type { AppliedMeasureJson, BatchAnswer, BatchException, BatchMeasureJson, CheckAnswer, MeasureInfo, ReceiptRead } from './check-shapes.js';

/** Free text kept with a receipt or in the audit chain must not carry an ID number (it would be kept in clear forever). */
export function noIdNumber(value: string | undefined, field: string): void {
  if (value !== undefined && containsRid(value)) throw invalid(`${field} must not contain a resident identity number; refer to the person by subject reference instead`, field);
}

/** The action must exist in the catalog in force and be within the caller's scopes. */
export function requireAction(app: App, action: string, scopes: readonly string[], field = '/action'): void {
  const actions = app.ctx.catalog.actions;
  if (!actions.has(action)) throw new AppError('XY_ERR_UNKNOWN_ACTION', `unknown action '${action}'; the catalog in force has: ${[...actions.keys()].join(', ')}`, { field });
  if (!scopeAllows(scopes, action)) throw new AppError('XY_ERR_OUT_OF_SCOPE', `this credential may not check '${action}'`, { field });
}

/** How an unknown subject's reference is kept in the audit log: masked, never in clear. */
export function maskedRef(ref: string): string {
  const p = parseSubjectRef(ref);
  if (!p.ok) return '(invalid)';
  return p.value.type === 'internal' ? p.value.id : `${p.value.scheme}:${maskIdentifier(p.value.scheme, p.value.value)}`;
}

/**
 * Decides a check exactly as of `at`: the catalog in force then, the records known then and the
 * roles held then. `subjectId` null (or a subject registered after `at`) answers as unknown.
 */
export async function decideAt(app: App, subjectId: string | null, action: string, at: Instant): Promise<{ result: CheckResult; catalog: string }> {
  const catalog = await catalogAt(app, at);
  const gate = new GateIndex(catalog);
  if (!gate.hasAction(action)) throw new AppError('XY_ERR_UNKNOWN_ACTION', `unknown action '${action}' in catalog ${catalog.id}@${catalog.version}, in force at ${iso(at)}; it has: ${[...catalog.actions.keys()].join(', ')}`, { field: '/action' });
  let known: string | null = null;
  if (subjectId !== null) {
    const subject = (await app.ctx.store.subjectsBasic([subjectId])).get(subjectId);
    // A subject registered after `at` was not known then.
    if (subject && subject.createdAt <= at) {
      known = subjectId;
      const live = await liveState(app, subject, at);
      gate.addSubject(subjectId);
      gate.setEntries(subjectId, [...live.state.entries, ...live.related]);
      gate.setGrades(subjectId, live.state.schemes);
    }
  }
  return { result: gate.check(known, action, at), catalog: `${catalog.id}@${catalog.version}` };
}

/** Decides one subject: from the gate for the present in a serving process, else exactly from the store. */
async function decide(app: App, subjectId: string | null, action: string, at: Instant | undefined, now: Instant): Promise<{ result: CheckResult; catalog: string }> {
  const gate = at === undefined ? app.feed?.gate : undefined;
  if (gate) return { result: gate.check(subjectId, action, now), catalog: `${gate.catalog.id}@${gate.catalog.version}` };
  return decideAt(app, subjectId, action, at ?? now);
}

function isoMeasure(m: AppliedMeasure): AppliedMeasureJson {
  if (m.since === undefined) return m as unknown as AppliedMeasureJson;
  return { ...m, since: iso(m.since), until: m.until == null ? null : iso(m.until) } as unknown as AppliedMeasureJson;
}

/** A check result as every door shows it (and as the receipt keeps it). */
function render(r: CheckResult, receipt: string, catalog: string, reference?: string): CheckAnswer {
  const out: Record<string, unknown> = { receipt, decision: r.decision, known: r.known };
  if (r.subjectId !== undefined) out.subjectId = r.subjectId;
  out.action = r.action;
  out.at = iso(r.at);
  out.catalog = catalog;
  if (reference !== undefined) out.reference = reference;
  out.measures = r.measures.length === 0 ? r.measures : r.measures.map(isoMeasure);
  return out as CheckAnswer;
}

/** Fields of an applied measure that its code and the catalog version fix. */
const STATIC_MEASURE_FIELDS = ['effect', 'authority', 'legalBasis', 'appeal', 'params'];

/**
 * A check's answer as its receipt keeps it: the measures' fixed texts (authority, legal basis,
 * appeal route) are left out, since the receipt names the catalog version, which is immutable and
 * stored; `expandAnswer` puts them back. The entries, dates and reasons are kept as decided.
 */
function compactAnswer(body: CheckAnswer): Record<string, unknown> {
  if (body.measures.length === 0) return body;
  return { ...body, measures: body.measures.map((m) => Object.fromEntries(Object.entries(m).filter(([k]) => !STATIC_MEASURE_FIELDS.includes(k)))) };
}

async function expandAnswer(app: App, stored: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { ref: _ref, ...data } = stored;
  const measures = data.measures as Record<string, unknown>[] | undefined;
  if (!measures?.length) return data;
  const catalog = await catalogByRef(app, String(data.catalog));
  if (!catalog) throw new Error(`receipt ${String(data.receipt)} names catalog ${String(data.catalog)}, which is not stored`);
  return {
    ...data,
    measures: measures.map((m) => {
      if (m.authority !== undefined) return m; // kept in full (receipts written before compaction)
      const cm = catalog.measures.find((x) => x.code === m.measure);
      if (!cm) throw new Error(`catalog ${String(data.catalog)} has no measure ${String(m.measure)}`);
      return {
        ...m,
        effect: cm.effect,
        authority: cm.doc.authority,
        legalBasis: cm.basis,
        ...(cm.doc.appeal ? { appeal: cm.doc.appeal } : {}),
        ...(cm.doc.params ? { params: cm.doc.params } : {}),
      };
    }),
  };
}

/**
 * One check: the answer with its measures, reasons, dates, legal basis and appeal route, and a
 * receipt. An unknown subject gets the action's default with `known: false`, and the receipt keeps
 * its reference masked. With `at`, the answer is computed exactly as of that instant.
 */
export async function check(app: App, caller: Pick<Caller, 'actor' | 'scopes'>, o: { subject: string; action: string; at?: Instant; reference?: string }): Promise<CheckAnswer> {
  noIdNumber(o.reference, '/reference');
  requireAction(app, o.action, caller.scopes);
  const now = app.now();
  const subjectId = await resolveRef(app, o.subject, '/subject');
  const { result, catalog } = await decide(app, subjectId, o.action, o.at, now);
  await app.receipts.admit(1);
  const receipt = newReceipt();
  const body = render(result, receipt, catalog, o.reference);
  // An unknown subject is kept as its masked reference, so the receipt says whom it was about.
  const kept = result.known ? compactAnswer(body) : { ...compactAnswer(body), ref: maskedRef(o.subject) };
  app.receipts.add(receipt, { at: now, actor: caller.actor, action: AUDIT.checkDecided, subjectId: result.known ? (result.subjectId ?? null) : null, data: kept });
  return body;
}

function exceptionOf(r: CheckResult, index: number, measures: Record<string, MeasureInfo>): BatchException {
  const out: BatchException = { index, decision: r.decision, known: r.known, measures: [] };
  if (r.subjectId !== undefined) out.subjectId = r.subjectId;
  for (const m of r.measures) {
    const j: BatchMeasureJson = { measure: m.measure, effect: m.effect, reasons: m.reasons.map((x) => ({ ...(x.recordId ? { recordId: x.recordId } : {}), ...(x.recordType ? { recordType: x.recordType } : {}), ruleId: x.ruleId })) };
    if (m.list !== undefined) j.list = m.list;
    if (m.entryId !== undefined) j.entryId = m.entryId;
    if (m.since !== undefined) j.since = iso(m.since);
    if (m.until !== undefined) j.until = m.until === null ? null : iso(m.until);
    if (m.via) j.via = m.via;
    const g = m.reasons[0]?.grade;
    if (g && !m.list) j.grade = g;
    out.measures.push(j);
    if (!measures[m.measure]) measures[m.measure] = { effect: m.effect, authority: m.authority, legalBasis: m.legalBasis, ...(m.appeal ? { appeal: m.appeal } : {}), ...(m.params ? { params: m.params } : {}) };
  }
  return out;
}

/**
 * One action, many subjects, one receipt. The answer lists the exceptions — every subject that is
 * not simply known and allowed — with their index; `allowed` counts the rest. A bad reference
 * refuses the whole batch, naming it, before anything is decided.
 */
export async function checkBatch(app: App, caller: Pick<Caller, 'actor' | 'scopes'>, o: { action: string; subjects: string[]; at?: Instant; max: number }): Promise<BatchAnswer> {
  const { action, subjects } = o;
  if (subjects.length > o.max) throw new AppError('XY_ERR_BATCH_TOO_LARGE', `a batch holds at most ${o.max} subjects; this one has ${subjects.length}: split it`, { field: '/subjects', max: o.max });
  requireAction(app, action, caller.scopes);
  const now = app.now();
  const ids: (string | null)[] = new Array(subjects.length);
  for (let i = 0; i < subjects.length; i++) {
    const ref = subjects[i];
    ids[i] = isInternalId(ref) ? ref : await resolveRef(app, ref, `/subjects/${i}`);
  }
  const gate = o.at === undefined ? app.feed?.gate : undefined;
  let catalog = gate ? `${gate.catalog.id}@${gate.catalog.version}` : '';
  const results: BatchException[] = [];
  const measures: Record<string, MeasureInfo> = {};
  // What the receipt keeps of each subject, in order: the internal id, or (unknown) the masked reference.
  const checked: string[] = new Array(subjects.length);
  const about: string[] = [];
  for (let i = 0; i < ids.length; i++) {
    let r: CheckResult;
    if (gate) r = gate.check(ids[i], action, now);
    else {
      const d = await decideAt(app, ids[i], action, o.at ?? now);
      r = d.result;
      catalog = d.catalog;
    }
    if (r.known) {
      checked[i] = r.subjectId as string;
      about.push(r.subjectId as string);
    } else checked[i] = maskedRef(subjects[i]);
    if (!(r.known && r.decision === 'allow' && r.measures.length === 0)) results.push(exceptionOf(r, i, measures));
  }
  // Wait here, before answering, if the receipt writer is behind: no answer without its receipt.
  await app.receipts.admit(subjects.length);
  const receipt = newReceipt();
  const body: BatchAnswer = { receipt, action, at: iso(o.at ?? now), catalog, count: subjects.length, allowed: subjects.length - results.length, results, measures };
  // Each known subject finds the batch in its access log through the audit subject index.
  // `checked` as one newline-joined string (no reference holds a control character): one
  // string to hash and store instead of 10,000.
  app.receipts.add(receipt, { at: now, actor: caller.actor, action: AUDIT.checkDecided, subjectId: null, subjects: about, subjectsKey: action, data: { ...body, batch: true, checked: checked.join('\n') } }, subjects.length);
  return body;
}

/** A batch receipt's audit data back into the answer as it was sent (a single check's is already). */
function expandBatch(data: Record<string, unknown>): Record<string, unknown> {
  if (data.batch !== true) return data;
  const { batch: _b, checked: _c, ...body } = data;
  return body;
}

/**
 * What was decided under a receipt, exactly as it was answered, with when and by whom it was
 * asked. A checker sees only its own receipts (another's is not found, not even that it exists).
 * Anyone else reads a decision about someone, so reads that person's data: a purpose is required,
 * the read is logged, and the persons the receipt is about see it in their access log.
 */
export async function readReceipt(app: App, caller: Pick<Caller, 'actor' | 'role'>, o: { receipt: string; purpose?: string }): Promise<ReceiptRead> {
  const e = app.receipts.peek(o.receipt) ?? (await app.ctx.store.findReceipt(o.receipt));
  // The receipt index is outside the hash chain: an entry it points at must hold this receipt, or
  // it would serve someone else's check. A mismatch is a damaged index, not a missing receipt.
  if (e && receiptOf(e) !== o.receipt) throw new Error(`the receipt index points ${o.receipt} at an audit entry that is not its check; nothing was served (run audit verify)`);
  if (!e || (caller.role === 'checker' && e.actor !== caller.actor)) throw notFound('no check has this receipt', 'receipt');
  const data = e.data as Record<string, unknown>;
  if (caller.role !== 'checker') {
    if (o.purpose === undefined) throw invalid('querystring:/purpose is required to read another’s check', 'querystring:/purpose');
    const purpose = readPurpose(o.purpose, 'querystring:/purpose');
    // Filed in each subject's access log under this receipt: the rule audit verify checks (audit-index.ts).
    const about = batchSubjects(data);
    await app.ctx.store.appendAudit([{ at: app.now(), actor: caller.actor, action: AUDIT.receiptRead, subjectId: e.subjectId, subjects: about, subjectsKey: o.receipt, data: { receipt: o.receipt, purpose } }]);
  }
  return { askedAt: iso(e.at), askedBy: e.actor, decided: data.batch === true ? expandBatch(data) : await expandAnswer(app, data) };
}
