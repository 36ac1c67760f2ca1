import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { finish, reply, sse, text, toolCall } from '../sim/orchids-simulator';
import { replayedToolUses, sentToolResults, served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { runContinue } from '../helpers/continue';
import { startContinueTui } from '../helpers/continue-tui';
import type { Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import type { Terminal } from '../helpers/tmux-terminal';
import { pinnedMode, upstreamText } from '../helpers/upstream';

/**
 * `cn --resume` (cn 1.5.47) through the proxy: a session cn saved, with a tool call and its result in it, is carried
 * on in Continue's window. The proxy keeps nothing between requests, so the resumed turn holds the whole conversation
 * as cn saved it: the earlier prompt, the agent's Read as Continue ran it (its `filepath`), the file it read, the
 * agent's answer, then the new prompt, in the order the agent needs. The first session runs as `cn -p` (seconds,
 * and it saves a session as the window does); `cn --fork <id>`, which `/fork` prints, was tried by hand and replays
 * the same way. `cn -p` declares no MultiEdit, so the agent's Edit reaches it as a line of text, which the resumed
 * window renders as Markdown: the line's JSON must show as written.
 */
let stack: Stack;
let tui: Terminal | undefined;
const stopAfter = stopsAfterEach();

const KEY = 'test-continue-resume-key';

it(
  "carries a saved session's call and result on after `cn --resume` (ws, anthropic)",
  { timeout: 90_000 },
  async () => {
    stack = stopAfter(await startCliStack(pinnedMode('ws'), KEY));
    const work = tempDir('orchids-continue-work-');
    const file = path.join(work, 'settings.txt');
    fs.writeFileSync(file, 'fruit = FIG-12\nsize = 3\n');
    const call = (id: string, name: string, input: unknown) =>
      sse([...text(`Calling ${name}.`), ...toolCall({ id, name, input }), ...finish('tool-calls')]);
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (/please reply with a title for the chat/.test(seen)) return sse(reply('Settings look'));
      if (seen.includes('Which fruit now?')) {
        return sse(reply(seen.includes('fruit = FIG-12') ? 'Still FIG-12, as read before.' : 'No earlier read came.'));
      }
      // cn -p declares no MultiEdit: the proxy shows the client the call as a line of text, and tells the agent.
      if (seen.includes('no tool named "Edit"')) return sse(reply('It holds FIG-12.'));
      if (seen.includes('sim_read_0001')) {
        return call('toolu_sim_edit_0001', 'Edit', { file_path: file, old_string: 'FIG-12', new_string: 'FIG-13' });
      }
      return call('toolu_sim_read_0001', 'Read', { file_path: file });
    });
    const home = tempDir('orchids-continue-home-');
    const first = await runContinue(work, 'What does settings.txt hold?', stack.url, KEY, { home, timeoutMs: 60_000 });
    expect(first.answer).toContain('It holds FIG-12.');

    tui = stopAfter(startContinueTui(work, stack.url, KEY, 'anthropic', { home, args: ['--resume'] }));
    // The window opens on the saved conversation (drawn after the prompt box), the call shown as Continue ran it.
    await tui.waitFor(/What does settings\.txt hold\?[\s\S]*Read\(settings\.txt\)[\s\S]*It holds FIG-12\./, 60_000);
    // The line for the agent's Edit as written, not as Markdown: cn showed `"filepath"` and `"oldstring"` before the
    // proxy sent the input as inline code.
    expect(tui.screen()).toMatch(/Input:\s+\{"file_path":"[^"]*settings\.txt","old_string":"FIG-12","new_string"/);
    await tui.submit('Which fruit now?');
    await tui.waitFor(/Still FIG-12|No earlier read came/, 30_000);
    expect(tui.screen()).toContain('Still FIG-12, as read before.');

    const resumed = turnsAbout(stack, /Which fruit now\?/);
    expect(resumed).toHaveLength(1);
    const messages = resumed[0]!.body.messages as Array<{ role: string }>;
    // The line cn saved for the Edit goes up as the agent's Edit and the error it was told (orchids/shown-calls.ts).
    expect(messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
    ]);
    const edit = { file_path: file, old_string: 'FIG-12', new_string: 'FIG-13' };
    expect(replayedToolUses(resumed[0]!)).toEqual([
      { type: 'tool_use', id: 'toolu_sim_read_0001', name: 'Read', input: { filepath: file } },
      expect.objectContaining({ type: 'tool_use', name: 'Edit', input: edit }),
    ]);
    expect(sentToolResults(resumed[0]!)).toMatchObject([
      { tool_use_id: 'toolu_sim_read_0001' },
      { is_error: true, content: expect.stringContaining('no tool named "Edit"') },
    ]);
    expect(upstreamText(resumed[0]!)).not.toContain('which this client does not provide');
    expect(JSON.stringify(sentToolResults(resumed[0]!))).toContain('fruit = FIG-12');
    // Each request answered on the pinned protocol.
    const rows = await served(stack);
    expect(rows.filter((r) => r.status !== 200 || r.protocol !== 'ws' || r.api !== 'anthropic')).toEqual([]);
    // Streamed: the first session's two turns, the resumed one (the window's title request, made after its first
    // answer, may come in later).
    expect(rows.filter((r) => r.stream)).toHaveLength(3);
  },
);
