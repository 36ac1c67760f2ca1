/**
 * Reads a buffered answer against the shape the request forced, and rewrites a valid one into exactly what the
 * client expects: a `tool_use` block per call (from a real tool call, or from JSON the model wrote as text, which
 * is how Generation B answers), or one text block of clean JSON.
 */
import { newToolUseId } from '../../util/ids';
import type { MessagesResponse, ResponseBlock, StopReason } from '../types';
import type { ForcedShape, ToolTarget } from './output-plan';

type Verdict =
  | { ok: true; content: ResponseBlock[]; stopReason: StopReason }
  /** `answer`: the start of what the model said, quoted back to it on the retry. */
  | { ok: false; problem: string; answer: string };

type ToolUse = Extract<ResponseBlock, { type: 'tool_use' }>;

export function checkAnswer(shape: ForcedShape, message: MessagesResponse): Verdict {
  return shape.kind === 'tool' ? checkToolCall(shape, message) : checkJson(shape, message);
}

function checkJson(shape: Extract<ForcedShape, { kind: 'json' }>, message: MessagesResponse): Verdict {
  const calls = message.content.filter((block): block is ToolUse => block.type === 'tool_use');
  // The schema shapes the final text; a turn that calls the client's tools is not that text yet.
  if (shape.toolsAllowed && calls.length > 0) return { ok: true, content: message.content, stopReason: 'tool_use' };
  const text = textOf(message);
  const parsed = parseJsonAnswer(text);
  if (!parsed.ok) {
    const worded = inSoleStringField(shape, message, text);
    if (worded) return worded;
    return { ok: false, problem: parsed.problem, answer: text };
  }
  const problem = shape.check(parsed.value);
  if (problem) return { ok: false, problem: `the JSON does not match the schema: ${problem}`, answer: text };
  return {
    ok: true,
    content: [...thinkingOf(message), { type: 'text', text: JSON.stringify(parsed.value) }],
    stopReason: 'end_turn',
  };
}

/**
 * A schema that asks for one string and nothing else (Claude Code and Codex 0.171 name each session with
 * `{"title": string}`), answered in plain words with no attempt at JSON: the words are that string. Generation B's
 * agent is a coding agent, not a bare model, and may answer such a question as it answers a person; retrying it
 * costs an upstream turn, and the client more (Claude Code asks for a session title again several times, Codex four).
 * An answer with any `{` or `[` tried for JSON and stays a failure, and the value must still pass the schema (its
 * length, pattern or enum).
 */
