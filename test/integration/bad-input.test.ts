import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachAppControl } from '../../main/core/control/app-control';
import { seeded } from '../helpers/random';
import { startStack, type Stack } from '../helpers/stack';
import { fakeWindowBuild } from '../helpers/window-build';
import { postRaw } from '../helpers/messages';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ core: {}, env: {} });
  // The dashboard's routes too: their paths are decoded by another module.
  attachAppControl(stack.core, { distDir: fakeWindowBuild() });
});
afterAll(async () => {
  await stack?.stop();
});

const valid = { model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] };

const post = (body: string | Buffer, headers?: Record<string, string>, path?: string) =>
  postRaw(stack.url, body, { headers, path });

/** After every bad request the server must still answer a good one. */
async function stillServing(): Promise<void> {
  const { status, json } = await post(JSON.stringify(valid));
  expect(status).toBe(200);
  expect(json.content[0].text).toBe('Hello from the Orchids simulator.');
}

function expectAnthropicError(
  result: { status: number; json: any; headers: Record<string, unknown> },
  status: number,
  type: string,
  message?: RegExp,
) {
  expect(result.status).toBe(status);
  expect(result.json).toMatchObject({ type: 'error', error: { type } });
  expect(typeof result.json.error.message).toBe('string');
  if (message) expect(result.json.error.message).toMatch(message);
  expect(result.headers['request-id']).toMatch(/^req_/);
}

