import { describe, expect, it } from 'vitest';
import type { Message, ToolDefinition } from '../../main/core/anthropic/types';
import { PLAN_ANSWER, todoAnswer, unmappedCallText } from '../../main/core/anthropic/unmapped-call-text';
import { restoreShownCalls } from '../../main/core/orchids/shown-calls';
import { withDeclinedCalls } from '../../main/core/proxy/declined-calls';
import { claudeCodeWithToolSearch, deferredToolsReminder } from '../helpers/client-tools';

const TODOS = [
  { content: 'Read the config', status: 'completed' },
  { content: 'Fix the parser', status: 'in_progress' },
  { content: 'Run the tests', status: 'pending' },
  { content: 'Rewrite it in Go', status: 'cancelled' },
];
/** The notes as the client was shown them, from the code that wrote them. */
const CHECKLIST = unmappedCallText('TodoWrite', { todos: TODOS.map((t) => ({ ...t, activeForm: 'Doing it' })) });
const PLAN = '## Fix the parser\n\n1. Anchor the regex.\n2. Add a test for a blank line.';
const PLAN_NOTE = unmappedCallText('ExitPlanMode', { plan: PLAN });
const TICKS = { reason: 'a `tick` and ``two``' };
const CALL_LINE = unmappedCallText('EnterPlanMode', TICKS);
const TOOLS: ToolDefinition[] = [{ name: 'Read' }, { name: 'Bash' }];
/** What the proxy told the agent of a call to a tool the client lacks, for a client with `TOOLS`. */
const lacks = (name: string) =>
  `This client has no tool named "${name}", so the call was not run. Its tools are: Read, Bash. ` +
  'Use one of those, or go on without it.';

/** The notes read back from a conversation sent in a request with these tools. */
function restore(messages: Message[], tools: ToolDefinition[] = TOOLS): readonly Message[] {
  return restoreShownCalls(messages, { messages, tools });
}

const READ = { type: 'tool_use' as const, id: 'toolu_read_1', name: 'Read', input: { file_path: '/w/p.ts' } };
const READ_RESULT = { type: 'tool_result' as const, tool_use_id: 'toolu_read_1', content: 'file text' };
const ASK: Message = { role: 'user', content: 'Fix the parser bug.' };
const todoUse = (id: string) => ({ type: 'tool_use', id, name: 'TodoWrite', input: { todos: TODOS } });
const todoResult = (id: string) => ({ type: 'tool_result', tool_use_id: id, content: todoAnswer('TodoWrite') });

/** The conversation Claude Code sends after the turn that showed the checklist and went on with a Read. */
function afterChecklist(assistant: Message['content']): Message[] {
  return [ASK, { role: 'assistant', content: assistant }, { role: 'user', content: [READ_RESULT] }];
}

