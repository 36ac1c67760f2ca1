import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { codexHome, CODEX_KEY_VARIABLE, type CodexOptions } from './codex';
import { until } from './wait';

const CODEX = path.resolve(__dirname, '../../node_modules/.bin/codex');

export interface CodexTuiOptions extends CodexOptions {
  /**
   * Codex's own defaults, as a user who sets nothing runs it: approvals `on-request` in its workspace sandbox (it
   * asks before a command it deems risky). Without it, no approvals and no sandbox.
   */
  approvals?: boolean;
}

export interface CodexTui {
  /** Types `text` into Codex's prompt and presses Enter. */
  submit: (text: string) => Promise<void>;
  /** Presses one key, as tmux names it (`y`, `Escape`, `Enter`). */
  press: (key: string) => void;
  /** What the terminal shows now. */
  screen: () => string;
  /** Waits until the screen matches `pattern`; fails quoting the screen. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<void>;
  stop: () => void;
}

/**
 * Codex's TUI, as a user runs it, in a terminal of its own: a tmux server on a socket named for this run (so
 * `stop` ends this server alone, and with it Codex and what Codex started), pointed at the proxy by a fresh
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
  const socket = `orchids-codex-${process.pid}-${Date.now()}`;
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8', timeout: 10_000 });
  const env = { HOME: home, CODEX_HOME: home, NO_COLOR: '1', TERM: 'xterm-256color', [CODEX_KEY_VARIABLE]: apiKey };
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${shellQuote(value)}`);
  const flags = options.approvals ? [] : ['--dangerously-bypass-approvals-and-sandbox'];
  const command = ['env', ...assignments, shellQuote(CODEX), ...flags].join(' ');
  tmux('-f', '/dev/null', 'new-session', '-d', '-x', '160', '-y', '50', '-c', cwd, command);
  const screen = (): string => tmux('capture-pane', '-p', '-t', '0');
  const waitFor = async (pattern: RegExp, timeoutMs = 20_000): Promise<void> => {
    try {
      await until(() => pattern.test(screen()), { timeoutMs, what: String(pattern) });
    } catch (error) {
      throw new Error(`${(error as Error).message}; the screen:\n${screen()}`, { cause: error });
    }
  };
  const tui: CodexTui = {
    screen,
    waitFor,
    press: (key) => {
      tmux('send-keys', '-t', '0', key);
    },
    submit: async (text) => {
      // The prompt is the last line opening with Codex's chevron (the conversation above shows sent ones too).
      const prompt = (): string | undefined =>
        screen()
          .split('\n')
          .filter((line) => line.startsWith('›'))
          .at(-1)
          ?.trimEnd();
      // Keys that arrive while Codex redraws at the end of a turn can be lost (seen in CI: the text never reached the
      // prompt, whose placeholder then read as "taken"), so the text is typed again until the prompt shows it.
      // Typed again only when none of it shows, so a slow redraw cannot make it twice.
      await until(
        async () => {
          if (prompt() === `› ${text}`) return true;
          if (!prompt()?.includes(text.slice(0, 12))) tmux('send-keys', '-t', '0', '-l', text);
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          return prompt() === `› ${text}`;
        },
        { timeoutMs: 30_000, what: `Codex's prompt to show "${text}"` },
      );
      // Codex ignores Enter until its app server is up (seconds after the window shows): pressed again until the
      // prompt has taken the text. Typed apart from the text, or Codex reads a paste ending in a newline.
      await until(
        async () => {
          tmux('send-keys', '-t', '0', 'Enter');
          await new Promise((resolve) => setTimeout(resolve, 500));
          return prompt() !== `› ${text}`;
        },
        { timeoutMs: 60_000, what: `Codex to take "${text}"` },
      );
    },
    stop: () => {
      try {
        tmux('kill-server');
      } catch {
        // Already gone.
      }
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
  return tui;
}

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
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
