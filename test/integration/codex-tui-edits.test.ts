import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { finish, reply, sse, text, toolCall } from '../sim/orchids-simulator';
import { CODEX_TUI_RETRY, startCodexTui } from '../helpers/codex-tui';
import { sentToolResults, served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { seenCallId, type AgentCall } from '../helpers/edit-scenarios';
import type { Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { pinnedMode, upstreamText } from '../helpers/upstream';

/**
 * The agent's edits in Codex's TUI under Codex's default approvals (`on-request`) in its `workspace-write` sandbox (in
 * a folder it is not told to trust, the TUI's sandbox is read-only and it asks before every edit), the temp folders
 * excluded so that only the work folder is writable. Generation B's Edit reaches Codex as its `apply_patch` (see
 * codex-edit-routes.test.ts for `codex exec`): Codex applies an edit in the work folder without asking, and asks before
 * one outside it. The agent is told what its own Edit would tell it: the success in plain words when applied, and when
 * declined (Esc, which ends Codex's turn), Codex's "aborted by user", as an error, with the user's next message. And
 * an ordinary task (read, edit, run the test) shows each step once, as Codex shows its own model's. About 11 s.
 */
const stopAfter = stopsAfterEach();
const KEY = 'test-codex-key';
/** Codex asks the model for a title for the thread, quoting the user's first prompt: not a turn of the agent's. */
const TITLE = /Generate a concise, single-line task title/;
const TOPIC = 'FIG-3';
/**
 * Codex asking before an edit of `file`: the question is drawn before its options, and a key pressed before "Press
 * enter to confirm" shows can be lost (codex-tui-approvals.test.ts).
 */
const asked = (file: string) =>
  new RegExp(
    `Would you like to make the following edits\\?[\\s\\S]*Destination: ${file}\\n[\\s\\S]*Press enter to confirm`,
  );

interface Step {
  prompt: string;
  call: AgentCall;
  done: string;
}

const edit = (id: string, file: string, from: string, to: string): AgentCall => ({
  id,
  name: 'Edit',
  input: { file_path: file, old_string: from, new_string: to },
});

/** The agent makes the call of the step whose prompt the user gave last, then, once it has come back, answers. */
function scriptSteps(stack: Stack, steps: Step[]): void {
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (!seen.includes(TOPIC) || TITLE.test(seen)) return undefined;
    const step = steps.findLast(({ prompt }) => seen.includes(prompt))!;
    if (seen.includes(seenCallId(step.call.id, true))) return sse(reply(step.done));
    return sse([...toolCall(step.call), ...finish('tool-calls')]);
  });
}

describe("the agent's edits in Codex's TUI, in its workspace sandbox (pinned ws)", CODEX_TUI_RETRY, () => {
  it('applies one in the work folder unasked, and asks before one outside it', { timeout: 120_000 }, async () => {
    const stack = stopAfter(await startCliStack(pinnedMode('ws'), KEY));
    const work = tempDir('orchids-codex-work-');
    const outside = tempDir('orchids-codex-outside-');
    const fig = path.join(work, 'fig.txt');
    const kiwi = path.join(outside, 'kiwi.txt');
    fs.writeFileSync(fig, 'fig = 1\n');
    fs.writeFileSync(kiwi, 'kiwi = 1\n');
    const steps: Step[] = [
      {
        prompt: `Change ${TOPIC} in fig.txt`,
        call: edit('toolu_sim_edit_0041', fig, 'fig = 1', 'fig = 2'),
        done: 'Fig is 2.',
      },
      {
        prompt: 'Now KIWI next door',
        call: edit('toolu_sim_edit_0042', kiwi, 'kiwi = 1', 'kiwi = 2'),
        done: 'Kiwi is 2.',
      },
      {
        prompt: 'Now KIWI three',
        call: edit('toolu_sim_edit_0043', kiwi, 'kiwi = 2', 'kiwi = 3'),
        done: 'Kiwi stays.',
      },
    ];
    scriptSteps(stack, steps);
    const tui = stopAfter(await startCodexTui(work, stack.url, KEY, { workspaceOnly: true }));
    const turns = () => turnsAbout(stack, new RegExp(TOPIC)).filter((r) => !TITLE.test(upstreamText(r)));
    const results = () => sentToolResults(turns().at(-1)!);
    const id = (step: Step) => seenCallId(step.call.id, true);

    await tui.submit(steps[0]!.prompt);
    // Nothing here answers a question: the agent's answer shows only if Codex asked none.
    await tui.waitFor(/Fig is 2\./);
    expect(fs.readFileSync(fig, 'utf8')).toBe('fig = 2\n');
    expect(results()).toEqual([
      { type: 'tool_result', tool_use_id: id(steps[0]!), content: `Success. Updated the following files:\nM ${fig}` },
    ]);

    await tui.submit(steps[1]!.prompt);
    await tui.waitFor(asked(kiwi));
    // A key pressed as the question is drawn can be lost (codex-tui-approvals.test.ts): pressed until it is gone.
    await tui.choose('y', /Would you like to make the following edits\?/);
    await tui.waitFor(/Kiwi is 2\./);
    expect(fs.readFileSync(kiwi, 'utf8')).toBe('kiwi = 2\n');
    expect(results().at(-1)).toEqual({
      type: 'tool_result',
      tool_use_id: id(steps[1]!),
      content: `Success. Updated the following files:\nM ${kiwi}`,
    });

    await tui.submit(steps[2]!.prompt);
    await tui.waitFor(asked(kiwi));
    const before = turns().length;
    tui.press('Escape');
    await tui.waitFor(/Conversation interrupted/);
    expect(fs.readFileSync(kiwi, 'utf8')).toBe('kiwi = 2\n');
    // The decline ends Codex's turn; the agent hears of it with the user's next message.
    expect(turns()).toHaveLength(before);
    await tui.submit('Leave it, then.');
    await tui.waitFor(/Kiwi stays\./);
    expect(results().at(-1)).toEqual({
      type: 'tool_result',
      tool_use_id: id(steps[2]!),
      content: expect.stringMatching(/^aborted by user after \d+(\.\d+)?s$/),
      is_error: true,
    });
    expect(JSON.stringify(turns().at(-1)!.body.messages.at(-1))).toContain('Leave it, then.');
    expect(fs.readFileSync(kiwi, 'utf8')).toBe('kiwi = 2\n');

    const rows = await served(stack);
    expect(rows.filter((r) => r.status !== 200 || r.protocol !== 'ws')).toEqual([]);
  });
});

