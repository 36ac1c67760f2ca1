import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, text, toolCall, type AgentRequestInfo } from '../sim/orchids-simulator';
import { PINNED_MODES, upstreamText } from '../helpers/upstream';
import type { Stack } from '../helpers/stack';
import { replayedToolUses, sentToolResults, startCliStack, served, turnsAbout } from '../helpers/cli-clients';
import { tempDir } from '../helpers/temp-dir';
import type { OpencodeApi } from '../helpers/opencode';
import { runKilo } from '../helpers/kilo';

/**
 * The real Kilo Code CLI (`kilo run`) pointed at Orchids Tray through the provider config opencode takes (Kilo is a
 * fork of opencode). The simulator answers a step only once what Kilo's tool produced comes back, so each answer
 * proves the loop; the edit is checked on disk.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-kilo-key';

/**
 * Kilo's Anthropic provider on Generation B over WebSocket and on Generation A, and its OpenAI-compatible provider
 * (Chat Completions, where every call id reaches Kilo and goes upstream as `call_…`) on all three upstream protocols.
 */
interface Route {
  mode: (typeof PINNED_MODES)[number];
  api: OpencodeApi;
  served: string;
}

const ROUTES: Route[] = [
  { mode: PINNED_MODES[0]!, api: 'anthropic', served: 'anthropic' },
  { mode: PINNED_MODES[0]!, api: 'openai-chat', served: 'openai-chat' },
  { mode: PINNED_MODES[1]!, api: 'openai-chat', served: 'openai-chat' },
  { mode: PINNED_MODES[2]!, api: 'anthropic', served: 'anthropic' },
  { mode: PINNED_MODES[2]!, api: 'openai-chat', served: 'openai-chat' },
];

describe.each(ROUTES)(
  'Kilo Code CLI through Orchids Tray ($mode.name, $api)',
  ({ mode, api, served: apiName }: Route) => {
    const genA = mode.expect === 'sse-a';

    it('shows a streamed answer', { timeout: 240_000 }, async () => {
      stack = await startCliStack(mode, KEY);
      const answer = 'Hello from Orchids, to Kilo, in four pieces.';
      stack.sim.onAgentRequest((req) =>
        upstreamText(req).includes('Say hello') ? sse([...text(answer, { chunks: 4 }), ...finish()]) : undefined,
      );

      const run = await runKilo(tempDir('orchids-kilo-work-'), 'Say hello', stack.url, KEY, { api });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.finalText).toBe(answer);
      expect(turnsAbout(stack, /Say hello/).map((t) => t.protocol)).toEqual([mode.expect]);
      expect(await served(stack)).toEqual([{ api: apiName, stream: true, status: 200, protocol: mode.expect }]);
    });

    it('reads a file, then edits it on disk', { timeout: 240_000 }, async () => {
      stack = await startCliStack(mode, KEY);
      const work = tempDir('orchids-kilo-work-');
      const file = path.join(work, 'plan.txt');
      fs.writeFileSync(file, 'Ship on MONDAY-12.\n');
      const read = genA ? { name: 'read', input: { filePath: file } } : { name: 'Read', input: { file_path: file } };
      const edit = genA
        ? { name: 'edit', input: { filePath: file, oldString: 'MONDAY-12', newString: 'FRIDAY-34' } }
        : { name: 'Edit', input: { file_path: file, old_string: 'MONDAY-12', new_string: 'FRIDAY-34' } };
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (!seen.includes('Move the plan')) return undefined;
        // The edit's result goes upstream under its id as the client's API spells it: `toolu_…` from the Anthropic
        // provider, `call_…` from Chat Completions.
        if (seen.includes('_sim_kilo_edit')) return sse(reply('Moved to FRIDAY-34.'));
        if (seen.includes('MONDAY-12')) {
          return sse([...toolCall({ id: 'toolu_sim_kilo_edit', ...edit }), ...finish('tool-calls')]);
        }
        return sse([...toolCall({ id: 'toolu_sim_kilo_read', ...read }), ...finish('tool-calls')]);
      });

      const run = await runKilo(work, 'Move the plan in plan.txt to Friday.', stack.url, KEY, { api });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.finalText).toBe('Moved to FRIDAY-34.');
      expect(fs.readFileSync(file, 'utf8')).toBe('Ship on FRIDAY-34.\n');
      // On Generation B the agent's Read and Edit reached Kilo as opencode's read and edit, in opencode's keys.
      expect(run.tools.map((t) => [t.tool, t.state.status, t.state.input])).toEqual([
        ['read', 'completed', { filePath: file }],
        ['edit', 'completed', { filePath: file, oldString: 'MONDAY-12', newString: 'FRIDAY-34' }],
      ]);
      expect(turnsAbout(stack, /Move the plan/).map((t) => t.protocol)).toEqual([
        mode.expect,
        mode.expect,
        mode.expect,
      ]);
    });
  },
);

