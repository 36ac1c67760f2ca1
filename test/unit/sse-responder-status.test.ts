import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_TEXT_BLOCK } from '../../main/core/anthropic/sse-writer';
import { ANTHROPIC_FORMAT } from '../../main/core/proxy/api-format';
import { Heartbeat } from '../../main/core/proxy/heartbeat';
import { SseResponder } from '../../main/core/proxy/responders';
import { ContextOverflowError } from '../../main/core/server/errors';

/**
 * When a streamed answer's status line goes out, seen by a real HTTP client on loopback: the status is what tells a
 * client whether the request itself was refused, so it must stay free until the client has content to lose.
 */
let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

const START = {
  type: 'message_start',
  message: {
    id: 'msg_test',
    type: 'message',
    role: 'assistant',
    content: [],
    model: 'claude-test',
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 1, output_tokens: 1 },
  },
};
const OVERFLOW = new ContextOverflowError('Orchids reported bad_request: input is too long');

/** Serves one request with `script`, which drives an SseResponder; resolves with what the client received. */
async function serve(
  script: (responder: SseResponder, res: http.ServerResponse) => Promise<void>,
): Promise<{ status: number; headersBeforeEnd: boolean; body: string }> {
  const heartbeat = new Heartbeat(() => 60_000);
  server = http.createServer((_req, res) => void script(new SseResponder(res, heartbeat, ANTHROPIC_FORMAT), res));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/' }, (res) => {
        let body = '';
        let ended = false;
        let headersBeforeEnd = false;
        // The headers reached the client while the server had not ended the response yet.
        setImmediate(() => (headersBeforeEnd = !ended));
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          ended = true;
          resolve({ status: res.statusCode!, headersBeforeEnd, body });
        });
      })
      .on('error', reject);
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SseResponder: the status line waits for content', () => {
  it('an upstream preamble flushed before a context overflow: a real 400, not a 200 with an error event', async () => {
    const result = await serve(async (responder) => {
      responder.sink('message_start', START);
      responder.flush(); // the upstream's first read held only a preamble (Gen B's `connected`): no content yet
      await pause(50);
      responder.fail(OVERFLOW);
    });
    expect(result.status).toBe(400);
    expect(JSON.parse(result.body)).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: expect.stringMatching(/^prompt is too long: /) },
    });
  });

  it('content is written at its flush, message_start with it, and a later failure is an error event', async () => {
    const result = await serve(async (responder) => {
      responder.sink('message_start', START);
      responder.flush();
      responder.sink('content_block_start', { type: 'content_block_start', index: 0, content_block: EMPTY_TEXT_BLOCK });
      responder.flush();
      await pause(50);
      responder.fail(OVERFLOW);
    });
    expect(result.status).toBe(200);
    expect(result.headersBeforeEnd).toBe(true);
    expect(result.body.indexOf('event: message_start')).toBe(0);
    expect(result.body).toContain('event: content_block_start');
    expect(result.body).toMatch(/event: error\ndata: .*"type":"invalid_request_error","message":"prompt is too long: /);
  });

  it('a ping commits the 200 (a quiet upstream): a failure after it is an Anthropic error event', async () => {
    const result = await serve(async (responder) => {
      responder.sink('message_start', START);
      responder.flush();
      responder.ping();
      await pause(50);
      responder.fail(OVERFLOW);
    });
    expect(result.status).toBe(200);
    const frames = result.body.split('\n\n').filter(Boolean);
    expect(frames.map((f) => f.split('\n')[0])).toEqual(['event: message_start', 'event: ping', 'event: error']);
    expect(JSON.parse(frames[2]!.split('\n')[1]!.slice('data: '.length))).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: OVERFLOW.message },
    });
  });
});
