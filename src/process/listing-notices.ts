/**
 * The notices a derivation owes the subjects it changed: a listing pending (an `after-notice`
 * list: when it takes effect and how to object), a listing in effect, and a listing ended (exit,
 * expiry, repair). Pure: it compares the entries a subject had before with those it has now, and
 * dates each notice by the event, so deriving the same state again produces the same notices
 * (the outbox keeps one of each).
 *
 * A listing notice says what Shenzhen (2023) Art. 78 asks of a written notice on listing: the
 * basis and reasons (list, records, authority, legal basis), the sanctions (`measures`: every
 * measure of the list, code and name, and the legal roles it also binds), the exit conditions
 * (`exits`, from the catalog's entry rule, and the planned end), and the remedies: how to object
 * and, for a pending listing, by when (`objectionDeadline`: the end of the notice period, when the
 * listing takes effect; on a list with `objection: suspends` an objection filed by then keeps it
 * from taking effect until it is decided).
 */
import type { Catalog } from '../catalog/types.js';
import { addDuration } from '../domain/time.js';
import type { CreditRecord, Instant, ListEntry, LocalText, SubjectState } from '../domain/types.js';
import { notice, type NoticeDraft } from './notices.js';

const iso = (t: Instant | null) => (t === null ? null : new Date(t).toISOString());

/** How to object to a listing, with the deadline before effect when there is one. */
function howToObject(catalog: Catalog, e: ListEntry, deadline: Instant | null): LocalText {
  const list = catalog.listsByCode.get(e.list);
  const suspends = list?.doc.objection === 'suspends';
  const days = catalog.dueProcess?.objectionDays ?? 3;
  const extended = catalog.dueProcess?.objectionDaysExtended ?? 7;
  return {
    en: [
      `Object to the record behind this listing with POST /v1/objections, on the portal's "My credit record" page, or through ${list?.doc.authority.en ?? 'the credit authority'}`,
      deadline === null ? '.' : ` by ${iso(deadline)}, before the listing takes effect.`,
      suspends ? ' On this list an objection suspends the listing until it is decided.' : ' The listing stays in force, marked as disputed, until the objection is decided.',
      ` An objection is answered in ${days} working days, or ${extended} if another unit must verify.`,
    ].join(''),
    'zh-CN': [
      `可通过 POST /v1/objections、门户网站“我的信用记录”页面或向${list?.doc.authority['zh-CN'] ?? '信用主管部门'}对列入所依据的记录提出异议`,
      deadline === null ? '。' : `，请在列入生效前（${iso(deadline)}之前）提出。`,
      suspends ? '对本名单提出异议后，列入在异议处理决定作出前中止。' : '异议处理期间列入继续有效，并标注“有异议”。',
      `异议在${days}个工作日内答复，需其他单位核实的在${extended}个工作日内答复。`,
    ].join(''),
  };
}

/** The sanctions, exit conditions and remedies a listing notice names, from the catalog. */
function terms(catalog: Catalog, e: ListEntry) {
  const list = catalog.listsByCode.get(e.list);
  const measures = (catalog.measures ?? []).filter((m) => m.list === e.list).map((m) => ({ measure: m.code, name: m.doc.name, action: m.action, effect: m.effect }));
  const exits: { recordType: string; name: LocalText | string; when?: string }[] = [];
  for (const r of e.reasons) {
    const exit = list?.doc.entries?.find((x) => x.id === r.ruleId)?.exit;
    if (!exit || exits.some((x) => x.recordType === exit.on && x.when === exit.when)) continue;
    exits.push({ recordType: exit.on, name: catalog.recordTypes.get(exit.on)?.doc.name ?? exit.on, ...(exit.when ? { when: exit.when } : {}) });
  }
  const grade = e.reasons.find((r) => r.grade)?.grade;
  const name = (n: LocalText | string, lang: keyof LocalText) => (typeof n === 'string' ? n : n[lang]);
  const until = e.until === null ? null : iso(e.until);
  const exitConditions: LocalText[] = grade
    ? [{
        en: `it lasts while your grade in ${grade.scheme} is ${grade.grade}${until === null ? '' : `: as the records known now stand, until ${until}`}`,
        'zh-CN': `在${grade.scheme}中的等级为${grade.grade}期间有效${until === null ? '' : `：按目前已知的记录，至${until}为止`}`,
      }]
    : [
        ...exits.map((x) => ({
          en: `a record of "${name(x.name, 'en')}" (${x.recordType})${x.when ? ` for which ${x.when}` : ''} ends it`,
          'zh-CN': `出现“${name(x.name, 'zh-CN')}”（${x.recordType}）记录${x.when ? `（条件：${x.when}）` : ''}时终止`,
        })),
        until === null
          ? { en: 'it has no fixed end: it lasts until an exit condition is met, and at most as long as the record behind it is kept', 'zh-CN': '无固定终止日期：持续至满足退出条件为止，最长不超过所依据记录的保存期限' }
          : { en: `it ends on ${until} at the latest`, 'zh-CN': `最迟于${until}终止` },
        { en: 'it ends if the record behind it is revoked or corrected on objection, or repaired', 'zh-CN': '所依据的记录经异议被撤销或更正，或经信用修复的，列入终止' },
      ];
  if (list?.doc.color === 'red') exitConditions.push({ en: 'it does not apply while a black-list entry of your own is in effect (red and black exclude each other)', 'zh-CN': '本人有生效的黑名单列入期间不适用（红黑名单互斥）' });
  return { measures, alsoBinds: list?.doc.extendsTo ?? [], exits, exitConditions };
}

