/**
 * Answers in Chat Completions' shape: `chat.completion` objects, and `chat.completion.chunk` lines ending in
 * `data: [DONE]` when streamed. Built from the same Anthropic events every API's answer passes through.
 */
import { quoteJson } from '../util/json-buffer';
import { estimateTextTokens } from '../anthropic/token-estimate';
import type { MessagesResponse, StopReason, Usage } from '../anthropic/types';
import type { ApiFormat, StreamEncoder } from '../proxy/api-format';
import type { ApiError } from '../server/errors';
import type { ChatOptions } from './chat-request';
import { openAIErrorObject, openAIStatus, sendOpenAIError } from './errors';
import { CustomInputDecoder, customInput } from './custom-input';
import { openAICallId } from './tool-params';

const FINISH_REASONS: Record<StopReason, string> = {
  end_turn: 'stop',
  stop_sequence: 'stop',
  pause_turn: 'stop',
  max_tokens: 'length',
  tool_use: 'tool_calls',
  refusal: 'content_filter',
};

function finishReason(stopReason: StopReason | null, legacy: boolean): string {
  const reason = FINISH_REASONS[stopReason ?? 'end_turn'] ?? 'stop';
  return legacy && reason === 'tool_calls' ? 'function_call' : reason;
}

/**
 * Anthropic counts cached input apart from `input_tokens`; OpenAI's `prompt_tokens` includes it. Reasoning tokens
 * are an estimate of the thinking text (the upstream counts only output as a whole), never more than that whole.
 */
function chatUsage(usage: Usage, reasoningTokens: number): Record<string, unknown> {
  const cached = usage.cache_read_input_tokens ?? 0;
  const prompt = usage.input_tokens + cached + (usage.cache_creation_input_tokens ?? 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: usage.output_tokens,
    total_tokens: prompt + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: cached },
    completion_tokens_details: { reasoning_tokens: Math.min(reasoningTokens, usage.output_tokens) },
  };
}

interface FunctionCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}
type ToolCall = FunctionCall | { id: string; type: 'custom'; custom: { name: string; input: string } };

/** `msg_…` → `chatcmpl-…`: one id per answer, derived so the debug record's two forms are easy to match. */
const completionId = (messageId: string): string =>
  `chatcmpl-${messageId.startsWith('msg_') ? messageId.slice(4) : messageId}`;
const unixSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * Between two text blocks of one message that would otherwise run together. Chat Completions has one `content`
 * string where Messages has blocks, and the agent's text around a tool call, or the proxy's note for a call the
 * client lacks, read "Planning.Reading the parser."; a paragraph break is what the blocks meant. Blocks that already
 * meet at whitespace are joined as they are, as other Messages-to-Chat bridges join them.
 */
const BLOCK_SEPARATOR = '\n\n';

