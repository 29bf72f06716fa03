/**
 * Four eyes on publishing in the console (issue 17, build item 4): the catalog page's publication
 * requests. The requester is offered only Withdraw; another author approves after a confirmation
 * and the version comes into force; an admin rejects with a reason; in both languages.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { cityAndBrowser, expectAccessible, expectInLanguage, sessionFor, type StoredSession, type WebFixture } from './harness.js';

const city = cityAndBrowser();
let w: WebFixture;

beforeAll(async () => {
  w = city.w;
}, 120_000);

const who = (s: StoredSession) => JSON.parse(s.value) as { token: string; actor: string };
let n = 0;

/** A new version of the catalog in force stored as a draft, and its publication requested by `as`. */
async function requestedBy(as: StoredSession, note: string) {
  const doc = (await w.f.req({ method: 'GET', url: '/v1/catalog', role: 'author' })).json().doc;
  doc.version = `${doc.version}-web4e${++n}`;
  const civic = doc.schemes.find((s: { code: string }) => s.code === 'civic-points');
  civic.rules[0].points = (civic.rules[0].points as number) - n;
  const headers = { authorization: `Bearer ${who(as).token}` };
  expect((await w.f.app.inject({ method: 'POST', url: '/v1/catalog/versions', headers, payload: doc })).statusCode).toBe(201);
  const r = await w.f.app.inject({ method: 'POST', url: `/v1/catalog/versions/${doc.version}:publish`, headers, payload: { note } });
  expect(r.statusCode, r.body).toBe(202);
  return r.json() as { id: string; catalog: string; hash: string };
}

const inForce = async () => {
  const c = (await w.f.req({ method: 'GET', url: '/v1/catalog', role: 'reviewer' })).json();
  return `${c.catalogId}@${c.version}`;
};

