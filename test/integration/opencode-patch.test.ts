import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { pinnedMode } from '../helpers/upstream';
import { sentErrorIds, sentToolResults, turnsAbout } from '../helpers/cli-clients';
import { scriptCalls, seenCallId, withEditFile, type AgentCall } from '../helpers/edit-scenarios';
import type { Stack } from '../helpers/stack';
import { runOpencode, type OpencodeApi } from '../helpers/opencode';
import { WHOLE_LINES } from '../../main/core/orchids/gen-b/patch-results';

/**
 * opencode 1.18.33 picks its file tools by the model's id: for a `gpt-` one (not `gpt-4`, not `-oss`), such as the
 * `gpt-5.2` the proxy serves, it declares `apply_patch` (one `patchText`, the patch format Codex applies) in place of
 * `edit` and `write`. Generation B's agent still writes with its own Write, Edit and MultiEdit, which reach opencode
 * as one patch each; a MultiEdit is then one patch of several hunks, which opencode applies all or none. opencode
 * finds a hunk's lines as whole lines: an edit of part of a line is refused, and the agent told how to give it.
 */
const KEY = 'test-opencode-patch-key';
const GPT = { id: 'gpt-5.2' };
const ROUTES: ReadonlyArray<{ protocol: 'ws' | 'sse-b'; api: OpencodeApi }> = [
  { protocol: 'ws', api: 'anthropic' },
  { protocol: 'sse-b', api: 'openai-chat' },
];
const TIMEOUT = { timeout: 90_000 };

