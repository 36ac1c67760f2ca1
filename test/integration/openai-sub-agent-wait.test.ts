import type OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { reply, sse } from '../sim/orchids-simulator';
import { startStack, type Stack } from '../helpers/stack';
import { pinnedMode, answered, upstreamText } from '../helpers/upstream';
import { replayedToolUses } from '../helpers/cli-clients';
import { openaiFor } from '../helpers/openai-sdk';
import { cli } from '../helpers/cli';
import { simEnv } from '../helpers/sim-env';

/**
 * The proxy's own answers to a Task's spawn (Generation B's Task on Codex CLI, README "Point your tools at it"):
 * when the newest output is the id of a sub-agent the agent's Task spawned, the answer is Codex's `wait_agent` on it,
 * written by the proxy, streamed and not, in the Responses API's shape, with nothing sent upstream and a history row
 * that names no account and no protocol. A spawn that was not a Task's goes upstream as before.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

/** What the debug record of each request in the history, newest first, says answered it (`answeredBy`). */
async function answeredBy(): Promise<unknown[]> {
  await stack.core.internals.history.flushNow();
  await stack.core.internals.debugLogs.flushNow();
  const rows = stack.core.internals.historyRepo.query({});
  return Promise.all(rows.map(async (r) => (await stack.core.internals.debugLogs.read(r.debugLog!))?.answeredBy));
}

const AGENT = '01a2-agent';
const SUB_AGENTS: OpenAI.Responses.NamespaceTool = {
  type: 'namespace',
  name: 'multi_agent_v1',
  description: 'Tools for spawning and managing sub-agents.',
  tools: ['spawn_agent', 'wait_agent', 'close_agent'].map((name) => ({
    type: 'function' as const,
    name,
    description: `${name} tool`,
    parameters: { type: 'object', properties: {} },
  })),
};

function input(spawnArguments: Record<string, unknown>): OpenAI.Responses.ResponseInput {
  return [
    { role: 'user', content: 'Ask a sub-agent for the fruit word.' },
    {
      type: 'function_call',
      call_id: 'call_t1',
      namespace: 'multi_agent_v1',
      name: 'spawn_agent',
      arguments: JSON.stringify(spawnArguments),
    },
    { type: 'function_call_output', call_id: 'call_t1', output: JSON.stringify({ agent_id: AGENT }) },
  ];
}
const TASK_SPAWN = { message: 'Reply with the word for pear.', agent_task: { description: 'Find the fruit word' } };
const WAIT = {
  type: 'function_call',
  call_id: 'call_t1_wait1',
  namespace: 'multi_agent_v1',
  name: 'wait_agent',
  arguments: JSON.stringify({ targets: [AGENT], timeout_ms: 300_000 }),
  status: 'completed',
};

/** The Task's spawn, then the proxy's wait, whose output brought the sub-agent's final message. */
function waitedToTheEnd(): OpenAI.Responses.ResponseInput {
  return [
    ...input(TASK_SPAWN),
    {
      type: 'function_call',
      call_id: WAIT.call_id,
      namespace: 'multi_agent_v1',
      name: 'wait_agent',
      arguments: WAIT.arguments,
    },
    {
      type: 'function_call_output',
      call_id: WAIT.call_id,
      output: JSON.stringify({ status: { [AGENT]: { completed: 'PEAR-57' } }, timed_out: false }),
    },
  ];
}

