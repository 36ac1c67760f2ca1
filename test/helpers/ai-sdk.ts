import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * The Vercel AI SDK as a real client runs it: `ai` and `@ai-sdk/anthropic` from one install. Both come in with
 * Cline's `@cline/llms` (ai 7, provider 4), and the `ai` hoisted to the top of node_modules is an older major (6)
 * that refuses the provider's models ("AI SDK 5 only supports … v2"), so the pair is resolved, and typed, from where
 * Cline's own code resolves it.
 */
type Ai = typeof import('../../node_modules/@cline/llms/node_modules/ai/dist/index');
type AiAnthropic = typeof import('@ai-sdk/anthropic');

export async function loadAiSdk(): Promise<{ ai: Ai; anthropic: AiAnthropic }> {
  const fromCline = createRequire(new URL('../../node_modules/@cline/llms/package.json', import.meta.url));
  const load = (name: string) => import(pathToFileURL(fromCline.resolve(name)).href);
  const [ai, anthropic] = (await Promise.all([load('ai'), load('@ai-sdk/anthropic')])) as [Ai, AiAnthropic];
  return { ai, anthropic };
}
