import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pinnedMode } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { replayedToolUses, sentErrorIds, startCliStack } from '../helpers/cli-clients';
import { seenCallId } from '../helpers/edit-scenarios';
import { ARCHIVE, LOOKUP } from '../helpers/warehouse-mcp';
import {
  PLAN,
  PLAN_SHOWN,
  notRun,
  planModeCase,
  resultOf,
  treasureHuntCase,
  warehouseToolsCase,
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

describe('Qwen Code’s sub-agent, plan mode and MCP tools (pinned ws)', () => {
  it(
    'runs a sub-agent the agent’s Task starts: its own turns go upstream, its answer comes back',
    TIMEOUT,
    async () => {
      const task = { launchName: 'Task', suffix: '0001', background: false };
      const { ownTurns, subTurns, launch, subRead } = await treasureHuntCase(stack, KEY, 'ws', task);
      // The sub-agent's Read ran as Qwen's read_file, and the agent's Task went to Qwen's `agent`, its input whole.
      expect(replayedToolUses(subTurns[1]!)).toEqual([
        expect.objectContaining({ name: 'read_file', input: expect.objectContaining(subRead.input) }),
      ]);
      expect(replayedToolUses(ownTurns[1]!)).toEqual([expect.objectContaining({ name: 'agent', input: launch.input })]);
    },
  );

  it(
    'runs a background sub-agent: `qwen -p` waits for it, and the agent gets its answer in Qwen’s notice',
    TIMEOUT,
    async () => {
      const task = { launchName: 'Task', suffix: '0002', background: true };
      const { ownTurns, launch } = await treasureHuntCase(stack, KEY, 'ws', task);
      expect(replayedToolUses(ownTurns[1]!)).toEqual([expect.objectContaining({ name: 'agent', input: launch.input })]);
    },
  );

  it('in Qwen’s plan mode: a failed read flagged, an edit declined, the plan shown for approval', TIMEOUT, async () => {
    const { calls, turns, work } = await planModeCase(stack, KEY, 'ws', 'Edit', (folder, plan) => [
      // A read Qwen runs in plan mode, of a file not there: its words, which it sends unflagged.
      { id: 'toolu_sim_genbplanread_0001', name: 'Read', input: { file_path: path.join(folder, 'nope.txt') } },
      // Qwen's plan mode declares no edit, write or shell: the proxy answers the call for it.
      {
        id: 'toolu_sim_genbplanedit_0001',
        name: 'Edit',
        input: { file_path: plan, old_string: 'MANGO', new_string: 'FIG' },
        answeredBy: notRun('Edit'),
      },
      { id: 'toolu_sim_genbplanexit_0001', name: 'ExitPlanMode', input: { plan: PLAN }, answeredBy: PLAN_SHOWN },
    ]);
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
    const { last, lookup, archive, lookupInput } = await warehouseToolsCase(stack, KEY, 'ws');
    // Qwen replays each as its tool_call naming the tool, the agent's input whole as the arguments.
    expect(replayedToolUses(last).map((use) => [use.id, use.name, use.input])).toEqual([
      [lookup, 'tool_call', { name: LOOKUP, arguments: lookupInput }],
      [archive, 'tool_call', { name: ARCHIVE, arguments: { year: 1999 } }],
    ]);
  });
});
