import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import {
  agentTurnsAbout,
  CLAUDE_CODE_TITLE,
  notesFolder,
  titled,
  startClaudeCodeTui,
} from '../helpers/claude-code-tui';
import { served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import type { Stack } from '../helpers/stack';
import { until } from '../helpers/wait';
import type { Terminal } from '../helpers/tmux-terminal';
import { pinnedMode, sentToolPair, upstreamText } from '../helpers/upstream';

/**
 * Claude Code's interactive TUI through the proxy, as a user at the keyboard meets it (the other Claude Code tests run
 * `claude -p`): the agent reads a file and edits it, Claude Code asks before the edit and the user says yes, and a
 * follow-up turn carries the whole loop. Only the TUI names the session, in a request of its own with a JSON schema
 * (`{"title": string}`), whose answer Claude Code puts in the terminal's title.
 */
let stack: Stack;
let tui: Terminal | undefined;
const stopAfter = stopsAfterEach();

const KEY = 'test-claude-code-tui-key';
const ABOUT = /notes\.txt/;
const agentTurns = (): AgentRequestInfo[] => agentTurnsAbout(stack, ABOUT);

/** The text of the newest user message (Claude Code sends its environment as a `system` message after it). */
function lastUserText(request: AgentRequestInfo): string {
  const messages = request.body.messages as Array<{ role: string; content: unknown }>;
  return JSON.stringify(messages.filter((m) => m.role === 'user').at(-1)?.content ?? '');
}

describe("Claude Code's TUI through the proxy (pinned ws)", () => {
  it('reads, edits after the user allows it, names the session, and goes on', { timeout: 90_000 }, async () => {
    stack = stopAfter(await startCliStack(pinnedMode('ws'), KEY));
    const { work, notes } = notesFolder('colour = red\nsize = 3\n');
    stack.sim.onAgentRequest(
      titled('Notes colour', (req) => {
        const seen = upstreamText(req);
        if (!ABOUT.test(seen)) return undefined;
        const last = lastUserText(req);
        if (last.includes('And the size?')) return sse(reply('The size is 3.'));
        if (last.includes('has been updated successfully')) return sse(reply('The colour is blue now.'));
        if (last.includes('colour = red')) {
          const input = { file_path: notes, old_string: 'colour = red', new_string: 'colour = blue' };
          return sse([
            ...text('Changing it.'),
            ...toolCall({ id: 'toolu_sim_edit_0001', name: 'Edit', input }),
            ...finish('tool-calls'),
          ]);
        }
        const input = { file_path: notes };
        return sse([
          ...text('Reading it.'),
          ...toolCall({ id: 'toolu_sim_read_0001', name: 'Read', input }),
          ...finish('tool-calls'),
        ]);
      }),
    );
    // Manual mode, where Claude Code asks before an edit (its default, auto mode, is README's "auto mode" topic).
    tui = stopAfter(startClaudeCodeTui(work, stack.url, KEY, { permissionMode: 'default' }));

    await tui.submit('What does notes.txt say? Make the colour blue.');
    const question = /Do you want to make this edit to notes\.txt\?[\s\S]*1\. Yes/;
    await tui.waitFor(question, 60_000);
    expect(fs.readFileSync(notes, 'utf8')).toBe('colour = red\nsize = 3\n');
    await tui.choose('1', question);
    await tui.waitFor(/The colour is blue now\./, 30_000);
    expect(fs.readFileSync(notes, 'utf8')).toBe('colour = blue\nsize = 3\n');
    const edited = agentTurns();
    expect(edited).toHaveLength(3);
    expect(sentToolPair(edited[1]!, 'toolu_sim_read_0001', 'Read', 'colour = red')).toBe(true);
    expect(sentToolPair(edited[2]!, 'toolu_sim_edit_0001', 'Edit', 'has been updated successfully')).toBe(true);

    await tui.submit('And the size?');
    await tui.waitFor(/The size is 3\./, 30_000);
    const turns = agentTurns();
    expect(turns).toHaveLength(4);
    // The follow-up carries the loop before it: both calls and their results, then the user's new words.
    expect(sentToolPair(turns[3]!, 'toolu_sim_read_0001', 'Read', 'colour = red')).toBe(true);
    expect(sentToolPair(turns[3]!, 'toolu_sim_edit_0001', 'Edit', 'has been updated successfully')).toBe(true);
    expect(lastUserText(turns[3]!)).toContain('And the size?');

    // The title request, answered with JSON matching Claude Code's schema, names the session in the terminal's title.
    expect(turnsAbout(stack, CLAUDE_CODE_TITLE).length).toBeGreaterThanOrEqual(1);
    await until(() => tui!.title().includes('Notes colour'), { what: `the terminal's title (${tui.title()})` });
    // Every request (the four turns and the title) answered in full, on ws: nothing failed or was cut off.
    const rows = await served(stack);
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(rows.filter((r) => r.status !== 200 || r.protocol !== 'ws')).toEqual([]);
  });
});
