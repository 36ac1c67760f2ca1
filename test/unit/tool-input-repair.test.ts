import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../main/core/anthropic/types';
import { clientToolSchema, inputRepairMayApply, repairToolInput } from '../../main/core/orchids/tool-mapping';
import {
  ANTHROPIC_DEFINED_TOOLS,
  CLAUDE_CODE_SEARCH_TOOLS,
  CLINE_CLI_TOOLS,
  CLINE_TOOLS,
  OPENCODE_TOOLS,
  PI_SEARCH_TOOLS,
  PI_TOOLS,
  QWEN_CODE_TOOLS,
  claudeCodeTools,
} from '../helpers/client-tools';
import { routeToolCall as route } from '../helpers/tool-routing';

const CLAUDE_CODE = claudeCodeTools();
const EARLIER_CLAUDE_CODE = [...CLAUDE_CODE, ...CLAUDE_CODE_SEARCH_TOOLS];

describe('repairToolInput: keys renamed toward the client schema', () => {
  it("renames the agent's Read path to Claude Code's file_path, and still coerces by type", () => {
    expect(route('Read', { path: '/tmp/demo.txt', limit: '20' }, CLAUDE_CODE)).toEqual({
      name: 'Read',
      input: { file_path: '/tmp/demo.txt', limit: 20 },
    });
  });

  it('renames file_path to path for Cline, and keeps key order', () => {
    expect(route('Write', { file_path: '/a', content: 'x' }, CLINE_TOOLS)).toEqual({
      name: 'write_to_file',
      input: { path: '/a', content: 'x' },
    });
    expect(Object.keys(route('Write', { file_path: '/a', content: 'x' }, CLINE_TOOLS).input)).toEqual([
      'path',
      'content',
    ]);
  });

  it('renames snake_case to the camelCase opencode declares', () => {
    const edit = { file_path: '/a', old_string: 'x', new_string: 'y', replace_all: 'true' };
    expect(route('Edit', edit, OPENCODE_TOOLS)).toEqual({
      name: 'edit',
      input: { filePath: '/a', oldString: 'x', newString: 'y', replaceAll: true },
    });
  });

  it("renames Grep's pattern and glob to Cline's regex and file_pattern", () => {
    expect(route('Grep', { pattern: 'TODO', path: 'src', glob: '*.ts' }, CLINE_TOOLS)).toEqual({
      name: 'search_files',
      input: { regex: 'TODO', path: 'src', file_pattern: '*.ts' },
    });
  });

  // Continue CLI's List requires `dirpath` (its own name, read from the request `cn` 1.5.47 sends).
  const CONTINUE_LIST: ToolDefinition[] = [
    {
      name: 'List',
      input_schema: { type: 'object', required: ['dirpath'], properties: { dirpath: { type: 'string' } } },
    },
  ];

  it("renames the agent's LS path to Continue's dirpath, and lists the working directory when it names none", () => {
    expect(route('LS', { path: '/repo' }, CONTINUE_LIST)).toEqual({ name: 'List', input: { dirpath: '/repo' } });
    expect(route('LS', {}, CONTINUE_LIST)).toEqual({ name: 'List', input: { dirpath: '.' } });
  });

  it('renames cmd to command', () => {
    expect(route('Bash', { cmd: 'ls' }, CLAUDE_CODE).input).toEqual({ command: 'ls' });
  });

  it("counts the agent's Read offset from 0 for Qwen Code's read_file, 2,000 lines when it names no limit", () => {
    const file_path = '/w/plan.txt';
    const agent = (input: Record<string, unknown>, tools = QWEN_CODE_TOOLS) => route('Read', input, tools, true).input;
    expect(agent({ file_path, offset: 3, limit: 2 })).toEqual({ file_path, limit: 2, offset: 2 });
    expect(agent({ file_path, offset: 1 })).toEqual({ file_path, offset: 0, limit: 2000 });
    expect(agent({ file_path, offset: 0, limit: 5 })).toEqual({ file_path, limit: 5, offset: 0 });
    expect(agent({ file_path })).toEqual({ file_path });
    expect(inputRepairMayApply('Read', 'read_file', QWEN_CODE_TOOLS)).toBe(true);
    // A read tool that does not say it counts from 0 (opencode's) gets the agent's offset as it is.
    expect(agent({ file_path, offset: 3, limit: 2 }, OPENCODE_TOOLS)).toEqual({
      filePath: file_path,
      offset: 3,
      limit: 2,
    });
  });

  it("keeps Generation A's offset for Qwen Code's read_file: it was shown the 0-based one", () => {
    const file_path = '/w/plan.txt';
    expect(route('Read', { file_path, offset: 1, limit: 1 }, QWEN_CODE_TOOLS, false).input).toEqual({
      file_path,
      offset: 1,
      limit: 1,
    });
    expect(route('read_file', { file_path, offset: 3 }, QWEN_CODE_TOOLS, false).input).toEqual({
      file_path,
      offset: 3,
    });
  });

  it("runs the agent's Bash on Qwen Code's run_shell_command, in the background under its is_background", () => {
    expect(route('Bash', { command: 'npm run dev', run_in_background: true }, QWEN_CODE_TOOLS)).toMatchObject({
      name: 'run_shell_command',
      input: { command: 'npm run dev', is_background: true },
    });
  });

  it('does not rename onto a key the input already has, nor without declared properties', () => {
    const open = { type: 'object', properties: { file_path: { type: 'string' } } };
    expect(repairToolInput({ file_path: '/a', path: '/b' }, open)).toEqual({ file_path: '/a', path: '/b' });
    expect(repairToolInput({ path: '/b' }, { type: 'object' })).toEqual({ path: '/b' });
    expect(repairToolInput({ path: '/b' }, undefined)).toEqual({ path: '/b' });
  });
});

