import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { agentTurnsAbout, notesFolder, titled, startClaudeCodeTui } from '../helpers/claude-code-tui';
import { served, startCliStack } from '../helpers/cli-clients';
import type { Stack } from '../helpers/stack';
import type { Terminal } from '../helpers/tmux-terminal';
import { until } from '../helpers/wait';
import { pinnedMode, sentToolPair, upstreamText } from '../helpers/upstream';

/**
 * Claude Code's plan mode (Shift+Tab in its window) through the proxy on Generation B. Claude Code 2.1.332 tells the
 * agent in a reminder that it must not edit, and where its plan file is; it holds its ExitPlanMode back behind its
 * tool search, named only in the `system` message its window sends. The agent's edit is asked about and refused,
 * the agent writes the plan file, and its ExitPlanMode reaches Claude Code's own approval, which shows the plan.
 */
let stack: Stack;
let tui: Terminal | undefined;
const stopAfter = stopsAfterEach();

const KEY = 'test-claude-code-plan-key';
const ABOUT = /notes\.txt/;
/** Claude Code's request for the plan's name (a JSON schema of `{"name": string}`), sent as the plan is shown. */
const PLAN_NAME = /Generate a short kebab-case name/;
/** Where Claude Code's plan-mode reminder tells the model to write its plan. */
const PLAN_FILE = /create your plan at (\S+\.md)/;

const agentTurns = (): AgentRequestInfo[] => agentTurnsAbout(stack, ABOUT, [PLAN_NAME]);

describe("Claude Code's plan mode through the proxy (pinned ws)", () => {
  it(
    "refuses the agent's edit, and its ExitPlanMode asks the user to approve the plan",
    { timeout: 90_000 },
    async () => {
      stack = stopAfter(await startCliStack(pinnedMode('ws'), KEY));
      const { work, notes } = notesFolder('colour = red\n');
      stack.sim.onAgentRequest(
        titled('Plan the colour', (req) => {
          const seen = upstreamText(req);
          if (PLAN_NAME.test(seen)) return sse(reply('{"name": "blue-colour-plan"}'));
          if (!ABOUT.test(seen)) return undefined;
          if (seen.includes('toolu_sim_exit_0003')) return sse(reply('Plan approved, editing next.'));
          if (seen.includes('toolu_sim_write_0002')) {
            return sse([
              ...toolCall({ id: 'toolu_sim_exit_0003', name: 'ExitPlanMode', input: {} }),
              ...finish('tool-calls'),
            ]);
          }
          if (seen.includes('toolu_sim_edit_0001')) {
            const input = {
              file_path: PLAN_FILE.exec(seen)?.[1],
              content: '# Plan\n\n1. Set the colour in notes.txt to blue.\n',
            };
            return sse([...toolCall({ id: 'toolu_sim_write_0002', name: 'Write', input }), ...finish('tool-calls')]);
          }
          const input = { file_path: notes, old_string: 'colour = red', new_string: 'colour = blue' };
          return sse([
            ...text('Changing it.'),
            ...toolCall({ id: 'toolu_sim_edit_0001', name: 'Edit', input }),
            ...finish('tool-calls'),
          ]);
        }),
      );
      tui = stopAfter(startClaudeCodeTui(work, stack.url, KEY, { permissionMode: 'default' }));
      await tui.waitFor(/shift\+tab to cycle|❯/, 30_000);
      // Shift+Tab cycles the modes; a press lost while the window draws is made up for by the next.
      await until(
        async () => {
          tui!.press('BTab');
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          return /plan mode on/.test(tui!.screen());
        },
        { timeoutMs: 30_000, what: 'plan mode' },
      );

      await tui.submit('Plan how to make the colour in notes.txt blue.');
      const question = /Do you want to make this edit to notes\.txt\?[\s\S]*2\. No/;
      await tui.waitFor(question, 60_000);
      await tui.choose('2', question);
      await tui.waitFor(/Rejected update to notes\.txt/);
      expect(fs.readFileSync(notes, 'utf8')).toBe('colour = red\n');
      expect(upstreamText(agentTurns()[0]!)).toContain('Plan mode is active');

      await tui.submit('Write the plan for notes.txt first.');
      // Claude Code's own approval, the plan read from the file: option 1 would switch to auto mode (see README).
      const approval =
        /Ready to code\?[\s\S]*Set the colour in notes\.txt to blue\.[\s\S]*2\. Yes, manually approve edits/;
      await tui.waitFor(approval, 60_000);
      const turns = agentTurns();
      // The refusal reached the agent with the user's next words; the plan file was written where Claude Code said.
      expect(sentToolPair(turns[1]!, 'toolu_sim_edit_0001', 'Edit', "doesn't want to proceed")).toBe(true);
      expect(sentToolPair(turns[2]!, 'toolu_sim_write_0002', 'Write', 'File created')).toBe(true);
      await tui.choose('2', approval);
      await tui.waitFor(/Plan approved, editing next\./, 30_000);
      const last = agentTurns().at(-1)!;
      expect(sentToolPair(last, 'toolu_sim_exit_0003', 'ExitPlanMode', 'approved')).toBe(true);
      expect(fs.readFileSync(notes, 'utf8')).toBe('colour = red\n');
      const rows = await served(stack);
      expect(rows.filter((r) => r.status !== 200 || r.protocol !== 'ws')).toEqual([]);
    },
  );
});
