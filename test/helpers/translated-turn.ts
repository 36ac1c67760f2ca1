import { StreamTranslator, type TurnEnd } from '../../main/core/anthropic/stream-translator';
import type { Message, ToolDefinition } from '../../main/core/anthropic/types';
import type { UpstreamEvent } from '../../main/core/orchids/types';

/** One call of the agent's, as the upstream names it. */
export interface TurnCall {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

/**
 * One agent turn of `calls` through the translator for a client declaring `tools`, its declined calls held to be
 * answered (proxy/declined-calls.ts): the blocks the client was sent (`content_block_start`'s), the names of its
 * tool_use blocks, its text, and how the turn ended. `streamed` sends each call's input in pieces, as the upstream
 * does for a call it streams, where the default sends each whole; `history` is the conversation the turn answers.
 * `inputs` are the tool_use blocks' inputs, each as the client assembles it from its deltas.
 */
export function translateTurn(
  tools: ToolDefinition[],
  calls: TurnCall[],
  { streamed = false, history }: { streamed?: boolean; history?: Message[] } = {},
) {
  const frames: Array<Record<string, any>> = [];
  const t = new StreamTranslator({
    messageId: 'msg_test',
    model: 'claude-sonnet-4-6',
    inputTokensEstimate: 1,
    tools,
    includeThinking: false,
    holdDeclined: true,
    ...(history && { deferredToolSource: { messages: history } }),
    sink: (_name, payload) => frames.push(payload),
  });
  t.start();
  const events: UpstreamEvent[] = calls.flatMap(({ id, name, input }): UpstreamEvent[] =>
    streamed
      ? [
          { kind: 'tool-input-start', id, name },
          { kind: 'tool-input-delta', id, delta: JSON.stringify(input) },
          { kind: 'tool-input-end', id },
        ]
      : [{ kind: 'tool-call', id, name, input }],
  );
  for (const event of [...events, { kind: 'finish', reason: 'tool-calls' } as UpstreamEvent]) t.apply(event);
  const end: TurnEnd = t.complete();
  const blocks = frames.filter((f) => f['type'] === 'content_block_start').map((f) => f['content_block']);
  const text = frames
    .filter((f) => f['type'] === 'content_block_delta' && f['delta']?.type === 'text_delta')
    .map((f) => f['delta'].text as string)
    .join('');
  const uses = blocks.filter((block) => block.type === 'tool_use').map((block) => block.name as string);
  const starts = frames.filter((f) => f['type'] === 'content_block_start');
  const inputs = starts
    .filter((f) => f['content_block'].type === 'tool_use')
    .map((start) => {
      const deltas = frames.filter((f) => f['type'] === 'content_block_delta' && f['index'] === start['index']);
      return JSON.parse(deltas.map((f) => f['delta'].partial_json as string).join('')) as Record<string, unknown>;
    });
  return { end, blocks, uses, text, inputs };
}
