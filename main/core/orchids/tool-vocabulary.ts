/**
 * What is known about tool names and tool inputs across agents and clients: the Orchids agent's own Claude
 * Code-style tools (gen-b 7.2), and what Claude Code, Cline, opencode and Anthropic's defined tools declare.
 * Data only; tool-names.ts and tool-input-repair.ts act on it.
 *
 * Sources for the client side: Claude Code 2.1.197's request (test/fixtures/claude-code), Cline's tool specs
 * (src/core/prompts/system-prompt/tools/*.ts) and Cline CLI 3.0's request (`run_commands`, `read_files`),
 * opencode's tools (packages/opencode/src/tool/*.ts), Anthropic's text editor and bash tool documentation, and
 * Codex CLI 0.171's request (its shell tool is `exec_command`).
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
  ],
  ['Glob', 'glob', 'find_files', 'file_search'],
  ['LS', 'list_files', 'list', 'ls', 'list_dir', 'list_directory'],
  ['Grep', 'grep', 'search_files', 'ripgrep', 'search_code', 'grep_search', 'rg'],
  ['TodoWrite', 'todowrite', 'todo_write', 'update_todo_list'],
  ['TodoRead', 'todoread', 'todo_read'],
  ['Task', 'Agent', 'task', 'new_task', 'subagent', 'spawn_agent', 'dispatch_agent'],
  ['WebFetch', 'web_fetch', 'webfetch', 'fetch', 'fetch_url'],
  ['WebSearch', 'web_search', 'websearch'],
  ['NotebookEdit', 'notebook_edit', 'edit_notebook'],
  ['Skill', 'use_skill'],
];

/**
 * When a client declares nothing of a group, a tool of these groups serves instead: a directory listing is a glob
 * of one level, Anthropic's text editor views, creates and edits files, and a shell reads, lists and searches as a
 * last resort (orchids/shell-compose.ts writes the command).
 */
export const GROUP_FALLBACKS: ReadonlyMap<string, readonly string[]> = new Map([
  ['LS', ['Glob', 'str_replace_based_edit_tool', 'str_replace_editor', 'text_editor', 'Bash']],
  ['Read', ['str_replace_based_edit_tool', 'str_replace_editor', 'text_editor', 'Bash']],
  ['Glob', ['Bash']],
  ['Grep', ['Bash']],
  ['Write', ['str_replace_based_edit_tool', 'str_replace_editor', 'text_editor', 'apply_patch']],
  // Codex CLI edits files only through a patch (orchids/patch-compose.ts writes the agent's edits as one).
  ['Edit', ['apply_patch']],
  ['MultiEdit', ['apply_patch']],
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
]);

/**
 * Input keys that mean the same thing, most common first. Spelling variants (`filePath`/`file_path`,
 * `replaceAll`/`replace_all`) need no entry: keys are compared without case, `_` and `-`.
 */
export const KEY_SYNONYMS: ReadonlyArray<readonly string[]> = [
  // `dirpath` last: only a tool naming none of the file's keys (Continue's List) takes a path under it.
  ['file_path', 'path', 'absolute_path', 'target_file', 'file', 'filename', 'dirpath', 'directory'],
  ['command', 'cmd'],
  ['pattern', 'regex'],
  ['glob', 'include', 'file_pattern'],
  ['content', 'file_text', 'contents'],
  ['old_string', 'old_str', 'old_text'],
  ['new_string', 'new_str', 'new_text'],
  ['prompt', 'context'],
];

/** `filePath`, `file_path` and `file-path` are one key. */
export function normalizeKey(key: string): string {
  return key.replace(/[_-]/g, '').toLowerCase();
}
