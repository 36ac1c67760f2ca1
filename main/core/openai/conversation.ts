import type { Message, MessagesRequest, ThinkingConfig, ToolDefinition } from '../anthropic/types';
import type { Block, OutputConfig } from './shared';

/**
 * What `max_tokens` becomes when the client sets none. Neither generation carries a client's limit upstream
 * (Generation B always sends its own), so the number only satisfies the Messages API's required field.
 */
const DEFAULT_MAX_TOKENS = 8192;

/** A request's parameters besides the conversation, already checked; those left undefined stay out of the request. */
export interface RequestParameters {
  model: string;
  stream: boolean;
  maxTokens: number | undefined;
  tools: ToolDefinition[] | undefined;
  toolChoice: Record<string, unknown> | undefined;
  thinking: ThinkingConfig | undefined;
  stop?: string[] | undefined;
  temperature: number | undefined;
  topP: number | undefined;
  output: OutputConfig | undefined;
}

/**
 * Builds the Messages API conversation from OpenAI's, where a turn may be spread over several entries: an assistant
 * message and its tool calls, or one `tool` message per result. Consecutive entries of one role become one
 * message, as the Messages API itself reads them; system text before the first turn is the request's `system`, and
 * later system text stays where it was, as a system message (both generations read those).
 */
export class Conversation {
  readonly messages: Message[] = [];
  private readonly leadingSystem: string[] = [];
  /** Thinking replayed ahead of the assistant content it preceded, waiting for that content to arrive. */
  private thinking: Block[] | undefined;
  /**
   * The content array this conversation made for its last turn by merging, which further merges extend in place: a
   * fresh copy per merge made a run of n messages of one role cost n² (16,000 took 21 s). Any other content may be
   * the client's own array and is copied before it is first extended.
   */
  private merged: Block[] | undefined;

  addSystem(text: string): void {
    if (text === '') return;
    if (this.messages.length === 0) this.leadingSystem.push(text);
    else this.messages.push({ role: 'system', content: text });
  }

  /**
   * Thinking the model did before its next assistant content (a Responses `reasoning` item comes as an item of its
   * own, ahead of the message or call it led to). It opens that content, as the Messages API replays a turn; if a
   * user entry comes first, the thinking led to nothing the conversation kept and is dropped.
   */
  addThinking(text: string): void {
    if (text === '') return;
    (this.thinking ??= []).push({ type: 'thinking', thinking: text, signature: '' });
  }

  add(role: 'user' | 'assistant', content: string | Block[]): void {
    if (content.length === 0) return;
    if (this.thinking) {
      if (role === 'assistant') content = [...this.thinking, ...asBlocks(content)];
      this.thinking = undefined;
    }
    const last = this.messages.at(-1);
    if (last?.role !== role) {
      this.messages.push({ role, content });
      return;
    }
    let blocks = this.merged;
    if (!blocks || last.content !== blocks) last.content = this.merged = blocks = [...asBlocks(last.content)];
    // One push at a time: a spread of a long content list would pass it all as arguments, past the stack's limit.
    for (const block of asBlocks(content)) blocks.push(block);
  }

  get system(): string | undefined {
    return this.leadingSystem.length > 0 ? this.leadingSystem.join('\n\n') : undefined;
  }

  /** The Messages API request that asks for this conversation's answer. */
  request(p: RequestParameters): MessagesRequest {
    const request: MessagesRequest = {
      model: p.model,
      messages: this.messages,
      max_tokens: p.maxTokens ?? DEFAULT_MAX_TOKENS,
      stream: p.stream,
    };
    const system = this.system;
    if (system !== undefined) request.system = system;
    if (p.tools) request.tools = p.tools;
    if (p.toolChoice) request.tool_choice = p.toolChoice;
    if (p.thinking) request.thinking = p.thinking;
    if (p.stop) request.stop_sequences = p.stop;
    if (p.temperature !== undefined) request.temperature = p.temperature;
    if (p.topP !== undefined) request.top_p = p.topP;
    if (p.output) request.output_config = p.output;
    return request;
  }
}

const asBlocks = (content: Message['content']): Block[] =>
  typeof content === 'string' ? [{ type: 'text', text: content }] : content;
