import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { runClaude } from '../helpers/claude-code';
import { agentTurnsAbout, notesFolder, titled, startClaudeCodeTui } from '../helpers/claude-code-tui';
import { served, startCliStack } from '../helpers/cli-clients';
import type { Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import type { Terminal } from '../helpers/tmux-terminal';
import { PINNED_MODES, sentToolPair, upstreamText } from '../helpers/upstream';

/**
 * `claude --resume <session id>` through the proxy: a `claude -p` turn in which the agent read a file, then the same
 * session opened in Claude Code's window and asked on. Claude Code replays the saved conversation from its own
 * transcript; the agent must get it whole and in order (the call, its result, the answer, the new question).
 */
let stack: Stack;
let tui: Terminal | undefined;
const stopAfter = stopsAfterEach();

const KEY = 'test-claude-code-resume-key';
const ABOUT = /notes\.txt/;
const agentTurns = (): AgentRequestInfo[] => agentTurnsAbout(stack, ABOUT);

/** The roles and block types of a Generation B turn, `system` messages (Claude Code's environment) left out. */
function shape(request: AgentRequestInfo): string[] {
  return (request.body.messages as Array<{ role: string; content: unknown }>)
    .filter((m) => m.role !== 'system')
    .map((m) => {
      const blocks = Array.isArray(m.content) ? (m.content as Array<{ type: string }>) : [{ type: 'text' }];
      // Claude Code's reminders are text blocks of their own: a run of blocks of one type counts once.
      const types = blocks.map((b) => b.type).filter((type, i, all) => type !== all[i - 1]);
      return `${m.role}: ${types.join(' ')}`;
    });
}

describe('claude --resume through the proxy (pinned ws)', () => {
  it("carries a -p session's call and result on into the window", { timeout: 90_000 }, async () => {
    stack = stopAfter(await startCliStack(PINNED_MODES[0]!, KEY));
    const { work, notes } = notesFolder('colour = red\n');
    stack.sim.onAgentRequest(
      titled('Notes colour', (req) => {
        const seen = upstreamText(req);
        if (!ABOUT.test(seen)) return undefined;
        if (seen.includes('Is it still red?')) return sse(reply('Yes, still red.'));
        if (seen.includes('colour = red')) return sse(reply('The colour is red.'));
        return sse([
          ...text('Reading it.'),
          ...toolCall({ id: 'toolu_sim_read_0001', name: 'Read', input: { file_path: notes } }),
          ...finish('tool-calls'),
        ]);
      }),
    );
    const home = tempDir('orchids-cc-home-');
    const env = { ANTHROPIC_BASE_URL: stack.url, ANTHROPIC_API_KEY: KEY, HOME: home };
    const first = await runClaude(work, 'What colour does notes.txt give?', env);
    expect(first.code, first.stderr).toBe(0);
    const { session_id: session, result } = JSON.parse(first.stdout) as { session_id: string; result: string };
    expect(result).toBe('The colour is red.');
    expect(agentTurns()).toHaveLength(2);

    tui = stopAfter(
      startClaudeCodeTui(work, stack.url, KEY, { permissionMode: 'default', home, args: ['--resume', session] }),
    );
    await tui.waitFor(/The colour is red\./, 30_000);
    await tui.submit('Is it still red?');
    await tui.waitFor(/Yes, still red\./, 30_000);
    const turns = agentTurns();
    expect(turns).toHaveLength(3);
    // The saved loop comes back as it ran: the question, the call, its result, the answer, then the new question.
    expect(sentToolPair(turns[2]!, 'toolu_sim_read_0001', 'Read', 'colour = red')).toBe(true);
    expect(shape(turns[2]!)).toEqual([
      'user: text',
      'assistant: text tool_use',
      'user: tool_result',
      'assistant: text',
      'user: text',
    ]);
    const said = (m: { content: unknown }): string => JSON.stringify(m.content);
    const messages = (turns[2]!.body.messages as Array<{ role: string; content: unknown }>).filter(
      (m) => m.role === 'user',
    );
    expect(said(messages[0]!)).toContain('What colour does notes.txt give?');
    expect(said(messages.at(-1)!)).toContain('Is it still red?');
    const rows = await served(stack);
    expect(rows.filter((r) => r.status !== 200 || r.protocol !== 'ws')).toEqual([]);
  });
});
