import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../main/core/anthropic/types';
import { matchClientTool, resolveClientToolName, toOrchidsTools } from '../../main/core/orchids/tool-mapping';
import {
  ANTHROPIC_DEFINED_TOOLS,
  CLAUDE_CODE_SEARCH_TOOLS,
  CLINE_CLI_TOOLS,
  CLINE_TOOLS,
  OPENCODE_TOOLS,
  claudeCodeTools,
} from '../helpers/client-tools';

const CLAUDE_CODE = claudeCodeTools();

describe('resolveClientToolName: the agent’s Claude Code-style tools onto what each client declares', () => {
  it.each([
    ['Read', 'Read'],
    ['Write', 'Write'],
    ['Edit', 'Edit'],
    ['Bash', 'Bash'],
    ['Task', 'Agent'],
    ['Agent', 'Agent'],
    ['WebFetch', 'WebFetch'],
    ['WebSearch', 'WebSearch'],
    ['NotebookEdit', 'NotebookEdit'],
    ['Skill', 'Skill'],
    ['read_file', 'Read'],
    ['bash', 'Bash'],
    ['subagent', 'Agent'],
    ['web_fetch', 'WebFetch'],
  ])('Claude Code 2.1.197: %s → %s', (upstream, client) => {
    expect(resolveClientToolName(upstream, CLAUDE_CODE)).toBe(client);
  });

  it.each([['TodoWrite'], ['MultiEdit']])('Claude Code 2.1.197 declares no %s: no match', (upstream) => {
    expect(resolveClientToolName(upstream, CLAUDE_CODE)).toBeUndefined();
  });

  it.each([['Glob'], ['Grep'], ['LS'], ['ls'], ['list_dir']])(
    'Claude Code 2.1.197 declares no %s: its Bash runs it as a command',
    (upstream) => {
      expect(matchClientTool(upstream, CLAUDE_CODE)).toEqual({ name: 'Bash', by: 'alias' });
    },
  );

  it.each([
    ['Glob', 'Glob'],
    ['Grep', 'Grep'],
    ['LS', 'LS'],
    ['TodoWrite', 'TodoWrite'],
    ['ls', 'LS'],
    ['ripgrep', 'Grep'],
  ])('earlier Claude Code with its search tools: %s → %s', (upstream, client) => {
    expect(resolveClientToolName(upstream, [...CLAUDE_CODE, ...CLAUDE_CODE_SEARCH_TOOLS])).toBe(client);
  });

  it.each([
    ['Read', 'read_file'],
    ['Write', 'write_to_file'],
    ['Edit', 'replace_in_file'],
    ['Bash', 'execute_command'],
    ['Grep', 'search_files'],
    ['LS', 'list_files'],
    ['list_dir', 'list_files'],
    ['WebFetch', 'web_fetch'],
    ['Task', 'new_task'],
    ['Agent', 'new_task'],
    // As a command on Cline's shell: it has no tool that matches a pattern.
    ['Glob', 'execute_command'],
  ])('Cline: %s → %s', (upstream, client) => {
    expect(resolveClientToolName(upstream, CLINE_TOOLS)).toBe(client);
  });

  it.each([['TodoWrite'], ['MultiEdit'], ['NotebookEdit']])('Cline has nothing for %s', (upstream) => {
    expect(resolveClientToolName(upstream, CLINE_TOOLS)).toBeUndefined();
  });

  it.each([
    ['Read', 'read_files'],
    ['Bash', 'run_commands'],
    ['Edit', 'editor'],
    ['Write', 'editor'],
    ['Grep', 'search_codebase'],
    ['WebFetch', 'fetch_web_content'],
    // No Cline CLI tool lists or matches file names: those run as a command on its shell.
    ['Glob', 'run_commands'],
    ['LS', 'run_commands'],
  ])('Cline CLI 3: %s → %s', (upstream, client) => {
    expect(resolveClientToolName(upstream, CLINE_CLI_TOOLS)).toBe(client);
  });

  // The editor makes one edit a call (MultiEdit has several).
  it.each([['MultiEdit'], ['TodoWrite']])('Cline CLI 3 has nothing for %s', (upstream) => {
    expect(resolveClientToolName(upstream, CLINE_CLI_TOOLS, { file_path: '/w/a', pattern: '*' })).toBeUndefined();
  });

  it.each([
    ['Read', 'read'],
    ['Write', 'write'],
    ['Edit', 'edit'],
    ['MultiEdit', 'multiedit'],
    ['Bash', 'bash'],
    ['Glob', 'glob'],
    ['Grep', 'grep'],
    ['LS', 'list'],
    ['TodoWrite', 'todowrite'],
    ['TodoRead', 'todoread'],
    ['WebFetch', 'webfetch'],
    ['Task', 'task'],
    ['Agent', 'task'],
  ])('opencode: %s → %s', (upstream, client) => {
    expect(resolveClientToolName(upstream, OPENCODE_TOOLS)).toBe(client);
  });

  it.each([
    ['Bash', 'bash'],
    ['Read', 'str_replace_based_edit_tool'],
    ['Write', 'str_replace_based_edit_tool'],
    ['Edit', 'str_replace_based_edit_tool'],
    ['LS', 'str_replace_based_edit_tool'],
  ])("Anthropic's defined tools: %s → %s", (upstream, client) => {
    expect(resolveClientToolName(upstream, ANTHROPIC_DEFINED_TOOLS)).toBe(client);
  });

  it("maps onto Anthropic's older text editor name too; a search goes to the bash tool, or nowhere without one", () => {
    const older: ToolDefinition[] = [{ type: 'text_editor_20250124', name: 'str_replace_editor' }];
    expect(resolveClientToolName('Write', older)).toBe('str_replace_editor');
    expect(resolveClientToolName('Grep', older)).toBeUndefined();
    expect(resolveClientToolName('Grep', ANTHROPIC_DEFINED_TOOLS)).toBe('bash');
  });

  it('prefers a dedicated tool over the text editor, and a directory listing over a shell over a glob', () => {
    const declared = [...ANTHROPIC_DEFINED_TOOLS, ...CLAUDE_CODE_SEARCH_TOOLS, ...CLAUDE_CODE];
    expect(resolveClientToolName('Read', declared)).toBe('Read');
    expect(resolveClientToolName('ls', declared)).toBe('LS');
    // A client's glob lists files only: a listing on it would show the agent no folder.
    const withGlob = [...CLAUDE_CODE, CLAUDE_CODE_SEARCH_TOOLS[0]!];
    expect(resolveClientToolName('ls', withGlob)).toBe('Bash');
    expect(
      resolveClientToolName(
        'ls',
        withGlob.filter((t) => t.name !== 'Bash'),
      ),
    ).toBe('Glob');
  });

  it('sends Anthropic-defined tools upstream under their own names, with the schema the model is trained on', () => {
    const sent = toOrchidsTools([
      ...ANTHROPIC_DEFINED_TOOLS,
      { type: 'memory_20250818', name: 'memory' },
      ...CLINE_TOOLS.slice(0, 1),
    ]);
    expect(sent.map((t) => t.name)).toEqual(['bash', 'str_replace_based_edit_tool', 'memory', 'execute_command']);
    expect(Object.keys(sent[0]!.input_schema['properties'] as object)).toEqual(['command', 'restart']);
    expect(sent[1]!.input_schema).toMatchObject({ required: ['command', 'path'] });
    expect(sent[2]!.input_schema['properties']).toMatchObject({
      command: { enum: ['view', 'create', 'str_replace', 'insert', 'delete', 'rename'] },
      old_path: { type: 'string' },
    });
    for (const tool of sent.slice(0, 3)) expect(tool.description).toMatch(/\w/);
  });
});

