import { runCli } from '../../main/cli';

export interface CliRun {
  code: number;
  /** What it printed for the user to read (stdout), one line per print. */
  out: string;
  /** What it printed beside (stderr): kept apart so that a test can check it and a run's output stays readable. */
  notes: string[];
}

/**
 * `npm run cli -- <args>`, run in this process against the data folder and simulator `env` names, and this test
 * file's own registry of running apps (test/helpers/vitest-setup.ts) unless `env` names another.
 */
export async function cli(givenEnv: NodeJS.ProcessEnv, ...args: string[]): Promise<CliRun> {
  const env = { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR, ...givenEnv };
  const lines: string[] = [];
  const notes: string[] = [];
  const code = await runCli(
    args,
    (line) => lines.push(line),
    env,
    (line) => notes.push(line),
  );
  return { code, out: lines.join('\n'), notes };
}

/** The same, for a command that must succeed: its output, or a failed test that shows what it said instead. */
export async function cliOk(env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  const run = await cli(env, ...args);
  if (run.code !== 0)
    throw new Error(`cli ${args.join(' ')} exited ${run.code}: ${[...run.notes, run.out].join('\n')}`);
  return run.out;
}
