import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { serveOnce } from '../helpers/bad-input';
import type { Stack } from '../helpers/stack';

let stack: Stack;
const { post, stillServing } = serveOnce((started) => (stack = started));

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
    // Parameters OpenAI defines and nothing here reads, each with a value of the wrong type.
    unused: {
      user: 5,
      seed: 'x',
      logit_bias: [],
      store: 'x',
      service_tier: 5,
      prompt_cache_key: {},
      safety_identifier: 1,
    },
    // The same parameters as clients send them; OpenAI's seed is any int64, so a negative one is fine.
    wellTyped: {
      user: 'u',
      seed: -1,
      logit_bias: { '50256': -100 },
      store: false,
      service_tier: 'auto',
      prompt_cache_key: 'k',
      safety_identifier: 's',
    },
  },
  {
    path: '/v1/responses',
    valid: { model: 'claude-sonnet-4-6', input: 'hi' },
    conversation: 'input',
    limit: 'max_output_tokens',
    withParts: (parts: unknown[]) => ({ input: [{ role: 'user', content: parts }] }),
    partPath: 'input[0].content[1].type',
    text: { type: 'input_text', text: 'a' },
    unused: {
      user: 5,
      store: 'x',
      background: 'x',
      include: 'x',
      max_tool_calls: 'x',
      service_tier: 5,
      prompt_cache_key: {},
      safety_identifier: 1,
    },
    wellTyped: {
      user: 'u',
      store: false,
      background: false,
      include: ['reasoning.encrypted_content'],
      max_tool_calls: 0,
      service_tier: 'auto',
      prompt_cache_key: 'k',
      safety_identifier: 's',
    },
  },
] as const;

describe.each(OPENAI_ROUTES)('bad input on $path gets a clear OpenAI error', (route) => {
  const send = (body: unknown, headers: Record<string, string> = {}) =>
    post(typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body), headers, route.path);
  const cases: Array<
    [string, () => ReturnType<typeof post>, number, { message?: RegExp; param?: string; code?: string }]
  > = [
    [
      'a body that is not JSON',
      () => send('{"model": "x",'),
      400,
      { message: /^The request body is not valid JSON: expected a property name in double quotes, but the body ends/ },
    ],
    [
      'a body that is not JSON where a key is pasted: where it broke, not the key',
      () => send('{"model": "x", "key": sk-ant-FAKE}'),
      400,
      { message: /^The request body is not valid JSON: expected a value at line 1, column 23 \(byte 22\)\.$/ },
    ],
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
    // 1e308 and 2^63 are integers to JavaScript: held to the output limit /v1/messages holds max_tokens to.
    ...[1e308, 2 ** 63, 128_001].map(
      (tooMany): [string, () => ReturnType<typeof post>, number, { param: string; code: string }] => [
        `${route.limit} of ${tooMany}`,
        () => send({ ...route.valid, [route.limit]: tooMany }),
        400,
        { param: route.limit, code: 'integer_above_max_value' },
      ],
    ),
    [
      `a fractional ${route.limit}, named as OpenAI names it`,
      () => send({ ...route.valid, [route.limit]: 1.5 }),
      400,
      {
        param: route.limit,
        code: 'invalid_type',
        message: new RegExp(
          `^Invalid type for '${route.limit}': expected an integer, but got a decimal number instead\\.$`,
        ),
      },
    ],
    [
      `a negative ${route.limit}`,
      () => send({ ...route.valid, [route.limit]: -5 }),
      400,
      { param: route.limit, code: 'integer_below_min_value' },
    ],
    [
      'a number JSON can spell but not hold (1e400)',
      () => send(`${JSON.stringify(route.valid).slice(0, -1)},"temperature":1e400}`),
      400,
      { param: 'temperature', code: 'invalid_type', message: /got a number too large to represent instead/ },
    ],
    ...Object.entries(route.unused).map(
      ([param, value]): [string, () => ReturnType<typeof post>, number, { param: string; code: string }] => [
        `${param} of the wrong type (${JSON.stringify(value)})`,
        () => send({ ...route.valid, [param]: value }),
        400,
        { param, code: 'invalid_type' },
      ],
    ),
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

  it('the parameters nothing reads, sent with values of their own type, are accepted', async () => {
    expect((await send({ ...route.valid, ...route.wellTyped })).status).toBe(200);
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
