/** The pieces of a Responses API answer: ids, usage, status, output items and the response object around them. */
import { estimateTextTokens } from '../anthropic/token-estimate';
import type { StopReason, Usage } from '../anthropic/types';
import { randomBase62 } from '../util/ids';
import type { ResponsesOptions } from './responses-request';
import { openAICallId } from './tool-params';
import { TYPED_ITEM_PREFIX, typedCallItem, type TypedTool } from './typed-tools';

export type Item = Record<string, unknown>;

export const itemId = (prefix: string): string => `${prefix}_${randomBase62(24)}`;
export const responseId = (messageId: string): string => `resp_${messageId.replace(/^msg_/, '')}`;

/** Reasoning tokens: an estimate of the reasoning items' text, as the upstream counts only output as a whole. */
export function responsesUsage(usage: Usage, output: Item[]): Record<string, unknown> {
  let reasoning = 0;
  for (const item of output) {
    if (item.type !== 'reasoning') continue;
    for (const part of item.content as Array<{ text: string }>) reasoning += estimateTextTokens(part.text);
  }
  const cached = usage.cache_read_input_tokens ?? 0;
  const input = usage.input_tokens + cached + (usage.cache_creation_input_tokens ?? 0);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: cached },
    output_tokens: usage.output_tokens,
    output_tokens_details: { reasoning_tokens: Math.min(reasoning, usage.output_tokens) },
    total_tokens: input + usage.output_tokens,
  };
}

/** max_tokens and refusals leave a response `incomplete`, with the reason OpenAI gives. */
export function outcome(stopReason: StopReason | null): { status: string; incomplete_details: unknown } {
  if (stopReason === 'max_tokens') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } };
  if (stopReason === 'refusal') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } };
  return { status: 'completed', incomplete_details: null };
}

export const textPart = (text: string): Item => ({ type: 'output_text', text, annotations: [], logprobs: [] });

export function responseObject(
  options: ResponsesOptions,
  id: string,
  createdAt: number,
  state: Record<string, unknown>,
): Item {
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    model: options.model,
    output: [],
    usage: null,
    ...options.echo,
    ...state,
  };
}

export const reasoningItem = (id: string, text: string): Item => ({
  type: 'reasoning',
  id,
  summary: [],
  content: [{ type: 'reasoning_text', text }],
});

/**
 * The name a call item gives for the tool the upstream called: a namespaced tool's own name with its `namespace`
 * (the field `ResponseFunctionToolCall` and `ResponseCustomToolCall` have), a top-level tool's name alone.
 */
export function calledName(options: ResponsesOptions, upstream: string): { name: string; namespace?: string } {
  return options.namespaces.split(upstream) ?? { name: upstream };
}

type Called = ReturnType<typeof calledName>;
const namespaceOf = (called: Called) => (called.namespace === undefined ? {} : { namespace: called.namespace });

export const callItem = (id: string, callId: string, called: Called, args: string, status: string): Item => ({
  type: 'function_call',
  id,
  call_id: openAICallId(callId),
  name: called.name,
  ...namespaceOf(called),
  arguments: args,
  status,
});

/** A call to a custom tool: its input is the free text itself. It has no `status`, as OpenAI's item has none. */
export const customCallItem = (id: string, callId: string, called: Called, input: string): Item => ({
  type: 'custom_tool_call',
  id,
  call_id: openAICallId(callId),
  name: called.name,
  ...namespaceOf(called),
  input,
});

/** A call to a typed client tool (`shell_call`, `apply_patch_call`, `local_shell_call`), from the call's input. */
export const typedItem = (type: TypedTool, callId: string, input: unknown, status: string, id?: string): Item =>
  typedCallItem(type, id ?? itemId(TYPED_ITEM_PREFIX[type]), openAICallId(callId), input, status);
