/**
 * The portal home's public reads (issue 17, build item 7): the latest announcements of public
 * lists, the double publicity (双公示) of licences and penalties of organisations, each for its
 * publicity period, the search flagging listed organisations, the due-process periods, and the
 * captcha-free rate limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, addDuration, parseDuration, type Duration } from '../../src/domain/time.js';
import { createApiKey } from '../../src/app/keys.js';
import { buildServer } from '../../src/api/server.js';
import { ridCheckChar, validateUscc } from '../../src/ids/index.js';
import { clockedServer, makeFixture, NOW, type Fixture } from './fixture.js';

let f: Fixture;
let penalties: string;
let usccOrg: string;
let cleanOrg: { id: string; uscc: string; name: string };
const number = '37108219850505' + '321';
const RID = number + ridCheckChar(number);

function period(text: string): Duration {
  const d = parseDuration(text);
  if (!d.ok) throw new Error(d.error);
  return d.value;
}
const years = (n: number) => addDuration(NOW, period(`P${n}Y`), -1);
const months = (n: number) => addDuration(NOW, period(`P${n}M`), -1);
const iso = (t: number) => new Date(t).toISOString();

interface Page<T> {
  items: T[];
  next: string | null;
}
interface Notice {
  id: string;
  kind: string;
  decisionNo: string | null;
  authority: string | null;
  content: string | null;
  decidedAt: string;
  publicUntil: string;
  legalBasis: string;
  typeName: string;
  subject: { id: string; kind: string; name: string; uscc: string | null };
}
interface Announcement {
  id: string;
  list: string;
  listName: string;
  authority: string;
  legalBasis: string;
  since: string;
  until: string | null;
  subject: { id: string; kind: string; name: string; uscc: string | null };
}

/** Every page of a paged public endpoint, following `next`. */
async function all<T>(url: string, lang = 'en', inject = (u: string, l: string) => f.app.inject({ method: 'GET', url: u, headers: { 'accept-language': l } })): Promise<T[]> {
  const out: T[] = [];
  let after: string | null = null;
  for (let i = 0; i < 200; i++) {
    const r = await inject(`${url}${url.includes('?') ? '&' : '?'}limit=50${after ? `&after=${encodeURIComponent(after)}` : ''}`, lang);
    expect(r.statusCode, r.body).toBe(200);
    const page = r.json() as Page<T>;
    out.push(...page.items);
    if (!page.next) return out;
    after = page.next;
  }
  throw new Error('no last page');
}

async function send(lines: Record<string, unknown>[]) {
  const r = await f.app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${penalties}` }, payload: { records: lines } });
  expect(r.statusCode, r.body).toBeLessThan(300);
  for (const x of r.json().results) expect(x.status, JSON.stringify(x)).not.toBe('rejected');
}

const penalty = (id: string, subject: string, severity: string, at: number) => ({ externalId: id, type: 'admin.penalty', subject, occurredAt: iso(at), facts: { severity, decisionNo: id, authority: '荣成市市场监督管理局' } });
const licence = (id: string, subject: string, at: number) => ({ externalId: id, type: 'admin.licence', subject, occurredAt: iso(at), facts: { licenceItem: '食品经营许可', decisionNo: id, authority: '荣成市市场监督管理局', validUntil: '2031-11-01' } });

beforeAll(async () => {
  f = await makeFixture({ persons: 1500, enterprises: 200 });
  penalties = (await createApiKey(f.ctx.store, { name: 'penalty feed', role: 'source', source: 'penalties' }, NOW, 'test')).key;
  usccOrg = f.org.ref;
  // An organisation on no list, for the search flags and the notices.
  const found = (await f.app.inject({ method: 'GET', url: '/public/v1/search?q=%E5%85%AC%E5%8F%B8&limit=50' })).json().results as { id: string; name: string; identifiers: { scheme: string; value: string }[]; lists: unknown[] }[];
  const c = found.find((s) => s.lists.length === 0 && s.identifiers.some((i) => i.scheme === 'cn-uscc'))!;
  cleanOrg = { id: c.id, name: c.name, uscc: c.identifiers.find((i) => i.scheme === 'cn-uscc')!.value };
  const org = `cn-uscc:${cleanOrg.uscc}`;
  // A person registered by name, with a licence and penalties of every severity: none is ever public here.
  const mps = await createApiKey(f.ctx.store, { name: 'registry', role: 'source', source: 'mps' }, NOW, 'test');
  const reg = await f.app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${mps.key}` }, payload: { kind: 'subject', subject: `cn-rid:${RID}`, name: '公示测试人' } });
  expect(reg.statusCode, reg.body).toBe(201);
  await send([
    penalty('PH-MINOR-IN', org, 'minor', months(2)),
    penalty('PH-MINOR-OUT', org, 'minor', months(4)),
    penalty('PH-GENERAL-IN', org, 'general', months(11)),
    penalty('PH-GENERAL-OUT', org, 'general', months(13)),
    penalty('PH-SERIOUS-IN', org, 'serious', years(2)),
    penalty('PH-SERIOUS-OUT', org, 'serious', years(3) - DAY_MS),
    penalty('PH-REVOKED', org, 'general', months(1)),
    licence('PH-LIC-NEW', org, NOW - DAY_MS),
    licence('PH-LIC-OLD', org, years(3) - DAY_MS),
    penalty('PH-PERSON-1', `cn-rid:${RID}`, 'serious', months(1)),
    penalty('PH-PERSON-2', `cn-rid:${RID}`, 'general', NOW - DAY_MS),
    licence('PH-PERSON-LIC', `cn-rid:${RID}`, NOW - DAY_MS),
  ]);
  const revoked = (await f.ctx.store.latestRecords({ types: ['admin.penalty'], kinds: ['enterprise'], occurredFrom: months(2), occurredBefore: NOW, limit: 100 })).find((r) => r.facts.decisionNo === 'PH-REVOKED')!;
  await f.ctx.store.addRecordStatus(revoked.id, { status: 'revoked', at: NOW - DAY_MS, actor: 'reviewer:test', reason: 'quashed on review' }, { at: NOW - DAY_MS, actor: 'reviewer:test', action: 'record.status', subjectId: revoked.subjectId, data: { status: 'revoked' } });
}, 120_000);

