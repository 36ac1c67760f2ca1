import { NotFoundError } from 'openai';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiFor, refusal } from '../helpers/openai-sdk';
import { startStack, type Stack } from '../helpers/stack';

/**
 * The paths OpenAI's API defines and Orchids Tray does not serve: the official OpenAI SDK (6.x) gets a NotFoundError
 * it reads whole (OpenAI's error format), saying what is not offered and what is, where Anthropic's 404 left it a
 * message and no `code`.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.stop());

const SERVED = 'it serves /v1/chat/completions, /v1/responses and /v1/models.';
const notOffered = (what: string, request: string) => `Orchids Tray does not offer ${what} (${request}): ${SERVED}`;

describe('OpenAI paths Orchids Tray does not serve', () => {
  it("the OpenAI SDK's calls to them are each a NotFoundError saying what is not offered and what is", async () => {
    const client = openaiFor(stack);
    const calls: Array<[() => Promise<unknown>, string]> = [
      [
        () => client.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' }),
        notOffered('embeddings', 'POST /v1/embeddings'),
      ],
      [
        () => client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'hi' }),
        notOffered('the legacy Completions API', 'POST /v1/completions'),
      ],
      [
        () => client.images.generate({ model: 'gpt-image-1', prompt: 'a cat' }),
        notOffered('image generation', 'POST /v1/images/generations'),
      ],
      [
        () => client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'hi' }),
        notOffered('audio (speech, transcriptions and translations)', 'POST /v1/audio/speech'),
      ],
      [() => client.moderations.create({ input: 'hi' }), notOffered('moderations', 'POST /v1/moderations')],
      [() => client.files.list(), notOffered('files', 'GET /v1/files')],
      [
        () => client.chat.completions.retrieve('chatcmpl_1'),
        notOffered('stored chat completions', 'GET /v1/chat/completions/chatcmpl_1'),
      ],
      [() => client.batches.list(), notOffered('the Batch API', 'GET /v1/batches')],
    ];
    // Each called in turn: a promise made before its turn would be refused with nothing yet awaiting it.
    for (const [call, message] of calls) {
      const error = await refusal(call());
      expect(error, message).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).message).toBe(`404 ${message}`);
      expect((error as NotFoundError).error).toEqual({
        message,
        type: 'invalid_request_error',
        param: null,
        code: 'not_found',
      });
    }
  });

  it('the answer is exactly OpenAI’s error format, with a request id', async () => {
    const answer = await request(`${stack.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"model":"text-embedding-3-small","input":"hi"}',
    });
    expect(answer.statusCode).toBe(404);
    expect(answer.headers['request-id']).toMatch(/^req_/);
    expect(await answer.body.json()).toEqual({
      error: {
        message: notOffered('embeddings', 'POST /v1/embeddings'),
        type: 'invalid_request_error',
        param: null,
        code: 'not_found',
      },
    });
  });

  it('a missing API key there is refused in OpenAI’s format too', async () => {
    stack.core.settings.set('apiKey', 'test-key-0123456789');
    try {
      const answer = await request(`${stack.url}/v1/embeddings`, { method: 'POST' });
      expect(answer.statusCode).toBe(401);
      expect(await answer.body.json()).toMatchObject({
        error: { type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
      });
    } finally {
      stack.core.settings.reset('apiKey');
    }
  });

  it('an Anthropic client (anthropic-version), and a path OpenAI does not define, keep Anthropic’s 404', async () => {
    for (const [target, headers] of [
      ['/v1/files', { 'anthropic-version': '2023-06-01' }],
      ['/v1/nothing', {}],
      ['/v1/chat/nothing', {}],
      ['/v1/constructor', {}],
    ] as const) {
      const answer = await request(`${stack.url}${target}`, { headers });
      expect(answer.statusCode, target).toBe(404);
      expect(await answer.body.json(), target).toMatchObject({
        type: 'error',
        error: { type: 'not_found_error', message: `Not found: GET ${target}.` },
      });
    }
  });
});