describe('repairToolInput: keys dropped only under additionalProperties: false', () => {
  it("drops Write's overwrite for Claude Code, whose Write schema is closed", () => {
    const writeSchema = clientToolSchema('Write', CLAUDE_CODE);
    expect(writeSchema?.additionalProperties).toBe(false);
    expect(route('Write', { file_path: '/a', content: 'x', overwrite: true }, CLAUDE_CODE).input).toEqual({
      file_path: '/a',
      content: 'x',
    });
  });

  it('keeps an undeclared key where the schema is open', () => {
    expect(route('Write', { file_path: '/a', content: 'x', overwrite: true }, CLINE_TOOLS).input).toEqual({
      path: '/a',
      content: 'x',
      overwrite: true,
    });
  });

  it('drops a key that was left behind by a rename onto a key the input already had', () => {
    expect(route('Read', { file_path: '/a', path: '/b' }, CLAUDE_CODE).input).toEqual({ file_path: '/a' });
  });

  it('empties the input of a closed tool that takes no arguments', () => {
    expect(repairToolInput({ x: 1 }, { type: 'object', additionalProperties: false })).toEqual({});
  });
});

describe('repairToolInput: defaults for a required key the agent’s tool does not have', () => {
  it('gives a Glob "*" when a directory listing lands on it without a pattern', () => {
    // Only a client with no shell: one with a shell lists with `ls -la` (a glob shows no folder).
    const globOnly = [...CLAUDE_CODE.filter((t) => t.name !== 'Bash'), CLAUDE_CODE_SEARCH_TOOLS[0]!];
    expect(route('ls', { path: '/repo' }, globOnly)).toEqual({ name: 'Glob', input: { path: '/repo', pattern: '*' } });
    expect(route('list_dir', {}, globOnly).input).toEqual({ pattern: '*' });
  });

  it('leaves a pattern the call has, and gives no pattern to a tool that is not a glob', () => {
    expect(route('Glob', { pattern: '**/*.ts' }, EARLIER_CLAUDE_CODE).input).toEqual({ pattern: '**/*.ts' });
    expect(route('Grep', { path: 'src' }, EARLIER_CLAUDE_CODE).input).toEqual({ path: 'src' });
  });

  it("asks Cline's user to approve a command the agent runs", () => {
    expect(route('Bash', { command: 'npm test', description: 'run tests' }, CLINE_TOOLS)).toEqual({
      name: 'execute_command',
      input: { command: 'npm test', description: 'run tests', requires_approval: true },
    });
    const stringly = [
      {
        name: 'execute_command',
        input_schema: {
          type: 'object',
          properties: { command: { type: 'string' }, requires_approval: { type: 'string' } },
          required: ['requires_approval'],
        },
      },
    ];
    expect(route('Bash', { command: 'ls' }, stringly).input).toEqual({ command: 'ls', requires_approval: 'true' });
  });

  it("searches the working directory when Cline requires a path the agent's Grep left out, only for searches", () => {
    expect(route('Grep', { pattern: 'TODO' }, CLINE_TOOLS)).toEqual({
      name: 'search_files',
      input: { regex: 'TODO', path: '.' },
    });
    expect(route('Read', {}, CLINE_TOOLS).input).toEqual({});
  });

  it("writes Edit as a SEARCH/REPLACE diff for Cline's replace_in_file", () => {
    expect(
      route('Edit', { file_path: 'a.ts', old_string: 'let a = 1;', new_string: 'const a = 1;' }, CLINE_TOOLS),
    ).toEqual({
      name: 'replace_in_file',
      input: { path: 'a.ts', diff: '------- SEARCH\nlet a = 1;\n=======\nconst a = 1;\n+++++++ REPLACE' },
    });
  });

  it("gives opencode's webfetch the markdown format it requires", () => {
    expect(route('WebFetch', { url: 'https://example.test', prompt: 'sum up' }, OPENCODE_TOOLS).input).toEqual({
      url: 'https://example.test',
      prompt: 'sum up',
      format: 'markdown',
    });
  });

  it.each([
    ['Read', { file_path: '/a.ts', offset: 10, limit: 5 }, { path: '/a.ts', view_range: [10, 14], command: 'view' }],
    ['LS', { path: '/repo' }, { path: '/repo', command: 'view' }],
    [
      'Write',
      { file_path: '/a.ts', content: 'x', overwrite: true },
      { path: '/a.ts', file_text: 'x', command: 'create' },
    ],
    [
      'Edit',
      { file_path: '/a.ts', old_string: 'a', new_string: 'b', replace_all: false },
      { path: '/a.ts', old_str: 'a', new_str: 'b', command: 'str_replace' },
    ],
  ])("turns the agent's %s into Anthropic's text editor command", (upstream, input, expected) => {
    expect(route(upstream, input, ANTHROPIC_DEFINED_TOOLS)).toEqual({
      name: 'str_replace_based_edit_tool',
      input: expected,
    });
  });

  it.each([
    [{ offset: 7 }, [7, -1]],
    [{ limit: 20 }, [1, 20]],
    // Offset 0 is the top of the file, as for read_files; a limit of 0 sets no end.
    [{ offset: 0, limit: 3 }, [1, 3]],
    [{ offset: 5, limit: 0 }, [5, -1]],
    [{ offset: '4', limit: '2' }, [4, 5]],
  ])("keeps the agent's Read line range %j as the text editor's view_range %j", (range, viewRange) => {
    for (const declared of [ANTHROPIC_DEFINED_TOOLS, [{ type: 'text_editor_20250124', name: 'str_replace_editor' }]])
      expect(route('Read', { file_path: '/a.ts', ...range }, declared).input).toEqual({
        path: '/a.ts',
        view_range: viewRange,
        command: 'view',
      });
  });

  it('sends the text editor no view_range for a line range that is no line number, and keeps one it was given', () => {
    expect(route('Read', { file_path: '/a.ts', offset: -2, limit: 'many' }, ANTHROPIC_DEFINED_TOOLS).input).toEqual({
      path: '/a.ts',
      command: 'view',
    });
    const given = { file_path: '/a.ts', offset: 3, view_range: [8, 9] };
    expect(route('Read', given, ANTHROPIC_DEFINED_TOOLS).input).toEqual({
      path: '/a.ts',
      view_range: [8, 9],
      command: 'view',
    });
  });

  it("keeps only command for Anthropic's bash tool", () => {
    expect(route('Bash', { command: 'ls', description: 'list', timeout: 5 }, ANTHROPIC_DEFINED_TOOLS)).toEqual({
      name: 'bash',
      input: { command: 'ls' },
    });
  });

  it('adds nothing without knowing where the call goes', () => {
    expect(repairToolInput({ path: '/repo' }, clientToolSchema('Glob', CLAUDE_CODE_SEARCH_TOOLS))).toEqual({
      path: '/repo',
    });
  });
});

