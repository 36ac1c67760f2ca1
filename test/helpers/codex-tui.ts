import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { codexHome, CODEX_KEY_VARIABLE, WORKSPACE_ONLY, type CodexOptions } from './codex';
import { startTerminal, type Terminal } from './tmux-terminal';

const CODEX = path.resolve(__dirname, '../../node_modules/.bin/codex');

export interface CodexTuiOptions extends CodexOptions {
  /**
   * Codex's own defaults, as a user who sets nothing runs it: approvals `on-request` in its workspace sandbox (it
   * asks before a command it deems risky), in a folder it is not told to trust (no git repository) its sandbox
   * read-only. Without it (or `workspaceOnly`), no approvals and no sandbox.
   */
  approvals?: boolean;
}

export type CodexTui = Terminal;

/**
 * One more attempt for a Codex TUI test, on a fresh stack and terminal: three CI runs this stop each lost one of these
 * tests to the terminal, not the proxy (a key Codex's TUI dropped as it drew a question; its tmux session gone before
 * the first prompt), each passing alone and in the other runs. A behaviour that is wrong fails both attempts.
 */
export const CODEX_TUI_RETRY = { retry: 1 };

/**
 * Codex's TUI, as a user runs it, in a terminal of its own (see `startTerminal`), pointed at the proxy by a fresh
 * `CODEX_HOME` (see `codexHome`). Only the TUI does some things `codex exec` does not (it keeps an active goal going
 * turn after turn).
 */
export async function startCodexTui(
  cwd: string,
  baseUrl: string,
  apiKey: string,
  options: CodexTuiOptions = {},
): Promise<CodexTui> {
  const home = codexHome(baseUrl, options);
  // Codex 0.171's TUI on its built-in provider opens on its sign-in screen unless a key was saved, as a user saves
  // one: `codex login --with-api-key`, the key on stdin (it checks nothing until a request).
  if (options.builtinProvider) {
    execFileSync(CODEX, ['login', '--with-api-key'], {
      input: apiKey,
      env: { PATH: process.env.PATH, HOME: home, CODEX_HOME: home },
      timeout: 30_000,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  }
  const flags = options.workspaceOnly
    ? WORKSPACE_ONLY
    : options.approvals
      ? []
      : ['--dangerously-bypass-approvals-and-sandbox'];
  const terminal = startTerminal({
    cwd,
    // The built-in `openai` provider's key is the one `codex login` saved (above); the TUI reads no CODEX_API_KEY.
    env: { HOME: home, CODEX_HOME: home, ...(options.builtinProvider ? {} : { [CODEX_KEY_VARIABLE]: apiKey }) },
    command: [CODEX, ...flags],
    promptMark: '›',
  });
  return {
    ...terminal,
    stop: async () => {
      await terminal.stop();
      // The TUI starts an app-server daemon of its own per CODEX_HOME, detached, which outlives it: this run's only.
      for (const pid of processesMentioning(home)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Gone meanwhile.
        }
      }
    },
  };
}

/** The processes whose command line names `dir` (a folder made for one test, so nobody else's). */
function processesMentioning(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(`${dir}/`)) pids.push(Number(entry));
    } catch {
      // Ended meanwhile, or not ours to read.
    }
  }
  return pids;
}
