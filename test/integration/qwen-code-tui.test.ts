import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { finish, reply, sse, text, toolCall, type SimStep } from '../sim/orchids-simulator';
import {
  replayedCalls,
  replayedToolUses,
  sentErrorIds,
  sentResults,
  sentToolResults,
  served,
  startCliStack,
  turnsAbout,
} from '../helpers/cli-clients';
import { seenCallId } from '../helpers/edit-scenarios';
import { tempDir } from '../helpers/temp-dir';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import { until } from '../helpers/wait';
import { startQwenTui } from '../helpers/qwen';

/**
 * Qwen Code's interactive window (`qwen` 0.24.4 without `-p`) through the proxy on Chat Completions, as a user
 * at the keyboard meets it (the other Qwen tests run `qwen -p --yolo`). In its `default` mode: a read it runs at once,
 * an edit it asks about, approved, on disk, the streamed answer; a command declined; an answer stopped mid-stream with
 * Esc; and a turn after it that carries the conversation, on Generation B (`ws`) and Generation A (`sse-a`). In its
 * `auto` mode (its default), on both generations too: the model asked of each command in an unstreamed request of
 * Qwen's own, one run and one blocked, and a destructive git command blocked by Qwen's rule. A declined or blocked
 * call reaches the agent as an error.
 */
const stopAfter = stopsAfterEach();
const KEY = 'test-qwen-tui-key';
const WS = pinnedMode('ws');
const TIMEOUT = { timeout: 120_000 };

/** Qwen's request of its own after an answer, for the user's likely next words (shown in the prompt). */
const SUGGESTION = /Reply with ONLY the suggestion/;

/** Qwen's auto mode asking the model whether a call is safe (its answer a forced shape: `{"shouldBlock": …}`). */
const CLASSIFIER = /Respond with only \{ "shouldBlock": true \| false \}|Stage 1 flagged/;

/** A story told a chapter a second, for a minute: the user stops it long before its end. */
function story(): SimStep[] {
  return Array.from({ length: 60 }, (_, i) => [...text(`Chapter ${i} of the story. `), { delayMs: 1000 }]).flat();
}

/**
 * The window's cases on each generation: Generation B's agent calls its own tools (`Edit`, `Bash`), which the proxy
 * gives Qwen as its `edit` and `run_shell_command`; Generation A's model calls Qwen's as it is shown them (`Read` is
 * Qwen's `read_file` under the name Generation A knows it by), and reads each call and result as text in its turn.
 */
const GENERATIONS = [
  { protocol: 'ws', names: { edit: 'Edit', shell: 'Bash' }, replayed: ['read_file', 'edit', 'run_shell_command'] },
  {
    protocol: 'sse-a',
    names: { edit: 'edit', shell: 'run_shell_command' },
    replayed: ['Read', 'edit', 'run_shell_command'],
  },
] as const;

