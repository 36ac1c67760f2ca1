import { describe, expect, it } from 'vitest';
import { OpenAIRequestError } from '../../main/core/openai/errors';
import { joinName, NamespaceNames } from '../../main/core/openai/namespaces';
import { readResponsesRequest } from '../../main/core/openai/responses-request';

/** Responses `namespace` tools: the names they go upstream under, and how a request declaring them is read. */
const NAME_RULE = /^[a-zA-Z0-9_-]{1,64}$/;

const WORD = { type: 'function', name: 'word_of_day', description: 'Tells the word.', parameters: { type: 'object' } };
const MCP = { type: 'namespace', name: 'mcp__tiny', description: 'Tools in the mcp__tiny namespace.', tools: [WORD] };
const read = (extra: Record<string, unknown>) =>
  readResponsesRequest({ model: 'claude-sonnet-4-6', input: 'hi', ...extra });

function refusal(extra: Record<string, unknown>): OpenAIRequestError {
  try {
    read(extra);
  } catch (error) {
    if (error instanceof OpenAIRequestError) return error;
    throw error;
  }
  throw new Error('the request was read');
}

describe('namespaced tool names', () => {
  it('join with __, and split back only through the names handed out', () => {
    expect(joinName('mcp__tiny', 'word_of_day')).toBe('mcp__tiny__word_of_day');
    const names = new NamespaceNames(new Set(['exec_command']));
    const upstream = names.assign('multi_agent_v1', 'spawn_agent', 'p');
    expect(upstream).toBe('multi_agent_v1__spawn_agent');
    expect(names.split(upstream)).toEqual({ namespace: 'multi_agent_v1', name: 'spawn_agent' });
    expect(names.assign('multi_agent_v1', 'spawn_agent', 'p')).toBe(upstream);
    expect(names.find('multi_agent_v1', 'spawn_agent')).toBe(upstream);
    // A top-level name is never split, even one that looks joined.
    expect(names.split('exec_command')).toBeUndefined();
    expect(names.split('multi_agent_v1__close_agent')).toBeUndefined();
    expect(names.find('multi_agent_v1', 'close_agent')).toBeUndefined();
    expect(names.upstreamName('multi_agent_v1', 'close_agent')).toBe('multi_agent_v1__close_agent');
  });

  it('a join past 64 characters is cut and digested: within the rules, and apart for different pairs', () => {
    const namespace = 'n'.repeat(40);
    const a = joinName(namespace, 't'.repeat(30) + 'a');
    const b = joinName(namespace, 't'.repeat(30) + 'b');
    expect(a).toMatch(NAME_RULE);
    expect(a).toHaveLength(64);
    expect(a.startsWith(`${namespace}__ttt`)).toBe(true);
    expect(a).not.toBe(b);
    expect(joinName(namespace, 't'.repeat(30) + 'a')).toBe(a);
    const names = new NamespaceNames(new Set());
    expect(names.split(names.assign(namespace, 't'.repeat(30) + 'a', 'p'))).toEqual({
      namespace,
      name: 't'.repeat(30) + 'a',
    });
  });

  it('a join a top-level tool already holds is digested; the top-level tool keeps its name', () => {
    const names = new NamespaceNames(new Set(['a__b']));
    const upstream = names.assign('a', 'b', 'p');
    expect(upstream).not.toBe('a__b');
    expect(upstream).toMatch(NAME_RULE);
    expect(names.split('a__b')).toBeUndefined();
    expect(names.split(upstream)).toEqual({ namespace: 'a', name: 'b' });
    // Namespace `a__b` tool `c` and namespace `a` tool `b__c` join alike: the second is digested.
    const other = new NamespaceNames(new Set());
    expect(other.assign('a__b', 'c', 'p')).toBe('a__b__c');
    expect(other.assign('a', 'b__c', 'p')).not.toBe('a__b__c');
  });

  it('a client that also declares the digested name gets a 400 naming the tool', () => {
    const digested = new NamespaceNames(new Set(['a__b'])).assign('a', 'b', 'p');
    const names = new NamespaceNames(new Set(['a__b', digested]));
    expect(() => names.assign('a', 'b', 'tools[2].tools[0].name')).toThrow(
      expect.objectContaining({ param: 'tools[2].tools[0].name', code: 'invalid_value' }),
    );
  });
});

