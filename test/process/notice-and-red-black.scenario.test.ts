/**
 * Issue 15, items 7 and 5, through the HTTP API with a controlled clock.
 * - Notice before effect: a serious-dishonesty listing decision sent 17 days after it was made
 *   gets its full ten days' notice from when xinyong recorded it, with a `listing.pending` notice naming the
 *   measures, the exit conditions, the objection deadline and how to object; it is enforced only
 *   after those ten days, and a question about an instant before it was recorded does not see it.
 * - Red and black exclude each other: a model citizen on the AAA red list who lands on a black
 *   list leaves the red list and gets no reward; an enterprise on the court list gets no green
 *   channel and is on no red list; and under a catalog version in which enterprises can earn class
 *   A, an A-class enterprise keeps its green channel while a black entry is pending and loses it
 *   when the entry takes effect (last: it publishes that version).
 */
import { describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import { tick } from '../../src/app/tick.js';
import { NOW, clockedScenario, publishApproved } from '../api/fixture.js';

// The fixture city (`env.f`) and a server on it (`env.s`) whose clock the tests move.
const env = clockedScenario();
const clock = env.clock;

const DAY = 86_400_000;
const iso = (t: number) => new Date(t).toISOString();
const call = (key: string, method: 'GET' | 'POST', url: string, payload?: object) =>
  env.s.app.inject({ method, url, headers: { authorization: `Bearer ${key}` }, ...(payload ? { payload } : {}) });
const sourceKey = async (source: string) => (await createApiKey(env.f.ctx.store, { name: `${source} feed`, role: 'source', source }, NOW, 'test')).key;
type Measure = { measure: string; effect: string; list?: string; since?: string };
type Text = string | { 'zh-CN': string; en: string };
/** A text of the catalog in English, whether the door localised it or kept both languages. */
const en = (t: Text | undefined) => (t === undefined || typeof t === 'string' ? t : t.en);
const check = async (subject: string, action: string, at?: string) =>
  (await call(env.f.keys.checker, 'POST', '/v1/checks', { subject, action, ...(at ? { at } : {}) })).json() as { decision: string; measures: Measure[] };

describe('a listing decision sent 17 days after it was made', () => {
  it('gets its full notice, with a notice naming measures, exits, the objection deadline and how to object, and takes effect only after it', async () => {
    const person = env.f.clean;
    const own = (await createApiKey(env.f.ctx.store, { name: 'self-service', role: 'subject', subjectId: person }, NOW, 'test')).key;
    // Only a listing decision of the credit authority puts a subject on the serious-dishonesty list.
    const authority = await sourceKey('credit-authority');
    const occurredAt = Date.parse('2026-11-10T00:00:00Z');
    clock.now = NOW; // 17 days and 8 hours later
    const sent = await call(authority, 'POST', '/v1/records', { externalId: 'late-17', type: 'credit.serious-dishonesty-decision', subject: person, occurredAt: iso(occurredAt), facts: { decisionNo: 'RC-XY-2026-17', authority: 'Rongcheng Social Credit Management Center', seriousGround: 'disrupts-fair-competition' } });
    expect(sent.statusCode, sent.body).toBe(201);
    const recordId = sent.json().results[0].recordId as string;
    const effective = NOW + 10 * DAY;

    // The subject is told at once, in GET /v1/me and in the outbox.
    const me = (await call(own, 'GET', '/v1/me')).json();
    const pending = me.notices.find((n: { kind: string; list: string }) => n.kind === 'listing.pending' && n.list === 'serious-dishonesty');
    expect(pending).toMatchObject({
      at: iso(NOW), // when the notice period began: when xinyong recorded it
      records: [recordId],
      effectiveFrom: iso(effective),
      objectionDeadline: iso(effective),
      objectionSuspends: true,
    });
    expect(en(pending.authority)).toBe('NDRC / local credit authorities');
    expect(pending.measures.map((m: { name: Text }) => ({ ...m, name: en(m.name) }))).toEqual([
      { measure: 'serious-dishonesty-no-procurement', name: 'Subjects of serious dishonesty excluded from government procurement', action: 'procurement.bid', effect: 'deny' },
      { measure: 'serious-dishonesty-loan-review', name: 'Loan applications from subjects of serious dishonesty are reviewed', action: 'finance.loan.application', effect: 'review' },
    ]);
    expect(pending.alsoBinds).toEqual(['legal-representative', 'actual-controller']);
    // A three-year listing, counted from the decision: the late record does not lengthen it.
    expect(pending.until).toBe(iso(Date.UTC(2029, 10, 20)));
    expect(pending.exitConditions.map(en)).toEqual(expect.arrayContaining([`it ends on ${iso(Date.UTC(2029, 10, 20))} at the latest`, expect.stringContaining('revoked or corrected on objection')]));
    expect(en(pending.howToObject)).toContain('POST /v1/objections');
    expect(en(pending.howToObject)).toContain(`by ${iso(effective)}, before the listing takes effect`);
    expect(en(pending.howToObject)).toContain('suspends the listing until it is decided');
    const outbox = await env.f.ctx.store.listNotices({ subjectId: person, limit: 50 });
    expect(outbox.find((n) => n.id === pending.id)).toMatchObject({ kind: 'listing.pending', createdAt: NOW });

    // In the ten days: pending, not enforced, though the decision is more than ten days old.
    const bid = 'procurement.bid';
    const notYet = await check(person, bid);
    expect(notYet.measures.map((m) => m.measure)).not.toContain('serious-dishonesty-no-procurement');
    const entries = (await call(env.f.keys.reviewer, 'GET', `/v1/subjects/${person}?purpose=notice%20test`)).json().state.entries;
    expect(entries.find((e: { list: string }) => e.list === 'serious-dishonesty')).toMatchObject({ status: 'pending', since: iso(effective), decidedAt: iso(occurredAt) });
    clock.now = effective - 1;
    expect((await check(person, bid)).measures.map((m) => m.measure)).not.toContain('serious-dishonesty-no-procurement');

    // Ten days after it was recorded, it applies.
    clock.now = effective;
    const now = await check(person, bid);
    expect(now.decision).toBe('deny');
    expect(now.measures.find((m) => m.measure === 'serious-dishonesty-no-procurement')).toMatchObject({ list: 'serious-dishonesty', since: iso(effective) });
    await tick(env.f.ctx, clock.now);
    expect((await env.f.ctx.store.listNotices({ subjectId: person, limit: 50 })).find((n) => n.kind === 'listing.effective' && n.payload.list === 'serious-dishonesty')).toMatchObject({ createdAt: effective });

    // As of before it was recorded, xinyong did not know of it: not even where the old rule (ten
    // days from the conduct) would have enforced it.
    for (const at of [iso(occurredAt + 10 * DAY), iso(NOW - 1)]) {
      const then = await check(person, bid, at);
      expect(then.measures.map((m) => m.measure), at).not.toContain('serious-dishonesty-no-procurement');
    }
    const asOfBefore = (await call(env.f.keys.reviewer, 'GET', `/v1/subjects/${person}?purpose=notice%20test&asOf=${iso(NOW - 1)}`)).json();
    expect(asOfBefore.state.entries.filter((e: { list: string }) => e.list === 'serious-dishonesty')).toEqual([]);
  });
});

describe('red and black', () => {
  it('a model citizen who lands on a black list leaves the AAA red list and gets no reward; back when the entry ends', async () => {
    const person = env.f.clean2;
    const civic = await sourceKey('civic-affairs');
    const sat = await sourceKey('sat');
    clock.now = NOW + 20 * DAY;
    const day = (n: number) => iso(clock.now - n * DAY);
    const merits = [
      // Plenty (+230), whatever small deductions the person already has, so that AAA survives the arrears' −20.
      ...[60, 55].map((n) => ({ externalId: `rb-hero-${n}`, type: 'civic.heroic-act', subject: person, occurredAt: day(n), facts: { citation: 'Rescued two swimmers' } })),
      ...[51, 48, 45, 42, 39, 36, 33, 30, 27, 24, 21, 18, 15, 12, 9, 6, 3].map((n) => ({ externalId: `rb-blood-${n}`, type: 'civic.blood-donation', subject: person, occurredAt: day(n), facts: { volumeMl: 300 } })),
    ];
    const batch = await call(civic, 'POST', '/v1/records', { records: merits });
    expect(batch.json().results.map((r: { status: string }) => r.status), batch.body).toEqual(merits.map(() => 'stored'));
    const HEAT = 'utility.heating.discount';
    const rewarded = await check(person, HEAT);
    expect(rewarded.measures.map((m) => m.measure)).toEqual(['aaa-heating-discount']);

    // Major tax arrears, an hour later: the major-tax-violators black list, in effect on decision.
    clock.now += 3_600_000;
    const arrears = await call(sat, 'POST', '/v1/records', { externalId: 'rb-arrears', type: 'tax.arrears', subject: person, occurredAt: day(1), facts: { amountYuan: 300000, taxType: 'individual income tax' } });
    expect(arrears.statusCode, arrears.body).toBe(201);
    const view = (await call(env.f.keys.reviewer, 'GET', `/v1/subjects/${person}?purpose=red-black%20test`)).json();
    expect(view.state.schemes.find((x: { scheme: string }) => x.scheme === 'civic-points').grade).toBe('AAA'); // still AAA on points
    const live = view.state.entries.filter((e: { status: string }) => e.status === 'active' || e.status === 'pending').map((e: { list: string }) => e.list);
    expect(live).toContain('major-tax-violators');
    expect(live).not.toContain('aaa-citizens');
    expect(view.measures.map((m: { effect: string }) => m.effect)).not.toContain('reward');
    const listed = await check(person, HEAT);
    expect(listed).toMatchObject({ decision: 'allow', measures: [] });
    for (const action of ['transport.bike-rental.deposit-free', 'finance.loan.application']) {
      expect((await check(person, action)).measures.filter((m) => m.effect === 'reward' || m.effect === 'priority'), action).toEqual([]);
    }
    // Exact as of before the arrears were recorded: the reward was there.
    expect((await check(person, HEAT, iso(clock.now - 1))).measures.map((m) => m.measure)).toEqual(['aaa-heating-discount']);

    // Settled: the black entry exits, and the red entry is back, counted from the settlement.
    clock.now += DAY;
    expect((await call(sat, 'POST', '/v1/records', { externalId: 'rb-settled', type: 'tax.arrears-settled', subject: person, occurredAt: iso(clock.now), facts: { amountYuan: 300000 } })).statusCode).toBe(201);
    const back = (await check(person, HEAT)).measures.find((m) => m.measure === 'aaa-heating-discount');
    expect(back).toMatchObject({ list: 'aaa-citizens', since: iso(clock.now) });
    const notices = await env.f.ctx.store.listNotices({ subjectId: person, limit: 50 });
    expect(notices.find((n) => n.kind === 'listing.ended' && n.payload.list === 'aaa-citizens')?.payload.reason).toMatch(/^taken off this red list while on the black list major-tax-violators/);
  });

  it('an enterprise on the court list gets no green channel and is on no red list', async () => {
    const view = (await call(env.f.keys.reviewer, 'GET', `/v1/subjects/${env.f.org.id}?purpose=red-black%20test`)).json();
    const lists = view.state.entries.filter((e: { status: string }) => e.status === 'active').map((e: { list: string }) => e.list);
    expect(lists).toContain('spc-dishonest-debtors');
    expect(lists).not.toContain('a-class-enterprises');
    const green = await check(env.f.org.ref, 'admin.approval.green-channel');
    expect(green).toMatchObject({ decision: 'allow', measures: [] });
  });

  it('under a catalog where class A can be earned, an A-class enterprise keeps its green channel while a black entry is pending and loses it once in effect', async () => {
    const { f } = env;
    // A version of the catalog that scores a positive record for enterprises (cn-demo declares
    // none): 30 points for a performed judgment, for a year.
    const doc = (await call(f.keys.author, 'GET', '/v1/catalog')).json().doc;
    const draft = structuredClone(doc);
    draft.version = `${doc.version}-earned-a`;
    draft.schemes.find((x: { code: string }) => x.code === 'enterprise-class').rules.push({ id: 'test-performance-credit', on: 'court.obligation-performed', points: '30', countsFor: 'P1Y', legalBasis: [{ law: 'guobanfa-2019-35', art: 'II.7' }] });
    expect((await call(f.keys.author, 'POST', '/v1/catalog/versions', draft)).statusCode).toBe(201);
    const published = await publishApproved(f, draft.version, env.s.app);
    expect(published.statusCode, published.body).toBe(200);

    // An enterprise on no list.
    const listed = new Set<string>();
    for await (const e of f.ctx.store.scanEnforceableEntries()) listed.add(e.subjectId);
    let org: string | undefined;
    for await (const page of f.ctx.store.scanSubjects(1000)) {
      org = page.find((x) => x.kind === 'enterprise' && !listed.has(x.id))?.id;
      if (org) break;
    }
    if (!org) throw new Error('no enterprise on no list in the fixture city');
    const GREEN = 'admin.approval.green-channel';
    expect((await check(org, GREEN)).measures).toEqual([]); // class B: nothing earned yet

    clock.now += DAY;
    const spc = await sourceKey('spc');
    expect((await call(spc, 'POST', '/v1/records', { externalId: 'earned-a-1', type: 'court.obligation-performed', subject: org, occurredAt: iso(clock.now), facts: { caseNo: '(2026)鲁1082执99号', how: 'full-performance' } })).statusCode).toBe(201);
    expect((await check(org, GREEN)).measures.map((m) => [m.measure, m.effect])).toEqual([['a-class-green-channel', 'priority']]);

    // A missed annual report: the abnormal-operations directory, after ten days' notice (and −10: still class A).
    clock.now += DAY;
    const samr = await sourceKey('samr');
    expect((await call(samr, 'POST', '/v1/records', { externalId: 'earned-a-2', type: 'market.annual-report-missed', subject: org, occurredAt: iso(clock.now), facts: { year: 2025 } })).statusCode).toBe(201);
    const effective = clock.now + 10 * DAY;
    const during = await check(org, GREEN);
    expect(during.measures.map((m) => m.measure)).toEqual(['a-class-green-channel']); // pending is not yet in effect
    expect((during.measures[0] as Measure & { until: string }).until).toBe(iso(effective)); // but it ends when the entry takes effect

    clock.now = effective;
    expect(await check(org, GREEN)).toMatchObject({ decision: 'allow', measures: [] });
    await tick(f.ctx, clock.now);
    const view = (await call(f.keys.reviewer, 'GET', `/v1/subjects/${org}?purpose=red-black%20test`)).json();
    expect(view.state.schemes.find((x: { scheme: string }) => x.scheme === 'enterprise-class').grade).toBe('A');
    const live = view.state.entries.filter((e: { status: string }) => e.status === 'active' || e.status === 'pending').map((e: { list: string }) => e.list);
    expect(live).toEqual(['abnormal-operations']);
    expect(view.measures.filter((m: { effect: string }) => m.effect === 'reward' || m.effect === 'priority')).toEqual([]);
    const ended = (await f.ctx.store.listNotices({ subjectId: org, limit: 50 })).find((n) => n.kind === 'listing.ended' && n.payload.list === 'a-class-enterprises');
    expect(ended?.payload.reason).toMatch(/^taken off this red list while on the black list abnormal-operations/);
  });
});
