import type { StopReason, Usage } from '../anthropic/types';
import type { StreamEncoder } from '../proxy/api-format';
import type { ApiError } from '../server/errors';
import { openAIErrorObject } from './errors';
import { CustomInputDecoder } from './custom-input';
import {
  calledName,
  callItem,
  customCallItem,
  typedItem,
  itemId,
  outcome,
  reasoningItem,
  responseId,
  responseObject,
  responsesUsage,
  textPart,
  type Item,
} from './responses-items';
import type { ResponsesOptions } from './responses-request';
import { parseArguments } from './tool-params';
import { isTypedTool, TYPED_ITEM_PREFIX, type TypedTool } from './typed-tools';

/**
 * A failed response's `error.code` is one of a closed set in OpenAI's ResponseError (clients switch on it), which has
 * no `overloaded` or `insufficient_quota`: those are `server_error` there, and the `error` event keeps the exact code.
 * DECISION: `context_length_exceeded` is kept although the published set lacks it: Codex 0.171 reads that code in
 * `response.failed` as "ran out of room", and `server_error` there as a dropped stream ("stream disconnected before
 * completion"; seen with the `error` event after it left out, which alone would also tell it).
 */
function failedCode(details: Record<string, unknown>): string {
  const code = details.code;
  return code === 'rate_limit_exceeded' || code === 'context_length_exceeded' ? code : 'server_error';
}

/** One output item being streamed, keyed by the content block that feeds it. */
interface OpenBlock {
  kind: 'text' | 'reasoning' | 'call' | 'custom' | TypedTool;
  outputIndex: number;
  itemId: string;
  contentIndex: number;
  text: string;
  /** The called tool's own name, and its namespace if it has one. */
  called?: ReturnType<typeof calledName>;
  callId?: string;
  /** A custom tool's input, decoded from the call's JSON as it streams. */
  input?: CustomInputDecoder;
}

/** The Responses API's streamed events, built from the pipeline's Anthropic events. */
export class ResponsesStreamEncoder implements StreamEncoder {
  readonly ping = ': ping\n\n';
  private id = '';
  private createdAt = 0;
  private sequence = 0;
  private sequenceAfterStart = 0;
  /** Finished items, in output order: the final response holds them. */
  private output: Item[] = [];
  /** The assistant message item text blocks are being added to, until another kind of item begins. */
  private message: { item: Item; outputIndex: number } | undefined;
  private readonly blocks = new Map<number, OpenBlock>();
  private stopReason: StopReason | null = null;
  private usage: Usage = { input_tokens: 0, output_tokens: 0 };

  constructor(private readonly options: ResponsesOptions) {}

  encode(name: string, payload: Record<string, unknown>): string {
    switch (name) {
      case 'message_start': {
        const message = payload.message as { id: string; usage: Usage };
        this.id = responseId(message.id);
        this.createdAt = Math.floor(Date.now() / 1000);
        this.usage = { ...message.usage };
        const response = this.response({});
        const frames = this.event('response.created', { response }) + this.event('response.in_progress', { response });
        this.sequenceAfterStart = this.sequence;
        return frames;
      }
      case 'content_block_start':
        return this.blockStart(payload.index as number, payload.content_block as Record<string, string>);
      case 'content_block_delta':
        return this.blockDelta(payload.index as number, payload.delta as Record<string, string>);
      case 'content_block_stop':
        return this.blockStop(payload.index as number);
      case 'message_delta':
        this.stopReason = (payload.delta as { stop_reason: StopReason | null }).stop_reason;
        this.usage = { ...this.usage, ...(payload.usage as Partial<Usage>) };
        return this.closeMessage();
      case 'message_stop': {
        const state = outcome(this.stopReason);
        const type = state.status === 'completed' ? 'response.completed' : 'response.incomplete';
        const output = this.finishedOutput();
        return this.event(type, {
          response: this.response({ ...state, output, usage: responsesUsage(this.usage, output) }),
        });
      }
      default:
        return '';
    }
  }

