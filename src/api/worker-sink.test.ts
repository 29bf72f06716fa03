import { describe, expect, it } from 'vitest';
import type { AuditEntryInput } from '../audit/index.js';
import { WorkerSink } from './worker-sink.js';

const entry: AuditEntryInput = { at: 1, actor: 'key:k_1', action: 'check.decided', subjectId: null, data: { receipt: 'rc_1' } };

describe('WorkerSink', () => {
  it('when the writer thread dies, appends go to the fallback instead of hanging', async () => {
    const fell: AuditEntryInput[][] = [];
    // A database path the writer cannot open: its thread fails at start, as a crash would.
    const sink = new WorkerSink('/nonexistent-dir/xinyong.db', async (entries) => fell.push(entries));
    await new Promise((r) => setTimeout(r, 500));
    await sink.append([entry]);
    expect(fell).toEqual([[entry]]);
    await sink.close();
  });
});