describe.each(ROUTES)("the agent's edits on opencode's apply_patch ($protocol, $api)", ({ protocol, api }) => {
  const mode = pinnedMode(protocol);
  const openai = api === 'openai-chat';
  const id = (raw: string): string => seenCallId(raw, openai);
  /** The agent's calls for a task on one file, opencode run on it to the end, and the agent's last words its answer. */
  const runTask = async (stack: Stack, work: string, task: string, file: string, calls: AgentCall[], done: string) => {
    scriptCalls(stack, task, calls, done, openai);
    const run = await runOpencode(work, `${task} in ${file}`, stack.url, KEY, { api, model: GPT });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.finalText).toBe(done);
    return run;
  };

  it('writes over a file, then makes a MultiEdit of it as one patch', TIMEOUT, () =>
    withEditFile(mode, KEY, 'settings.txt', 'omega = 0\n', async (stack, work, file) => {
      const edits = [
        { old_string: 'alpha = 1', new_string: 'gamma = 1' },
        { old_string: 'beta = 2', new_string: 'delta = 2' },
      ];
      const run = await runTask(
        stack,
        work,
        'Set up PLUM-4',
        'settings.txt',
        [
          { id: 'toolu_sim_patch_write', name: 'Write', input: { file_path: file, content: 'alpha = 1\nbeta = 2\n' } },
          { id: 'toolu_sim_patch_multi', name: 'MultiEdit', input: { file_path: file, edits } },
        ],
        'PLUM-4 is set up.',
      );
      expect(fs.readFileSync(file, 'utf8')).toBe('gamma = 1\ndelta = 2\n');
      expect(run.tools.map((t) => [t.tool, t.callID, t.state.status])).toEqual([
        ['apply_patch', id('toolu_sim_patch_write'), 'completed'],
        ['apply_patch', id('toolu_sim_patch_multi'), 'completed'],
      ]);
      expect(run.tools[1]?.state.input).toEqual({
        patchText:
          `*** Begin Patch\n*** Update File: ${file}\n` +
          '@@\n-alpha = 1\n+gamma = 1\n@@\n-beta = 2\n+delta = 2\n*** End Patch\n',
      });
      const last = turnsAbout(stack, /Set up PLUM-4/).at(-1)!;
      expect(sentErrorIds(last)).toEqual([]);
      // opencode's words reach the agent as they are: `A` for the file written whole, `M` for the file changed.
      expect(sentToolResults(last).map((r) => r.content)).toEqual([
        expect.stringMatching(/^Success\. Updated the following files:\nA .*settings\.txt$/),
        expect.stringMatching(/^Success\. Updated the following files:\nM .*settings\.txt$/),
      ]);
    }),
  );

  it('makes none of a MultiEdit whose second edit fails, and tells the agent why', TIMEOUT, () =>
    withEditFile(mode, KEY, 'settings.txt', 'alpha = 1\nbeta = 2\n', async (stack, work, file) => {
      const edits = [
        { old_string: 'alpha = 1', new_string: 'gamma = 1' },
        { old_string: 'omega = 9', new_string: 'delta = 2' },
      ];
      const call = { id: 'toolu_sim_patch_fail', name: 'MultiEdit', input: { file_path: file, edits } };
      const run = await runTask(stack, work, 'Rename PEAR-6', 'settings.txt', [call], 'PEAR-6 was not renamed.');
      expect(fs.readFileSync(file, 'utf8')).toBe('alpha = 1\nbeta = 2\n');
      expect(run.tools.map((t) => [t.tool, t.state.status])).toEqual([['apply_patch', 'error']]);
      const last = turnsAbout(stack, /Rename PEAR-6/).at(-1)!;
      // Through Chat Completions, which has no error flag, the proxy flags opencode's refusal by its words.
      expect(sentErrorIds(last)).toEqual([id('toolu_sim_patch_fail')]);
      expect(sentToolResults(last).map((r) => r.content)).toEqual([
        `apply_patch verification failed: Error: Failed to find expected lines in ${file}:\nomega = 9` +
          `\n\n${WHOLE_LINES}`,
      ]);
    }),
  );

  it(
    'changes a line twice in one MultiEdit, and tells the agent an edit of part of a line needs the line',
    TIMEOUT,
    () =>
      withEditFile(mode, KEY, 'settings.txt', 'alpha = 1, beta = 2\nomega = 0\n', async (stack, work, file) => {
        // opencode finds a hunk's `-` lines as whole lines, each hunk after the one before, in the file as it was: the
        // second edit is of text the first wrote, so it must be made in the first's hunk.
        const edits = [
          { old_string: 'alpha = 1, beta = 2', new_string: 'alpha = 3, beta = 2' },
          { old_string: 'beta = 2', new_string: 'beta = 4' },
        ];
        const part = { file_path: file, old_string: 'omega', new_string: 'sigma' };
        const run = await runTask(
          stack,
          work,
          'Tune FIG-2',
          'settings.txt',
          [
            { id: 'toolu_sim_patch_twice', name: 'MultiEdit', input: { file_path: file, edits } },
            { id: 'toolu_sim_patch_part', name: 'Edit', input: part },
          ],
          'FIG-2 is tuned.',
        );
        expect(fs.readFileSync(file, 'utf8')).toBe('alpha = 3, beta = 4\nomega = 0\n');
        expect(run.tools.map((t) => [t.tool, t.state.status])).toEqual([
          ['apply_patch', 'completed'],
          ['apply_patch', 'error'],
        ]);
        const last = turnsAbout(stack, /Tune FIG-2/).at(-1)!;
        expect(sentErrorIds(last)).toEqual([id('toolu_sim_patch_part')]);
        expect(sentToolResults(last).map((r) => r.content)).toEqual([
          expect.stringMatching(/^Success\. Updated the following files:\nM .*settings\.txt$/),
          `apply_patch verification failed: Error: Failed to find expected lines in ${file}:\nomega\n\n${WHOLE_LINES}`,
        ]);
      }),
  );

  // Straight after the read, and with opencode's grep between: a grep cannot write, so the file stays known.
  for (const search of [false, true]) {
    const title = search
      ? 'edits part of a line it read and then searched for in one request, as the whole line'
      : 'edits part of a line it read in one request, opencode sent the whole line';
    it(title, TIMEOUT, () =>
      withEditFile(mode, KEY, 'sum.ts', 'const a = 1;\nexport const sum = a - b;\n', async (stack, work, file) => {
        // opencode's read showed the whole file, so the proxy makes the hunk of the line (orchids/patch-widen.ts).
        const task = search ? 'Fix SUM-7' : 'Fix SUM-9';
        const grep = { id: 'toolu_sim_patch_grep', name: 'Grep', input: { pattern: 'a - b', path: work } };
        const run = await runTask(
          stack,
          work,
          task,
          'sum.ts',
          [
            { id: 'toolu_sim_patch_read', name: 'Read', input: { file_path: file } },
            ...(search ? [grep] : []),
            {
              id: 'toolu_sim_patch_line',
              name: 'Edit',
              input: { file_path: file, old_string: 'a - b', new_string: 'a + b' },
            },
          ],
          `${task.slice(4)} is fixed.`,
        );
        expect(fs.readFileSync(file, 'utf8')).toBe('const a = 1;\nexport const sum = a + b;\n');
        expect(run.tools.map((t) => [t.tool, t.state.status])).toEqual([
          ['read', 'completed'],
          ...(search ? [['grep', 'completed']] : []),
          ['apply_patch', 'completed'],
        ]);
        if (search) expect(run.tools[1]?.state.output).toContain('sum.ts');
        expect(run.tools.at(-1)?.state.input).toEqual({
          patchText:
            `*** Begin Patch\n*** Update File: ${file}\n` +
            '@@\n-export const sum = a - b;\n+export const sum = a + b;\n*** End Patch\n',
        });
        const turns = turnsAbout(stack, new RegExp(task));
        expect(sentErrorIds(turns.at(-1)!)).toEqual([]);
        // One upstream turn a call, and the last for the answer: none spent on a refused fragment.
        expect(turns).toHaveLength(search ? 4 : 3);
      }),
    );
  }
});