describe('Qwen Code’s window through Orchids Tray (pinned, Chat Completions)', () => {
  it.for(GENERATIONS)(
    'asks before an edit, stops on Esc, and carries the conversation ($protocol)',
    { timeout: 180_000 },
    async ({ protocol, names, replayed }) => {
      const stack = stopAfter(await startCliStack(pinnedMode(protocol), KEY));
      const work = tempDir('orchids-qwen-work-');
      const plan = path.join(work, 'plan.txt');
      fs.writeFileSync(plan, 'step one: MANGO\nstep two: KIWI\n');
      const read = { id: 'toolu_sim_tuiread_0001', name: 'Read', input: { file_path: plan } };
      const edit = {
        id: 'toolu_sim_tuiedit_0001',
        name: names.edit,
        input: { file_path: plan, old_string: 'KIWI', new_string: 'PAPAYA' },
      };
      const move = { id: 'toolu_sim_tuimove_0001', name: names.shell, input: { command: 'mv plan.txt plan.md' } };
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (SUGGESTION.test(seen)) return sse(reply(JSON.stringify({ suggestion: 'Show me the plan' })));
        if (seen.includes('Rename the plan') && !seen.includes(seenCallId(move.id, true)))
          return sse([...toolCall(move), ...finish('tool-calls')]);
        if (seen.includes('Thanks for the plan')) return sse(reply('You are welcome, PAPAYA it stays.'));
        if (seen.includes('Tell me a long story')) return sse([...story(), ...finish()]);
        if (!seen.includes('Fix the plan')) return undefined;
        const next = [read, edit].find((call) => !seen.includes(seenCallId(call.id, true)));
        if (next) return sse([...toolCall(next), ...finish('tool-calls')]);
        return sse([...text('The plan now ends with PAPAYA.', { chunks: 4 }), ...finish()]);
      });
      // Qwen Code 0.24 starts in its `auto` mode, which asks the model of each call whether it is safe; README's user
      // who wants to be asked picks `default`, as here.
      const tui = stopAfter(startQwenTui(work, stack.url, KEY, { settings: { tools: { approvalMode: 'default' } } }));

      await tui.waitFor(/Type your message/, 60_000);
      await tui.submit('Fix the plan in plan.txt');
      // Qwen runs the read at once and asks before the edit, showing it as a diff; nothing is written before the yes.
      await tui.waitFor(/Apply this change\?/, 60_000);
      expect(tui.screen()).toMatch(/✓ Read plan\.txt[\s\S]*- step two: KIWI\n\s*2 \+ step two: PAPAYA/);
      expect(fs.readFileSync(plan, 'utf8')).toBe('step one: MANGO\nstep two: KIWI\n');
      await tui.choose('Enter', /Apply this change\?/); // Its first choice: "Yes, allow once".
      await tui.waitFor(/The plan now ends with PAPAYA\./, 60_000);
      // Its guess at the user's next words, asked for in a request of its own, waits in the prompt for Tab or Enter.
      await tui.waitFor(/^> Show me the plan/m, 30_000);
      expect(fs.readFileSync(plan, 'utf8')).toBe('step one: MANGO\nstep two: PAPAYA\n');
      const fixed = turnsAbout(stack, /Fix the plan/).at(-1)!;
      expect(sentResults(fixed).map(([id]) => id)).toEqual([read, edit].map((c) => seenCallId(c.id, true)));
      expect(sentErrorIds(fixed)).toEqual([]);
      expect(sentResults(fixed)[0]![1]).toBe('step one: MANGO\nstep two: KIWI\n');

      // A command declined at Qwen's prompt (Esc: "No, suggest changes") is not run, and the turn ends there.
      await tui.submit('Rename the plan to plan.md');
      await tui.waitFor(/Allow execution/, 60_000);
      await tui.choose('Escape', /Allow execution/);
      await tui.waitFor(/^\s*- Shell mv plan\.txt plan\.md/m, 30_000);
      expect(fs.existsSync(plan)).toBe(true);

      // One Esc stops the answer (Qwen asks no second); the proxy lets the upstream stream go with the client's.
      await tui.submit('Tell me a long story');
      await tui.waitFor(/Chapter 1 of the story\./, 30_000);
      tui.press('Escape');
      await tui.waitFor(/Request cancelled\./);
      await until(() => stack.core.internals.server.inflightRequests === 0, { what: 'the stopped stream to end' });

      await tui.submit('Thanks for the plan');
      await tui.waitFor(/You are welcome, PAPAYA it stays\./, 60_000);
      expect(tui.screen()).not.toMatch(/error/i);
      // The turn after carries the calls in Qwen's names and what the user saw of the stopped answer.
      const last = turnsAbout(stack, /Thanks for the plan/).at(-1)!;
      expect(upstreamText(last)).toContain('The plan now ends with PAPAYA.');
      expect(upstreamText(last)).toContain('Chapter 1 of the story.');
      expect(replayedCalls(last).map(([, name]) => name)).toEqual(replayed);
      // The declined command in Qwen's words, as an error (a Chat Completions `tool` message has no flag for one).
      expect(sentResults(last)[2]![1]).toBe('[Operation Cancelled] Reason: User did not allow tool call');
      expect(sentErrorIds(last)).toEqual([seenCallId(move.id, true)]);
      await until(() => stack.core.internals.server.inflightRequests === 0, { what: 'the last requests to end' });
      // The turns and Qwen's guesses (after an answer, a stopped one too), all streamed on the pinned protocol; the
      // stopped answer's row says 499, as for the other windows.
      expect(turnsAbout(stack, SUGGESTION).length).toBeGreaterThanOrEqual(1);
      const rows = await served(stack);
      expect(rows).toHaveLength(stack.sim.requests.length);
      expect(rows.filter((r) => r.api !== 'openai-chat' || !r.stream || r.protocol !== protocol)).toEqual([]);
      expect(rows.filter((r) => r.status !== 200)).toEqual([
        { api: 'openai-chat', stream: true, status: 499, protocol },
      ]);
    },
  );

  it.for(GENERATIONS)(
    'in its auto mode, runs a call the model calls safe and blocks one it does not ($protocol)',
    { timeout: 120_000 },
    async ({ protocol, names }) => {
      const stack = stopAfter(await startCliStack(pinnedMode(protocol), KEY));
      const work = tempDir('orchids-qwen-work-');
      const plan = path.join(work, 'plan.txt');
      fs.writeFileSync(plan, 'step one: MANGO\nstep two: KIWI\n', { mode: 0o644 });
      const shell = (id: string, command: string) => ({ id, name: names.shell, input: { command } });
      const count = shell('toolu_sim_tuibash_0001', 'wc -l plan.txt > count.txt');
      const hide = shell('toolu_sim_tuibash_0002', 'chmod 600 plan.txt');
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        // Qwen's classifier: a first quick verdict, then, for a call it would block, a second with its reason.
        if (seen.includes('Stage 1 flagged'))
          return sse(
            reply(JSON.stringify({ thinking: 'Not asked for.', shouldBlock: true, reason: 'Not asked for.' })),
          );
        if (CLASSIFIER.test(seen))
          return sse(reply(JSON.stringify({ shouldBlock: /to classify[\s\S]*chmod/.test(seen) })));
        if (SUGGESTION.test(seen)) return sse(reply(JSON.stringify({ suggestion: 'Show me the plan' })));
        if (!seen.includes('Count the plan')) return undefined;
        const next = [count, hide].find((call) => !seen.includes(seenCallId(call.id, true)));
        return sse(next ? [...toolCall(next), ...finish('tool-calls')] : reply('The plan has two lines.'));
      });
      const tui = stopAfter(startQwenTui(work, stack.url, KEY));

      await tui.waitFor(/Type your message/, 60_000);
      expect(tui.screen()).toContain('Auto mode enabled.');
      await tui.submit('Count the plan in plan.txt');
      await tui.waitFor(/The plan has two lines\./, 60_000);
      expect(tui.screen()).toMatch(/✓ Shell wc -l plan\.txt > count\.txt[\s\S]*x Shell .*chmod 600 plan\.txt/);
      expect(tui.screen()).toContain('Blocked by auto mode policy: Not asked for.');
      expect(fs.readFileSync(path.join(work, 'count.txt'), 'utf8').trim()).toBe('2 plan.txt');
      expect(fs.statSync(plan).mode & 0o777).toBe(0o644);
      // The agent reads the block as an error, in Qwen's words.
      const last = turnsAbout(stack, /Count the plan/)
        .filter((r) => !CLASSIFIER.test(upstreamText(r)))
        .at(-1)!;
      expect(sentResults(last)[1]![1]).toMatch(/^Blocked by auto mode policy: Not asked for\.\n/);
      expect(sentErrorIds(last)).toEqual([seenCallId(hide.id, true)]);
      // Each verdict is a request of its own, not streamed (a forced answer's shape, which the proxy checks).
      await until(() => stack.core.internals.server.inflightRequests === 0, { what: 'the last requests to end' });
      const rows = await served(stack);
      expect(rows.filter((r) => !r.stream)).toHaveLength(turnsAbout(stack, CLASSIFIER).length);
      expect(turnsAbout(stack, CLASSIFIER)).toHaveLength(3);
      expect(rows.filter((r) => r.api !== 'openai-chat' || r.status !== 200 || r.protocol !== protocol)).toEqual([]);
    },
  );

  it.for(GENERATIONS)(
    'in its auto mode, blocks a destructive git command by its own rule, an error for the agent ($protocol)',
    TIMEOUT,
    async ({ protocol, names }) => {
      const stack = stopAfter(await startCliStack(pinnedMode(protocol), KEY));
      const work = tempDir('orchids-qwen-work-');
      const reset = { id: 'toolu_sim_tuireset_0001', name: names.shell, input: { command: 'git reset --hard' } };
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        // Qwen blocks this command before asking the model: a verdict asked for fails the test.
        if (CLASSIFIER.test(seen)) return sse(reply(JSON.stringify({ shouldBlock: false })));
        if (SUGGESTION.test(seen)) return sse(reply(JSON.stringify({ suggestion: 'Show me the tree' })));
        if (!seen.includes('Tidy the tree')) return undefined;
        if (seen.includes(seenCallId(reset.id, true))) return sse(reply('The tree stays as it is.'));
        return sse([...toolCall(reset), ...finish('tool-calls')]);
      });
      const tui = stopAfter(startQwenTui(work, stack.url, KEY));

      await tui.waitFor(/Type your message/, 60_000);
      await tui.submit('Tidy the tree');
      await tui.waitFor(/The tree stays as it is\./, 60_000);
      const last = turnsAbout(stack, /Tidy the tree/).at(-1)!;
      const result = sentResults(last)[0]![1];
      // Its words (the git rule's reason, then its guidance), not "Blocked by auto mode policy": before, a success.
      expect(result).toMatch(
        /^Blocked destructive git command: "git reset --hard"\. To proceed, explicitly mention discarding local work/,
      );
      expect(sentErrorIds(last)).toEqual([seenCallId(reset.id, true)]);
      expect(turnsAbout(stack, CLASSIFIER)).toEqual([]);
    },
  );

  it('gives the agent a held-back tool’s call declined at its prompt as an error', TIMEOUT, async () => {
    const stack = stopAfter(await startCliStack(WS, KEY));
    const work = tempDir('orchids-qwen-work-');
    // Never fetched: the user declines it first (a host that resolves nowhere, in case it were).
    const input = { url: 'https://menu.invalid/today', prompt: 'What is on the menu?' };
    const fetch = { id: 'toolu_sim_tuifetch_0001', name: 'WebFetch', input };
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (SUGGESTION.test(seen)) return sse(reply(JSON.stringify({ suggestion: 'Show me the menu' })));
      if (seen.includes('Never mind the menu')) return sse(reply('Menu left alone.'));
      if (!seen.includes('Read the menu') || seen.includes(seenCallId(fetch.id, true))) return undefined;
      return sse([...toolCall(fetch), ...finish('tool-calls')]);
    });
    const tui = stopAfter(startQwenTui(work, stack.url, KEY, { settings: { tools: { approvalMode: 'default' } } }));

    await tui.waitFor(/Type your message/, 60_000);
    await tui.submit('Read the menu');
    await tui.waitFor(/Yes, allow once/, 60_000);
    await tui.choose('Escape', /Yes, allow once/);
    await tui.submit('Never mind the menu');
    await tui.waitFor(/Menu left alone\./, 60_000);
    const last = turnsAbout(stack, /Never mind the menu/).at(-1)!;
    expect(replayedToolUses(last)).toEqual([
      expect.objectContaining({ name: 'tool_call', input: { name: 'web_fetch', arguments: input } }),
    ]);
    // The words of any declined call: Qwen 0.24.4's bridge marks a cancelled call (`[tool_call bridge cancelled] `)
    // only where it cancels it itself, not at the user's no.
    expect(String(sentToolResults(last)[0]!.content)).toBe(
      '[Operation Cancelled] Reason: User did not allow tool call',
    );
    expect(sentErrorIds(last)).toEqual([seenCallId(fetch.id, true)]);
  });
});
