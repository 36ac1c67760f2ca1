import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pinnedMode } from '../helpers/upstream';
import { sentErrorIds, sentToolResults, turnsAbout } from '../helpers/cli-clients';
import { runCline, toolRuns, type ClineProvider } from '../helpers/cline';
import { scriptCalls, seenCallId, withEditFile } from '../helpers/edit-scenarios';
import { runOpencode, type OpencodeApi } from '../helpers/opencode';
import { WRITE_OVER_EXISTING } from '../../main/core/orchids/gen-b/editor-results';

/**
 * Real clients that pick their tools by the model's id, each run on an id of the family whose tools differ from the
 * ones the other tests run it with, through Generation B's `ws` upstream: the agent reads a file, edits it, runs a
 * command and writes a new file, in its own Read, Edit, Bash and Write. Cline 3.0.65 declares `apply_patch` (one
 * `input` string, Codex's patch form) in place of `editor` for an id holding `gpt` or `codex`; opencode 1.18.33 does
 * the same (`patchText`) for a `gpt-` id, gpt-5.2-codex among them. Cline's patch writes no file that exists, and the
 * agent is told so as it is on Cline's `editor`. What each client declares per model family is in the README; the
 * families not here declare what the other tests already run.
 */
const KEY = 'test-model-tool-sets-key';
const TIMEOUT = { timeout: 120_000 };
const mode = pinnedMode('ws');

interface Ran {
  code: number | null;
  output: string;
  finalText: string | undefined;
  /** The client's tool names, in the order it ran them. */
  tools: unknown[];
}

interface Case {
  client: string;
  model: string;
  api: string;
  openai: boolean;
  /** The file tool the client declares for this model (the others keep their names). */
  patchTool: string;
  /** Whether that tool writes over an existing file (Cline's refuses, and the agent is told so). */
  overwrites: boolean;
  run: (work: string, prompt: string, url: string) => Promise<Ran>;
}

const cline = (model: string, provider: ClineProvider): Case => ({
  client: 'Cline',
  model,
  api: provider,
  openai: provider === 'openai-compatible',
  patchTool: 'apply_patch',
  overwrites: false,
  run: async (work, prompt, url) => {
    const run = await runCline(work, prompt, url, KEY, { provider, model, timeoutMs: 100_000 });
    const tools = toolRuns(run).map((t) => t.toolName);
    return { code: run.code, output: run.stderr + run.stdout, finalText: run.finalText, tools };
  },
});

const opencode = (model: string, api: OpencodeApi): Case => ({
  client: 'opencode',
  model,
  api,
  openai: api === 'openai-chat',
  patchTool: 'apply_patch',
  overwrites: true,
  run: async (work, prompt, url) => {
    const run = await runOpencode(work, prompt, url, KEY, { api, model: { id: model }, timeoutMs: 100_000 });
    const tools = run.tools.map((t) => t.tool);
    return { code: run.code, output: run.stderr + run.stdout, finalText: run.finalText, tools };
  },
});

const CASES: Case[] = [
  cline('gpt-5.2', 'anthropic'),
  cline('gpt-5.2-codex', 'openai-compatible'),
  opencode('gpt-5.2-codex', 'anthropic'),
];

describe.each(CASES)('$client with $model ($api)', (c) => {
  it('reads, edits, runs a command, writes a new file and then over the old one', TIMEOUT, () =>
    withEditFile(mode, KEY, 'plan.txt', 'stage = draft\nowner = nobody\n', async (stack, work, file) => {
      const created = path.join(work, 'notes.md');
      const calls = [
        { id: 'toolu_sim_set_read', name: 'Read', input: { file_path: file } },
        {
          id: 'toolu_sim_set_edit',
          name: 'Edit',
          input: { file_path: file, old_string: 'stage = draft', new_string: 'stage = final' },
        },
        { id: 'toolu_sim_set_bash', name: 'Bash', input: { command: 'grep -c = plan.txt', description: 'Count' } },
        { id: 'toolu_sim_set_write', name: 'Write', input: { file_path: created, content: '# Notes\nfinal\n' } },
        { id: 'toolu_sim_set_over', name: 'Write', input: { file_path: file, content: 'stage = done\n' } },
      ];
      scriptCalls(stack, 'Finish KIWI-3', calls, 'KIWI-3 is finished.', c.openai);

      const run = await c.run(work, 'Finish KIWI-3 in plan.txt', stack.url);
      expect(run.code, run.output).toBe(0);
      expect(run.finalText).toBe('KIWI-3 is finished.');
      expect(fs.readFileSync(file, 'utf8')).toBe(c.overwrites ? 'stage = done\n' : 'stage = final\nowner = nobody\n');
      expect(fs.readFileSync(created, 'utf8')).toBe('# Notes\nfinal\n');
      expect(run.tools.filter((t) => t === c.patchTool)).toHaveLength(3);

      const last = turnsAbout(stack, /Finish KIWI-3/).at(-1)!;
      const over = seenCallId('toolu_sim_set_over', c.openai);
      expect(sentErrorIds(last)).toEqual(c.overwrites ? [] : [over]);
      const results = sentToolResults(last);
      const resultOf = (id: string) => String(results.find((r) => r.tool_use_id === seenCallId(id, c.openai))?.content);
      expect(results).toHaveLength(5);
      expect(resultOf('toolu_sim_set_read')).toContain('stage = draft');
      expect(resultOf('toolu_sim_set_bash')).toMatch(/\b2\b/);
      // The client's words about the file, not the JSON some clients wrap them in.
      expect(resultOf('toolu_sim_set_write')).toMatch(/^Succe.*\n.*notes\.md$/);
      if (!c.overwrites) expect(resultOf('toolu_sim_set_over')).toBe(WRITE_OVER_EXISTING(file));
    }),
  );
});
