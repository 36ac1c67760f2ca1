import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateMessagesRequest } from '../../main/core/anthropic/validate';
import { RequestValidationError } from '../../main/core/anthropic/validate-checks';
import { KNOWN_BLOCK_TYPES } from '../../main/core/anthropic/validate-content';
import { CLAUDE_CODE_REQUEST } from '../helpers/fixtures';

const FIXTURE = CLAUDE_CODE_REQUEST;
const CREATE = { requireMaxTokens: true };
const COUNT = { requireMaxTokens: false };

const valid = () => ({
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'hello' }],
});

function rejection(body: unknown, options = CREATE): string {
  try {
    validateMessagesRequest(body, options);
  } catch (error) {
    expect(error).toBeInstanceOf(RequestValidationError);
    expect((error as Error).name).toBe('RequestValidationError');
    return (error as Error).message;
  }
  throw new Error(`expected ${JSON.stringify(body)} to be refused`);
}

const EXPECTED_TAGS = [...KNOWN_BLOCK_TYPES].map((t) => `'${t}'`).join(', ');

describe('validateMessagesRequest: accepted bodies', () => {
  it('returns the body itself, unchanged', () => {
    const body = valid();
    const before = JSON.stringify(body);
    expect(validateMessagesRequest(body, CREATE)).toBe(body);
    expect(JSON.stringify(body)).toBe(before);
  });

  it('the Claude Code fixture validates: system message inside messages, adaptive thinking, unknown fields', () => {
    const body = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
    const messages = body.messages as Array<{ role: string }>;
    // The fixture really has the shapes this test claims to cover.
    expect(messages.some((m) => m.role === 'system')).toBe(true);
    expect(body.thinking).toEqual({ type: 'adaptive' });
    expect(Object.keys(body)).toEqual(expect.arrayContaining(['context_management', 'output_config', 'metadata']));
    expect(validateMessagesRequest(body, CREATE)).toBe(body);
    expect(validateMessagesRequest(body, COUNT)).toBe(body);
  });

  it('accepts the other documented shapes', () => {
    const body = {
      ...valid(),
      system: [{ type: 'text', text: 'be brief', cache_control: { type: 'ephemeral' } }],
      stream: true,
      stop_sequences: ['END'],
      thinking: { type: 'enabled', budget_tokens: 2048 },
      tools: [
        { name: 'read_file', input_schema: { type: 'object' } },
        { type: 'function', function: { name: 'openai_style' } },
      ],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'hi' },
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } },
          ],
        },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: '…', signature: 'sig' },
            { type: 'tool_use', id: 'toolu_XXXX', name: 'read_file', input: {} },
          ],
        },
        {
          role: 'user',
          content: [
            {
              type: 'tool_result',
              tool_use_id: 'toolu_XXXX',
              content: [{ type: 'text', text: 'ok' }],
              is_error: false,
            },
          ],
        },
      ],
      some_future_field: { anything: true },
    };
    expect(() => validateMessagesRequest(body, CREATE)).not.toThrow();
  });

  it('count_tokens mode does not require max_tokens, but still checks one that is given', () => {
    const { max_tokens: _dropped, ...body } = valid();
    expect(() => validateMessagesRequest(body, COUNT)).not.toThrow();
    expect(rejection(body, CREATE)).toBe('max_tokens: Field required');
    expect(rejection({ ...body, max_tokens: 'many' }, COUNT)).toBe('max_tokens: Input should be a valid integer');
  });
});