/**
 * When notice of a pending listing was given: when the notice period began, that is when xinyong
 * recorded the record (`since` less the notice period), and never before the decision. For a
 * notice period in months this can read up to three days early at a month's end.
 */
function noticeGivenAt(catalog: Catalog, e: ListEntry): Instant {
  const p = catalog.listsByCode.get(e.list)?.noticePeriod;
  return p ? Math.max(e.decidedAt, addDuration(e.since, p, -1)) : e.decidedAt;
}

export function listingNotices(catalog: Catalog, before: readonly ListEntry[], after: readonly SubjectState[]): NoticeDraft[] {
  const out: NoticeDraft[] = [];
  const prev = new Map<string, ListEntry>();
  for (const e of before) if (!e.via) prev.set(e.id, e);
  for (const s of after) {
    const seen = new Set<string>();
    for (const e of s.entries) {
      seen.add(e.id);
      const was = prev.get(e.id);
      const list = catalog.listsByCode.get(e.list);
      const about = { list: e.list, listName: list?.doc.name ?? e.list, entry: e.id, records: e.reasons.map((r) => r.recordId).filter(Boolean), authority: list?.doc.authority, legalBasis: list?.basis };
      if (e.status === 'pending' && !was) {
        out.push(notice('listing.pending', s.subjectId, noticeGivenAt(catalog, e), { ...about, effectiveFrom: iso(e.since), until: iso(e.until), ...terms(catalog, e), objectionDeadline: iso(e.since), objectionSuspends: list?.doc.objection === 'suspends', howToObject: howToObject(catalog, e, e.since) }));
      } else if (e.status === 'active' && (!was || was.status === 'pending')) {
        out.push(notice('listing.effective', s.subjectId, e.since, { ...about, until: iso(e.until), ...terms(catalog, e), howToObject: howToObject(catalog, e, null) }));
      }
      else if (was && (e.status === 'exited' || e.status === 'expired' || e.status === 'escalated')) out.push(notice('listing.ended', s.subjectId, e.endedAt ?? e.since, { ...about, status: e.status, reason: e.endReason ?? null }));
    }
    // An entry that was in force and is gone altogether: its record revoked or corrected, its
    // grade lost, or a red entry taken away by a black one.
    for (const [id, e] of prev) if (e.subjectId === s.subjectId && !seen.has(id)) out.push(notice('listing.ended', s.subjectId, s.asOf, { list: e.list, entry: id, status: 'withdrawn', reason: whyGone(catalog, e, s) }));
  }
  return out;
}

/** Why an entry left the derived state without ending. */
function whyGone(catalog: Catalog, e: ListEntry, s: SubjectState): string {
  if (catalog.listsByCode.get(e.list)?.doc.color === 'red') {
    const black = s.entries.find((b) => b.status === 'active' && b.since <= s.asOf && catalog.listsByCode.get(b.list)?.doc.color === 'black');
    if (black) return `taken off this red list while on the black list ${black.list} (entry ${black.id}): red and black exclude each other (Guobanfa [2019] No. 35)`;
  }
  if (e.reasons.some((r) => r.grade)) return 'the grade it rests on no longer holds';
  return 'the record behind it no longer counts';
}

/** A notice to the subject for each record newly stored about them. */
export function recordNotices(catalog: Catalog, inserted: readonly CreditRecord[]): NoticeDraft[] {
  return inserted.map((r) =>
    notice('record.added', r.subjectId, r.recordedAt, { record: r.id, type: r.type, typeName: catalog.recordTypes.get(r.type)?.doc.name ?? r.type, source: r.source, occurredAt: new Date(r.occurredAt).toISOString() }, r.id.slice(2)),
  );
}