describe('matchClientTool: how the tool was found', () => {
  it('says name, alias or schema', () => {
    expect(matchClientTool('Bash', CLAUDE_CODE)).toEqual({ name: 'Bash', by: 'name' });
    expect(matchClientTool('functions.bash', CLAUDE_CODE)).toEqual({ name: 'Bash', by: 'name' });
    expect(matchClientTool('execute_command', CLAUDE_CODE)).toEqual({ name: 'Bash', by: 'alias' });
    expect(matchClientTool('fetch_page', CLAUDE_CODE, { url: 'https://example.test', prompt: 'sum up' })).toEqual({
      name: 'WebFetch',
      by: 'schema',
    });
  });

  it("never guesses a tool that changes the client's own state: goals, threads, sub-agents, the task's end", () => {
    // Codex CLI 0.171's declarations (its TUI's namespace joined as the proxy offers it), schemas as it sends them.
    const object = (properties: Record<string, unknown>, required: string[]) => ({
      type: 'object',
      properties,
      required,
    });
    const str = { type: 'string' };
    const codex: ToolDefinition[] = [
      { name: 'exec_command', input_schema: object({ cmd: str, workdir: str, yield_time_ms: str }, ['cmd']) },
      { name: 'create_goal', input_schema: object({ objective: str, token_budget: str }, ['objective']) },
      { name: 'update_goal', input_schema: object({ status: str }, ['status']) },
      {
        name: 'mcp__codex_tui__create_thread',
        input_schema: object({ model: str, prompt: str, title: str }, ['prompt']),
      },
      { name: 'multi_agent_v1__close_agent', input_schema: object({ target: str }, ['target']) },
    ];
    expect(matchClientTool('SetStatus', codex, { status: 'complete' })).toBeUndefined();
    expect(matchClientTool('NewObjective', codex, { objective: 'Ship it' })).toBeUndefined();
    expect(matchClientTool('StartChat', codex, { prompt: 'Hello' })).toBeUndefined();
    expect(matchClientTool('Stop', codex, { target: 'agent-1' })).toBeUndefined();
    expect(matchClientTool('Finish', CLINE_TOOLS, { result: 'Done.' })).toBeUndefined();
    // By name they are still reached, and a tool that works on files is still guessed.
    expect(matchClientTool('update_goal', codex)).toEqual({ name: 'update_goal', by: 'name' });
    expect(matchClientTool('mcp__codex_tui__create_thread', codex)?.name).toBe('mcp__codex_tui__create_thread');
    expect(matchClientTool('RunIt', codex, { cmd: 'ls' })).toEqual({ name: 'exec_command', by: 'schema' });
  });

  it('does not guess a known agent tool onto an unrelated client tool that shares a key', () => {
    // EnterWorktree takes {name, path}: a directory listing must not create a git worktree.
    const onlyWorktree = CLAUDE_CODE.filter((t) => t.name === 'EnterWorktree');
    expect(onlyWorktree).toHaveLength(1);
    expect(matchClientTool('LS', onlyWorktree, { path: '/repo' })).toBeUndefined();
    expect(matchClientTool('Grep', onlyWorktree, { pattern: 'x', path: '/repo' })).toBeUndefined();
    expect(matchClientTool('LS', CLAUDE_CODE, { path: '/repo' })?.name).toBe('Bash');
  });

  it('does not guess a tool whose required keys the input lacks', () => {
    // WebFetch requires url and prompt; {url} alone would fail the client's validation.
    expect(matchClientTool('fetch_page', CLAUDE_CODE, { url: 'https://example.test' })).toBeUndefined();
  });

  it('finds nothing when the client declared no tools, or only Anthropic server tools', () => {
    expect(matchClientTool('Read', undefined)).toBeUndefined();
    expect(matchClientTool('web_search', [{ type: 'web_search_20250305', name: 'web_search' }])).toBeUndefined();
  });
});