describe('validateMessagesRequest: refusals name the path, Anthropic-style', () => {
  it.each<[string, unknown, string]>([
    ['not an object', [], 'The request body must be a JSON object.'],
    ['null', null, 'The request body must be a JSON object.'],
    ['no model', { ...valid(), model: undefined }, 'model: Field required'],
    ['model not a string', { ...valid(), model: 4 }, 'model: Input should be a valid string'],
    ['blank model', { ...valid(), model: '  ' }, 'model: String should have at least 1 character'],
    ['max_tokens as a string', { ...valid(), max_tokens: '1024' }, 'max_tokens: Input should be a valid integer'],
    ['fractional max_tokens', { ...valid(), max_tokens: 1.5 }, 'max_tokens: Input should be a valid integer'],
    ['NaN max_tokens', { ...valid(), max_tokens: Number.NaN }, 'max_tokens: Input should be a valid integer'],
    ['zero max_tokens', { ...valid(), max_tokens: 0 }, 'max_tokens: Input should be greater than or equal to 1'],
    ['no messages', { ...valid(), messages: undefined }, 'messages: Field required'],
    ['messages not a list', { ...valid(), messages: {} }, 'messages: Input should be a valid list'],
    [
      'empty messages',
      { ...valid(), messages: [] },
      'messages: List should have at least 1 item after validation, not 0',
    ],
    ['message not an object', { ...valid(), messages: ['hi'] }, 'messages.0: Input should be a valid dictionary'],
    ['no role', { ...valid(), messages: [{ content: 'x' }] }, 'messages.0.role: Field required'],
    [
      'wrong role',
      {
        ...valid(),
        messages: [
          { role: 'user', content: 'a' },
          { role: 'robot', content: 'b' },
        ],
      },
      "messages.1.role: Input should be 'user', 'assistant' or 'system'",
    ],
    ['no content', { ...valid(), messages: [{ role: 'user' }] }, 'messages.0.content: Field required'],
    [
      'content a number',
      { ...valid(), messages: [{ role: 'user', content: 3 }] },
      'messages.0.content: Input should be a valid string or a list of content blocks',
    ],
    [
      'block without type',
      { ...valid(), messages: [{ role: 'user', content: [{ text: 'x' }] }] },
      'messages.0.content.0.type: Field required',
    ],
    [
      'text block without text',
      { ...valid(), messages: [{ role: 'user', content: [{ type: 'text' }] }] },
      'messages.0.content.0.text: Field required',
    ],
    [
      'tool_use without name',
      { ...valid(), messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_XXXX', input: {} }] }] },
      'messages.0.content.0.name: Field required',
    ],
    [
      'tool_use input not an object',
      {
        ...valid(),
        messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_XXXX', name: 'x', input: [] }] }],
      },
      'messages.0.content.0.input: Input should be a valid dictionary',
    ],
    [
      'tool_result without id',
      { ...valid(), messages: [{ role: 'user', content: [{ type: 'tool_result', content: 'x' }] }] },
      'messages.0.content.0.tool_use_id: Field required',
    ],
    [
      'bad block inside a tool_result',
      {
        ...valid(),
        messages: [
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 1 }] }] },
        ],
      },
      'messages.0.content.0.content.0.text: Input should be a valid string',
    ],
    [
      'is_error not boolean',
      {
        ...valid(),
        messages: [{ role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', is_error: 'yes' }] }],
      },
      'messages.0.content.0.is_error: Input should be a valid boolean',
    ],
    [
      'image without source',
      { ...valid(), messages: [{ role: 'user', content: [{ type: 'image' }] }] },
      'messages.0.content.0.source: Field required',
    ],
    ['system a number', { ...valid(), system: 5 }, 'system: Input should be a valid string or a list of text blocks'],
    [
      'system block not text',
      {
        ...valid(),
        system: [
          { type: 'text', text: 'a' },
          { type: 'image', source: {} },
        ],
      },
      "system.1.type: Input should be 'text'",
    ],
    ['system block without text', { ...valid(), system: [{ type: 'text' }] }, 'system.0.text: Field required'],
    ['system block not an object', { ...valid(), system: ['plain'] }, 'system.0: Input should be a valid dictionary'],
    ['tools not a list', { ...valid(), tools: {} }, 'tools: Input should be a valid list'],
    [
      'tool without name',
      { ...valid(), tools: [{ name: 'ok' }, { description: 'no name' }] },
      'tools.1.name: Field required',
    ],
    [
      'function tool without name',
      { ...valid(), tools: [{ type: 'function', function: {} }] },
      'tools.0.function.name: Field required',
    ],
    [
      'tool schema not an object',
      { ...valid(), tools: [{ name: 'x', input_schema: 'object' }] },
      'tools.0.input_schema: Input should be a valid dictionary',
    ],
    ['stream not boolean', { ...valid(), stream: 'true' }, 'stream: Input should be a valid boolean'],
    ['thinking not an object', { ...valid(), thinking: 'adaptive' }, 'thinking: Input should be a valid dictionary'],
    ['thinking without type', { ...valid(), thinking: {} }, 'thinking.type: Field required'],
    [
      'stop_sequences with a number',
      { ...valid(), stop_sequences: ['a', 1] },
      'stop_sequences: Input should be a valid list of strings',
    ],
  ])('%s', (_name, body, message) => {
    expect(rejection(body)).toBe(message);
  });

  it('an unknown block type lists the expected tags', () => {
    const body = {
      ...valid(),
      messages: [{ role: 'user', content: [{ type: 'text', text: 'ok' }, { type: 'bogus' }] }],
    };
    expect(rejection(body)).toBe(
      "messages.0.content.1.type: Input tag 'bogus' found using 'type' " +
        `does not match any of the expected tags: ${EXPECTED_TAGS}`,
    );
    expect(EXPECTED_TAGS).toContain("'text', 'image'");
  });

  it.each([
    ['an object', { kind: 'text' }, `{"kind":"text"}`],
    ['a list', ['text'], `["text"]`],
    ['a number', 7, '7'],
    ['null', null, 'null'],
  ])('a tag that is %s is echoed as JSON, not as "[object Object]"', (_name, type, shown) => {
    const body = { ...valid(), messages: [{ role: 'user', content: [{ type }] }] };
    expect(rejection(body)).toMatch(`messages.0.content.0.type: Input tag '${shown}' found using 'type'`);
  });

  it('reports the first problem in document order', () => {
    const body = {
      model: 'm',
      max_tokens: 1,
      messages: [
        { role: 'user', content: 'ok' },
        { role: 'user', content: [{ type: 'nope' }] },
      ],
      system: 5,
    };
    expect(rejection(body)).toMatch(/^messages\.1\.content\.0\.type: Input tag 'nope'/);
  });
});

