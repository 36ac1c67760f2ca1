import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { ALL_MODES, PINNED_MODES, upstreamText, type ProtocolMode } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import {
  startCliStack,
  turnsAbout as turnsIn,
  served as servedBy,
  type ServedRow,
  replayedToolUse,
} from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { runOpencode, type OpencodeApi } from '../helpers/opencode';

/**
 * The real opencode CLI (pinned in devDependencies) pointed at Orchids Tray the way a user would: an opencode.json
 * naming the proxy as a provider through the Vercel AI SDK's Anthropic provider (`/v1/messages`) or its
 * OpenAI-compatible one (`/v1/chat/completions`), then `opencode run …`. A third client stack beside Claude Code's
 * and Codex's, and one that only ever streams. The simulator plays the model and answers only once what opencode's
 * tool produced comes back to it, so each answer proves the whole loop: our streamed tool call, opencode running
 * the tool, opencode's next request with the tool's output, and our rendering of that output upstream.
 *
 * Generation A (`sse-a`) is shown opencode's tools, so the simulated model calls them as the upstream is shown them
 * (`bash`, `read` with `filePath`, `Glob` for opencode's glob). Generation B (`ws`, `sse-b`) is shown no client
 * tools: its agent calls its own (`Bash`, `Read` with `file_path`, `LS`), which the proxy renames to what opencode
 * declared and whose input it shapes as opencode's schema wants.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-opencode-key';
const SECRET = 'PINEAPPLE-42';

async function start(mode: ProtocolMode): Promise<Stack> {
  stack = await startCliStack(mode, KEY);
  return stack;
}

const turnsAbout = (pattern: RegExp): AgentRequestInfo[] => turnsIn(stack, pattern);

const served = (): Promise<ServedRow[]> => servedBy(stack);

/** The shell call the agent makes: opencode's declared `bash` on Generation A, the agent's own `Bash` on B. */
function shellCall(genA: boolean, id: string) {
  const input = { command: 'cat secret-plan.txt', description: 'Show the plan' };
  return { id, name: genA ? 'bash' : 'Bash', input };
}

/** Scripts the simulator to ask for the shell and answer once the secret comes back. */
function scriptShellLoop(genA: boolean, callId: string): void {
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (seen.includes(SECRET)) return sse(reply(`The file says the plan is ${SECRET}.`));
    if (seen.includes('secret-plan.txt')) {
      return sse([...text('Let me read it.'), ...toolCall(shellCall(genA, callId)), ...finish('tool-calls')]);
    }
    return undefined;
  });
}

function workWithSecret(): string {
  const work = tempDir('orchids-opencode-work-');
  fs.writeFileSync(path.join(work, 'secret-plan.txt'), `The plan is ${SECRET}.\n`);
  return work;
}

