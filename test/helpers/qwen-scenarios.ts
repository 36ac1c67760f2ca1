/**
 * What qwen-code-gen-a.test.ts and qwen-code-gen-b.test.ts share: the sub-agent's errand (a map to read, the agent
 * scripted in two conversations, its own and its sub-agent's) and the MCP server's case, each with what both
 * generations must show of it, and the plan Qwen's plan mode is shown.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { UpstreamProtocol } from '../../main/core/upstream/protocol';
import { finish, reply, sse, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { replayedCalls, sentErrorIds, sentResults, turnsAbout } from './cli-clients';
import type { AgentCall } from './edit-scenarios';
import { scriptCalls, seenCallId } from './edit-scenarios';
import { runQwen } from './qwen';
import type { Stack } from './stack';
import { tempDir } from './temp-dir';
import { upstreamText } from './upstream';
import { ARCHIVE, LOOKUP, warehouseMcpServer } from './warehouse-mcp';

/** The plan the agent shows in Qwen's plan mode, and the proxy's words for each call it answers there. */
export const PLAN = '1. Change MANGO to FIG in plan.txt.\n2. Read it back.';
export const notRun = (name: string): string => `This client has no tool named "${name}", so the call was not run.`;
export const PLAN_SHOWN =
  'This client has no tool to approve a plan, so your plan was shown to the user as text instead.';

/** The user's words that send the agent on the sub-agent's errand, and the brief it gives the sub-agent. */
const PARENT = 'Ask a helper about the treasure';
const BRIEF = 'Find where the treasure is, in map.txt.';
/** How Qwen Code 0.24.4 tells the agent, in a user message of its own, that a background sub-agent ended. */
const NOTICE = '<task-notification>';

/**
 * A work folder holding the map, and the agent scripted to `launch` a sub-agent (the call's input gets BRIEF as its
 * prompt) and then answer `answer`, the sub-agent to read the map with `readId` and answer `found`. The sub-agent's
 * conversation holds its brief, not the user's words; the parent's holds both. With `notified`, the agent's answer
 * once Qwen's notice that a background sub-agent ended (a `<task-notification>`) came.
 */
function scriptTreasureHunt(
  stack: Stack,
  launch: AgentCall,
  readId: string,
  found: string,
  answer: string,
  notified?: string,
): { work: string; map: string; launch: AgentCall; subRead: AgentCall } {
  const work = tempDir('orchids-qwen-work-');
  const map = path.join(work, 'map.txt');
  fs.writeFileSync(map, 'The treasure is at ORCA-7.\n');
  const subRead = { id: readId, name: 'Read', input: { file_path: map } };
  const launched = { ...launch, input: { ...launch.input, prompt: BRIEF } };
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (seen.includes(BRIEF) && !seen.includes(PARENT)) {
      if (!seen.includes(seenCallId(subRead.id, true))) return sse([...toolCall(subRead), ...finish('tool-calls')]);
      return sse(reply(found));
    }
    if (!seen.includes(PARENT)) return undefined;
    if (!seen.includes(seenCallId(launched.id, true))) return sse([...toolCall(launched), ...finish('tool-calls')]);
    return sse(reply(notified !== undefined && seen.includes(NOTICE) ? notified : answer));
  });
  return { work, map, launch: launched, subRead };
}

/** The errand's upstream turns, the agent's own and its sub-agent's. */
function treasureTurns(turns: AgentRequestInfo[]): [AgentRequestInfo[], AgentRequestInfo[]] {
  return [
    turns.filter((t) => upstreamText(t).includes(PARENT)),
    turns.filter((t) => !upstreamText(t).includes(PARENT)),
  ];
}

/** The words of the result a turn sent upstream for the call `id`, whichever generation carried it. */
export const resultOf = (turn: AgentRequestInfo, id: string): string | undefined =>
  sentResults(turn).find(([callId]) => callId === id)?.[1];

/**
 * The real `qwen -p` sent on the sub-agent's errand (`scriptTreasureHunt`), the agent's launch named `launchName` with
 * ids ending in `suffix`, in the foreground or in the background; what both generations must show of it: the turns'
 * protocol, the sub-agent's conversation of its own (its brief, its Read run for it), the launch's result (the
 * sub-agent's answer; in the background, Qwen's "launched" and then its notice with that answer), nothing flagged an
 * error. Returns the run's turns, the agent's own and its sub-agent's, and the launch and Read as the agent sent them.
 */
