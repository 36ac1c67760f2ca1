import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { finish, reply, sse, textParts, thinking, toolCall, type SimStep } from '../sim/orchids-simulator';
import { answered, pinnedMode, sentToolPair, upstreamModel, upstreamText } from '../helpers/upstream';
import { tempDir } from '../helpers/temp-dir';
import { runClaude, streamJsonEvents } from '../helpers/claude-code';
import { sentToolResults, startCliStack } from '../helpers/cli-clients';
import { stopsAfterEach } from '../helpers/stops-after-each';

/**
 * What a script driving the real Claude Code 2.1.332 headless (`claude -p`) sees through the proxy on Generation B's
 * WebSocket: the partial messages it prints as they stream, the model each `--model` alias reaches, and a command the
 * agent runs in the background, reads the output of later and stops.
 */
const stopAfter = stopsAfterEach();
const KEY = 'test-claude-code-key';
const WS = pinnedMode('ws');
const env = (url: string) => ({ ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: KEY });

interface StreamEvent {
  type: string;
  event?: {
    type: string;
    content_block?: { type: string };
    delta?: { type: string; text?: string; thinking?: string; partial_json?: string };
  };
  result?: string;
  is_error?: boolean;
}

/** Each message Claude Code streamed (`--include-partial-messages`): its blocks' types and the deltas of each. */
function streamedMessages(stdout: string) {
  const events = streamJsonEvents<StreamEvent>(stdout);
  const messages: Array<{ blocks: string[]; deltas: Record<string, string[]> }> = [];
  for (const { type, event } of events) {
    if (type !== 'stream_event' || !event) continue;
    if (event.type === 'message_start') messages.push({ blocks: [], deltas: {} });
    const current = messages.at(-1)!;
    if (event.type === 'content_block_start') current.blocks.push(event.content_block!.type);
    const delta = event.delta;
    if (event.type === 'content_block_delta' && delta) {
      (current.deltas[delta.type] ??= []).push(delta.text ?? delta.thinking ?? delta.partial_json ?? '');
    }
  }
  return { messages, result: events.at(-1) };
}

