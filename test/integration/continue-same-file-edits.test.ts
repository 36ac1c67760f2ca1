import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PINNED_MODES } from '../helpers/upstream';
import { replayedToolUses, sentErrorIds, sentToolResults, turnsAbout } from '../helpers/cli-clients';
import { scriptTurns, seenCallId, withEditFile } from '../helpers/edit-scenarios';
import { runContinue, type ContinueApi } from '../helpers/continue';
import { SAME_FILE_THIS_TURN } from '../../main/core/anthropic/multi-edit';

/**
 * The real Continue CLI (`cn` 1.5.47, `-p --auto`, a Claude model id, so cn declares MultiEdit) through both of its
 * providers on Generation B's `ws`, with the agent making two Edit calls in one turn. cn works out every call of a turn
 * on the files as the turn found them before it runs any, and each edit writes the whole file: a second edit of the
 * same file undid the first while both reported a success. The proxy declines the second (the agent makes it again
 * in a turn of its own); edits of two files in one turn both run. About 3 s a run.
 */
const KEY = 'test-continue-same-file-edits-key';
const mode = PINNED_MODES.find((m) => m.expect === 'ws')!;

describe.each<ContinueApi>(['anthropic', 'openai'])('two edits in one turn in Continue (%s)', (api) => {
  it('runs one edit a file a turn, the agent told to make the other again', { timeout: 120_000 }, () =>
    withEditFile(mode, KEY, 'plan.txt', 'stage = draft\nowner = nobody\n', async (stack, work, file) => {
      const openai = api === 'openai';
      const other = path.join(work, 'other.txt');
      fs.writeFileSync(other, 'size = small\n');
      const edit = (file_path: string, old_string: string, new_string: string) => ({
        file_path,
        old_string,
        new_string,
      });
      const stage = { id: 'toolu_sim_sf_stage', name: 'Edit', input: edit(file, 'stage = draft', 'stage = final') };
      const owner = {
        id: 'toolu_sim_sf_owner',
        name: 'Edit',
        input: edit(file, 'owner = nobody', 'owner = kiwi'),
        answeredBy: 'or one edit a turn.',
      };
      const turns = [
        [
          { id: 'toolu_sim_sf_read', name: 'Read', input: { file_path: file } },
          { id: 'toolu_sim_sf_read2', name: 'Read', input: { file_path: other } },
        ],
        [stage, owner],
        [{ id: 'toolu_sim_sf_again', name: 'Edit', input: owner.input }],
        [
          { id: 'toolu_sim_sf_size', name: 'Edit', input: edit(other, 'size = small', 'size = large') },
          { id: 'toolu_sim_sf_last', name: 'Edit', input: edit(file, 'stage = final', 'stage = done') },
        ],
      ];
      scriptTurns(stack, 'Finish KIWI-6', turns, 'KIWI-6 is finished.', openai);

      const run = await runContinue(work, 'Finish KIWI-6 in plan.txt', stack.url, KEY, {
        api,
        args: ['--auto'],
        timeoutMs: 100_000,
      });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.answer).toContain('KIWI-6 is finished.');
      expect(fs.readFileSync(file, 'utf8')).toBe('stage = done\nowner = kiwi\n');
      expect(fs.readFileSync(other, 'utf8')).toBe('size = large\n');

      const last = turnsAbout(stack, /Finish KIWI-6/).at(-1)!;
      const results = sentToolResults(last);
      const uses = replayedToolUses(last);
      // cn ran each edit with its MultiEdit; the declined one went back as the agent made it, before them, as cn
      // replays a message's text before its calls.
      const names = ['Read', 'Read', 'Edit', 'MultiEdit', 'MultiEdit', 'MultiEdit', 'MultiEdit'];
      expect(uses.map((use) => use['name'])).toEqual(names);
      const declinedId = String(uses[2]?.['id']);
      const resultOf = (id: string) => results.find((r) => r['tool_use_id'] === id)?.['content'];
      const seen = (id: string) => seenCallId(id, openai);
      expect(sentErrorIds(last)).toEqual([declinedId]);
      expect(resultOf(declinedId)).toBe(SAME_FILE_THIS_TURN);
      for (const id of ['toolu_sim_sf_stage', 'toolu_sim_sf_again', 'toolu_sim_sf_size', 'toolu_sim_sf_last']) {
        expect(resultOf(seen(id)), id).toMatch(/^Successfully edited /);
      }
    }),
  );
});
