import { describe, expect, it } from 'vitest';
import { CustomInputDecoder, customInput } from '../../main/core/openai/custom-input';

const TRICKY = 'line "one"\n\ttab \\ back\u00e9 ✓ \ud83d\ude00 /end';

/** Feeds the JSON in pieces of `size` characters; returns what the deltas said and what finish adds. */
function decode(json: string, size: number): { deltas: string; whole: string; tail: string } {
  const decoder = new CustomInputDecoder();
  let deltas = '';
  for (let i = 0; i < json.length; i += size) deltas += decoder.push(json.slice(i, i + size));
  return { deltas, ...decoder.finish() };
}

describe('a custom tool input decoded as its JSON streams', () => {
  it('every escape, cut at any point (\\uXXXX included), decodes to the string', () => {
    const json = JSON.stringify({ input: TRICKY }).replace('é', '\\u00e9');
    for (const size of [1, 2, 3, 5, 7, json.length]) {
      const { deltas, whole, tail } = decode(json, size);
      expect(deltas + tail).toBe(TRICKY);
      expect(whole).toBe(TRICKY);
    }
    expect(decode('{ "input" :\n "a\\"b" }', 1).deltas).toBe('a"b');
  });

  it('JSON that strays from the one string is not streamed; finish gives the whole', () => {
    expect(decode('{"path":"x","input":"y"}', 4)).toEqual({ deltas: '', whole: 'y', tail: 'y' });
    expect(decode('{"patch":"only one"}', 3)).toEqual({ deltas: '', whole: 'only one', tail: 'only one' });
    expect(decode('not json', 3)).toEqual({ deltas: '', whole: 'not json', tail: 'not json' });
    expect(customInput({ a: 1, b: 'x' })).toBe('{"a":1,"b":"x"}');
    expect(customInput({})).toBe('');
  });
});
