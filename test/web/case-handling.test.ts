/**
 * Case handling in the browser (issue 17, build item 3 and must-show 4): a person objects to a
 * record in the portal with a PDF; a reviewer finds the person by name with a purpose, opens the
 * objection on its own page, sees and downloads the evidence (its SHA-256 shown and matching),
 * takes the case and decides it with a confirmation; the person sees the decision in the portal;
 * the queue's CSV has the right columns. Then the queue's filters and a bulk decision in which one
 * case cannot be decided, reported and not skipped.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { CASE_COLUMNS } from '../../src/app/export.js';
import { createApiKey } from '../../src/app/keys.js';
import { ridCheckChar } from '../../src/ids/index.js';
import { NOW } from '../api/fixture.js';
import { cityAndBrowser, DESKTOP, expectAccessible, PHONE, sessionFor, sidewaysScrolling, type Tab, type WebFixture } from './harness.js';

const number = '11010519850315' + '432';
const RID = number + ridCheckChar(number);
const NAME = '案件测试人';
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const city = cityAndBrowser();
const tab = city.tab;
let w: WebFixture;
let personId: string;
let recordId: string;
let penalties: string;

beforeAll(async () => {
  w = city.w;
  const mps = await createApiKey(w.f.ctx.store, { name: 'residents registry', role: 'source', source: 'mps' }, NOW, 'test');
  const reg = await w.f.app.inject({ method: 'POST', url: '/v1/records', headers: { authorization: `Bearer ${mps.key}` }, payload: { kind: 'subject', subject: `cn-rid:${RID}`, name: NAME } });
  expect(reg.statusCode, reg.body).toBe(201);
  penalties = (await createApiKey(w.f.ctx.store, { name: 'penalty feed', role: 'source', source: 'penalties' }, NOW, 'test')).key;
  const rec = await w.f.app.inject({
    method: 'POST',
    url: '/v1/records',
    headers: { authorization: `Bearer ${penalties}` },
    payload: { externalId: 'case-ui-1', type: 'admin.penalty', subject: `cn-rid:${RID}`, occurredAt: '2026-11-03', facts: { severity: 'general', decisionNo: 'CASE-UI-1', authority: 'SAMR' } },
  });
  expect(rec.statusCode, rec.body).toBe(201);
  recordId = rec.json().results[0].recordId;
  personId = (await w.f.req({ method: 'GET', url: `/v1/records/${recordId}?purpose=test%20setup`, role: 'reviewer' })).json().subjectId;
}, 120_000);

async function statePurpose(t: Tab, purpose: string) {
  await t.page.getByTestId('purpose').first().fill(purpose);
  await t.page.getByTestId('purpose-set').first().click();
}

async function downloaded(t: Tab, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([t.page.waitForEvent('download'), click()]);
  return { name: d.suggestedFilename(), bytes: readFileSync((await d.path()) as string) };
}

describe('must-show 4: an objection with a PDF, from the portal to a decision and back', () => {
  let ob: string;

  it('the person objects in the portal and sends a PDF with it', async () => {
    const t = await tab({ session: await sessionFor(w, 'subject', personId) });
    await t.page.goto(`${w.base}/public/me`);
    await t.page.getByTestId('file-record').waitFor();
    await t.page.getByTestId('file-objection').check();
    await t.page.getByTestId('file-record').selectOption(recordId);
    await t.page.getByTestId('file-reasons').fill('The penalty decision CASE-UI-1 was annulled on administrative review; the ruling is attached.');
    await t.page.getByTestId('file-evidence').setInputFiles({ name: 'review ruling.pdf', mimeType: 'application/pdf', buffer: PDF });
    await t.page.getByTestId('file-submit').click();
    const ok = t.page.getByTestId('file-ok');
    await expect.poll(() => ok.innerText()).toMatch(/Objection ob_[0-9a-f]{16} filed.*1 file of evidence sent/s);
    ob = /ob_[0-9a-f]{16}/.exec(await ok.innerText())![0];
    // Followed in "my cases", with the file.
    await expect.poll(() => t.page.getByTestId(`evidence-${ob}`).innerText()).toContain('review ruling.pdf');
    const stored = await w.f.ctx.store.listEvidence(ob);
    expect(stored.map((e) => [e.filename, e.contentType, e.sha256])).toEqual([['review ruling.pdf', 'application/pdf', sha(PDF)]]);
  });

  it('a reviewer finds the person by name with a purpose, opens the case, downloads the evidence and decides it with a confirmation', async () => {
    const t = await tab({ session: await sessionFor(w, 'reviewer') });
    await t.page.goto(`${w.base}/subjects`);
    await t.page.getByTestId('subject-query').fill(NAME);
    await t.page.getByTestId('subject-query').press('Enter');
    await statePurpose(t, `objection ${ob}`);
    await t.page.getByTestId('subject-results').locator(`a[href$="${personId}"]`).first().click();
    await statePurpose(t, `objection ${ob}`);
    await t.page.getByTestId('subject-cases').click();
    // The queue of one person is a read of their cases: the purpose again.
    await t.page.getByTestId('subject-needs-purpose').waitFor();
    await statePurpose(t, `objection ${ob}`);
    await t.page.getByTestId(`open-${ob}`).click();
    await t.page.waitForURL(`**/review/${ob}`);
    await statePurpose(t, `deciding objection ${ob}`);
    const detail = t.page.getByTestId('case-detail');
    await detail.waitFor();
    expect(await t.page.getByTestId('case-subject').innerText()).toContain(NAME);
    expect(await t.page.getByTestId('case-subject').innerText()).not.toContain(RID);
    expect(await t.page.getByTestId('case-statement').innerText()).toContain('annulled on administrative review');
    expect(await t.page.getByTestId('case-record').innerText()).toContain('CASE-UI-1');
    expect(await t.page.getByTestId('case-deadline').innerText()).toMatch(/working days? left/);
    expect(await t.page.getByTestId('case-history').locator('li').allInnerTexts()).toEqual([expect.stringMatching(/filed by /), expect.stringMatching(/review ruling\.pdf uploaded by /)]);
    // The evidence, with its hash; the download is the file, and its hash matches.
    expect(await t.page.getByTestId('evidence-hash').innerText()).toBe(sha(PDF));
    const [ev] = await w.f.ctx.store.listEvidence(ob);
    const file = await downloaded(t, () => t.page.getByTestId(`download-${ev.id}`).click());
    expect(file.name).toBe('review ruling.pdf');
    expect(sha(file.bytes)).toBe(sha(PDF));
    const reads = (await w.f.req({ method: 'GET', url: `/v1/audit?action=evidence.read&subject=${personId}&purpose=test%20check`, role: 'admin' })).json().entries as { data: { purpose: string } }[];
    expect(reads.map((e) => e.data.purpose)).toContain(`deciding objection ${ob}`);
    await expectAccessible(t.page, 'case detail');

    // Take it, then decide: nothing preselected, and a confirmation naming the case.
    await t.page.getByTestId('take').click();
    const me = JSON.parse((await sessionFor(w, 'reviewer')).value).actor as string;
    await expect.poll(() => t.page.getByTestId('case-assigned').innerText()).toMatch(/^key:|^dev:/);
    expect(me).toBeTruthy();
    for (const o of ['upheld', 'corrected', 'revoked']) expect(await t.page.getByTestId(`decision-${o}`).isChecked()).toBe(false);
    await t.page.getByTestId('decision-revoked').check();
    await t.page.getByTestId('decision-reason').fill('The administrative review annulled the penalty; the record is revoked.');
    await t.page.getByTestId('decision-submit').click();
    const ok = t.page.getByTestId('decision-ok');
    await ok.waitFor();
    expect(await ok.innerText()).toContain(`Objection ${ob}`);
    expect(await ok.innerText()).toContain('revoked, the record no longer counts');
    await expect.poll(() => t.page.getByTestId('case-status').innerText()).toBe('revoked');
    expect(await t.page.getByTestId('case-history').locator('li[data-event]').evaluateAll((ls) => ls.map((l) => l.getAttribute('data-event')))).toEqual(['filed', 'evidence', 'assigned', 'decided']);
  });

  it('the person sees the decision in the portal', async () => {
    const t = await tab({ session: await sessionFor(w, 'subject', personId) });
    await t.page.goto(`${w.base}/public/me`);
    const row = t.page.locator(`[data-testid=my-cases] tr[data-case="${ob}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('revoked');
    expect(await row.innerText()).toContain('The administrative review annulled the penalty');
    // A decided case takes no more evidence.
    expect(await t.page.getByTestId(`evidence-${ob}`).locator('details').count()).toBe(0);
  });

  it('the queue’s CSV opens with the right columns, filtered as the page is', async () => {
    const t = await tab({ session: await sessionFor(w, 'reviewer') });
    await t.page.goto(`${w.base}/review?status=all&source=penalties`);
    await t.page.getByTestId('queue-objection').waitFor();
    await statePurpose(t, 'queue export check');
    const file = await downloaded(t, () => t.page.getByTestId('csv-objections').click());
    expect(file.bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf]))).toBe(true);
    const rows = parse(file.bytes.toString('utf8'), { bom: true }) as string[][];
    expect(rows[0]).toEqual(CASE_COLUMNS.map((c) => c.label.en));
    const col = (name: string) => rows[0].indexOf(name);
    const mine = rows.find((r) => r[0] === ob)!;
    expect(mine[col('Status')]).toBe('revoked');
    expect(mine[col('Record type')]).toBe('admin.penalty');
    expect(mine[col('Decided by')]).toMatch(/^(key|dev):/);
    expect(mine[col('Assigned to')]).toBe(mine[col('Decided by')]);
    // Only cases about the source's records.
    expect(rows.slice(1).every((r) => r[col('Record type')].startsWith('admin.'))).toBe(true);
  });
});

