import type { Anthropic } from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  finish,
  httpError,
  reply,
  sse,
  text,
  thinking,
  toolCall,
  type AgentRequestInfo,
} from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { answered, PINNED_MODES, upstreamText, type ProtocolMode } from '../helpers/upstream';
import { claudeCodeTools, claudeCodeWithToolSearch, deferredToolsReminder } from '../helpers/client-tools';
import { parseSse } from '../helpers/sse';
import { postMessages } from '../helpers/messages';
import { openaiFor } from '../helpers/openai-sdk';

/**
 * The agent calls a tool the client does not declare (Claude Code 2.1 has no TodoWrite): the client is told so in a
 * line of text, the proxy answers the call for it, and the agent's next turn goes on in the same message, so the
 * client's loop does not stop there. The simulator plays the agent and moves on only once the proxy's answer to its
 * call comes back.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const MODEL = 'claude-sonnet-4-6';
const CLAUDE_CODE = claudeCodeTools() as unknown as Anthropic.Messages.Tool[];
const TODO = { todos: [{ content: 'Fix the parser', status: 'in_progress', activeForm: 'Fixing the parser' }] };
/** What the agent is told of its TodoWrite once the client was shown the plan (proxy/declined-calls.ts). */
const DECLINED = 'your plan was shown to the user as a checklist';
/** What the client is shown for the agent's TodoWrite: its plan as a checklist (anthropic/unmapped-call-text.ts). */
const PLAN_SHOWN =
  "The agent's plan (this client has no to-do tool to show it in):\n- [ ] Fix the parser (in progress)";
const THINKING = { type: 'enabled' as const, budget_tokens: 2048 };

const todoCall = (id: string) => [...text('Planning.'), ...toolCall({ id, name: 'TodoWrite', input: TODO })];
const readCall = (id: string) => toolCall({ id, name: 'Read', input: { file_path: '/work/parser.ts' } });

/** Plans with TodoWrite first (or as `plan` has it); once told the client lacks it, reads the file with Read. */
function scriptPlanThenRead(plan = () => sse([...todoCall('toolu_sim_todo_0001'), ...finish('tool-calls')])): void {
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (seen.includes(DECLINED)) {
      return sse([...text('Reading the parser.'), ...readCall('toolu_sim_read_0009'), ...finish('tool-calls')]);
    }
    if (!seen.includes('Fix the parser bug')) return undefined;
    return plan();
  });
}

/** Enters plan mode (a tool no client here declares); once told the client lacks it, explains the fix instead. */
function scriptEnterPlanMode(): void {
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (seen.includes('no tool named "EnterPlanMode"')) return sse(reply('Then I will just explain the fix.'));
    if (!seen.includes('Fix the parser bug')) return undefined;
    return sse([...toolCall({ id: 'toolu_sim_plan_0001', name: 'EnterPlanMode', input: {} }), ...finish('tool-calls')]);
  });
}

/** Asks approval for its plan (ExitPlanMode, not declared); once told the user was shown it, waits for the answer. */
function scriptExitPlanMode(): void {
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (seen.includes('your plan was shown to the user as text')) return sse(reply('Tell me if I should go ahead.'));
    if (!seen.includes('Fix the parser bug')) return undefined;
    return sse([
      ...toolCall({ id: 'toolu_sim_plan_0002', name: 'ExitPlanMode', input: { plan: PLAN_FOR_APPROVAL } }),
      ...finish('tool-calls'),
    ]);
  });
}
const PLAN_FOR_APPROVAL = '## Fix the parser\n\n1. Anchor the regex in `parse_line`.\n2. Add a test for a blank line.';

const turns = (): AgentRequestInfo[] =>
  answered(stack.sim.requests).filter((r) => /Fix the parser bug/.test(upstreamText(r)));

