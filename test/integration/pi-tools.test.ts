import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToolResultContent } from '../../main/core/anthropic/types';
import { resultText } from '../../main/core/orchids/gen-b/result-text';
import { pinnedMode } from '../helpers/upstream';
import { replayedToolUses, sentErrorIds, sentToolResults, turnsAbout } from '../helpers/cli-clients';
import { scriptCalls, seenCallId } from '../helpers/edit-scenarios';
import { tempDir } from '../helpers/temp-dir';
import { pathWithoutFd, PI_APIS, piStack, runPi } from '../helpers/pi';

/**
 * The real pi (`pi` 0.73.1) when its tools fail: the agent must read each failure as its own tools' errors, in pi's
 * words. pi flags a failed call on the Messages API (`is_error`); on Chat Completions a `tool` message has no flag.
 */
const KEY = 'test-pi-tools-key';
const TIMEOUT = { timeout: 150_000 };
const WS = pinnedMode('ws');

describe('pi’s failed tools through Orchids Tray (pinned ws)', () => {
  const stack = piStack(WS, KEY);

  for (const [api, topic] of PI_APIS) {
    it(
      `tells the agent of an edit whose old text is not there and a missing file's read, on ${api}`,
      TIMEOUT,
      async () => {
        const openai = api === 'openai-completions';
        const work = tempDir('orchids-pi-work-');
        const file = path.join(work, 'plan.txt');
        fs.writeFileSync(file, 'step one: MANGO\n');
        const missing = path.join(work, 'gone.txt');
        const calls = [
          {
            id: `toolu_sim_fedit_${topic}`,
            name: 'Edit',
            input: { file_path: file, old_string: 'KIWI', new_string: 'FIG' },
          },
          { id: `toolu_sim_fread_${topic}`, name: 'Read', input: { file_path: missing } },
        ];
        scriptCalls(stack(), `Break plan ${topic}`, calls, 'Neither worked.', openai);

        const run = await runPi(work, `Break plan ${topic}`, stack().url, KEY, api);
        expect(run.code, run.stderr + run.stdout).toBe(0);
        expect(run.answer).toBe('Neither worked.');
        expect(fs.readFileSync(file, 'utf8')).toBe('step one: MANGO\n');
        const last = turnsAbout(stack(), new RegExp(`Break plan ${topic}`)).at(-1)!;
        const ids = calls.map((c) => seenCallId(c.id, openai));
        expect(sentToolResults(last).map((r) => r.tool_use_id)).toEqual(ids);
        expect(sentErrorIds(last)).toEqual(ids);
        const [edit, read] = sentToolResults(last).map((r) => JSON.stringify(r.content));
        const words = 'The old text must match exactly including all whitespace and newlines.';
        expect(edit).toContain(`Could not find the exact text in ${file}. ${words}`);
        expect(read).toContain(`ENOENT: no such file or directory`);
        expect(read).toContain(missing);
      },
    );
  }
});

describe('pi’s failed command through Orchids Tray (pinned ws)', () => {
  const stack = piStack(WS, KEY);

  for (const [api, topic] of PI_APIS) {
    it(
      `tells the agent a command that exits non-zero failed, and one that succeeds did not, on ${api}`,
      TIMEOUT,
      async () => {
        const openai = api === 'openai-completions';
        const work = tempDir('orchids-pi-work-');
        const calls = [
          { id: `toolu_sim_fbash_${topic}`, name: 'Bash', input: { command: 'echo half-done; exit 3' } },
          { id: `toolu_sim_okbash_${topic}`, name: 'Bash', input: { command: 'echo all-done' } },
        ];
        scriptCalls(stack(), `Run steps ${topic}`, calls, 'One failed.', openai);

        const run = await runPi(work, `Run steps ${topic}`, stack().url, KEY, api);
        expect(run.code, run.stderr + run.stdout).toBe(0);
        expect(run.answer).toBe('One failed.');
        const last = turnsAbout(stack(), new RegExp(`Run steps ${topic}`)).at(-1)!;
        expect(sentErrorIds(last)).toEqual([seenCallId(calls[0]!.id, openai)]);
        const [failed, ok] = sentToolResults(last).map((r) => JSON.stringify(r.content));
        // pi's words, in JSON: the output, then its last line after a blank line.
        expect(failed).toContain('half-done\\n\\n\\nCommand exited with code 3"');
        expect(ok).toContain('all-done');
      },
    );
  }
});

describe('the agent’s searches run on pi’s bash (pinned ws)', () => {
  const stack = piStack(WS, KEY);

  for (const [api, topic] of PI_APIS) {
    it(
      `tells the agent a search that found nothing found nothing, and a missing folder's listing failed, on ${api}`,
      TIMEOUT,
      async () => {
        const openai = api === 'openai-completions';
        const work = tempDir('orchids-pi-work-');
        fs.writeFileSync(path.join(work, 'fruit.txt'), 'apple\nfig-12\n');
        // No ripgrep on this PATH: the `\d` reaches `grep -E` as `[0-9]`, through `head` for the limit.
        const figs = { pattern: 'fig-\\d+', path: work, output_mode: 'content', head_limit: 3 };
        const calls = [
          { id: `toolu_sim_cgrep_${topic}`, name: 'Grep', input: { pattern: 'durian', path: work } },
          { id: `toolu_sim_cls_${topic}`, name: 'LS', input: { path: path.join(work, 'gone') } },
          { id: `toolu_sim_cfig_${topic}`, name: 'Grep', input: figs },
        ];
        scriptCalls(stack(), `Seek fruit ${topic}`, calls, 'Sought.', openai);

        const run = await runPi(work, `Seek fruit ${topic}`, stack().url, KEY, api);
        expect(run.code, run.stderr + run.stdout).toBe(0);
        const last = turnsAbout(stack(), new RegExp(`Seek fruit ${topic}`)).at(-1)!;
        expect(replayedToolUses(last).map((u) => u.name)).toEqual(['bash', 'bash', 'bash']);
        const [grep, ls, fig] = sentToolResults(last).map((r) => JSON.stringify(r.content));
        expect(fig).toContain(`${path.join(work, 'fruit.txt')}:2:fig-12`);
        expect(fig).not.toContain('Command exited');
        expect(grep).toContain('No matches found.');
        expect(grep).not.toContain('Command exited');
        expect(ls).toContain('No such file or directory');
        expect(ls).not.toContain('Command exited');
        expect(sentErrorIds(last)).toEqual([seenCallId(calls[1]!.id, openai)]);
      },
    );
  }
});

