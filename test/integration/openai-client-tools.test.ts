import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, toolCall } from '../sim/orchids-simulator';
import type { AgentRequestInfo } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { answered, PINNED_MODES, sentToolPair, upstreamText, type ProtocolMode } from '../helpers/upstream';
import { openaiFor, refusal } from '../helpers/openai-sdk';

/**
 * OpenAI's tools that the client runs but that are not functions: `custom` (freeform) tools on both APIs, through
 * the official SDK against the real server and the simulator, on every upstream protocol. A call comes back in the
 * tool's own shape, and a replayed call and its output reach the upstream as a tool use and its result.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const openai = (): OpenAI => openaiFor(stack);

// Quotes, backslashes, newlines and a character outside ASCII: every escape the input's JSON can carry.
const PATCH =
  '*** Begin Patch\n*** Update File: src/a.ts\n@@\n-const a = "old";\n+const a = "new ✓ \\\\ done";\n*** End Patch\n';
const GRAMMAR = 'start: begin_patch hunk+ end_patch\nbegin_patch: "*** Begin Patch" LF\nend_patch: "*** End Patch" LF?';

const RESPONSES_PATCH: OpenAI.Responses.CustomTool = {
  type: 'custom',
  name: 'apply_patch',
  description: 'Edit files with a patch.',
};
const CHAT_PATCH: OpenAI.Chat.ChatCompletionCustomTool = {
  type: 'custom',
  custom: { name: 'apply_patch', description: 'Edit files with a patch.' },
};

/** The simulated model calls the custom tool as the proxy offered it: its text in the one string property. */
const patchCall = (id: string) =>
  sse([...toolCall({ id, name: 'apply_patch', input: { input: PATCH }, chunks: 9 }), ...finish('tool-calls')]);

/** Every string the upstream body holds, unescaped: the tools Generation A is offered, as well as the text. */
function bodyText(request: AgentRequestInfo): string {
  const out: string[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'string') out.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(collect);
  };
  collect(request.body);
  return out.join('\n');
}

describe.each(PINNED_MODES)('custom tools on the Responses API ($name)', (mode: ProtocolMode) => {
  const start = () => startStack({ protocol: mode.setting, serves: mode.serves });

  it('a call comes back as a custom_tool_call, streamed with the custom input events and not', async () => {
    stack = await start();
    stack.sim.enqueue(patchCall('toolu_sim_patch_1'));
    const stream = openai().responses.stream({
      model: 'claude-sonnet-4-6',
      input: 'Fix a.ts',
      tools: [RESPONSES_PATCH],
    });
    const deltas: string[] = [];
    let done: string | undefined;
    stream.on('response.custom_tool_call_input.delta', (event) => deltas.push(event.delta));
    stream.on('response.custom_tool_call_input.done', (event) => (done = event.input));
    const streamed = await stream.finalResponse();
    const call = streamed.output.find((item) => item.type === 'custom_tool_call')!;
    expect(call).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', input: PATCH });
    expect(call.id).toMatch(/^ctc_/);
    expect(call.call_id).toMatch(/^call_[A-Za-z0-9_-]+$/);
    // The input grows as the upstream writes it, in more than one piece, and the pieces make the whole.
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(PATCH);
    expect(done).toBe(PATCH);
    expect(streamed.output.some((item) => item.type === 'function_call')).toBe(false);
    // Upstream, the tool is one string property, and the model is told it takes free text.
    if (mode.expect === 'sse-a') expect(bodyText(stack.sim.requests.at(-1)!)).toContain('takes free text');

    stack.sim.enqueue(patchCall('toolu_sim_patch_2'));
    const whole = await openai().responses.create({
      model: 'claude-sonnet-4-6',
      input: 'Fix a.ts',
      tools: [RESPONSES_PATCH],
    });
    expect(whole.output).toEqual([
      expect.objectContaining({ type: 'custom_tool_call', name: 'apply_patch', input: PATCH }),
    ]);
  });

  it('a replayed custom_tool_call and its output reach the upstream as a tool use and its result', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('Patched.')));
    const response = await openai().responses.create({
      model: 'claude-sonnet-4-6',
      tools: [RESPONSES_PATCH],
      input: [
        { role: 'user', content: 'Fix a.ts' },
        { type: 'custom_tool_call', call_id: 'call_patch_7', name: 'apply_patch', input: PATCH },
        { type: 'custom_tool_call_output', call_id: 'call_patch_7', output: 'Done: 1 file updated' },
      ],
    });
    expect(response.output_text).toBe('Patched.');
    const upstream = stack.sim.requests.at(-1)!;
    expect(sentToolPair(upstream, 'call_patch_7', 'apply_patch', 'Done: 1 file updated')).toBe(true);
    expect(upstreamText(upstream)).toContain('*** Begin Patch');
  });

  it('tool_choice custom forces the tool, and a grammar format reaches the upstream as words', async () => {
    stack = await start();
    // A prose answer is no call: it is asked again, and the call is the custom tool's.
    stack.sim.enqueue(sse(reply('I would rather explain the patch.')));
    stack.sim.enqueue(sse(reply(JSON.stringify({ input: PATCH }))));
    const response = await openai().responses.create({
      model: 'claude-sonnet-4-6',
      input: 'Fix a.ts',
      tools: [{ ...RESPONSES_PATCH, format: { type: 'grammar', syntax: 'lark', definition: GRAMMAR } }],
      tool_choice: { type: 'custom', name: 'apply_patch' },
    });
    expect(response.output).toEqual([
      expect.objectContaining({ type: 'custom_tool_call', name: 'apply_patch', input: PATCH }),
    ]);
    expect(answered(stack.sim.requests)).toHaveLength(2);
    const sent = bodyText(stack.sim.requests.at(-1)!);
    expect(sent).toContain('Lark grammar');
    expect(sent).toContain('begin_patch: "*** Begin Patch" LF');
  });
});

