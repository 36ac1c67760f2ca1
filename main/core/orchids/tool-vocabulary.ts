/**
 * What is known about tool names and tool inputs across agents and clients: the Orchids agent's own Claude
 * Code-style tools (gen-b 7.2), and what Claude Code, Cline, opencode and Anthropic's defined tools declare.
 * Data only; tool-names.ts and tool-input-repair.ts act on it.
 *
 * Sources for the client side: Claude Code 2.1.197's request (test/fixtures/claude-code), Cline's tool specs
 * (src/core/prompts/system-prompt/tools/*.ts), Cline CLI 3.0.65's request, opencode's tools
 * (packages/opencode/src/tool/*.ts), Anthropic's text editor and bash tool documentation, and Codex CLI 0.171's
 * request (its shell tool is `exec_command`).
 *
 * Cline CLI 3.0.65 declares every schema closed (`additionalProperties: false`), each taking a list where the
 * agent's tool takes one item, except `editor`:
 * - `run_commands`: `commands` (required), a list of command strings.
 * - `read_files`: `files` (required), a list of `{ path (required), start_line, end_line }`, the lines one-based
 *   and inclusive, each an integer above 0 or null.
 * - `search_codebase`: `queries` (required), a list of regular expressions searched for in the contents of the
 *   workspace's files (not their names), with no path or file filter.
 * - `fetch_web_content`: `requests` (required), a list of `{ url, prompt }`, both required, the prompt at least two
 *   characters.
 * - `editor`: `path` and `new_text` (required), `old_text` (string or null), `insert_line` (integer or null); no
 *   command key. With `old_text` it replaces that text, which must occur exactly once; without it, it creates a
 *   missing file from `new_text` and refuses an existing one; `old_text` "" on a missing file creates it too.
 * - `spawn_agent`: `systemPrompt` ("System prompt defining the sub-agent's behavior") and `task` ("Task for the
 *   sub-agent to complete"), both required strings; it waits for the sub-agent and returns its result.
 * - `ask_question`: `question` and `options` (both required), one question and a list of 2-5 option strings, which
 *   its window shows for the user to pick from (or type an answer); the result is the answer's text.
 * - also the `team_*` tools, and `web_search`, a server tool (web_search_20250305).
 *
 * Anthropic's text editor `view` takes `view_range: [first, last]`, one-based and inclusive, last -1 for the end
 * of the file.
 */

/**
 * Tool names used interchangeably, compared case-insensitively. The first entry is the canonical (Claude Code)
 * name; the rest are in order of preference when the client declares more than one of them.
 */
export const ALIAS_GROUPS: ReadonlyArray<readonly string[]> = [
  ['Read', 'read_file', 'readfile', 'read', 'view', 'view_file', 'file_read', 'read_files'],
  ['Write', 'write_to_file', 'write_file', 'create_file', 'write', 'file_write'],
  [
    'Edit',
    'replace_in_file',
    'edit',
    'edit_file',
    'str_replace',
    'file_edit',
    'str_replace_based_edit_tool',
    'str_replace_editor',
    'text_editor',
    'editor',
  ],
  ['MultiEdit', 'multiedit', 'multi_edit'],
  [
    'Bash',
    'execute_command',
    'bash',
    'run_command',
    'launch-process',
    'execute',
    'exec',
    'shell',
    'run_terminal_cmd',
    'exec_command',
    'run_commands',
    'run_shell_command',
  ],
  // pi's `find` takes the agent's glob as its `pattern`.
  ['Glob', 'glob', 'find_files', 'file_search', 'find'],
  ['LS', 'list_files', 'list', 'ls', 'list_dir', 'list_directory'],
  ['Grep', 'grep', 'search_files', 'ripgrep', 'search_code', 'grep_search', 'rg', 'search_codebase'],
  ['TodoWrite', 'todowrite', 'todo_write', 'update_todo_list'],
  ['TodoRead', 'todoread', 'todo_read'],
  ['Task', 'Agent', 'task', 'new_task', 'subagent', 'spawn_agent', 'dispatch_agent'],
  ['WebFetch', 'web_fetch', 'webfetch', 'fetch', 'fetch_url', 'fetch_web_content'],
  ['WebSearch', 'web_search', 'websearch'],
  ['NotebookEdit', 'notebook_edit', 'edit_notebook'],
  ['Skill', 'use_skill'],
  // Claude Code's questions to the user, Codex CLI's (declared by default; it answers only in its Plan mode) and
  // Continue CLI's and Cline CLI's, one question a call (orchids/question-compose.ts rewrites the list for them).
  ['AskUserQuestion', 'ask_user_question', 'request_user_input', 'AskQuestion', 'ask_question'],
];

