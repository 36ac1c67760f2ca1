import { describe, expect, it } from 'vitest';
import type { Message } from '../../main/core/anthropic/types';
import { PLAN_ANSWER, PLAN_END, todoAnswer, unmappedCallText } from '../../main/core/anthropic/unmapped-call-text';
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
/** What a call to a tool the client lacks is answered with, read back: not the tools listed then (see below). */
const lacks = (name: string) => `This client has no tool named "${name}", so the call was not run.`;

/** The notes read back from a conversation. */
function restore(messages: Message[]): readonly Message[] {
  return restoreShownCalls(messages);
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

  it("reads the plan's end in texts joined into one: the agent's words after it are its next turn", () => {
    const answer: Message = { role: 'user', content: 'Go ahead.' };
    const plan = { type: 'tool_use', id: 'toolu_shown_1_1', name: 'ExitPlanMode', input: { plan: PLAN } };
    const expected = [
      ASK,
      { role: 'assistant', content: [{ type: 'text', text: 'Here is the plan.' }, plan] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_shown_1_1', content: PLAN_ANSWER }] },
      { role: 'assistant', content: [{ type: 'text', text: 'I will wait.\n\nTell me.' }] },
      answer,
    ];
    const joined = `Here is the plan.\n\n${PLAN_NOTE}\n\nI will wait.\n\nTell me.`;
    expect(restore([ASK, { role: 'assistant', content: [{ type: 'text', text: joined }] }, answer])).toEqual(expected);
    expect(restore([ASK, { role: 'assistant', content: joined }, answer])).toEqual(expected);
    // The words after, in a block of their own, are the same next turn.
    const blocks = [`Here is the plan.`, `\n\n${PLAN_NOTE}`, '\n\nI will wait.\n\nTell me.'];
    const content = blocks.map((text) => ({ type: 'text' as const, text }));
    expect(restore([ASK, { role: 'assistant', content }, answer])).toEqual(expected);
    // A plan note shown before it had a last line runs to the end of the text, the words after it in the plan.
    const old = `${PLAN_NOTE.slice(0, -PLAN_END.length - 2)}\n\nI will wait.`;
    const read = restore([ASK, { role: 'assistant', content: old }, answer]);
    expect(read[1]).toMatchObject({ content: [{ input: { plan: `${PLAN}\n\nI will wait.` } }] });
  });

  it('reads the notes the same from a client that sends the history back with \\r\\n line ends', () => {
    const answer: Message = { role: 'user', content: 'Go ahead.' };
    const crlf = (text: string) => text.replace(/\n/g, '\r\n');
    const joined = crlf(`Here is the plan.\n\n${PLAN_NOTE}\n\nI will wait.\n\nTell me.`);
    const out = restore([ASK, { role: 'assistant', content: joined }, answer]);
    expect(out.slice(1, 4)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Here is the plan.' },
          { type: 'tool_use', id: 'toolu_shown_1_1', name: 'ExitPlanMode', input: { plan: PLAN } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_shown_1_1', content: PLAN_ANSWER }] },
      { role: 'assistant', content: [{ type: 'text', text: 'I will wait.\n\nTell me.' }] },
    ]);
    // The checklist too, its lines read one by one.
    const blocks = [`Planning.`, `\n\n${CHECKLIST}`, '\n\nReading it.'].map((text) => ({
      type: 'text' as const,
      text: crlf(text),
    }));
    expect(restore(afterChecklist([...blocks, READ]))).toEqual(restored);
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
  });

  it('answers a line read back with the words the agent was given less the tools listed then, not known now', () => {
    // Answered in a request whose tool search had loaded NotebookEdit; read back in one with other tools.
    const input = { url: 'https://example.test/parser' };
    const held: Message[] = [
      { role: 'user', content: `${deferredToolsReminder(['NotebookEdit'])}\n\nFix the parser bug.` },
    ];
    const call = { id: 'toolu_w', name: 'WebFetch', input, index: 0 };
    const request = { model: 'm', max_tokens: 1, tools: claudeCodeWithToolSearch(), messages: held };
    const then = withDeclinedCalls(request, { calls: [call], said: [], saidBefore: [0] });
    const told = (then.messages.at(-1)!.content as Array<{ content: string }>)[0]!.content;
    expect(told).toContain(', NotebookEdit.');
    const later = restore([ASK, { role: 'assistant', content: unmappedCallText('WebFetch', input) }, ASK]);
    const answer = (later[2]!.content as Array<{ content: string }>)[0]!.content;
    expect(answer).toBe(lacks('WebFetch'));
    expect(told.startsWith(`${answer} Its tools are: `)).toBe(true);
  });

  it('reads back the name the line shows whatever it holds: quotes, backslashes, line breaks, any character', () => {
    const names = [
      'say "hi"',
      'C:\\tools\\run',
      'two\nlines',
      'tab\there',
      '\\"',
      '"',
      'ends with \\',
      `a", ${'which this client does not provide, so it was not run. Input: `{}`]'} [x`,
      'Ünïcödé 工具 \u2028 \ud800 \u0000',
      '',
    ];
    for (const name of names) {
      const line = unmappedCallText(name, { n: 1 });
      expect(line.split('\n')).toHaveLength(1);
      const out = restore([ASK, { role: 'assistant', content: `Trying.\n\n${line}\n\nDone.` }, ASK]);
      expect(out.slice(1, 4), JSON.stringify(name)).toEqual([
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'Trying.' },
            { type: 'tool_use', id: 'toolu_shown_1_1', name, input: { n: 1 } },
          ],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 'toolu_shown_1_1', is_error: true, content: lacks(name) }],
        },
        { role: 'assistant', content: [{ type: 'text', text: 'Done.' }] },
      ]);
      // The answer read back is the start of the one the proxy gave at the time: the line quotes the name as JSON
      // and the answer writes it raw, but both sides write the answer from the name itself, so they cannot differ.
      const call = { id: 'toolu_n', name, input: { n: 1 }, index: 0 };
      const then = withDeclinedCalls(
        { model: 'm', max_tokens: 1, messages: [ASK] },
        { calls: [call], said: [], saidBefore: [0] },
      );
      const told = (then.messages.at(-1)!.content as Array<{ content: string }>)[0]!.content;
      expect(told, JSON.stringify(name)).toBe(`${lacks(name)} It has no tools: answer in text.`);
    }
    // A plain name is shown as itself, as before.
    expect(unmappedCallText('mcp__git__log-2', { n: 1 })).toContain('tool "mcp__git__log-2", which');
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
