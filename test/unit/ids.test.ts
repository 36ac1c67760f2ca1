import { describe, expect, it } from 'vitest';
import { base62Fixed, newMessageId, newRequestId, randomBase62 } from '../../main/core/util/ids';

describe('ids', () => {
  it('writes numbers as fixed-width base62 that sorts as the numbers do', () => {
    expect(base62Fixed(0, 3)).toBe('000');
    expect(base62Fixed(61, 2)).toBe('0z');
    expect(base62Fixed(62, 2)).toBe('10');
    const values = [0, 1, 61, 62, 3843, 1_700_000_000_000, 1_800_000_000_123, 62 ** 8 - 1];
    const texts = values.map((value) => base62Fixed(value, 8));
    expect([...texts].sort()).toEqual(texts);
    expect(new Set(texts.map((text) => text.length))).toEqual(new Set([8]));
  });

  it('makes request ids that sort by time and stay unique within a millisecond', () => {
    const earlier = newRequestId(1_764_100_000_000);
    const later = newRequestId(1_764_100_000_001);
    expect(earlier < later).toBe(true);
    expect(earlier).toMatch(/^req_[0-9A-Za-z]{24}$/);
    const sameMs = new Set(Array.from({ length: 10_000 }, () => newRequestId(1_764_100_000_000)));
    expect(sameMs.size).toBe(10_000);
  });

  it('draws random base62 of the asked length, every character used', () => {
    const text = randomBase62(20_000);
    expect(text).toHaveLength(20_000);
    expect(new Set(text).size).toBe(62);
    expect(newMessageId()).toMatch(/^msg_[0-9A-Za-z]{24}$/);
  });
});
