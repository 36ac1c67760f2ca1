/**
 * What the tests of Codex CLI's code review share: a git repository with a change to review (uncommitted, or committed
 * on a branch), the agent's turns of a review (read the change with its shell, then answer), and the JSON findings
 * Codex's review prompt asks for.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { finish, reply, sse, text, toolCall, type AgentResponder } from '../sim/orchids-simulator';
import { upstreamText } from './upstream';
import { tempDir } from './temp-dir';

/** The user message Codex 0.171 sends for a review of uncommitted changes (`--uncommitted`, the TUI's preset 2). */
export const REVIEW_ASK = /Review the current code changes/;

/** What a review preset asks the agent (a pattern of its user message) and the shell command that reads the change. */
export interface ReviewPreset {
  ask: RegExp;
  command: string;
}

const UNCOMMITTED: ReviewPreset = { ask: REVIEW_ASK, command: 'git diff' };

/** A git repository with one committed file and an uncommitted change to it, the bug a review should find. */
export function repoWithChange(): { work: string; file: string } {
  const { work, file, git } = repoWithFile();
  git('commit', '-qm', 'add');
  fs.writeFileSync(file, BUGGY);
  return { work, file };
}

/**
 * A git repository whose `main` has the file and whose branch `feature`, checked out, commits the bug on top: the
 * change `--base main` and `--commit <sha>` review, with nothing uncommitted. `sha` is that commit, titled `title`;
 * `base` is `main`'s, the merge base.
 */
export function repoWithCommit(): { work: string; file: string; base: string; sha: string; title: string } {
  const { work, file, git } = repoWithFile();
  git('commit', '-qm', 'add');
  const base = git('rev-parse', 'HEAD').toString().trim();
  git('checkout', '-qb', 'feature');
  fs.writeFileSync(file, BUGGY);
  const title = 'Make add faster';
  git('commit', '-qam', title);
  return { work, file, base, sha: git('rev-parse', 'HEAD').toString().trim(), title };
}

const BUGGY = 'function add(a, b) {\n  return a - b;\n}\n';

/** A new repository on branch `main` with `add.js` staged, and git run in it. */
function repoWithFile(): { work: string; file: string; git: (...args: string[]) => Buffer } {
  const work = tempDir('orchids-codex-review-');
  const file = path.join(work, 'add.js');
  // Git's identity for the commits, and no user config (HOME is the repository).
  const env = {
    PATH: process.env.PATH,
    HOME: work,
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'author@example.invalid',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'committer@example.invalid',
  };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: work, env });
  git('init', '-q', '-b', 'main');
  fs.writeFileSync(file, 'function add(a, b) {\n  return a + b;\n}\n');
  git('add', '.');
  return { work, file, git };
}

/** The findings of that change in the shape Codex's review prompt asks for, as the agent would write them. */
export function findingsFor(file: string): Record<string, unknown> {
  return {
    findings: [
      {
        title: '[P1] Subtract instead of add',
        body: '`add` now returns `a - b`.',
        confidence_score: 0.9,
        priority: 1,
        code_location: { absolute_file_path: file, line_range: { start: 2, end: 2 } },
      },
    ],
    overall_correctness: 'patch is incorrect',
    overall_explanation: 'add subtracts.',
    overall_confidence_score: 0.9,
  };
}

/**
 * The agent's turns of a review: read the change with its shell (Generation A calls Codex's `exec_command`,
 * Generation B's agent its own Bash) as `preset` says (by default `git diff`, on the ask of `--uncommitted`), then give
 * `answer` once the change is in. Other requests are left to `other`.
 */
export function reviewTurns(
  genA: boolean,
  answer: string,
  other?: AgentResponder,
  preset: ReviewPreset = UNCOMMITTED,
): AgentResponder {
  const shell = genA
    ? { name: 'exec_command', input: { cmd: preset.command } }
    : { name: 'Bash', input: { command: preset.command, description: 'Show the change' } };
  return (req) => {
    const seen = upstreamText(req);
    const fallback = other?.(req);
    if (fallback) return fallback;
    if (seen.includes('return a - b')) return sse(reply(answer));
    if (!preset.ask.test(seen)) return undefined;
    return sse([
      ...text('Let me look at the diff.'),
      ...toolCall({ id: 'toolu_sim_diff_0001', ...shell }),
      ...finish('tool-calls'),
    ]);
  };
}