/**
 * When a client declares nothing of a group, a tool of these groups serves instead: Anthropic's text editor views,
 * creates and edits files, Cline CLI's `editor` creates a file that does not exist yet from its `new_text` (a Write
 * over an existing file it refuses, and says so to the agent), and a shell reads, lists and searches as a last resort
 * (orchids/shell-compose.ts writes the command).
 *
 * DECISION: no MultiEdit → an Edit-group tool here. Such a tool replaces one text per call and the agent's MultiEdit
 * is one call with several edits; as one edit spanning them the old text would have to be the file's text between
 * the first and the last, which the call does not carry. A client with an Edit gets one call an edit instead
 * (anthropic/multi-edit.ts).
 * DECISION: a directory listing goes to the client's shell (`ls -la`) before its glob. Every client glob seen lists
 * files only (Qwen Code 0.24's walks with `nodir`, opencode's and Claude Code's run `rg --files`), so a glob of `*`
 * showed the agent no subfolder, and a folder holding only folders as empty. A glob stays the listing of a client
 * with no shell.
 * The agent's Glob and LS have no Cline CLI tool (`search_codebase` searches contents, not file names): they run
 * on its shell.
 */
export const GROUP_FALLBACKS: ReadonlyMap<string, readonly string[]> = new Map([
  ['LS', ['str_replace_based_edit_tool', 'str_replace_editor', 'text_editor', 'Bash', 'Glob']],
  ['Read', ['str_replace_based_edit_tool', 'str_replace_editor', 'text_editor', 'Bash']],
  ['Glob', ['Bash']],
  ['Grep', ['Bash']],
  ['Write', ['str_replace_based_edit_tool', 'str_replace_editor', 'text_editor', 'apply_patch', 'editor']],
  // Continue's CLI has a MultiEdit and no Edit (orchids/edit-compose.ts makes the edit a list of one); Codex CLI
  // edits files only through a patch (orchids/patch-compose.ts writes the agent's edits as one).
  ['Edit', ['MultiEdit', 'apply_patch']],
  ['MultiEdit', ['apply_patch']],
  // Codex CLI's plan tool, declared when its config turns it on, and Continue's Markdown checklist
  // (orchids/plan-compose.ts rewrites the list for either).
  ['TodoWrite', ['update_plan', 'Checklist']],
  // Codex CLI's sub-agents are asynchronous: a Task becomes a spawn the proxy then waits on (gen-b/sub-agent-task.ts).
  ['Task', ['multi_agent_v1__spawn_agent']],
]);

/** Anthropic's text editor: one tool whose `command` says what the call does. */
export const TEXT_EDITOR_NAMES: ReadonlySet<string> = new Set([
  'str_replace_based_edit_tool',
  'str_replace_editor',
  'text_editor',
]);
/** The text editor `command` that does what the agent's tool of each canonical group did. */
export const TEXT_EDITOR_COMMAND: ReadonlyMap<string, string> = new Map([
  ['Read', 'view'],
  ['LS', 'view'],
  ['Write', 'create'],
  ['Edit', 'str_replace'],
]);

/**
 * The input keys the Orchids agent's tools are known to send, by canonical group: Claude Code's parameters plus
 * what the protocol shows the agent sending besides (`path` for Read, gen-b 8.4; `overwrite` for Write). Used only
 * to predict whether a streamed call may need repair before its input has arrived.
 */
export const AGENT_INPUT_KEYS: ReadonlyMap<string, readonly string[]> = new Map([
  ['Read', ['file_path', 'path', 'offset', 'limit']],
  ['Write', ['file_path', 'content', 'overwrite']],
  ['Edit', ['file_path', 'old_string', 'new_string', 'replace_all']],
  ['MultiEdit', ['file_path', 'edits']],
  ['Bash', ['command', 'description', 'timeout', 'run_in_background']],
  ['Glob', ['pattern', 'path']],
  ['LS', ['path', 'ignore']],
  ['Grep', ['pattern', 'path', 'glob', 'type', 'output_mode', '-i', '-n', '-A', '-B', '-C', 'head_limit', 'multiline']],
  ['TodoWrite', ['todos']],
  ['TodoRead', []],
  ['Task', ['description', 'prompt', 'subagent_type']],
  ['WebFetch', ['url', 'prompt']],
  ['WebSearch', ['query', 'allowed_domains', 'blocked_domains']],
  ['NotebookEdit', ['notebook_path', 'cell_id', 'new_source', 'cell_type', 'edit_mode']],
  ['AskUserQuestion', ['questions']],
]);

/**
 * Input keys that mean the same thing, most common first. Spelling variants (`filePath`/`file_path`,
 * `replaceAll`/`replace_all`) need no entry: keys are compared without case, `_` and `-`.
 */
export const KEY_SYNONYMS: ReadonlyArray<readonly string[]> = [
  // `dirpath` last: only a tool naming none of the file's keys (Continue's List) takes a path under it.
  ['file_path', 'path', 'absolute_path', 'target_file', 'file', 'filename', 'dirpath', 'directory'],
  ['command', 'cmd'],
  // Qwen Code's shell runs a command in the background under its own name for the agent Bash's switch.
  ['run_in_background', 'is_background'],
  ['pattern', 'regex', 'query'],
  ['glob', 'include', 'file_pattern'],
  ['content', 'file_text', 'contents'],
  ['old_string', 'old_str', 'old_text'],
  ['new_string', 'new_str', 'new_text'],
  ['prompt', 'context'],
  // The agent Grep's case switch, for a client tool that takes one under another name (else grep-case.ts).
  ['-i', 'ignore_case', 'case_insensitive'],
];

