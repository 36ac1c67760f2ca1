import type { Anthropic } from '@anthropic-ai/sdk';
import type OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { answered, PINNED_MODES, sentToolPair, upstreamText, type ProtocolMode } from '../helpers/upstream';
import { claudeCodeTools } from '../helpers/client-tools';
import { openaiFor } from '../helpers/openai-sdk';

/**
 * The client sends the agent's turn back with the proxy's note of a call it lacks in it (the checklist for a
 * TodoWrite, the plan shown for approval, the line naming any other call), as if the agent had written it. On the next
 * request the agent is sent the call it made and the result the proxy gave it, not the note. The simulator plays the
 * agent.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const MODEL = 'claude-sonnet-4-6';
const ASK = 'Fix the parser bug.';
const TODO = { todos: [{ content: 'Fix the parser', status: 'in_progress', activeForm: 'Fixing the parser' }] };
const PLAN = '## Fix the parser\n\n1. Anchor the regex in `parse_line`.\n2. Add a test for a blank line.';
/** What the agent is told of each call (anthropic/unmapped-call-text.ts). */
const TODO_TOLD = 'your plan was shown to the user as a checklist';
const PLAN_TOLD = 'your plan was shown to the user as text';
/** The first line of each note the client is shown; the start of the line naming any other call. */
const NOTE = /The agent's plan[ ,(]/;
const CALL_NOTE = '[The agent called the tool "';
const SOURCE = 'export function parse_line() {}';
/** The id the proxy gives the call it rebuilds: the first in the conversation's second message. */
const REBUILT = 'toolu_shown_1_1';

/** Calls a tool (TodoWrite unless told), then (told `told` of it) reads the file, then (given the file) is done. */
function scriptCallReadDone(call = { name: 'TodoWrite', input: TODO as object }, told = TODO_TOLD): void {
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (seen.includes(SOURCE)) return sse(reply('Fixed.'));
    if (seen.includes(told)) {
      return sse([
        ...text('Reading the parser.'),
        ...toolCall({ id: 'toolu_sim_read_0009', name: 'Read', input: { file_path: '/work/parser.ts' } }),
        ...finish('tool-calls'),
      ]);
    }
    if (!seen.includes(ASK)) return undefined;
    return sse([...text('Planning.'), ...toolCall({ id: 'toolu_sim_call_0001', ...call }), ...finish('tool-calls')]);
  });
}

/**
 * Claude Code's round: the ask, answered with a note (`shows` tells it in the answer's text) and the Read; then the
 * answer sent back with the file as the Read's result. What the second request was answered.
 */
async function showThenReplay(shows: (said: string) => boolean): Promise<Anthropic.Messages.Message> {
  const client = stack.client();
  const ask = { model: MODEL, max_tokens: 200, tools: claudeCodeTools() as unknown as Anthropic.Messages.Tool[] };
  const user = { role: 'user' as const, content: ASK };
  const first = await client.messages.create({ ...ask, messages: [user] });
  expect(first.content.some((b) => b.type === 'text' && shows(b.text))).toBe(true);
  const read = first.content.find((b) => b.type === 'tool_use')!;
  return client.messages.create({
    ...ask,
    messages: [
      user,
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: read.id, content: SOURCE }] },
    ],
  });
}

/** The upstream request that carried the file, the one after the client replayed the note. */
function afterReplay(): AgentRequestInfo {
  const found = answered(stack.sim.requests).filter((r) => upstreamText(r).includes(SOURCE));
  expect(found).toHaveLength(1);
  return found[0]!;
}

/** The agent was sent its TodoWrite and the proxy's answer, its words after as its own, and no note. */
function expectCallNotNote(request: AgentRequestInfo, mode: ProtocolMode): void {
  expect(request.protocol).toBe(mode.expect);
  expect(sentToolPair(request, REBUILT, 'TodoWrite', TODO_TOLD)).toBe(true);
  const told = upstreamText(request);
  expect(told).toContain('Fix the parser');
  expect(told).toContain('in_progress');
  expect(told).toContain('Reading the parser.');
  expect(told).not.toMatch(NOTE);
}

const MODES = PINNED_MODES.filter((mode) => mode.setting !== 'sse-b');

