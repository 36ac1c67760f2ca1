import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ToolResultContent } from '../../main/core/anthropic/types';
import { resultText } from '../../main/core/orchids/gen-b/result-text';
import { replayedToolUses, sentErrorIds, sentToolResults, turnsAbout } from '../helpers/cli-clients';
import { scriptCalls } from '../helpers/edit-scenarios';
import { fdOnPath, piStack, RIPGREP_DIR, runPi, TEST_PATH } from '../helpers/pi';
import { tempDir } from '../helpers/temp-dir';
import { pinnedMode } from '../helpers/upstream';

/**
 * The agent's Glob on pi's `find` (`pi` 0.73.1, `--tools` naming it) when the machine has fd, which pi's find runs:
 * Debian's (package `fd-find`, the command `fdfind`, which pi looks for too) or one named `fd`. pi-tools.test.ts has
 * the run without fd. Skipped, saying so, on a machine with neither.
 */
const KEY = 'test-pi-find-key';
const TIMEOUT = { timeout: 150_000 };
const WS = pinnedMode('ws');
const FD = fdOnPath();
const NO_FD = 'no fd or fdfind on PATH (Debian: apt-get install fd-find)';

/** Whether `fd` takes `--no-require-git`, which pi 0.73.1's find passes (later releases than Debian 12's fd 8.6). */
function takesNoRequireGit(fd: string): boolean {
  return execFileSync(fd, ['--help'], { encoding: 'utf8' }).includes('--no-require-git');
}

/** A work folder with two text files, one in a folder, and a Markdown file. */
function fruitFolder(): string {
  const work = tempDir('orchids-pi-work-');
  fs.mkdirSync(path.join(work, 'src'));
  fs.writeFileSync(path.join(work, 'top.txt'), 'apple\n');
  fs.writeFileSync(path.join(work, 'src', 'fruit.txt'), 'mango\n');
  fs.writeFileSync(path.join(work, 'src', 'notes.md'), 'pear\n');
  return work;
}

describe('pi’s find with fd through Orchids Tray (pinned ws, Messages API)', () => {
  const stack = piStack(WS, KEY);

  it(
    'returns the files fd finds for the agent’s Glob, with and without a folder in the pattern',
    TIMEOUT,
    async (ctx) => {
      if (!FD) return ctx.skip(NO_FD);
      let fdDir = path.dirname(FD);
      // DECISION: Debian 12's fd 8.6 refuses pi's `--no-require-git` (the test below), so pi's find fails on it
      // whatever the agent asks. To run the rest of pi's find on a real fd (its glob, --hidden, --full-path,
      // --max-results, its listing read back) here and in CI, a script named `fd` drops that one switch, which changes
      // nothing in a folder with no .gitignore. An fd that takes it runs as it is.
      if (!takesNoRequireGit(FD)) {
        fdDir = tempDir('orchids-pi-fd-');
        const dropSwitch = 'for a do shift; [ "$a" = --no-require-git ] || set -- "$@" "$a"; done';
        fs.writeFileSync(path.join(fdDir, 'fd'), `#!/bin/sh\n${dropSwitch}\nexec ${FD} "$@"\n`, { mode: 0o755 });
      }
      const work = fruitFolder();
      const calls = [
        { id: 'toolu_sim_fdtxt_pi', name: 'Glob', input: { pattern: '*.txt', path: work } },
        { id: 'toolu_sim_fdmd_pi', name: 'Glob', input: { pattern: 'src/**/*.md', path: work } },
      ];
      scriptCalls(stack(), 'Find fruit files', calls, 'Found them.', false);

      const run = await runPi(work, 'Find fruit files', stack().url, KEY, 'anthropic-messages', {
        tools: ['read', 'find'],
        path: [fdDir, RIPGREP_DIR, ...TEST_PATH],
      });
      expect(run.code, run.stderr + run.stdout).toBe(0);
      expect(run.answer).toBe('Found them.');
      const last = turnsAbout(stack(), /Find fruit files/).at(-1)!;
      expect(replayedToolUses(last).map((u) => [u.name, u.input])).toEqual([
        ['find', { pattern: '*.txt', path: work }],
        ['find', { pattern: 'src/**/*.md', path: work }],
      ]);
      const [txt, md] = sentToolResults(last).map((r) => resultText(r.content as ToolResultContent));
      expect(sentErrorIds(last)).toEqual([]);
      // fd's glob crosses folders unless the pattern names one: both .txt files, and only the one .md under src.
      expect(txt).toContain('top.txt');
      expect(txt).toContain('src/fruit.txt');
      expect(txt).not.toContain('notes.md');
      expect(md).toContain('src/notes.md');
      expect(md).not.toContain('.txt');
    },
  );

  it('tells the agent pi’s find failed when fd refuses pi’s switches', TIMEOUT, async (ctx) => {
    if (!FD) return ctx.skip(NO_FD);
    if (takesNoRequireGit(FD)) return ctx.skip(`${FD} takes --no-require-git: pi's find works with it`);
    const work = fruitFolder();
    const calls = [{ id: 'toolu_sim_fdold_pi', name: 'Glob', input: { pattern: '*.txt', path: work } }];
    scriptCalls(stack(), 'Find old fruit', calls, 'No listing.', false);

    const run = await runPi(work, 'Find old fruit', stack().url, KEY, 'anthropic-messages', {
      tools: ['read', 'find'],
      path: [path.dirname(FD), RIPGREP_DIR, ...TEST_PATH],
    });
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(run.answer).toBe('No listing.');
    const last = turnsAbout(stack(), /Find old fruit/).at(-1)!;
    const [found] = sentToolResults(last).map((r) => resultText(r.content as ToolResultContent));
    expect(found).toMatch(/^error: Found argument '--no-require-git' which wasn't expected/);
    expect(sentErrorIds(last)).toEqual(['toolu_sim_fdold_pi']);
  });
});
