import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { PINNED_MODES, answered, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { replayedToolUses, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { runCodex } from '../helpers/codex';

/**
 * Generation B's agent delegates with its own `Task`, which waits for the sub-agent's report. The real Codex CLI
 * declares only asynchronous sub-agent tools (`spawn_agent` answers with an id, `wait_agent` with the final
 * message): the Task reaches Codex as a spawn, the proxy answers the spawn's id itself with a wait on that agent, and
 * the upstream sees one Task call answered with the sub-agent's report, never the spawn or the wait.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-codex-key';
const ASK = 'Ask a sub-agent for the fruit word.';
const TASK = 'Reply with exactly the word for pear.';
const FRUIT = 'PEAR-57';
const TASK_INPUT = { description: 'Find the fruit word', prompt: TASK, subagent_type: 'general-purpose' };

const messagesOf = (request: AgentRequestInfo): string => JSON.stringify(request.body.messages);

describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-a'))(
  "Codex CLI runs Generation B's Task as a sub-agent ($name)",
  (mode) => {
    it("the agent's Task gets the sub-agent's report as its result", { timeout: 120_000 }, async () => {
      stack = await startCliStack(mode, KEY);
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        // The sub-agent's conversation starts from the Task's prompt alone.
        if (!seen.includes(ASK)) return seen.includes(TASK) ? sse(reply(FRUIT)) : undefined;
        if (seen.includes(FRUIT)) return sse(reply(`The sub-agent said ${FRUIT}.`));
        return sse([
          ...toolCall({ id: 'toolu_sim_task_0001', name: 'Task', input: TASK_INPUT }),
          ...finish('tool-calls'),
        ]);
      });

      const work = tempDir('orchids-codex-work-');
      const run = await runCodex(work, ASK, stack.url, KEY, { persistent: true });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.finalMessage).toBe(`The sub-agent said ${FRUIT}.`);
      // Codex spawned the sub-agent with the Task's prompt, waited for it and closed it (the proxy's calls).
      const collab = run.items.filter((i) => i.type === 'collab_tool_call');
      expect(collab.map((i) => i.tool)).toEqual(['spawn_agent', 'wait', 'close_agent']);
      expect(collab[0]).toMatchObject({ prompt: TASK, status: 'completed' });
      expect(Object.values(collab[1]!.agents_states as object)).toEqual([{ status: 'completed', message: FRUIT }]);

      // The sub-agent's own turn went through the proxy, on this mode's protocol.
      const child = answered(stack.sim.requests).filter((r) => !upstreamText(r).includes(ASK));
      expect(child.some((r) => r.protocol === mode.expect && upstreamText(r).includes(TASK))).toBe(true);

      // The parent asked the upstream twice (the Task, then the answer): the spawn's id, the wait's output and a
      // turn of Codex's own for its note of the sub-agent's end (when the note comes after the answer) were answered
      // by the proxy.
      const parent = turnsAbout(stack, new RegExp(ASK));
      expect(parent).toHaveLength(2);
      expect(new Set(parent.map((t) => t.protocol))).toEqual(new Set([mode.expect]));
      const answeredTask = parent[1]!;
      expect(replayedToolUses(answeredTask)).toEqual([
        { id: 'call_sim_task_0001', input: TASK_INPUT, name: 'Task', type: 'tool_use' },
      ]);
      const results = (answeredTask.body.messages as Array<{ ToolResults?: unknown[] }>).flatMap(
        (m) => m.ToolResults ?? [],
      );
      expect(results).toEqual([{ ToolUseID: 'call_sim_task_0001', Content: FRUIT }]);
      for (const turn of parent) {
        expect(messagesOf(turn)).not.toContain('multi_agent_v1__');
        expect(messagesOf(turn)).not.toContain('agent_id');
      }
      // Codex's note that the sub-agent ended, which says what the Task's result says, is not beside it.
      expect(messagesOf(answeredTask)).not.toContain('subagent_notification');

      // The proxy's own answers (the wait, the close) are in the history with no account and no protocol.
      await stack.core.internals.history.flushNow();
      const rows = stack.core.internals.historyRepo.query({});
      const own = rows.filter((r) => r.protocol === null);
      expect(own).toHaveLength(2);
      for (const row of own) {
        expect(row).toMatchObject({ status: 200, stopReason: 'tool_use', accountId: null, accountsTried: [] });
        expect(row).toMatchObject({ api: 'openai-responses', inputTokens: 0, outputTokens: 0 });
      }
      expect(rows.filter((r) => r.protocol !== null)).toHaveLength(answered(stack.sim.requests).length);

      // A turn whose input is nothing but Codex's note that the Task's sub-agent ended: what Codex sends when the
      // note comes after the answer (a race `codex exec` rarely loses; the turn is sent here by resuming the session
      // with the note as its input). The proxy ends it with nothing: no upstream turn, and Codex ends the turn
      // quietly, with no message and no error.
      const agentId = (collab[0]!.receiver_thread_ids as string[])[0]!;
      const ended = JSON.stringify({ agent_path: agentId, status: { completed: FRUIT } });
      const note = `<subagent_notification>\n${ended}\n</subagent_notification>`;
      const upstreamBefore = answered(stack.sim.requests).length;
      const noted = await runCodex(work, note, stack.url, KEY, { resumeIn: run.home });
      expect(noted.code, noted.stderr + noted.stdout).toBe(0);
      expect(noted.events.map((e) => e.type)).toEqual(['thread.started', 'turn.started', 'turn.completed']);
      expect(answered(stack.sim.requests)).toHaveLength(upstreamBefore);
      await stack.core.internals.history.flushNow();
      const ownAfter = stack.core.internals.historyRepo.query({}).filter((r) => r.protocol === null);
      expect(ownAfter).toHaveLength(3);
      expect(ownAfter[0]).toMatchObject({ status: 200, stopReason: 'end_turn', accountId: null, outputTokens: 0 });
    });
  },
);