describe.each(PINNED_MODES)('custom tools on Chat Completions ($name)', (mode: ProtocolMode) => {
  const start = () => startStack({ protocol: mode.setting, serves: mode.serves });

  it('a call comes back as a tool call of type custom, whole and streamed', async () => {
    stack = await start();
    stack.sim.enqueue(patchCall('toolu_sim_patch_3'));
    const completion = await openai().chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'Fix a.ts' }],
      tools: [CHAT_PATCH],
    });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    const call = choice.message.tool_calls![0]!;
    expect(call).toMatchObject({ type: 'custom', custom: { name: 'apply_patch', input: PATCH } });
    expect(call.id).toMatch(/^call_[A-Za-z0-9_-]+$/);

    stack.sim.enqueue(patchCall('toolu_sim_patch_4'));
    const stream = await openai().chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'Fix a.ts' }],
      tools: [CHAT_PATCH],
      stream: true,
    });
    // The SDK's chunk type knows only function calls; a custom call streams in the finished call's shape.
    type CustomDelta = { index: number; id?: string; type?: string; custom?: { name?: string; input?: string } };
    const calls: CustomDelta[] = [];
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      for (const delta of (chunk.choices[0]?.delta.tool_calls ?? []) as CustomDelta[]) calls.push(delta);
      finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    }
    expect(calls[0]).toMatchObject({ index: 0, type: 'custom', custom: { name: 'apply_patch', input: '' } });
    expect(calls[0]!.id).toMatch(/^call_/);
    expect(calls.length).toBeGreaterThan(2);
    expect(calls.every((delta) => delta.index === 0)).toBe(true);
    expect(calls.map((delta) => delta.custom?.input ?? '').join('')).toBe(PATCH);
    expect(finishReason).toBe('tool_calls');
  });

  it('a replayed custom tool call and its tool message reach the upstream as a tool use and its result', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('Patched.')));
    const completion = await openai().chat.completions.create({
      model: 'claude-sonnet-4-6',
      tools: [CHAT_PATCH],
      messages: [
        { role: 'user', content: 'Fix a.ts' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'call_patch_8', type: 'custom', custom: { name: 'apply_patch', input: PATCH } }],
        },
        { role: 'tool', tool_call_id: 'call_patch_8', content: 'Done: 1 file updated' },
      ],
    });
    expect(completion.choices[0]!.message.content).toBe('Patched.');
    const upstream = stack.sim.requests.at(-1)!;
    expect(sentToolPair(upstream, 'call_patch_8', 'apply_patch', 'Done: 1 file updated')).toBe(true);
    expect(upstreamText(upstream)).toContain('*** Begin Patch');
  });

  it('tool_choice custom forces the tool; a regex format reaches the upstream as words', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('No tool for me.')));
    stack.sim.enqueue(sse(reply(JSON.stringify({ input: 'v1.2.3' }))));
    const completion = await openai().chat.completions.create({
      model: 'claude-sonnet-4-6',
      messages: [{ role: 'user', content: 'Tag the release' }],
      tools: [
        {
          type: 'custom',
          custom: {
            name: 'tag',
            format: { type: 'grammar', grammar: { syntax: 'regex', definition: '^v\\d+\\.\\d+\\.\\d+$' } },
          },
        },
      ],
      tool_choice: { type: 'custom', custom: { name: 'tag' } },
    });
    expect(completion.choices[0]!.message.tool_calls).toEqual([
      expect.objectContaining({ type: 'custom', custom: { name: 'tag', input: 'v1.2.3' } }),
    ]);
    expect(answered(stack.sim.requests)).toHaveLength(2);
    const sent = bodyText(stack.sim.requests.at(-1)!);
    expect(sent).toContain('regular expression');
    expect(sent).toContain('^v\\d+\\.\\d+\\.\\d+$');
  });
});