describe('repairToolInput: Cline CLI 3 tools that take a list of one', () => {
  const CLINE_CLI = CLINE_CLI_TOOLS;

  it("gives the agent's Bash command as run_commands' one command", () => {
    expect(route('Bash', { command: 'cat plan.txt', description: 'Show it' }, CLINE_CLI)).toEqual({
      name: 'run_commands',
      input: { commands: ['cat plan.txt'] },
    });
  });

  it("gives the agent's Read file_path as read_files' one file entry", () => {
    expect(route('Read', { file_path: '/w/notes.txt' }, CLINE_CLI)).toEqual({
      name: 'read_files',
      input: { files: [{ path: '/w/notes.txt' }] },
    });
  });

  it.each([
    [
      { offset: 10, limit: 5 },
      { start_line: 10, end_line: 14 },
    ],
    [{ offset: 7 }, { start_line: 7 }],
    [{ limit: 20 }, { start_line: 1, end_line: 20 }],
    // The agent's offset 0 is the top of the file, as 1 is; read_files' lines start at 1.
    [
      { offset: 0, limit: 3 },
      { start_line: 1, end_line: 3 },
    ],
    [
      { offset: '4', limit: '2' },
      { start_line: 4, end_line: 5 },
    ],
  ])("keeps the agent's Read line range %j as read_files' first and last line %j", (range, lines) => {
    expect(route('Read', { file_path: '/w/notes.txt', ...range }, CLINE_CLI)).toEqual({
      name: 'read_files',
      input: { files: [{ path: '/w/notes.txt', ...lines }] },
    });
  });

  it('drops a line range that is no line number rather than send Cline one it rejects', () => {
    expect(route('Read', { file_path: '/w/a', offset: -2, limit: 'many' }, CLINE_CLI).input).toEqual({
      files: [{ path: '/w/a' }],
    });
  });

  it("gives the agent's Grep pattern as search_codebase's one query (caseless for -i), not its other filters", () => {
    const grep = { pattern: 'TODO\\(\\w+\\)', path: '/w/src', glob: '*.ts', output_mode: 'content', '-i': true };
    expect(route('Grep', grep, CLINE_CLI)).toEqual({
      name: 'search_codebase',
      input: { queries: ['[Tt][Oo][Dd][Oo]\\(\\w+\\)'] },
    });
  });

  it("gives the agent's WebFetch as fetch_web_content's one request", () => {
    expect(route('WebFetch', { url: 'https://example.test/a', prompt: 'Summarize it' }, CLINE_CLI)).toEqual({
      name: 'fetch_web_content',
      input: { requests: [{ url: 'https://example.test/a', prompt: 'Summarize it' }] },
    });
  });

  it('leaves a call that already has the list, or has nothing to put in it, as it was', () => {
    const schema = clientToolSchema('run_commands', CLINE_CLI);
    expect(repairToolInput({ commands: ['ls'] }, schema)).toEqual({ commands: ['ls'] });
    expect(repairToolInput({ description: 'x' }, schema)).toEqual({});
    expect(repairToolInput({ offset: 3 }, clientToolSchema('read_files', CLINE_CLI))).toEqual({});
  });
});