describe('the queue’s filters and bulk decisions', () => {
  const ids: string[] = [];
  beforeAll(async () => {
    for (const [i, subject] of [w.f.clean, w.f.clean2].entries()) {
      const r = await w.f.app.inject({
        method: 'POST',
        url: '/v1/records',
        headers: { authorization: `Bearer ${penalties}` },
        payload: { externalId: `case-bulk-${i}`, type: 'admin.penalty', subject, occurredAt: '2026-11-04', facts: { severity: 'minor', decisionNo: `BULK-${i}`, authority: 'SAMR' } },
      });
      expect(r.statusCode, r.body).toBe(201);
      const o = await w.f.req({ method: 'POST', url: '/v1/objections', role: 'reviewer', payload: { recordId: r.json().results[0].recordId, reasons: 'paid before the decision' } });
      expect(o.statusCode, o.body).toBe(201);
      ids.push(o.json().id);
    }
  });

  it('decides the selected cases with one outcome and reason after a confirmation, and reports the one decided meanwhile', async () => {
    const t = await tab({ session: await sessionFor(w, 'reviewer') });
    await t.page.goto(`${w.base}/review?source=penalties`);
    for (const id of ids) await t.page.getByTestId(`select-${id}`).check();
    const bulk = t.page.getByTestId('bulk-objection');
    await bulk.waitFor();
    expect(await bulk.getByTestId('bulk-decision-upheld').isChecked()).toBe(false);
    expect(await bulk.getByTestId('bulk-decision-revoked').isChecked()).toBe(false);
    expect(await bulk.getByTestId('bulk-submit').isDisabled()).toBe(true);
    await bulk.getByTestId('bulk-decision-upheld').check();
    await bulk.getByTestId('bulk-reason').fill('The penalties stand: the payments came after the decisions.');
    await bulk.getByTestId('bulk-submit').click();
    const confirm = bulk.getByTestId('bulk-confirm');
    expect(await confirm.innerText()).toContain(`Decide 2 cases (${ids.join(', ')})`);
    // Meanwhile another reviewer decides the first one.
    const other = await w.f.req({ method: 'POST', url: `/v1/objections/${ids[0]}:decide`, role: 'reviewer', payload: { decision: 'revoked', reason: 'decided elsewhere first' } });
    expect(other.statusCode).toBe(200);
    await bulk.getByTestId('bulk-confirm-yes').click();
    const report = t.page.getByTestId('bulk-report');
    await report.waitFor();
    expect(await report.innerText()).toContain('Decided: 1. Not decided: 1.');
    expect(await report.locator(`li[data-case="${ids[0]}"]`).getAttribute('data-ok')).toBe('false');
    expect(await report.locator(`li[data-case="${ids[0]}"]`).innerText()).toContain('revoked');
    expect(await report.locator(`li[data-case="${ids[1]}"]`).getAttribute('data-ok')).toBe('true');
    expect((await w.f.ctx.store.getCase(ids[1]))?.status).toBe('upheld');
    expect((await w.f.ctx.store.getCase(ids[0]))?.status).toBe('revoked');
  });

  it('filters by deadline, source and assignee, kept in the address, and reads well on a phone', async () => {
    const t = await tab({ session: await sessionFor(w, 'reviewer'), ...PHONE });
    await t.page.goto(`${w.base}/review?status=all&source=penalties`);
    await t.page.getByTestId('queue-objection').waitFor();
    for (const id of ids) expect(await t.page.locator(`tr[data-case="${id}"]`).count()).toBe(1);
    await t.page.getByTestId('filter-mine').click();
    await expect.poll(() => new URL(t.page.url()).searchParams.get('assigned')).toBe('me');
    await expect.poll(() => t.page.getByTestId('filter-mine').isChecked()).toBe(true);
    await expect.poll(() => t.page.locator(`tr[data-case="${ids[1]}"]`).count()).toBe(0);
    await t.page.getByTestId('filter-mine').click();
    await expect.poll(() => new URL(t.page.url()).searchParams.get('assigned')).toBe(null);
    await t.page.getByTestId('filter-deadline').selectOption('overdue');
    await expect.poll(() => t.page.locator('[data-testid=queue-objection] tr[data-case]').count()).toBe(0);
    expect(await sidewaysScrolling(t.page)).toEqual([]);
    await expectAccessible(t.page, 'review queue (phone)');
    const d = await tab({ session: await sessionFor(w, 'reviewer'), ...DESKTOP });
    await d.page.goto(`${w.base}/review/${ids[1]}`);
    await statePurpose(d, 'layout check');
    await d.page.getByTestId('case-detail').waitFor();
    expect(await sidewaysScrolling(d.page)).toEqual([]);
  });
});
