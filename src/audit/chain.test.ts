import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ChainVerifier,
  GENESIS_HASH,
  chainEntries,
  hashAuditEntry,
  verifyChain,
  type AuditEntry,
  type AuditEntryInput,
} from './chain.js';

const T0 = Date.UTC(2026, 0, 1);

function inputs(n: number, offset = 0): AuditEntryInput[] {
  return Array.from({ length: n }, (_, i) => {
    const k = offset + i;
    return {
      at: T0 + k * 1000,
      actor: k % 3 === 0 ? 'system' : `staff:${k % 7}`,
      action: k % 2 === 0 ? 'record.add' : 'check',
      subjectId: k % 5 === 0 ? null : `s_${String(k).padStart(8, '0')}`,
      data: { n: k, tags: ['a', 'b'], nested: { x: 1.5, ok: true } },
    };
  });
}

/** A fresh deep copy, so tampering in one test never leaks into the fixture. */
const chain100 = (): AuditEntry[] => structuredClone(chainEntries(null, inputs(100)));

describe('chainEntries', () => {
  it('numbers from 1 and links to the genesis', () => {
    const c = chain100();
    expect(c.map((e) => e.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(c[0].prevHash).toBe(GENESIS_HASH);
    for (let i = 1; i < c.length; i++) expect(c[i].prevHash).toBe(c[i - 1].hash);
    for (const e of c) expect(e.hash).toBe(hashAuditEntry(e));
  });

  it('continues from a head, giving the same chain as one long batch', () => {
    const whole = chainEntries(null, inputs(10));
    const first = chainEntries(null, inputs(4));
    const last = first[first.length - 1];
    const rest = chainEntries({ seq: last.seq, hash: last.hash }, inputs(6, 4));
    expect(rest[0].seq).toBe(5);
    expect([...first, ...rest]).toEqual(whole);
  });

  it('ignores extra properties on inputs', () => {
    const extra = { ...inputs(1)[0], secret: 'do not store' } as AuditEntryInput;
    expect(chainEntries(null, [extra])[0]).not.toHaveProperty('secret');
  });
});

describe('hashAuditEntry', () => {
  it('is SHA-256 over canonical JSON, independent of key order', () => {
    const a = { seq: 1, at: T0, actor: 'x', action: 'y', subjectId: null, data: { b: 1, a: [1, { d: 2, c: 3 }] }, prevHash: GENESIS_HASH };
    const b = { prevHash: GENESIS_HASH, data: { a: [1, { c: 3, d: 2 }], b: 1 }, subjectId: null, action: 'y', actor: 'x', at: T0, seq: 1 };
    expect(hashAuditEntry(b)).toBe(hashAuditEntry(a));
    const canonical =
      `{"action":"y","actor":"x","at":${T0},"data":{"a":[1,{"c":3,"d":2}],"b":1},` +
      `"prevHash":"${GENESIS_HASH}","seq":1,"subjectId":null}`;
    expect(hashAuditEntry(a)).toBe(createHash('sha256').update(canonical).digest('hex'));
  });

  it('changes with every hashed field', () => {
    const base = { seq: 1, at: T0, actor: 'x', action: 'y', subjectId: 's_00000001', data: { v: 1 }, prevHash: GENESIS_HASH };
    const h = hashAuditEntry(base);
    const variants = [
      { seq: 2 },
      { at: T0 + 1 },
      { actor: 'z' },
      { action: 'w' },
      { subjectId: null },
      { data: { v: 2 } },
      { prevHash: 'f'.repeat(64) },
    ];
    for (const v of variants) expect(hashAuditEntry({ ...base, ...v })).not.toBe(h);
  });

  it('hashes undefined data as null, so a stored entry verifies after a JSON round trip', () => {
    const [e] = chainEntries(null, [{ at: T0, actor: 'x', action: 'y', subjectId: null, data: undefined }]);
    const reread = JSON.parse(JSON.stringify(e)) as AuditEntry;
    expect(verifyChain([reread]).ok).toBe(true);
  });
});

describe('ChainVerifier and verifyChain', () => {
  it('accepts an intact chain of 100 entries', () => {
    const c = chain100();
    expect(verifyChain(c)).toEqual({ ok: true, count: 100, head: c[99].hash });
  });

  it('accepts an empty chain with the genesis as head', () => {
    expect(verifyChain([])).toEqual({ ok: true, count: 0, head: GENESIS_HASH });
  });

  it('names an entry whose data was edited', () => {
    const c = chain100();
    (c[41].data as { n: number }).n = 999;
    expect(verifyChain(c)).toEqual({
      ok: false,
      problem: { seq: 42, reason: 'entry 42: content does not match its hash (edited?)' },
    });
  });

  it('names the next entry when an edit was covered by recomputing the hash', () => {
    const c = chain100();
    c[41].data = { n: 999 };
    c[41].hash = hashAuditEntry(c[41]);
    expect(verifyChain(c)).toEqual({ ok: false, problem: { seq: 43, reason: 'entry 43: previous-hash link broken' } });
  });

  it('names a gap when an entry was deleted', () => {
    const c = chain100();
    c.splice(43, 1); // seq 44
    expect(verifyChain(c)).toEqual({ ok: false, problem: { seq: 45, reason: 'entry 45 follows 43: entry 44 missing' } });
  });

  it('names several missing entries and a missing start', () => {
    const c = chain100();
    expect(verifyChain([...c.slice(0, 9), ...c.slice(12)])).toMatchObject({
      problem: { seq: 13, reason: 'entry 13 follows 9: entries 10–12 missing' },
    });
    expect(verifyChain(c.slice(1))).toMatchObject({
      problem: { seq: 2, reason: 'entry 2 is the first entry: entry 1 missing' },
    });
  });

  it('names reordered and duplicated entries', () => {
    const c = chain100();
    const swapped = [...c];
    [swapped[10], swapped[11]] = [swapped[11], swapped[10]];
    expect(verifyChain(swapped)).toMatchObject({ ok: false, problem: { seq: 12, reason: expect.stringContaining('entry 12 follows 10') } });
    const dup = [...c.slice(0, 20), c[19], ...c.slice(20)];
    expect(verifyChain(dup)).toMatchObject({ problem: { seq: 20, reason: 'entry 20 follows 20: out of order or duplicated' } });
  });

  it('catches a rewritten tail that was re-chained from a forged entry', () => {
    const c = chain100();
    const forged = chainEntries({ seq: c[49].seq, hash: 'e'.repeat(64) }, inputs(50, 50));
    expect(verifyChain([...c.slice(0, 50), ...forged])).toMatchObject({ problem: { seq: 51, reason: 'entry 51: previous-hash link broken' } });
  });

  it('stops at the first problem and keeps reporting it', () => {
    const c = chain100();
    c[4].actor = 'mallory';
    c[9].actor = 'mallory';
    const v = new ChainVerifier();
    const seen = c.map((e) => v.push(e));
    expect(seen.slice(0, 4)).toEqual([null, null, null, null]);
    const first = { seq: 5, reason: 'entry 5: content does not match its hash (edited?)' };
    expect(seen.slice(4).every((p) => p !== null && p.seq === 5)).toBe(true);
    expect(v.result()).toEqual({ ok: false, problem: first });
  });

  it('verifies a tail from a trusted head', () => {
    const c = chain100();
    expect(verifyChain(c.slice(60), { seq: 60, hash: c[59].hash })).toEqual({ ok: true, count: 40, head: c[99].hash });
    expect(verifyChain(c.slice(60), { seq: 60, hash: c[58].hash })).toMatchObject({ ok: false, problem: { seq: 61 } });
  });

  it('reports content that cannot be hashed instead of throwing', () => {
    const c = chain100();
    c[2].data = { n: Number.NaN };
    expect(verifyChain(c)).toMatchObject({ ok: false, problem: { seq: 3, reason: expect.stringContaining('cannot be hashed') } });
  });
});
