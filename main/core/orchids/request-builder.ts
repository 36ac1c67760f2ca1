/**
 * Anthropic Messages request → Orchids Generation A body (protocol page 2.2 and 7.2).
 *
 * DECISION: nothing is trimmed or capped. The old proxy cut each history entry to 8,000 characters and the history
 * to a 12k-token budget; that silently removed file contents and tool results the model then acted as if it had
 * read. A context the upstream refuses as too long fails loudly instead, which the user can act on (/compact).
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  textField,
  type ContentBlock,
  type MediaSource,
  type Message,
  type MessagesRequest,
  type OtherBlock,
  type ThinkingConfig,
  type ToolDefinition,
  type ToolResultContent,
} from '../anthropic/types';
import type { ChatHistoryEntry, OrchidsRequestBody, OrchidsTool } from './types';
import { searchResultText } from '../anthropic/search-result';
import { failedInWords, failedResults, type FailedResults } from './failed-results';
import { restoreShownCalls } from './shown-calls';
import { toOrchidsTools, upstreamToolName } from './tool-mapping';

export interface BuildContext {
  email: string;
  userId: string;
  projectId?: string;
  upstreamModel: string;
  chatSessionId: string;
  /** The client's tools already converted; converted here when absent. */
  tools?: OrchidsTool[];
}

const DEFAULT_PROJECT_ID = '00000000-0000-0000-0000-000000000000';
const ADAPTIVE_THINKING_BUDGET = 10000;
const MIN_THINKING_BUDGET = 1024;
const MAX_THINKING_BUDGET = 128000;
const MAX_INLINE_BLOCK_JSON = 2000;
const SUGGESTION_MODE = /suggestion mode/i;

type Block = ContentBlock | OtherBlock;

export function buildOrchidsRequest(req: MessagesRequest, ctx: BuildContext): OrchidsRequestBody {
  // The proxy's notes of calls the client lacks go up as the calls they stand for (./shown-calls.ts).
  const messages = restoreShownCalls(Array.isArray(req.messages) ? req.messages : []);
  const tools = req.tools;
  const failed = failedResults(messages, tools);

  let current = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') {
      current = i;
      break;
    }
  }

  const system: string[] = [];
  pushSystem(req.system, system);
  const chatHistory: ChatHistoryEntry[] = [];
  let prefill = '';
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as Message;
    if (i === current) continue;
    const text = renderContent(message.content, tools, failed);
    // Only turns that held nothing but thinking render empty; an empty entry would tell the upstream nothing.
    if (text.length === 0) continue;
    if (message.role === 'system') {
      // Orchids has a single system slot, so mid-conversation system messages (Claude Code sends its agent list
      // this way) are appended to it in order rather than dropped or disguised as a user turn.
      system.push(text);
    } else if (current >= 0 && i > current) {
      prefill = joinParts(prefill, text);
    } else {
      const last = chatHistory[chatHistory.length - 1];
      if (last && last.role === message.role) last.content = joinParts(last.content, text);
      else chatHistory.push({ role: message.role, content: text });
    }
  }

  const userText = current >= 0 ? renderContent((messages[current] as Message).content, tools, failed) : '';
  let prompt = system.length > 0 ? `<system>\n${system.join('\n\n')}\n</system>` : '';
  prompt = joinParts(prompt, `<user_message>\n${userText}\n</user_message>`);
  if (prefill.length > 0) prompt = joinParts(prompt, `<assistant_prefill>\n${prefill}\n</assistant_prefill>`);
  // 7.2: Claude Code's "[SUGGESTION MODE: …]" turns want a few words fast, not a thought-out answer; and a prompt
  // that already carries the tags must not get a second, contradicting pair.
  const prefix = thinkingPrefix(req.thinking);
  if (prefix && !SUGGESTION_MODE.test(userText) && !hasThinkingTag(prompt)) prompt = joinParts(prefix, prompt);

  const body: OrchidsRequestBody = {
    prompt,
    chatHistory,
    projectId: ctx.projectId || DEFAULT_PROJECT_ID,
    currentPage: {},
    agentMode: ctx.upstreamModel,
    mode: 'agent',
    gitRepoUrl: '',
    email: ctx.email,
    chatSessionId: ctx.chatSessionId,
    userId: ctx.userId,
    apiVersion: 2,
  };
  if (ctx.upstreamModel) body.model = ctx.upstreamModel;
  // The proxy passes the tools already converted (prepared-tools.ts) and splices their cached JSON in itself.
  const orchidsTools = ctx.tools ?? toOrchidsTools(tools);
  if (orchidsTools.length > 0) body.tools = orchidsTools;
  return body;
}

