import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PINNED_MODES } from '../helpers/upstream';
import { runClaude } from '../helpers/claude-code';
import { sentToolResults, turnsAbout } from '../helpers/cli-clients';
import { scriptCalls, splitEditNote, withEditFile } from '../helpers/edit-scenarios';

/**
 * The real Claude Code CLI (2.1, which declares Edit and no MultiEdit) running Generation B's MultiEdit, which the
 * proxy splits into one Edit call an edit (anthropic/multi-edit.ts), when one edit fails. Claude Code runs every
 * part, in order, each on the file as the one before left it; the failed one's result keeps Claude Code's words and
 * says which of the MultiEdit's edits were made. About 2 s a run.
 */
const KEY = 'test-claude-code-key';
const FILE = 'alpha = 1\nbeta = 2\nomega = 3\n';

describe.each(PINNED_MODES.filter((m) => m.expect !== 'sse-a'))(
  "Claude Code's Edit running a split MultiEdit (Generation B, $name)",
  (mode) => {
    it('gets back every part’s result, the failed one saying which edits were made', { timeout: 90_000 }, () =>
      withEditFile(mode, KEY, 'tuning.txt', FILE, async (stack, work, file) => {
        const id = 'toolu_sim_multi_0021';
        const edits = [
          { old_string: 'alpha = 1', new_string: 'gamma = 1' },
          { old_string: 'zeta = 9', new_string: 'delta = 9' },
          { old_string: 'omega = 3', new_string: 'sigma = 3' },
        ];
        const calls = [
          { id: 'toolu_sim_read_0021', name: 'Read', input: { file_path: file } },
          { id, name: 'MultiEdit', input: { file_path: file, edits } },
        ];
        scriptCalls(stack, 'TUNING-3', calls, 'Two of the three are renamed.', false);
        const env = { ANTHROPIC_BASE_URL: stack.url, ANTHROPIC_API_KEY: KEY };
        const run = await runClaude(work, 'Rename the TUNING-3 settings in tuning.txt.', env, {
          allowedTools: ['Edit'],
        });
        expect(run.code, run.stderr).toBe(0);
        expect(JSON.parse(run.stdout)).toMatchObject({ is_error: false, result: 'Two of the three are renamed.' });
        expect(fs.readFileSync(file, 'utf8')).toBe('gamma = 1\nbeta = 2\nsigma = 3\n');
        const last = turnsAbout(stack, /TUNING-3/).at(-1)!;
        const results = sentToolResults(last).filter((block) => String(block.tool_use_id).startsWith(id));
        const updated = `The file ${file} has been updated successfully.`;
        const note = splitEditNote(2, 3, 'edits 1 and 3 were made, the others not');
        // Claude Code's words for each part (its success line goes on about the file state, kept as it is).
        expect(
          results.map((block) => [block.tool_use_id, String(block.content).split(' (')[0], block.is_error]),
        ).toEqual([
          [id, updated, undefined],
          [
            `${id}-2`,
            `<tool_use_error>String to replace not found in file.\nString: zeta = 9</tool_use_error>\n\n${note}`,
            true,
          ],
          [`${id}-3`, updated, undefined],
        ]);
      }),
    );
  },
);
