import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../main/core/anthropic/types';
import {
  clientToolSchema,
  repairToolInput,
  resolveClientToolName,
  toOrchidsTools,
  upstreamToolName,
} from '../../main/core/orchids/tool-mapping';

type Props = Record<string, unknown>;
const obj = (properties: Props, required?: string[]) => ({
  type: 'object',
  properties,
  ...(required ? { required } : {}),
});
const tool = (name: string, properties: Props = {}, description = `${name} tool`): ToolDefinition => ({
  name,
  description,
  input_schema: obj(properties),
});

const str = { type: 'string' };
const CLAUDE_CODE_TOOLS: ToolDefinition[] = [
  tool('Read', { file_path: str, offset: { type: 'number' }, limit: { type: 'number' } }),
  tool('Write', { file_path: str, content: str }),
  tool('Edit', { file_path: str, old_string: str, new_string: str, replace_all: { type: 'boolean' } }),
  tool('Bash', { command: str, timeout: { type: 'number' }, run_in_background: { type: 'boolean' } }),
  tool('Grep', { pattern: str, path: str }),
  tool('Agent', { description: str, prompt: str, subagent_type: str }),
  tool('TodoWrite', { todos: { type: 'array', items: obj({ content: str, status: str }) } }),
  tool('WebFetch', { url: str, prompt: str }),
];

