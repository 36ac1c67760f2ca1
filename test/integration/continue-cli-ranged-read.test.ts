import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { PINNED_MODES, upstreamText, type ProtocolMode } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { replayedToolUse, startCliStack, turnsAbout as turnsIn } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { runContinue, type ContinueApi } from '../helpers/continue';

/**
 * Generation B's agent reads part of a file with its Read's `offset` and `limit`; the real Continue CLI (`cn`
 * 1.5.47) declares a `Read` that takes only `filepath` and answers with the whole file. Before the proxy cut the
 * result, the agent was sent all 3,000 lines of a file it asked three lines of (seen over `ws` and `sse-b`), without
 * the line numbers its own Read gives.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-continue-key';
const LINES = 3000;

const turnsAbout = (pattern: RegExp): AgentRequestInfo[] => turnsIn(stack, pattern);

/** The contents of the tool results one upstream turn carries, as its blocks and as its ToolResults entries. */
function resultContents(request: AgentRequestInfo): unknown[] {
  const messages = request.body.messages as Array<{ content: unknown; ToolResults?: Array<{ Content?: unknown }> }>;
  const blocks = messages
    .flatMap((m) => (Array.isArray(m.content) ? (m.content as Array<Record<string, unknown>>) : []))
    .filter((b) => b.type === 'tool_result')
    .map((b) => b.content);
  return [...blocks, ...messages.flatMap((m) => (m.ToolResults ?? []).map((r) => r.Content))];
}

async function readsThreeLines(mode: ProtocolMode, api: ContinueApi): Promise<void> {
  stack = await startCliStack(mode, KEY);
  const work = tempDir('orchids-continue-work-');
  const file = path.join(work, 'ledger.txt');
  const lines = Array.from({ length: LINES }, (_, i) => `entry LEDGER-${i + 1} of the ledger`);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (!seen.includes('ledger.txt')) return undefined;
    if (seen.includes('LEDGER-1501 ')) return sse(reply('Line 1501 is LEDGER-1501.'));
    const read = { id: 'toolu_sim_read_0001', name: 'Read', input: { file_path: file, offset: 1500, limit: 3 } };
    return sse([...text('Reading the middle.'), ...toolCall(read), ...finish('tool-calls')]);
  });

  const run = await runContinue(work, 'What is around line 1501 of ledger.txt?', stack.url, KEY, { api });
  expect(run.code, run.stderr + run.stdout).toBe(0);
  expect(run.answer).toContain('Line 1501 is LEDGER-1501.');

  const turns = turnsAbout(/ledger\.txt/);
  expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
  const second = turns[1]!;
  // Continue was given the range beside its filepath, ignored it, and sent it back in its history.
  // (Chat Completions carries the call under the id the proxy gave it there, `call_…`.)
  expect(replayedToolUse(second)).toMatchObject({
    id: expect.stringMatching(/_sim_read_0001$/),
    name: 'Read',
    input: { filepath: file, offset: 1500, limit: 3 },
  });
  const asked =
    '  1500\tentry LEDGER-1500 of the ledger\n' +
    '  1501\tentry LEDGER-1501 of the ledger\n' +
    '  1502\tentry LEDGER-1502 of the ledger';
  expect(resultContents(second)).toEqual([asked, asked]);
  expect(upstreamText(second)).not.toContain('LEDGER-1 ');
  expect(upstreamText(second)).not.toContain(`LEDGER-${LINES} `);
}

describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-a'))(
  "Generation B's ranged Read through Continue's Read ($name)",
  (mode) => {
    it('sends the agent the three lines it asked for, numbered', { timeout: 90_000 }, async () => {
      await readsThreeLines(mode, 'anthropic');
    });
  },
);

describe.each(PINNED_MODES.filter((m) => m.expect === 'ws'))(
  "Generation B's ranged Read through Continue's OpenAI provider ($name)",
  (mode) => {
    it('sends the agent the three lines it asked for, numbered', { timeout: 90_000 }, async () => {
      await readsThreeLines(mode, 'openai');
    });
  },
);