describe.each(PINNED_MODES)('a call to a tool the client lacks, answered for it ($name)', (mode: ProtocolMode) => {
  const start = () => startStack({ protocol: mode.setting, serves: mode.serves });
  const ask = {
    model: MODEL,
    max_tokens: 200,
    tools: CLAUDE_CODE,
    messages: [{ role: 'user' as const, content: 'Fix the parser bug.' }],
  };

  it("streams the agent's next turn on in the same message, its blocks numbered after the note", async () => {
    stack = await start();
    scriptPlanThenRead();
    const stream = stack.client().messages.stream(ask);
    const events: Anthropic.Messages.RawMessageStreamEvent[] = [];
    stream.on('streamEvent', (event) => events.push(event));
    const message = await stream.finalMessage();

    expect(message.content.map((b) => b.type)).toEqual(['text', 'text', 'text', 'tool_use']);
    expect((message.content[1] as Anthropic.Messages.TextBlock).text).toBe(`\n\n${PLAN_SHOWN}`);
    expect((message.content[2] as Anthropic.Messages.TextBlock).text).toBe('\n\nReading the parser.');
    // A client that joins the blocks as they are (Cline) reads the note as a paragraph of its own.
    const joined = message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    expect(joined).toBe(`Planning.\n\n${PLAN_SHOWN}\n\nReading the parser.`);
    expect(message.content[3]).toMatchObject({ name: 'Read', input: { file_path: '/work/parser.ts' } });
    expect(message.stop_reason).toBe('tool_use');
    // One message: one start and one stop, and every block index once, in order.
    expect(events.filter((e) => e.type === 'message_start')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'message_stop')).toHaveLength(1);
    const starts = events.filter((e) => e.type === 'content_block_start').map((e) => e.index);
    expect(starts).toEqual([0, 1, 2, 3]);

    const [first, second] = turns();
    expect(turns()).toHaveLength(2);
    expect(second!.protocol).toBe(mode.expect);
    // The agent was sent its own call back, with a result saying the plan reached the user.
    const told = upstreamText(second!);
    expect(told).toContain('toolu_sim_todo_0001');
    expect(told).toContain(
      'This client has no to-do tool, so your plan was shown to the user as a checklist instead. ' +
        'Go on with the task, and call TodoWrite again when the plan changes.',
    );
    expect(upstreamText(first!)).not.toContain(DECLINED);
  });

  it('tells the agent which tools the client has when it called any other tool the client lacks', async () => {
    stack = await start();
    scriptEnterPlanMode();
    const message = await stack.client().messages.create(ask);
    expect(message.content.map((b) => (b.type === 'text' ? b.text : b.type))).toEqual([
      '[The agent called the tool "EnterPlanMode", which this client does not provide, so it was not run. ' +
        'Input: `{}`]',
      '\n\nThen I will just explain the fix.',
    ]);
    expect(upstreamText(turns()[1]!)).toMatch(
      /no tool named "EnterPlanMode", so the call was not run\. Its tools are: Agent, Bash,/,
    );
  });

  it("shows the agent's plan for approval whole, as written, and the agent waits for the user's answer", async () => {
    stack = await start();
    scriptExitPlanMode();
    const message = await stack.client().messages.create(ask);
    expect(message.content.map((b) => (b.type === 'text' ? b.text : b.type))).toEqual([
      `The agent's plan, for your approval (this client has no tool to approve it with):\n\n${PLAN_FOR_APPROVAL}` +
        '\n\n(End of the plan.)',
      '\n\nTell me if I should go ahead.',
    ]);
    expect(message.stop_reason).toBe('end_turn');
    // The agent was sent its own call back, with a result saying the plan reached the user, who answers it.
    const told = upstreamText(turns()[1]!);
    expect(told).toContain('toolu_sim_plan_0002');
    expect(told).toContain(
      'This client has no tool to approve a plan, so your plan was shown to the user as text instead. ' +
        'End your turn now: the user will answer it in their next message.',
    );
    expect(told).not.toContain('no tool named "ExitPlanMode"');
  });

  it('names the tools a tool search holds back among the client tools, and not its placeholder', async () => {
    stack = await start();
    scriptEnterPlanMode();
    const reminder = deferredToolsReminder(['NotebookEdit', 'WebFetch']);
    await stack.client().messages.create({
      ...ask,
      tools: claudeCodeWithToolSearch() as unknown as Anthropic.Messages.Tool[],
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: reminder },
            { type: 'text', text: ask.messages[0]!.content },
          ],
        },
      ],
    });
    expect(upstreamText(turns()[1]!)).toContain(
      'Its tools are: Agent, Bash, Edit, Read, Skill, Write, ToolSearch, NotebookEdit, WebFetch. Use one of those',
    );
  });

  it('gives a non-streamed client the whole message, with the usage of both turns', async () => {
    stack = await start();
    scriptPlanThenRead();
    const message = await stack.client().messages.create(ask);
    expect(message.content.map((b) => b.type)).toEqual(['text', 'text', 'text', 'tool_use']);
    expect(message.stop_reason).toBe('tool_use');
    expect(turns()).toHaveLength(2);
    // One history row for the request, its tokens those of both turns.
    await stack.core.internals.history.flushNow();
    const rows = stack.core.internals.historyRepo.query({});
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 200, stopReason: 'tool_use', outputTokens: message.usage.output_tokens });
  });

  it('leaves a row with no retry and the account once: going on is not trying again', async () => {
    // Three accounts: a continuation chosen at random would land elsewhere two times in three.
    stack = await startStack({ protocol: mode.setting, serves: mode.serves, accounts: 3 });
    stack.core.settings.set('debugLogs', true);
    scriptPlanThenRead();
    const response = await postMessages(stack.url, { ...ask, stream: true });
    const requestId = String(response.headers['request-id']);
    expect(parseSse(await response.body.text()).at(-1)?.event).toBe('message_stop');
    expect(turns()).toHaveLength(2);
    const [first, second] = turns();
    await stack.core.internals.history.flushNow();
    const account = stack.accountIds[stack.users.findIndex((u) => u.userId === first!.userId)];
    expect(stack.core.internals.historyRepo.get(requestId)).toMatchObject({
      status: 200,
      stopReason: 'tool_use',
      accountId: account,
      accountsTried: [account],
      retries: 0,
    });
    // The turn went on where it was answered.
    expect(second!.userId).toBe(first!.userId);
    // The debug record shows both upstream runs, the second marked as going on with the turn.
    await stack.core.internals.debugLogs.flushNow();
    const row = stack.core.internals.historyRepo.get(requestId)!;
    const record = (await stack.core.internals.debugLogs.read(row.debugLog!))!;
    expect(record.summary).toMatchObject({ retries: 0, accountsTried: [account] });
    expect(record.upstream.map((a) => [a.accountId, a.status, a.continues])).toEqual([
      [account, 200, undefined],
      [account, 200, true],
    ]);
  });

  it('counts a retry when a continuation fails before anything reached the client and moves on', async () => {
    stack = await startStack({ protocol: mode.setting, serves: mode.serves, accounts: 2 });
    stack.core.settings.set('debugLogs', true);
    let failedOnce = false;
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (!seen.includes(DECLINED)) {
        return seen.includes('Fix the parser bug')
          ? sse([...todoCall('toolu_sim_todo_0001'), ...finish('tool-calls')])
          : undefined;
      }
      if (failedOnce)
        return sse([...text('Reading the parser.'), ...readCall('toolu_sim_read_0009'), ...finish('tool-calls')]);
      failedOnce = true;
      return httpError(502, 'bad gateway');
    });
    // Not streamed: nothing reaches the client before the end, so the failed continuation goes to the other account.
    const message = await stack.client().messages.create(ask);
    expect(message.stop_reason).toBe('tool_use');
    const [first, failed, second] = answered(stack.sim.requests).filter((r) =>
      /Fix the parser bug/.test(upstreamText(r)),
    );
    expect(failed!.userId).toBe(first!.userId);
    expect(second!.userId).not.toBe(first!.userId);
    await stack.core.internals.history.flushNow();
    const accountOf = (userId: string | undefined) =>
      stack.accountIds[stack.users.findIndex((u) => u.userId === userId)];
    const row = stack.core.internals.historyRepo.query({})[0]!;
    expect(row).toMatchObject({
      status: 200,
      accountsTried: [accountOf(first!.userId), accountOf(second!.userId)],
      retries: 1,
    });
    // Only the continuation's first attempt is marked: the one after its failure is a retry.
    await stack.core.internals.debugLogs.flushNow();
    const record = (await stack.core.internals.debugLogs.read(row.debugLog!))!;
    expect(record.upstream.map((a) => [a.accountId, a.continues, a.failure?.kind])).toEqual([
      [accountOf(first!.userId), undefined, undefined],
      [accountOf(first!.userId), true, 'server'],
      [accountOf(second!.userId), undefined, undefined],
    ]);
  });

  it('goes on at most twice: an agent that keeps calling missing tools ends as before', async () => {
    stack = await start();
    let n = 0;
    stack.sim.onAgentRequest((req) =>
      upstreamText(req).includes('Fix the parser bug')
        ? sse([...todoCall(`toolu_sim_todo_000${++n}`), ...finish('tool-calls')])
        : undefined,
    );
    const message = await stack.client().messages.create(ask);
    expect(turns()).toHaveLength(3);
    expect(message.stop_reason).toBe('end_turn');
    const notes = message.content.filter((b) => b.type === 'text' && b.text === `\n\n${PLAN_SHOWN}`);
    expect(notes).toHaveLength(3);
    await stack.core.internals.history.flushNow();
    expect(stack.core.internals.historyRepo.query({})[0]).toMatchObject({
      accountsTried: [stack.accountIds[0]],
      retries: 0,
    });
  });

  it('does not go on when the turn also called a tool the client has', async () => {
    stack = await start();
    stack.sim.onAgentRequest((req) =>
      upstreamText(req).includes('Fix the parser bug')
        ? sse([...todoCall('toolu_sim_todo_0001'), ...readCall('toolu_sim_read_0001'), ...finish('tool-calls')])
        : undefined,
    );
    const message = await stack.client().messages.create(ask);
    expect(turns()).toHaveLength(1);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content.map((b) => b.type)).toEqual(['text', 'text', 'tool_use']);
  });

  it("sends the agent its held turn's thinking and text back ahead of its calls", async () => {
    stack = await start();
    const plan = 'The parser bug needs a plan first.';
    let n = 0;
    stack.sim.onAgentRequest((req) => {
      if (!upstreamText(req).includes('Fix the parser bug')) return undefined;
      n += 1;
      // The second turn plans again (held again); the third reads.
      if (n === 3) return sse([...readCall('toolu_sim_read_0009'), ...finish('tool-calls')]);
      return sse([
        ...thinking(plan, { signature: `sig-sim-plan-${n}` }),
        ...text(`Planning, take ${n}.`),
        ...toolCall({ id: `toolu_sim_todo_000${n}`, name: 'TodoWrite', input: TODO }),
        ...finish('tool-calls'),
      ]);
    });
    const message = await stack
      .client()
      .messages.stream({ ...ask, thinking: THINKING })
      .finalMessage();
    expect(message.content.at(-1)).toMatchObject({ type: 'tool_use', name: 'Read' });

    const [, second, third] = turns();
    expect(turns()).toHaveLength(3);
    if (mode.expect === 'sse-a') {
      // Generation A renders the turn into its chat history: what the agent said, then its call (no thinking).
      const said = (take: number) => `Planning, take ${take}\\.\\s*<tool_use id="toolu_sim_todo_000${take}"`;
      expect(upstreamText(second!)).toMatch(new RegExp(said(1)));
      expect(upstreamText(third!)).toMatch(new RegExp(`${said(1)}[\\s\\S]*${said(2)}`));
    } else {
      const replayed = (request: AgentRequestInfo) =>
        (request.body.messages as Array<{ role: string; content: unknown }>).filter((m) => m.role === 'assistant');
      const turnOf = (take: number) => [
        { type: 'thinking' },
        { type: 'text', text: `Planning, take ${take}.` },
        expect.objectContaining({ type: 'tool_use', id: `toolu_sim_todo_000${take}`, name: 'TodoWrite' }),
      ];
      expect(replayed(second!).map((m) => m.content)).toEqual([turnOf(1)]);
      expect(replayed(third!).map((m) => m.content)).toEqual([turnOf(1), turnOf(2)]);
    }
    // The proxy's own line naming the call is the client's, not something the agent said.
    expect(upstreamText(third!)).not.toContain("The agent's plan");
  });

  it("sends the held turn back in the agent's order: text between two calls stays between them", async () => {
    stack = await start();
    scriptPlanThenRead(() =>
      sse([
        ...text('First the plan.', { id: 'a' }),
        ...toolCall({ id: 'toolu_sim_todo_0001', name: 'TodoWrite', input: TODO }),
        ...text('Then the plan again.', { id: 'b' }),
        ...toolCall({ id: 'toolu_sim_todo_0002', name: 'TodoWrite', input: TODO }),
        ...finish('tool-calls'),
      ]),
    );
    const message = await stack.client().messages.create(ask);
    expect(message.content.at(-1)).toMatchObject({ type: 'tool_use', name: 'Read' });

    const [, second] = turns();
    expect(turns()).toHaveLength(2);
    expect(second!.protocol).toBe(mode.expect);
    if (mode.expect === 'sse-a') {
      // Generation A renders the turn into its chat history as text, in the same order.
      const call = (n: number) => `<tool_use id="toolu_sim_todo_000${n}"`;
      const order = `First the plan\\.\\s*${call(1)}[^]*?</tool_use>\\s*Then the plan again\\.\\s*${call(2)}`;
      expect(upstreamText(second!)).toMatch(new RegExp(order));
    } else {
      const assistant = (second!.body.messages as Array<{ role: string; content: unknown }>).filter(
        (m) => m.role === 'assistant',
      );
      expect(assistant.map((m) => m.content)).toEqual([
        [
          { type: 'text', text: 'First the plan.' },
          expect.objectContaining({ type: 'tool_use', id: 'toolu_sim_todo_0001', name: 'TodoWrite' }),
          { type: 'text', text: 'Then the plan again.' },
          expect.objectContaining({ type: 'tool_use', id: 'toolu_sim_todo_0002', name: 'TodoWrite' }),
        ],
      ]);
    }
  });

  it('ends a streamed answer with an error event when the next turn fails, after what came before', async () => {
    stack = await start();
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes(DECLINED)) return httpError(400, 'The agent refused the conversation.');
      return seen.includes('Fix the parser bug')
        ? sse([...todoCall('toolu_sim_todo_0001'), ...finish('tool-calls')])
        : undefined;
    });
    const response = await postMessages(stack.url, { ...ask, stream: true });
    expect(response.statusCode).toBe(200);
    const events = parseSse(await response.body.text());
    const names = events.map((e) => e.event);
    expect(names.filter((n) => n === 'content_block_start')).toHaveLength(2);
    expect(names.at(-1)).toBe('error');
    expect(names).not.toContain('message_stop');
  });
});

