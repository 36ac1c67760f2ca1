import { describe, expect, it } from 'vitest';
import type { Message, MessagesRequest, ToolDefinition } from '../../main/core/anthropic/types';
import { questionCalls, wordAnswers } from '../../main/core/orchids/gen-b/question-answers';
import { buildGenBBody } from '../../main/core/orchids/gen-b/request-builder';
import { CODEX_TOOLS } from '../helpers/client-tools';

/** The agent's AskUserQuestion as Codex replays it: `request_user_input`, each question with the proxy's id. */
const call = {
  type: 'tool_use',
  id: 'call_ask',
  name: 'request_user_input',
  input: {
    questions: [
      { id: 'colour', question: 'Which colour should the button be?', header: 'Colour', options: [] },
      { id: 'size', question: 'How big?', header: 'Size', options: [] },
    ],
  },
};
const asked = [{ role: 'assistant', content: [call] }] as unknown as Message[];
const questions = questionCalls(asked, CODEX_TOOLS)!.get('call_ask')!;
const answers = (value: unknown): string => JSON.stringify({ answers: value });

describe("Codex's answers to request_user_input, in the agent's words", () => {
  it('names each question by its text, as Claude Code’s AskUserQuestion does', () => {
    expect(wordAnswers(answers({ colour: { answers: ['Blue'] } }), questions)).toBe(
      'User has answered your questions: "Which colour should the button be?"="Blue". ' +
        "You can now continue with the user's answers in mind.",
    );
    expect(
      wordAnswers(
        [{ type: 'text', text: answers({ colour: { answers: ['Red'] }, size: { answers: ['S', 'M'] } }) }],
        questions,
      ),
    ).toBe(
      'User has answered your questions: "Which colour should the button be?"="Red", "How big?"="S, M". ' +
        "You can now continue with the user's answers in mind.",
    );
  });

  it('gives the note typed with "None of the above"', () => {
    expect(wordAnswers(answers({ colour: { answers: ['user_note: green, like the logo'] } }), questions)).toBe(
      'User has answered your questions: "Which colour should the button be?"=(no option selected) ' +
        "user notes: green, like the logo. You can now continue with the user's answers in mind.",
    );
    expect(wordAnswers(answers({ colour: { answers: ['None of the above', 'user_note: green'] } }), questions)).toBe(
      'User has answered your questions: "Which colour should the button be?"="None of the above" ' +
        "user notes: green. You can now continue with the user's answers in mind.",
    );
  });

  it('says so when nobody answered', () => {
    expect(wordAnswers(answers({}), questions)).toBe('The user gave no answers: go on with your best judgment.');
  });

  it('leaves any other shape as it was', () => {
    for (const text of [
      'request_user_input is unavailable in Default mode',
      answers({ shade: { answers: ['Blue'] } }),
      answers({ colour: { answers: 'Blue' } }),
      answers({ colour: { answers: ['Blue'], extra: 1 } }),
      JSON.stringify({ answers: {}, cancelled: true }),
      '[]',
    ]) {
      expect(wordAnswers(text, questions)).toBeUndefined();
    }
  });

  it('reads no questions from a call without ids', () => {
    const bare = { ...call, id: 'call_bare', input: { questions: [{ question: 'Which?' }] } };
    expect(
      questionCalls([{ role: 'assistant', content: [bare] }] as unknown as Message[], CODEX_TOOLS),
    ).toBeUndefined();
  });

  it('reads nothing for a client whose question tool takes no ids, or that has none', () => {
    const claudeCodeAsk: ToolDefinition[] = [
      {
        name: 'AskUserQuestion',
        input_schema: {
          type: 'object',
          properties: { questions: { type: 'array', items: { type: 'object', properties: { question: {} } } } },
        },
      },
    ];
    expect(questionCalls(asked, claudeCodeAsk)).toBeUndefined();
    expect(questionCalls(asked, undefined)).toBeUndefined();
  });
});

describe('Generation B’s body', () => {
  it('sends the answers in the agent’s words, an error as it was', () => {
    const failed = { ...call, id: 'call_failed' };
    const messages = [
      { role: 'user', content: 'Style the button.' },
      { role: 'assistant', content: [call, failed] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call_ask', content: answers({ size: { answers: ['L'] } }) },
          { type: 'tool_result', tool_use_id: 'call_failed', content: answers({}), is_error: true },
        ],
      },
    ] as unknown as Message[];
    const request = { model: 'm', max_tokens: 1, messages, tools: CODEX_TOOLS } as MessagesRequest;
    const body = buildGenBBody(request, { upstreamModel: 'm', thinkingMode: 'enabled' });
    expect(body.messages[2]?.content).toEqual([
      {
        content:
          'User has answered your questions: "How big?"="L". ' +
          "You can now continue with the user's answers in mind.",
        tool_use_id: 'call_ask',
        type: 'tool_result',
      },
      { content: answers({}), is_error: true, tool_use_id: 'call_failed', type: 'tool_result' },
    ]);
  });
});
