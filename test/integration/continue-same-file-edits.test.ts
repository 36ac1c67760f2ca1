import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pinnedMode } from '../helpers/upstream';
import { replayedToolUses, sentErrorIds, sentToolResults, turnsAbout } from '../helpers/cli-clients';
import { scriptTurns, seenCallId, withEditFile, type AgentCall } from '../helpers/edit-scenarios';
import { runContinue, type ContinueApi, type ContinueModel } from '../helpers/continue';
import type { Stack } from '../helpers/stack';
import { ONE_EDIT_A_TURN, SAME_FILE_THIS_TURN } from '../../main/core/anthropic/multi-edit';

/**
 * The real Continue CLI (`cn` 1.5.47, `-p --auto`) through both of its providers on Generation B's `ws`, with the
 * agent changing one file twice in one turn. cn works out every call of a turn on the files as the turn found them
 * before it runs any, and each edit writes the whole file: a second edit of the same file undid the first, and an Edit
 * after a Write of its file undid the Write, while both reported a success. The proxy declines the later edit (the
 * agent makes it again in a turn of its own); edits of two files in one turn both run, and a declined edit (a MultiEdit
 * on cn's one-edit Edit) leaves its file free for the turn's next edit; a file is one file however the agent spells
 * its path. About 2 s a run.
 */
const KEY = 'test-continue-same-file-edits-key';
const mode = pinnedMode('ws');
/** A model cn does not count as capable: it declares its one-edit Edit (continue-edit-tool.test.ts). */
const GLM: ContinueModel = { model: 'glm-5', name: 'GLM via Orchids Tray' };

const edit = (file_path: string, old_string: string, new_string: string) => ({ file_path, old_string, new_string });

/** cn run on the agent making `turns` about `topic`, on `model`; the last upstream turn's calls and results. */
async function runTurns(
  stack: Stack,
  work: string,
  api: ContinueApi,
  topic: string,
  turns: AgentCall[][],
  model?: ContinueModel,
) {
  scriptTurns(stack, topic, turns, `${topic} is finished.`, api === 'openai');
  const options = { api, args: ['--auto'], model, timeoutMs: 100_000 };
  const run = await runContinue(work, `${topic} in this folder`, stack.url, KEY, options);
  expect(run.code, run.stderr + run.stdout).toBe(0);
  expect(run.answer).toContain(`${topic} is finished.`);
  const last = turnsAbout(stack, new RegExp(topic)).at(-1)!;
  const results = sentToolResults(last);
  return {
    uses: replayedToolUses(last),
    errors: sentErrorIds(last),
    resultOf: (id: string) => results.find((r) => r['tool_use_id'] === id)?.['content'],
  };
}

