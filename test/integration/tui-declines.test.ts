import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stopsAfterEach } from '../helpers/stops-after-each';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo, type SimStep } from '../sim/orchids-simulator';
import {
  sentErrorIds,
  sentResults,
  sentToolResults,
  shownResult,
  startCliStack,
  turnsAbout,
} from '../helpers/cli-clients';
import { autoApproveOff, startClineTui } from '../helpers/cline-tui';
import { startCodexTui } from '../helpers/codex-tui';
import { startPiTui } from '../helpers/pi';
import { startContinueTui } from '../helpers/continue-tui';
import { answerOpencodePermission, startOpencodeTui } from '../helpers/opencode-tui';
import type { Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import type { Terminal } from '../helpers/tmux-terminal';
import { PINNED_MODES, pinnedMode, upstreamText, type ProtocolMode } from '../helpers/upstream';
import { until } from '../helpers/wait';

/**
 * A call the user declines or interrupts in a real client's window, through the client's OpenAI provider (whose
 * results carry no error flag), reaches Generation B's agent as an error in the client's own words: Cline's rejection
 * at once (before, its window's JSON wording went as a success), opencode's Reject, cn's "No", and Codex's and pi's
 * Esc while a command runs with the user's next message, and opencode's Reject with a reason in a sub-agent's session
 * at once. One stack per Generation B transport (pi's Esc on `sse-b` only). Generation A's model, which calls the
 * client's tools itself, gets Cline's rejection and Codex's and pi's interrupted command flagged, and a command's
 * output holding the words unflagged. `refused-calls.test.ts` covers the refusals a run with no terminal makes;
 * `codex-tui-approvals.test.ts` a command declined at Codex's prompt.
 */
let stack: Stack;
let tui: Terminal | undefined;
const stopAfter = stopsAfterEach();

const KEY = 'test-tui-declines-key';
/** What Cline 3.0.65's window sends for a call the user rejected. */
const CLINE_REJECTED =
  '{"error":"This tool call was rejected by the user and not executed. -- NOT a tool or system failure. ' +
  'Clarify with user before proceeding."}';
/** The title requests cn, Codex and opencode make beside the first turn, quoting the user's prompt: not the agent's. */
const TITLES =
  /please reply with a title for the chat|Generate a concise, single-line task title|You are a title generator/;
const GEN_B = PINNED_MODES.filter((m) => m.expect !== 'sse-a');

/** The agent's Bash call of `command`, its words first. */
const bash = (id: string, command: string) => [
  ...text('Running it.'),
  ...toolCall({ id, name: 'Bash', input: { command, description: 'As asked' } }),
  ...finish('tool-calls'),
];

/**
 * The agent asked for `task`: it makes its `call` (its steps), and once a result comes back says `after`. The title
 * requests some clients make beside the first turn get `title`, or the simulator's own answer.
 */
function playAgent(task: string, call: SimStep[], after: string, title?: string) {
  return (req: AgentRequestInfo) => {
    const seen = upstreamText(req);
    if (TITLES.test(seen)) return title === undefined ? undefined : sse(reply(title));
    if (!seen.includes(task)) return undefined;
    if (sentResults(req).length > 0) return sse(reply(after));
    return sse(call);
  };
}

/** The agent's turns of the conversation about `pattern`, in order. */
const agentTurns = (pattern: RegExp) => turnsAbout(stack, pattern).filter((t) => !TITLES.test(upstreamText(t)));

/** The agent's second turn of those `turns`, the one that carries the client's answer to its call. */
function secondTurn(turns: AgentRequestInfo[]): AgentRequestInfo {
  expect(turns).toHaveLength(2);
  return turns[1]!;
}

/** A result as the agent reads a call that did not run: an error, in the client's `words`. */
const flagged = (id: string, words: unknown) => ({
  type: 'tool_result',
  tool_use_id: id,
  content: words,
  is_error: true,
});

/** The one result the request carries, as the agent reads it. */
function onlyResult(request: AgentRequestInfo): Record<string, unknown> {
  const results = sentToolResults(request);
  expect(results).toHaveLength(1);
  return results[0]!;
}

/** Whether the request's last message holds the user's `words` (after the results it carries). */
const lastMessageHolds = (request: AgentRequestInfo, words: string) =>
  JSON.stringify(request.body.messages.at(-1)).includes(words);

/** Whether a `sleep` runs in `dir` (a folder made for one test, so nobody else's). */
function runningIn(dir: string): boolean {
  return fs.readdirSync('/proc').some((entry) => {
    try {
      return (
        fs.readlinkSync(`/proc/${entry}/cwd`) === dir && fs.readFileSync(`/proc/${entry}/comm`, 'utf8') === 'sleep\n'
      );
    } catch {
      return false; // Not a process, ended meanwhile, or not ours to read.
    }
  });
}

/** The agent's Read of a secret file in the folder `outside` the project: opencode asks first. */
const readOutside = (outside: string) => [
  ...text('Reading it.'),
  ...toolCall({ id: 'toolu_sim_read', name: 'Read', input: { file_path: path.join(outside, 'secret.txt') } }),
  ...finish('tool-calls'),
];

/**
 * Cline, its auto-approve off, asked about the agent's read of a note holding Cline's words for a rejection (approved)
 * and its removal of the build folder (rejected), through its OpenAI Compatible provider: Generation B's agent by its
 * Bash, Generation A's model by Cline's `run_commands`. Cline goes on at once after a rejection: the turn that carries
 * both results.
 */
async function clineRejects(mode: ProtocolMode): Promise<AgentRequestInfo> {
  const genA = mode.expect === 'sse-a';
  stack = stopAfter(await startCliStack(mode, KEY));
  const work = tempDir('orchids-cline-decline-');
  fs.mkdirSync(path.join(work, 'build'));
  fs.writeFileSync(path.join(work, 'notes.txt'), `${CLINE_REJECTED}\n`);
  const run = (id: string, command: string) =>
    toolCall(
      genA
        ? { id, name: 'run_commands', input: { commands: [command] } }
        : { id, name: 'Bash', input: { command, description: 'As asked' } },
    );
  stack.sim.onAgentRequest((req) => {
    const seen = upstreamText(req);
    if (TITLES.test(seen) || !seen.includes('Clean the build folder')) return undefined;
    const results = sentResults(req).length;
    if (results >= 2) return sse(reply('Left the build folder alone.'));
    const step = results === 0 ? run('toolu_sim_cat', 'cat notes.txt') : run('toolu_sim_rm', 'rm -rf build');
    return sse([...step, ...finish('tool-calls')]);
  });
  tui = stopAfter(await startClineTui(work, stack.url, KEY, 'openai-compatible'));
  await autoApproveOff(tui);
  await tui.submit('Clean the build folder');
  // Each answer names its own question: the removal's question follows the read's at once, and a `y` pressed again
  // because the read's question seemed still drawn approved the removal (seen in CI on 'sse-b').
  const askedCat = /Approve tool call\?[\s\S]*\$ cat notes\.txt/;
  const askedRm = /Approve tool call\?[\s\S]*\$ rm -rf build/;
  await tui.waitFor(askedCat, 30_000);
  await tui.choose('y', askedCat);
  await tui.waitFor(askedRm, 30_000);
  await tui.choose('n', askedRm);
  await tui.waitFor(/Left the build folder alone\./, 30_000);
  expect(fs.existsSync(path.join(work, 'build'))).toBe(true);
  const turns = agentTurns(/Clean the build folder/);
  expect(turns).toHaveLength(3);
  expect(turns[2]!.protocol).toBe(mode.expect);
  return turns[2]!;
}

describe.each(GEN_B)('Cline rejected in its window, through its OpenAI Compatible provider ($expect)', (mode) => {
  it(
    'goes to the agent at once as an error in Cline’s words; output holding them does not',
    { timeout: 90_000 },
    async () => {
      const told = await clineRejects(mode);
      const results = Object.fromEntries(sentToolResults(told).map((r) => [String(r.tool_use_id), r]));
      expect(results['call_sim_rm']).toEqual(flagged('call_sim_rm', CLINE_REJECTED));
      expect(JSON.stringify(results['call_sim_cat'])).toContain('rejected by the user and not executed');
      expect(sentErrorIds(told)).toEqual(['call_sim_rm']);
    },
  );
});

describe('Cline rejected in its window, through its OpenAI Compatible provider (sse-a)', () => {
  // Generation A's model calls Cline's run_commands itself, and reads a result as an error only by its flag.
  it(
    'goes to Generation A at once flagged, in Cline’s words; output holding them does not',
    { timeout: 90_000 },
    async () => {
      const told = await clineRejects(pinnedMode('sse-a'));
      expect(sentErrorIds(told)).toEqual(['call_sim_rm']);
      expect(shownResult(told, 'call_sim_rm')).toBe(CLINE_REJECTED);
      expect(shownResult(told, 'call_sim_cat')).toContain('rejected by the user and not executed');
    },
  );
});

describe.each(GEN_B)('opencode rejected in its window, through Chat Completions ($expect)', (mode) => {
  it('goes to the agent with the next message as an error in opencode’s words', { timeout: 90_000 }, async () => {
    stack = stopAfter(await startCliStack(mode, KEY));
    const work = tempDir('orchids-opencode-decline-');
    const outside = tempDir('orchids-opencode-outside-');
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'MANGO-77\n');
    stack.sim.onAgentRequest(
      playAgent('Read the secret', readOutside(outside), 'Not reading it, then.', 'A read refused'),
    );
    tui = stopAfter(startOpencodeTui(work, stack.url, KEY, 'openai-chat'));
    await tui.waitFor(/Ask anything/, 60_000);
    await tui.submit('Read the secret file');
    await answerOpencodePermission(tui, 'Reject');
    await tui.waitFor(/ctrl\+p commands/, 30_000);
    expect(tui.screen()).not.toMatch(/Permission required/);
    // The rejection ends opencode's turn: the agent hears of it with the user's next message.
    await tui.submit('Leave it, then.');
    await tui.waitFor(/Not reading it, then\./, 30_000);
    const second = secondTurn(agentTurns(/Read the secret file/));
    expect(onlyResult(second)).toMatchObject({
      type: 'tool_result',
      content: 'The user rejected permission to use this specific tool call.',
      is_error: true,
    });
    expect(lastMessageHolds(second, 'Leave it, then.')).toBe(true);
  });
});

