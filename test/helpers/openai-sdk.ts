import OpenAI from 'openai';
import type { Stack } from './stack';

/**
 * What the openai-sdk-*.test.ts files share: the official OpenAI SDK pointed at a stack, the tools and schema their
 * requests ask with, and a way to hold a refused call's error as a value.
 */

/** No retries, so each call is one request the test can count on the proxy and the simulator. */
export const openaiFor = (stack: Stack, options: ConstructorParameters<typeof OpenAI>[0] = {}): OpenAI =>
  new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: 'test-not-a-real-key', maxRetries: 0, ...options });

export const WEATHER: OpenAI.Chat.ChatCompletionFunctionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'The weather in a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};
export const PERSON_SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer' } },
  required: ['name', 'age'],
  additionalProperties: false,
};

/** The error a call was refused with, or `answered`: so a test asserts the refusal, and fails if there was none. */
export const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => 'answered',
    (error: unknown) => error,
  );
