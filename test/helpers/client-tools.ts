/**
 * Tool lists as real clients declare them, for the tool-name and input-repair tests: Claude Code from the recorded
 * 2.1.197 request, the others written from each project's tool definitions (parameter names and required keys as
 * they declare them; descriptions left out).
 */
import fs from 'node:fs';
import type { ToolDefinition } from '../../main/core/anthropic/types';
import { CLAUDE_CODE_REQUEST } from './fixtures';

type Props = Record<string, unknown>;
const str = { type: 'string' };
const num = { type: 'number' };
const bool = { type: 'boolean' };

function tool(name: string, properties: Props, required: string[] = [], closed = false): ToolDefinition {
  const input_schema: Props = { type: 'object', properties };
  if (required.length > 0) input_schema.required = required;
  if (closed) input_schema.additionalProperties = false;
  return { name, description: `${name} tool`, input_schema };
}

/** The 24 tools Claude Code 2.1.197 sent, every schema with `additionalProperties: false`. */
export function claudeCodeTools(): ToolDefinition[] {
  return (JSON.parse(fs.readFileSync(CLAUDE_CODE_REQUEST, 'utf8')) as { tools: ToolDefinition[] }).tools;
}

/**
 * Claude Code 2.1.3xx with its tool search on: a few tools whole, its ToolSearch, and a placeholder that is never to
 * be called; the rest it names in a reminder (`deferredToolsReminder`).
 */
export function claudeCodeWithToolSearch(): ToolDefinition[] {
  const resident = ['Agent', 'Bash', 'Edit', 'Read', 'Skill', 'Write'];
  return [
    ...claudeCodeTools().filter((declared) => resident.includes(declared.name)),
    tool('ToolSearch', { query: str, max_results: num }, ['query'], true),
    { name: 'DeferredToolPlaceholder', input_schema: { type: 'object', properties: {} }, defer_loading: true },
  ];
}

/** The reminder in which Claude Code names the tools its tool search holds back (this wording, not its prose). */
export function deferredToolsReminder(names: string[], now = 'now '): string {
  return (
    `<system-reminder>\nThe following deferred tools are ${now}available via ToolSearch. Load them first:\n` +
    `${names.join('\n')}\n</system-reminder>`
  );
}

/** Claude Code's file-search tools of earlier versions (2.1.197 searches through Bash instead). */
export const CLAUDE_CODE_SEARCH_TOOLS: ToolDefinition[] = [
  tool('Glob', { pattern: str, path: str }, ['pattern'], true),
  tool('Grep', { pattern: str, path: str, glob: str, output_mode: str, '-i': bool }, ['pattern'], true),
  tool('LS', { path: str, ignore: { type: 'array', items: str } }, ['path'], true),
  tool('TodoWrite', { todos: { type: 'array', items: { type: 'object' } } }, ['todos'], true),
];

/** Cline (src/core/prompts/system-prompt/tools). */
export const CLINE_TOOLS: ToolDefinition[] = [
  tool('execute_command', { command: str, requires_approval: bool }, ['command', 'requires_approval']),
  tool('read_file', { path: str }, ['path']),
  tool('write_to_file', { path: str, content: str }, ['path', 'content']),
  tool('replace_in_file', { path: str, diff: str }, ['path', 'diff']),
  tool('search_files', { path: str, regex: str, file_pattern: str }, ['path', 'regex']),
  tool('list_files', { path: str, recursive: bool }, ['path']),
  tool('list_code_definition_names', { path: str }, ['path']),
  tool('web_fetch', { url: str }, ['url']),
  tool('new_task', { context: str }, ['context']),
  tool('ask_followup_question', { question: str, options: str }, ['question']),
  tool('attempt_completion', { result: str, command: str }, ['result']),
];

