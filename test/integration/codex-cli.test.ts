import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  finish,
  httpError,
  reply,
  sse,
  text,
  thinking,
  toolCall,
  type AgentRequestInfo,
} from '../sim/orchids-simulator';
import { ALL_MODES, PINNED_MODES, pinnedMode, answered, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { replayedToolUse, sentToolResults, startCliStack, turnsAbout as turnsIn } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { runCodex, tinyMcpServer } from '../helpers/codex';

/**
 * The real Codex CLI (pinned in devDependencies) pointed at Orchids Tray's Responses API the way a user would: a
 * config.toml naming the proxy as a `wire_api = "responses"` model provider, then `codex exec …`. The simulator
 * plays the model and answers only once what Codex's tool produced comes back to it, so each answer proves the
 * whole loop: our tool call items, Codex running the tool, Codex's next request with the tool's output, and our
 * rendering of that output upstream.
 *
 * Generation A (`sse-a`) is shown Codex's tools, so the simulated model calls them as declared: `exec_command` for
 * the shell, and the freeform `apply_patch` with the patch text as its one string input. Generation B (`ws`,
 * `sse-b`) is shown no client tools: its agent calls its own (`Bash`, `Write`, `Edit`), which the proxy renames to
 * what Codex declared where one fits, writing a Write or an Edit as the patch Codex's `apply_patch` takes.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-codex-key';
const SECRET = 'PINEAPPLE-42';

async function start(mode: (typeof ALL_MODES)[number]): Promise<Stack> {
  stack = await startCliStack(mode, KEY);
  return stack;
}

const turnsAbout = (pattern: RegExp): AgentRequestInfo[] => turnsIn(stack, pattern);

describe.each(ALL_MODES)('Codex CLI through Orchids Tray ($name)', (mode) => {
  const genA = mode.expect === 'sse-a';

  it('runs its shell tool and answers from the output', { timeout: 90_000 }, async () => {
    await start(mode);
    const work = tempDir('orchids-codex-work-');
    fs.writeFileSync(path.join(work, 'secret-plan.txt'), `The plan is ${SECRET}.\n`);
    const reasoning = 'The plan is in a file; cat will show it.';
    const shellCall = genA
      ? { name: 'exec_command', input: { cmd: 'cat secret-plan.txt' } }
      : { name: 'Bash', input: { command: 'cat secret-plan.txt', description: 'Show the plan' } };
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes(SECRET)) return sse(reply(`The file says the plan is ${SECRET}.`));
      if (seen.includes('secret-plan.txt')) {
        return sse([
          ...thinking(reasoning, { signature: 'sig-sim-codex' }),
          ...text('Let me read it.'),
          ...toolCall({ id: 'toolu_sim_shell_0001', ...shellCall }),
          ...finish('tool-calls'),
        ]);
      }
      return undefined;
    });

    const run = await runCodex(work, 'What does secret-plan.txt in this folder say?', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalMessage).toBe(`The file says the plan is ${SECRET}.`);
    // Codex ran the command itself: the secret reached the model only through the command's output.
    const command = run.items.find((i) => i.type === 'command_execution');
    expect(command).toMatchObject({ command: expect.stringContaining('cat secret-plan.txt'), exit_code: 0 });
    expect(command?.aggregated_output).toContain(SECRET);

    const turns = turnsAbout(/secret-plan\.txt/);
    expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
    const [first, second] = turns as [AgentRequestInfo, AgentRequestInfo];
    expect(upstreamText(first)).not.toContain(SECRET);
    if (genA) {
      const offered = (first.body.tools as Array<{ name: string }>).map((t) => t.name);
      expect(offered).toEqual(expect.arrayContaining(['exec_command', 'apply_patch']));
      expect(second.body.prompt).toMatch(
        new RegExp(`<tool_result tool_use_id="call_sim_shell_0001">[\\s\\S]*${SECRET}`),
      );
    } else {
      expect(first.body.tools).toBeUndefined();
      const messages = second.body.messages as Array<{ content: unknown; ToolResults?: unknown[] }>;
      // Codex ran the agent's Bash call as its exec_command, and replays it under that name.
      const toolUse = replayedToolUse(second);
      expect(toolUse).toMatchObject({
        id: 'call_sim_shell_0001',
        name: 'exec_command',
        input: { cmd: 'cat secret-plan.txt' },
      });
      const resultMessage = messages.find((m) => m.ToolResults !== undefined)!;
      expect(resultMessage.ToolResults).toEqual([expect.objectContaining({ ToolUseID: 'call_sim_shell_0001' })]);
      expect(JSON.stringify(resultMessage.content)).toContain(SECRET);
      // Codex sent the first turn's reasoning item back: it opens the replayed turn as its thinking block (type alone).
      const replayed = (second.body.messages as Array<{ role: string; content: unknown }>).find(
        (m) => m.role === 'assistant',
      );
      expect(replayed?.content).toEqual([
        { type: 'thinking' },
        { type: 'text', text: 'Let me read it.' },
        expect.objectContaining({ type: 'tool_use', id: 'call_sim_shell_0001' }),
      ]);
    }
    // Generation A renders no thinking from any API; the text is never sent back as plain text either.
    expect(upstreamText(second)).not.toContain(reasoning);
  });

  it('creates a file with its apply_patch tool', { timeout: 90_000 }, async () => {
    await start(mode);
    const work = tempDir('orchids-codex-work-');
    const patch = '*** Begin Patch\n*** Add File: hello.txt\n+HELLO-CODEX-7\n+second line\n*** End Patch\n';
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (/Success\. Updated the following files/.test(seen)) return sse(reply('Created hello.txt.'));
      if (!seen.includes('hello.txt')) return undefined;
      const call = genA
        ? { name: 'apply_patch', input: { input: patch } }
        : {
            name: 'Write',
            input: { file_path: path.join(work, 'hello.txt'), content: 'HELLO-CODEX-7\nsecond line\n' },
          };
      return sse([...toolCall({ id: 'toolu_sim_patch_0001', ...call }), ...finish('tool-calls')]);
    });

    const run = await runCodex(work, 'Create hello.txt in this folder with two lines.', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const turns = turnsAbout(/hello\.txt/);
    expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
    // Generation B's agent wrote with its own Write: the proxy gave it to Codex as an Add File patch.
    expect(fs.readFileSync(path.join(work, 'hello.txt'), 'utf8')).toBe('HELLO-CODEX-7\nsecond line\n');
    expect(run.items.find((i) => i.type === 'file_change')).toMatchObject({
      status: 'completed',
      changes: [{ path: path.join(work, 'hello.txt'), kind: 'add' }],
    });
    expect(run.finalMessage).toBe('Created hello.txt.');
  });
});

/**
 * Codex declares an MCP server's tools as a Responses `namespace` (`mcp__<server>`, its tools as functions), and its
 * sub-agent tools as another (`multi_agent_v1`), when its catalog entry says `supports_search_tool: false` (the
 * helper's does; with `true` it declares a `tool_search` tool instead and neither namespace). Generation A is offered
 * `mcp__tiny__word_of_day`; Generation B's agent is offered nothing, and a call it makes under that name is mapped
 * onto the declared tool by name.
 */
describe.each(ALL_MODES)('Codex CLI runs an MCP tool it declares in a namespace ($name)', (mode) => {
  const WORD = 'MARMALADE-93';

  it('the model calls the namespaced tool, Codex runs it and the loop completes', { timeout: 90_000 }, async () => {
    await start(mode);
    const work = tempDir('orchids-codex-work-');
    const server = tinyMcpServer(tempDir('orchids-codex-mcp-'), WORD);
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes(WORD)) return sse(reply(`The word of the day is ${WORD}.`));
      if (!seen.includes('word of the day')) return undefined;
      return sse([
        ...toolCall({ id: 'toolu_sim_mcp_0001', name: 'mcp__tiny__word_of_day', input: { lang: 'en' } }),
        ...finish('tool-calls'),
      ]);
    });

    const run = await runCodex(work, 'What is the word of the day? Ask the tiny server.', stack.url, KEY, {
      mcpServers: { tiny: server },
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalMessage).toBe(`The word of the day is ${WORD}.`);
    // Codex ran the MCP tool itself, by its server and own name: the word reached the model only through it.
    expect(run.items.find((i) => i.type === 'mcp_tool_call')).toMatchObject({
      server: 'tiny',
      tool: 'word_of_day',
      status: 'completed',
    });

    const turns = turnsAbout(/word of the day/);
    expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
    const [first, second] = turns as [AgentRequestInfo, AgentRequestInfo];
    expect(upstreamText(first)).not.toContain(WORD);
    // Codex replays its call with the namespace: it goes upstream under the joined name again.
    if (mode.expect === 'sse-a') {
      const offered = (first.body.tools as Array<{ name: string }>).map((t) => t.name);
      expect(offered).toEqual(expect.arrayContaining(['mcp__tiny__word_of_day', 'multi_agent_v1__spawn_agent']));
      expect(upstreamText(second)).toContain('<tool_use id="call_sim_mcp_0001" name="mcp__tiny__word_of_day">');
    } else {
      expect(replayedToolUse(second)).toMatchObject({
        id: 'call_sim_mcp_0001',
        name: 'mcp__tiny__word_of_day',
        input: { lang: 'en' },
      });
    }
  });
});

