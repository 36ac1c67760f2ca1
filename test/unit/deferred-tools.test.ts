import { describe, expect, it } from 'vitest';
import {
  deferredToolNames,
  offeredTools,
  withDeferredTools,
  type DeferredToolSource,
} from '../../main/core/anthropic/deferred-tools';
import { StreamTranslator } from '../../main/core/anthropic/stream-translator';
import type { Message, ToolDefinition } from '../../main/core/anthropic/types';
import type { UpstreamEvent } from '../../main/core/orchids/types';
import {
  claudeCodeWithToolSearch as withToolSearch,
  deferredToolsReminder as announcement,
} from '../helpers/client-tools';

type Payload = Record<string, any>;

const userTurn = (...texts: string[]): Message => ({
  role: 'user',
  content: texts.map((text) => ({ type: 'text' as const, text })),
});

describe('deferredToolNames', () => {
  it('reads the names a reminder announces, from the system prompt and user turns, each once', () => {
    const source: DeferredToolSource = {
      system: [{ type: 'text', text: announcement(['CronCreate']) }],
      messages: [
        userTurn(
          '<system-reminder>\nToday is a fine day.\n</system-reminder>',
          announcement(['WebFetch', 'TodoWrite']),
        ),
        { role: 'assistant', content: announcement(['NotAnnouncedByTheClient']) },
        { role: 'user', content: `Please fix the build.\n${announcement(['WebFetch', 'NotebookEdit'], '')}` },
      ],
    };
    expect(deferredToolNames(source)).toEqual(['CronCreate', 'WebFetch', 'TodoWrite', 'NotebookEdit']);
  });

  it('skips rows that stand for unnamed tools, and text outside a reminder', () => {
    const shortened = announcement(['WebSearch', 'mcp__slack__* (42)', 'two words', '']);
    const prose = 'The following deferred tools are now available via ToolSearch. Load them first:\nSneaky\n';
    expect(deferredToolNames({ messages: [userTurn(shortened, prose)] })).toEqual(['WebSearch']);
  });

  it("reads the list from a paragraph of Claude Code's system message, where its window sends it unwrapped", () => {
    // Claude Code 2.1.332's TUI: its environment as a `system` message, the list between two other paragraphs.
    const environment =
      '# Environment\nYou have been invoked in the following environment: \n - Platform: linux\n\n' +
      'The following deferred tools are now available via ToolSearch. Their schemas are NOT loaded:\n' +
      'EnterPlanMode\nExitPlanMode\nWebFetch\n\nAvailable agent types for the Agent tool:\n- claude: Catch-all';
    const messages: Message[] = [
      userTurn('Plan the fix.'),
      { role: 'system', content: [{ type: 'text', text: environment }] },
      // The user's own words are never read as the list, reminder or not.
      userTurn('The following deferred tools are now available via ToolSearch. Load them first:\nSneaky'),
    ];
    expect(deferredToolNames({ messages })).toEqual(['EnterPlanMode', 'ExitPlanMode', 'WebFetch']);
  });
});

describe('withDeferredTools', () => {
  const messages = [userTurn(announcement(['WebFetch', 'Read', 'TodoWrite']))];

  it('adds the announced tools without a schema, after the declared ones, none twice', () => {
    const declared = withToolSearch();
    const tools = withDeferredTools(declared, { messages })!;
    expect(tools.slice(0, declared.length)).toEqual(declared);
    expect(tools.slice(declared.length)).toEqual([{ name: 'WebFetch' }, { name: 'TodoWrite' }]);
  });

  it('leaves the declared list itself when the client has no tool search, or announces nothing', () => {
    const noSearch = withToolSearch().filter((tool) => tool.name !== 'ToolSearch');
    expect(withDeferredTools(noSearch, { messages })).toBe(noSearch);
    const declared = withToolSearch();
    expect(withDeferredTools(declared, { messages: [userTurn('hello')] })).toBe(declared);
  });
});

