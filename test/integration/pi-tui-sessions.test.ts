import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { finish, reply, sse, text, type SimStep } from '../sim/orchids-simulator';
import { served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import { until } from '../helpers/wait';
import { piAgentDir, runPi, startPiTui } from '../helpers/pi';

/**
 * pi's interactive window (`pi` 0.73.1) through the proxy on `ws`, the Messages API, beyond one conversation
 * (pi-tui.test.ts): `pi --resume`'s picker, an earlier of two sessions chosen and gone on with, the upstream seeing
 * that session's turns and not the other's; and an answer stopped with Esc mid-stream, which ends the upstream
 * request too.
 */
const stopAfter = stopsAfterEach();
const KEY = 'test-pi-tui-sessions-key';
const WS = pinnedMode('ws');

/** A story told a chapter a second, for a minute: the user stops it long before its end. */
function story(): SimStep[] {
  return Array.from({ length: 60 }, (_, i) => [...text(`Chapter ${i} of the story. `), { delayMs: 1000 }]).flat();
}

describe('pi’s window through Orchids Tray, its sessions (pinned ws, Messages API)', () => {
  it('resumes an earlier session picked in --resume and goes on with its turns', { timeout: 180_000 }, async () => {
    const stack = stopAfter(await startCliStack(WS, KEY));
    const work = tempDir('orchids-pi-work-');
    const agentDir = piAgentDir(stack.url);
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('Which word did I give')) {
        return sse(reply(seen.includes('APRICOT') ? 'You gave APRICOT, kept as ORCHARD-7.' : 'No word seen.'));
      }
      if (seen.includes('Keep the word APRICOT')) return sse(reply('Kept APRICOT as ORCHARD-7.'));
      if (seen.includes('Keep the word BLUEBERRY')) return sse(reply('Kept BLUEBERRY as BUSH-9.'));
      return undefined;
    });
    // Two sessions in this folder, the APRICOT one the older: pi's picker lists the newest first.
    for (const word of ['APRICOT', 'BLUEBERRY']) {
      const run = await runPi(work, `Keep the word ${word}`, stack.url, KEY, 'anthropic-messages', { agentDir });
      expect(run.code, run.stderr).toBe(0);
    }

    const tui = stopAfter(startPiTui(work, stack.url, KEY, 'anthropic-messages', { agentDir, args: ['--resume'] }));
    await tui.waitFor(/Resume Session[\s\S]*› Keep the word BLUEBERRY[\s\S]*Keep the word APRICOT/, 60_000);
    tui.press('Down');
    await tui.waitFor(/› Keep the word APRICOT/);
    tui.press('Enter');
    // The chosen session's turn is on screen under pi's banner (the picker stays above it), the other's is not.
    await tui.waitFor(/Kept APRICOT as ORCHARD-7\./, 60_000);
    const resumed = tui.screen().split(/pi v0\.73/)[1]!;
    expect(resumed).toMatch(/Keep the word APRICOT\s+Kept APRICOT as ORCHARD-7\./);
    expect(resumed).not.toMatch(/BLUEBERRY/);

    await tui.submit('Which word did I give?');
    await tui.waitFor(/You gave APRICOT, kept as ORCHARD-7\./, 60_000);
    const last = turnsAbout(stack, /Which word did I give/).at(-1)!;
    expect(upstreamText(last)).toContain('Keep the word APRICOT');
    expect(upstreamText(last)).toContain('Kept APRICOT as ORCHARD-7.');
    expect(upstreamText(last)).not.toContain('BLUEBERRY');
    const rows = await served(stack);
    expect(rows.filter((r) => r.api !== 'anthropic' || !r.stream || r.status !== 200 || r.protocol !== 'ws')).toEqual(
      [],
    );
    expect(rows).toHaveLength(3);
  });

  it('stops a streaming answer on Esc and ends the upstream request with it', { timeout: 150_000 }, async () => {
    const stack = stopAfter(await startCliStack(WS, KEY));
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('Thanks for the story')) return sse(reply('You are welcome, the story ends at chapter 1.'));
      if (seen.includes('Tell me a long story')) return sse([...story(), ...finish()]);
      return undefined;
    });
    const tui = stopAfter(startPiTui(tempDir('orchids-pi-work-'), stack.url, KEY, 'anthropic-messages'));
    await tui.waitFor(/pi v0\.73/, 60_000);
    await tui.submit('Tell me a long story');
    await tui.waitFor(/Chapter 1 of the story\./, 60_000);
    expect(stack.sim.stats.openWsSockets).toBe(1);
    tui.press('Escape');
    await tui.waitFor(/Operation aborted/i, 30_000);
    // The proxy ends the upstream stream with pi's: its socket closes long before the story's minute is out.
    await until(() => stack.sim.stats.openWsSockets === 0, { timeoutMs: 15_000, what: 'the upstream socket to close' });
    await until(() => stack.core.internals.server.inflightRequests === 0, { what: 'the stopped request to end' });
    expect(tui.screen()).not.toMatch(/Chapter 20 of the story/);

    await tui.submit('Thanks for the story');
    await tui.waitFor(/You are welcome, the story ends at chapter 1\./, 60_000);
    const rows = await served(stack);
    // Newest first: the turn after, then the stopped one, whose row says 499 as for the other windows.
    expect(rows.map((r) => [r.api, r.stream, r.status, r.protocol])).toEqual([
      ['anthropic', true, 200, 'ws'],
      ['anthropic', true, 499, 'ws'],
    ]);
    // The turn after carries the stopped turn's prompt and not its answer: pi replays no answer it aborted (its own
    // choice, pi-ai's transform-messages.js), so the upstream sees two user messages in a row, and serves them.
    const after = upstreamText(turnsAbout(stack, /Thanks for the story/).at(-1)!);
    expect(after).toContain('Tell me a long story');
    expect(after).not.toContain('Chapter 0 of the story.');
  });
});
