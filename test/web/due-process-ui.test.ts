/**
 * Due process in the browser (issue 17, bugs 3 and 8): the portal offers credit repair only on the
 * records that may be repaired now, and says for the others why and from when, in English and
 * Chinese, filing the commitment with the application; the review queue preselects no outcome,
 * confirms each decision, and edits a correction as the record type's facts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/app/keys.js';
import { NOW } from '../api/fixture.js';
import { cityAndBrowser, sessionFor, signInConsole, type Tab, type WebFixture } from './harness.js';

const city = cityAndBrowser();
let w: WebFixture;
const rec: Record<'court' | 'minor' | 'general', string> = { court: '', minor: '', general: '' };

const tab = city.tab;

beforeAll(async () => {
  w = city.w;
  const penalties = await createApiKey(w.f.ctx.store, { name: 'penalty feed', role: 'source', source: 'penalties' }, NOW, 'test');
  for (const [k, severity, occurredAt] of [['minor', 'minor', '2026-11-01'], ['general', 'general', '2026-11-01']] as const) {
    const r = await w.f.app.inject({
      method: 'POST',
      url: '/v1/records',
      headers: { authorization: `Bearer ${penalties.key}` },
      payload: { externalId: `ui-pen-${k}`, type: 'admin.penalty', subject: w.f.person, occurredAt, facts: { severity, decisionNo: `UI-${k}`, authority: 'SAMR' } },
    });
    expect(r.statusCode, r.body).toBe(201);
    rec[k] = r.json().results[0].recordId;
  }
  const el = await w.f.req({ method: 'GET', url: '/v1/repairs/eligibility', role: 'subject' });
  rec.court = el.json().records.find((r: { recordType: string }) => r.recordType === 'court.dishonest-debtor-decision').recordId;
}, 120_000);

describe('credit repair in the portal', () => {
  const row = (t: Tab, id: string) => t.page.locator(`[data-testid=repair-eligibility] tr[data-id="${id}"]`);

  it('says in Chinese which records may be repaired, and why and from when the others may not', async () => {
    const t = await tab({ lang: 'zh-CN', session: await sessionFor(w, 'subject', w.f.person) });
    await t.page.goto(`${w.base}/public/me`);
    await row(t, rec.minor).waitFor();
    expect(await row(t, rec.minor).getAttribute('data-possible')).toBe('true');
    expect(await row(t, rec.minor).innerText()).toContain('现在即可申请');
    expect(await row(t, rec.court).getAttribute('data-possible')).toBe('false');
    expect(await row(t, rec.court).innerText()).toContain('不能通过申请修复');
    expect(await row(t, rec.general).innerText()).toMatch(/最短公示期3个月届满后，自2027年2月1日起可以申请修复/);
  });

  it('offers repair only on the record that may be repaired now, and files the commitment with the application', async () => {
    const commitments = await w.f.ctx.store.countCases({ kind: 'commitment' });
    const t = await tab({ session: await sessionFor(w, 'subject', w.f.person) });
    await t.page.goto(`${w.base}/public/me`);
    await row(t, rec.court).waitFor();
    expect(await row(t, rec.court).innerText()).toContain('not repaired on application');
    expect(await row(t, rec.court).innerText()).toContain('Judgment obligation performed');
    expect(await row(t, rec.general).innerText()).toContain('Repair is possible from Feb 1, 2027, after the minimum publicity period of 3 months.');
    // The court's listing entry is repaired through its record, so it is not repairable either.
    expect(await t.page.locator('[data-testid=repair-eligibility] tr[data-kind=entry][data-possible=false]').count()).toBeGreaterThan(0);

    await t.page.getByTestId('file-repair').check();
    const offered = await t.page.getByTestId('file-record').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    expect(offered).toEqual([rec.minor]);
    await t.page.getByTestId('file-commitment').fill('I will keep the permit terms and accept inspection.');
    await t.page.getByTestId('file-obligation').fill('fine paid, receipt UI-1');
    await t.page.getByTestId('file-submit').click();
    expect(await t.page.getByTestId('file-ok').innerText()).toMatch(/Repair application rp_[0-9a-f]{16} filed/);
    expect(await w.f.ctx.store.countCases({ kind: 'commitment' })).toBe(commitments + 1);
    // Now nothing may be repaired: the application is pending, and the form says so rather than offering it.
    await expect.poll(() => row(t, rec.minor).getAttribute('data-possible')).toBe('false');
    expect(await row(t, rec.minor).innerText()).toMatch(/Your repair application rp_[0-9a-f]{16} for it is awaiting a decision/);
    expect(await t.page.getByTestId('file-repair').isDisabled()).toBe(true);
    await t.page.getByTestId('no-repair').waitFor();
  });
});

describe('deciding a case in the review queue', () => {
  let ob: string;
  let recordId: string;

  beforeAll(async () => {
    const r = await w.f.req({ method: 'POST', url: '/v1/records', role: 'source', payload: { externalId: 'ui-court-ob', type: 'court.dishonest-debtor-decision', subject: w.f.clean, occurredAt: '2026-11-02', facts: { caseNo: 'UI-OB-1', court: 'Rongcheng court', ground: 'evades', obligationYuan: 9000 } } });
    expect(r.statusCode, r.body).toBe(201);
    recordId = r.json().results[0].recordId;
    const o = await w.f.req({ method: 'POST', url: '/v1/objections', role: 'reviewer', payload: { recordId, reasons: 'the amount is wrong' } });
    expect(o.statusCode, o.body).toBe(201);
    ob = o.json().id;
  });

  it('preselects no outcome, edits the correction as the facts, and confirms the decision', async () => {
    const t = await tab({ session: await sessionFor(w, 'reviewer') });
    await t.page.goto(`${w.base}/review`);
    await t.page.getByTestId(`decide-${ob}`).click();
    const form = t.page.getByRole('form', { name: `Decide case ${ob}` });
    await form.waitFor();
    for (const o of ['upheld', 'corrected', 'revoked']) expect(await form.getByTestId(`decision-${o}`).isChecked()).toBe(false);
    expect(await form.getByTestId('decision-submit').isDisabled()).toBe(true);

    await form.getByTestId('decision-corrected').check();
    // One field per fact of the record type, typed from the data dictionary, starting from the stored facts.
    await expect.poll(() => form.getByTestId('fact-caseNo').inputValue()).toBe('UI-OB-1');
    expect(await form.getByTestId('fact-ground').evaluate((e) => e.tagName)).toBe('SELECT');
    expect(await form.getByTestId('fact-ground').locator('option').allInnerTexts()).toEqual(expect.arrayContaining(['Evades enforcement', 'Obstructs or resists enforcement']));
    expect(await form.getByTestId('fact-obligationYuan').getAttribute('type')).toBe('number');
    expect(await form.getByTestId('fact-obligationYuan').inputValue()).toBe('9000');
    expect(await form.locator('textarea.code').count()).toBe(0);
    await form.getByTestId('fact-ground').selectOption('refuses-despite-ability');
    await form.getByTestId('fact-obligationYuan').fill('1234.5');
    await form.getByTestId('decision-reason').fill('The court confirms 1,234.50 yuan.');
    expect(await form.getByTestId('decision-submit').isDisabled()).toBe(false);
    await form.getByTestId('decision-submit').click();

    const ok = t.page.getByTestId('decision-ok');
    await ok.waitFor();
    expect(await ok.getAttribute('data-case')).toBe(ob);
    expect(await ok.innerText()).toContain(`Objection ${ob}`);
    expect(await ok.innerText()).toContain('corrected, the corrected record replaces it');
    // The correction the API stored: the same payload as before, typed.
    const cases = (await w.f.req({ method: 'GET', url: `/v1/objections?status=corrected`, role: 'reviewer' })).json().objections;
    expect(cases.find((c: { id: string }) => c.id === ob)).toMatchObject({ status: 'corrected' });
    const corrected = await w.f.ctx.store.recordsOf([w.f.clean]);
    expect((corrected.get(w.f.clean) ?? []).find((r) => r.id !== recordId && r.type === 'court.dishonest-debtor-decision')?.facts).toEqual({ caseNo: 'UI-OB-1', court: 'Rongcheng court', ground: 'refuses-despite-ability', obligationYuan: 1234.5 });
  });
});