/** The thinking tag pair the upstream reads on the prompt's first line (7.2). */
function thinkingPrefix(thinking: ThinkingConfig | undefined): string {
  if (!thinking || typeof thinking !== 'object') return '';
  let budget: number;
  if (thinking.type === 'adaptive') {
    budget = ADAPTIVE_THINKING_BUDGET;
  } else if (thinking.type === 'enabled') {
    const requested = (thinking as { budget_tokens?: unknown }).budget_tokens;
    budget =
      typeof requested === 'number' && Number.isFinite(requested)
        ? Math.min(MAX_THINKING_BUDGET, Math.max(MIN_THINKING_BUDGET, Math.floor(requested)))
        : ADAPTIVE_THINKING_BUDGET;
  } else {
    return '';
  }
  return `<thinking_mode>enabled</thinking_mode><max_thinking_length>${budget}</max_thinking_length>`;
}

function hasThinkingTag(prompt: string): boolean {
  return prompt.includes('<thinking_mode>') || prompt.includes('<max_thinking_length>');
}

function pushSystem(system: MessagesRequest['system'], out: string[]): void {
  if (typeof system === 'string') {
    if (system.length > 0) out.push(system);
    return;
  }
  if (!Array.isArray(system)) return;
  const texts: string[] = [];
  for (const block of system) {
    const text = block.type === 'text' ? block['text'] : undefined;
    if (typeof text === 'string' && text.length > 0) texts.push(text);
  }
  if (texts.length > 0) out.push(texts.join('\n\n'));
}

/**
 * Joins two rendered parts with one blank line, counting newlines the first already ends with: Claude Code's
 * reminder block ends in "\n\n", and stacking more would only add noise.
 */
function joinParts(acc: string, part: string): string {
  if (acc.length === 0) return part;
  if (part.length === 0) return acc;
  if (acc.endsWith('\n\n')) return acc + part;
  return acc + (acc.endsWith('\n') ? '\n' : '\n\n') + part;
}

function renderContent(
  content: Message['content'],
  tools: ToolDefinition[] | undefined,
  failed: FailedResults | undefined,
): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const block of content) out = joinParts(out, renderBlock(block, tools, failed));
  return out;
}

function renderBlock(block: Block, tools: ToolDefinition[] | undefined, failed: FailedResults | undefined): string {
  if (!block || typeof block !== 'object') return '';
  switch (block.type) {
    case 'text':
      return typeof block['text'] === 'string' ? block['text'] : '';
    case 'tool_use': {
      const name = attr(upstreamToolName(textField(block['name']), tools));
      const input = JSON.stringify(block['input'] ?? {});
      return `<tool_use id="${attr(block['id'])}" name="${name}">${input}</tool_use>`;
    }
    case 'tool_result': {
      const error =
        block['is_error'] === true ||
        failedInWords(failed, block['tool_use_id'], block['content'] as ToolResultContent | undefined);
      const flag = error ? ' is_error="true"' : '';
      const content = renderToolResult(block['content']);
      return `<tool_result tool_use_id="${attr(block['tool_use_id'])}"${flag}>${content}</tool_result>`;
    }
    case 'image':
      return mediaHint('Image', block['source'] as MediaSource | undefined);
    case 'document':
      return renderDocument(block as OtherBlock);
    case 'search_result':
      return searchResultText(block);
    case 'compaction':
      // The summary Anthropic wrote of the turns it compacted away: the upstream has nothing else of them.
      return typeof block['content'] === 'string' ? block['content'] : '';
    case 'thinking':
    case 'redacted_thinking':
      // Signed by Anthropic for Anthropic's own models; the upstream can neither verify nor use them.
      return '';
    default:
      return renderOther(block);
  }
}

function renderToolResult(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const item of content as Block[]) {
    const text = item?.type === 'text' ? textField(item['text']) : renderBlock(item, undefined, undefined);
    out = out.length === 0 ? text : `${out}\n${text}`;
  }
  return out;
}