describe.each(GEN_B)(
  'opencode rejected with feedback in a sub-agent’s session, through Chat Completions ($expect)',
  (mode) => {
    // opencode 1.18.33 asks what to do instead only for a call of a sub-agent's (a session with a parent).
    it('goes to the sub-agent as an error in opencode’s words, the feedback in them', { timeout: 90_000 }, async () => {
      stack = stopAfter(await startCliStack(mode, KEY));
      const work = tempDir('orchids-opencode-decline-');
      const outside = tempDir('orchids-opencode-outside-');
      fs.writeFileSync(path.join(outside, 'secret.txt'), 'MANGO-77\n');
      const job = 'Read the secret file outside the folder.';
      const task = { description: 'Read the secret', prompt: job, subagent_type: 'general-purpose' };
      /** Whether the request is the sub-agent's: its conversation starts with the Task's prompt. */
      const subAgents = (request: AgentRequestInfo) => JSON.stringify(request.body.messages[0]).includes(job);
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (TITLES.test(seen)) return sse(reply('A read refused'));
        if (subAgents(req)) {
          if (sentToolResults(req).length > 0) return sse(reply('SUB-DONE: told to read notes.txt instead.'));
          return sse(readOutside(outside));
        }
        if (!seen.includes('Have a helper read the secret')) return undefined;
        if (seen.includes('SUB-DONE')) return sse(reply('The helper was told no.'));
        return sse([...toolCall({ id: 'toolu_sim_task', name: 'Task', input: task }), ...finish('tool-calls')]);
      });
      tui = stopAfter(startOpencodeTui(work, stack.url, KEY, 'openai-chat'));
      await tui.waitFor(/Ask anything/, 60_000);
      await tui.submit('Have a helper read the secret');
      await answerOpencodePermission(tui, 'Reject');
      await tui.waitFor(/Tell OpenCode what to do differently/);
      tui.press('Read notes.txt instead');
      await tui.waitFor(/Read notes\.txt instead/);
      tui.press('Enter');
      await tui.waitFor(/The helper was told no\./, 30_000);
      const second = secondTurn(agentTurns(/Read the secret file outside/).filter((t) => subAgents(t)));
      expect(onlyResult(second)).toMatchObject({
        type: 'tool_result',
        content:
          'The user rejected permission to use this specific tool call with the following feedback: ' +
          'Read notes.txt instead',
        is_error: true,
      });
    });
  },
);