describe('toOrchidsTools', () => {
  it('accepts Anthropic and OpenAI tool shapes', () => {
    const out = toOrchidsTools([
      tool('Bash', { command: str }),
      { type: 'custom', name: 'Notes', description: 'notes', input_schema: obj({ text: str }) },
      {
        name: '',
        type: 'function',
        function: { name: 'lookup', description: 'Look up a word', parameters: obj({ word: str }, ['word']) },
      },
    ]);
    expect(out).toEqual([
      { name: 'Bash', description: 'Bash tool', input_schema: obj({ command: str }) },
      { name: 'Notes', description: 'notes', input_schema: obj({ text: str }) },
      { name: 'lookup', description: 'Look up a word', input_schema: obj({ word: str }, ['word']) },
    ]);
  });

  it('drops Anthropic server tools and the blocked names, keeps every other client tool', () => {
    const out = toOrchidsTools([
      { type: 'web_search_20250305', name: 'web_search', max_uses: 5 },
      { type: 'code_execution_20250522', name: 'code_execution' },
      tool('WebSearch', { query: str }),
      tool('web_search', { query: str }),
      tool('SQL', { query: str }),
      ...CLAUDE_CODE_TOOLS,
      tool('mcp__github__create_issue', { title: str }),
    ]);
    expect(out.map((t) => t.name)).toEqual([...CLAUDE_CODE_TOOLS.map((t) => t.name), 'mcp__github__create_issue']);
  });

  it.each([
    ['str_replace_editor', 'Edit'],
    ['view', 'Read'],
    ['read_file', 'Read'],
    ['ReadFile', 'Read'],
    ['list_dir', 'Glob'],
    ['ripgrep', 'Grep'],
    ['search_code', 'Grep'],
    ['glob', 'Glob'],
    ['find_files', 'Glob'],
    ['execute', 'Bash'],
    ['run_command', 'Bash'],
    ['write_file', 'Write'],
    ['create_file', 'Write'],
  ])('presents the client tool %s as %s', (clientName, orchidsName) => {
    const declared = [tool(clientName, { x: str })];
    expect(toOrchidsTools(declared).map((t) => t.name)).toEqual([orchidsName]);
    expect(upstreamToolName(clientName, declared)).toBe(orchidsName);
  });

  it('lets a client tool that already has the Orchids name keep it; the alias keeps its own name', () => {
    const declared = [tool('view', { path: str }, 'cline view'), tool('Read', { file_path: str }, 'real Read')];
    const out = toOrchidsTools(declared);
    expect(out.map((t) => [t.name, t.description])).toEqual([
      ['view', 'cline view'],
      ['Read', 'real Read'],
    ]);
    expect(upstreamToolName('view', declared)).toBe('view');
    expect(upstreamToolName('Read', declared)).toBe('Read');
  });

  it('gives an Orchids name to the first of two aliases only, and never sends two tools with one name', () => {
    const declared = [tool('read_file'), tool('view'), tool('glob'), tool('list_dir'), tool('glob')];
    const names = toOrchidsTools(declared).map((t) => t.name);
    expect(names).toEqual(['Read', 'view', 'Glob', 'list_dir']);
    expect(new Set(names).size).toBe(names.length);
  });

  it('truncates descriptions longer than 9216 characters with "..."', () => {
    const [long] = toOrchidsTools([tool('Big', {}, 'd'.repeat(10_000))]);
    expect(long?.description).toBe('d'.repeat(9216) + '...');
    const [exact] = toOrchidsTools([tool('Fits', {}, 'e'.repeat(9216))]);
    expect(exact?.description).toBe('e'.repeat(9216));
  });

  it('reduces schemas recursively to type, description, properties, required, enum and items', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      additionalProperties: false,
      required: ['mode'],
      properties: {
        mode: { type: 'string', enum: ['a', 'b'], default: 'a', description: 'the mode' },
        count: { type: 'integer', minimum: 1, maximum: 9, exclusiveMinimum: 0 },
        list: {
          type: 'array',
          maxItems: 3,
          items: {
            type: 'object',
            additionalProperties: false,
            properties: { id: { type: 'string', format: 'uuid' } },
          },
        },
        meta: { type: 'object', propertyNames: { type: 'string' }, additionalProperties: {} },
        status: {
          description: 'union',
          anyOf: [
            { type: 'string', enum: ['open', 'done'] },
            { type: 'string', const: 'deleted' },
          ],
        },
        either: { anyOf: [{ type: 'string' }, { type: 'number' }] },
      },
    };
    const before = JSON.stringify(schema);
    const [out] = toOrchidsTools([{ name: 'T', description: 't', input_schema: schema }]);
    expect(out?.input_schema).toEqual({
      type: 'object',
      required: ['mode'],
      properties: {
        mode: { type: 'string', enum: ['a', 'b'], description: 'the mode' },
        count: { type: 'integer' },
        list: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } },
        meta: { type: 'object' },
        // a single-type union keeps what it accepts; a mixed one cannot be expressed and is left open
        status: { type: 'string', description: 'union', enum: ['open', 'done', 'deleted'] },
        either: {},
      },
    });
    expect(JSON.stringify(schema)).toBe(before);
  });

  // Spec 7.4 / the reference client's `omitempty`: a tool without a description has no description key at all.
  it('leaves the description key out of a tool that has none, in either tool shape', () => {
    const tools = toOrchidsTools([
      { name: 'Ping', input_schema: { type: 'object' } },
      { type: 'function', function: { name: 'Pong', parameters: { type: 'object' } } },
      { name: 'Blank', description: '', input_schema: { type: 'object' } },
    ] as never);
    expect(tools).toEqual([
      { name: 'Ping', input_schema: { type: 'object' } },
      { name: 'Pong', input_schema: { type: 'object' } },
      { name: 'Blank', input_schema: { type: 'object' } },
    ]);
    // toEqual takes a key holding undefined for a missing one: the JSON is what the upstream reads.
    expect(JSON.stringify(tools)).not.toContain('description');
  });

  it('gives a tool without a schema an object schema', () => {
    expect(toOrchidsTools([{ name: 'Ping', description: 'ping' }])[0]?.input_schema).toEqual({ type: 'object' });
  });

  it('returns nothing for no tools', () => {
    expect(toOrchidsTools(undefined)).toEqual([]);
    expect(toOrchidsTools([])).toEqual([]);
  });
});

describe('upstreamToolName', () => {
  it('keeps ordinary names and aliases names of tools no longer declared unless that would collide', () => {
    expect(upstreamToolName('Agent', CLAUDE_CODE_TOOLS)).toBe('Agent');
    expect(upstreamToolName('list_dir', CLAUDE_CODE_TOOLS)).toBe('Glob');
    // Read is declared by the client itself, so an undeclared alias must not claim it.
    expect(upstreamToolName('read_file', CLAUDE_CODE_TOOLS)).toBe('read_file');
    expect(upstreamToolName('read_file', undefined)).toBe('Read');
  });
});