describe('a Responses request with namespace tools', () => {
  it('offers each function and custom tool under its joined name, the namespace in its description', () => {
    const { request, options } = read({
      tools: [
        { type: 'function', name: 'exec_command', parameters: { type: 'object' } },
        MCP,
        {
          type: 'namespace',
          name: 'edit',
          description: 'x'.repeat(400),
          tools: [{ type: 'custom', name: 'patch', defer_loading: true }],
        },
        { type: 'tool_search' },
      ],
    });
    expect(request.tools!.map((t) => t.name)).toEqual(['exec_command', 'mcp__tiny__word_of_day', 'edit__patch']);
    const [, word, patch] = request.tools!;
    expect(word!.description).toBe(
      "Tells the word.\n\n(Tool 'word_of_day' of the 'mcp__tiny' namespace: Tools in the mcp__tiny namespace.)",
    );
    expect(word!.input_schema).toEqual({ type: 'object' });
    // A custom tool keeps its one string property; a long namespace description is cut, as it repeats per tool.
    expect(patch!.input_schema).toMatchObject({ required: ['input'] });
    expect(patch!.description).toContain('takes free text');
    expect(patch!.description).toContain(`namespace: ${'x'.repeat(300)}…)`);
    expect(patch!.description).not.toContain('x'.repeat(301));
    expect(options.kinds.get('edit__patch')).toBe('custom');
    expect(options.namespaces.split('mcp__tiny__word_of_day')).toEqual({ namespace: 'mcp__tiny', name: 'word_of_day' });
  });

  it('a top-level tool declared after a namespace still keeps the joined name', () => {
    const { request, options } = read({
      tools: [MCP, { type: 'function', name: 'mcp__tiny__word_of_day', parameters: { type: 'object' } }],
    });
    const names = request.tools!.map((t) => t.name);
    expect(names[1]).toBe('mcp__tiny__word_of_day');
    expect(names[0]).not.toBe('mcp__tiny__word_of_day');
    expect(names[0]).toMatch(NAME_RULE);
    expect(options.namespaces.split(names[0]!)).toEqual({ namespace: 'mcp__tiny', name: 'word_of_day' });
    expect(options.namespaces.split(names[1]!)).toBeUndefined();
  });

  it('replayed calls carrying a namespace go upstream under the joined name', () => {
    const { request } = read({
      tools: [MCP],
      input: [
        { role: 'user', content: 'Word?' },
        { type: 'function_call', call_id: 'call_1', namespace: 'mcp__tiny', name: 'word_of_day', arguments: '{}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'MARMALADE' },
        // No longer declared: the plain join, which is what it was offered under.
        { type: 'custom_tool_call', call_id: 'call_2', namespace: 'edit', name: 'patch', input: 'p' },
        { type: 'custom_tool_call_output', call_id: 'call_2', output: 'ok' },
      ],
    });
    const uses = request.messages.flatMap((m) =>
      Array.isArray(m.content) ? m.content.filter((b) => b.type === 'tool_use') : [],
    );
    expect(uses).toEqual([
      { type: 'tool_use', id: 'call_1', name: 'mcp__tiny__word_of_day', input: {} },
      { type: 'tool_use', id: 'call_2', name: 'edit__patch', input: { input: 'p' } },
    ]);
  });

  it('tool_choice and allowed_tools name a namespaced tool with namespace beside name', () => {
    const tools = [MCP, { type: 'function', name: 'exec_command' }];
    expect(
      read({ tools, tool_choice: { type: 'function', namespace: 'mcp__tiny', name: 'word_of_day' } }).request,
    ).toMatchObject({ tool_choice: { type: 'tool', name: 'mcp__tiny__word_of_day' } });
    const allowed = read({
      tools,
      tool_choice: {
        type: 'allowed_tools',
        mode: 'required',
        tools: [{ type: 'function', namespace: 'mcp__tiny', name: 'word_of_day' }],
      },
    }).request;
    expect(allowed.tools!.map((t) => t.name)).toEqual(['mcp__tiny__word_of_day']);
    expect(allowed.tool_choice).toMatchObject({ type: 'any' });

    // Without its namespace, neither the tool's own name nor its joined name is a top-level tool.
    for (const name of ['word_of_day', 'mcp__tiny__word_of_day']) {
      expect(refusal({ tools, tool_choice: { type: 'function', name } })).toMatchObject({
        message: `Invalid value for 'tool_choice': no function named '${name}' is among the tools.`,
        param: 'tool_choice',
      });
    }
    expect(
      refusal({ tools, tool_choice: { type: 'custom', namespace: 'mcp__tiny', name: 'word_of_day' } }).message,
    ).toBe(
      "Invalid value for 'tool_choice': no custom tool named 'word_of_day' in namespace 'mcp__tiny' is among " +
        'the tools.',
    );
    expect(
      refusal({
        tools,
        tool_choice: {
          type: 'allowed_tools',
          mode: 'auto',
          tools: [{ type: 'function', namespace: 'crm', name: 'x' }],
        },
      }).message,
    ).toBe("Tool choice 'crm.x' not found in 'tools' parameter.");
  });

  it('refuses what a namespace cannot hold, in OpenAI-style errors', () => {
    expect(refusal({ tools: [{ ...MCP, tools: [{ type: 'web_search' }] }] })).toMatchObject({
      param: 'tools[0].tools[0].type',
      code: 'invalid_value',
    });
    expect(refusal({ tools: [{ ...MCP, name: 'has space' }] })).toMatchObject({ param: 'tools[0].name' });
    expect(refusal({ tools: [{ ...MCP, tools: undefined }] })).toMatchObject({ param: 'tools[0].tools' });
    expect(refusal({ tools: [{ ...MCP, tools: [WORD, { type: 'custom', name: 'word_of_day' }] }] })).toMatchObject({
      param: 'tools[0].tools[1].name',
      code: 'invalid_value',
    });
  });
});

describe('an output no call asked for', () => {
  it("is the user's text in a tag of its name (Codex CLI's goal); without call_id or name it is a 400", () => {
    const call = { type: 'function_call', call_id: 'call_1', name: 'create_goal', arguments: '{"objective":"Ship"}' };
    const { request } = read({
      input: [
        { role: 'user', content: 'Set a goal.' },
        call,
        { type: 'function_call_output', call_id: 'call_1', output: '{"goal":{"objective":"Ship"}}' },
        { type: 'function_call_output', name: 'goal_objective', namespace: 'agent', output: 'Ship' },
        { type: 'custom_tool_call_output', name: 'notes', output: [{ type: 'input_text', text: 'Two.' }] },
      ],
    });
    expect(request.messages.at(-1)).toEqual({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'call_1', content: '{"goal":{"objective":"Ship"}}' },
        { type: 'text', text: '<goal_objective namespace="agent">\nShip\n</goal_objective>' },
        { type: 'text', text: '<notes>\n' },
        { type: 'text', text: 'Two.' },
        { type: 'text', text: '\n</notes>' },
      ],
    });
    expect(refusal({ input: [{ type: 'function_call_output', output: 'x' }] })).toMatchObject({
      param: 'input[0].call_id',
      code: 'missing_required_parameter',
    });
  });
});