describe('bad input gets a clear Anthropic error and the server keeps serving', () => {
  const cases: Array<
    [string, () => Promise<ReturnType<typeof post> extends Promise<infer R> ? R : never>, number, string, RegExp]
  > = [
    ['a body that is not JSON', () => post('{"model": "x",'), 400, 'invalid_request_error', /not valid JSON/],
    [
      'an empty body',
      () => post(''),
      400,
      'invalid_request_error',
      /^The request body is empty: send a JSON object\.$/,
    ],
    ['a body of blanks', () => post(' \r\n'), 400, 'invalid_request_error', /^The request body is empty/],
    [
      'the wrong content type',
      () => post(JSON.stringify(valid), { 'content-type': 'text/plain' }),
      400,
      'invalid_request_error',
      /application\/json/,
    ],
    [
      'missing model',
      () => post(JSON.stringify({ ...valid, model: undefined })),
      400,
      'invalid_request_error',
      /^model: Field required/,
    ],
    [
      'model of the wrong type',
      () => post(JSON.stringify({ ...valid, model: 42 })),
      400,
      'invalid_request_error',
      /^model: Input should be a valid string/,
    ],
    [
      'missing messages',
      () => post(JSON.stringify({ ...valid, messages: undefined })),
      400,
      'invalid_request_error',
      /^messages: Field required/,
    ],
    [
      'messages of the wrong type',
      () => post(JSON.stringify({ ...valid, messages: 'hi' })),
      400,
      'invalid_request_error',
      /^messages: Input should be a valid list/,
    ],
    [
      'empty messages',
      () => post(JSON.stringify({ ...valid, messages: [] })),
      400,
      'invalid_request_error',
      /^messages: List should have at least 1 item/,
    ],
    [
      'missing max_tokens',
      () => post(JSON.stringify({ ...valid, max_tokens: undefined })),
      400,
      'invalid_request_error',
      /^max_tokens: Field required/,
    ],
    [
      'max_tokens of the wrong type',
      () => post(JSON.stringify({ ...valid, max_tokens: '50' })),
      400,
      'invalid_request_error',
      /^max_tokens: Input should be a valid integer/,
    ],
    [
      'an unknown content block type',
      () =>
        post(
          JSON.stringify({
            ...valid,
            messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'hologram' }] }],
          }),
        ),
      400,
      'invalid_request_error',
      /^messages\.0\.content\.1\.type: Input tag 'hologram'/,
    ],
    [
      'max_tokens of 1e308',
      () => post(JSON.stringify({ ...valid, max_tokens: 1e308 })),
      400,
      'invalid_request_error',
      /^max_tokens: 1e\+308 > 128000, which is the maximum allowed number of output tokens/,
    ],
    [
      'max_tokens of 2^63',
      () =>
        post(
          `{"model":"claude-sonnet-4-6","max_tokens":9223372036854775808,"messages":[{"role":"user","content":"hi"}]}`,
        ),
      400,
      'invalid_request_error',
      /^max_tokens: 9\.223372036854776e\+18 > 128000/,
    ],
    [
      'a UTF-16 charset',
      () => post(Buffer.from(JSON.stringify(valid), 'utf16le'), { 'content-type': 'application/json; charset=utf-16' }),
      415,
      'invalid_request_error',
      /charset "utf-16" is not supported/,
    ],
    [
      'an unknown Content-Encoding',
      () => post(JSON.stringify(valid), { 'content-encoding': 'compress' }),
      415,
      'invalid_request_error',
      /"compress" is not supported/,
    ],
    [
      'invalid UTF-8',
      () => post(Buffer.concat([Buffer.from('{"model":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])),
      400,
      'invalid_request_error',
      /UTF-8/,
    ],
    [
      'deeply nested JSON',
      () =>
        post(
          '{"model":"x","max_tokens":1,"messages":[{"role":"user","content":"a"}],"metadata":' +
            `${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
        ),
      400,
      'invalid_request_error',
      /nested/,
    ],
  ];
  for (const [name, send, status, type, message] of cases) {
    it(`${name} → ${status} ${type}`, async () => {
      expectAnthropicError(await send(), status, type, message);
      await stillServing();
    });
  }

  it('a body over the limit → 413 request_too_large, before it is read whole', async () => {
    const limit = stack.core.config.maxBodyBytes;
    const result = await post(Buffer.alloc(limit + 1, 0x20));
    expectAnthropicError(result, 413, 'request_too_large', new RegExp(String(limit)));
    await stillServing();
  });

  it('a body over the limit without a content-length is cut off as it streams in', async () => {
    const limit = stack.core.config.maxBodyBytes;
    const response = await request(`${stack.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.from(
        (async function* () {
          for (let sent = 0; sent <= limit; sent += 1 << 20) yield Buffer.alloc(1 << 20, 0x20);
        })(),
      ),
    });
    expect(response.statusCode).toBe(413);
    await response.body.dump();
    await stillServing();
  });

  it('an unknown path → 404 not_found_error, and GET on /v1/messages is refused', async () => {
    const missing = await request(`${stack.url}/v1/nope`);
    expect(missing.statusCode).toBe(404);
    expect(await missing.body.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
    const wrongMethod = await request(`${stack.url}/v1/messages`);
    expect(wrongMethod.statusCode).toBe(405);
    await wrongMethod.body.dump();
  });

  it('garbage that is not HTTP at all does not disturb the server', async () => {
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(new URL(stack.url).port), '127.0.0.1', () =>
        socket.end('\x00\x01 GARBAGE\r\n\r\n'),
      );
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
      socket.resume();
    });
    await stillServing();
  });

  it('unknown fields are ignored, not rejected', async () => {
    const { status } = await post(
      JSON.stringify({
        ...valid,
        context_management: { edits: [] },
        output_config: { effort: 'high' },
        brand_new_field: 1,
      }),
    );
    expect(status).toBe(200);
  });
});

