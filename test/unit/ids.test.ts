import { describe, expect, it } from 'vitest';
import { openAICallId } from '../../main/core/openai/tool-params';
import { seeded } from '../helpers/random';
import {
  base62Fixed,
  newMessageId,
  newRequestId,
  newToolUseId,
  randomBase62,
  toolUseIdFor,
} from '../../main/core/util/ids';

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

  describe('tool_use ids a client is sent for upstream call ids', () => {
    // Anthropic refuses any other tool_use id when a client replays the conversation to it.
    const ANTHROPIC_ID = /^toolu_[a-zA-Z0-9_-]+$/;
    const tricky = [
      'tool:1/abc.def',
      'tool:1/abc_def',
      'tool_3a1_2fabc_2edef',
      'toolu_01A09q90qw90lq917835lq9',
      'toolu_o_tool_3a1',
      'toolu_o_abcdefg',
      'toolu_ab:cdefg',
      'call_abc12345',
      'call-abc12345',
      'call abc12345',
      'TOOLU_abcdefgh',
      'abcdefgh',
      'abcdefgh_',
      'abcdefgh-',
      'abcdefgh_2d',
      'abcdefgh-002d',
      'функция-1234',
      'emoji\u{1F600}xyz',
      'lone\ud800surrogate',
      'lone\udc00surrogate',
      'replaced\ufffdsurrogate',
      'null\u0000byte00',
      'spaces  in  id',
      '________',
      '--------',
      '12345678',
    ];

    it('gives every id the form Anthropic accepts, and never the same one to two ids', () => {
      const given = tricky.map(toolUseIdFor);
      for (const id of given) expect(id).toMatch(ANTHROPIC_ID);
      expect(new Set(given).size).toBe(tricky.length);
      // The same upstream id always gives the same client id: the upstream sees back what it paired.
      expect(tricky.map(toolUseIdFor)).toEqual(given);
    });

    it('passes ids already in Anthropic form unchanged, and spells out every other one', () => {
      expect(toolUseIdFor('toolu_01A09q90qw90lq917835lq9')).toBe('toolu_01A09q90qw90lq917835lq9');
      expect(toolUseIdFor('toolu_ab-cd_ef')).toBe('toolu_ab-cd_ef');
      expect(toolUseIdFor('tool:1/abc.def')).toBe('toolu_o_tool_3a1_2fabc_2edef');
      expect(toolUseIdFor('abcdefgh')).toBe('toolu_o_abcdefgh');
      expect(toolUseIdFor('функция-1')).toBe('toolu_o_-0444-0443-043d-043a-0446-0438-044f_2d1');
      // The renamed ids' own prefix is spelled out too, so an upstream id cannot pose as a renamed one.
      expect(toolUseIdFor('toolu_o_abcdefg')).toBe('toolu_o_toolu_5fo_5fabcdefg');
    });

    it('is one-to-one over many random ids of every kind of character', () => {
      const alphabet = ['a', 'Z', '0', '_', '-', ':', '/', '.', ' ', 'é', '\ud800', '\udc00', '\u{1F600}', '5', 'f'];
      const random = seeded(7);
      const seen = new Map<string, string>();
      for (let n = 0; n < 20_000; n++) {
        let id = 'toolu_';
        const length = 2 + (n % 9);
        for (let i = 0; i < length; i++) id += alphabet[Math.floor(random() * alphabet.length)];
        if (n % 2) id = id.slice(6);
        if (id.length < 8) id = id.padEnd(8, 'x');
        const given = toolUseIdFor(id);
        expect(given).toMatch(ANTHROPIC_ID);
        const before = seen.get(given);
        if (before !== undefined) expect(before).toBe(id);
        seen.set(given, id);
      }
    });

    it('gives a short or missing id a random one, different each time', () => {
      for (const short of ['', '1', 'call_1', 'toolu_1']) {
        const first = toolUseIdFor(short);
        expect(first).toMatch(/^toolu_[0-9A-Za-z]{24}$/);
        expect(toolUseIdFor(short)).not.toBe(first);
      }
      expect(newToolUseId()).toMatch(/^toolu_[0-9A-Za-z]{24}$/);
    });

    it('still gives OpenAI clients call_ ids', () => {
      for (const id of tricky) expect(openAICallId(toolUseIdFor(id))).toMatch(/^call_[a-zA-Z0-9_-]+$/);
      expect(openAICallId(toolUseIdFor('tool:1/abc.def'))).toBe('call_o_tool_3a1_2fabc_2edef');
    });

    it('keeps ids within what tools carry between providers: 64 for tool_use, 40 (OpenAI) for call ids', () => {
      const long = [
        'x'.repeat(65),
        'toolu_' + 'a'.repeat(80),
        'функция-'.repeat(4),
        '123e4567-e89b-12d3-a456-426614174000',
        '123e4567-e89b-12d3-a456-426614174001',
        'call_' + 'b'.repeat(50),
      ];
      const given = long.map(toolUseIdFor);
      for (const id of given) {
        expect(id).toMatch(ANTHROPIC_ID);
        expect(id.length).toBeLessThanOrEqual(64);
        expect(openAICallId(id).length).toBeLessThanOrEqual(40);
        expect(openAICallId(id)).toMatch(/^call_[a-zA-Z0-9_-]+$/);
      }
      expect(new Set(given).size).toBe(long.length);
      expect(new Set(given.map(openAICallId)).size).toBe(long.length);
      // Digested, and the same each time: the upstream still sees back what it paired.
      expect(given[0]).toMatch(/^toolu_h_[A-Za-z0-9_-]{24}$/);
      expect(long.map(toolUseIdFor)).toEqual(given);
      // Short enough ones keep their readable forms.
      expect(toolUseIdFor('toolu_01A09q90qw90lq917835lq9')).toBe('toolu_01A09q90qw90lq917835lq9');
      expect(openAICallId('toolu_01A09q90qw90lq917835lq9')).toBe('call_01A09q90qw90lq917835lq9');
      // An upstream id cannot pose as a digested one either.
      expect(toolUseIdFor('toolu_h_abcdefgh')).toBe('toolu_o_toolu_5fh_5fabcdefgh');
    });
  });
});
