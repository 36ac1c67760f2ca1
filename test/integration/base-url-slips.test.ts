import { NotFoundError as AnthropicNotFound } from '@anthropic-ai/sdk';
import OpenAI, { NotFoundError as OpenAINotFound } from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../helpers/stack';

/**
 * The commonest setup slip is the base URL's `/v1`: the Anthropic SDK adds it, OpenAI's does not. The real SDKs,
 * given the wrong one, get a 404 that says how to fix the base URL.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

describe('a base URL with /v1 doubled or left out', () => {
  it('the Anthropic SDK with a base URL ending in /v1 is told the path has /v1 twice', async () => {
    const client = stack.client({ baseURL: `${stack.url}/v1` });
    const error = await client.messages
      .create({ model: 'claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AnthropicNotFound);
    expect((error as AnthropicNotFound).error).toMatchObject({
      type: 'error',
      error: {
        type: 'not_found_error',
        message:
          'Not found: POST /v1/v1/messages. The path has /v1 twice: this client adds /v1 itself, so its base URL ' +
          'should not end in /v1.',
      },
    });
  });

  it('OpenAI’s SDK with a base URL without /v1 is told the path it meant', async () => {
    const client = new OpenAI({ baseURL: stack.url, apiKey: 'test-not-a-real-key', maxRetries: 0 });
    const error = await client.chat.completions
      .create({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAINotFound);
    expect((error as OpenAINotFound).message).toContain(
      'Not found: POST /chat/completions. Did you mean /v1/chat/completions? A client that does not add /v1 itself ' +
        'takes a base URL ending in /v1.',
    );
    const models = await client.models.list().catch((e: unknown) => e);
    expect((models as OpenAINotFound).message).toContain('Did you mean /v1/models?');
  });

  it('OpenAI’s SDK without /v1 asking a path it does not serve gets OpenAI’s 404 and the hint', async () => {
    const client = new OpenAI({ baseURL: stack.url, apiKey: 'test-not-a-real-key', maxRetries: 0 });
    const error = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: 'hi' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAINotFound);
    expect((error as OpenAINotFound).error).toEqual({
      message:
        "Not found: POST /embeddings. OpenAI's paths start with /v1: a client that does not add /v1 itself takes a " +
        'base URL ending in /v1. Orchids Tray does not offer embeddings under /v1 either: it serves ' +
        '/v1/chat/completions, /v1/responses and /v1/models.',
      type: 'invalid_request_error',
      param: null,
      code: 'not_found',
    });
    // An Anthropic client there keeps Anthropic's 404.
    const anthropic = await request(`${stack.url}/embeddings`, { headers: { 'anthropic-version': '2023-06-01' } });
    expect(anthropic.statusCode).toBe(404);
    expect(await anthropic.body.json()).toMatchObject({ type: 'error', error: { type: 'not_found_error' } });
  });

  it('a path that is no near miss, or a near miss by the wrong method, gets no hint', async () => {
    for (const [method, target] of [
      ['POST', '/v1/nothing'],
      ['POST', '/nothing'],
      ['GET', '/messages'],
      ['GET', '/v1/v1/messages'],
    ] as const) {
      const answer = await request(`${stack.url}${target}`, {
        method,
        headers: { 'content-type': 'application/json' },
      });
      expect(answer.statusCode, `${method} ${target}`).toBe(404);
      expect(await answer.body.json(), `${method} ${target}`).toMatchObject({
        error: { type: 'not_found_error', message: `Not found: ${method} ${target}.` },
      });
    }
  });
});
