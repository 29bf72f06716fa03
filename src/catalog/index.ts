export * from './types.js';
export { compileCatalog, catalogHash, type CatalogFile } from './compile.js';
export { loadCatalogDoc } from './load.js';
export { diffCatalogs, type CatalogDiff, type ItemChange } from './diff.js';
export { prohibitedCategory, PROHIBITED_CATEGORIES } from './prohibited.js';