/**
 * Kilo's Anthropic provider on Generation B over SSE, in one run: the agent's Write, Bash, Glob and Grep in one step,
 * each reaching Kilo as opencode's tool in its keys, and what each gave going back upstream as the agent's results.
 * What comes back exists only once Kilo ran the tool (the command computes its output; Glob and Grep find files the
 * prompt does not name), and the model answers only once the command's output reached it, in pieces.
 */
describe('Kilo Code CLI through Orchids Tray (pinned sse-b, anthropic)', () => {
  const mode = PINNED_MODES.find((m) => m.expect === 'sse-b')!;

  it('writes a file, runs a command and globs and greps, in one step', { timeout: 240_000 }, async () => {
    stack = await startCliStack(mode, KEY);
    const work = tempDir('orchids-kilo-work-');
    const created = path.join(work, 'recipe.txt');
    fs.mkdirSync(path.join(work, 'docs'));
    fs.writeFileSync(path.join(work, 'docs', 'GUIDE-19.md'), '# Guide\n');
    fs.writeFileSync(path.join(work, 'seed.txt'), 'first line\nthe PEACH-64 crate\n');
    const calls = [
      { id: 'toolu_sim_kilo_write', name: 'Write', input: { file_path: created, content: 'Add LIME-58.\n' } },
      { id: 'toolu_sim_kilo_bash', name: 'Bash', input: { command: 'echo "BASH-$((6*7))"', description: 'Count' } },
      { id: 'toolu_sim_kilo_glob', name: 'Glob', input: { pattern: '**/*.md', path: work } },
      { id: 'toolu_sim_kilo_grep', name: 'Grep', input: { pattern: 'PEACH-[0-9]+', path: work, glob: '*.txt' } },
    ];
    const answer = 'Wrote recipe.txt; BASH-42, GUIDE-19.md and PEACH-64 came back.';
    stack.sim.onAgentRequest((req) => {
      const seen = upstreamText(req);
      if (!seen.includes('Do the four things')) return undefined;
      if (seen.includes('BASH-42')) return sse([...text(answer, { chunks: 3 }), ...finish()]);
      return sse([...calls.flatMap((call) => toolCall(call)), ...finish('tool-calls')]);
    });

    const run = await runKilo(work, 'Do the four things.', stack.url, KEY);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe(answer);
    expect(fs.readFileSync(created, 'utf8')).toBe('Add LIME-58.\n');
    // Kilo runs the four at once and reports each as it finishes: in the order of the calls, what each was given.
    const ran = calls.map(({ id }) => run.tools.find((t) => t.callID === id));
    expect(ran.map((t) => [t?.tool, t?.state.status, t?.state.error])).toEqual([
      ['write', 'completed', undefined],
      ['bash', 'completed', undefined],
      ['glob', 'completed', undefined],
      ['grep', 'completed', undefined],
    ]);
    expect(run.tools).toHaveLength(calls.length);
    expect(ran.map((t) => t?.state.input)).toEqual([
      { filePath: created, content: 'Add LIME-58.\n' },
      { command: 'echo "BASH-$((6*7))"', description: 'Count' },
      { pattern: '**/*.md', path: work },
      { pattern: 'PEACH-[0-9]+', path: work, include: '*.txt' },
    ]);
    expect(ran[1]?.state.output).toBe('BASH-42\n');

    const turns = turnsAbout(stack, /Do the four things/);
    expect(turns.map((t) => t.protocol)).toEqual([mode.expect, mode.expect]);
    const second = turns[1] as AgentRequestInfo;
    // Kilo replays the calls under its own names, and each result goes upstream under the agent's id.
    expect(replayedToolUses(second).map((u) => [u.id, u.name])).toEqual(calls.map((c) => [c.id, c.name.toLowerCase()]));
    // What each of Kilo's tools gave reaches the agent as it is, each under its call's id.
    expect(sentToolResults(second).map((r) => [r.tool_use_id, r.content])).toEqual([
      ['toolu_sim_kilo_write', 'Wrote file successfully.'],
      ['toolu_sim_kilo_bash', 'BASH-42\n'],
      ['toolu_sim_kilo_glob', path.join(work, 'docs', 'GUIDE-19.md')],
      ['toolu_sim_kilo_grep', `Found 1 matches\n${path.join(work, 'seed.txt')}:\n  Line 2: the PEACH-64 crate\n`],
    ]);
    expect(await served(stack)).toEqual([
      { api: 'anthropic', stream: true, status: 200, protocol: mode.expect },
      { api: 'anthropic', stream: true, status: 200, protocol: mode.expect },
    ]);
  });
});