function inSoleStringField(
  shape: Extract<ForcedShape, { kind: 'json' }>,
  message: MessagesResponse,
  text: string,
): Verdict | undefined {
  const field = soleStringField(shape.schema);
  const words = text.trim();
  if (field === undefined || words === '' || /[[{]/.test(words)) return undefined;
  const value = { [field]: words };
  if (shape.check(value) !== undefined) return undefined;
  return {
    ok: true,
    content: [...thinkingOf(message), { type: 'text', text: JSON.stringify(value) }],
    stopReason: 'end_turn',
  };
}

function soleStringField(schema: Record<string, unknown>): string | undefined {
  const { properties, required } = schema;
  if (schema.type !== 'object' || !isObject(properties)) return undefined;
  const names = Object.keys(properties);
  if (names.length !== 1 || !Array.isArray(required) || required.length !== 1 || required[0] !== names[0]) {
    return undefined;
  }
  const property = properties[names[0]!];
  return isObject(property) && property.type === 'string' ? names[0] : undefined;
}

function checkToolCall(shape: Extract<ForcedShape, { kind: 'tool' }>, message: MessagesResponse): Verdict {
  const allowed = new Map(shape.tools.map((tool) => [tool.name, tool]));
  const calls = message.content.filter((block): block is ToolUse => block.type === 'tool_use');
  let uses = calls.filter((call) => allowed.has(call.name));
  const text = textOf(message);
  const wantedTool = shape.named ? `"${shape.tools[0]!.name}"` : 'one of the tools';
  if (uses.length === 0) {
    const parsed = parseJsonAnswer(text);
    if (!parsed.ok) {
      const called = calls.map((call) => `"${call.name}"`).join(', ');
      const problem = called
        ? `it called ${called} instead of ${wantedTool}, and ${parsed.problem}`
        : `it made no call to ${wantedTool}, and ${parsed.problem}`;
      return { ok: false, problem, answer: text };
    }
    const use = callFromJson(shape, parsed.value);
    if ('problem' in use) return { ok: false, problem: use.problem, answer: text };
    uses = [use];
  }
  if (!shape.parallel) uses = uses.slice(0, 1);
  for (const use of uses) {
    const problem = allowed.get(use.name)!.check(use.input);
    if (problem) {
      return {
        ok: false,
        problem: `the arguments for "${use.name}" do not match its schema: ${problem}`,
        answer: text || JSON.stringify(use.input),
      };
    }
  }
  return { ok: true, content: [...thinkingOf(message), ...uses], stopReason: 'tool_use' };
}

const ENVELOPE_NAME_KEYS = ['name', 'tool', 'function'] as const;
const ENVELOPE_INPUT_KEYS = ['arguments', 'input', 'parameters'] as const;

/**
 * A call written as JSON text. One possible tool: the JSON is its arguments (or, when those do not fit, a
 * `{"name", "arguments"}` envelope naming it). Several: the envelope says which.
 */
function callFromJson(shape: Extract<ForcedShape, { kind: 'tool' }>, value: unknown): ToolUse | { problem: string } {
  const only: ToolTarget | undefined = shape.tools.length === 1 ? shape.tools[0] : undefined;
  if (only && isObject(value) && only.check(value) === undefined) return toolUse(only.name, value);
  const envelope = readEnvelope(value);
  if (envelope && shape.tools.some((tool) => tool.name === envelope.name)) {
    return toolUse(envelope.name, envelope.input);
  }
  if (only) {
    if (!isObject(value)) return { problem: `the arguments for "${only.name}" must be a JSON object` };
    return { problem: `the arguments for "${only.name}" do not match its schema: ${only.check(value)}` };
  }
  const names = shape.tools.map((tool) => `"${tool.name}"`).join(', ');
  return envelope
    ? { problem: `it named the tool "${envelope.name}", which is not one of ${names}` }
    : { problem: `it did not say which tool to call: expected {"name": one of ${names}, "arguments": {…}}` };
}

function readEnvelope(value: unknown): { name: string; input: unknown } | undefined {
  if (!isObject(value)) return undefined;
  const nameKey = ENVELOPE_NAME_KEYS.find((key) => typeof value[key] === 'string');
  const inputKey = ENVELOPE_INPUT_KEYS.find((key) => value[key] !== undefined);
  if (!nameKey || !inputKey) return undefined;
  let input = value[inputKey];
  // OpenAI-trained models write arguments as a JSON string.
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input);
    } catch {
      /* left as the string: the schema check says what is wrong */
    }
  }
  return { name: value[nameKey] as string, input };
}

function toolUse(name: string, input: unknown): ToolUse {
  return { type: 'tool_use', id: newToolUseId(), name, input };
}

const textOf = (message: MessagesResponse): string =>
  message.content.map((block) => (block.type === 'text' ? block.text : '')).join('');

const thinkingOf = (message: MessagesResponse): ResponseBlock[] =>
  message.content.filter((block) => block.type === 'thinking');

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const FENCE = /```(?:json|JSON)?[ \t]*\r?\n?([\s\S]*?)```/;

/**
 * JSON from a model's text: the text itself, else the inside of a Markdown code fence, else the span from the
 * first `{` or `[` to the last `}` or `]` (a model that says "Here it is:" first). What comes back to the client
 * is the parsed value re-serialised, so none of the wrapping survives.
 */
export function parseJsonAnswer(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, problem: 'the answer was empty' };
  const candidates = [trimmed];
  const fenced = FENCE.exec(trimmed)?.[1]?.trim();
  if (fenced) candidates.push(fenced);
  const start = trimmed.search(/[[{]/);
  const end = Math.max(trimmed.lastIndexOf('}'), trimmed.lastIndexOf(']'));
  if (start >= 0 && end > start) candidates.push(trimmed.slice(start, end + 1));
  let firstError = '';
  for (const candidate of candidates) {
    try {
      return { ok: true, value: JSON.parse(candidate) };
    } catch (error) {
      firstError ||= (error as Error).message;
    }
  }
  return { ok: false, problem: `the answer is not JSON (${firstError})` };
}