describe('offeredTools', () => {
  const mcpTool = (name: string): ToolDefinition => ({
    name,
    input_schema: { type: 'object', properties: { label: { type: 'string' } } },
    defer_loading: true,
  });
  /** Claude Code's ToolSearch answering with a reference a tool, as it loads them. */
  const searchResult = (...names: string[]): Message => ({
    role: 'user',
    content: [
      {
        type: 'tool_result',
        tool_use_id: 'toolu_search_1',
        content: names.map((name) => ({ type: 'tool_reference', tool_name: name })),
      },
    ],
  });
  const names = (tools: ToolDefinition[] | undefined) => tools?.map((tool) => tool.name);

  it('holds back the placeholder and every deferred tool until a tool search loads it', () => {
    const declared = [...withToolSearch(), mcpTool('mcp__shop__badge'), mcpTool('mcp__shop__archive')];
    const before = offeredTools(declared, [userTurn('Make a badge')]);
    expect(names(before)).toEqual(['Agent', 'Bash', 'Edit', 'Read', 'Skill', 'Write', 'ToolSearch']);
    const after = offeredTools(declared, [userTurn('Make a badge'), searchResult('mcp__shop__badge')]);
    expect(names(after)).toEqual([...names(before)!, 'mcp__shop__badge']);
    // The loaded tool goes as declared, its schema whole.
    expect(after?.at(-1)).toBe(declared.at(-2));
  });

  it('gives the same list back for the same loaded tools, and the declared one when nothing is held back', () => {
    const declared = [...withToolSearch(), mcpTool('mcp__shop__badge')];
    const messages = [userTurn('Make a badge'), searchResult('mcp__shop__badge')];
    const first = offeredTools(declared, messages);
    expect(offeredTools(declared, [...messages, userTurn('And another')])).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(offeredTools(declared, [userTurn('Make a badge')])).not.toBe(first);
    const whole = withToolSearch().filter((tool) => tool.defer_loading !== true);
    expect(offeredTools(whole, messages)).toBe(whole);
    expect(offeredTools(undefined, messages)).toBeUndefined();
  });

  it('offers deferred tools directly where the client has no tool search to load them', () => {
    const declared = [...withToolSearch().filter((tool) => tool.name !== 'ToolSearch'), mcpTool('mcp__shop__badge')];
    expect(offeredTools(declared, [userTurn('Make a badge')])).toBe(declared);
  });
});

