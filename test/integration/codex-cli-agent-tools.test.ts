import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { PINNED_MODES, pinnedMode, sentToolPair, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { replayedToolUse, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { runCodex } from '../helpers/codex';

/**
 * Generation B's agent's own tools on what Codex CLI declares, where the two differ in more than names.
 *
 * Codex CLI's plan tool, `update_plan` (`plan: [{step, status}]`, `explanation`), which Codex 0.171 declares when
 * its config turns it on (`[tools.update_plan] enabled = true`). Generation B's agent plans with its own TodoWrite
 * (`todos: [{content, status, activeForm}]`); with the plan tool declared, the call lands on it and Codex shows the
 * plan as its own (`codex exec --json`: a `todo_list` item), instead of the checklist text a client without a
 * to-do tool gets.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-codex-key';

describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-a'))(
  "Codex CLI's update_plan on Generation B ($name)",
  (mode) => {
    it("runs the agent's TodoWrite as Codex's update_plan", { timeout: 90_000 }, async () => {
      stack = await startCliStack(mode, KEY);
      const work = tempDir('orchids-codex-work-');
      const todos = [
        { content: 'Read the failing test', status: 'completed', activeForm: 'Reading the failing test' },
        { content: 'Fix the adder', status: 'in_progress', activeForm: 'Fixing the adder' },
        { content: 'Run the tests again', status: 'pending', activeForm: 'Running the tests again' },
      ];
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (!seen.includes('Plan the adder fix')) return undefined;
        if (seen.includes('Plan updated')) return sse(reply('The plan is set.'));
        return sse([
          ...toolCall({ id: 'toolu_sim_plan_0001', name: 'TodoWrite', input: { todos } }),
          ...finish('tool-calls'),
        ]);
      });

      const run = await runCodex(work, 'Plan the adder fix.', stack.url, KEY, { updatePlan: true });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.finalMessage).toBe('The plan is set.');
      // Codex took the plan as its own: a to-do list item, the agent's steps and which are done.
      expect(run.items.find((i) => i.type === 'todo_list')).toMatchObject({
        items: [
          { text: 'Read the failing test', completed: true },
          { text: 'Fix the adder', completed: false },
          { text: 'Run the tests again', completed: false },
        ],
      });
      expect(run.items.filter((i) => i.type === 'agent_message').map((i) => i.text)).toEqual(['The plan is set.']);

      const turns = turnsAbout(stack, /Plan the adder fix/);
      expect(turns).toHaveLength(2);
      // Codex replays the call under its own name, in its own shape.
      expect(replayedToolUse(turns[1] as AgentRequestInfo)).toMatchObject({
        id: 'call_sim_plan_0001',
        name: 'update_plan',
        input: {
          plan: [
            { step: 'Read the failing test', status: 'completed' },
            { step: 'Fix the adder', status: 'in_progress' },
            { step: 'Run the tests again', status: 'pending' },
          ],
        },
      });
    });
  },
);

/**
 * The agent's Bash waits for its command (up to its `timeout`, two minutes by default); Codex's `exec_command`
 * answers after `yield_time_ms` (10 s by default) with a session id instead of the output, and the agent has no tool
 * to poll that session. The proxy passes the agent's wait on, which Codex keeps within its own 30 s cap.
 */
describe('Codex CLI runs a command longer than its default wait for the agent (pinned ws)', () => {
  it('gets the output of a command of 11 s instead of a session id', { timeout: 90_000 }, async () => {
    stack = await startCliStack(pinnedMode('ws'), KEY);
    const work = tempDir('orchids-codex-work-');
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (!seen.includes('Run the slow check')) return undefined;
      if (/Output:\s*SLOW-CHECK-DONE/.test(seen)) return sse(reply('The check finished.'));
      if (/Process running with session ID/.test(seen)) return sse(reply('The check is still running.'));
      const input = { command: 'sleep 11; echo SLOW-CHECK-DONE', description: 'Run the slow check' };
      return sse([...toolCall({ id: 'toolu_sim_slow_0001', name: 'Bash', input }), ...finish('tool-calls')]);
    });

    const run = await runCodex(work, 'Run the slow check.', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalMessage).toBe('The check finished.');
    const [, second] = turnsAbout(stack, /Run the slow check/) as [AgentRequestInfo, AgentRequestInfo];
    expect(replayedToolUse(second)).toMatchObject({
      name: 'exec_command',
      input: { cmd: 'sleep 11; echo SLOW-CHECK-DONE', yield_time_ms: 120_000 },
    });
  });
});

