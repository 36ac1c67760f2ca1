import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { sendOpenAIError } from '../../main/core/openai/errors';
import { DEFAULT_MODEL_MAP } from '../../main/core/orchids/model-map';
import type { MessagesProxy } from '../../main/core/proxy/messages-proxy';
import { sendJson } from '../../main/core/server/errors';
import { ProxyServer } from '../../main/core/server/http-server';
import { parsedReply, rawExchange, serveOnce, valid } from '../helpers/bad-input';
import type { Stack } from '../helpers/stack';

/**
 * A body shorter than its Content-Length said, and what the client does next: half-closes, sends another request, or
 * sends bytes that are not HTTP. The client gets one clear answer in the route's own API format (never the parser's
 * bare refusal written over it), the connection closes, and nothing waits past the request timeout. Short limits,
 * so the timeout case takes two seconds, not two minutes.
 */
const LIMITS = { headersTimeoutMs: 1000, requestTimeoutMs: 2000 };
let stack: Stack;
const { stillServing } = serveOnce((started) => (stack = started), { serverLimits: LIMITS });

const head = (target: string, framing: string) =>
  `POST ${target} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n${framing}\r\n`;
const START = '{"model":"x"';

/** The reply's one error message in the route's format, after checking it is the only answer and is in that format. */
function errorOf(reply: string, target: string, status: number): string {
  expect(reply.match(/HTTP\/1\.1 /g)).toHaveLength(1);
  expect(reply).toMatch(/\r\nconnection: close\r\n/i);
  const { status: got, json } = parsedReply(reply);
  expect(got).toBe(status);
  if (target === '/v1/messages') {
    expect(json).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' }, request_id: /^req_/ });
    return json.error.message;
  }
  expect(json).toEqual({
    error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: null },
  });
  return json.error.message;
}

const TARGETS = ['/v1/messages', '/v1/chat/completions', '/v1/responses'];

describe('a body cut short', () => {
  it.each(TARGETS)('%s: half-closed before the last byte → 400 at once, saying how much came', async (target) => {
    const started = Date.now();
    const reply = await rawExchange(stack.url, [head(target, 'content-length: 100\r\n'), START], { halfClose: true });
    expect(errorOf(reply, target, 400)).toBe(
      `The request body ended after ${START.length} of the 100 bytes its Content-Length declared.`,
    );
    expect(Date.now() - started).toBeLessThan(LIMITS.headersTimeoutMs);
    await stillServing();
  });

  it('chunked, half-closed before the last chunk → 400 saying so', async () => {
    const chunk = `${START.length.toString(16)}\r\n${START}\r\n`;
    const reply = await rawExchange(stack.url, [head('/v1/messages', 'transfer-encoding: chunked\r\n'), chunk], {
      halfClose: true,
    });
    expect(errorOf(reply, '/v1/messages', 400)).toBe(
      'The request body ended before its last chunk: the client closed its side of the connection.',
    );
    await stillServing();
  });

  it.each(TARGETS)('%s: a second request inside it → the first still gets its own answer, alone', async (target) => {
    const second = head(target, `content-length: ${JSON.stringify(valid).length}\r\n`) + JSON.stringify(valid);
    const reply = await rawExchange(stack.url, [head(target, 'content-length: 100\r\n'), START, second]);
    // The second request's first bytes completed the first body; what is left of it is not HTTP.
    expect(errorOf(reply, target, 400)).toMatch(/^The request body is not valid JSON: .* at line 1, column 13 /);
    await stillServing();
  });

  // DECISION: the three routes wait out the request timeout side by side (each on a connection of its own, as the
  // server sees any three clients), not one after another: most of this file's time was these waits, three in a row.
  it.concurrent.each(TARGETS)(
    '%s: bytes that never complete it → 408 at the request timeout, not a hang',
    async (target) => {
      const started = Date.now();
      const reply = await rawExchange(stack.url, [head(target, 'content-length: 100\r\n'), START, '\x00\x01garbage']);
      expect(errorOf(reply, target, 408)).toBe('The request did not arrive in time.');
      expect(Date.now() - started).toBeLessThan(LIMITS.requestTimeoutMs + 2 * LIMITS.headersTimeoutMs + 1000);
      await stillServing();
    },
  );

  it('refused before its body is read, the rest not HTTP → that refusal alone, in its format', async () => {
    // One write: the route refuses (an OpenAI path not offered), then the parser fails on the malformed chunk after it.
    const reply = await rawExchange(stack.url, [
      `${head('/v1/embeddings', 'transfer-encoding: chunked\r\n')}5\r\n{"inp\r\nnot a chunk size\r\n`,
    ]);
    expect(reply.match(/HTTP\/1\.1 /g), reply).toHaveLength(1);
    const { status, json } = parsedReply(reply);
    expect(status).toBe(404);
    expect(json).toEqual({ error: expect.objectContaining({ type: 'invalid_request_error', code: 'not_found' }) });
    await stillServing();
  });

  it('none of it is logged as an internal error', () => {
    expect(stack.logs.filter((line) => /unexpected error/i.test(line))).toEqual([]);
  });
});

describe('a body cut short before its handler began to read it', () => {
  // No route of the app's waits before reading its body; one that does (an OpenAI-format route here) still gets the
  // failure as its body's refusal, in its own format, instead of the parser's raw answer.
  const server = new ProxyServer({
    host: '127.0.0.1',
    port: 0,
    allowNonLoopback: false,
    maxBodyBytes: 1024,
    apiKey: () => '',
    allowedOrigins: () => [],
    modelMap: () => DEFAULT_MODEL_MAP,
    estimateInput: () => 0,
    health: () => ({}),
    proxy: {} as MessagesProxy,
    routes: [
      {
        method: 'POST',
        path: '/v1/later',
        sendError: sendOpenAIError,
        handle: async (ctx) => {
          await sleep(300);
          sendJson(ctx.res, 200, JSON.stringify(await ctx.json()));
        },
      },
    ],
  });
  afterAll(() => server.stop(0));

  it('half-closed before the last byte → its route’s 400, saying how much came', async () => {
    const url = await server.start();
    const reply = await rawExchange(url, [head('/v1/later', 'content-length: 100\r\n'), START], { halfClose: true });
    expect(errorOf(reply, '/v1/later', 400)).toBe(
      `The request body ended after ${START.length} of the 100 bytes its Content-Length declared.`,
    );
  });
});