describe("repairToolInput: the agent's file edits as Cline CLI's editor", () => {
  it("gives Edit's old and new text as editor's old_text and new_text, and drops replace_all", () => {
    const edit = { file_path: '/w/a.ts', old_string: 'let x', new_string: 'const x', replace_all: false };
    expect(route('Edit', edit, CLINE_CLI_TOOLS)).toEqual({
      name: 'editor',
      input: { path: '/w/a.ts', old_text: 'let x', new_text: 'const x' },
    });
  });

  it("keeps an empty old text, with which the editor creates a missing file as the agent's Edit does", () => {
    expect(route('Edit', { file_path: '/w/new.ts', old_string: '', new_string: 'x\n' }, CLINE_CLI_TOOLS)).toEqual({
      name: 'editor',
      input: { path: '/w/new.ts', old_text: '', new_text: 'x\n' },
    });
  });

  it("gives Write's content as the new text of a file the editor creates, with no old text", () => {
    expect(route('Write', { file_path: '/w/b.md', content: '# B\n' }, CLINE_CLI_TOOLS)).toEqual({
      name: 'editor',
      input: { path: '/w/b.md', new_text: '# B\n' },
    });
  });

  it("still writes through a client's own Write, or Anthropic's text editor, before Cline's editor", () => {
    const both = [...CLINE_CLI_TOOLS, ...ANTHROPIC_DEFINED_TOOLS];
    expect(route('Write', { file_path: '/w/b.md', content: 'B' }, both)).toEqual({
      name: 'str_replace_based_edit_tool',
      input: { path: '/w/b.md', file_text: 'B', command: 'create' },
    });
  });
});