describe("an ordinary task in Codex's TUI (pinned ws)", CODEX_TUI_RETRY, () => {
  it('reads, edits and runs the test, each step shown once', { timeout: 90_000 }, async () => {
    const stack = stopAfter(await startCliStack(pinnedMode('ws'), KEY));
    const work = tempDir('orchids-codex-work-');
    const add = path.join(work, 'add.js');
    fs.writeFileSync(add, 'exports.add = (a, b) => a - b;\n');
    const test = "const { add } = require('./add');\nif (add(2, 3) !== 5) process.exit(1);\nconsole.log('PASS add');\n";
    fs.writeFileSync(path.join(work, 'test.js'), test);
    const steps: Array<[string, AgentCall]> = [
      ['Reading add.js first.', { id: 'toolu_sim_read_0051', name: 'Read', input: { file_path: add } }],
      [
        'It subtracts; fixing it.',
        edit('toolu_sim_edit_0052', add, 'exports.add = (a, b) => a - b;', 'exports.add = (a, b) => a + b;'),
      ],
      [
        'Now the test.',
        { id: 'toolu_sim_bash_0053', name: 'Bash', input: { command: 'node test.js', description: 'Test' } },
      ],
    ];
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (!seen.includes('Fix add.js') || TITLE.test(seen)) return undefined;
      const next = steps.find(([, call]) => !seen.includes(seenCallId(call.id, true)));
      if (!next) return sse(reply('Fixed: add.js adds, and the test passes.'));
      return sse([...text(next[0]), ...toolCall(next[1]), ...finish('tool-calls')]);
    });
    const tui = stopAfter(await startCodexTui(work, stack.url, KEY, { workspaceOnly: true }));
    await tui.submit('Fix add.js so the test passes.');
    await tui.waitFor(/Fixed: add\.js adds, and the test passes\.\n\s+Worked for/, 60_000);
    expect(fs.readFileSync(add, 'utf8')).toBe('exports.add = (a, b) => a + b;\n');
    const screen = tui.screen();
    const shown = [
      '• Reading add.js first.',
      '• Explored\n  └ Read add.js',
      '• It subtracts; fixing it.',
      '• Edited add.js (+1 -1)',
      '• Now the test.',
      '• Ran node test.js\n  └ PASS add',
      '• Fixed: add.js adds, and the test passes.',
    ];
    // In this order, each once, and nothing of the proxy's own between them.
    const at = shown.map((line) => screen.indexOf(line));
    expect(at.every((index, i) => index >= 0 && (i === 0 || index > at[i - 1]!))).toBe(true);
    for (const line of shown) expect(screen.split(line)).toHaveLength(2);
    expect(screen).not.toMatch(/\[The agent called|Failed|error/i);
    const rows = await served(stack);
    expect(rows.filter((r) => r.status !== 200 || r.protocol !== 'ws')).toEqual([]);
  });
});
