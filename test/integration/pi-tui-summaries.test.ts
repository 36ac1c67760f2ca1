import { describe, expect, it } from 'vitest';
import { finish, reply, sse, text, type SimStep } from '../sim/orchids-simulator';
import { served, turnsAbout } from '../helpers/cli-clients';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { tempDir } from '../helpers/temp-dir';
import { PINNED_MODES, upstreamText } from '../helpers/upstream';
import { until } from '../helpers/wait';
import { piAgentDir, piStack, savedSessions, savedTexts, sideBranchThenTreeBack, startPiTui } from '../helpers/pi';

/**
 * pi's `/tree` branch summary (`pi` 0.73.1's window) through the proxy's Chat Completions route, pi's
 * `openai-completions` provider on `ws` (pi-tui-branches.test.ts has it on the Messages API): a summary stopped with
 * Esc, whose upstream request must end with pi's, then "Summarize with custom prompt", whose instructions must reach
 * the upstream, and the summary sent on with the next prompt. One window for the three, as each costs seconds.
 */
const stopAfter = stopsAfterEach();
const KEY = 'test-pi-tui-summaries-key';
const WS = PINNED_MODES.find((m) => m.expect === 'ws')!;

/** pi's words opening every summary request (branch-summarization.js). */
const SUMMARY_ASK = /Create a structured summary of this conversation branch/;
/** The custom instructions typed into pi's editor for them. */
const FOCUS = 'Name the token LEMON-3 in it';

/** A summary a line a second, for a minute: the user stops it long before its end. */
function slowSummary(): SimStep[] {
  return Array.from({ length: 60 }, (_, i) => [...text(`Summary line ${i}. `), { delayMs: 1000 }]).flat();
}

describe('pi’s window through Orchids Tray, /tree’s branch summary on Chat Completions (pinned ws)', () => {
  const stack = piStack(WS, KEY);

  it(
    'ends the upstream request of a summary stopped with Esc, then sends a custom prompt’s summary and goes on',
    { timeout: 180_000 },
    async () => {
      const agentDir = piAgentDir(stack().url);
      stack().sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (SUMMARY_ASK.test(seen)) {
          if (!seen.includes(`Additional focus: ${FOCUS}`)) return sse([...slowSummary(), ...finish()]);
          return sse(reply(seen.includes('SIDE-88') ? '## Goal\nThe side path gave LEMON-3.' : 'No branch seen.'));
        }
        if (seen.includes('What did the side path give?')) {
          return sse(reply(seen.includes('The side path gave LEMON-3.') ? 'It gave LEMON-3, as ROOT-12.' : 'Unknown.'));
        }
        if (seen.includes('Try the side path')) return sse(reply('Side path tried with SIDE-88.'));
        if (seen.includes('Keep the word FIG')) return sse(reply('Kept FIG as GROVE-5.'));
        return undefined;
      });

      const tui = stopAfter(
        startPiTui(tempDir('orchids-pi-work-'), stack().url, KEY, 'openai-completions', { agentDir }),
      );
      await sideBranchThenTreeBack(tui, 'FIG');
      // Summarised: the summary streams for a minute, and Esc stops it.
      tui.press('Enter');
      await tui.waitFor(/Summarizing branch\.\.\./);
      await until(() => turnsAbout(stack(), SUMMARY_ASK).length === 1 && stack().sim.stats.openWsSockets === 1, {
        timeoutMs: 30_000,
        what: 'the summary request to stream upstream',
      });
      const stopped = upstreamText(turnsAbout(stack(), SUMMARY_ASK)[0]!);
      // pi's system prompt for it, sent as Chat Completions' system message, and the branch left behind.
      expect(stopped).toContain('context summarization assistant');
      expect(stopped).toMatch(/<conversation>[\s\S]*Try the side path[\s\S]*SIDE-88[\s\S]*<\/conversation>/);
      expect(stopped).not.toContain('Keep the word FIG');
      tui.press('Escape');
      // pi puts its tree back, the same entry chosen, and the proxy ends the upstream stream with pi's request.
      await tui.waitFor(/Branch summarization cancelled/, 30_000);
      await tui.waitFor(/Session Tree[\s\S]*› • assistant: Kept FIG as GROVE-5\./);
      await until(() => stack().sim.stats.openWsSockets === 0, {
        timeoutMs: 15_000,
        what: 'the upstream socket to close',
      });
      await until(() => stack().core.internals.server.inflightRequests === 0, { what: 'the stopped request to end' });
      await stack().core.internals.history.flushNow();
      expect(
        stack()
          .core.internals.historyRepo.query({})
          .map(({ api, stream, status, errorType, errorMessage }) => [api, stream, status, errorType, errorMessage]),
      ).toContainEqual(['openai-chat', true, 499, 'client_closed', 'The client closed the connection.']);

      // The same entry again, with a custom prompt this time: pi adds it to its own instructions.
      tui.press('Enter');
      await tui.waitFor(/Summarize branch\?\s+→ No summary/);
      tui.press('Down');
      tui.press('Down');
      await tui.waitFor(/→ Summarize with custom prompt/);
      tui.press('Enter');
      await tui.waitFor(/Custom summarization instructions/);
      tui.paste(FOCUS);
      await tui.waitFor(new RegExp(FOCUS));
      tui.press('Enter');
      await tui.waitFor(/Navigated to selected point/, 60_000);
      const asked = turnsAbout(stack(), SUMMARY_ASK);
      expect(asked).toHaveLength(2);
      const custom = upstreamText(asked[1]!);
      expect(custom).toContain(`Additional focus: ${FOCUS}`);
      expect(custom).toMatch(/<conversation>[\s\S]*Try the side path[\s\S]*SIDE-88[\s\S]*<\/conversation>/);
      expect(custom).not.toContain('Summary line 0.');
      await tui.waitFor(/\[branch\][\s\S]*Branch summary \(/);
      tui.press('C-o');
      await tui.waitFor(/Branch Summary[\s\S]*The side path gave LEMON-3\./);

      // pi goes on: the next prompt carries the summary and the shared turn, nothing of the branch left behind.
      await tui.submit('What did the side path give?');
      await tui.waitFor(/It gave LEMON-3, as ROOT-12\./, 60_000);
      const after = turnsAbout(stack(), /What did the side path give/);
      expect(after).toHaveLength(1);
      const sent = upstreamText(after[0]!);
      expect(sent).toMatch(/summary of a branch[\s\S]*The side path gave LEMON-3\./);
      expect(sent).toContain('Kept FIG as GROVE-5.');
      expect(sent).not.toMatch(/Try the side path|Side path tried|Summary line/);
      // The stopped summary left nothing in the session file; the custom one is in it, after the shared turn.
      const [session, ...more] = savedSessions(agentDir);
      expect(more).toEqual([]);
      expect(savedTexts(session!)).toEqual([
        'user: Keep the word FIG',
        'assistant: Kept FIG as GROVE-5.',
        'user: Try the side path',
        'assistant: Side path tried with SIDE-88.',
        expect.stringMatching(/^summary: [\s\S]*The side path gave LEMON-3\./),
        'user: What did the side path give?',
        'assistant: It gave LEMON-3, as ROOT-12.',
      ]);

      // Newest first: the turn after, the custom summary, the stopped one, the two turns before.
      const rows = await served(stack());
      expect(rows.map((r) => [r.api, r.stream, r.status, r.protocol])).toEqual(
        [200, 200, 499, 200, 200].map((status) => ['openai-chat', true, status, 'ws']),
      );
    },
  );
});
