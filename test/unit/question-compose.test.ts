import { describe, expect, it } from 'vitest';
import type { ToolDefinition } from '../../main/core/anthropic/types';
import { inputRepairMayApply } from '../../main/core/orchids/tool-mapping';
import { CLINE_CLI_TOOLS } from '../helpers/client-tools';
import { routeToolCall as route } from '../helpers/tool-routing';

/** Cline CLI 3.0.65's question tool, as its request declares it (description cut). */
const ASK_QUESTION: ToolDefinition = {
  name: 'ask_question',
  description: 'Ask user a question for clarifying or gathering information needed to complete the task.',
  input_schema: {
    type: 'object',
    properties: {
      question: { type: 'string', description: 'The single question to ask the user.' },
      options: { type: 'array', description: 'Array of 2-5 user-selectable answer options', items: { type: 'string' } },
    },
    required: ['question', 'options'],
  },
};
const CLINE = [...CLINE_CLI_TOOLS, ASK_QUESTION];

const colour = {
  question: 'Which colour?',
  header: 'Colour',
  multiSelect: false,
  options: [
    { label: 'Red', description: 'Warm.' },
    { label: 'Blue', description: 'Cool.' },
  ],
};

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

  it('asks the first question of several, with at most five options', () => {
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
