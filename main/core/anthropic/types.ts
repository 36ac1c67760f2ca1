/**
 * The Anthropic Messages API as this proxy reads and writes it. Only the fields the proxy acts on are typed;
 * everything else a client sends is carried along untouched and ignored.
 */

export interface CacheControl {
  type: string;
  ttl?: string;
}

export interface TextBlock {
  type: 'text';
  text: string;
  cache_control?: CacheControl;
}

export interface MediaSource {
  type: string; // base64 | url | text | file | content
  media_type?: string;
  data?: string;
  url?: string;
  file_id?: string;
}

export interface ImageBlock {
  type: 'image';
  source: MediaSource;
}

export interface DocumentBlock {
  type: 'document';
  source: MediaSource;
  title?: string;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

export type ToolResultContent = string | Array<TextBlock | ImageBlock | DocumentBlock | OtherBlock>;

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content?: ToolResultContent;
  is_error?: boolean;
}

export interface ThinkingBlock {
  type: 'thinking';
  thinking: string;
  signature?: string;
}

export interface RedactedThinkingBlock {
  type: 'redacted_thinking';
  data: string;
}

/** A content block of a type Anthropic defines that the proxy renders generically (server tools, search results). */
export interface OtherBlock {
  type: string;
  [key: string]: unknown;
}

/**
 * A block's string field read through the generic `OtherBlock` view (a tool name, a text, an id): validation has
 * already rejected a non-string, so anything else here is the field being absent.
 */
export function textField(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export type ContentBlock =
  TextBlock | ImageBlock | DocumentBlock | ToolUseBlock | ToolResultBlock | ThinkingBlock | RedactedThinkingBlock;

export interface Message {
  /** `system` appears inside `messages` in real Claude Code traffic (mid-conversation system beta). */
  role: 'user' | 'assistant' | 'system';
  content: string | Array<ContentBlock | OtherBlock>;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  input_schema?: Record<string, unknown>;
  /** Server tools (`web_search_20250305` ...) and OpenAI-style `function` tools carry a type. */
  type?: string;
  function?: { name: string; description?: string; parameters?: Record<string, unknown> };
  [key: string]: unknown;
}

export type ThinkingConfig =
  | { type: 'enabled'; budget_tokens?: number }
  | { type: 'disabled' }
  | { type: 'adaptive' }
  | { type: string; [key: string]: unknown };

export interface MessagesRequest {
  model: string;
  messages: Message[];
  max_tokens: number;
  system?: string | Array<TextBlock | OtherBlock>;
  tools?: ToolDefinition[];
  tool_choice?: unknown;
  stream?: boolean;
  thinking?: ThinkingConfig;
  metadata?: unknown;
  stop_sequences?: string[];
  temperature?: number;
  [key: string]: unknown;
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'pause_turn' | 'refusal';

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

/**
 * Usage as a client is sent it in `message_start` and the non-streamed message: every field of the Anthropic SDK's
 * `Usage`, in the order Anthropic writes them.
 */
export interface WireUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number } | null;
  output_tokens: number;
  service_tier: 'standard';
  inference_geo: string;
  server_tool_use: null;
  output_tokens_details: null;
  speed: 'standard';
}

/** `message_delta`'s usage: every field of the SDK's `MessageDeltaUsage`. */
export interface WireDeltaUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  output_tokens: number;
  server_tool_use: null;
  output_tokens_details: null;
}

export type ResponseBlock =
  | { type: 'text'; text: string }
  | { type: 'thinking'; thinking: string; signature: string }
  | { type: 'tool_use'; id: string; name: string; input: unknown };

export interface MessagesResponse {
  id: string;
  type: 'message';
  role: 'assistant';
  content: ResponseBlock[];
  model: string;
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: Usage;
}

/** Error `type`s as Anthropic names them, with the HTTP status Anthropic pairs with each. */
export const ERROR_STATUS = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
} as const;

export type AnthropicErrorType = keyof typeof ERROR_STATUS;
