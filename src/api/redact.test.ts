import { describe, expect, it } from 'vitest';
import { ridCheckChar } from '../ids/index.js';
import { redactUrl } from './redact.js';

const rid = '11010119900307123' + ridCheckChar('11010119900307123');

describe('redactUrl', () => {
  it('masks identifiers in the path, encoded or not, and keeps credit codes (public registry data)', () => {
    expect(redactUrl(`/v1/subjects/cn-rid:${rid}`)).toBe(`/v1/subjects/cn-rid:110101********${rid.slice(-4)}`);
    expect(redactUrl(`/v1/subjects/cn-rid%3A${rid}`)).toBe(`/v1/subjects/cn-rid:110101********${rid.slice(-4)}`);
    expect(redactUrl(`/v1/x/${rid}`)).not.toContain(rid);
    expect(redactUrl('/v1/subjects/cn-uscc:91350100M000100Y43')).toBe('/v1/subjects/cn-uscc:91350100M000100Y43');
    expect(redactUrl('/v1/subjects/staff-no:AB123456')).toBe('/v1/subjects/staff-no:AB****56');
    expect(redactUrl('/v1/checks:batch')).toBe('/v1/checks:batch');
    expect(redactUrl('/v1/audit:verify')).toBe('/v1/audit:verify');
  });

  it('drops query values except harmless paging ones', () => {
    expect(redactUrl(`/public/v1/subjects/x?name=${encodeURIComponent('张三')}&limit=5`)).toBe('/public/v1/subjects/x?name=…&limit=5');
    expect(redactUrl(`/v1/audit?subject=cn-rid:${rid}`)).toBe('/v1/audit?subject=…');
    expect(redactUrl('/v1/subjects/s_1?purpose=objection%20review')).toBe('/v1/subjects/s_1?purpose=…');
  });
});