/**
 * Codex's sub-agent tools, declared as the `multi_agent_v1` namespace: the parent model spawns a sub-agent, which
 * Codex runs as a conversation of its own through the proxy, then waits for it and answers from what it said.
 */
describe.each(ALL_MODES)('Codex CLI spawns a sub-agent through its namespace tools ($name)', (mode) => {
  const ASK = 'Ask a sub-agent for the fruit word.';
  const TASK = 'Reply with exactly the word for pear.';
  const FRUIT = 'PEAR-57';

  it('spawn_agent and wait_agent run, and the sub-agent answers through the proxy', { timeout: 90_000 }, async () => {
    await start(mode);
    const asked = (name: string, id: string, input: Record<string, unknown>) =>
      sse([...toolCall({ id, name: `multi_agent_v1__${name}`, input }), ...finish('tool-calls')]);
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      // The sub-agent's conversation starts from the task alone.
      if (!seen.includes(ASK)) return seen.includes(TASK) ? sse(reply(FRUIT)) : undefined;
      if (seen.includes(FRUIT)) return sse(reply(`The sub-agent said ${FRUIT}.`));
      const spawned = /"agent_id":"([^"]+)"/.exec(seen);
      if (spawned) return asked('wait_agent', 'toolu_sim_wait_0001', { targets: [spawned[1]], timeout_ms: 20_000 });
      return asked('spawn_agent', 'toolu_sim_spawn_0001', { message: TASK });
    });

    const run = await runCodex(tempDir('orchids-codex-work-'), ASK, stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalMessage).toBe(`The sub-agent said ${FRUIT}.`);
    expect(run.items.filter((i) => i.type === 'collab_tool_call')).toHaveLength(2);
    // The parent's turns (spawn, wait, answer; one more when the sub-agent's end arrives between them) and the
    // sub-agent's own, all on this mode's protocol.
    const parent = turnsAbout(new RegExp(ASK));
    expect(parent.length).toBeGreaterThanOrEqual(3);
    expect(new Set(parent.map((t) => t.protocol))).toEqual(new Set([mode.expect]));
    const child = answered(stack.sim.requests).filter((r) => !upstreamText(r).includes(ASK));
    expect(child.some((r) => r.protocol === mode.expect && upstreamText(r).includes(TASK))).toBe(true);
  });
});