describe('restoreShownCalls: the proxy notes a client replays in the agent turn, as the calls they stand for', () => {
  const restored: Message[] = [
    ASK,
    { role: 'assistant', content: [{ type: 'text', text: 'Planning.' }, todoUse('toolu_shown_1_1')] },
    { role: 'user', content: [todoResult('toolu_shown_1_1')] },
    { role: 'assistant', content: [{ type: 'text', text: 'Reading it.' }, READ] },
    { role: 'user', content: [READ_RESULT] },
  ];

  it('turns a checklist in a block of its own into the TodoWrite, its result, and the next turn after it', () => {
    const blocks = [
      { type: 'text' as const, text: 'Planning.' },
      { type: 'text' as const, text: `\n\n${CHECKLIST}` },
      { type: 'text' as const, text: '\n\nReading it.' },
      READ,
    ];
    expect(restore(afterChecklist(blocks))).toEqual(restored);
  });

  it('reads the same out of the texts joined into one (Cline) or a Chat Completions string', () => {
    const joined = `Planning.\n\n${CHECKLIST}\n\nReading it.`;
    expect(restore(afterChecklist([{ type: 'text', text: joined }, READ]))).toEqual(restored);
    const asString = restore([ASK, { role: 'assistant', content: joined }, ASK]);
    expect(asString.slice(1, 4)).toEqual([
      ...restored.slice(1, 3),
      { role: 'assistant', content: [{ type: 'text', text: 'Reading it.' }] },
    ]);
  });

  it('turns a plan shown for approval into the ExitPlanMode, its plan whole, its result in the next turn', () => {
    const answer: Message = { role: 'user', content: 'Go ahead.' };
    const out = restore([ASK, { role: 'assistant', content: [{ type: 'text', text: PLAN_NOTE }] }, answer]);
    expect(out).toEqual([
      ASK,
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'toolu_shown_1_1', name: 'ExitPlanMode', input: { plan: PLAN } }],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_shown_1_1', content: PLAN_ANSWER },
          { type: 'text', text: 'Go ahead.' },
        ],
      },
    ]);
  });

  it('turns a line naming another tool, its input whole, into that call and the error the agent was given', () => {
    const input = { url: 'https://example.test/parser', prompt: 'What does it say about blank lines?' };
    const line = unmappedCallText('WebFetch', input);
    const blocks = [
      { type: 'text' as const, text: 'Let me look.' },
      { type: 'text' as const, text: `\n\n${line}` },
      { type: 'text' as const, text: '\n\nThen I will just explain.' },
    ];
    const out = restore([ASK, { role: 'assistant', content: blocks }, ASK]);
    const result = { type: 'tool_result', tool_use_id: 'toolu_shown_1_1', is_error: true, content: lacks('WebFetch') };
    expect(out).toEqual([
      ASK,
      { role: 'assistant', content: [blocks[0], { type: 'tool_use', id: 'toolu_shown_1_1', name: 'WebFetch', input }] },
      { role: 'user', content: [result] },
      { role: 'assistant', content: [{ type: 'text', text: 'Then I will just explain.' }] },
      ASK,
    ]);
    // The same words the proxy answered the call with, in a request whose tool search holds tools back.
    const tools = claudeCodeWithToolSearch();
    const held: Message[] = [
      { role: 'user', content: `${deferredToolsReminder(['NotebookEdit'])}\n\nFix the parser bug.` },
    ];
    const call = { id: 'toolu_w', name: 'WebFetch', input, index: 0 };
    const then = withDeclinedCalls(
      { model: 'm', max_tokens: 1, tools, messages: held },
      {
        calls: [call],
        said: [],
        saidBefore: [0],
      },
    );
    const told = (then.messages.at(-1)!.content as Array<{ content: string }>)[0]!.content;
    expect(told).toContain(', NotebookEdit.');
    const later = restore([...held, { role: 'assistant', content: line }, ASK], tools);
    expect((later[2]!.content as Array<{ content: string }>)[0]!.content).toBe(told);
  });

  it('reads an input with backticks inside, whose fence is a longer backtick run', () => {
    expect(CALL_LINE).toContain('```{');
    const out = restore([ASK, { role: 'assistant', content: `Planning.\n\n${CALL_LINE}` }, ASK]);
    expect(out.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Planning.' },
          { type: 'tool_use', id: 'toolu_shown_1_1', name: 'EnterPlanMode', input: TICKS },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_shown_1_1', is_error: true, content: lacks('EnterPlanMode') },
          { type: 'text', text: 'Fix the parser bug.' },
        ],
      },
    ]);
  });

  it("drops a line whose input was cut, and keeps the agent's words either side", () => {
    const long = unmappedCallText('EnterPlanMode', { reason: 'x'.repeat(600) });
    expect(long).toContain('…`]');
    const blocks = [
      { type: 'text' as const, text: 'Planning.' },
      { type: 'text' as const, text: `\n\n${long}` },
      { type: 'text' as const, text: '\n\nThen I will just explain.' },
    ];
    expect(restore([ASK, { role: 'assistant', content: blocks }, ASK])).toEqual([
      ASK,
      { role: 'assistant', content: [blocks[0], { type: 'text', text: 'Then I will just explain.' }] },
      ASK,
    ]);
    // At the edge: an input of 400 characters is shown whole, one of 401 cut.
    const shown = (k: number) =>
      restore([ASK, { role: 'assistant', content: unmappedCallText('EnterPlanMode', { reason: 'y'.repeat(k) }) }, ASK]);
    expect(shown(387)[1]).toMatchObject({ content: [{ type: 'tool_use', input: { reason: 'y'.repeat(387) } }] });
    expect(shown(388)).toEqual([ASK, ASK]);
  });

  it('drops a checklist that shows less than the agent wrote: it cannot be the call it made', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ content: `Step ${i}`, status: 'pending' }));
    const cut = unmappedCallText('TodoWrite', { todos: many });
    const out = restore([ASK, { role: 'assistant', content: `${cut}\n\nDone planning.` }, ASK]);
    expect(out[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Done planning.' }] });
  });

  it("puts a call shown after a call of the client's in the same turn, both results in the client's next turn", () => {
    const out = restore([
      ASK,
      { role: 'assistant', content: [READ, { type: 'text', text: CHECKLIST }] },
      { role: 'user', content: [READ_RESULT, { type: 'text', text: 'Also check the lexer.' }] },
    ]);
    expect(out.slice(1)).toEqual([
      { role: 'assistant', content: [READ, todoUse('toolu_shown_1_1')] },
      {
        role: 'user',
        content: [READ_RESULT, todoResult('toolu_shown_1_1'), { type: 'text', text: 'Also check the lexer.' }],
      },
    ]);
  });

  it('leaves alone a heading not at the start of a line, a user turn, a prefill, a conversation with no note', () => {
    const quoted = `The proxy wrote "${CHECKLIST}"`;
    const plain: Message[] = [
      { role: 'user', content: CHECKLIST },
      { role: 'assistant', content: quoted },
      { role: 'user', content: 'And?' },
      { role: 'assistant', content: [{ type: 'text', text: CHECKLIST }] },
    ];
    expect(restore(plain)).toBe(plain);
    const none = [ASK, { role: 'assistant' as const, content: 'Done.' }, ASK];
    expect(restore(none)).toBe(none);
  });
});