describe('Claude Code headless through Generation B (pinned ws)', () => {
  it(
    "prints the agent's thinking, text and tool input as partial messages, in order, each once",
    { timeout: 90_000 },
    async () => {
      const stack = stopAfter(await startCliStack(WS, KEY));
      const work = tempDir('orchids-cc-work-');
      const notes = path.join(work, 'notes.txt');
      fs.writeFileSync(notes, 'The tide turns at 16:20.\n');
      const call = 'toolu_sim_partial_0001';
      const firstThought = 'The user asks about the tide. The notes file should say.';
      const secondThought = 'The notes name the hour; I answer with it.';
      stack.sim.onAgentRequest((req) => {
        if (!upstreamText(req).includes('tide')) return undefined;
        if (!JSON.stringify(req.body).includes(call)) {
          return sse([
            ...thinking(firstThought, { chunks: 3 }),
            ...textParts(['Let me ', 'check ', 'the notes.']),
            ...toolCall({ id: call, name: 'Read', input: { file_path: notes }, chunks: 3 }),
            ...finish('tool-calls'),
          ]);
        }
        return sse([
          ...thinking(secondThought, { chunks: 2 }),
          ...textParts(['The tide ', 'turns at ', '16:20.']),
          ...finish(),
        ]);
      });

      const result = await runClaude(work, 'When does the tide turn? notes.txt here says.', env(stack.url), {
        stream: true,
        allowedTools: ['Read'],
      });
      expect(result.code, result.stderr).toBe(0);
      const { messages, result: last } = streamedMessages(result.stdout);
      expect(last).toMatchObject({ type: 'result', is_error: false, result: 'The tide turns at 16:20.' });
      expect(messages.map((m) => m.blocks)).toEqual([
        ['thinking', 'text', 'tool_use'],
        ['thinking', 'text'],
      ]);
      const [first, second] = messages;
      expect(first!.deltas['thinking_delta']!.join('')).toBe(firstThought);
      expect(first!.deltas['text_delta']!.join('')).toBe('Let me check the notes.');
      expect(JSON.parse(first!.deltas['input_json_delta']!.join(''))).toEqual({ file_path: notes });
      expect(second!.deltas['thinking_delta']!.join('')).toBe(secondThought);
      expect(second!.deltas['text_delta']!.join('')).toBe('The tide turns at 16:20.');
      expect(Object.keys(second!.deltas).sort()).toEqual(['text_delta', 'thinking_delta']);
      // The file was read: the second turn carried its line.
      const turns = answered(stack.sim.requests).filter((r) => upstreamText(r).includes('tide'));
      expect(turns).toHaveLength(2);
      expect(sentToolPair(turns[1]!, call, 'Read', '16:20')).toBe(true);
    },
  );

  it(
    'sends each --model alias as the model Claude Code names for it, mapped to the upstream family',
    { timeout: 120_000 },
    async () => {
      const stack = stopAfter(await startCliStack(WS, KEY));
      stack.sim.onAgentRequest(() => sse(reply('ok')));
      const work = tempDir('orchids-cc-work-');
      const seen: Array<[string, string | null, string | undefined]> = [];
      for (const model of ['haiku', 'sonnet', 'opus', 'claude-haiku-4-5-20251001']) {
        const before = answered(stack.sim.requests).length;
        const result = await runClaude(work, 'Say ok', env(stack.url), { model });
        expect(result.code, result.stderr).toBe(0);
        expect(JSON.parse(result.stdout)).toMatchObject({ is_error: false, result: 'ok' });
        // One request a run: no title or other side request on a smaller model in `-p` mode.
        const upstream = answered(stack.sim.requests).slice(before);
        expect(upstream).toHaveLength(1);
        await stack.core.internals.history.flushNow();
        const [row] = stack.core.internals.historyRepo.query({});
        seen.push([model, row!.model, upstreamModel(upstream[0]!)]);
      }
      // Claude Code 2.1.332 resolves its aliases to its newest ids, which the upstream does not serve: each reaches
      // the newest upstream model of its family (the model map's `claude-<family>-*`).
      expect(seen).toEqual([
        ['haiku', 'claude-haiku-5-5', 'claude-haiku-4-5'],
        ['sonnet', 'claude-sonnet-5-5', 'claude-sonnet-4-6'],
        ['opus', 'claude-opus-5-5', 'claude-opus-4-6'],
        ['claude-haiku-4-5-20251001', 'claude-haiku-4-5-20251001', 'claude-haiku-4-5'],
      ]);
    },
  );

  it(
    'runs the agent’s background Bash, reads its output file on a later turn, and stops it with TaskStop',
    { timeout: 90_000 },
    async () => {
      const stack = stopAfter(await startCliStack(WS, KEY));
      const work = tempDir('orchids-cc-work-');
      const start = 'toolu_sim_bg_0001';
      const read = 'toolu_sim_bg_0002';
      const stop = 'toolu_sim_bg_0003';
      const calls = (steps: SimStep[]) => sse([...steps, ...finish('tool-calls')]);
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (!seen.includes('watcher')) return undefined;
        const results = new Map(sentToolResults(req).map((r) => [r.tool_use_id, JSON.stringify(r.content)]));
        if (results.has(stop)) return sse(reply('Stopped the watcher.'));
        // Claude Code's answer to a background command: its task id and the file its output goes to.
        const started = /background with ID: (\w+)\. Output is being written to: (\S+\.output)/.exec(
          results.get(start) ?? '',
        );
        if (!started) {
          return calls(
            toolCall({
              id: start,
              name: 'Bash',
              input: {
                command: 'echo WATCHER-TICK-1; sleep 30',
                description: 'Start watcher',
                run_in_background: true,
              },
            }),
          );
        }
        const [, taskId, outputFile] = started;
        if (results.has(read)) return calls(toolCall({ id: stop, name: 'TaskStop', input: { task_id: taskId } }));
        // Give the command time to write its first line should it not have yet: the agent reads what is there.
        const written = fs.existsSync(outputFile!) && fs.readFileSync(outputFile!, 'utf8').includes('WATCHER-TICK-1');
        return sse([
          ...(written ? [] : [{ delayMs: 3000 }]),
          ...toolCall({ id: read, name: 'Read', input: { file_path: outputFile } }),
          ...finish('tool-calls'),
        ]);
      });

      const startedAt = Date.now();
      const result = await runClaude(
        work,
        'Start the watcher in the background, check its output, then stop it.',
        env(stack.url),
        { allowedTools: ['Bash', 'Read', 'TaskStop'] },
      );
      expect(result.code, result.stderr).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({
        is_error: false,
        num_turns: 4,
        result: 'Stopped the watcher.',
      });
      // Stopped, not waited for: the command would have run 30 s.
      expect(Date.now() - startedAt).toBeLessThan(30_000);
      const turns = answered(stack.sim.requests).filter((r) => upstreamText(r).includes('watcher'));
      expect(turns).toHaveLength(4);
      const last = turns[3]!;
      expect(sentToolPair(last, start, 'Bash', 'Command running in background with ID')).toBe(true);
      expect(sentToolPair(last, read, 'Read', 'WATCHER-TICK-1')).toBe(true);
      expect(sentToolPair(last, stop, 'TaskStop', 'Successfully stopped task')).toBe(true);
      expect(sentToolResults(last).filter((r) => r.is_error === true)).toEqual([]);
    },
  );
});
