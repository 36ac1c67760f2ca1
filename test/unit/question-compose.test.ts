import { describe, expect, it } from 'vitest';
import type { Message, ToolDefinition } from '../../main/core/anthropic/types';
import { singleQuestionCalls, wordSingleAnswer } from '../../main/core/orchids/gen-b/question-answers';
import { composeQuestion } from '../../main/core/orchids/question-compose';
import { repairToolInput } from '../../main/core/orchids/tool-input-repair';
import { inputRepairMayApply } from '../../main/core/orchids/tool-mapping';
import { CLINE_CLI_TOOLS } from '../helpers/client-tools';
import { routeToolCall as route } from '../helpers/tool-routing';

/** Continue CLI 1.5.47's AskQuestion schema, as it declares it. */
const CONTINUE_ASK = {
  type: 'object',
  required: ['question', 'options'],
  properties: {
    question: { type: 'string' },
    options: { type: 'array', items: { type: 'string' } },
    defaultAnswer: { type: 'string' },
  },
};
const colour = {
  question: 'Which colour?',
  header: 'Colour',
  multiSelect: false,
  options: [
    { label: 'Red', description: 'A warm red' },
    { label: 'Blue', description: 'A calm blue' },
  ],
};
const CONTINUE_TOOLS: ToolDefinition[] = [{ name: 'AskQuestion', input_schema: CONTINUE_ASK }];
const continueRoute = { upstreamName: 'AskUserQuestion', clientName: 'AskQuestion' };

describe("the agent's AskUserQuestion as Continue's one-question AskQuestion", () => {
  it('asks one question with its options’ labels', () => {
    expect(repairToolInput({ questions: [colour] }, CONTINUE_ASK, continueRoute)).toEqual({
      question: 'Which colour?',
      options: ['Red', 'Blue'],
    });
    // The list as a JSON string, as the agent sometimes sends it.
    expect(repairToolInput({ questions: JSON.stringify([colour]) }, CONTINUE_ASK, continueRoute)).toEqual({
      question: 'Which colour?',
      options: ['Red', 'Blue'],
    });
  });

  it('asks several as one numbered question answered in words', () => {
    const size = { question: 'How big?', header: 'Size', options: [{ label: 'S' }, { label: 'M' }] };
    expect(repairToolInput({ questions: [colour, size] }, CONTINUE_ASK, continueRoute)).toEqual({
      question: 'Please answer each of these:\n1. Which colour? (Red / Blue)\n2. How big? (S / M)',
      options: [],
    });
  });

  it('leaves a call with no question, or a tool that takes the list, to the usual repair', () => {
    expect(composeQuestion({ questions: [] }, CONTINUE_ASK, 'AskUserQuestion')).toBeUndefined();
    const listTool = { type: 'object', properties: { questions: { type: 'array' }, question: { type: 'string' } } };
    expect(composeQuestion({ questions: [colour] }, listTool, 'AskUserQuestion')).toBeUndefined();
    expect(composeQuestion({ questions: [colour] }, CONTINUE_ASK, 'Bash')).toBeUndefined();
  });
});

