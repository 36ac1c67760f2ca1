import { pinnedMode } from '../helpers/upstream';
import { describeKiloDelegating } from '../helpers/kilo-delegating';

/**
 * The real Kilo Code CLI's delegating run (describeKiloDelegating: Write, Bash, Glob and Grep in one step, then
 * TodoWrite and Task with a sub-agent, then WebFetch) through its OpenAI-compatible provider, Chat Completions, on
 * `sse-b` and on Generation A; kilo-cli.test.ts has it on `ws` and through the Anthropic provider. DECISION: a file
 * of its own, as kilo-cli.test.ts already takes minutes and each Kilo run here costs 15–30 s more: vitest runs this
 * file on another worker. On Generation A the sub-agent's report and the page reach the model inside the prompt's
 * `<tool_result>` tags under the `call_…` ids Chat Completions spells.
 */
describeKiloDelegating([
  { mode: pinnedMode('sse-b'), api: 'openai-chat', served: 'openai-chat' },
  { mode: pinnedMode('sse-a'), api: 'openai-chat', served: 'openai-chat' },
]);
