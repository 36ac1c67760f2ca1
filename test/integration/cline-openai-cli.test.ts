import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, thinking, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { ALL_MODES, PINNED_MODES, upstreamText, type ProtocolMode } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import {
  replayedToolUses,
  startCliStack,
  turnsAbout as turnsIn,
  served as servedBy,
  type ServedRow,
} from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import { runCline, toolInputs, toolRuns, type ClineRun } from '../helpers/cline';

/**
 * The real Cline CLI (3.x, pinned in devDependencies) pointed at Orchids Tray through its "OpenAI Compatible"
 * provider, as many Cline users set up a proxy: a providers.json naming the proxy's `/v1` as the
 * `openai-compatible` provider's base URL (what `cline auth openai-compatible -k … -m … -b …` writes), then
 * `cline --json -P openai-compatible …`. Cline then speaks Chat Completions (`POST /v1/chat/completions`, always
 * streamed, with `stream_options.include_usage`) through the Vercel AI SDK, and declares its tools as OpenAI
 * function tools. The simulator plays the model and answers only once what Cline's tool produced comes back to it,
 * so each answer proves the whole loop over the OpenAI route: our streamed `tool_calls`, Cline running the tool,
 * Cline's next request with a `tool` message, and our rendering of it upstream.
 *
 * Generation A (`sse-a`) is shown Cline's tools, so the simulated model calls them as declared. Generation B (`ws`,
 * `sse-b`) is shown no client tools: its agent calls its own `Bash` and `Read`, which the proxy renames to Cline's
 * `run_commands` and `read_files` and turns into the one-item lists those take.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-cline-openai-key';
const SECRET = 'PINEAPPLE-42';

async function start(mode: ProtocolMode): Promise<Stack> {
  stack = await startCliStack(mode, KEY);
  return stack;
}

const turnsAbout = (pattern: RegExp): AgentRequestInfo[] => turnsIn(stack, pattern);

const served = (): Promise<ServedRow[]> => servedBy(stack);

const viaOpenAI = (cwd: string, prompt: string): Promise<ClineRun> =>
  runCline(cwd, prompt, stack.url, KEY, { provider: 'openai-compatible' });

/** The text Cline streamed to its output, piece by piece, as its `content_start` text events carry it. */
function textPieces(run: ClineRun): unknown[] {
  return run.events.filter((e) => e.type === 'content_start' && e.contentType === 'text').map((e) => e.text);
}

/** The token counts Cline read for each model turn (its `usage` events). */
function usages(run: ClineRun): Array<{ inputTokens: unknown; outputTokens: unknown }> {
  return run.events
    .filter((e) => e.type === 'usage')
    .map(({ inputTokens, outputTokens }) => ({ inputTokens, outputTokens }));
}

describe.each(ALL_MODES)('Cline through the OpenAI-compatible provider ($name)', (mode) => {
  it('shows a streamed answer, with the usage the last chunk carries', { timeout: 90_000 }, async () => {
    await start(mode);
    const answer = 'Hello from Orchids, in five streamed pieces.';
    stack.sim.onAgentRequest((req) =>
      upstreamText(req).includes('Say hello')
        ? sse([...text(answer, { chunks: 5 }), ...finish('stop', { inputTokens: 321, outputTokens: 17 })])
        : undefined,
    );

    const run = await viaOpenAI(tempDir('orchids-cline-work-'), 'Say hello');
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe(answer);
    expect(run.finishReason).toBe('completed');
    expect(run.lines.filter((l) => l.type === 'error')).toEqual([]);
    // Streamed: the answer reached Cline in the pieces the upstream sent, not as one block at the end.
    expect(textPieces(run).length).toBeGreaterThan(1);
    expect(textPieces(run).join('')).toBe(answer);
    // Cline asks for `stream_options.include_usage` and reads the counts from the usage chunk alone.
    expect(usages(run)).toEqual([{ inputTokens: 321, outputTokens: 17 }]);
    expect(turnsAbout(/Say hello/).map((t) => t.protocol)).toEqual([mode.expect]);
    expect(await served()).toEqual([{ api: 'openai-chat', stream: true, status: 200, protocol: mode.expect }]);
  });

  it(
    'asks for thinking at --thinking high and shows the reasoning apart from the answer',
    { timeout: 90_000 },
    async () => {
      await start(mode);
      const reasoning = 'The user wants a greeting; one short line will do.';
      stack.sim.onAgentRequest((req) =>
        upstreamText(req).includes('Greet me')
          ? sse([...thinking(reasoning, { signature: 'sig-sim-1' }), ...text('Hello.'), ...finish()])
          : undefined,
      );

      const run = await runCline(tempDir('orchids-cline-work-'), 'Greet me', stack.url, KEY, {
        provider: 'openai-compatible',
        thinking: 'high',
      });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.finalText).toBe('Hello.');
      // Cline sends `reasoning_effort: "high"`, which asks the upstream to think (Generation A: a 16,384-token
      // budget); the thinking comes back as `reasoning_content`, which Cline shows as reasoning, not as answer text.
      const [turn] = turnsAbout(/Greet me/);
      if (mode.expect === 'sse-a') {
        expect(turn!.body.prompt).toContain('<thinking_mode>enabled</thinking_mode>');
        expect(turn!.body.prompt).toContain('<max_thinking_length>16384</max_thinking_length>');
      } else expect(turn!.body.config.thinkingMode).toBe('enabled');
      const shown = run.events.filter((e) => e.type === 'content_end' && e.contentType === 'reasoning');
      expect(shown.map((e) => e.reasoning)).toEqual([reasoning]);
      expect(textPieces(run).join('')).toBe('Hello.');
    },
  );
});

