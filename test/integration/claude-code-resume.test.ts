import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import {
  finish,
  reply,
  sse,
  text,
  toolCall,
  type AgentRequestInfo,
  type AgentResponder,
} from '../sim/orchids-simulator';
import { runClaude } from '../helpers/claude-code';
import {
  agentTurnsAbout,
  CLAUDE_CODE_TITLE,
  notesFolder,
  titled,
  startClaudeCodeTui,
} from '../helpers/claude-code-tui';
import { served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import type { Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import type { Terminal } from '../helpers/tmux-terminal';
import { until } from '../helpers/wait';
import { PINNED_MODES, pinnedMode, sentToolPair, upstreamText } from '../helpers/upstream';

/**
 * `claude --resume` through the proxy: a turn in which the agent read a file, then the same session opened in Claude
 * Code's window and asked on. Claude Code replays the saved conversation from its own transcript; the agent must get
 * it whole and in order (the call, its result, the answer, the new question). With a session id the turn can be a
 * `claude -p` one; without one Claude Code opens its picker, which lists only the window's sessions (a `-p` one is
 * not there: "No sessions in this project yet"), each under the title the proxy's model gave it.
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

/** The agent: reads notes.txt, gives its colour, and answers the question asked on after the resume. */
function colourAgent(notes: string): AgentResponder {
  return titled('Notes colour', (req) => {
    const seen = upstreamText(req);
    if (!ABOUT.test(seen)) return undefined;
    if (seen.includes('Is it still red?')) return sse(reply('Yes, still red.'));
    if (seen.includes('colour = red')) return sse(reply('The colour is red.'));
    return sse([
      ...text('Reading it.'),
      ...toolCall({ id: 'toolu_sim_read_0001', name: 'Read', input: { file_path: notes } }),
      ...finish('tool-calls'),
    ]);
  });
}

/** Asks on in the resumed window: the third turn must carry the saved loop whole, then the new question. */
async function asksOn(protocol: string): Promise<void> {
  await tui!.submit('Is it still red?');
  await tui!.waitFor(/Yes, still red\./, 30_000);
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
  expect(rows.filter((r) => r.status !== 200 || r.protocol !== protocol)).toEqual([]);
}

describe('claude --resume <session id> through the proxy (pinned ws)', () => {
  it("carries a -p session's call and result on into the window", { timeout: 90_000 }, async () => {
    stack = stopAfter(await startCliStack(pinnedMode('ws'), KEY));
    const { work, notes } = notesFolder('colour = red\n');
    stack.sim.onAgentRequest(colourAgent(notes));
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
    await asksOn('ws');
  });
});

describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-a'))(
  "claude --resume's picker through the proxy ($name)",
  (mode) => {
    it(
      "lists a window session under its title, and carries the picked one's call and result on",
      { timeout: 120_000 },
      async () => {
        stack = stopAfter(await startCliStack(mode, KEY));
        const { work, notes } = notesFolder('colour = red\n');
        stack.sim.onAgentRequest(colourAgent(notes));
        const home = tempDir('orchids-cc-home-');
        const first = startClaudeCodeTui(work, stack.url, KEY, { permissionMode: 'default', home });
        try {
          await first.submit('What colour does notes.txt give?');
          await first.waitFor(/The colour is red\./, 60_000);
          // The title the picker lists the session under: the proxy's answer to the window's title request.
          await until(() => first.title().includes('Notes colour'), {
            what: `the terminal's title (${first.title()})`,
          });
        } finally {
          await first.stop();
        }
        expect(agentTurns()).toHaveLength(2);

        tui = stopAfter(
          startClaudeCodeTui(work, stack.url, KEY, { permissionMode: 'default', home, args: ['--resume'] }),
        );
        const picker = /Resume session[\s\S]*❯ Notes colour/;
        await tui.waitFor(picker, 30_000);
        await tui.choose('Enter', picker);
        // The picked session's saved conversation, drawn again.
        await tui.waitFor(/What colour does notes\.txt give\?[\s\S]*The colour is red\./, 30_000);
        await asksOn(mode.expect);
        // The session kept its title: the window did not ask for another.
        expect(turnsAbout(stack, CLAUDE_CODE_TITLE)).toHaveLength(1);
      },
    );
  },
);
