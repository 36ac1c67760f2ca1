/**
 * `GET /v1/models` as Codex CLI's model catalog. Codex (0.171) knows tools per model id: for an id it has no
 * metadata for (every Claude id) it declares no `apply_patch` tool. A provider entry with `model_catalog_url`
 * makes Codex fetch `<url>?client_version=<its version>` and read `{"models": [...]}` from it; each entry below is
 * written from this proxy's own facts, in the field names `codex debug models` prints. Codex refuses an entry
 * without one of `slug`, `display_name`, `supported_reasoning_levels`, `shell_type`, `visibility`,
 * `supported_in_api`, `priority`, `support_verbosity`, `truncation_policy`, `experimental_supported_tools`, or
 * without instructions (`base_instructions`); the rest are optional.
 */
import { contextWindowFor, listedModels, type ModelMap } from '../orchids/model-map';
import { REASONING_BUDGETS } from '../openai/shared';
import { displayName } from './models-list';

interface ReasoningLevel {
  effort: string;
  description: string;
}

interface CodexModelEntry {
  slug: string;
  display_name: string;
  description: string;
  supported_reasoning_levels: ReasoningLevel[];
  shell_type: 'unified_exec';
  visibility: 'list';
  supported_in_api: true;
  priority: number;
  support_verbosity: false;
  truncation_policy: { mode: 'tokens'; limit: number };
  experimental_supported_tools: [];
  supports_search_tool: false;
  apply_patch_tool_type: 'freeform';
  input_modalities: ['text', 'image'];
  base_instructions: string;
  context_window?: number;
}

/**
 * The query parameter Codex sends with its catalog request, and neither OpenAI's nor Anthropic's clients do: the
 * route answers in Codex's shape only when it is there, so every other client keeps the list it reads.
 */
const CODEX_CATALOG_QUERY = 'client_version';

/**
 * Codex sends a model's instructions as the first developer message, and an entry must have some. Its fallback for
 * an unknown id is its own long prompt written for GPT; this one line tells the model only where it is and which
 * tools edit the user's files, and leaves the rest to the upstream's own prompt.
 */
const INSTRUCTIONS =
  "You are a coding agent in Codex CLI, working in the user's workspace: " +
  'run commands with the shell tool and edit files with apply_patch.';

/**
 * The efforts Codex may send as `reasoning.effort` that the Responses route turns into a thinking budget
 * (`none` turns thinking off). No default: like a client that names none, Codex then asks for no thinking.
 */
const REASONING_LEVELS: ReasoningLevel[] = (['none', 'low', 'medium', 'high', 'xhigh'] as const).map((effort) => ({
  effort,
  description:
    REASONING_BUDGETS[effort] === 0
      ? 'No thinking'
      : `Thinking budget of ${REASONING_BUDGETS[effort]} tokens on Generation A; thinking on for Generation B`,
}));

/**
 * How much of a tool's output Codex keeps in the conversation; 10,000 tokens is the bound Codex applies to its own
 * models, which a Claude context window holds as easily.
 */
const TOOL_OUTPUT_TOKENS = 10_000;

function codexEntry(id: string, upstreamModel: string, priority: number): CodexModelEntry {
  const entry: CodexModelEntry = {
    slug: id,
    // The name Codex's model picker shows: the one `GET /v1/models` gives every other client.
    display_name: displayName(id, upstreamModel),
    description: `${id} through Orchids Tray`,
    supported_reasoning_levels: REASONING_LEVELS,
    // exec_command and write_stdin: the shell Codex gives its own models, which the proxy maps Bash onto.
    shell_type: 'unified_exec',
    visibility: 'list',
    supported_in_api: true,
    priority,
    // The upstream has no verbosity setting to carry `text.verbosity` to.
    support_verbosity: false,
    truncation_policy: { mode: 'tokens', limit: TOOL_OUTPUT_TOKENS },
    experimental_supported_tools: [],
    // With a search tool Codex declares its sub-agent and MCP tools only behind `tool_search`, which the upstream
    // cannot run (it is left out): without one, they come as namespaces, which the proxy offers.
    supports_search_tool: false,
    apply_patch_tool_type: 'freeform',
    input_modalities: ['text', 'image'],
    base_instructions: INSTRUCTIONS,
  };
  // Codex compacts its history on its own as it nears the window it is told; without one it never does, and a long
  // session runs into the upstream's refusal.
  const window = contextWindowFor(upstreamModel);
  if (window !== undefined) entry.context_window = window;
  return entry;
}

/**
 * Every id the model map lists, as Codex's catalog. A pattern (`claude-sonnet-*`) names no id, so an id only a
 * pattern maps is not in it, and Codex falls back for it as before.
 */
export function codexCatalog(map: ModelMap): { models: CodexModelEntry[] } {
  return { models: listedModels(map).map((id, i) => codexEntry(id, map[id]!, i)) };
}

/** Whether a `GET /v1/models` query string is Codex's catalog request. */
export function isCodexCatalogQuery(queryString: string): boolean {
  return new URLSearchParams(queryString).has(CODEX_CATALOG_QUERY);
}
