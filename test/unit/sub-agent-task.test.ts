import { describe, expect, it } from 'vitest';
import type { Message, MessagesRequest, ToolDefinition } from '../../main/core/anthropic/types';
import { buildGenBBody } from '../../main/core/orchids/gen-b/request-builder';
import { MAX_WAITS, WAIT_MS, answerDue, foldSubAgentTasks } from '../../main/core/orchids/gen-b/sub-agent-task';
import {
  clientToolSchema,
  inputRepairMayApply,
  matchClientTool,
  repairToolInput,
} from '../../main/core/orchids/tool-mapping';
import { CLINE_CLI_TOOLS, claudeCodeTools } from '../helpers/client-tools';

/**
 * Generation B's agent calls `Task {description, prompt, subagent_type}` and waits for the report; Codex CLI 0.171
 * declares asynchronous sub-agent tools (schemas below as it sends them, descriptions cut). The Task goes to Codex as
 * `spawn_agent`, the proxy waits on the agent, and the upstream sees one Task answered with the report.
 */
const obj = (properties: Record<string, unknown>, required?: string[]) => ({
  type: 'object',
  properties,
  ...(required ? { required } : {}),
});
const str = { type: 'string' };
const CODEX_TOOLS: ToolDefinition[] = [
  { name: 'exec_command', input_schema: obj({ cmd: str, yield_time_ms: { type: 'number' } }, ['cmd']) },
  {
    name: 'multi_agent_v1__spawn_agent',
    input_schema: obj({ message: str, items: { type: 'array' }, fork_context: { type: 'boolean' }, model: str }),
  },
  {
    name: 'multi_agent_v1__wait_agent',
    input_schema: obj({ targets: { type: 'array', items: str }, timeout_ms: { type: 'number' } }, ['targets']),
  },
  { name: 'multi_agent_v1__close_agent', input_schema: obj({ target: str }, ['target']) },
];
const TASK = { description: 'Find the fruit word', prompt: 'Reply with the word for pear.', subagent_type: 'Explore' };
const SPAWN_INPUT = {
  message: TASK.prompt,
  agent_task: { description: TASK.description, subagent_type: TASK.subagent_type },
};
const AGENT = '01a2-agent';
const SPAWNED = JSON.stringify({ agent_id: AGENT, nickname: 'Dewey' });
const TIMED_OUT = JSON.stringify({ status: {}, timed_out: true });
const completed = (message: string) =>
  JSON.stringify({ status: { [AGENT]: { completed: message } }, timed_out: false });

const use = (id: string, name: string, input: unknown) => ({ type: 'tool_use', id, name, input });
const result = (id: string, content: unknown, isError = false) => ({
  type: 'tool_result',
  tool_use_id: id,
  content,
  ...(isError ? { is_error: true } : {}),
});
const assistant = (...content: unknown[]): Message => ({ role: 'assistant', content: content as Message['content'] });
const user = (...content: unknown[]): Message => ({ role: 'user', content: content as Message['content'] });
const ASK: Message = { role: 'user', content: 'Ask a sub-agent for the fruit word.' };

/** The conversation after the spawn and `waits` waits, each answered by the next output. */
function afterWaits(outputs: string[], spawnOutput = SPAWNED, spawnFailed = false): Message[] {
  const messages = [
    ASK,
    assistant(use('call_t1', 'multi_agent_v1__spawn_agent', SPAWN_INPUT)),
    user(result('call_t1', spawnOutput, spawnFailed)),
  ];
  outputs.forEach((output, i) => {
    messages.push(assistant(use(`call_t1_wait${i + 1}`, 'multi_agent_v1__wait_agent', { targets: [AGENT] })));
    messages.push(user(result(`call_t1_wait${i + 1}`, output)));
  });
  return messages;
}

const request = (messages: Message[], tools = CODEX_TOOLS): MessagesRequest => ({
  model: 'claude-sonnet-4-6',
  max_tokens: 1024,
  messages,
  tools,
});
const upstreamMessages = (messages: Message[], tools = CODEX_TOOLS) =>
  buildGenBBody(request(messages, tools), { upstreamModel: 'm', thinkingMode: 'enabled' }).messages;