/**
 * Keys that mean the same only in a call from one agent tool, tried after KEY_SYNONYMS: a Write's `content` is the
 * whole new text of a file, which an editor that creates a missing file from its new text (Cline CLI's `editor`)
 * takes in the key an Edit's `new_string` goes to.
 */
export const KEY_SYNONYMS_BY_TOOL: ReadonlyMap<string, ReadonlyArray<readonly string[]>> = new Map([
  ['Write', [['content', 'new_text', 'new_string', 'new_str']]],
  // A Task's prompt is the whole of what the sub-agent is to do: Cline CLI's spawn_agent calls that its task. The
  // kind of sub-agent it asks for is the one Continue's Subagent names (tool-input-values.ts fits the value).
  [
    'Task',
    [
      ['prompt', 'task'],
      ['subagent_type', 'subagent_name'],
    ],
  ],
  // The agent Grep's lines around each match and its cap on what it returns, as pi's grep names them (`context`, a
  // Task's prompt elsewhere; `limit`, the most matches it gives).
  [
    'Grep',
    [
      ['-C', 'context'],
      ['head_limit', 'limit'],
    ],
  ],
]);

/**
 * A line range in the forms agents and clients give it. The agent's Read sends the first line (`offset`, where 0
 * and 1 both mean the top) and a count (`limit`); Cline CLI's `read_files` takes the first and the last line, both
 * one-based and inclusive; Anthropic's text editor takes the same two lines as one pair, -1 for "to the end".
 */
export const LINE_RANGE = {
  agent: { first: 'offset', count: 'limit' },
  client: { first: 'start_line', last: 'end_line' },
  clientPair: { key: 'view_range', toEnd: -1 },
} as const;

/**
 * A sub-agent as the agent's Task describes it and as a client that wants its instructions spelled out takes it.
 * The Task names a kind of agent (`subagent_type`, which picks a preset prompt in Claude Code and opencode) and a
 * few words on its job (`description`); Cline CLI's `spawn_agent` has no presets and requires a `systemPrompt`.
 */
export const SUB_AGENT = {
  /** `kinds`: the keys a kind of sub-agent is named under, the agent's first (Continue's Subagent: `subagent_name`). */
  agent: { kind: 'subagent_type', summary: 'description', kinds: ['subagent_type', 'subagent_name'] },
  client: { instructions: 'systemPrompt', background: 'run_in_background' },
} as const;

/**
 * How long a shell call waits for its command. The agent's Bash waits for the command to end, up to its `timeout`
 * (ms; two minutes when it names none), unless it runs it in the background; Codex CLI's `exec_command` waits
 * `yield_time_ms` (10 s by default, at most 30 s in Codex 0.171, which clamps a larger value) and then answers with
 * a session id instead of the output, which the agent cannot poll: it has no tool for Codex's `write_stdin`.
 */
export const SHELL_WAIT = {
  agent: { timeout: 'timeout', background: 'run_in_background', defaultMs: 120_000 },
  client: { wait: 'yield_time_ms' },
} as const;

/**
 * What a to-do item the agent writes (Claude Code 2's `{content, status, activeForm}`) lacks and a client's to-do
 * tool may require of each item, with the value it gets: opencode's `todowrite` requires a `priority` (high, medium
 * or low), which the agent never says; the middle one claims nothing.
 */
export const TODO_ITEM_DEFAULTS: ReadonlyArray<readonly [string, string]> = [['priority', 'medium']];

/**
 * The key a client's to-do tool may require each item to be known by, which the agent's items lack: Qwen Code 0.24.4's
 * `todo_write` (declared when its `tools.todoWrite.enabled` setting is on) requires an `id` string. An item is given
 * its words (`from`) as its id, not its place: the agent writes its whole list each time, and Qwen Code matches each
 * item to the one before by id, telling its TodoCompleted hooks the status an item had before; by place, a list the
 * agent reordered or cut gave an item the status of the one that had been in its place.
 */
export const TODO_ITEM_ID = { key: 'id', from: 'content' } as const;

/**
 * Questions to the user. The agent's AskUserQuestion (Claude Code's) takes `questions: [{question, header, options:
 * [{label, description}], multiSelect}]`; Codex CLI 0.171's `request_user_input` takes the same list but requires
 * each question's `id` ("Stable identifier for mapping answers (snake_case)"), which the agent never writes, and
 * refuses the whole call without it. The id is made from the question's header, else its text.
 */
export const QUESTIONS = { list: 'questions', id: 'id', idFrom: ['header', 'question'] } as const;

/** `filePath`, `file_path` and `file-path` are one key. */
export function normalizeKey(key: string): string {
  return key.replace(/[_-]/g, '').toLowerCase();
}
