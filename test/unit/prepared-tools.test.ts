import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { estimateInputTokens } from '../../main/core/anthropic/token-estimate';
import type { ToolDefinition } from '../../main/core/anthropic/types';
import { encodeOrchidsBody } from '../../main/core/orchids/encode-body';
import { PreparedToolsCache, sameJson, signature } from '../../main/core/orchids/prepared-tools';
import { buildOrchidsRequest } from '../../main/core/orchids/request-builder';
import { toOrchidsTools } from '../../main/core/orchids/tool-mapping';
import { CLAUDE_CODE_REQUEST } from '../helpers/fixtures';

const FIXTURE = CLAUDE_CODE_REQUEST;
const fresh = () => JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
const tool = (
  description: string,
  schema: Record<string, unknown> = { type: 'object', properties: { a: { type: 'string' } } },
): ToolDefinition => ({
  name: 'Read',
  description,
  input_schema: schema,
});

describe('PreparedToolsCache', () => {
  it('prepares a tool list once and serves equal lists (new objects, same content) from memory', () => {
    const cache = new PreparedToolsCache();
    const first = cache.prepare(fresh().tools);
    const second = cache.prepare(fresh().tools);
    expect(second).toBe(first);
    expect(first.tools).toEqual(toOrchidsTools(fresh().tools));
    expect(JSON.parse(first.json!.toString())).toEqual(first.tools);
  });

  it('a changed description, schema, name or order is a different list, even when the signature matches', () => {
    const cache = new PreparedToolsCache();
    const base = () => [tool('read a file'), { ...tool('run'), name: 'Bash' }];
    const prepared = cache.prepare(base());
    expect(cache.prepare(base())).toBe(prepared);
    const sameLengthEdit = [tool('read a fil!'), base()[1]!];
    expect(signature(sameLengthEdit)).toBe(signature(base()));
    expect(cache.prepare(sameLengthEdit)).not.toBe(prepared);
    const schemaEdit = [tool('read a file', { type: 'object', properties: { a: { type: 'number' } } }), base()[1]!];
    expect(cache.prepare(schemaEdit).tools[0]!.input_schema).toEqual({
      type: 'object',
      properties: { a: { type: 'number' } },
    });
    expect(cache.prepare([{ ...base()[0]!, name: 'View' }, base()[1]!])).not.toBe(prepared);
    expect(cache.prepare([base()[1]!, base()[0]!])).not.toBe(prepared);
    expect(cache.prepare(base())).toBe(prepared); // still there
  });

  it('compares parsed JSON exactly, key order included', () => {
    expect(sameJson({ a: [1, { b: 'x' }] }, { a: [1, { b: 'x' }] })).toBe(true);
    expect(sameJson({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(false);
    expect(sameJson([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(sameJson({ a: null }, { a: undefined })).toBe(false);
  });

  it('forgets the least recently used list beyond its capacity', () => {
    const cache = new PreparedToolsCache(2);
    const a = cache.prepare([tool('a')]);
    cache.prepare([tool('b')]);
    expect(cache.prepare([tool('a')])).toBe(a); // refreshes a
    cache.prepare([tool('c')]); // evicts b
    expect(cache.size).toBe(2);
    expect(cache.prepare([tool('a')])).toBe(a);
  });

  it('gives the same input estimate as counting the tools afresh', () => {
    const cache = new PreparedToolsCache();
    const request = fresh();
    expect(estimateInputTokens(request, cache.prepare(request.tools).tokens)).toBe(estimateInputTokens(request));
  });
});

describe('encodeOrchidsBody', () => {
  const ctx = { email: 'a@example.test', userId: 'user_a', upstreamModel: 'claude-opus-4-6', chatSessionId: 'chat_x' };

  it('is the JSON of the whole body, with the cached tools spliced in', () => {
    const request = fresh();
    const prepared = new PreparedToolsCache().prepare(request.tools);
    const body = buildOrchidsRequest(request, { ...ctx, tools: prepared.tools });
    expect(JSON.parse(encodeOrchidsBody(body, prepared.json).toString())).toEqual(JSON.parse(JSON.stringify(body)));
  });

  it('writes the very bytes JSON.stringify gives, also around non-ASCII text', () => {
    const request = fresh();
    request.system = 'Answer briefly — “quoted” → 中文 🍵 é';
    const prepared = new PreparedToolsCache().prepare(request.tools);
    const body = buildOrchidsRequest(request, { ...ctx, tools: prepared.tools });
    const { tools, ...rest } = body;
    const expected = Buffer.from(JSON.stringify({ ...rest, tools }));
    expect(encodeOrchidsBody(body, prepared.json).equals(expected)).toBe(true);
  });

  it('handles a body without tools, and a history long enough to be encoded in pieces', () => {
    const request = {
      model: 'm',
      max_tokens: 1,
      messages: [
        { role: 'user', content: 'x'.repeat(50_000) + ' — and more' },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'next' },
      ],
    };
    const body = buildOrchidsRequest(request as never, ctx);
    expect(JSON.parse(encodeOrchidsBody(body, undefined).toString())).toEqual(JSON.parse(JSON.stringify(body)));
  });
});
