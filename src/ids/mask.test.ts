import { describe, expect, it } from 'vitest';
import { maskIdentifier } from './mask.js';

describe('maskIdentifier', () => {
  it('keeps the first 6 and last 4 characters of a cn-rid', () => {
    expect(maskIdentifier('cn-rid', '110101199003074514')).toBe('110101********4514');
    expect(maskIdentifier('cn-rid', '11010519491231002X')).toBe('110105********002X');
  });

  it('returns cn-uscc codes unchanged, as they are public', () => {
    expect(maskIdentifier('cn-uscc', '91110000600037341L')).toBe('91110000600037341L');
  });

  it('keeps two characters at each end for other schemes', () => {
    expect(maskIdentifier('passport', 'E12345678')).toBe('E1*****78');
    expect(maskIdentifier('staff', 'abcde')).toBe('ab*de');
  });

  it('stars short values entirely', () => {
    expect(maskIdentifier('staff', 'abcd')).toBe('****');
    expect(maskIdentifier('staff', 'ab')).toBe('**');
    expect(maskIdentifier('cn-rid', '1234567890')).toBe('**********');
  });

  it('counts code points, not UTF-16 units', () => {
    expect(maskIdentifier('name', '𠀀𠀁𠀂𠀃𠀄')).toBe('𠀀𠀁*𠀃𠀄');
  });
});
