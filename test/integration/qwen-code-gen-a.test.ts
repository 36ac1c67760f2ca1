import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finish, sse, text } from '../sim/orchids-simulator';
import { PINNED_MODES, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { sentErrorIds, served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { scriptCalls, seenCallId } from '../helpers/edit-scenarios';
import { tempDir } from '../helpers/temp-dir';
import { runQwen } from '../helpers/qwen';

/**
 * The real Qwen Code CLI (`qwen --yolo -p …`, Chat Completions) on Generation A (`sse-a`), which is shown the tools
 * Qwen Code declares, schemas and all, and whose model calls them itself: Qwen's `read_file` and `write_file` under
 * the names the upstream knows them by (`Read`, `Write`), its `edit` and `run_shell_command` as Qwen names them.
 * Generation B's agent, which calls its own tools, is in qwen-code-cli.test.ts and qwen-code-tools.test.ts.
 */
const KEY = 'test-qwen-key';
const SSE_A = PINNED_MODES.find((m) => m.expect === 'sse-a')!;
const TIMEOUT = { timeout: 120_000 };
let stack: Stack;
beforeAll(async () => {
  stack = await startCliStack(SSE_A, KEY);
});
afterAll(async () => stack?.stop());

describe('Qwen Code through Orchids Tray (pinned sse-a)', () => {
  it('prints a streamed answer, in one upstream turn', TIMEOUT, async () => {
    const answer = 'Hello from Generation A, in five streamed pieces.';
    stack.sim.onAgentRequest((req) =>
      upstreamText(req).includes('Say hello') ? sse([...text(answer, { chunks: 5 }), ...finish()]) : undefined,
    );

    const run = await runQwen(tempDir('orchids-qwen-work-'), 'Say hello', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe(answer);
    expect(turnsAbout(stack, /Say hello/).map((t) => t.protocol)).toEqual(['sse-a']);
    expect(await served(stack)).toContainEqual({ api: 'openai-chat', stream: true, status: 200, protocol: 'sse-a' });
  });

  it('is shown Qwen’s tools and reads, writes, edits and runs a command with them, on disk', TIMEOUT, async () => {
    const work = tempDir('orchids-qwen-work-');
    const plan = path.join(work, 'plan.txt');
    fs.writeFileSync(plan, 'step one: MANGO\nstep two: KIWI\n');
    const notes = path.join(work, 'notes.txt');
    const calls = [
      // Qwen's read_file as Generation A is shown it: its offset counted from 0, as its schema says.
      { id: 'toolu_sim_genaread_0001', name: 'Read', input: { file_path: plan, offset: 1, limit: 1 } },
      {
        id: 'toolu_sim_genaedit_0001',
        name: 'edit',
        input: { file_path: plan, old_string: 'KIWI', new_string: 'FIG' },
      },
      { id: 'toolu_sim_genawrite_0001', name: 'Write', input: { file_path: notes, content: 'PAPAYA is next.\n' } },
      { id: 'toolu_sim_genabash_0001', name: 'run_shell_command', input: { command: 'wc -l plan.txt > count.txt' } },
    ];
    scriptCalls(stack, 'Fix the plan', calls, 'The plan is fixed.', true);

    const run = await runQwen(work, 'Fix the plan in plan.txt', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('The plan is fixed.');
    expect(fs.readFileSync(plan, 'utf8')).toBe('step one: MANGO\nstep two: FIG\n');
    expect(fs.readFileSync(notes, 'utf8')).toBe('PAPAYA is next.\n');
    expect(fs.readFileSync(path.join(work, 'count.txt'), 'utf8').trim()).toBe('2 plan.txt');
    const turns = turnsAbout(stack, /Fix the plan/);
    expect(turns.map((t) => t.protocol)).toEqual(Array(calls.length + 1).fill('sse-a'));
    const shown = (turns[0]!.body.tools as Array<{ name: string }>).map((t) => t.name);
    expect(shown).toEqual(expect.arrayContaining(['Read', 'Write', 'edit', 'run_shell_command']));
    const last = turns.at(-1)!;
    expect(sentErrorIds(last)).toEqual([]);
    // Each result as Generation A reads it, a tag in its prompt or chat history (none flagged an error).
    const seen = upstreamText(last);
    const result = (id: string) =>
      seen.match(new RegExp(`<tool_result tool_use_id="${seenCallId(id, true)}">([\\s\\S]*?)</tool_result>`))?.[1];
    for (const call of calls) expect(result(call.id), call.name).toBeDefined();
    expect(result(calls[0]!.id)).toContain('step two: KIWI');
    expect(result(calls[0]!.id)).not.toContain('step one');
    expect(result(calls[2]!.id)).toMatch(/^Successfully created and wrote to new file: .*notes\.txt/);
    expect(result(calls[3]!.id)).toContain('Exit Code: 0');
  });
});