describe('client-run tool types OpenAI accepts, and hosted ones it would run', () => {
  it('leaves out hosted tools and tool_search (Codex declares both), not a namespace; forcing one: 400', async () => {
    stack = await startStack({ protocol: 'sse-a' });
    stack.sim.enqueue(sse(reply('No news here.')));
    const lookup: OpenAI.Responses.FunctionTool = {
      type: 'function',
      name: 'lookup_word',
      description: 'Look a word up',
      parameters: { type: 'object', properties: { word: { type: 'string' } } },
      strict: false,
    };
    const response = await openai().responses.create({
      model: 'claude-sonnet-4-6',
      input: 'news?',
      tools: [
        { type: 'web_search' },
        { type: 'file_search', vector_store_ids: ['vs_fake_0001'] },
        {
          type: 'namespace',
          name: 'agents',
          description: 'Sub-agents',
          tools: [{ type: 'function', name: 'spawn_agent', parameters: { type: 'object', properties: {} } }],
        },
        { type: 'tool_search', execution: 'client', description: 'Find more tools' },
        lookup,
      ],
    });
    expect(response.output_text).toBe('No news here.');
    const offered = bodyText(stack.sim.requests.at(-1)!);
    expect(offered).toContain('lookup_word');
    expect(offered).toContain('agents__spawn_agent');
    expect(offered).not.toMatch(/web_search|file_search|tool_search|Find more tools/);

    const forced = await refusal(
      openai().responses.create({
        model: 'claude-sonnet-4-6',
        input: 'news?',
        tools: [{ type: 'web_search' }, lookup],
        tool_choice: { type: 'web_search_preview' },
      }),
    );
    expect(forced).toBeInstanceOf(OpenAI.BadRequestError);
    expect(forced).toMatchObject({ param: 'tool_choice.type', code: 'unsupported_parameter' });

    const unknown = await refusal(
      openai().responses.create({
        model: 'claude-sonnet-4-6',
        input: 'news?',
        tools: [{ type: 'telepathy' } as unknown as OpenAI.Responses.Tool],
      }),
    );
    expect(unknown).toMatchObject({ status: 400, param: 'tools[0].type', code: 'unsupported_parameter' });
    expect(stack.sim.requests).toHaveLength(1);
  });

  it('a choice or allowed list names a tool of its own kind', async () => {
    stack = await startStack();
    const wrongKind = await refusal(
      openai().responses.create({
        model: 'claude-sonnet-4-6',
        input: 'Fix a.ts',
        tools: [RESPONSES_PATCH],
        tool_choice: { type: 'function', name: 'apply_patch' },
      }),
    );
    expect(wrongKind).toMatchObject({ status: 400, param: 'tool_choice', code: 'invalid_value' });

    stack.sim.enqueue(sse(reply('Nothing to patch.')));
    const allowed = await refusal(
      openai().chat.completions.create({
        model: 'claude-sonnet-4-6',
        messages: [{ role: 'user', content: 'Fix a.ts' }],
        tools: [CHAT_PATCH],
        tool_choice: {
          type: 'allowed_tools',
          allowed_tools: { mode: 'auto', tools: [{ type: 'custom', custom: { name: 'apply_patch' } }] },
        },
      }),
    );
    expect(allowed).toBe('answered');

    const badSyntax = await refusal(
      openai().responses.create({
        model: 'claude-sonnet-4-6',
        input: 'x',
        tools: [{ ...RESPONSES_PATCH, format: { type: 'grammar', syntax: 'ebnf' as 'lark', definition: 'x' } }],
      }),
    );
    expect(badSyntax).toMatchObject({ status: 400, param: 'tools[0].format.syntax', code: 'invalid_value' });
  });
});

