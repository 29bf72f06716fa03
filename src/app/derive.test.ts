import { describe, expect, it } from 'vitest';
import type { CreditRecord, Instant } from '../domain/types.js';
import { Keyring, ridCheckChar } from '../ids/index.js';
import { adultFrom } from '../scoring/minors.js';
import type { Store, SubjectBasic } from '../store/port.js';
import { adulthood } from './derive.js';

const keyring = Keyring.random();
const rid = (ymd: string) => {
  const first17 = `371082${ymd}123`;
  return first17 + ridCheckChar(first17);
};
const person = (id: string): SubjectBasic => ({ id, kind: 'person', createdAt: 0 });
const records = (...ids: string[]) => new Map<string, CreditRecord[]>(ids.map((id) => [id, [{ id: `r_${id}` } as CreditRecord]]));

/** A store that holds only identifier ciphertext, and says whom it was asked about. */
function storeWith(tokens: Record<string, string>) {
  const asked: string[][] = [];
  const store = {
    async ridCiphertexts(ids: string[]) {
      asked.push(ids);
      return new Map(ids.filter((id) => tokens[id] !== undefined).map((id) => [id, tokens[id]]));
    },
  } as unknown as Store;
  return { store, asked };
}

describe('adulthood', () => {
  it('reads when each person with records turned 18 from their decrypted resident identity number', async () => {
    const { store, asked } = storeWith({ s_teen: keyring.encrypt(rid('20120315')), s_old: keyring.encrypt(rid('19800704')), s_bare: keyring.encrypt(rid('19900101')) });
    const org: SubjectBasic = { id: 's_org', kind: 'enterprise', createdAt: 0 };
    const m = await adulthood({ store, keyring }, [person('s_teen'), person('s_old'), person('s_bare'), org], records('s_teen', 's_old', 's_org'));
    expect([...m]).toEqual([
      ['s_teen', adultFrom('2012-03-15')],
      ['s_old', adultFrom('1980-07-04')],
    ] satisfies [string, Instant][]);
    // Only persons with records are looked up (and decrypted); no query at all when there are none.
    expect(asked).toEqual([['s_teen', 's_old']]);
    await adulthood({ store, keyring }, [person('s_bare'), org], records('s_org'));
    expect(asked).toHaveLength(1);
  });

  it('leaves the age unknown (scored as an adult) without readable ciphertext, a national number, or the right key', async () => {
    const { store } = storeWith({
      s_own: keyring.encrypt('SZ-000123'),
      s_other: Keyring.random().encrypt(rid('20120315')),
      s_bad: 'v1.not.a.token',
    });
    const m = await adulthood({ store, keyring }, ['s_gone', 's_own', 's_other', 's_bad'].map(person), records('s_gone', 's_own', 's_other', 's_bad'));
    expect(m.size).toBe(0);
  });
});