describe('the agent’s Read on pi’s bash, without pi’s read (pinned ws)', () => {
  const stack = piStack(WS, KEY);

  for (const [api, topic] of PI_APIS) {
    it(
      `tells the agent a Read of a missing file or a folder, and a Glob of a missing folder, failed, on ${api}`,
      TIMEOUT,
      async () => {
        const openai = api === 'openai-completions';
        const work = tempDir('orchids-pi-work-');
        fs.mkdirSync(path.join(work, 'src'));
        const calls = [
          { id: `toolu_sim_rgone_${topic}`, name: 'Read', input: { file_path: path.join(work, 'gone.txt') } },
          { id: `toolu_sim_rdir_${topic}`, name: 'Read', input: { file_path: path.join(work, 'src') } },
          { id: `toolu_sim_ggone_${topic}`, name: 'Glob', input: { pattern: '*.ts', path: path.join(work, 'gone') } },
        ];
        scriptCalls(stack(), `Open plan ${topic}`, calls, 'Nothing there.', openai);

        const run = await runPi(work, `Open plan ${topic}`, stack().url, KEY, api, {
          tools: ['bash', 'edit', 'write'],
        });
        expect(run.code, run.stderr + run.stdout).toBe(0);
        expect(run.answer).toBe('Nothing there.');
        const last = turnsAbout(stack(), new RegExp(`Open plan ${topic}`)).at(-1)!;
        expect(replayedToolUses(last).map((u) => u.name)).toEqual(['bash', 'bash', 'bash']);
        expect(sentErrorIds(last)).toEqual(calls.map((c) => seenCallId(c.id, openai)));
        const [gone, dir, glob] = sentToolResults(last).map((r) => resultText(r.content as ToolResultContent));
        expect(gone).toBe('File does not exist.');
        expect(dir).toBe(`cat: ${path.join(work, 'src')}: Is a directory`);
        expect(glob).toBe('Path does not exist.');
      },
    );
  }
});

describe('pi’s grep, find and ls through Orchids Tray (pinned ws)', () => {
  const stack = piStack(WS, KEY);

  it(
    'runs the agent’s Grep, Glob and LS on them when --tools names them, with the agent’s parameters',
    TIMEOUT,
    async () => {
      const work = tempDir('orchids-pi-work-');
      fs.mkdirSync(path.join(work, 'src'));
      fs.writeFileSync(path.join(work, 'src', 'fruit.txt'), 'apple\nMango tree\npear\n');
      fs.writeFileSync(path.join(work, 'src', 'other.md'), 'mango in markdown\n');
      const calls = [
        {
          id: 'toolu_sim_grep_pi',
          name: 'Grep',
          input: { pattern: 'mango', path: work, glob: '*.txt', '-i': true, '-C': 1, head_limit: 5 },
        },
        { id: 'toolu_sim_glob_pi', name: 'Glob', input: { pattern: '**/*.md', path: work } },
        { id: 'toolu_sim_ls_pi', name: 'LS', input: { path: path.join(work, 'src') } },
      ];
      scriptCalls(stack(), 'Search fruit', calls, 'Searched.', false);

      const run = await runPi(work, 'Search fruit in src', stack().url, KEY, 'anthropic-messages', {
        tools: ['read', 'grep', 'find', 'ls'],
        path: pathWithoutFd(),
      });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.answer).toBe('Searched.');
      const last = turnsAbout(stack(), /Search fruit/).at(-1)!;
      expect(replayedToolUses(last).map((u) => [u.name, u.input])).toEqual([
        ['grep', { pattern: 'mango', path: work, glob: '*.txt', ignoreCase: true, context: 1, limit: 5 }],
        ['find', { pattern: '**/*.md', path: work }],
        ['ls', { path: path.join(work, 'src') }],
      ]);
      const [grep, find, ls] = sentToolResults(last).map((r) => JSON.stringify(r.content));
      // The case switch and the line around the match, the other file left out by the glob.
      expect(grep).toContain('fruit.txt:2: Mango tree');
      expect(grep).toContain('fruit.txt-1- apple');
      expect(grep).not.toContain('other.md');
      // pi's find runs fd, which this PATH lacks and pi downloads none of offline: its error reaches the agent.
      expect(find).toContain('fd is not available');
      expect(sentErrorIds(last)).toEqual(['toolu_sim_glob_pi']);
      expect(ls).toContain('fruit.txt');
      expect(ls).toContain('other.md');
    },
  );
});
