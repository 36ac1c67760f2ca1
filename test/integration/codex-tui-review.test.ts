import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { reply, sse } from '../sim/orchids-simulator';
import { CODEX_TUI_RETRY, startCodexTui } from '../helpers/codex-tui';
import { served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { REVIEW_ASK, findingsFor, repoWithChange, reviewTurns } from '../helpers/codex-review';
import { pinnedMode, sentToolPair, upstreamText } from '../helpers/upstream';

/**
 * Codex's `/review` in its TUI, as a user starts it: the preset "Review uncommitted changes" in a git repository.
 * Generation B's agent reads the diff with its Bash (Codex's `exec_command`) and answers with the JSON the review
 * prompt asks for, which Codex shows as a review (a prose answer it shows as written: see codex-review.test.ts).
 */
const stopAfter = stopsAfterEach();
const KEY = 'test-codex-key';
/** Codex asks the model for a title for the thread, quoting the user's first prompt: not a turn of the review's. */
const TITLE = /Generate a concise, single-line task title/;
const PRESETS = /Select a review preset/;

describe("Codex's TUI reviews a change through Orchids Tray (pinned ws)", CODEX_TUI_RETRY, () => {
  it('shows the findings of a /review', { timeout: 120_000 }, async () => {
    const stack = stopAfter(await startCliStack(pinnedMode('ws'), KEY));
    const { work, file } = repoWithChange();
    const title = (req: Parameters<typeof upstreamText>[0]) =>
      TITLE.test(upstreamText(req)) ? sse(reply('Review add.js')) : undefined;
    stack.sim.onAgentRequest(reviewTurns(false, JSON.stringify(findingsFor(file)), title));
    const tui = stopAfter(await startCodexTui(work, stack.url, KEY));

    // Codex asks whether to trust a git repository's folder before its first prompt.
    await tui.waitFor(/Trust this folder\?/);
    await tui.choose('Enter', /Trust this folder\?/);
    await tui.submit('/review');
    await tui.waitFor(PRESETS);
    await tui.choose('2', PRESETS);
    await tui.waitFor(/<< Code review finished >>[\s\S]*add subtracts\./);
    expect(tui.screen()).toMatch(
      new RegExp(`Review comment:\\s+• \\[P1\\] Subtract instead of add — ${file}:2-2\\s+add now returns a - b\\.`),
    );

    const turns = turnsAbout(stack, REVIEW_ASK).filter((r) => !TITLE.test(upstreamText(r)));
    expect(turns.map((t) => t.protocol)).toEqual(['ws', 'ws']);
    expect(String(turns[0]!.body.config.system)).toMatch(/## Output schema[\s\S]*"overall_correctness"/);
    expect(sentToolPair(turns[1]!, 'call_sim_diff_0001', 'exec_command', 'return a - b')).toBe(true);
    expect((await served(stack)).filter((r) => r.status !== 200)).toEqual([]);
  });
});
