import type { Message, ToolDefinition } from '../../anthropic/types';
import { asRecord, clientToolSchema } from '../client-tools';
import { resolveClientToolName } from '../tool-names';

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

/**
 * The name of the client's tool the agent's Edit lands on, when its schema has every one of `keys`: how a result
 * rewrite tells its client's edit tool (Cline's `editor`, opencode's `edit`) from another client's of the same role.
 */
export function editToolTaking(keys: readonly string[], tools: ToolDefinition[] | undefined): string | undefined {
  const edit = resolveClientToolName('Edit', tools);
  const props = asRecord(clientToolSchema(edit ?? '', tools)?.['properties']);
  return edit !== undefined && keys.every((key) => props?.[key] !== undefined) ? edit : undefined;
}
