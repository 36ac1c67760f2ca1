/**
 * Token estimates for usage reporting and count_tokens (protocol page 8.3).
 *
 * A heuristic, not a BPE tokenizer: this runs on every request over the whole conversation (a fresh Claude Code
 * request is already ~76 KB) and has to stay far below a millisecond, while a real tokenizer would need its
 * vocabulary loaded and costs tens of times more per byte. The upstream does not use Claude's tokenizer for its
 * own models either, and whenever it reports a real count, that count replaces this estimate.
 */
import {
  textField,
  type ContentBlock,
  type Message,
  type MessagesRequest,
  type OtherBlock,
  type ToolDefinition,
} from './types';
import { TimeSlices } from '../util/time-slices';
import { CLASS, CLASSES, UNIT_STEP, countUtf8Halves, countUtf8Part, newUtf8Count, partEnd } from './token-count-utf8';

/** Images are billed by pixel area, which the proxy never decodes; ~1,500 is a mid-sized screenshot. */
const IMAGE_TOKENS = 1500;
/** A binary document (PDF ...) is sized the same way: one page-ish, since its text is not visible here. */
const BINARY_DOCUMENT_TOKENS = 1500;

/**
 * Each piece of a run of ASCII letters/digits counts 1 (where a run splits into pieces: token-count-utf8.ts's
 * DECISION), each ASCII punctuation or symbol 1, whitespace and control characters 0, each non-ASCII code point 1.5;
 * rounded once at the end.
 */
export function estimateTextTokens(text: string): number {
  if (text.length < REMEMBERED_FROM_CHARS || text.length > REMEMBERED_UP_TO_CHARS) return countTextTokens(text);
  let tokens = remembered.get(text);
  if (tokens === undefined) {
    tokens = countTextTokens(text);
    rememberedChars += text.length;
    if (rememberedChars > REMEMBERED_CHARS) {
      remembered.clear();
      rememberedChars = text.length;
    }
    remembered.set(text, tokens);
  }
  return tokens;
}

/**
 * Each turn of an agent session resends the same long texts (Claude Code's 12K-character system prompt, its
 * reminders): their estimates are remembered by the text itself. Finding one costs V8's native hash and compare,
 * a fraction of the count; the budget bounds the memory the remembered texts hold.
 */
const remembered = new Map<string, number>();
let rememberedChars = 0;
const REMEMBERED_FROM_CHARS = 2048;
const REMEMBERED_UP_TO_CHARS = 256 * 1024;
const REMEMBERED_CHARS = 2 * 1024 * 1024;

/** Shorter texts are counted a character at a time: turning them into UTF-8 would cost more than it saves. */
const UTF8_COUNT_FROM_CHARS = 64;

function countTextTokens(text: string): number {
  if (text.length >= UTF8_COUNT_FROM_CHARS) return Math.round(countUtf8Halves(text) / 2);
  let halves = 0;
  let state = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const step = UNIT_STEP[state * CLASSES + (CLASS[text.charCodeAt(i)] as number)] as number;
    halves += step >> 5;
    state = step & 31;
  }
  return Math.round(halves / 2);
}

/**
 * The estimate of `JSON.stringify(value)` without building that string: quotes, colons, commas and brackets are
 * one token each, like any other punctuation. (Escape sequences inside strings are not counted; a rounding error.)
 */
export function estimateJsonTokens(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return estimateTextTokens(value) + 2;
    case 'number':
    case 'bigint':
      return estimateTextTokens(String(value));
    case 'boolean':
      return 1;
    case 'object': {
      if (value === null) return 1;
      if (Array.isArray(value)) {
        let sum = value.length > 0 ? value.length + 1 : 2;
        for (const item of value) sum += estimateJsonTokens(item);
        return sum;
      }
      let sum = 2;
      let count = 0;
      for (const key in value) {
        const item = (value as Record<string, unknown>)[key];
        if (item === undefined || typeof item === 'function') continue;
        sum += estimateTextTokens(key) + 3 + estimateJsonTokens(item);
        count++;
      }
      return count > 0 ? sum + count - 1 : sum;
    }
    default:
      return 0;
  }
}

function estimateBlock(block: ContentBlock | OtherBlock): number {
  switch (block.type) {
    case 'text':
      return typeof block['text'] === 'string' ? estimateTextTokens(block['text']) : 0;
    case 'tool_use':
      return estimateTextTokens(textField(block['name'])) + estimateJsonTokens(block['input'] ?? {});
    case 'tool_result': {
      const content = block['content'];
      if (typeof content === 'string') return estimateTextTokens(content);
      if (!Array.isArray(content)) return 0;
      let sum = 0;
      for (const item of content as Array<ContentBlock | OtherBlock>) sum += estimateBlock(item);
      return sum;
    }
    case 'image':
      return IMAGE_TOKENS;
    case 'document': {
      const source = block['source'] as { type?: unknown; data?: unknown } | undefined;
      if (source?.type === 'text' && typeof source.data === 'string') return estimateTextTokens(source.data);
      return BINARY_DOCUMENT_TOKENS;
    }
    case 'thinking':
    case 'redacted_thinking':
      // Never forwarded upstream (see the request builder), so it costs nothing there.
      return 0;
    default:
      return estimateJsonTokens(block);
  }
}

