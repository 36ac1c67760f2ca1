import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Message, MessagesRequest, TextBlock } from '../../main/core/anthropic/types';
import { DEFAULT_MODEL_MAP, mapModel } from '../../main/core/orchids/model-map';
import { buildOrchidsRequest, chatSessionIdFor, type BuildContext } from '../../main/core/orchids/request-builder';
import { CLAUDE_CODE_REQUEST } from '../helpers/fixtures';

const FIXTURE = CLAUDE_CODE_REQUEST;
const fixtureText = fs.readFileSync(FIXTURE, 'utf8');
const loadFixture = (): MessagesRequest => JSON.parse(fixtureText) as MessagesRequest;

const ctx: BuildContext = {
  email: 'user@example.com',
  userId: 'user_XXXX',
  upstreamModel: 'claude-opus-4-6',
  chatSessionId: 'chat_0123456789abcdef',
};

const request = (messages: Message[], extra: Partial<MessagesRequest> = {}): MessagesRequest => ({
  model: 'claude-sonnet-4-6',
  max_tokens: 1024,
  messages,
  ...extra,
});

/** The text between `<tag>\n` and `\n</tag>` in the prompt, or undefined when the section is absent. */
function section(prompt: string, tag: string): string | undefined {
  const open = prompt.indexOf(`<${tag}>\n`);
  if (open < 0) return undefined;
  const close = prompt.lastIndexOf(`\n</${tag}>`);
  return prompt.slice(open + tag.length + 3, close);
}

describe('buildOrchidsRequest on the real Claude Code request', () => {
  const req = loadFixture();
  const body = buildOrchidsRequest(req, { ...ctx, upstreamModel: mapModel(req.model, DEFAULT_MODEL_MAP) });

  it('fills the Generation A envelope', () => {
    expect(body).toMatchObject({
      projectId: '00000000-0000-0000-0000-000000000000',
      currentPage: {},
      agentMode: 'claude-opus-4-6',
      model: 'claude-opus-4-6',
      mode: 'agent',
      gitRepoUrl: '',
      email: 'user@example.com',
      userId: 'user_XXXX',
      chatSessionId: 'chat_0123456789abcdef',
      apiVersion: 2,
    });
    expect(buildOrchidsRequest(req, { ...ctx, projectId: 'proj_1' }).projectId).toBe('proj_1');
  });

  it('puts the adaptive thinking prefix on the first line', () => {
    expect(body.prompt.split('\n')[0]).toBe(
      '<thinking_mode>enabled</thinking_mode><max_thinking_length>10000</max_thinking_length>',
    );
  });

  it('keeps the user turn verbatim, system reminder included', () => {
    const user = req.messages[0]?.content as TextBlock[];
    const userMessage = section(body.prompt, 'user_message');
    expect(userMessage).toContain(user[0]?.text);
    expect(userMessage?.endsWith('hello')).toBe(true);
    expect(user[0]?.text).toContain('<system-reminder>');
    expect(body.chatHistory).toEqual([]);
  });

  it('puts the system blocks and then the system-role message into the one system section', () => {
    const system = section(body.prompt, 'system') ?? '';
    const blocks = (req.system as TextBlock[]).map((b) => b.text);
    const midConversation = req.messages[1]?.content as string;
    expect(req.messages[1]?.role).toBe('system');
    const positions = [...blocks, midConversation].map((text) => system.indexOf(text));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(section(body.prompt, 'user_message')).not.toContain(midConversation.slice(0, 40));
  });

  it('sends all 24 tools but the blocked WebSearch, with reduced schemas', () => {
    const expected = (req.tools ?? []).map((t) => t.name).filter((name) => name !== 'WebSearch');
    expect(expected).toHaveLength(23);
    expect(body.tools?.map((t) => t.name)).toEqual(expected);
    const json = JSON.stringify(body.tools);
    expect(json).not.toContain('$schema');
    expect(json).not.toContain('additionalProperties');
    const bash = body.tools?.find((t) => t.name === 'Bash');
    expect(bash?.input_schema).toMatchObject({
      type: 'object',
      required: ['command'],
      properties: { command: { type: 'string' }, run_in_background: { type: 'boolean' } },
    });
  });

  it('leaves the request it was given unchanged', () => {
    expect(JSON.stringify(req)).toBe(JSON.stringify(loadFixture()));
  });
});

