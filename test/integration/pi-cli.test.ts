import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall } from '../sim/orchids-simulator';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import {
  replayedToolUses,
  sentErrorIds,
  sentToolResults,
  served,
  shownResult,
  turnsAbout,
  twoSettingsToRename,
} from '../helpers/cli-clients';
import { scriptCalls, seenCallId } from '../helpers/edit-scenarios';
import { tempDir } from '../helpers/temp-dir';
import { PI_SERVED_API, piStack, runPi, type PiApi } from '../helpers/pi';

/**
 * The real pi coding agent (`pi` 0.73.1, `@mariozechner/pi-coding-agent`, pinned in devDependencies) pointed at
 * Orchids Tray the way a user would: a `models.json` in its agent dir with one provider on the Anthropic Messages API
 * and one on Chat Completions, then `pi -p …`. Generation B's agent is shown no client tools and calls its own
 * (`Read`, `Edit`, `Bash`, `Write`), which the proxy maps to pi's `read`, `edit` (a list of `oldText`/`newText`
 * edits), `bash` and `write`. A run is a second or two here.
 */
const KEY = 'test-pi-key';
const TIMEOUT = { timeout: 120_000 };
const WS = pinnedMode('ws');
const SSE_B = pinnedMode('sse-b');

function workWithPlan(content: string): { work: string; file: string } {
  const work = tempDir('orchids-pi-work-');
  const file = path.join(work, 'plan.txt');
  fs.writeFileSync(file, content);
  return { work, file };
}

/**
 * The agent reads the plan's second line, edits it, counts its lines in a shell and writes a new file, through
 * `api`; pi runs each call on disk and the agent reads each result, none an error.
 */
async function fixesThePlan(stack: Stack, api: PiApi, topic: string, protocol: string): Promise<void> {
  const openai = api === 'openai-completions';
  const { work, file } = workWithPlan('step one: MANGO\nstep two: KIWI\n');
  const notes = path.join(work, 'notes.txt');
  const calls = [
    { id: `toolu_sim_read_${topic}`, name: 'Read', input: { file_path: file, offset: 2, limit: 1 } },
    {
      id: `toolu_sim_edit_${topic}`,
      name: 'Edit',
      input: { file_path: file, old_string: 'KIWI', new_string: 'PAPAYA' },
    },
    { id: `toolu_sim_bash_${topic}`, name: 'Bash', input: { command: 'wc -l plan.txt > count.txt' } },
    { id: `toolu_sim_write_${topic}`, name: 'Write', input: { file_path: notes, content: 'Fruit: PAPAYA\n' } },
  ];
  scriptCalls(stack, `Fix plan ${topic}`, calls, 'The plan is fixed.', openai);

  const run = await runPi(work, `Fix plan ${topic} in plan.txt`, stack.url, KEY, api);
  expect(run.code, run.stderr + run.stdout).toBe(0);
  expect(run.answer).toBe('The plan is fixed.');
  expect(fs.readFileSync(file, 'utf8')).toBe('step one: MANGO\nstep two: PAPAYA\n');
  expect(fs.readFileSync(path.join(work, 'count.txt'), 'utf8').trim()).toBe('2 plan.txt');
  expect(fs.readFileSync(notes, 'utf8')).toBe('Fruit: PAPAYA\n');
  const last = turnsAbout(stack, new RegExp(`Fix plan ${topic}`)).at(-1)!;
  expect(sentToolResults(last).map((r) => r.tool_use_id)).toEqual(calls.map((c) => seenCallId(c.id, openai)));
  expect(sentErrorIds(last)).toEqual([]);
  const [read, edited] = sentToolResults(last).map((r) => String(r.content));
  expect(read).toContain('step two: KIWI');
  expect(read).not.toContain('step one');
  expect(edited).toBe(`Successfully replaced 1 block(s) in ${file}.`);
  // The history pi sends back holds the calls as pi ran them: its edit a list of one edit, in its own keys.
  expect(replayedToolUses(last).map((u) => u.name)).toEqual(['read', 'edit', 'bash', 'write']);
  expect(replayedToolUses(last)[1]!.input).toEqual({ path: file, edits: [{ oldText: 'KIWI', newText: 'PAPAYA' }] });
  expect(last.protocol).toBe(protocol);
  // One request a turn, newest first in the history: the four calls and the answer.
  const row = { api: PI_SERVED_API[api], stream: true, status: 200, protocol };
  expect((await served(stack)).slice(0, 5)).toEqual([row, row, row, row, row]);
}