describe.each(GEN_B)('Continue denied in its window, through its OpenAI provider ($expect)', (mode) => {
  it('goes to the agent with the next message as an error in Continue’s words', { timeout: 90_000 }, async () => {
    stack = stopAfter(await startCliStack(mode, KEY));
    const work = tempDir('orchids-continue-decline-');
    fs.mkdirSync(path.join(work, 'build'));
    stack.sim.onAgentRequest(
      playAgent(
        'Clean the build folder',
        bash('toolu_sim_rm', 'rm -rf build'),
        'Left the build folder alone.',
        'Build cleaning',
      ),
    );
    tui = stopAfter(startContinueTui(work, stack.url, KEY, 'openai'));
    await tui.waitFor(/Ask anything/, 60_000);
    await tui.submit('Clean the build folder');
    await tui.waitFor(/Would you like to continue\?/, 30_000);
    // "No" (Esc) ends cn's turn: the agent hears of it with the user's next message.
    await tui.choose('Escape', /Would you like to continue\?/);
    await tui.submit('Leave it, then.');
    await tui.waitFor(/Left the build folder alone\./, 30_000);
    expect(fs.existsSync(path.join(work, 'build'))).toBe(true);
    const second = secondTurn(agentTurns(/Clean the build folder/));
    expect(onlyResult(second)).toEqual(flagged('call_sim_rm', 'Permission denied by user'));
    expect(lastMessageHolds(second, 'Leave it, then.')).toBe(true);
  });
});