describe('resolveClientToolName', () => {
  it('step 1: exact name, including the Orchids name an alias tool was sent under, case-insensitively', () => {
    const cline = [tool('view', { path: str }), tool('execute_command', { command: str })];
    expect(resolveClientToolName('Read', cline)).toBe('view');
    expect(resolveClientToolName('bash', CLAUDE_CODE_TOOLS)).toBe('Bash');
    expect(resolveClientToolName('TODOWRITE', CLAUDE_CODE_TOOLS)).toBe('TodoWrite');
    expect(resolveClientToolName('execute_command', cline)).toBe('execute_command');
  });

  it('step 2: the last segment after ".", "/" or ":"', () => {
    expect(resolveClientToolName('functions.Bash', CLAUDE_CODE_TOOLS)).toBe('Bash');
    expect(resolveClientToolName('local/tools/Read', CLAUDE_CODE_TOOLS)).toBe('Read');
    expect(resolveClientToolName('default_api:grep', CLAUDE_CODE_TOOLS)).toBe('Grep');
  });

  it.each([
    ['ripgrep', 'Grep'],
    ['search_code', 'Grep'],
    ['read_file', 'Read'],
    ['view', 'Read'],
    ['run_command', 'Bash'],
    ['execute_command', 'Bash'],
    ['launch-process', 'Bash'],
    ['update_todo_list', 'TodoWrite'],
    ['new_task', 'Agent'],
    ['Task', 'Agent'],
    ['web_fetch', 'WebFetch'],
    ['fetch', 'WebFetch'],
    ['str_replace_editor', 'Edit'],
    ['write_file', 'Write'],
    ['tools.create_file', 'Write'],
  ])('step 3: alias %s → %s', (upstream, client) => {
    expect(resolveClientToolName(upstream, CLAUDE_CODE_TOOLS)).toBe(client);
  });

  it('step 3 also maps an Orchids name back to a client alias tool', () => {
    const cline = [tool('execute_command', { command: str }), tool('new_task', { message: str })];
    expect(resolveClientToolName('Bash', cline)).toBe('execute_command');
    expect(resolveClientToolName('agent', cline)).toBe('new_task');
  });

  it("step 3 maps the agent's Bash onto Codex CLI's exec_command, its command given as cmd", () => {
    // Codex CLI 0.171's shell tool: a closed schema whose command key is `cmd`.
    const execCommand: ToolDefinition = {
      name: 'exec_command',
      description: 'Runs a command in a PTY.',
      input_schema: {
        ...obj({ cmd: str, workdir: str, tty: { type: 'boolean' } }, ['cmd']),
        additionalProperties: false,
      },
    };
    const codex = [execCommand, tool('view_image', { path: str })];
    expect(resolveClientToolName('Bash', codex, { command: 'ls', description: 'List' })).toBe('exec_command');
    const schema = clientToolSchema('exec_command', codex);
    expect(repairToolInput({ command: 'ls', description: 'List' }, schema)).toEqual({ cmd: 'ls' });
  });

  it('step 4: the declared tool whose schema holds every input key with the fewest extra properties', () => {
    expect(resolveClientToolName('shell_exec', CLAUDE_CODE_TOOLS, { command: 'ls' })).toBe('Bash');
    expect(resolveClientToolName('save', CLAUDE_CODE_TOOLS, { file_path: '/a', content: 'x' })).toBe('Write');
    expect(resolveClientToolName('patch', CLAUDE_CODE_TOOLS, { file_path: '/a', old_string: 'x' })).toBe('Edit');
  });

  it('step 5: otherwise no match, never the upstream name echoed back', () => {
    expect(resolveClientToolName('teleport', CLAUDE_CODE_TOOLS, { destination: 'mars' })).toBeUndefined();
    expect(resolveClientToolName('teleport', CLAUDE_CODE_TOOLS, {})).toBeUndefined();
    expect(resolveClientToolName('teleport', CLAUDE_CODE_TOOLS)).toBeUndefined();
    expect(resolveClientToolName('Read', undefined, { file_path: '/a' })).toBeUndefined();
    expect(resolveClientToolName('Read', [], { file_path: '/a' })).toBeUndefined();
  });

  it('exposes the client schema of a resolved tool for repair', () => {
    expect(clientToolSchema('Bash', CLAUDE_CODE_TOOLS)).toBe(CLAUDE_CODE_TOOLS[3]?.input_schema);
    expect(clientToolSchema('Nope', CLAUDE_CODE_TOOLS)).toBeUndefined();
  });
});

