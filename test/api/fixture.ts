/**
 * A small demo city with one API key per role, served in-process (Fastify `inject`, no port).
 * Built once per test file into a temporary directory.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { openContext, type AppContext } from '../../src/app/context.js';
import { createApiKey } from '../../src/app/keys.js';
import { buildServer, type ServerOptions, type Server } from '../../src/api/server.js';
import { buildDemo } from '../../src/app/demo.js';
import { KEY_ROLES, type KeyRole } from '../../src/store/port.js';
import { createKeyFileFor } from '../../src/app/key-file.js';

export const NOW = Date.UTC(2026, 10, 27, 8, 0, 0);

export interface Fixture {
  ctx: AppContext;
  server: Server;
  app: FastifyInstance;
  /** One key per role: the source key sends as `spc`; the subject key belongs to `person`. */
  keys: Record<KeyRole, string>;
  /** A person listed on spc-dishonest-debtors (internal id). */
  person: string;
  /** An enterprise listed on spc-dishonest-debtors: internal id and `cn-uscc:` reference. */
  org: { id: string; ref: string };
  /** Two persons on no list (internal ids), for tests that list one. */
  clean: string;
  clean2: string;
  dir: string;
  req(opts: InjectOptions & { role?: KeyRole }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function makeFixture(opts: { persons?: number; enterprises?: number; server?: Partial<ServerOptions>; keySecret?: Buffer } = {}): Promise<Fixture> {
  const dir = mkdtempSync(join(tmpdir(), 'xinyong-api-'));
  // A fixed key makes subject ids (keyed hashes of identifiers) the same every run.
  if (opts.keySecret) createKeyFileFor(join(dir, 'x.db'), opts.keySecret);
  const ctx = await openContext({ db: join(dir, 'x.db'), now: NOW, actor: 'test' });
  await buildDemo(ctx, { persons: opts.persons ?? 2000, enterprises: opts.enterprises ?? 250, seed: 7, now: NOW, ifEmpty: false, progress: false });
  const entries = await ctx.store.listEntries({ list: 'spc-dishonest-debtors', limit: 1000 });
  const basics = await ctx.store.subjectsBasic([...new Set(entries.map((e) => e.subjectId))]);
  const person = entries.find((e) => !e.via && basics.get(e.subjectId)?.kind === 'person')?.subjectId;
  const orgId = entries.find((e) => basics.get(e.subjectId)?.kind === 'enterprise')?.subjectId;
  if (!person || !orgId) throw new Error('the fixture city has no listed person or enterprise; raise its size');
  const orgSubject = await ctx.store.getSubject(orgId);
  const uscc = orgSubject?.identifiers.find((i) => i.scheme === 'cn-uscc')?.masked;
  const listed = new Set(entries.map((e) => e.subjectId));
  const cleanOnes: string[] = [];
  for await (const page of ctx.store.scanSubjects(1000)) {
    // Holding no legal role, so that listing an organisation in one test cannot reach them.
    for (const c of page) if (c.kind === 'person' && !listed.has(c.id) && cleanOnes.length < 2 && (await ctx.store.relationsOfPersons([c.id])).length === 0) cleanOnes.push(c.id);
    if (cleanOnes.length === 2) break;
  }
  const [clean, clean2] = cleanOnes;
  const keys = {} as Record<KeyRole, string>;
  for (const role of KEY_ROLES) {
    keys[role] = (await createApiKey(ctx.store, { name: `test ${role}`, role, source: role === 'source' ? 'spc' : null, subjectId: role === 'subject' ? person : null }, NOW, 'test')).key;
  }
  const server = await buildServer({ ctx, now: () => NOW, logLevel: 'silent', refreshEveryMs: 0, syncEveryMs: 0, dev: true, ...opts.server });
  const app = server.app;
  return {
    ctx,
    server,
    app,
    keys,
    person,
    org: { id: orgId, ref: `cn-uscc:${uscc}` },
    clean,
    clean2,
    dir,
    req: ({ role, ...o }) => app.inject({ ...o, headers: { ...(role ? { authorization: `Bearer ${keys[role]}` } : {}), ...(o.headers ?? {}) } }),
    close: async () => {
      await app.close();
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Puts a stored catalog version (`ref`: `id@version`, or a version of the catalog in force) in
 * force as publishing works (four eyes): requested with the author key, approved with the admin
 * key, on the fixture's server or `app`. Returns the approval's response (200 when published); a
 * refused request fails the test with its body.
 */
export async function publishApproved(f: Pick<Fixture, 'keys' | 'app'>, ref: string, app: Pick<FastifyInstance, 'inject'> = f.app): Promise<LightMyRequestResponse> {
  const as = (role: KeyRole) => ({ authorization: `Bearer ${f.keys[role]}` });
  const asked = await app.inject({ method: 'POST', url: `/v1/catalog/versions/${encodeURIComponent(ref)}:publish`, headers: as('author') });
  if (asked.statusCode !== 202) throw new Error(`publication of ${ref} was not requested: ${asked.statusCode} ${asked.body}`);
  const { id, hash } = asked.json() as { id: string; hash: string };
  return app.inject({ method: 'POST', url: `/v1/catalog/publication-requests/${id}:approve`, headers: as('admin'), payload: { hash } });
}

/**
 * A second server on the fixture's city whose clock the test moves (`clock.now = …`), with the
 * background loops off so that nothing happens between steps but what the test asks for.
 */
export async function clockedServer(f: Fixture, clock = { now: NOW }): Promise<{ server: Server; clock: { now: number } }> {
  const server = await buildServer({ ctx: f.ctx, now: () => clock.now, logLevel: 'silent', refreshEveryMs: 0, syncEveryMs: 0 });
  return { server, clock };
}

/**
 * A whole scenario's setting, set up before its tests and torn down after: the fixture city and a
 * clocked server on it. `f` and `s` are filled in by `beforeAll`; `clock` is there from the start.
 */
export function clockedScenario(): { f: Fixture; s: Server; clock: { now: number } } {
  const env = { clock: { now: NOW } } as { f: Fixture; s: Server; clock: { now: number } };
  beforeAll(async () => {
    env.f = await makeFixture();
    // The server reads the scenario's clock object, which the tests move.
    env.s = (await clockedServer(env.f, env.clock)).server;
  }, 60_000);
  afterAll(async () => {
    await env.s?.app.close();
    await env.f?.close();
  });
  return env;
}


/** The built CLI (`bin/xinyong.js`, from dist/) run on the fixture's database, as an operator at its console. */
export function cliOn(f: Fixture): (args: string[]) => SpawnSyncReturns<string> {
  const bin = join(import.meta.dirname, '..', '..', 'bin', 'xinyong.js');
  return (args) => spawnSync(process.execPath, [bin, '--db', join(f.dir, 'x.db'), ...args], { encoding: 'utf8' });
}