describe('the wait on a Task’s sub-agent', () => {
  it('is answered by the proxy, streamed and not, without the upstream', async () => {
    stack = await startStack({ protocol: pinnedMode('ws').setting, serves: pinnedMode('ws').serves });
    stack.core.settings.set('debugLogs', true);
    const openai = openaiFor(stack);
    const ask = { model: 'claude-sonnet-4-6', input: input(TASK_SPAWN), tools: [SUB_AGENTS] };
    const whole = await openai.responses.create(ask);
    expect(whole.status).toBe('completed');
    expect(whole.output).toEqual([expect.objectContaining(WAIT)]);
    const streamed = await openai.responses.stream(ask).finalResponse();
    expect(streamed.output).toEqual([expect.objectContaining(WAIT)]);
    expect(answered(stack.sim.requests)).toHaveLength(0);

    await stack.core.internals.history.flushNow();
    const rows = stack.core.internals.historyRepo.query({});
    expect(rows.map((r) => [r.stream, r.status, r.protocol, r.accountId, r.accountsTried, r.stopReason])).toEqual([
      [true, 200, null, null, [], 'tool_use'],
      [false, 200, null, null, [], 'tool_use'],
    ]);
    // The debug record says whose answer it was, and why; `logs show` prints it.
    const wait = { by: 'proxy', reason: 'sub-agent wait' };
    expect(await answeredBy()).toEqual([wait, wait]);
    const env = { ORCHIDS_TRAY_DATA_DIR: stack.dataDir, ...simEnv(stack.sim) };
    const shown = await cli(env, 'logs', 'show', rows[0]!.requestId);
    expect(JSON.parse(shown.out)).toMatchObject({ answeredBy: wait, upstream: [] });
  });

  it('is followed by a close of the agent once it brings the final message', async () => {
    stack = await startStack({ protocol: pinnedMode('ws').setting, serves: pinnedMode('ws').serves });
    stack.core.settings.set('debugLogs', true);
    const waited: OpenAI.Responses.ResponseInput = [...waitedToTheEnd()];
    const whole = await openaiFor(stack).responses.create({
      model: 'claude-sonnet-4-6',
      input: waited,
      tools: [SUB_AGENTS],
    });
    expect(whole.output).toEqual([
      expect.objectContaining({
        type: 'function_call',
        call_id: 'call_t1_close',
        namespace: 'multi_agent_v1',
        name: 'close_agent',
        arguments: JSON.stringify({ target: AGENT }),
      }),
    ]);
    expect(answered(stack.sim.requests)).toHaveLength(0);
    expect(await answeredBy()).toEqual([{ by: 'proxy', reason: 'sub-agent close' }]);
  });

  it('is asked again while the agent runs, then the agent is closed and the upstream told it was stopped', async () => {
    stack = await startStack({ protocol: pinnedMode('ws').setting, serves: pinnedMode('ws').serves });
    const openai = openaiFor(stack);
    stack.sim.enqueue(sse(reply('The sub-agent was stopped.')));
    // Codex's conversation grows by each call the proxy answers with and the output Codex gives it: the waits time
    // out (Codex's `{status: {}, timed_out: true}`, the agent still running) until the last, then the close.
    const conversation: OpenAI.Responses.ResponseInput = input(TASK_SPAWN);
    const calls: string[] = [];
    for (let turn = 0; turn < 8; turn++) {
      const answer = await openai.responses.create({
        model: 'claude-sonnet-4-6',
        input: conversation,
        tools: [SUB_AGENTS],
      });
      const [call] = answer.output;
      if (call?.type !== 'function_call') {
        expect(answer.output_text).toBe('The sub-agent was stopped.');
        break;
      }
      expect(answer.output).toHaveLength(1);
      expect(call.namespace).toBe('multi_agent_v1');
      calls.push(`${call.name} ${call.call_id} ${call.arguments}`);
      const { namespace, name, call_id, arguments: args } = call;
      conversation.push({ type: 'function_call', namespace, name, call_id, arguments: args });
      const output =
        name === 'close_agent'
          ? JSON.stringify({ previous_status: 'running' })
          : JSON.stringify({ status: {}, timed_out: true });
      conversation.push({ type: 'function_call_output', call_id, output });
    }
    const waitArgs = JSON.stringify({ targets: [AGENT], timeout_ms: 300_000 });
    expect(calls).toEqual([
      ...[1, 2, 3, 4].map((n) => `wait_agent call_t1_wait${n} ${waitArgs}`),
      `close_agent call_t1_close ${JSON.stringify({ target: AGENT })}`,
    ]);

    // Exactly one upstream turn, after the close: one Task call whose error says the sub-agent was stopped.
    const upstream = answered(stack.sim.requests);
    expect(upstream).toHaveLength(1);
    const sent = JSON.stringify(upstream[0]!.body.messages);
    expect(sent).not.toContain('multi_agent_v1__');
    expect(replayedToolUses(upstream[0]!)).toEqual([
      {
        type: 'tool_use',
        id: 'call_t1',
        name: 'Task',
        input: { description: 'Find the fruit word', prompt: TASK_SPAWN.message },
      },
    ]);
    expect(upstreamText(upstream[0]!)).toContain(
      `The sub-agent (Codex agent ${AGENT}) was stopped after 20 minutes, still running`,
    );
  });

  it("ends, with nothing, the turn Codex starts for its note that the Task's agent ended", async () => {
    stack = await startStack({ protocol: pinnedMode('ws').setting, serves: pinnedMode('ws').serves });
    stack.core.settings.set('debugLogs', true);
    const openai = openaiFor(stack);
    const note = (agent: string) =>
      `<subagent_notification>\n${JSON.stringify({ agent_path: agent, status: { completed: 'PEAR-57' } })}\n` +
      '</subagent_notification>';
    // Codex's conversation after the proxy's wait and close and the agent's answer, then a turn of the note alone.
    const closed: OpenAI.Responses.ResponseInput = [
      ...waitedToTheEnd(),
      {
        type: 'function_call',
        call_id: 'call_t1_close',
        namespace: 'multi_agent_v1',
        name: 'close_agent',
        arguments: JSON.stringify({ target: AGENT }),
      },
      { type: 'function_call_output', call_id: 'call_t1_close', output: '{"previous_status":{"completed":"PEAR-57"}}' },
      { role: 'assistant', content: 'The sub-agent said PEAR-57.' },
    ];
    const ask = {
      model: 'claude-sonnet-4-6',
      input: [...closed, { role: 'user' as const, content: [{ type: 'input_text' as const, text: note(AGENT) }] }],
      tools: [SUB_AGENTS],
    };
    const whole = await openai.responses.create(ask);
    expect(whole.status).toBe('completed');
    expect(whole.output).toEqual([]);
    const streamed = await openai.responses.stream(ask).finalResponse();
    expect(streamed.status).toBe('completed');
    expect(streamed.output).toEqual([]);
    expect(answered(stack.sim.requests)).toHaveLength(0);
    await stack.core.internals.history.flushNow();
    const rows = stack.core.internals.historyRepo.query({});
    expect(rows.map((r) => [r.status, r.protocol, r.accountId, r.stopReason, r.outputTokens])).toEqual([
      [200, null, null, 'end_turn', 0],
      [200, null, null, 'end_turn', 0],
    ]);

    // A note of an agent no Task of the proxy's started, or one beside the user's words, goes upstream.
    stack.sim.enqueue(sse(reply('Noted.')));
    stack.sim.enqueue(sse(reply('Written.')));
    const other = await openai.responses.create({
      ...ask,
      input: [...closed, { role: 'user', content: [{ type: 'input_text', text: note('someone-else') }] }],
    });
    expect(other.output_text).toBe('Noted.');
    const beside = await openai.responses.create({
      ...ask,
      input: [
        ...closed,
        {
          role: 'user',
          content: [
            { type: 'input_text', text: note(AGENT) },
            { type: 'input_text', text: 'Write it.' },
          ],
        },
      ],
    });
    expect(beside.output_text).toBe('Written.');
    expect(answered(stack.sim.requests)).toHaveLength(2);
    // Only the proxy's own answers say so in their debug records.
    const own = { by: 'proxy', reason: 'sub-agent notification' };
    expect(await answeredBy()).toEqual([undefined, undefined, own, own]);
  });

  it("is not written for a spawn that was not a Task's: that conversation goes upstream", async () => {
    stack = await startStack({ protocol: pinnedMode('ws').setting, serves: pinnedMode('ws').serves });
    stack.sim.enqueue(sse(reply('Spawned.')));
    const tools = [SUB_AGENTS];
    const whole = await openaiFor(stack).responses.create({
      model: 'claude-sonnet-4-6',
      input: input({ message: 'x' }),
      tools,
    });
    expect(whole.output_text).toBe('Spawned.');
    expect(answered(stack.sim.requests)).toHaveLength(1);
  });
});
