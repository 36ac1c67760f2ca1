import net from 'node:net';
import { afterAll, beforeAll, expect } from 'vitest';
import { attachAppControl } from '../../main/core/control/app-control';
import { postRaw } from './messages';
import { startStack, type Stack, type StackOptions } from './stack';
import { fakeWindowBuild } from './window-build';

/**
 * What the bad-input-*.test.ts files share: one stack a file, sent every bad request in turn, which must still answer
 * a good request after each; and the shape of Anthropic's errors.
 */

export const valid = { model: 'claude-sonnet-4-6', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] };

/**
 * Starts the file's stack before its tests, hands it to `started` for the tests' own use, and stops it after them.
 * The dashboard's routes are on it too: their paths are decoded by another module.
 */
export function serveOnce(started: (stack: Stack) => void, core: StackOptions['core'] = {}) {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack({ core, env: {} });
    attachAppControl(stack.core, { distDir: fakeWindowBuild() });
    started(stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const post = (body: string | Buffer, headers?: Record<string, string>, path?: string) =>
    postRaw(stack!.url, body, { headers, path });

  /** After every bad request the server must still answer a good one. */
  async function stillServing(): Promise<void> {
    const { status, json } = await post(JSON.stringify(valid));
    expect(status).toBe(200);
    expect(json.content[0].text).toBe('Hello from the Orchids simulator.');
  }
  return { post, stillServing };
}

export function expectAnthropicError(
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

/**
 * Writes `parts` to a fresh connection to `url`, `gapMs` apart, half-closing it after the last when `halfClose`, and
 * returns all the server wrote until it closed the connection.
 */
export function rawExchange(
  url: string,
  parts: Array<string | Buffer>,
  { gapMs = 0, halfClose = false }: { gapMs?: number; halfClose?: boolean } = {},
): Promise<string> {
  return new Promise((resolve, reject) => {
    const write = async (): Promise<void> => {
      for (const part of parts) {
        if (socket.destroyed) break;
        socket.write(part);
        if (gapMs > 0) await new Promise((done) => setTimeout(done, gapMs));
      }
      if (halfClose && !socket.destroyed) socket.end();
    };
    const socket = net.connect(Number(new URL(url).port), '127.0.0.1', () => void write());
    let reply = '';
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('utf8')));
    socket.on('error', reject);
    socket.on('close', () => resolve(reply));
  });
}

/** The status and the JSON body of a reply rawExchange returned. */
export function parsedReply(reply: string): { status: number; json: any } {
  const status = Number(/^HTTP\/1\.1 (\d{3}) /.exec(reply)?.[1]);
  return { status, json: JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) };
}
