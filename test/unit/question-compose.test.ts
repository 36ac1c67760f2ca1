import { describe, expect, it } from 'vitest';
import type { Message } from '../../main/core/anthropic/types';
import { singleQuestionCalls, wordSingleAnswer } from '../../main/core/orchids/gen-b/question-answers';
import { composeQuestion } from '../../main/core/orchids/question-compose';
import { repairToolInput } from '../../main/core/orchids/tool-input-repair';

/** Continue CLI 1.5.47's AskQuestion schema, as it declares it. */
const ASK_QUESTION = {
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
const route = { upstreamName: 'AskUserQuestion', clientName: 'AskQuestion' };

describe("the agent's AskUserQuestion as Continue's one-question AskQuestion", () => {
  it('asks one question with its options’ labels', () => {
    expect(repairToolInput({ questions: [colour] }, ASK_QUESTION, route)).toEqual({
      question: 'Which colour?',
      options: ['Red', 'Blue'],
    });
    // The list as a JSON string, as the agent sometimes sends it.
    expect(repairToolInput({ questions: JSON.stringify([colour]) }, ASK_QUESTION, route)).toEqual({
      question: 'Which colour?',
      options: ['Red', 'Blue'],
    });
  });

  it('asks several as one numbered question answered in words', () => {
    const size = { question: 'How big?', header: 'Size', options: [{ label: 'S' }, { label: 'M' }] };
    expect(repairToolInput({ questions: [colour, size] }, ASK_QUESTION, route)).toEqual({
      question: 'Please answer each of these:\n1. Which colour? (Red / Blue)\n2. How big? (S / M)',
      options: [],
    });
  });

  it('leaves a call with no question, or a tool that takes the list, to the usual repair', () => {
    expect(composeQuestion({ questions: [] }, ASK_QUESTION, 'AskUserQuestion')).toBeUndefined();
    const listTool = { type: 'object', properties: { questions: { type: 'array' }, question: { type: 'string' } } };
    expect(composeQuestion({ questions: [colour] }, listTool, 'AskUserQuestion')).toBeUndefined();
    expect(composeQuestion({ questions: [colour] }, ASK_QUESTION, 'Bash')).toBeUndefined();
  });
});

describe("Continue's answer to AskQuestion, in the agent's words", () => {
  const asked = [
    {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'toolu_ask', name: 'AskQuestion', input: { question: 'Which colour?' } }],
    },
  ] as unknown as Message[];
  const question = singleQuestionCalls(asked)!.get('toolu_ask')!;
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

  it('leaves any other result as it was, and reads no call that asks a list', () => {
    expect(wordSingleAnswer('Permission denied by user', question)).toBeUndefined();
    const listed = [
      {
        role: 'assistant',
        content: [{ type: 'tool_use', id: 'x', name: 'AskUserQuestion', input: { questions: [] } }],
      },
    ] as unknown as Message[];
    expect(singleQuestionCalls(listed)).toBeUndefined();
  });
});