describe("repairToolInput: the agent's Task as a client's sub-agent tool", () => {
  const task = {
    description: 'Find config files.',
    prompt: 'List every *.ini file under /w and say what each sets.',
    subagent_type: 'general-purpose',
  };

  it("gives Cline CLI's spawn_agent the prompt as its task and a system prompt from the kind and description", () => {
    expect(route('Task', task, CLINE_CLI_TOOLS)).toEqual({
      name: 'spawn_agent',
      input: {
        task: 'List every *.ini file under /w and say what each sets.',
        systemPrompt: 'You are a general-purpose sub-agent. Your task: Find config files.',
      },
    });
  });

  it.each([
    [
      { subagent_type: 'Explore', description: 'scan the repo' },
      'You are an Explore sub-agent. Your task: scan the repo.',
    ],
    [{ subagent_type: 'Plan' }, 'You are a Plan sub-agent.'],
    [{ description: 'scan the repo' }, 'You are a sub-agent. Your task: scan the repo.'],
    [{ description: '  ', subagent_type: 3 }, 'You are a sub-agent.'],
    [{}, 'You are a sub-agent.'],
  ])('gives spawn_agent for a Task with %j the system prompt %j', (said, systemPrompt) => {
    expect(route('Agent', { prompt: 'Do it.', ...said }, CLINE_CLI_TOOLS).input).toEqual({
      task: 'Do it.',
      systemPrompt,
    });
  });

  it('keeps a system prompt or a task the call already has', () => {
    const own = { systemPrompt: 'You review code.', task: 'Review a.ts.', description: 'review' };
    expect(route('Task', own, CLINE_CLI_TOOLS).input).toEqual({
      systemPrompt: 'You review code.',
      task: 'Review a.ts.',
    });
  });

  it('writes no system prompt for a call from any other agent tool', () => {
    const schema = clientToolSchema('spawn_agent', CLINE_CLI_TOOLS);
    const route = { upstreamName: 'Bash', clientName: 'spawn_agent' };
    expect(repairToolInput({ description: 'x' }, schema, route)).toEqual({});
  });

  it("gives opencode's own Task-like tool the agent's Task unchanged", () => {
    const out = route('Task', task, OPENCODE_TOOLS);
    expect(out).toEqual({ name: 'task', input: task });
    expect(out.input).toBe(task);
  });

  it("runs Claude Code's Agent in the foreground, as the agent's Task waits for its sub-agent", () => {
    expect(route('Task', task, CLAUDE_CODE)).toEqual({ name: 'Agent', input: { ...task, run_in_background: false } });
    // Where the agent chose itself, its choice stands.
    const chosen = { ...task, run_in_background: true };
    expect(route('Task', chosen, CLAUDE_CODE).input).toEqual(chosen);
    expect(route('Task', { ...task, runInBackground: true }, CLAUDE_CODE).input).toEqual(chosen);
    // Another tool's call to the same schema is not a sub-agent the agent waits for.
    const schema = clientToolSchema('Agent', CLAUDE_CODE);
    expect(repairToolInput(task, schema, { upstreamName: 'Skill', clientName: 'Agent' })).toEqual(task);
  });
});