/**
 * Codex CLI's goal tools (`create_goal`, `update_goal`, `get_goal`), which Codex 0.171 declares by default. While a
 * goal is active Codex sends, in every request, the goal as an output no call asked for (a `function_call_output`
 * with `name: "goal_objective"`, `namespace: "agent"` and no `call_id`): it reaches the upstream as the user's text in
 * a `<goal_objective>` tag. Generation A is shown the goal tools; Generation B's agent reaches them by name.
 */
describe.each(PINNED_MODES)("Codex CLI's goal tools ($name)", (mode) => {
  it('creates a goal, keeps it in view of the model and completes it', { timeout: 90_000 }, async () => {
    stack = await startCliStack(mode, KEY);
    const work = tempDir('orchids-codex-work-');
    const goal = '<goal_objective namespace="agent">\nShip the adder fix\n</goal_objective>';
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (!seen.includes('Set a goal')) return undefined;
      if (seen.includes('call_sim_goal_0002')) return sse(reply('The goal is complete.'));
      const call = seen.includes(goal)
        ? { id: 'toolu_sim_goal_0002', name: 'update_goal', input: { status: 'complete' } }
        : { id: 'toolu_sim_goal_0001', name: 'create_goal', input: { objective: 'Ship the adder fix' } };
      return sse([...toolCall(call), ...finish('tool-calls')]);
    });

    // Codex keeps goals only on a thread it persists (with --ephemeral, create_goal refuses).
    const run = await runCodex(work, 'Set a goal: ship the adder fix.', stack.url, KEY, { persistent: true });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalMessage).toBe('The goal is complete.');
    const turns = turnsAbout(stack, /Set a goal/);
    expect(turns).toHaveLength(3);
    const [first, second, third] = turns as [AgentRequestInfo, AgentRequestInfo, AgentRequestInfo];
    expect(upstreamText(first)).not.toContain(goal);
    // Codex ran create_goal (its result names the goal) and then attached the goal to the conversation.
    expect(sentToolPair(second, 'call_sim_goal_0001', 'create_goal', 'Ship the adder fix')).toBe(true);
    expect(upstreamText(second)).toContain(goal);
    expect(sentToolPair(third, 'call_sim_goal_0002', 'update_goal', 'complete')).toBe(true);
    if (mode.expect === 'sse-a') {
      const offered = (first.body.tools as Array<{ name: string }>).map((t) => t.name);
      expect(offered).toEqual(expect.arrayContaining(['get_goal', 'create_goal', 'update_goal']));
    }
  });
});

/**
 * Generation B's agent asks the user with its AskUserQuestion; Codex CLI 0.171 declares `request_user_input`, the
 * same list of questions but each with a required `id`, which the agent never writes (without one Codex refuses the
 * call: "missing field `id`"). Codex answers it only in its Plan mode (in its TUI), and in `codex exec` with its
 * `default_mode_request_user_input` feature on, where nobody is there to answer: it returns no answers, which Codex's
 * instructions tell the model to take as "go on with your best judgment".
 */
describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-a'))(
  "Codex CLI's request_user_input on Generation B ($name)",
  (mode) => {
    it("runs the agent's AskUserQuestion, each question given an id", { timeout: 90_000 }, async () => {
      stack = await startCliStack(mode, KEY);
      const work = tempDir('orchids-codex-work-');
      const options = [
        { label: 'Red (Recommended)', description: 'Matches the logo.' },
        { label: 'Blue', description: 'Calmer.' },
      ];
      const question = {
        question: 'Which colour should the button be?',
        header: 'Colour',
        options,
        multiSelect: false,
      };
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (!seen.includes('Style the button')) return undefined;
        if (seen.includes('call_sim_ask_0001')) return sse(reply('Going with red.'));
        const input = { questions: [question] };
        return sse([
          ...toolCall({ id: 'toolu_sim_ask_0001', name: 'AskUserQuestion', input }),
          ...finish('tool-calls'),
        ]);
      });

      const run = await runCodex(work, 'Style the button.', stack.url, KEY, {
        extraConfig: ['[features]', 'default_mode_request_user_input = true'],
      });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.finalMessage).toBe('Going with red.');
      const [, second] = turnsAbout(stack, /Style the button/) as [AgentRequestInfo, AgentRequestInfo];
      expect(replayedToolUse(second)).toMatchObject({
        name: 'request_user_input',
        input: { questions: [{ id: 'colour', ...question }] },
      });
      // Codex took the call and answered it (no one answered): not "failed to parse function arguments", and the
      // agent is told so in words, not given Codex's empty `{"answers":{}}`.
      const noAnswers = 'The user gave no answers: go on with your best judgment.';
      expect(sentToolPair(second, 'call_sim_ask_0001', 'request_user_input', noAnswers)).toBe(true);
    });
  },
);
