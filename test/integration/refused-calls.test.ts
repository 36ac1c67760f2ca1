import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { PINNED_MODES, pinnedMode, upstreamText, type ProtocolMode } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import {
  replayedToolUses,
  sentErrorIds,
  sentToolResults,
  shownResult,
  startCliStack,
  turnsAbout,
} from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { config, opencodeHome, runOpencode } from '../helpers/opencode';
import { runContinue } from '../helpers/continue';
import { runCline } from '../helpers/cline';

/**
 * A call the user declines, or the client's permission rules refuse, reaches Generation B's agent as an error through
 * the OpenAI routes, whose results carry no error flag: the real clients refuse in a non-interactive run, by their
 * permission settings. Output that only holds the same words goes as it came. Generation A's model, which calls the
 * client's tools itself, gets the same results flagged: cn's and opencode's runs hold it (every client's wordings are
 * read by the same gen-b/refused-calls.ts).
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-refused-calls-key';
const GEN_B = PINNED_MODES.filter((m) => m.expect !== 'sse-a');
const DECLINED = 'The user rejected permission to use this specific tool call.';
/** Cline's words for a call that needs approval in a run with no terminal to ask in. */
const NEEDS_APPROVAL =
  '{"error":"Tool \\"run_commands\\" requires approval in a TTY session -- NOT a tool or system failure. ' +
  'Clarify with user before proceeding."}';
/** cn's words for a call its permission policy refuses. */
const BLOCKED = 'Command blocked by security policy';
const RULED = 'The user has specified a rule which prevents you from using this specific tool call.';

/** The agent's Bash call of `command`. */
const bash = (id: string, command: string) => toolCall({ id, name: 'Bash', input: { command, description: id } });

/**
 * The agent removes a folder (opencode's rules refuse it), lists it (opencode run declines it) and reads a file holding
 * opencode's words for a decline, through Chat Completions: Generation B's agent by its own Bash, under ids not the
 * proxy's (`call_…`), Generation A's model by opencode's bash, under ids the proxy gives opencode as `call_sim_…`. A
 * declined call ends opencode's turn: the results go up with the next message, in the turn returned.
 */
async function opencodeRefuses(mode: ProtocolMode) {
  const genA = mode.expect === 'sse-a';
  stack = await startCliStack(mode, KEY);
  const work = tempDir('orchids-opencode-work-');
  fs.mkdirSync(path.join(work, 'build'));
  fs.writeFileSync(path.join(work, 'notes.txt'), `${DECLINED}\n`);
  const call = (name: string, command: string) =>
    toolCall({
      id: `${genA ? 'toolu' : 'call'}_sim_${name}`,
      name: genA ? 'bash' : 'Bash',
      input: { command, description: name },
    });
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (!seen.includes('Tidy the work folder')) return undefined;
    if (seen.includes('Go on')) return sse(reply('Nothing was removed.'));
    return sse([
      ...call('rm', 'rm -rf build'),
      ...call('ls', 'ls -la'),
      ...call('cat', 'cat notes.txt'),
      ...finish('tool-calls'),
    ]);
  });
  // `opencode run` declines whatever its permission config asks about; `rm` is refused by a rule, `cat` allowed.
  const settings = JSON.parse(config(stack.url, KEY, 'openai-chat')) as Record<string, unknown>;
  settings['permission'] = { bash: { '*': 'ask', 'rm *': 'deny', 'cat *': 'allow' } };
  const env = opencodeHome(JSON.stringify(settings));
  const run = await runOpencode(work, 'Tidy the work folder', stack.url, KEY, { api: 'openai-chat', env });
  expect(run.code, run.stderr + run.stdout).toBe(0);
  expect(run.tools.map((tool) => tool.state.status)).toEqual(['error', 'error', 'completed']);
  const next = await runOpencode(work, 'Go on', stack.url, KEY, { api: 'openai-chat', env, args: ['--continue'] });
  expect(next.code, next.stderr + next.stdout).toBe(0);
  expect(next.finalText).toBe('Nothing was removed.');
  expect(fs.existsSync(path.join(work, 'build'))).toBe(true);

  const [, told, ...more] = turnsAbout(stack, /Tidy the work folder/);
  expect(more).toEqual([]);
  expect(told!.protocol).toBe(mode.expect);
  return told!;
}

describe.each(GEN_B)('a call opencode refuses, through Chat Completions ($name)', (mode) => {
  it(
    'goes to the agent as an error in opencode’s words; a file holding the words does not',
    { timeout: 120_000 },
    async () => {
      const told = await opencodeRefuses(mode);
      // opencode's ids go upstream as it keeps them: each result is found by its call's command.
      const command = new Map(replayedToolUses(told).map((u) => [u.id, (u.input as { command: string }).command]));
      const results = Object.fromEntries(sentToolResults(told).map((r) => [command.get(r.tool_use_id), r]));
      expect(Object.keys(results).sort()).toEqual(['cat notes.txt', 'ls -la', 'rm -rf build']);
      expect(results['rm -rf build']).toMatchObject({ is_error: true, content: expect.stringContaining(RULED) });
      expect(results['ls -la']).toMatchObject({ is_error: true, content: DECLINED });
      expect(results['cat notes.txt']).toMatchObject({ content: `${DECLINED}\n` });
      expect(results['cat notes.txt']).not.toHaveProperty('is_error');
      expect(sentErrorIds(told)).toHaveLength(2);
    },
  );
});

