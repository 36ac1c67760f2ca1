import type OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { reply, sse } from '../sim/orchids-simulator';
import { openaiFor } from '../helpers/openai-sdk';
import { startStack, type Stack } from '../helpers/stack';
import { answered, PINNED_MODES } from '../helpers/upstream';

/**
 * Codex CLI's answers to Generation B's AskUserQuestion (run as Codex's `request_user_input`, README "Point your
 * tools at it"), sent as Codex sends them after the user picked in its TUI: keyed by the ids the proxy gave the
 * questions. The upstream gets them as Claude Code's AskUserQuestion words them, each question by its own text. The
 * TUI's Plan mode is the only place Codex asks; this sends its conversation through the OpenAI SDK instead.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const REQUEST_USER_INPUT: OpenAI.Responses.FunctionTool = {
  type: 'function',
  name: 'request_user_input',
  description: 'Ask the user questions.',
  strict: false,
  parameters: {
    type: 'object',
    properties: {
      questions: {
        type: 'array',
        items: {
          type: 'object',
          properties: { id: { type: 'string' }, header: { type: 'string' }, question: { type: 'string' } },
          required: ['id', 'header', 'question'],
        },
      },
    },
    required: ['questions'],
  },
};

const QUESTIONS = [
  { id: 'colour', question: 'Which colour should the button be?', header: 'Colour', options: [] },
  { id: 'size', question: 'How big should it be?', header: 'Size', options: [] },
];

describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-a'))(
  'answers to request_user_input on Generation B ($name)',
  (mode) => {
    it('reach the upstream keyed by the questions’ own text', async () => {
      stack = await startStack({ protocol: mode.setting, serves: mode.serves });
      stack.sim.enqueue(sse(reply('Going with a big blue button.')));
      const output = { colour: { answers: ['Blue'] }, size: { answers: ['None of the above', 'user_note: huge'] } };
      const response = await openaiFor(stack).responses.create({
        model: 'claude-sonnet-4-6',
        tools: [REQUEST_USER_INPUT],
        input: [
          { role: 'user', content: 'Style the button.' },
          {
            type: 'function_call',
            call_id: 'call_ask_1',
            name: 'request_user_input',
            arguments: JSON.stringify({ questions: QUESTIONS }),
          },
          { type: 'function_call_output', call_id: 'call_ask_1', output: JSON.stringify({ answers: output }) },
        ],
      });
      expect(response.output_text).toBe('Going with a big blue button.');
      const [turn] = answered(stack.sim.requests);
      const blocks = (turn!.body.messages as Array<{ content: unknown }>).flatMap((m) =>
        Array.isArray(m.content) ? (m.content as Array<Record<string, unknown>>) : [],
      );
      expect(blocks.find((b) => b.type === 'tool_result')).toEqual({
        content:
          'User has answered your questions: "Which colour should the button be?"="Blue", ' +
          '"How big should it be?"="None of the above" user notes: huge. ' +
          "You can now continue with the user's answers in mind.",
        tool_use_id: 'call_ask_1',
        type: 'tool_result',
      });
    });
  },
);