const SHELL_INPUT = { commands: ['ls -la', 'cat "src/a.ts"'], timeout_ms: 5000 };
const PATCH_INPUT = {
  type: 'update_file' as const,
  path: 'src/a.ts',
  diff: '@@\n-const a = "old";\n+const a = "new";\n',
};
const LOCAL_INPUT = { command: ['bash', '-lc', 'ls'], working_directory: '/work' };

/** One answer calling each typed tool, in turn: the simulated model calls them by the names the proxy offered. */
const typedCalls = (n: number) =>
  sse([
    ...toolCall({ id: `toolu_sim_shell_${n}`, name: 'shell', input: SHELL_INPUT, chunks: 3 }),
    ...toolCall({ id: `toolu_sim_apply_${n}`, name: 'apply_patch', input: PATCH_INPUT, chunks: 3 }),
    ...toolCall({ id: `toolu_sim_local_${n}`, name: 'local_shell', input: LOCAL_INPUT }),
    ...finish('tool-calls'),
  ]);

const TYPED: OpenAI.Responses.Tool[] = [{ type: 'shell' }, { type: 'apply_patch' }, { type: 'local_shell' }];

describe.each(PINNED_MODES)('the typed client tools of the Responses API ($name)', (mode: ProtocolMode) => {
  const start = () => startStack({ protocol: mode.setting, serves: mode.serves });

  it('calls come back as shell_call, apply_patch_call and local_shell_call items, streamed and not', async () => {
    stack = await start();
    const expected = [
      {
        type: 'shell_call',
        action: { commands: SHELL_INPUT.commands, timeout_ms: 5000, max_output_length: null },
        status: 'completed',
      },
      { type: 'apply_patch_call', operation: PATCH_INPUT, status: 'completed' },
      {
        type: 'local_shell_call',
        action: {
          type: 'exec',
          command: LOCAL_INPUT.command,
          env: {},
          timeout_ms: null,
          user: null,
          working_directory: '/work',
        },
        status: 'completed',
      },
    ];
    stack.sim.enqueue(typedCalls(1));
    const whole = await openai().responses.create({ model: 'claude-sonnet-4-6', input: 'Fix a.ts', tools: TYPED });
    expect(whole.output).toEqual(expected.map((item) => expect.objectContaining(item)));
    for (const item of whole.output as Array<{ id: string; call_id: string }>) {
      expect(item.id).toMatch(/^(sh|apc|lsh)_/);
      expect(item.call_id).toMatch(/^call_[A-Za-z0-9_-]+$/);
    }
    // Upstream, each is a tool named after its type whose schema is its call's shape.
    if (mode.expect === 'sse-a') {
      const offered = JSON.stringify(stack.sim.requests.at(-1)!.body);
      for (const name of ['"shell"', '"apply_patch"', '"local_shell"', '"commands"', '"diff"', '"working_directory"'])
        expect(offered).toContain(name);
    }

    stack.sim.enqueue(typedCalls(2));
    const stream = openai().responses.stream({ model: 'claude-sonnet-4-6', input: 'Fix a.ts', tools: TYPED });
    const added: string[] = [];
    stream.on('response.output_item.added', (event) => added.push(event.item.type));
    const streamed = await stream.finalResponse();
    expect(streamed.output).toEqual(expected.map((item) => expect.objectContaining(item)));
    expect(added).toEqual(['shell_call', 'apply_patch_call', 'local_shell_call']);
  });

  it('replayed calls and their outputs reach the upstream as tool uses and results', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('All done.')));
    const response = await openai().responses.create({
      model: 'claude-sonnet-4-6',
      tools: TYPED,
      input: [
        { role: 'user', content: 'Fix a.ts' },
        { type: 'shell_call', call_id: 'call_sh_1', action: { commands: ['ls'], timeout_ms: null } },
        {
          type: 'shell_call_output',
          call_id: 'call_sh_1',
          output: [{ stdout: 'a.ts', stderr: '', outcome: { type: 'exit', exit_code: 0 } }],
        },
        { type: 'apply_patch_call', call_id: 'call_ap_1', status: 'completed', operation: PATCH_INPUT },
        { type: 'apply_patch_call_output', call_id: 'call_ap_1', status: 'failed', output: 'hunk 1 did not apply' },
        {
          type: 'local_shell_call',
          id: 'lsh_1',
          call_id: 'call_ls_1',
          status: 'completed',
          action: { type: 'exec', command: ['pwd'], env: {} },
        },
        { type: 'local_shell_call_output', id: 'call_ls_1', output: '/work' },
      ],
    });
    expect(response.output_text).toBe('All done.');
    const upstream = stack.sim.requests.at(-1)!;
    expect(sentToolPair(upstream, 'call_sh_1', 'shell', 'exit code 0')).toBe(true);
    expect(sentToolPair(upstream, 'call_ap_1', 'apply_patch', 'hunk 1 did not apply')).toBe(true);
    expect(sentToolPair(upstream, 'call_ls_1', 'local_shell', '/work')).toBe(true);
    // Generation A writes the call's input as JSON in its prompt, so the diff is looked for without its quotes.
    expect(upstreamText(upstream)).toContain('+const a = ');
  });

  it('tool_choice shell forces the shell tool', async () => {
    stack = await start();
    stack.sim.enqueue(sse(reply('I will not run anything.')));
    stack.sim.enqueue(sse(reply(JSON.stringify({ commands: ['npm test'] }))));
    const response = await openai().responses.create({
      model: 'claude-sonnet-4-6',
      input: 'Run the tests',
      tools: TYPED,
      tool_choice: { type: 'shell' },
    });
    expect(response.output).toEqual([
      expect.objectContaining({ type: 'shell_call', action: expect.objectContaining({ commands: ['npm test'] }) }),
    ]);
    expect(answered(stack.sim.requests)).toHaveLength(2);
  });
});