describe('who may call', () => {
  it('refuses a Host that is not loopback (DNS rebinding)', async () => {
    const result = await post(JSON.stringify(valid), { host: 'evil.example.test:3002' });
    expectAnthropicError(result, 403, 'permission_error', /evil\.example\.test/);
  });

  it('accepts localhost and [::1] host names', async () => {
    const port = new URL(stack.url).port;
    for (const host of [`localhost:${port}`, `[::1]:${port}`, `127.0.0.1:${port}`]) {
      expect((await post(JSON.stringify(valid), { host })).status).toBe(200);
    }
  });

  it('refuses a browser page origin unless configured', async () => {
    const refused = await post(JSON.stringify(valid), { origin: 'https://some-site.example.test' });
    expectAnthropicError(refused, 403, 'permission_error', /ORCHIDS_TRAY_ALLOWED_ORIGINS/);
    stack.core.settings.set('allowedOrigins', ['https://some-site.example.test']);
    try {
      const allowed = await post(JSON.stringify(valid), { origin: 'https://some-site.example.test' });
      expect(allowed.status).toBe(200);
      expect(allowed.headers['access-control-allow-origin']).toBe('https://some-site.example.test');
    } finally {
      stack.core.settings.reset('allowedOrigins');
    }
  });

  it('with an API key set, requires it as x-api-key or Bearer, and refuses a wrong one', async () => {
    stack.core.settings.set('apiKey', 'test-key-0123456789');
    try {
      const missing = await post(JSON.stringify(valid));
      expectAnthropicError(missing, 401, 'authentication_error');
      // Asking again cannot help: said so, so clients (Claude Code) show the refusal at once instead of retrying.
      expect(missing.headers['x-should-retry']).toBe('false');
      expectAnthropicError(
        await post(JSON.stringify(valid), { 'x-api-key': 'wrong' }),
        401,
        'authentication_error',
        /invalid x-api-key/,
      );
      // Anthropic's body word for word, however the key came: Claude Code matches this exact text to say
      // "Invalid API key" (it sends the key as a Bearer token when ANTHROPIC_AUTH_TOKEN is set).
      const bearer = await post(JSON.stringify(valid), { authorization: 'Bearer wrong' });
      expect(bearer.headers['x-should-retry']).toBe('false');
      expect(bearer.json).toEqual({
        type: 'error',
        error: { type: 'authentication_error', message: 'invalid x-api-key' },
        request_id: bearer.headers['request-id'],
      });
      expect((await post(JSON.stringify(valid), { 'x-api-key': 'test-key-0123456789' })).status).toBe(200);
      expect((await post(JSON.stringify(valid), { authorization: 'Bearer test-key-0123456789' })).status).toBe(200);
      expect((await request(`${stack.url}/health`)).statusCode).toBe(200);
    } finally {
      stack.core.settings.reset('apiKey');
    }
  });
});

function expectOpenAIError(
  result: { status: number; json: any; headers: Record<string, unknown> },
  status: number,
  type: string,
  expected: { message?: RegExp; param?: string; code?: string } = {},
) {
  expect(result.status).toBe(status);
  expect(result.json).toEqual({
    error: {
      message: expect.any(String),
      type,
      param: expect.toBeOneOf([null, expect.any(String)]),
      code: expect.toBeOneOf([null, expect.any(String)]),
    },
  });
  if (expected.message) expect(result.json.error.message).toMatch(expected.message);
  if (expected.param) expect(result.json.error.param).toBe(expected.param);
  if (expected.code) expect(result.json.error.code).toBe(expected.code);
  expect(result.headers['request-id']).toMatch(/^req_/);
}

/**
 * The OpenAI routes get the same classes of bad input as /v1/messages, answered in OpenAI's error format
 * (`{"error": {"message", "type", "param", "code"}}`), and the server keeps serving after each.
 */
const OPENAI_ROUTES = [
  {
    path: '/v1/chat/completions',
    valid: { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] },
    conversation: 'messages',
    limit: 'max_completion_tokens',
    withParts: (parts: unknown[]) => ({ messages: [{ role: 'user', content: parts }] }),
    partPath: 'messages[0].content[1].type',
    text: { type: 'text', text: 'a' },
  },
  {
    path: '/v1/responses',
    valid: { model: 'claude-sonnet-4-6', input: 'hi' },
    conversation: 'input',
    limit: 'max_output_tokens',
    withParts: (parts: unknown[]) => ({ input: [{ role: 'user', content: parts }] }),
    partPath: 'input[0].content[1].type',
    text: { type: 'input_text', text: 'a' },
  },
] as const;