describe("Continue's and Cline's answers to their one question, in the agent's words", () => {
  const asked = [
    {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'toolu_ask', name: 'AskQuestion', input: { question: 'Which colour?' } }],
    },
  ] as unknown as Message[];
  const question = singleQuestionCalls(asked, CONTINUE_TOOLS)!.get('toolu_ask')!;
  const worded = (answer: string) =>
    `User has answered your questions: "Which colour?"="${answer}". ` +
    "You can now continue with the user's answers in mind.";

  it('words a picked option, a typed answer and a free-form one alike', () => {
    expect(wordSingleAnswer('User selected option 2: "Blue"', question)).toBe(worded('Blue'));
    expect(wordSingleAnswer([{ type: 'text', text: 'User provided custom answer: "Teal"' }], question)).toBe(
      worded('Teal'),
    );
    expect(wordSingleAnswer('User answered: "Green, "light" please"', question)).toBe(worded('Green, "light" please'));
  });

  it("words Cline's answer, the option picked or the words typed, and leaves its dismissal as it was", () => {
    const clineAsked = [
      {
        role: 'assistant',
        content: [
          {
            type: 'tool_use',
            id: 'toolu_cl',
            name: 'ask_question',
            input: { question: 'Which colour?', options: ['Red', 'Blue'] },
          },
        ],
      },
    ] as unknown as Message[];
    const call = singleQuestionCalls(clineAsked, CLINE)!.get('toolu_cl')!;
    expect(wordSingleAnswer('Blue', call)).toBe(worded('Blue'));
    expect(wordSingleAnswer([{ type: 'text', text: 'Red\n' }], call)).toBe(worded('Red'));
    // Typed in Cline's window instead of a pick, it comes as the words alone (Cline 3.0.65 trims them), and the
    // agent's own AskUserQuestion words what was typed under "Other" as the answer itself.
    expect(wordSingleAnswer('Something in between', call)).toBe(worded('Something in between'));
    expect(wordSingleAnswer('[User dismissed the question]', call)).toBeUndefined();
    expect(wordSingleAnswer('', call)).toBeUndefined();
    // Continue's AskQuestion words its answers itself: text in none of its words is not an answer.
    expect(wordSingleAnswer('Something in between', question)).toBeUndefined();
  });

  it('leaves any other result as it was, and reads no call that asks a list', () => {
    expect(wordSingleAnswer('Permission denied by user', question)).toBeUndefined();
    const listed = [
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'x', name: 'AskUserQuestion', input: { questions: [] } }],
      },
    ] as unknown as Message[];
    expect(singleQuestionCalls(listed, CONTINUE_TOOLS)).toBeUndefined();
    // A client whose question tool takes the list (Claude Code's) has its conversation left unread.
    expect(
      singleQuestionCalls(asked, [
        { name: 'AskUserQuestion', input_schema: { type: 'object', properties: { questions: { type: 'array' } } } },
      ]),
    ).toBeUndefined();
  });
});

/** Cline CLI 3.0.65's question tool, as its window's requests declare it (descriptions cut). */
const CLINE_ASK: ToolDefinition = {
  name: 'ask_question',
  description: 'Ask user a question for clarifying or gathering information needed to complete the task.',
  input_schema: {
    type: 'object',
    properties: {
      question: { type: 'string', minLength: 1, description: 'The single question to ask the user.' },
      options: {
        minItems: 2,
        maxItems: 5,
        type: 'array',
        items: { type: 'string', minLength: 1 },
        description: 'Array of 2-5 user-selectable answer options for the single question',
      },
    },
    required: ['question', 'options'],
    additionalProperties: false,
  },
};
const CLINE = [...CLINE_CLI_TOOLS, CLINE_ASK];

/**
 * The agent's AskUserQuestion on Cline CLI: it went to no tool (Cline has no tool of that name), the proxy answered it
 * and the user never saw the question; Cline's own `ask_question` shows one question and its options to pick from.
 */
describe("the agent's AskUserQuestion on Cline CLI's ask_question", () => {
  it('asks the question with its options, by label', () => {
    expect(route('AskUserQuestion', { questions: [colour] }, CLINE)).toEqual({
      name: 'ask_question',
      input: { question: 'Which colour?', options: ['Red', 'Blue'] },
    });
  });

  it('asks the first question of several, as it requires options, with at most as many as it takes', () => {
    const many = { ...colour, options: 'ABCDEFG'.split('').map((label) => ({ label, description: label })) };
    const second = { ...colour, question: 'Which size?' };
    expect(route('AskUserQuestion', { questions: [many, second] }, CLINE).input).toEqual({
      question: 'Which colour?',
      options: ['A', 'B', 'C', 'D', 'E'],
    });
  });

  it('is sent whole, not streamed, since the input is rewritten', () => {
    expect(inputRepairMayApply('AskUserQuestion', 'ask_question', CLINE)).toBe(true);
  });

  it('goes nowhere on a Cline without the tool (the call is then answered for it)', () => {
    expect(() => route('AskUserQuestion', { questions: [colour] }, CLINE_CLI_TOOLS)).toThrow(/resolved to nothing/);
  });
});
