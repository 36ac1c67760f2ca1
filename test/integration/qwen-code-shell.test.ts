import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedMode } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { replayedToolUses, sentErrorIds, sentToolResults, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { scriptCalls, seenCallId } from '../helpers/edit-scenarios';
import { tempDir } from '../helpers/temp-dir';
import { runQwen } from '../helpers/qwen';

/**
 * The real Qwen Code CLI's shell beyond a plain command (qwen-code-cli.test.ts): a command the agent runs in the
 * background. (Its block of a destructive command is its window's, in auto mode: qwen-code-tui.test.ts; `qwen -p` in
 * auto mode declares no shell.) `qwen --yolo -p …`, Chat Completions, pinned `ws`.
 */
const KEY = 'test-qwen-key';
const TIMEOUT = { timeout: 120_000 };

describe('Qwen Code’s run_shell_command in the background (pinned ws)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startCliStack(pinnedMode('ws'), KEY);
  });
  afterAll(async () => stack.stop());

  it('starts the agent’s background Bash with is_background, and the agent gets Qwen’s word', TIMEOUT, async () => {
    const work = tempDir('orchids-qwen-work-');
    const command = 'sleep 1; echo PEACH-5 > late.txt';
    const calls = [{ id: 'toolu_sim_bg_0001', name: 'Bash', input: { command, run_in_background: true } }];
    scriptCalls(stack, 'Start the peach job', calls, 'Started.', true);

    const run = await runQwen(work, 'Start the peach job', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('Started.');
    const last = turnsAbout(stack, /Start the peach job/).at(-1)!;
    expect(replayedToolUses(last)).toEqual([
      expect.objectContaining({
        name: 'run_shell_command',
        input: expect.objectContaining({ command, is_background: true }),
      }),
    ]);
    expect(sentErrorIds(last)).toEqual([]);
    const [result] = sentToolResults(last);
    expect(result!.tool_use_id).toBe(seenCallId(calls[0]!.id, true));
    expect(String(result!.content)).toMatch(/^Background shell started\.\nid: /);
  });
});
