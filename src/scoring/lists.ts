/**
 * List entries: entry, notice, duration, extension, exit, expiry and escalation, as of an
 * instant. Pure. Entries that have ended are kept (with their end and why) so that a subject's
 * history shows them; the gate only enforces pending and active ones.
 */
import { createHash } from 'node:crypto';
import { toNumber } from '../catalog/cel.js';
import type { Catalog, CompiledEntryRule, CompiledList } from '../catalog/types.js';
import { addDuration, addYears } from '../domain/time.js';
import type { EntryReason, EntryStatus, Instant, LegalRole, ListEntry, Relation, Subject } from '../domain/types.js';
import { excludeRedWhileBlack } from './red-black.js';
import { gradeRun, type Contribution } from './schemes.js';
import { safeBool, type WorkingSet, type WorkRecord } from './working-set.js';

/** Deterministic ids, so that a rebuild produces the same entries. */
export function entryId(...parts: string[]): string {
  return 'e_' + createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 24);
}

interface Span {
  decidedAt: Instant;
  since: Instant;
  /** Planned end (duration and extensions); Infinity while it lasts until an exit. */
  until: Instant;
  /** Actual end, if it ended or will end by a known event; with why. */
  endAt: Instant;
  endReason: string;
  endStatus: EntryStatus;
}

function finish(list: CompiledList, subjectId: string, id: string, span: Span, reasons: EntryReason[], asOf: Instant, catalogVersion: string): ListEntry {
  const e: ListEntry = {
    id,
    list: list.code,
    subjectId,
    status: 'active',
    since: span.since,
    decidedAt: span.decidedAt,
    // When it ends if nothing else happens: the planned end, or an earlier end already known
    // (record retention, a repair); `null` only while it lasts until an exit.
    until: Math.min(span.until, span.endAt) === Infinity ? null : Math.min(span.until, span.endAt),
    reasons,
    catalogVersion,
  };
  // An entry that ends before it would take effect (a remedy during the notice period, a record
  // sent so late that its period is over) is never in force: it shows as ended at once.
  if (span.endAt <= asOf || span.endAt <= span.since) {
    e.status = span.endStatus;
    e.endedAt = span.endAt;
    e.endReason = span.endReason;
  } else if (asOf < span.since) e.status = 'pending';
  return e;
}

/**
 * When an entry decided at `decidedAt` takes effect, and the instant its duration counts from.
 * Notice comes before effect: on a list with a notice period, the period runs from when xinyong
 * recorded the record (`recordedAt`), never from `occurredAt`, so a record sent late still gets
 * its full notice. The duration still counts from the decision (plus notice), so a late record
 * does not lengthen the listing either: the source's delay never works against the subject.
 */
export function effectiveFrom(list: CompiledList, decidedAt: Instant, recordedAt: Instant): { since: Instant; counted: Instant } {
  if (!list.noticePeriod) return { since: decidedAt, counted: decidedAt };
  const counted = addDuration(decidedAt, list.noticePeriod);
  return { since: Math.max(counted, addDuration(recordedAt, list.noticePeriod)), counted };
}

function recordSpan(list: CompiledList, rule: CompiledEntryRule, ws: WorkingSet, w: WorkRecord): Span {
  const decidedAt = w.at;
  const { since, counted } = effectiveFrom(list, decidedAt, w.rec.recordedAt);
  let until = rule.duration ? addDuration(counted, rule.duration) : Infinity;
  const exitBefore = ws.firstExit(w, rule.exit);
  if (rule.extension && until !== Infinity) {
    const x = rule.extension;
    const cap = addDuration(until, x.max);
    // In time order; an extension decided after the entry has ended does not revive it.
    for (const later of ws.byType.get(x.on) ?? []) {
      if (later === w || later.at < w.at) continue;
      if (later.at >= until || later.at >= w.end || (exitBefore && later.at >= exitBefore.at)) continue;
      if (x.when && !safeBool(x.when, { record: ws.cel(w), later: ws.cel(later) })) continue;
      let years = 0;
      try {
        years = typeof x.years === 'number' ? x.years : toNumber(x.years({ record: ws.cel(w), later: ws.cel(later) }));
      } catch {
        years = 0;
      }
      if (Number.isFinite(years) && years > 0) until = Math.min(cap, addYears(until, Math.floor(years)));
    }
  }
  let endAt = until;
  let endReason = 'the listing period ended';
  let endStatus: EntryStatus = 'expired';
  const exit = exitBefore;
  if (exit && exit.at < endAt) {
    endAt = Math.max(exit.at, decidedAt);
    endReason = `exit condition met by ${exit.rec.type} (${exit.rec.id})`;
    endStatus = 'exited';
  }
  if (w.end < endAt) {
    endAt = w.end;
    endReason = w.endReason === 'repaired' ? 'credit repaired' : w.endReason === 'expired' ? 'record expired' : 'record retention ended';
    endStatus = w.endReason === 'repaired' ? 'exited' : 'expired';
  }
  // Recorded so late that the listing would be over before its notice ran out: never in effect.
  if (endAt < since && endStatus === 'expired' && endReason === 'the listing period ended') endReason = 'the listing period ended before its notice period did (the record came late)';
  return { decidedAt, since, until, endAt, endReason, endStatus };
}

