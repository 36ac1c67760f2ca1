import { EMPTY_TEXT_BLOCK, EMPTY_THINKING_BLOCK } from '../sse-writer';
import type { AnthropicEventSink } from '../stream-translator';
import type { ResponseBlock, StopReason, Usage } from '../types';
import { wireDeltaUsage } from '../usage-tally';

/**
 * Sends a whole, already-checked answer as the event sequence a live one would have had (after `message_start`),
 * so streamed and non-streamed clients of every API receive it through the same responders as any other answer.
 */
export function replayMessage(
  sink: AnthropicEventSink,
  content: ResponseBlock[],
  stopReason: StopReason,
  usage: Usage,
): void {
  content.forEach((block, index) => {
    switch (block.type) {
      case 'text':
        sink('content_block_start', { type: 'content_block_start', index, content_block: EMPTY_TEXT_BLOCK });
        delta(sink, index, { type: 'text_delta', text: block.text });
        break;
      case 'thinking':
        sink('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: EMPTY_THINKING_BLOCK,
        });
        delta(sink, index, { type: 'thinking_delta', thinking: block.thinking });
        if (block.signature) delta(sink, index, { type: 'signature_delta', signature: block.signature });
        break;
      case 'tool_use':
        sink('content_block_start', {
          type: 'content_block_start',
          index,
          content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
        });
        delta(sink, index, { type: 'input_json_delta', partial_json: JSON.stringify(block.input ?? {}) });
        break;
    }
    sink('content_block_stop', { type: 'content_block_stop', index });
  });
  sink('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: stopReason, stop_sequence: null },
    usage: wireDeltaUsage(usage),
  });
  sink('message_stop', { type: 'message_stop' });
}

function delta(sink: AnthropicEventSink, index: number, value: Record<string, unknown>): void {
  sink('content_block_delta', { type: 'content_block_delta', index, delta: value });
}
