import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { finish, reply, sse, toolCall } from '../sim/orchids-simulator';
import { served, turnsAbout } from '../helpers/cli-clients';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { tempDir } from '../helpers/temp-dir';
import { PINNED_MODES, upstreamText } from '../helpers/upstream';
import { piAgentDir, piStack, startPiTui } from '../helpers/pi';

/**
 * pi's interactive window (`pi` 0.73.1) through the proxy on `ws`, the Messages API, going back to an earlier message:
 * `/tree` (the same session, the leaf moved back) and `/fork` (a new session from the path up to a message). The
 * proxy keeps nothing of a conversation between requests (pi sends no session key, so each request has an upstream
 * chat id of its own, and known files and declined calls are read from the request's messages): the turn after a
 * branch must carry the branch's history, the shared prefix included, and nothing of the turns left behind.
 */
const stopAfter = stopsAfterEach();
const KEY = 'test-pi-tui-branches-key';
const WS = PINNED_MODES.find((m) => m.expect === 'ws')!;

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
