import { describe, expect, it } from 'vitest';
import { compileSchema, SchemaError } from '../../main/core/anthropic/structured/json-schema';
import { checkAnswer, parseJsonAnswer } from '../../main/core/anthropic/structured/output-check';
import { outputInstruction } from '../../main/core/anthropic/structured/output-instruction';
import { planOutput, withSystemNote, type ForcedShape } from '../../main/core/anthropic/structured/output-plan';
import type { MessagesRequest, MessagesResponse, ResponseBlock } from '../../main/core/anthropic/types';
import { RequestValidationError } from '../../main/core/anthropic/validate-checks';

const WEATHER = {
  name: 'get_weather',
  description: 'Weather',
  input_schema: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
    additionalProperties: false,
  },
};
const TIME = {
  name: 'get_time',
  input_schema: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] },
};

const request = (extra: Partial<MessagesRequest>): MessagesRequest => ({
  model: 'm',
  max_tokens: 10,
  messages: [{ role: 'user', content: 'hi' }],
  ...extra,
});

const answer = (...content: ResponseBlock[]): MessagesResponse => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  content,
  model: 'm',
  stop_reason: 'end_turn',
  stop_sequence: null,
  usage: { input_tokens: 1, output_tokens: 1 },
});
const says = (text: string) => answer({ type: 'text', text });

function shapeOf(extra: Partial<MessagesRequest>): ForcedShape {
  return planOutput(request(extra))!.shape!;
}

describe('compileSchema (Ajv)', () => {
  it('checks values and says where they fail', () => {
    const check = compileSchema({ type: 'object', properties: { age: { type: 'integer' } }, required: ['age'] });
    expect(check({ age: 3 })).toBeUndefined();
    expect(check({ age: 'x' })).toBe('/age: must be integer');
    expect(check({})).toBe("(root): must have required property 'age'");
  });

  it('follows $schema: draft 2020-12 keywords work, draft-04 is read as 07, formats are not checked', () => {
    const tuple = compileSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'number' }],
    });
    expect(tuple(['a', 1])).toBeUndefined();
    expect(tuple([1, 'a'])).toMatch(/\/0: must be string/);
    const old = compileSchema({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'string', format: 'email' });
    expect(old('not an email')).toBeUndefined();
    expect(old(3)).toMatch(/must be string/);
  });

  it('compiles a schema once, and the same $id twice without a clash', () => {
    const schema = { $id: 'https://example.test/person', type: 'object' };
    const first = compileSchema(schema);
    expect(compileSchema({ ...schema })).toBe(first);
    expect(() => compileSchema({ $id: 'https://example.test/person', type: 'string' })).not.toThrow();
  });

  it('refuses what is not a schema', () => {
    expect(() => compileSchema({ type: 'banana' })).toThrow(SchemaError);
    expect(() => compileSchema('string')).toThrow(SchemaError);
  });
});

describe('parseJsonAnswer', () => {
  it.each([
    ['plain JSON', '{"a": 1}', { a: 1 }],
    ['a fenced block', 'Here:\n```json\n{"a": 1}\n```\nDone.', { a: 1 }],
    ['a fence without a language', '```\n[1, 2]\n```', [1, 2]],
    ['JSON after a sentence', 'Sure! {"a": {"b": 2}} Hope that helps.', { a: { b: 2 } }],
  ])('reads %s', (_name, text, value) => {
    expect(parseJsonAnswer(text)).toEqual({ ok: true, value });
  });

  it('says why when there is none', () => {
    expect(parseJsonAnswer('   ')).toEqual({ ok: false, problem: 'the answer was empty' });
    expect(parseJsonAnswer('no json here')).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^the answer is not JSON/),
    });
  });
});

