import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finish, sse, text } from '../sim/orchids-simulator';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { sentErrorIds, sentToolResults, served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { scriptCalls, seenCallId } from '../helpers/edit-scenarios';
import { tempDir } from '../helpers/temp-dir';
import { READS_COMMAND_OUTPUT, runQwen } from '../helpers/qwen';

/**
 * The real Qwen Code CLI (`qwen`, pinned in devDependencies) pointed at Orchids Tray the way a user would: its
 * `openai` auth with OPENAI_BASE_URL and OPENAI_API_KEY (Chat Completions), then `qwen --yolo -p …`, on Generation B
 * (`ws`). Generation B's agent is shown no client tools and calls its own (`Read`, `Edit`, `Bash`), which the proxy
 * maps to Qwen's `read_file`, `edit` and `run_shell_command`. One stack for the file: a run is a few seconds here.
 */
const KEY = 'test-qwen-key';
const WS = pinnedMode('ws');
const TIMEOUT = { timeout: 120_000 };
let stack: Stack;
beforeAll(async () => {
  stack = await startCliStack(WS, KEY);
});
afterAll(async () => stack?.stop());

function workWithPlan(content: string): { work: string; file: string } {
  const work = tempDir('orchids-qwen-work-');
  const file = path.join(work, 'plan.txt');
  fs.writeFileSync(file, content);
  return { work, file };
}

describe('Qwen Code through Orchids Tray (pinned ws)', () => {
  it('prints a streamed answer, in one upstream turn', TIMEOUT, async () => {
    const answer = 'Hello from Orchids, in five streamed pieces.';
    stack.sim.onAgentRequest((req) =>
      upstreamText(req).includes('Say hello') ? sse([...text(answer, { chunks: 5 }), ...finish()]) : undefined,
    );

    const run = await runQwen(tempDir('orchids-qwen-work-'), 'Say hello', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe(answer);
    expect(turnsAbout(stack, /Say hello/).map((t) => t.protocol)).toEqual(['ws']);
    expect(await served(stack)).toContainEqual({ api: 'openai-chat', stream: true, status: 200, protocol: 'ws' });
  });

  it('reads a file, edits it and runs a shell command, each on disk', TIMEOUT, async () => {
    const { work, file } = workWithPlan('step one: MANGO\nstep two: KIWI\n');
    const calls = [
      // The agent's second line: Qwen's read_file counts its offset from 0.
      { id: 'toolu_sim_read_0001', name: 'Read', input: { file_path: file, offset: 2, limit: 1 } },
      { id: 'toolu_sim_edit_0001', name: 'Edit', input: { file_path: file, old_string: 'KIWI', new_string: 'PAPAYA' } },
      // The agent's Bash, which Qwen Code declares as run_shell_command.
      { id: 'toolu_sim_bash_0001', name: 'Bash', input: { command: 'wc -l plan.txt > count.txt' } },
    ];
    scriptCalls(stack, 'Fix the plan', calls, 'The plan is fixed.', true);

    const run = await runQwen(work, 'Fix the plan in plan.txt', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('The plan is fixed.');
    expect(fs.readFileSync(file, 'utf8')).toBe('step one: MANGO\nstep two: PAPAYA\n');
    expect(fs.readFileSync(path.join(work, 'count.txt'), 'utf8').trim()).toBe('2 plan.txt');
    const last = turnsAbout(stack, /Fix the plan/).at(-1)!;
    expect(sentToolResults(last).map((r) => r.tool_use_id)).toEqual(calls.map((c) => seenCallId(c.id, true)));
    expect(sentErrorIds(last)).toEqual([]);
    const read = String(sentToolResults(last)[0]!.content);
    expect(read).toContain('step two: KIWI');
    expect(read).not.toContain('step one');
  });

  it('gives the agent a failed edit or read as an error, in Qwen’s words', TIMEOUT, async () => {
    const { work, file } = workWithPlan('step one: MANGO\n');
    const calls = [
      // Qwen's edit refuses a file not read in this session, then an old text that is not in it.
      { id: 'toolu_sim_edit_0002', name: 'Edit', input: { file_path: file, old_string: 'MANGO', new_string: 'FIG' } },
      { id: 'toolu_sim_read_0002', name: 'Read', input: { file_path: file } },
      { id: 'toolu_sim_edit_0003', name: 'Edit', input: { file_path: file, old_string: 'KIWI', new_string: 'FIG' } },
      { id: 'toolu_sim_read_0003', name: 'Read', input: { file_path: path.join(work, 'nope.txt') } },
    ];
    scriptCalls(stack, 'Change the plan', calls, 'Nothing changed.', true);

    const run = await runQwen(work, 'Change the plan in plan.txt', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('Nothing changed.');
    expect(fs.readFileSync(file, 'utf8')).toBe('step one: MANGO\n');
    const last = turnsAbout(stack, /Change the plan/).at(-1)!;
    const failed = ['toolu_sim_edit_0002', 'toolu_sim_edit_0003', 'toolu_sim_read_0003'];
    expect(sentErrorIds(last)).toEqual(failed.map((id) => seenCallId(id, true)));
    const words = Object.fromEntries(sentToolResults(last).map((r) => [r.tool_use_id, String(r.content)]));
    expect(words[seenCallId(failed[0]!, true)]).toMatch(/^File .*plan\.txt has not been read in this session\./);
    expect(words[seenCallId(failed[1]!, true)]).toMatch(/^Failed to edit, 0 occurrences found for old_string/);
    expect(words[seenCallId(failed[2]!, true)]).toMatch(/^File not found: .*nope\.txt$/);
  });

  it(
    'gives the agent a command that exits non-zero as an error, a search’s exit 1 too',
    READS_COMMAND_OUTPUT,
    async () => {
      const calls = [
        { id: 'toolu_sim_bash_0002', name: 'Bash', input: { command: 'echo half-done; exit 3' } },
        { id: 'toolu_sim_bash_0003', name: 'Bash', input: { command: 'echo all-done' } },
        // Qwen counts grep's exit 1 as no failure; the agent's own Bash flags it.
        { id: 'toolu_sim_bash_0004', name: 'Bash', input: { command: 'grep -r no-such-word .' } },
      ];
      scriptCalls(stack, 'Run the steps', calls, 'One step failed.', true);

      const run = await runQwen(tempDir('orchids-qwen-work-'), 'Run the steps', stack.url, KEY);
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.answer).toBe('One step failed.');
      const last = turnsAbout(stack, /Run the steps/).at(-1)!;
      expect(sentErrorIds(last)).toEqual([calls[0]!.id, calls[2]!.id].map((id) => seenCallId(id, true)));
      const [failed, ok] = sentToolResults(last).map((r) => String(r.content));
      expect(failed).toMatch(/^Command: echo half-done; exit 3\n[\s\S]*\nOutput: half-done\n[\s\S]*\nExit Code: 3\n/);
      expect(ok).toContain('\nExit Code: 0\n');
    },
  );

  it('shows the proxy’s error when no account can serve, and asks once', TIMEOUT, async () => {
    for (const id of stack.accountIds) stack.core.accounts.update(id, { enabled: false });
    try {
      const run = await runQwen(tempDir('orchids-qwen-work-'), 'Say hello again', stack.url, KEY);
      expect(run.code, run.stderr + run.stdout).not.toBe(0);
      // Qwen Code retries a 429 or a 5xx; a 424 it shows at once, in the proxy's words.
      expect(run.stderr).toContain(
        '[API Error: 424 Every Orchids account is disabled. Enable one in Orchids Tray, or run: ' +
          `ORCHIDS_TRAY_DATA_DIR=${stack.dataDir} npm run cli -- accounts enable <id>]`,
      );
      expect((await served(stack)).filter((r) => r.status === 424)).toEqual([
        { api: 'openai-chat', stream: true, status: 424, protocol: null },
      ]);
    } finally {
      for (const id of stack.accountIds) stack.core.accounts.update(id, { enabled: true });
    }
  });
});
