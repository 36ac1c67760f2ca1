import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Stack } from './stack';

/**
 * The Vercel AI SDK as an IDE extension ships it: `ai` 7 with `@ai-sdk/openai`, `@ai-sdk/openai-compatible` or
 * `@ai-sdk/anthropic`, loaded from where the Cline CLI's own install resolves them. The top-level `ai` in node_modules
 * is 6, which refuses these providers' model specification, so importing the packages by name would pair the wrong
 * versions.
 */

/** Typed as the copy loaded below is, so the tests are checked against the SDK they run. */
type Ai = typeof import('../../node_modules/@cline/llms/node_modules/ai/dist/index');
type AiAnthropic = typeof import('@ai-sdk/anthropic');
type AiOpenAi = typeof import('@ai-sdk/openai');
type AiOpenAiCompatible = typeof import('@ai-sdk/openai-compatible');

/** Cline CLI's own copy, found from its package as Node would (the llms package exports no CommonJS entry). */
const clineRequire = createRequire(createRequire(import.meta.url).resolve('cline/package.json'));
const llmsDir = clineRequire.resolve
  .paths('@cline/llms')!
  .map((dir) => join(dir, '@cline', 'llms'))
  .find((dir) => existsSync(join(dir, 'package.json')))!;
const from = createRequire(join(llmsDir, 'package.json'));
const load = async <T>(name: string): Promise<T> => (await import(from.resolve(name))) as T;

export const loadAiSdk = async () => {
  const ai = await load<Ai>('ai');
  const { createOpenAI } = await load<AiOpenAi>('@ai-sdk/openai');
  const { createOpenAICompatible } = await load<AiOpenAiCompatible>('@ai-sdk/openai-compatible');
  /** The three ways an AI SDK app reaches an OpenAI-compatible server: Responses, Chat, and the compatible provider. */
  const models = (stack: Stack, model = 'claude-sonnet-4-6') => {
    const settings = { baseURL: `${stack.url}/v1`, apiKey: 'test-not-a-real-key' };
    return {
      'openai responses': createOpenAI(settings).responses(model),
      'openai chat': createOpenAI(settings).chat(model),
      // Usage on a stream and json_schema formats are opt-in settings of this provider; an IDE wanting them sets them.
      'openai-compatible': createOpenAICompatible({
        ...settings,
        name: 'orchids',
        includeUsage: true,
        supportsStructuredOutputs: true,
      }).chatModel(model),
    };
  };
  return { ai, models };
};

/** `ai` 7 with `@ai-sdk/anthropic` 4, the pair an AI SDK app uses for the Messages API. */
export const loadAnthropicAiSdk = async () => ({
  ai: await load<Ai>('ai'),
  anthropic: await load<AiAnthropic>('@ai-sdk/anthropic'),
});
export const AI_SDK_MODELS = ['openai responses', 'openai chat', 'openai-compatible'] as const;
export type AiSdkModel = (typeof AI_SDK_MODELS)[number];
