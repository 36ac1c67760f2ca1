import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall } from '../sim/orchids-simulator';
import { pinnedMode, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { served, startCliStack, turnsAbout } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { refusedHandshakes, runCodex, type CodexRun } from '../helpers/codex';

/**
 * The real Codex CLI on its built-in `openai` provider, pointed at the proxy by `openai_base_url` with the key in
 * CODEX_API_KEY, as users set it up instead of README's custom provider. That provider opens a WebSocket on
 * `GET /v1/responses` before it posts (the proxy's 426 sends it to HTTP at once: server/websocket-upgrade.ts), and
 * compacts remotely, with a `compaction_trigger` input item it needs one `compaction` item back for
 * (openai/compaction.ts). Generation B (`ws`): its agent calls its own Bash, which the proxy renames to Codex's shell.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-codex-builtin-key';
const WS = pinnedMode('ws');
const TIMEOUT = { timeout: 120_000 };

/**
 * What went wrong on screen: Codex's `Reconnecting…` events (one per retried handshake), its `Falling back…` error
 * item, a failed turn.
 */
const troubles = (run: CodexRun) =>
  [
    ...run.events.filter((e) => e.type === 'error' || e.type === 'turn.failed'),
    ...run.items.filter((i) => i.type === 'error'),
  ].map((e) => JSON.stringify(e));

describe('Codex CLI on its built-in openai provider (ws)', () => {
  it('answers a plain exec over HTTP with no WebSocket retries and nothing refused', { timeout: 90_000 }, async () => {
    stack = await startCliStack(WS, KEY);
    stack.sim.onAgentRequest((req) => (upstreamText(req).includes('Name a fruit') ? sse(reply('A kiwi.')) : undefined));
    const run = await runCodex(tempDir('orchids-codex-work-'), 'Name a fruit.', stack.url, KEY, {
      builtinProvider: true,
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalMessage).toBe('A kiwi.');
    expect(troubles(run)).toEqual([]);
    expect(refusedHandshakes(run), run.stderr).toBe(1);
    expect(turnsAbout(stack, /Name a fruit/)).toHaveLength(1);
    expect(await served(stack)).toMatchObject([{ api: 'openai-responses', status: 200, protocol: 'ws' }]);
  });

  it("stops at once on a wrong key, in the proxy's words, with no reconnects", { timeout: 90_000 }, async () => {
    stack = await startCliStack(WS, KEY);
    const run = await runCodex(tempDir('orchids-codex-work-'), 'Name a fruit.', stack.url, 'not-the-key', {
      builtinProvider: true,
      logLevel: 'warn',
    });
    expect(run.code).not.toBe(0);
    const said = troubles(run);
    expect(
      said.filter((line) => /Reconnecting|Falling back/.test(line)),
      said.join('\n'),
    ).toEqual([]);
    expect(run.events.find((e) => e.type === 'turn.failed')?.error).toMatchObject({
      message: expect.stringContaining('Incorrect API key provided: it is not the key set in Orchids Tray'),
    });
    // Codex 0.171 asks twice and stops at the second 400 (a handshake's 401 it retried five times, then the POST's).
    // The first is its startup prewarm, whose failure it only logs as a warning and forgets: the turn connects anew.
    // Only a 426 would keep it from asking again, by sending the session to HTTP, where the POST's 401 is retried.
    const prewarm = run.stderr.split('\n').filter((line) => line.includes('startup websocket prewarm setup failed'));
    expect(prewarm, run.stderr).toEqual([expect.stringContaining('Incorrect API key provided')]);
    expect(refusedHandshakes(run), run.stderr).toBe(2);
    expect(turnsAbout(stack, /Name a fruit/)).toEqual([]);
  });

  // The model may call a tool while it writes the summary: the call is dropped, and the text after it kept.
  const called = [
    ...text('SUMMARY: echo ', { id: '1' }),
    ...toolCall({ id: 'toolu_sim_compact_02', name: 'Bash', input: { command: 'ls' } }),
    ...text('printed KIWI-7.', { id: '2' }),
    ...finish('tool-calls'),
  ];
  it.each([
    ['', reply('SUMMARY: echo printed KIWI-7.')],
    [' when the model calls a tool amid the summary', called],
  ])('compacts remotely mid-turn and goes on from the summary%s', TIMEOUT, async (_, summary) => {
    stack = await startCliStack(WS, KEY);
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('Write a summary of the conversation')) return sse(summary);
      if (seen.includes('SUMMARY: echo printed KIWI-7.')) return sse(reply('Carried on: the code is KIWI-7.'));
      if (seen.includes('Print the code')) {
        return sse([
          ...toolCall({
            id: 'toolu_sim_compact_01',
            name: 'Bash',
            input: { command: 'echo KIWI-7', description: 'Print' },
          }),
          ...finish('tool-calls'),
        ]);
      }
      return undefined;
    });
    // Far below one request's size (Codex's own instructions alone are thousands of tokens): the request after the
    // command's output is over the limit, and Codex compacts before sending it.
    const run = await runCodex(tempDir('orchids-codex-work-'), 'Print the code with echo.', stack.url, KEY, {
      builtinProvider: true,
      compactAt: 2000,
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(troubles(run)).toEqual([]);
    expect(run.items.find((i) => i.type === 'command_execution')).toMatchObject({ exit_code: 0 });
    expect(run.finalMessage).toBe('Carried on: the code is KIWI-7.');
    expect(refusedHandshakes(run), run.stderr).toBe(1);
    expect(turnsAbout(stack, /Write a summary of the conversation/)).toHaveLength(1);
    const rows = await served(stack);
    expect(rows.filter((r) => r.status !== 200 || r.protocol !== 'ws')).toEqual([]);
  });
});

describe('Codex CLI’s remote compaction answered by a tool call alone (ws)', () => {
  it('fails the compaction, which Codex asks twice more, and the turn ends in the proxy’s words', TIMEOUT, async () => {
    stack = await startCliStack(WS, KEY);
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('Write a summary of the conversation')) {
        return sse([...toolCall({ id: 'toolu_sim_compact_09', name: 'Bash', input: { command: 'ls' } }), ...finish()]);
      }
      if (seen.includes('compacted_history')) return sse(reply('Carried on from an empty summary.'));
      if (!seen.includes('Print the code')) return undefined;
      const call = { id: 'toolu_sim_compact_03', name: 'Bash', input: { command: 'echo KIWI-7', description: 'P' } };
      return sse([...toolCall(call), ...finish('tool-calls')]);
    });
    const run = await runCodex(tempDir('orchids-codex-work-'), 'Print the code with echo.', stack.url, KEY, {
      builtinProvider: true,
      compactAt: 2000,
    });
    expect(run.code).not.toBe(0);
    // Before, Codex took an empty summary as the whole conversation and carried on from nothing.
    expect(run.finalMessage).toBeUndefined();
    expect(run.events.find((e) => e.type === 'turn.failed')?.error).toMatchObject({
      message: expect.stringContaining('The upstream model wrote no summary for the compaction'),
    });
    expect(turnsAbout(stack, /Write a summary of the conversation/)).toHaveLength(3);
    expect(refusedHandshakes(run), run.stderr).toBe(1);
    expect((await served(stack)).map((row) => row.status)).toEqual([502, 502, 502, 200]);
  });
});