/** opencode (packages/opencode/src/tool), camelCase keys. */
export const OPENCODE_TOOLS: ToolDefinition[] = [
  tool('bash', { command: str, timeout: num, description: str }, ['command', 'description']),
  tool('read', { filePath: str, offset: num, limit: num }, ['filePath']),
  tool('write', { content: str, filePath: str }, ['content', 'filePath']),
  tool('edit', { filePath: str, oldString: str, newString: str, replaceAll: bool }, [
    'filePath',
    'oldString',
    'newString',
  ]),
  tool('multiedit', { filePath: str, edits: { type: 'array', items: { type: 'object' } } }, ['filePath', 'edits']),
  tool('glob', { pattern: str, path: str }, ['pattern']),
  tool('grep', { pattern: str, path: str, include: str }, ['pattern']),
  tool('list', { path: str, ignore: { type: 'array', items: str } }),
  tool('webfetch', { url: str, format: { type: 'string', enum: ['text', 'markdown', 'html'] }, timeout: num }, [
    'url',
    'format',
  ]),
  tool('todowrite', { todos: { type: 'array', items: { type: 'object' } } }, ['todos']),
  tool('todoread', {}),
  tool('task', { description: str, prompt: str, subagent_type: str }, ['description', 'prompt', 'subagent_type']),
];

