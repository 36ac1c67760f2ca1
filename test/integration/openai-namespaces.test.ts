import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { NamespaceNames } from '../../main/core/openai/namespaces';
import { finish, reply, sse, toolCall } from '../sim/orchids-simulator';
import type { AgentRequestInfo } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { answered, PINNED_MODES, sentToolPair, upstreamText, type ProtocolMode } from '../helpers/upstream';
import { openaiFor, refusal } from '../helpers/openai-sdk';

/**
 * Responses `namespace` tools (Codex CLI's sub-agents and MCP servers), through the official SDK against the real
 * server and the simulator on every upstream protocol: each tool is offered upstream under a name joining the
 * namespace and the tool, and a call to it comes back as the tool's own name with its `namespace`.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const openai = (): OpenAI => openaiFor(stack);

const WORD: OpenAI.Responses.NamespaceTool = {
  type: 'namespace',
  name: 'mcp__tiny',
  description: 'Tools in the mcp__tiny namespace.',
  tools: [
    {
      type: 'function',
      name: 'word_of_day',
      description: 'Tells the word of the day.',
      parameters: { type: 'object', properties: { lang: { type: 'string' } } },
    },
    { type: 'custom', name: 'note', description: 'Writes a note.' },
  ],
};
const EXEC: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'exec_command',
  description: 'Runs a command.',
  parameters: { type: 'object', properties: { cmd: { type: 'string' } } },
  strict: false,
};
const ARGS = { lang: 'en' };

const call = (id: string, name: string, input: Record<string, unknown> = ARGS) =>
  sse([...toolCall({ id, name, input, chunks: 5 }), ...finish('tool-calls')]);

/** The tool names Generation A was offered (Generation B is offered none). */
const offered = (request: AgentRequestInfo): string[] =>
  ((request.body.tools as Array<{ name: string }> | undefined) ?? []).map((tool) => tool.name);

