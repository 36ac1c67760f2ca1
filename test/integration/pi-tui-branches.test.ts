import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { finish, reply, sse, toolCall } from '../sim/orchids-simulator';
import { served, turnsAbout } from '../helpers/cli-clients';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { tempDir } from '../helpers/temp-dir';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import {
  branchSummaryCarriedOn,
  piAgentDir,
  piStack,
  savedSessions,
  savedTexts,
  sideBranchThenTreeBack,
  startPiTui,
} from '../helpers/pi';

/**
 * pi's interactive window (`pi` 0.73.1) through the proxy on `ws`, the Messages API, going back to an earlier message:
 * `/tree` (the same session, the leaf moved back; with or without a summary of the branch left behind, which pi asks
 * the model for in a request of its own), `/fork` (a new session from the path up to a message) and `/clone` (a new
 * session holding the whole active path). The proxy keeps nothing of a conversation between requests (pi sends no
 * session key, so each request has an upstream chat id of its own, and known files and declined calls are read from
 * the request's messages): the turn after a branch must carry the branch's history, the shared prefix included (and a
 * summary when pi made one), and nothing of the turns left behind.
 */
const stopAfter = stopsAfterEach();
const KEY = 'test-pi-tui-branches-key';
const WS = pinnedMode('ws');

/** The abandoned branch's command, whose output must not reach the upstream after the branch is left. */
const BRANCH_CALL = { id: 'toolu_sim_branch_pi', name: 'Bash', input: { command: 'echo LEFT-BEHIND-41' } };

/** The turn holds the shared prefix (`kept`) and nothing of the branch left behind: its prompt, call or output. */
function expectOnly(seen: string, kept: string[]): void {
  for (const words of kept) expect(seen).toContain(words);
  expect(seen).not.toMatch(/Run the branch check|LEFT-BEHIND-41|Branch checked|toolu_sim_branch_pi/);
}

describe('pi’s window through Orchids Tray, going back with /tree and /fork (pinned ws, Messages API)', () => {
  const stack = piStack(WS, KEY);

  it(
    'sends only the branch’s history after /tree and after /fork, and shows each answer',
    { timeout: 180_000 },
    async () => {
      const work = tempDir('orchids-pi-work-');
      const agentDir = piAgentDir(stack().url);
      stack().sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (seen.includes('Which fruit did I give')) {
          return sse(reply(seen.includes('APRICOT') ? 'The fruit was APRICOT, as FORK-3.' : 'No fruit seen.'));
        }
        if (seen.includes('Which word did I give')) {
          return sse(reply(seen.includes('APRICOT') ? 'You gave APRICOT, kept as ORCHARD-7.' : 'No word seen.'));
        }
        if (seen.includes('Run the branch check')) {
          if (seen.includes('LEFT-BEHIND-41')) return sse(reply('Branch checked.'));
          return sse([...toolCall(BRANCH_CALL), ...finish('tool-calls')]);
        }
        if (seen.includes('Keep the word APRICOT')) return sse(reply('Kept APRICOT as ORCHARD-7.'));
        return undefined;
      });

      const tui = stopAfter(startPiTui(work, stack().url, KEY, 'anthropic-messages', { agentDir }));
      await tui.waitFor(/pi v0\.73/, 60_000);
      await tui.submit('Keep the word APRICOT');
      await tui.waitFor(/Kept APRICOT as ORCHARD-7\./, 60_000);
      await tui.submit('Run the branch check');
      await tui.waitFor(/Branch checked\./, 60_000);

      // /tree opens on the current leaf; two up is the second prompt (the command between), which pi puts back in the
      // editor, the leaf moved to the answer before it.
      await tui.submit('/tree');
      await tui.waitFor(/Session Tree[\s\S]*› • assistant: Branch checked\./);
      tui.press('Up');
      tui.press('Up');
      await tui.waitFor(/› • user: Run the branch check/);
      tui.press('Enter');
      await tui.waitFor(/Summarize branch\?\s+→ No summary/);
      tui.press('Enter');
      await tui.waitFor(/Navigated to selected point/);
      expect(tui.screen()).not.toMatch(/Branch checked\./);
      tui.press('C-u');
      await tui.submit('Which word did I give?');
      await tui.waitFor(/You gave APRICOT, kept as ORCHARD-7\./, 60_000);
      const branched = turnsAbout(stack(), /Which word did I give/);
      expect(branched).toHaveLength(1);
      expectOnly(upstreamText(branched[0]!), ['Keep the word APRICOT', 'Kept APRICOT as ORCHARD-7.']);

      // /fork lists every prompt of the session file, the branch left behind too (pi 0.73.1 reads all its entries),
      // the last one chosen: the new session holds the path up to it, the prompt put back in the editor.
      await tui.submit('/fork');
      await tui.waitFor(/Fork from Message[\s\S]*› Which word did I give\?\s+Message 3 of 3/);
      tui.press('Enter');
      await tui.waitFor(/Forked to new session/);
      tui.press('C-u');
      await tui.submit('Which fruit did I give?');
      await tui.waitFor(/The fruit was APRICOT, as FORK-3\./, 60_000);
      const forked = turnsAbout(stack(), /Which fruit did I give/);
      expect(forked).toHaveLength(1);
      expectOnly(upstreamText(forked[0]!), ['Keep the word APRICOT', 'Kept APRICOT as ORCHARD-7.']);
      expect(upstreamText(forked[0]!)).not.toMatch(/Which word did I give|You gave APRICOT/);

      const sessions = fs.readdirSync(path.join(agentDir, 'sessions'), { recursive: true, encoding: 'utf8' });
      expect(sessions.filter((name) => name.endsWith('.jsonl'))).toHaveLength(2);
      // Five upstream turns: the first prompt, the command and the answer after it, the branched and the forked turn.
      const rows = await served(stack());
      expect(rows.map((r) => [r.api, r.stream, r.status, r.protocol])).toEqual(
        Array.from({ length: 5 }, () => ['anthropic', true, 200, 'ws']),
      );
    },
  );
});