describe.each(ALL_MODES)('opencode through Orchids Tray ($name)', (mode) => {
  const genA = mode.expect === 'sse-a';

  it('shows a streamed answer', { timeout: 90_000 }, async () => {
    await start(mode);
    const answer = 'Hello from Orchids, in five streamed pieces.';
    stack.sim.onAgentRequest((req) =>
      upstreamText(req).includes('Say hello') ? sse([...text(answer, { chunks: 5 }), ...finish()]) : undefined,
    );

    const run = await runOpencode(tempDir('orchids-opencode-work-'), 'Say hello', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe(answer);
    expect(run.events.find((e) => e.type === 'step_finish')?.part?.reason).toBe('stop');
    expect(turnsAbout(/Say hello/).map((t) => t.protocol)).toEqual([mode.expect]);
    expect(await served()).toEqual([{ api: 'anthropic', stream: true, status: 200, protocol: mode.expect }]);
  });

  it('runs its bash tool and answers from the output', { timeout: 90_000 }, async () => {
    await start(mode);
    const work = workWithSecret();
    scriptShellLoop(genA, 'toolu_sim_shell_0001');

    const run = await runOpencode(work, 'What does secret-plan.txt in this folder say?', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe(`The file says the plan is ${SECRET}.`);
    // opencode ran the command itself: the secret reached the model only through the command's output.
    expect(run.tools).toEqual([
      expect.objectContaining({
        tool: 'bash',
        callID: 'toolu_sim_shell_0001',
        state: expect.objectContaining({
          status: 'completed',
          input: { command: 'cat secret-plan.txt', description: 'Show the plan' },
          output: `The plan is ${SECRET}.\n`,
        }),
      }),
    ]);

    const turns = turnsAbout(/secret-plan\.txt/);
    expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
    const [first, second] = turns as [AgentRequestInfo, AgentRequestInfo];
    expect(upstreamText(first)).not.toContain(SECRET);
    if (genA) {
      const offered = (first.body.tools as Array<{ name: string }>).map((t) => t.name);
      // opencode's glob goes upstream under the agent's own name for it; the others as opencode declares them.
      expect(offered).toEqual(expect.arrayContaining(['bash', 'read', 'edit', 'write', 'grep', 'Glob']));
      expect(second.body.prompt).toMatch(
        new RegExp(`<tool_result tool_use_id="toolu_sim_shell_0001">[\\s\\S]*${SECRET}`),
      );
    } else {
      expect(first.body.tools).toBeUndefined();
      const messages = second.body.messages as Array<{ content: unknown; ToolResults?: unknown[] }>;
      // opencode ran the agent's Bash as its own bash, and replays it under that name.
      const toolUse = replayedToolUse(second);
      expect(toolUse).toMatchObject({ id: 'toolu_sim_shell_0001', name: 'bash' });
      const resultMessage = messages.find((m) => m.ToolResults !== undefined)!;
      expect(resultMessage.ToolResults).toEqual([expect.objectContaining({ ToolUseID: 'toolu_sim_shell_0001' })]);
      expect(JSON.stringify(resultMessage.content)).toContain(SECRET);
    }
    expect(await served()).toEqual([
      { api: 'anthropic', stream: true, status: 200, protocol: mode.expect },
      { api: 'anthropic', stream: true, status: 200, protocol: mode.expect },
    ]);
  });

  it('reads a file with its read tool', { timeout: 90_000 }, async () => {
    await start(mode);
    const work = tempDir('orchids-opencode-work-');
    const file = path.join(work, 'notes.txt');
    fs.writeFileSync(file, 'Remember MANGO-77.\n');
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('MANGO-77')) return sse(reply('The notes say MANGO-77.'));
      if (!seen.includes('notes.txt')) return undefined;
      const call = genA ? { name: 'read', input: { filePath: file } } : { name: 'Read', input: { file_path: file } };
      return sse([...toolCall({ id: 'toolu_sim_read_0001', ...call }), ...finish('tool-calls')]);
    });

    const run = await runOpencode(work, 'What do my notes.txt say?', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('The notes say MANGO-77.');
    // On Generation B the agent's file_path reached opencode as the filePath its read tool requires.
    expect(run.tools).toEqual([
      expect.objectContaining({
        tool: 'read',
        state: expect.objectContaining({ status: 'completed', input: { filePath: file } }),
      }),
    ]);
    expect(run.tools[0]?.state.output).toContain('1: Remember MANGO-77.');
    expect(turnsAbout(/notes\.txt/).map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
  });

  // opencode lower-cases a tool name it does not know (`Bash` → `bash`) by itself, so the bash test above would pass
  // on Generation B even if the proxy renamed nothing. opencode has no `ls`, and its glob lists files only: only the
  // proxy can turn the agent's LS into a listing on opencode's bash (`ls -la`) that shows the subfolder too.
  it('lists the folder with its glob tool (Generation A) or its bash (B)', { timeout: 90_000 }, async () => {
    await start(mode);
    const work = tempDir('orchids-opencode-work-');
    fs.writeFileSync(path.join(work, 'KIWI-FILE-31.txt'), 'x\n');
    fs.mkdirSync(path.join(work, 'FIG-DIR-7'));
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('KIWI-FILE-31')) return sse(reply('The folder holds KIWI-FILE-31.txt.'));
      if (!seen.includes('Which files are here?')) return undefined;
      const call = genA ? { name: 'Glob', input: { pattern: '*', path: work } } : { name: 'LS', input: { path: work } };
      return sse([...toolCall({ id: 'toolu_sim_list_0001', ...call }), ...finish('tool-calls')]);
    });

    const run = await runOpencode(work, 'Which files are here?', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('The folder holds KIWI-FILE-31.txt.');
    const input = genA ? { pattern: '*', path: work } : expect.objectContaining({ command: `ls -la -- '${work}'` });
    expect(run.tools).toEqual([
      expect.objectContaining({
        tool: genA ? 'glob' : 'bash',
        state: expect.objectContaining({ status: 'completed', input }),
      }),
    ]);
    const output = run.tools[0]?.state.output;
    expect(output).toContain(genA ? path.join(work, 'KIWI-FILE-31.txt') : ' KIWI-FILE-31.txt');
    if (!genA) expect(output).toMatch(/^d[^\n]* FIG-DIR-7$/m);
    expect(turnsAbout(/Which files are here\?/).map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
  });
});

describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-b'))(
  'opencode through the OpenAI-compatible provider ($name)',
  (mode) => {
    it('runs its bash tool over /v1/chat/completions', { timeout: 90_000 }, async () => {
      await start(mode);
      const work = workWithSecret();
      scriptShellLoop(mode.expect === 'sse-a', 'toolu_sim_shell_0002');
      const api: OpencodeApi = 'openai-chat';

      const run = await runOpencode(work, 'What does secret-plan.txt say?', stack.url, KEY, { api });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.finalText).toBe(`The file says the plan is ${SECRET}.`);
      // The OpenAI routes give a tool call OpenAI's id prefix; opencode ran it and sent the output back under it.
      expect(run.tools).toEqual([
        expect.objectContaining({
          tool: 'bash',
          callID: 'call_sim_shell_0002',
          state: expect.objectContaining({ status: 'completed', output: `The plan is ${SECRET}.\n` }),
        }),
      ]);
      expect(turnsAbout(/secret-plan\.txt/).map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
      expect(await served()).toEqual([
        { api: 'openai-chat', stream: true, status: 200, protocol: mode.expect },
        { api: 'openai-chat', stream: true, status: 200, protocol: mode.expect },
      ]);
    });
  },
);

/**
 * Generation B's agent writes Claude Code's tool inputs and never sees opencode's tools, whose schemas and lists are
 * opencode's own: what opencode refused in its terminal window until the proxy fitted the values (seen with the
 * real opencode 1.18.33 TUI over `ws`: "SchemaError(Missing key at ["todos"][0]["priority"])" for every plan, and
 * "Unknown agent type: general-purpose is not a valid agent type" for every sub-agent).
 */
describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-a'))("Generation B's agent in opencode ($name)", (mode) => {
  it('keeps its plan in opencode’s todowrite', { timeout: 90_000 }, async () => {
    await start(mode);
    const todos = [
      { content: 'Read the notes', status: 'in_progress', activeForm: 'Reading the notes' },
      { content: 'Answer', status: 'pending', activeForm: 'Answering' },
    ];
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (!seen.includes('Plan the LYCHEE-8 work')) return undefined;
      if (seen.includes('toolu_sim_todo_0001')) return sse(reply('Planned LYCHEE-8.'));
      return sse([
        ...toolCall({ id: 'toolu_sim_todo_0001', name: 'TodoWrite', input: { todos } }),
        ...finish('tool-calls'),
      ]);
    });

    const run = await runOpencode(tempDir('orchids-opencode-work-'), 'Plan the LYCHEE-8 work', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('Planned LYCHEE-8.');
    // opencode requires a priority on every item, which the agent's items never carry.
    expect(run.tools).toEqual([
      expect.objectContaining({
        tool: 'todowrite',
        callID: 'toolu_sim_todo_0001',
        state: expect.objectContaining({
          status: 'completed',
          input: { todos: todos.map((todo) => ({ ...todo, priority: 'medium' })) },
        }),
      }),
    ]);
    const [, second] = turnsAbout(/LYCHEE-8/);
    expect(JSON.stringify(second?.body.messages)).not.toContain('is_error');
  });

  it('compacts on its own once a turn nears the window the setup gives', { timeout: 90_000 }, async () => {
    await start(mode);
    const work = workWithSecret();
    const summary = 'SUMMARY-KIWI: the plan file was read; it says ' + SECRET + '.';
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('SUMMARY-KIWI')) return sse(reply(`After the summary: the plan is ${SECRET}.`));
      // The turn with the command's output: opencode's summary request when it compacts, the next turn otherwise.
      if (seen.includes(SECRET)) return sse(reply(summary));
      if (!seen.includes('secret-plan.txt')) return undefined;
      // 190,000 tokens in: past the 168,000 opencode keeps free of its 32,000 answer cap in a 200,000 window.
      const usage = { inputTokens: 190_000, outputTokens: 40 };
      return sse([...toolCall(shellCall(false, 'toolu_sim_shell_0003')), ...finish('tool-calls', usage)]);
    });

    const run = await runOpencode(work, 'What does secret-plan.txt in this folder say?', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe(`After the summary: the plan is ${SECRET}.`);
    const turns = turnsAbout(/secret-plan\.txt|SUMMARY-KIWI/);
    expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect, mode.expect]);
    // The turn after the summary carries it in place of the conversation: the call and its output are gone.
    const after = upstreamText(turns[2]!);
    expect(after).toContain('SUMMARY-KIWI');
    expect(after).not.toContain('toolu_sim_shell_0003');
    expect(after).not.toContain(`The plan is ${SECRET}.`);
    expect((await served()).map((row) => row.status)).toEqual([200, 200, 200]);
  });

  it('runs a sub-agent through opencode’s task', { timeout: 90_000 }, async () => {
    await start(mode);
    const job = 'Find where DURIAN-5 is defined and report the file.';
    const task = { description: 'Find DURIAN-5', prompt: job, subagent_type: 'general-purpose' };
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      const messages = req.body.messages as Array<{ content: unknown }>;
      // The sub-agent's own conversation starts with the Task's prompt as its user turn.
      if (JSON.stringify(messages[0]).includes(job)) return sse(reply('DURIAN-5 is defined in fruit.ts.'));
      if (!seen.includes('Where is DURIAN-5?')) return undefined;
      if (seen.includes('DURIAN-5 is defined in fruit.ts.')) return sse(reply('The sub-agent found it in fruit.ts.'));
      if (seen.includes('toolu_sim_task_0001')) return sse(reply('The sub-agent did not run.'));
      return sse([...toolCall({ id: 'toolu_sim_task_0001', name: 'Task', input: task }), ...finish('tool-calls')]);
    });

    const run = await runOpencode(tempDir('orchids-opencode-work-'), 'Where is DURIAN-5?', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('The sub-agent found it in fruit.ts.');
    // The agent's Claude Code kind reached opencode as the general-purpose kind opencode lists, `general`.
    expect(run.tools).toEqual([
      expect.objectContaining({
        tool: 'task',
        callID: 'toolu_sim_task_0001',
        state: expect.objectContaining({ status: 'completed', input: { ...task, subagent_type: 'general' } }),
      }),
    ]);
    expect(run.tools[0]?.state.output).toContain('DURIAN-5 is defined in fruit.ts.');
    expect(turnsAbout(new RegExp(job.replace(/\./g, '\\.'))).map((t) => t.protocol)).toEqual([
      mode.expect,
      mode.expect,
    ]);
  });
});
