import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall } from '../sim/orchids-simulator';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { sentErrorIds, served, shownResult, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { scriptCalls, seenCallId } from '../helpers/edit-scenarios';
import { servePage } from '../helpers/loopback-page';
import { tempDir } from '../helpers/temp-dir';
import { LOOKUP } from '../helpers/warehouse-mcp';
import { READS_COMMAND_OUTPUT, runQwen } from '../helpers/qwen';
import {
  PLAN,
  PLAN_SHOWN,
  notRun,
  planModeCase,
  treasureHuntCase,
  warehouseToolsCase,
} from '../helpers/qwen-scenarios';

/**
 * The real Qwen Code CLI (`qwen --yolo -p …`, Chat Completions) on Generation A (`sse-a`), which is shown the tools
 * Qwen Code declares, schemas and all, and whose model calls them itself: Qwen's `read_file` and `write_file` under
 * the names the upstream knows them by (`Read`, `Write`), its `edit` and `run_shell_command` as Qwen names them.
 * Generation B's agent, which calls its own tools, is in qwen-code-cli.test.ts and qwen-code-tools.test.ts.
 */
const KEY = 'test-qwen-key';
const SSE_A = pinnedMode('sse-a');
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
    const result = (id: string) => shownResult(last, seenCallId(id, true));
    for (const call of calls) expect(result(call.id), call.name).toBeDefined();
    expect(result(calls[0]!.id)).toContain('step two: KIWI');
    expect(result(calls[0]!.id)).not.toContain('step one');
    expect(result(calls[2]!.id)).toMatch(/^Successfully created and wrote to new file: .*notes\.txt/);
    expect(result(calls[3]!.id)).toContain('Exit Code: 0');
  });

  it('gives Generation A a failed edit, read or command as an error, in Qwen’s words', TIMEOUT, async () => {
    const work = tempDir('orchids-qwen-work-');
    const plan = path.join(work, 'plan.txt');
    fs.writeFileSync(plan, 'step one: MANGO\n');
    const calls = [
      { id: 'toolu_sim_genaread_0002', name: 'Read', input: { file_path: plan } },
      // Read first, so Qwen's edit refuses for the old text alone, not for a file unread in this session.
      {
        id: 'toolu_sim_genaedit_0002',
        name: 'edit',
        input: { file_path: plan, old_string: 'KIWI', new_string: 'FIG' },
      },
      { id: 'toolu_sim_genaread_0003', name: 'Read', input: { file_path: path.join(work, 'nope.txt') } },
      { id: 'toolu_sim_genabash_0002', name: 'run_shell_command', input: { command: 'echo half-done; exit 3' } },
    ];
    scriptCalls(stack, 'Change the plan', calls, 'Nothing changed.', true);

    const run = await runQwen(work, 'Change the plan in plan.txt', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('Nothing changed.');
    expect(fs.readFileSync(plan, 'utf8')).toBe('step one: MANGO\n');
    const turns = turnsAbout(stack, /Change the plan/);
    expect(turns.map((t) => t.protocol)).toEqual(Array(calls.length + 1).fill('sse-a'));
    const last = turns.at(-1)!;
    const failed = calls.slice(1).map((c) => seenCallId(c.id, true));
    // The last result is in Generation A's prompt, the others in its chat history: in no set order in its text.
    expect(sentErrorIds(last).sort()).toEqual([...failed].sort());
    const result = (id: string) => shownResult(last, id);
    expect(result(seenCallId(calls[0]!.id, true))).toContain('step one: MANGO');
    expect(result(failed[0]!)).toMatch(/^Failed to edit, 0 occurrences found for old_string/);
    expect(result(failed[1]!)).toMatch(/^File not found: .*nope\.txt$/);
    expect(result(failed[2]!)).toMatch(/^Command: echo half-done; exit 3\n[\s\S]*\nExit Code: 3\n/);
  });

  it('is shown Qwen’s tool bridge, not its tools held back; a plan and a held-back tool’s call', TIMEOUT, async () => {
    const GIST = 'GIST: pier KESTREL-9, at 07:45.';
    const page = await servePage(
      'ferry',
      '<html><body><p>The ferry leaves at 07:45 from pier KESTREL-9.</p></body></html>',
    );
    try {
      const todos = [{ content: 'Read the harbour page', status: 'in_progress', activeForm: 'Reading it' }];
      const fetch = {
        name: 'web_fetch',
        arguments: { url: page.url, prompt: 'Which pier does the ferry leave from?' },
      };
      const calls = [
        // Qwen's todo_write is off by default: the proxy answers the agent's plan for Qwen, as a checklist.
        { id: 'toolu_sim_genatodo_0001', name: 'TodoWrite', input: { todos }, answeredBy: 'has no to-do tool' },
        // Generation A calls a held-back tool as it is shown it can: through Qwen's tool_call.
        { id: 'toolu_sim_genawf_0001', name: 'tool_call', input: fetch },
      ];
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        // Qwen's own reading of the page, a request of its own through the proxy, outside the agent's conversation.
        if (seen.includes('KESTREL-9') && !seen.includes('harbour page')) return sse(reply(GIST));
        if (!seen.includes('harbour page')) return undefined;
        const next = calls.find((call) => !seen.includes(call.answeredBy ?? seenCallId(call.id, true)));
        return sse(
          next ? [...toolCall(next), ...finish('tool-calls')] : reply('The ferry leaves from pier KESTREL-9.'),
        );
      });

      const run = await runQwen(tempDir('orchids-qwen-work-'), 'Which pier? The harbour page says.', stack.url, KEY, {
        env: { NODE_EXTRA_CA_CERTS: page.caFile },
      });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      // `qwen -p` prints its last turn's words: the checklist went before, with the call (see below).
      expect(run.answer).toBe('The ferry leaves from pier KESTREL-9.');
      expect(page.hits).toEqual(['GET /ferry']);
      const turns = turnsAbout(stack, /harbour page/);
      expect(new Set(turns.map((t) => t.protocol))).toEqual(new Set(['sse-a']));
      const shown = (turns[0]!.body.tools as Array<{ name: string }>).map((t) => t.name);
      expect(shown).toEqual(expect.arrayContaining(['tool_search', 'tool_call', 'run_shell_command']));
      for (const held of ['web_fetch', 'WebFetch', 'todo_write', 'TodoWrite', 'list_directory']) {
        expect(shown).not.toContain(held);
      }
      // Qwen's reminder naming what its bridge holds back reaches Generation A in the user's message.
      expect(upstreamText(turns[0]!)).toMatch(/- "web_fetch":/);
      const last = turns.at(-1)!;
      expect(sentErrorIds(last)).toEqual([]);
      const seen = upstreamText(last);
      // Qwen sent the checklist back, and Generation A reads it as the plan it made and the proxy's answer to it:
      // each item's words and status, not its activeForm, which the checklist does not hold (shown-calls.ts).
      const plan = seen.match(/<tool_use id="toolu_shown_[^"]+" name="TodoWrite">(.*?)<\/tool_use>/)?.[1];
      expect(plan).toBe(JSON.stringify({ todos: [{ content: 'Read the harbour page', status: 'in_progress' }] }));
      expect(seen).toContain('This client has no to-do tool, so your plan was shown to the user as a checklist');
      expect(seen).not.toContain("The agent's plan (this client has no to-do tool to show it in):");
      expect(shownResult(last, seenCallId(calls[1]!.id, true))).toContain(GIST);
      expect(seen).not.toContain('has no tool named');
    } finally {
      await page.stop();
    }
  });

  it(
    'runs Generation A’s LS, its tool_search and a held-back tool it calls by name, Qwen’s and its own',
    READS_COMMAND_OUTPUT,
    async () => {
      const GIST = 'GIST: the ferry leaves pier HERON-4.';
      const page = await servePage('quay', '<html><body><p>The ferry leaves from pier HERON-4.</p></body></html>');
      try {
        const work = tempDir('orchids-qwen-work-');
        fs.mkdirSync(path.join(work, 'LIME-3'));
        fs.writeFileSync(path.join(work, 'OLIVE-8.txt'), 'olives\n');
        // A retry's conversation is told apart from the first try's by its own folder.
        const topic = `the quay page, from ${path.basename(work)}`;
        const calls = [
          // Generation A's own listing tool, which Qwen declares no tool of (its list_directory is off).
          { id: 'toolu_sim_genals_0001', name: 'LS', input: { path: work } },
          { id: 'toolu_sim_genats_0001', name: 'tool_search', input: { query: 'select:web_fetch' } },
          // The held-back tool by its own name, as the search showed it, not through Qwen's tool_call.
          { id: 'toolu_sim_genawf_0002', name: 'web_fetch', input: { url: page.url, prompt: 'Which pier?' } },
          // And by Generation A's own name for it, WebFetch (another path: a second fetch, not an answer Qwen kept).
          { id: 'toolu_sim_genawf_0003', name: 'WebFetch', input: { url: `${page.url}-again`, prompt: 'Which pier?' } },
        ];
        stack.sim.onAgentRequest((req) => {
          const seen = upstreamText(req);
          // Qwen's own reading of the page, a request of its own through the proxy, outside the agent's conversation.
          if (seen.includes('HERON-4') && !seen.includes(topic)) return sse(reply(GIST));
          if (!seen.includes(topic)) return undefined;
          const next = calls.find((call) => !seen.includes(seenCallId(call.id, true)));
          return sse(next ? [...toolCall(next), ...finish('tool-calls')] : reply('Pier HERON-4.'));
        });

        const run = await runQwen(work, `List this folder and read ${topic}.`, stack.url, KEY, {
          env: { NODE_EXTRA_CA_CERTS: page.caFile },
        });
        expect(run.code, run.stderr + run.stdout).toBe(0);
        expect(run.answer).toBe('Pier HERON-4.');
        expect(page.hits).toEqual(['GET /quay', 'GET /quay-again']);
        const turns = turnsAbout(stack, new RegExp(topic));
        expect(turns.map((t) => t.protocol)).toEqual(Array(calls.length + 1).fill('sse-a'));
        const last = turns.at(-1)!;
        expect(sentErrorIds(last)).toEqual([]);
        const seen = upstreamText(last);
        const [ls, search, fetched, fetchedAsOwn] = calls.map((call) => {
          const id = seenCallId(call.id, true);
          return {
            use: seen.match(new RegExp(`<tool_use id="${id}" name="([^"]+)">(.*?)</tool_use>`))?.slice(1),
            result: shownResult(last, id),
          };
        });
        // The LS ran as a listing on Qwen's shell, a subfolder shown, and Qwen replays it as that command.
        expect(ls!.use).toEqual(['run_shell_command', JSON.stringify({ command: `ls -la -- '${work}'` })]);
        expect(ls!.result).toMatch(/^d.* LIME-3$/m);
        expect(ls!.result).toMatch(/^-.* OLIVE-8\.txt$/m);
        // Qwen's search answers with the held-back tool's schema; its tools stay as declared (no web_fetch among them).
        expect(search!.use?.[0]).toBe('tool_search');
        expect(search!.result).toContain('<function>{"name":"web_fetch"');
        expect((last.body.tools as Array<{ name: string }>).map((t) => t.name)).not.toContain('web_fetch');
        // The direct call went to Qwen as its bridge's tool_call, which fetched the page and read it.
        expect(fetched!.use).toEqual([
          'tool_call',
          JSON.stringify({ name: 'web_fetch', arguments: { url: page.url, prompt: 'Which pier?' } }),
        ]);
        expect(fetched!.result).toContain(GIST);
        expect(fetchedAsOwn!.use).toEqual([
          'tool_call',
          JSON.stringify({ name: 'web_fetch', arguments: { url: `${page.url}-again`, prompt: 'Which pier?' } }),
        ]);
        expect(fetchedAsOwn!.result).toContain(GIST);
        expect(seen).not.toContain('has no tool named');
      } finally {
        await page.stop();
      }
    },
  );

  it('runs a sub-agent Generation A calls: its own turns go upstream, its answer comes back', TIMEOUT, async () => {
    // In the foreground: its answer is the call's result.
    const agent = { launchName: 'agent', suffix: '0001', background: false };
    const { ownTurns, subTurns } = await treasureHuntCase(stack, KEY, 'sse-a', agent);
    // Generation A is shown Qwen's `agent`, and the sub-agent Qwen's tools (Read among them) in a turn of its own.
    expect((ownTurns[0]!.body.tools as Array<{ name: string }>).map((t) => t.name)).toContain('agent');
    expect((subTurns[0]!.body.tools as Array<{ name: string }>).map((t) => t.name)).toContain('Read');
  });

  it(
    'runs a background sub-agent Generation A calls: `qwen -p` waits for it, its answer in Qwen’s notice',
    TIMEOUT,
    async () => {
      const agent = { launchName: 'agent', suffix: '0002', background: true };
      const { ownTurns, launch } = await treasureHuntCase(stack, KEY, 'sse-a', agent);
      // The launch is replayed with its input whole.
      const id = seenCallId(launch.id, true);
      expect(upstreamText(ownTurns[1]!)).toContain(`<tool_use id="${id}" name="agent">${JSON.stringify(launch.input)}`);
    },
  );

  it('in Qwen’s plan mode: an edit it does not declare declined, the plan shown for approval', TIMEOUT, async () => {
    const { calls, turns } = await planModeCase(stack, KEY, 'sse-a', 'edit', (_work, plan) => [
      // Qwen's plan mode declares no edit, write or shell: the proxy answers the call for it.
      {
        id: 'toolu_sim_genaplanedit_0001',
        name: 'edit',
        input: { file_path: plan, old_string: 'MANGO', new_string: 'FIG' },
        answeredBy: notRun('edit'),
      },
      // Qwen's reminder tells the model to end with exit_plan_mode, which `qwen -p` does not declare.
      {
        id: 'toolu_sim_genaplanexit_0001',
        name: 'exit_plan_mode',
        input: { plan: PLAN },
        answeredBy: PLAN_SHOWN,
      },
    ]);
    const shown = (turns[0]!.body.tools as Array<{ name: string }>).map((t) => t.name);
    expect(shown).toEqual(expect.arrayContaining(['Read', 'Glob', 'grep_search', 'agent']));
    for (const held of ['edit', 'Write', 'run_shell_command', 'exit_plan_mode', 'ExitPlanMode']) {
      expect(shown).not.toContain(held);
    }
    const last = turns.at(-1)!;
    // The ids are the model's own: Qwen never saw either call.
    expect(sentErrorIds(last)).toEqual([calls[0]!.id]);
    expect(shownResult(last, calls[0]!.id)).toContain(calls[0]!.answeredBy);
    expect(shownResult(last, calls[1]!.id)).toContain(calls[1]!.answeredBy);
  });

  it('calls an MCP server’s tools Qwen holds back, by name: their results and failure come back', TIMEOUT, async () => {
    const { first, last, lookup, lookupInput } = await warehouseToolsCase(stack, KEY, 'sse-a');
    // Generation A is shown Qwen's bridge, and the MCP tools only as Qwen's reminder names them.
    const shown = (first.body.tools as Array<{ name: string }>).map((t) => t.name);
    expect(shown).toEqual(expect.arrayContaining(['tool_search', 'tool_call']));
    expect(shown.filter((name) => name.startsWith('mcp__'))).toEqual([]);
    // Each call is replayed as Qwen's tool_call naming the tool, the agent's input whole as the arguments.
    const seen = upstreamText(last);
    const wrapped = JSON.stringify({ name: LOOKUP, arguments: lookupInput });
    expect(seen).toContain(`<tool_use id="${lookup}" name="tool_call">${wrapped}</tool_use>`);
    expect(seen).not.toContain('has no tool named');
  });
});
