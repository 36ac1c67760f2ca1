import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { MAX_IDLE_GOAL_TURNS } from '../../main/core/openai/goal-turns';
import { reply, sse } from '../sim/orchids-simulator';
import { startCodexTui, type CodexTui } from '../helpers/codex-tui';
import { served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import type { Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { PINNED_MODES, answered } from '../helpers/upstream';
import { until } from '../helpers/wait';

/**
 * Codex CLI's goal loop. While a goal is active Codex's TUI starts turn after turn on its own until the model calls
 * `update_goal` with `complete`, which Generation B's agent (it runs only its own tools) never can: against the
 * simulator the TUI made 93 upstream requests in 15 s, each one paid with the user's credits on Orchids. On
 * Generation B the proxy refuses the turn after MAX_IDLE_GOAL_TURNS such turns in a row that called no tool, in
 * the Responses API's error format, and Codex stops the goal ("Goal stalled"); Generation A, shown the tool, is
 * served as before.
 */
let stack: Stack;
let tui: CodexTui | undefined;
const stopAfter = stopsAfterEach();

const KEY = 'test-codex-key';
const GOAL_TURN = /Continue working toward the active thread goal/;

describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-a'))(
  "Codex's TUI with a goal on Generation B ($name)",
  (mode) => {
    it('stops the goal after a bounded number of turns that did nothing', { timeout: 120_000 }, async () => {
      stack = stopAfter(await startCliStack(mode, KEY));
      stack.sim.onAgentRequest((req) =>
        GOAL_TURN.test(JSON.stringify(req.body)) ? sse(reply('Working on it.')) : undefined,
      );
      tui = stopAfter(await startCodexTui(tempDir('orchids-codex-work-'), stack.url, KEY));
      const goalTurns = () => turnsAbout(stack, GOAL_TURN).length;

      await tui.submit('/goal Ship the adder fix');
      // Without the stop the turns never end: waiting for the stall alone would only time out.
      await until(() => /Goal stalled/.test(tui!.screen()) || goalTurns() > MAX_IDLE_GOAL_TURNS + 5, {
        timeoutMs: 60_000,
        what: 'Codex to stall the goal',
      });
      expect(goalTurns()).toBe(MAX_IDLE_GOAL_TURNS);
      // Codex shows the proxy's words, and starts nothing more.
      await tui.waitFor(/Orchids Tray stopped this goal after 3 turns/);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(goalTurns()).toBe(MAX_IDLE_GOAL_TURNS);
      const rows = await served(stack);
      expect(rows.filter((r) => r.status === 400)).toEqual([
        { api: 'openai-responses', stream: true, status: 400, protocol: mode.expect },
      ]);

      // Resuming is the user's choice: the same number of turns again, then the same stop.
      await tui.submit('/goal resume');
      await until(() => goalTurns() >= 2 * MAX_IDLE_GOAL_TURNS, { timeoutMs: 30_000, what: 'the resumed turns' });
      await tui.waitFor(/Goal stalled/);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      expect(goalTurns()).toBe(2 * MAX_IDLE_GOAL_TURNS);
    });
  },
);

/** A turn of Codex's goal loop, as its TUI sends it after `idle` turns that only talked. */
function goalTurn(idle: number): Record<string, unknown> {
  const message = (role: string, text: string) => ({ type: 'message', role, content: [{ type: 'input_text', text }] });
  const continuation = message('user', '<codex_internal_context source="goal">\nContinue working toward the goal.');
  const turn = [
    continuation,
    { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'On it.' }] },
  ];
  return {
    model: 'claude-sonnet-4-6',
    stream: true,
    store: false,
    input: [
      message('user', '<codex_internal_context source="user_goal">\nUser set the goal: "Ship the adder fix"'),
      { type: 'function_call_output', name: 'goal_objective', namespace: 'agent', output: 'Ship the adder fix' },
      ...Array.from({ length: idle }, () => turn).flat(),
      continuation,
    ],
  };
}

async function postResponses(body: Record<string, unknown>) {
  const response = await request(`${stack.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, text: await response.body.text() };
}

describe.each(PINNED_MODES)('a turn of a goal that did nothing for a while ($name)', (mode) => {
  it('is refused before it reaches Generation B, and served on Generation A', async () => {
    stack = stopAfter(await startCliStack(mode, KEY));
    stack.sim.onAgentRequest(() => sse(reply('Working on it.')));

    const requestCount = () => stack.core.internals.cache.list()[0]!.requestCount;
    const under = await postResponses(goalTurn(MAX_IDLE_GOAL_TURNS - 1));
    expect(under.status).toBe(200);
    expect(answered(stack.sim.requests)).toHaveLength(1);
    expect(requestCount()).toBe(1);

    const over = await postResponses(goalTurn(MAX_IDLE_GOAL_TURNS));
    if (mode.expect === 'sse-a') {
      expect(over.status).toBe(200);
      expect(answered(stack.sim.requests)).toHaveLength(2);
      return;
    }
    expect(over.status).toBe(400);
    expect(JSON.parse(over.text)).toEqual({
      error: {
        message: expect.stringContaining('Orchids Tray stopped this goal after 3 turns in a row'),
        type: 'invalid_request_error',
        param: null,
        code: null,
      },
    });
    // Nothing reached Orchids, and the account's request count did not move.
    expect(answered(stack.sim.requests)).toHaveLength(1);
    expect(requestCount()).toBe(1);
    expect((await served(stack)).map((r) => r.status).sort()).toEqual([200, 400]);
  });
});