describe('buildOrchidsRequest on a tool loop', () => {
  const tools = [
    { name: 'Bash', description: 'run', input_schema: { type: 'object', properties: { command: { type: 'string' } } } },
    {
      name: 'read_file',
      description: 'read',
      input_schema: { type: 'object', properties: { path: { type: 'string' } } },
    },
  ];
  const messages: Message[] = [
    { role: 'user', content: 'list the files' },
    {
      role: 'assistant',
      content: [
        { type: 'thinking', thinking: 'SECRET-THOUGHT', signature: 'sig' },
        { type: 'text', text: 'Let me look.' },
        { type: 'tool_use', id: 'toolu_01', name: 'Bash', input: { command: 'ls -la' } },
      ],
    },
    {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 'toolu_01', content: 'permission denied', is_error: true }],
    },
    {
      role: 'assistant',
      content: [
        { type: 'redacted_thinking', data: 'REDACTED-DATA' },
        { type: 'tool_use', id: 'toolu_02', name: 'read_file', input: { path: '/etc/hosts' } },
      ],
    },
    {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 'toolu_02',
          content: [
            { type: 'text', text: '127.0.0.1 localhost' },
            { type: 'text', text: '::1 localhost' },
          ],
        },
      ],
    },
  ];
  const body = buildOrchidsRequest(request(messages, { tools }), ctx);

  it('renders every earlier turn in order with ids, upstream names, inputs, contents and the error flag', () => {
    expect(body.chatHistory).toEqual([
      { role: 'user', content: 'list the files' },
      {
        role: 'assistant',
        content: 'Let me look.\n\n<tool_use id="toolu_01" name="Bash">{"command":"ls -la"}</tool_use>',
      },
      { role: 'user', content: '<tool_result tool_use_id="toolu_01" is_error="true">permission denied</tool_result>' },
      { role: 'assistant', content: '<tool_use id="toolu_02" name="Read">{"path":"/etc/hosts"}</tool_use>' },
    ]);
  });

  it('renders the last tool result as the current user message', () => {
    expect(section(body.prompt, 'user_message')).toBe(
      '<tool_result tool_use_id="toolu_02">127.0.0.1 localhost\n::1 localhost</tool_result>',
    );
  });

  it('drops signed thinking blocks', () => {
    const all = body.prompt + JSON.stringify(body.chatHistory);
    expect(all).not.toContain('SECRET-THOUGHT');
    expect(all).not.toContain('REDACTED-DATA');
  });

  it('has no thinking prefix or system section when the request has neither', () => {
    expect(body.prompt.startsWith('<user_message>\n')).toBe(true);
    expect(body.prompt).not.toContain('<system>');
  });
});