function minorRecord(ws: WorkingSet, recordId: string): boolean {
  const w = ws.byId.get(recordId);
  return w !== undefined && ws.minorConduct(w);
}

export interface ListInput {
  subject: Pick<Subject, 'id' | 'kind' | 'createdAt'>;
  ws: WorkingSet;
  /** Contributions per scheme code (for grade-based entries). */
  contributions: Map<string, Contribution[]>;
}

/** Computes every list entry of one subject as of `ws.asOf`, and the next instant one changes. */
export function listEntries(catalog: Catalog, input: ListInput): { entries: ListEntry[]; nextChangeAt: Instant } {
  const { subject, ws } = input;
  const asOf = ws.asOf;
  const entries: ListEntry[] = [];
  const byList = new Map<string, ListEntry[]>();
  let next = Infinity;
  const note = (t: Instant | null) => {
    if (t !== null && t > asOf && t < next) next = t;
  };
  const firstKnown = Math.min(subject.createdAt, ws.records.length ? ws.records[0].at : Infinity);
  const ends: { e: ListEntry; endAt: Instant }[] = [];

  for (const list of catalog.lists) {
    if (!list.subjects.has(subject.kind)) continue;
    const mine: ListEntry[] = [];
    for (const rule of list.entryRules) {
      if (rule.kind === 'record') {
        for (const w of ws.byType.get(rule.on as string) ?? []) {
          // A minor's conduct lists them only on a list whose legal basis applies to minors (minors.ts).
          if (!list.minors && ws.minorConduct(w)) continue;
          if (rule.when && !safeBool(rule.when, { record: ws.cel(w) })) continue;
          const span = recordSpan(list, rule, ws, w);
          const reasons: EntryReason[] = [{ recordId: w.rec.id, recordType: w.rec.type, ruleId: rule.id, legalBasis: rule.legalBasis }];
          if (w.disputed) reasons[0].disputed = true;
          const e = finish(list, subject.id, entryId(list.code, subject.id, rule.id, w.rec.id), span, reasons, asOf, catalog.version);
          // A list that suspends on objection holds the entry while the objection is pending.
          if (w.disputed && list.doc.objection === 'suspends' && (e.status === 'active' || e.status === 'pending')) e.status = 'suspended';
          note(span.since);
          // Its end is noted after escalation, which may end it earlier.
          ends.push({ e, endAt: span.endAt });
          mine.push(e);
        }
      } else if (rule.kind === 'grade' && rule.grade) {
        const scheme = catalog.schemes.find((s) => s.code === rule.grade?.scheme);
        const cs = input.contributions.get(rule.grade.scheme);
        if (!scheme || !cs || !scheme.subjects.has(subject.kind)) continue;
        const run = gradeRun(scheme, cs, asOf, rule.grade.in);
        if (!run) {
          // Not in the band now; the grade can only change at a contribution boundary.
          for (const c of cs) { note(c.from); note(c.until === Infinity ? null : c.until); }
          continue;
        }
        const since = Number.isFinite(run.start) ? run.start : firstKnown;
        const grade = [...rule.grade.in].join('/');
        mine.push({
          id: entryId(list.code, subject.id, rule.id, String(since)),
          list: list.code,
          subjectId: subject.id,
          status: 'active',
          since,
          decidedAt: since,
          until: run.end === Infinity ? null : run.end,
          reasons: [{ ruleId: rule.id, legalBasis: rule.legalBasis, grade: { scheme: rule.grade.scheme, grade } }],
          catalogVersion: catalog.version,
        });
        note(run.end === Infinity ? null : run.end);
      } else if (rule.kind === 'escalation' && rule.escalatedFrom && rule.duration) {
        for (const src of byList.get(rule.escalatedFrom.list) ?? []) {
          const at = addDuration(src.since, rule.escalatedFrom.after);
          // An entry may escalate to several lists at once (abnormal operations after 3 years: the
          // serious list and the legal-representative ban); once escalated it ended, so it does not
          // escalate again later.
          const alsoHere = src.status === 'escalated' && src.endedAt === at;
          if (src.status === 'escalated' && !alsoHere) continue;
          const srcEnd = alsoHere ? Infinity : src.endedAt ?? (src.status === 'active' || src.status === 'pending' ? Infinity : src.since);
          // An entry for a minor's conduct (on a list for minors) escalates only to another such list.
          if (!list.minors && src.reasons.some((r) => r.recordId !== undefined && minorRecord(ws, r.recordId))) continue;
          // Still in force when the escalation period runs out? (An entry that ended before does not escalate.)
          const plannedEnd = Math.min(srcEnd, src.until ?? Infinity);
          if (plannedEnd <= at) continue;
          if (at > asOf) {
            note(at);
            continue;
          }
          src.endReason = alsoHere ? src.endReason!.replace(' after ', ` and ${list.code} after `) : `escalated to ${list.code} after ${rule.escalatedFrom.after.text} without remedy`;
          src.status = 'escalated';
          src.endedAt = at;
          const until = addDuration(at, rule.duration);
          const span: Span = { decidedAt: at, since: at, until, endAt: until, endReason: 'the listing period ended', endStatus: 'expired' };
          // It rests on the same records: a repair or the end of their retention ends it too.
          for (const r of src.reasons) {
            const w = r.recordId ? ws.byId.get(r.recordId) : undefined;
            if (w && w.end < span.endAt) {
              span.endAt = Math.max(w.end, at);
              span.endReason = w.endReason === 'repaired' ? 'credit repaired' : w.endReason === 'expired' ? 'record expired' : 'record retention ended';
              span.endStatus = w.endReason === 'repaired' ? 'exited' : 'expired';
            }
          }
          const reasons: EntryReason[] = [
            { ruleId: rule.id, legalBasis: rule.legalBasis, escalatedFrom: src.id },
            ...src.reasons,
          ];
          mine.push(finish(list, subject.id, entryId(list.code, subject.id, rule.id, src.id), span, reasons, asOf, catalog.version));
          note(span.endAt);
        }
      }
    }
    byList.set(list.code, mine);
    entries.push(...mine);
  }
  for (const { e, endAt } of ends) if (e.status !== 'escalated' && endAt !== Infinity) note(endAt);
  // Red and black exclude each other: one pass over what was derived (red-black.ts).
  const rb = excludeRedWhileBlack(catalog, entries, asOf, (e, since) => entryId(e.list, subject.id, e.reasons[0].ruleId, String(since)));
  note(rb.nextChangeAt === Infinity ? null : rb.nextChangeAt);
  return { entries: rb.entries, nextChangeAt: next };
}

/**
 * Entries that bind persons through a legal role in a listed organisation (`extendsTo`), e.g.
 * the legal representative of a dishonest debtor company. Only pending and active entries extend.
 */
export function relatedEntries(catalog: Catalog, orgEntries: readonly ListEntry[], relations: readonly Relation[]): ListEntry[] {
  const out: ListEntry[] = [];
  for (const e of orgEntries) {
    if (e.status !== 'active' && e.status !== 'pending') continue;
    const roles = catalog.listsByCode.get(e.list)?.doc.extendsTo;
    if (!roles || roles.length === 0) continue;
    for (const r of relations) {
      if (r.subjectId !== e.subjectId || !roles.includes(r.role)) continue;
      out.push({
        ...e,
        id: entryId(e.id, r.personId, r.role),
        subjectId: r.personId,
        via: { subjectId: e.subjectId, role: r.role as LegalRole },
      });
    }
  }
  return out;
}
