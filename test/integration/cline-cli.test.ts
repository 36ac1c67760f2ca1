import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { ALL_MODES, PINNED_MODES, pinnedMode, upstreamText, type ProtocolMode } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import {
  startCliStack,
  turnsAbout as turnsIn,
  served as servedBy,
  type ServedRow,
  replayedToolUse,
  replayedToolUses,
  sentToolResults,
  twoSettingsToRename,
} from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { runCline, toolInputs, toolRuns } from '../helpers/cline';

/**
 * The real Cline CLI (3.x, pinned in devDependencies) pointed at Orchids Tray the way a user would: a
 * providers.json naming the proxy as the Anthropic provider's base URL, then `cline --json -P anthropic …`. Cline
 * declares its tools as Anthropic tools (`run_commands` with a list of commands, `read_files` with a list of file
 * entries …), not as XML in its system prompt, and streams every answer. The simulator plays the model and answers
 * only once what Cline's tool produced comes back to it, so each answer proves the whole loop: our streamed tool
 * call, Cline running the tool, Cline's next request with the tool's output, and our rendering of it upstream.
 *
 * Generation A (`sse-a`) is shown Cline's tools, so the simulated model calls them as declared. Generation B (`ws`,
 * `sse-b`) is shown no client tools: its agent calls its own `Bash`, `Read`, `Grep`, `WebFetch`, `Write` and
 * `Edit`, which the proxy renames to Cline's `run_commands`, `read_files`, `search_codebase`, `fetch_web_content`
 * and `editor` and reshapes into the inputs those take (one-item lists, Read's line range as a first and last line,
 * Write's content and Edit's texts as the editor's new and old text), and its `Task`, which becomes `spawn_agent`
 * with a task and a system prompt (tested on ws only: one Cline run with a sub-agent's turn in it).
 */
let stack: Stack;
let page: http.Server | undefined;
afterEach(async () => {
  await stack?.stop();
  page?.close();
  page = undefined;
});