/** pi -p prints the agent's streamed answer, sent in `chunks` pieces, in one upstream turn on `protocol`. */
async function printsAnswer(stack: Stack, prompt: string, answer: string, chunks: number, protocol: string) {
  stack.sim.onAgentRequest((req) =>
    upstreamText(req).includes(prompt) ? sse([...text(answer, { chunks }), ...finish()]) : undefined,
  );
  const run = await runPi(tempDir('orchids-pi-work-'), prompt, stack.url, KEY, 'anthropic-messages');
  expect(run.code, run.stderr + run.stdout).toBe(0);
  expect(run.answer).toBe(answer);
  expect(turnsAbout(stack, new RegExp(prompt)).map((t) => t.protocol)).toEqual([protocol]);
}

describe('pi through Orchids Tray (pinned ws)', () => {
  const stack = piStack(WS, KEY);

  it('prints a streamed answer on the Anthropic Messages API, in one upstream turn', TIMEOUT, async () => {
    await printsAnswer(stack(), 'Say hello', 'Hello from Orchids, in five streamed pieces.', 5, 'ws');
    expect(await served(stack())).toContainEqual({ api: 'anthropic', stream: true, status: 200, protocol: 'ws' });
  });

  it('streams the answer as events on Chat Completions in --mode json', TIMEOUT, async () => {
    const answer = 'Hello from Orchids, in four pieces.';
    stack().sim.onAgentRequest((req) =>
      upstreamText(req).includes('Say hi') ? sse([...text(answer, { chunks: 4 }), ...finish()]) : undefined,
    );

    const run = await runPi(tempDir('orchids-pi-work-'), 'Say hi', stack().url, KEY, 'openai-completions', {
      mode: 'json',
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const events = run.stdout
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, any>);
    const deltas = events.filter((e) => e.assistantMessageEvent?.type === 'text_delta');
    expect(deltas.map((e) => e.assistantMessageEvent.delta as string).join('')).toBe(answer);
    expect(deltas.length).toBeGreaterThan(1);
    const end = events.find((e) => e.type === 'message_end' && e.message.role === 'assistant')!;
    expect(end.message).toMatchObject({
      content: [{ type: 'text', text: answer }],
      api: 'openai-completions',
      provider: 'orchids-openai',
      model: 'claude-sonnet-4-6',
      stopReason: 'stop',
    });
    expect(end.message.usage.output).toBeGreaterThan(0);
    expect(events.at(-1)!.type).toBe('agent_end');
    expect(await served(stack())).toContainEqual({ api: 'openai-chat', stream: true, status: 200, protocol: 'ws' });
  });

  it('reads, edits and writes files and runs a shell command on the Anthropic Messages API', TIMEOUT, async () => {
    await fixesThePlan(stack(), 'anthropic-messages', 'anthropic', 'ws');
  });

  it('does the same on Chat Completions', TIMEOUT, async () => {
    await fixesThePlan(stack(), 'openai-completions', 'openai', 'ws');
  });

  it('makes the agent’s MultiEdit as pi’s edits, in order, on disk', TIMEOUT, async () => {
    const { work, file, multiEdit, renamed } = twoSettingsToRename('orchids-pi-work-', 'limits.ini');
    stack().sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (!seen.includes('limits.ini')) return undefined;
      if (seen.includes('toolu_sim_multi_0001-2')) return sse(reply('Both limits are renamed.'));
      return sse([
        ...toolCall({ id: 'toolu_sim_multi_0001', name: 'MultiEdit', input: multiEdit }),
        ...finish('tool-calls'),
      ]);
    });

    const run = await runPi(work, 'Rename alpha and beta in limits.ini', stack().url, KEY, 'anthropic-messages');
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('Both limits are renamed.');
    const last = turnsAbout(stack(), /limits\.ini/).at(-1)!;
    // One pi edit an edit, each a list of one: pi matches a list's edits against the file as it was, the agent's
    // MultiEdit each edit against the file as the one before left it.
    expect(replayedToolUses(last).map((u) => [u.id, u.name, u.input])).toEqual(
      multiEdit.edits.map((edit, at) => [
        at === 0 ? 'toolu_sim_multi_0001' : `toolu_sim_multi_0001-${at + 1}`,
        'edit',
        { path: file, edits: [{ oldText: edit.old_string, newText: edit.new_string }] },
      ]),
    );
    expect(sentErrorIds(last)).toEqual([]);
    expect(fs.readFileSync(file, 'utf8')).toBe(renamed);
  });

  it('shows the proxy’s error when no account can serve, and asks once', TIMEOUT, async () => {
    for (const id of stack().accountIds) stack().core.accounts.update(id, { enabled: false });
    try {
      const messages = await runPi(tempDir('orchids-pi-work-'), 'Say hi again', stack().url, KEY, 'anthropic-messages');
      const chat = await runPi(tempDir('orchids-pi-work-'), 'Say hi again', stack().url, KEY, 'openai-completions');
      // The stack's data folder is its own, so the command names it (printedCommand).
      const words =
        'Every Orchids account is disabled. Enable one in Orchids Tray, or run: ' +
        `ORCHIDS_TRAY_DATA_DIR=${stack().dataDir} npm run cli -- accounts enable <id>`;
      for (const run of [messages, chat]) {
        expect(run.code, run.stderr + run.stdout).toBe(1);
        expect(run.stdout).toBe('');
      }
      // pi prints the status and the body of an Anthropic error as it came, and the message of an OpenAI one.
      expect(messages.stderr).toMatch(/^424 \{"type":"error","error":\{"type":"api_error","message":"(.*)"\}/);
      expect(messages.stderr).toContain(`"message":"${words}"`);
      expect(chat.stderr.trim()).toBe(`424 ${words}`);
      expect((await served(stack())).filter((r) => r.status === 424)).toEqual([
        { api: 'openai-chat', stream: true, status: 424, protocol: null },
        { api: 'anthropic', stream: true, status: 424, protocol: null },
      ]);
    } finally {
      for (const id of stack().accountIds) stack().core.accounts.update(id, { enabled: true });
    }
  });
});

