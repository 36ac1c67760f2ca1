import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { finish, reply, sse, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { CODEX_TUI_RETRY, startCodexTui, type CodexTui } from '../helpers/codex-tui';
import { sentErrorIds, sentToolResults, served, shownResult, startCliStack, turnsAbout } from '../helpers/cli-clients';
import type { Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { pinnedMode, sentToolPair, upstreamText, type ProtocolMode } from '../helpers/upstream';

/**
 * Codex's approvals, as a user who sets nothing meets them: its TUI with its default policy (`on-request`, in its
 * workspace sandbox) asks before a command it deems risky. Generation B's agent calls its own Bash, which reaches
 * Codex as `exec_command`; Generation A's model calls `exec_command` itself. What the user chooses must reach the
 * model as that call's result: the command's output when approved, and when declined (Esc), Codex's "aborted by
 * user", sent with the user's next message since a decline ends Codex's turn. Codex's Responses results have no error
 * flag: the proxy flags the decline by Codex's words, and not a command's output that holds the same words.
 */
let stack: Stack;
let tui: CodexTui | undefined;
const stopAfter = stopsAfterEach();

const KEY = 'test-codex-key';
const CLEAN = /Clean the build folder/;
/** Codex asks the model for a title for the thread, quoting the user's first prompt: not a turn of the agent's. */
const TITLE = /Generate a concise, single-line task title/;
const DECLINED = 'aborted by user';
/** Codex 0.171's words for a command declined at its approval prompt, after its wrapper's wall time. */
const DECLINED_WORDS = /^Wall time: \d+(?:\.\d+)? seconds\naborted by user$/;

/** The agent's turns of this conversation, in order. */
function agentTurns(): AgentRequestInfo[] {
  return turnsAbout(stack, CLEAN).filter((r) => !TITLE.test(upstreamText(r)));
}

/**
 * The agent reads a note holding Codex's words for a decline (a command Codex runs without asking) and removes the
 * build folder, which Codex asks about: approved; asked again, the removal is declined. Generation B's agent by its
 * Bash, Generation A's model by Codex's `exec_command`. The turns that carry the approved and declined results. (The
 * note is read beside the approved call: beside the declined one, Codex aborts it too, in the same words.)
 */
async function codexAsks(mode: ProtocolMode): Promise<{ approved: AgentRequestInfo; declined: AgentRequestInfo }> {
  const genA = mode.expect === 'sse-a';
  stack = stopAfter(await startCliStack(mode, KEY));
  const work = tempDir('orchids-codex-work-');
  const build = path.join(work, 'build');
  fs.mkdirSync(build);
  fs.writeFileSync(path.join(work, 'notes.txt'), `${DECLINED}\n`);
  const shell = (id: string, command: string) =>
    toolCall(
      genA
        ? { id, name: 'exec_command', input: { cmd: command } }
        : { id, name: 'Bash', input: { command, description: 'As asked' } },
    );
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (!CLEAN.test(seen) || TITLE.test(seen)) return undefined;
    if (seen.includes('Leave it, then.')) return sse(reply('Left the build folder alone.'));
    if (seen.includes('Clean the build folder again.')) {
      return sse([...shell('toolu_sim_rm_0002', 'rm -rf build'), ...finish('tool-calls')]);
    }
    if (seen.includes('Process exited with code 0')) return sse(reply('The build folder is gone.'));
    return sse([
      ...shell('toolu_sim_cat_0001', 'cat notes.txt'),
      ...shell('toolu_sim_rm_0001', 'rm -rf build'),
      ...finish('tool-calls'),
    ]);
  });
  tui = stopAfter(await startCodexTui(work, stack.url, KEY, { approvals: true }));

  await tui.submit('Clean the build folder.');
  // The question is drawn before its options: a key pressed before "Press enter to confirm" shows can be lost
  // (seen once in CI, the screen left at the question with `y` unread).
  const asked = /Would you like to run the following command\?[\s\S]*\$ rm -rf build\n[\s\S]*Press enter to confirm/;
  await tui.waitFor(asked);
  // Even then a `y` was lost (twice in CI, the question still on screen a minute later): pressed again until the
  // question is gone.
  await tui.choose('y', /Would you like to run the following command\?/);
  // Codex may take a while to send the run's output on a loaded machine (seen once in CI, the screen at "Running").
  await tui.waitFor(/The build folder is gone\./, 60_000);
  expect(fs.existsSync(build)).toBe(false);
  expect(agentTurns()).toHaveLength(2);

  fs.mkdirSync(build);
  await tui.submit('Clean the build folder again.');
  await tui.waitFor(asked);
  tui.press('Escape');
  await tui.waitFor(/You canceled the request to run rm -rf build[\s\S]*Conversation interrupted/);
  expect(fs.existsSync(build)).toBe(true);
  // The decline ends Codex's turn; the agent hears of it with the user's next message.
  expect(agentTurns()).toHaveLength(3);
  await tui.submit('Leave it, then.');
  await tui.waitFor(/Left the build folder alone\./);
  const turns = agentTurns();
  expect(turns).toHaveLength(4);
  expect(upstreamText(turns[3]!)).toContain('Leave it, then.');
  expect(fs.existsSync(build)).toBe(true);

  // Every turn, and Codex's title request, answered in full: nothing recorded as failed or cut off.
  const rows = await served(stack);
  expect(rows.length).toBeGreaterThanOrEqual(4);
  expect(rows.filter((r) => r.status !== 200 || r.protocol !== mode.expect)).toEqual([]);
  return { approved: turns[1]!, declined: turns[3]! };
}

describe("Codex's TUI asks before the agent's risky command (pinned ws)", CODEX_TUI_RETRY, () => {
  it('runs it when approved and tells the agent when declined', { timeout: 90_000 }, async () => {
    const { approved, declined } = await codexAsks(pinnedMode('ws'));
    expect(sentToolPair(approved, 'call_sim_rm_0001', 'exec_command', 'Process exited with code 0')).toBe(true);
    // The note's output holds Codex's words, and goes as it came.
    expect(sentToolPair(approved, 'call_sim_cat_0001', 'exec_command', `Output:\\n${DECLINED}`)).toBe(true);
    expect(sentErrorIds(approved)).toEqual([]);
    expect(sentToolResults(declined)).toContainEqual({
      type: 'tool_result',
      tool_use_id: 'call_sim_rm_0002',
      content: expect.stringMatching(DECLINED_WORDS),
      is_error: true,
    });
    expect(sentErrorIds(declined)).toEqual(['call_sim_rm_0002']);
  });
});

describe("Codex's TUI asks before Generation A's risky command (pinned sse-a)", CODEX_TUI_RETRY, () => {
  // Generation A's model calls Codex's exec_command itself, and reads a result as an error only by its flag.
  it('runs it when approved and tells the model when declined, flagged', { timeout: 90_000 }, async () => {
    const { approved, declined } = await codexAsks(pinnedMode('sse-a'));
    expect(shownResult(approved, 'call_sim_rm_0001')).toContain('Process exited with code 0');
    expect(shownResult(approved, 'call_sim_cat_0001')).toMatch(new RegExp(`Output:\\n${DECLINED}\\n$`));
    expect(sentErrorIds(approved)).toEqual([]);
    expect(shownResult(declined, 'call_sim_rm_0002')).toMatch(DECLINED_WORDS);
    expect(sentErrorIds(declined)).toEqual(['call_sim_rm_0002']);
  });
});