describe.each(ALL_MODES)('Cline runs its tools through the OpenAI-compatible provider ($name)', (mode) => {
  const genA = mode.expect === 'sse-a';

  // Its run_commands loop through this provider runs beside the Anthropic provider's, in cline-cli.test.ts.

  it('thinks before a tool call and replays that thinking with the call', { timeout: 90_000 }, async () => {
    await start(mode);
    const work = tempDir('orchids-cline-work-');
    fs.writeFileSync(path.join(work, 'secret-plan.txt'), `The plan is ${SECRET}.\n`);
    const reasoning = 'The plan is in a file; cat will show it.';
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes(SECRET)) return sse(reply(`The plan is ${SECRET}.`));
      if (!seen.includes('secret-plan.txt')) return undefined;
      const call = genA
        ? { name: 'run_commands', input: { commands: ['cat secret-plan.txt'] } }
        : { name: 'Bash', input: { command: 'cat secret-plan.txt', description: 'Show the plan' } };
      return sse([
        ...thinking(reasoning, { signature: 'sig-sim-2' }),
        ...toolCall({ id: 'toolu_sim_shell_0003', ...call }),
        ...finish('tool-calls'),
      ]);
    });

    const run = await runCline(work, 'What does secret-plan.txt say?', stack.url, KEY, {
      provider: 'openai-compatible',
      thinking: 'high',
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe(`The plan is ${SECRET}.`);
    expect(toolRuns(run).map((r) => r.toolCallId)).toEqual(['call_sim_shell_0003']);
    const turns = turnsAbout(/secret-plan\.txt/);
    expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
    if (!genA) {
      // Cline sends the thinking back as the assistant message's `reasoning_content`; it goes upstream where the
      // Messages API's thinking block would, ahead of the call (Generation B carries the block's type alone).
      const replayed = (turns[1]!.body.messages as Array<{ role: string; content: unknown }>).find(
        (m) => m.role === 'assistant',
      );
      expect(replayed?.content).toEqual([
        { type: 'thinking' },
        expect.objectContaining({ type: 'tool_use', id: 'call_sim_shell_0003', name: 'run_commands' }),
      ]);
      expect(turns.map((t) => t.body.config.thinkingMode)).toEqual(['enabled', 'enabled']);
    }
  });

  it('reads a file with read_files', { timeout: 90_000 }, async () => {
    await start(mode);
    const work = tempDir('orchids-cline-work-');
    const file = path.join(work, 'notes.txt');
    fs.writeFileSync(file, 'Remember MANGO-77.\n');
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (seen.includes('MANGO-77')) return sse(reply('The notes say MANGO-77.'));
      if (!seen.includes('notes.txt')) return undefined;
      const call = genA
        ? { id: 'toolu_sim_read_0001', name: 'read_files', input: { files: [{ path: file }] } }
        : { id: 'toolu_sim_read_0001', name: 'Read', input: { file_path: file, offset: 1, limit: 50 } };
      return sse([...toolCall(call), ...finish('tool-calls')]);
    });

    const run = await viaOpenAI(work, 'What do my notes.txt say?');
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe('The notes say MANGO-77.');
    // On Generation B the agent's one file_path reached Cline as the list of file entries read_files requires, its
    // offset and limit as the first and last line.
    const entry = genA ? { path: file } : { path: file, start_line: 1, end_line: 50 };
    expect(toolInputs(run)).toEqual([{ files: [entry] }]);
    expect(toolRuns(run)).toEqual([
      { toolName: 'read_files', toolCallId: 'call_sim_read_0001', output: expect.anything() },
    ]);
    expect(JSON.stringify(toolRuns(run)[0]?.output)).toContain('Remember MANGO-77.');
    expect(turnsAbout(/notes\.txt/).map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
    expect((await served()).map((row) => row.api)).toEqual(['openai-chat', 'openai-chat']);
  });
});