describe("the agent's Task on Codex's spawn_agent", () => {
  it('lands on multi_agent_v1__spawn_agent with its prompt as the message and the rest kept', () => {
    expect(matchClientTool('Task', CODEX_TOOLS)).toEqual({ name: 'multi_agent_v1__spawn_agent', by: 'alias' });
    expect(matchClientTool('Agent', CODEX_TOOLS)?.name).toBe('multi_agent_v1__spawn_agent');
    const route = { upstreamName: 'Task', clientName: 'multi_agent_v1__spawn_agent', agentTools: true };
    const schema = clientToolSchema('multi_agent_v1__spawn_agent', CODEX_TOOLS);
    expect(repairToolInput(TASK, schema, route)).toEqual(SPAWN_INPUT);
    expect(repairToolInput(JSON.stringify(TASK), schema, route)).toEqual(SPAWN_INPUT);
    // Written whole, never streamed as the agent's keys.
    expect(inputRepairMayApply('Task', 'multi_agent_v1__spawn_agent', CODEX_TOOLS)).toBe(true);
  });

  it("leaves a spawn called by its own name, and other clients' sub-agent tools, as they were", () => {
    const route = { upstreamName: 'multi_agent_v1__spawn_agent', clientName: 'multi_agent_v1__spawn_agent' };
    const own = { message: 'Do it.' };
    expect(repairToolInput(own, clientToolSchema(route.clientName, CODEX_TOOLS), route)).toEqual(own);
    expect(matchClientTool('Task', CLINE_CLI_TOOLS)?.name).toBe('spawn_agent');
    expect(matchClientTool('Task', claudeCodeTools())?.name).toBe('Agent');
    // Without Codex's spawn there is nothing to land on.
    expect(matchClientTool('Task', CODEX_TOOLS.slice(0, 1))).toBeUndefined();
  });
});

/** The calls the proxy answers with (undefined: none, the request goes upstream unless it is a note's turn). */
const callsDue = (messages: Message[], tools: ToolDefinition[]) => answerDue(messages, tools)?.calls;
const WAIT_NAME = 'multi_agent_v1__wait_agent';
const CLOSE_NAME = 'multi_agent_v1__close_agent';
/** The proxy's close of the agent and Codex's output for it (`previous_status`: its status before the close). */
const closedBy = (output: string, isError = false): Message[] => [
  assistant(use('call_t1_close', CLOSE_NAME, { target: AGENT })),
  user(result('call_t1_close', output, isError)),
];

describe('the calls the proxy answers with', () => {
  it("waits on the agent once the spawn's id comes back", () => {
    expect(callsDue(afterWaits([]), CODEX_TOOLS)).toEqual([
      { id: 'call_t1_wait1', name: WAIT_NAME, input: { targets: [AGENT], timeout_ms: WAIT_MS } },
    ]);
  });

  it('closes the agent once a wait brings its final status, and then asks nothing more', () => {
    const ended = afterWaits([completed('PEAR')]);
    expect(callsDue(ended, CODEX_TOOLS)).toEqual([{ id: 'call_t1_close', name: CLOSE_NAME, input: { target: AGENT } }]);
    const closed = [
      ...ended,
      assistant(use('call_t1_close', CLOSE_NAME, { target: AGENT })),
      user(result('call_t1_close', JSON.stringify({ previous_status: { completed: 'PEAR' } }))),
    ];
    expect(callsDue(closed, CODEX_TOOLS)).toBeUndefined();
    // A client without Codex's close goes upstream at once.
    expect(
      callsDue(
        ended,
        CODEX_TOOLS.filter((t) => t.name !== CLOSE_NAME),
      ),
    ).toBeUndefined();
  });

  it('waits again after a wait that timed out, up to MAX_WAITS, then closes the agent still running', () => {
    expect(callsDue(afterWaits([TIMED_OUT]), CODEX_TOOLS)).toEqual([
      { id: 'call_t1_wait2', name: WAIT_NAME, input: { targets: [AGENT], timeout_ms: WAIT_MS } },
    ]);
    const allTimedOut = Array.from({ length: MAX_WAITS }, () => TIMED_OUT);
    expect(callsDue(afterWaits(allTimedOut), CODEX_TOOLS)).toEqual([
      { id: 'call_t1_close', name: CLOSE_NAME, input: { target: AGENT } },
    ]);
    const closed = [...afterWaits(allTimedOut), ...closedBy(JSON.stringify({ previous_status: 'running' }))];
    expect(callsDue(closed, CODEX_TOOLS)).toBeUndefined();
    // Without Codex's close there is nothing to stop it with: the conversation goes upstream.
    const noClose = CODEX_TOOLS.filter((t) => t.name !== CLOSE_NAME);
    expect(callsDue(afterWaits(allTimedOut), noClose)).toBeUndefined();
  });

  it('does not wait when the spawn failed, the last wait gave up, or the output is not the newest', () => {
    const allTimedOut = Array.from({ length: MAX_WAITS }, () => TIMED_OUT);
    expect(callsDue(afterWaits(allTimedOut), CODEX_TOOLS)?.map((c) => c.name)).toEqual([CLOSE_NAME]);
    expect(callsDue(afterWaits([], 'agent limit reached', true), CODEX_TOOLS)).toBeUndefined();
    const later = [
      ...afterWaits([]),
      assistant({ type: 'text', text: 'Stopped.' }),
      user({ type: 'text', text: 'Go on' }),
    ];
    expect(callsDue(later, CODEX_TOOLS)).toBeUndefined();
  });

  it("never waits on a spawn that is not a Task's, or for a client without Codex's wait", () => {
    const own = [
      ASK,
      assistant(use('call_s', 'multi_agent_v1__spawn_agent', { message: 'Do it.' })),
      user(result('call_s', SPAWNED)),
    ];
    expect(callsDue(own, CODEX_TOOLS)).toBeUndefined();
    const noWait = CODEX_TOOLS.filter((t) => t.name !== 'multi_agent_v1__wait_agent');
    expect(callsDue(afterWaits([]), noWait)).toBeUndefined();
  });
});

