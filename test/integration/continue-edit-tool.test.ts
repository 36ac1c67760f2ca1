import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pinnedMode } from '../helpers/upstream';
import { replayedToolUses, sentErrorIds, sentToolResults, turnsAbout } from '../helpers/cli-clients';
import { scriptCalls, seenCallId, withEditFile } from '../helpers/edit-scenarios';
import { runContinue, type ContinueApi } from '../helpers/continue';
import { ONE_EDIT_A_TURN } from '../../main/core/anthropic/multi-edit';

/**
 * The real Continue CLI (`cn` 1.5.47, `-p --auto`) with a model it does not count as capable (`glm-5`, a config name
 * matching none of its list), for which it declares a one-edit `Edit` in Claude Code's keys in place of `MultiEdit`,
 * through both of its providers on Generation B's `ws`. The agent reads a file, edits it, edits with replace_all,
 * makes a MultiEdit (which the proxy declines: cn works out a turn's edits on the file as the turn found it, and the
 * last write undid the others) and then its edits one a turn, fails an edit, reads a missing file, runs a command and
 * writes a new file. About 2 s a run.
 */
const KEY = 'test-continue-edit-tool-key';
const mode = pinnedMode('ws');
const GLM = { model: 'glm-5', name: 'GLM via Orchids Tray' };
/** cn's capable-model check is a substring test (`/o\d/` among them), so this name picks its MultiEdit for glm-5. */
const TURBO = { model: 'glm-5', name: 'Turbo1 via Orchids Tray' };

describe.each<ContinueApi>(['anthropic', 'openai'])('the agent editing in Continue on glm-5 (%s)', (api) => {
  it('edits through cn’s Edit, one edit a turn, told of each failure as an error', { timeout: 120_000 }, () =>
    withEditFile(
      mode,
      KEY,
      'plan.txt',
      'stage = draft\nowner = nobody\nowner = nobody\n',
      async (stack, work, file) => {
        const openai = api === 'openai';
        const edit = (old_string: string, new_string: string, more = {}) => ({
          file_path: file,
          old_string,
          new_string,
          ...more,
        });
        const multi = { file_path: file, edits: [edit('stage = final', 'stage = done'), edit('owner = kiwi\no', 'x')] };
        const calls = [
          { id: 'toolu_sim_ce_read', name: 'Read', input: { file_path: file } },
          { id: 'toolu_sim_ce_edit', name: 'Edit', input: edit('stage = draft', 'stage = final') },
          {
            id: 'toolu_sim_ce_all',
            name: 'Edit',
            input: edit('owner = nobody', 'owner = kiwi', { replace_all: true }),
          },
          { id: 'toolu_sim_ce_multi', name: 'MultiEdit', input: multi, answeredBy: 'one call a turn.' },
          { id: 'toolu_sim_ce_one', name: 'Edit', input: edit('stage = final', 'stage = done') },
          { id: 'toolu_sim_ce_two', name: 'Edit', input: edit('owner = kiwi\nowner', 'owner = kiwi\nhelper') },
          { id: 'toolu_sim_ce_fail', name: 'Edit', input: edit('stage = nine', 'stage = ten') },
          { id: 'toolu_sim_ce_gone', name: 'Read', input: { file_path: path.join(work, 'gone.txt') } },
          { id: 'toolu_sim_ce_bash', name: 'Bash', input: { command: 'grep -c kiwi plan.txt', description: 'Count' } },
          {
            id: 'toolu_sim_ce_write',
            name: 'Write',
            input: { file_path: path.join(work, 'notes.md'), content: '# N\n' },
          },
        ];
        scriptCalls(stack, 'Finish KIWI-5', calls, 'KIWI-5 is finished.', openai);

        const options = { api, args: ['--auto'], model: GLM, timeoutMs: 100_000 };
        const run = await runContinue(work, 'Finish KIWI-5 in plan.txt', stack.url, KEY, options);
        expect(run.code, run.stderr + run.stdout).toBe(0);
        expect(run.answer).toContain('KIWI-5 is finished.');
        expect(fs.readFileSync(file, 'utf8')).toBe('stage = done\nowner = kiwi\nhelper = kiwi\n');
        expect(fs.readFileSync(path.join(work, 'notes.md'), 'utf8')).toBe('# N\n');

        const last = turnsAbout(stack, /Finish KIWI-5/).at(-1)!;
        const results = sentToolResults(last);
        const uses = replayedToolUses(last);
        // cn ran each edit with its Edit, in the agent's keys; the MultiEdit went back as the agent made it.
        expect(uses.map((use) => use['name'])).toEqual(calls.map((call) => call.name));
        const idOf = (name: string, at: number) => String(uses.filter((use) => use['name'] === name)[at]?.['id']);
        const multiId = idOf('MultiEdit', 0);
        const resultOf = (id: string) => results.find((r) => r['tool_use_id'] === id)?.['content'];
        const seen = (id: string) => seenCallId(id, openai);
        expect(sentErrorIds(last)).toEqual([multiId, seen('toolu_sim_ce_fail'), seen('toolu_sim_ce_gone')]);
        expect(resultOf(multiId)).toBe(ONE_EDIT_A_TURN);
        for (const id of ['toolu_sim_ce_edit', 'toolu_sim_ce_all', 'toolu_sim_ce_one', 'toolu_sim_ce_two']) {
          expect(resultOf(seen(id)), id).toMatch(/^Successfully edited /);
        }
        expect(resultOf(seen('toolu_sim_ce_fail'))).toBe('Edit at index 0: string not found in file: "stage = nine"');
        expect(resultOf(seen('toolu_sim_ce_gone'))).toMatch(/^Error executing tool Read: File does not exist: /);
        expect(resultOf(seen('toolu_sim_ce_bash'))).toBe('2\n');
        expect(resultOf(seen('toolu_sim_ce_write'))).toMatch(/^Successfully created file: .*notes\.md$/);
      },
    ),
  );

  it(
    'follows the edit tool cn declares, not the model: glm-5 named `Turbo1 …` gets MultiEdit',
    { timeout: 120_000 },
    () =>
      withEditFile(mode, KEY, 'plan.txt', 'stage = draft\nowner = nobody\n', async (stack, work, file) => {
        const edit = (old_string: string, new_string: string) => ({ file_path: file, old_string, new_string });
        const calls = [
          { id: 'toolu_sim_ct_read', name: 'Read', input: { file_path: file } },
          { id: 'toolu_sim_ct_edit', name: 'Edit', input: edit('stage = draft', 'stage = final') },
          {
            id: 'toolu_sim_ct_multi',
            name: 'MultiEdit',
            input: {
              file_path: file,
              edits: [edit('stage = final', 'stage = done'), edit('owner = nobody', 'owner = kiwi')],
            },
          },
        ];
        scriptCalls(stack, 'Finish KIWI-8', calls, 'KIWI-8 is finished.', api === 'openai');
        const options = { api, args: ['--auto'], model: TURBO, timeoutMs: 100_000 };
        const run = await runContinue(work, 'Finish KIWI-8 in plan.txt', stack.url, KEY, options);
        expect(run.code, run.stderr + run.stdout).toBe(0);
        expect(fs.readFileSync(file, 'utf8')).toBe('stage = done\nowner = kiwi\n');
        const last = turnsAbout(stack, /Finish KIWI-8/).at(-1)!;
        expect(replayedToolUses(last).map((use) => use['name'])).toEqual(['Read', 'MultiEdit', 'MultiEdit']);
        expect(sentErrorIds(last)).toEqual([]);
      }),
  );
});