/** A web page on loopback for Cline's fetch_web_content to read; its URL. */
async function servePage(html: string): Promise<string> {
  page = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
  await new Promise<void>((resolve) => page!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(page.address() as AddressInfo).port}/release-notes`;
}

const KEY = 'test-cline-key';
const SECRET = 'PINEAPPLE-42';

async function start(mode: ProtocolMode): Promise<Stack> {
  stack = await startCliStack(mode, KEY);
  return stack;
}

const turnsAbout = (pattern: RegExp): AgentRequestInfo[] => turnsIn(stack, pattern);

const served = (): Promise<ServedRow[]> => servedBy(stack);

describe.each(ALL_MODES)('Cline through Orchids Tray ($name)', (mode) => {
  it('shows a streamed answer', { timeout: 90_000 }, async () => {
    await start(mode);
    const answer = 'Hello from Orchids, in five streamed pieces.';
    stack.sim.onAgentRequest((req) =>
      upstreamText(req).includes('Say hello') ? sse([...text(answer, { chunks: 5 }), ...finish()]) : undefined,
    );

    const run = await runCline(tempDir('orchids-cline-work-'), 'Say hello', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe(answer);
    expect(run.finishReason).toBe('completed');
    expect(run.lines.filter((l) => l.type === 'error')).toEqual([]);
    expect(turnsAbout(/Say hello/).map((t) => t.protocol)).toEqual([mode.expect]);
    expect(await served()).toEqual([{ api: 'anthropic', stream: true, status: 200, protocol: mode.expect }]);
  });
});

describe.each(ALL_MODES)('Cline runs its tools through Orchids Tray ($name)', (mode) => {
  const genA = mode.expect === 'sse-a';

  // The same loop through both of Cline's providers: the Messages API, and Chat Completions, where the call's id is
  // OpenAI's `call_…` form of the upstream's and Cline's `tool` message comes back under it.
  it.each([
    { provider: 'anthropic', api: 'anthropic', id: 'toolu_sim_shell_0001' },
    { provider: 'openai-compatible', api: 'openai-chat', id: 'call_sim_shell_0001' },
  ] as const)(
    'runs a command with run_commands through its $provider provider and answers from the output',
    { timeout: 90_000 },
    async ({ provider, api, id }) => {
      await start(mode);
      const work = tempDir('orchids-cline-work-');
      fs.writeFileSync(path.join(work, 'secret-plan.txt'), `The plan is ${SECRET}.\n`);
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (seen.includes(SECRET)) return sse(reply(`The file says the plan is ${SECRET}.`));
        if (!seen.includes('secret-plan.txt')) return undefined;
        const call = genA
          ? { name: 'run_commands', input: { commands: ['cat secret-plan.txt'] } }
          : { name: 'Bash', input: { command: 'cat secret-plan.txt', description: 'Show the plan' } };
        return sse([
          ...text('Let me read it.'),
          ...toolCall({ id: 'toolu_sim_shell_0001', ...call }),
          ...finish('tool-calls'),
        ]);
      });

      const prompt = 'What does secret-plan.txt in this folder say?';
      const run = await runCline(work, prompt, stack.url, KEY, { provider });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.finalText).toBe(`The file says the plan is ${SECRET}.`);
      // Cline ran the command itself: the secret reached the model only through the command's output.
      expect(toolInputs(run)).toEqual([{ commands: ['cat secret-plan.txt'] }]);
      expect(toolRuns(run)).toEqual([
        {
          toolName: 'run_commands',
          toolCallId: id,
          output: [expect.objectContaining({ result: `The plan is ${SECRET}.\n`, success: true })],
        },
      ]);

      const turns = turnsAbout(/secret-plan\.txt/);
      expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
      const [first, second] = turns as [AgentRequestInfo, AgentRequestInfo];
      expect(upstreamText(first)).not.toContain(SECRET);
      if (genA) {
        const offered = (first.body.tools as Array<{ name: string }>).map((t) => t.name);
        expect(offered).toEqual(expect.arrayContaining(['run_commands', 'read_files', 'editor', 'search_codebase']));
        // Cline's web_search is one the proxy never offers upstream.
        if (provider === 'anthropic') expect(offered).not.toContain('web_search');
        expect(second.body.prompt).toMatch(new RegExp(`<tool_result tool_use_id="${id}">[\\s\\S]*${SECRET}`));
      } else {
        expect(first.body.tools).toBeUndefined();
        const messages = second.body.messages as Array<{ content: unknown; ToolResults?: unknown[] }>;
        // Cline ran the agent's Bash as its run_commands, and replays it under that name.
        expect(replayedToolUse(second)).toMatchObject({ id, name: 'run_commands' });
        const resultMessage = messages.find((m) => m.ToolResults !== undefined)!;
        expect(resultMessage.ToolResults).toEqual([expect.objectContaining({ ToolUseID: id })]);
        expect(JSON.stringify(resultMessage.content)).toContain(SECRET);
      }
      expect(await served()).toEqual([
        { api, stream: true, status: 200, protocol: mode.expect },
        { api, stream: true, status: 200, protocol: mode.expect },
      ]);
    },
  );

  it('reads a line range of a file with read_files', { timeout: 90_000 }, async () => {
    await start(mode);
    const work = tempDir('orchids-cline-work-');
    const file = path.join(work, 'notes.txt');
    fs.writeFileSync(file, 'Shopping: GRAPE-12.\nRemember MANGO-77.\nCall PAPAYA-5.\n');
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('MANGO-77')) return sse(reply('The notes say MANGO-77.'));
      if (!seen.includes('notes.txt')) return undefined;
      const call = genA
        ? { name: 'read_files', input: { files: [{ path: file, start_line: 2, end_line: 2 }] } }
        : { name: 'Read', input: { file_path: file, offset: 2, limit: 1 } };
      return sse([...toolCall({ id: 'toolu_sim_read_0001', ...call }), ...finish('tool-calls')]);
    });

    const run = await runCline(work, 'What does line 2 of my notes.txt say?', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('The notes say MANGO-77.');
    // On Generation B the agent's file_path, offset and limit reached Cline as the one file entry read_files
    // requires, its range as the first and last line.
    expect(toolInputs(run)).toEqual([{ files: [{ path: file, start_line: 2, end_line: 2 }] }]);
    expect(toolRuns(run)).toEqual([
      { toolName: 'read_files', toolCallId: 'toolu_sim_read_0001', output: expect.anything() },
    ]);
    const output = JSON.stringify(toolRuns(run)[0]?.output);
    expect(output).toContain('Remember MANGO-77.');
    expect(output).not.toContain('GRAPE-12');
    expect(output).not.toContain('PAPAYA-5');
    const turns = turnsAbout(/notes\.txt/);
    expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
    // Generation B's agent reads the line as its own Read gives it (numbered as `cat -n` numbers it), not in Cline's
    // JSON about the read, which Generation A's model, shown read_files, is sent as it is.
    if (!genA) {
      expect(sentToolResults(turns[1]!)).toEqual([
        { type: 'tool_result', tool_use_id: 'toolu_sim_read_0001', content: '     2\tRemember MANGO-77.' },
      ]);
    }
  });

  it('creates a file and then edits it with editor', { timeout: 120_000 }, async () => {
    await start(mode);
    const work = tempDir('orchids-cline-work-');
    const file = path.join(work, 'settings.ini');
    const created = `File created successfully at: ${file}`;
    const edited = `Edited ${file}`;
    const write = genA
      ? { name: 'editor', input: { path: file, new_text: '[run]\nmode = slow\n' } }
      : { name: 'Write', input: { file_path: file, content: '[run]\nmode = slow\n' } };
    const edit = genA
      ? { name: 'editor', input: { path: file, old_text: 'mode = slow', new_text: 'mode = fast' } }
      : {
          name: 'Edit',
          input: { file_path: file, old_string: 'mode = slow', new_string: 'mode = fast', replace_all: false },
        };
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (!seen.includes('settings.ini')) return undefined;
      if (seen.includes(edited)) return sse(reply('settings.ini now runs fast.'));
      if (seen.includes(created))
        // In pieces, as a long edit streams: the proxy must hold it whole before it can become editor's input.
        return sse([...toolCall({ id: 'toolu_sim_edit_0002', ...edit, chunks: 4 }), ...finish('tool-calls')]);
      return sse([
        ...text('Creating it.'),
        ...toolCall({ id: 'toolu_sim_write_0001', ...write }),
        ...finish('tool-calls'),
      ]);
    });

    const run = await runCline(work, 'Create settings.ini with a slow run mode, then make it fast.', stack.url, KEY, {
      timeoutMs: 100_000,
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('settings.ini now runs fast.');
    // Cline's editor wrote the file and then changed it: the agent's Write and Edit reached it as editor calls.
    expect(fs.readFileSync(file, 'utf8')).toBe('[run]\nmode = fast\n');
    expect(toolInputs(run)).toEqual([
      { path: file, new_text: '[run]\nmode = slow\n' },
      { path: file, old_text: 'mode = slow', new_text: 'mode = fast' },
    ]);
    expect(toolRuns(run)).toEqual([
      {
        toolName: 'editor',
        toolCallId: 'toolu_sim_write_0001',
        output: expect.objectContaining({ result: created, success: true }),
      },
      {
        toolName: 'editor',
        toolCallId: 'toolu_sim_edit_0002',
        output: expect.objectContaining({ result: expect.stringContaining(edited), success: true }),
      },
    ]);

    const turns = turnsAbout(/settings\.ini/);
    expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect, mode.expect]);
    if (!genA) {
      // Cline replays both calls under its own tool's name, and each result answers its call.
      const last = turns[2]!;
      expect(replayedToolUses(last)).toEqual([
        expect.objectContaining({ id: 'toolu_sim_write_0001', name: 'editor' }),
        expect.objectContaining({ id: 'toolu_sim_edit_0002', name: 'editor' }),
      ]);
      const results = (last.body.messages as Array<{ ToolResults?: Array<{ ToolUseID: string }> }>).flatMap(
        (m) => m.ToolResults?.map((r) => r.ToolUseID) ?? [],
      );
      expect(results).toEqual(['toolu_sim_write_0001', 'toolu_sim_edit_0002']);
    }
    expect((await served()).map((row) => row.status)).toEqual([200, 200, 200]);
  });

  it('reads a web page with fetch_web_content', { timeout: 90_000 }, async () => {
    await start(mode);
    const url = await servePage('<html><body><h1>Release notes</h1><p>Version LYCHEE-9 ships today.</p></body></html>');
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('LYCHEE-9')) return sse(reply('LYCHEE-9 ships today.'));
      if (!seen.includes('release notes')) return undefined;
      const request = { url, prompt: 'Which version ships?' };
      const call = genA
        ? { name: 'fetch_web_content', input: { requests: [request] } }
        : { name: 'WebFetch', input: request };
      return sse([...toolCall({ id: 'toolu_sim_fetch_0001', ...call }), ...finish('tool-calls')]);
    });

    const run = await runCline(
      tempDir('orchids-cline-work-'),
      `Which version do the release notes at ${url} name?`,
      stack.url,
      KEY,
    );
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('LYCHEE-9 ships today.');
    // The page's text reached the model only through Cline's fetch.
    expect(toolInputs(run)).toEqual([{ requests: [{ url, prompt: 'Which version ships?' }] }]);
    expect(toolRuns(run)).toEqual([
      {
        toolName: 'fetch_web_content',
        toolCallId: 'toolu_sim_fetch_0001',
        output: [expect.objectContaining({ result: expect.stringContaining('LYCHEE-9'), success: true })],
      },
    ]);
    expect(turnsAbout(/release notes/).map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
  });

  it('searches file contents with search_codebase', { timeout: 90_000 }, async () => {
    await start(mode);
    const work = tempDir('orchids-cline-work-');
    fs.writeFileSync(path.join(work, 'fruit.txt'), 'apples\nthe code is KIWI-31\npears\n');
    fs.writeFileSync(path.join(work, 'other.txt'), 'nothing here\n');
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('KIWI-31')) return sse(reply('fruit.txt holds KIWI-31.'));
      if (!seen.includes('kiwi code')) return undefined;
      const call = genA
        ? { name: 'search_codebase', input: { queries: ['KIWI-\\d+'] } }
        : // Lower case and -i: Cline's search has no case switch, so it finds KIWI only if the pattern is caseless.
          { name: 'Grep', input: { pattern: 'kiwi-\\d+', path: work, output_mode: 'content', '-i': true } };
      return sse([...toolCall({ id: 'toolu_sim_grep_0001', ...call }), ...finish('tool-calls')]);
    });

    const run = await runCline(work, 'Which file has the kiwi code?', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('fruit.txt holds KIWI-31.');
    // The Kelvin sign folds to k as well (Unicode's simple case folding, as ripgrep's -i has it).
    expect(toolInputs(run)).toEqual([{ queries: [genA ? 'KIWI-\\d+' : '[kK\u212a][iI][wW][iI]-\\d+'] }]);
    expect(toolRuns(run)).toEqual([
      { toolName: 'search_codebase', toolCallId: 'toolu_sim_grep_0001', output: expect.anything() },
    ]);
    expect(JSON.stringify(toolRuns(run)[0]?.output)).toMatch(/fruit\.txt:2/);
    expect(turnsAbout(/kiwi code/).map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
  });
});

describe("Cline runs the agent's Task as its spawn_agent (Generation B, pinned ws)", () => {
  const ws = pinnedMode('ws');

  it('the sub-agent runs on the task and its answer comes back to the agent', { timeout: 120_000 }, async () => {
    await start(ws);
    const task = 'Count the orchids listed in the greenhouse log and give the number.';
    const agentTask = { description: 'Count orchids.', prompt: task, subagent_type: 'general-purpose' };
    const systemPrompt = 'You are a general-purpose sub-agent. Your task: Count orchids.';
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('ORCHID-88')) return sse(reply('The helper counted ORCHID-88.'));
      // The sub-agent's own turn: its system prompt and task are all it is given.
      if (seen.includes(task)) return sse(reply('The log lists ORCHID-88 orchids.'));
      if (!seen.includes('greenhouse helper')) return undefined;
      return sse([...toolCall({ id: 'toolu_sim_task_0001', name: 'Task', input: agentTask }), ...finish('tool-calls')]);
    });

    const run = await runCline(tempDir('orchids-cline-work-'), 'Ask a greenhouse helper to count.', stack.url, KEY, {
      timeoutMs: 100_000,
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('The helper counted ORCHID-88.');
    // The agent's Task reached Cline as the spawn_agent call its schema requires, and Cline ran it: its sub-agent
    // answered, and that answer is the call's output.
    expect(toolInputs(run)).toEqual([{ task, systemPrompt }]);
    expect(toolRuns(run)).toEqual([
      {
        toolName: 'spawn_agent',
        toolCallId: 'toolu_sim_task_0001',
        output: expect.objectContaining({ text: 'The log lists ORCHID-88 orchids.', finishReason: 'completed' }),
      },
    ]);

    // Three turns upstream: the agent's, the sub-agent's (its system prompt and its task all it was given), the
    // agent's again with Cline's spawn_agent call and its result.
    const [first, sub, last] = stack.sim.requests as [AgentRequestInfo, AgentRequestInfo, AgentRequestInfo];
    expect(stack.sim.requests.map((r) => r.protocol)).toEqual(['ws', 'ws', 'ws']);
    expect(upstreamText(first)).toContain('greenhouse helper');
    expect(sub.body.config.system).toBe(systemPrompt);
    expect(sub.body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: task }] }]);
    expect(replayedToolUse(last)).toMatchObject({
      id: 'toolu_sim_task_0001',
      name: 'spawn_agent',
      input: { task, systemPrompt },
    });
    expect(upstreamText(last)).toContain('The log lists ORCHID-88 orchids.');
  });
});

// On ws alone, as the Task test: the proxy's side is the same on sse-b, and each real Cline run costs ~20 s.
describe.each(PINNED_MODES.filter((m) => m.expect === 'ws'))(
  "Cline runs the agent's MultiEdit as one editor call an edit (Generation B, $name)",
  (mode) => {
    it('makes both edits, in order, in the one turn', { timeout: 120_000 }, async () => {
      await start(mode);
      const { work, file, multiEdit, renamed } = twoSettingsToRename('orchids-cline-work-', 'limits.ini');
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (!seen.includes('limits.ini')) return undefined;
        if (seen.includes('toolu_sim_multi_0002-2')) return sse(reply('Both limits are renamed.'));
        return sse([
          ...toolCall({ id: 'toolu_sim_multi_0002', name: 'MultiEdit', input: multiEdit }),
          ...finish('tool-calls'),
        ]);
      });

      const run = await runCline(work, 'Rename alpha to gamma and beta to delta in limits.ini.', stack.url, KEY, {
        timeoutMs: 100_000,
      });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.finalText).toBe('Both limits are renamed.');
      expect(fs.readFileSync(file, 'utf8')).toBe(renamed);
      expect(toolRuns(run)).toEqual([
        expect.objectContaining({ toolName: 'editor', toolCallId: 'toolu_sim_multi_0002' }),
        expect.objectContaining({ toolName: 'editor', toolCallId: 'toolu_sim_multi_0002-2' }),
      ]);
      // Two agent turns: the MultiEdit and the answer, none spent on a declined call.
      expect(turnsAbout(/limits\.ini/).map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
    });
  },
);

describe.each(PINNED_MODES.filter((m) => m.expect === 'ws'))(
  "Cline's run_commands results for the agent's LS and Glob (Generation B, $name)",
  (mode) => {
    it(
      'reach the agent as its own tools word them: a failure an error, nothing found said so',
      {
        timeout: 120_000,
      },
      async () => {
        await start(mode);
        const work = tempDir('orchids-cline-work-');
        fs.writeFileSync(path.join(work, 'a.txt'), 'x\n');
        stack.sim.onAgentRequest((req) => {
          if (!upstreamText(req).includes('List the drafts')) return undefined;
          // Answered whatever the results say, so a wrong result fails the assertions below rather than the run.
          if (JSON.stringify(req.body.messages).includes('toolu_sim_glob_0008')) return sse(reply('No drafts.'));
          return sse([
            ...toolCall({ id: 'toolu_sim_ls_0007', name: 'LS', input: { path: path.join(work, 'drafts') } }),
            ...toolCall({ id: 'toolu_sim_glob_0008', name: 'Glob', input: { pattern: '*.draft', path: work } }),
            ...finish('tool-calls'),
          ]);
        });

        const run = await runCline(work, 'List the drafts.', stack.url, KEY, { timeoutMs: 100_000 });
        expect(run.code, run.stderr + run.stdout).toBe(0);
        expect(toolRuns(run).map((r) => r.toolName)).toEqual(['run_commands', 'run_commands']);
        const [, second] = turnsAbout(/List the drafts/);
        const results = sentToolResults(second!);
        // Cline answered with JSON about each run (`query`, `result`, `success`), the failed one unflagged.
        expect(results.map((b) => [b.tool_use_id, b.content, b.is_error])).toEqual([
          ['toolu_sim_ls_0007', `ls: cannot access '${path.join(work, 'drafts')}': No such file or directory`, true],
          ['toolu_sim_glob_0008', 'No files found.', undefined],
        ]);
      },
    );
  },
);