/** Codex's note that an agent ended, as the text it puts in the parent's conversation. */
const noteOf = (agent: string, status: unknown = { completed: 'PEAR-57' }) => ({
  type: 'text',
  text: `<subagent_notification>\n${JSON.stringify({ agent_path: agent, status })}\n</subagent_notification>`,
});
/** A Task whose sub-agent the proxy waited for and closed, and the agent's answer after it. */
const answeredTask = (): Message[] => [
  ...afterWaits([completed('PEAR-57')]),
  ...closedBy('{"previous_status":{"completed":"PEAR-57"}}'),
  assistant({ type: 'text', text: 'The sub-agent said PEAR-57.' }),
];

describe("the turn Codex starts for a note that a Task's sub-agent ended", () => {
  it('is answered by the proxy with nothing, the reason saying why, as the waits and the close say theirs', () => {
    expect(answerDue([...answeredTask(), user(noteOf(AGENT))], CODEX_TOOLS)).toEqual({
      reason: 'sub-agent notification',
      calls: [],
    });
    // Two notes at once, the second of a Task stopped after its last wait, are one such turn too.
    expect(answerDue([...answeredTask(), user(noteOf(AGENT), noteOf(AGENT, 'shutdown'))], CODEX_TOOLS)?.reason).toBe(
      'sub-agent notification',
    );
    expect(answerDue(afterWaits([]), CODEX_TOOLS)?.reason).toBe('sub-agent wait');
    expect(answerDue(afterWaits([completed('PEAR')]), CODEX_TOOLS)?.reason).toBe('sub-agent close');
  });

  it("goes upstream beside the user's words, for a spawn not a Task's, or for an agent still running", () => {
    const words = { type: 'text', text: 'Now write it down.' };
    expect(answerDue([...answeredTask(), user(noteOf(AGENT), words)], CODEX_TOOLS)).toBeUndefined();
    // Codex's own spawn (no agent_task: the agent called it by name) ended: its note is the agent's to read.
    const own = [
      ...answeredTask(),
      user(words),
      assistant(use('call_s', 'multi_agent_v1__spawn_agent', { message: 'Do it.' })),
      user(result('call_s', JSON.stringify({ agent_id: 'own-agent' }))),
      assistant({ type: 'text', text: 'Spawned.' }),
      user(noteOf('own-agent')),
    ];
    expect(answerDue(own, CODEX_TOOLS)).toBeUndefined();
    // A Task's sub-agent the proxy still waits for is not over.
    const waiting = [
      ...afterWaits([]),
      assistant(use('call_t1_wait1', WAIT_NAME, { targets: [AGENT] })),
      user(noteOf(AGENT)),
    ];
    expect(answerDue(waiting, CODEX_TOOLS)).toBeUndefined();
  });

  it('is left out of the conversation the upstream sees later, with the empty answer it had', () => {
    const later = [...answeredTask(), user(noteOf(AGENT)), user({ type: 'text', text: 'Thanks. Now write it down.' })];
    expect(foldSubAgentTasks(later, CODEX_TOOLS)).toEqual([
      ASK,
      assistant(use('call_t1', 'Task', TASK)),
      user(result('call_t1', 'PEAR-57')),
      assistant({ type: 'text', text: 'The sub-agent said PEAR-57.' }),
      user({ type: 'text', text: 'Thanks. Now write it down.' }),
    ]);
  });
});