/**
 * What a user does in Cline's window, in one turn of the agent's: it reads one file, edits another and writes a
 * third, three calls in the one Chat Completions answer (`tool_calls` at index 0, 1 and 2). The Read streams as it
 * arrives; the Edit and the Write become `editor` calls the proxy holds whole first (their inputs change shape), so
 * a call that streams and calls that are held must still reach Cline in the agent's order, each under its own
 * index and `call_…` id, and each result must go back upstream paired with its call. Generation B alone: Generation
 * A is shown Cline's tools and calls them as declared, with nothing held.
 */
describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-a'))(
  "Cline runs three of the agent's calls in one turn through the OpenAI-compatible provider ($name)",
  (mode) => {
    it('reads, edits and writes, in order, and the agent gets each result', { timeout: 120_000 }, async () => {
      await start(mode);
      const work = tempDir('orchids-cline-work-');
      const readme = path.join(work, 'readme.txt');
      const config = path.join(work, 'config.ini');
      const created = path.join(work, 'created.txt');
      fs.writeFileSync(readme, 'The code word is KIWI-31.\n');
      fs.writeFileSync(config, 'name = demo\nlevel = 1\n');
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (!seen.includes('config.ini')) return undefined;
        if (seen.includes('KIWI-31') && seen.includes(`Edited ${config}`) && seen.includes('File created'))
          return sse(reply('KIWI-31 read, level 2 set, created.txt written.'));
        return sse([
          ...text('Reading, editing and writing.'),
          ...toolCall({ id: 'toolu_sim_read_0007', name: 'Read', input: { file_path: readme } }),
          ...toolCall({
            id: 'toolu_sim_edit_0007',
            name: 'Edit',
            input: { file_path: config, old_string: 'level = 1', new_string: 'level = 2' },
            chunks: 3,
          }),
          ...toolCall({
            id: 'toolu_sim_write_0007',
            name: 'Write',
            input: { file_path: created, content: 'made by the agent\n' },
            chunks: 2,
          }),
          ...finish('tool-calls'),
        ]);
      });

      const run = await viaOpenAI(work, 'Read readme.txt, set level to 2 in config.ini, and create created.txt.');
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.finalText).toBe('KIWI-31 read, level 2 set, created.txt written.');
      expect(fs.readFileSync(config, 'utf8')).toBe('name = demo\nlevel = 2\n');
      expect(fs.readFileSync(created, 'utf8')).toBe('made by the agent\n');
      expect(toolInputs(run)).toEqual([
        { files: [{ path: readme }] },
        { path: config, old_text: 'level = 1', new_text: 'level = 2' },
        { path: created, new_text: 'made by the agent\n' },
      ]);
      expect(toolRuns(run).map(({ toolName, toolCallId }) => ({ toolName, toolCallId }))).toEqual([
        { toolName: 'read_files', toolCallId: 'call_sim_read_0007' },
        { toolName: 'editor', toolCallId: 'call_sim_edit_0007' },
        { toolName: 'editor', toolCallId: 'call_sim_write_0007' },
      ]);

      // Two agent turns: the three calls, then the answer from their three results, each paired with its call.
      const turns = turnsAbout(/config\.ini/);
      expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
      expect(replayedToolUses(turns[1]!).map(({ id, name }) => ({ id, name }))).toEqual([
        { id: 'call_sim_read_0007', name: 'read_files' },
        { id: 'call_sim_edit_0007', name: 'editor' },
        { id: 'call_sim_write_0007', name: 'editor' },
      ]);
      const results = (turns[1]!.body.messages as Array<{ ToolResults?: Array<{ ToolUseID: string }> }>).flatMap(
        (m) => m.ToolResults?.map((r) => r.ToolUseID) ?? [],
      );
      expect(results).toEqual(['call_sim_read_0007', 'call_sim_edit_0007', 'call_sim_write_0007']);
      expect(await served()).toEqual([
        { api: 'openai-chat', stream: true, status: 200, protocol: mode.expect },
        { api: 'openai-chat', stream: true, status: 200, protocol: mode.expect },
      ]);
    });
  },
);
