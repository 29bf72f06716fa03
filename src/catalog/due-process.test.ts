import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogDoc } from './load.js';
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
    const own = loadCatalogDoc({ ...doc, version: 'p2', dueProcess: { objectionDays: 5, legalBasis: 'Local regulation, Art. 12' } });
    expect(own.ok && own.value.dueProcess).toMatchObject({ objectionDays: 5, objectionDaysExtended: 7 });
    const bad = loadCatalogDoc({ ...doc, version: 'p3', dueProcess: { objectionDays: 5 } as never });
    expect(bad.ok).toBe(false);
  });
});