describe('planOutput', () => {
  it('is nothing to do for a free answer', () => {
    expect(planOutput(request({}))).toBeUndefined();
    expect(planOutput(request({ tool_choice: { type: 'auto' }, tools: [WEATHER] }))).toBeUndefined();
    expect(planOutput(request({ output_config: { effort: 'high' } }))).toBeUndefined();
  });

  it('reads forced tools, schemas, none and serial calls', () => {
    expect(shapeOf({ tools: [WEATHER, TIME], tool_choice: { type: 'tool', name: 'get_time' } })).toMatchObject({
      kind: 'tool',
      named: true,
      parallel: true,
      tools: [{ name: 'get_time' }],
    });
    expect(
      shapeOf({ tools: [WEATHER, TIME], tool_choice: { type: 'any', disable_parallel_tool_use: true } }),
    ).toMatchObject({
      kind: 'tool',
      named: false,
      parallel: false,
    });
    expect(
      shapeOf({ tools: [WEATHER], output_config: { format: { type: 'json_schema', schema: { type: 'object' } } } }),
    ).toMatchObject({
      kind: 'json',
      toolsAllowed: true,
    });
    expect(planOutput(request({ tools: [WEATHER], tool_choice: { type: 'none' } }))).toEqual({
      shape: undefined,
      withholdToolCalls: true,
      maxToolUses: undefined,
    });
    expect(planOutput(request({ tool_choice: { type: 'auto', disable_parallel_tool_use: true } }))?.maxToolUses).toBe(
      1,
    );
  });

  it('refuses what cannot be honoured, in the Messages API’s words', () => {
    expect(() => planOutput(request({ tool_choice: { type: 'tool', name: 'nope' }, tools: [WEATHER] }))).toThrow(
      RequestValidationError,
    );
    expect(() => planOutput(request({ output_format: { type: 'json_schema', schema: { type: 'banana' } } }))).toThrow(
      /^output_format\.schema: not a usable JSON Schema/,
    );
  });

  it('never forces a server tool, which nothing here can run: named, or as the only choice of any', () => {
    const search = { type: 'web_search_20250305', name: 'web_search' };
    const code = { type: 'code_execution_20250825', name: 'code_execution' };
    expect(() =>
      planOutput(request({ tools: [WEATHER, search], tool_choice: { type: 'tool', name: 'web_search' } })),
    ).toThrow(/^tool_choice\.name: tool_choice 'web_search' forces a server tool/);
    expect(() => planOutput(request({ tools: [search, code], tool_choice: { type: 'any' } }))).toThrow(
      /^tool_choice: tool_choice 'any' forces a server tool/,
    );
    // any picks among the tools the client runs; Anthropic's client tools (bash) are among them
    const bash = { type: 'bash_20250124', name: 'bash' };
    const targets = (extra: Partial<MessagesRequest>): string[] => {
      const shape = shapeOf(extra);
      return shape.kind === 'tool' ? shape.tools.map((target) => target.name) : [];
    };
    expect(targets({ tools: [search, WEATHER, code, bash], tool_choice: { type: 'any' } })).toEqual([
      'get_weather',
      'bash',
    ]);
    expect(targets({ tools: [WEATHER, bash], tool_choice: { type: 'tool', name: 'bash' } })).toEqual(['bash']);
  });
});

describe('checkAnswer: a forced tool', () => {
  const named = () => shapeOf({ tools: [WEATHER, TIME], tool_choice: { type: 'tool', name: 'get_weather' } });
  const any = (parallel = true) =>
    shapeOf({ tools: [WEATHER, TIME], tool_choice: { type: 'any', disable_parallel_tool_use: !parallel } });

  it('takes a real call to the tool as it is', () => {
    const verdict = checkAnswer(
      named(),
      answer({ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Rome' } }),
    );
    expect(verdict).toEqual({
      ok: true,
      stopReason: 'tool_use',
      content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Rome' } }],
    });
  });

  it('turns JSON text into the call: bare arguments, or a {name, arguments} envelope', () => {
    for (const text of ['{"city": "Rome"}', '{"name": "get_weather", "arguments": "{\\"city\\": \\"Rome\\"}"}']) {
      const verdict = checkAnswer(named(), says(text));
      expect(verdict).toMatchObject({
        ok: true,
        content: [{ type: 'tool_use', name: 'get_weather', input: { city: 'Rome' } }],
      });
      expect((verdict as { content: Array<{ id: string }> }).content[0]!.id).toMatch(/^toolu_[0-9A-Za-z]{24}$/);
    }
  });

  it('names what is wrong: another tool, no JSON, arguments off the schema', () => {
    expect(
      checkAnswer(named(), answer({ type: 'tool_use', id: 't', name: 'get_time', input: { zone: 'x' } })),
    ).toMatchObject({
      ok: false,
      problem: 'it called "get_time" instead of "get_weather", and the answer was empty',
    });
    expect(checkAnswer(named(), says('It is sunny.'))).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/^it made no call to "get_weather", and the answer is not JSON/),
      answer: 'It is sunny.',
    });
    expect(checkAnswer(named(), says('{"city": "Rome", "units": "C"}'))).toMatchObject({
      ok: false,
      problem: expect.stringContaining("must NOT have additional properties ('units')"),
    });
  });

  it('any: the envelope says which tool; without parallel calls only the first is kept', () => {
    expect(checkAnswer(any(), says('{"name": "get_time", "arguments": {"zone": "UTC"}}'))).toMatchObject({
      ok: true,
      content: [{ name: 'get_time', input: { zone: 'UTC' } }],
    });
    expect(checkAnswer(any(), says('{"zone": "UTC"}'))).toMatchObject({
      ok: false,
      problem: expect.stringContaining('did not say which tool'),
    });
    const two = answer(
      { type: 'tool_use', id: 'a', name: 'get_weather', input: { city: 'Rome' } },
      { type: 'tool_use', id: 'b', name: 'get_time', input: { zone: 'UTC' } },
    );
    expect((checkAnswer(any(), two) as { content: unknown[] }).content).toHaveLength(2);
    expect((checkAnswer(any(false), two) as { content: Array<{ id: string }> }).content.map((c) => c.id)).toEqual([
      'a',
    ]);
  });
});

