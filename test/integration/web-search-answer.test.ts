import { afterEach, describe, expect, it } from 'vitest';
import type Anthropic from '@anthropic-ai/sdk';
import { reply, sse } from '../sim/orchids-simulator';
import { answered, PINNED_MODES } from '../helpers/upstream';
import { startStack, type Stack } from '../helpers/stack';

/**
 * A request forcing Anthropic's web search server tool (Claude Code's WebSearch asks that way, see
 * claude-code-web-search.test.ts) is answered by the proxy with a text saying it cannot search, on every generation
 * and nothing sent upstream; one that merely declares web_search beside tools it runs goes upstream as before.
 */
let stack: Stack;
afterEach(async () => {
  await stack?.stop();
});

const SEARCH = { type: 'web_search_20250305', name: 'web_search', max_uses: 8 } as unknown as Anthropic.Tool;
const LOOKUP: Anthropic.Tool = {
  name: 'lookup',
  description: 'Looks a word up.',
  input_schema: { type: 'object', properties: { word: { type: 'string' } } },
};
const ASK = {
  model: 'claude-sonnet-4-6',
  max_tokens: 1000,
  messages: [{ role: 'user' as const, content: 'Perform a web search for the query: ferry timetable' }],
};
const NOT_SEARCHED =
  /^No web search was run: Orchids Tray cannot search the web .* use WebFetch on that URL; otherwise/;

describe.each(PINNED_MODES)('a forced web search ($name)', (mode) => {
  it('is answered by the proxy, streamed and not, in the Messages API shape, with nothing sent upstream', async () => {
    stack = await startStack({ protocol: mode.setting, serves: mode.serves });
    stack.sim.onAgentRequest(() => sse(reply('Ferry timetable at https://ferries.example: 09:15.')));
    const client = stack.client();

    const whole = await client.messages.create({
      ...ASK,
      tools: [SEARCH],
      tool_choice: { type: 'tool', name: 'web_search' },
    });
    expect(whole).toMatchObject({ type: 'message', role: 'assistant', stop_reason: 'end_turn' });
    expect(whole.usage).toMatchObject({ input_tokens: 0, output_tokens: 0 });
    expect(whole.content).toHaveLength(1);
    expect(whole.content[0]).toMatchObject({ type: 'text', text: expect.stringMatching(NOT_SEARCHED) });

    // `any` when web_search is the only tool forces it too.
    const streamed = await client.messages
      .stream({ ...ASK, tools: [SEARCH], tool_choice: { type: 'any' } })
      .finalMessage();
    expect(streamed.content).toEqual(whole.content);
    expect(streamed.stop_reason).toBe('end_turn');

    expect(answered(stack.sim.requests)).toHaveLength(0);
  });

  it('beside a tool the client runs, left to the model, goes upstream without it', async () => {
    stack = await startStack({ protocol: mode.setting, serves: mode.serves });
    stack.sim.onAgentRequest(() => sse(reply('From memory: the ferry runs hourly.')));
    const answer = await stack.client().messages.create({ ...ASK, tools: [LOOKUP, SEARCH] });
    expect(answer.content).toEqual([{ type: 'text', text: 'From memory: the ferry runs hourly.' }]);
    const upstream = answered(stack.sim.requests);
    expect(upstream.map((r) => r.protocol)).toEqual([mode.expect]);
    expect(JSON.stringify(upstream[0]!.body)).not.toMatch(/web_search/);
  });
});