function estimateContent(content: Message['content']): number {
  if (typeof content === 'string') return estimateTextTokens(content);
  if (!Array.isArray(content)) return 0;
  let sum = 0;
  for (const block of content) sum += estimateBlock(block);
  return sum;
}

function estimateTool(tool: ToolDefinition): number {
  const fn = tool.function;
  const name = fn?.name ?? tool.name;
  const description = fn?.description ?? tool.description;
  const schema = fn?.parameters ?? tool.input_schema;
  let sum = typeof name === 'string' ? estimateTextTokens(name) : 0;
  if (typeof description === 'string') sum += estimateTextTokens(description);
  if (schema) sum += estimateJsonTokens(schema);
  return sum;
}

/** The tools' share of the input estimate; cached per tool list by the prepared-tools cache. */
export function estimateToolsTokens(tools: ToolDefinition[] | undefined): number {
  let sum = 0;
  if (Array.isArray(tools)) for (const tool of tools) sum += estimateTool(tool);
  return sum;
}

/**
 * Depends on the request alone (never on the account or upstream), so count_tokens and /v1/messages agree.
 * `toolsTokens` lets a caller that already knows the tools' share (from the cache) skip recounting them.
 */
export function estimateInputTokens(
  req: MessagesRequest,
  toolsTokens: number = estimateToolsTokens(req.tools),
): number {
  let sum = toolsTokens;
  const system = req.system;
  if (typeof system === 'string') sum += estimateTextTokens(system);
  else if (Array.isArray(system)) for (const block of system) sum += estimateBlock(block);
  if (Array.isArray(req.messages)) for (const message of req.messages) sum += estimateContent(message.content);
  return sum;
}

/** The yielding estimate scans a text in parts of this many characters (about a millisecond each). */
const SCAN_PART_CHARS = 256 * 1024;

async function estimateTextYielding(text: string, slices: TimeSlices): Promise<number> {
  const count = newUtf8Count();
  for (let from = 0; from < text.length;) {
    const to = partEnd(text, Math.min(from + SCAN_PART_CHARS, text.length));
    countUtf8Part(text, from, to, count);
    from = to;
    if (slices.due()) await slices.pause();
  }
  return Math.round(count.halves / 2);
}

const isLong = (text: unknown): text is string => typeof text === 'string' && text.length > SCAN_PART_CHARS;

/** A block whose whole estimate is that of one text, when that text is long enough to be scanned in parts. */
function longTextOf(block: ContentBlock | OtherBlock): string | undefined {
  switch (block.type) {
    case 'text':
      return isLong(block['text']) ? block['text'] : undefined;
    case 'tool_result':
      return isLong(block['content']) ? block['content'] : undefined;
    case 'document': {
      const source = block['source'] as { type?: unknown; data?: unknown } | undefined;
      return source?.type === 'text' && isLong(source.data) ? source.data : undefined;
    }
    default:
      return undefined;
  }
}

async function estimateBlocksYielding(blocks: Array<ContentBlock | OtherBlock>, slices: TimeSlices): Promise<number> {
  let sum = 0;
  for (const block of blocks) {
    const long = longTextOf(block);
    if (long !== undefined) sum += await estimateTextYielding(long, slices);
    else if (block.type === 'tool_result' && Array.isArray(block['content'])) {
      sum += await estimateBlocksYielding(block['content'] as Array<ContentBlock | OtherBlock>, slices);
    } else sum += estimateBlock(block);
    if (slices.due()) await slices.pause();
  }
  return sum;
}

/**
 * estimateInputTokens for a large request: the same number, worked out a few milliseconds at a time (one 31 MB
 * body once took 150 ms in one go). Long texts are scanned in parts; anything else is estimated a block at a time,
 * so only a single huge non-text value (a tool input of many megabytes) is still counted in one go.
 */
export async function estimateInputTokensYielding(
  req: MessagesRequest,
  toolsTokens: number,
  slices: TimeSlices = new TimeSlices(),
): Promise<number> {
  let sum = toolsTokens;
  const system = req.system;
  if (typeof system === 'string') sum += await estimateTextYielding(system, slices);
  else if (Array.isArray(system)) sum += await estimateBlocksYielding(system, slices);
  if (!Array.isArray(req.messages)) return sum;
  for (const message of req.messages) {
    const content = message.content;
    if (typeof content === 'string') {
      sum += isLong(content) ? await estimateTextYielding(content, slices) : estimateTextTokens(content);
    } else if (Array.isArray(content)) sum += await estimateBlocksYielding(content, slices);
    if (slices.due()) await slices.pause();
  }
  return sum;
}
