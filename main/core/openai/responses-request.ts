/**
 * `POST /v1/responses` request → the Messages API request the pipeline serves.
 *
 * DECISION: stateless. Orchids Tray stores no responses, so `previous_response_id`, `conversation`, an
 * `item_reference` and `store: true` are refused with a 400 that says to send the whole conversation in `input`
 * (what Codex CLI and most clients do with `store: false`). A response answers `store: false`. Keeping state would
 * mean holding every conversation in the proxy's memory or database, and losing it on a restart anyway.
 */
import type { MessagesRequest } from '../anthropic/types';
import { MAX_OUTPUT_TOKENS } from '../anthropic/validate';
import { Conversation } from './conversation';
import { typedReplay } from './typed-tools';
import { OpenAIRequestError } from './errors';
import {
  checkUnusedParams,
  invalidType,
  invalidValue,
  isObject,
  missing,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  optionalObject,
  optionalString,
  requireModel,
  requireString,
  unsupported,
  type Json,
} from './params';
import {
  fileBlock,
  imageBlock,
  jsonOutput,
  readMetadata,
  readStreamOptions,
  readTopLogprobs,
  textContent,
  thinkingFor,
  type Block,
} from './shared';
import { checkForcedToolSchemas, parseArguments, readToolChoice, readTools, type ToolKinds } from './tool-params';
import { CUSTOM_INPUT } from './custom-tool';
import type { NamespaceNames } from './namespaces';
import { COMPACTION_REQUEST, compactedHistory, isCompaction } from './compaction';

export interface ResponsesOptions {
  model: string;
  /** Request parameters a response object repeats back (instructions, tools, text format, ...). */
  echo: Record<string, unknown>;
  /** Each declared tool's kind: a call to a custom or typed tool comes back as that tool's call item. */
  kinds: ToolKinds;
  /** The tools declared in a namespace: a call to one comes back with its own name and its `namespace`. */
  namespaces: NamespaceNames;
  /** The input ends in Codex's `compaction_trigger`: the answer is one `compaction` item (compaction.ts). */
  compaction?: boolean;
}

const STATELESS = 'Orchids Tray keeps no responses: send the whole conversation in input instead';
const MESSAGE_PARTS = ['input_text', 'output_text', 'refusal', 'input_image', 'input_file', 'input_audio'] as const;

/** Read only to be held to their types (checkUnusedParams); one object for every request. */
const UNUSED_PARAMS = {
  user: 'a string',
  store: 'a boolean',
  background: 'a boolean',
  include: 'an array of strings',
  max_tool_calls: 'a count',
  service_tier: 'a string',
  prompt_cache_key: 'a string',
  safety_identifier: 'a string',
} as const;

