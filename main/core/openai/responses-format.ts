/**
 * Answers in the Responses API's shape: a `response` object, and when streamed the typed events
 * (`response.created`, `response.output_item.added`, `response.output_text.delta`,
 * `response.function_call_arguments.delta`, …, `response.completed`) with increasing `sequence_number`s. A run of
 * text blocks is one assistant message item (a content part per block); a thinking block is a reasoning item; a
 * tool_use block is a function_call item whose `call_id` is the tool_use id, or the call item of the custom or typed
 * client tool it calls (custom_tool_call, shell_call, apply_patch_call, local_shell_call).
 */
import type { MessagesResponse } from '../anthropic/types';
import type { ApiFormat, StreamEncoder } from '../proxy/api-format';
import { openAIStatus, sendOpenAIError } from './errors';
import { customInput } from './custom-input';
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
import { ResponsesStreamEncoder } from './responses-stream';
import { CompactionStreamEncoder, compactedOutput } from './compaction';
import { isTypedTool } from './typed-tools';

export class ResponsesFormat implements ApiFormat {
  readonly api = 'openai-responses' as const;
  readonly summaryOnly: boolean;

  constructor(private readonly options: ResponsesOptions) {
    this.summaryOnly = options.compaction === true;
  }

  streamEncoder(): StreamEncoder {
    const encoder = new ResponsesStreamEncoder(this.options);
    return this.options.compaction ? new CompactionStreamEncoder(encoder) : encoder;
  }

  renderMessage(message: MessagesResponse): string {
    let output: Item[] = [];
    let message_: Item | undefined;
    for (const block of message.content) {
      if (block.type === 'text') {
        if (!message_) {
          message_ = { type: 'message', id: itemId('msg'), status: 'completed', role: 'assistant', content: [] };
          output.push(message_);
        }
        (message_.content as Item[]).push(textPart(block.text));
        continue;
      }
      message_ = undefined;
      if (block.type === 'thinking') output.push(reasoningItem(itemId('rs'), block.thinking));
      else {
        const kind = this.options.kinds.get(block.name);
        const called = calledName(this.options, block.name);
        if (kind === 'custom') output.push(customCallItem(itemId('ctc'), block.id, called, customInput(block.input)));
        else if (kind && isTypedTool(kind)) output.push(typedItem(kind, block.id, block.input, 'completed'));
        else output.push(callItem(itemId('fc'), block.id, called, JSON.stringify(block.input ?? {}), 'completed'));
      }
    }
    if (this.options.compaction) output = compactedOutput(output);
    return JSON.stringify(
      responseObject(this.options, responseId(message.id), Math.floor(Date.now() / 1000), {
        ...outcome(message.stop_reason),
        output,
        usage: responsesUsage(message.usage, output),
      }),
    );
  }

  sendError = sendOpenAIError;
  errorStatus = openAIStatus;
}