describe('the same through the OpenAI routes', () => {
  const openai = (): OpenAI => openaiFor(stack);
  const READ: OpenAI.Chat.ChatCompletionTool = {
    type: 'function',
    function: { name: 'Read', parameters: { type: 'object', properties: { file_path: { type: 'string' } } } },
  };

  it('Chat Completions: one streamed completion, the call after the note', async () => {
    stack = await startStack({ protocol: 'ws' });
    scriptPlanThenRead();
    const stream = await openai().chat.completions.create({
      model: MODEL,
      stream: true,
      tools: [READ],
      messages: [{ role: 'user', content: 'Fix the parser bug.' }],
    });
    let content = '';
    const calls: Array<{ index: number; name?: string }> = [];
    let finishReason: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      content += choice?.delta.content ?? '';
      for (const call of choice?.delta.tool_calls ?? []) calls.push({ index: call.index, name: call.function?.name });
      finishReason = choice?.finish_reason ?? finishReason;
    }
    // One content string where Messages has blocks: the note stands as a paragraph of its own.
    expect(content).toBe(`Planning.\n\n${PLAN_SHOWN}\n\nReading the parser.`);
    expect(calls.filter((c) => c.name !== undefined)).toEqual([{ index: 0, name: 'Read' }]);
    expect(finishReason).toBe('tool_calls');
    expect(turns()).toHaveLength(2);
  });

  it('Responses: the note and the call as output items of one response', async () => {
    stack = await startStack({ protocol: 'ws' });
    scriptPlanThenRead();
    const response = await openai().responses.create({
      model: MODEL,
      tools: [{ type: 'function', name: 'Read', parameters: READ.function.parameters ?? null, strict: false }],
      input: 'Fix the parser bug.',
    });
    expect(response.output.map((item) => item.type)).toEqual(['message', 'function_call']);
    expect(response.output_text).toContain('Reading the parser.');
    expect(response.output[1]).toMatchObject({ name: 'Read', call_id: expect.any(String) });
    expect(turns()).toHaveLength(2);
  });
});
