import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentRequestInfo } from '../sim/orchids-simulator';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { replayedToolUses, sentErrorIds, sentToolResults, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { scriptCalls, seenCallId } from '../helpers/edit-scenarios';
import { tempDir } from '../helpers/temp-dir';
import { ARCHIVE, LOOKUP, warehouseMcpServer } from '../helpers/warehouse-mcp';
import { runQwen } from '../helpers/qwen';
import {
  BRIEF,
  NOTICE,
  PARENT,
  PLAN,
  PLAN_SHOWN,
  notRun,
  scriptTreasureHunt,
  treasureTurns,
} from '../helpers/qwen-scenarios';

/**
 * The real Qwen Code CLI (`qwen -p`, Chat Completions) on Generation B (`ws`), whose agent calls its own tools
 * (`Task`, `Read`, `Edit`, `ExitPlanMode`, an MCP tool by the name Qwen's reminder gives it): the sub-agent, plan mode
 * and MCP server cases qwen-code-gen-a.test.ts runs on Generation A.
 */
const KEY = 'test-qwen-key';
const TIMEOUT = { timeout: 120_000 };
let stack: Stack;
beforeAll(async () => {
  stack = await startCliStack(pinnedMode('ws'), KEY);
});
afterAll(async () => stack?.stop());

/** The errand's turns a run made, not an earlier test's: each runs it with the same words. */
const newTurns = (earlier: Set<AgentRequestInfo>): AgentRequestInfo[] =>
  turnsAbout(stack, /treasure/).filter((turn) => !earlier.has(turn));

/** The words of the result a Generation B turn sent for the call `id`. */
const resultOf = (turn: AgentRequestInfo, id: string): string | undefined => {
  const result = sentToolResults(turn).find((r) => r.tool_use_id === id);
  return result === undefined ? undefined : String(result.content);
};

describe('Qwen Code’s sub-agent, plan mode and MCP tools (pinned ws)', () => {
  it(
    'runs a sub-agent the agent’s Task starts: its own turns go upstream, its answer comes back',
    TIMEOUT,
    async () => {
      const { work, launch, subRead } = scriptTreasureHunt(
        stack,
        {
          id: 'toolu_sim_genbtask_0001',
          name: 'Task',
          input: { description: 'Find the treasure', subagent_type: 'general-purpose', run_in_background: false },
        },
        'toolu_sim_genbsubread_0001',
        'The map says ORCA-7.',
        'The helper found it: ORCA-7.',
      );

      const earlier = new Set(turnsAbout(stack, /treasure/));
      const run = await runQwen(work, PARENT, stack.url, KEY);
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.answer).toBe('The helper found it: ORCA-7.');
      const turns = newTurns(earlier);
      expect(turns.map((t) => t.protocol)).toEqual(Array(4).fill('ws'));
      const [ownTurns, subTurns] = treasureTurns(turns);
      expect([ownTurns.length, subTurns.length]).toEqual([2, 2]);
      // The sub-agent's turns are a conversation of their own, its brief the user's message, its Read run by Qwen.
      expect(upstreamText(subTurns[0]!)).toContain(BRIEF);
      expect(replayedToolUses(subTurns[1]!)).toEqual([
        expect.objectContaining({ name: 'read_file', input: expect.objectContaining(subRead.input) }),
      ]);
      expect(sentErrorIds(subTurns[1]!)).toEqual([]);
      expect(resultOf(subTurns[1]!, seenCallId(subRead.id, true))).toBe('The treasure is at ORCA-7.\n');
      // The agent's Task went to Qwen's `agent`, and the sub-agent's answer is its result.
      const last = ownTurns[1]!;
      expect(replayedToolUses(last)).toEqual([expect.objectContaining({ name: 'agent', input: launch.input })]);
      expect(sentErrorIds(last)).toEqual([]);
      expect(resultOf(last, seenCallId(launch.id, true))).toBe('The map says ORCA-7.');
    },
  );

  it(
    'runs a background sub-agent: `qwen -p` waits for it, and the agent gets its answer in Qwen’s notice',
    TIMEOUT,
    async () => {
      const { work, launch } = scriptTreasureHunt(
        stack,
        {
          id: 'toolu_sim_genbtask_0002',
          name: 'Task',
          input: { description: 'Find the treasure', subagent_type: 'general-purpose', run_in_background: true },
        },
        'toolu_sim_genbsubread_0002',
        'The map says ORCA-7.',
        'A helper is looking.',
        'The helper found it: ORCA-7.',
      );

      const earlier = new Set(turnsAbout(stack, /treasure/));
      const run = await runQwen(work, PARENT, stack.url, KEY);
      expect(run.code, run.stderr + run.stdout).toBe(0);
      const [ownTurns, subTurns] = treasureTurns(newTurns(earlier));
      expect([ownTurns.length, subTurns.length]).toEqual([3, 2]);
      const id = seenCallId(launch.id, true);
      expect(replayedToolUses(ownTurns[1]!)).toEqual([expect.objectContaining({ name: 'agent', input: launch.input })]);
      expect(sentErrorIds(ownTurns[1]!)).toEqual([]);
      expect(resultOf(ownTurns[1]!, id)).toMatch(/^Background agent launched successfully\.\n/);
      // `qwen -p` waits for the sub-agent, and tells the agent it ended in a user message of its own, its answer in it.
      const notice = upstreamText(ownTurns[2]!);
      expect(notice).toContain(`${NOTICE}\n<task-id>general-purpose-${id}</task-id>\n<tool-use-id>${id}</tool-use-id>`);
      expect(notice).toContain('<status>completed</status>');
      expect(notice).toContain('<result>The map says ORCA-7.</result>');
    },
  );

  it('in Qwen’s plan mode: a failed read flagged, an edit declined, the plan shown for approval', TIMEOUT, async () => {
    const work = tempDir('orchids-qwen-work-');
    const plan = path.join(work, 'plan.txt');
    fs.writeFileSync(plan, 'step one: MANGO\n');
    const calls = [
      // A read Qwen runs in plan mode, of a file not there: its words, which it sends unflagged.
      { id: 'toolu_sim_genbplanread_0001', name: 'Read', input: { file_path: path.join(work, 'nope.txt') } },
      // Qwen's plan mode declares no edit, write or shell: the proxy answers the call for it.
      {
        id: 'toolu_sim_genbplanedit_0001',
        name: 'Edit',
        input: { file_path: plan, old_string: 'MANGO', new_string: 'FIG' },
        answeredBy: notRun('Edit'),
      },
      { id: 'toolu_sim_genbplanexit_0001', name: 'ExitPlanMode', input: { plan: PLAN }, answeredBy: PLAN_SHOWN },
    ];
    scriptCalls(stack, 'Plan the change', calls, 'Say if the plan suits you.', true);

    const run = await runQwen(work, 'Plan the change to plan.txt', stack.url, KEY, {
      args: ['--approval-mode', 'plan'],
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(fs.readFileSync(plan, 'utf8')).toBe('step one: MANGO\n');
    // The proxy answered the edit and the plan itself, in Qwen's second request: what it printed is that whole turn.
    expect(run.answer).toContain('[The agent called the tool "Edit", which this client does not provide');
    const heading = "The agent's plan, for your approval (this client has no tool to approve it with):";
    expect(run.answer).toContain(`${heading}\n\n${PLAN}\n\n(End of the plan.)`);
    expect(run.answer.endsWith('Say if the plan suits you.')).toBe(true);
    const turns = turnsAbout(stack, /Plan the change/);
    expect(turns.map((t) => t.protocol)).toEqual(Array(calls.length + 1).fill('ws'));
    expect(upstreamText(turns[0]!)).toContain('Plan mode is active.');
    const last = turns.at(-1)!;
    const [read, edit, exit] = [seenCallId(calls[0]!.id, true), calls[1]!.id, calls[2]!.id];
    expect(replayedToolUses(last).map((use) => [use.id, use.name])).toEqual([
      [read, 'read_file'],
      [edit, 'Edit'],
      [exit, 'ExitPlanMode'],
    ]);
    // Qwen's words for the missing file reach the agent as an error (before, unflagged: its plan mode declares no
    // shell, by which the proxy told Qwen's tool set); the edit's answer too, the plan's not.
    expect(sentErrorIds(last)).toEqual([read, edit]);
    expect(resultOf(last, read)).toBe(`File not found: ${path.join(work, 'nope.txt')}`);
    expect(resultOf(last, edit)).toMatch(new RegExp(`^${notRun('Edit')} Its tools are: agent, `));
    expect(resultOf(last, exit)).toMatch(new RegExp(`^${PLAN_SHOWN} `));
  });

  it('calls an MCP server’s tools Qwen holds back, by name: their results and failure come back', TIMEOUT, async () => {
    const work = tempDir('orchids-qwen-work-');
    const server = warehouseMcpServer(work);
    const lookupInput = { warehouse: { region: 'north', code: 'WH-7' }, skus: ['A1'] };
    const calls = [
      // By the names Qwen's reminder gives them, not through its tool_call: the proxy wraps each in one.
      { id: 'toolu_sim_genbmcp_0001', name: LOOKUP, input: lookupInput },
      { id: 'toolu_sim_genbmcp_0002', name: ARCHIVE, input: { year: 1999 } },
    ];
    scriptCalls(stack, 'stock of A1', calls, 'A1: 17; the archive is locked.', true);

    const run = await runQwen(work, 'What is the stock of A1?', stack.url, KEY, {
      settings: { mcpServers: { warehouse: server.launch } },
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('A1: 17; the archive is locked.');
    expect(server.served()).toEqual([
      { name: 'lookup_inventory_records_by_warehouse_region', arguments: lookupInput },
      { name: 'open_archive', arguments: { year: 1999 } },
    ]);
    const turns = turnsAbout(stack, /stock of A1/);
    expect(turns.map((t) => t.protocol)).toEqual(Array(calls.length + 1).fill('ws'));
    expect(upstreamText(turns[0]!)).toContain(`- "${ARCHIVE}": "Opens the archive of a year."`);
    const last = turns.at(-1)!;
    const [lookup, archive] = calls.map((call) => seenCallId(call.id, true));
    // Qwen replays each as its tool_call naming the tool, the agent's input whole as the arguments.
    expect(replayedToolUses(last).map((use) => [use.id, use.name, use.input])).toEqual([
      [lookup, 'tool_call', { name: LOOKUP, arguments: lookupInput }],
      [archive, 'tool_call', { name: ARCHIVE, arguments: { year: 1999 } }],
    ]);
    expect(resultOf(last, lookup!)).toBe('STOCK-LEDGER-58\nA1: 17 in WH-7 (north)');
    // The server's isError reaches the agent flagged, in Qwen's words before the server's.
    expect(sentErrorIds(last)).toEqual([archive]);
    expect(resultOf(last, archive!)).toMatch(/^MCP tool 'open_archive' reported tool error for function call: /);
    expect(resultOf(last, archive!)).toContain('The archive of 1999 is locked: LOCKED-88');
    expect(upstreamText(last)).not.toContain('has no tool named');
  });
});