describe('pi’s window through Orchids Tray, /tree’s branch summary and /clone (pinned ws, Messages API)', () => {
  const stack = piStack(WS, KEY);

  it(
    'sends the branch summary request upstream, shows its answer and sends it on; a clone goes on through the app',
    { timeout: 180_000 },
    async () => {
      const work = tempDir('orchids-pi-work-');
      const agentDir = piAgentDir(stack().url);
      stack().sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        // pi's summary request (branch-summarization.js): the branch left behind serialised in <conversation>.
        if (seen.includes('Create a structured summary of this conversation branch')) {
          return sse(reply(seen.includes('SIDE-88') ? '## Goal\nThe side path gave DIGEST-29.' : 'No branch seen.'));
        }
        if (seen.includes('Is the clone whole?')) {
          return sse(reply(/PLUM[\s\S]*DIGEST-29[\s\S]*ROOT-12/.test(seen) ? 'Clone holds CLONE-64.' : 'Clone lacks.'));
        }
        if (seen.includes('What did the side path give?')) {
          return sse(reply(seen.includes('DIGEST-29') ? 'It gave DIGEST-29, as ROOT-12.' : 'Nothing known.'));
        }
        if (seen.includes('Try the side path')) return sse(reply('Side path tried with SIDE-88.'));
        if (seen.includes('Keep the word PLUM')) return sse(reply('Kept PLUM as GROVE-5.'));
        return undefined;
      });

      const tui = stopAfter(startPiTui(work, stack().url, KEY, 'anthropic-messages', { agentDir }));
      // Back to the first answer, summarised: pi summarises the entries from the old leaf back to the common
      // ancestor, the second prompt and its answer.
      await sideBranchThenTreeBack(tui, 'PLUM');
      tui.press('Enter');
      await tui.waitFor(/Navigated to selected point/, 60_000);
      const asked = turnsAbout(stack(), /Create a structured summary of this conversation branch/);
      expect(asked).toHaveLength(1);
      const summarised = upstreamText(asked[0]!);
      expect(summarised).toContain('context summarization assistant'); // pi's system prompt for it
      expect(summarised).toMatch(/<conversation>[\s\S]*Try the side path[\s\S]*SIDE-88[\s\S]*<\/conversation>/);
      expect(summarised).not.toContain('Keep the word PLUM');
      // pi shows the summary folded, then unfolded, and goes on with it.
      await tui.waitFor(/\[branch\][\s\S]*Branch summary \(/);
      expect(tui.screen()).not.toMatch(/Side path tried/);
      await branchSummaryCarriedOn(stack(), tui, 'PLUM', 'DIGEST-29');

      // /clone: a second session file, the active path copied whole (the summary in it, the branch left behind not).
      await tui.submit('/clone');
      await tui.waitFor(/Cloned to new session/);
      const [original, clone, ...more] = savedSessions(agentDir);
      expect(more).toEqual([]);
      expect(clone!.entries[0]).toMatchObject({ type: 'session', parentSession: original!.file });
      const kept = [
        'user: Keep the word PLUM',
        'assistant: Kept PLUM as GROVE-5.',
        expect.stringMatching(/^summary: [\s\S]*The side path gave DIGEST-29\./),
        'user: What did the side path give?',
        'assistant: It gave DIGEST-29, as ROOT-12.',
      ];
      expect(savedTexts(clone!)).toEqual(kept);
      await tui.submit('Is the clone whole?');
      await tui.waitFor(/Clone holds CLONE-64\./, 60_000);
      const cloned = turnsAbout(stack(), /Is the clone whole\?/);
      expect(cloned).toHaveLength(1);
      expect(upstreamText(cloned[0]!)).not.toMatch(/Try the side path|Side path tried/);
      // The turn is saved in the clone alone; the original keeps its tree, the branch left behind in it.
      expect(savedTexts(savedSessions(agentDir)[1]!)).toEqual([
        ...kept,
        'user: Is the clone whole?',
        'assistant: Clone holds CLONE-64.',
      ]);
      expect(savedTexts(savedSessions(agentDir)[0]!)).toEqual([
        ...kept.slice(0, 2),
        'user: Try the side path',
        'assistant: Side path tried with SIDE-88.',
        ...kept.slice(2),
      ]);

      // Four turns and the summary request between them, each served through the app.
      const rows = await served(stack());
      expect(rows.map((r) => [r.api, r.stream, r.status, r.protocol])).toEqual(
        Array.from({ length: 5 }, () => ['anthropic', true, 200, 'ws']),
      );
    },
  );
});