describe('pi through Orchids Tray (pinned sse-b)', () => {
  const stack = piStack(SSE_B, KEY);

  it('reads, edits and writes files and runs a shell command on the Anthropic Messages API', TIMEOUT, async () => {
    await fixesThePlan(stack(), 'anthropic-messages', 'sseb', 'sse-b');
  });
});

describe('pi through Orchids Tray (pinned sse-a)', () => {
  const SSE_A = pinnedMode('sse-a');
  const stack = piStack(SSE_A, KEY);

  it('prints a streamed answer on the Messages API', TIMEOUT, async () => {
    await printsAnswer(stack(), 'Greet me', 'Hello from Generation A, in three pieces.', 3, 'sse-a');
  });

  it('is shown pi’s tools and runs its bash on Chat Completions, the output read back', TIMEOUT, async () => {
    const work = tempDir('orchids-pi-work-');
    fs.writeFileSync(path.join(work, 'code.txt'), 'The code is QUINCE-41.\n');
    const id = 'toolu_sim_genabash_0001';
    stack().sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (!seen.includes('Show code.txt')) return undefined;
      if (seen.includes('QUINCE-41')) return sse(reply('The code is QUINCE-41.'));
      return sse([...toolCall({ id, name: 'bash', input: { command: 'cat code.txt' } }), ...finish('tool-calls')]);
    });

    const run = await runPi(work, 'Show code.txt', stack().url, KEY, 'openai-completions');
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('The code is QUINCE-41.');
    const [first, second] = turnsAbout(stack(), /Show code\.txt/);
    expect((first!.body.tools as Array<{ name: string }>).map((t) => t.name)).toEqual(
      expect.arrayContaining(['read', 'bash', 'edit', 'write']),
    );
    expect(upstreamText(first!)).not.toContain('QUINCE-41');
    expect(second!.body.prompt).toMatch(
      new RegExp(`<tool_result tool_use_id="${seenCallId(id, true)}">[\\s\\S]*The code is QUINCE-41`),
    );
    expect(sentErrorIds(second!)).toEqual([]);
  });

  it(
    'gives Generation A a command that exits non-zero or times out as an error in pi’s words, and not one that passes',
    TIMEOUT,
    async () => {
      // pi's bash as Generation A is shown it: the model calls it itself, and Chat Completions carries no error flag.
      // Its `timeout` is in seconds, a fraction as its schema lets the model give it; pi stops the command there.
      const calls = [
        { id: 'toolu_sim_genafail_0001', name: 'bash', input: { command: 'echo half-done; exit 3' } },
        { id: 'toolu_sim_genapass_0001', name: 'bash', input: { command: 'echo all-done' } },
        { id: 'toolu_sim_genastop_0001', name: 'bash', input: { command: 'echo started; sleep 3', timeout: 0.5 } },
      ];
      scriptCalls(stack(), 'Run the steps', calls, 'One failed.', true);

      const run = await runPi(tempDir('orchids-pi-work-'), 'Run the steps', stack().url, KEY, 'openai-completions');
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.answer).toBe('One failed.');
      const turns = turnsAbout(stack(), /Run the steps/);
      expect(turns.map((t) => t.protocol)).toEqual(['sse-a', 'sse-a', 'sse-a', 'sse-a']);
      const [failed, passed, stopped] = calls.map((c) => seenCallId(c.id, true));
      const last = turns.at(-1)!;
      expect(sentErrorIds(last).sort()).toEqual([failed, stopped]);
      // pi's words as it wrote them: the output, then its last line after a blank line.
      expect(shownResult(last, failed!)).toBe('half-done\n\n\nCommand exited with code 3');
      expect(shownResult(last, passed!)).toBe('all-done\n');
      expect(shownResult(last, stopped!)).toBe('started\n\n\nCommand timed out after 0.5 seconds');
    },
  );
});
