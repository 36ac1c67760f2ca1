import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { finish, reply, sse, text, toolCall } from '../sim/orchids-simulator';
import {
  replayedToolUses,
  sentErrorIds,
  sentToolResults,
  served,
  startCliStack,
  turnsAbout,
} from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import { seenCallId } from '../helpers/edit-scenarios';
import { PI_SERVED_API, startPiTui, type PiApi } from '../helpers/pi';

/**
 * pi's interactive window (`pi` 0.73.1 without `-p`) through the proxy, as a user at the keyboard meets it (the other
 * pi tests run `pi -p`): a streamed answer after the agent's command, which pi runs at once (it asks nothing) and
 * shows with its output, then a second turn in the same session that carries the first. On `ws` through the Messages
 * API, and on `sse-b` through Chat Completions (pi's `openai-completions` provider).
 */
const stopAfter = stopsAfterEach();
const KEY = 'test-pi-tui-key';
const CASES: ReadonlyArray<{ protocol: 'ws' | 'sse-b'; api: PiApi }> = [
  { protocol: 'ws', api: 'anthropic-messages' },
  { protocol: 'sse-b', api: 'openai-completions' },
];

describe.each(CASES)('pi’s window through Orchids Tray (pinned $protocol, $api)', ({ protocol, api }) => {
  it(
    'shows a command the agent ran with its output and the streamed answer, then a second turn',
    { timeout: 150_000 },
    async () => {
      const stack = stopAfter(await startCliStack(pinnedMode(protocol), KEY));
      const work = tempDir('orchids-pi-work-');
      fs.writeFileSync(path.join(work, 'code.txt'), 'The code is QUINCE-41.\n');
      const call = 'toolu_sim_tuibash_0001';
      // The id as pi sends it back: Chat Completions names a call `call_…`.
      const id = seenCallId(call, api === 'openai-completions');
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (!seen.includes('What is in code.txt')) return undefined;
        if (seen.includes('Thanks for QUINCE')) return sse(reply('You are welcome, QUINCE-41 it stays.'));
        if (seen.includes(id))
          return sse([...text('The file says the code is QUINCE-41.', { chunks: 4 }), ...finish()]);
        return sse([
          ...toolCall({ id: call, name: 'Bash', input: { command: 'cat code.txt' } }),
          ...finish('tool-calls'),
        ]);
      });
      const tui = stopAfter(startPiTui(work, stack.url, KEY, api));

      await tui.waitFor(/pi v0\.73/, 60_000);
      await tui.submit('What is in code.txt?');
      await tui.waitFor(/The file says the code is QUINCE-41\./, 60_000);
      // pi's box for the command: the command, then its output.
      expect(tui.screen()).toMatch(/\$ cat code\.txt[\s\S]*The code is QUINCE-41\.[\s\S]*The file says the code/);
      expect(tui.screen()).not.toMatch(/error/i);

      await tui.submit('Thanks for QUINCE');
      await tui.waitFor(/You are welcome, QUINCE-41 it stays\./, 60_000);
      // The second turn carries the first: the prompt, pi's bash call and its output, the answer.
      const second = turnsAbout(stack, /Thanks for QUINCE/).at(-1)!;
      expect(upstreamText(second)).toContain('What is in code.txt?');
      expect(upstreamText(second)).toContain('The file says the code is QUINCE-41.');
      expect(replayedToolUses(second).map((u) => [u.id, u.name, u.input])).toEqual([
        [id, 'bash', { command: 'cat code.txt' }],
      ]);
      expect(JSON.stringify(sentToolResults(second)[0]!.content)).toContain('The code is QUINCE-41.');
      expect(sentErrorIds(second)).toEqual([]);
      const rows = await served(stack);
      expect(
        rows.filter((r) => r.api !== PI_SERVED_API[api] || !r.stream || r.status !== 200 || r.protocol !== protocol),
      ).toEqual([]);
      expect(rows).toHaveLength(3);
    },
  );
});