function renderDocument(block: OtherBlock): string {
  const source = block['source'] as (MediaSource & { content?: unknown }) | undefined;
  if (source?.type === 'text' && typeof source.data === 'string') return source.data;
  if (source?.type === 'content') {
    const nested = source.content;
    if (typeof nested === 'string') return nested;
    if (Array.isArray(nested)) return renderToolResult(nested);
  }
  return mediaHint('Document', source, typeof block['title'] === 'string' ? ` "${block['title']}"` : '');
}

function mediaHint(kind: string, source: MediaSource | undefined, suffix = ''): string {
  let hint = `[${kind} ${source?.media_type ?? 'unknown'} ${source?.type ?? 'unknown'}`;
  if (typeof source?.data === 'string') hint += ` bytes≈${base64Bytes(source.data)}`;
  else if (typeof source?.url === 'string') hint += ` ${source.url}`;
  else if (typeof source?.file_id === 'string') hint += ` ${source.file_id}`;
  return hint + suffix + ']';
}

function base64Bytes(data: string): number {
  let padding = 0;
  if (data.endsWith('==')) padding = 2;
  else if (data.endsWith('=')) padding = 1;
  return Math.max(0, Math.floor((data.length * 3) / 4) - padding);
}

function renderOther(block: Block): string {
  const { type, ...fields } = block as OtherBlock;
  const json = JSON.stringify(fields);
  if (json === '{}') return `[${type}]`;
  if (json.length <= MAX_INLINE_BLOCK_JSON) return `[${type}] ${json}`;
  return `[${type}] (${json.length} characters of block data not shown)`;
}

/** Ids and names are identifiers in practice; escaping keeps a stray quote from breaking the tag. */
function attr(value: unknown): string {
  const s = textField(value);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34 || c === 38 || c === 60 || c === 62) {
      return s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    }
  }
  return s;
}

/**
 * A chat session id that stays the same for one conversation, so the upstream can group its turns. Hashed so the
 * client's own session or device id never leaves the machine.
 */
const recentSessionIds = new Map<string, string>();

export function chatSessionIdFor(req: MessagesRequest, headers: Record<string, string | string[] | undefined>): string {
  const header = headers['x-claude-code-session-id'];
  let fromHeader = (Array.isArray(header) ? header[0] : header)?.trim();
  // The recorded Claude Code 2.1.197 request sends the nil UUID here while metadata holds the real session id;
  // keyed on it, every conversation would share one upstream chat.
  if (fromHeader && isNilUuid(fromHeader)) fromHeader = undefined;
  const key = fromHeader || sessionKeyFromMetadata(req.metadata);
  // Without a conversation key there is nothing to keep stable and nothing to hide: a random id needs no hash.
  if (!key) {
    // The first 16 hex digits of a UUID are its first three groups (8-4-4): sliced, not found by a regex.
    const uuid = randomUUID();
    return `chat_${uuid.slice(0, 8)}${uuid.slice(9, 13)}${uuid.slice(14, 18)}`;
  }
  let id = recentSessionIds.get(key);
  if (id === undefined) {
    id = 'chat_' + createHash('sha256').update(key).digest('hex').slice(0, 16);
    // A conversation sends many turns: remember the last few hundred keys instead of hashing each turn again.
    if (recentSessionIds.size >= 512) recentSessionIds.delete(recentSessionIds.keys().next().value!);
    recentSessionIds.set(key, id);
  }
  return id;
}

function isNilUuid(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c !== 48 /* 0 */ && c !== 45 /* - */) return false;
  }
  return true;
}

function sessionKeyFromMetadata(metadata: unknown): string | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const userId = (metadata as { user_id?: unknown }).user_id;
  if (typeof userId !== 'string' || userId.trim().length === 0) return undefined;
  // Claude Code sends a JSON string {device_id, account_uuid, session_id}; the session id is the conversation.
  if (userId.trimStart().startsWith('{')) {
    try {
      const sessionId = (JSON.parse(userId) as { session_id?: unknown }).session_id;
      if (typeof sessionId === 'string' && sessionId.length > 0) return sessionId;
    } catch {
      // not JSON after all: use the string itself
    }
  }
  return userId;
}
