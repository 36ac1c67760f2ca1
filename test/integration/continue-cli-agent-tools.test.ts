import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { PINNED_MODES, pinnedMode, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { replayedToolUses, sentToolResults, startCliStack, turnsAbout as turnsIn } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { runContinue } from '../helpers/continue';

/**
 * Generation B's agent edits with its Edit and plans with its TodoWrite, and never sees Continue's tools: the real
 * Continue CLI (`cn` 1.5.47) declares a MultiEdit and no Edit, and a Checklist (one Markdown string) and no to-do
 * list. Before the proxy mapped them, the agent's every Edit reached Continue's window as a line saying the tool
 * was missing (and the file stayed as it was), and its plan as text beside Continue's own checklist (seen in cn's
 * terminal window over `ws`). `--auto` makes cn declare its edit tools with `-p`, as its window does.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-continue-key';

const turnsAbout = (pattern: RegExp): AgentRequestInfo[] => turnsIn(stack, pattern);

/** The tool results one upstream turn carries back, as text. */
function toolResults(request: AgentRequestInfo): string {
  return JSON.stringify(sentToolResults(request));
}

describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-a'))("Generation B's agent in Continue ($name)", (mode) => {
  it('edits a file through Continue’s MultiEdit', { timeout: 90_000 }, async () => {
    stack = await startCliStack(mode, KEY);
    const work = tempDir('orchids-continue-work-');
    const file = path.join(work, 'settings.txt');
    fs.writeFileSync(file, 'fruit = FIG-12\nsize = 3\n');
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (!seen.includes('Rename FIG-12')) return undefined;
      if (seen.includes('toolu_sim_edit_0001')) return sse(reply('Renamed it to FIG-13.'));
      if (!seen.includes('toolu_sim_read_0001')) {
        // Continue edits only a file read in the same session.
        const read = { id: 'toolu_sim_read_0001', name: 'Read', input: { file_path: file } };
        return sse([...toolCall(read), ...finish('tool-calls')]);
      }
      const edit = { file_path: file, old_string: 'FIG-12', new_string: 'FIG-13' };
      return sse([
        ...text('Renaming.'),
        ...toolCall({ id: 'toolu_sim_edit_0001', name: 'Edit', input: edit }),
        ...finish('tool-calls'),
      ]);
    });

    const run = await runContinue(work, 'Rename FIG-12 in settings.txt', stack.url, KEY, { args: ['--auto'] });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(fs.readFileSync(file, 'utf8')).toBe('fruit = FIG-13\nsize = 3\n');
    expect(run.answer).toContain('Renamed it to FIG-13.');
    expect(run.answer).not.toContain('does not provide');
    const turns = turnsAbout(/Rename FIG-12/);
    expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect, mode.expect]);
    // Continue ran the edit as a MultiEdit of one, and said so to the agent.
    expect(replayedToolUses(turns[2]!).at(-1)).toMatchObject({
      id: 'toolu_sim_edit_0001',
      name: 'MultiEdit',
      input: { file_path: file, edits: [{ old_string: 'FIG-12', new_string: 'FIG-13' }] },
    });
    expect(toolResults(turns[2]!)).toContain('Successfully edited');
  });

  it('keeps its plan in Continue’s Checklist', { timeout: 90_000 }, async () => {
    stack = await startCliStack(mode, KEY);
    const todos = [
      { content: 'Read the notes', status: 'completed', activeForm: 'Reading the notes' },
      { content: 'Answer about GUAVA-4', status: 'in_progress', activeForm: 'Answering' },
    ];
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (!seen.includes('Plan the GUAVA-4 work')) return undefined;
      if (seen.includes('toolu_sim_todo_0001')) return sse(reply('Planned GUAVA-4.'));
      return sse([
        ...toolCall({ id: 'toolu_sim_todo_0001', name: 'TodoWrite', input: { todos } }),
        ...finish('tool-calls'),
      ]);
    });

    const run = await runContinue(tempDir('orchids-continue-work-'), 'Plan the GUAVA-4 work', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('Planned GUAVA-4.');
    const [, second] = turnsAbout(/GUAVA-4/) as [AgentRequestInfo, AgentRequestInfo];
    const checklist = '- [x] Read the notes\n- [ ] Answer about GUAVA-4 (in progress)';
    expect(replayedToolUses(second)).toEqual([
      expect.objectContaining({ id: 'toolu_sim_todo_0001', name: 'Checklist', input: { checklist } }),
    ]);
    // Continue's own answer to its Checklist, not the proxy's "no to-do tool" one.
    expect(toolResults(second)).toContain('Task list status:');
    expect(toolResults(second)).not.toContain('no to-do tool');
  });

  it(
    'hands a Task to Continue’s Subagent under the name of the sub-agent its config has',
    { timeout: 90_000 },
    async () => {
      stack = await startCliStack(mode, KEY);
      const task = { description: 'Look around', prompt: 'List what is here.', subagent_type: 'general-purpose' };
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (!seen.includes('Delegate the QUINCE-6 look')) return undefined;
        if (seen.includes('toolu_sim_task_0001')) return sse(reply('Delegated QUINCE-6.'));
        return sse([...toolCall({ id: 'toolu_sim_task_0001', name: 'Task', input: task }), ...finish('tool-calls')]);
      });

      const run = await runContinue(tempDir('orchids-continue-work-'), 'Delegate the QUINCE-6 look', stack.url, KEY, {
        args: ['--beta-subagent-tool'],
        subagents: ['scout'],
      });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      const [, second] = turnsAbout(/QUINCE-6/) as [AgentRequestInfo, AgentRequestInfo];
      // Continue requires `subagent_name`, one of the sub-agent models its config lists; the agent's kind is neither.
      expect(replayedToolUses(second)).toEqual([
        expect.objectContaining({
          id: 'toolu_sim_task_0001',
          name: 'Subagent',
          input: { description: task.description, prompt: task.prompt, subagent_name: 'scout' },
        }),
      ]);
      // Past Continue's checks of the call's arguments. With -p, cn 1.5.47 has no session to start the sub-agent in
      // ("No active session found"); its terminal window runs it, and its report is the call's result.
      expect(toolResults(second)).not.toMatch(/Required parameter|Unknown agent type/);
    },
  );

  it(
    'stops a Bash command after the timeout the agent gave, which Continue takes in seconds',
    { timeout: 90_000 },
    async () => {
      stack = await startCliStack(mode, KEY);
      // The agent's timeout is in milliseconds: 1,000 is one second, and the command outlives it by far.
      const bash = { command: 'echo EARLY-PEAR; sleep 6; echo LATE-PEAR', description: 'Wait', timeout: 1_000 };
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (!seen.includes('Run the PEAR-2 check')) return undefined;
        if (seen.includes('toolu_sim_bash_0001')) return sse(reply('Checked PEAR-2.'));
        return sse([...toolCall({ id: 'toolu_sim_bash_0001', name: 'Bash', input: bash }), ...finish('tool-calls')]);
      });

      const run = await runContinue(tempDir('orchids-continue-work-'), 'Run the PEAR-2 check', stack.url, KEY);
      expect(run.code, run.stderr + run.stdout).toBe(0);
      const [, second] = turnsAbout(/PEAR-2/) as [AgentRequestInfo, AgentRequestInfo];
      expect(replayedToolUses(second)).toEqual([
        expect.objectContaining({ id: 'toolu_sim_bash_0001', name: 'Bash', input: { ...bash, timeout: 1 } }),
      ]);
      // Continue stopped it after one second, not after 1,000 (which it would cut to ten minutes).
      expect(toolResults(second)).toContain('EARLY-PEAR');
      expect(toolResults(second)).toContain('timed out');
      expect(toolResults(second)).not.toContain('LATE-PEAR');
    },
  );
});

describe('Generation A in Continue (pinned sse-a)', () => {
  it('keeps the Bash timeout its model gives in seconds, as Continue declares it', { timeout: 90_000 }, async () => {
    stack = await startCliStack(pinnedMode('sse-a'), KEY);
    // Generation A is shown Continue's Bash ("timeout in seconds"): 30 means 30 s, long enough for the command.
    // The output's last line is not in the command's text, which goes upstream too.
    const bash = { command: 'echo EARLY-PLUM; sleep 2; echo LATE-PLUM-$((40 + 2))', timeout: 30 };
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (!seen.includes('Run the PLUM-3 check')) return undefined;
      if (seen.includes('LATE-PLUM-42')) return sse(reply('Checked PLUM-3.'));
      if (seen.includes('toolu_sim_bash_0002')) return sse(reply('The check was cut short.'));
      return sse([...toolCall({ id: 'toolu_sim_bash_0002', name: 'Bash', input: bash }), ...finish('tool-calls')]);
    });

    const run = await runContinue(tempDir('orchids-continue-work-'), 'Run the PLUM-3 check', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('Checked PLUM-3.');
  });
});
