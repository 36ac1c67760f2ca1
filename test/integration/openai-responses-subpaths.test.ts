import Anthropic from '@anthropic-ai/sdk';
import OpenAI, { BadRequestError, NotFoundError } from 'openai';
import http from 'node:http';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiFor, refusal, WEATHER } from '../helpers/openai-sdk';
import { startStack, type Stack } from '../helpers/stack';

/**
 * The paths under `/v1/responses/` that are no stored response's id: `input_tokens` (OpenAI's token count for a
 * Responses request) counts with the estimate `/v1/messages/count_tokens` gives; `compact` is refused with a word on
 * compacting through an ordinary turn; either asked with another method is a 405, not a stored response's 404. And
 * `/v1/models`, which both APIs define, asked with a wrong method or for a model it does not know: the 405 and the
 * 404 are in OpenAI's format for an OpenAI client, in Anthropic's for any other.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const answer = await request(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: answer.statusCode, headers: answer.headers, json: (await answer.body.json()) as any };
}

const INSTRUCTIONS = 'You answer in one short sentence.';
const QUESTION = 'What is the weather in Lisbon today, and should I take an umbrella?';

describe('POST /v1/responses/input_tokens', () => {
  it('counts what count_tokens counts for the same conversation and tools', async () => {
    const counted = await post('/v1/responses/input_tokens', {
      model: 'claude-sonnet-4-6',
      instructions: INSTRUCTIONS,
      input: QUESTION,
      tools: [{ type: 'function', ...WEATHER.function, strict: false }],
    });
    const anthropic = await post('/v1/messages/count_tokens', {
      model: 'claude-sonnet-4-6',
      system: INSTRUCTIONS,
      messages: [{ role: 'user', content: QUESTION }],
      tools: [{ name: 'get_weather', description: 'The weather in a city', input_schema: WEATHER.function.parameters }],
    });
    expect(counted.status, JSON.stringify(counted.json)).toBe(200);
    expect(anthropic.status).toBe(200);
    expect(counted.json).toEqual({ object: 'response.input_tokens', input_tokens: anthropic.json.input_tokens });
    expect(counted.json.input_tokens).toBeGreaterThan(20);
  });

  it('the OpenAI SDK’s responses.inputTokens.count reads the answer, and more input counts more', async () => {
    const client = openaiFor(stack);
    const short = await client.responses.inputTokens.count({ model: 'claude-sonnet-4-6', input: 'Hi.' });
    const long = await client.responses.inputTokens.count({
      model: 'claude-sonnet-4-6',
      input: [
        { role: 'user', content: QUESTION },
        { role: 'assistant', content: 'Light rain is forecast; take one.' },
        { role: 'user', content: 'And tomorrow?' },
      ],
    });
    expect(short).toEqual({ object: 'response.input_tokens', input_tokens: expect.any(Number) });
    expect(long.input_tokens).toBeGreaterThan(short.input_tokens);
    // Counting reaches no account: nothing went upstream.
    expect(stack.sim.requests).toHaveLength(0);
  });

  it('refuses what /v1/responses refuses, in OpenAI’s format', async () => {
    const noInput = await post('/v1/responses/input_tokens', { model: 'claude-sonnet-4-6' });
    expect(noInput.status).toBe(400);
    expect(noInput.json).toEqual({
      error: expect.objectContaining({ type: 'invalid_request_error', param: 'input' }),
    });
    const client = openaiFor(stack);
    const stateful = await refusal(
      client.responses.inputTokens.count({ model: 'claude-sonnet-4-6', input: 'Hi.', previous_response_id: 'resp_1' }),
    );
    expect(stateful).toBeInstanceOf(BadRequestError);
    expect((stateful as BadRequestError).param).toBe('previous_response_id');
  });
});

describe('POST /v1/responses/compact', () => {
  const MESSAGE =
    'Orchids Tray does not offer compaction (POST /v1/responses/compact): the Orchids upstream has no compacted ' +
    'state to return. Compact by asking for a summary in an ordinary POST /v1/responses turn, as Codex does with a ' +
    'custom model provider.';

  it('is a NotFoundError saying compaction is not offered and how to compact instead', async () => {
    const error = await refusal(
      openaiFor(stack).responses.compact({ model: 'claude-sonnet-4-6', input: [{ role: 'user', content: 'Hi.' }] }),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).error).toEqual({
      message: MESSAGE,
      type: 'invalid_request_error',
      param: null,
      code: 'not_found',
    });
    // A stored response's id still gets the stateless word, not this one.
    const stored = await request(`${stack.url}/v1/responses/resp_123`);
    expect(stored.statusCode).toBe(404);
    expect(((await stored.body.json()) as any).error.message).toMatch(/^Orchids Tray keeps no responses/);
  });
});

describe('the sub-paths asked with a method they do not take', () => {
  it('is a 405 allowing POST, in OpenAI’s format, not the stored-response 404', async () => {
    for (const [method, path] of [
      ['GET', '/v1/responses/input_tokens'],
      ['DELETE', '/v1/responses/input_tokens'],
      ['GET', '/v1/responses/compact'],
    ] as const) {
      const answer = await request(`${stack.url}${path}`, { method });
      expect(answer.statusCode, `${method} ${path}`).toBe(405);
      expect(answer.headers.allow, `${method} ${path}`).toBe('POST');
      expect(await answer.body.json(), `${method} ${path}`).toEqual({
        error: {
          message: `${path} accepts POST, not ${method}.`,
          type: 'invalid_request_error',
          param: null,
          code: 'method_not_allowed',
        },
      });
    }
  });
});

describe('/v1/models asked with a method it does not take', () => {
  const MODEL_PATH = '/v1/models/claude-sonnet-4-6';

  it('is a 405 in OpenAI’s format for an OpenAI client (bearer key, no anthropic-version; or its SDK)', async () => {
    for (const [method, path, headers] of [
      ['DELETE', MODEL_PATH, { authorization: 'Bearer test-not-a-real-key' }],
      ['POST', '/v1/models', { authorization: 'Bearer test-not-a-real-key' }],
      ['PUT', MODEL_PATH, { 'user-agent': 'OpenAI/Python 1.99.0' }],
    ] as const) {
      const answer = await request(`${stack.url}${path}`, { method, headers });
      expect(answer.statusCode, `${method} ${path}`).toBe(405);
      expect(answer.headers.allow, `${method} ${path}`).toBe('GET, HEAD');
      expect(await answer.body.json(), `${method} ${path}`).toEqual({
        error: {
          message: `${path} accepts GET, HEAD, not ${method}.`,
          type: 'invalid_request_error',
          param: null,
          code: 'method_not_allowed',
        },
      });
    }
    const deleted = await refusal(openaiFor(stack).models.delete('claude-sonnet-4-6'));
    expect(deleted).toBeInstanceOf(OpenAI.APIError);
    expect(deleted).toMatchObject({ status: 405, code: 'method_not_allowed', type: 'invalid_request_error' });
  });

  it('stays Anthropic’s 405 for an Anthropic client or a request that says nothing', async () => {
    for (const headers of [
      { 'x-api-key': 'test-not-a-real-key', 'anthropic-version': '2023-06-01' },
      { authorization: 'Bearer test-not-a-real-key', 'anthropic-version': '2023-06-01' },
      {},
    ]) {
      const answer = await request(`${stack.url}${MODEL_PATH}`, { method: 'DELETE', headers });
      expect(answer.statusCode).toBe(405);
      expect(await answer.body.json(), JSON.stringify(headers)).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', message: `${MODEL_PATH} accepts GET, HEAD, not DELETE.` },
      });
    }
  });
});

describe('GET /v1/models/{id} of a model it does not know', () => {
  it('is a NotFoundError with OpenAI’s error body for the OpenAI SDK', async () => {
    const error = await refusal(openaiFor(stack).models.retrieve('nope'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).error).toEqual({
      message: 'The model `nope` does not exist or you do not have access to it.',
      type: 'invalid_request_error',
      param: null,
      code: 'model_not_found',
    });
  });

  it('stays Anthropic’s 404 for the Anthropic SDK and for a request that says nothing', async () => {
    const error = await refusal(stack.client().models.retrieve('nope'));
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect((error as InstanceType<typeof Anthropic.NotFoundError>).error).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', message: 'model: nope' },
    });
    const bare = await request(`${stack.url}/v1/models/nope`);
    expect(bare.statusCode).toBe(404);
    expect(await bare.body.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });
});

describe('a WebSocket handshake on GET /v1/responses', () => {
  /** The handshake Codex's built-in `openai` provider opens before it posts; node:http, as undici sends no Upgrade. */
  function handshake(headers: Record<string, string>): Promise<{ status: number; json: any }> {
    return new Promise((resolve, reject) => {
      const req = http.get(`${stack.url}/v1/responses`, { headers: { authorization: 'Bearer test-key', ...headers } });
      req.on('response', (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(body) }));
      });
      req.on('upgrade', () => reject(new Error('the server upgraded the connection')));
      req.on('error', reject);
    });
  }

  /** The app's history rows: a refusal before the request is served (404, 401, 405, 426) leaves none (README). */
  async function historyRows(): Promise<number> {
    await stack.core.internals.history.flushNow();
    return stack.core.internals.historyRepo.query({}).length;
  }

  it('is a 426 (Codex then posts over HTTP at once), in OpenAI’s format; a plain GET stays a 405', async () => {
    const rows = await historyRows();
    const upgrade = await handshake({
      connection: 'Upgrade',
      upgrade: 'websocket',
      'sec-websocket-version': '13',
      'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    });
    expect(upgrade.status).toBe(426);
    expect(upgrade.json).toEqual({
      error: {
        message: 'Orchids Tray serves /v1/responses over HTTP only, not as a WebSocket: POST the request instead.',
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    expect((await handshake({})).status).toBe(405);
    expect(await historyRows()).toBe(rows);
  });

  it('without the right key is a 400 invalid_api_key, which Codex does not retry; a POST gets the 401', async () => {
    stack.core.settings.set('apiKey', 'test-key-0123456789');
    try {
      const upgrading = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13' };
      const wrong = await handshake({ ...upgrading, 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' });
      expect(wrong.status).toBe(400);
      expect(wrong.json.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_api_key' });
      expect(wrong.json.error.message).toMatch(/^Incorrect API key provided: it is not the key set in Orchids Tray/);
      const missing = await handshake({ ...upgrading, authorization: '', 'sec-websocket-key': 'c2Vjb25kIG5vbmNlIQ==' });
      expect(missing.status).toBe(400);
      expect(missing.json.error).toMatchObject({ code: 'invalid_api_key', message: /requires an API key/ });
      const posted = await post('/v1/responses', { model: 'claude-sonnet-4-6', input: 'hi' });
      expect(posted.status).toBe(401);
      expect(posted.json.error).toMatchObject({ code: 'invalid_api_key' });
    } finally {
      stack.core.settings.reset('apiKey');
    }
  });
});