describe.each(ALL_MODES.filter((m) => m.expect !== 'sse-a'))(
  'Codex CLI edits and reads on Generation B ($name)',
  (mode) => {
    it(
      "runs the agent's Grep and Read as shell commands, Codex having no tool for either",
      { timeout: 90_000 },
      async () => {
        await start(mode);
        const work = tempDir('orchids-codex-work-');
        fs.mkdirSync(path.join(work, 'docs'));
        fs.writeFileSync(path.join(work, 'docs', 'plan.txt'), `Draft one.\nThe plan is ${SECRET}.\n`);
        stack.sim.onAgentRequest((req) => {
          const seen = upstreamText(req);
          if (seen.includes(SECRET)) return sse(reply(`The plan is ${SECRET}.`));
          if (seen.includes('docs/plan.txt')) {
            const read = { id: 'toolu_sim_read_0002', name: 'Read', input: { file_path: 'docs/plan.txt', offset: 2 } };
            const gone = { id: 'toolu_sim_read_0003', name: 'Read', input: { file_path: 'docs/gone.txt' } };
            return sse([...toolCall(read), ...toolCall(gone), ...finish('tool-calls')]);
          }
          if (!seen.includes('Where is the plan')) return undefined;
          const grep = { id: 'toolu_sim_grep_0001', name: 'Grep', input: { pattern: 'plan is', path: '.' } };
          return sse([...toolCall(grep), ...finish('tool-calls')]);
        });

        const run = await runCodex(work, 'Where is the plan kept, and what is it?', stack.url, KEY);
        expect(run.code, run.stderr + run.stdout).toBe(0);
        expect(run.finalMessage).toBe(`The plan is ${SECRET}.`);
        const commands = run.items.filter((i) => i.type === 'command_execution');
        expect(commands).toHaveLength(3);
        // The search named the file without showing its contents; the read then showed its second line, numbered.
        expect(commands[0]).toMatchObject({ command: expect.stringContaining("-e 'plan is'"), exit_code: 0 });
        expect(commands[0]!.aggregated_output).toContain('docs/plan.txt');
        expect(commands[0]!.aggregated_output).not.toContain(SECRET);
        // Codex runs the two reads side by side: each is found by its file.
        const plan = commands.find((c) => String(c.command).includes("cat -n -- 'docs/plan.txt'"));
        expect(plan).toMatchObject({ exit_code: 0, aggregated_output: `     2\tThe plan is ${SECRET}.\n` });
        // A file that is not there: the pipe exits with sed's 0, and cat's complaint is what tells it.
        const gone = commands.find((c) => String(c.command).includes("cat -n -- 'docs/gone.txt'"));
        expect(gone).toMatchObject({
          exit_code: 0,
          aggregated_output: 'cat: docs/gone.txt: No such file or directory\n',
        });
        const turns = turnsAbout(/Where is the plan/);
        expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect, mode.expect]);
        // The agent gets what its own Grep and Read return: the output alone, without Codex's exec wrapper.
        const results = sentToolResults(turns[2]!);
        expect(results.map((b) => [b.tool_use_id, b.content, b.is_error])).toEqual([
          ['call_sim_grep_0001', './docs/plan.txt', undefined],
          ['call_sim_read_0002', `     2\tThe plan is ${SECRET}.`, undefined],
          // …which the agent is told is an error, in its own Read's words for a missing file.
          ['call_sim_read_0003', 'File does not exist.', true],
        ]);
        expect(upstreamText(turns[2]!)).not.toContain('Chunk ID');
      },
    );

    it("applies the agent's Edit as an apply_patch update", { timeout: 90_000 }, async () => {
      await start(mode);
      const work = tempDir('orchids-codex-work-');
      const file = path.join(work, 'notes.txt');
      fs.writeFileSync(file, 'first line\nsecond line\nthird line\n');
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (/Success\. Updated the following files/.test(seen)) return sse(reply('Edited notes.txt.'));
        if (!seen.includes('notes.txt')) return undefined;
        const input = { file_path: file, old_string: 'second line\n', new_string: 'second line, EDITED-9\n' };
        return sse([...toolCall({ id: 'toolu_sim_edit_0001', name: 'Edit', input }), ...finish('tool-calls')]);
      });

      const run = await runCodex(work, 'Edit the second line of notes.txt.', stack.url, KEY);
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(fs.readFileSync(file, 'utf8')).toBe('first line\nsecond line, EDITED-9\nthird line\n');
      expect(run.items.find((i) => i.type === 'file_change')).toMatchObject({
        status: 'completed',
        changes: [{ path: file, kind: 'update' }],
      });
      expect(run.finalMessage).toBe('Edited notes.txt.');
      // Codex replays its own call, under its own name, with the patch the proxy composed.
      const [, second] = turnsAbout(/notes\.txt/) as [AgentRequestInfo, AgentRequestInfo];
      expect(JSON.stringify(second.body.messages)).toContain('*** Update File: ');
    });
  },
);