  /** An item made whole elsewhere (a compaction's), added and done at once, in the final response's output. */
  finishItem(item: Item): string {
    const outputIndex = this.output.length;
    this.output.push(item);
    return (
      this.event('response.output_item.added', { output_index: outputIndex, item }) +
      this.event('response.output_item.done', { output_index: outputIndex, item })
    );
  }

  /** `response.failed` for clients that read the events, then `error`, which makes the official SDK throw. */
  failure(error: ApiError): string {
    const details = openAIErrorObject(error);
    const failed = this.response({
      status: 'failed',
      error: { code: failedCode(details), message: error.message },
      output: this.finishedOutput(),
    });
    return (
      this.event('response.failed', { response: failed }) +
      this.event('error', { code: details.code ?? details.type, message: error.message, param: null, error: details })
    );
  }

  resetAttempt(): void {
    this.output = [];
    this.message = undefined;
    this.blocks.clear();
    this.sequence = this.sequenceAfterStart;
  }

  private blockStart(index: number, block: Record<string, string>): string {
    if (block.type === 'text') {
      let frames = '';
      if (!this.message) {
        const item = {
          type: 'message',
          id: itemId('msg'),
          status: 'in_progress',
          role: 'assistant',
          content: [] as Item[],
        };
        this.message = { item, outputIndex: this.output.length };
        this.output.push(item);
        frames += this.event('response.output_item.added', {
          output_index: this.message.outputIndex,
          item: { ...item, content: [] },
        });
      }
      const { item, outputIndex } = this.message;
      const contentIndex = (item.content as Item[]).length;
      (item.content as Item[]).push(textPart(''));
      this.blocks.set(index, { kind: 'text', outputIndex, itemId: item.id as string, contentIndex, text: '' });
      return (
        frames +
        this.event('response.content_part.added', {
          item_id: item.id,
          output_index: outputIndex,
          content_index: contentIndex,
          part: textPart(''),
        })
      );
    }
    const frames = this.closeMessage();
    const outputIndex = this.output.length;
    if (block.type === 'thinking') {
      const id = itemId('rs');
      this.output.push(reasoningItem(id, ''));
      this.blocks.set(index, { kind: 'reasoning', outputIndex, itemId: id, contentIndex: 0, text: '' });
      return (
        frames +
        this.event('response.output_item.added', {
          output_index: outputIndex,
          item: { type: 'reasoning', id, summary: [], content: [] },
        }) +
        this.event('response.content_part.added', {
          item_id: id,
          output_index: outputIndex,
          content_index: 0,
          part: { type: 'reasoning_text', text: '' },
        })
      );
    }
    if (block.type !== 'tool_use') return frames;
    const kind = this.options.kinds.get(block.name!);
    if (kind && isTypedTool(kind)) {
      // These items have no delta events and their action is their whole input: they go out whole when it is.
      const id = itemId(TYPED_ITEM_PREFIX[kind]);
      this.output.push({});
      this.blocks.set(index, { kind, outputIndex, itemId: id, contentIndex: 0, text: '', callId: block.id });
      return frames;
    }
    const custom = kind === 'custom';
    const id = itemId(custom ? 'ctc' : 'fc');
    const called = calledName(this.options, block.name!);
    const item = custom
      ? customCallItem(id, block.id!, called, '')
      : callItem(id, block.id!, called, '', 'in_progress');
    this.output.push(item);
    this.blocks.set(index, {
      kind: custom ? 'custom' : 'call',
      outputIndex,
      itemId: id,
      contentIndex: 0,
      text: '',
      called,
      callId: block.id,
      input: custom ? new CustomInputDecoder() : undefined,
    });
    return frames + this.event('response.output_item.added', { output_index: outputIndex, item });
  }

