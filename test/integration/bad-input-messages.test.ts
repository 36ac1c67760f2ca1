import net from 'node:net';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { expectAnthropicError, serveOnce, valid } from '../helpers/bad-input';
import type { Stack } from '../helpers/stack';

/**
 * Bad bodies on /v1/messages, and what is not a request to it at all: each gets a clear Anthropic error (or none, for
 * bytes that are not HTTP), and the server keeps serving. The OpenAI routes' are in bad-input-openai.test.ts; who may
 * call, and bad URLs and headers, in bad-input-urls-headers.test.ts.
 */
let stack: Stack;
const { post, stillServing } = serveOnce((started) => (stack = started));

describe('bad input gets a clear Anthropic error and the server keeps serving', () => {
  const cases: Array<
    [string, () => Promise<ReturnType<typeof post> extends Promise<infer R> ? R : never>, number, string, RegExp]
  > = [
    [
      'a body that is not JSON',
      () => post('{"model": "x",'),
      400,
      'invalid_request_error',
      /JSON: expected a property name in double quotes, but the body ends at line 1, column 15 \(byte 14\)\.$/,
    ],
    [
      'a body that is not JSON where a key is pasted: where it broke, not the key',
      () => post('{"model": "x", "key": sk-ant-FAKE}'),
      400,
      'invalid_request_error',
      /^The request body is not valid JSON: expected a value at line 1, column 23 \(byte 22\)\.$/,
    ],
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
      // What is echoed is capped: the header is the client's, and a 3,000-character one came back whole.
      'a 3,000-character charset',
      () => post(JSON.stringify(valid), { 'content-type': `application/json; charset=${'x'.repeat(3000)}` }),
      415,
      'invalid_request_error',
      /^Content-Type charset "x{40}…" is not supported: send the JSON body as UTF-8\.$/,
    ],
    [
      'a 3,000-character Content-Encoding',
      () => post(JSON.stringify(valid), { 'content-encoding': 'z'.repeat(3000) }),
      415,
      'invalid_request_error',
      /^Content-Encoding "z{40}…" is not supported\. /,
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
    // Anthropic's type for a 4xx it lists no other type for; the path exists, so not not_found_error.
    expect(await wrongMethod.body.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: '/v1/messages accepts POST, not GET.' },
    });
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