describe.each(PINNED_MODES)('namespace tools on the Responses API ($name)', (mode: ProtocolMode) => {
  const start = () => startStack({ protocol: mode.setting, serves: mode.serves });
  const genA = mode.expect === 'sse-a';

  it('a call comes back as a function_call with its own name and namespace, streamed and not', async () => {
    stack = await start();
    stack.sim.enqueue(call('toolu_sim_ns_1', 'mcp__tiny__word_of_day'));
    const stream = openai().responses.stream({ model: 'claude-sonnet-4-6', input: 'Word?', tools: [EXEC, WORD] });
    const added: unknown[] = [];
    const deltas: string[] = [];
    let doneName: string | undefined;
    stream.on('response.output_item.added', (event) => added.push(event.item));
    stream.on('response.function_call_arguments.delta', (event) => deltas.push(event.delta));
    stream.on('response.function_call_arguments.done', (event) => (doneName = event.name));
    const streamed = await stream.finalResponse();
    const expected = { type: 'function_call', name: 'word_of_day', namespace: 'mcp__tiny', arguments: '{"lang":"en"}' };
    expect(streamed.output).toEqual([expect.objectContaining({ ...expected, status: 'completed' })]);
    expect(added).toEqual([expect.objectContaining({ ...expected, arguments: '', status: 'in_progress' })]);
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe('{"lang":"en"}');
    expect(doneName).toBe('word_of_day');
    if (genA) {
      const request = stack.sim.requests.at(-1)!;
      expect(offered(request)).toEqual(['exec_command', 'mcp__tiny__word_of_day', 'mcp__tiny__note']);
      expect(upstreamText(request) + JSON.stringify(request.body)).toContain("of the 'mcp__tiny' namespace");
    }

    stack.sim.enqueue(call('toolu_sim_ns_2', 'mcp__tiny__word_of_day'));
    const whole = await openai().responses.create({ model: 'claude-sonnet-4-6', input: 'Word?', tools: [EXEC, WORD] });
    expect(whole.output).toEqual([expect.objectContaining(expected)]);

    // A custom tool in a namespace: a custom_tool_call carrying the namespace.
    stack.sim.enqueue(call('toolu_sim_ns_3', 'mcp__tiny__note', { input: 'remember MARMALADE' }));
    const custom = await openai().responses.create({ model: 'claude-sonnet-4-6', input: 'Note', tools: [WORD] });
    expect(custom.output).toEqual([
      expect.objectContaining({
        type: 'custom_tool_call',
        name: 'note',
        namespace: 'mcp__tiny',
        input: 'remember MARMALADE',
      }),
    ]);
    // A top-level call still carries no namespace.
    stack.sim.enqueue(call('toolu_sim_ns_4', 'exec_command', { cmd: 'ls' }));
    const plain = await openai().responses.create({ model: 'claude-sonnet-4-6', input: 'ls', tools: [EXEC, WORD] });
    expect(plain.output[0]).toMatchObject({ type: 'function_call', name: 'exec_command' });
    expect(plain.output[0]).not.toHaveProperty('namespace');
  });

  it('a replayed namespaced call and its output reach the upstream under the joined name', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('The word is MARMALADE.')));
    const response = await openai().responses.create({
      model: 'claude-sonnet-4-6',
      tools: [WORD],
      input: [
        { role: 'user', content: 'Word?' },
        {
          type: 'function_call',
          call_id: 'call_ns_7',
          namespace: 'mcp__tiny',
          name: 'word_of_day',
          arguments: '{"lang":"en"}',
        },
        { type: 'function_call_output', call_id: 'call_ns_7', output: 'MARMALADE' },
      ],
    });
    expect(response.output_text).toBe('The word is MARMALADE.');
    expect(sentToolPair(stack.sim.requests.at(-1)!, 'call_ns_7', 'mcp__tiny__word_of_day', 'MARMALADE')).toBe(true);
  });

  it('tool_choice and allowed_tools name a namespaced tool with namespace beside name', async () => {
    stack = await start();
    // A prose answer is no call: it is asked again, and the call is the forced tool's.
    stack.sim.enqueue(sse(reply('I would rather guess.')));
    stack.sim.enqueue(sse(reply(JSON.stringify(ARGS))));
    // OpenAI's ToolChoiceFunction has no namespace field: the proxy reads the one the call items have.
    const forced = {
      type: 'function',
      namespace: 'mcp__tiny',
      name: 'word_of_day',
    } as OpenAI.Responses.ToolChoiceFunction;
    const response = await openai().responses.create({
      model: 'claude-sonnet-4-6',
      input: 'Word?',
      tools: [EXEC, WORD],
      tool_choice: forced,
    });
    expect(response.output).toEqual([
      expect.objectContaining({ type: 'function_call', name: 'word_of_day', namespace: 'mcp__tiny' }),
    ]);
    expect(answered(stack.sim.requests)).toHaveLength(2);

    stack.sim.enqueue(call('toolu_sim_ns_5', 'mcp__tiny__word_of_day'));
    const allowed = await openai().responses.create({
      model: 'claude-sonnet-4-6',
      input: 'Word?',
      tools: [EXEC, WORD],
      tool_choice: { type: 'allowed_tools', mode: 'auto', tools: [forced as unknown as Record<string, unknown>] },
    });
    expect(allowed.output[0]).toMatchObject({ name: 'word_of_day', namespace: 'mcp__tiny' });
    if (genA) expect(offered(stack.sim.requests.at(-1)!)).toEqual(['mcp__tiny__word_of_day']);

    const sent = stack.sim.requests.length;
    const bare = await refusal(
      openai().responses.create({
        model: 'claude-sonnet-4-6',
        input: 'Word?',
        tools: [EXEC, WORD],
        tool_choice: { type: 'function', name: 'word_of_day' },
      }),
    );
    expect(bare).toMatchObject({
      status: 400,
      param: 'tool_choice',
      message: "400 Invalid value for 'tool_choice': no function named 'word_of_day' is among the tools.",
    });
    const notListed = await refusal(
      openai().responses.create({
        model: 'claude-sonnet-4-6',
        input: 'Word?',
        tools: [EXEC, WORD],
        tool_choice: {
          type: 'allowed_tools',
          mode: 'required',
          tools: [{ type: 'function', namespace: 'mcp__other', name: 'word_of_day' }],
        },
      }),
    );
    expect(notListed).toMatchObject({
      status: 400,
      param: 'tool_choice',
      message: "400 Tool choice 'mcp__other.word_of_day' not found in 'tools' parameter.",
    });
    expect(stack.sim.requests).toHaveLength(sent);
  });

  it('a join past 64 characters goes upstream cut and digested, and its call comes back whole', async () => {
    stack = await start();
    const namespace = 'mcp__a_server_whose_name_is_rather_long';
    const name = 'and_a_tool_whose_name_is_long_too';
    const upstream = new NamespaceNames(new Set()).assign(namespace, name, 'tools[0]');
    expect(upstream).toMatch(/^[a-zA-Z0-9_-]{64}$/);
    const tools: OpenAI.Responses.Tool[] = [
      { type: 'namespace', name: namespace, description: 'Long.', tools: [{ type: 'function', name }] },
    ];
    stack.sim.enqueue(call('toolu_sim_ns_6', upstream));
    const response = await openai().responses.create({ model: 'claude-sonnet-4-6', input: 'Go', tools });
    expect(response.output).toEqual([expect.objectContaining({ type: 'function_call', name, namespace })]);
    if (genA) expect(offered(stack.sim.requests.at(-1)!)).toEqual([upstream]);
  });

  it('a top-level tool holding the joined name keeps it; the namespaced tool is offered apart', async () => {
    stack = await start();
    const clashing: OpenAI.Responses.FunctionTool = {
      type: 'function',
      name: 'mcp__tiny__word_of_day',
      description: 'The client’s own tool.',
      parameters: { type: 'object', properties: { lang: { type: 'string' } } },
      strict: false,
    };
    const tools = [WORD, clashing];
    const apart = new NamespaceNames(new Set([clashing.name])).assign('mcp__tiny', 'word_of_day', 'tools[0]');
    expect(apart).not.toBe(clashing.name);

    stack.sim.enqueue(call('toolu_sim_ns_8', clashing.name));
    const topLevel = await openai().responses.create({ model: 'claude-sonnet-4-6', input: 'Word?', tools });
    expect(topLevel.output[0]).toMatchObject({ type: 'function_call', name: clashing.name });
    expect(topLevel.output[0]).not.toHaveProperty('namespace');
    if (genA)
      expect(offered(stack.sim.requests.at(-1)!).sort()).toEqual([apart, clashing.name, 'mcp__tiny__note'].sort());

    stack.sim.enqueue(call('toolu_sim_ns_9', apart));
    const namespaced = await openai().responses.create({ model: 'claude-sonnet-4-6', input: 'Word?', tools });
    expect(namespaced.output[0]).toMatchObject({ type: 'function_call', name: 'word_of_day', namespace: 'mcp__tiny' });
  });
});