describe('a call opencode refuses, through Chat Completions (pinned sse-a)', () => {
  // Generation A's model calls opencode's bash itself, and reads a result as an error only by its flag.
  it(
    'goes to Generation A flagged, in opencode’s words; a file holding the words does not',
    { timeout: 120_000 },
    async () => {
      const told = await opencodeRefuses(pinnedMode('sse-a'));
      expect(sentErrorIds(told).sort()).toEqual(['call_sim_ls', 'call_sim_rm']);
      expect(shownResult(told, 'call_sim_ls')).toBe(DECLINED);
      expect(shownResult(told, 'call_sim_rm')).toContain(RULED);
      expect(shownResult(told, 'call_sim_cat')).toBe(`${DECLINED}\n`);
    },
  );
});

/**
 * The agent removes a folder (cn's policy refuses it) and reads a file holding cn's words for that, through cn's
 * OpenAI provider; cn -p refuses what its policy excludes, and ends its turn there: the results go up with the next
 * message. The turn that carries them.
 */
async function continueRefuses(mode: ProtocolMode): Promise<AgentRequestInfo> {
  stack = await startCliStack(mode, KEY);
  const work = tempDir('orchids-continue-work-');
  fs.mkdirSync(path.join(work, 'build'));
  fs.writeFileSync(path.join(work, 'notes.txt'), `${BLOCKED}\n`);
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (!seen.includes('Tidy the work folder')) return undefined;
    if (seen.includes('Go on')) return sse(reply('Nothing was removed.'));
    return sse([
      ...bash('toolu_sim_rm', 'rm -rf build'),
      ...bash('toolu_sim_cat', 'cat notes.txt'),
      ...finish('tool-calls'),
    ]);
  });
  const home = tempDir('orchids-continue-home-');
  const args = ['--exclude', 'Bash(rm*)'];
  const run = await runContinue(work, 'Tidy the work folder', stack.url, KEY, { api: 'openai', args, home });
  expect(run.code, run.stderr + run.stdout).toBe(0);

  const next = await runContinue(work, 'Go on', stack.url, KEY, { api: 'openai', args: [...args, '--resume'], home });
  expect(next.code, next.stderr + next.stdout).toBe(0);
  expect(next.answer).toBe('Nothing was removed.');
  expect(fs.existsSync(path.join(work, 'build'))).toBe(true);
  const [, told, ...more] = turnsAbout(stack, /Tidy the work folder/);
  expect(more).toEqual([]);
  expect(told!.protocol).toBe(mode.expect);
  return told!;
}

describe.each(GEN_B)('a call Continue’s permission policy refuses, through its OpenAI provider ($name)', (mode) => {
  it(
    'goes to the agent as an error in Continue’s words; output holding the words does not',
    { timeout: 120_000 },
    async () => {
      const told = await continueRefuses(mode);
      const results = Object.fromEntries(sentToolResults(told).map((r) => [String(r.tool_use_id), r]));
      // cn's ids go upstream as `call_…` on its OpenAI provider.
      expect(results['call_sim_rm']).toMatchObject({ is_error: true, content: BLOCKED });
      expect(results['call_sim_cat']).toMatchObject({ content: `${BLOCKED}\n` });
      expect(results['call_sim_cat']).not.toHaveProperty('is_error');
    },
  );
});

describe('a call Continue’s permission policy refuses, through its OpenAI provider (pinned sse-a)', () => {
  // Generation A's model calls cn's Bash itself, and reads a result as an error only by its flag.
  it(
    'goes to Generation A flagged, in Continue’s words; output holding the words does not',
    { timeout: 120_000 },
    async () => {
      const told = await continueRefuses(pinnedMode('sse-a'));
      expect(sentErrorIds(told)).toEqual(['call_sim_rm']);
      expect(shownResult(told, 'call_sim_rm')).toBe(BLOCKED);
      expect(shownResult(told, 'call_sim_cat')).toBe(`${BLOCKED}\n`);
    },
  );
});

describe.each(GEN_B)('a call Cline declines, through its OpenAI Compatible provider ($name)', (mode) => {
  // Cline's `--auto-approve false` without a terminal refuses every call that would ask, and goes on.
  it('goes to the agent as an error in Cline’s words', { timeout: 120_000 }, async () => {
    stack = await startCliStack(mode, KEY);
    const work = tempDir('orchids-cline-work-');
    fs.mkdirSync(path.join(work, 'build'));
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (!seen.includes('Tidy the work folder')) return undefined;
      if (seen.includes('call_sim_rm')) return sse(reply('Nothing was removed.'));
      return sse([...bash('toolu_sim_rm', 'rm -rf build'), ...finish('tool-calls')]);
    });
    const run = await runCline(work, 'Tidy the work folder', stack.url, KEY, {
      provider: 'openai-compatible',
      args: ['--auto-approve', 'false'],
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('Nothing was removed.');
    expect(fs.existsSync(path.join(work, 'build'))).toBe(true);
    const [, told] = turnsAbout(stack, /Tidy the work folder/);
    expect(sentToolResults(told!)).toEqual([
      { type: 'tool_result', tool_use_id: 'call_sim_rm', content: NEEDS_APPROVAL, is_error: true },
    ]);
  });
});
