import { describe, expect, it } from 'vitest';
import { maskIdentifier } from '../ids/mask.js';
import { ridCheckChar } from '../ids/cn-rid.js';
import { deadLetter, HEADERS, messageId, partitionOf, partitionSubjects, streamLayout, subjectFor } from './stream-layout.js';
import { recordId } from './resolve.js';

describe('streamLayout', () => {
  it('names the streams and subjects, with a prefix keeping deployments apart', () => {
    expect(streamLayout()).toEqual({ stream: 'XY_RECORDS', subjectPrefix: 'xy.records', partitions: 16, deadStream: 'XY_RECORDS_DEAD', deadSubject: 'xy.records.dead' });
    expect(streamLayout({ prefix: 'ci-7', partitions: 4 })).toEqual({ stream: 'CI-7_XY_RECORDS', subjectPrefix: 'ci-7.xy.records', partitions: 4, deadStream: 'CI-7_XY_RECORDS_DEAD', deadSubject: 'ci-7.xy.records.dead' });
  });

  it('lists every partition subject, none of which is the dead-letter subject', () => {
    expect(partitionSubjects(streamLayout({ partitions: 3 }))).toEqual(['xy.records.0', 'xy.records.1', 'xy.records.2']);
    expect(partitionSubjects(streamLayout())).not.toContain('xy.records.dead');
  });

  it('refuses names NATS would not take and partition counts out of range', () => {
    expect(() => streamLayout({ prefix: 'a.b' })).toThrow(/letters, digits/);
    expect(() => streamLayout({ prefix: 'a*' })).toThrow(/letters, digits/);
    expect(() => streamLayout({ partitions: 0 })).toThrow(/1 to 1024/);
    expect(() => streamLayout({ partitions: 1.5 })).toThrow(/1 to 1024/);
  });
});

describe('partitionOf', () => {
  it('is FNV-1a (32 bits) of the reference modulo the partition count', () => {
    // Published FNV-1a test vectors: '' → 0x811c9dc5, 'a' → 0xe40c292c, 'foobar' → 0xbf9cf968.
    expect(partitionOf('', 1 << 30)).toBe(0x811c9dc5 % (1 << 30));
    expect(partitionOf('a', 1 << 30)).toBe(0xe40c292c % (1 << 30));
    expect(partitionOf('foobar', 1 << 30)).toBe(0xbf9cf968 % (1 << 30));
    expect(partitionOf('foobar', 16)).toBe(8);
  });

  it('puts every line about a subject on one partition, whatever else the line says', () => {
    const a = { externalId: '1', subject: 'cn-uscc:91350100M000100Y43', type: 'x' };
    const b = { externalId: '2', subject: 'cn-uscc:91350100M000100Y43', type: 'y' };
    expect(subjectFor(streamLayout(), a)).toBe('xy.records.10');
    expect(subjectFor(streamLayout(), b)).toBe('xy.records.10');
    expect(partitionOf(' cn-uscc:91350100M000100Y43 ', 16)).toBe(10);
  });

  it('spreads subjects over the partitions', () => {
    const counts = new Array(16).fill(0);
    for (let i = 0; i < 16_000; i++) counts[partitionOf(`cn-uscc:9135010000${String(i).padStart(8, '0')}`, 16)]++;
    // Even within 15% of the mean (1,000 each).
    expect(Math.min(...counts)).toBeGreaterThan(850);
    expect(Math.max(...counts)).toBeLessThan(1150);
  });

  it('sends a line without a subject reference to one fixed partition, for the worker to refuse', () => {
    expect(subjectFor(streamLayout(), { externalId: 'x' })).toBe(`xy.records.${0x811c9dc5 % 16}`);
    expect(subjectFor(streamLayout(), 'not an object')).toBe('xy.records.5');
  });
});

describe('messageId', () => {
  it('is the record id that source and externalId determine, so the tracking id and the dedupe key agree', () => {
    expect(messageId('spc', { externalId: 'case-1' })).toBe(recordId('spc', 'case-1'));
    expect(messageId('spc', { externalId: 'case-1' })).toMatch(/^r_[0-9a-f]{24}$/);
    expect(messageId('sat', { externalId: 'case-1' })).not.toBe(messageId('spc', { externalId: 'case-1' }));
    expect(messageId('spc', { externalId: '' })).toBeUndefined();
    expect(messageId('spc', { externalId: 7 })).toBeUndefined();
    expect(messageId('spc', null)).toBeUndefined();
  });
});

describe('deadLetter', () => {
  const payload = new TextEncoder().encode('{"externalId":"x","facts":{"months":0}}');

  it('carries the original payload, and the reason and field as the API gives them', () => {
    const d = deadLetter(streamLayout({ prefix: 't1' }), { subject: 't1.xy.records.3', seq: 42, source: 'utilities', payload }, { field: 'facts.months', reason: 'must be >= 1' });
    expect(d).toEqual({
      subject: 't1.xy.records.dead',
      msgID: 'dead:T1_XY_RECORDS:42',
      headers: [
        [HEADERS.reason, 'must be >= 1'],
        [HEADERS.field, '/facts/months'],
        [HEADERS.originalSubject, 't1.xy.records.3'],
        [HEADERS.originalSeq, '42'],
        [HEADERS.source, 'utilities'],
      ],
      payload,
    });
    expect(HEADERS).toMatchObject({ reason: 'Xy-Reason', field: 'Xy-Field', source: 'Xy-Source' });
  });

  it('keeps an ID number in the line or the reason only masked: dead letters are kept for weeks', () => {
    const rid = '11010519491231002' + ridCheckChar('11010519491231002');
    const line = new TextEncoder().encode(`{"externalId":"p1","subject":"cn-rid:${rid}","facts":{"months":0}}`);
    const d = deadLetter(streamLayout(), { subject: 'xy.records.5', seq: 9, source: 'utilities', payload: line }, { field: 'facts.months', reason: `must be >= 1 for ${rid}` });
    const text = new TextDecoder().decode(d.payload);
    expect(text).toBe(`{"externalId":"p1","subject":"cn-rid:${maskIdentifier('cn-rid', rid)}","facts":{"months":0}}`);
    expect(text).not.toContain(rid);
    expect(d.headers[0]).toEqual([HEADERS.reason, `must be >= 1 for ${maskIdentifier('cn-rid', rid)}`]);
  });

  it('leaves an all-digit credit code, which is public, as it is', () => {
    const line = new TextEncoder().encode('{"externalId":"o1","subject":"cn-uscc:913501001000000326","facts":{"months":0}}');
    expect(deadLetter(streamLayout(), { subject: 'xy.records.1', seq: 3, source: 'utilities', payload: line }, { field: 'facts.months', reason: 'must be >= 1' }).payload).toBe(line);
  });

  it('names the whole line as `/`, and keeps header values on one line', () => {
    const d = deadLetter(streamLayout(), { subject: 'xy.records.0', seq: 1, source: null, payload }, { field: '(line)', reason: 'invalid JSON:\r\nsyntax error' });
    expect(d.headers).toEqual([
      [HEADERS.reason, 'invalid JSON: syntax error'],
      [HEADERS.field, '/'],
      [HEADERS.originalSubject, 'xy.records.0'],
      [HEADERS.originalSeq, '1'],
    ]);
  });
});