describe('Codex CLI without a catalog entry for the model id', () => {
  it('declares no apply_patch tool, and its shell still runs through the proxy', { timeout: 90_000 }, async () => {
    const mode = pinnedMode('sse-a');
    await start(mode);
    const work = tempDir('orchids-codex-work-');
    fs.writeFileSync(path.join(work, 'secret-plan.txt'), `The plan is ${SECRET}.\n`);
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes(SECRET)) return sse(reply(`It says ${SECRET}.`));
      if (!seen.includes('secret-plan.txt')) return undefined;
      const call = { id: 'toolu_sim_shell_0002', name: 'exec_command', input: { cmd: 'cat secret-plan.txt' } };
      return sse([...toolCall(call), ...finish('tool-calls')]);
    });

    const run = await runCodex(work, 'What does secret-plan.txt say?', stack.url, KEY, { catalog: false });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalMessage).toBe(`It says ${SECRET}.`);
    // Codex warns that it does not know the model id and falls back to metadata that patches through the shell.
    expect(
      run.items.some(
        (i) => i.type === 'error' && /Model metadata for `claude-sonnet-4-6` not found/.test(i.message as string),
      ),
    ).toBe(true);
    const [first] = turnsAbout(/secret-plan\.txt/);
    const offered = (first?.body.tools as Array<{ name: string }>).map((t) => t.name);
    expect(offered).toContain('exec_command');
    expect(offered).not.toContain('apply_patch');
  });
});

