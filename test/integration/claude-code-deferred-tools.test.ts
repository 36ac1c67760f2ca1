import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finish, reply, sse, toolCall } from '../sim/orchids-simulator';
import { ALL_MODES, answered, sentToolPair, upstreamText } from '../helpers/upstream';
import { startStack, type Stack } from '../helpers/stack';
import { tempDir } from '../helpers/temp-dir';
import { runClaude } from '../helpers/claude-code';
import { claudeCodeEnv } from '../../contract/claude-code-env';

/**
 * Claude Code 2.1 declares only a few tools whole and names the rest (NotebookEdit, WebFetch, TodoWrite when its
 * task tools are off …) in a reminder, to be loaded through its ToolSearch. Generation B's agent calls those tools
 * by name; these runs show the real Claude Code running them as its own, where the proxy used to decline them.
 */
let stack: Stack;
afterEach(async () => stack?.stop());

const KEY = 'test-claude-code-key';

describe.each(ALL_MODES.filter((m) => m.expect !== 'sse-a'))(
  "Claude Code runs the agent's calls to its deferred tools on Generation B ($name)",
  (mode) => {
    it("the agent's NotebookEdit edits the notebook through Claude Code's own", { timeout: 90_000 }, async () => {
      stack = await startStack({ protocol: mode.setting, serves: mode.serves });
      const work = tempDir('orchids-cc-work-');
      const notebook = path.join(work, 'analysis.ipynb');
      const cell = { cell_type: 'code', id: 'cell-one', metadata: {}, source: ['x = 1\n'], outputs: [] };
      const document = { cells: [cell], metadata: {}, nbformat: 4, nbformat_minor: 5 };
      fs.writeFileSync(notebook, JSON.stringify(document, null, 1));
      stack.sim.onAgentRequest((req) => {
        const seen = upstreamText(req);
        if (!seen.includes('analysis.ipynb')) return undefined;
        if (seen.includes('toolu_sim_nb_0002')) return sse(reply('The cell now sets x to 2.'));
        if (seen.includes('x = 1')) {
          const edit = { notebook_path: notebook, cell_id: 'cell-one', new_source: 'x = 2\n', edit_mode: 'replace' };
          return sse([
            ...toolCall({ id: 'toolu_sim_nb_0002', name: 'NotebookEdit', input: edit }),
            ...finish('tool-calls'),
          ]);
        }
        return sse([
          ...toolCall({ id: 'toolu_sim_nb_0001', name: 'Read', input: { file_path: notebook } }),
          ...finish('tool-calls'),
        ]);
      });
      stack.core.settings.set('apiKey', KEY);

      const result = await runClaude(
        work,
        'In analysis.ipynb, make the first cell set x to 2.',
        { ANTHROPIC_BASE_URL: stack.url, ANTHROPIC_API_KEY: KEY },
        { allowedTools: ['NotebookEdit'] },
      );
      expect(result.code, result.stderr).toBe(0);
      const output = JSON.parse(result.stdout) as { is_error: boolean; result: string };
      expect(output).toMatchObject({ is_error: false, result: 'The cell now sets x to 2.' });
      // Claude Code edited the cell, and three agent turns were all it took: none was spent on a declined call.
      const edited = JSON.parse(fs.readFileSync(notebook, 'utf8')) as { cells: Array<{ source: string | string[] }> };
      expect([edited.cells[0]!.source].flat().join('')).toBe('x = 2\n');
      const upstream = answered(stack.sim.requests).filter((r) => /analysis\.ipynb/.test(upstreamText(r)));
      expect(upstream.map((r) => r.protocol)).toEqual([mode.expect, mode.expect, mode.expect]);
      expect(upstreamText(upstream[2]!)).not.toContain('does not provide');
      expect(sentToolPair(upstream[2]!, 'toolu_sim_nb_0002', 'NotebookEdit', 'x = 2')).toBe(true);
    });

    it(
      "with Claude Code's task tools off, as the app's setup has it, the agent's plan goes to its own TodoWrite",
      { timeout: 90_000 },
      async () => {
        stack = await startStack({ protocol: mode.setting, serves: mode.serves });
        const work = tempDir('orchids-cc-work-');
        fs.writeFileSync(path.join(work, 'recipe.txt'), 'The secret spice is SAFFRON-19.\n');
        const todos = [{ content: 'Read the recipe', status: 'in_progress', activeForm: 'Reading the recipe' }];
        stack.sim.onAgentRequest((req) => {
          const seen = upstreamText(req);
          if (!seen.includes('secret spice')) return undefined;
          if (seen.includes('SAFFRON-19')) return sse(reply('The secret spice is SAFFRON-19.'));
          if (seen.includes('toolu_sim_todo_0005')) {
            const read = { file_path: path.join(work, 'recipe.txt') };
            return sse([
              ...toolCall({ id: 'toolu_sim_read_0006', name: 'Read', input: read }),
              ...finish('tool-calls'),
            ]);
          }
          return sse([
            ...toolCall({ id: 'toolu_sim_todo_0005', name: 'TodoWrite', input: { todos } }),
            ...finish('tool-calls'),
          ]);
        });
        stack.core.settings.set('apiKey', KEY);

        // The environment the app hands out for Claude Code turns its task tools off.
        const env = Object.fromEntries(claudeCodeEnv(stack.url, KEY));
        expect(env).toMatchObject({ CLAUDE_CODE_ENABLE_TASKS: 'false' });
        const result = await runClaude(work, 'What is the secret spice in recipe.txt?', env);
        expect(result.code, result.stderr).toBe(0);
        const output = JSON.parse(result.stdout) as { is_error: boolean; num_turns: number; result: string };
        expect(output).toMatchObject({ is_error: false, num_turns: 3, result: 'The secret spice is SAFFRON-19.' });
        // Claude Code ran the TodoWrite (three requests of its own, one agent turn each), and the agent was sent its
        // answer, not the proxy's checklist and note.
        const upstream = answered(stack.sim.requests).filter((r) => /secret spice/.test(upstreamText(r)));
        expect(upstream).toHaveLength(3);
        // Claude Code 2.1.332 does not declare TodoWrite whole: it names it in its deferred-tools reminder, where its
        // task tools (TaskCreate …) are named when they are on.
        const reminder = /deferred tools are now available via ToolSearch[\s\S]*?<\/system-reminder>/.exec(
          upstreamText(upstream[0]!),
        )?.[0];
        expect(reminder).toContain('\nTodoWrite\n');
        expect(reminder).not.toContain('\nTaskCreate\n');
        const second = upstreamText(upstream[1]!);
        expect(second).not.toContain('checklist');
        expect(sentToolPair(upstream[1]!, 'toolu_sim_todo_0005', 'TodoWrite', 'Todos have been modified')).toBe(true);
      },
    );
  },
);
