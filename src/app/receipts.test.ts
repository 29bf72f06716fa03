import { describe, expect, it } from 'vitest';
import type { AuditEntry, AuditEntryInput } from '../audit/index.js';
import type { Store } from '../store/port.js';
import { ReceiptLog, isStorageError } from './receipts.js';

/** Just enough of a store to watch what the log writes, and to fail on demand. */
function fakeStore() {
  const written: AuditEntryInput[][] = [];
  let failNext = false;
  const store = {
    appendAudit: async (entries: AuditEntryInput[]) => {
      if (failNext) {
        failNext = false;
        throw Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' });
      }
      written.push(entries);
      return [] as AuditEntry[];
    },
  } as unknown as Store;
  return { store, written, fail: () => (failNext = true) };
}

const entry = (receipt: string): AuditEntryInput => ({ at: 1, actor: 'key:k_1', action: 'check.decided', subjectId: null, data: { receipt } });

describe('ReceiptLog', () => {
  it('answers for a receipt before it is written, and writes waiting receipts in one batch', async () => {
    const s = fakeStore();
    const log = new ReceiptLog(s.store, { intervalMs: 60_000 });
    log.add('rc_a', entry('rc_a'));
    log.add('rc_b', entry('rc_b'));
    expect(log.peek('rc_a')).toEqual(entry('rc_a'));
    expect(s.written).toHaveLength(0);
    await log.flush();
    expect(s.written).toEqual([[entry('rc_a'), entry('rc_b')]]);
    expect(log.peek('rc_a')).toBeUndefined();
    await log.close();
  });

  it('flushes at once when enough receipts wait', async () => {
    const s = fakeStore();
    const log = new ReceiptLog(s.store, { intervalMs: 60_000, maxPending: 3 });
    for (const r of ['rc_1', 'rc_2', 'rc_3']) log.add(r, entry(r));
    await new Promise((r) => setImmediate(r));
    expect(s.written.flat().map((e) => (e.data as { receipt: string }).receipt)).toEqual(['rc_1', 'rc_2', 'rc_3']);
    await log.close();
  });

  it('sets aside an entry the store can never take, and writes the rest', async () => {
    const written: AuditEntryInput[] = [];
    const store = {
      appendAudit: async (entries: AuditEntryInput[]) => {
        if (entries.some((e) => (e.data as { receipt: string }).receipt === 'rc_bad')) throw new TypeError('Lone surrogate is not allowed');
        written.push(...entries);
        return [] as AuditEntry[];
      },
    } as unknown as Store;
    const errors: string[] = [];
    const log = new ReceiptLog(store, { intervalMs: 60_000, onError: (e) => errors.push((e as Error).message) });
    for (const r of ['rc_1', 'rc_bad', 'rc_2']) log.add(r, entry(r));
    await log.close();
    expect(written.map((e) => (e.data as { receipt: string }).receipt)).toEqual(['rc_1', 'rc_2']);
    expect(log.rejected).toBe(1);
    expect(errors[0]).toMatch(/rc_bad cannot be written/);
  });

  it('makes new checks wait while too many subject-checks wait for the writer', async () => {
    const s = fakeStore();
    const log = new ReceiptLog(s.store, { intervalMs: 60_000, maxWeight: 10_000 });
    log.add('rc_big', entry('rc_big'), 8_000);
    await log.admit(2_000);
    expect(s.written).toHaveLength(0);
    await log.admit(2_001);
    expect(s.written.flat().map((e) => (e.data as { receipt: string }).receipt)).toEqual(['rc_big']);
    log.add('rc_next', entry('rc_next'), 9_000);
    await log.admit(500);
    expect(s.written).toHaveLength(1);
    await log.close();
  });

  it('keeps receipts whose write failed, in order, and writes them with the next flush; close flushes', async () => {
    const s = fakeStore();
    const errors: unknown[] = [];
    const log = new ReceiptLog(s.store, { intervalMs: 60_000, onError: (e) => errors.push(e) });
    log.add('rc_1', entry('rc_1'));
    s.fail();
    await expect(log.flush()).rejects.toThrow('disk full');
    expect(errors).toHaveLength(1);
    log.add('rc_2', entry('rc_2'));
    expect(log.peek('rc_1')).toBeDefined();
    await log.close();
    expect(s.written.flat().map((e) => (e.data as { receipt: string }).receipt)).toEqual(['rc_1', 'rc_2']);
  });

  it('keeps receipts waiting, never sets them aside, while PostgreSQL is unreachable or its connection drops', () => {
    expect(isStorageError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isStorageError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isStorageError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isStorageError(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isStorageError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    // An entry the store cannot take is not a storage failure.
    expect(isStorageError(new TypeError('Do not know how to serialize a BigInt'))).toBe(false);
    expect(isStorageError(Object.assign(new Error('bad'), { code: 'ERR_INVALID_ARG_TYPE' }))).toBe(false);
  });
});
