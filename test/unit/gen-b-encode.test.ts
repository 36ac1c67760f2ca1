import { describe, expect, it } from 'vitest';
import type { Message, MessagesRequest } from '../../main/core/anthropic/types';
import { encodeGenBBody } from '../../main/core/orchids/gen-b/encode-body';
import { buildGenBBody } from '../../main/core/orchids/gen-b/request-builder';
import type { GenBBody } from '../../main/core/orchids/gen-b/types';
import { genBWireObject } from '../helpers/gen-b';

// A body whose text could pass V8's large-object threshold is encoded part by part (gen-b/encode-body.ts); these
// bodies are all past that bound, so each takes that path somewhere: per message, walked messages, sliced strings.

const build = (messages: unknown[], extra: Partial<MessagesRequest> = {}): GenBBody =>
  buildGenBBody(
    { model: 'claude-sonnet-4-6', max_tokens: 1024, messages: messages as Message[], ...extra },
    {
      upstreamModel: 'claude-sonnet-4-6',
      thinkingMode: 'enabled',
    },
  );

describe('large bodies (encoded in pieces) are byte-identical to one JSON.stringify', () => {
  const SLICE = 16_384;
  const expectIdentical = (body: GenBBody): void => {
    for (const transport of ['ws', 'sse'] as const) {
      const expected = Buffer.from(`${JSON.stringify(genBWireObject(body, transport))}\n`);
      const actual = encodeGenBBody(body, transport);
      expect(actual.equals(expected), transport).toBe(true);
    }
  };
  const line = 'const s = "quoted \\ ünïcödé";\tconsole.log(s); // 🍵\n';
  const text = (length: number): string => line.repeat(Math.ceil(length / line.length)).slice(0, length);

  it('a long tool-using conversation', () => {
    const messages: Message[] = [{ role: 'user', content: 'go' }];
    for (let i = 0; i < 40; i++) {
      const id = `toolu_${i}`;
      const read = { type: 'tool_use' as const, id, name: 'Read', input: { file_path: `/f${i}` } };
      messages.push({ role: 'assistant', content: [read] });
      messages.push({ role: 'user', content: [{ type: 'tool_result', tool_use_id: id, content: text(3000 + i) }] });
    }
    expectIdentical(build(messages, { system: text(20_000) }));
  });

  it('one huge tool result, with a surrogate pair across each slice boundary', () => {
    let huge = '';
    for (let k = 1; k <= 5; k++) huge += 'a'.repeat(SLICE - 1 - (huge.length % SLICE)) + '🍵';
    const body = build([
      { role: 'user', content: 'read it' },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'x', content: huge, is_error: true }] },
    ]);
    expectIdentical(body);
  });

  it('a tool result array holding long text and a large image, and a large top-level image', () => {
    const data = 'QUJD'.repeat(50_000);
    const body = build([
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data } },
          {
            type: 'tool_result',
            tool_use_id: 'x',
            content: [
              { type: 'text', text: text(70_000) },
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data } },
            ],
          },
        ],
      },
    ]);
    expectIdentical(body);
  });

  it('a tool_use with a long input and a system longer than a slice', () => {
    const write = { type: 'tool_use', id: 't', name: 'Write', input: { file_path: '/a', content: text(90_000) } };
    const body = build(
      [
        { role: 'user', content: 'write it' },
        { role: 'assistant', content: [write] },
      ],
      { system: [{ type: 'text', text: text(40_000) }] },
    );
    expectIdentical(body);
  });
});

describe('the system text', () => {
  it('is reused only for the same text: equal lengths, many conversations, and a repeat after eviction', () => {
    const base = 'You are a coding agent — keep answers short. '.repeat(300);
    const systems = Array.from({ length: 20 }, (_, i) => `${base}${String.fromCharCode(65 + i)}`);
    systems.push('x'.repeat(70_000) + '🍵'); // past the size the encoder remembers
    for (const round of [1, 2]) {
      for (const system of [...systems, systems[0]!]) {
        const body = build([{ role: 'user', content: `turn ${round}` }], { system });
        for (const transport of ['ws', 'sse'] as const) {
          const expected = `${JSON.stringify(genBWireObject(body, transport))}\n`;
          const actual = encodeGenBBody(body, transport).toString('utf8');
          expect(actual === expected, `${transport} ${system.slice(-1)}`).toBe(true);
        }
      }
    }
  });
});

describe('small bodies (written as one string) are byte-identical to one JSON.stringify', () => {
  it('with and without a system text, escapes and surrogate pairs, at the bound and just past it', () => {
    const bodies = [
      build([{ role: 'user', content: 'Say hello in five words.' }]),
      build([{ role: 'user', content: 'quote " backslash \\ tab \t newline \n — 🍵' }], {
        system: 'Be brief — "always".',
      }),
      build(
        [
          { role: 'system', content: 'a system message' },
          { role: 'user', content: [{ type: 'text', text: 'ünïcödé' }] },
          { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'Read', input: { path: '/a' } }] },
        ],
        { system: [{ type: 'text', text: 'block system' }] as MessagesRequest['system'] },
      ),
      // Around the bound between the one-string form and the general one, from both sides.
      ...[1900, 1990, 2000, 2010, 2100].map((length) => build([{ role: 'user', content: 'x'.repeat(length) }])),
      build([{ role: 'user', content: 'hi' }], { system: 'y'.repeat(2049) }),
    ];
    for (const body of bodies) {
      for (const transport of ['ws', 'sse'] as const) {
        const expected = `${JSON.stringify(genBWireObject(body, transport))}\n`;
        expect(encodeGenBBody(body, transport).toString('utf8'), transport).toBe(expected);
      }
    }
  });
});
