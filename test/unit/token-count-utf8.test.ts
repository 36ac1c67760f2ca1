import { describe, expect, it } from 'vitest';
import {
  estimateInputTokens,
  estimateInputTokensYielding,
  estimateTextTokens,
} from '../../main/core/anthropic/token-estimate';
import { SCRATCH_PART_CHARS, countUtf8Halves } from '../../main/core/anthropic/token-count-utf8';
import type { MessagesRequest } from '../../main/core/anthropic/types';
import { TimeSlices } from '../../main/core/util/time-slices';

/**
 * The estimate's definition, a code point at a time, independent of both counting loops and their state tables: a
 * letter/digit run counts a token per piece (token-count-utf8.ts's DECISION), punctuation 1, non-ASCII 1.5.
 */
function referenceHalves(text: string): number {
  let halves = 0;
  let prev = ''; // the kind of the last character in a run: 'l', 'u', 'd', or '' outside one
  let piece = 0; // characters in the current piece
  let noisy = false; // the run has switched between letters and digits
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    const kind = c >= 97 && c <= 122 ? 'l' : c >= 65 && c <= 90 ? 'u' : c >= 48 && c <= 57 ? 'd' : '';
    if (kind === '') {
      if (c < 128) halves += c > 32 && c < 127 ? 2 : 0;
      else halves += 3; // a lone surrogate is one code point here too
    } else if (prev === '') {
      halves += 2;
      piece = 1;
      noisy = false;
    } else if ((kind === 'd') !== (prev === 'd')) {
      halves += 2;
      piece = 1;
      noisy = true;
    } else if ((prev === 'l' && kind === 'u') || (prev === 'u' && kind === 'l' && piece > 1)) {
      halves += 2;
      piece = 1;
    } else if (piece >= (noisy ? 2 : kind === 'd' ? 3 : Infinity)) {
      halves += 2;
      piece = 1;
    } else piece++;
    prev = kind;
  }
  return halves;
}

const referenceTokens = (text: string): number => Math.round(referenceHalves(text) / 2);

/** A seeded generator, so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

const PIECES = [
  'word',
  'x1',
  'Ab',
  'HTTP',
  '7',
  'e',
  'Q',
  ' ',
  '\n',
  '\t',
  '.',
  '"',
  '\\',
  '{',
  'é',
  '—',
  '你',
  '😀',
  '\ud83d',
  '\ude00',
  '\u0001',
  '\u007f',
];

function randomText(next: () => number, length: number): string {
  let text = '';
  while (text.length < length) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}

describe('the estimate counted over UTF-8', () => {
  it('equals the code-point definition on random texts, short and long, with lone surrogates', () => {
    const next = random(7);
    for (let i = 0; i < 400; i++) {
      const text = randomText(next, Math.floor(next() * 600));
      expect(countUtf8Halves(text), JSON.stringify(text)).toBe(referenceHalves(text));
      expect(estimateTextTokens(text), JSON.stringify(text)).toBe(referenceTokens(text));
    }
  });

  it('counts every single code unit and every pair of bytes-to-be as the definition does', () => {
    // Every BMP code unit after a non-letter and inside runs of each kind of piece (lower, upper, digits, a noisy
    // run's), which walks each entry of the byte tables in use.
    for (let c = 0; c < 0x10000; c += 1) {
      const unit = String.fromCharCode(c);
      for (const text of [`ab${unit}cd`, `. ${unit}1`, `HT${unit}Tp`, `12${unit}34`, `a1${unit}Bc`, `x9Q${unit}z`]) {
        if (countUtf8Halves(text) !== referenceHalves(text)) {
          expect(countUtf8Halves(text), `U+${c.toString(16)} in ${JSON.stringify(text)}`).toBe(referenceHalves(text));
        }
      }
    }
  });

  it('keeps a surrogate pair whole where a long text is counted in parts, and counts a lone one once', () => {
    // Parts of the scratch are SCRATCH_PART_CHARS characters, those of the yielding estimate 256 Ki.
    for (const at of [SCRATCH_PART_CHARS - 1, SCRATCH_PART_CHARS - 2, 2 * SCRATCH_PART_CHARS - 1, 262_143]) {
      for (const odd of ['😀', '\ud83d', '\ude00', '\ud83d\ud83d\ude00']) {
        const text = 'a'.repeat(at) + odd + 'b'.repeat(100);
        expect(countUtf8Halves(text), `${JSON.stringify(odd)} at ${at}`).toBe(referenceHalves(text));
      }
    }
  });

  it('carries a letter run across the parts of a long text', () => {
    const text = 'x'.repeat(3 * SCRATCH_PART_CHARS + 5);
    expect(estimateTextTokens(text)).toBe(1);
    // A hash-like run counts a token each two characters, wherever its parts end: the piece is carried too.
    const hash = 'a1'.repeat(SCRATCH_PART_CHARS + 1);
    expect(estimateTextTokens(hash)).toBe(hash.length);
    expect(estimateTextTokens(`1${hash}`)).toBe(hash.length + 1);
    const words = 'ab '.repeat(SCRATCH_PART_CHARS); // parts end inside runs and between them
    expect(estimateTextTokens(words)).toBe(SCRATCH_PART_CHARS);
  });

  it('gives the yielding estimate of long texts the same number', async () => {
    const next = random(11);
    const long = (length: number): string => randomText(next, length);
    const req: MessagesRequest = {
      model: 'claude-sonnet-4-6',
      max_tokens: 16,
      system: long(300_000),
      messages: [
        { role: 'user', content: 'a'.repeat(262_143) + '😀' + long(262_144) },
        { role: 'assistant', content: [{ type: 'text', text: long(600_000) }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_1', content: long(270_000) },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: long(280_000) } },
          ],
        },
      ],
    };
    const texts = [
      req.system as string,
      req.messages[0]!.content as string,
      (req.messages[1]!.content as Array<{ text: string }>)[0]!.text,
      ...(req.messages[2]!.content as Array<{ content?: string; source?: { data: string } }>).map(
        (block) => block.content ?? block.source!.data,
      ),
    ];
    const expected = texts.reduce((sum, text) => sum + referenceTokens(text), 0);
    expect(estimateInputTokens(req, 0)).toBe(expected);
    expect(await estimateInputTokensYielding(req, 0, new TimeSlices(0))).toBe(expected);
  });
});