describe('buildOrchidsRequest details', () => {
  it('merges consecutive turns of one role and keeps a trailing assistant prefill apart', () => {
    const body = buildOrchidsRequest(
      request([
        { role: 'user', content: 'first' },
        { role: 'user', content: 'second' },
        { role: 'assistant', content: 'reply' },
        { role: 'user', content: 'question' },
        { role: 'assistant', content: [{ type: 'text', text: 'The answer is' }] },
      ]),
      ctx,
    );
    expect(body.chatHistory).toEqual([
      { role: 'user', content: 'first\n\nsecond' },
      { role: 'assistant', content: 'reply' },
    ]);
    expect(body.prompt).toBe(
      '<user_message>\nquestion\n</user_message>\n\n<assistant_prefill>\nThe answer is\n</assistant_prefill>',
    );
  });

  it.each([
    [{ type: 'enabled', budget_tokens: 500 }, 1024],
    [{ type: 'enabled', budget_tokens: 5000 }, 5000],
    [{ type: 'enabled', budget_tokens: 500_000 }, 128000],
    [{ type: 'adaptive' }, 10000],
  ])('thinking %j → max_thinking_length %i', (thinking, budget) => {
    const body = buildOrchidsRequest(request([{ role: 'user', content: 'hi' }], { thinking }), ctx);
    expect(body.prompt.startsWith(`<thinking_mode>enabled</thinking_mode><max_thinking_length>${budget}<`)).toBe(true);
  });

  // Spec 7.2: the prefix is skipped for a suggestion-mode turn and when the prompt already holds a prefix.
  it.each([
    ['a suggestion-mode turn', '[SUGGESTION MODE: Suggest what the user might naturally type next into Claude Code.]'],
    ['suggestion mode in any case', 'please answer in Suggestion Mode'],
    ['a prompt that already has the mode tag', 'use <thinking_mode>disabled</thinking_mode> here'],
    ['a prompt that already has the length tag', 'keep <max_thinking_length>2000</max_thinking_length>'],
  ])('omits the thinking prefix for %s', (_label, text) => {
    const req = request([{ role: 'user', content: text }], { thinking: { type: 'adaptive' } });
    const body = buildOrchidsRequest(req, ctx);
    expect(body.prompt).toBe(`<user_message>\n${text}\n</user_message>`);
  });

  it('omits the thinking prefix when thinking is disabled', () => {
    const req = request([{ role: 'user', content: 'hi' }], { thinking: { type: 'disabled' } });
    const body = buildOrchidsRequest(req, ctx);
    expect(body.prompt).not.toContain('thinking_mode');
  });

  it('accepts a plain string system prompt', () => {
    const body = buildOrchidsRequest(request([{ role: 'user', content: 'hi' }], { system: 'Be brief.' }), ctx);
    expect(body.prompt).toBe('<system>\nBe brief.\n</system>\n\n<user_message>\nhi\n</user_message>');
  });

  it('renders images, documents and unknown blocks as hints', () => {
    const big = 'x'.repeat(3000);
    const bigJsonLength = JSON.stringify({ tool_use_id: 'srvtoolu_1', content: big }).length;
    const body = buildOrchidsRequest(
      request([
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAABBBBCC==' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/a.png' } },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'plain document text' } },
            {
              type: 'document',
              title: 'Spec',
              source: { type: 'base64', media_type: 'application/pdf', data: 'QUJD' },
            },
            { type: 'search_result', source: 'kb', title: 'Hit' },
            { type: 'web_search_tool_result', tool_use_id: 'srvtoolu_1', content: big },
            {
              type: 'tool_result',
              tool_use_id: 'toolu_9',
              content: [{ type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: 'AAAA' } }],
            },
          ],
        },
      ]),
      ctx,
    );
    expect(section(body.prompt, 'user_message')?.split('\n\n')).toEqual([
      '[Image image/png base64 bytes≈7]',
      '[Image unknown url https://example.com/a.png]',
      'plain document text',
      '[Document application/pdf base64 bytes≈3 "Spec"]',
      '[Search result "Hit" from kb]',
      `[web_search_tool_result] (${bigJsonLength} characters of block data not shown)`,
      '<tool_result tool_use_id="toolu_9">[Image image/jpeg base64 bytes≈3]</tool_result>',
    ]);
  });

  it('never trims long history', () => {
    const long = 'line of output\n'.repeat(20_000);
    const body = buildOrchidsRequest(
      request([
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: long }] },
        { role: 'assistant', content: 'ok' },
        { role: 'user', content: 'next' },
      ]),
      ctx,
    );
    expect(body.chatHistory[0]?.content).toBe(`<tool_result tool_use_id="t">${long}</tool_result>`);
  });

  it('omits tools and model when there are none', () => {
    const body = buildOrchidsRequest(request([{ role: 'user', content: 'hi' }]), { ...ctx, upstreamModel: '' });
    expect('tools' in body).toBe(false);
    expect('model' in body).toBe(false);
  });
});

