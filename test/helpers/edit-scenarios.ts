/**
 * What the file-edit scenarios of every real client (./cline-edits.ts and ./cline-replace-all.ts, ./codex-edits.ts,
 * ./continue-edits.ts, ./opencode-edits.ts) share: a stack and a work folder for one file, and the agent scripted to
 * make a list of tool calls, one a turn.
 */
import fs from 'node:fs';
import path from 'node:path';
import { finish, reply, sse, toolCall } from '../sim/orchids-simulator';
import { startCliStack } from './cli-clients';
import type { Stack } from './stack';
import { tempDir } from './temp-dir';
import { upstreamText, type ProtocolMode } from './upstream';

/** One call the agent makes, in the keys of the tool it names. */
export interface AgentCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
  /**
   * Words the conversation holds once the call was answered, for a call the proxy answers itself: the client never
   * sees its id, and replays it as the proxy's note, read back under an id of the proxy's.
   */
  answeredBy?: string;
}

/** The id a client and the upstream see for the agent's `toolu_…` call: OpenAI's APIs carry it as `call_…`. */
export const seenCallId = (id: string, openai: boolean): string => (openai ? id.replace(/^toolu_/, 'call_') : id);

/**
 * Scripts the agent to make `calls` one turn at a time, each once the one before has come back, in the conversation
 * whose text holds `topic`, then to answer `done`; `openai` when the client speaks one of OpenAI's APIs.
 */
export function scriptCalls(stack: Stack, topic: string, calls: AgentCall[], done: string, openai: boolean): void {
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (!seen.includes(topic)) return undefined;
    const next = calls.find((call) => !seen.includes(call.answeredBy ?? seenCallId(call.id, openai)));
    return sse(next ? [...toolCall(next), ...finish('tool-calls')] : reply(done));
  });
}

/**
 * As scriptCalls, with each of `turns` the calls of one turn, each turn made once, in order: the next comes once all
 * of one came back, or a call lost on the way would have the agent make its turn again without end.
 */
export function scriptTurns(stack: Stack, topic: string, turns: AgentCall[][], done: string, openai: boolean): void {
  let at = 0;
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (!seen.includes(topic)) return undefined;
    const back = (call: AgentCall) => seen.includes(call.answeredBy ?? seenCallId(call.id, openai));
    while (at < turns.length && turns[at]!.every(back)) at += 1;
    const next = turns[at];
    at += 1;
    return sse(next ? [...next.flatMap((call) => toolCall(call)), ...finish('tool-calls')] : reply(done));
  });
}

/**
 * What the agent is told after a client's words for the failed edit at `place` of a MultiEdit of `count` edits the
 * proxy split into one-edit calls, `outcome` saying which were made.
 */
export const splitEditNote = (place: number, count: number, outcome: string): string =>
  `This was edit ${place} of the ${count} of a MultiEdit, which this client makes as one edit call an edit, in ` +
  `order, a failing one undoing none of the others: ${outcome}.`;

/** A stack on `mode` and a work folder for `name` (holding `content` when given), stopped once `scenario` ends. */
export async function withEditFile(
  mode: ProtocolMode,
  key: string,
  name: string,
  content: string | undefined,
  scenario: (stack: Stack, work: string, file: string) => Promise<void>,
): Promise<void> {
  const stack = await startCliStack(mode, key);
  try {
    const work = tempDir('orchids-edit-work-');
    const file = path.join(work, name);
    if (content !== undefined) fs.writeFileSync(file, content);
    await scenario(stack, work, file);
  } finally {
    await stack.stop();
  }
}