/**
 * The agent's `sleep 60` (Generation B's by its Bash, Generation A's model by Codex's `exec_command`) interrupted by
 * Esc in Codex's TUI while it runs, then the user's next message: the turn that carries Codex's words for it. Codex
 * leaves the command running in its background terminal (as it does with a plain `exec_command` from any server, seen
 * with a bare Responses stub), says so, and tells the agent so with that message; its /stop ends it.
 */
async function codexInterrupted(mode: ProtocolMode): Promise<AgentRequestInfo> {
  stack = stopAfter(await startCliStack(mode, KEY));
  const work = tempDir('orchids-codex-interrupt-');
  const call =
    mode.expect === 'sse-a'
      ? [
          ...text('Running it.'),
          ...toolCall({ id: 'toolu_sim_sleep', name: 'exec_command', input: { cmd: 'sleep 60' } }),
          ...finish('tool-calls'),
        ]
      : bash('toolu_sim_sleep', 'sleep 60');
  stack.sim.onAgentRequest(playAgent('Wait a while', call, 'Stopped waiting.'));
  tui = stopAfter(await startCodexTui(work, stack.url, KEY));
  await tui.submit('Wait a while.');
  await tui.waitFor(/Running it\.[\s\S]*esc to interrupt/, 30_000);
  // The interrupt must find the command running: waited for as its process, not for a fixed 3 s.
  await until(() => runningIn(work), { timeoutMs: 30_000, what: 'the sleep to run' });
  tui.press('Escape');
  await tui.waitFor(/Conversation interrupted[\s\S]*1 background terminal running · \/ps to view/, 30_000);
  expect(runningIn(work)).toBe(true);
  await tui.submit('Leave it, then.');
  await tui.waitFor(/Stopped waiting\./, 30_000);
  const second = secondTurn(agentTurns(/Wait a while/));
  expect(second.protocol).toBe(mode.expect);
  expect(upstreamText(second)).toContain('Leave it, then.');
  expect(upstreamText(second)).toContain('Any running unified exec processes may still be running');
  await tui.submit('/stop');
  await tui.waitFor(/Stopping all background terminals/);
  await until(() => !runningIn(work), { timeoutMs: 10_000, what: 'the sleep ended' });
  expect(tui.screen()).not.toMatch(/background terminal running/);
  return second;
}

/** Codex 0.171's words for an interrupted command, as for a declined one. */
const CODEX_INTERRUPTED = /^Wall time: \d+(?:\.\d+)? seconds\naborted by user$/;