describe('StreamTranslator: calls to tools the client holds back behind its tool search', () => {
  function translate(tools: ToolDefinition[], source: DeferredToolSource, events: UpstreamEvent[]) {
    const frames: Payload[] = [];
    const t = new StreamTranslator({
      messageId: 'msg_test',
      model: 'claude-sonnet-4-6',
      inputTokensEstimate: 10,
      tools,
      deferredToolSource: source,
      includeThinking: false,
      sink: (_name, payload) => frames.push(payload),
    });
    t.start();
    for (const event of events) t.apply(event);
    t.apply({ kind: 'finish', reason: 'tool-calls' });
    const { stopReason } = t.complete();
    const blocks = frames
      .filter((f) => f.type === 'content_block_start')
      .map((f) => {
        const deltas = frames.filter((d) => d.type === 'content_block_delta' && d.index === f.index);
        const body = deltas.map((d) => String(d.delta.partial_json ?? d.delta.text)).join('');
        return f.content_block.type === 'tool_use'
          ? { tool: f.content_block.name as string, id: f.content_block.id as string, input: JSON.parse(body) }
          : { text: body };
      });
    return { blocks, stopReason, unmapped: t.unmappedToolCalls };
  }
  const streamed = (id: string, name: string, input: Payload): UpstreamEvent[] => [
    { kind: 'tool-input-start', id, name },
    { kind: 'tool-input-delta', id, delta: JSON.stringify(input) },
    { kind: 'tool-input-end', id },
  ];
  const fetchInput = { url: 'https://docs.example.test/guide', prompt: 'What does it say about setup?' };
  const todos = [{ content: 'Read the guide', status: 'in_progress', activeForm: 'Reading the guide' }];
  const source = { messages: [userTurn(announcement(['WebFetch', 'TodoWrite', 'NotebookEdit']))] };

  it("go out as the client's own tools, with the agent's ids and inputs, streamed or whole", () => {
    const { blocks, stopReason, unmapped } = translate(withToolSearch(), source, [
      ...streamed('toolu_fetch_0001', 'WebFetch', fetchInput),
      { kind: 'tool-call', id: 'toolu_todo_0002', name: 'TodoWrite', input: { todos } },
    ]);
    expect(blocks).toEqual([
      { tool: 'WebFetch', id: 'toolu_fetch_0001', input: fetchInput },
      { tool: 'TodoWrite', id: 'toolu_todo_0002', input: { todos } },
    ]);
    expect(stopReason).toBe('tool_use');
    expect(unmapped).toEqual([]);
  });

  it('are declined as before where the client has no tool search, or did not announce the tool', () => {
    const noSearch = withToolSearch().filter((tool) => tool.name !== 'ToolSearch');
    const declined = translate(noSearch, source, streamed('toolu_fetch_0003', 'WebFetch', fetchInput));
    expect(declined.blocks).toEqual([{ text: expect.stringContaining('"WebFetch"') }]);
    expect(declined.unmapped).toEqual([{ name: 'WebFetch', input: fetchInput }]);
    const plan = translate(withToolSearch(), { messages: [userTurn(announcement(['WebFetch']))] }, [
      { kind: 'tool-call', id: 'toolu_todo_0004', name: 'TodoWrite', input: { todos } },
    ]);
    expect(plan.blocks).toEqual([{ text: expect.stringContaining('- [ ] Read the guide (in progress)') }]);
  });

  it('leave the fallbacks as they were, and the request unread while every call names a declared tool', () => {
    let reads = 0;
    const counted: DeferredToolSource = {
      get messages() {
        reads += 1;
        return source.messages;
      },
    };
    const read = translate(withToolSearch(), counted, streamed('toolu_read_0005', 'Read', { file_path: '/w/a.ts' }));
    expect(read.blocks).toEqual([{ tool: 'Read', id: 'toolu_read_0005', input: { file_path: '/w/a.ts' } }]);
    expect(reads).toBe(0);
    // The agent's Grep has no tool of Claude Code 2.1's, announced or not: it still runs as a shell command.
    const grep = translate(withToolSearch(), counted, streamed('toolu_grep_0006', 'Grep', { pattern: 'setup' }));
    expect(grep.blocks).toEqual([{ tool: 'Bash', id: 'toolu_grep_0006', input: expect.objectContaining({}) }]);
    expect(String((grep.blocks[0] as { input: Payload }).input.command)).toContain('setup');
    expect(reads).toBe(1);
  });

  describe("Qwen Code 0.24.4's bridge", () => {
    const object = { type: 'object' };
    const qwenTools = (...names: string[]): ToolDefinition[] =>
      names.map((name) => ({
        name,
        input_schema:
          name === 'tool_call'
            ? { type: 'object', properties: { name: { type: 'string' }, arguments: object }, required: ['name'] }
            : { type: 'object', properties: { query: { type: 'string' } } },
      }));
    const qwenReminder =
      '<system-reminder>\nThe following tools are reachable through `tool_search` and `tool_call`. Review a ' +
      'schema with `select:<name>` or a keyword query, then invoke it with `tool_call`.\n\n### Bundled\n' +
      '- "cron_create": "Schedule a prompt."\n- "web_fetch": "Fetches content from a specified URL"\n' +
      '</system-reminder>';
    const qwenSource = { messages: [userTurn('Hello', qwenReminder)] };

    it('reads the names of its reminder only where it declares both tool_search and tool_call', () => {
      expect(deferredToolNames(qwenSource, true)).toEqual(['cron_create', 'web_fetch']);
      expect(deferredToolNames(qwenSource)).toEqual([]);
      expect(withDeferredTools(qwenTools('tool_call'), qwenSource)).toEqual(qwenTools('tool_call'));
    });

    it("sends a call to a held-back tool as its tool_call, the agent's input whole as the arguments", () => {
      const { blocks, unmapped } = translate(qwenTools('tool_search', 'tool_call'), qwenSource, [
        ...streamed('toolu_fetch_0007', 'WebFetch', fetchInput),
      ]);
      expect(blocks).toEqual([
        { tool: 'tool_call', id: 'toolu_fetch_0007', input: { name: 'web_fetch', arguments: fetchInput } },
      ]);
      expect(unmapped).toEqual([]);
      // Claude Code's reminder names no tool behind Qwen's bridge.
      const other = translate(qwenTools('tool_search', 'tool_call'), source, streamed('toolu_f_8', 'WebFetch', {}));
      expect(other.blocks).toEqual([{ text: expect.stringContaining('"WebFetch"') }]);
    });

    it('reads the MCP tools its second reminder names, and sends a call to one as its tool_call', () => {
      // Qwen Code 0.24.4 names MCP tools that came up after it started in a reminder of their own, under their server.
      const mcpReminder =
        '<system-reminder>\nThe following MCP tools became available after startup and are reachable through ' +
        '`tool_search` and `tool_call`. Review a schema, then invoke it through the bridge.\n\n### MCP servers\n' +
        '#### warehouse\n- "mcp__warehouse__open_archive": "Opens the archive of a year."\n</system-reminder>';
      const mcpSource = { messages: [userTurn('Hello', `${qwenReminder}\n\n${mcpReminder}`)] };
      expect(deferredToolNames(mcpSource, true)).toEqual(['cron_create', 'web_fetch', 'mcp__warehouse__open_archive']);
      const input = { year: 1999 };
      const { blocks, unmapped } = translate(qwenTools('tool_search', 'tool_call'), mcpSource, [
        ...streamed('toolu_mcp_0008', 'mcp__warehouse__open_archive', input),
      ]);
      expect(blocks).toEqual([
        { tool: 'tool_call', id: 'toolu_mcp_0008', input: { name: 'mcp__warehouse__open_archive', arguments: input } },
      ]);
      expect(unmapped).toEqual([]);
    });
  });
});
