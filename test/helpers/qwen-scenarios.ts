/**
 * What qwen-code-gen-a.test.ts and qwen-code-gen-b.test.ts share: the sub-agent's errand (a map to read, the agent
 * scripted in two conversations, its own and its sub-agent's), and the plan Qwen's plan mode is shown. The warehouse
 * MCP server's tool names are warehouse-mcp.ts's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { finish, reply, sse, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import type { AgentCall } from './edit-scenarios';
import { seenCallId } from './edit-scenarios';
import type { Stack } from './stack';
import { tempDir } from './temp-dir';
import { upstreamText } from './upstream';

/** The plan the agent shows in Qwen's plan mode, and the proxy's words for each call it answers there. */
export const PLAN = '1. Change MANGO to FIG in plan.txt.\n2. Read it back.';
export const notRun = (name: string): string => `This client has no tool named "${name}", so the call was not run.`;
export const PLAN_SHOWN =
  'This client has no tool to approve a plan, so your plan was shown to the user as text instead.';

/** The user's words that send the agent on the sub-agent's errand, and the brief it gives the sub-agent. */
export const PARENT = 'Ask a helper about the treasure';
export const BRIEF = 'Find where the treasure is, in map.txt.';
/** How Qwen Code 0.24.4 tells the agent, in a user message of its own, that a background sub-agent ended. */
export const NOTICE = '<task-notification>';

/**
 * A work folder holding the map, and the agent scripted to `launch` a sub-agent (the call's input gets BRIEF as its
 * prompt) and then answer `answer`, the sub-agent to read the map with `readId` and answer `found`. The sub-agent's
 * conversation holds its brief, not the user's words; the parent's holds both. With `notified`, the agent's answer
 * once Qwen's notice that a background sub-agent ended (a `<task-notification>`) came.
 */
export function scriptTreasureHunt(
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
export function treasureTurns(turns: AgentRequestInfo[]): [AgentRequestInfo[], AgentRequestInfo[]] {
  return [
    turns.filter((t) => upstreamText(t).includes(PARENT)),
    turns.filter((t) => !upstreamText(t).includes(PARENT)),
  ];
}
