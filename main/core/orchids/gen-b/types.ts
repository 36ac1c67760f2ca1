/**
 * The Generation B request body (spec §4). Field order in these interfaces is the order on the wire: the builder
 * creates every object with its keys in exactly this order, and JSON.stringify keeps insertion order. Blocks follow
 * the original Go client's sorted map keys (§8.2); messages and `ToolResults` entries follow its struct order.
 */
import type { ToolResultContent } from '../../anthropic/types';

export type GenBThinkingMode = 'enabled' | 'disabled';
/** The WebSocket frame carries the bare body; the SSE body adds top-level `model` and `system` (§4.1). */
export type GenBTransport = 'ws' | 'sse';

export interface GenBTextBlock {
  text: string;
  type: 'text';
}

export interface GenBMediaBlock {
  source: { data: string; media_type?: string };
  type: 'image' | 'document';
}

export interface GenBToolUseBlock {
  id: string;
  input: unknown;
  name: string;
  type: 'tool_use';
}

export interface GenBToolResultBlock {
  content: ToolResultContent | null;
  has_input?: true;
  is_error?: true;
  name?: string;
  tool_use_id: string;
  type: 'tool_result';
}

/** Thinking history and block types the upstream has no shape for: only the type survives (§4.3). */
export interface GenBBareBlock {
  type: string;
}

export type GenBBlock = GenBTextBlock | GenBMediaBlock | GenBToolUseBlock | GenBToolResultBlock | GenBBareBlock;

/** One per `tool_result` block of a message, the same data under Go's default (capitalised) field names (§4.2). */
export interface GenBToolResult {
  Name?: string;
  ToolUseID?: string;
  Content?: ToolResultContent;
  IsError?: true;
  HasInput?: true;
}

export interface GenBMessage {
  role: string;
  /** A string when the client sent a string, an array when it sent blocks. */
  content: string | GenBBlock[];
  /** Present only when the content holds at least one `tool_result`. */
  ToolResults?: GenBToolResult[];
}

export interface GenBBody {
  messages: GenBMessage[];
  modelName: string;
  maxTokens: number;
  config: { system: string; thinkingMode: GenBThinkingMode };
}