describe('publication requests on the catalog page', () => {
  it('the requester may only withdraw; a second author approves after a confirmation and the version comes into force', async () => {
    const [alice, bob] = [await sessionFor(w, 'author'), await sessionFor(w, 'author')];
    const before = await inForce();
    const req = await requestedBy(alice, 'one point milder for civic conduct');

    // The requester: the request, marked as theirs, with Withdraw and no Approve or Reject.
    const a = await city.tab({ session: alice });
    await a.page.goto(`${w.base}/catalog`);
    await a.page.getByTestId('tab-requests').click();
    const mine = a.page.locator(`[data-testid=pr-row][data-request="${req.id}"]`);
    await mine.waitFor();
    expect(await mine.innerText()).toContain(`${who(alice).actor} (you)`);
    expect(await mine.innerText()).toContain('one point milder for civic conduct');
    expect(await mine.getByTestId('pr-withdraw').count()).toBe(1);
    expect(await mine.getByTestId('pr-approve').count()).toBe(0);
    expect(await mine.getByTestId('pr-reject').count()).toBe(0);
    expect(await mine.innerText()).toContain('someone else must decide');
    await expectAccessible(a.page, 'catalog publication requests');

    // Another author: what it changes against the version in force, then Approve, confirmed.
    const b = await city.tab({ session: bob });
    await b.page.goto(`${w.base}/catalog`);
    await b.page.getByTestId('tab-requests').click();
    const row = b.page.locator(`[data-testid=pr-row][data-request="${req.id}"]`);
    await row.waitFor();
    expect(await row.innerText()).toContain(who(alice).actor);
    await row.getByTestId('pr-diff').click();
    const diff = b.page.locator('#request-diff [data-testid=diff]');
    await diff.waitFor();
    expect(await diff.innerText()).toContain('civic-points');
    expect(await diff.locator('thead').innerText()).toContain(before);
    await row.getByTestId('pr-approve').click();
    const confirm = row.getByTestId('pr-confirm');
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain(`Approve ${req.catalog}, requested by ${who(alice).actor}?`);
    // Nothing happens until the confirmation.
    expect(await inForce()).toBe(before);
    await confirm.getByTestId('pr-confirm-yes').click();
    await expect.poll(async () => (await b.page.getByTestId('pr-result').textContent()) ?? '').toMatch(new RegExp(`^Approved and published ${req.catalog.replace(/[.@]/g, '\\$&')}: [\\d,]+ subjects rescored\\.$`));
    expect(await inForce()).toBe(req.catalog);
    // The page now says the new version is in force, and the request is among the decided ones.
    await expect.poll(async () => (await b.page.locator('main').innerText()).includes(`In force: ${req.catalog}`)).toBe(true);
    const decided = b.page.locator(`[data-testid=pr-decided] tr[data-request="${req.id}"]`);
    await decided.waitFor();
    expect(await decided.innerText()).toContain('approved and published');
    expect(await decided.innerText()).toContain(`${who(bob).actor} (you)`);

    // In the audit log: requested by one, approved by the other.
    const audit = async (action: string) => ((await w.f.req({ method: 'GET', url: `/v1/audit?action=${action}&limit=20`, role: 'admin' })).json().entries as { actor: string; data: { request?: string } }[]).find((e) => e.data.request === req.id);
    expect((await audit('catalog.publication-requested'))?.actor).toBe(who(alice).actor);
    expect((await audit('catalog.publication-approved'))?.actor).toBe(who(bob).actor);
  });

  it('in Chinese: an admin rejects with a reason after a confirmation; the requester withdraws another', async () => {
    const [author, admin] = [await sessionFor(w, 'author'), await sessionFor(w, 'admin')];
    const before = await inForce();
    const rejectMe = await requestedBy(author, '积分调整');
    const withdrawMe = await requestedBy(author, '另一版本');

    const t = await city.tab({ lang: 'zh-CN', session: admin });
    await t.page.goto(`${w.base}/catalog`);
    await t.page.getByRole('tab', { name: '发布申请' }).click();
    const row = t.page.locator(`[data-testid=pr-row][data-request="${rejectMe.id}"]`);
    await row.waitFor();
    await row.getByRole('button', { name: '驳回' }).click();
    const confirm = row.getByTestId('pr-confirm');
    expect(await confirm.innerText()).toContain(`驳回 ${who(author).actor} 申请的 ${rejectMe.catalog}？`);
    // No reason, no rejection.
    expect(await confirm.getByTestId('pr-confirm-yes').isDisabled()).toBe(true);
    await confirm.getByTestId('pr-reason').fill('公民行为积分缺少法律依据');
    await confirm.getByRole('button', { name: '确认驳回' }).click();
    await expect.poll(async () => (await t.page.getByTestId('pr-result').textContent()) ?? '').toBe(`已驳回 ${rejectMe.catalog} 的发布申请，未发布任何内容。`);
    const decided = t.page.locator(`[data-testid=pr-decided] tr[data-request="${rejectMe.id}"]`);
    await decided.waitFor();
    expect(await decided.innerText()).toContain('已驳回');
    expect(await decided.innerText()).toContain('公民行为积分缺少法律依据');
    await expectInLanguage(t.page, 'zh-CN', 'catalog publication requests');

    const r = await city.tab({ lang: 'zh-CN', session: author });
    await r.page.goto(`${w.base}/catalog`);
    await r.page.getByTestId('tab-requests').click();
    const own = r.page.locator(`[data-testid=pr-row][data-request="${withdrawMe.id}"]`);
    await own.waitFor();
    await own.getByRole('button', { name: '撤回' }).click();
    await own.getByRole('button', { name: '确认撤回' }).click();
    await expect.poll(async () => (await r.page.getByTestId('pr-result').textContent()) ?? '').toBe(`已撤回 ${withdrawMe.catalog} 的发布申请，未发布任何内容。`);
    expect(await inForce()).toBe(before);
    const state = async (id: string) => (await w.f.req({ method: 'GET', url: `/v1/catalog/publication-requests/${id}`, role: 'reviewer' })).json();
    expect(await state(rejectMe.id)).toMatchObject({ status: 'rejected', decidedBy: who(admin).actor, reason: '公民行为积分缺少法律依据' });
    expect(await state(withdrawMe.id)).toMatchObject({ status: 'withdrawn', decidedBy: who(author).actor });
  });
});