describe.each(GEN_B)('Codex interrupted by the user while a command runs ($expect)', (mode) => {
  it('goes to the agent with the next message as an error in Codex’s words', { timeout: 90_000 }, async () => {
    const second = await codexInterrupted(mode);
    expect(onlyResult(second)).toEqual(flagged('call_sim_sleep', expect.stringMatching(CODEX_INTERRUPTED)));
    expect(lastMessageHolds(second, 'Leave it, then.')).toBe(true);
    expect(lastMessageHolds(second, 'Any running unified exec processes may still be running')).toBe(true);
  });
});

describe('Codex interrupted by the user while Generation A’s command runs (sse-a)', () => {
  // Generation A's model calls Codex's exec_command itself, and reads a result as an error only by its flag.
  it('goes to Generation A with the next message flagged, in Codex’s words', { timeout: 90_000 }, async () => {
    const second = await codexInterrupted(pinnedMode('sse-a'));
    expect(sentErrorIds(second)).toEqual(['call_sim_sleep']);
    expect(shownResult(second, 'call_sim_sleep')).toMatch(CODEX_INTERRUPTED);
  });
});

/**
 * The agent's `echo started; sleep 60` on pi's `bash` (Generation B's by its Bash, Generation A's model calling pi's
 * bash itself) interrupted by Esc in pi's window, through Chat Completions (pi's `openai-completions` provider, whose
 * `tool` message has no error flag), then the user's next message: the turn that carries pi's words for it. pi kills
 * the command and ends its turn, leaving the result to go with that message.
 */
async function piInterrupted(mode: ProtocolMode): Promise<AgentRequestInfo> {
  stack = stopAfter(await startCliStack(mode, KEY));
  const work = tempDir('orchids-pi-interrupt-');
  const command = 'echo started; sleep 60';
  const call =
    mode.expect === 'sse-a'
      ? [
          ...text('Running it.'),
          ...toolCall({ id: 'toolu_sim_sleep', name: 'bash', input: { command } }),
          ...finish('tool-calls'),
        ]
      : bash('toolu_sim_sleep', command);
  stack.sim.onAgentRequest(playAgent('Wait a while', call, 'Stopped waiting.'));
  tui = stopAfter(startPiTui(work, stack.url, KEY, 'openai-completions'));
  await tui.waitFor(/pi v0\.73/, 60_000);
  await tui.submit('Wait a while.');
  await tui.waitFor(/\$ echo started; sleep 60\n[\s\S]*started[\s\S]*Working\.\.\./, 30_000);
  await until(() => runningIn(work), { timeoutMs: 30_000, what: 'the sleep to run' });
  tui.press('Escape');
  await tui.waitFor(/started\n[\s\S]*Command aborted[\s\S]*Operation aborted/, 30_000);
  await until(() => !runningIn(work), { timeoutMs: 10_000, what: 'pi to end the sleep' });
  expect(agentTurns(/Wait a while/)).toHaveLength(1);
  await tui.submit('Leave it, then.');
  await tui.waitFor(/Stopped waiting\./, 30_000);
  const second = secondTurn(agentTurns(/Wait a while/));
  expect(second.protocol).toBe(mode.expect);
  expect(upstreamText(second)).toContain('Leave it, then.');
  return second;
}

/** pi 0.73.1's words for a command it stopped on Esc: the output so far, then its own after a blank line. */
const PI_INTERRUPTED = 'started\n\n\nCommand aborted';

describe('pi interrupted by the user while a command runs, through Chat Completions (sse-b)', () => {
  it('goes to the agent with the next message as an error in pi’s words', { timeout: 90_000 }, async () => {
    const second = await piInterrupted(pinnedMode('sse-b'));
    expect(onlyResult(second)).toEqual(flagged('call_sim_sleep', PI_INTERRUPTED));
    expect(lastMessageHolds(second, 'Leave it, then.')).toBe(true);
  });
});

describe('pi interrupted by the user while Generation A’s command runs, through Chat Completions (sse-a)', () => {
  // Generation A's model calls pi's bash itself, and reads a result as an error only by its flag.
  it('goes to Generation A with the next message flagged, in pi’s words', { timeout: 90_000 }, async () => {
    const second = await piInterrupted(pinnedMode('sse-a'));
    expect(sentErrorIds(second)).toEqual(['call_sim_sleep']);
    expect(shownResult(second, 'call_sim_sleep')).toBe(PI_INTERRUPTED);
  });
});
