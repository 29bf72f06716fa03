/**
 * No allow by typo: a subject reference in a scheme that is neither national nor registered in the
 * catalog is refused everywhere (checks, record lines, registrations and their legal roles),
 * never taken for a subject xinyong does not know; a scheme the catalog registers works.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogDir, nationalLayer } from '../../src/app/catalog-files.js';
import { check } from '../../src/app/checks.js';
import { createApp, openContext, type App, type AppContext } from '../../src/app/context.js';
import { AppError } from '../../src/app/errors.js';
import { defaultCatalogDir } from '../../src/app/paths.js';
import { compileCatalog } from '../../src/catalog/compile.js';
import type { Catalog, CatalogDoc, LawDoc, NationalDoc } from '../../src/catalog/types.js';
import { Ingestor } from '../../src/ingest/ingestor.js';

const NOW = Date.UTC(2026, 10, 27);
const TYPO = 'cn-usc:91371083MA67DMMJ0Q';
const caller = { actor: 'test', scopes: [] };

/** cn-demo as one catalog file, without the national layer it was loaded on (no catalog file may carry one). */
function demoDoc(): Omit<CatalogDoc, 'national'> {
  const r = loadCatalogDir(defaultCatalogDir());
  if (!r.ok) throw new Error('cn-demo does not load');
  const { national: _national, ...own } = structuredClone(r.value.doc);
  return own;
}

function national(): NationalDoc {
  const n = nationalLayer();
  if (!n.ok) throw new Error('the national layer does not load');
  return n.value;
}

/** The municipal rules a deployment's own scheme rests on: a law of the catalog's own jurisdiction (Rongcheng). */
const CIVIL_SERVICE: LawDoc = {
  id: 'rongcheng-civil-service',
  title: { 'zh-CN': '荣成市公务员管理办法', en: 'Municipal Civil Service Management Measures (2024)' },
  issuer: { 'zh-CN': '荣成市人民政府', en: 'Rongcheng Municipal People\'s Government' },
  date: '2024',
  jurisdiction: '371082',
  articles: [{ art: '12', about: { 'zh-CN': '公务员工号', en: 'Employee numbers of civil servants' } }],
};

function withEmp(): Catalog {
  const doc = demoDoc();
  doc.version = '2026.1-emp';
  doc.laws = [...(doc.laws ?? []), CIVIL_SERVICE];
  doc.identifierSchemes = [{ code: 'emp', name: { 'zh-CN': '市公务员工号', en: 'City employee number' }, subjects: ['person'], legalBasis: [{ law: 'rongcheng-civil-service', art: '12' }] }];
  const r = compileCatalog([{ name: 'catalog.yaml', doc }], national());
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

let ctx: AppContext;
let app: App;
beforeAll(async () => {
  ctx = await openContext({ db: join(mkdtempSync(join(tmpdir(), 'xy-schemes-')), 'x.db'), now: NOW, actor: 'test' });
  app = createApp(ctx, { now: () => NOW });
});
afterAll(async () => {
  await app?.receipts.close();
  await ctx?.close();
});

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe('identifier schemes', () => {
  it('a check on a mistyped scheme is refused with XY_ERR_UNKNOWN_SCHEME naming the schemes there are, not answered as an unknown subject', async () => {
    const e = await refusal(check(app, caller, { subject: TYPO, action: 'transport.air.ticket' }));
    expect(e.code).toBe('XY_ERR_UNKNOWN_SCHEME');
    expect(e.kind).toBe('invalid');
    expect(e.extra.field).toBe('/subject');
    expect(e.message).toContain("'cn-usc'");
    expect(e.message).toContain('cn-rid, cn-uscc');
    // The same enterprise under its real scheme is a reference the catalog knows.
    expect((await check(app, caller, { subject: 'cn-uscc:91371083MA67DMMJ0Q', action: 'transport.air.ticket' })).known).toBe(false);
  });

  it('a record line or a registration in an unknown scheme is rejected, naming the field', async () => {
    const ingestor = new Ingestor(ctx.store, ctx.catalog, ctx.keyring, { now: () => NOW, actor: 'test' });
    const [rec, reg, role] = await ingestor.ingestBatch([
      { source: 'spc', line: { externalId: 'typo-1', type: 'court.dishonest-debtor-decision', subject: TYPO, occurredAt: '2026-11-20', facts: { caseNo: 'T-1', court: 'C', ground: 'evades' } } },
      { source: 'mps', line: { kind: 'subject', subject: 'emp:00042', subjectKind: 'person', name: 'Wang Wu', region: '370000' } },
      { source: null, line: { kind: 'subject', subject: 'cn-uscc:91371083MA67DMMJ0Q', name: 'Typo Trading Co.', relations: [{ role: 'legal-representative', subject: 'cn-ridd:110101199003074514' }] } },
    ]);
    expect(rec).toMatchObject({ status: 'rejected', error: { field: 'subject' } });
    expect(rec.status === 'rejected' && rec.error.reason).toMatch(/'cn-usc' is not an identifier scheme of this catalog; the schemes are: cn-rid, cn-uscc/);
    expect(reg).toMatchObject({ status: 'rejected', error: { field: 'subject' } });
    expect(role).toMatchObject({ status: 'rejected', error: { field: 'relations[0].subject' } });
    expect(await ctx.store.findSubjectByHash(ctx.keyring.hash('cn-uscc', '91371083MA67DMMJ0Q'))).toBeNull();
  });

  it('a scheme the catalog registers names subjects; the national ones cannot be redeclared', async () => {
    const emp = withEmp();
    expect([...emp.identifierSchemes]).toEqual(['cn-rid', 'cn-uscc', 'emp']);
    const app2 = createApp({ ...ctx, catalog: emp }, { now: () => NOW });
    try {
      expect(await check(app2, caller, { subject: 'emp:00042', action: 'transport.air.ticket' })).toMatchObject({ known: false, decision: 'allow' });
      expect((await refusal(check(app2, caller, { subject: 'empl:00042', action: 'transport.air.ticket' }))).message).toContain('cn-rid, cn-uscc, emp');
    } finally {
      await app2.receipts.close();
    }
    const doc = demoDoc();
    doc.laws = [...(doc.laws ?? []), CIVIL_SERVICE];
    doc.identifierSchemes = [{ code: 'cn-rid', name: { 'zh-CN': '本市身份证号', en: 'Our own ID numbers' }, subjects: ['person'], legalBasis: [{ law: 'rongcheng-civil-service', art: '12' }] }];
    const r = compileCatalog([{ name: 'catalog.yaml', doc }], national());
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContainEqual({ file: 'catalog.yaml', item: 'identifierSchemes[cn-rid]', field: 'code', message: "'cn-rid' is a national scheme, defined by law, and cannot be redeclared" });
  });
});
