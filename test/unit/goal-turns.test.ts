import { describe, expect, it } from 'vitest';
import { goalStoppedMessage, idleGoalTurns } from '../../main/core/openai/goal-turns';

/**
 * Codex CLI 0.171's input while a goal is active, item for item as its TUI sends it (captured through the proxy):
 * its system text, the "user set the goal" note, the goal attached as an output no call asked for, then a user
 * message of Codex's own opening each turn it starts itself.
 */
const message = (role: string, text: string) => ({ type: 'message', role, content: [{ type: 'input_text', text }] });
const answer = (text: string) => ({
  type: 'message',
  role: 'assistant',
  content: [{ type: 'output_text', text, annotations: [] }],
});
const continuation = message(
  'user',
  '<codex_internal_context source="goal">\nContinue working toward the active thread goal.\n\nUse the current …',
);
const goalSet = [
  message('developer', 'You are Codex, a coding agent …'),
  message('user', '<codex_internal_context source="user_goal">\nUser set the goal: "Ship the adder fix"\n…'),
  message('user', '<environment_context>\n  <cwd>/tmp/work</cwd>\n</environment_context>'),
  { type: 'function_call_output', name: 'goal_objective', namespace: 'agent', output: 'Ship the adder fix' },
];
const idleTurn = [continuation, answer('Working on it.')];
const call = { type: 'function_call', call_id: 'call_1', name: 'exec_command', arguments: '{"cmd":"npm test"}' };
const output = { type: 'function_call_output', call_id: 'call_1', output: 'ok' };

describe("Codex's goal turns, read from one request", () => {
  it('counts the turns Codex started itself in a row that only talked, before the one it asks for', () => {
    expect(idleGoalTurns([...goalSet, continuation])).toBe(0);
    expect(idleGoalTurns([...goalSet, ...idleTurn, continuation])).toBe(1);
    expect(idleGoalTurns([...goalSet, ...idleTurn, ...idleTurn, ...idleTurn, continuation])).toBe(3);
  });

  it('skips what a turn that only talked leaves besides its text: reasoning, system text', () => {
    const reasoning = { type: 'reasoning', summary: [], content: [{ type: 'reasoning_text', text: 'Hmm.' }] };
    const turn = [continuation, reasoning, answer('Still on it.'), message('developer', '<permissions …>')];
    expect(idleGoalTurns([...goalSet, ...turn, ...turn, continuation])).toBe(2);
  });

  it('starts again after a turn that called a tool: the agent is working', () => {
    const working = [continuation, call, output, answer('Tests pass.')];
    expect(idleGoalTurns([...goalSet, ...idleTurn, ...idleTurn, ...working, continuation])).toBe(0);
    expect(idleGoalTurns([...goalSet, ...idleTurn, ...working, ...idleTurn, continuation])).toBe(1);
  });

  it("starts again after a message of the user's, or Codex's note that the user resumed the goal", () => {
    const user = [message('user', 'Use the other adder.'), answer('Sure.')];
    expect(idleGoalTurns([...goalSet, ...idleTurn, ...idleTurn, ...user, ...idleTurn, continuation])).toBe(1);
    // After a refused turn (left unanswered) the user typed /goal resume: Codex notes it, then starts a turn.
    const resumed = message('user', '<codex_internal_context source="user_goal">\nUser set goal status: "active".');
    const stalled = [...goalSet, ...idleTurn, ...idleTurn, ...idleTurn, continuation];
    expect(idleGoalTurns([...stalled, resumed, continuation])).toBe(0);
    expect(idleGoalTurns([...stalled, resumed, ...idleTurn, continuation])).toBe(1);
  });

  it('is 0 for a request that does not ask for a turn of the goal', () => {
    expect(idleGoalTurns([...goalSet, ...idleTurn, ...idleTurn, ...idleTurn, message('user', 'Stop.')])).toBe(0);
    expect(idleGoalTurns([...goalSet, ...idleTurn, ...idleTurn, ...idleTurn, continuation, call, output])).toBe(0);
    expect(idleGoalTurns('Continue working toward the active thread goal.')).toBe(0);
    expect(idleGoalTurns([])).toBe(0);
  });

  it('reads a message whose content is a string, as the Responses API allows', () => {
    const plain = { role: 'user', content: '<codex_internal_context source="goal">\nContinue …' };
    expect(idleGoalTurns([plain, { role: 'assistant', content: 'On it.' }, plain])).toBe(1);
  });

  it('tells the user why the goal stopped and how to go on', () => {
    const text = goalStoppedMessage(3);
    expect(text).toContain('Orchids Tray stopped this goal after 3 turns');
    expect(text).toContain('update_goal');
    expect(text).toContain('/goal clear');
    expect(text).toContain('/goal resume');
  });
});
