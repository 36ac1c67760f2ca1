import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachAppControl } from '../../main/core/control/app-control';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { until } from '../helpers/wait';
import {
  claudeCodeJson,
  frameHeader,
  rawBlock,
  rleBlock,
  sequenceBomb,
  skippableFrame,
  zstdFixture,
} from '../helpers/zstd';
import { postRaw } from '../helpers/messages';

/**
 * Request bodies: the memory budget for bodies in flight, Content-Encoding, and the media type. The stack runs
 * with a 2 MB body limit and the smallest budget (16 MB) so the limits are reached with small bodies.
 */
const MB = 1024 * 1024;
const MAX_BODY = 2 * MB;
let stack: Stack;
const open: net.Socket[] = [];
beforeAll(async () => {
  stack = await startStack({
    env: { ORCHIDS_TRAY_BODY_BUDGET_MB: '16', ORCHIDS_TRAY_MAX_BODY_BYTES: String(MAX_BODY) },
  });
});
afterAll(async () => {
  for (const socket of open) socket.destroy();
  await stack?.stop();
});

const message = { model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] };

const post = (body: Buffer | string, headers?: Record<string, string>, path?: string) =>
  postRaw(stack.url, body, { headers, path, dispatcher: new Agent() });

const budget = () => stack.core.proxy.health().server.bodyBudget;

/** A body of `bytes` bytes sent but for its last byte: the server holds what arrived and waits for the rest. */
function heldUpload(bytes: number): net.Socket {
  const port = Number(new URL(stack.url).port);
  const socket = net.connect(port, '127.0.0.1', () => {
    socket.write(
      `POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\n` +
        `content-length: ${bytes}\r\n\r\n`,
    );
    socket.write(Buffer.alloc(bytes - 1, 0x20));
  });
  socket.on('error', () => undefined);
  socket.resume();
  open.push(socket);
  return socket;
}

/** A JSON body of about `bytes` bytes that count_tokens accepts. */
const padded = (bytes: number): string =>
  JSON.stringify({ ...message, messages: [{ role: 'user', content: 'x'.repeat(bytes - 100) }] });

describe('the media type', () => {
  it('refuses a charset other than UTF-8 with 415, and accepts UTF-8 however it is spelled', async () => {
    const body = JSON.stringify(message);
    const utf16 = await post(Buffer.from(body, 'utf16le'), { 'content-type': 'application/json; charset=utf-16' });
    expect(utf16.status).toBe(415);
    expect(utf16.json.error.message).toMatch(/charset "utf-16" is not supported/);
    for (const type of ['application/json; charset=UTF-8', 'application/json;charset="utf-8"', 'Application/JSON']) {
      expect((await post(body, { 'content-type': type })).status, type).toBe(200);
    }
    expect((await post(body, { 'content-type': 'application/jsonx' })).status).toBe(400);
  });
});

describe('Content-Encoding', () => {
  const plain = Buffer.from(JSON.stringify({ ...message, messages: [{ role: 'user', content: 'count me — é' }] }));
  const expected = async () => (await post(plain, {}, '/v1/messages/count_tokens')).json.input_tokens as number;

  it.each([
    ['gzip', zlib.gzipSync],
    ['x-gzip', zlib.gzipSync],
    ['deflate', zlib.deflateSync],
    ['br', zlib.brotliCompressSync],
  ] as const)('decodes %s', async (coding, compress) => {
    const result = await post(compress(plain), { 'content-encoding': coding }, '/v1/messages/count_tokens');
    expect(result.status).toBe(200);
    expect(result.json.input_tokens).toBe(await expected());
  });

  it('decodes stacked codings in reverse order of application', async () => {
    const body = zlib.brotliCompressSync(zlib.gzipSync(plain));
    const result = await post(body, { 'content-encoding': 'gzip, br' }, '/v1/messages/count_tokens');
    expect(result.status).toBe(200);
  });

  it('answers an unknown coding with 415, and a corrupt body with 400', async () => {
    const unknown = await post(plain, { 'content-encoding': 'compress' });
    expect(unknown.status).toBe(415);
    expect(unknown.json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
    expect(unknown.json.error.message).toMatch(/"compress" is not supported.*gzip, deflate, br/);
    const corrupt = await post(Buffer.from('not gzip at all'), { 'content-encoding': 'gzip' });
    expect(corrupt.status).toBe(400);
    expect(corrupt.json.error.message).toMatch(/could not be decoded \(gzip\)/);
  });

  it('a small body expanding past the limit is a 413, never taking more than the limit from the budget', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * MB, 0x20), { level: 9 });
    expect(bomb.length).toBeLessThan(MB / 8);
    const result = await post(bomb, { 'content-encoding': 'gzip' });
    expect(result.status).toBe(413);
    expect(result.json.error).toMatchObject({ type: 'request_too_large' });
    expect(budget().peak).toBeLessThanOrEqual(MAX_BODY); // only small bodies came before it
    expect(budget().inUse).toBe(0);
  });
});

