import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamProtocol } from '../../main/core/upstream/protocol';
import { finish, reply, sse, toolCall } from '../sim/orchids-simulator';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { replayedToolUses, sentErrorIds, sentToolResults, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { scriptCalls, seenCallId } from '../helpers/edit-scenarios';
import { servePage } from '../helpers/loopback-page';
import { tempDir } from '../helpers/temp-dir';
import { READS_COMMAND_OUTPUT, runQwen } from '../helpers/qwen';

/**
 * The real Qwen Code CLI's tools beyond reading, editing and running commands (qwen-code-cli.test.ts): its `web_fetch`,
 * which Qwen Code 0.24.4 holds back behind its `tool_call` (anthropic/deferred-tools.ts), its opt-in `todo_write`,
 * and a tool loop on `sse-b`. `qwen --yolo -p …`, Chat Completions.
 */
const KEY = 'test-qwen-key';
const TIMEOUT = { timeout: 120_000 };
const stacks: Stack[] = [];
afterAll(async () => Promise.all(stacks.map((s) => s.stop())));

async function stackFor(protocol: UpstreamProtocol): Promise<Stack> {
  const stack = await startCliStack(pinnedMode(protocol), KEY);
  stacks.push(stack);
  return stack;
}

describe('Qwen Code’s held-back and opt-in tools (pinned ws)', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await stackFor('ws');
  });

  it('runs the agent’s WebFetch through its tool_call, and the agent gets Qwen’s reading', TIMEOUT, async () => {
    const CALL = 'toolu_sim_wf_0001';
    const GIST = 'GIST: pier KESTREL-9, at 07:45.';
    const page = await servePage(
      'ferry',
      '<html><body><p>The ferry leaves at 07:45 from pier KESTREL-9.</p></body></html>',
    );
    try {
      const input = { url: page.url, prompt: 'Which pier does the ferry leave from?' };
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        // Qwen's own reading of the page, a request of its own through the proxy, outside the agent's conversation.
        if (seen.includes('KESTREL-9') && !seen.includes(seenCallId(CALL, true))) return sse(reply(GIST));
        if (!seen.includes('harbour page')) return undefined;
        if (seen.includes(GIST)) return sse(reply('The ferry leaves from pier KESTREL-9.'));
        return sse([...toolCall({ id: CALL, name: 'WebFetch', input }), ...finish('tool-calls')]);
      });

      const run = await runQwen(tempDir('orchids-qwen-work-'), 'Which pier? The harbour page says.', stack.url, KEY, {
        env: { NODE_EXTRA_CA_CERTS: page.caFile },
      });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.answer).toBe('The ferry leaves from pier KESTREL-9.');
      expect(page.hits).toEqual(['GET /ferry']);
      const last = turnsAbout(stack, /harbour page/).at(-1)!;
      // Qwen replays the call as it ran it: its tool_call naming web_fetch, with the agent's input whole.
      expect(replayedToolUses(last)).toEqual([
        expect.objectContaining({ name: 'tool_call', input: { name: 'web_fetch', arguments: input } }),
      ]);
      expect(sentErrorIds(last)).toEqual([]);
      const [result] = sentToolResults(last);
      expect(result!.tool_use_id).toBe(seenCallId(CALL, true));
      expect(String(result!.content)).toContain(GIST);
      expect(upstreamText(last)).not.toContain('has no tool named');
    } finally {
      await page.stop();
    }
  });

  it('writes the agent’s TodoWrite to Qwen’s todo_write, and the agent gets its list back', TIMEOUT, async () => {
    const todos = [
      { content: 'Read the plan', status: 'in_progress', activeForm: 'Reading the plan' },
      { content: 'Fix the plan', status: 'pending', activeForm: 'Fixing the plan' },
    ];
    const calls = [{ id: 'toolu_sim_todo_0001', name: 'TodoWrite', input: { todos } }];
    scriptCalls(stack, 'Plan the fix', calls, 'Planned.', true);

    // Qwen Code 0.24.4 declares its todo_write only with this setting on; it requires each item's `id`: its words.
    const run = await runQwen(tempDir('orchids-qwen-work-'), 'Plan the fix of plan.txt', stack.url, KEY, {
      settings: { tools: { todoWrite: { enabled: true } } },
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('Planned.');
    const last = turnsAbout(stack, /Plan the fix/).at(-1)!;
    expect(replayedToolUses(last)).toEqual([
      expect.objectContaining({
        name: 'todo_write',
        input: { todos: todos.map((todo) => ({ ...todo, id: todo.content })) },
      }),
    ]);
    expect(sentErrorIds(last)).toEqual([]);
    const [result] = sentToolResults(last);
    expect(result!.tool_use_id).toBe(seenCallId(calls[0]!.id, true));
    expect(String(result!.content)).toMatch(/^Todos have been modified successfully\./);
    expect(String(result!.content)).toContain('Fix the plan');
  });

  it('keeps each to-do one item in Qwen’s todo_write when the agent reorders or cuts its list', TIMEOUT, async () => {
    const item = (content: string, status: string) => ({ content, status, activeForm: content });
    const todos = [
      [item('Read', 'in_progress'), item('Test', 'pending'), item('Ship', 'pending')],
      // The agent drops Test and moves Ship up, as it reworks its plan.
      [item('Ship', 'in_progress'), item('Read', 'completed')],
    ];
    const calls = todos.map((list, i) => ({ id: `toolu_sim_todo_010${i}`, name: 'TodoWrite', input: { todos: list } }));
    scriptCalls(stack, 'Plan the release', calls, 'Released.', true);
    const home = tempDir('orchids-qwen-home-');
    // Qwen Code tells a TodoCompleted hook the item completed and the status it had, matched to the last list by id.
    const hook = { type: 'command', command: `{ cat; echo; } >> ${path.join(home, 'completed.jsonl')}` };

    const run = await runQwen(tempDir('orchids-qwen-work-'), 'Plan the release', stack.url, KEY, {
      home,
      settings: { tools: { todoWrite: { enabled: true } }, hooks: { TodoCompleted: [{ hooks: [hook] }] } },
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('Released.');
    expect(sentErrorIds(turnsAbout(stack, /Plan the release/).at(-1)!)).toEqual([]);
    const told = fs.readFileSync(path.join(home, 'completed.jsonl'), 'utf8').trim().split('\n');
    // Before, Read was told it had been pending: Test's status, in Read's place the time before.
    expect(told.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual(
      ['validation', 'postWrite'].map((phase) =>
        expect.objectContaining({ todo_id: 'Read', todo_content: 'Read', previous_status: 'in_progress', phase }),
      ),
    );
  });

  // Qwen's glob walks with `nodir`, so it never lists a folder: with its list_directory off (the default), the
  // agent's LS runs as `ls -la` on its shell, and the agent is shown the subfolder (before, a glob of `*` hid it, and
  // a folder of folders alone read as no files).
  it.each([
    ['list_directory', { listDirectory: { enabled: true } }],
    ['run_shell_command', {}],
  ])('lists a folder for the agent’s LS with Qwen’s %s, subfolder too', READS_COMMAND_OUTPUT, async (tool, on) => {
    const folder = path.join(tempDir('orchids-qwen-work-'), 'crates');
    fs.mkdirSync(path.join(folder, 'LIME-3'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'OLIVE-8.txt'), 'olives\n');
    const calls = [{ id: `toolu_sim_ls_${tool}`, name: 'LS', input: { path: folder } }];
    scriptCalls(stack, 'List the crates', calls, 'Listed.', true);

    const run = await runQwen(path.dirname(folder), 'List the crates folder', stack.url, KEY, {
      settings: { tools: on },
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('Listed.');
    const last = turnsAbout(stack, /List the crates/).at(-1)!;
    const input = tool === 'list_directory' ? { path: folder } : { command: `ls -la -- '${folder}'` };
    expect(replayedToolUses(last)).toEqual([
      expect.objectContaining({ name: tool, input: expect.objectContaining(input) }),
    ]);
    expect(sentErrorIds(last)).toEqual([]);
    const [result] = sentToolResults(last);
    expect(result!.tool_use_id).toBe(seenCallId(calls[0]!.id, true));
    const listing = String(result!.content);
    if (tool === 'list_directory') expect(listing).toMatch(/\[DIR\] LIME-3\nOLIVE-8\.txt$/);
    else {
      expect(listing).toMatch(/^d[^\n]* LIME-3$/m);
      expect(listing).toMatch(/^-[^\n]* OLIVE-8\.txt$/m);
    }
  });
  // Qwen Code 0.24.4's bundled rg is not executable here, so its grep_search is its fallback, which outside a git
  // repository runs the system `grep -E` case-sensitively: the agent's `-i` reaches it as a caseless pattern, and
  // its `\d`, which grep -E reads as `d`, as `[0-9]`.
  it('searches a folder for the agent’s Grep with Qwen’s grep_search, matches and none', TIMEOUT, async () => {
    const folder = path.join(tempDir('orchids-qwen-work-'), 'notes');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'plum.txt'), 'first line\nPLUM-77 is ripe\n');
    fs.writeFileSync(path.join(folder, 'pear.txt'), 'plum-77 again, in a file the glob leaves out\n');
    fs.writeFileSync(path.join(folder, 'fig.md'), 'figs only\n');
    const find = { pattern: 'plum-[0-9]+', path: folder, glob: 'plum*', output_mode: 'content', '-i': true };
    const none = { pattern: 'durian', path: folder };
    const digits = { pattern: 'plum-\\d+', path: folder };
    const calls = [
      { id: 'toolu_sim_grep_q001', name: 'Grep', input: find },
      { id: 'toolu_sim_grep_q002', name: 'Grep', input: none },
      { id: 'toolu_sim_grep_q003', name: 'Grep', input: digits },
    ];
    scriptCalls(stack, 'Seek the plums', calls, 'Sought.', true);

    const run = await runQwen(path.dirname(folder), 'Seek the plums in notes', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('Sought.');
    const last = turnsAbout(stack, /Seek the plums/).at(-1)!;
    expect(replayedToolUses(last)).toEqual([
      expect.objectContaining({
        name: 'grep_search',
        input: { pattern: '[pP][lL][uU][mM]-[0-9]+', path: folder, glob: 'plum*', output_mode: 'content' },
      }),
      expect.objectContaining({ name: 'grep_search', input: none }),
      expect.objectContaining({ name: 'grep_search', input: { ...digits, pattern: 'plum-[0-9]+' } }),
    ]);
    expect(sentErrorIds(last)).toEqual([]);
    const [found, nothing, numbered] = sentToolResults(last).map((r) => String(r.content));
    expect(found).toMatch(/^Found 1 match for pattern /);
    expect(found).toContain('File: plum.txt\nL2: PLUM-77 is ripe');
    expect(found).not.toContain('pear.txt');
    expect(nothing).toBe(`No matches found for pattern "durian" in path "${folder}".`);
    expect(numbered).toMatch(/^Found 1 match for pattern /);
    expect(numbered).toContain('File: pear.txt\nL1: plum-77 again');
  });
});

describe('Qwen Code through Orchids Tray (pinned sse-b)', () => {
  it('reads a file and runs a command, each result back to the agent', TIMEOUT, async () => {
    const stack = await stackFor('sse-b');
    const work = tempDir('orchids-qwen-work-');
    const file = path.join(work, 'plan.txt');
    fs.writeFileSync(file, 'step one: MANGO\n');
    const calls = [
      { id: 'toolu_sim_read_0101', name: 'Read', input: { file_path: file } },
      { id: 'toolu_sim_bash_0101', name: 'Bash', input: { command: 'echo done > out.txt' } },
    ];
    scriptCalls(stack, 'Check the plan', calls, 'Checked.', true);

    const run = await runQwen(work, 'Check the plan in plan.txt', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('Checked.');
    expect(fs.readFileSync(path.join(work, 'out.txt'), 'utf8')).toBe('done\n');
    const turns = turnsAbout(stack, /Check the plan/);
    expect(turns.map((t) => t.protocol)).toEqual(['sse-b', 'sse-b', 'sse-b']);
    const last = turns.at(-1)!;
    expect(sentToolResults(last).map((r) => r.tool_use_id)).toEqual(calls.map((c) => seenCallId(c.id, true)));
    expect(sentErrorIds(last)).toEqual([]);
    expect(String(sentToolResults(last)[0]!.content)).toContain('step one: MANGO');
  });
});
