/**
 * The import rules of xinyong (issue 14 item 9), checked by dependency-cruiser in `npm test`
 * (`npm run lint:imports`) and by test/architecture.test.ts, so a forbidden import fails CI.
 *
 * The layers, inner to outer:
 *   core  = src/domain, src/ids, src/catalog, src/scoring, src/gate, src/process, src/audit
 *           (pure: no clock, no I/O; knows nothing of the shell)
 *   shell = src/store  (SQLite and PostgreSQL adapters)
 *         < src/ingest (the ingestion pipeline)
 *         < src/app    (use cases)
 *         < src/api, src/cli (the doors), with src/sim beside them
 *   web   = src/web (the React app, built by Vite): a separate program that may read server
 *           code's TYPES only.
 *
 * Test code (`*.test.ts`, the shared store contract suites `*-contract.ts` and src/store/contract/)
 * may import anything in src/ and vitest, so it is left out of the `from` side of the layer rules;
 * it still counts for `no-circular`.
 */

/** The core folders. */
const CORE = '^src/(domain|ids|catalog|scoring|gate|process|audit)/';

/** Test code inside src/: never built into dist (see tsconfig.build.json), free to import anything. */
const TEST_CODE = ['\\.test\\.tsx?$', '-contract\\.ts$', '^src/store/contract/'];

/**
 * Node modules and packages that do I/O (files, processes, sockets, threads, the host) and so
 * have no place in the core. node:crypto, node:path and node:util are allowed (pure), and so are
 * pure libraries such as yaml, typebox, ajv, canonicalize and @marcbachmann/cel-js.
 */
const NODE_IO = [
  '^(node:)?(fs|fs/promises|child_process|net|http|https|http2|tls|dgram|dns|dns/promises|cluster|worker_threads|os|readline)$',
  '(^|/)node_modules/(@types/)?(pg|pg-copy-streams|better-sqlite3|nats)/',
];

/**
 * Pure modules outside src/web that the web app may import as values (not only as types). Each
 * must be free of Node and server dependencies; a path here that does not exist yet is harmless.
 */
const WEB_MAY_IMPORT = ['^src/ids/rid-finder\\.ts$', '^src/ids/cn-rid\\.ts$', '^src/ids/cn-uscc\\.ts$', '^src/audit/actions\\.ts$', '^src/catalog/laws\\.ts$'];

/**
 * A forbidden import, an error: from modules matching `from` (test code left out unless
 * `withTests`) to modules matching `to` (a path pattern, or a full `to` restriction).
 */
function forbid(name, comment, from, to, { withTests = false } = {}) {
  return {
    name,
    comment,
    severity: 'error',
    from: withTests ? { path: from } : { path: from, pathNot: TEST_CODE },
    to: typeof to === 'string' ? { path: to } : to,
  };
}

/** Imports that vanish at compile time: `import type`, `export type`, `import('…').T`. */
const TYPE_ONLY = ['type-only', 'type-import'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    forbid(
      'core-is-pure',
      'The core (domain, ids, catalog, scoring, gate, process, audit) is pure and imports nothing from ' +
        'the shell (store, ingest, app, api, cli, sim, web). Move the code the core needs into the core, ' +
        'or pass it in from the shell as a value or a port interface that lives in the core.',
      CORE,
      '^src/(store|ingest|app|api|cli|sim|web)/',
    ),
    forbid(
      'core-no-io',
      'The core does no I/O: it imports no Node I/O module (fs, child_process, net, http(s), ' +
        'worker_threads, os, ...) and no database or messaging client (pg, better-sqlite3, nats). ' +
        'node:crypto and pure libraries (yaml, typebox, cel-js, ...) are fine. Reading files, keys ' +
        'and the clock belongs in src/app (or another shell folder), which hands the core the values.',
      CORE,
      { path: NODE_IO },
    ),
    forbid(
      'store-below-app',
      'src/store is the bottom of the shell: its adapters know the core and nothing above them ' +
        '(ingest, app, api, cli, sim, web). What the store needs from above belongs in the core ' +
        'or in src/store/port.ts.',
      '^src/store/',
      '^src/(ingest|app|api|cli|web|sim)/',
    ),
    forbid(
      'ingest-below-app',
      'src/ingest sits below the use cases and the doors: it imports nothing from api, cli or web, ' +
        'and from src/app only the derive use case (see the next rule of the same name).',
      '^src/ingest/',
      '^src/(api|cli|web)/',
    ),
    forbid(
      'ingest-below-app',
      'src/ingest may import from src/app only src/app/derive.ts (the derive use case, through which ' +
        'the pipeline derives state) and types (`import type`, which vanish at compile time); every ' +
        'other use case sits above the pipeline.',
      '^src/ingest/',
      { path: '^src/app/', pathNot: '^src/app/derive\\.ts$', dependencyTypesNot: TYPE_ONLY },
    ),
    forbid(
      'app-below-doors',
      'src/app holds the use cases the doors (HTTP in src/api, the CLI in src/cli) call; it imports ' +
        'neither door. Shared code the doors need belongs in src/app or below.',
      '^src/app/',
      '^src/(api|cli)/',
    ),
    forbid(
      'api-not-cli',
      'The HTTP API does not import the CLI: the CLI starts the server (src/cli/serve.ts), never the ' +
        'other way round. Code both need belongs in src/app.',
      '^src/api/',
      '^src/cli/',
    ),
    forbid(
      'web-types-only',
      'The web app (src/web) is a separate program built by Vite for the browser: from code outside ' +
        'src/web it may import only types (`import type`), which vanish at build time, and the few pure ' +
        'modules on the WEB_MAY_IMPORT list in .dependency-cruiser.cjs. A value import would pull server ' +
        'code (and Node modules) into the bundle.',
      '^src/web/',
      { path: '^src/', pathNot: ['^src/web/', ...WEB_MAY_IMPORT], dependencyTypesNot: TYPE_ONLY },
    ),
    forbid(
      'no-circular',
      'Modules in src/ (tests included) form no import cycle; a cycle closed only by type-only imports ' +
        'is allowed, as those vanish at compile time. A cycle means two modules are one: merge them, or ' +
        'move the shared part into a third module both import.',
      '^src/',
      { circular: true, viaOnly: { dependencyTypesNot: TYPE_ONLY } },
      { withTests: true },
    ),
    forbid(
      'not-to-test',
      'Code in src/ that ships (everything but *.test.ts and the contract test suites) imports nothing ' +
        'from test/ or bench/: those are not built into dist, and production code must not depend on ' +
        'test helpers or benchmarks.',
      '^src/',
      '^(test|bench)/',
    ),
  ],
  options: {
    // Cruise only the project's own code; npm packages are leaves (their resolved path is still
    // matched by core-no-io).
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^node_modules/'] },
    // Keep type-only imports in the graph (and mark them `type-only`), so the rules can tell
    // `import type` (allowed for web and for ingest -> app) from value imports.
    tsPreCompilationDeps: true,
    // The root tsconfig: NodeNext resolution, where `./foo.js` names src/foo.ts.
    tsConfig: { fileName: 'tsconfig.json' },
    // The web app imports without extensions (Vite, Bundler resolution): resolve .tsx/.ts too.
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts', '.json'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
