import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreEvent } from '../../main/core/events/types';
import { httpError, reply, sse, text, toolCall, finish } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { answered } from '../helpers/upstream';
import { until } from '../helpers/wait';

/**
 * The OpenAI routes on the wire (no SDK in between): they share /v1/messages' account choice, failover, history,
 * debug records, live events and pause switch, and their streams end the way OpenAI clients expect, errors
 * included.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

async function post(path: string, body: Record<string, unknown>) {
  const response = await request(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const raw = await response.body.text();
  const json = String(response.headers['content-type']).includes('json') ? JSON.parse(raw) : undefined;
  const { headers } = response;
  return { status: response.statusCode, requestId: String(headers['request-id']), raw, json, headers };
}

const chat = (extra: Record<string, unknown> = {}) =>
  post('/v1/chat/completions', { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }], ...extra });
const dataOf = (raw: string) =>
  raw
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => frame.slice(6));

describe('the shared pipeline behind the OpenAI routes', () => {
  it('fails over to another account before anything was sent, and history says which API and accounts', async () => {
    stack = await startStack({ accounts: 2 });
    stack.sim.enqueue(httpError(503, 'upstream busy'));
    stack.sim.enqueue(sse(reply('Served by the second account.')));
    const { status, json, requestId } = await chat();
    expect(status).toBe(200);
    expect(json.choices[0].message.content).toBe('Served by the second account.');
    await stack.core.internals.history.flushNow();
    const row = stack.core.internals.historyRepo.get(requestId)!;
    expect(row).toMatchObject({ api: 'openai-chat', status: 200, retries: 1 });
    expect(new Set(row.accountsTried)).toEqual(new Set(stack.accountIds));
  });

  it('a failure after content was streamed ends the chunks with an error chunk, never a finish', async () => {
    stack = await startStack();
    stack.sim.enqueue(sse([...text('Half an ans'), { delayMs: 50 }, { destroy: true }]));
    const { status, raw } = await chat({ stream: true });
    expect(status).toBe(200);
    const data = dataOf(raw);
    expect(data).not.toContain('[DONE]');
    const chunks = data.map((line) => JSON.parse(line));
    expect(chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('')).toBe('Half an ans');
    expect(chunks.some((c) => c.choices?.[0]?.finish_reason)).toBe(false);
    expect(chunks.at(-1).error).toMatchObject({
      type: expect.any(String),
      message: expect.stringContaining('cut off'),
    });
  });

  it('a Responses stream that fails after content ends with response.failed and an error event', async () => {
    stack = await startStack();
    stack.sim.enqueue(sse([...text('Half an ans'), { delayMs: 50 }, { destroy: true }]));
    const { raw } = await post('/v1/responses', { model: 'claude-sonnet-4-6', input: 'hi', stream: true });
    const names = raw
      .split('\n\n')
      .filter(Boolean)
      .map((frame) => /^event: (.*)$/m.exec(frame)![1]);
    expect(names.slice(-2)).toEqual(['response.failed', 'error']);
    expect(names).not.toContain('response.completed');
  });

  it('a forced tool on a stream: the call arrives whole, after the answer was checked', async () => {
    stack = await startStack();
    stack.sim.enqueue(sse(reply('{"city": "Paris"}')));
    const { raw } = await chat({
      stream: true,
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      ],
      tool_choice: 'required',
    });
    const data = dataOf(raw);
    expect(data.at(-1)).toBe('[DONE]');
    const deltas = data.slice(0, -1).map((line) => JSON.parse(line).choices[0]);
    const calls = deltas.flatMap((choice) => choice.delta.tool_calls ?? []);
    expect(calls[0]).toMatchObject({ index: 0, type: 'function', function: { name: 'get_weather', arguments: '' } });
    expect(calls.map((call) => call.function.arguments).join('')).toBe('{"city":"Paris"}');
    expect(deltas.at(-1).finish_reason).toBe('tool_calls');
  });

  it('a JSON schema answered badly twice on a stream: a 502 in OpenAI’s format, naming what failed', async () => {
    stack = await startStack();
    stack.sim.enqueue(sse(reply('{"age": "old"}')));
    stack.sim.enqueue(sse(reply('{"age": "older"}')));
    const { status, json } = await post('/v1/responses', {
      model: 'claude-sonnet-4-6',
      input: 'How old?',
      stream: true,
      text: {
        format: {
          type: 'json_schema',
          name: 'age',
          schema: { type: 'object', properties: { age: { type: 'integer' } } },
        },
      },
    });
    expect(status).toBe(502);
    expect(json.error).toMatchObject({
      type: 'server_error',
      message: expect.stringContaining('/age: must be integer'),
    });
    expect(answered(stack.sim.requests)).toHaveLength(2);
  });

  it('stop sequences cut the text; the chunk stream still finishes with stop', async () => {
    stack = await startStack();
    stack.sim.enqueue(sse([...text('one, two, STOP, three'), ...finish()]));
    const { json } = await chat({ stop: ['STOP'] });
    expect(json.choices[0]).toMatchObject({ message: { content: 'one, two, ' }, finish_reason: 'stop' });
  });

  it('tool_choice none: the agent’s call to a declared tool is held back', async () => {
    stack = await startStack();
    stack.sim.enqueue(
      sse([
        ...text('Fine.'),
        ...toolCall({ id: 'toolu_sim_none_1', name: 'get_weather', input: { city: 'Paris' } }),
        ...finish('tool-calls'),
      ]),
    );
    const { json } = await chat({
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
      tool_choice: 'none',
    });
    expect(json.choices[0]).toMatchObject({ message: { content: 'Fine.' }, finish_reason: 'stop' });
    expect(json.choices[0].message.tool_calls).toBeUndefined();
  });

  it('paused: a 503 in OpenAI’s format that tells the client not to retry in silence', async () => {
    stack = await startStack();
    stack.core.proxy.pause();
    const { status, json, headers } = await chat();
    expect(status).toBe(503);
    expect(headers['x-should-retry']).toBe('false');
    expect(json.error).toMatchObject({
      type: 'server_error',
      code: 'overloaded',
      message: expect.stringContaining('paused'),
    });
    expect(stack.sim.requests).toHaveLength(0);
  });

  it('debug records keep the OpenAI body as it came in, and the frames as they went out', async () => {
    stack = await startStack();
    stack.core.settings.set('debugLogs', true);
    const body = {
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    };
    const { raw, requestId } = await post('/v1/chat/completions', body);
    await stack.core.internals.history.flushNow();
    await stack.core.internals.debugLogs.flushNow();
    const row = stack.core.internals.historyRepo.get(requestId)!;
    const record = (await stack.core.internals.debugLogs.read(row.debugLog!))!;
    expect(record.incoming.body).toEqual(body);
    // The path it came in on, for the window's Copy as curl to send it to the same route again.
    expect(record.incoming.path).toBe('/v1/chat/completions');
    expect(record.summary).toMatchObject({ api: 'openai-chat', stream: true, status: 200 });
    expect(record.client.map((c) => c.frame).join('')).toBe(raw);
  });

  it('live events name the API of each request', async () => {
    stack = await startStack();
    const finished: CoreEvent[] = [];
    const off = stack.core.subscribe((batch) => finished.push(...batch.filter((e) => e.type === 'request.finished')));
    const { requestId } = await post('/v1/responses', { model: 'claude-sonnet-4-6', input: 'hi' });
    await until(() => finished.length > 0);
    off();
    expect(finished[0]).toMatchObject({ report: { requestId, api: 'openai-responses', status: 200 } });
  });
});