describe('typed client tools OpenAI would run itself, or that the API lacks', () => {
  it('a shell in an OpenAI container, typed tools on Chat Completions, an undeclared forced tool: a 400', async () => {
    stack = await startStack();
    const container = await refusal(
      openai().responses.create({
        model: 'claude-sonnet-4-6',
        input: 'ls',
        tools: [{ type: 'shell', environment: { type: 'container_auto' } }],
      }),
    );
    expect(container).toMatchObject({ status: 400, param: 'tools[0].environment.type' });
    const chat = await refusal(
      openai().chat.completions.create({
        model: 'claude-sonnet-4-6',
        messages: [{ role: 'user', content: 'ls' }],
        tools: [{ type: 'shell' } as unknown as OpenAI.Chat.ChatCompletionTool],
      }),
    );
    expect(chat).toMatchObject({ status: 400, param: 'tools[0].type', code: 'unsupported_parameter' });
    const undeclared = await refusal(
      openai().responses.create({
        model: 'claude-sonnet-4-6',
        input: 'patch it',
        tools: [{ type: 'shell' }],
        tool_choice: { type: 'apply_patch' },
      }),
    );
    expect(undeclared).toMatchObject({ status: 400, param: 'tool_choice' });
    expect(stack.sim.requests).toHaveLength(0);
  });
});