describe.each(OPENAI_ROUTES)('bad input on $path gets a clear OpenAI error', (route) => {
  const send = (body: unknown, headers: Record<string, string> = {}) =>
    post(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body), headers, route.path);
  const cases: Array<
    [string, () => ReturnType<typeof post>, number, { message?: RegExp; param?: string; code?: string }]
  > = [
    ['a body that is not JSON', () => send('{"model": "x",'), 400, { message: /not valid JSON/ }],
    ['an empty body', () => send(''), 400, { message: /^The request body is empty: send a JSON object\.$/ }],
    [
      'the wrong content type',
      () => send(route.valid, { 'content-type': 'text/plain' }),
      400,
      { message: /application\/json/ },
    ],
    [
      'missing model',
      () => send({ ...route.valid, model: undefined }),
      400,
      { param: 'model', code: 'missing_required_parameter' },
    ],
    [
      'model of the wrong type',
      () => send({ ...route.valid, model: 42 }),
      400,
      { param: 'model', code: 'invalid_type' },
    ],
    [
      `missing ${route.conversation}`,
      () => send({ ...route.valid, [route.conversation]: undefined }),
      400,
      { param: route.conversation, code: 'missing_required_parameter' },
    ],
    [
      `${route.conversation} of the wrong type`,
      () => send({ ...route.valid, [route.conversation]: 42 }),
      400,
      { param: route.conversation, code: 'invalid_type' },
    ],
    [
      `empty ${route.conversation}`,
      () => send({ ...route.valid, [route.conversation]: [] }),
      400,
      { param: route.conversation, code: 'empty_array' },
    ],
    [
      `${route.limit} of the wrong type`,
      () => send({ ...route.valid, [route.limit]: '50' }),
      400,
      { param: route.limit, code: 'invalid_type' },
    ],
    [
      'an unknown content part type',
      () => send({ ...route.valid, ...route.withParts([route.text, { type: 'hologram' }]) }),
      400,
      { param: route.partPath, code: 'invalid_value', message: /'hologram'/ },
    ],
    [
      'invalid UTF-8',
      () => send(Buffer.concat([Buffer.from('{"model":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')])),
      400,
      { message: /UTF-8/ },
    ],
    [
      'deeply nested JSON',
      () => send(`{"model":"x","metadata":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
      400,
      { message: /nested/ },
    ],
    [
      'a request for log probabilities',
      () => send({ ...route.valid, top_logprobs: 5 }),
      400,
      // Chat Completions answers in OpenAI's words (top_logprobs without logprobs), which carry no code.
      route.path === '/v1/responses'
        ? { param: 'top_logprobs', code: 'unsupported_parameter' }
        : { param: 'top_logprobs', message: /only allowed when 'logprobs' is enabled/ },
    ],
    [
      'a temperature out of range',
      () => send({ ...route.valid, temperature: 7 }),
      400,
      { param: 'temperature', code: 'invalid_value' },
    ],
    [
      'a tool type OpenAI does not define',
      () => send({ ...route.valid, tools: [{ type: 'telepathy' }] }),
      400,
      { param: 'tools[0].type', code: 'unsupported_parameter' },
    ],
    [
      'a tool_choice naming an undeclared function',
      () =>
        send({
          ...route.valid,
          tools: [{ type: 'function', name: 'f', function: { name: 'f' } }],
          tool_choice: { type: 'function', name: 'g', function: { name: 'g' } },
        }),
      400,
      { param: 'tool_choice', code: 'invalid_value' },
    ],
    [
      'a JSON schema that is not one',
      () =>
        send(
          route.path === '/v1/responses'
            ? { ...route.valid, text: { format: { type: 'json_schema', name: 'x', schema: { type: 'banana' } } } }
            : {
                ...route.valid,
                response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'banana' } } },
              },
        ),
      400,
      { code: 'invalid_json_schema' },
    ],
  ];
  for (const [name, run, status, expected] of cases) {
    it(`${name} → ${status}`, async () => {
      expectOpenAIError(await run(), status, 'invalid_request_error', expected);
      await stillServing();
    });
  }

  it('a body over the limit → 413, before it is read whole', async () => {
    const limit = stack.core.config.maxBodyBytes;
    const result = await send(Buffer.alloc(limit + 1, 0x20));
    expectOpenAIError(result, 413, 'invalid_request_error', {
      code: 'request_too_large',
      message: new RegExp(String(limit)),
    });
    await stillServing();
  });

  it('GET is refused with a 405', async () => {
    const response = await request(`${stack.url}${route.path}`);
    expect(response.statusCode).toBe(405);
    expect(await response.body.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
  });

  it('with an API key set, a missing or wrong one is a 401 invalid_api_key; Bearer works', async () => {
    stack.core.settings.set('apiKey', 'test-key-0123456789');
    try {
      expectOpenAIError(await send(route.valid), 401, 'invalid_request_error', { code: 'invalid_api_key' });
      // Worded for a client that sent a Bearer token, not Anthropic's "invalid x-api-key", and saying where the key is.
      const wrong = await send(route.valid, { authorization: 'Bearer wrong' });
      expectOpenAIError(wrong, 401, 'invalid_request_error', { code: 'invalid_api_key' });
      expect(wrong.json.error.message).toBe(
        'Incorrect API key provided: it is not the key set in Orchids Tray ' +
          '(Settings → API key, or ORCHIDS_TRAY_API_KEY).',
      );
      expect((await send(route.valid, { authorization: 'Bearer test-key-0123456789' })).status).toBe(200);
    } finally {
      stack.core.settings.reset('apiKey');
    }
  });

  it('Host and Origin refusals apply here too (403, with an error message the OpenAI SDK reads)', async () => {
    const wrongHost = await send(route.valid, { host: 'evil.example.test:3002' });
    expect(wrongHost.status).toBe(403);
    expect(wrongHost.json.error.message).toMatch(/evil\.example\.test/);
    const page = await send(route.valid, { origin: 'https://some-site.example.test' });
    expect(page.status).toBe(403);
    expect(page.json.error.message).toMatch(/ORCHIDS_TRAY_ALLOWED_ORIGINS/);
  });
});

describe('what only the OpenAI routes refuse', () => {
  it.each([
    ['n > 1', '/v1/chat/completions', { n: 3 }, 'n'],
    ['logprobs', '/v1/chat/completions', { logprobs: true }, 'logprobs'],
    [
      'audio output',
      '/v1/chat/completions',
      { modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'mp3' } },
      'audio',
    ],
    ['previous_response_id (stateless)', '/v1/responses', { previous_response_id: 'resp_1' }, 'previous_response_id'],
    ['store: true (stateless)', '/v1/responses', { store: true }, 'store'],
  ])('%s → 400 unsupported_parameter', async (_name, path, extra, param) => {
    const valid = path === '/v1/responses' ? OPENAI_ROUTES[1].valid : OPENAI_ROUTES[0].valid;
    const result = await post(JSON.stringify({ ...valid, ...extra }), {}, path);
    expectOpenAIError(result, 400, 'invalid_request_error', { param, code: 'unsupported_parameter' });
  });

  it('input audio → 400, naming the part', async () => {
    const result = await post(
      JSON.stringify({
        model: 'claude-sonnet-4-6',
        messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }] }],
      }),
      {},
      '/v1/chat/completions',
    );
    expectOpenAIError(result, 400, 'invalid_request_error', {
      param: 'messages[0].content[0].type',
      code: 'unsupported_parameter',
    });
  });

  it('a stored response cannot be fetched: 404 saying the proxy keeps none', async () => {
    const response = await request(`${stack.url}/v1/responses/resp_123`);
    expect(response.statusCode).toBe(404);
    expect(((await response.body.json()) as { error: { message: string } }).error.message).toMatch(
      /keeps no responses/,
    );
  });
});

/** The status and body of a request sent byte for byte as given: no client library escapes or checks the target. */
function raw(target: string, extraHeaders = ''): Promise<{ status: number; text: string }> {
  const port = Number(new URL(stack.url).port);
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.write(
        `GET ${target} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n${extraHeaders}connection: close\r\n\r\n`,
        'latin1',
      ),
    );
    let reply = '';
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const match = /^HTTP\/1\.1 (\d{3})/.exec(reply);
      if (!match) return reject(new Error(`no answer to GET ${JSON.stringify(target)}`));
      resolve({ status: Number(match[1]), text: reply.slice(reply.indexOf('\r\n\r\n') + 4) });
    });
  });
}

describe('URLs and headers', () => {
  it('a broken percent-escape is a 400 in the API error format, wherever it is', async () => {
    // Signed in to the dashboard, where its paths are decoded.
    const token = fs.readFileSync(path.join(stack.dataDir, 'control-token'), 'utf8').trim();
    const auth = `authorization: Bearer ${token}\r\n`;
    for (const target of ['/v1/models/%E0%A4%A', '/v1/models/%', '/v1/models/%ZZ', '/_tray/%', '/_tray/%E0%A4%A.js']) {
      const answer = await raw(target, target.startsWith('/_tray') ? auth : '');
      expect(answer.status, target).toBe(400);
      expect(JSON.parse(answer.text), target).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', message: 'The URL has invalid percent-encoding.' },
      });
    }
    await stillServing();
  });

  it('HEAD answers every GET route with its headers and no body', async () => {
    for (const target of ['/', '/health', '/v1/models', '/v1/models/claude-sonnet-4-6']) {
      const get = await request(`${stack.url}${target}`);
      const getBody = await get.body.text();
      const head = await request(`${stack.url}${target}`, { method: 'HEAD' });
      expect(head.statusCode, target).toBe(200);
      expect(await head.body.text(), target).toBe('');
      expect(head.headers['content-type'], target).toBe(get.headers['content-type']);
      if (target !== '/health') expect(Number(head.headers['content-length']), target).toBe(Buffer.byteLength(getBody));
    }
    const wrong = await request(`${stack.url}/v1/messages`, { method: 'HEAD' });
    expect(wrong.statusCode).toBe(405);
    expect(wrong.headers.allow).toBe('POST');
  });

  it('/health and / asked with another method are a 405 naming GET and HEAD, as API routes are', async () => {
    for (const [method, target] of [
      ['POST', '/health'],
      ['DELETE', '/health'],
      ['POST', '/'],
    ] as const) {
      const wrong = await request(`${stack.url}${target}`, { method });
      expect(wrong.statusCode, `${method} ${target}`).toBe(405);
      expect(wrong.headers.allow, `${method} ${target}`).toBe('GET, HEAD');
      expect(await wrong.body.json()).toEqual({
        type: 'error',
        error: { type: 'not_found_error', message: `${target} accepts GET, HEAD, not ${method}.` },
        request_id: wrong.headers['request-id'],
      });
    }
  });

  it('400 fuzzed request targets and 200 fuzzed header values: never a 5xx, and the server keeps serving', async () => {
    const random = seeded(12_005);
    const int = (n: number) => Math.floor(random() * n);
    const pieces = [
      '/v1/models/',
      '/v1/',
      '/_tray/',
      '/_tray/api/',
      '/health',
      '/',
      '%',
      '%2',
      '%E0%A4%A',
      '%C0%AF',
      '%00',
      '%25',
      '..',
      '//',
      '?',
      '#',
      '&',
      '=',
      'é',
      '\u00ff',
      '~',
      ';',
      '%FF',
      '%uD800',
      'a',
      'models',
      '\\',
    ];
    for (let i = 0; i < 400; i++) {
      let target = pieces[int(6)]!;
      for (let n = int(6); n > 0; n--) target += pieces[int(pieces.length)];
      const answer = await raw(target);
      expect(answer.status, `GET ${target}`).toBeLessThan(500);
    }
    const names = [
      'x-api-key',
      'authorization',
      'anthropic-version',
      'cookie',
      'origin',
      'content-encoding',
      'x-custom',
    ];
    for (let i = 0; i < 200; i++) {
      const bytes = Array.from({ length: 1 + int(40) }, () => String.fromCharCode(0x20 + int(0xdf))).join('');
      const answer = await raw(
        ['/health', '/v1/models', '/_tray/'][int(3)]!,
        `${names[int(names.length)]}: ${bytes}\r\n`,
      );
      expect(answer.status, JSON.stringify(bytes)).toBeLessThan(500);
    }
    await stillServing();
  });
});