afterAll(async () => {
  await f?.close();
});

describe('double publicity (双公示)', () => {
  it('penalties of organisations, each only within the publicity period of its severity; none revoked; newest first', async () => {
    const items = await all<Notice>('/public/v1/double-publicity?kind=penalty');
    const ours = items.filter((n) => n.decisionNo?.startsWith('PH-')).map((n) => n.decisionNo);
    expect(ours.sort()).toEqual(['PH-GENERAL-IN', 'PH-MINOR-IN', 'PH-SERIOUS-IN']);
    const dates = items.map((n) => n.decidedAt);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(new Set(items.map((n) => n.id)).size).toBe(items.length);
    const serious = items.find((n) => n.decisionNo === 'PH-SERIOUS-IN')!;
    expect(serious).toMatchObject({ kind: 'penalty', content: 'serious', authority: '荣成市市场监督管理局', typeName: 'Administrative penalty decision', subject: { id: cleanOrg.id, name: cleanOrg.name, uscc: cleanOrg.uscc } });
    // Three years from the decision (the serious tier), as the catalog sets it.
    expect(serious.publicUntil).toBe(iso(addDuration(years(2), period('P3Y'))));
    expect(serious.legalBasis).toContain('NDRC');
    for (const n of items) expect(Date.parse(n.publicUntil)).toBeGreaterThan(NOW);
  });

  it('licences of organisations, for the licence publicity period, with what was licensed and the Administrative Licensing Law', async () => {
    const items = await all<Notice>('/public/v1/double-publicity?kind=licence');
    expect(items.length).toBeGreaterThan(20); // the demo city's licences
    const ours = items.filter((n) => n.decisionNo?.startsWith('PH-'));
    expect(ours.map((n) => n.decisionNo)).toEqual(['PH-LIC-NEW']);
    expect(ours[0]).toMatchObject({ kind: 'licence', content: '食品经营许可', subject: { id: cleanOrg.id } });
    expect(ours[0].legalBasis).toContain('Administrative Licensing Law');
    expect(items[0].decisionNo).toBe('PH-LIC-NEW');
    const zh = (await f.app.inject({ method: 'GET', url: '/public/v1/double-publicity?kind=licence&limit=1', headers: { 'accept-language': 'zh-CN' } })).json();
    expect(zh.items[0]).toMatchObject({ typeName: '行政许可决定' });
    expect(zh.items[0].legalBasis).toContain('中华人民共和国行政许可法');
  });

  it('a natural person’s penalties and licences never appear', async () => {
    for (const kind of ['penalty', 'licence']) {
      const items = await all<Notice>(`/public/v1/double-publicity?kind=${kind}`);
      expect(items.filter((n) => n.decisionNo?.startsWith('PH-PERSON'))).toEqual([]);
      expect(items.filter((n) => n.subject.kind === 'person')).toEqual([]);
      // Nor do the demo city's own penalties of persons.
      const persons = await f.ctx.store.latestRecords({ types: ['admin.penalty'], kinds: ['person'], occurredFrom: years(3), occurredBefore: NOW + 1, limit: 1000 });
      expect(persons.length).toBeGreaterThan(0);
      const shown = new Set(items.map((n) => n.id));
      expect(persons.filter((r) => shown.has(r.id))).toEqual([]);
    }
  });

  it('a notice leaves when its publicity period ends', async () => {
    const clock = { now: NOW };
    const { server } = await clockedServer(f, clock);
    try {
      const at = (u: string, l: string) => server.app.inject({ method: 'GET', url: u, headers: { 'accept-language': l } });
      const minor = (await all<Notice>('/public/v1/double-publicity?kind=penalty', 'en', at)).find((n) => n.decisionNo === 'PH-MINOR-IN')!;
      clock.now = Date.parse(minor.publicUntil) - 1;
      expect((await all<Notice>('/public/v1/double-publicity?kind=penalty', 'en', at)).some((n) => n.decisionNo === 'PH-MINOR-IN')).toBe(true);
      clock.now = Date.parse(minor.publicUntil);
      const later = await all<Notice>('/public/v1/double-publicity?kind=penalty', 'en', at);
      expect(later.some((n) => n.decisionNo === 'PH-MINOR-IN')).toBe(false);
      expect(later.some((n) => n.decisionNo === 'PH-SERIOUS-IN')).toBe(true);
    } finally {
      await server.app.close();
    }
  });

  it('refuses a kind it does not know and a cursor it did not give, naming the field', async () => {
    const bad = await f.app.inject({ method: 'GET', url: '/public/v1/double-publicity?kind=permit' });
    expect(bad.statusCode).toBe(400);
    const cur = await f.app.inject({ method: 'GET', url: '/public/v1/double-publicity?kind=licence&after=not-a-cursor' });
    expect(cur.statusCode).toBe(400);
    expect(cur.json()).toMatchObject({ field: 'after' });
  });

  it('refuses an ID number in any of its parameters, naming it, as every endpoint does', async () => {
    for (const url of [`/public/v1/double-publicity?kind=licence&after=${RID}`, `/public/v1/announcements?after=x.${RID}`]) {
      const r = await f.app.inject({ method: 'GET', url });
      expect(r.statusCode, url).toBe(400);
      expect(r.json().field).toBe('querystring:/after');
      expect(r.json().detail).toMatch(/resident identity number/);
    }
  });
});

