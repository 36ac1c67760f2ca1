import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { MessagesRequest } from '../../main/core/anthropic/types';
import { estimateInputTokens, estimateJsonTokens, estimateTextTokens } from '../../main/core/anthropic/token-estimate';
import { CLAUDE_CODE_REQUEST } from '../helpers/fixtures';

const FIXTURE = CLAUDE_CODE_REQUEST;

describe('estimateTextTokens', () => {
  it.each([
    ['', 0],
    ['   \n\t\r', 0],
    ['hello', 1],
    ['hello world', 2],
    ['abcdef', 1],
    ['hello, world!', 4],
    ['foo_bar', 3],
    ['a.b/c', 5],
    ['  spaced   out  ', 2],
  ])('ASCII %j → %i', (text, tokens) => {
    expect(estimateTextTokens(text)).toBe(tokens);
  });

  it.each([
    ['internationalization', 1], // one case, no digits: one piece however long
    ['camelCase', 2],
    ['HTTPServer', 2],
    ['Order', 1],
    ['1717171717', 4], // three digits a piece
    ['abc123', 3], // abc 12 3
    ['abc123XYZ', 5], // after a switch between letters and digits, two characters a piece: abc 12 3 XY Z
    ['a3f9c2e1b4d5', 12],
    ['aGVsbG8gd29ybGQ', 9], // base64
  ])('splits a letter/digit run into pieces as a BPE tokenizer roughly does: %j → %i', (text, tokens) => {
    expect(estimateTextTokens(text)).toBe(tokens);
  });

  it('counts 1.5 per non-ASCII code point and rounds once at the end', () => {
    expect(estimateTextTokens('你好')).toBe(3);
    expect(estimateTextTokens('你好世界')).toBe(6);
    expect(estimateTextTokens('é')).toBe(2); // 1.5 rounds up
    expect(estimateTextTokens('naïve')).toBe(4); // "na" + ï + "ve" = 1 + 1.5 + 1
  });

  it('counts a surrogate pair as one code point, and a lone surrogate as one too', () => {
    expect(estimateTextTokens('😀')).toBe(2);
    expect(estimateTextTokens('😀😀')).toBe(3);
    expect(estimateTextTokens('\ud83d')).toBe(2);
    expect(estimateTextTokens('\ude00')).toBe(2);
    expect(estimateTextTokens('\ude00\ud83d')).toBe(3);
  });

  it('ends a letter run at a non-ASCII character', () => {
    expect(estimateTextTokens('abcédef')).toBe(4); // 1 + 1.5 + 1 = 3.5
  });
});

describe('estimateJsonTokens', () => {
  it('matches the estimate of the serialised JSON when no escapes are involved', () => {
    const samples: unknown[] = [
      { type: 'object', properties: { command: { type: 'string', description: 'The cmd' } }, required: ['command'] },
      [1, 2.5, -3, true, false, null, 'x'],
      { nested: { empty: {}, list: [], word: 'wörd' }, skipped: undefined },
      [],
      {},
    ];
    for (const value of samples) {
      expect(estimateJsonTokens(value)).toBe(estimateTextTokens(JSON.stringify(value)));
    }
  });
});

describe('estimateInputTokens', () => {
  const base = (extra: Partial<MessagesRequest> = {}): MessagesRequest => ({
    model: 'claude-sonnet-4-6',
    max_tokens: 100,
    messages: [{ role: 'user', content: 'hello world' }],
    ...extra,
  });

  it('adds up system text and message text', () => {
    expect(estimateInputTokens(base())).toBe(2);
    expect(estimateInputTokens(base({ system: 'Be brief.' }))).toBe(2 + 3);
    expect(estimateInputTokens(base({ system: [{ type: 'text', text: 'Be brief.' }] }))).toBe(2 + 3);
  });

  it('counts tool_use names and inputs and tool_result contents', () => {
    const req = base({
      messages: [
        { role: 'user', content: 'go' },
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'ls' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't1', content: 'a b c' },
            { type: 'tool_result', tool_use_id: 't2', content: [{ type: 'text', text: 'd e' }] },
          ],
        },
      ],
    });
    const input = estimateTextTokens(JSON.stringify({ command: 'ls' }));
    expect(estimateInputTokens(req)).toBe(1 + 1 + input + 3 + 2);
  });

  it('charges a fixed 1,500 per image and per binary document, and a text document by its text', () => {
    const req = base({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
            { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: 'AAAA' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'two words' } },
          ],
        },
      ],
    });
    expect(estimateInputTokens(req)).toBe(1500 + 1500 + 2);
  });

  it('ignores thinking blocks, which are never forwarded', () => {
    const withThinking = base({
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'long '.repeat(100), signature: 's' },
            { type: 'text', text: 'a' },
          ],
        },
        { role: 'user', content: 'r' },
      ],
    });
    expect(estimateInputTokens(withThinking)).toBe(3);
  });

  it('counts tools by name, description and schema, in either tool shape', () => {
    const schema = { type: 'object', properties: { q: { type: 'string' } } };
    const toolCost = 1 + 2 + estimateTextTokens(JSON.stringify(schema)); // "Find" + "find things"
    const anthropic = { name: 'Find', description: 'find things', input_schema: schema };
    const openai = {
      name: '',
      type: 'function',
      function: { name: 'Find', description: 'find things', parameters: schema },
    };
    expect(estimateInputTokens(base({ tools: [anthropic] }))).toBe(2 + toolCost);
    expect(estimateInputTokens(base({ tools: [openai] }))).toBe(2 + toolCost);
  });

  it('counts system-role messages and unknown blocks too', () => {
    const req = base({
      messages: [
        { role: 'system', content: 'agent list' },
        { role: 'user', content: [{ type: 'search_result', title: 'Hit' }] },
      ],
    });
    expect(estimateInputTokens(req)).toBe(2 + estimateTextTokens('{"type":"search_result","title":"Hit"}'));
  });

  it('lands near the estimate of the whole Claude Code request text', () => {
    const text = fs.readFileSync(FIXTURE, 'utf8');
    const estimate = estimateInputTokens(JSON.parse(text) as MessagesRequest);
    const whole = estimateTextTokens(text);
    // The request JSON also carries envelope keys, quotes and escapes the prompt does not.
    expect(estimate).toBeGreaterThan(whole * 0.8);
    expect(estimate).toBeLessThan(whole);
  });
});

describe('estimateTextTokens on long texts (remembered by their text)', () => {
  it('gives each text its own count, also for texts of equal length asked for again', () => {
    const words = 'word '.repeat(4000); // 20,000 characters: past the length V8 hashes a string by
    const symbols = '!'.repeat(words.length);
    expect(estimateTextTokens(words)).toBe(4000);
    expect(estimateTextTokens(symbols)).toBe(20000);
    expect(estimateTextTokens(words)).toBe(4000);
    expect(estimateTextTokens(`${'word '.repeat(400)}`)).toBe(400);
    expect(estimateTextTokens(symbols)).toBe(20000);
  });
});
