import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { finish, reply, sse, text, toolCall } from '../sim/orchids-simulator';
import { CODEX_TUI_RETRY, startCodexTui } from '../helpers/codex-tui';
import { sentToolResults, served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { seenCallId } from '../helpers/edit-scenarios';
import { tempDir } from '../helpers/temp-dir';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import { until } from '../helpers/wait';

/**
 * Codex's TUI (0.171) on its built-in `openai` provider pointed at the proxy (`openai_base_url`, the key in
 * CODEX_API_KEY), as README's users set it up instead of the custom provider the other Codex TUI tests declare: that
 * provider asks for a WebSocket on `GET /v1/responses` first, and the proxy's 426 sends it to HTTP. An edit the agent
 * makes (its Edit, Codex's apply_patch) shown in the window and on disk, then a second turn that carries the first.
 */
const stopAfter = stopsAfterEach();
const KEY = 'test-codex-builtin-tui-key';
const WS = pinnedMode('ws');
/** Codex asks the model for a title for the thread, quoting the user's first prompt: not a turn of the agent's. */
const TITLE = /Generate a concise, single-line task title/;

describe("Codex's TUI on its built-in openai provider (pinned ws)", CODEX_TUI_RETRY, () => {
  it('shows an edit the agent made, on disk, then a second turn that carries it', { timeout: 150_000 }, async () => {
    const stack = stopAfter(await startCliStack(WS, KEY));
    const work = tempDir('orchids-codex-work-');
    const plum = path.join(work, 'plum.txt');
    fs.writeFileSync(plum, 'plum = 1\n');
    const call = {
      id: 'toolu_sim_edit_0061',
      name: 'Edit',
      input: { file_path: plum, old_string: 'plum = 1', new_string: 'plum = 2' },
    };
    const id = seenCallId(call.id, true);
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (TITLE.test(seen) || !seen.includes('PLUM-5')) return undefined;
      if (seen.includes('Which value now')) return sse(reply('It is plum = 2, as I left it.'));
      if (seen.includes(id)) return sse([...text('Plum is 2 now.', { chunks: 3 }), ...finish()]);
      return sse([...toolCall(call), ...finish('tool-calls')]);
    });
    const tui = stopAfter(await startCodexTui(work, stack.url, KEY, { builtinProvider: true }));

    await tui.submit('Set plum to 2 in plum.txt (PLUM-5).');
    // Every screen on the way is read: a handshake refused otherwise than with the proxy's 426 shows `Reconnecting…`
    // lines while Codex retries it, gone from the screen once it has fallen back to HTTP.
    const troubles = new Set<string>();
    await until(
      () => {
        const now = tui.screen();
        for (const line of now.match(/^.*(Reconnecting|Falling back).*$/gim) ?? []) troubles.add(line.trim());
        return /Plum is 2 now\./.test(now);
      },
      { timeoutMs: 60_000, what: 'the answer after the edit' },
    );
    expect([...troubles]).toEqual([]);
    expect(fs.readFileSync(plum, 'utf8')).toBe('plum = 2\n');
    expect(tui.screen()).toMatch(/• Edited plum\.txt \(\+1 -1\)[\s\S]*• Plum is 2 now\./);
    expect(tui.screen()).not.toMatch(/Reconnecting|Falling back|error/i);
    const first = turnsAbout(stack, /PLUM-5/).filter((r) => !TITLE.test(upstreamText(r)));
    expect(sentToolResults(first.at(-1)!)).toEqual([
      { type: 'tool_result', tool_use_id: id, content: `Success. Updated the following files:\nM ${plum}` },
    ]);

    await tui.submit('Which value now?');
    await tui.waitFor(/It is plum = 2, as I left it\./, 60_000);
    const last = turnsAbout(stack, /Which value now/).at(-1)!;
    expect(upstreamText(last)).toContain('Set plum to 2 in plum.txt (PLUM-5).');
    expect(upstreamText(last)).toContain('Plum is 2 now.');
    expect(sentToolResults(last).map((r) => r.tool_use_id)).toEqual([id]);
    const rows = await served(stack);
    // Codex's WebSocket asks, answered 426, leave no row; every turn was served over HTTP on ws, none refused.
    expect(rows.filter((r) => r.status !== 200 || r.protocol !== 'ws')).toEqual([]);
  });
});
