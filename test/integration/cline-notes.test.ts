import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { PINNED_MODES, sentToolPair, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { startCliStack, turnsAbout } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { runCline, toolRuns } from '../helpers/cline';

/**
 * The proxy's own notes in the real Cline CLI (3.x): Generation B's agent plans with a TodoWrite Cline has no tool
 * for, so Cline is shown the plan as a checklist, in the same message as the agent's words before and after it (the
 * proxy answers the call for Cline and streams the agent's next turn on). Cline joins a message's text blocks as
 * they are, in its terminal window and in the history it sends back, so without a paragraph break around the note
 * it read "Planning.The agent's plan …\n- [ ] Check the parser (in progress)Reading it." (seen in Cline's TUI over
 * ws), the agent's next sentence swallowed by the checklist's last item, and the agent read it that way next turn.
 */
let stack: Stack | undefined;
afterEach(async () => {
  await stack?.stop();
  stack = undefined;
});

const KEY = 'test-cline-key';
const SECRET = 'FIG-7';
const PLAN = "The agent's plan (this client has no to-do tool to show it in):\n- [ ] Check the parser (in progress)";

describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-a'))(
  "Cline shows the agent's plan as a paragraph of its own (Generation B, $name)",
  (mode) => {
    it('the checklist runs into neither the words before it nor those after', { timeout: 120_000 }, async () => {
      stack = await startCliStack(mode, KEY);
      const work = tempDir('orchids-cline-work-');
      fs.writeFileSync(path.join(work, 'parser.txt'), `The parser bug is ${SECRET}.\n`);
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (!seen.includes('parser.txt')) return undefined;
        if (seen.includes(SECRET)) return sse(reply(`The bug is ${SECRET}.`));
        if (seen.includes('no to-do tool')) {
          return sse([
            ...text('Reading it.'),
            ...toolCall({ id: 'toolu_sim_shell_0001', name: 'Bash', input: { command: 'cat parser.txt' } }),
            ...finish('tool-calls'),
          ]);
        }
        const todos = [{ content: 'Check the parser', status: 'in_progress', activeForm: 'Checking the parser' }];
        return sse([
          ...text('Planning.'),
          ...toolCall({ id: 'toolu_sim_todo_0001', name: 'TodoWrite', input: { todos } }),
          ...finish('tool-calls'),
        ]);
      });

      const run = await runCline(work, 'What is the bug in parser.txt?', stack.url, KEY, { timeoutMs: 100_000 });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.finalText).toBe(`The bug is ${SECRET}.`);
      expect(toolRuns(run).map((r) => r.toolName)).toEqual(['run_commands']);

      // Three agent turns: the plan, the command (the proxy's continuation), the answer from its output.
      const turns = turnsAbout(stack, /parser\.txt/);
      expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect, mode.expect]);
      // Cline sends back the message it was shown, the agent's words, the plan, the agent's words, joined in one text
      // (`Planning.\n\n${PLAN}\n\nReading it.`); the agent is sent what it did: its words, its TodoWrite and the answer
      // it was given, then its words after as its next turn.
      expect(JSON.stringify(turns[2]!.body.messages)).not.toContain(PLAN.split('\n')[0]);
      const planned = turnWith(turns[2]!, (b) => b.type === 'tool_use' && b.name === 'TodoWrite');
      expect(planned).toEqual([
        expect.objectContaining({ type: 'text', text: 'Planning.' }),
        expect.objectContaining({ input: { todos: [{ content: 'Check the parser', status: 'in_progress' }] } }),
      ]);
      expect(sentToolPair(turns[2]!, planned[1]!.id as string, 'TodoWrite', 'no to-do tool')).toBe(true);
      expect(assistantText(turns[2]!)).toBe('Reading it.');
      // The continued request is no retry: nothing failed, and its one account is listed once (Cline's history
      // read "1 retry" and the account twice).
      await stack.core.internals.history.flushNow();
      const rows = stack.core.internals.historyRepo.query({});
      expect(rows.length).toBeGreaterThanOrEqual(2);
      for (const row of rows)
        expect(row).toMatchObject({ status: 200, retries: 0, accountsTried: [stack.accountIds[0]] });
    });
  },
);

/** The blocks of the first assistant message of the upstream request with a block `which` picks. */
function turnWith(request: AgentRequestInfo, which: (block: Record<string, unknown>) => boolean) {
  const messages = request.body.messages as Array<{ role: string; content: Array<Record<string, unknown>> }>;
  return (
    messages.find((m) => m.role === 'assistant' && Array.isArray(m.content) && m.content.some(which))?.content ?? []
  );
}

/** The text of the assistant message Cline replays with the command's call in it. */
function assistantText(request: AgentRequestInfo): string {
  return turnWith(request, (b) => b.type === 'tool_use' && b.id === 'toolu_sim_shell_0001')
    .filter((b) => b.type === 'text')
    .map((b) => b.text as string)
    .join('');
}
