import type { Message } from '../../anthropic/types';

/** A tool call as the client replays it in the conversation it sends: its id, the tool's name and its input. */
export interface ReplayedCall {
  id: string;
  name: string;
  input: unknown;
}

/**
 * Every call the assistant's turns of a conversation hold, in order. The proxy keeps nothing between requests, so
 * each result rewrite (./result-rewrites.ts) finds the calls it cares about here; a block without a string id and
 * name cannot be answered by id or told apart by tool, so it is passed over.
 */
export function* replayedCalls(messages: readonly Message[]): Generator<ReplayedCall> {
  for (const message of messages) {
    if (message?.role !== 'assistant' || !Array.isArray(message.content)) continue;
    for (const block of message.content as Array<Record<string, unknown> | null>) {
      if (block?.['type'] !== 'tool_use') continue;
      const { id, name } = block;
      if (typeof id === 'string' && typeof name === 'string') yield { id, name, input: block['input'] };
    }
  }
}