export async function treasureHuntCase(
  stack: Stack,
  key: string,
  protocol: UpstreamProtocol,
  { launchName, suffix, background }: { launchName: string; suffix: string; background: boolean },
): Promise<{ ownTurns: AgentRequestInfo[]; subTurns: AgentRequestInfo[]; launch: AgentCall; subRead: AgentCall }> {
  const prefix = protocol === 'sse-a' ? 'gena' : 'genb';
  const { work, launch, subRead } = scriptTreasureHunt(
    stack,
    {
      id: `toolu_sim_${prefix}${launchName.toLowerCase()}_${suffix}`,
      name: launchName,
      input: { description: 'Find the treasure', subagent_type: 'general-purpose', run_in_background: background },
    },
    `toolu_sim_${prefix}subread_${suffix}`,
    'The map says ORCA-7.',
    background ? 'A helper is looking.' : 'The helper found it: ORCA-7.',
    background ? 'The helper found it: ORCA-7.' : undefined,
  );
  // The errand's turns this run made, not an earlier case's: each runs it with the same words.
  const earlier = new Set(turnsAbout(stack, /treasure/));
  const run = await runQwen(work, PARENT, stack.url, key);
  expect(run.code, run.stderr + run.stdout).toBe(0);
  expect(run.answer).toBe('The helper found it: ORCA-7.');
  const turns = turnsAbout(stack, /treasure/).filter((turn) => !earlier.has(turn));
  const [ownTurns, subTurns] = treasureTurns(turns);
  expect([ownTurns.length, subTurns.length]).toEqual([background ? 3 : 2, 2]);
  expect(turns.map((t) => t.protocol)).toEqual(Array(turns.length).fill(protocol));
  // The sub-agent's turns are a conversation of its own, its brief the user's message, its Read run by Qwen.
  expect(upstreamText(subTurns[0]!)).toContain(BRIEF);
  expect(sentErrorIds(subTurns[1]!)).toEqual([]);
  expect(resultOf(subTurns[1]!, seenCallId(subRead.id, true))).toBe('The treasure is at ORCA-7.\n');
  const id = seenCallId(launch.id, true);
  const launched = ownTurns[1]!;
  expect(replayedCalls(launched)).toEqual([[id, 'agent']]);
  expect(sentErrorIds(launched)).toEqual([]);
  if (!background) {
    expect(resultOf(launched, id)).toBe('The map says ORCA-7.');
  } else {
    expect(resultOf(launched, id)).toMatch(/^Background agent launched successfully\.\n/);
    // `qwen -p` waits for the sub-agent, and tells the agent it ended in a user message of its own, its answer in it.
    const notice = upstreamText(ownTurns[2]!);
    expect(notice).toContain(`${NOTICE}\n<task-id>general-purpose-${id}</task-id>\n<tool-use-id>${id}</tool-use-id>`);
    expect(notice).toContain('<status>completed</status>');
    expect(notice).toContain('<result>The map says ORCA-7.</result>');
  }
  return { ownTurns, subTurns, launch, subRead };
}

/**
 * The real `qwen -p` with the warehouse MCP server, the agent calling its lookup and its always-failing archive by the
 * names Qwen's reminder gives them (not through Qwen's `tool_call`: the proxy wraps each in one); what both
 * generations must show: the server asked for both, Qwen's reminder naming the tools upstream, the lookup's result,
 * the archive's failure flagged in Qwen's words before the server's. Returns the first and last turns and the calls'
 * ids as Qwen replays them.
 */