  private blockDelta(index: number, delta: Record<string, string>): string {
    const open = this.blocks.get(index);
    if (!open) return '';
    const where = { item_id: open.itemId, output_index: open.outputIndex };
    if (delta.type === 'text_delta' && open.kind === 'text') {
      open.text += delta.text;
      return this.event('response.output_text.delta', {
        ...where,
        content_index: open.contentIndex,
        delta: delta.text,
        logprobs: [],
      });
    }
    if (delta.type === 'thinking_delta' && open.kind === 'reasoning') {
      open.text += delta.thinking;
      return this.event('response.reasoning_text.delta', { ...where, content_index: 0, delta: delta.thinking });
    }
    if (delta.type === 'input_json_delta' && isTypedTool(open.kind)) {
      open.text += delta.partial_json;
      return '';
    }
    if (delta.type === 'input_json_delta' && open.kind === 'call') {
      open.text += delta.partial_json;
      return this.event('response.function_call_arguments.delta', { ...where, delta: delta.partial_json });
    }
    if (delta.type === 'input_json_delta' && open.kind === 'custom') {
      return this.customDelta(open, open.input!.push(delta.partial_json!));
    }
    return '';
  }

  private blockStop(index: number): string {
    const open = this.blocks.get(index);
    if (!open) return '';
    this.blocks.delete(index);
    const where = { item_id: open.itemId, output_index: open.outputIndex };
    if (open.kind === 'text') {
      const part = textPart(open.text);
      (this.message!.item.content as Item[])[open.contentIndex] = part;
      return (
        this.event('response.output_text.done', {
          ...where,
          content_index: open.contentIndex,
          text: open.text,
          logprobs: [],
        }) + this.event('response.content_part.done', { ...where, content_index: open.contentIndex, part })
      );
    }
    if (open.kind === 'reasoning') {
      const item = reasoningItem(open.itemId, open.text);
      this.output[open.outputIndex] = item;
      return (
        this.event('response.reasoning_text.done', { ...where, content_index: 0, text: open.text }) +
        this.event('response.content_part.done', {
          ...where,
          content_index: 0,
          part: { type: 'reasoning_text', text: open.text },
        }) +
        this.event('response.output_item.done', { output_index: open.outputIndex, item })
      );
    }
    if (isTypedTool(open.kind)) {
      const input = parseArguments(open.text);
      const item = typedItem(open.kind, open.callId!, input, 'completed', open.itemId);
      this.output[open.outputIndex] = item;
      return (
        this.event('response.output_item.added', {
          output_index: open.outputIndex,
          item: typedItem(open.kind, open.callId!, input, 'in_progress', open.itemId),
        }) + this.event('response.output_item.done', { output_index: open.outputIndex, item })
      );
    }
    if (open.kind === 'custom') {
      const { whole, tail } = open.input!.finish();
      const item = customCallItem(open.itemId, open.callId!, open.called!, whole);
      this.output[open.outputIndex] = item;
      return (
        this.customDelta(open, tail) +
        this.event('response.custom_tool_call_input.done', { ...where, input: whole }) +
        this.event('response.output_item.done', { output_index: open.outputIndex, item })
      );
    }
    const item = callItem(open.itemId, open.callId!, open.called!, open.text, 'completed');
    this.output[open.outputIndex] = item;
    return (
      this.event('response.function_call_arguments.done', { ...where, name: open.called!.name, arguments: open.text }) +
      this.event('response.output_item.done', { output_index: open.outputIndex, item })
    );
  }

  /** A typed call's place is held by an empty item until its input is whole: one never finished is left out. */
  private finishedOutput(): Item[] {
    return this.output.filter((item) => item.type !== undefined);
  }

  /** A piece of a custom tool's input, as decoded so far or as the tail the decoder could not stream. */
  private customDelta(open: OpenBlock, decoded: string): string {
    if (decoded === '') return '';
    return this.event('response.custom_tool_call_input.delta', {
      item_id: open.itemId,
      output_index: open.outputIndex,
      delta: decoded,
    });
  }

  /** Ends the assistant message item, if one is open: another kind of item follows, or the answer is over. */
  private closeMessage(): string {
    const message = this.message;
    if (!message) return '';
    this.message = undefined;
    message.item.status = 'completed';
    return this.event('response.output_item.done', { output_index: message.outputIndex, item: message.item });
  }

  private response(state: Record<string, unknown>): Item {
    return responseObject(this.options, this.id, this.createdAt, state);
  }

  private event(type: string, fields: Record<string, unknown>): string {
    return `event: ${type}\ndata: ${JSON.stringify({ type, ...fields, sequence_number: this.sequence++ })}\n\n`;
  }
}