export function readResponsesRequest(body: unknown): { request: MessagesRequest; options: ResponsesOptions } {
  if (!isObject(body)) throw new OpenAIRequestError('The request body must be a JSON object.');
  const model = requireModel(body);
  refuseStateful(body);
  const topLogprobs = readTopLogprobs(body);
  if (topLogprobs !== undefined && topLogprobs > 0) {
    unsupported('top_logprobs', 'the Orchids upstream reports no log probabilities.');
  }
  if (body.prompt !== undefined && body.prompt !== null)
    unsupported('prompt', 'stored prompt templates live on OpenAI’s servers.');

  const declared = readTools(body.tools, false);
  const { tools, toolChoice } = readToolChoice(body, declared, false);
  checkForcedToolSchemas(toolChoice, tools);

  const conversation = new Conversation();
  const instructions = optionalString(body, 'instructions', 'instructions');
  if (instructions) conversation.addSystem(instructions);
  const input = body.input;
  if (input === undefined || input === null) missing('input');
  if (typeof input === 'string') conversation.add('user', input);
  else if (Array.isArray(input)) {
    input.forEach((item, i) => addItem(conversation, item, `input[${i}]`, declared.namespaces));
  } else invalidType('input', 'a string or an array', input);
  if (conversation.messages.length === 0) {
    throw new OpenAIRequestError("Invalid 'input': it holds no message to answer.", 'input', 'empty_array');
  }

  const stream = optionalBoolean(body, 'stream', 'stream') ?? false;
  readStreamOptions(body, stream, ['include_obfuscation']);
  checkUnusedParams(body, UNUSED_PARAMS);
  // Responses' floor is 16, not Chat Completions' 1 (OpenAI: "Expected a value >= 16").
  const maxTokens = optionalInteger(body, 'max_output_tokens', 'max_output_tokens', 16, MAX_OUTPUT_TOKENS);
  const temperature = optionalNumber(body, 'temperature', 'temperature', 0, 2);
  const topP = optionalNumber(body, 'top_p', 'top_p', 0, 1);
  const reasoning = optionalObject(body, 'reasoning', 'reasoning');
  const thinking = thinkingFor(reasoning?.effort, 'reasoning.effort');
  // Neither is carried upstream, but a response repeats both back: only values OpenAI takes.
  const summary = reasoning ? oneOf(reasoning.summary, 'reasoning.summary', SUMMARIES) : undefined;
  const truncation = oneOf(body.truncation, 'truncation', ['auto', 'disabled']);
  const text = optionalObject(body, 'text', 'text');
  const format = text ? optionalObject(text, 'format', 'text.format') : undefined;
  const output = format ? jsonOutput(format.type, format, 'text.format', 'text.format', true) : undefined;
  const metadata = readMetadata(body);

  const request = conversation.request({
    model,
    stream,
    maxTokens,
    tools,
    toolChoice,
    thinking,
    temperature,
    topP,
    output,
  });

  const echo: Record<string, unknown> = {
    instructions: instructions ?? null,
    max_output_tokens: maxTokens ?? null,
    parallel_tool_calls: body.parallel_tool_calls !== false,
    previous_response_id: null,
    reasoning: { effort: reasoning?.effort ?? null, summary: summary ?? null },
    store: false,
    temperature: temperature ?? 1,
    text: { format: format ?? { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: topP ?? 1,
    truncation: truncation ?? 'disabled',
    user: body.user ?? null,
    metadata: metadata ?? {},
  };
  const compaction = isCompaction(input);
  return { request, options: { model, echo, kinds: declared.kinds, namespaces: declared.namespaces, compaction } };
}

const SUMMARIES = ['auto', 'concise', 'detailed'] as const;

function oneOf(value: unknown, param: string, supported: readonly string[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !supported.includes(value)) invalidValue(param, value, supported);
  return value;
}

function refuseStateful(body: Json): void {
  if (body.previous_response_id !== undefined && body.previous_response_id !== null) {
    unsupported('previous_response_id', `${STATELESS} (and leave previous_response_id out).`);
  }
  if (body.conversation !== undefined && body.conversation !== null) {
    unsupported('conversation', `${STATELESS} (and leave conversation out).`);
  }
  if (body.store === true) unsupported('store', `${STATELESS}, with store: false (or leave store out).`);
  if (body.background === true) unsupported('background', 'Orchids Tray answers in the foreground only.');
}

/**
 * A replayed call's upstream name: a call carrying `namespace` was made to the tool offered under the joined name.
 */
function callName(item: Json, param: string, namespaces: NamespaceNames): string {
  const name = requireString(item, 'name', `${param}.name`);
  const namespace = optionalString(item, 'namespace', `${param}.namespace`);
  return namespace === undefined ? name : namespaces.upstreamName(namespace, name);
}

function addItem(conversation: Conversation, item: unknown, param: string, namespaces: NamespaceNames): void {
  if (typeof item === 'string') {
    conversation.add('user', item);
    return;
  }
  if (!isObject(item)) invalidType(param, 'an object', item);
  const type = item.type ?? (item.role !== undefined ? 'message' : undefined);
  switch (type) {
    case 'message':
      addMessage(conversation, item, param);
      return;
    case 'function_call':
      conversation.add('assistant', [
        {
          type: 'tool_use',
          id: requireString(item, 'call_id', `${param}.call_id`),
          name: callName(item, param, namespaces),
          input: parseArguments(item.arguments),
        },
      ]);
      return;
    case 'custom_tool_call':
      conversation.add('assistant', [
        {
          type: 'tool_use',
          id: requireString(item, 'call_id', `${param}.call_id`),
          name: callName(item, param, namespaces),
          input: { [CUSTOM_INPUT]: requireString(item, 'input', `${param}.input`) },
        },
      ]);
      return;
    case 'function_call_output':
    case 'custom_tool_call_output':
      if ((item.call_id === undefined || item.call_id === null) && typeof item.name === 'string') {
        conversation.add('user', attachedOutput(item, param));
        return;
      }
      conversation.add('user', [
        {
          type: 'tool_result',
          tool_use_id: requireString(item, 'call_id', `${param}.call_id`),
          content: toolOutput(item.output, `${param}.output`),
        },
      ]);
      return;
    case 'shell_call':
    case 'shell_call_output':
    case 'apply_patch_call':
    case 'apply_patch_call_output':
    case 'local_shell_call':
    case 'local_shell_call_output': {
      const { role, block } = typedReplay(item, param)!;
      conversation.add(role, [block]);
      return;
    }
    case 'reasoning':
      conversation.addThinking(reasoningText(item, param));
      return;
    case 'compaction_trigger':
      conversation.add('user', COMPACTION_REQUEST);
      return;
    case 'compaction': {
      const summary = compactedHistory(item, param);
      if (summary !== undefined) conversation.add('user', summary);
      return;
    }
    case 'item_reference':
      // The one client seen sending these is the Vercel AI SDK, which stops once told the server stores nothing.
      return unsupported(
        `${param}.type`,
        `${STATELESS} of referring to item ${String(item.id)} ` +
          '(the Vercel AI SDK does so unless providerOptions.openai.store is false).',
      );
    case undefined:
      return missing(`${param}.type`);
    default:
      return unsupported(
        `${param}.type`,
        `'${typeof type === 'string' ? type : JSON.stringify(type)}' items belong to hosted tools the Orchids ` +
          'upstream does not run; only messages and the calls of tools the client runs, with their outputs, are read.',
      );
  }
}

/**
 * An output no call asked for, named instead: Codex CLI 0.171 keeps the goal a user set (`/goal …` in its TUI, or its
 * `create_goal` tool) in view of the model this way, as `goal_objective` of namespace `agent`, in every request while
 * the goal is active. With no call to pair it with it cannot go upstream as a tool result, so it goes as the user's
 * text, wrapped in a tag of its name, which Codex's own instructions refer to ("Use the current goal_objective
 * context …").
 */
function attachedOutput(item: Json, param: string): Block[] {
  const name = requireString(item, 'name', `${param}.name`);
  const namespace = optionalString(item, 'namespace', `${param}.namespace`);
  const output = toolOutput(item.output, `${param}.output`);
  const open = `<${name}${namespace === undefined ? '' : ` namespace="${namespace}"`}>\n`;
  const close = `\n</${name}>`;
  if (typeof output === 'string') return [{ type: 'text', text: open + output + close }];
  return [{ type: 'text', text: open }, ...output, { type: 'text', text: close }];
}

/**
 * A replayed reasoning item's readable text: its `reasoning_text` parts (what this proxy's own reasoning items
 * carry), else its `summary_text` parts. It goes upstream as the thinking block the Messages API would replay in its
 * place, as Chat Completions' `reasoning_content` does. An item with only `encrypted_content` gives '' and is left
 * out: that is OpenAI's own sealed reasoning, which only OpenAI can open, so the upstream could read nothing of it.
 */
function reasoningText(item: Json, param: string): string {
  const content = readableParts(item.content, `${param}.content`, 'reasoning_text');
  return content !== '' ? content : readableParts(item.summary, `${param}.summary`, 'summary_text');
}

function readableParts(parts: unknown, param: string, type: string): string {
  if (parts === undefined || parts === null) return '';
  if (!Array.isArray(parts)) invalidType(param, 'an array', parts);
  const texts = parts.map((part, i) => {
    const where = `${param}[${i}]`;
    if (!isObject(part)) invalidType(where, 'an object', part);
    if (part.type !== type) invalidValue(`${where}.type`, part.type, [type]);
    return requireString(part, 'text', `${where}.text`);
  });
  return texts.filter((text) => text !== '').join('\n\n');
}

function addMessage(conversation: Conversation, item: Json, param: string): void {
  const role = item.role;
  if (role === 'system' || role === 'developer') {
    conversation.addSystem(textContent(item.content, `${param}.content`, ['input_text']));
    return;
  }
  if (role !== 'user' && role !== 'assistant')
    invalidValue(`${param}.role`, role, ['user', 'assistant', 'system', 'developer']);
  const content = item.content;
  if (typeof content === 'string') {
    conversation.add(role, content);
    return;
  }
  if (!Array.isArray(content)) invalidType(`${param}.content`, 'a string or an array', content);
  conversation.add(
    role,
    content.map((part, i) => messagePart(part, `${param}.content[${i}]`)),
  );
}

function messagePart(part: unknown, param: string): Block {
  if (!isObject(part)) invalidType(param, 'an object', part);
  switch (part.type) {
    case 'input_text':
    case 'output_text':
      return { type: 'text', text: requireString(part, 'text', `${param}.text`) };
    case 'refusal':
      return { type: 'text', text: requireString(part, 'refusal', `${param}.refusal`) };
    case 'input_image': {
      const url = optionalString(part, 'image_url', `${param}.image_url`);
      if (url !== undefined) return imageBlock(url, `${param}.image_url`);
      const fileId = requireString(part, 'file_id', `${param}.image_url`);
      return { type: 'image', source: { type: 'file', file_id: fileId } };
    }
    case 'input_file':
      return fileBlock(part, param);
    case 'input_audio':
      return unsupported(`${param}.type`, 'audio input: the Orchids upstream reads text, images and documents.');
    default:
      return invalidValue(`${param}.type`, part.type, MESSAGE_PARTS);
  }
}

/** A function's output: text, or text, image and file parts (the Messages API's tool_result holds blocks too). */
function toolOutput(output: unknown, param: string): string | Block[] {
  if (typeof output === 'string') return output;
  if (!Array.isArray(output)) invalidType(param, 'a string or an array', output);
  return output.map((part, i) => messagePart(part, `${param}[${i}]`));
}
