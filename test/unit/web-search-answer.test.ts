import { describe, expect, it } from 'vitest';
import type { MessagesRequest } from '../../main/core/anthropic/types';
import { forcesWebSearch } from '../../main/core/proxy/web-search-answer';
import { ownAnswer } from '../../main/core/proxy/own-answer';

const SEARCH = { type: 'web_search_20250305', name: 'web_search', max_uses: 8 };
const FETCH = { type: 'web_fetch_20250910', name: 'web_fetch' };
const LOOKUP = { name: 'lookup', input_schema: { type: 'object' } };
const request = (change: Partial<MessagesRequest>): MessagesRequest => ({
  model: 'claude-sonnet-4-6',
  max_tokens: 100,
  messages: [{ role: 'user', content: 'hi' }],
  ...change,
});

describe('which requests the proxy answers for a web search it cannot run', () => {
  it.each([
    ["Claude Code's WebSearch: web_search alone, named", [SEARCH], { type: 'tool', name: 'web_search' }],
    ['web_search named beside other tools', [LOOKUP, SEARCH], { type: 'tool', name: 'web_search' }],
    ['any, when web_search is the only tool', [SEARCH], { type: 'any' }],
  ])('%s: answered', (_name, tools, tool_choice) => {
    const req = request({ tools, tool_choice });
    expect(forcesWebSearch(req)).toBe(true);
    expect(ownAnswer(req)).toMatchObject({ reason: 'web search unavailable', calls: [] });
    expect(ownAnswer(req)?.text).toMatch(/^No web search was run: Orchids Tray cannot search the web/);
  });

  it.each([
    ['web_search beside other tools, auto (a main turn)', [LOOKUP, SEARCH], { type: 'auto' }],
    ['web_search alone, no tool_choice', [SEARCH], undefined],
    ['web_search alone, none', [SEARCH], { type: 'none' }],
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
    expect(forcesWebSearch(req)).toBe(false);
    expect(ownAnswer(req)).toBeUndefined();
  });
});