describe('the conversation the upstream sees', () => {
  it("is one Task call answered with the sub-agent's report, the spawn and the waits folded out", () => {
    const sent = upstreamMessages([
      ...afterWaits([TIMED_OUT, completed('PEAR-57')]),
      assistant({ type: 'text', text: 'The sub-agent said PEAR-57.' }),
    ]);
    expect(sent).toEqual([
      { role: 'user', content: 'Ask a sub-agent for the fruit word.' },
      { role: 'assistant', content: [{ id: 'call_t1', input: TASK, name: 'Task', type: 'tool_use' }] },
      {
        role: 'user',
        content: [{ content: 'PEAR-57', tool_use_id: 'call_t1', type: 'tool_result' }],
        ToolResults: [{ ToolUseID: 'call_t1', Content: 'PEAR-57' }],
      },
      { role: 'assistant', content: [{ text: 'The sub-agent said PEAR-57.', type: 'text' }] },
    ]);
  });

  it("leaves out the close, and Codex's note of the end beside the result, but not a note on its own", () => {
    const ended = JSON.stringify({ agent_path: AGENT, status: { completed: 'PEAR-57' } });
    const note = { type: 'text', text: `<subagent_notification>\n${ended}\n</subagent_notification>` };
    const messages: Message[] = [
      ...afterWaits([completed('PEAR-57')]),
      assistant(use('call_t1_close', CLOSE_NAME, { target: AGENT })),
      user(result('call_t1_close', '{"previous_status":{"completed":"PEAR-57"}}'), note),
      assistant({ type: 'text', text: 'The sub-agent said PEAR-57.' }),
      user(note),
    ];
    expect(foldSubAgentTasks(messages, CODEX_TOOLS)).toEqual([
      ASK,
      assistant(use('call_t1', 'Task', TASK)),
      user(result('call_t1', 'PEAR-57')),
      assistant({ type: 'text', text: 'The sub-agent said PEAR-57.' }),
      user(note),
    ]);
  });

  it("keeps the turn's other calls, and joins the messages that meet once the wait is gone", () => {
    const messages: Message[] = [
      ASK,
      assistant(
        use('call_t1', 'multi_agent_v1__spawn_agent', SPAWN_INPUT),
        use('call_x', 'exec_command', { cmd: 'ls' }),
      ),
      user(result('call_t1', SPAWNED), result('call_x', 'a.txt')),
      assistant(use('call_t1_wait1', 'multi_agent_v1__wait_agent', { targets: [AGENT] })),
      user(result('call_t1_wait1', completed('PEAR-57')), { type: 'text', text: 'and hurry' }),
    ];
    expect(foldSubAgentTasks(messages, CODEX_TOOLS)).toEqual([
      ASK,
      assistant(use('call_t1', 'Task', TASK), use('call_x', 'exec_command', { cmd: 'ls' })),
      user(result('call_t1', 'PEAR-57'), result('call_x', 'a.txt'), { type: 'text', text: 'and hurry' }),
    ]);
  });

  it("gives a failed spawn, a failed sub-agent, and one still running after the last wait as Task's error", () => {
    const [, , failed] = foldSubAgentTasks(afterWaits([], 'agent limit reached', true), CODEX_TOOLS) as Message[];
    expect(failed!.content).toEqual([
      result('call_t1', 'The sub-agent could not be started: agent limit reached', true),
    ]);
    const errored = JSON.stringify({ status: { [AGENT]: { errored: 'model refused' } }, timed_out: false });
    expect((foldSubAgentTasks(afterWaits([errored]), CODEX_TOOLS)[2] as Message).content).toEqual([
      result('call_t1', 'The sub-agent failed: model refused', true),
    ]);
    const allTimedOut = Array.from({ length: MAX_WAITS }, () => TIMED_OUT);
    const taskError = (messages: Message[]) => {
      const folded = foldSubAgentTasks(messages, CODEX_TOOLS);
      expect(folded).toHaveLength(3);
      const [error] = (folded[2] as Message).content as Array<{ content: string; is_error: boolean }>;
      expect(error).toMatchObject({ is_error: true });
      return error!.content;
    };
    // Closed by the proxy (the waits and the close folded out): stopped, and the agent is told so.
    const stopped = taskError([...afterWaits(allTimedOut), ...closedBy('{"previous_status":"running"}')]);
    expect(stopped).toMatch(/^The sub-agent \(Codex agent 01a2-agent\) was stopped after 20 minutes, still running/);
    // No close Codex took: it runs on, and the agent is told that instead.
    const refused = taskError([...afterWaits(allTimedOut), ...closedBy('agent not found', true)]);
    expect(refused).toMatch(/^The sub-agent \(Codex agent 01a2-agent\) was still running after 20 minutes/);
    expect(taskError(afterWaits(allTimedOut))).toBe(refused);
  });

  it('is the same array while the sub-agent still runs, and for a client without Codex spawns', () => {
    const waiting = afterWaits([]).concat([
      assistant(use('call_t1_wait1', 'multi_agent_v1__wait_agent', { targets: [AGENT] })),
    ]);
    expect(foldSubAgentTasks(waiting, CODEX_TOOLS)).toBe(waiting);
    const plain = afterWaits([completed('PEAR-57')]);
    expect(foldSubAgentTasks(plain, claudeCodeTools())).toBe(plain);
  });
});
