/**
 * Anthropic Messages request → Orchids Generation B body (spec §4). Unlike Generation A, nothing is rendered into a
 * prompt: the client's conversation goes up as it is, complete and in order, block by block (./content-blocks.ts).
 */
import type { Message, MessagesRequest } from '../../anthropic/types';
import { toGenBMessage } from './content-blocks';
import { resultRewrites } from './result-rewrites';
import { restoreShownCalls } from '../shown-calls';
import { foldSubAgentTasks } from './sub-agent-task';
import type { GenBBody, GenBMessage, GenBThinkingMode } from './types';

/**
 * DECISION: always 12000, whatever the client's max_tokens. The reference client sent 12000 on every production
 * request for five months (§4.8), and what the server does with the number (a context budget? an output cap?) is
 * unknown (§10.5). The only value known to work is the one sent.
 */
export const GEN_B_MAX_TOKENS = 12000;

export interface GenBBuildContext {
  /** The model id to send, the user's model map already applied. */
  upstreamModel: string;
  thinkingMode: GenBThinkingMode;
}

export function buildGenBBody(request: MessagesRequest, ctx: GenBBuildContext): GenBBody {
  const given: readonly Message[] = Array.isArray(request.messages) ? request.messages : [];
  // Codex's spawn and waits for a Task go up as the agent's one Task call and its report (./sub-agent-task.ts).
  // The proxy's notes of calls the client lacks go up as the calls they stand for (../shown-calls.ts).
  const source = foldSubAgentTasks(restoreShownCalls(given), request.tools);
  const messages: GenBMessage[] = [];
  const system: string[] = [];
  addSystemParts(request.system, system);
  // Every rewrite is of a tool result: a conversation without one (a first turn, a plain chat) has nothing to rewrite,
  // and finding the calls to rewrite walks it a dozen times over (~5 µs for Claude Code's first turn).
  const rewrites = hasToolResult(source) ? resultRewrites(source, request.tools) : undefined;
  for (let i = 0; i < source.length; i++) {
    const message = source[i];
    if (message === null || typeof message !== 'object') continue;
    const role = typeof message.role === 'string' ? message.role.trim() : '';
    if (role === '') continue;
    // A system message also stays in `messages`, where the reference client left it (§4.5): the upstream sees the
    // conversation as the client wrote it, and its system text in config.system as well.
    if (role.toLowerCase() === 'system') addSystemParts(message.content, system);
    messages.push(toGenBMessage(role, message.content, rewrites));
  }
  return {
    messages,
    modelName: ctx.upstreamModel,
    maxTokens: GEN_B_MAX_TOKENS,
    config: { system: system.join('\n\n'), thinkingMode: ctx.thinkingMode },
  };
}

/** Whether any message has a tool_result block: the only blocks toGenBMessage looks a rewrite up for. */
function hasToolResult(messages: readonly Message[]): boolean {
  for (let i = 0; i < messages.length; i++) {
    const content = (messages[i] as Message | null)?.content;
    if (!Array.isArray(content)) continue;
    for (let j = 0; j < content.length; j++) {
      const block = content[j] as { type?: unknown } | null;
      if (block !== null && typeof block === 'object' && block.type === 'tool_result') return true;
    }
  }
  return false;
}

/**
 * The text of a top-level `system` or of a system message's content: a string, or each text block. The reference
 * client read the top-level system only when there were no system messages (§4.5); both are read here, top-level
 * first, because a client may send both (Claude Code does) and neither should be lost.
 */
function addSystemParts(content: unknown, parts: string[]): void {
  if (typeof content === 'string') {
    addPart(content, parts);
    return;
  }
  if (!Array.isArray(content)) return;
  for (let i = 0; i < content.length; i++) {
    const block = content[i] as { type?: unknown; text?: unknown } | null;
    if (block?.type === 'text' && typeof block.text === 'string') addPart(block.text, parts);
  }
}

function addPart(text: string, parts: string[]): void {
  const trimmed = text.trim();
  if (trimmed !== '') parts.push(trimmed);
}

/**
 * `config.thinkingMode`. With `auto`, the client's `thinking` decides: only `disabled` turns it off. A request
 * without one (or with a type this code does not know) gets `enabled`, which is what the reference client sent on
 * every request (§4.8), so such a request behaves as it always did.
 */
export function thinkingModeFor(request: MessagesRequest, forced: 'auto' | GenBThinkingMode): GenBThinkingMode {
  if (forced !== 'auto') return forced;
  const type = (request.thinking as { type?: unknown } | undefined)?.type;
  return type === 'disabled' ? 'disabled' : 'enabled';
}
