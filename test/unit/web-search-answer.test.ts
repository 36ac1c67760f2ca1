import { describe, expect, it } from 'vitest';
import type { MessagesRequest } from '../../main/core/anthropic/types';
import { asksForWebSearch } from '../../main/core/proxy/web-search-answer';
import { ownAnswer } from '../../main/core/proxy/own-answer';

const SEARCH = { type: 'web_search_20250305', name: 'web_search', max_uses: 8 };
const FETCH = { type: 'web_fetch_20250910', name: 'web_fetch' };
const LOOKUP = { name: 'lookup', input_schema: { type: 'object' } };
/** Claude Code's side request on Opus 5.5: its words, the choice left to the model. */
const ASKED = 'Perform a web search for the query: harbour ferry timetable';
const asked = (text: string): Pick<MessagesRequest, 'messages'> => ({
  messages: [{ role: 'user', content: [{ type: 'text', text }] }],
});
const request = (change: Partial<MessagesRequest>): MessagesRequest => ({
  model: 'claude-sonnet-4-6',
  max_tokens: 100,
  messages: [{ role: 'user', content: 'hi' }],
  ...change,
});

/** The proxy answers `req` itself, saying no search was run. */
function answered(req: MessagesRequest): void {
  expect(asksForWebSearch(req)).toBe(true);
  expect(ownAnswer(req)).toMatchObject({ reason: 'web search unavailable', calls: [] });
  expect(ownAnswer(req)?.text).toMatch(/^No web search was run: Orchids Tray cannot search the web/);
}

describe('which requests the proxy answers for a web search it cannot run', () => {
  it.each([
    ["Claude Code's WebSearch: web_search alone, named", [SEARCH], { type: 'tool', name: 'web_search' }],
    ['web_search named beside other tools', [LOOKUP, SEARCH], { type: 'tool', name: 'web_search' }],
    ['any, when web_search is the only tool', [SEARCH], { type: 'any' }],
  ])('%s: answered', (_name, tools, tool_choice) => {
    answered(request({ tools, tool_choice }));
  });

  it.each([
    ["Claude Code's WebSearch on Opus 5.5: web_search alone, auto", { type: 'auto' }, asked(ASKED)],
    ['the same with no tool_choice', undefined, asked(ASKED)],
    ['its words as a string', { type: 'auto' }, { messages: [{ role: 'user' as const, content: ASKED }] }],
  ])('%s: answered', (_name, tool_choice, messages) => {
    answered(request({ tools: [SEARCH], tool_choice, ...messages }));
  });

  it.each([
    ['web_search beside other tools, auto (a main turn)', [LOOKUP, SEARCH], { type: 'auto' }],
    ['web_search alone, no tool_choice', [SEARCH], undefined],
    ['web_search alone, none', [SEARCH], { type: 'none' }],
    ['web_search alone, auto, another question (may be answered from memory)', [SEARCH], { type: 'auto' }],
    ['any among web_search and a client tool', [LOOKUP, SEARCH], { type: 'any' }],
    [
      'a client tool named web_search, forced',
      [{ ...LOOKUP, name: 'web_search' }],
      { type: 'tool', name: 'web_search' },
    ],
    ['another server tool forced (stays a 400)', [FETCH], { type: 'tool', name: 'web_fetch' }],
    ['any among web_search and another server tool (stays a 400)', [SEARCH, FETCH], { type: 'any' }],
  ])('%s: not answered', (_name, tools, tool_choice) => {
    const req = request({ tools, tool_choice });
    expect(asksForWebSearch(req)).toBe(false);
    expect(ownAnswer(req)).toBeUndefined();
  });

  it.each([
    ["Claude Code's words, auto, beside a client tool", [LOOKUP, SEARCH], { type: 'auto' }, asked(ASKED)],
    ["Claude Code's words, none", [SEARCH], { type: 'none' }, asked(ASKED)],
    [
      'its words quoted in an earlier message, a later one the question',
      [SEARCH],
      { type: 'auto' },
      {
        messages: [
          { role: 'user' as const, content: ASKED },
          { role: 'assistant' as const, content: 'Nothing found.' },
          { role: 'user' as const, content: 'What is a ferry?' },
        ],
      },
    ],
  ])('%s: not answered', (_name, tools, tool_choice, messages) => {
    const req = request({ tools, tool_choice, ...messages });
    expect(asksForWebSearch(req)).toBe(false);
    expect(ownAnswer(req)).toBeUndefined();
  });
});
