import { afterEach, describe, expect, it } from 'vitest';
import { reply, sse } from '../sim/orchids-simulator';
import { runClaude } from '../helpers/claude-code';
import { startCliStack } from '../helpers/cli-clients';
import type { Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { answered, pinnedMode } from '../helpers/upstream';

/**
 * Claude Code's `ANTHROPIC_DEFAULT_<FAMILY>_MODEL_SUPPORTED_CAPABILITIES` (a comma list: `thinking`,
 * `adaptive_thinking`, `effort`, …) names what the pinned model of that family can do. Through the proxy Claude Code
 * 2.1.332 does not read it: a pinned Opus is sent adaptive thinking whatever the list says. Generation A shows it,
 * since only there the thinking asked for reaches the upstream in a form of its own (adaptive: a 10,000 budget).
 */
let stack: Stack;
afterEach(async () => stack?.stop());
const KEY = 'test-claude-code-capabilities-key';
const SSE_A = pinnedMode('sse-a');
const ADAPTIVE = '<thinking_mode>enabled</thinking_mode><max_thinking_length>10000</max_thinking_length>';

async function thinkingSent(env: Record<string, string>): Promise<string | undefined> {
  stack = await startCliStack(SSE_A, KEY);
  stack.sim.onAgentRequest(() => sse(reply('Hi.')));
  const run = await runClaude(
    tempDir('orchids-cc-work-'),
    'say hi',
    { ANTHROPIC_BASE_URL: stack.url, ANTHROPIC_API_KEY: KEY, ANTHROPIC_DEFAULT_OPUS_MODEL: 'claude-opus-4-6', ...env },
    { model: 'opus' },
  );
  expect(run.code, run.stderr).toBe(0);
  const [turn, ...more] = answered(stack.sim.requests);
  expect(more).toEqual([]);
  expect(turn!.body.model).toBe('claude-opus-4-6');
  return /^<thinking_mode>.*?<\/max_thinking_length>/.exec(turn!.body.prompt)?.[0];
}

describe("Claude Code's _SUPPORTED_CAPABILITIES through the proxy (pinned sse-a)", () => {
  it.each(['', 'thinking', 'effort'])(
    'with the pinned Opus said to support "%s", it still asks for adaptive thinking',
    { timeout: 90_000 },
    async (capabilities) => {
      expect(await thinkingSent({ ANTHROPIC_DEFAULT_OPUS_MODEL_SUPPORTED_CAPABILITIES: capabilities })).toBe(ADAPTIVE);
    },
  );
});
