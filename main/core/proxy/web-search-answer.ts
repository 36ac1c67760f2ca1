/**
 * A request that asks for nothing but Anthropic's web search server tool is answered by the proxy itself, with a text
 * saying that Orchids Tray cannot search the web. Claude Code's WebSearch is such a request (tried with 2.1.332): when
 * the agent calls WebSearch, Claude Code sends a side request whose only tool is `{type: "web_search_20250305", name:
 * "web_search"}` and a user message "Perform a web search for the query: …"; it reads the answer's text (and
 * `web_search_tool_result` blocks) as the tool's result. On Sonnet 4.6 it forces the tool (`tool_choice: {type:
 * "tool", name: "web_search"}`); on Opus 5.5, its default model, it leaves the choice to the model (`auto`, with a
 * system prompt saying "Search once"), which sent on would be a model with no tools answering from memory.
 *
 * Why answer rather than go upstream or refuse:
 * - The upstream runs no web search. Sent on without the tool, the side request's model could only answer from
 *   memory, and whatever it wrote, invented links included, would reach the agent as search results.
 * - A 400 (what forcing a server tool gets otherwise, see structured/output-plan.ts) is honest but useless to the
 *   agent: Claude Code retries it once and hands the agent "API Error: 400 tool_choice.name: …", wording about the
 *   API, not about what to do instead.
 * - The answer below tells the agent plainly that nothing was searched and what does work here (WebFetch on an
 *   address it knows, Bash with curl), costs no credits and no upstream turn, and keeps no state.
 *
 * Only a forced search is answered: `tool_choice` naming a `web_search_…` tool, or `any` when every tool is one.
 * Those requests got a 400 before, so no request that worked changes. A main turn that declares web_search beside
 * other tools, or lets the model choose (`auto`), goes upstream as before, web_search left out (see "What it serves").
 * Other server tools forced (`web_fetch_…`, `code_execution_…`) stay a 400: no client is known to depend on them.
 */
import type { MessagesRequest, ToolDefinition } from '../anthropic/types';
import { isServerTool } from '../orchids/client-tools';

/** What the agent reads as the search's result: nothing found, nothing to present, and what to use instead. */
export const NO_WEB_SEARCH_TEXT =
  'No web search was run: Orchids Tray cannot search the web (the Orchids upstream it relays to has no search), so ' +
  'there are no results for this query. Do not present any results or links as found by a search. To read a page ' +
  'whose address you know, use WebFetch on that URL; otherwise fetch it with Bash and curl.';

const isWebSearch = (tool: ToolDefinition): boolean =>
  typeof tool.type === 'string' && tool.type.startsWith('web_search_') && isServerTool(tool);

/** Claude Code's words for the search it asks of the API, opening the side request's only user message. */
const CLAUDE_CODE_SEARCH = 'Perform a web search for the query: ';

/** True when the request asks for a web search the proxy cannot run, so it answers with NO_WEB_SEARCH_TEXT. */
export function asksForWebSearch(request: MessagesRequest): boolean {
  const tools = Array.isArray(request.tools) ? request.tools : [];
  if (tools.length === 0) return false;
  const choice = request.tool_choice as { type?: unknown; name?: unknown } | undefined;
  if (choice === undefined || (typeof choice === 'object' && choice?.type === 'auto')) {
    return tools.every(isWebSearch) && lastUserText(request).startsWith(CLAUDE_CODE_SEARCH);
  }
  if (!choice || typeof choice !== 'object') return false;
  if (choice.type === 'tool') return tools.some((tool) => tool.name === choice.name && isWebSearch(tool));
  if (choice.type === 'any') return tools.every(isWebSearch);
  return false;
}

/** The text of the request's last message when it is the user's, its text blocks joined; '' otherwise. */
function lastUserText(request: MessagesRequest): string {
  const last = Array.isArray(request.messages) ? request.messages.at(-1) : undefined;
  if (last?.role !== 'user') return '';
  if (typeof last.content === 'string') return last.content;
  if (!Array.isArray(last.content)) return '';
  return last.content
    .map((block) => (block.type === 'text' && typeof block.text === 'string' ? block.text : ''))
    .join('');
}