function runTogether(before: string, next: string): boolean {
  return before !== '' && next !== '' && !isSpace(before.charCodeAt(before.length - 1)) && !isSpace(next.charCodeAt(0));
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

export class ChatFormat implements ApiFormat {
  readonly api = 'openai-chat' as const;

  constructor(private readonly options: ChatOptions) {}

  streamEncoder(): StreamEncoder {
    return new ChatStreamEncoder(this.options);
  }

  renderMessage(message: MessagesResponse): string {
    let text = '';
    let reasoning = '';
    const calls: ToolCall[] = [];
    for (const block of message.content) {
      if (block.type === 'text') text += runTogether(text, block.text) ? `${BLOCK_SEPARATOR}${block.text}` : block.text;
      else if (block.type === 'thinking') reasoning += block.thinking;
      else if (this.options.kinds.get(block.name) === 'custom')
        calls.push({
          id: openAICallId(block.id),
          type: 'custom',
          custom: { name: block.name, input: customInput(block.input) },
        });
      else
        calls.push({
          id: openAICallId(block.id),
          type: 'function',
          function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
        });
    }
    const reply: Record<string, unknown> = {
      role: 'assistant',
      content: text === '' && calls.length > 0 ? null : text,
    };
    if (reasoning) reply.reasoning_content = reasoning;
    if (calls.length > 0) {
      // Legacy `functions` requests declare functions only, so their one call is a function call.
      if (this.options.legacyFunctions) reply.function_call = (calls[0] as FunctionCall).function;
      else reply.tool_calls = calls;
    }
    reply.refusal = null;
    return JSON.stringify({
      id: completionId(message.id),
      object: 'chat.completion',
      created: unixSeconds(),
      model: this.options.model,
      choices: [
        {
          index: 0,
          message: reply,
          logprobs: null,
          finish_reason: finishReason(message.stop_reason, this.options.legacyFunctions),
        },
      ],
      usage: chatUsage(message.usage, reasoning ? estimateTextTokens(reasoning) : 0),
      system_fingerprint: null,
    });
  }

  sendError = sendOpenAIError;
  errorStatus = openAIStatus;
}

const FIRST_DELTA = JSON.stringify({ role: 'assistant', content: '' });

/**
 * Each chunk is a fixed head (id, created, model), the delta, and a fixed tail, so a text delta costs one quoted
 * text (quoteJson, as the Anthropic frames): streamed Chat Completions cost what streamed Messages cost.
 */
class ChatStreamEncoder implements StreamEncoder {
  readonly ping = ': ping\n\n';
  private head = '';
  private tail = '';
  private inputTokens = 0;
  /** Content block index → the tool call's index in `tool_calls`; made at the first call (most answers have none). */
  private toolIndex: Map<number, number> | undefined;
  /** Content block index → the input decoder of a call to a custom tool; made at the first such call. */
  private customInputs: Map<number, CustomInputDecoder> | undefined;
  private usage: Usage | undefined;
  private reasoningTokens = 0;
  /** The last content text sent in this attempt ('' before any): where the next text block would join it. */
  private lastSent = '';
  /** A text block has started since `lastSent` went out, so its first text may need a paragraph break. */
  private newBlock = false;

  constructor(private readonly options: ChatOptions) {}

  encode(name: string, payload: Record<string, unknown>): string {
    switch (name) {
      case 'message_start':
        return this.start(payload.message as { id: string; usage: Usage });
      case 'content_block_start':
        return this.blockStart(payload.index as number, payload.content_block as Record<string, string>);
      case 'content_block_delta':
        return this.delta(payload.index as number, payload.delta as Record<string, string>);
      case 'content_block_stop':
        return this.blockStop(payload.index as number);
      case 'message_delta': {
        const delta = payload.delta as { stop_reason: StopReason | null };
        // Spelled out, not `{ input_tokens, ...usage }`: a spread into a literal with a key of its own goes through
        // V8's runtime on Node 20, and chatUsage reads only these.
        const usage = (payload.usage ?? {}) as Partial<Usage>;
        this.usage = {
          input_tokens: usage.input_tokens !== undefined ? usage.input_tokens : this.inputTokens,
          output_tokens: usage.output_tokens!,
          cache_read_input_tokens: usage.cache_read_input_tokens,
          cache_creation_input_tokens: usage.cache_creation_input_tokens,
        };
        const reason = finishReason(delta.stop_reason, this.options.legacyFunctions);
        return `data: ${this.head}{},"logprobs":null,"finish_reason":"${reason}"}]${this.usageTail()}}\n\n`;
      }
      case 'message_stop':
        return `${this.options.includeUsage ? this.usageChunk() : ''}data: [DONE]\n\n`;
      default:
        return '';
    }
  }

  failure(error: ApiError): string {
    // The official SDK raises an APIError for a chunk that carries `error`.
    return `data: ${JSON.stringify({ error: openAIErrorObject(error) })}\n\n`;
  }

  resetAttempt(): void {
    this.toolIndex?.clear();
    this.customInputs?.clear();
    this.reasoningTokens = 0;
    this.lastSent = '';
    this.newBlock = false;
  }

  private start(message: { id: string; usage: Usage }): string {
    this.inputTokens = message.usage.input_tokens;
    this.head =
      `{"id":${quoteJson(completionId(message.id))},"object":"chat.completion.chunk","created":${unixSeconds()},` +
      `"model":${quoteJson(this.options.model)},"system_fingerprint":null,"choices":[{"index":0,"delta":`;
    this.tail = `,"logprobs":null,"finish_reason":null}]${this.usageTail()}}\n\n`;
    return `data: ${this.head}${FIRST_DELTA}${this.tail}`;
  }

  private blockStart(index: number, block: Record<string, string>): string {
    if (block.type === 'text') this.newBlock = true;
    if (block.type !== 'tool_use') return '';
    const toolIndex = (this.toolIndex ??= new Map());
    const position = toolIndex.size;
    toolIndex.set(index, position);
    if (this.options.legacyFunctions) return this.chunk({ function_call: { name: block.name, arguments: '' } });
    if (this.options.kinds.get(block.name!) === 'custom') {
      (this.customInputs ??= new Map()).set(index, new CustomInputDecoder());
      return this.chunk({
        tool_calls: [
          { index: position, id: openAICallId(block.id!), type: 'custom', custom: { name: block.name, input: '' } },
        ],
      });
    }
    return this.chunk({
      tool_calls: [
        {
          index: position,
          id: openAICallId(block.id!),
          type: 'function',
          function: { name: block.name, arguments: '' },
        },
      ],
    });
  }

  private delta(index: number, delta: Record<string, string>): string {
    switch (delta.type) {
      case 'text_delta': {
        let text = delta.text!;
        if (text !== '') {
          if (this.newBlock && runTogether(this.lastSent, text)) text = BLOCK_SEPARATOR + text;
          this.newBlock = false;
          this.lastSent = text;
        }
        // The delta most chunks are, written from pieces: one quoted text instead of JSON.stringify of an object.
        return `data: ${this.head}{"content":${quoteJson(text)}}${this.tail}`;
      }
      case 'thinking_delta':
        this.reasoningTokens += estimateTextTokens(delta.thinking!);
        return this.chunk({ reasoning_content: delta.thinking });
      case 'input_json_delta': {
        const position = this.toolIndex?.get(index);
        if (position === undefined) return '';
        const custom = this.customInputs?.get(index);
        if (custom) return this.customChunk(position, custom.push(delta.partial_json!));
        const args = { arguments: delta.partial_json };
        return this.chunk(
          this.options.legacyFunctions
            ? { function_call: args }
            : { tool_calls: [{ index: position, function: args }] },
        );
      }
      default:
        return '';
    }
  }

  /** A custom tool's input is decoded as it streams; what the decoder could not stream goes out at the end. */
  private blockStop(index: number): string {
    const custom = this.customInputs?.get(index);
    if (!custom) return '';
    this.customInputs!.delete(index);
    return this.customChunk(this.toolIndex!.get(index)!, custom.finish().tail);
  }

  /**
   * DECISION: the SDK's chunk type has no custom form for a streamed tool call (its `type` is only `function`), so a
   * streamed custom call takes the shape of the finished one: `type: "custom"` and `custom: {name, input}` first,
   * then `custom: {input}` pieces to append, as `function.arguments` pieces are appended.
   */
  private customChunk(position: number, input: string): string {
    return input === '' ? '' : this.chunk({ tool_calls: [{ index: position, custom: { input } }] });
  }

  private chunk(delta: Record<string, unknown>): string {
    return `data: ${this.head}${JSON.stringify(delta)}${this.tail}`;
  }

  /** With include_usage on, OpenAI sends `usage: null` on every chunk but the last. */
  private usageTail(): string {
    return this.options.includeUsage ? ',"usage":null' : '';
  }

  /**
   * Written from its counts, in chatUsage's key order (a test holds the two to the same bytes): JSON.stringify of
   * the nested usage record cost ~1 µs a request, most of this chunk.
   */
  private usageChunk(): string {
    const usage = this.usage ?? { input_tokens: this.inputTokens, output_tokens: 0 };
    const head = this.head.slice(0, this.head.indexOf('"choices":'));
    const cached = usage.cache_read_input_tokens ?? 0;
    const prompt = usage.input_tokens + cached + (usage.cache_creation_input_tokens ?? 0);
    const output = usage.output_tokens;
    const reasoning = Math.min(this.reasoningTokens, output);
    return (
      `data: ${head}"choices":[],"usage":{"prompt_tokens":${prompt},"completion_tokens":${output},` +
      `"total_tokens":${prompt + output},"prompt_tokens_details":{"cached_tokens":${cached}},` +
      `"completion_tokens_details":{"reasoning_tokens":${reasoning}}}}\n\n`
    );
  }
}