describe('validateMessagesRequest: Anthropic bounds on numbers', () => {
  it.each([
    ['max_tokens of 1e308', { ...valid(), max_tokens: 1e308 }, /^max_tokens: 1e\+308 > 128000, which is the maximum/],
    ['max_tokens of 2^63', { ...valid(), max_tokens: 2 ** 63 }, /^max_tokens: 9\.223372036854776e\+18 > 128000/],
    ['max_tokens one past the limit', { ...valid(), max_tokens: 128_001 }, /^max_tokens: 128001 > 128000/],
    ['max_tokens of 0', { ...valid(), max_tokens: 0 }, /^max_tokens: Input should be greater than or equal to 1$/],
    ['max_tokens of 1.5', { ...valid(), max_tokens: 1.5 }, /^max_tokens: Input should be a valid integer$/],
    [
      'temperature above 1',
      { ...valid(), temperature: 1.01 },
      /^temperature: Input should be less than or equal to 1$/,
    ],
    [
      'temperature below 0',
      { ...valid(), temperature: -0.1 },
      /^temperature: Input should be greater than or equal to 0$/,
    ],
    ['temperature as text', { ...valid(), temperature: '0.5' }, /^temperature: Input should be a valid number$/],
    ['top_p above 1', { ...valid(), top_p: 2 }, /^top_p: Input should be less than or equal to 1$/],
    ['top_k negative', { ...valid(), top_k: -1 }, /^top_k: Input should be greater than or equal to 0$/],
    ['top_k fractional', { ...valid(), top_k: 2.5 }, /^top_k: Input should be a valid integer$/],
  ])('refuses %s', (_name, body, message) => {
    expect(rejection(body)).toMatch(message);
  });

  it('accepts the bounds themselves, and a count_tokens body with a huge max_tokens is refused too', () => {
    expect(() =>
      validateMessagesRequest({ ...valid(), max_tokens: 128_000, temperature: 0, top_p: 1, top_k: 0 }, CREATE),
    ).not.toThrow();
    expect(() => validateMessagesRequest({ ...valid(), temperature: 1, top_p: 0 }, CREATE)).not.toThrow();
    expect(rejection({ ...valid(), max_tokens: 1e308 }, COUNT)).toMatch(/^max_tokens: 1e\+308 > 128000/);
  });
});