export async function warehouseToolsCase(
  stack: Stack,
  key: string,
  protocol: UpstreamProtocol,
): Promise<{ first: AgentRequestInfo; last: AgentRequestInfo; lookup: string; archive: string; lookupInput: object }> {
  const prefix = protocol === 'sse-a' ? 'gena' : 'genb';
  const work = tempDir('orchids-qwen-work-');
  const server = warehouseMcpServer(work);
  const lookupInput = { warehouse: { region: 'north', code: 'WH-7' }, skus: ['A1'] };
  const calls = [
    { id: `toolu_sim_${prefix}mcp_0001`, name: LOOKUP, input: lookupInput },
    { id: `toolu_sim_${prefix}mcp_0002`, name: ARCHIVE, input: { year: 1999 } },
  ];
  scriptCalls(stack, 'stock of A1', calls, 'A1: 17; the archive is locked.', true);

  const run = await runQwen(work, 'What is the stock of A1?', stack.url, key, {
    settings: { mcpServers: { warehouse: server.launch } },
  });
  expect(run.code, run.stderr + run.stdout).toBe(0);
  expect(run.answer).toBe('A1: 17; the archive is locked.');
  expect(server.served()).toEqual([
    { name: 'lookup_inventory_records_by_warehouse_region', arguments: lookupInput },
    { name: 'open_archive', arguments: { year: 1999 } },
  ]);
  const turns = turnsAbout(stack, /stock of A1/);
  expect(turns.map((t) => t.protocol)).toEqual(Array(calls.length + 1).fill(protocol));
  expect(upstreamText(turns[0]!)).toContain(`- "${ARCHIVE}": "Opens the archive of a year."`);
  const last = turns.at(-1)!;
  const [lookup, archive] = calls.map((call) => seenCallId(call.id, true)) as [string, string];
  expect(replayedCalls(last)).toEqual([
    [lookup, 'tool_call'],
    [archive, 'tool_call'],
  ]);
  expect(resultOf(last, lookup)).toBe('STOCK-LEDGER-58\nA1: 17 in WH-7 (north)');
  // The server's isError reaches the agent flagged, in Qwen's words before the server's.
  expect(sentErrorIds(last)).toEqual([archive]);
  expect(resultOf(last, archive)).toMatch(/^MCP tool 'open_archive' reported tool error for function call: /);
  expect(resultOf(last, archive)).toContain('The archive of 1999 is locked: LOCKED-88');
  return { first: turns[0]!, last, lookup, archive, lookupInput };
}

/**
 * The real `qwen -p --approval-mode plan` asked to plan a change to plan.txt (it holds MANGO), the agent scripted to
 * make the calls `callsFor` gives (an edit of plan.txt named `editName` among them); what both generations must show:
 * plan.txt unchanged, the proxy's answers to the edit and to the plan printed as the turn's words with the agent's
 * last, every turn on `protocol`, Qwen's plan-mode reminder upstream. Returns the calls and the turns.
 */
export async function planModeCase(
  stack: Stack,
  key: string,
  protocol: UpstreamProtocol,
  editName: string,
  callsFor: (work: string, plan: string) => AgentCall[],
): Promise<{ calls: AgentCall[]; turns: AgentRequestInfo[]; work: string }> {
  const work = tempDir('orchids-qwen-work-');
  const plan = path.join(work, 'plan.txt');
  fs.writeFileSync(plan, 'step one: MANGO\n');
  const calls = callsFor(work, plan);
  scriptCalls(stack, 'Plan the change', calls, 'Say if the plan suits you.', true);

  const run = await runQwen(work, 'Plan the change to plan.txt', stack.url, key, { args: ['--approval-mode', 'plan'] });
  expect(run.code, run.stderr + run.stdout).toBe(0);
  expect(fs.readFileSync(plan, 'utf8')).toBe('step one: MANGO\n');
  // The proxy answered the edit and the plan itself, in one request of Qwen's: what it printed is that whole turn.
  expect(run.answer).toContain(`[The agent called the tool "${editName}", which this client does not provide`);
  const heading = "The agent's plan, for your approval (this client has no tool to approve it with):";
  expect(run.answer).toContain(`${heading}\n\n${PLAN}\n\n(End of the plan.)`);
  expect(run.answer.endsWith('Say if the plan suits you.')).toBe(true);
  const turns = turnsAbout(stack, /Plan the change/);
  expect(turns.map((t) => t.protocol)).toEqual(Array(calls.length + 1).fill(protocol));
  expect(upstreamText(turns[0]!)).toContain('Plan mode is active.');
  return { calls, turns, work };
}