describe('latest list announcements', () => {
  it('entries of organisations on public lists only, newest first, paged without repeats, with the public part only', async () => {
    const items = await all<Announcement>('/public/v1/announcements');
    expect(items.length).toBeGreaterThan(0);
    const publicLists = new Set(f.ctx.catalog.lists.filter((l) => l.doc.public === true).map((l) => l.code));
    for (const a of items) {
      expect(publicLists.has(a.list), a.list).toBe(true);
      expect(a.subject.kind).not.toBe('person');
      expect(Object.keys(a).sort()).toEqual(['authority', 'color', 'grounds', 'id', 'legalBasis', 'list', 'listName', 'since', 'subject', 'until']);
      expect(Object.keys(a.subject).sort()).toEqual(['id', 'kind', 'name', 'region', 'regionName', 'uscc']);
      expect(Date.parse(a.since)).toBeLessThanOrEqual(NOW);
      if (a.until) expect(Date.parse(a.until)).toBeGreaterThan(NOW);
    }
    expect(items.some((a) => a.subject.id === f.org.id && a.list === 'spc-dishonest-debtors')).toBe(true);
    expect(items.some((a) => a.subject.id === f.person)).toBe(false);
    expect(new Set(items.map((a) => a.id)).size).toBe(items.length);
    const since = items.map((a) => a.since);
    expect(since).toEqual([...since].sort().reverse());
    // A list the catalog keeps from the public (high-consumption restrictions) is never announced,
    // though organisations are on it.
    const hidden = await f.ctx.store.listEntries({ list: 'spc-high-consumption', limit: 5 });
    expect(hidden.length).toBeGreaterThan(0);
    expect(items.some((a) => a.list === 'spc-high-consumption')).toBe(false);
    // No ID number: every code shown is an organisation's credit code.
    expect(JSON.stringify(items)).not.toContain('cn-rid');
    for (const a of items) if (a.subject.uscc) expect(validateUscc(a.subject.uscc).ok, a.subject.uscc).toBe(true);
  });

  it('a new entry on a public list is announced first, named in the reader’s language', async () => {
    const spc = await f.app.inject({
      method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${f.keys.source}` },
      payload: { externalId: 'ph-debtor-1', type: 'court.dishonest-debtor-decision', subject: `cn-uscc:${cleanOrg.uscc}`, occurredAt: iso(NOW - 1000), facts: { caseNo: 'PH-1', court: '荣成市人民法院', ground: 'evades' } },
    });
    expect(spc.statusCode, spc.body).toBe(201);
    const en = (await f.app.inject({ method: 'GET', url: '/public/v1/announcements?limit=1' })).json();
    expect(en.items[0]).toMatchObject({ list: 'spc-dishonest-debtors', listName: 'List of dishonest judgment debtors', authority: "Supreme People's Court", subject: { id: cleanOrg.id, uscc: cleanOrg.uscc } });
    expect(en.next).toEqual(expect.any(String));
    const zh = (await f.app.inject({ method: 'GET', url: '/public/v1/announcements?limit=1', headers: { 'accept-language': 'zh-CN' } })).json();
    expect(zh.items[0]).toMatchObject({ listName: '失信被执行人名单', authority: '最高人民法院' });
    expect(zh.items[0].grounds[0]).toMatchObject({ recordType: 'court.dishonest-debtor-decision', name: '纳入失信被执行人名单决定' });
    const second = (await f.app.inject({ method: 'GET', url: `/public/v1/announcements?limit=1&after=${encodeURIComponent(en.next)}` })).json();
    expect(second.items[0].id).not.toBe(en.items[0].id);
  });
});

describe('the public search', () => {
  it('flags an organisation on a public list with the list’s name in the reader’s language, and not one on none', async () => {
    const uscc = usccOrg.slice('cn-uscc:'.length);
    const en = (await f.app.inject({ method: 'GET', url: `/public/v1/search?q=${uscc}` })).json();
    expect(en.results[0].lists).toContainEqual({ list: 'spc-dishonest-debtors', name: 'List of dishonest judgment debtors', color: 'black' });
    const zh = (await f.app.inject({ method: 'GET', url: `/public/v1/search?q=${uscc}`, headers: { 'accept-language': 'zh-CN' } })).json();
    expect(zh.results[0].lists).toContainEqual({ list: 'spc-dishonest-debtors', name: '失信被执行人名单', color: 'black' });
    // Only public lists: an organisation's restriction on high consumption is not flagged.
    expect(en.results[0].lists.map((l: { list: string }) => l.list)).not.toContain('spc-high-consumption');
    const other = await f.app.inject({ method: 'GET', url: '/public/v1/search?q=%E5%85%AC%E5%8F%B8&limit=50' });
    const none = other.json().results.filter((s: { lists: unknown[] }) => s.lists.length === 0);
    expect(none.length).toBeGreaterThan(0);
  });
});

describe('how to object and repair', () => {
  it('gives the catalog’s periods in working days with their legal basis, and the publicity periods', async () => {
    const en = (await f.app.inject({ method: 'GET', url: '/public/v1/due-process' })).json();
    expect(en).toMatchObject({ objectionDays: f.ctx.catalog.dueProcess.objectionDays, objectionDaysExtended: f.ctx.catalog.dueProcess.objectionDaysExtended, repairDays: f.ctx.catalog.dueProcess.repairDays });
    expect(en.legalBasis).toContain('Shandong');
    expect(en.publicity).toContainEqual({ recordType: 'admin.penalty', name: 'Administrative penalty decision', periods: [{ min: 'P1D', max: 'P3M', when: { fact: 'severity', value: 'minor' } }, { min: 'P3M', max: 'P1Y', when: { fact: 'severity', value: 'general' } }, { min: 'P6M', max: 'P3Y', when: { fact: 'severity', value: 'serious' } }] });
    const zh = (await f.app.inject({ method: 'GET', url: '/public/v1/due-process', headers: { 'accept-language': 'zh-CN' } })).json();
    expect(zh.legalBasis).toContain('山东省社会信用条例');
  });
});

describe('the captcha-free rate limit', () => {
  it('answers 429 with Retry-After once a client has used its allowance on the home page’s reads, and serves another client', async () => {
    const s = await buildServer({ ctx: f.ctx, now: () => NOW, logLevel: 'silent', refreshEveryMs: 0, syncEveryMs: 0, publicRateLimit: { max: 3, timeWindow: 60_000 } });
    try {
      const from = (ip: string, url: string) => s.app.inject({ method: 'GET', url, remoteAddress: ip });
      const codes: number[] = [];
      for (const url of ['/public/v1/announcements', '/public/v1/double-publicity?kind=licence', '/public/v1/due-process', '/public/v1/search?q=test']) codes.push((await from('203.0.113.9', url)).statusCode);
      expect(codes).toEqual([200, 200, 200, 429]);
      const r = await from('203.0.113.9', '/public/v1/announcements');
      expect(r.statusCode).toBe(429);
      expect(r.json()).toMatchObject({ code: 'XY_ERR_RATE_LIMITED', status: 429 });
      expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
      expect((await from('198.51.100.9', '/public/v1/search?q=test')).statusCode).toBe(200);
    } finally {
      await s.app.close();
    }
  });
});