describe.each<ContinueApi>(['anthropic', 'openai'])('one file changed twice in one Continue turn (%s)', (api) => {
  const seen = (id: string) => seenCallId(id, api === 'openai');

  it('runs one edit a file a turn, the agent told to make the other again', { timeout: 120_000 }, () =>
    withEditFile(mode, KEY, 'plan.txt', 'stage = draft\nowner = nobody\n', async (stack, work, file) => {
      const other = path.join(work, 'other.txt');
      fs.writeFileSync(other, 'size = small\n');
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
      const { uses, errors, resultOf } = await runTurns(stack, work, api, 'Finish KIWI-6', turns);
      expect(fs.readFileSync(file, 'utf8')).toBe('stage = done\nowner = kiwi\n');
      expect(fs.readFileSync(other, 'utf8')).toBe('size = large\n');
      // cn ran each edit with its MultiEdit; the declined one went back as the agent made it, before them, as cn
      // replays a message's text before its calls.
      const names = ['Read', 'Read', 'Edit', 'MultiEdit', 'MultiEdit', 'MultiEdit', 'MultiEdit'];
      expect(uses.map((use) => use['name'])).toEqual(names);
      const declinedId = String(uses[2]?.['id']);
      expect(errors).toEqual([declinedId]);
      expect(resultOf(declinedId)).toBe(SAME_FILE_THIS_TURN);
      for (const id of ['toolu_sim_sf_stage', 'toolu_sim_sf_again', 'toolu_sim_sf_size', 'toolu_sim_sf_last']) {
        expect(resultOf(seen(id)), id).toMatch(/^Successfully edited /);
      }
    }),
  );

  it('counts a relative and an absolute path to one file as one file', { timeout: 120_000 }, () =>
    withEditFile(mode, KEY, 'plan.txt', 'stage = draft\nowner = nobody\nsize = small\n', async (stack, work, file) => {
      // cn resolves a relative path against its working directory, which its system prompt's <env> names.
      const owner = edit(file, 'owner = nobody', 'owner = kiwi');
      const size = edit('./plan.txt', 'size = small', 'size = large');
      const turns = [
        [{ id: 'toolu_sim_rp_read', name: 'Read', input: { file_path: 'plan.txt' } }],
        [
          { id: 'toolu_sim_rp_stage', name: 'Edit', input: edit('plan.txt', 'stage = draft', 'stage = final') },
          { id: 'toolu_sim_rp_owner', name: 'Edit', input: owner, answeredBy: 'or one edit a turn.' },
          { id: 'toolu_sim_rp_size', name: 'Edit', input: size, answeredBy: 'or one edit a turn.' },
        ],
        [{ id: 'toolu_sim_rp_owner2', name: 'Edit', input: owner }],
        [{ id: 'toolu_sim_rp_size2', name: 'Edit', input: size }],
      ];
      const { errors, resultOf } = await runTurns(stack, work, api, 'Finish KIWI-8', turns);
      expect(fs.readFileSync(file, 'utf8')).toBe('stage = final\nowner = kiwi\nsize = large\n');
      expect(errors).toHaveLength(2);
      for (const id of errors) expect(resultOf(id)).toBe(SAME_FILE_THIS_TURN);
      for (const id of ['toolu_sim_rp_stage', 'toolu_sim_rp_owner2', 'toolu_sim_rp_size2']) {
        expect(resultOf(seen(id)), id).toMatch(/^Successfully edited /);
      }
    }),
  );

  it('runs an Edit after a declined MultiEdit of its file in the same turn', { timeout: 120_000 }, () =>
    withEditFile(mode, KEY, 'plan.txt', 'stage = draft\nowner = nobody\n', async (stack, work, file) => {
      const multi = {
        file_path: file,
        edits: [edit(file, 'stage = draft', 'stage = final'), edit(file, 'owner = nobody', 'owner = kiwi')],
      };
      const turns = [
        [{ id: 'toolu_sim_te_read', name: 'Read', input: { file_path: file } }],
        [
          { id: 'toolu_sim_te_multi', name: 'MultiEdit', input: multi, answeredBy: 'one call a turn.' },
          { id: 'toolu_sim_te_edit', name: 'Edit', input: edit(file, 'stage = draft', 'stage = final') },
        ],
      ];
      const { uses, errors, resultOf } = await runTurns(stack, work, api, 'Finish KIWI-7', turns, GLM);
      expect(fs.readFileSync(file, 'utf8')).toBe('stage = final\nowner = nobody\n');
      expect(uses.map((use) => use['name'])).toEqual(['Read', 'MultiEdit', 'Edit']);
      const multiId = String(uses[1]?.['id']);
      expect(errors).toEqual([multiId]);
      expect(resultOf(multiId)).toBe(ONE_EDIT_A_TURN);
      expect(resultOf(seen('toolu_sim_te_edit'))).toMatch(/^Successfully edited /);
    }),
  );

  it('declines an Edit after a Write of its file in the same turn', { timeout: 120_000 }, () =>
    withEditFile(mode, KEY, 'size.txt', 'x = 1\ny = 2\n', async (stack, work, file) => {
      const change = edit(file, 'x = 1', 'x = 9');
      const turns = [
        [{ id: 'toolu_sim_te_read2', name: 'Read', input: { file_path: file } }],
        [
          { id: 'toolu_sim_te_write', name: 'Write', input: { file_path: file, content: 'x = 1\ny = 3\n' } },
          { id: 'toolu_sim_te_after', name: 'Edit', input: change, answeredBy: 'or one edit a turn.' },
        ],
        [{ id: 'toolu_sim_te_again', name: 'Edit', input: change }],
      ];
      const { uses, errors, resultOf } = await runTurns(stack, work, api, 'Resize LIME-4', turns);
      // Run in the turn of the Write, the Edit undid it: the file ended `x = 9`, `y = 2`, both reported a success.
      expect(fs.readFileSync(file, 'utf8')).toBe('x = 9\ny = 3\n');
      expect(uses.map((use) => use['name'])).toEqual(['Read', 'Edit', 'Write', 'MultiEdit']);
      const declinedId = String(uses[1]?.['id']);
      expect(errors).toEqual([declinedId]);
      expect(resultOf(declinedId)).toBe(SAME_FILE_THIS_TURN);
      expect(resultOf(seen('toolu_sim_te_write'))).toMatch(/^Successfully wrote to file: /);
      expect(resultOf(seen('toolu_sim_te_again'))).toMatch(/^Successfully edited /);
    }),
  );
});