/** Anthropic-defined client tools: only a type and a name travel in the request. */
export const ANTHROPIC_DEFINED_TOOLS: ToolDefinition[] = [
  { type: 'bash_20250124', name: 'bash' },
  { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' },
];

const lineNumber = { anyOf: [{ type: 'integer', exclusiveMinimum: 0 }, { type: 'null' }] };
const listOf = (items: Props): Props => ({ type: 'array', items });
const closedObject = (properties: Props, required: string[]): Props => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

/**
 * Cline CLI 3.0.65 as its request declares its tools (test/integration/cline-cli.test.ts runs it), the file, shell,
 * search and fetch tools and the sub-agent one; the `team_*` tools and `ask_question` left out, and `web_search`,
 * which is a server tool.
 */
export const CLINE_CLI_TOOLS: ToolDefinition[] = [
  tool(
    'read_files',
    { files: listOf(closedObject({ path: str, start_line: lineNumber, end_line: lineNumber }, ['path'])) },
    ['files'],
    true,
  ),
  tool('search_codebase', { queries: listOf(str) }, ['queries'], true),
  tool('run_commands', { commands: listOf(str) }, ['commands'], true),
  tool(
    'fetch_web_content',
    { requests: listOf(closedObject({ url: str, prompt: { type: 'string', minLength: 2 } }, ['url', 'prompt'])) },
    ['requests'],
    true,
  ),
  tool(
    'editor',
    {
      path: { type: 'string', minLength: 1 },
      old_text: { anyOf: [str, { type: 'null' }] },
      new_text: str,
      insert_line: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
    },
    ['path', 'new_text'],
    true,
  ),
  tool('spawn_agent', { systemPrompt: str, task: str }, ['systemPrompt', 'task'], true),
];

/** Continue CLI 1.5.47's file tools as `cn -p --auto` declares them (test/integration/continue-edit-routes.test.ts). */
export const CONTINUE_CLI_TOOLS: ToolDefinition[] = [
  tool('Read', { filepath: str }, ['filepath']),
  tool('Write', { filepath: str, content: str }, ['filepath', 'content']),
  tool(
    'MultiEdit',
    {
      file_path: str,
      edits: listOf({
        type: 'object',
        properties: { old_string: str, new_string: str, replace_all: bool },
        required: ['old_string', 'new_string'],
      }),
    },
    ['file_path', 'edits'],
  ),
];

/**
 * The same, for a model cn 1.5.47 does not count as capable (an id and config name without `claude`, `gpt`, `gemini`
 * and the like, e.g. `glm-5`): its one-edit `Edit` in Claude Code's keys in place of `MultiEdit`.
 */
export const CONTINUE_CLI_EDIT_TOOLS: ToolDefinition[] = [
  ...CONTINUE_CLI_TOOLS.filter((t) => t.name !== 'MultiEdit'),
  tool('Edit', { file_path: str, old_string: str, new_string: str, replace_all: bool }, [
    'file_path',
    'old_string',
    'new_string',
  ]),
];

/**
 * Codex CLI 0.171's tools as far as these tests need them: its shell, its only tool that can look at files, and its
 * question tool, each of whose questions needs an id.
 */
export const CODEX_TOOLS: ToolDefinition[] = [
  tool('exec_command', { cmd: str, workdir: str }, ['cmd'], true),
  tool(
    'request_user_input',
    {
      questions: listOf({
        type: 'object',
        properties: {
          id: str,
          header: str,
          question: str,
          options: listOf(closedObject({ label: str, description: str }, ['label', 'description'])),
        },
        required: ['id', 'header', 'question', 'options'],
      }),
    },
    ['questions'],
    true,
  ),
];

/** Codex CLI 0.171's freeform apply_patch, as the Responses API route declares it to the proxy's core. */
export const CODEX_APPLY_PATCH: ToolDefinition = {
  name: 'apply_patch',
  input_schema: { type: 'object', properties: { input: { type: 'string' } }, required: ['input'] },
};

/**
 * Qwen Code 0.24.4's file and shell tools as its bundle declares them (it sends the rest through `tool_search`).
 */
export const QWEN_CODE_TOOLS: ToolDefinition[] = [
  tool(
    'read_file',
    {
      file_path: str,
      offset: {
        type: ['integer', 'null'],
        description:
          "Optional: For text files, the 0-based line number to start reading from. Requires 'limit' to be set.",
      },
      limit: { type: ['integer', 'null'] },
    },
    ['file_path'],
  ),
  tool('edit', { file_path: str, old_string: str, new_string: str, replace_all: bool }, [
    'file_path',
    'old_string',
    'new_string',
  ]),
  tool('write_file', { file_path: str, content: str }, ['file_path', 'content']),
  tool('run_shell_command', { command: str, is_background: bool, timeout: num, description: str, directory: str }, [
    'command',
  ]),
];

/**
 * What `qwen -p --approval-mode plan` (0.24.4) declares, as qwen-code-gen-a.test.ts saw it: no edit, write or shell,
 * its `read_file`, `glob` and `grep_search`, its sub-agent and its tool bridge (`tool_search`, `tool_call`).
 */
export const QWEN_CODE_PLAN_TOOLS: ToolDefinition[] = [
  QWEN_CODE_TOOLS[0]!,
  tool('glob', { pattern: str, path: str }, ['pattern']),
  tool('grep_search', { pattern: str, glob: str, path: str, limit: num }, ['pattern']),
  tool('agent', { description: str, prompt: str, subagent_type: str, run_in_background: bool }, [
    'description',
    'prompt',
  ]),
  tool('tool_search', { query: str, max_results: num }, ['query']),
  tool('tool_call', { name: str, arguments: { type: 'object' } }, ['name']),
];

/**
 * pi 0.73.1's (`@mariozechner/pi-coding-agent`) built-in tools as its bundle declares them, every schema closed:
 * its edit takes a list of edits whose keys are `oldText` and `newText`.
 */
export const PI_TOOLS: ToolDefinition[] = [
  tool('read', { path: str, offset: num, limit: num }, ['path'], true),
  tool('bash', { command: str, timeout: num }, ['command'], true),
  tool(
    'edit',
    { path: str, edits: listOf(closedObject({ oldText: str, newText: str }, ['oldText', 'newText'])) },
    ['path', 'edits'],
    true,
  ),
  tool('write', { path: str, content: str }, ['path', 'content'], true),
];

/** pi 0.73.1's search tools, declared only when its `--tools` names them, each schema closed. */
export const PI_SEARCH_TOOLS: ToolDefinition[] = [
  tool(
    'grep',
    { pattern: str, path: str, glob: str, ignoreCase: bool, literal: bool, context: num, limit: num },
    ['pattern'],
    true,
  ),
  tool('find', { pattern: str, path: str, limit: num }, ['pattern'], true),
  tool('ls', { path: str, limit: num }, [], true),
];
