import { afterAll, beforeAll, expect } from 'vitest';
import { attachAppControl } from '../../main/core/control/app-control';
import { postRaw } from './messages';
import { startStack, type Stack } from './stack';
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
export function serveOnce(started: (stack: Stack) => void) {
  let stack: Stack | undefined;
  beforeAll(async () => {
    stack = await startStack({ core: {}, env: {} });
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