describe('chatSessionIdFor', () => {
  const req = request([{ role: 'user', content: 'hi' }]);
  const idPattern = /^chat_[0-9a-f]{16}$/;

  it('derives a stable id from the Claude Code session header without forwarding it', () => {
    const a = chatSessionIdFor(req, { 'x-claude-code-session-id': 'session-abc' });
    expect(a).toMatch(idPattern);
    expect(a).not.toContain('session-abc');
    expect(chatSessionIdFor(req, { 'x-claude-code-session-id': ['session-abc'] })).toBe(a);
    expect(chatSessionIdFor(req, { 'x-claude-code-session-id': 'session-xyz' })).not.toBe(a);
  });

  it('falls back to the session_id inside metadata.user_id, then to the plain string', () => {
    const viaHeader = chatSessionIdFor(req, { 'x-claude-code-session-id': 'sess-1' });
    const jsonUser = { user_id: JSON.stringify({ device_id: 'dev', account_uuid: '', session_id: 'sess-1' }) };
    expect(chatSessionIdFor({ ...req, metadata: jsonUser }, {})).toBe(viaHeader);
    const plain = chatSessionIdFor({ ...req, metadata: { user_id: 'user_abc_session_1' } }, {});
    expect(plain).toMatch(idPattern);
    expect(chatSessionIdFor({ ...req, metadata: { user_id: 'user_abc_session_1' } }, {})).toBe(plain);
    expect(chatSessionIdFor(loadFixture(), {})).toBe(
      chatSessionIdFor(req, { 'x-claude-code-session-id': '8d11e539-c4da-48ee-928e-c3f42dac7b59' }),
    );
  });

  it('ignores a nil-UUID header, as the recorded Claude Code request sends, in favour of metadata', () => {
    const fixture = loadFixture();
    const headers = { 'x-claude-code-session-id': '00000000-0000-0000-0000-000000000000' };
    expect(chatSessionIdFor(fixture, headers)).toBe(chatSessionIdFor(fixture, {}));
    expect(chatSessionIdFor(req, headers)).not.toBe(chatSessionIdFor(req, headers));
  });

  it('is random when nothing identifies the conversation', () => {
    const a = chatSessionIdFor(req, {});
    expect(a).toMatch(idPattern);
    expect(chatSessionIdFor(req, { 'x-claude-code-session-id': '  ' })).not.toBe(a);
  });
});

describe("buildOrchidsRequest: a failed call's words the client could not flag", () => {
  // Qwen Code's shell, told by its `is_background`: the tool set whose words for a failure are read.
  const shell = {
    name: 'run_shell_command',
    input_schema: { type: 'object', properties: { command: { type: 'string' }, is_background: { type: 'boolean' } } },
  };
  const edit = { name: 'edit', input_schema: { type: 'object', properties: { old_string: { type: 'string' } } } };
  const run = (code: number) =>
    `Command: make\nDirectory: (root)\nOutput: done\nError: (none)\nExit Code: ${code}\nSignal: (none)\n` +
    'Process Group PGID: 4242';
  const missed = 'Failed to edit, 0 occurrences found for old_string (KIWI) in /work/plan.txt.';
  const messages: Message[] = [
    { role: 'user', content: 'fix the plan' },
    {
      role: 'assistant',
      content: [
        { type: 'tool_use', id: 'call_edit', name: 'edit', input: { old_string: 'KIWI' } },
        { type: 'tool_use', id: 'call_ok', name: 'run_shell_command', input: { command: 'make' } },
      ],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'call_edit', content: missed },
        { type: 'tool_result', tool_use_id: 'call_ok', content: run(0) },
      ],
    },
    {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'call_bad', name: 'run_shell_command', input: { command: 'make' } }],
    },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_bad', content: run(2) }] },
  ];

  it("flags Qwen Code's failed edit and non-zero exit in its own words, a passing command not", () => {
    const body = buildOrchidsRequest(request(messages, { tools: [shell, edit] }), ctx);
    expect(body.chatHistory[2]!.content).toBe(
      `<tool_result tool_use_id="call_edit" is_error="true">${missed}</tool_result>\n\n` +
        `<tool_result tool_use_id="call_ok">${run(0)}</tool_result>`,
    );
    expect(section(body.prompt, 'user_message')).toBe(
      `<tool_result tool_use_id="call_bad" is_error="true">${run(2)}</tool_result>`,
    );
  });

  it('reads no words as a failure for a client without that tool set', () => {
    const plain = { ...shell, input_schema: { type: 'object', properties: { command: { type: 'string' } } } };
    const body = buildOrchidsRequest(request(messages, { tools: [plain, edit] }), ctx);
    expect(JSON.stringify(body)).not.toContain('is_error');
  });
});