describe("repairToolInput: the agent's file tools as pi's", () => {
  it("gives the agent's Edit as pi's edit of one edit, in pi's oldText and newText", () => {
    const edit = { file_path: '/w/plan.txt', old_string: 'KIWI', new_string: 'PAPAYA' };
    expect(route('Edit', edit, PI_TOOLS)).toEqual({
      name: 'edit',
      input: { path: '/w/plan.txt', edits: [{ oldText: 'KIWI', newText: 'PAPAYA' }] },
    });
    expect(inputRepairMayApply('Edit', 'edit', PI_TOOLS)).toBe(true);
  });

  it("gives the agent's Read, Write and Bash pi's path and keeps their other keys", () => {
    expect(route('Read', { file_path: '/w/a', offset: 2, limit: 1 }, PI_TOOLS)).toEqual({
      name: 'read',
      input: { path: '/w/a', offset: 2, limit: 1 },
    });
    expect(route('Write', { file_path: '/w/a', content: 'x' }, PI_TOOLS).input).toEqual({ path: '/w/a', content: 'x' });
    expect(route('Bash', { command: 'ls', description: 'List' }, PI_TOOLS)).toEqual({
      name: 'bash',
      input: { command: 'ls' },
    });
  });
});

describe("repairToolInput: the agent's searches as pi's grep, find and ls (on when its --tools names them)", () => {
  const PI = [...PI_TOOLS, ...PI_SEARCH_TOOLS];

  it("gives the agent's Grep pi's grep with its case switch, lines of context and cap under pi's keys", () => {
    const grep = { pattern: 'MANGO', path: '/w', glob: '*.txt', '-i': true, output_mode: 'content', '-n': true };
    expect(route('Grep', { ...grep, '-C': 2, head_limit: 5 }, PI)).toEqual({
      name: 'grep',
      input: { pattern: 'MANGO', path: '/w', glob: '*.txt', ignoreCase: true, context: 2, limit: 5 },
    });
    expect(route('Grep', { pattern: 'MANGO' }, PI)).toEqual({ name: 'grep', input: { pattern: 'MANGO' } });
  });

  it("gives the agent's Glob pi's find, which takes the same glob, and its LS pi's ls", () => {
    expect(route('Glob', { pattern: '**/*.txt', path: '/w' }, PI)).toEqual({
      name: 'find',
      input: { pattern: '**/*.txt', path: '/w' },
    });
    expect(route('LS', { path: '/w', ignore: ['*.log'] }, PI)).toEqual({ name: 'ls', input: { path: '/w' } });
  });
});

