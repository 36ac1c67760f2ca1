import { describe, expect, it } from 'vitest';
import type { Message } from '../../main/core/anthropic/types';
import { PLAN_ANSWER, todoAnswer, unmappedCallText } from '../../main/core/anthropic/unmapped-call-text';
import { restoreShownCalls } from '../../main/core/orchids/shown-calls';

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
const CALL_LINE = unmappedCallText('EnterPlanMode', { reason: 'a `tick` and ``two``' });

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
    expect(restoreShownCalls(afterChecklist(blocks))).toEqual(restored);
  });

  it('reads the same out of the texts joined into one (Cline) or a Chat Completions string', () => {
    const joined = `Planning.\n\n${CHECKLIST}\n\nReading it.`;
    expect(restoreShownCalls(afterChecklist([{ type: 'text', text: joined }, READ]))).toEqual(restored);
    const asString = restoreShownCalls([ASK, { role: 'assistant', content: joined }, ASK]);
    expect(asString.slice(1, 4)).toEqual([
      ...restored.slice(1, 3),
      { role: 'assistant', content: [{ type: 'text', text: 'Reading it.' }] },
    ]);
  });

  it('turns a plan shown for approval into the ExitPlanMode, its plan whole, its result in the next turn', () => {
    const answer: Message = { role: 'user', content: 'Go ahead.' };
    const out = restoreShownCalls([ASK, { role: 'assistant', content: [{ type: 'text', text: PLAN_NOTE }] }, answer]);
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

  it("drops the line naming another tool, whose input may be cut, and keeps the agent's words either side", () => {
    const blocks = [
      { type: 'text' as const, text: 'Let me plan.' },
      { type: 'text' as const, text: `\n\n${CALL_LINE}` },
      { type: 'text' as const, text: '\n\nThen I will just explain.' },
    ];
    expect(restoreShownCalls([ASK, { role: 'assistant', content: blocks }, ASK])).toEqual([
      ASK,
      { role: 'assistant', content: [blocks[0], { type: 'text', text: 'Then I will just explain.' }] },
      ASK,
    ]);
    const long = unmappedCallText('EnterPlanMode', { reason: 'x'.repeat(600) });
    const out = restoreShownCalls([ASK, { role: 'assistant', content: `Planning.\n\n${long}` }, ASK]);
    expect(out[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Planning.' }] });
  });

  it('drops a checklist that shows less than the agent wrote: it cannot be the call it made', () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ content: `Step ${i}`, status: 'pending' }));
    const cut = unmappedCallText('TodoWrite', { todos: many });
    const out = restoreShownCalls([ASK, { role: 'assistant', content: `${cut}\n\nDone planning.` }, ASK]);
    expect(out[1]).toEqual({ role: 'assistant', content: [{ type: 'text', text: 'Done planning.' }] });
  });

  it("puts a call shown after a call of the client's in the same turn, both results in the client's next turn", () => {
    const out = restoreShownCalls([
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
    expect(restoreShownCalls(plain)).toBe(plain);
    const none = [ASK, { role: 'assistant' as const, content: 'Done.' }, ASK];
    expect(restoreShownCalls(none)).toBe(none);
  });
});
