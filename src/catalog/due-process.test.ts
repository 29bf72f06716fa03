import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogDoc } from './load.js';
import { formatIssue } from './types.js';
import { loadCatalogDir } from '../app/catalog-files.js';

const base = loadCatalogDir(join(import.meta.dirname, '../../catalogs/cn-demo'));
if (!base.ok) throw new Error('cn-demo does not load');
const doc = base.value.doc;

describe('catalog due-process periods', () => {
  it('cn-demo sets 3, 7 and 3 working days with their legal basis', () => {
    expect(base.value.dueProcess).toEqual({ objectionDays: 3, objectionDaysExtended: 7, repairDays: 3 });
  });

  it('fills the defaults, takes the catalog’s own, and refuses periods without a legal basis', () => {
    const { dueProcess: _d, ...without } = doc;
    const plain = loadCatalogDoc({ ...without, version: 'p1' });
    expect(plain.ok && plain.value.dueProcess).toEqual({ objectionDays: 3, objectionDaysExtended: 7, repairDays: 3 });
    const own = loadCatalogDoc({ ...doc, version: 'p2', dueProcess: { objectionDays: 5, legalBasis: [{ law: 'shandong-social-credit', art: '39' }] } });
    expect(own.ok && own.value.dueProcess).toMatchObject({ objectionDays: 5, objectionDaysExtended: 7 });
    const bad = loadCatalogDoc({ ...doc, version: 'p3', dueProcess: { objectionDays: 5 } as never });
    expect(bad.ok ? [] : bad.error.map(formatIssue)).toEqual(['cn-demo@p3: dueProcess.legalBasis: has no legalBasis: every item must name the law or policy it rests on']);
    const uncited = loadCatalogDoc({ ...doc, version: 'p4', dueProcess: { objectionDays: 5, legalBasis: [{ law: 'shandong-social-credit', art: '12' }] } });
    expect(uncited.ok ? [] : uncited.error.map(formatIssue)).toEqual([
      "cn-demo@p4: dueProcess.legalBasis: cites article '12' of 'shandong-social-credit', which the register does not list (it lists 20, 29, 30, 31, 38, 39)",
    ]);
  });
});