describe.each(MODES)("the proxy's note in the history a client sends back ($name)", (mode: ProtocolMode) => {
  const start = () => startStack({ protocol: mode.setting, serves: mode.serves });

  it('Messages: the agent is sent its TodoWrite and the answer it was given, not the checklist', async () => {
    stack = await start();
    scriptCallReadDone();
    const second = await showThenReplay((said) => NOTE.test(said));
    expect(second.content).toMatchObject([{ type: 'text', text: 'Fixed.' }]);
    expectCallNotNote(afterReplay(), mode);
  });

  it('Messages: a line naming another tool, its input whole, goes back as that call and its error', async () => {
    stack = await start();
    const lookup = { name: 'FindSymbol', input: { symbol: 'parse_line', kind: '`function`' } };
    // The words the proxy answered the call with, the first of the client's tools among them (proxy/declined-calls.ts).
    const told = 'so the call was not run. Its tools are: Agent, Bash,';
    scriptCallReadDone(lookup, told);
    await showThenReplay((said) => said.includes(CALL_NOTE));
    const request = afterReplay();
    expect(request.protocol).toBe(mode.expect);
    // Read back, the same words less the tools, which were the earlier request's (unmapped-call-text.ts, notRunAnswer).
    expect(sentToolPair(request, REBUILT, 'FindSymbol', 'so the call was not run.', true)).toBe(true);
    const seen = upstreamText(request);
    expect(seen).toContain('Reading the parser.');
    expect(seen).not.toContain(CALL_NOTE);
    expect(seen).not.toContain('Its tools are');
  });

  it('Messages: a plan shown for approval goes back as the ExitPlanMode and its answer', async () => {
    stack = await start();
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes(SOURCE)) return sse(reply('Going ahead.'));
      if (seen.includes(PLAN_TOLD)) return sse(reply('Tell me if I should go ahead.'));
      if (!seen.includes(ASK)) return undefined;
      return sse([
        ...toolCall({ id: 'toolu_sim_plan_0002', name: 'ExitPlanMode', input: { plan: PLAN } }),
        ...finish('tool-calls'),
      ]);
    });
    const client = stack.client();
    const user = { role: 'user' as const, content: ASK };
    const first = await client.messages.create({ model: MODEL, max_tokens: 200, messages: [user] });
    await client.messages.create({
      model: MODEL,
      max_tokens: 200,
      messages: [user, { role: 'assistant', content: first.content }, { role: 'user', content: `Yes. ${SOURCE}` }],
    });
    const request = afterReplay();
    expect(sentToolPair(request, REBUILT, 'ExitPlanMode', PLAN_TOLD)).toBe(true);
    const told = upstreamText(request);
    expect(told).toContain('Tell me if I should go ahead.');
    expect(told).not.toMatch(NOTE);
  });

  it("Chat Completions: the agent's words after a plan in the content string go back as its next turn", async () => {
    stack = await start();
    const after = 'Tell me if I should go ahead.\n\nI will wait.';
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes(SOURCE)) return sse(reply('Going ahead.'));
      if (seen.includes(PLAN_TOLD)) return sse(reply(after));
      if (!seen.includes(ASK)) return undefined;
      return sse([
        ...toolCall({ id: 'toolu_sim_plan_0002', name: 'ExitPlanMode', input: { plan: PLAN } }),
        ...finish('tool-calls'),
      ]);
    });
    const openai: OpenAI = openaiFor(stack);
    const user = { role: 'user' as const, content: ASK };
    const first = await openai.chat.completions.create({ model: MODEL, messages: [user] });
    const said = first.choices[0]!.message.content!;
    expect(said).toMatch(NOTE);
    expect(said).toContain(after);
    await openai.chat.completions.create({
      model: MODEL,
      messages: [user, { role: 'assistant', content: said }, { role: 'user', content: `Yes. ${SOURCE}` }],
    });
    const request = afterReplay();
    expect(request.protocol).toBe(mode.expect);
    expect(sentToolPair(request, REBUILT, 'ExitPlanMode', PLAN_TOLD)).toBe(true);
    const seen = upstreamText(request);
    expect(seen).not.toMatch(NOTE);
    // The plan went up as written, the words after it apart from it.
    expect(seen).toContain(after);
    expect(JSON.stringify(request.body)).not.toContain(JSON.stringify(`${PLAN}\n\nTell me`).slice(1, -1));
    expect(seen).not.toContain('(End of the plan.)');
  });

  it('Chat Completions: the content string with the checklist in it goes back as the call and its answer', async () => {
    stack = await start();
    scriptCallReadDone();
    const openai: OpenAI = openaiFor(stack);
    const tools: OpenAI.Chat.ChatCompletionTool[] = [
      {
        type: 'function',
        function: { name: 'Read', parameters: { type: 'object', properties: { file_path: { type: 'string' } } } },
      },
    ];
    const user = { role: 'user' as const, content: ASK };
    const first = await openai.chat.completions.create({ model: MODEL, tools, messages: [user] });
    const said = first.choices[0]!.message;
    expect(said.content).toMatch(NOTE);
    const read = said.tool_calls![0]!;
    await openai.chat.completions.create({
      model: MODEL,
      tools,
      messages: [
        user,
        { role: 'assistant', content: said.content, tool_calls: said.tool_calls },
        { role: 'tool', tool_call_id: read.id, content: SOURCE },
      ],
    });
    expectCallNotNote(afterReplay(), mode);
  });
});