describe('repairToolInput: what it never does', () => {
  it('passes an input that already fits through as the same object', () => {
    const input = { command: 'ls', timeout: 5 };
    expect(route('Bash', input, CLAUDE_CODE).input).toBe(input);
  });

  // Spec §10 item 17: the original kept only `content` of Bash, *edit* and *write* inputs.
  it.each([
    ['Bash', { command: 'npm test', description: 'Run the tests', timeout: 60000, run_in_background: false }],
    ['Edit', { file_path: '/a.ts', old_string: 'x', new_string: 'y', replace_all: true }],
    ['Write', { file_path: '/a.ts', content: 'export {};\n' }],
    ['NotebookEdit', { notebook_path: '/n.ipynb', cell_id: 'c1', new_source: 'print(1)', edit_mode: 'replace' }],
  ])('passes every key of a fitting %s input through, not just content', (name, input) => {
    expect(route(name, input, CLAUDE_CODE)).toEqual({ name, input });
  });

  it('does not reshape text that is not a JSON object', () => {
    const readSchema = clientToolSchema('Read', CLAUDE_CODE);
    expect(repairToolInput('{"path": "/a', readSchema, { upstreamName: 'Read', clientName: 'Read' })).toEqual({
      _raw: '{"path": "/a',
    });
  });

  it('keeps a "__proto__" key an ordinary key while renaming next to it', () => {
    const input = JSON.parse('{"path":"/a","__proto__":{"polluted":true}}') as Record<string, unknown>;
    const out = repairToolInput(input, { type: 'object', properties: { file_path: { type: 'string' } } });
    expect(Object.keys(out)).toEqual(['file_path', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
  });

  it('does not mutate the caller input', () => {
    const input = { path: '/a', overwrite: true };
    route('Read', input, CLAUDE_CODE);
    expect(input).toEqual({ path: '/a', overwrite: true });
  });
});

describe('inputRepairMayApply: whether a call may be forwarded before its input is known', () => {
  it.each([
    ['Read', 'Read', true, 'the agent may send path'],
    ['Write', 'Write', true, 'the agent may send overwrite, which the closed schema forbids'],
    ['Edit', 'Edit', false, "the agent's keys are Claude Code's"],
    ['Bash', 'Bash', false, "the agent's keys are Claude Code's"],
    ['Task', 'Agent', true, 'its run_in_background is set to false'],
    ['WebFetch', 'WebFetch', false, 'url and prompt exist'],
  ])('Claude Code: %s → %s: %s (%s)', (upstream, client, expected) => {
    expect(inputRepairMayApply(upstream, client, CLAUDE_CODE)).toBe(expected);
  });

  it.each([
    ['ls', 'Glob', EARLIER_CLAUDE_CODE.filter((t) => t.name !== 'LS'), true],
    ['Glob', 'Glob', EARLIER_CLAUDE_CODE, false],
    ['Bash', 'execute_command', CLINE_TOOLS, true],
    ['Edit', 'replace_in_file', CLINE_TOOLS, true],
    ['Edit', 'edit', OPENCODE_TOOLS, true],
    ['Glob', 'glob', OPENCODE_TOOLS, false],
    ['Read', 'str_replace_based_edit_tool', ANTHROPIC_DEFINED_TOOLS, true],
    ['Bash', 'bash', ANTHROPIC_DEFINED_TOOLS, true],
  ] as Array<[string, string, ToolDefinition[], boolean]>)('%s → %s', (upstream, client, declared, expected) => {
    expect(inputRepairMayApply(upstream, client, declared)).toBe(expected);
  });

  it.each([
    ['Read', 'read_files'],
    ['Bash', 'run_commands'],
    ['Grep', 'search_codebase'],
    ['WebFetch', 'fetch_web_content'],
    ['Edit', 'editor'],
    ['Write', 'editor'],
    ['Task', 'spawn_agent'],
  ])('Cline CLI: %s → %s is held until its input is whole', (upstream, client) => {
    expect(inputRepairMayApply(upstream, client, CLINE_CLI_TOOLS)).toBe(true);
  });

  it('holds a call that becomes a list of one even where the schema is open and no key is dropped', () => {
    const open: ToolDefinition[] = [
      {
        name: 'run_commands',
        input_schema: {
          type: 'object',
          properties: { commands: { type: 'array', items: { type: 'string' } } },
          required: ['commands'],
        },
      },
    ];
    expect(inputRepairMayApply('Bash', 'run_commands', open)).toBe(true);
  });

  it('takes an agent tool it knows nothing about to speak the client schema', () => {
    expect(inputRepairMayApply('mcp__github__create_issue', 'mcp__github__create_issue', CLAUDE_CODE)).toBe(false);
  });

  it('predicts no repair for a tool without a schema', () => {
    expect(inputRepairMayApply('Bash', 'Bash', [{ name: 'Bash' }])).toBe(false);
  });
});