describe('checkAnswer: a JSON schema', () => {
  const format = {
    format: { type: 'json_schema', schema: { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] } },
  };

  it('returns the JSON re-serialised, thinking kept, and names a mismatch', () => {
    const shape = shapeOf({ output_config: format });
    const verdict = checkAnswer(
      shape,
      answer({ type: 'thinking', thinking: 'hm', signature: 's' }, { type: 'text', text: '```json\n{ "n": 2 }\n```' }),
    );
    expect(verdict).toEqual({
      ok: true,
      stopReason: 'end_turn',
      content: [
        { type: 'thinking', thinking: 'hm', signature: 's' },
        { type: 'text', text: '{"n":2}' },
      ],
    });
    expect(checkAnswer(shape, says('{"n": "two"}'))).toMatchObject({
      ok: false,
      problem: 'the JSON does not match the schema: /n: must be number',
    });
  });

  it('a schema of one required string, answered in plain words, gets those words as the string', () => {
    const title = (extra: Record<string, unknown> = {}) => ({
      type: 'object',
      properties: { title: { type: 'string', ...extra } },
      required: ['title'],
      additionalProperties: false,
    });
    const shape = shapeOf({ output_config: { format: { type: 'json_schema', schema: title() } } });
    expect(
      checkAnswer(
        shape,
        answer({ type: 'thinking', thinking: 'hm', signature: 's' }, { type: 'text', text: ' Fix login bug\n' }),
      ),
    ).toEqual({
      ok: true,
      stopReason: 'end_turn',
      content: [
        { type: 'thinking', thinking: 'hm', signature: 's' },
        { type: 'text', text: '{"title":"Fix login bug"}' },
      ],
    });
    // Not for an attempt at JSON, an empty answer, words the schema refuses, or any other schema.
    expect(checkAnswer(shape, says('{"title": 42}'))).toMatchObject({ ok: false });
    expect(checkAnswer(shape, says('Title: [draft] Fix login'))).toMatchObject({ ok: false });
    expect(checkAnswer(shape, says('  '))).toMatchObject({ ok: false, problem: 'the answer was empty' });
    const short = shapeOf({ output_config: { format: { type: 'json_schema', schema: title({ maxLength: 5 }) } } });
    expect(checkAnswer(short, says('Fix login bug'))).toMatchObject({ ok: false });
    for (const schema of [
      { type: 'object', properties: { title: { type: 'string' } } },
      { type: 'object', properties: { title: { type: 'string' }, tag: { type: 'string' } }, required: ['title'] },
      { type: 'object', properties: { n: { type: 'number' } }, required: ['n'] },
    ]) {
      const other = shapeOf({ output_config: { format: { type: 'json_schema', schema } } });
      expect(checkAnswer(other, says('Fix login bug')), JSON.stringify(schema)).toMatchObject({ ok: false });
    }
  });

  it('with tools allowed, a turn that calls them passes unchecked', () => {
    const shape = shapeOf({ output_config: format, tools: [WEATHER] });
    const call = answer({ type: 'tool_use', id: 't', name: 'get_weather', input: { city: 'Rome' } });
    expect(checkAnswer(shape, call)).toEqual({ ok: true, stopReason: 'tool_use', content: call.content });
  });
});

describe('the instruction each generation gets', () => {
  it('Generation A is told to call the tool; Generation B to write its arguments against the schema', () => {
    const plan = planOutput(request({ tools: [WEATHER], tool_choice: { type: 'tool', name: 'get_weather' } }))!;
    expect(outputInstruction(plan, 'a')).toContain('you must call the tool "get_weather"');
    const b = outputInstruction(plan, 'b')!;
    expect(b).toContain('the arguments of its function "get_weather" (Weather)');
    expect(b).toContain(JSON.stringify(WEATHER.input_schema));
    expect(b).toContain('Do not use any of your own tools');
  });

  it('a retry quotes the rejected answer and the reason', () => {
    const plan = planOutput(
      request({ output_config: { format: { type: 'json_schema', schema: { type: 'object' } } } }),
    )!;
    const note = outputInstruction(plan, 'b', { problem: 'the answer is not JSON (oops)', answer: 'x'.repeat(700) })!;
    expect(note).toContain('was rejected because the answer is not JSON (oops)');
    expect(note).toContain(`${'x'.repeat(600)}…`);
    expect(note).not.toContain('x'.repeat(601));
  });

  it('goes after the request’s own system text, whatever its form', () => {
    expect(withSystemNote(request({}), 'N').system).toBe('N');
    expect(withSystemNote(request({ system: 'S' }), 'N').system).toBe('S\n\nN');
    expect(withSystemNote(request({ system: [{ type: 'text', text: 'S' }] }), 'N').system).toEqual([
      { type: 'text', text: 'S' },
      { type: 'text', text: 'N' },
    ]);
  });
});