describe('Content-Encoding: zstd, on every runtime (fzstd where zlib has no zstd)', () => {
  const claudeCode = claudeCodeJson();
  const countOf = async (body: Buffer, headers: Record<string, string> = {}) => {
    const result = await post(body, headers, '/v1/messages/count_tokens');
    expect(result.status, JSON.stringify(result.json)).toBe(200);
    return result.json.input_tokens as number;
  };

  it('a small body expanding past the limit is a 413, taking no more than the limit and its window', async () => {
    const bomb = zstdFixture('spaces-64mb-stream.zst');
    expect(bomb.length).toBeLessThan(4096);
    const result = await post(bomb, { 'content-encoding': 'zstd' });
    expect(result.status).toBe(413);
    expect(result.json.error).toMatchObject({ type: 'request_too_large' });
    expect(result.json.error.message).toMatch(/maximum allowed number of bytes \(2097152\)/);
    expect(budget().peak).toBeLessThanOrEqual(MAX_BODY + 128 * 1024); // its window is 128 KB; earlier tests took less
    expect(budget().inUse).toBe(0);
  });

  it('decodes what the zstd CLI wrote: one frame, streamed, two frames with skippable frames, stacked', async () => {
    const expected = await countOf(claudeCode);
    const zstd = { 'content-encoding': 'zstd' };
    expect(await countOf(zstdFixture('claude-code-l19.json.zst'), zstd)).toBe(expected);
    expect(await countOf(zstdFixture('claude-code-streamed.json.zst'), zstd)).toBe(expected);
    const framed = Buffer.concat([
      skippableFrame(Buffer.from('made by a test')),
      zstdFixture('claude-code-two-frames.json.zst'),
      skippableFrame(Buffer.alloc(500), 3),
    ]);
    expect(await countOf(framed, zstd)).toBe(expected);
    const stacked = zlib.gzipSync(zstdFixture('claude-code-l19.json.zst'));
    expect(await countOf(stacked, { 'content-encoding': 'zstd, gzip' })).toBe(expected);
  });

  it('answers /v1/messages with a zstd body', async () => {
    const json = Buffer.from(JSON.stringify(message));
    const body = Buffer.concat([frameHeader({ contentSize: json.length }), rawBlock(json)]);
    const result = await post(body, { 'content-encoding': 'zstd' });
    expect(result.status).toBe(200);
    expect(result.json.content[0].text).toBe('Hello from the Orchids simulator.');
  });

  it('a header claiming a 2 GB window or content size is a 413, with nothing allocated for it', async () => {
    const arrayBuffers = process.memoryUsage().arrayBuffers;
    for (const header of [frameHeader({ window: 21 << 3 }), frameHeader({ contentSize: 2 ** 31 })]) {
      const result = await post(Buffer.concat([header, rleBlock(0x20, 100)]), { 'content-encoding': 'zstd' });
      expect(result.status).toBe(413);
      expect(result.json.error.type).toBe('request_too_large');
      expect(result.json.error.message).toMatch(/2147483648.*past the size limit/);
    }
    expect(process.memoryUsage().arrayBuffers - arrayBuffers).toBeLessThan(64 * MB);
  });

  it('the decoder window counts against the body budget while the upload stalls, and is a 529 past it', async () => {
    const port = Number(new URL(stack.url).port);
    // A 2 MB window and one small block, then nothing: fzstd has allocated the window and waits for more.
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        `POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\n` +
          'content-encoding: zstd\r\ntransfer-encoding: chunked\r\n\r\n',
      );
      const start = Buffer.concat([frameHeader({ window: 11 << 3 }), rawBlock(Buffer.from('{"model":'), false)]);
      socket.write(`${start.length.toString(16)}\r\n`);
      socket.write(start);
      socket.write('\r\n');
    });
    socket.on('error', () => undefined);
    open.push(socket);
    await until(() => budget().inUse >= 2 * MB, { timeoutMs: 4000 });
    expect(budget().inUse).toBe(2 * MB + 9);
    socket.destroy();
    await until(() => budget().inUse === 0, { timeoutMs: 4000 });

    const held = [...Array.from({ length: 6 }, () => heldUpload(2 * MB)), heldUpload(MB)];
    await until(() => budget().inUse === 13 * MB - 7, { timeoutMs: 4000 });
    const refused = await post(zstdFixture('claude-code-streamed.json.zst'), { 'content-encoding': 'zstd' });
    expect(refused.status).toBe(529);
    expect(refused.json.error.type).toBe('overloaded_error');
    for (const each of held) each.destroy();
    await until(() => budget().inUse === 0, { timeoutMs: 4000 });
  });

  it('corrupt data, a dictionary, a cut frame and a hostile block are each a 400', async () => {
    const corrupt = Buffer.from(zstdFixture('claude-code-l19.json.zst'));
    for (let at = 200; at < 260; at++) corrupt[at] = corrupt[at]! ^ 0x5a;
    const bodies = [
      corrupt,
      Buffer.concat([frameHeader({ contentSize: 5, dictionary: 42 }), rawBlock(Buffer.from('hello'))]),
      zstdFixture('claude-code-streamed.json.zst').subarray(0, 10_000),
      sequenceBomb(98_000),
    ];
    for (const body of bodies) {
      const result = await post(body, { 'content-encoding': 'zstd' });
      expect(result.status).toBe(400);
      expect(result.json.error).toMatchObject({ type: 'invalid_request_error' });
      expect(result.json.error.message).toMatch(/could not be decoded \(zstd\)/);
    }
  });
});