describe('repairToolInput', () => {
  const bash = obj({
    command: str,
    description: str,
    timeout: { type: 'number' },
    count: { type: 'integer' },
    run_in_background: { type: 'boolean' },
    paths: { type: 'array', items: str },
    options: obj({ verbose: { type: 'boolean' }, depth: { type: ['integer', 'null'] } }),
    todos: { type: 'array', items: obj({ priority: { type: 'number' }, done: { type: 'boolean' } }) },
    either: { type: ['string', 'number'] },
  });

  it('parses JSON text, and treats empty text as no arguments', () => {
    expect(repairToolInput('{"command":"ls"}', bash)).toEqual({ command: 'ls' });
    expect(repairToolInput('', bash)).toEqual({});
    expect(repairToolInput('  \n ', bash)).toEqual({});
  });

  it('keeps text that is not a JSON object under _raw instead of losing it', () => {
    expect(repairToolInput('{"command": "ls', bash)).toEqual({ _raw: '{"command": "ls' });
    expect(repairToolInput('[1,2]', bash)).toEqual({ _raw: '[1,2]' });
    expect(repairToolInput('"ls"', bash)).toEqual({ _raw: '"ls"' });
  });

  it('coerces quoted booleans, numbers, arrays and objects where the schema asks for them', () => {
    const input = {
      run_in_background: 'true',
      timeout: '600000',
      count: ' 3 ',
      paths: '["a","b"]',
      options: '{"verbose":"false","depth":"2"}',
    };
    expect(repairToolInput(input, bash)).toEqual({
      run_in_background: true,
      timeout: 600000,
      count: 3,
      paths: ['a', 'b'],
      options: { verbose: false, depth: 2 },
    });
  });

  it('fixes nested objects and objects inside arrays', () => {
    const out = repairToolInput(
      { options: { verbose: 'TRUE' }, todos: [{ priority: '1.5', done: 'false' }, { priority: 2 }] },
      bash,
    );
    expect(out).toEqual({ options: { verbose: true }, todos: [{ priority: 1.5, done: false }, { priority: 2 }] });
  });

  it('never touches string properties, undescribed properties or values that do not fit', () => {
    const input = {
      command: 'true',
      description: '42',
      unknown: 'false',
      either: '7',
      run_in_background: 'yes',
      timeout: '0x10',
      count: '1.5',
      paths: 'a,b',
      options: '[1]',
    };
    expect(repairToolInput(input, bash)).toEqual(input);
    expect(repairToolInput({ timeout: '', count: 'Infinity' }, bash)).toEqual({ timeout: '', count: 'Infinity' });
    expect(repairToolInput({ timeout: '5' }, undefined)).toEqual({ timeout: '5' });
  });

  it('returns the caller object itself when nothing changes and never mutates it', () => {
    const clean = { command: 'ls', timeout: 5 };
    expect(repairToolInput(clean, bash)).toBe(clean);
    const dirty = { command: 'ls', timeout: '5', options: { verbose: 'true' } };
    const out = repairToolInput(dirty, bash);
    expect(out).toEqual({ command: 'ls', timeout: 5, options: { verbose: true } });
    expect(dirty).toEqual({ command: 'ls', timeout: '5', options: { verbose: 'true' } });
  });
});