/**
 * Set up as README says, with no catalog file: the provider's `model_catalog_url` points Codex at the proxy's
 * `GET /v1/models`, whose answer to Codex's catalog request gives the Claude id the freeform apply_patch tool.
 */
describe.each(PINNED_MODES)('Codex CLI with its model catalog from the proxy ($name)', (mode) => {
  it('knows the Claude id, declares apply_patch, and a patch creates the file', { timeout: 90_000 }, async () => {
    await start(mode);
    const genA = mode.expect === 'sse-a';
    const work = tempDir('orchids-codex-work-');
    const patch = '*** Begin Patch\n*** Add File: catalog.txt\n+CATALOG-OK-3\n*** End Patch\n';
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (/Success\. Updated the following files/.test(seen)) return sse(reply('Created catalog.txt.'));
      if (!seen.includes('catalog.txt')) return undefined;
      const call = genA
        ? { name: 'apply_patch', input: { input: patch } }
        : { name: 'Write', input: { file_path: path.join(work, 'catalog.txt'), content: 'CATALOG-OK-3\n' } };
      return sse([...toolCall({ id: 'toolu_sim_catalog_0001', ...call }), ...finish('tool-calls')]);
    });

    const run = await runCodex(work, 'Create catalog.txt in this folder.', stack.url, KEY, { catalog: 'provider' });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.items.filter((i) => i.type === 'error')).toEqual([]);
    expect(fs.readFileSync(path.join(work, 'catalog.txt'), 'utf8')).toBe('CATALOG-OK-3\n');
    expect(run.items.find((i) => i.type === 'file_change')).toMatchObject({
      status: 'completed',
      changes: [{ path: path.join(work, 'catalog.txt'), kind: 'add' }],
    });
    expect(run.finalMessage).toBe('Created catalog.txt.');

    const [first, second] = turnsAbout(/catalog\.txt/) as [AgentRequestInfo, AgentRequestInfo];
    if (genA) {
      const offered = (first.body.tools as Array<{ name: string }>).map((t) => t.name);
      expect(offered).toEqual(expect.arrayContaining(['exec_command', 'apply_patch']));
      // The catalog asks for no search tool, so Codex declares its sub-agents as a namespace the model is offered.
      expect(offered).toContain('multi_agent_v1__spawn_agent');
      expect(offered).not.toContain('tool_search');
    } else {
      // Generation B is shown no client tools: the agent's Write became Codex's apply_patch, which Codex declared
      // and ran, and replays under that name.
      const toolUse = replayedToolUse(second);
      expect(toolUse).toMatchObject({ name: 'apply_patch' });
      expect(JSON.stringify(toolUse)).toContain('*** Add File: ');
    }
  });

  const shellCall = (genA: boolean) =>
    genA
      ? { name: 'exec_command', input: { cmd: 'cat notes.txt' } }
      : { name: 'Bash', input: { command: 'cat notes.txt', description: 'Show the notes' } };

  it('compacts its history before a Claude model’s window runs out', { timeout: 90_000 }, async () => {
    await start(mode);
    const work = tempDir('orchids-codex-work-');
    fs.writeFileSync(path.join(work, 'notes.txt'), 'ORANGE-17\n');
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (/CONTEXT CHECKPOINT COMPACTION/.test(seen)) return sse(reply('Summary: notes.txt says ORANGE-17.'));
      if (seen.includes('Summary: notes.txt')) return sse(reply('After compacting: ORANGE-17.'));
      if (!seen.includes('notes.txt')) return undefined;
      // A turn that filled 195,000 of the 200,000 tokens the catalog gives the model.
      return sse([
        ...toolCall({ id: 'toolu_sim_shell_0017', ...shellCall(mode.expect === 'sse-a') }),
        ...finish('tool-calls', { inputTokens: 195_000, outputTokens: 20 }),
      ]);
    });

    const run = await runCodex(work, 'What does notes.txt say?', stack.url, KEY, { catalog: 'provider' });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalMessage).toBe('After compacting: ORANGE-17.');
    // Codex's own summary request came between the full turn and the one that goes on from the summary.
    const turns = turnsAbout(/notes\.txt/).map(upstreamText);
    expect(turns.map((t) => /CONTEXT CHECKPOINT COMPACTION/.test(t))).toEqual([false, true, false]);
  });

  it('says it ran out of room when the upstream finds the conversation too long', { timeout: 90_000 }, async () => {
    await start(mode);
    const work = tempDir('orchids-codex-work-');
    fs.writeFileSync(path.join(work, 'notes.txt'), 'ORANGE-17\n');
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('ORANGE-17')) return httpError(400, '{"error":"input is too long"}');
      if (!seen.includes('notes.txt')) return undefined;
      return sse([
        ...toolCall({ id: 'toolu_sim_shell_0018', ...shellCall(mode.expect === 'sse-a') }),
        ...finish('tool-calls'),
      ]);
    });

    const run = await runCodex(work, 'What does notes.txt say?', stack.url, KEY, { catalog: 'provider' });
    // Codex reads the code context_length_exceeded as its own "out of room", not as a raw error body.
    const failure = run.events.find((e) => e.type === 'turn.failed') as { error?: { message: string } } | undefined;
    expect(failure?.error?.message).toMatch(/ran out of room in the model's context window/);
  });
});
