import { describe, expect, it } from 'vitest';
import { ridCheckChar } from '../ids/index.js';
import { hideIdsInUrl } from './redact.js';

const rid = '11010119900307123' + ridCheckChar('11010119900307123');

describe('hideIdsInUrl', () => {
  it('masks identifiers in the path, encoded or not, and keeps credit codes (public registry data)', () => {
    expect(hideIdsInUrl(`/v1/subjects/cn-rid:${rid}`)).toBe(`/v1/subjects/cn-rid:110101********${rid.slice(-4)}`);
    expect(hideIdsInUrl(`/v1/subjects/cn-rid%3A${rid}`)).toBe(`/v1/subjects/cn-rid:110101********${rid.slice(-4)}`);
    expect(hideIdsInUrl(`/v1/x/${rid}`)).not.toContain(rid);
    expect(hideIdsInUrl('/v1/subjects/cn-uscc:91350100M000100Y43')).toBe('/v1/subjects/cn-uscc:91350100M000100Y43');
    expect(hideIdsInUrl('/v1/subjects/staff-no:AB123456')).toBe('/v1/subjects/staff-no:AB****56');
    expect(hideIdsInUrl('/v1/checks:batch')).toBe('/v1/checks:batch');
    expect(hideIdsInUrl('/v1/audit:verify')).toBe('/v1/audit:verify');
  });

  it('drops query values except harmless paging ones', () => {
    expect(hideIdsInUrl(`/public/v1/subjects/x?name=${encodeURIComponent('张三')}&limit=5`)).toBe('/public/v1/subjects/x?name=…&limit=5');
    expect(hideIdsInUrl(`/v1/audit?subject=cn-rid:${rid}`)).toBe('/v1/audit?subject=…');
    expect(hideIdsInUrl('/v1/subjects/s_1?purpose=objection%20review')).toBe('/v1/subjects/s_1?purpose=…');
    // Issue 16: a paging value that holds an ID number, however written, is dropped too.
    for (const v of [rid, `(2026)0${rid}`, '110105 19491231 002X', '１１０１０５１９４９１２３１００２Ｘ']) {
      expect(hideIdsInUrl(`/v1/audit?action=${encodeURIComponent(v)}&limit=5`)).toBe('/v1/audit?action=…&limit=5');
      expect(hideIdsInUrl(`/v1/me?asOf=${encodeURIComponent(v)}`)).toBe('/v1/me?asOf=…');
    }
  });
});
