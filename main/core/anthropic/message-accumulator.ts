import type { MessagesResponse, ResponseBlock, StopReason, Usage } from './types';

/**
 * Builds the non-streamed response from the same event sequence the stream would carry, so both modes always
 * agree on content, ids and stop reasons.
 */
export class MessageAccumulator {
  private readonly blocks: ResponseBlock[] = [];
  private readonly toolJson = new Map<number, string>();
  private id = '';
  private model = '';
  private stopSequence: string | null = null;

  readonly sink = (_name: string, payload: Record<string, unknown>): void => {
    switch (payload.type) {
      case 'message_start': {
        const message = payload.message as { id: string; model: string };
        this.id = message.id;
        this.model = message.model;
        break;
      }
      case 'content_block_start':
        this.blocks[payload.index as number] = { ...(payload.content_block as ResponseBlock) };
        break;
      case 'content_block_delta': {
        const index = payload.index as number;
        const block = this.blocks[index];
        const delta = payload.delta as Record<string, string>;
        if (!block) break;
        if (delta.type === 'text_delta' && block.type === 'text') block.text += delta.text;
        else if (delta.type === 'thinking_delta' && block.type === 'thinking') block.thinking += delta.thinking;
        else if (delta.type === 'signature_delta' && block.type === 'thinking') block.signature = delta.signature ?? '';
        else if (delta.type === 'input_json_delta') {
          this.toolJson.set(index, (this.toolJson.get(index) ?? '') + delta.partial_json);
        }
        break;
      }
      case 'content_block_stop': {
        const index = payload.index as number;
        const block = this.blocks[index];
        const json = this.toolJson.get(index);
        if (block?.type === 'tool_use' && json !== undefined) {
          // A live-forwarded call can be closed cut short, only on a turn that then fails; its message is never
          // returned, so the block keeps its empty input rather than throwing inside the translator.
          try {
            block.input = JSON.parse(json);
          } catch {
            /* left as sent at content_block_start */
          }
        }
        break;
      }
      case 'message_delta':
        this.stopSequence = (payload.delta as { stop_sequence?: string | null }).stop_sequence ?? null;
        break;
      default:
        break;
    }
  };

  get hasContent(): boolean {
    return this.blocks.length > 0;
  }

  result(stopReason: StopReason, usage: Usage): MessagesResponse {
    return {
      id: this.id,
      type: 'message',
      role: 'assistant',
      model: this.model,
      content: this.blocks.filter(Boolean),
      stop_reason: stopReason,
      stop_sequence: stopReason === 'stop_sequence' ? this.stopSequence : null,
      usage,
    };
  }
}