describe('the body budget', () => {
  it('a large body gets a retryable 529 while others hold the budget; small ones fit; it frees after', async () => {
    expect(budget().bytes).toBe(16 * MB);
    // 13 MB held (but 7 bytes): of the 14 MB open to bodies over 1 MB (16 MB less the eighth kept for smaller ones),
    // 1 MB is left.
    const held = [...Array.from({ length: 6 }, () => heldUpload(2 * MB)), heldUpload(MB)];
    await until(() => budget().inUse === 13 * MB - 7, { timeoutMs: 4000 });
    const large = await post(padded(1.5 * MB), {}, '/v1/messages/count_tokens');
    const small = await post(padded(64 * 1024), {}, '/v1/messages/count_tokens');
    expect(large.status).toBe(529);
    expect(large.json).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(large.json.error.message).toMatch(/requestBodyBudgetMb/);
    expect(large.headers['retry-after']).toBe('2');
    expect(small.status).toBe(200);
    for (const socket of held) socket.destroy();
    await until(() => budget().inUse === 0, { timeoutMs: 4000 });
    expect((await post(padded(1.5 * MB), {}, '/v1/messages/count_tokens')).status).toBe(200);
    expect(budget().peak).toBeLessThanOrEqual(budget().bytes);
  });

  it('an upload that stalls after its headers holds nothing: bytes are reserved as they arrive', async () => {
    const port = Number(new URL(stack.url).port);
    const stalled = Array.from({ length: 20 }, () => {
      const socket = net.connect(port, '127.0.0.1', () =>
        socket.write(
          `POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\n` +
            `content-length: ${MAX_BODY}\r\n\r\n`,
        ),
      );
      socket.on('error', () => undefined);
      open.push(socket);
      return socket;
    });
    await until(() => stack.core.internals.server.inflightRequests >= 20, { timeoutMs: 4000 });
    expect(budget().inUse).toBe(0);
    expect((await post(padded(1.5 * MB), {}, '/v1/messages/count_tokens')).status).toBe(200);
    for (const socket of stalled) socket.destroy();
  });

  it("a control call's body shares the budget: 529 while others hold it, 413 past its ceiling", async () => {
    attachAppControl(stack.core, { distDir: tempDir() });
    const token = fs.readFileSync(path.join(stack.dataDir, 'control-token'), 'utf8').trim();
    // Padding beside the input: the channel reads only `input`. The /v1 body limit (2 MB here) is not the control's.
    const call = (bytes: number) =>
      post(
        JSON.stringify({ pad: 'x'.repeat(bytes) }),
        { authorization: `Bearer ${token}`, 'x-orchids-tray': '1' },
        '/_tray/api/accounts:list',
      );
    const held = [...Array.from({ length: 6 }, () => heldUpload(2 * MB)), heldUpload(MB)];
    await until(() => budget().inUse === 13 * MB - 7, { timeoutMs: 4000 });
    const large = await call(1.5 * MB);
    expect(large.status).toBe(529);
    expect(large.json).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
    expect(large.json.error.message).toMatch(/requestBodyBudgetMb/);
    expect(large.headers['retry-after']).toBe('2');
    expect((await call(64 * 1024)).json).toMatchObject({ ok: true });
    for (const socket of held) socket.destroy();
    await until(() => budget().inUse === 0, { timeoutMs: 4000 });
    expect((await call(1.5 * MB)).json).toMatchObject({ ok: true });
    // 15 MB is under the control API's own 16 MiB cap, but more than this budget could ever hold for one body.
    const past = await call(15 * MB);
    expect(past.status).toBe(413);
    expect(past.json.error).toMatchObject({
      type: 'request_too_large',
      message: expect.stringMatching(/requestBodyBudgetMb/),
    });
  });

  it('a body bigger than the budget could ever hold is a 413 naming the setting, not a 529 to retry', async () => {
    const roomy = await startStack({
      env: { ORCHIDS_TRAY_BODY_BUDGET_MB: '16', ORCHIDS_TRAY_MAX_BODY_BYTES: String(20 * MB) },
    });
    try {
      const response = await request(`${roomy.url}/v1/messages/count_tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: padded(15 * MB),
      });
      const json = (await response.body.json()) as { error: { type: string; message: string } };
      expect(response.statusCode).toBe(413);
      expect(json.error.type).toBe('request_too_large');
      expect(json.error.message).toMatch(/requestBodyBudgetMb/);
    } finally {
      await roomy.stop();
    }
  });
});

describe('the OpenAI routes: the same body handling, answered in their format', () => {
  const chat = { model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] };

  it('decode a gzip body, and refuse an unknown coding with 415', async () => {
    const gzipped = await post(
      zlib.gzipSync(JSON.stringify(chat)),
      { 'content-encoding': 'gzip' },
      '/v1/chat/completions',
    );
    expect(gzipped.status).toBe(200);
    expect(gzipped.json.choices[0].message.content).toBe('Hello from the Orchids simulator.');
    const unknown = await post(
      JSON.stringify({ model: chat.model, input: 'hi' }),
      { 'content-encoding': 'compress' },
      '/v1/responses',
    );
    expect(unknown.status).toBe(415);
    expect(unknown.json.error).toMatchObject({ type: 'invalid_request_error' });
    expect(unknown.json.error.message).toMatch(/"compress" is not supported/);
  });

  it('decode a zstd body, and refuse a zstd bomb (413) and corrupt zstd (400) in their own format', async () => {
    const zstd = { 'content-encoding': 'zstd' };
    const decoded = await post(zstdFixture('chat.json.zst'), zstd, '/v1/chat/completions');
    expect(decoded.status).toBe(200);
    expect(decoded.json.choices[0].message.content).toBe('Hello from the Orchids simulator.');
    const bomb = await post(zstdFixture('spaces-64mb-stream.zst'), zstd, '/v1/responses');
    expect(bomb.status).toBe(413);
    expect(bomb.json.error.message).toMatch(/maximum allowed number of bytes/);
    expect(bomb.json.type).toBeUndefined(); // OpenAI's shape, not Anthropic's
    const corrupt = await post(zstdFixture('chat.json.zst').subarray(0, 30), zstd, '/v1/chat/completions');
    expect(corrupt.status).toBe(400);
    expect(corrupt.json.error).toMatchObject({ type: 'invalid_request_error' });
    expect(corrupt.json.error.message).toMatch(/could not be decoded \(zstd\)/);
  });

  it('refuse a large body with a retryable 503 while others hold the budget', async () => {
    const held = [...Array.from({ length: 6 }, () => heldUpload(2 * MB)), heldUpload(MB)];
    await until(() => budget().inUse === 13 * MB - 7, { timeoutMs: 4000 });
    const large = JSON.stringify({ ...chat, messages: [{ role: 'user', content: 'x'.repeat(1.5 * MB) }] });
    const refused = await post(large, {}, '/v1/chat/completions');
    expect(refused.status).toBe(503);
    expect(refused.json.error).toMatchObject({ type: 'server_error', code: 'overloaded' });
    expect(refused.json.error.message).toMatch(/requestBodyBudgetMb/);
    expect(refused.headers['retry-after']).toBe('2');
    for (const socket of held) socket.destroy();
    await until(() => budget().inUse === 0, { timeoutMs: 4000 });
  });
});
