/**
 * A read's purpose is logged and shown to the person: every door refuses one that says nothing
 * (three spaces) or that carries an ID number (issue 16 findings 4 and 7), and nothing is logged.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixture, type Fixture } from './fixture.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'xinyong.js');
const RID = '11010519491231002X';
let f: Fixture;
beforeAll(async () => {
  f = await makeFixture({ persons: 1500, enterprises: 200 });
}, 120_000);
afterAll(async () => f?.close());

const cli = (args: string[]) => spawnSync(process.execPath, [BIN, '--db', join(f.dir, 'x.db'), ...args], { encoding: 'utf8' });

describe('the purpose of a read', () => {
  it('is refused over HTTP when it is only spaces, and logged trimmed when it says something', async () => {
    const blank = await f.req({ method: 'GET', url: `/v1/subjects/${f.person}?purpose=%20%20%20`, role: 'reviewer' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json()).toMatchObject({ code: 'XY_ERR_VALIDATION', field: 'purpose' });
    const list = await f.req({ method: 'GET', url: '/v1/lists/spc-dishonest-debtors/entries?purpose=%20%20%20%20', role: 'reviewer' });
    expect(list.statusCode).toBe(400);
    const ok = await f.req({ method: 'GET', url: `/v1/subjects/${f.person}?purpose=%20%20case%20%20review%20`, role: 'reviewer' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().accessLog[0]).toMatchObject({ action: 'subject.read', purpose: 'case review' });
  });

  it('is refused by the CLI when it carries an ID number, even behind a leading digit, or is blank; nothing reaches the database', () => {
    for (const purpose of [`call about ${RID}`, `(2026)0${RID}`, '   ']) {
      const r = cli(['subject', f.person, '--purpose', purpose]);
      expect(r.status, r.stderr).toBe(1);
      expect(r.stderr).toMatch(/purpose must/);
      const l = cli(['list', '--name', 'spc-dishonest-debtors', '--limit', '3', '--purpose', purpose]);
      expect(l.status, l.stderr).toBe(1);
    }
    const files = ['x.db', 'x.db-wal'].map((n) => {
      try {
        return readFileSync(join(f.dir, n)).toString('latin1');
      } catch {
        return '';
      }
    });
    for (const text of files) expect(text).not.toContain(RID);
  });
});
